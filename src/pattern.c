/* pattern.c - the pattern engine: backtracking over lexicon hits, entities and regex pieces.
 *
 * A pattern is matched like a regular expression whose "characters" are elements with several
 * possible lengths (a lexicon class may match 2 or 3 code points at one position). Matching uses
 * continuations: each node is matched with the rest of the pattern as a continuation, so every
 * alternative length and repeat count is tried in order (greedy, longer first) until the whole
 * pattern succeeds - the first success wins, as in PCRE. Left contexts are matched backwards from
 * the start position. Captures and lexicon hits are recorded on a trail undone on backtracking. */
#include <string.h>
#include <time.h>

#include "matcher.h"
#include "utf8.h"

typedef struct cont {
    const pnode *n;         /* NULL: accept */
    int i;                  /* P_SEQ: next kid; P_REP: repetitions done */
    uint32_t start;         /* P_CAP, P_REP: where the current iteration began */
    const struct cont *next;
} cont;

typedef struct {
    govner_matcher *m;
    bool backward;
    uint32_t end;           /* set on accept */
} run;

static int m_node(run *r, const pnode *n, uint32_t pos, const cont *k);
static bool cp_plane_list(govner_matcher *m, cp_info *ci);
static int look_quick(govner_matcher *m, const pnode *ctx, uint32_t pos);

static int m_cont(run *r, const cont *k, uint32_t pos) {
    if (!k->n) {
        r->end = pos;
        return 1;
    }
    const pnode *n = k->n;
    switch (n->kind) {
    case P_SEQ: {
        /* The sequence's guards at this position are answered in a row, without a node each
         * (rules put several before a name: !@word2 !(@surname_common @address) ...). */
        int i = k->i, step = r->backward ? -1 : 1;
        for (; i >= 0 && i < n->n_kids && n->kids[i]->guard; i += step) {
            const pnode *g = n->kids[i];
            if (!g->proven && look_quick(r->m, g, pos) == (int)g->neg)
                return 0;
        }
        if (i < 0 || i == n->n_kids)
            return m_cont(r, k->next, pos);
        cont c = {n, i + step, 0, k->next};
        return m_node(r, n->kids[i], pos, &c);
    }
    case P_REP: {
        if (pos == k->start) /* an empty iteration: stop repeating, or it would loop forever */
            return m_cont(r, k->next, pos);
        int count = k->i;
        if (n->lazy && count >= n->min) {
            int res = m_cont(r, k->next, pos);
            if (res)
                return res;
        }
        if (n->max < 0 || count < n->max) {
            cont c = {n, count + 1, pos, k->next};
            int res = m_node(r, n->kids[0], pos, &c);
            if (res)
                return res;
        }
        return count >= n->min && !n->lazy ? m_cont(r, k->next, pos) : 0;
    }
    case P_CAP: {
        govner_matcher *m = r->m;
        trail_item t = {TR_CAP, n->id, k->start < pos ? k->start : pos, k->start < pos ? pos : k->start};
        if (!VEC_PUSH(&m->trail, t))
            return -1;
        size_t mark = m->trail.len - 1;
        int res = m_cont(r, k->next, pos);
        if (res == 0)
            m->trail.len = mark;
        return res;
    }
    default:
        return -1; /* no other node continues */
    }
}

static bool is_break(uint32_t cp) { return cp == '\n' || cp == '\r'; }

static bool class_match_pcre(govner_matcher *m, const regex_def *rx, uint32_t cp) {
    char buf[4];
    int len = utf8_encode(cp, buf);
    int rc = pcre2_match(rx->code, (PCRE2_SPTR)buf, (size_t)len, 0, PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK, m->md,
                         m->mctx);
    return rc > 0 && pcre2_get_ovector_pointer(m->md)[1] == (PCRE2_SIZE)len;
}

