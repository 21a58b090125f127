/* fuzz_match.c - libFuzzer target: any bytes as a document, matched with the shipped rules. The
 * output must keep its contract: every entity's text is the slice at both offset pairs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "govner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static govner_ruleset *rs;
    static govner_matcher *m;
    if (!rs) {
        const char *dir = getenv("GOVNER_RULES");
        govner_error err;
        rs = govner_ruleset_load(dir ? dir : GOVNER_SOURCE_RULES, &err);
        if (!rs)
            abort();
        m = govner_matcher_new(rs);
    }
    size_t len, bad;
    char *text = govner_utf8_repair((const char *)data, size, &len, &bad);
    if (!text)
        return 0;
    govner_error err;
    if (govner_match(m, text, len, &err) == GOVNER_OK) {
        for (size_t i = 0; i < govner_entity_count(m); i++) {
            const govner_entity *e = govner_entity_at(m, i);
            if (e->byte_end > len || e->byte_start > e->byte_end || e->start > e->end)
                abort();
            if (strlen(e->text) != e->byte_end - e->byte_start ||
                memcmp(e->text, text + e->byte_start, e->byte_end - e->byte_start) != 0)
                abort();
        }
        free(govner_matcher_json(m, "\"line\":1,"));
        free(govner_matcher_tsv(m, "fuzz"));
    } else if (err.status != GOVNER_ERR_LIMIT && err.status != GOVNER_ERR_NOMEM) {
        abort();
    }
    free(text);
    return 0;
}
