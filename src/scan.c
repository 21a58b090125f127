/* scan.c - one pass of the lexicon automaton over a document.
 *
 * The text is decoded once into code points (offsets in the output are code points), then every
 * position is walked down the trie for as long as the trie has a path; every entry on the way is a
 * hit. A position where no entry starts costs one table lookup. */
#include <string.h>

#include "matcher.h"
#include "utf8.h"

static bool grow_u32(uint32_t **p, size_t *cap, size_t need) {
    if (need <= *cap)
        return true;
    size_t nc = *cap ? *cap : 256;
    while (nc < need)
        nc *= 2;
    uint32_t *q = realloc(*p, nc * sizeof *q);
    if (!q)
        return false;
    *p = q;
    *cap = nc;
    return true;
}

bool index_build(pos_index *ix, uint32_t n, size_t n_items, const void *items, size_t stride, bool by_end) {
    if (!grow_u32(&ix->at, &ix->cap_at, (size_t)n + 3) || !grow_u32(&ix->order, &ix->cap_order, n_items + 1))
        return false;
    uint32_t *at = ix->at;
    memset(at, 0, ((size_t)n + 3) * sizeof *at);
    /* Items are structs whose first two fields are uint32_t start and end. Counted two places on,
     * summed, at[k + 1] is where the items of key k go: filling moves it on to where those of
     * k + 1 go, so at[k] ends as the start of key k without a shift. */
    const unsigned char *base = items;
    for (size_t i = 0; i < n_items; i++) {
        const uint32_t *se = (const uint32_t *)(base + i * stride);
        at[se[by_end] + 2]++;
    }
    uint32_t sum = 0; /* in a register: at[i] += at[i - 1] waited at every step for the store before */
    for (uint32_t i = 2; i <= n + 2; i++)
        at[i] = sum += at[i];
    /* Counting sort, stable: ties keep the items' order. */
    uint32_t *fill = ix->order;
    for (size_t i = 0; i < n_items; i++) {
        const uint32_t *se = (const uint32_t *)(base + i * stride);
        fill[at[se[by_end] + 1]++] = (uint32_t)i;
    }
    return true;
}

/* Room for `need` positions in every per-position array (they all have capacity cap_n); only
 * when the document is longer than any before, so most documents cost no allocation here. */
static bool grow_positions(govner_matcher *m, size_t need) {
    if (need <= m->cap_n)
        return true;
    size_t cap = m->cap_n ? m->cap_n : 256;
    while (cap < need)
        cap *= 2;
    void **arrays[] = {(void **)&m->cps,        (void **)&m->byte_of,  (void **)&m->cpidx,
                       (void **)&m->start_bits, (void **)&m->end_bits, (void **)&m->cls,
                       (void **)&m->plist_at,   (void **)&m->plist_len, (void **)&m->pos_list};
    size_t sizes[] = {sizeof *m->cps,        sizeof *m->byte_of,  sizeof *m->cpidx,
                      sizeof *m->start_bits, sizeof *m->end_bits, sizeof *m->cls,
                      sizeof *m->plist_at,   sizeof *m->plist_len, sizeof *m->pos_list};
    for (size_t a = 0; a < sizeof arrays / sizeof *arrays; a++) {
        void *p = realloc(*arrays[a], cap * sizes[a]);
        if (!p)
            return false; /* the arrays grown so far are larger than cap_n says: harmless */
        *arrays[a] = p;
    }
    m->cap_n = cap;
    return true;
}

/* Record a lexicon entry found at [h.start, h.end): its lexicon's anchor bits there, and their
 * planes. */
static inline bool add_hit(govner_matcher *m, hit h) {
    const govner_ruleset *rs = m->rs;
    anchor_join(&m->start_bits[h.start], rs->lex_start_bit[h.lex]);
    anchor_join(&m->end_bits[h.end], rs->lex_end_bit[h.lex]);
    if (rs->lex_start_plane[h.lex] >= 0)
        plane_set(plane(m, (uint32_t)rs->lex_start_plane[h.lex]), h.start);
    if (rs->lex_end_plane[h.lex] >= 0)
        plane_set(plane(m, (uint32_t)rs->lex_end_plane[h.lex]), h.end);
    return rs->lex_fixed[h.lex] || VEC_PUSH(&m->hits, h); /* the bits are all of it (ruleset.h) */
}