static bool in_set(const regex_def *rx, uint32_t cp) {
    uint32_t lo = 0, hi = rx->n_set;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (rx->set[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rx->n_set && rx->set[lo] == cp;
}

/* Is cp in native class rx? `han` is the answer of the Han class rx may be based on when the caller
 * has it, else -1 (then PCRE2 gives it). */
static bool native_match(govner_matcher *m, const regex_def *rx, uint32_t cp, int han) {
    if (rx->han < 0)
        return in_set(rx, cp);
    if (in_set(rx, cp))
        return false;
    return han >= 0 ? han : class_match_pcre(m, &m->rs->regexes.items[rx->han], cp);
}

bool pattern_class_native(govner_matcher *m, const regex_def *rx, uint32_t cp) { return native_match(m, rx, cp, -1); }

bool pattern_class_pcre(govner_matcher *m, const regex_def *rx, uint32_t cp) { return class_match_pcre(m, rx, cp); }

uint64_t pattern_class_bits_slow(govner_matcher *m, uint32_t cp) {
    const govner_ruleset *rs = m->rs;
    uint64_t bits = CLASS_KNOWN;
    /* PCRE2 for the classes that need it; then the sets, some of them less the Han class found so. */
    for (size_t i = 0; i < rs->regexes.len; i++) {
        const regex_def *rx = &rs->regexes.items[i];
        if (rx->is_class && !rx->native && rx->class_slot < GOVNER_CLASS_BITS && class_match_pcre(m, rx, cp))
            bits |= 1ull << rx->class_slot;
    }
    for (size_t i = 0; i < rs->regexes.len; i++) {
        const regex_def *rx = &rs->regexes.items[i];
        if (!rx->is_class || !rx->native || rx->class_slot >= GOVNER_CLASS_BITS)
            continue;
        uint32_t slot = rx->han < 0 ? GOVNER_CLASS_BITS : rs->regexes.items[rx->han].class_slot;
        if (native_match(m, rx, cp, slot < GOVNER_CLASS_BITS ? (int)((bits >> slot) & 1) : -1))
            bits |= 1ull << rx->class_slot;
    }
    if (cp < 0x10000) {
        if (!m->cp_memo && !(m->cp_memo = calloc(0x10000, sizeof *m->cp_memo)))
            return bits; /* not memoised, still the right answer */
        cp_info ci = {bits, single_index(rs, cp), rs->trie.root_bmp[cp], 0, 0};
        if (!cp_plane_list(m, &ci))
            return bits; /* not memoised, still the right answer */
        m->cp_memo[cp] = ci;
    }
    return bits;
}

uint32_t cp_plane_entries(const govner_matcher *m, uint64_t cls, int32_t single, uint16_t *out) {
    const govner_ruleset *rs = m->rs;
    uint32_t n = 0;
    for (uint64_t c = cls & rs->plane_class_used; c; c &= c - 1) {
        uint32_t p = (uint32_t)rs->class_plane[__builtin_ctzll(c)];
        if (!plane_dense(m, p))
            out[n++] = (uint16_t)p;
    }
    for (int w = 0; single >= 0 && w < ANCHOR_WORDS; w++) {
        for (uint64_t b = rs->single_start_bits[single].w[w] & rs->plane_start_used.w[w]; b; b &= b - 1) {
            uint32_t p = (uint32_t)rs->start_plane[w * 64 + __builtin_ctzll(b)];
            if (!plane_dense(m, p))
                out[n++] = (uint16_t)p;
        }
        for (uint64_t b = rs->single_end_bits[single].w[w] & rs->plane_end_used.w[w]; b; b &= b - 1) {
            uint32_t p = (uint32_t)rs->end_plane[w * 64 + __builtin_ctzll(b)];
            if (!plane_dense(m, p))
                out[n++] = (uint16_t)(p | CP_PLANE_NEXT);
        }
    }
    return n;
}

/* Append to m->cp_planes the list of the static planes the code point of ci sets
 * (cp_plane_entries); its place and length into ci. False when out of memory. */
static bool cp_plane_list(govner_matcher *m, cp_info *ci) {
    size_t at = m->cp_planes.len;
    if (!VEC_RESERVE(&m->cp_planes, CP_PLANES_MAX))
        return false;
    m->cp_planes.len += cp_plane_entries(m, ci->cls, ci->single, m->cp_planes.items + at);
    ci->plane_at = (uint32_t)at;
    ci->planes = (uint32_t)(m->cp_planes.len - at);
    return true;
}

bool pattern_choose_dense(govner_matcher *m) {
    const govner_ruleset *rs = m->rs;
    uint32_t n = rs->planes_static;
    m->dense_chosen = true;
    uint64_t *dense = calloc(n / 64 + 1, sizeof *dense);
    uint16_t *list = malloc((n + 1) * sizeof *list);
    if (!dense || !list) {
        free(dense);
        free(list);
        return false;
    }
    uint32_t k = 0;
    for (uint32_t p = 0; p < n; p++)
        if (!((rs->plane_exact[p >> 6] >> (p & 63)) & 1) && p != rs->bol_plane && 2 * (uint64_t)m->plane_count[p] > m->sampled) {
            dense[p >> 6] |= 1ull << (p & 63);
            list[k++] = (uint16_t)p;
        }
    /* An end plane holds at the end of the text too (an entry may end there): DENSE_TO_END. */
    for (uint32_t i = 0; i < k; i++)
        for (int b = 0; b < ANCHOR_BITS; b++)
            if (rs->end_plane[b] == list[i])
                list[i] |= DENSE_TO_END;
    free(m->plane_count);
    m->plane_count = NULL;
    if (!k) {
        free(dense);
        free(list);
        return true;
    }
    m->dense = dense;
    m->dense_list = list;
    m->n_dense = k;
    /* The characters met so far: their lists again, without the dense planes (one that cannot be
     * made is forgotten, and made again when it is met). */
    m->cp_planes.len = 0;
    for (uint32_t cp = 0; m->cp_memo && cp < 0x10000; cp++)
        if (m->cp_memo[cp].cls && !cp_plane_list(m, &m->cp_memo[cp]))
            m->cp_memo[cp].cls = 0;
    return true;
}

bool pattern_class_match(govner_matcher *m, const regex_def *rx, uint32_t cp) {
    if (rx->class_slot < GOVNER_CLASS_BITS)
        return (pattern_class_bits(m, cp) >> rx->class_slot) & 1;
    return rx->native ? pattern_class_native(m, rx, cp) : class_match_pcre(m, rx, cp);
}

/* Code point index of byte offset b (a character boundary). */
static uint32_t cp_of_byte(const govner_matcher *m, size_t b) {
    uint32_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->byte_of[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Go on with lexicon entry `entry` matched over [s, e) on the trail, from e (backward: from s);
 * when that fails, the trail as it was. */
static inline int with_hit(run *r, const cont *k, uint32_t entry, uint32_t s, uint32_t e) {
    govner_matcher *m = r->m;
    trail_item t = {TR_HIT, entry, s, e};
    if (!VEC_PUSH(&m->trail, t))
        return -1;
    size_t mark = m->trail.len - 1;
    int res = m_cont(r, k, r->backward ? s : e);
    if (res == 0)
        m->trail.len = mark;
    return res;
}

static int m_leaf_lex(run *r, const pnode *n, uint32_t pos, const cont *k) {
    govner_matcher *m = r->m;
    const pos_index *ix = r->backward ? &m->hit_end : &m->hit_start;
    if (r->backward ? pos == 0 : pos >= m->n)
        return 0;
    /* The lexicon's anchor bit, when it has one, says at once whether any of its entries is here. */
    anchor_set bit = r->backward ? m->rs->lex_end_bit[n->id] : m->rs->lex_start_bit[n->id];
    if (anchor_any(bit) && !anchor_meet((r->backward ? m->end_bits : m->start_bits)[pos], bit))
        return 0;
    uint32_t fixed = m->rs->lex_fixed[n->id];
    if (fixed) { /* its one entry here, from the bit */
        uint32_t s = r->backward ? pos - fixed : pos;
        return with_hit(r, k, m->rs->lexicons.items[n->id].any_entry, s, s + fixed);
    }
    for (uint32_t i = ix->at[pos]; i < ix->at[pos + 1]; i++) {
        const hit *h = &m->hits.items[ix->order[i]];
        if (h->lex != n->id)
            continue;
        int res = with_hit(r, k, h->entry, h->start, h->end);
        if (res)
            return res;
    }
    /* One-character entries last: they are the shortest. */
    uint32_t at = r->backward ? pos - 1 : pos;
    if (!m->rs->lexicons.items[n->id].has_single || m->cpidx[at] < 0)
        return 0;
    int32_t e = single_entry(m, at, n->id);
    return e < 0 ? 0 : with_hit(r, k, (uint32_t)e, at, at + 1);
}

static int m_leaf_ent(run *r, const pnode *n, uint32_t pos, const cont *k) {
    govner_matcher *m = r->m;
    const pos_index *ix = r->backward ? &m->ent_end : &m->ent_start;
    if (r->backward ? pos == 0 : pos >= m->n)
        return 0;
    for (uint32_t i = ix->at[pos]; i < ix->at[pos + 1]; i++) {
        const cand *e = &m->ents.items[ix->order[i]];
        if (e->type != n->id)
            continue;
        int res = m_cont(r, k, r->backward ? e->start : e->end);
        if (res)
            return res;
    }
    return 0;
}

static int m_leaf_regex(run *r, const pnode *n, uint32_t pos, const cont *k) {
    govner_matcher *m = r->m;
    const regex_def *rx = &m->rs->regexes.items[n->id];
    if (rx->is_class) {
        if (r->backward) {
            if (pos == 0 || !pattern_class_match(m, rx, m->cps[pos - 1]))
                return 0;
            return m_cont(r, k, pos - 1);
        }
        if (pos >= m->n || !pattern_class_match(m, rx, m->cps[pos]))
            return 0;
        return m_cont(r, k, pos + 1);
    }
    int rc = pcre2_match(rx->code, (PCRE2_SPTR)m->text, m->len, m->byte_of[pos], PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK,
                         m->md, m->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        m->limit_hit = true; /* match or depth limit, or another PCRE2 failure: fail the document */
        return -1;
    }
    uint32_t end = cp_of_byte(m, pcre2_get_ovector_pointer(m->md)[1]);
    return m_cont(r, k, end);
}

/* Does an entry of lexicon `lex` start at pos (forward), or end there (backward)? */
static inline bool lex_at(const govner_matcher *m, uint32_t lex, uint32_t pos, bool backward) {
    if (backward ? pos == 0 : pos >= m->n)
        return false;
    anchor_set bit = backward ? m->rs->lex_end_bit[lex] : m->rs->lex_start_bit[lex];
    if (anchor_any(bit))
        return anchor_meet((backward ? m->end_bits : m->start_bits)[pos], bit);
    const pos_index *ix = backward ? &m->hit_end : &m->hit_start;
    for (uint32_t i = ix->at[pos]; i < ix->at[pos + 1]; i++)
        if (m->hits.items[ix->order[i]].lex == lex)
            return true;
    return m->rs->lexicons.items[lex].has_single && single_entry(m, backward ? pos - 1 : pos, lex) >= 0;
}

/* Contexts answered without a sub-match: a context only asks whether its body matches, so its
 * body need not keep captures, a trail or continuations when it is made of leaves (lexicons,
 * classes, entity types, line ends), alternatives and sequences of them, repeats of a class a fixed
 * number of times, and contexts of such (pnode.quick, set by pattern_prepare). The answers are the
 * sub-match's: every way each element can match is tried, in whatever order. */
typedef struct qframe {
    const pnode *seq;       /* a sequence, and its next kid to match */
    int i;
    const struct qframe *next;
} qframe;
static bool quick_rest(govner_matcher *m, const qframe *k, uint32_t pos, bool backward);

/* Does element e match at pos with what is left of the sequences k after it? */
static bool quick_elem(govner_matcher *m, const pnode *e, uint32_t pos, bool backward, const qframe *k) {
#define REST(p) quick_rest(m, k, (p), backward)
    switch (e->kind) {
    case P_ALT:
        if (e->alt && !k) { /* one test of the kids' bits */
            if (backward)
                return pos > 0 && (anchor_meet(m->end_bits[pos], e->alt->end) || (m->cls[pos - 1] & e->alt->cls));
            return pos < m->n && (anchor_meet(m->start_bits[pos], e->alt->start) || (m->cls[pos] & e->alt->cls));
        }
        for (int a = 0; a < e->n_kids; a++)
            if (quick_elem(m, e->kids[a], pos, backward, k))
                return true;
        return false;
    case P_CAP:
        return quick_elem(m, e->kids[0], pos, backward, k);
    case P_SEQ: {
        qframe f = {e, backward ? e->n_kids - 1 : 0, k};
        return quick_rest(m, &f, pos, backward);
    }
    case P_BOL:
        return (pos == 0 || is_break(m->cps[pos - 1])) && REST(pos);
    case P_EOL:
        return (pos == m->n || is_break(m->cps[pos])) && REST(pos);
    case P_LOOK:
    case P_LOOKBEHIND:
        return (look_quick(m, e, pos) == 1) != e->neg && REST(pos);
    case P_REGEX: {
        const regex_def *rx = &m->rs->regexes.items[e->id];
        if (backward)
            return pos > 0 && pattern_class_match(m, rx, m->cps[pos - 1]) && REST(pos - 1);
        return pos < m->n && pattern_class_match(m, rx, m->cps[pos]) && REST(pos + 1);
    }
    case P_REP: { /* a class, exactly min times */
        const regex_def *rx = &m->rs->regexes.items[e->kids[0]->id];
        for (int c = 0; c < e->min; c++, pos = backward ? pos - 1 : pos + 1)
            if (backward ? pos == 0 || !pattern_class_match(m, rx, m->cps[pos - 1])
                         : pos >= m->n || !pattern_class_match(m, rx, m->cps[pos]))
                return false;
        return REST(pos);
    }
    case P_LEX: {
        if (!k) /* nothing after it: is there an entry here at all */
            return lex_at(m, e->id, pos, backward);
        if (backward ? pos == 0 : pos >= m->n)
            return false;
        anchor_set bit = backward ? m->rs->lex_end_bit[e->id] : m->rs->lex_start_bit[e->id];
        if (anchor_any(bit) && !anchor_meet((backward ? m->end_bits : m->start_bits)[pos], bit))
            return false;
        uint32_t fixed = m->rs->lex_fixed[e->id];
        if (fixed)
            return REST(backward ? pos - fixed : pos + fixed);
        const pos_index *ix = backward ? &m->hit_end : &m->hit_start;
        for (uint32_t h = ix->at[pos]; h < ix->at[pos + 1]; h++) {
            const hit *x = &m->hits.items[ix->order[h]];
            if (x->lex == e->id && REST(backward ? x->start : x->end))
                return true;
        }
        uint32_t at = backward ? pos - 1 : pos;
        return m->rs->lexicons.items[e->id].has_single && single_entry(m, at, e->id) >= 0 &&
               REST(backward ? at : at + 1);
    }
    case P_ENT: {
        if (backward ? pos == 0 : pos >= m->n)
            return false;
        const pos_index *ix = backward ? &m->ent_end : &m->ent_start;
        for (uint32_t x = ix->at[pos]; x < ix->at[pos + 1]; x++) {
            const cand *c = &m->ents.items[ix->order[x]];
            if (c->type == e->id && REST(backward ? c->start : c->end))
                return true;
        }
        return false;
    }
    }
    return false;
#undef REST
}

/* The rest of the sequences k (each from its next kid; backward, down to its first) at pos. */
static bool quick_rest(govner_matcher *m, const qframe *k, uint32_t pos, bool backward) {
    for (; k; k = k->next)
        if (backward ? k->i >= 0 : k->i < k->seq->n_kids) {
            qframe f = {k->seq, backward ? k->i - 1 : k->i + 1, k->next};
            return quick_elem(m, k->seq->kids[k->i], pos, backward, &f);
        }
    return true;
}

/* Do all the bit tests of a context (pnode.tests) hold at pos? */
static bool bit_tests(const govner_matcher *m, const pnode *ctx, uint32_t pos) {
    int64_t n = m->n;
    for (int i = 0; i < ctx->n_tests; i++) {
        const bit_test *t = &ctx->tests[i];
        int64_t p = (int64_t)pos + t->off;
        bool ok = false;
        switch (t->kind) {
        case BT_START:
            ok = p >= 0 && p < n && anchor_meet(m->start_bits[p], t->bits);
            break;
        case BT_END:
            ok = p > 0 && p <= n && anchor_meet(m->end_bits[p], t->bits);
            break;
        case BT_CLASS:
            ok = p >= 0 && p < n && (m->cls[p] & t->cls);
            break;
        case BT_ALT_START:
            ok = p >= 0 && p < n && (anchor_meet(m->start_bits[p], t->bits) || (m->cls[p] & t->cls));
            break;
        case BT_ALT_END:
            ok = p > 0 && p <= n && (anchor_meet(m->end_bits[p], t->bits) || (m->cls[p - 1] & t->cls));
            break;
        case BT_BOL:
            ok = p == 0 || (p > 0 && p <= n && is_break(m->cps[p - 1]));
            break;
        case BT_EOL:
            ok = p == n || (p >= 0 && p < n && is_break(m->cps[p]));
            break;
        case BT_ENT_START: /* (no entity starts at n) */
        case BT_ENT_END:
            ok = p >= 0 && p <= n && plane_has(m, m->rs->planes_static + t->type, (uint32_t)p);
            break;
        }
        if (ok == t->neg)
            return false;
    }
    return true;
}

/* A context's body (ctx a P_LOOK or P_LOOKBEHIND): 1 when it matches at pos (forward) or before
 * pos (backward), 0 when not, -1 when it is not quick (a sub-match answers then). */
static int look_quick(govner_matcher *m, const pnode *ctx, uint32_t pos) {
    if (ctx->n_tests)
        return bit_tests(m, ctx, pos);
    if (!ctx->kids[0]->quick)
        return -1;
    return quick_elem(m, ctx->kids[0], pos, ctx->kind == P_LOOKBEHIND, NULL);
}

/* Add to t the bit tests of n, matched from *off code points on (backward: ending there); *off
 * moves past it. `last`: nothing follows n in the context's body, so its length need not be known.
 * False when n is not made of leaves with bits at fixed offsets. */
static bool compile_tests(const govner_ruleset *rs, const pnode *n, bool backward, bool last, int *off, bit_test *t,
                          int *nt) {
    if (*nt == MAX_BIT_TESTS || *off < INT16_MIN + 64 || *off > INT16_MAX - 64)
        return false;
    switch (n->kind) {
    case P_SEQ:
        for (int i = 0; i < n->n_kids; i++)
            if (!compile_tests(rs, n->kids[backward ? n->n_kids - 1 - i : i], backward, last && i == n->n_kids - 1, off, t, nt))
                return false;
        return true;
    case P_CAP:
        return compile_tests(rs, n->kids[0], backward, last, off, t, nt);
    case P_LEX: {
        const lexicon *lx = &rs->lexicons.items[n->id];
        anchor_set start = rs->lex_start_bit[n->id], end = rs->lex_end_bit[n->id];
        if (lx->exact || !anchor_any(start) || !anchor_any(end) ||
            (!last && (lx->min_length == 0 || lx->min_length != lx->max_length)))
            return false;
        t[(*nt)++] = (bit_test){(int16_t)*off, backward ? BT_END : BT_START, false, 0, 0, backward ? end : start};
        *off += backward ? -(int)lx->min_length : (int)lx->min_length;
        return true;
    }
    case P_REGEX: {
        const regex_def *rx = &rs->regexes.items[n->id];
        if (!rx->is_class || rx->class_slot >= GOVNER_CLASS_BITS)
            return false;
        t[(*nt)++] = (bit_test){(int16_t)(backward ? *off - 1 : *off), BT_CLASS, false, 0, 1ull << rx->class_slot, {{0}}};
        *off += backward ? -1 : 1;
        return true;
    }
    case P_REP:
        if (n->min != n->max || n->min < 1 || n->kids[0]->kind != P_REGEX)
            return false;
        for (int i = 0; i < n->min; i++)
            if (!compile_tests(rs, n->kids[0], backward, false, off, t, nt))
                return false;
        return true;
    case P_ALT: /* the one test of its kids' bits (mark_quick), when nothing follows */
        if (!n->alt || !last)
            return false;
        t[(*nt)++] = (bit_test){(int16_t)*off, backward ? BT_ALT_END : BT_ALT_START, false, 0, n->alt->cls,
                                backward ? n->alt->end : n->alt->start};
        return true;
    case P_BOL:
    case P_EOL:
        t[(*nt)++] = (bit_test){(int16_t)*off, n->kind == P_BOL ? BT_BOL : BT_EOL, false, 0, 0, {{0}}};
        return true;
    case P_ENT: /* an entity's length varies: only where nothing follows */
        if (!last)
            return false;
        t[(*nt)++] = (bit_test){(int16_t)*off, backward ? BT_ENT_END : BT_ENT_START, false,
                                backward ? (uint32_t)rs->types.len + n->id : n->id, 0, {{0}}};
        return true;
    case P_LOOK:
    case P_LOOKBEHIND: { /* zero width: its tests, from here; negated, only one */
        int o = *off, first = *nt;
        if (!compile_tests(rs, n->kids[0], n->kind == P_LOOKBEHIND, true, &o, t, nt))
            return false;
        if (n->neg) {
            if (*nt != first + 1)
                return false;
            t[first].neg = !t[first].neg;
        }
        return true;
    }
    default:
        return false;
    }
}

/* Add to f, as bits, what a forward match of n may start with (rules.c's node_first_set): a lexicon
 * without anchor bits, a class past the class bits, an entity type past 64, or anything at all
 * make it `any`. False when out of memory. */
static bool first_bits(const govner_ruleset *rs, const pnode *n, alt_first *f) {
    u32_vec lex = {0}, ent = {0}, cls = {0};
    bool ok = true;
    if (!node_first_set(rs, n, &lex, &ent, &cls, &ok))
        f->any = true;
    for (size_t i = 0; i < lex.len; i++) {
        if (rs->lexicons.items[lex.items[i]].exact || !anchor_any(rs->lex_start_bit[lex.items[i]]))
            f->any = true;
        else
            anchor_join(&f->start, rs->lex_start_bit[lex.items[i]]);
    }
    for (size_t i = 0; i < cls.len; i++) {
        uint32_t slot = rs->regexes.items[cls.items[i]].class_slot;
        if (slot < GOVNER_CLASS_BITS)
            f->cls |= 1ull << slot;
        else
            f->any = true;
    }
    for (size_t i = 0; i < ent.len; i++) {
        if (ent.items[i] < 64)
            f->types |= 1ull << ent.items[i];
        else
            f->any = true;
    }
    VEC_FREE(&lex);
    VEC_FREE(&ent);
    VEC_FREE(&cls);
    return ok;
}

/* May a match that starts with f start at pos? (Entity types from the entity planes of the
 * running phase.) */
static bool first_may(const govner_matcher *m, const alt_first *f, uint32_t pos) {
    if (f->any)
        return true;
    if (pos >= m->n)
        return false;
    if ((m->cls[pos] & f->cls) || anchor_meet(m->start_bits[pos], f->start))
        return true;
    for (uint64_t t = f->types; t; t &= t - 1)
        if (plane_has(m, m->rs->planes_static + (uint32_t)__builtin_ctzll(t), pos))
            return true;
    return false;
}

/* Walk the match n from its start to its first consumed element, which must be an entity (its type
 * into *type), then add to f what may follow it, as far as needed. 0: n does not begin so; 1: it
 * does, and what follows may still be empty; 2: it does, and f is complete; -1: out of memory. */
static int lead_entity(const govner_ruleset *rs, const pnode *n, uint32_t *type, alt_first *f) {
    switch (n->kind) {
    case P_ENT:
        *type = n->id;
        return 1;
    case P_CAP:
        return lead_entity(rs, n->kids[0], type, f);
    case P_SEQ: {
        int i = 0, state = 0;
        for (; i < n->n_kids && !state; i++) {
            const pnode *k = n->kids[i];
            if (k->kind == P_LOOK || k->kind == P_LOOKBEHIND || k->kind == P_BOL || k->kind == P_EOL)
                continue; /* zero width, before the entity */
            if ((state = lead_entity(rs, k, type, f)) <= 0)
                return state;
        }
        if (!state)
            return 0;
        for (; i < n->n_kids && state == 1; i++) {
            if (!first_bits(rs, n->kids[i], f))
                return -1;
            if (!node_nullable(n->kids[i]))
                state = 2;
        }
        return state;
    }
    default:
        return 0;
    }
}

/* pnode.alt of alternative n: the union of its kids' bits when each kid is a lexicon with anchor
 * bits or a class with a class bit, else NULL. */
static bool prepare_alt_bits(govner_ruleset *rs, pnode *n) {
    alt_bits b = {0, {{0}}, {{0}}};
    for (int i = 0; i < n->n_kids; i++) {
        const pnode *c = n->kids[i];
        if (c->kind == P_LEX && anchor_any(rs->lex_start_bit[c->id]) && anchor_any(rs->lex_end_bit[c->id])) {
            anchor_join(&b.start, rs->lex_start_bit[c->id]);
            anchor_join(&b.end, rs->lex_end_bit[c->id]);
        } else if (c->kind == P_REGEX && rs->regexes.items[c->id].is_class &&
                   rs->regexes.items[c->id].class_slot < GOVNER_CLASS_BITS) {
            b.cls |= 1ull << rs->regexes.items[c->id].class_slot;
        } else {
            n->alt = NULL;
            return true;
        }
    }
    alt_bits *a = n->alt;
    if (!a && !(a = arena_alloc(&rs->mem, sizeof *a)))
        return false;
    *a = b;
    n->alt = a;
    return true;
}

/* What each kid of alternative n may start with (pnode.first), when one of them can be told. */
static bool prepare_alt_first(govner_ruleset *rs, pnode *n) {
    alt_first *first = arena_alloc(&rs->mem, (size_t)n->n_kids * sizeof *first);
    if (!first)
        return false;
    bool told = false;
    for (int i = 0; i < n->n_kids; i++) {
        first[i] = (alt_first){{{0}}, 0, 0, false};
        if (!first_bits(rs, n->kids[i], &first[i]))
            return false;
        if (node_nullable(n->kids[i]))
            first[i].any = true; /* it may match nothing: it may be tried anywhere */
        told |= !first[i].any;
    }
    n->first = told ? first : NULL;
    return true;
}

/* pattern_prepare: mark the nodes quick_elem can answer alone (pnode.quick), and make the tables of
 * alternatives and contexts; whether n is quick. *ok is set false when out of memory (the answer
 * does not say so: a node that is not quick is no error). */
static bool mark_quick(govner_ruleset *rs, pnode *n, bool *ok) {
    bool kids = true;
    for (int i = 0; i < n->n_kids; i++)
        kids &= mark_quick(rs, n->kids[i], ok);
    switch (n->kind) {
    case P_LEX: case P_ENT: case P_BOL: case P_EOL:
        n->quick = true;
        break;
    case P_REGEX:
        n->quick = rs->regexes.items[n->id].is_class;
        break;
    case P_ALT:
        n->quick = kids;
        if (!prepare_alt_first(rs, n) || !prepare_alt_bits(rs, n))
            *ok = false;
        break;
    case P_CAP:
        n->quick = kids;
        break;
    case P_SEQ:
        n->quick = kids;
        break;
    case P_LOOK: case P_LOOKBEHIND: {
        n->quick = n->guard = n->kids[0]->quick;
        bit_test t[MAX_BIT_TESTS];
        int nt = 0, off = 0;
        if (compile_tests(rs, n->kids[0], n->kind == P_LOOKBEHIND, true, &off, t, &nt) && nt > 0) {
            if (!(n->tests = arena_alloc(&rs->mem, (size_t)nt * sizeof *t))) {
                *ok = false;
                break;
            }
            memcpy(n->tests, t, (size_t)nt * sizeof *t);
            n->n_tests = nt;
        }
        break;
    }
    case P_REP:
        n->quick = n->min == n->max && n->min >= 0 && n->kids[0]->kind == P_REGEX && n->kids[0]->quick;
        break;
    }
    return n->quick;
}

static int m_node(run *r, const pnode *n, uint32_t pos, const cont *k) {
    govner_matcher *m = r->m;
    if (++m->steps > MATCH_STEP_LIMIT || m->depth >= MATCH_DEPTH_LIMIT) {
        m->limit_hit = true;
        return -1;
    }
    int res = 0;
    m->depth++;
    switch (n->kind) {
    case P_LEX:
        res = m_leaf_lex(r, n, pos, k);
        break;
    case P_ENT:
        res = m_leaf_ent(r, n, pos, k);
        break;
    case P_REGEX:
        res = m_leaf_regex(r, n, pos, k);
        break;
    case P_BOL:
        if (pos == 0 || is_break(m->cps[pos - 1]))
            res = m_cont(r, k, pos);
        break;
    case P_EOL:
        if (pos == m->n || is_break(m->cps[pos]))
            res = m_cont(r, k, pos);
        break;
    case P_SEQ: {
        cont c = {n, r->backward ? n->n_kids - 1 : 0, 0, k};
        res = m_cont(r, &c, pos);
        break;
    }
    case P_ALT:
        for (int i = 0; i < n->n_kids && res == 0; i++)
            if (!n->first || r->backward || first_may(m, &n->first[i], pos))
                res = m_node(r, n->kids[i], pos, k);
        break;
    case P_REP:
        if (n->lazy && n->min == 0)
            res = m_cont(r, k, pos);
        if (res == 0 && n->max != 0) {
            cont first = {n, 1, pos, k};
            res = m_node(r, n->kids[0], pos, &first);
        }
        if (res == 0 && n->min == 0 && !n->lazy)
            res = m_cont(r, k, pos);
        break;
    case P_CAP: {
        cont c = {n, 0, pos, k};
        res = m_node(r, n->kids[0], pos, &c);
        break;
    }
    case P_LOOK:
    case P_LOOKBEHIND: {
        int quick = look_quick(m, n, pos);
        if (quick >= 0) {
            if (quick != n->neg)
                res = m_cont(r, k, pos);
            break;
        }
        size_t mark = m->trail.len;
        run sub = {m, n->kind == P_LOOKBEHIND, 0};
        cont accept = {NULL, 0, 0, NULL};
        int got = m_node(&sub, n->kids[0], pos, &accept);
        m->trail.len = mark; /* captures inside a context are not kept */
        if (got < 0)
            res = -1;
        else if ((got == 1) != n->neg)
            res = m_cont(r, k, pos);
        break;
    }
    }
    m->depth--;
    return res;
}

/* The compact per-character lists of one-character entries (ruleset.single_off), in the order of
 * the trie's chains. */
static bool prepare_single_terms(govner_ruleset *rs) {
    size_t n = rs->n_single;
    rs->single_off = arena_alloc(&rs->mem, (n + 2) * sizeof *rs->single_off);
    rs->single_terms = arena_alloc(&rs->mem, (rs->entries.len + 1) * sizeof *rs->single_terms);
    if (!rs->single_off || !rs->single_terms)
        return false;
    memset(rs->single_off, 0, (n + 2) * sizeof *rs->single_off);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i <= rs->single_mask; i++) {
            if (!rs->single_keys[i])
                continue;
            uint32_t k = rs->single_index[i], node = trie_step(&rs->trie, TRIE_ROOT, rs->single_keys[i] - 1);
            for (int32_t e = node == TRIE_NONE ? -1 : rs->trie.value[node]; e >= 0; e = rs->entries.items[e].next) {
                if (rs->entries.items[e].length != 1)
                    continue;
                if (pass == 0)
                    rs->single_off[k + 1]++;
                else
                    rs->single_terms[rs->single_off[k]++] = (trie_term){(uint32_t)e, rs->entries.items[e].lex};
            }
        }
        if (pass == 0) /* counts to starts */
            for (size_t k = 1; k <= n; k++)
                rs->single_off[k] += rs->single_off[k - 1];
    }
    /* The second pass moved every start to its end: shift back. */
    memmove(rs->single_off + 1, rs->single_off, n * sizeof *rs->single_off);
    rs->single_off[0] = 0;
    return true;
}

/* Number the characters that are one-character entries (see single_index). */
static bool prepare_singles(govner_ruleset *rs) {
    size_t n = 0;
    for (size_t e = 0; e < rs->entries.len; e++)
        n += rs->entries.items[e].length == 1 && !rs->lexicons.items[rs->entries.items[e].lex].exact;
    size_t size = 64;
    while (size < n * 2 + 2)
        size *= 2;
    rs->single_mask = (uint32_t)size - 1;
    rs->single_keys = arena_alloc(&rs->mem, size * sizeof *rs->single_keys);
    rs->single_index = arena_alloc(&rs->mem, size * sizeof *rs->single_index);
    if (!rs->single_keys || !rs->single_index)
        return false;
    memset(rs->single_keys, 0, size * sizeof *rs->single_keys);
    rs->n_single = 0;
    for (size_t e = 0; e < rs->entries.len; e++) {
        const lex_entry *le = &rs->entries.items[e];
        uint32_t cp;
        if (le->length != 1 || rs->lexicons.items[le->lex].exact ||
            !utf8_decode((const unsigned char *)le->text, strlen(le->text), &cp))
            continue;
        if (single_index(rs, cp) >= 0)
            continue;
        size_t i = (size_t)(cp * 0x9E3779B1u) & rs->single_mask;
        while (rs->single_keys[i])
            i = (i + 1) & rs->single_mask;
        rs->single_keys[i] = cp + 1;
        rs->single_index[i] = rs->n_single++;
    }
    return true;
}

/* Give lexicon `lex` an anchor bit in `bits` (per lexicon); false when all ANCHOR_BITS are taken. */
static bool anchor_bit(anchor_set *bits, int *n_bits, uint32_t lex, int *bit) {
    if (!anchor_any(bits[lex])) {
        if (*n_bits == ANCHOR_BITS)
            return false;
        anchor_set_bit(&bits[lex], (*n_bits)++);
    }
    for (int w = 0; w < ANCHOR_WORDS; w++)
        if (bits[lex].w[w]) {
            *bit = w * 64 + __builtin_ctzll(bits[lex].w[w]);
            break;
        }
    return true;
}

static bool prepare_single_bits(govner_ruleset *rs) {
    size_t n = rs->n_single + 1;
    rs->single_start_bits = arena_alloc(&rs->mem, n * sizeof *rs->single_start_bits);
    rs->single_end_bits = arena_alloc(&rs->mem, n * sizeof *rs->single_end_bits);
    if (!rs->single_start_bits || !rs->single_end_bits)
        return false;
    memset(rs->single_start_bits, 0, n * sizeof *rs->single_start_bits);
    memset(rs->single_end_bits, 0, n * sizeof *rs->single_end_bits);
    for (uint32_t k = 0; k < rs->n_single; k++)
        for (uint32_t i = rs->single_off[k]; i < rs->single_off[k + 1]; i++) {
            anchor_join(&rs->single_start_bits[k], rs->lex_start_bit[rs->single_terms[i].lex]);
            anchor_join(&rs->single_end_bits[k], rs->lex_end_bit[rs->single_terms[i].lex]);
        }
    return true;
}

/* The one bit of an anchor set that has one (anchor_bit), or -1. */
static int first_bit(anchor_set a) {
    for (int w = 0; w < ANCHOR_WORDS; w++)
        if (a.w[w])
            return w * 64 + __builtin_ctzll(a.w[w]);
    return -1;
}

/* Room for a list of n plane numbers in a filter. */
static uint16_t *filter_list(govner_ruleset *rs, int n) {
    return arena_alloc(&rs->mem, (size_t)(n ? n : 1) * sizeof(uint16_t));
}

/* Add planes to a plane set (only used when all planes fit in one: ruleset.plane_sets). */
static void filter_set(uint64_t *set, const uint16_t *planes, int n) {
    for (int i = 0; i < n; i++)
        if (planes[i] < 64 * PLANE_SET_WORDS)
            set[planes[i] >> 6] |= 1ull << (planes[i] & 63);
}

/* The plane of the start bit of lexicon `lex`, of its end bit, and of class regex `rx`. */
static int16_t *start_plane_of(govner_ruleset *rs, uint32_t lex) {
    return &rs->start_plane[first_bit(rs->lex_start_bit[lex])];
}
static int16_t *end_plane_of(govner_ruleset *rs, uint32_t lex) { return &rs->end_plane[first_bit(rs->lex_end_bit[lex])]; }
static int16_t *class_plane_of(govner_ruleset *rs, uint32_t rx) {
    return &rs->class_plane[rs->regexes.items[rx].class_slot];
}

/* The first pass marks a plane a filter names as used (0); the second, once they are numbered,
 * adds its number to the filter's list. */
static void filter_plane(int pass, int16_t *plane, uint16_t *list, int *n) {
    if (pass == 0)
        *plane = 0;
    else
        list[(*n)++] = (uint16_t)*plane;
}

/* The plane of a leaf (a lexicon's start or end, a class, an entity type's start), or -1. Only the
 * planes the filters have (prepare_filters, pass 0): one more plane costs every position of every
 * document, more than the tries it saves. */
static int leaf_plane(const govner_ruleset *rs, const pnode *n, bool end) {
    if (n->kind == P_LEX && !rs->lexicons.items[n->id].exact)
        return (end ? rs->lex_end_plane : rs->lex_start_plane)[n->id];
    if (n->kind == P_REGEX && rs->regexes.items[n->id].is_class && rs->regexes.items[n->id].class_slot < GOVNER_CLASS_BITS)
        return rs->class_plane[rs->regexes.items[n->id].class_slot];
    if (n->kind == P_ENT && !end)
        return (int)(rs->planes_static + n->id);
    return -1;
}

/* Add to set the planes of what every match of n holds: its leaves (lexicons with a plane, classes
 * with a plane, entity types), but for those under an alternative, a repeat that may match
 * nothing, or a negative context. */
static void must_planes(const govner_ruleset *rs, const pnode *n, uint64_t *set) {
    switch (n->kind) {
    case P_SEQ:
    case P_CAP:
        for (int i = 0; i < n->n_kids; i++)
            must_planes(rs, n->kids[i], set);
        return;
    case P_REP:
        if (n->min > 0)
            must_planes(rs, n->kids[0], set);
        return;
    case P_LOOK:
    case P_LOOKBEHIND:
        if (!n->neg)
            must_planes(rs, n->kids[0], set);
        return;
    case P_LEX:
    case P_REGEX:
    case P_ENT: {
        int plane = leaf_plane(rs, n, false);
        if (plane >= 0 && plane < 64 * PLANE_SET_WORDS)
            set[plane >> 6] |= 1ull << (plane & 63);
        return;
    }
    default:
        return;
    }
}

/* Offsets from the start of a match, in code points: what is matched next starts between lo and hi. */
typedef struct {
    int lo, hi;
} span_range;
#define FIXED_SPREAD 4 /* needs are noted while hi - lo stays below this */

/* Note in f (when not NULL) that the plane of leaf n holds at one of the offsets of r, or (neg)
 * does not hold at its one offset. */
static void add_fixed(const govner_ruleset *rs, rule_filter *f, const pnode *n, bool end, span_range r, bool neg) {
    int p = f ? leaf_plane(rs, n, end) : -1;
    if (p >= 0 && r.hi < 64 && r.hi - r.lo < FIXED_SPREAD && !(neg && r.hi > r.lo) && f->n_fixed < MAX_FIXED_NEEDS)
        f->fixed[f->n_fixed++] = (fixed_need){(uint16_t)p, (uint8_t)r.lo, (uint8_t)(r.hi - r.lo), neg};
}

/* The planes that n holds at known offsets from *r, into f->fixed (f NULL: only *r is wanted);
 * *r moves past n. False once what n matched has no known bounds on its length: the elements after
 * it are at no known offset. */
static bool fixed_needs(const govner_ruleset *rs, const pnode *n, span_range *r, rule_filter *f) {
    switch (n->kind) {
    case P_SEQ:
        for (int i = 0; i < n->n_kids; i++)
            if (!fixed_needs(rs, n->kids[i], r, f))
                return false;
        return true;
    case P_CAP:
        return fixed_needs(rs, n->kids[0], r, f);
    case P_BOL:
    case P_EOL:
        return true;
    case P_LOOK: { /* zero width: what it holds starts at *r */
        if (n->neg) {
            const pnode *k = n->kids[0];
            if (k->kind == P_LEX || k->kind == P_REGEX)
                add_fixed(rs, f, k, false, *r, true);
        } else {
            span_range o = *r;
            fixed_needs(rs, n->kids[0], &o, f);
        }
        return true;
    }
    case P_LOOKBEHIND: /* a lexicon entry ending at *r (a class before the start is the left filter's) */
        if (n->kids[0]->kind == P_LEX)
            add_fixed(rs, f, n->kids[0], true, *r, n->neg);
        return true;
    case P_LEX: {
        const lexicon *lx = &rs->lexicons.items[n->id];
        add_fixed(rs, f, n, false, *r, false);
        if (lx->exact || lx->min_length == 0)
            return false;
        r->lo += (int)lx->min_length;
        r->hi += (int)lx->max_length;
        return r->hi - r->lo < FIXED_SPREAD;
    }
    case P_REGEX:
        if (!rs->regexes.items[n->id].is_class)
            return false;
        add_fixed(rs, f, n, false, *r, false);
        r->lo++;
        r->hi++;
        return true;
    case P_ENT:
        add_fixed(rs, f, n, false, *r, false);
        return false;
    case P_REP: {
        if (n->max == 0)
            return true;
        span_range o = *r; /* the first time round starts here */
        bool known = fixed_needs(rs, n->kids[0], &o, n->min > 0 ? f : NULL); /* none if it may not */
        int lo = o.lo - r->lo, hi = o.hi - r->hi; /* one time round: from lo to hi longer */
        /* Of a kid of one length, the times round it must go are at known offsets too:
         * %translit{4,7} holds a transliteration character at +0, +1, +2 and +3. */
        for (int t = 1; known && lo == hi && t < n->min && t * lo < 64; t++) {
            span_range again = {r->lo + t * lo, r->hi + t * lo};
            fixed_needs(rs, n->kids[0], &again, f);
        }
        if (!known || n->max < 0)
            return false;
        r->lo += lo * n->min;
        r->hi += hi * n->max;
        return r->hi - r->lo < FIXED_SPREAD;
    }
    case P_ALT: { /* the union of the alternatives' ends; no needs inside */
        span_range u = {INT32_MAX, -1};
        for (int i = 0; i < n->n_kids; i++) {
            span_range o = *r;
            if (!fixed_needs(rs, n->kids[i], &o, NULL))
                return false;
            u.lo = o.lo < u.lo ? o.lo : u.lo;
            u.hi = o.hi > u.hi ? o.hi : u.hi;
        }
        *r = u;
        return n->n_kids > 0 && r->hi - r->lo < FIXED_SPREAD;
    }
    }
    return false;
}

/* ruleset.plane_rules and rules_free from the filters' sets. */
static bool prepare_plane_rules(govner_ruleset *rs) {
    rs->plane_rules = rs->rules_free = NULL;
    rs->rule_words = (uint32_t)(rs->n_rules / 64 + 1);
    if (!rs->plane_sets)
        return true;
    size_t words = rs->rule_words, n = 3 * ((size_t)rs->n_planes + 1) * words;
    uint64_t *all = arena_alloc(&rs->mem, n * sizeof *all);
    if (!all)
        return false;
    memset(all, 0, n * sizeof *all);
    rs->rules_free = all;
    rs->plane_rules = all + 3 * words;
    for (size_t p = 0; p < rs->phases.len; p++) {
        const phase *ph = &rs->phases.items[p];
        for (size_t r = 0; r < ph->n_rules && r < 64; r++) {
            const rule *ru = &ph->rules[r];
            const rule_filter *f = &ru->filter;
            const uint64_t *sets[3] = {f->start_set, f->left_set, f->req_set};
            bool unconditional[3] = {f->start_all, f->left_all, f->req_all};
            uint64_t bit = 1ull << (ru->id & 63);
            size_t w = ru->id >> 6;
            for (int k = 0; k < 3; k++) {
                if (unconditional[k]) {
                    rs->rules_free[k * words + w] |= bit;
                    continue;
                }
                for (uint32_t q = 0; q < rs->n_planes; q++)
                    if (sets[k][q >> 6] >> (q & 63) & 1)
                        rs->plane_rules[(3 * q + k) * words + w] |= bit;
            }
        }
    }
    return true;
}

/* The rule filters (rule_filter) of the first 64 rules of each phase, and the planes they name:
 * a first pass marks the anchor bits, end bits and classes the filters use (0), then they are
 * numbered, then a second pass writes the filters' lists. */
static bool prepare_filters(govner_ruleset *rs) {
    memset(rs->start_plane, -1, sizeof rs->start_plane);
    memset(rs->end_plane, -1, sizeof rs->end_plane);
    memset(rs->class_plane, -1, sizeof rs->class_plane);
    uint32_t n_types = (uint32_t)rs->types.len;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t p = 0; p < rs->phases.len; p++) {
            phase *ph = &rs->phases.items[p];
            for (size_t r = 0; r < ph->n_rules && r < 64; r++) {
                rule *ru = &ph->rules[r];
                rule_filter *f = &ru->filter;
                f->req_all = !ru->has_req || (ru->n_req_lex > 0 && !ru->req_lex_bitted);
                if (pass == 1) {
                    f->start = filter_list(rs, ru->n_anchor_lex + ru->n_anchor_class + ru->n_anchor_ent);
                    f->left = filter_list(rs, ru->n_left_lex + ru->n_left_ent + 1);
                    f->left_class = filter_list(rs, ru->n_left_class);
                    f->req = filter_list(rs, ru->n_req_lex + ru->n_req_class + ru->n_req_ent);
                    if (!f->start || !f->left || !f->left_class || !f->req)
                        return false;
                    f->n_start = f->n_left = f->n_left_class = f->n_req = 0;
                }
                for (int a = 0; !f->start_all && a < ru->n_anchor_lex; a++)
                    filter_plane(pass, start_plane_of(rs, ru->anchor_lex[a]), f->start, &f->n_start);
                for (int a = 0; !f->start_all && a < ru->n_anchor_class; a++)
                    filter_plane(pass, class_plane_of(rs, ru->anchor_class[a]), f->start, &f->n_start);
                for (int a = 0; !f->left_all && a < ru->n_left_lex; a++)
                    filter_plane(pass, end_plane_of(rs, ru->left_lex[a]), f->left, &f->n_left);
                for (int a = 0; !f->left_all && a < ru->n_left_class; a++)
                    filter_plane(pass, class_plane_of(rs, ru->left_class[a]), f->left_class, &f->n_left_class);
                for (int a = 0; !f->req_all && a < ru->n_req_lex; a++)
                    filter_plane(pass, start_plane_of(rs, ru->req_lex[a]), f->req, &f->n_req);
                for (int a = 0; !f->req_all && a < ru->n_req_class; a++)
                    filter_plane(pass, class_plane_of(rs, ru->req_class[a]), f->req, &f->n_req);
                if (pass == 0)
                    continue;
                /* Entity types and line starts have planes of their own, after the numbered ones. */
                for (int a = 0; !f->start_all && a < ru->n_anchor_ent; a++)
                    f->start[f->n_start++] = (uint16_t)(rs->planes_static + ru->anchor_ent[a]);
                for (int a = 0; !f->left_all && a < ru->n_left_ent; a++)
                    f->left[f->n_left++] = (uint16_t)(rs->planes_static + n_types + ru->left_ent[a]);
                if (!f->left_all && ru->left_bol)
                    f->left[f->n_left++] = (uint16_t)rs->bol_plane;
                for (int a = 0; !f->req_all && a < ru->n_req_ent; a++)
                    f->req[f->n_req++] = (uint16_t)(rs->planes_static + ru->req_ent[a]);
                filter_set(f->start_set, f->start, f->n_start);
                filter_set(f->left_set, f->left, f->n_left);
                filter_set(f->left_set, f->left_class, f->n_left_class);
                filter_set(f->req_set, f->req, f->n_req);
                /* Planes are numbered: the rule's needs among them (no new planes for these). */
                memset(f->must_set, 0, sizeof f->must_set);
                must_planes(rs, ru->body, f->must_set);
                f->has_must = false;
                for (int w = 0; w < PLANE_SET_WORDS; w++)
                    f->has_must |= f->must_set[w] != 0;
                span_range from_start = {0, 0};
                f->n_fixed = 0;
                fixed_needs(rs, ru->body, &from_start, f);
            }
        }
        if (pass == 1)
            break;
        /* Number the marked planes; the line starts, entity starts and ends come after them. */
        uint32_t n = 0;
        rs->plane_start_used = rs->plane_end_used = (anchor_set){{0}};
        rs->plane_class_used = 0;
        for (int b = 0; b < ANCHOR_BITS; b++) {
            if (rs->start_plane[b] == 0) {
                rs->start_plane[b] = (int16_t)n++;
                anchor_set_bit(&rs->plane_start_used, b);
            }
            if (rs->end_plane[b] == 0) {
                rs->end_plane[b] = (int16_t)n++;
                anchor_set_bit(&rs->plane_end_used, b);
            }
        }
        for (int c = 0; c < GOVNER_CLASS_BITS; c++)
            if (rs->class_plane[c] == 0) {
                rs->class_plane[c] = (int16_t)n++;
                rs->plane_class_used |= 1ull << c;
            }
        rs->bol_plane = n++;
        rs->planes_static = n;
        rs->n_planes = n + 2 * n_types;
        rs->plane_sets = rs->n_planes <= 64 * PLANE_SET_WORDS;
        memset(rs->type_plane_set, 0, sizeof rs->type_plane_set);
        for (uint32_t i = rs->planes_static; i < rs->n_planes && i < 64 * PLANE_SET_WORDS; i++)
            rs->type_plane_set[i >> 6] |= 1ull << (i & 63);
        /* Each lexicon's planes, for the scan's hits and the second pass's needs (leaf_plane). */
        size_t n_lex = rs->lexicons.len + 1;
        rs->lex_start_plane = arena_alloc(&rs->mem, n_lex * sizeof *rs->lex_start_plane);
        rs->lex_end_plane = arena_alloc(&rs->mem, n_lex * sizeof *rs->lex_end_plane);
        if (!rs->lex_start_plane || !rs->lex_end_plane)
            return false;
        for (size_t l = 0; l < n_lex; l++) {
            rs->lex_start_plane[l] = anchor_any(rs->lex_start_bit[l]) ? rs->start_plane[first_bit(rs->lex_start_bit[l])] : -1;
            rs->lex_end_plane[l] = anchor_any(rs->lex_end_bit[l]) ? rs->end_plane[first_bit(rs->lex_end_bit[l])] : -1;
        }
    }
    /* The planes filters need exact: those of left filters and of negative fixed needs. */
    size_t exact_words = rs->planes_static / 64 + 1;
    if (!(rs->plane_exact = arena_alloc(&rs->mem, exact_words * sizeof *rs->plane_exact)))
        return false;
    memset(rs->plane_exact, 0, exact_words * sizeof *rs->plane_exact);
#define EXACT(p) ((p) < rs->planes_static ? (void)(rs->plane_exact[(p) >> 6] |= 1ull << ((p) & 63)) : (void)0)
    for (size_t p = 0; p < rs->phases.len; p++)
        for (size_t r = 0; r < rs->phases.items[p].n_rules && r < 64; r++) {
            const rule_filter *f = &rs->phases.items[p].rules[r].filter;
            for (int i = 0; !f->left_all && i < f->n_left; i++)
                EXACT(f->left[i]);
            for (int i = 0; !f->left_all && i < f->n_left_class; i++)
                EXACT(f->left_class[i]);
            for (int i = 0; i < f->n_fixed; i++)
                if (f->fixed[i].neg)
                    EXACT(f->fixed[i].plane);
        }
#undef EXACT
    return prepare_plane_rules(rs);
}

