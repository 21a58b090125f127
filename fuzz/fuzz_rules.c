/* fuzz_rules.c - libFuzzer target: any bytes as a rule file must load or fail cleanly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "govner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/govner-fuzz-rules-%d.rules", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    govner_error err;
    govner_ruleset *rs = govner_ruleset_load(path, &err);
    if (rs) {
        /* Run the examples too: they drive the matcher with whatever the rules became. */
        govner_ruleset_check(rs, NULL, NULL, &err);
        govner_matcher *m = govner_matcher_new(rs);
        if (m) {
            const char *text = "省委书记许达哲出席会议，湖南省长沙市。abc";
            if (govner_match(m, text, strlen(text), &err) == GOVNER_OK)
                free(govner_matcher_json(m, NULL));
        }
        govner_matcher_free(m);
    } else if (err.status == GOVNER_OK) {
        abort(); /* a failure must say why */
    }
    govner_ruleset_free(rs);
    unlink(path);
    return 0;
}