/* Room for the bit planes (matcher.h) of positions 0..n, the static ones cleared: the scan marks
 * them as it goes. */
static bool clear_planes(govner_matcher *m, uint32_t n) {
    const govner_ruleset *rs = m->rs;
    m->plane_words = n / 64 + 1;
    size_t words = m->plane_words, need = ((size_t)rs->n_planes + 3) * words;
    if (need > m->cap_planes) {
        size_t cap = m->cap_planes ? m->cap_planes : 64;
        while (cap < need)
            cap *= 2;
        uint64_t *p = realloc(m->planes, cap * sizeof *p);
        if (!p)
            return false;
        m->planes = p;
        m->cap_planes = cap;
    }
    memset(m->planes, 0, (size_t)rs->planes_static * words * sizeof *m->planes);
    memset(m->plane_any, 0, sizeof m->plane_any);
    return true;
}

/* The static planes of the characters of positions 0..n-1 (those of entries of two or more
 * characters are marked as they are found), and which planes are not empty. Each character's
 * planes are a list made once per matcher (cp_info.plane_at). The lists are gone through in rounds,
 * the r-th entry of every list that has one in round r, over the positions whose lists are that
 * long (pos_list, shortened without a branch): a loop per position over its list ended with a
 * mispredicted branch at nearly every position, as did five loops over its bits before. */
static void fill_planes(govner_matcher *m, uint32_t n) {
    const govner_ruleset *rs = m->rs;
    uint64_t *planes = m->planes;
    size_t words = m->plane_words;
    const uint16_t *items = m->cp_planes.items;
    uint32_t *pos = m->pos_list, live = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (m->plist_len[i] != PLIST_NONE) { /* its list, noted by the decoding */
            pos[live] = i;
            live += m->plist_len[i] > 0;
            continue;
        }
        uint16_t e[CP_PLANES_MAX]; /* no list (past the BMP, or out of memory): made here */
        for (uint32_t j = 0, ne = cp_plane_entries(m, m->cls[i], m->cpidx[i], e); j < ne; j++)
            plane_set(planes + (size_t)(e[j] & ~CP_PLANE_NEXT) * words, i + (e[j] >> 15));
    }
    for (uint32_t r = 0; live; r++) {
        uint32_t next = 0;
        for (uint32_t x = 0; x < live; x++) {
            uint32_t i = pos[x];
            uint16_t e = items[m->plist_at[i] + r];
            plane_set(planes + (size_t)(e & ~CP_PLANE_NEXT) * words, i + (e >> 15));
            pos[next] = i;
            next += m->plist_len[i] > r + 1;
        }
        live = next;
    }
    /* Dense planes: whole over the positions (matcher.dense); until they are chosen, the counts.
     * (Past the text they stay empty: a need at an offset would let rules start near its end.) */
    if (m->dense) {
        for (uint32_t d = 0; d < m->n_dense; d++) {
            uint64_t *pl = planes + (size_t)(m->dense_list[d] & ~DENSE_TO_END) * words;
            uint32_t to = m->dense_list[d] & DENSE_TO_END ? n + 1 : n;
            memset(pl, 0xFF, to / 64 * sizeof *pl);
            if (to % 64)
                pl[to / 64] = (1ull << (to % 64)) - 1;
        }
    } else if (!m->dense_chosen) {
        if (!m->plane_count && !(m->plane_count = calloc(rs->planes_static + 1, sizeof *m->plane_count)))
            m->dense_chosen = true; /* out of memory: none, that is all */
        for (uint32_t p = 0; m->plane_count && p < rs->planes_static; p++)
            if (!((rs->plane_exact[p >> 6] >> (p & 63)) & 1))
                for (size_t w = 0; w < words; w++)
                    m->plane_count[p] += (uint32_t)__builtin_popcountll(planes[(size_t)p * words + w]);
        m->sampled += n;
        if (m->plane_count && m->sampled >= PLANE_SAMPLE)
            pattern_choose_dense(m);
    }
    /* Which are not empty: from the unions of the bits (entries may end with the text). */
    anchor_set start_any = {{0}}, end_any = m->end_bits[n];
    uint64_t class_any = 0;
    for (uint32_t i = 0; i < n; i++) {
        anchor_join(&start_any, m->start_bits[i]);
        anchor_join(&end_any, m->end_bits[i]);
        class_any |= m->cls[i];
    }
    for (int w = 0; w < ANCHOR_WORDS; w++) {
        for (uint64_t b = start_any.w[w] & rs->plane_start_used.w[w]; b; b &= b - 1)
            plane_note(m, (uint32_t)rs->start_plane[w * 64 + __builtin_ctzll(b)]);
        for (uint64_t b = end_any.w[w] & rs->plane_end_used.w[w]; b; b &= b - 1)
            plane_note(m, (uint32_t)rs->end_plane[w * 64 + __builtin_ctzll(b)]);
    }
    for (uint64_t c = class_any & rs->plane_class_used; c; c &= c - 1)
        plane_note(m, (uint32_t)rs->class_plane[__builtin_ctzll(c)]);
    plane_mark(m, rs->bol_plane, 0);
    for (uint32_t i = 1; i < n; i++)
        if (m->cps[i - 1] == '\n' || m->cps[i - 1] == '\r')
            plane_mark(m, rs->bol_plane, i);
}