/* Count the uses of each lexicon in a pattern. */
static void count_lex_uses(const pnode *n, uint32_t *uses) {
    if (n->kind == P_LEX)
        uses[n->id]++;
    for (int i = 0; i < n->n_kids; i++)
        count_lex_uses(n->kids[i], uses);
}

/* The anchor bits left over go to the lexicons patterns use most: with a bit, an element that
 * looks for a lexicon where none of its entries starts (or ends) fails at once, without walking
 * the position's hits. */
static bool spare_bits(govner_ruleset *rs, int *n_start, int *n_end) {
    size_t n = rs->lexicons.len;
    uint32_t *uses = calloc(n + 1, sizeof *uses);
    if (!uses)
        return false;
    for (size_t p = 0; p < rs->phases.len; p++)
        for (size_t r = 0; r < rs->phases.items[p].n_rules; r++)
            count_lex_uses(rs->phases.items[p].rules[r].body, uses);
    for (;;) {
        size_t best = n;
        for (size_t l = 0; l < n; l++)
            if (uses[l] && !rs->lexicons.items[l].exact && (best == n || uses[l] > uses[best]))
                best = l;
        if (best == n)
            break;
        uses[best] = 0;
        int b;
        bool got_start = anchor_bit(rs->lex_start_bit, n_start, (uint32_t)best, &b);
        bool got_end = anchor_bit(rs->lex_end_bit, n_end, (uint32_t)best, &b);
        if (!got_start && !got_end)
            break;
    }
    free(uses);
    return true;
}

