/* test_rules.c - the rule parser: statements, lexicons, includes, and its error reports. */
#include "helpers.h"

static const char *layers = "layer names person place organization\nlayer titles title\n";

static void expect_error(const char *text, int line, int col, const char *msg_part) {
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s", layers, text);
    govner_error err;
    govner_ruleset *rs = rules_from(buf, &err, NULL);
    if (rs)
        fail_msg("rules loaded but should fail: %s", text);
    assert_int_equal(err.status, GOVNER_ERR_RULES);
    if (err.line != line + 2 || err.column != col)
        fail_msg("error at %d:%d, expected %d:%d (%s)", err.line, err.column, line + 2, col, err.message);
    if (!strstr(err.message, msg_part))
        fail_msg("message '%s' lacks '%s'", err.message, msg_part);
    assert_non_null(strstr(err.file, "main.rules"));
}

static void test_errors_have_positions(void **state) {
    (void)state;
    expect_error("phase a\nrule r\n  match @nope\n  emit person\n", 3, 9, "unknown lexicon '@nope'");
    expect_error("phase a\nrule r\n  match o=(\"x\"\n  emit place o\n", 3, 11, "expected ')'");
    expect_error("phase a\nrule r\n  match o=/(ab/\n  emit place o\n", 3, 15, "bad regular expression");
    expect_error("phase a\nrule r\n  match o=\"x\"\n  emit planet o\n", 4, 8, "unknown entity type 'planet'");
    expect_error("phase a\nrule r\n  match o=\"x\"\n  emit place q\n", 4, 14, "unknown capture 'q'");
    expect_error("phase a\nrule r\n  match o=\"x\"\n", 2, 1, "no 'emit' clause");
    expect_error("rule r\n  match o=\"x\"\n  emit place o\n", 1, 1, "before any 'phase'");
    expect_error("phase a\nfrobnicate\n", 2, 1, "unknown statement 'frobnicate'");
    expect_error("phase a\nrule r\n  match o=\"中文\" {3,1}\n  emit place o\n", 3, 16, "maximum is below minimum");
    expect_error("  indented\n", 1, 3, "indented line outside");
    expect_error("lexicon x\n  词 bad\n", 2, 5, "expected key=value");
    expect_error("phase a\nrule r\n  left /x/\n  match o=\"x\"\n  emit place o\n", 3, 8, "left context cannot use a regex");
    expect_error("pattern p n=\"x\"\n", 1, 11, "a pattern cannot capture");
    expect_error("pattern p \"x\"\npattern p \"y\"\n", 2, 9, "'p' is already defined");
    expect_error("pattern p\n", 1, 10, "expected a pattern");
    expect_error("pattern p /x/\nphase a\nrule r\n  left %p\n  match o=\"y\"\n  emit place o\n", 4, 8,
                 "pattern 'p' has one");
    expect_error("phase a\nrule r\n  match o=%nope\n  emit place o\n", 3, 11, "unknown class, regex or pattern '%nope'");
}

