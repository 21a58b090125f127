/* docpass.c - document-level passes that run after a phase's rules.
 *
 *   reject TYPE @lex      candidates of TYPE whose text is an entry of @lex are dropped (every phase),
 *                         but those of rules marked `no-reject`
 *   propagate TYPE        a text kept as TYPE is TYPE wherever else it occurs in the document
 *   merge TYPE attr       the list attribute `attr` of mentions with the same text is merged, in text
 *                         order, so every mention carries all of them
 *   jurisdiction @lex     the province the document is about (the one its place entries name most)
 *                         fills {province} and {province_short} in attribute templates; the city,
 *                         county and district it names more than all others of their kind together
 *                         fill {city}, {county} and {district}
 *   disambiguate TYPE     an entity of TYPE with `candidates` (division codes of a name that several
 *                         divisions share) takes the candidate the document's other codes point to
 *   refer TYPE TARGET     an entity of TYPE with a `surname` attribute (许书记) is `resolved` to the
 *                         TARGET of the document whose text begins with that surname, when there is
 *                         one such text and one only (许达哲)
 */
#include <stdlib.h>
#include <string.h>

#include "matcher.h"
#include "utf8.h"

void docpass_reject(govner_matcher *m) {
    const govner_ruleset *rs = m->rs;
    size_t kept = 0;
    for (size_t i = 0; i < m->cands.len; i++) {
        const cand *c = &m->cands.items[i];
        bool drop = false;
        for (size_t r = 0; r < rs->n_rejects && !drop && !c->no_reject; r++)
            drop = rs->rejects[r]->type == c->type && has_entry(m, rs->rejects[r]->lex, c->start, c->end);
        if (!drop)
            m->cands.items[kept++] = *c;
    }
    m->cands.len = kept;
}

static bool same_text(const govner_matcher *m, const cand *a, uint32_t start) {
    uint32_t len = a->end - a->start;
    if (start + len > m->n)
        return false;
    return memcmp(m->cps + a->start, m->cps + start, len * sizeof *m->cps) == 0;
}

static size_t table_size(size_t n) {
    size_t size = 16;
    while (size < n * 2)
        size *= 2;
    return size;
}

/* The distinct texts of the entities of `type`: group[i] is the text number of ents[i] (UINT32_MAX
 * for other types), first[g] the first entity with text g. Hashing keeps this linear in the
 * number of entities: a long document has thousands of mentions. */
typedef struct {
    uint32_t *group, *first;
    uint32_t n;
} text_groups;

static void groups_free(text_groups *g) {
    free(g->group);
    free(g->first);
}

static bool has_type(const govner_matcher *m, uint32_t type) {
    for (size_t i = 0; i < m->ents.len; i++)
        if (m->ents.items[i].type == type)
            return true;
    return false;
}

static bool groups_build(const govner_matcher *m, uint32_t type, text_groups *g) {
    size_t n = m->ents.len, size = table_size(n);
    g->n = 0;
    g->group = malloc((n + 1) * sizeof *g->group);
    g->first = malloc((n + 1) * sizeof *g->first);
    uint32_t *slots = calloc(size, sizeof *slots); /* text number + 1 */
    if (!g->group || !g->first || !slots) {
        free(slots);
        groups_free(g);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const cand *e = &m->ents.items[i];
        g->group[i] = UINT32_MAX;
        if (e->type != type)
            continue;
        uint32_t len = e->end - e->start;
        size_t h = (size_t)hash_bytes(len, (const char *)(m->cps + e->start), len * sizeof *m->cps) & (size - 1);
        for (;; h = (h + 1) & (size - 1)) {
            if (!slots[h]) {
                g->first[g->n] = (uint32_t)i;
                slots[h] = ++g->n;
                g->group[i] = g->n - 1;
                break;
            }
            const cand *o = &m->ents.items[g->first[slots[h] - 1]];
            if (o->end - o->start == len && same_text(m, o, e->start)) {
                g->group[i] = slots[h] - 1;
                break;
            }
        }
    }
    free(slots);
    return true;
}