/* Does the rule anchor on a class past the class bits? The bits cannot tell where that one matches. */
static bool unbitted_class(const govner_ruleset *rs, const uint32_t *ids, int n) {
    for (int a = 0; a < n; a++)
        if (rs->regexes.items[ids[a]].class_slot >= GOVNER_CLASS_BITS)
            return true;
    return false;
}

bool pattern_prepare(govner_ruleset *rs) {
    uint32_t id = 0;
    for (size_t p = 0; p < rs->phases.len; p++)
        for (size_t r = 0; r < rs->phases.items[p].n_rules; r++)
            rs->phases.items[p].rules[r].id = id++;
    if (!prepare_singles(rs) || !prepare_single_terms(rs))
        return false;
    size_t n_lex = rs->lexicons.len + 1;
    rs->lex_start_bit = arena_alloc(&rs->mem, n_lex * sizeof *rs->lex_start_bit);
    rs->lex_end_bit = arena_alloc(&rs->mem, n_lex * sizeof *rs->lex_end_bit);
    if (!rs->lex_start_bit || !rs->lex_end_bit)
        return false;
    memset(rs->lex_start_bit, 0, n_lex * sizeof *rs->lex_start_bit);
    memset(rs->lex_end_bit, 0, n_lex * sizeof *rs->lex_end_bit);
    int n_start = 0, n_end = 0, b = 0;
    for (size_t p = 0; p < rs->phases.len; p++) {
        phase *ph = &rs->phases.items[p];
        for (size_t r = 0; r < ph->n_rules; r++) {
            rule *ru = &ph->rules[r];
            /* A class past the class bits cannot be checked from the bits: no requirement then. */
            if (ru->has_req && unbitted_class(rs, ru->req_class, ru->n_req_class))
                ru->has_req = false;
            ru->req_class_bits = 0;
            for (int a = 0; ru->has_req && a < ru->n_req_class; a++)
                ru->req_class_bits |= 1ull << rs->regexes.items[ru->req_class[a]].class_slot;
            ru->req_lex_bits = (anchor_set){{0}};
            bool bitted = ru->n_req_lex > 0;
            for (int a = 0; bitted && a < ru->n_req_lex; a++)
                bitted = anchor_bit(rs->lex_start_bit, &n_start, ru->req_lex[a], &b);
            for (int a = 0; bitted && a < ru->n_req_lex; a++)
                anchor_join(&ru->req_lex_bits, rs->lex_start_bit[ru->req_lex[a]]);
            ru->req_lex_bitted = bitted;
        }
        for (size_t r = 0; r < ph->n_rules; r++) {
            rule *ru = &ph->rules[r];
            ru->filter = (rule_filter){.start_all = true, .left_all = true, .req_all = true};
            if (r >= 64)
                continue; /* tried everywhere */
            /* A left anchor that the bits cannot show (past the anchor bits, or a class past the
             * class bits) leaves the rule unfiltered on the left; a start it cannot show, at every
             * position. */
            bool left = ru->left_anchored && !unbitted_class(rs, ru->left_class, ru->n_left_class);
            for (int a = 0; left && a < ru->n_left_lex; a++)
                left = anchor_bit(rs->lex_end_bit, &n_end, ru->left_lex[a], &b);
            ru->filter.left_all = !left;
            if (left && ru->left_exact && ru->left_ctx)
                ru->left_ctx->proven = true; /* run_rule tries it only where the context holds */
            bool anywhere = ru->anywhere || unbitted_class(rs, ru->anchor_class, ru->n_anchor_class);
            for (int a = 0; !anywhere && a < ru->n_anchor_lex; a++)
                anywhere = !anchor_bit(rs->lex_start_bit, &n_start, ru->anchor_lex[a], &b);
            ru->filter.start_all = anywhere;
        }
    }
    if (!spare_bits(rs, &n_start, &n_end))
        return false;
    rs->lex_fixed = arena_alloc(&rs->mem, n_lex);
    if (!rs->lex_fixed)
        return false;
    memset(rs->lex_fixed, 0, n_lex);
    for (size_t l = 0; l < rs->lexicons.len; l++) {
        const lexicon *lx = &rs->lexicons.items[l];
        if (!lx->exact && !lx->has_attrs && lx->min_length >= 2 && lx->min_length == lx->max_length &&
            lx->max_length <= UINT8_MAX && anchor_any(rs->lex_start_bit[l]) && anchor_any(rs->lex_end_bit[l]))
            rs->lex_fixed[l] = (uint8_t)lx->max_length;
    }
    for (size_t p = 0; p < rs->phases.len; p++)
        for (size_t r = 0; r < rs->phases.items[p].n_rules; r++) {
            rule *ru = &rs->phases.items[p].rules[r];
            bool ok = true;
            mark_quick(rs, ru->body, &ok);
            if (!ok)
                return false;
            alt_first f = {{{0}}, 0, 0, false};
            uint32_t type = 0;
            ru->lead_rest = NULL;
            int lead = lead_entity(rs, ru->body, &type, &f);
            if (lead < 0)
                return false;
            if (lead == 2 && !f.any) {
                if (!(ru->lead_rest = arena_alloc(&rs->mem, sizeof f)))
                    return false;
                *ru->lead_rest = f;
                ru->lead_type = type;
            }
        }
    return prepare_single_bits(rs) && prepare_filters(rs);
}

