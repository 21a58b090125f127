/* trie.h - the lexicon automaton: a trie over code points with hashed edges.
 *
 * Every lexicon entry and every literal of every rule goes into one trie, so a document is scanned
 * once for all of them (see scan.c). Edges live in one open-addressing table keyed by
 * (node, code point); edges out of the root for the Basic Multilingual Plane are a direct array,
 * because every position of the text starts there. */
#ifndef GOVNER_TRIE_H
#define GOVNER_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRIE_ROOT 0u
#define TRIE_NONE UINT32_MAX

/* One edge: key and child in one slot, so a step touches one cache line. `term` is filled by
 * lexicon_freeze: where the child's entries start in trie.terms, or TRIE_NO_TERM; TRIE_LEAF is
 * set on it when the child has no children (the walk stops without another lookup). A child with
 * a single entry (most of them) has it in the slot instead, TRIE_SINGLE set: the entry in the low
 * bits of `term`, its lexicon in the high bits of `child` (trie_child masks them off), so the walk
 * reads no other memory. */
typedef struct {
    uint64_t key;       /* (node << 21 | cp) + 1; 0 marks an empty slot */
    uint32_t child;
    uint32_t term;
} trie_slot;
#define TRIE_LEAF 0x80000000u
#define TRIE_SINGLE 0x40000000u
#define TRIE_NO_TERM 0x3FFFFFFFu
#define TRIE_CHILD_BITS 22  /* with fewer nodes than 2^22, a single entry's lexicon goes in `child` */

/* The entries ending at a node, contiguous (trie_freeze): entry index and its lexicon. */
typedef struct {
    uint32_t entry;
    uint32_t lex;       /* TRIE_TERM_LAST is set on the node's last entry */
} trie_term;
#define TRIE_TERM_LAST 0x80000000u

typedef struct {
    trie_slot *slots;
    size_t mask, used;
    uint32_t *root_bmp; /* 0x10000 direct children of the root, TRIE_NONE when absent */
    int32_t *value;     /* per node: first value (an entry index), or -1 */
    size_t n_nodes, cap_nodes;
    trie_term *terms;   /* trie_freeze */
    size_t n_terms;
    /* A filter over the first two characters of every key: most positions of a text start no
     * key of two or more characters, and this answers so from a table that stays in cache. */
    uint64_t *pair_bits;
    uint32_t child_mask; /* the bits of `child` that are the child: all until lexicon_freeze packs */
    bool borrowed;       /* the arrays belong to a cache image (cache.c): trie_free leaves them */
} trie;

static inline uint32_t trie_child(const trie *t, const trie_slot *sl) { return sl->child & t->child_mask; }
static inline uint32_t trie_single_lex(const trie_slot *sl) { return sl->child >> TRIE_CHILD_BITS; }

#define TRIE_PAIR_BITS 20

static inline size_t trie_pair_hash(uint32_t c1, uint32_t c2) {
    return (size_t)((((uint64_t)c1 << 21 | c2) * 0x9E3779B97F4A7C15ull) >> (64 - TRIE_PAIR_BITS));
}

/* May some key start with c1 c2? (false: certainly not) */
static inline bool trie_pair_maybe(const trie *t, uint32_t c1, uint32_t c2) {
    size_t h = trie_pair_hash(c1, c2);
    return (t->pair_bits[h >> 6] >> (h & 63)) & 1;
}

bool trie_init(trie *t);
void trie_free(trie *t);

/* Room for n more edges without regrowing (a lexicon file announces its size before its entries
 * go in: one growth instead of a cascade of doublings, each rehashing the whole table). False when
 * out of memory. */
bool trie_reserve(trie *t, size_t n);

/* After the last insertion: rehash into the smallest table that is at most three quarters full
 * (the reservations of trie_reserve, which keep it half full while inserting, can leave it far
 * emptier; a smaller table is a smaller cache image and fewer cache misses in the scan). Key and
 * child only: call before the slots' `term` is filled. False when out of memory (the table is
 * then as it was). */
bool trie_fit(trie *t);

/* Node reached by the code points of s[0..len) (valid UTF-8), creating nodes as needed; their
 * number in *n_cps when not NULL. TRIE_NONE when out of memory or not valid UTF-8. */
uint32_t trie_insert(trie *t, const char *s, size_t len, uint32_t *n_cps);

/* The key of the edge out of `node` by `cp`, and the slot of a table of mask + 1 slots where its
 * probe begins. */
static inline uint64_t trie_edge_key(uint32_t node, uint32_t cp) { return (((uint64_t)node << 21) | cp) + 1; }
static inline size_t trie_edge_home(size_t mask, uint64_t key) {
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & mask;
}

/* The edge out of `node` (not the root) by `cp`, or NULL. */
static inline const trie_slot *trie_edge(const trie *t, uint32_t node, uint32_t cp) {
    uint64_t key = trie_edge_key(node, cp);
    size_t i = trie_edge_home(t->mask, key);
    for (;;) {
        const trie_slot *sl = &t->slots[i];
        if (sl->key == key)
            return sl;
        if (sl->key == 0)
            return NULL;
        i = (i + 1) & t->mask;
    }
}

/* Start loading the slot where trie_edge(t, node, cp) begins its probe (a hint; no effect on
 * results): the table is far larger than the caches, and the scan asks for it a few positions
 * ahead so that the load overlaps the work in between. */
static inline void trie_edge_prefetch(const trie *t, uint32_t node, uint32_t cp) {
    __builtin_prefetch(&t->slots[trie_edge_home(t->mask, trie_edge_key(node, cp))]);
}

/* Start loading the entries of the edge's child when they are a list in `terms` (a hint): the list
 * is read a little later, and the array is far larger than the caches. */
static inline void trie_terms_prefetch(const trie *t, const trie_slot *sl) {
    uint32_t term = sl->term & ~(TRIE_LEAF | TRIE_SINGLE);
    if (!(sl->term & TRIE_SINGLE) && term != TRIE_NO_TERM)
        __builtin_prefetch(&t->terms[term]);
}

/* Child of `node` by `cp`, or TRIE_NONE. */
static inline uint32_t trie_step(const trie *t, uint32_t node, uint32_t cp) {
    if (node == TRIE_ROOT && cp < 0x10000)
        return t->root_bmp[cp];
    const trie_slot *sl = trie_edge(t, node, cp);
    return sl ? trie_child(t, sl) : TRIE_NONE;
}

/* The lexicon entries own the node values; lexicon_freeze (lexicon.c) fills terms and slot.term. */

/* Node reached by s[0..len), or TRIE_NONE; does not insert. */
uint32_t trie_find(const trie *t, const char *s, size_t len);

#endif
