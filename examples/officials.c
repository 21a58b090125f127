/* officials.c - print each person found in a document with the titles the text gives them, once
 * per person: the "who held which post" table analysts ask for.
 *
 *   cc officials.c $(pkg-config --cflags --libs govner) -o officials
 *   ./officials /usr/local/share/govner/rules < report.txt
 */
#include <govner.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s RULES_DIR < text\n", argv[0]);
        return 2;
    }
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text, stdin);
    govner_error err;
    govner_ruleset *rs = govner_ruleset_load(argv[1], &err);
    if (!rs) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
        return 1;
    }
    govner_matcher *m = govner_matcher_new(rs);
    if (!m || govner_match(m, text, len, &err) != GOVNER_OK) {
        fprintf(stderr, "%s\n", m ? err.message : "out of memory");
        return 1;
    }
    for (size_t i = 0; i < govner_entity_count(m); i++) {
        const govner_entity *e = govner_entity_at(m, i);
        if (strcmp(e->type, "person") != 0)
            continue;
        int seen = 0; /* print each name once: every mention carries the merged titles */
        for (size_t j = 0; j < i && !seen; j++) {
            const govner_entity *o = govner_entity_at(m, j);
            seen = strcmp(o->type, "person") == 0 && strcmp(o->text, e->text) == 0;
        }
        if (seen)
            continue;
        printf("%s", e->text);
        for (size_t a = 0; a < e->n_attrs; a++)
            if (strcmp(e->attrs[a].key, "titles") == 0)
                for (size_t v = 0; v < e->attrs[a].n_values; v++)
                    printf("%s%s", v ? "、" : "\t", e->attrs[a].values[v]);
        putchar('\n');
    }
    govner_matcher_free(m);
    govner_ruleset_free(rs);
    return 0;
}