/* Attributes of a lexicon entry that spans exactly [s, e) on the trail. */
static const lex_entry *trail_entry(const govner_matcher *m, uint32_t s, uint32_t e) {
    for (size_t i = 0; i < m->trail.len; i++) {
        const trail_item *t = &m->trail.items[i];
        if (t->kind == TR_HIT && t->start == s && t->end == e && !m->rs->lexicons.items[m->rs->entries.items[t->id].lex].literal)
            return &m->rs->entries.items[t->id];
    }
    return NULL;
}

/* The `explain` attribute: rule and place, captures, lexicon entries (see govner_matcher_set_explain). */
static bool explain_attr(govner_matcher *m, const rule *ru, govner_attr *out) {
    const govner_ruleset *rs = m->rs;
    size_t n = 1 + m->trail.len, k = 0;
    const char **v = arena_alloc(&m->mem, n * sizeof *v);
    if (!v)
        return false;
    char buf[1024];
    snprintf(buf, sizeof buf, "rule %s (%s:%d)", ru->name, ru->file, ru->line);
    if (!(v[k++] = arena_strdup(&m->mem, buf)))
        return false;
    for (size_t i = 0; i < m->trail.len; i++) {
        const trail_item *t = &m->trail.items[i];
        const char *text = doc_strndup(m, t->start, t->end);
        if (!text)
            return false;
        if (t->kind == TR_CAP) {
            snprintf(buf, sizeof buf, "capture %s=%s", ru->cap_names[t->id], text);
        } else {
            const lexicon *lx = &rs->lexicons.items[rs->entries.items[t->id].lex];
            snprintf(buf, sizeof buf, "%s %s: %s", lx->literal ? "literal" : "lexicon", lx->name, text);
        }
        if (!(v[k++] = arena_strdup(&m->mem, buf)))
            return false;
    }
    *out = (govner_attr){.key = "explain", .values = v, .n_values = k, .is_list = 1};
    return true;
}

