/* ruleset.h - the compiled form of the rules, shared by the parser (rules.c), the lexicon loader
 * (lexicon.c), the pattern engine (pattern.c) and the document passes (docpass.c).
 * A ruleset is immutable after govner_ruleset_load returns. */
#ifndef GOVNER_RULESET_H
#define GOVNER_RULESET_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "govner.h"
#include "trie.h"
#include "vec.h"

/* Anchor bits: the scan marks every position with a bit for each lexicon (of those that have one)
 * with an entry starting there, and another set for entries ending there; rules are tried only
 * where a bit of what they start with is set (pattern_prepare). 192 bits: lexicons past that have
 * none, and the rules that start with them are tried everywhere. (The shipped rules name 687
 * lexicons, most of them literals, and use all 192; 128 gave 1-2% more CPU, 256 no less.) */
#define ANCHOR_WORDS 3
#define ANCHOR_BITS (64 * ANCHOR_WORDS)
typedef struct {
    uint64_t w[ANCHOR_WORDS];
} anchor_set;

static inline bool anchor_any(anchor_set a) {
    uint64_t x = 0;
    for (int i = 0; i < ANCHOR_WORDS; i++)
        x |= a.w[i];
    return x != 0;
}
static inline bool anchor_meet(anchor_set a, anchor_set b) {
    uint64_t x = 0;
    for (int i = 0; i < ANCHOR_WORDS; i++)
        x |= a.w[i] & b.w[i];
    return x != 0;
}
static inline void anchor_join(anchor_set *a, anchor_set b) {
    for (int i = 0; i < ANCHOR_WORDS; i++)
        a->w[i] |= b.w[i];
}
static inline void anchor_set_bit(anchor_set *a, int bit) { a->w[bit >> 6] |= 1ull << (bit & 63); }

/* One lexicon entry. Entries sharing a text are chained through `next` from their trie node. */
typedef struct {
    const char *text;
    uint32_t lex;           /* index into ruleset.lexicons */
    int32_t next;           /* next entry on the same trie node, or -1 */
    const char *packed;     /* n_attrs pairs "key\0value\0" (entry_attr, entry_attr_next) */
    uint32_t n_attrs;
    uint32_t length;        /* in code points; one-character entries are looked up, not scanned */
} lex_entry;

typedef struct {
    const char *name;       /* "surname"; literals are named by their text in quotes */
    const char *file;
    int line;
    bool literal;
    uint32_t max_length;    /* longest entry, in code points */
    uint32_t min_length;    /* shortest entry (0 while there is none) */
    bool has_single;        /* has one-character entries */
    bool exact;             /* a word list for whole-text checks only (reject TYPE "file"): its
                             * entries are kept in ruleset.exact, not in the trie, and never scanned */
    bool has_attrs;         /* some entry has attributes */
    uint32_t any_entry;     /* one of its entries (valid when min_length > 0) */
} lexicon;

/* An upper bound on a length in code points: c, plus coef[t] times the longest entity of type t
 * found in the document so far (entity types past GOVNER_BOUND_TYPES make a length unbounded). */
#define GOVNER_BOUND_TYPES 8
typedef struct {
    int c;
    int coef[GOVNER_BOUND_TYPES];
} len_bound;

/* A named regular expression (`regex`) or single-character class (`class`). */
typedef struct {
    const char *name;
    pcre2_code *code;
    bool is_class;          /* matches exactly one code point; results are memoised per matcher */
    uint32_t class_slot;    /* index among classes, for the memo */
    /* A class written as a plain set of characters ([阿埃艾], [0-9]) or as the Han class less such a
     * set ((?![的了])\p{sc=Han}) is answered without PCRE2 (rules.c, native_class): `set` holds
     * the characters, sorted; with `han` >= 0 the class is that \p{sc=Han} class less the set. */
    bool native;
    bool han_script;        /* the class is exactly \p{sc=Han} (matched by PCRE2) */
    uint32_t *set;
    uint32_t n_set;
    int han;
} regex_def;

typedef enum {
    P_SEQ, P_ALT, P_REP, P_CAP, P_LEX, P_ENT, P_REGEX, P_BOL, P_EOL, P_LOOK, P_LOOKBEHIND
} pnode_kind;

/* One test of a context compiled to bits (pnode.tests): at `off` code points from the position,
 * does an entry of the lexicons `bits` start (BT_START) or end (BT_END), does the character have
 * one of the classes `cls` (BT_CLASS; the one before for BT_ALT_END), one of both (BT_ALT_*), is
 * it a line start or end, does an entity of type `type` start or end there (BT_ENT_*: the entity
 * planes of the running phase); `neg`: the test must fail. */
