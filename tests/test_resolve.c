/* test_resolve.c - the overlap policy: layers, priority, length, position, crossing spans. */
#include <stdlib.h>

#include "helpers.h"
#include "matcher.h"

static const char *base =
    "layer names person place organization\n"
    "layer titles title\n"
    "lexicon place\n  湖南\n  湖南省\n  长沙\n  长沙市\n  天长\n"
    "lexicon org\n  湖南日报\n"
    "lexicon role\n  省长\n  主任\n"
    "phase lexical\n"
    "rule place\n  priority 10\n  match p=@place\n  emit place p\n"
    "rule org\n  priority 20\n  match o=@org\n  emit organization o\n"
    "phase titles\n"
    "rule role\n  priority 30\n  match t=@role\n  emit title t\n";

static void test_longer_wins_and_layers_do_not_overlap(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(base);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "湖南省长沙市");
    assert_non_null(find_entity(m, "place", "湖南省"));
    assert_non_null(find_entity(m, "place", "长沙市"));
    assert_null(find_entity(m, "place", "湖南"));
    /* 省长 crosses both places kept by the earlier phase: dropped. */
    assert_null(find_entity(m, "title", "省长"));
    assert_int_equal(govner_entity_count(m), 2);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_priority_before_length(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(base);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "湖南日报");
    assert_non_null(find_entity(m, "organization", "湖南日报"));
    assert_null(find_entity(m, "place", "湖南"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A later phase may replace an earlier entity of its layer that it contains, but not cut through
 * one: 莫斯科 stands against a higher-ranked 斯科会 of a later phase; 湖南省人民政府 replaces 湖南省. */
static void test_later_phase_does_not_cross_own_layer(void **state) {
    (void)state;
    govner_ruleset *rs = must_load("layer names place organization\n"
                                   "lexicon place\n  莫斯科\n  湖南省\n"
                                   "lexicon org\n  斯科会\n  湖南省人民政府\n"
                                   "phase lexical\n"
                                   "rule place\n  priority 10\n  match p=@place\n  emit place p\n"
                                   "phase organizations\n"
                                   "rule org\n  priority 20\n  match o=@org\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "在莫斯科会见");
    assert_non_null(find_entity(m, "place", "莫斯科"));
    assert_null(find_entity(m, "organization", "斯科会"));
    match_ok(m, "湖南省人民政府");
    assert_non_null(find_entity(m, "organization", "湖南省人民政府"));
    assert_int_equal(govner_entity_count(m), 1);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_equal_rank_earlier_start_wins(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(base);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "天长沙");
    assert_non_null(find_entity(m, "place", "天长"));
    assert_null(find_entity(m, "place", "长沙"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_sorted_output(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(base);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "长沙，主任，湖南");
    assert_int_equal(govner_entity_count(m), 3);
    size_t last = 0;
    for (size_t i = 0; i < govner_entity_count(m); i++) {
        assert_true(govner_entity_at(m, i)->start >= last);
        last = govner_entity_at(m, i)->start;
    }
    assert_null(govner_entity_at(m, 3));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* The policy as the header of resolve.c states it, done the plain way (every candidate and entity
 * ranked together, kept greedily, then put in text order), against resolve, which ranks only the
 * new candidates: random candidates over many documents and phases, with ties of priority, length
 * and start; between phases, changes resolve must survive though no document pass makes them
 * today (an entity dropped, its type changed, two out of text order, one added over another). */
typedef struct {
    const govner_ruleset *rs;
    uint32_t n;
    cand *ents;
    size_t len;
} ref_doc;

static uint64_t rng_state = 88172645463325252ull;
static uint32_t rnd(uint32_t k) { /* xorshift64 */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % k);
}

static uint32_t layer_of(const ref_doc *d, const cand *c) { return d->rs->types.items[c->type].layer; }

static int ref_rank(const void *pa, const void *pb) {
    const cand *a = pa, *b = pb;
    if (a->priority != b->priority)
        return a->priority > b->priority ? -1 : 1;
    uint32_t la = a->end - a->start, lb = b->end - b->start;
    if (la != lb)
        return la > lb ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int ref_pos(const void *pa, const void *pb) {
    const cand *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Does candidate c fit the entities kept so far? (Where they overlap, as a document pass may leave
 * them, resolve reads the last one over a position and goes on past its end: so does this.) */
static bool ref_fits(const ref_doc *d, const cand *c) {
    for (size_t l = 0; l < d->rs->layers.len; l++)
        for (uint32_t p = c->start; p < c->end; p++) {
            const cand *e = NULL;
            for (size_t i = 0; i < d->len; i++)
                if (layer_of(d, &d->ents[i]) == l && d->ents[i].start <= p && p < d->ents[i].end)
                    e = &d->ents[i];
            if (!e)
                continue;
            bool inside = e->start < c->start || e->end > c->end;
            if (l != layer_of(d, c) ? inside : inside && !(e->start <= c->start && e->end >= c->end))
                return false;
            p = e->end - 1; /* past it */
        }
    return true;
}

static void ref_resolve(ref_doc *d, const cand *cands, size_t n_cands) {
    if (n_cands == 0)
        return; /* resolve leaves the entities as they are when nothing is new */
    size_t old = d->len;
    for (size_t i = 0; i < n_cands; i++) {
        d->ents = realloc(d->ents, (d->len + 1) * sizeof *d->ents);
        assert_non_null(d->ents);
        ref_doc before = {d->rs, d->n, d->ents, old};
        if (ref_fits(&before, &cands[i]))
            d->ents[d->len++] = cands[i];
    }
    qsort(d->ents, d->len, sizeof *d->ents, ref_rank);
    size_t kept = 0;
    for (size_t i = 0; i < d->len; i++) {
        bool free_span = true;
        for (size_t j = 0; j < kept && free_span; j++)
            free_span = layer_of(d, &d->ents[j]) != layer_of(d, &d->ents[i]) || d->ents[j].end <= d->ents[i].start ||
                        d->ents[i].end <= d->ents[j].start;
        if (free_span)
            d->ents[kept++] = d->ents[i];
    }
    d->len = kept;
    qsort(d->ents, d->len, sizeof *d->ents, ref_pos);
}

static void test_resolve_agrees_with_plain_policy(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(base);
    govner_matcher *m = govner_matcher_new(rs);
    assert_non_null(m);
    uint32_t n_types = (uint32_t)rs->types.len;
    for (int doc = 0; doc < 300; doc++) {
        uint32_t n = 1 + rnd(doc % 3 ? 40 : 400);
        ref_doc d = {rs, n, NULL, 0};
        m->n = n;
        m->ents.len = m->cands.len = 0;
        m->ents_indexed = false;
        assert_true(resolve(m));
        uint64_t seq = 0;
        for (uint64_t phase = 0; phase < 6; phase++) {
            size_t k = rnd(doc % 3 ? 12 : 120);
            m->cands.len = 0;
            for (size_t i = 0; i < k; i++) {
                uint32_t start = rnd(n), len = 1 + rnd(6);
                cand c = {.start = start, .end = start + len < n ? start + len : n, .type = rnd(n_types),
                          .priority = 10 * (int)rnd(3), .seq = phase << 40 | ++seq, .rule = "r"};
                assert_true(VEC_PUSH(&m->cands, c));
            }
            size_t n_cands = m->cands.len;
            cand *copy = malloc((n_cands + 1) * sizeof *copy);
            assert_non_null(copy);
            memcpy(copy, m->cands.items, n_cands * sizeof *copy);
            assert_true(resolve(m));
            ref_resolve(&d, copy, n_cands);
            free(copy);
            assert_int_equal(m->ents.len, d.len);
            for (size_t i = 0; i < d.len; i++) {
                assert_int_equal(m->ents.items[i].start, d.ents[i].start);
                assert_int_equal(m->ents.items[i].end, d.ents[i].end);
                assert_int_equal(m->ents.items[i].type, d.ents[i].type);
                assert_int_equal(m->ents.items[i].seq, d.ents[i].seq);
            }
            /* What a document pass may do, to both alike: */
            if (d.len && rnd(3) == 0) { /* drop one */
                size_t i = rnd((uint32_t)d.len);
                memmove(&d.ents[i], &d.ents[i + 1], (d.len - i - 1) * sizeof *d.ents);
                memmove(&m->ents.items[i], &m->ents.items[i + 1], (m->ents.len - i - 1) * sizeof *d.ents);
                d.len--, m->ents.len--;
            }
            if (d.len && rnd(3) == 0) { /* change a type, perhaps to another layer */
                size_t i = rnd((uint32_t)d.len);
                d.ents[i].type = m->ents.items[i].type = rnd(n_types);
            }
            if (d.len > 1 && rnd(4) == 0) { /* two out of text order */
                size_t i = rnd((uint32_t)d.len - 1);
                cand t = d.ents[i];
                d.ents[i] = d.ents[i + 1], d.ents[i + 1] = t;
                t = m->ents.items[i];
                m->ents.items[i] = m->ents.items[i + 1], m->ents.items[i + 1] = t;
            }
            if (d.len && rnd(4) == 0) { /* add one over another, out of text order */
                cand c = d.ents[rnd((uint32_t)d.len)];
                c.seq = phase << 40 | ++seq;
                c.end = c.end < n ? c.end + 1 : c.end;
                d.ents = realloc(d.ents, (d.len + 1) * sizeof *d.ents);
                assert_non_null(d.ents);
                d.ents[d.len++] = c;
                assert_true(VEC_PUSH(&m->ents, c));
            }
        }
        free(d.ents);
    }
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_longer_wins_and_layers_do_not_overlap),
        cmocka_unit_test(test_priority_before_length),
        cmocka_unit_test(test_later_phase_does_not_cross_own_layer),
        cmocka_unit_test(test_equal_rank_earlier_start_wins),
        cmocka_unit_test(test_sorted_output),
        cmocka_unit_test(test_resolve_agrees_with_plain_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