/* The value of a template attribute (emit_attr.parts) in *out: 1, or 0 when a capture it names
 * took no part in the match, or -1 when out of memory. */
static int fill_parts(govner_matcher *m, const emit_attr *ea, const char **out) {
    const char *pieces[16]; /* parse_template allows no more */
    size_t len = 0;
    int n = ea->n_parts;
    for (int i = 0; i < n; i++) {
        const emit_part *pt = &ea->parts[i];
        pieces[i] = pt->text;
        if (!pt->text) {
            const trail_item *t = NULL;
            for (size_t k = 0; k < m->trail.len && !t; k++)
                if (m->trail.items[k].kind == TR_CAP && m->trail.items[k].id == (uint32_t)pt->cap)
                    t = &m->trail.items[k];
            if (!t)
                return 0;
            if (!(pieces[i] = doc_strndup(m, t->start, t->end)))
                return -1;
        }
        len += strlen(pieces[i]);
    }
    char *v = arena_alloc(&m->mem, len + 1);
    if (!v)
        return -1;
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(pieces[i]);
        memcpy(v + at, pieces[i], k);
        at += k;
    }
    v[at] = '\0';
    *out = v;
    return 1;
}

static bool emit_one(govner_matcher *m, const rule *ru, const emit *em, uint32_t s, uint32_t e) {
    const lex_entry *le = trail_entry(m, s, e);
    size_t n_attrs = (le ? le->n_attrs : 0) + (size_t)em->n_attrs + m->explain;
    cand c = {.start = s, .end = e, .type = em->type, .priority = ru->priority, .seq = ++m->seq, .rule = ru->name,
              .no_reject = ru->no_reject};
    c.attrs = n_attrs ? arena_alloc(&m->mem, n_attrs * sizeof *c.attrs) : NULL;
    if (n_attrs && !c.attrs)
        return false;
    if (le) {
        const char **vals = arena_alloc(&m->mem, (le->n_attrs + 1) * sizeof *vals);
        if (!vals)
            return false;
        const char *k = le->packed;
        for (uint32_t i = 0; i < le->n_attrs; i++, k = entry_attr_next(k)) {
            vals[i] = entry_attr_value(k);
            c.attrs[c.n_attrs++] = (govner_attr){.key = k, .values = &vals[i], .n_values = 1};
        }
    }
    for (int a = 0; a < em->n_attrs; a++) {
        const emit_attr *ea = &em->attrs[a];
        govner_attr at = {.key = ea->key, .is_list = ea->is_list};
        if (ea->cap < 0) {
            const char **v = arena_alloc(&m->mem, sizeof *v);
            if (!v)
                return false;
            v[0] = ea->value;
            if (ea->parts) {
                int filled = fill_parts(m, ea, &v[0]);
                if (filled < 0)
                    return false;
                if (filled == 0)
                    continue; /* a capture it names is not in this match */
            }
            at.values = v;
            at.n_values = 1;
        } else {
            size_t cnt = 0;
            for (size_t i = 0; i < m->trail.len; i++)
                cnt += m->trail.items[i].kind == TR_CAP && m->trail.items[i].id == (uint32_t)ea->cap;
            if (cnt == 0)
                continue;
            const char **v = arena_alloc(&m->mem, cnt * sizeof *v);
            if (!v)
                return false;
            for (size_t i = 0; i < m->trail.len; i++) {
                const trail_item *t = &m->trail.items[i];
                if (t->kind == TR_CAP && t->id == (uint32_t)ea->cap) {
                    if (!(v[at.n_values++] = doc_strndup(m, t->start, t->end)))
                        return false;
                }
            }
            at.values = v;
        }
        /* An emitted attribute replaces a lexicon attribute of the same key. */
        uint32_t j = 0;
        while (j < c.n_attrs && strcmp(c.attrs[j].key, at.key) != 0)
            j++;
        c.attrs[j] = at;
        if (j == c.n_attrs)
            c.n_attrs++;
    }
    if (m->explain && !explain_attr(m, ru, &c.attrs[c.n_attrs++]))
        return false;
    return VEC_PUSH(&m->cands, c);
}