govner_status scan_document(govner_matcher *m, govner_error *err) {
    const govner_ruleset *rs = m->rs;
    const unsigned char *s = (const unsigned char *)m->text;
    size_t len = m->len;
    if (!grow_positions(m, len + 1))
        goto nomem;
    uint32_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp); /* ASCII and CJK inline */
        if (k == 0)
            return error_set(err, GOVNER_ERR_INPUT, "", 0, 0, NULL, "invalid UTF-8 at byte %zu", m->text_base + i);
        m->cps[n] = cp;
        const cp_info *ci = cp_known(m, cp);
        if (!ci) { /* the first time the matcher meets it: its classes, then known (but past the BMP) */
            m->cls[n] = pattern_class_bits_slow(m, cp);
            ci = cp_known(m, cp);
        }
        if (ci) {
            m->cpidx[n] = ci->single;
            m->cls[n] = ci->cls;
            m->plist_at[n] = ci->plane_at;
            m->plist_len[n] = (uint16_t)ci->planes; /* at most 63 classes + 2 x ANCHOR_BITS */
        } else {
            m->cpidx[n] = single_index(rs, cp);
            m->plist_len[n] = PLIST_NONE;
        }
        m->byte_of[n] = (uint32_t)i;
        n++;
        i += (size_t)k;
    }
    m->byte_of[n] = (uint32_t)len;
    m->n = n;

    /* Anchor bits of one-character entries; those of longer ones are added as they are found. */
    const anchor_set none = {{0}};
    m->start_bits[n] = m->end_bits[0] = none;
    for (uint32_t i = 0; i < n; i++) {
        int32_t k = m->cpidx[i];
        m->start_bits[i] = k >= 0 ? rs->single_start_bits[k] : none;
        m->end_bits[i + 1] = k >= 0 ? rs->single_end_bits[k] : none;
    }

    m->hits.len = 0;
    if (!clear_planes(m, n))
        goto nomem;
    const trie *t = &rs->trie;
    uint32_t max_len = rs->max_lex_len;
    /* The edge table is far larger than the caches, and nearly every lookup misses them. The
     * first two edges of the walks of a block of positions do not depend on one another: each
     * level is looked up for the whole block after its loads were asked for (prefetched), so the
     * misses overlap; the rare longer walks go on one by one. Each level goes through the list of
     * the positions still walking (at0 .. at3, in order, each made without a branch where it can
     * be) instead of testing every position of the block: whether a position walks on varies from
     * one to the next, and that test was a mispredicted branch at every level. */
    enum { BLOCK = 64 };
    const trie_slot *edge1[BLOCK], *edge2[BLOCK];
    for (uint32_t b0 = 0; b0 < n; b0 += BLOCK) {
        uint32_t nb = n - b0 < BLOCK ? n - b0 : BLOCK;
        uint32_t node1[BLOCK], node2[BLOCK];
        uint8_t at0[BLOCK], at1[BLOCK], at2[BLOCK], at3[BLOCK];
        uint32_t n0 = 0, n1 = 0, n2 = 0, n3 = 0;
        /* The pair filter, without a branch: */
        uint32_t pairs = max_len < 2 ? 0 : b0 + nb < n ? nb : nb - 1;
        for (uint32_t k = 0; k < pairs; k++) {
            at0[n0] = (uint8_t)k;
            n0 += trie_pair_maybe(t, m->cps[b0 + k], m->cps[b0 + k + 1]);
        }
        for (uint32_t x = 0; x < n0; x++) {
            uint32_t k = at0[x], i = b0 + k;
            const cp_info *ci = cp_known(m, m->cps[i]);
            node1[k] = ci ? ci->root : trie_step(t, TRIE_ROOT, m->cps[i]);
            if (node1[k] == TRIE_NONE)
                continue;
            trie_edge_prefetch(t, node1[k], m->cps[i + 1]);
            at1[n1++] = (uint8_t)k;
        }
        for (uint32_t x = 0; x < n1; x++) {
            uint32_t k = at1[x], i = b0 + k;
            const trie_slot *sl = trie_edge(t, node1[k], m->cps[i + 1]);
            if (!sl)
                continue;
            trie_terms_prefetch(t, sl);
            edge1[k] = sl;
            edge2[k] = NULL;
            at2[n2++] = (uint8_t)k;
            if (!(sl->term & TRIE_LEAF) && i + 2 < n && max_len > 2) {
                node2[k] = trie_child(t, sl);
                trie_edge_prefetch(t, node2[k], m->cps[i + 2]);
                at3[n3++] = (uint8_t)k;
            }
        }
        for (uint32_t x = 0; x < n3; x++) {
            uint32_t k = at3[x];
            edge2[k] = trie_edge(t, node2[k], m->cps[b0 + k + 2]);
            if (edge2[k])
                trie_terms_prefetch(t, edge2[k]);
        }
        for (uint32_t x = 0; x < n2; x++) {
            uint32_t k = at2[x], i = b0 + k;
            size_t first = m->hits.len;
            uint32_t lim = n - i < max_len ? n - i : max_len;
            /* One-character entries are not recorded: pattern.c looks them up at the root. */
            for (uint32_t j = 1; j < lim; j++) {
                const trie_slot *sl = j == 1 ? edge1[k] : j == 2 ? edge2[k] : trie_edge(t, node1[k], m->cps[i + j]);
                if (!sl)
                    break;
                node1[k] = trie_child(t, sl);
                uint32_t term = sl->term & ~(TRIE_LEAF | TRIE_SINGLE);
                if (sl->term & TRIE_SINGLE) {
                    if (!add_hit(m, (hit){i, i + j + 1, term, trie_single_lex(sl)}))
                        goto nomem;
                } else if (term != TRIE_NO_TERM) {
                    for (const trie_term *tt = &t->terms[term];; tt++) {
                        if (!add_hit(m, (hit){i, i + j + 1, tt->entry, tt->lex & ~TRIE_TERM_LAST}))
                            goto nomem;
                        if (tt->lex & TRIE_TERM_LAST)
                            break;
                    }
                }
                if (sl->term & TRIE_LEAF)
                    break;
            }
            /* Longer first among hits of one start: reverse the group. */
            for (size_t a = first, b = m->hits.len; b > a + 1; a++, b--) {
                hit tmp = m->hits.items[a];
                m->hits.items[a] = m->hits.items[b - 1];
                m->hits.items[b - 1] = tmp;
            }
        }
    }
    fill_planes(m, n);
    if (!pattern_static_rules(m))
        goto nomem;
    if (!index_build(&m->hit_start, n, m->hits.len, m->hits.items, sizeof(hit), false) ||
        !index_build(&m->hit_end, n, m->hits.len, m->hits.items, sizeof(hit), true))
        goto nomem;
    return GOVNER_OK;
nomem:
    return error_set(err, GOVNER_ERR_NOMEM, "", 0, 0, NULL, "out of memory");
}
