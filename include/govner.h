/* govner.h - rule-driven named-entity extraction for Chinese official reports.
 *
 * Usage:
 *
 *     govner_error err;
 *     govner_ruleset *rs = govner_ruleset_load("rules", &err);     // compile once
 *     if (!rs) { fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message); }
 *     govner_matcher *m = govner_matcher_new(rs);                    // one per thread
 *     if (govner_match(m, text, len, &err) == GOVNER_OK)
 *         for (size_t i = 0; i < govner_entity_count(m); i++) {
 *             const govner_entity *e = govner_entity_at(m, i);
 *             printf("%s %.*s\n", e->type, (int)(e->byte_end - e->byte_start), text + e->byte_start);
 *         }
 *     govner_matcher_free(m);
 *     govner_ruleset_free(rs);
 *
 * A ruleset is immutable once loaded and may be shared by any number of threads. A matcher holds the
 * state of one document at a time and belongs to one thread. The library never prints.
 */
#ifndef GOVNER_H
#define GOVNER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define GOVNER_EXPORT __declspec(dllexport)
#else
#define GOVNER_EXPORT __attribute__((visibility("default")))
#endif

#define GOVNER_VERSION "0.1.0"

/* Section - Errors ------------------------------------------------------------------------------ */

typedef enum {
    GOVNER_OK = 0,
    GOVNER_ERR_NOMEM,   /* out of memory */
    GOVNER_ERR_IO,      /* a rule or lexicon file could not be read */
    GOVNER_ERR_RULES,   /* a rule file is malformed: file, line, column and source_line are set */
    GOVNER_ERR_LIMIT,   /* a match hit its step or depth limit (pathological rule or input) */
    GOVNER_ERR_INPUT,   /* the input text is not valid UTF-8 */
    GOVNER_ERR_EXAMPLE  /* a rule example failed (govner_ruleset_check) */
} govner_status;

/* Filled by every call that can fail. Strings are NUL-terminated and truncated to fit. */
typedef struct {
    govner_status status;
    char file[512];         /* rule file, or "" */
    int line;               /* 1-based, 0 when not about a line */
    int column;             /* 1-based, in code points */
    char message[512];
    char source_line[512];  /* the offending rule line, for a caret display */
} govner_error;

/* A one-line English description of a status code. Static storage. */
GOVNER_EXPORT const char *govner_status_string(govner_status status);

/* Section - Rule sets --------------------------------------------------------------------------- */

typedef struct govner_ruleset govner_ruleset;

/* Load and compile the rules at `path`: a directory (its main.rules is read) or a .rules file.
 * Returns NULL and fills `err` on failure. Caller frees with govner_ruleset_free. */
GOVNER_EXPORT govner_ruleset *govner_ruleset_load(const char *path, govner_error *err);

/* As govner_ruleset_load, keeping the compiled lexicons (most of the load time) in an image file
 * in `cache_dir`, which is created if missing: a later load of the same rules reads the image
 * instead of building them. cache_dir NULL: $GOVNER_CACHE_DIR (set but empty: no cache), else
 * $XDG_CACHE_HOME/govner, else $HOME/.cache/govner. An image is used only while every rule and
 * lexicon file it was built from, and the library, are unchanged (device, inode, size, times);
 * otherwise the rules are built again and the image replaced. The cache only saves time: a
 * missing, damaged or unwritable one gives the same ruleset, built anew. */
GOVNER_EXPORT govner_ruleset *govner_ruleset_load_cached(const char *path, const char *cache_dir,
                                                         govner_error *err);

/* Accepts NULL. */
GOVNER_EXPORT void govner_ruleset_free(govner_ruleset *rs);

/* Number of rules, lexicon entries and examples, for diagnostics. */
GOVNER_EXPORT size_t govner_ruleset_rule_count(const govner_ruleset *rs);
GOVNER_EXPORT size_t govner_ruleset_entry_count(const govner_ruleset *rs);
GOVNER_EXPORT size_t govner_ruleset_example_count(const govner_ruleset *rs);

/* Run every `example` in the rules. Calls `report` once per failing example (file, line, message)
 * when `report` is not NULL. Returns the number of failing examples (0: all pass), or -1 with
 * `err` set if an example could not be run. */
typedef void (*govner_report_fn)(void *ctx, const char *file, int line, const char *message);
GOVNER_EXPORT long govner_ruleset_check(const govner_ruleset *rs, govner_report_fn report, void *ctx,
                                        govner_error *err);

/* Section - Matching ---------------------------------------------------------------------------- */

typedef struct govner_matcher govner_matcher;

/* An attribute of an entity: a string (n_values == 1) or a list (titles, any count). */
typedef struct {
    const char *key;
    const char *const *values;
    size_t n_values;
    int is_list;            /* written as a JSON array even when it holds one value */
} govner_attr;

/* One entity. Offsets: start/end in Unicode code points, byte_start/byte_end in UTF-8 bytes of
 * the text given to govner_match; end exclusive. All pointers are owned by the matcher and valid
 * until its next govner_match or govner_matcher_free. */