static bool emit_match(govner_matcher *m, const rule *ru, uint32_t s, uint32_t e) {
    for (int i = 0; i < ru->n_emits; i++) {
        const emit *em = &ru->emits[i];
        if (em->cap < 0) {
            if (e > s && !emit_one(m, ru, em, s, e))
                return false;
            continue;
        }
        size_t n_trail = m->trail.len;
        for (size_t t = 0; t < n_trail; t++) {
            trail_item ti = m->trail.items[t];
            if (ti.kind == TR_CAP && ti.id == (uint32_t)em->cap && ti.end > ti.start &&
                !emit_one(m, ru, em, ti.start, ti.end))
                return false;
        }
    }
    return true;
}

/* Does one of the rule's required elements (rule.has_req) start where it must, for a match
 * starting at pos? */
static bool required_near(const govner_matcher *m, const rule *ru, uint32_t pos) {
    if (!ru->has_req)
        return true;
    uint64_t last = pos + (uint64_t)ru->req_hi.c;
    for (int t = 0; ru->req_hi_var && t < GOVNER_BOUND_TYPES; t++)
        last += (uint64_t)ru->req_hi.coef[t] * m->ent_max[t];
    if (last >= m->n)
        last = m->n - 1;
    uint64_t classes = ru->req_class_bits;
    anchor_set lexicons = ru->req_lex_bits;
    bool unbitted = !ru->req_lex_bitted && ru->n_req_lex > 0, types = ru->n_req_ent > 0;
    for (uint64_t q = pos + (uint64_t)ru->req_lo; q <= last; q++) {
        if ((m->cls[q] & classes) || anchor_meet(m->start_bits[q], lexicons))
            return true;
        if (unbitted)
            for (int a = 0; a < ru->n_req_lex; a++)
                if (lex_at(m, ru->req_lex[a], (uint32_t)q, false))
                    return true;
        if (types)
            for (uint32_t i = m->ent_start.at[q]; i < m->ent_start.at[q + 1]; i++)
                for (int a = 0; a < ru->n_req_ent; a++)
                    if (m->ents.items[m->ent_start.order[i]].type == ru->req_ent[a])
                        return true;
    }
    return false;
}

