/* resolve.c - the overlap policy.
 *
 * Entity types are grouped in layers (rules: `layer`). Within a layer no two entities overlap; across
 * layers they may (a title contains its organization). Candidates of a phase and the entities kept
 * so far compete together, best first:
 *   1. higher rule priority;
 *   2. longer span;
 *   3. earlier start;
 *   4. earlier creation (rule order in the files, then text order).
 * A candidate is kept when it overlaps nothing already kept in its layer. The ranking is a total
 * order, so the result does not depend on the sort algorithm. Before ranking, a candidate that
 * crosses or sits inside an entity of another layer kept by an earlier phase is dropped, and so is
 * one that crosses an earlier entity of its own layer. */
#include <string.h>

#include "matcher.h"

static inline bool rank_less(const cand *a, const cand *b) {
    if (a->priority != b->priority)
        return a->priority > b->priority;
    uint32_t la = a->end - a->start, lb = b->end - b->start;
    if (la != lb)
        return la > lb;
    if (a->start != b->start)
        return a->start < b->start;
    return a->seq < b->seq;
}

static inline bool pos_less(const cand *a, const cand *b) {
    if (a->start != b->start)
        return a->start < b->start;
    if (a->end != b->end)
        return a->end > b->end;
    if (a->type != b->type)
        return a->type < b->type;
    return a->seq < b->seq;
}

/* A candidate may contain an entity kept earlier in another layer (a title contains its
 * organization), or lie apart from it; it may not cross it or sit inside it (省长 in 湖南省长沙市).
 * In its own layer it may contain or sit inside an earlier entity (the ranking decides between
 * them) but not cross it: where an earlier phase drew a boundary (莫斯科), a later one does not
 * cut through it (斯科会). */
static bool fits_earlier(const govner_matcher *m, const uint32_t *owner, const cand *c) {
    const govner_ruleset *rs = m->rs;
    uint32_t layer = rs->types.items[c->type].layer;
    for (size_t l = 0; l < rs->layers.len; l++) {
        const uint32_t *own = owner + l * m->n;
        for (uint32_t p = c->start; p < c->end; p++) {
            if (!own[p])
                continue;
            const cand *e = &m->ents.items[own[p] - 1];
            bool inside = e->start < c->start || e->end > c->end;
            if (l != layer ? inside : inside && !(e->start <= c->start && e->end >= c->end))
                return false;
            p = e->end - 1;
        }
    }
    return true;
}

static bool drop_misfits(govner_matcher *m) {
    const govner_ruleset *rs = m->rs;
    if (m->ents.len == 0 || m->cands.len == 0)
        return true;
    size_t need = (size_t)m->n * rs->layers.len;
    m->owner.len = 0;
    if (!VEC_RESERVE(&m->owner, need ? need : 1))
        return false;
    uint32_t *owner = m->owner.items;
    memset(owner, 0, need * sizeof *owner);
    for (size_t i = 0; i < m->ents.len; i++) {
        const cand *e = &m->ents.items[i];
        uint32_t *own = owner + (size_t)rs->types.items[e->type].layer * m->n;
        for (uint32_t p = e->start; p < e->end; p++)
            own[p] = (uint32_t)i + 1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < m->cands.len; i++)
        if (fits_earlier(m, owner, &m->cands.items[i]))
            m->cands.items[kept++] = m->cands.items[i];
    m->cands.len = kept;
    return true;
}

/* Sort c[0..n) by less, a total order (so any algorithm gives the same result): by insertion for
 * the few candidates of most documents; else a merge sort of their indexes, with the comparison
 * inlined (qsort called it through a pointer for every step: a tenth of the time of long
 * documents), then one move of each candidate. False when out of memory. */