typedef struct {
    const char *type;       /* "person", "title", "place", "organization", or a type the rules declare */
    const char *text;       /* NUL-terminated copy of the slice */
    size_t start, end;
    size_t byte_start, byte_end;
    const char *rule;       /* name of the rule (or document pass) that produced it */
    const govner_attr *attrs;
    size_t n_attrs;
} govner_entity;

/* Caller frees with govner_matcher_free. `rs` must outlive the matcher. NULL when out of memory. */
GOVNER_EXPORT govner_matcher *govner_matcher_new(const govner_ruleset *rs);

/* Accepts NULL. */
GOVNER_EXPORT void govner_matcher_free(govner_matcher *m);

/* When `on`, every entity gets an `explain` list attribute: the rule and where it is written, each
 * capture and the lexicon entries the match used. Off by default. */
GOVNER_EXPORT void govner_matcher_set_explain(govner_matcher *m, int on);

/* Work done by one rule, counted while profiling is on (govner_matcher_set_profile): the positions
 * where its first element starts (`starts`), of those where what it requires was near so its
 * pattern ran (`tried`), the matches (`matched`, before overlap resolution), the steps of the
 * pattern engine, and the wall time spent in it. */
typedef struct {
    const char *name;
    const char *file;       /* where the rule is written */
    int line;
    unsigned long long starts, tried, matched, steps, nanoseconds;
} govner_rule_profile;

/* Count the work of each rule from now on (`on`), or stop (counts are kept). Off by default: it
 * reads the clock twice per rule application. Returns 0, or -1 when out of memory. */
GOVNER_EXPORT int govner_matcher_set_profile(govner_matcher *m, int on);

/* The counts of rule i, 0 <= i < govner_ruleset_rule_count: the rules phase by phase, each phase's
 * in the order written. Returns 0, or -1 when i is out of range or profiling was never on (*out
 * untouched). */
GOVNER_EXPORT int govner_matcher_rule_profile(const govner_matcher *m, size_t i, govner_rule_profile *out);

/* Find the entities of one document. `text` must be valid UTF-8 (see govner_utf8_repair), else
 * GOVNER_ERR_INPUT; it need not be NUL-terminated. Results replace those of the previous call.
 * A document over 64k characters (some 192 KB of Chinese) is matched in segments
 * that end at a sentence end where one is near, so the tables of the match do not grow with document
 * size; document passes (propagation, merged titles, jurisdiction) then see one segment at a time.
 * Offsets are always relative to the whole text. */
GOVNER_EXPORT govner_status govner_match(govner_matcher *m, const char *text, size_t len,
                                         govner_error *err);

/* Entities of the last govner_match, sorted by start, then longer first. */
GOVNER_EXPORT size_t govner_entity_count(const govner_matcher *m);
GOVNER_EXPORT const govner_entity *govner_entity_at(const govner_matcher *m, size_t i);

/* Value of attribute `key` of `e` (its first value for a list), or NULL. */
GOVNER_EXPORT const char *govner_entity_attr(const govner_entity *e, const char *key);

/* Section - Output ------------------------------------------------------------------------------ */

/* Render the entities of the last match as one JSON object on one line, without a newline:
 * {<prefix>"entities":[...]} where `prefix` (may be NULL) is inserted verbatim, e.g. "\"line\":3,".
 * Returns a malloc'd NUL-terminated string (caller frees with free) or NULL when out of memory. */
GOVNER_EXPORT char *govner_matcher_json(const govner_matcher *m, const char *prefix);

/* Write the same JSON object and a newline to `f`, streaming: memory does not grow with the
 * number of entities. Returns 0, or -1 on a write error (errno set by stdio) or out of memory. */
GOVNER_EXPORT int govner_matcher_write_json(const govner_matcher *m, const char *prefix, FILE *f);

/* Render the entities as TSV rows "source\ttype\ttext\tstart\tend\tattrs\n" (attrs as k=v;k=v).
 * Returns a malloc'd string (caller frees) or NULL when out of memory. */
GOVNER_EXPORT char *govner_matcher_tsv(const govner_matcher *m, const char *source);

/* Section - Text -------------------------------------------------------------------------------- */

/* Check `len` bytes of UTF-8. Returns the byte offset of the first invalid sequence, or `len` if
 * the text is valid. */
GOVNER_EXPORT size_t govner_utf8_check(const char *text, size_t len);

/* Copy `text` replacing each invalid sequence by U+FFFD. Returns a malloc'd buffer (caller frees)
 * of *out_len bytes plus a NUL, or NULL when out of memory. *n_bad receives the number of
 * replacements (may be NULL). */
GOVNER_EXPORT char *govner_utf8_repair(const char *text, size_t len, size_t *out_len, size_t *n_bad);

#ifdef __cplusplus
}
#endif
#endif /* GOVNER_H */
