/* matcher.h - per-document state, shared by the scanner (scan.c), the pattern engine (pattern.c),
 * overlap resolution (resolve.c), the document passes (docpass.c) and the writers (output.c). */
#ifndef GOVNER_MATCHER_H
#define GOVNER_MATCHER_H

#include "ruleset.h"

/* A lexicon entry found in the text: code points [start, end). */
typedef struct {
    uint32_t start, end;
    uint32_t entry;
    uint32_t lex;           /* the entry's lexicon, kept here: the hot loops need only this */
} hit;

/* An entity candidate, or an accepted entity. */
typedef struct {
    uint32_t start, end;    /* first, as in hit: index_build reads them there */
    uint32_t type;
    int priority;
    uint64_t seq;           /* rule order, then creation order: the last tie-breaker */
    const char *rule;
    govner_attr *attrs;     /* in the document arena */
    uint32_t n_attrs;
    bool no_reject;         /* from a rule with `no-reject` */
} cand;

/* Position index: items starting (or ending) at code point i are idx[at[i] .. at[i+1]). */
typedef struct {
    uint32_t *at;           /* n + 2 entries */
    uint32_t *order;        /* item numbers in that order */
    size_t cap_at, cap_order;
} pos_index;

typedef struct {
    enum { TR_CAP, TR_HIT } kind;
    uint32_t id;            /* capture index, or entry */
    uint32_t start, end;
} trail_item;

/* A code point's class bits (bit i for class slot i, CLASS_KNOWN once computed; 0: not yet), its
 * number among the one-character entries (single_index), the trie root's child by it, and the
 * static planes it sets where it stands (its classes, the starts of its one-character entries) and
 * one position on (their ends): `planes` entries of matcher.cp_planes from `plane_at`. */
typedef struct {
    uint64_t cls;
    int32_t single;
    uint32_t root;
    uint32_t plane_at;
    uint32_t planes;
} cp_info;
#define CP_PLANE_NEXT 0x8000u /* in a cp_planes entry: the plane is set one position on */
#define CP_PLANES_MAX (GOVNER_CLASS_BITS + 2 * ANCHOR_BITS) /* entries of one code point at most */

struct govner_matcher {
    const govner_ruleset *rs;
    arena mem;              /* everything of the current document */

    const char *text;       /* the segment being matched (see govner_match) */
    size_t len;
    size_t text_base;       /* its byte offset in the document */
    uint32_t n;             /* code points */
    uint32_t *cps;          /* n code points */
    uint32_t *byte_of;      /* n + 1 byte offsets */
    int32_t *cpidx;         /* n: single_index of each code point */
    anchor_set *start_bits; /* n + 1: anchor bits of the lexicons whose entries start here */
    anchor_set *end_bits;   /* n + 1: ... end here */
    uint64_t *cls;          /* n: class bits of each code point (class_bits) */
    uint32_t *plist_at;     /* n: the code point's list of planes (cp_info.plane_at, .planes) */
    uint16_t *plist_len;    /* PLIST_NONE: no list (not memoised): its planes from its bits */
    uint32_t *pos_list;     /* n: scratch, a list of positions (scan.c) */
    size_t cap_n;
    /* Bit planes over positions 0..n (ruleset.n_planes of plane_words words, then three scratch
     * planes): bit p of a plane for position p. The scan fills the static ones (anchor bits, end
     * bits, classes, line starts), each phase those of entity types. */
    uint64_t *planes;
    size_t cap_planes;
    uint64_t plane_any[PLANE_SET_WORDS]; /* planes with a bit set (when ruleset.plane_sets) */
    /* Three unions of ruleset.plane_rules (start, left, requirement; rules_free included) over
     * the static planes of plane_any, by the scan; then the same over all its planes, by each
     * phase (3 * ruleset.rule_words words each). */
    uint64_t *rule_static, *rule_live;
    uint32_t plane_words;

    VEC(hit) hits;          /* by start ascending, longer first */
    pos_index hit_start, hit_end;