enum { BT_START, BT_END, BT_CLASS, BT_ALT_START, BT_ALT_END, BT_BOL, BT_EOL, BT_ENT_START, BT_ENT_END };
typedef struct {
    int16_t off;
    uint8_t kind;
    bool neg;
    uint32_t type;
    uint64_t cls;
    anchor_set bits;
} bit_test;
#define MAX_BIT_TESTS 8

/* What a match may start with: an entry of the lexicons `start`, a character of the classes
 * `cls`, an entity of the types `types` (bit per type); `any`: anything (it may be empty, or
 * starts with something without bits). */
typedef struct alt_first {
    anchor_set start;
    uint64_t cls, types;
    bool any;
} alt_first;

/* The union of the bits of an alternative's kids when each is a lexicon with anchor bits or a class
 * with a class bit (pattern_prepare), to answer the alternative with one test. */
typedef struct alt_bits {
    uint64_t cls;
    anchor_set start, end;
} alt_bits;

/* The fields the matcher reads at every step come first: with the rest they fill one 64-byte line. */
typedef struct pnode {
    pnode_kind kind;
    bool neg;               /* P_LOOK/P_LOOKBEHIND: negative */
    bool lazy;              /* P_REP: fewest repetitions first */
    bool quick;             /* pattern_prepare: matched by pattern.c's quick_* without backtracking
                             * state (leaves, alternatives and sequences of them): a context's body
                             * of this kind is answered without a sub-match */
    bool guard;             /* pattern_prepare: a context whose body is quick */
    bool proven;            /* pattern_prepare: a rule's left context that its filter decides
                             * exactly (rule.left_exact): the matcher need not ask again */
    int n_kids;
    int min, max;           /* P_REP; max < 0 means unbounded */
    uint32_t id;            /* lexicon, entity type, regex or capture index */
    int n_tests;            /* of `tests` below */
    struct pnode **kids;
    /* P_LOOK, P_LOOKBEHIND (pattern_prepare): the body as bit tests that must all hold, when it
     * is leaves at fixed offsets (`<!(&@word2 %han)`: a word2 entry starts one character back,
     * whose character is Han); n_tests 0 otherwise. */
    bit_test *tests;
    /* P_ALT (pattern_prepare): per kid, what a forward match of it may start with, so that a kid
     * that cannot start at a position is not tried there; NULL when no kid can be told. */
    struct alt_first *first;
    alt_bits *alt;          /* P_ALT (pattern_prepare): its kids' bits, or NULL */
} pnode;

/* A piece of an attribute template: literal text, or (text NULL) the text of capture `cap`. */
typedef struct {
    const char *text;
    int cap;
} emit_part;

typedef struct {
    const char *key;
    int cap;                /* capture index, or -1 for a constant */
    const char *value;      /* the constant */
    bool is_list;           /* key=[capture]: always a JSON array */
    /* key="...{capture}...": the constant with each named capture's text put in, in parts (NULL:
     * no capture named); left out when a capture it names did not take part in the match. */
    emit_part *parts;
    int n_parts;
} emit_attr;

typedef struct {
    uint32_t type;
    int cap;                /* capture whose spans become entities; -1: the whole match */
    emit_attr *attrs;
    int n_attrs;
} emit;

/* Where a rule can match, as bit planes over the positions of a document (matcher.planes): it
 * starts where one of the `start` planes holds; its left context (when it has a usable one) ends
 * where one of the `left` planes holds, or after a character of a `left_class` plane; its
 * requirement holds where one of the `req` planes holds between req_lo and req_hi positions on.
 * An empty list with its `_all` flag set puts no condition. Filled by pattern_prepare for the
 * first 64 rules of a phase. */
#define PLANE_SET_WORDS 4 /* rule_filter sets: up to 256 planes */
/* A plane that holds at one of off .. off + spread positions after every start of a match (or, neg,
 * does not hold off positions after it). */
