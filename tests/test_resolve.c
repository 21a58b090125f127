/* test_resolve.c - the overlap policy: layers, priority, length, position, crossing spans. */
#include "helpers.h"

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_longer_wins_and_layers_do_not_overlap),
        cmocka_unit_test(test_priority_before_length),
        cmocka_unit_test(test_later_phase_does_not_cross_own_layer),
        cmocka_unit_test(test_equal_rank_earlier_start_wins),
        cmocka_unit_test(test_sorted_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