    VEC(cand) ents;         /* accepted entities, by start */
    pos_index ent_start, ent_end;
    bool ents_indexed;      /* ent_start/ent_end describe ents */
    uint32_t ent_max[GOVNER_BOUND_TYPES]; /* longest entity of each type in ents (len_bound) */
    VEC(cand) cands;        /* candidates of the running phase */
    uint64_t seq;

    /* What the scan and the classes need of each code point of the Basic Multilingual Plane met so
     * far, in one place (one cache line instead of three tables): cp_info. */
    cp_info *cp_memo;
    VEC(uint16_t) cp_planes; /* the lists of cp_info.plane_at */
    /* Dense planes (scan.c): after its first PLANE_SAMPLE positions, a matcher fills whole the
     * static planes set at more than half of them that no filter needs exact (rs->plane_exact):
     * orgchar, namechar, org_body_char, given on Chinese text. A whole plane is a superset, so
     * rules start where they did; the characters' plane lists (cp_planes) leave them out. */
    uint64_t *dense;        /* bit per static plane; NULL until chosen, or when none is dense */
    uint16_t *dense_list;
    uint32_t n_dense;
    bool dense_chosen;
    uint64_t sampled;       /* positions counted so far */
    uint32_t *plane_count;  /* per static plane, its bits over them */

    pcre2_match_data *md;
    pcre2_match_context *mctx;
    VEC(trail_item) trail;
    unsigned long steps;
    int depth;
    bool limit_hit;
    bool explain;           /* attach an `explain` attribute to every candidate */
    bool profile;           /* count the work of each rule in prof (govner_matcher_set_profile) */
    govner_rule_profile *prof; /* rs->n_rules counters, by rule.id; NULL until profiling is asked */

    VEC(uint8_t) occupied;  /* resolve.c scratch: a byte per code point and layer, or per item */
    VEC(uint32_t) owner;    /* resolve.c scratch: the entity covering each code point, per layer */
    VEC(uint32_t) sort_idx; /* resolve.c scratch: the merge sort's two index arrays */
    VEC(cand) sort_tmp;     /* resolve.c scratch: the candidates in sorted order */
    VEC(govner_entity) out;
};

/* Step and recursion limits of one rule application: a pathological rule fails the document with
 * GOVNER_ERR_LIMIT instead of hanging a batch. */
#define PLIST_NONE UINT16_MAX
#define PLANE_SAMPLE 8192u /* positions: enough to tell a plane set at 70% from one at 40% */
#define DENSE_TO_END 0x8000u /* in matcher.dense_list: the plane is whole over 0..n, not 0..n-1 */
static inline bool plane_dense(const struct govner_matcher *m, uint32_t p) {
    return m->dense && (m->dense[p >> 6] >> (p & 63)) & 1;
}
/* pattern.c: the static planes a code point of class bits `cls` and one-character entry number
 * `single` sets (its classes and its entries' starts where it stands, their ends one on:
 * CP_PLANE_NEXT), but for the planes the matcher fills whole (dense), into out (room for
 * CP_PLANES_MAX); their number. */
uint32_t cp_plane_entries(const struct govner_matcher *m, uint64_t cls, int32_t single, uint16_t *out);
/* pattern.c: choose the dense planes from the counts (matcher.dense) and make the characters'
 * plane lists again without them. False when out of memory (nothing is dense then). */
bool pattern_choose_dense(struct govner_matcher *m);

#define MATCH_STEP_LIMIT 2000000ul
#define MATCH_DEPTH_LIMIT 4000

/* scan.c: decode the text into code points and find every lexicon entry in it. */
govner_status scan_document(govner_matcher *m, govner_error *err);
/* Rebuild a position index over `n_items` spans given by start/end accessors. */
bool index_build(pos_index *ix, uint32_t n, size_t n_items, const void *items, size_t stride, bool by_end);

