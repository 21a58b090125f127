/* ruleset.h - the compiled form of the rules, shared by the parser (rules.c), the lexicon loader
 * (lexicon.c), the pattern engine (pattern.c) and the document passes (docpass.c).
 * A ruleset is immutable after govner_ruleset_load returns. */
#ifndef GOVNER_RULESET_H
#define GOVNER_RULESET_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "govner.h"
#include "trie.h"
#include "vec.h"

/* One lexicon entry. Entries sharing a text are chained through `next` from their trie node. */
typedef struct {
    const char *text;
    uint32_t lex;           /* index into ruleset.lexicons */
    int32_t next;           /* next entry on the same trie node, or -1 */
    const govner_attr *attrs;
    uint32_t n_attrs;
    uint32_t length;        /* in code points; one-character entries are looked up, not scanned */
} lex_entry;

typedef struct {
    const char *name;       /* "surname"; literals are named by their text in quotes */
    const char *file;
    int line;
    bool literal;
    uint32_t max_length;    /* longest entry, in code points */
    bool has_single;        /* has one-character entries */
} lexicon;

/* A named regular expression (`regex`) or single-character class (`class`). */
typedef struct {
    const char *name;
    pcre2_code *code;
    bool is_class;          /* matches exactly one code point; results are memoised per matcher */
    uint32_t class_slot;    /* index among classes, for the memo */
} regex_def;

typedef enum {
    P_SEQ, P_ALT, P_REP, P_CAP, P_LEX, P_ENT, P_REGEX, P_BOL, P_EOL, P_LOOK, P_LOOKBEHIND
} pnode_kind;

typedef struct pnode {
    pnode_kind kind;
    bool neg;               /* P_LOOK/P_LOOKBEHIND: negative */
    bool lazy;              /* P_REP: fewest repetitions first */
    int min, max;           /* P_REP; max < 0 means unbounded */
    uint32_t id;            /* lexicon, entity type, regex or capture index */
    struct pnode **kids;
    int n_kids;
} pnode;

typedef struct {
    const char *key;
    int cap;                /* capture index, or -1 for a constant */
    const char *value;      /* the constant */
    bool is_list;           /* key=[capture]: always a JSON array */
} emit_attr;

typedef struct {
    uint32_t type;
    int cap;                /* capture whose spans become entities; -1: the whole match */
    emit_attr *attrs;
    int n_attrs;
} emit;

typedef struct {
    const char *name;
    const char *file;
    int line;
    int priority;
    pnode *body;            /* match clause with left/right context folded in */
    const char **cap_names;
    int n_caps;
    emit *emits;
    int n_emits;
    /* Where matching may start: the lexicons and entity types one of which begins every match;
     * when `anywhere`, every position is tried. */
    bool anywhere;
    uint32_t *anchor_lex, *anchor_ent, *anchor_class;
    int n_anchor_lex, n_anchor_ent, n_anchor_class;
    /* What a positive left context must end with, to skip positions it cannot hold at: lexicons,
     * entity types, classes (of the character before), and the start of a line. */
    /* An entity of type `req_type` (or an entry of lexicon `req_lex`) must start within
     * `req_within` code points of the start (-1: none known): 习近平总书记 needs a title right
     * after the name; 龙振体育俱乐部 needs a suffix within eight characters. */
    int req_type, req_lex, req_within;
    bool left_anchored, left_bol;
    uint32_t *left_lex, *left_ent, *left_class;
    int n_left_lex, n_left_ent, n_left_class;
} rule;

typedef enum { PASS_PROPAGATE, PASS_MERGE, PASS_JURISDICTION, PASS_REJECT } pass_kind;

typedef struct {
    pass_kind kind;
    uint32_t type;          /* entity type the pass acts on */
    uint32_t lex;           /* PASS_REJECT, PASS_JURISDICTION: the lexicon */
    const char *attr;       /* PASS_MERGE: the list attribute merged across mentions */
    int priority;           /* PASS_PROPAGATE: priority of the new mentions */
    /* PASS_JURISDICTION: the province-level entries of the lexicon, found at load time. */
    const lex_entry **provinces;
    size_t n_provinces;
    int8_t *province_of;    /* per entry of the lexicon: index into provinces, or -1 */
} pass;

typedef struct {
    const char *name;
    rule *rules;
    size_t n_rules;
    /* Rule masks for finding where rules may start (pattern_prepare): bit i stands for rule i
     * (rules past 64 are tried everywhere). */
    uint64_t *lex_mask;     /* per lexicon: rules that may start with it */
    uint64_t *type_mask;    /* per entity type */
    uint64_t any_mask;      /* rules tried at every position */
    uint64_t class_mask;    /* rules that start with a one-character class */
    uint64_t *left_lex_mask;  /* per lexicon: rules whose left context may end with it */
    uint64_t *left_type_mask;
    uint64_t left_mask;     /* rules with a left anchor */
    uint64_t left_class_mask, left_bol_mask;
    /* Masks contributed by one-character entries, by their character's index (ruleset.single_*):
     * a position costs one array read instead of a walk along the entries of its character. */
    uint64_t *cp_start, *cp_left;
    pass *passes;           /* run in order after the phase's rules, before the next phase */
    size_t n_passes;
} phase;

typedef struct {
    uint32_t type;
    const char *text;
    const char *key, *value; /* optional attribute to check, or NULL */
} expectation;

typedef struct {
    const char *file;
    int line;
    const char *text;
    bool negative;          /* "!>": none of the expectations may be produced */
    expectation *expect;
    int n_expect;
} example;

typedef struct {
    const char *name;
    uint32_t layer;         /* entities of one layer never overlap in the output */
} entity_type;

struct govner_ruleset {
    arena mem;
    trie trie;
    VEC(lex_entry) entries;
    VEC(lexicon) lexicons;
    VEC(regex_def) regexes;
    VEC(entity_type) types;
    VEC(const char *) layers;
    VEC(phase) phases;
    VEC(example) examples;
    size_t n_rules;
    uint32_t n_classes;
    uint32_t max_lex_len;   /* longest entry in code points */
    /* Characters that are one-character entries, numbered 0..n_single-1: an open-addressing table
     * probed once per position of a document (scan.c), the number used by every phase. */
    uint32_t *single_keys;  /* code point + 1; 0 is empty */
    uint32_t *single_index;
    uint32_t single_mask, n_single;
};

/* Index of code point cp among the one-character entries, or -1. */
static inline int32_t single_index(const struct govner_ruleset *rs, uint32_t cp) {
    size_t i = (size_t)(cp * 0x9E3779B1u) & rs->single_mask;
    while (rs->single_keys[i]) {
        if (rs->single_keys[i] == cp + 1)
            return (int32_t)rs->single_index[i];
        i = (i + 1) & rs->single_mask;
    }
    return -1;
}

/* Parse and compile the rules at `path` into `rs` (rules.c). */
govner_status rules_load(govner_ruleset *rs, const char *path, govner_error *err);

/* Load a lexicon file, or one inline entry, into lexicon `lex` (lexicon.c). */
govner_status lexicon_load_file(govner_ruleset *rs, uint32_t lex, const char *path, govner_error *err);
govner_status lexicon_add_line(govner_ruleset *rs, uint32_t lex, const char *line, size_t len,
                               const char *file, int line_no, govner_error *err);

/* Set err fields, printf-style. Returns err->status. */
govner_status error_set(govner_error *err, govner_status st, const char *file, int line, int col,
                        const char *source_line, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