static size_t pair_slot(uint32_t a, uint32_t b, size_t size) {
    return (size_t)((((uint64_t)a << 21) | b) * 0x9E3779B97F4A7C15ull >> 20) & (size - 1);
}

static bool propagate(govner_matcher *m, const pass *ps) {
    /* Distinct texts of the type, at least two code points (seeds); one scan of the text looks
     * for them by their first two code points. */
    text_groups g;
    if (!has_type(m, ps->type))
        return true;
    if (!groups_build(m, ps->type, &g))
        return false;
    size_t size = table_size(g.n);
    uint32_t *head = calloc(size, sizeof *head), *next = calloc(g.n + 1, sizeof *next); /* seed + 1 */
    const govner_ruleset *rs = m->rs;
    uint32_t layer = rs->types.items[ps->type].layer;
    uint32_t *owner = calloc(m->n + 1, sizeof *owner);
    bool ok = head && next && owner;
    size_t n_seeds = 0;
    for (uint32_t t = 0; ok && t < g.n; t++) {
        const cand *o = &m->ents.items[g.first[t]];
        if (o->end - o->start < 2)
            continue;
        size_t h = pair_slot(m->cps[o->start], m->cps[o->start + 1], size);
        next[t] = head[h];
        head[h] = t + 1;
        n_seeds++;
    }
    /* A new mention fills a gap, or replaces a shorter mention of the same type that it covers
     * (许达 -> 许达哲); it never displaces anything else of its layer. */
    for (size_t i = 0; ok && n_seeds && i < m->ents.len; i++) {
        const cand *e = &m->ents.items[i];
        if (rs->types.items[e->type].layer == layer)
            for (uint32_t p = e->start; p < e->end; p++)
                owner[p] = (uint32_t)i + 1;
    }
    for (uint32_t p = 0; ok && n_seeds && p + 1 < m->n; p++)
        for (uint32_t t = head[pair_slot(m->cps[p], m->cps[p + 1], size)]; ok && t; t = next[t - 1]) {
            const cand *o = &m->ents.items[g.first[t - 1]];
            if (o->start == p || !same_text(m, o, p))
                continue;
            uint32_t end = p + (o->end - o->start);
            int priority = ps->priority;
            bool fits = true;
            for (uint32_t q = p; q < end && fits; q++) {
                if (!owner[q])
                    continue;
                const cand *e = &m->ents.items[owner[q] - 1];
                fits = e->type == ps->type && e->start >= p && e->end <= end && e->end - e->start < end - p;
                if (fits && e->priority >= priority)
                    priority = e->priority + 1;
            }
            if (!fits)
                continue;
            cand c = *o;
            c.start = p;
            c.end = end;
            c.priority = priority;
            c.seq = ++m->seq;
            c.rule = "propagate";
            ok = VEC_PUSH(&m->cands, c);
        }
    free(owner);
    free(head);
    free(next);
    groups_free(&g);
    return ok && resolve(m);
}

/* The index of e's attribute `key`, or e->n_attrs when it has none. Every entity of a pass's type
 * comes here: the first character tells most keys apart before strcmp is called. */
static uint32_t attr_index(const cand *e, const char *key) {
    uint32_t a = 0;
    while (a < e->n_attrs && (e->attrs[a].key[0] != key[0] || strcmp(e->attrs[a].key, key) != 0))
        a++;
    return a;
}

/* Set attribute a on e, in place of the one of the same key or after the others. Attribute
 * arrays may be shared with the lexicon: e gets a copy in the document arena. */
static bool put_attr(govner_matcher *m, cand *e, govner_attr a) {
    uint32_t k = attr_index(e, a.key);
    govner_attr *na = arena_alloc(&m->mem, (e->n_attrs + (k == e->n_attrs)) * sizeof *na);
    if (!na)
        return false;
    if (e->n_attrs)
        memcpy(na, e->attrs, e->n_attrs * sizeof *na);
    e->attrs = na;
    if (k == e->n_attrs)
        e->n_attrs++;
    e->attrs[k] = a;
    return true;
}