/* pattern.c: the rules each static plane of the document lets run (matcher.rule_static). */
bool pattern_static_rules(govner_matcher *m);
/* pattern.c: apply every rule of a phase, adding candidates to m->cands. */
govner_status pattern_run_phase(govner_matcher *m, const phase *ph, govner_error *err);
/* At load time: the masks of each phase that say which rules may start where. */
bool pattern_prepare(govner_ruleset *rs);
/* The classes (bit per class slot, up to GOVNER_CLASS_BITS) that code point cp belongs to: each
 * answer comes from PCRE2 once per matcher, then from a table (not kept when out of memory). */
#define CLASS_KNOWN (1ull << 63)
uint64_t pattern_class_bits_slow(govner_matcher *m, uint32_t cp);
/* What the matcher knows of code point cp (pattern_class_bits_slow fills it), or NULL. */
static inline const cp_info *cp_known(const govner_matcher *m, uint32_t cp) {
    return cp < 0x10000 && m->cp_memo && m->cp_memo[cp].cls ? &m->cp_memo[cp] : NULL;
}
static inline uint64_t pattern_class_bits(govner_matcher *m, uint32_t cp) {
    const cp_info *ci = cp_known(m, cp);
    return ci ? ci->cls : pattern_class_bits_slow(m, cp);
}
/* Plane i (ruleset.h: start_plane ...); n_planes .. n_planes + 2 are the three scratch planes. */
static inline uint64_t *plane(const govner_matcher *m, uint32_t i) {
    return m->planes + (size_t)i * m->plane_words;
}
static inline void plane_set(uint64_t *plane, uint32_t pos) { plane[pos >> 6] |= 1ull << (pos & 63); }
/* Bit pos (at most n) of plane i. */
static inline bool plane_has(const govner_matcher *m, uint32_t i, uint32_t pos) {
    return (plane(m, i)[pos >> 6] >> (pos & 63)) & 1;
}
/* Note that plane i is not empty. */
static inline void plane_note(govner_matcher *m, uint32_t i) {
    if (i < 64 * PLANE_SET_WORDS)
        m->plane_any[i >> 6] |= 1ull << (i & 63);
}
/* Set bit pos of plane i, noting the plane is not empty. */
static inline void plane_mark(govner_matcher *m, uint32_t i, uint32_t pos) {
    plane_set(plane(m, i), pos);
    plane_note(m, i);
}
/* Does one-character class `rx` match code point cp? */
bool pattern_class_match(govner_matcher *m, const regex_def *rx, uint32_t cp);
/* The same answered by a native class's set (regex_def.native), and by PCRE2: the tests compare them. */
bool pattern_class_native(govner_matcher *m, const regex_def *rx, uint32_t cp);
bool pattern_class_pcre(govner_matcher *m, const regex_def *rx, uint32_t cp);

/* resolve.c: merge m->cands into m->ents by the overlap policy, then reindex. */
bool resolve(govner_matcher *m);
/* Is there an entry of lexicon `lex` spanning exactly [start, end)? */
bool has_entry(const govner_matcher *m, uint32_t lex, uint32_t start, uint32_t end);
/* The one-character entry of lexicon `lex` at position pos, or -1. */
static inline int32_t single_entry(const govner_matcher *m, uint32_t pos, uint32_t lex) {
    int32_t k = m->cpidx[pos];
    if (k < 0)
        return -1;
    const govner_ruleset *rs = m->rs;
    for (uint32_t i = rs->single_off[k]; i < rs->single_off[k + 1]; i++)
        if (rs->single_terms[i].lex == lex)
            return (int32_t)rs->single_terms[i].entry;
    return -1;
}

/* docpass.c: the passes of a phase: reject runs before resolution, the others after. */
void docpass_reject(govner_matcher *m);
bool docpass_run(govner_matcher *m, const phase *ph);
bool docpass_prepare(govner_ruleset *rs); /* at load time: reject passes, jurisdiction tables */

/* govner.c */
const char *doc_strndup(govner_matcher *m, uint32_t start, uint32_t end);

#endif
