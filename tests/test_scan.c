/* test_scan.c - the position index (index_build) against a brute-force count, stable on ties,
 * over texts short and long, few items and many; and the scan's lexicon hits through a matcher. */
#include "helpers.h"

#include "matcher.h"

typedef struct {
    uint32_t start, end; /* first, as index_build reads them */
    uint32_t tag;
} item;

/* Check ix against the definition: at[p] is the number of items whose key is below p, and
 * order lists the items by key, ties in their original order. */
static void check_index(const pos_index *ix, uint32_t n, const item *items, size_t n_items, bool by_end) {
    for (uint32_t p = 0; p <= n + 1; p++) {
        uint32_t below = 0;
        for (size_t i = 0; i < n_items; i++)
            below += (by_end ? items[i].end : items[i].start) < p;
        assert_int_equal(ix->at[p], below);
    }
    for (size_t j = 1; j < n_items; j++) {
        const item *a = &items[ix->order[j - 1]], *b = &items[ix->order[j]];
        uint32_t ka = by_end ? a->end : a->start, kb = by_end ? b->end : b->start;
        assert_true(ka < kb || (ka == kb && ix->order[j - 1] < ix->order[j]));
    }
}

static void build_and_check(uint32_t n, const item *items, size_t n_items) {
    pos_index ix = {0};
    for (int by_end = 0; by_end <= 1; by_end++) {
        assert_true(index_build(&ix, n, n_items, items, sizeof *items, by_end));
        check_index(&ix, n, items, n_items, by_end);
    }
    free(ix.at);
    free(ix.order);
}

static void test_empty(void **state) {
    (void)state;
    build_and_check(0, NULL, 0);
    build_and_check(10, NULL, 0);
}

static void test_sorted_by_start(void **state) {
    (void)state;
    /* By start in order (as hits and entities come); by end out of order (nested spans). */
    item items[] = {{0, 5, 0}, {0, 2, 1}, {1, 3, 2}, {3, 4, 3}, {3, 4, 4}, {6, 9, 5}, {9, 9, 6}};
    build_and_check(9, items, sizeof items / sizeof *items);
}

/* A reproducible pseudo-random sequence (no dependence on the C library's rand). */
static uint32_t next_random(uint64_t *s) {
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*s >> 33);
}

static void random_items(item *items, size_t n_items, uint32_t n, uint64_t *seed) {
    for (size_t i = 0; i < n_items; i++) {
        uint32_t a = next_random(seed) % (n + 1), b = next_random(seed) % (n + 1);
        items[i] = (item){a < b ? a : b, a < b ? b : a, (uint32_t)i};
    }
}

static void test_unsorted_few_and_many(void **state) {
    (void)state;
    uint64_t seed = 42;
    /* Few items and many; short texts make ties on keys common. */
    size_t sizes[] = {1, 2, 3, 17, 255, 256, 257, 300, 2000};
    uint32_t lengths[] = {3, 40, 1000};
    item *items = malloc(2000 * sizeof *items);
    assert_non_null(items);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (size_t l = 0; l < sizeof lengths / sizeof *lengths; l++) {
            random_items(items, sizes[s], lengths[l], &seed);
            build_and_check(lengths[l], items, sizes[s]);
        }
    free(items);
}

static void test_index_reused_across_sizes(void **state) {
    (void)state;
    /* The same index rebuilt for a long text, then a short one, then a long one again: nothing
     * of an earlier build shows through. */
    uint64_t seed = 7;
    item items[400];
    pos_index ix = {0};
    uint32_t lengths[] = {500, 5, 500};
    size_t counts[] = {400, 3, 50};
    for (int r = 0; r < 3; r++) {
        random_items(items, counts[r], lengths[r], &seed);
        assert_true(index_build(&ix, lengths[r], counts[r], items, sizeof *items, true));
        check_index(&ix, lengths[r], items, counts[r], true);
    }
    free(ix.at);
    free(ix.order);
}