static bool merge(govner_matcher *m, const pass *ps) {
    /* The mentions of each text, in text order (ents are sorted by start): a counting sort by
     * text number. */
    text_groups g;
    if (!has_type(m, ps->type))
        return true;
    if (!groups_build(m, ps->type, &g))
        return false;
    size_t n = m->ents.len;
    uint32_t *at = calloc((size_t)g.n + 1, sizeof *at), *order = malloc((n + 1) * sizeof *order);
    bool ok = at && order;
    for (size_t i = 0; ok && i < n; i++)
        if (g.group[i] != UINT32_MAX)
            at[g.group[i] + 1]++;
    for (uint32_t t = 0; ok && t < g.n; t++)
        at[t + 1] += at[t];
    for (size_t i = 0; ok && i < n; i++)
        if (g.group[i] != UINT32_MAX)
            order[at[g.group[i]]++] = (uint32_t)i;
    /* at[t] is now the end of text t's members; they start at at[t - 1] (0 for the first). */
    for (uint32_t t = 0; ok && t < g.n; t++) {
        uint32_t from = t ? at[t - 1] : 0, to = at[t];
        VEC(const char *) vals = {0};
        for (uint32_t k = from; ok && k < to; k++) {
            const cand *o = &m->ents.items[order[k]];
            for (uint32_t a = 0; ok && a < o->n_attrs; a++) {
                if (strcmp(o->attrs[a].key, ps->attr) != 0)
                    continue;
                for (size_t v = 0; ok && v < o->attrs[a].n_values; v++) {
                    bool dup = false;
                    for (size_t w = 0; w < vals.len && !dup; w++)
                        dup = strcmp(vals.items[w], o->attrs[a].values[v]) == 0;
                    ok = dup || VEC_PUSH(&vals, o->attrs[a].values[v]);
                }
            }
        }
        const char **copy = ok ? arena_alloc(&m->mem, (vals.len + 1) * sizeof *copy) : NULL;
        ok = copy != NULL;
        if (ok && vals.len)
            memcpy(copy, vals.items, vals.len * sizeof *copy);
        govner_attr merged = {.key = ps->attr, .values = copy, .n_values = vals.len, .is_list = 1};
        VEC_FREE(&vals);
        for (uint32_t k = from; ok && k < to; k++)
            ok = put_attr(m, &m->ents.items[order[k]], merged);
    }
    free(at);
    free(order);
    groups_free(&g);
    return ok;
}

/* The local division a relative name of a city, county or district refers to: {city} is the 市
 * (株洲市, 浏阳市, 北京市), {county} the 县, {district} the 区 that the document names more often
 * than all others of its kind together (in its province when it has one). */
enum { LOCAL_CITY, LOCAL_COUNTY, LOCAL_DISTRICT, N_LOCAL };
static const char *const local_var[N_LOCAL] = {"{city}", "{county}", "{district}"};
static const char *const local_suffix[N_LOCAL] = {"市", "县", "区"};

typedef struct {
    const lex_entry *prov;
    const char *name[N_LOCAL];
    bool known[N_LOCAL];
} juris;

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && memcmp(s + n - k, suffix, k) == 0;
}

static const char *local_division(govner_matcher *m, juris *j, int kind) {
    if (j->known[kind])
        return j->name[kind];
    j->known[kind] = true;
    const char *pcode = j->prov ? entry_attr(j->prov, "code") : NULL;
    enum { MAX = 32 };
    const char *names[MAX];
    size_t counts[MAX], n = 0, total = 0;
    uint32_t last_end = 0;
    for (size_t h = 0; h < m->hits.len; h++) {
        const hit *x = &m->hits.items[h];
        const lex_entry *le = &m->rs->entries.items[x->entry];
        /* One count per mention: 株洲市 is also 株洲; a one-character abbreviation is no mention. */
        if (!le->n_attrs || x->end - x->start < 2 || x->start < last_end)
            continue;
        const char *full = entry_attr(le, "full"), *code = entry_attr(le, "code");
        if (!full || !code || !ends_with(full, local_suffix[kind]))
            continue;
        const char *level = entry_attr(le, "level"), *prov = entry_attr(le, "province");
        bool is_province = level && strcmp(level, "province") == 0;
        if (is_province ? kind == LOCAL_DISTRICT : !prov) /* 广西壮族自治区 is no 区 */
            continue;
        if (pcode && strcmp(is_province ? code : prov, pcode) != 0)
            continue;
        last_end = x->end;
        size_t i = 0;
        while (i < n && strcmp(names[i], full) != 0)
            i++;
        if (i == n) {
            if (n == MAX)
                continue;
            names[n] = full;
            counts[n++] = 0;
        }
        counts[i]++;
        total++;
    }
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (counts[i] > counts[best])
            best = i;
    j->name[kind] = n && counts[best] * 2 > total ? names[best] : NULL;
    return j->name[kind];
}