/* `pattern NAME P` names a piece of pattern; rules use it as %NAME, in a match or a context. */
static void test_named_pattern(void **state) {
    (void)state;
    govner_ruleset *rs = must_load("layer names person place\n"
                                   "lexicon surname\n  王\n  和\n"
                                   "pattern given /\\p{sc=Han}{1,2}/\n"
                                   "pattern post (\"部长\" | \"主任\")\n"
                                   "pattern not_he !\"和\"\n"
                                   "phase a\n"
                                   "rule r\n  left %post\n  match %not_he n=(@surname %given)\n  right \"说\"\n  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "部长王小明说");
    assert_non_null(find_entity(m, "person", "王小明"));
    match_ok(m, "主任和小明说");     /* the pattern's negative lookahead */
    assert_int_equal(govner_entity_count(m), 0);
    match_ok(m, "王小明说");         /* the pattern in the left context */
    assert_int_equal(govner_entity_count(m), 0);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A literal is its whole text: spaces in it are part of it, not separators as in a lexicon line. */
static void test_literal_with_spaces(void **state) {
    (void)state;
    govner_ruleset *rs = must_load("layer names person\n"
                                   "phase a\n"
                                   "rule r\n  match n=(\"Peter\" (\" \" \"Woodward\" | \"-Pan\")?)\n  emit person n\n"
                                   "rule s\n  match n=\"New York\"\n  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "据Peter Woodward透露");
    assert_non_null(find_entity(m, "person", "Peter Woodward"));
    match_ok(m, "在New York");
    assert_non_null(find_entity(m, "person", "New York"));
    match_ok(m, "New  York Peter-Pan");
    assert_null(find_entity(m, "person", "New York"));
    assert_non_null(find_entity(m, "person", "Peter-Pan"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_include_and_lexicon_files(void **state) {
    (void)state;
    govner_error err;
    govner_ruleset *rs = rules_from(
        "layer names person place organization\ninclude \"more.rules\"\n"
        "phase a\nrule r\n  match p=@places\n  emit place p\n  example \"去长沙\" -> place \"长沙\" code=\"430100\"\n",
        &err, "more.rules", "lexicon places \"places.txt\"\n", "places.txt",
        "# comment\n长沙\tcode=430100 level=city\n湖南\tcode=430000\n\n", NULL);
    if (!rs)
        fail_msg("%s:%d: %s", err.file, err.line, err.message);
    assert_int_equal(govner_ruleset_entry_count(rs), 2);
    assert_int_equal(govner_ruleset_rule_count(rs), 1);
    assert_int_equal(govner_ruleset_check(rs, NULL, NULL, &err), 0);
    govner_ruleset_free(rs);
}

/* An entry of a lexicon file that is not valid UTF-8 is an error at its line and column, for a
 * lexicon in the automaton and for a `reject` lexicon (looked up whole) alike. */
static void test_lexicon_file_bad_utf8(void **state) {
    (void)state;
    const char *rules[] = {"layer names person place\nlexicon places \"bad.txt\"\n",
                           "layer names person place\nreject person \"bad.txt\"\n"};
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        govner_error err;
        govner_ruleset *rs = rules_from(rules[i], &err, "bad.txt", "长沙\tcode=430100\n湘\xff潭\n", NULL);
        if (rs)
            fail_msg("rules loaded but should fail: %s", rules[i]);
        assert_int_equal(err.status, GOVNER_ERR_RULES);
        assert_non_null(strstr(err.file, "bad.txt"));
        assert_int_equal(err.line, 2);
        assert_int_equal(err.column, 2);
        assert_non_null(strstr(err.message, "not valid UTF-8"));
    }
}

static void test_include_cycle(void **state) {
    (void)state;
    govner_error err;
    govner_ruleset *rs = rules_from("include \"a.rules\"\n", &err, "a.rules", "include \"main.rules\"\n", NULL);
    assert_null(rs);
    assert_int_equal(err.status, GOVNER_ERR_RULES);
    assert_non_null(strstr(err.message, "include cycle"));
    assert_non_null(strstr(err.file, "a.rules"));
}

static void test_missing_file(void **state) {
    (void)state;
    govner_error err;
    assert_null(govner_ruleset_load("/nonexistent/govner/rules", &err));
    assert_int_equal(err.status, GOVNER_ERR_IO);
    govner_ruleset *rs = rules_from("lexicon x \"missing.txt\"\n", &err, NULL);
    assert_null(rs);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 11);
    assert_non_null(strstr(err.message, "missing.txt"));
}

static void collect_report(void *ctx, const char *file, int line, const char *message) {
    (void)file;
    (void)line;
    strncat((char *)ctx, message, 1023 - strlen((char *)ctx));
    strncat((char *)ctx, "\n", 1023 - strlen((char *)ctx));
}

/* An expected entity may name several attributes: all must hold, on one entity. */
static void test_example_with_attributes(void **state) {
    (void)state;
    char buf[1024];
    snprintf(buf, sizeof buf,
             "%sphase a\nlexicon p\n  长沙\tlevel=city\tcode=430100\nrule r\n  match x=@p\n  emit place x\n"
             "  example \"长沙\" -> place \"长沙\" level=\"city\" code=\"430100\"\n"
             "  example \"长沙\" -> place \"长沙\" level=\"city\" code=\"430000\"\n"
             "  example \"长沙\" !> place \"长沙\" level=\"county\" code=\"430100\"\n",
             layers);
    govner_ruleset *rs = must_load(buf);
    govner_error err;
    char report[1024] = "";
    assert_int_equal(govner_ruleset_check(rs, collect_report, report, &err), 1);
    assert_non_null(strstr(report, "missing place \"长沙\" with level=\"city\" code=\"430000\""));
    govner_ruleset_free(rs);
}

static void test_failing_example_is_reported(void **state) {
    (void)state;
    char buf[1024];
    snprintf(buf, sizeof buf,
             "%sphase a\nlexicon p\n  长沙\nrule r\n  match x=@p\n  emit place x\n"
             "  example \"长沙\" -> place \"长沙\"\n  example \"湖南\" -> place \"湖南\"\n  example \"长沙\" !> place \"长沙\"\n",
             layers);
    govner_ruleset *rs = must_load(buf);
    govner_error err;
    assert_int_equal(govner_ruleset_check(rs, NULL, NULL, &err), 2);
    govner_ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors_have_positions),
        cmocka_unit_test(test_named_pattern),
        cmocka_unit_test(test_literal_with_spaces),
        cmocka_unit_test(test_include_and_lexicon_files),
        cmocka_unit_test(test_lexicon_file_bad_utf8),
        cmocka_unit_test(test_include_cycle),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_failing_example_is_reported),
        cmocka_unit_test(test_example_with_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
