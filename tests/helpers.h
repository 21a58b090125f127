/* helpers.h - shared by the unit tests: rule sets from strings, matching, and entity lookup. */
#ifndef GOVNER_TEST_HELPERS_H
#define GOVNER_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "govner.h"

/* Write `text` to a fresh temporary directory as main.rules (plus optional extra files given as
 * name, content pairs ending with NULL) and load it. Returns NULL with *err set on failure. */
static inline govner_ruleset *rules_from(const char *text, govner_error *err, ...) {
    char dir[] = "/tmp/govner-test-XXXXXX";
    if (!mkdtemp(dir))
        return NULL;
    char path[256];
    va_list ap;
    va_start(ap, err);
    const char *name;
    while ((name = va_arg(ap, const char *))) {
        const char *content = va_arg(ap, const char *);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        fputs(content, f);
        fclose(f);
    }
    va_end(ap);
    snprintf(path, sizeof path, "%s/main.rules", dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    govner_ruleset *rs = govner_ruleset_load(dir, err);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return rs;
}

/* Like rules_from, but fails the test when loading fails. */
static inline govner_ruleset *must_load(const char *text) {
    govner_error err;
    govner_ruleset *rs = rules_from(text, &err, NULL);
    if (!rs)
        fail_msg("rules failed to load: %s:%d:%d: %s", err.file, err.line, err.column, err.message);
    return rs;
}

/* The entity of `type` with `text`, or NULL. */
static inline const govner_entity *find_entity(const govner_matcher *m, const char *type, const char *text) {
    for (size_t i = 0; i < govner_entity_count(m); i++) {
        const govner_entity *e = govner_entity_at(m, i);
        if (strcmp(e->type, type) == 0 && strcmp(e->text, text) == 0)
            return e;
    }
    return NULL;
}

static inline void match_ok(govner_matcher *m, const char *text) {
    govner_error err;
    govner_status st = govner_match(m, text, strlen(text), &err);
    if (st != GOVNER_OK)
        fail_msg("match failed: %s", err.message);
}

#endif