/* Replace {province} / {province_short} / {city} / {county} / {district} in s, or NULL when s holds
 * a template whose division the document does not show. */
static const char *fill_template(govner_matcher *m, const char *s, juris *j) {
    if (!strchr(s, '{'))
        return s;
    char buf[1024];
    size_t o = 0;
    for (const char *p = s; *p && o < sizeof buf - 1;) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(p, "{province}", 10) == 0 || strncmp(p, "{province_short}", 16) == 0) {
            if (!j->prov)
                return NULL;
            bool is_short = p[9] == '_';
            rep = entry_attr(j->prov, is_short ? "short" : "full");
            if (!rep)
                rep = j->prov->text;
            skip = is_short ? 16 : 10;
        } else {
            for (int k = 0; k < N_LOCAL && !rep; k++)
                if (strncmp(p, local_var[k], strlen(local_var[k])) == 0) {
                    if (!(rep = local_division(m, j, k)))
                        return NULL;
                    skip = strlen(local_var[k]);
                }
        }
        if (rep) {
            size_t rl = strlen(rep);
            if (o + rl >= sizeof buf)
                break;
            memcpy(buf + o, rep, rl);
            o += rl;
            p += skip;
        } else {
            buf[o++] = *p++;
        }
    }
    return arena_strndup(&m->mem, buf, o);
}

/* Does an attribute of e hold a template ({province})? */
static bool has_template(const cand *e) {
    for (uint32_t a = 0; a < e->n_attrs; a++)
        for (size_t v = 0; v < e->attrs[a].n_values; v++)
            if (strchr(e->attrs[a].values[v], '{'))
                return true;
    return false;
}

static bool jurisdiction(govner_matcher *m, const pass *ps) {
    /* Most documents hold no relative name: then there is nothing to count. */
    size_t first_templ = 0;
    while (first_templ < m->ents.len && !has_template(&m->ents.items[first_templ]))
        first_templ++;
    if (first_templ == m->ents.len)
        return true;
    /* Count mentions per province: the province itself or any place whose `province` it is. */
    size_t counts[64] = {0};
    size_t first[64];
    for (size_t i = 0; i < 64; i++)
        first[i] = SIZE_MAX;
    for (size_t h = 0; h < m->hits.len; h++) {
        int p = ps->province_of[m->hits.items[h].entry];
        if (p < 0)
            continue;
        counts[p]++;
        if (first[p] == SIZE_MAX)
            first[p] = h;
    }
    const lex_entry *best = NULL;
    size_t best_i = 0;
    for (size_t p = 0; p < ps->n_provinces && p < 64; p++)
        if (counts[p] && (!best || counts[p] > counts[best_i] || (counts[p] == counts[best_i] && first[p] < first[best_i])))
            best = ps->provinces[p], best_i = p;

    juris j = {.prov = best};
    for (size_t i = first_templ; i < m->ents.len; i++) {
        cand *e = &m->ents.items[i];
        if (!has_template(e))
            continue;
        govner_attr *na = arena_alloc(&m->mem, e->n_attrs * sizeof *na);
        if (!na)
            return false;
        uint32_t k = 0;
        for (uint32_t a = 0; a < e->n_attrs; a++) {
            govner_attr at = e->attrs[a];
            if (at.n_values == 1 && strchr(at.values[0], '{')) {
                const char *filled = fill_template(m, at.values[0], &j);
                if (!filled)
                    continue; /* no jurisdiction known: leave the name unresolved */
                const char **v = arena_alloc(&m->mem, sizeof *v);
                if (!v)
                    return false;
                v[0] = filled;
                at.values = v;
            }
            na[k++] = at;
        }
        e->attrs = na;
        e->n_attrs = k;
    }
    return true;
}