#define DEFINE_SORT(name, less)                                                                               \
    static bool name(govner_matcher *m, cand *c, size_t n) {                                                 \
        if (n <= 24) {                                                                                        \
            for (size_t i = 1; i < n; i++) {                                                                  \
                cand x = c[i];                                                                                \
                size_t j = i;                                                                                 \
                for (; j > 0 && less(&x, &c[j - 1]); j--)                                                     \
                    c[j] = c[j - 1];                                                                          \
                c[j] = x;                                                                                     \
            }                                                                                                 \
            return true;                                                                                      \
        }                                                                                                     \
        m->sort_idx.len = m->sort_tmp.len = 0;                                                                \
        if (!VEC_RESERVE(&m->sort_idx, 2 * n) || !VEC_RESERVE(&m->sort_tmp, n))                               \
            return false;                                                                                     \
        uint32_t *idx = m->sort_idx.items, *tmp = idx + n;                                                    \
        enum { RUN = 16 };                                                                                    \
        for (size_t lo = 0; lo < n; lo += RUN) { /* runs sorted by insertion */                              \
            size_t hi = lo + RUN < n ? lo + RUN : n;                                                          \
            for (size_t i = lo; i < hi; i++) {                                                                \
                size_t j = i;                                                                                 \
                for (; j > lo && less(&c[i], &c[idx[j - 1]]); j--)                                           \
                    idx[j] = idx[j - 1];                                                                      \
                idx[j] = (uint32_t)i;                                                                         \
            }                                                                                                 \
        }                                                                                                     \
        for (size_t w = RUN; w < n; w *= 2) { /* merged in pairs, into tmp and back */                       \
            for (size_t lo = 0; lo < n; lo += 2 * w) {                                                        \
                size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;                   \
                size_t i = lo, j = mid, k = lo;                                                               \
                while (i < mid && j < hi)                                                                     \
                    tmp[k++] = less(&c[idx[j]], &c[idx[i]]) ? idx[j++] : idx[i++];                            \
                while (i < mid)                                                                               \
                    tmp[k++] = idx[i++];                                                                      \
                while (j < hi)                                                                                \
                    tmp[k++] = idx[j++];                                                                      \
            }                                                                                                 \
            uint32_t *t = idx;                                                                                \
            idx = tmp;                                                                                        \
            tmp = t;                                                                                          \
        }                                                                                                     \
        for (size_t i = 0; i < n; i++)                                                                        \
            m->sort_tmp.items[i] = c[idx[i]];                                                                 \
        memcpy(c, m->sort_tmp.items, n * sizeof *c);                                                          \
        return true;                                                                                          \
    }
DEFINE_SORT(sort_by_rank, rank_less)
DEFINE_SORT(sort_by_pos, pos_less)

bool resolve(govner_matcher *m) {
    const govner_ruleset *rs = m->rs;
    if (m->cands.len == 0 && m->ents_indexed)
        return true; /* nothing new: the kept entities and their indexes stand */
    m->ents_indexed = true;
    if (!drop_misfits(m))
        return false;
    if (!VEC_RESERVE(&m->ents, m->cands.len))
        return false;
    if (m->cands.len)
        memcpy(m->ents.items + m->ents.len, m->cands.items, m->cands.len * sizeof *m->cands.items);
    m->ents.len += m->cands.len;
    m->cands.len = 0;

    size_t n_layers = rs->layers.len;
    size_t need = (size_t)m->n * n_layers;
    m->occupied.len = 0;
    if (!VEC_RESERVE(&m->occupied, need))
        return false;
    if (need)
        memset(m->occupied.items, 0, need);

    if (!sort_by_rank(m, m->ents.items, m->ents.len))
        return false;
    size_t kept = 0;
    for (size_t i = 0; i < m->ents.len; i++) {
        cand c = m->ents.items[i];
        uint8_t *occ = m->occupied.items + (size_t)rs->types.items[c.type].layer * m->n;
        bool free_span = true;
        for (uint32_t p = c.start; p < c.end && free_span; p++)
            free_span = !occ[p];
        if (!free_span)
            continue;
        memset(occ + c.start, 1, c.end - c.start);
        m->ents.items[kept++] = c;
    }
    m->ents.len = kept;
    memset(m->ent_max, 0, sizeof m->ent_max);
    for (size_t i = 0; i < m->ents.len; i++) {
        const cand *e = &m->ents.items[i];
        if (e->type < GOVNER_BOUND_TYPES && e->end - e->start > m->ent_max[e->type])
            m->ent_max[e->type] = e->end - e->start;
    }
    if (!sort_by_pos(m, m->ents.items, m->ents.len))
        return false;
    return index_build(&m->ent_start, m->n, m->ents.len, m->ents.items, sizeof(cand), false) &&
           index_build(&m->ent_end, m->n, m->ents.len, m->ents.items, sizeof(cand), true);
}

bool has_entry(const govner_matcher *m, uint32_t lex, uint32_t start, uint32_t end) {
    if (start >= m->n)
        return false;
    if (m->rs->lexicons.items[lex].exact)
        return exact_find(m->rs, lex, m->text + m->byte_of[start], m->byte_of[end] - m->byte_of[start]) >= 0;
    if (end == start + 1)
        return single_entry(m, start, lex) >= 0;
    if (m->rs->lex_fixed[lex])
        return end - start == m->rs->lex_fixed[lex] && anchor_meet(m->start_bits[start], m->rs->lex_start_bit[lex]);
    for (uint32_t i = m->hit_start.at[start]; i < m->hit_start.at[start + 1]; i++) {
        const hit *h = &m->hits.items[m->hit_start.order[i]];
        if (h->end == end && h->lex == lex)
            return true;
    }
    return false;
}