static govner_status apply_rule(govner_matcher *m, const rule *ru, uint64_t order, uint32_t pos, govner_error *err) {
    if (ru->filter.req_all && !required_near(m, ru, pos))
        return GOVNER_OK;
    if (m->profile)
        m->prof[ru->id].tried++;
    cont accept = {NULL, 0, 0, NULL};
    run r = {m, false, 0};
    m->trail.len = 0;
    m->steps = 0;
    m->depth = 0;
    int res = m_node(&r, ru->body, pos, &accept);
    if (res < 0) {
        if (m->limit_hit)
            return error_set(err, GOVNER_ERR_LIMIT, ru->file, ru->line, 0, NULL,
                             "rule '%s' hit its match limit at code point %u", ru->name, pos);
        return error_set(err, GOVNER_ERR_NOMEM, "", 0, 0, NULL, "out of memory");
    }
    /* Candidates are ordered by rule, then by position: the tie-breaker the overlap policy names. */
    m->seq = (order << 40) | (m->seq & ((1ull << 40) - 1));
    if (m->profile) {
        m->prof[ru->id].steps += m->steps;
        m->prof[ru->id].matched += res == 1;
    }
    if (res == 1 && !emit_match(m, ru, pos, r.end))
        return error_set(err, GOVNER_ERR_NOMEM, "", 0, 0, NULL, "out of memory");
    return GOVNER_OK;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* apply_rule, counted and timed for govner_matcher_set_profile. */
static govner_status apply_rule_profiled(govner_matcher *m, const rule *ru, uint64_t order, uint32_t pos,
                                         govner_error *err) {
    uint64_t t0 = now_ns();
    govner_status st = apply_rule(m, ru, order, pos, err);
    m->prof[ru->id].nanoseconds += now_ns() - t0;
    return st;
}

static govner_status try_rule(govner_matcher *m, const rule *ru, uint64_t order, uint32_t pos, govner_error *err) {
    return m->profile ? apply_rule_profiled(m, ru, order, pos, err) : apply_rule(m, ru, order, pos, err);
}

/* dst[p] = src[p + d] over the positions of `words` words. */
static void plane_shift(uint64_t *dst, const uint64_t *src, uint32_t words, uint64_t d) {
    uint64_t q = d >> 6;
    unsigned r = (unsigned)(d & 63);
    for (uint32_t w = 0; w < words; w++) {
        uint64_t a = w + q < words ? src[w + q] : 0, b = w + q + 1 < words ? src[w + q + 1] : 0;
        dst[w] = r ? (a >> r) | (b << (64 - r)) : a;
    }
}

/* x[p] = x[p] | x[p + 1] | ... | x[p + len - 1], by doubling the span covered. In place: word w
 * reads only words w and after, which are not yet changed. */
static void plane_widen(uint64_t *x, uint32_t words, uint64_t len) {
    for (uint64_t have = 1; have < len;) {
        uint64_t step = have < len - have ? have : len - have, q = step >> 6;
        unsigned r = (unsigned)(step & 63);
        for (uint32_t w = 0; w < words; w++) {
            uint64_t a = w + q < words ? x[w + q] : 0, b = w + q + 1 < words ? x[w + q + 1] : 0;
            x[w] |= r ? (a >> r) | (b << (64 - r)) : a;
        }
        have += step;
    }
}

/* The positions where the requirement of rule ru holds (rule_filter.req), in a scratch plane. */
static const uint64_t *required_plane(govner_matcher *m, const rule *ru) {
    const rule_filter *f = &ru->filter;
    const uint64_t *planes = m->planes;
    size_t words = m->plane_words;
    uint64_t *occ = plane(m, m->rs->n_planes), *near = plane(m, m->rs->n_planes + 1);
    uint64_t hi = (uint64_t)ru->req_hi.c, lo = (uint64_t)ru->req_lo;
    for (int t = 0; ru->req_hi_var && t < GOVNER_BOUND_TYPES; t++)
        hi += (uint64_t)ru->req_hi.coef[t] * m->ent_max[t];
    if (hi > (uint64_t)m->n)
        hi = m->n;
    if (hi < lo || lo >= 64 * words) {
        memset(near, 0, words * sizeof *near);
        return near;
    }
    if (words == 1) { /* most lines of text */
        uint64_t x = 0;
        for (int i = 0; i < f->n_req; i++)
            x |= planes[f->req[i]];
        x >>= lo;
        for (uint64_t have = 1, len = hi - lo + 1; have < len && x;) {
            uint64_t step = have < len - have ? have : len - have;
            x |= step < 64 ? x >> step : 0;
            have += step;
        }
        near[0] = x;
        return near;
    }
    for (size_t w = 0; w < words; w++) {
        uint64_t x = 0;
        for (int i = 0; i < f->n_req; i++)
            x |= planes[f->req[i] * words + w];
        occ[w] = x;
    }
    plane_shift(near, occ, (uint32_t)words, lo);
    plane_widen(near, (uint32_t)words, hi - lo + 1);
    return near;
}

/* OR into masks (3 * rule_words words) the rules that the planes of plane_any in [lo, hi) let run. */
static void union_plane_rules(const govner_matcher *m, uint64_t *masks, uint32_t lo, uint32_t hi) {
    const govner_ruleset *rs = m->rs;
    size_t words = rs->rule_words;
    for (uint32_t w = lo >> 6; w < PLANE_SET_WORDS && 64 * w < hi; w++) {
        uint64_t b = m->plane_any[w];
        if (64 * w < lo)
            b &= ~0ull << (lo & 63);
        if (hi < 64 * (w + 1))
            b &= (1ull << (hi & 63)) - 1;
        for (; b; b &= b - 1) {
            const uint64_t *pr = rs->plane_rules + 3 * (size_t)(64 * w + (uint32_t)__builtin_ctzll(b)) * words;
            for (size_t i = 0; i < 3 * words; i++)
                masks[i] |= pr[i];
        }
    }
}

bool pattern_static_rules(govner_matcher *m) {
    const govner_ruleset *rs = m->rs;
    if (!rs->plane_sets)
        return true;
    size_t n = 3 * (size_t)rs->rule_words;
    if (!m->rule_static && !(m->rule_static = malloc(2 * n * sizeof *m->rule_static)))
        return false;
    m->rule_live = m->rule_static + n;
    memcpy(m->rule_static, rs->rules_free, n * sizeof *m->rule_static);
    union_plane_rules(m, m->rule_static, 0, rs->planes_static);
    return true;
}

/* Are all the planes that every match of the rule needs non-empty in this document? */
static bool needs_met(const govner_matcher *m, const rule_filter *f) {
    if (!f->has_must)
        return true;
    uint64_t missing = 0;
    for (int w = 0; w < PLANE_SET_WORDS; w++)
        missing |= f->must_set[w] & ~m->plane_any[w];
    return !missing;
}

/* For a rule that begins with an entity: does one of that type start at pos and end where the rest
 * of the match may start (rule.lead_rest)? */
static bool lead_may(const govner_matcher *m, const rule *ru, uint32_t pos) {
    const pos_index *ix = &m->ent_start;
    for (uint32_t i = ix->at[pos]; i < ix->at[pos + 1]; i++) {
        const cand *e = &m->ents.items[ix->order[i]];
        if (e->type == ru->lead_type && first_may(m, ru->lead_rest, e->end))
            return true;
    }
    return false;
}

/* Try rule ru (the order-th of its phase) at every position its filter lets through, in order. */
static govner_status run_rule(govner_matcher *m, const rule *ru, uint64_t order, govner_error *err) {
    const rule_filter *f = &ru->filter;
    const uint64_t *planes = m->planes;
    size_t words = m->plane_words;
    uint64_t *at = plane(m, m->rs->n_planes + 2), any = 0;
    /* Where it may start, its left context ending there: */
    for (size_t w = 0; w < words; w++) {
        uint64_t v = ~0ull;
        if (!f->start_all) {
            v = 0;
            for (int i = 0; i < f->n_start; i++)
                v |= planes[f->start[i] * words + w];
        }
        if (v && !f->left_all) {
            uint64_t x = 0;
            for (int i = 0; i < f->n_left; i++)
                x |= planes[f->left[i] * words + w];
            for (int i = 0; i < f->n_left_class; i++) { /* the character before the start */
                const uint64_t *c = planes + f->left_class[i] * words;
                x |= c[w] << 1 | (w ? c[w - 1] >> 63 : 0);
            }
            v &= x;
        }
        at[w] = v;
        any |= v;
    }
    if (!any)
        return GOVNER_OK;
    at[words - 1] &= (1ull << (m->n & 63)) - 1; /* not past the text */
    if (m->profile)
        for (size_t w = 0; w < words; w++)
            m->prof[ru->id].starts += (uint64_t)__builtin_popcountll(at[w]);
    /* ... what it holds at known offsets from there (words past the text are 0): */
    for (int i = 0; i < f->n_fixed; i++) {
        const fixed_need *fx = &f->fixed[i];
        const uint64_t *pl = planes + (size_t)fx->plane * words;
        uint64_t flip = fx->neg ? ~0ull : 0;
        for (size_t w = 0; w < words; w++) {
            uint64_t x = 0;
            for (unsigned d = fx->off; d <= (unsigned)fx->off + fx->spread; d++)
                x |= d ? pl[w] >> d | (w + 1 < words ? pl[w + 1] << (64 - d) : 0) : pl[w];
            at[w] &= x ^ flip;
        }
    }
    /* ... and its requirement near. */
    if (!f->req_all) {
        const uint64_t *near = required_plane(m, ru);
        for (size_t w = 0; w < words; w++)
            at[w] &= near[w];
    }
    for (size_t w = 0; w < words; w++)
        for (uint64_t v = at[w]; v; v &= v - 1) {
            uint32_t pos = (uint32_t)(w * 64) + (uint32_t)__builtin_ctzll(v);
            if (ru->lead_rest && !lead_may(m, ru, pos))
                continue;
            govner_status st = try_rule(m, ru, order, pos, err);
            if (st != GOVNER_OK)
                return st;
        }
    return GOVNER_OK;
}

govner_status pattern_run_phase(govner_matcher *m, const phase *ph, govner_error *err) {
    govner_status st = GOVNER_OK;
    if (ph->n_rules == 0)
        return st;
    /* The planes of the entity types: where entities kept so far start, and where they end. */
    const govner_ruleset *rs = m->rs;
    uint32_t n_types = (uint32_t)rs->types.len;
    memset(plane(m, rs->planes_static), 0, 2 * (size_t)n_types * m->plane_words * sizeof *m->planes);
    for (int w = 0; w < PLANE_SET_WORDS; w++)
        m->plane_any[w] &= ~rs->type_plane_set[w];
    for (size_t i = 0; i < m->ents.len; i++) {
        const cand *e = &m->ents.items[i];
        plane_mark(m, rs->planes_static + e->type, e->start);
        plane_mark(m, rs->planes_static + n_types + e->type, e->end);
    }
    /* Rule by rule, each in text order: candidates are ordered by rule, then by position (seq),
     * whichever loop makes them. Only the rules whose start, left context and requirement each
     * have a non-empty plane run (ruleset.plane_rules): the others cannot match anywhere. */
    size_t n_filtered = ph->n_rules < 64 ? ph->n_rules : 64;
    if (rs->plane_sets) {
        size_t words = rs->rule_words, n = 3 * words;
        uint64_t *live = m->rule_live;
        memcpy(live, m->rule_static, n * sizeof *live);
        union_plane_rules(m, live, rs->planes_static, rs->n_planes);
        /* The phase's ids base .. base + n_filtered - 1 lie in at most two words: in increasing
         * order, the rules whose three bits are set. */
        uint32_t base = ph->rules[0].id, end = base + (uint32_t)n_filtered;
        for (uint32_t w = base >> 6; 64 * w < end && st == GOVNER_OK; w++) {
            uint64_t b = live[w] & live[words + w] & live[2 * words + w];
            if (64 * w < base)
                b &= ~0ull << (base & 63);
            if (end < 64 * (w + 1))
                b &= (1ull << (end & 63)) - 1;
            for (; b && st == GOVNER_OK; b &= b - 1) {
                uint32_t r = 64 * w + (uint32_t)__builtin_ctzll(b) - base;
                if (!needs_met(m, &ph->rules[r].filter))
                    continue;
                st = run_rule(m, &ph->rules[r], r, err);
            }
        }
    } else {
        for (size_t r = 0; r < n_filtered && st == GOVNER_OK; r++)
            st = run_rule(m, &ph->rules[r], r, err);
    }
    /* Rules past the 64th are tried everywhere. */
    for (size_t ri = 64; ri < ph->n_rules && st == GOVNER_OK; ri++)
        for (uint32_t pos = 0; pos < m->n && st == GOVNER_OK; pos++) {
            if (m->profile)
                m->prof[ph->rules[ri].id].starts++;
            st = try_rule(m, &ph->rules[ri], ri, pos, err);
        }
    return st;
}