/* How closely the division code `ev` points at the candidate code `c`: 3 the same county (or the
 * candidate's own county: a township in it), 2 the same prefecture, 1 the same province, 0 none.
 * Codes: 2 digits of province, 2 of prefecture, 2 of county, then 3 of township; a level's digits
 * are 00 above it (430000 湖南省, 430100 长沙市, 430181 浏阳市, 430181126 沙市镇). */
static int code_affinity(const char *c, size_t c_len, const char *ev) {
    size_t ev_len = strlen(ev);
    if (c_len < 6 || ev_len < 6 || memcmp(c, ev, 2) != 0)
        return 0;
    if (memcmp(ev + 2, "00", 2) == 0 || memcmp(c + 2, ev + 2, 2) != 0)
        return 1;
    if (memcmp(ev + 4, "00", 2) == 0 || memcmp(c + 4, ev + 4, 2) != 0)
        return 2;
    return 3;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* s, a copy in the document arena (NULL: out of memory), as the values of a one-value attribute. */
static const char **one_value(govner_matcher *m, const char *s) {
    const char **v = s ? arena_alloc(&m->mem, sizeof *v) : NULL;
    if (v)
        v[0] = s;
    return v;
}

/* The item of a `candidates` list ("code[:full],...") that begins at p: its length, and in
 * *code_len that of its code. The next item begins at p + len + (p[len] == ','). */
static size_t candidate_item(const char *p, size_t *code_len) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *colon = memchr(p, ':', len);
    *code_len = colon ? (size_t)(colon - p) : len;
    return len;
}

/* e's `candidates`: the one the document's codes point to most closely, alone at that closeness,
 * becomes e's code, province and full name; with none, the candidates' codes become a list. */
static bool pick_candidate(govner_matcher *m, cand *e, uint32_t a_cand, const char **ev, size_t n_ev) {
    const char *list = e->attrs[a_cand].values[0];
    const char *best = NULL;
    size_t best_len = 0, best_code_len = 0, n_items = 0;
    int best_aff = 0;
    bool tie = false;
    for (const char *p = list; *p; n_items++) {
        size_t code_len, len = candidate_item(p, &code_len);
        int aff = 0;
        for (size_t k = 0; k < n_ev && aff < 3; k++) {
            int x = code_affinity(p, code_len, ev[k]);
            if (x > aff)
                aff = x;
        }
        if (aff > best_aff)
            best = p, best_len = len, best_code_len = code_len, best_aff = aff, tie = false;
        else if (aff && aff == best_aff)
            tie = true;
        p += len + (p[len] == ',');
    }
    uint32_t n_attrs = e->n_attrs;
    govner_attr *na = arena_alloc(&m->mem, (n_attrs + 3) * sizeof *na);
    if (!na)
        return false;
    uint32_t k = 0;
    if (best && !tie) {
        char prov[7];
        memcpy(prov, best, 2);
        memcpy(prov + 2, "0000", 5);
        bool has_full = false;
        for (uint32_t a = 0; a < n_attrs; a++) {
            const char *key = e->attrs[a].key;
            if (strcmp(key, "ambiguous") != 0 && strcmp(key, "candidates") != 0)
                na[k++] = e->attrs[a];
            has_full |= strcmp(key, "full") == 0;
        }
        const char **code = one_value(m, arena_strndup(&m->mem, best, best_code_len)),
                   **pv = one_value(m, arena_strndup(&m->mem, prov, 6));
        if (!code || !pv)
            return false;
        na[k++] = (govner_attr){.key = "code", .values = code, .n_values = 1};
        na[k++] = (govner_attr){.key = "province", .values = pv, .n_values = 1};
        if (!has_full) {
            /* The candidate's full name (伊宁 -> 伊宁市), else the entity's own text. */
            const char **full = best_code_len < best_len
                                    ? one_value(m, arena_strndup(&m->mem, best + best_code_len + 1,
                                                                 best_len - best_code_len - 1))
                                    : one_value(m, doc_strndup(m, e->start, e->end));
            if (!full)
                return false;
            na[k++] = (govner_attr){.key = "full", .values = full, .n_values = 1};
        }
    } else {
        const char **codes = arena_alloc(&m->mem, n_items * sizeof *codes);
        if (!codes)
            return false;
        size_t i = 0;
        for (const char *p = list; *p && i < n_items; i++) {
            size_t code_len, len = candidate_item(p, &code_len);
            if (!(codes[i] = arena_strndup(&m->mem, p, code_len)))
                return false;
            p += len + (p[len] == ',');
        }
        memcpy(na, e->attrs, n_attrs * sizeof *na);
        k = n_attrs;
        na[a_cand] = (govner_attr){.key = "candidates", .values = codes, .n_values = i, .is_list = 1};
    }
    e->attrs = na;
    e->n_attrs = k;
    return true;
}

