/* entities.c - read a document on stdin, print one line per entity: type, text, offsets.
 *
 *   cc entities.c $(pkg-config --cflags --libs govner) -o entities
 *   ./entities /usr/local/share/govner/rules < report.txt
 */
#include <govner.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s RULES_DIR < text\n", argv[0]);
        return 2;
    }
    /* Read all of stdin. */
    size_t len = 0, cap = 1 << 16;
    char *text = malloc(cap);
    size_t n;
    while (text && (n = fread(text + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap) {
            char *bigger = realloc(text, cap *= 2);
            if (!bigger)
                free(text);
            text = bigger;
        }
    }
    if (!text) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }

    govner_error err;
    govner_ruleset *rs = govner_ruleset_load(argv[1], &err);
    if (!rs) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
        free(text);
        return 1;
    }
    govner_matcher *m = govner_matcher_new(rs);
    if (!m || govner_match(m, text, len, &err) != GOVNER_OK) {
        fprintf(stderr, "%s\n", m ? err.message : "out of memory");
        govner_matcher_free(m);
        govner_ruleset_free(rs);
        free(text);
        return 1;
    }
    for (size_t i = 0; i < govner_entity_count(m); i++) {
        const govner_entity *e = govner_entity_at(m, i);
        printf("%s\t%s\t%zu\t%zu", e->type, e->text, e->start, e->end);
        const char *full = govner_entity_attr(e, "full");
        if (full)
            printf("\tfull=%s", full);
        putchar('\n');
    }
    govner_matcher_free(m);
    govner_ruleset_free(rs);
    free(text);
    return 0;
}