typedef struct {
    uint16_t plane;
    uint8_t off, spread;
    bool neg;
} fixed_need;
#define MAX_FIXED_NEEDS 16
typedef struct {
    uint16_t *start, *left, *left_class, *req;
    int n_start, n_left, n_left_class, n_req;
    bool start_all, left_all, req_all;
    /* The same planes as sets (bit i for plane i), to skip a rule at once where all of a list's
     * planes are empty (matcher.plane_any). */
    uint64_t start_set[PLANE_SET_WORDS], left_set[PLANE_SET_WORDS], req_set[PLANE_SET_WORDS];
    /* Planes every match needs somewhere in the document: those of the lexicons, classes and
     * entity types its pattern cannot match without (listed_before_title needs 等 and a title).
     * The rule runs only in documents where all of them are not empty. */
    uint64_t must_set[PLANE_SET_WORDS];
    bool has_must;
    /* What the pattern holds at known distances from its start, as far as the elements before
     * have bounded lengths (person.bare: a common given character one or two after the start, no
     * entry of word2 at it): the starts are narrowed by these planes, shifted, before a try. */
    fixed_need fixed[MAX_FIXED_NEEDS];
    int n_fixed;
} rule_filter;

typedef struct {
    const char *name;
    const char *file;
    int line;
    uint32_t id;            /* pattern_prepare: index among all rules, in the order written */
    rule_filter filter;
    int priority;
    bool no_reject;         /* `no-reject`: reject statements do not drop its candidates */
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
    /* Something every match holds at a bounded distance from its start, checked before the
     * match is tried: one of the lexicons `req_lex`, entity types `req_ent` or classes
     * `req_class` starts between req_lo and req_hi code points after the start. 习近平总书记 needs a
     * title right after the name; 龙振体育俱乐部 needs a suffix within eight characters;
     * 湖南省委领导小组 needs its suffix within the longest place of the document and fourteen
     * characters; 华侨 needs 侨 right after the abbreviation. has_req is false when no such
     * element is known. */
    bool has_req;
    uint32_t *req_lex, *req_ent, *req_class;
    int n_req_lex, n_req_ent, n_req_class;
    int req_lo;
    len_bound req_hi;
    bool req_hi_var;        /* req_hi depends on the document (has a coefficient) */
    anchor_set req_lex_bits; /* pattern_prepare: start bits of all of req_lex when each has one */
    bool req_lex_bitted;    /* ... and each has one */
    uint64_t req_class_bits; /* pattern_prepare: class bits of req_class */
    /* What a positive left context must end with, to skip positions it cannot hold at: lexicons,
     * entity types, classes (of the character before), and the start of a line. */
    bool left_anchored, left_bol;
    /* When the match begins with an entity (org.sub: <organization> ...): its type, and what the
     * rest of the match may start with at the entity's end (pattern_prepare; lead_rest NULL when
     * nothing can be told). A start is tried only where such an entity is followed so. */
    uint32_t lead_type;
    struct alt_first *lead_rest;
    /* The left context of the anchor, and whether each of its alternatives is one leaf (a lexicon,
     * entity type, class or ^): then the left filter, when the rule has one, is the context. */
    pnode *left_ctx;
    bool left_exact;
    uint32_t *left_lex, *left_ent, *left_class;
    int n_left_lex, n_left_ent, n_left_class;
} rule;

typedef enum { PASS_PROPAGATE, PASS_MERGE, PASS_JURISDICTION, PASS_DISAMBIGUATE, PASS_REFER, PASS_REJECT } pass_kind;

typedef struct {
    pass_kind kind;
    uint32_t type;          /* entity type the pass acts on (not PASS_JURISDICTION) */
    uint32_t lex;           /* PASS_REJECT, PASS_JURISDICTION: the lexicon */
    uint32_t target;        /* PASS_REFER: the entity type referred to */
    const char *attr;       /* PASS_MERGE: the list attribute merged across mentions */
    int priority;           /* PASS_PROPAGATE: priority of the new mentions */
    /* PASS_JURISDICTION: the province-level entries of the lexicon, found at load time. */
    const lex_entry **provinces;
    size_t n_provinces;
    int8_t *province_of;    /* per entry of the lexicon: index into provinces, or -1 */
} pass;

/* Classes past this many are matched without the per-position bits (and rules anchored on them
 * are tried everywhere). */
#define GOVNER_CLASS_BITS 63

typedef struct {
    const char *name;
    rule *rules;            /* the first 64 are tried where their filters say (rule_filter), the
                             * others at every position */
    size_t n_rules;
    pass *passes;           /* run in order after the phase's rules, before the next phase */
    size_t n_passes;
} phase;