/* Does e have a `candidates` attribute? */
static bool has_candidates(const cand *e) { return attr_index(e, "candidates") < e->n_attrs; }

static bool disambiguate(govner_matcher *m, const pass *ps) {
    size_t first = 0;
    while (first < m->ents.len && (m->ents.items[first].type != ps->type || !has_candidates(&m->ents.items[first])))
        first++;
    if (first == m->ents.len)
        return true;
    /* The evidence: the codes of the divisions the text names (lexicon hits of two or more code
     * points: a one-character abbreviation is too often part of another word), once each. */
    VEC(const char *) ev = {0};
    for (size_t h = 0; h < m->hits.len; h++) {
        const hit *x = &m->hits.items[h];
        const lex_entry *le = &m->rs->entries.items[x->entry];
        const char *code = le->n_attrs && x->end - x->start >= 2 ? entry_attr(le, "code") : NULL;
        if (code && !VEC_PUSH(&ev, code)) {
            VEC_FREE(&ev);
            return false;
        }
    }
    if (ev.len)
        qsort(ev.items, ev.len, sizeof *ev.items, cmp_str);
    size_t n_ev = 0;
    for (size_t i = 0; i < ev.len; i++)
        if (!n_ev || strcmp(ev.items[n_ev - 1], ev.items[i]) != 0)
            ev.items[n_ev++] = ev.items[i];
    bool ok = true;
    for (size_t i = first; ok && i < m->ents.len; i++) {
        cand *e = &m->ents.items[i];
        uint32_t a = e->type == ps->type ? attr_index(e, "candidates") : e->n_attrs;
        if (a < e->n_attrs && e->attrs[a].n_values == 1)
            ok = pick_candidate(m, e, a, ev.items, n_ev);
    }
    VEC_FREE(&ev);
    return ok;
}

/* A text of the document, for sorting: its code points. */
typedef struct {
    const uint32_t *cps;
    uint32_t len, ent;
} span_text;

