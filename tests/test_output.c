/* test_output.c - the JSON and TSV writers, checked by parsing with json-c. */
#include <json-c/json.h>

#include "helpers.h"

static const char *rules =
    "layer names person place organization\n"
    "lexicon place\n  长沙\tcode=430100 level=city\n  \"引号\"\tmark=a\001b\n"
    "phase lexical\n"
    "rule place\n  match p=@place\n  emit place p note=\"a\\\"b\\\\c\\td\\ne\"\n";

static void test_json_round_trip(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(rules);
    govner_matcher *m = govner_matcher_new(rs);
    const char *text = "去长沙看\"引号\"";
    match_ok(m, text);
    char *json = govner_matcher_json(m, "\"line\":7,");
    assert_non_null(json);
    assert_null(strchr(json, '\n'));
    json_object *root = json_tokener_parse(json);
    assert_non_null(root);
    json_object *line, *ents;
    assert_true(json_object_object_get_ex(root, "line", &line));
    assert_int_equal(json_object_get_int(line), 7);
    assert_true(json_object_object_get_ex(root, "entities", &ents));
    assert_int_equal(json_object_array_length(ents), 2);
    assert_non_null(strstr(json, "\"mark\":\"a\\u0001b\""));
    int marks = 0;
    for (size_t i = 0; i < json_object_array_length(ents); i++) {
        json_object *e = json_object_array_get_idx(ents, i), *v;
        assert_true(json_object_object_get_ex(e, "text", &v));
        const char *t = json_object_get_string(v);
        json_object_object_get_ex(e, "byte_start", &v);
        int bs = json_object_get_int(v);
        json_object_object_get_ex(e, "byte_end", &v);
        int be = json_object_get_int(v);
        assert_int_equal((int)strlen(t), be - bs);
        assert_memory_equal(t, text + bs, (size_t)(be - bs)); /* text equals the input slice */
        assert_true(json_object_object_get_ex(e, "note", &v));
        assert_string_equal(json_object_get_string(v), "a\"b\\c\td\ne");
        if (json_object_object_get_ex(e, "mark", &v)) { /* a control character: \u0001 */
            assert_string_equal(json_object_get_string(v), "a\001b");
            marks++;
        }
        assert_true(json_object_object_get_ex(e, "rule", &v));
        assert_string_equal(json_object_get_string(v), "place");
    }
    assert_int_equal(marks, 1);
    json_object_put(root);
    free(json);

    char *tsv = govner_matcher_tsv(m, "doc.txt");
    assert_non_null(tsv);
    assert_non_null(strstr(tsv, "doc.txt\tplace\t长沙\t1\t3\tcode=430100;level=city;note=a\"b\\c d e\n"));
    free(tsv);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_empty_document(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(rules);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "");
    char *json = govner_matcher_json(m, NULL);
    assert_string_equal(json, "{\"entities\":[]}");
    free(json);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A string longer than the writer's chunks, with escapes across their borders. */
static void test_long_escaped_string(void **state) {
    (void)state;
    char rules_text[2048], want[512];
    size_t w = 0;
    int n = snprintf(rules_text, sizeof rules_text, "layer names place\nlexicon place\n  长沙\nphase lexical\n"
                                                   "rule place\n  match p=@place\n  emit place p note=\"");
    for (int i = 0; i < 60; i++) { /* 60 x 5 characters, 2 of them escaped */
        n += snprintf(rules_text + n, sizeof rules_text - (size_t)n, "ab\\\"c\\t");
        memcpy(want + w, "ab\"c\t", 5);
        w += 5;
    }
    want[w] = '\0';
    snprintf(rules_text + n, sizeof rules_text - (size_t)n, "\"\n");
    govner_ruleset *rs = must_load(rules_text);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "长沙");
    char *json = govner_matcher_json(m, NULL);
    json_object *root = json_tokener_parse(json), *ents, *v;
    assert_non_null(root);
    assert_true(json_object_object_get_ex(root, "entities", &ents));
    assert_true(json_object_object_get_ex(json_object_array_get_idx(ents, 0), "note", &v));
    assert_string_equal(json_object_get_string(v), want);
    json_object_put(root);
    free(json);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_long_escaped_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