typedef struct {
    uint32_t type;
    const char *text;
    const char **keys, **values; /* attributes the entity must have too (each key has the value) */
    int n_attrs;
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

/* `pattern NAME P`: a piece of pattern that rules use as %NAME (the nodes are shared). */
typedef struct {
    const char *name;
    pnode *body;
    bool has_regex;         /* holds a regex that is not a class: not usable in a left context */
} named_pattern;

/* A file read while loading, as the cache knows it (cache.c). */
typedef struct {
    uint64_t dev, ino, size;
    int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
} file_stamp;

/* The compiled-lexicon cache during a load (cache.c). */
typedef struct {
    bool record;            /* an image is wanted: note the files read */
    VEC(file_stamp) read;   /* the files read so far, in order, while building (no image) */
    size_t n_read;
    /* An image being replayed: the lexicon loaders add nothing, each file read is compared with
     * files[n_read]; a difference sets `stale`. */
    const struct image_header *header;
    const file_stamp *files;
    const struct image_lexicon *lexicons;
    bool stale;
    bool adopted;           /* the trie, entries and exact table point into the image */
    void *map;              /* the image, read into memory; once adopted, the trie and entries point into it */
    size_t map_len;
} lexicon_cache;

struct govner_ruleset {
    arena mem;
    lexicon_cache cache;
    trie trie;
    VEC(lex_entry) entries;
    VEC(lexicon) lexicons;
    VEC(regex_def) regexes;
    VEC(named_pattern) patterns;
    VEC(entity_type) types;
    VEC(const char *) layers;
    VEC(phase) phases;
    const pass **rejects;   /* docpass_prepare: the reject passes of all phases */
    size_t n_rejects;
    VEC(example) examples;
    size_t n_rules;
    uint32_t n_classes;
    uint32_t max_lex_len;   /* longest entry in code points */
    /* Characters that are one-character entries, numbered 0..n_single-1: an open-addressing table
     * probed once per position of a document (scan.c), the number used by every phase. */
    uint32_t *single_keys;  /* code point + 1; 0 is empty */
    uint32_t *single_index;
    uint32_t single_mask, n_single;
    /* The one-character entries of character k: single_terms[single_off[k] .. single_off[k + 1]). */
    uint32_t *single_off;
    trie_term *single_terms;
    /* Anchor bits (pattern_prepare): per lexicon, the bit it sets on positions where one of its
     * entries starts (or ends); per one-character entry character, the union of its lexicons'. */
    anchor_set *lex_start_bit, *lex_end_bit; /* one bit, or none */
    /* Per lexicon: its entries' length when they all have that one length (two or more), no
     * attributes, and the lexicon has both anchor bits; else 0. The scan records no hits of such
     * a lexicon: its bits say where its entries start and end, and the length gives the other
     * end (word2: half of all hits). Its trail items name lexicon.any_entry. */
    uint8_t *lex_fixed;
    /* Per lexicon: the plane of its start bit and of its end bit, or -1 (prepare_filters, once the
     * planes are numbered). */
    int16_t *lex_start_plane, *lex_end_plane;
    anchor_set *single_start_bits, *single_end_bits;
    /* Bit planes (pattern_prepare): the plane of each anchor bit, end bit and class slot that a
     * rule filter names, or -1; then the plane of line starts, of each entity type's starts and of
     * its ends (planes_static + type, planes_static + n_types + type). */
    int16_t start_plane[ANCHOR_BITS], end_plane[ANCHOR_BITS], class_plane[GOVNER_CLASS_BITS];
    anchor_set plane_start_used, plane_end_used;
    uint64_t plane_class_used;
    uint32_t bol_plane, planes_static, n_planes;
    bool plane_sets;        /* n_planes fit in a rule_filter set: the sets are used */
    uint64_t type_plane_set[PLANE_SET_WORDS]; /* the entity types' planes, as a set */
    /* The static planes some filter needs exactly as they are (a left filter, which may prove its
     * context; a negative fixed need): bit per plane. The others only ever narrow where rules
     * start, and a matcher may fill them whole (matcher.dense). */
    uint64_t *plane_exact;
    /* The same sets turned around, over rule ids (bit rule.id of a word array of rule_words),
     * when plane_sets: for plane p, plane_rules[(3 * p + k) * rule_words ...] holds the filtered
     * rules whose start (k = 0), left (1) or requirement (2) set names p; rules_free[k * rule_words
     * ...] those without that condition. A rule may run on a document where it has a bit in each
     * of the three unions over the document's non-empty planes (matcher.rule_static). */
    uint32_t rule_words;
    uint64_t *plane_rules, *rules_free;
    /* Entries of exact lexicons: open addressing on a hash of (lexicon, text); entry + 1, 0 empty. */
    uint32_t *exact;
    size_t exact_mask, exact_used;
};

/* The entry of exact lexicon `lex` whose text is s[0..len), or -1. */
int32_t exact_find(const struct govner_ruleset *rs, uint32_t lex, const char *s, size_t len);

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

/* rules.c: may n match nothing (contexts, optional parts)? */
bool node_nullable(const pnode *n);
/* rules.c: collect the lexicons, entity types and classes a forward match of n must start with
 * (ids; *ok false when out of memory); false when it could start with anything else (a regex, an
 * empty match). A nullable n adds what it may start with, and what follows it decides the rest. */
bool node_first_set(const govner_ruleset *rs, const pnode *n, u32_vec *lex, u32_vec *ent, u32_vec *cls, bool *ok);

/* Load a lexicon file, or one inline entry, into lexicon `lex` (lexicon.c). */
govner_status lexicon_load_file(govner_ruleset *rs, uint32_t lex, const char *path, govner_error *err);
govner_status lexicon_add_line(govner_ruleset *rs, uint32_t lex, const char *line, size_t len,
                               const char *file, int line_no, govner_error *err);
/* Add a pattern literal to lexicon `lex`: its whole text, spaces included (no attributes). */
govner_status lexicon_add_literal(govner_ruleset *rs, uint32_t lex, const char *text, size_t len,
                                  const char *file, int line_no, govner_error *err);

/* After the last entry: lay out the entries of each trie node for the scan (trie_term). */
bool lexicon_freeze(govner_ruleset *rs);

/* The compiled-lexicon cache (cache.c). The image file for the rules file `rules_file` in
 * cache_dir (malloc'd), or NULL when there is none to be had. */
char *cache_file_name(const char *cache_dir, const char *rules_file);
/* $GOVNER_CACHE_DIR (empty: none), else $XDG_CACHE_HOME/govner or ~/.cache/govner, in buf. */
const char *cache_default_dir(char *buf, size_t size);
bool cache_make_dir(const char *dir);
/* Map the image at `path` if it is whole and was written by this library: the load replays it. */
bool cache_open(govner_ruleset *rs, const char *path);
/* A rules or lexicon file was opened as `fd`: note it, or compare it with the image's. */
void cache_note_file(govner_ruleset *rs, int fd);
/* Lexicon lx was declared: while replaying, it gets the image's lengths. */
void cache_new_lexicon(govner_ruleset *rs, uint32_t lx);
static inline bool cache_replaying(const govner_ruleset *rs) { return rs->cache.header != NULL; }
/* After a replayed parse: take the trie and entries from the image (false: stale, load again). */
bool cache_adopt(govner_ruleset *rs);
/* The provinces of the j-th jurisdiction pass as the image holds them (false: compute them). */
bool cache_jurisdiction(govner_ruleset *rs, size_t j, pass *ps);
/* Write the image of a ruleset built without one (false: not written; nothing else changes). */
bool cache_write(const govner_ruleset *rs, const char *path);
/* After an image was written at path: the other images of its directory but the CACHE_KEEP - 1
 * newest are removed (and temporary files older than an hour). */
#define CACHE_KEEP 8
void cache_prune(const char *path);
void cache_release(govner_ruleset *rs);

/* FNV-1a over s[0..len), from `seed` (the exact table and the province codes hash with it). */
static inline uint64_t hash_bytes(uint64_t seed, const char *s, size_t len) {
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

/* The attributes of a lexicon entry are kept packed (one allocation per entry, not four per
 * attribute): walk them with `for (const char *k = e->packed, i = 0; ...)` via these helpers. */
/* (Keys and values are a few bytes: a loop here is cheaper than a call to strlen.) */
static inline const char *entry_attr_value(const char *key) {
    while (*key)
        key++;
    return key + 1;
}
static inline const char *entry_attr_next(const char *key) { return entry_attr_value(entry_attr_value(key)); }
/* The value of attribute `key` of entry e, or NULL. */
static inline const char *entry_attr(const lex_entry *e, const char *key) {
    const char *k = e->packed;
    for (uint32_t i = 0; i < e->n_attrs; i++, k = entry_attr_next(k))
        if (strcmp(k, key) == 0)
            return entry_attr_value(k);
    return NULL;
}

/* Set err fields, printf-style. Returns err->status. */
govner_status error_set(govner_error *err, govner_status st, const char *file, int line, int col,
                        const char *source_line, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