static void test_scan_finds_overlapping_entries(void **state) {
    (void)state;
    /* Entries that start inside each other and nest: every one is found where it occurs. */
    govner_ruleset *rs = must_load("layer a place\nlayer b organization\nlayer c title\n"
                                   "lexicon p\n  长沙\n  沙市\n"
                                   "lexicon o\n  长沙市人民政府\n  人民政府\n"
                                   "lexicon t\n  市长\n"
                                   "phase one\n"
                                   "rule p\n  match x=@p\n  emit place x\n"
                                   "rule o\n  match x=@o\n  emit organization x\n"
                                   "rule t\n  match x=@t\n  emit title x\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "长沙市人民政府，沙市市长");
    assert_non_null(find_entity(m, "organization", "长沙市人民政府"));
    assert_non_null(find_entity(m, "place", "长沙"));
    assert_non_null(find_entity(m, "place", "沙市"));
    assert_non_null(find_entity(m, "title", "市长"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static uint32_t lexicon_named(const govner_ruleset *rs, const char *name) {
    for (uint32_t i = 0; i < rs->lexicons.len; i++)
        if (strcmp(rs->lexicons.items[i].name, name) == 0)
            return i;
    fail_msg("no lexicon %s", name);
    return 0;
}

/* The plane of class `name`. */
static uint32_t class_plane_named(const govner_ruleset *rs, const char *name) {
    for (uint32_t i = 0; i < rs->regexes.len; i++)
        if (strcmp(rs->regexes.items[i].name, name) == 0)
            return (uint32_t)rs->class_plane[rs->regexes.items[i].class_slot];
    fail_msg("no class %s", name);
    return 0;
}

static void test_fixed_length_lexicon_from_bits(void **state) {
    (void)state;
    /* w: all entries of two characters, no attributes: the scan keeps no hits of it, only its
     * bits; matches, captures and contexts on either side must find it as before. v (lengths
     * differ) and a (attributes) keep their hits. */
    govner_ruleset *rs = must_load("layer a place\nlayer b organization\nlayer c title\n"
                                   "lexicon w\n  长沙\n  市长\n"
                                   "lexicon v\n  长沙\n  长沙市\n"
                                   "lexicon a\n  人民 kind=x\n  和平 kind=y\n"
                                   "phase one\n"
                                   "rule w\n  match x=@w\n  emit place x\n"
                                   "rule after\n  match <=@w y=\"人民政府\"\n  emit organization y\n"
                                   "rule not_after\n  match <!@w z=\"人民\" !\"政府\"\n  emit title z\n"
                                   "rule before\n  match z=\"和\" &@w\n  emit title z\n");
    assert_int_equal(rs->lex_fixed[lexicon_named(rs, "w")], 2);
    assert_int_equal(rs->lex_fixed[lexicon_named(rs, "v")], 0);
    assert_int_equal(rs->lex_fixed[lexicon_named(rs, "a")], 0);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "长沙人民政府，市长和人民，和长沙");
    assert_non_null(find_entity(m, "place", "长沙"));
    assert_non_null(find_entity(m, "place", "市长"));
    assert_non_null(find_entity(m, "organization", "人民政府"));
    size_t titles = 0;
    for (size_t i = 0; i < govner_entity_count(m); i++) {
        const govner_entity *e = govner_entity_at(m, i);
        if (strcmp(e->type, "title") != 0)
            continue;
        titles++;
        /* 人民 after 市长和 (no entry of w ends before it), 和 before 长沙 (one starts after it) */
        assert_true((strcmp(e->text, "人民") == 0 && e->start == 10) || (strcmp(e->text, "和") == 0 && e->start == 13));
    }
    assert_int_equal(titles, 2);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* After PLANE_SAMPLE positions a matcher fills whole the planes set at most positions that no
 * filter needs exact (matcher.dense): a class rules start with, not one a left filter uses. The
 * matches are the same before and after. */
static void test_dense_planes(void **state) {
    (void)state;
    govner_ruleset *rs = must_load("layer a place\nlayer b title\n"
                                   "class han /\\p{Han}/\nclass hanl /\\p{Han}/\n"
                                   "lexicon city\n  长沙\n"
                                   "phase one\n"
                                   "rule h\n  match x=(%han @city)\n  emit place x\n"
                                   "rule d\n  left %hanl\n  match x=\"人\"\n  emit title x\n");
    govner_matcher *m = govner_matcher_new(rs);
    const char *line = "到长沙去的人很多，3人在长沙。";
    for (int i = 0; i < 2000; i++) { /* 15 code points each: past the sample */
        match_ok(m, line);
        assert_non_null(find_entity(m, "place", "到长沙"));
        assert_non_null(find_entity(m, "place", "在长沙"));
        assert_non_null(find_entity(m, "title", "人")); /* after 的, not after 3 */
        assert_int_equal(govner_entity_count(m), 3);
    }
    assert_true(m->dense_chosen);
    assert_non_null(m->dense);
    assert_true(plane_dense(m, class_plane_named(rs, "han")));   /* rule h starts with it, at 12 of 15 positions */
    assert_false(plane_dense(m, class_plane_named(rs, "hanl"))); /* as dense, but rule d's left filter needs it exact */
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_sorted_by_start),
        cmocka_unit_test(test_unsorted_few_and_many),
        cmocka_unit_test(test_index_reused_across_sizes),
        cmocka_unit_test(test_scan_finds_overlapping_entries),
        cmocka_unit_test(test_fixed_length_lexicon_from_bits),
        cmocka_unit_test(test_dense_planes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
