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
 * one that crosses an earlier entity of its own layer. The entities kept so far never overlap one
 * another within a layer, so only the new candidates need ranking (resolve_new). */
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

/* Drop the candidates that do not fit the entities kept so far (fits_earlier), with m->owner made
 * from those entities (build_owner). */
static void drop_misfits(govner_matcher *m) {
    size_t kept = 0;
    for (size_t i = 0; i < m->cands.len; i++)
        if (fits_earlier(m, m->owner.items, &m->cands.items[i]))
            m->cands.items[kept++] = m->cands.items[i];
    m->cands.len = kept;
}

static inline bool cand_less(const cand *a, const cand *b, bool by_rank) {
    return by_rank ? rank_less(a, b) : pos_less(a, b);
}

/* Sort c[0..n) by rank or by position, each a total order (so any algorithm gives the same
 * result): by insertion for the few candidates of most documents; else a merge sort of their
 * indexes, with the comparison inlined (qsort called it through a pointer for every step: a tenth
 * of the time of long documents), then one move of each candidate. False when out of memory. */
static bool sort_cands(govner_matcher *m, cand *c, size_t n, bool by_rank) {
    if (n <= 24) {
        for (size_t i = 1; i < n; i++) {
            cand x = c[i];
            size_t j = i;
            for (; j > 0 && cand_less(&x, &c[j - 1], by_rank); j--)
                c[j] = c[j - 1];
            c[j] = x;
        }
        return true;
    }
    m->sort_idx.len = m->sort_tmp.len = 0;
    if (!VEC_RESERVE(&m->sort_idx, 2 * n) || !VEC_RESERVE(&m->sort_tmp, n))
        return false;
    uint32_t *idx = m->sort_idx.items, *tmp = idx + n;
    enum { RUN = 16 };
    for (size_t lo = 0; lo < n; lo += RUN) { /* runs sorted by insertion */
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo; i < hi; i++) {
            size_t j = i;
            for (; j > lo && cand_less(&c[i], &c[idx[j - 1]], by_rank); j--)
                idx[j] = idx[j - 1];
            idx[j] = (uint32_t)i;
        }
    }
    for (size_t w = RUN; w < n; w *= 2) { /* merged in pairs, into tmp and back */
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cand_less(&c[idx[j]], &c[idx[i]], by_rank) ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        uint32_t *t = idx;
        idx = tmp;
        tmp = t;
    }
    for (size_t i = 0; i < n; i++)
        m->sort_tmp.items[i] = c[idx[i]];
    memcpy(c, m->sort_tmp.items, n * sizeof *c);
    return true;
}

/* Every candidate and entity kept, ranked together, best first (the policy as stated above). */
static bool resolve_all(govner_matcher *m) {
    const govner_ruleset *rs = m->rs;
    if (!VEC_RESERVE(&m->ents, m->cands.len))
        return false;
    if (m->cands.len)
        memcpy(m->ents.items + m->ents.len, m->cands.items, m->cands.len * sizeof *m->cands.items);
    m->ents.len += m->cands.len;
    m->cands.len = 0;
    size_t need = (size_t)m->n * rs->layers.len;
    m->occupied.len = 0;
    if (!VEC_RESERVE(&m->occupied, need ? need : 1))
        return false;
    memset(m->occupied.items, 0, need);
    if (!sort_cands(m, m->ents.items, m->ents.len, true))
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
    return sort_cands(m, m->ents.items, m->ents.len, false);
}

/* The same result without ranking the entities kept so far, when they do not overlap within a
 * layer (as resolve leaves them; a document pass could change that: then resolve_all). Entities
 * that do not overlap never decide between themselves, so only the new candidates are ranked; each
 * is kept when the live items it overlaps in its layer (entities kept so far, candidates kept
 * before it) all rank below it, and it ends those it overlaps: they are entities kept so far
 * (a candidate kept before it ranks above it), and in the ranking of all together they come after
 * it, where they would meet it kept. m->owner holds, per layer and position, 1 + the item there
 * (entities 0 .. n_old - 1, then candidates), as build_owner made it (read only when there are
 * candidates). False when out of memory. */