static int span_text_cmp(const void *pa, const void *pb) {
    const span_text *a = pa, *b = pb;
    for (uint32_t i = 0; i < a->len && i < b->len; i++)
        if (a->cps[i] != b->cps[i])
            return a->cps[i] < b->cps[i] ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* The first text of sorted[0..n) that does not sort before the prefix key[0..len). */
static size_t lower_bound(const span_text *sorted, size_t n, const uint32_t *key, uint32_t len) {
    span_text k = {key, len, 0};
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (span_text_cmp(&sorted[mid], &k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The number of code points of the UTF-8 string s when it is the text at cps[0..avail), else 0. */
static uint32_t text_at(const char *s, const uint32_t *cps, uint32_t avail) {
    uint32_t n = 0;
    for (size_t len = strlen(s); len;) {
        uint32_t cp;
        int k = utf8_decode((const unsigned char *)s, len, &cp);
        if (k <= 0 || n >= avail || cps[n] != cp)
            return 0;
        n++, s += k, len -= (size_t)k;
    }
    return n;
}

static bool refer(govner_matcher *m, const pass *ps) {
    size_t n_targets = 0;
    bool any = false;
    for (size_t i = 0; i < m->ents.len; i++) {
        n_targets += m->ents.items[i].type == ps->target;
        any |= m->ents.items[i].type == ps->type;
    }
    if (!any || !n_targets)
        return true;
    /* The targets sorted by text: those that begin with a surname are one run of the order, and
     * the run holds one text when its first and last texts are the same. */
    span_text *sorted = malloc(n_targets * sizeof *sorted);
    if (!sorted)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < m->ents.len; i++) {
        const cand *t = &m->ents.items[i];
        if (t->type == ps->target)
            sorted[n++] = (span_text){m->cps + t->start, t->end - t->start, (uint32_t)i};
    }
    qsort(sorted, n, sizeof *sorted, span_text_cmp);
    bool ok = true;
    for (size_t i = 0; ok && i < m->ents.len; i++) {
        cand *e = &m->ents.items[i];
        if (e->type != ps->type)
            continue;
        uint32_t a = attr_index(e, "surname");
        if (a == e->n_attrs || e->attrs[a].n_values != 1)
            continue;
        const uint32_t *key = m->cps + e->start;
        uint32_t len = text_at(e->attrs[a].values[0], key, e->end - e->start);
        size_t from = len ? lower_bound(sorted, n, key, len) : n, to;
        /* Texts longer than the surname alone, up to the first that does not begin with it. */
        while (from < n && sorted[from].len == len && memcmp(sorted[from].cps, key, len * sizeof *key) == 0)
            from++;
        to = from;
        while (to < n && sorted[to].len > len && memcmp(sorted[to].cps, key, len * sizeof *key) == 0)
            to++;
        if (from == to || span_text_cmp(&sorted[from], &sorted[to - 1]) != 0)
            continue;
        const cand *t = &m->ents.items[sorted[from].ent];
        const char **v = one_value(m, doc_strndup(m, t->start, t->end));
        ok = v && put_attr(m, e, (govner_attr){.key = "resolved", .values = v, .n_values = 1});
    }
    free(sorted);
    return ok;
}

bool docpass_run(govner_matcher *m, const phase *ph) {
    for (size_t i = 0; i < ph->n_passes; i++) {
        const pass *ps = &ph->passes[i];
        bool ok = true;
        switch (ps->kind) {
        case PASS_PROPAGATE: ok = propagate(m, ps); break;
        case PASS_MERGE: ok = merge(m, ps); break;
        case PASS_JURISDICTION: ok = jurisdiction(m, ps); break;
        case PASS_DISAMBIGUATE: ok = disambiguate(m, ps); break;
        case PASS_REFER: ok = refer(m, ps); break;
        case PASS_REJECT: break; /* applied to candidates before resolution */
        }
        if (!ok)
            return false;
    }
    return true;
}

/* One walk over e's attributes (34k division entries pass here at every start): is its `level`
 * province, its `code`, its `province` (NULL when absent). */
static void entry_codes(const lex_entry *e, bool *is_province, const char **code, const char **prov) {
    *is_province = false;
    *code = *prov = NULL;
    const char *k = e->packed;
    for (uint32_t a = 0; a < e->n_attrs; a++, k = entry_attr_next(k)) {
        /* The first character tells the keys apart before strcmp is called (full, short...). */
        if (k[0] == 'l' && strcmp(k, "level") == 0)
            *is_province = strcmp(entry_attr_value(k), "province") == 0;
        else if (k[0] == 'c' && strcmp(k, "code") == 0)
            *code = entry_attr_value(k);
        else if (k[0] == 'p' && strcmp(k, "province") == 0)
            *prov = entry_attr_value(k);
    }
}

bool docpass_prepare(govner_ruleset *rs) {
    /* The reject passes of all phases, in one array: docpass_reject checks every candidate
     * against them. */
    rs->n_rejects = 0;
    for (size_t ph = 0; ph < rs->phases.len; ph++)
        for (size_t k = 0; k < rs->phases.items[ph].n_passes; k++)
            rs->n_rejects += rs->phases.items[ph].passes[k].kind == PASS_REJECT;
    rs->rejects = rs->n_rejects ? arena_alloc(&rs->mem, rs->n_rejects * sizeof *rs->rejects) : NULL;
    if (rs->n_rejects && !rs->rejects)
        return false;
    for (size_t ph = 0, r = 0; ph < rs->phases.len; ph++)
        for (size_t k = 0; k < rs->phases.items[ph].n_passes; k++)
            if (rs->phases.items[ph].passes[k].kind == PASS_REJECT)
                rs->rejects[r++] = &rs->phases.items[ph].passes[k];
    size_t j = 0; /* jurisdiction passes so far */
    for (size_t ph = 0; ph < rs->phases.len; ph++)
        for (size_t k = 0; k < rs->phases.items[ph].n_passes; k++) {
            pass *ps = &rs->phases.items[ph].passes[k];
            if (ps->kind != PASS_JURISDICTION)
                continue;
            if (cache_jurisdiction(rs, j++, ps))
                continue; /* the compiled-lexicon image holds what follows computes */
            /* The province-level entries, one per code (湖南省 and 湖南 are one province), at most 64. */
            ps->provinces = arena_alloc(&rs->mem, 64 * sizeof *ps->provinces);
            if (!ps->provinces)
                return false;
            ps->n_provinces = 0;
            uint64_t hashes[64]; /* of the provinces' codes: most entries below need one strcmp, not 34 */
            const char *pcodes[64];
            /* Per entry of the lexicon, the code that names its province: its `province`, else its own
             * `code`; one walk over each entry's attributes. */
            const char **of = calloc(rs->entries.len + 1, sizeof *of);
            if (!of)
                return false;
            for (size_t e = 0; e < rs->entries.len; e++) {
                const lex_entry *le = &rs->entries.items[e];
                if (le->lex != ps->lex)
                    continue;
                bool is_province;
                const char *code, *prov;
                entry_codes(le, &is_province, &code, &prov);
                of[e] = prov ? prov : code;
                if (!is_province || !code)
                    continue;
                uint64_t h = hash_bytes(0, code, strlen(code));
                bool dup = false;
                for (size_t q = 0; q < ps->n_provinces && !dup; q++)
                    dup = hashes[q] == h && strcmp(pcodes[q], code) == 0;
                if (!dup && ps->n_provinces < 64) {
                    hashes[ps->n_provinces] = h;
                    pcodes[ps->n_provinces] = code;
                    ps->provinces[ps->n_provinces++] = le;
                }
            }
            ps->province_of = arena_alloc(&rs->mem, rs->entries.len + 1);
            if (!ps->province_of) {
                free(of);
                return false;
            }
            /* The provinces by the hash of their code, so each entry below costs one probe. */
            enum { SLOTS = 128 };
            int8_t slot[SLOTS];
            memset(slot, -1, sizeof slot);
            for (size_t q = 0; q < ps->n_provinces; q++) {
                size_t h = (size_t)hashes[q] & (SLOTS - 1);
                while (slot[h] >= 0)
                    h = (h + 1) & (SLOTS - 1);
                slot[h] = (int8_t)q;
            }
            for (size_t e = 0; e < rs->entries.len; e++) {
                const char *code = of[e];
                ps->province_of[e] = -1;
                if (!code)
                    continue;
                uint64_t h = hash_bytes(0, code, strlen(code));
                for (size_t i = (size_t)h & (SLOTS - 1); slot[i] >= 0; i = (i + 1) & (SLOTS - 1))
                    if (hashes[slot[i]] == h && strcmp(pcodes[slot[i]], code) == 0) {
                        ps->province_of[e] = slot[i];
                        break;
                    }
            }
            free(of);
        }
    return true;
}