static bool resolve_new(govner_matcher *m) {
    const govner_ruleset *rs = m->rs;
    size_t n_old = m->ents.len, n_new = m->cands.len;
    uint32_t *owner = m->owner.items;
    if (!sort_cands(m, m->cands.items, n_new, true))
        return false;
    m->occupied.len = 0; /* here: whether each item is live */
    if (!VEC_RESERVE(&m->occupied, n_old + n_new + 1))
        return false;
    uint8_t *live = m->occupied.items;
    memset(live, 1, n_old);
    memset(live + n_old, 0, n_new);
    for (size_t i = 0; i < n_new; i++) {
        const cand *c = &m->cands.items[i];
        uint32_t *own = owner + (size_t)rs->types.items[c->type].layer * m->n;
        bool keep = true;
        for (uint32_t p = c->start; p < c->end && keep; p++) {
            uint32_t o = own[p];
            if (!o || !live[o - 1])
                continue;
            const cand *x = o - 1 < n_old ? &m->ents.items[o - 1] : &m->cands.items[o - 1 - n_old];
            keep = !rank_less(x, c);
        }
        if (!keep)
            continue;
        for (uint32_t p = c->start; p < c->end; p++) {
            if (own[p])
                live[own[p] - 1] = 0;
            own[p] = (uint32_t)(n_old + i + 1);
        }
        live[n_old + i] = 1;
    }
    /* The live ones in text order: the entities' (in text order when resolve left them so), then
     * the candidates', merged. */
    size_t a = 0, b = 0;
    for (size_t i = 0; i < n_old; i++)
        if (live[i])
            m->ents.items[a++] = m->ents.items[i];
    for (size_t i = 0; i < n_new; i++)
        if (live[n_old + i])
            m->cands.items[b++] = m->cands.items[i];
    bool in_order = true;
    for (size_t i = 1; i < a && in_order; i++)
        in_order = pos_less(&m->ents.items[i - 1], &m->ents.items[i]);
    if ((!in_order && !sort_cands(m, m->ents.items, a, false)) || !sort_cands(m, m->cands.items, b, false))
        return false;
    m->ents.len = a;
    m->cands.len = 0;
    if (b == 0)
        return true;
    m->sort_tmp.len = 0;
    if (!VEC_RESERVE(&m->sort_tmp, a + b + 1) || !VEC_RESERVE(&m->ents, a + b))
        return false;
    cand *out = m->sort_tmp.items;
    size_t i = 0, j = 0, k = 0;
    while (i < a && j < b)
        out[k++] = pos_less(&m->cands.items[j], &m->ents.items[i]) ? m->cands.items[j++] : m->ents.items[i++];
    while (i < a)
        out[k++] = m->ents.items[i++];
    while (j < b)
        out[k++] = m->cands.items[j++];
    memcpy(m->ents.items, out, k * sizeof *out);
    m->ents.len = k;
    return true;
}

/* m->owner from the entities kept so far (the last one over a position where they overlap); *overlap
 * says whether two of them overlap within a layer. False when out of memory. */
static bool build_owner(govner_matcher *m, bool *overlap) {
    const govner_ruleset *rs = m->rs;
    size_t need = (size_t)m->n * rs->layers.len;
    m->owner.len = 0;
    if (!VEC_RESERVE(&m->owner, need ? need : 1))
        return false;
    uint32_t *owner = m->owner.items;
    memset(owner, 0, need * sizeof *owner);
    *overlap = false;
    for (size_t i = 0; i < m->ents.len; i++) {
        const cand *e = &m->ents.items[i];
        uint32_t *own = owner + (size_t)rs->types.items[e->type].layer * m->n;
        for (uint32_t p = e->start; p < e->end; p++) {
            *overlap |= own[p] != 0;
            own[p] = (uint32_t)i + 1;
        }
    }
    return true;
}

bool resolve(govner_matcher *m) {
    if (m->cands.len == 0 && m->ents_indexed)
        return true; /* nothing new: the kept entities and their indexes stand */
    m->ents_indexed = true;
    bool overlap = false;
    if (m->cands.len && !build_owner(m, &overlap))
        return false;
    if (m->ents.len && m->cands.len)
        drop_misfits(m);
    if (!(overlap ? resolve_all(m) : resolve_new(m)))
        return false;
    memset(m->ent_max, 0, sizeof m->ent_max);
    for (size_t i = 0; i < m->ents.len; i++) {
        const cand *e = &m->ents.items[i];
        if (e->type < GOVNER_BOUND_TYPES && e->end - e->start > m->ent_max[e->type])
            m->ent_max[e->type] = e->end - e->start;
    }
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
