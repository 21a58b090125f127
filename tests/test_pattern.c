/* test_pattern.c - the pattern engine: elements, quantifiers, alternatives, contexts, captures. */
#include "helpers.h"
#include "matcher.h"

static const char *prelude =
    "layer names person place organization\n"
    "layer titles title\n"
    "lexicon surname\n  王\n  李\n  欧阳\n"
    "lexicon verb\n  说\n  出席\n"
    "class han /\\p{Han}/\n"
    "phase one\n";

static govner_ruleset *load_with(const char *rules) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", prelude, rules);
    return must_load(buf);
}

static void test_name_length_decided_by_context(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match n=(@surname %han{1,2})\n  right @verb\n  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "王小说了");          /* 王小 + 说: the two-character name fits the context */
    assert_non_null(find_entity(m, "person", "王小"));
    assert_null(find_entity(m, "person", "王小说"));
    match_ok(m, "王大明说");
    assert_non_null(find_entity(m, "person", "王大明"));
    match_ok(m, "欧阳明出席");         /* compound surname */
    assert_non_null(find_entity(m, "person", "欧阳明"));
    match_ok(m, "王大明走了");         /* no verb after: nothing */
    assert_int_equal(govner_entity_count(m), 0);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_repeated_capture_emits_each_span(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match \"记者\" (n=(@surname %han{1,2}))+\n  right $\n  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "记者王大明李小");
    assert_int_equal(govner_entity_count(m), 2);
    const govner_entity *e = find_entity(m, "person", "王大明");
    assert_non_null(e);
    assert_int_equal(e->start, 2);
    assert_int_equal(e->end, 5);
    assert_int_equal(e->byte_start, 6);
    assert_int_equal(e->byte_end, 15);
    assert_non_null(find_entity(m, "person", "李小"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_lazy_and_greedy(void **state) {
    (void)state;
    govner_ruleset *rs = load_with(
        "lexicon suffix\n  局\n"
        "rule lazy\n  match o=(\"国家\" %han{0,8}? @suffix)\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "国家统计局局长");
    assert_non_null(find_entity(m, "organization", "国家统计局"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);

    rs = load_with("lexicon suffix\n  局\n"
                   "rule greedy\n  match o=(\"国家\" %han{0,8} @suffix)\n  emit organization o\n");
    m = govner_matcher_new(rs);
    match_ok(m, "国家统计局局长");
    assert_non_null(find_entity(m, "organization", "国家统计局局"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_left_context_and_negation(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon abbr\n  华\n"
                                   "rule p\n  left \"访\" | \"来\"\n  match p=@abbr\n  not-right \"人\"\n  emit place p\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "访华期间");
    assert_non_null(find_entity(m, "place", "华"));
    match_ok(m, "中华民族");
    assert_null(find_entity(m, "place", "华"));
    match_ok(m, "来华人员");
    assert_null(find_entity(m, "place", "华"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_alternatives_and_optional(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match o=((\"省\" | \"市\") \"委\"? \"政府\")\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "省政府和市委政府");
    assert_non_null(find_entity(m, "organization", "省政府"));
    assert_non_null(find_entity(m, "organization", "市委政府"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_regex_piece_and_lookahead(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match o=(/[A-Z]{2,}/ \"公司\") !\"总部\"\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "IBM公司宣布");
    assert_non_null(find_entity(m, "organization", "IBM公司"));
    match_ok(m, "IBM公司总部");
    assert_int_equal(govner_entity_count(m), 0);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_entities_of_earlier_phase(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon org\n  省委\n"
                                   "lexicon role\n  书记\n"
                                   "rule o\n  match o=@org\n  emit organization o\n"
                                   "phase two\n"
                                   "rule t\n  match t=(o=<organization> x=@role)\n  emit title t organization=o role=x\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "省委书记");
    const govner_entity *t = find_entity(m, "title", "省委书记");
    assert_non_null(t);
    assert_string_equal(govner_entity_attr(t, "organization"), "省委");
    assert_string_equal(govner_entity_attr(t, "role"), "书记");
    assert_non_null(find_entity(m, "organization", "省委")); /* other layer: kept inside the title */
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* The suffix a rule requires may sit past an earlier entity of any length: the distance the
 * engine checks grows with the longest entity of the document. */
static void test_required_suffix_after_long_entity(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon place\n  湖南\n  新疆维吾尔自治区\n"
                                   "lexicon suffix\n  委员会\n"
                                   "rule p\n  match p=@place\n  emit place p\n"
                                   "phase two\n"
                                   "rule o\n  match o=((<place> | \"中共\") %han{0,4}? @suffix)\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "新疆维吾尔自治区体育委员会");
    assert_non_null(find_entity(m, "organization", "新疆维吾尔自治区体育委员会"));
    match_ok(m, "湖南体育委员会");
    assert_non_null(find_entity(m, "organization", "湖南体育委员会"));
    match_ok(m, "湖南省体育局和各委员会"); /* the suffix is too far: six characters between */
    for (size_t i = 0; i < govner_entity_count(m); i++)
        assert_string_not_equal(govner_entity_at(m, i)->type, "organization");
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* What a lookahead or an alternative requires is checked before a match is tried, in the window
 * of distances its elements allow: the nearest and the farthest place must both still match. */
static void test_required_in_lookahead_and_alternative(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match n=(@surname %han{1,2}) &(@verb | \"某\")\n  emit person n\n"
                                   "rule q\n  match p=@surname &(\"侨\" | \"胞\")\n  emit place p\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "王小说");             /* the verb at the nearest distance (two) */
    assert_non_null(find_entity(m, "person", "王小"));
    match_ok(m, "欧阳大明出席");       /* ... and at the farthest (four) */
    assert_non_null(find_entity(m, "person", "欧阳大明"));
    match_ok(m, "王大某");             /* the other alternative */
    assert_non_null(find_entity(m, "person", "王大"));
    match_ok(m, "王说");               /* too near: no given name */
    assert_null(find_entity(m, "person", "王说"));
    match_ok(m, "王大明小说");         /* too far */
    assert_int_equal(govner_entity_count(m), 0);
    match_ok(m, "李侨和王胞");
    assert_non_null(find_entity(m, "place", "李"));
    assert_non_null(find_entity(m, "place", "王"));
    match_ok(m, "李大侨");
    assert_null(find_entity(m, "place", "李"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A repeat of at least two requires its element again one element on (%x{3,5}: x one character
 * on; @word{2,3}: a word one to three characters on, as long as the first word is): matches of
 * every length must survive that check. */
static void test_required_in_repeat(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("class x /[甲乙丙丁戊]/\n"
                                   "lexicon word\n  天\n  地人\n  春夏秋\n"
                                   "rule r\n  match n=(%x{3,5})\n  not-right %x\n  emit person n\n"
                                   "rule w\n  match p=(@word{2,3}) \"尾\"\n  emit place p\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "，甲乙丙。");
    assert_non_null(find_entity(m, "person", "甲乙丙"));
    match_ok(m, "，甲乙丙丁戊。");
    assert_non_null(find_entity(m, "person", "甲乙丙丁戊"));
    match_ok(m, "，甲乙。");
    assert_int_equal(govner_entity_count(m), 0);
    match_ok(m, "春夏秋天尾");  /* the second word three characters on */
    assert_non_null(find_entity(m, "place", "春夏秋天"));
    match_ok(m, "天地人尾");    /* ... one character on */
    assert_non_null(find_entity(m, "place", "天地人"));
    match_ok(m, "地人春夏秋天尾");
    assert_non_null(find_entity(m, "place", "地人春夏秋天"));
    match_ok(m, "天尾");
    assert_int_equal(govner_entity_count(m), 0);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Invalid UTF-8 fails the whole document with its byte offset in the document, even when it is
 * in a later segment of a long one, and no entity of the earlier segments is kept. */
static void test_invalid_utf8_fails_whole_document(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match n=(@surname %han{1,2})\n  right @verb\n  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    size_t unit = strlen("王大明说。"), n_units = (3u << 20) / unit, len = n_units * unit + 1;
    char *text = malloc(len);
    assert_non_null(text);
    for (size_t i = 0; i < n_units; i++)
        memcpy(text + i * unit, "王大明说。", unit);
    text[len - 1] = '\xFF';
    govner_error err;
    assert_int_equal(govner_match(m, text, len, &err), GOVNER_ERR_INPUT);
    char want[64];
    snprintf(want, sizeof want, "invalid UTF-8 at byte %zu", len - 1);
    assert_string_equal(err.message, want);
    assert_int_equal(govner_entity_count(m), 0);
    text[len - 1] = '\n';
    assert_int_equal(govner_match(m, text, len, &err), GOVNER_OK);
    assert_int_equal(govner_entity_count(m), n_units);
    free(text);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Classes written as plain sets, or as the Han class less a set, are answered without PCRE2: the
 * answer is PCRE2's for every character of the Basic Multilingual Plane and of the supplementary
 * ideographs, for classes of each form and for the shipped rules' classes. */
static void compare_classes(govner_ruleset *rs, int want_native) {
    govner_matcher *m = govner_matcher_new(rs);
    int native = 0;
    for (size_t i = 0; i < rs->regexes.len; i++) {
        const regex_def *rx = &rs->regexes.items[i];
        if (!rx->is_class || !rx->native)
            continue;
        native++;
        for (uint32_t cp = 1; cp < 0x30000; cp++) {
            if (cp == 0x10000)
                cp = 0x20000;
            if (cp >= 0xD800 && cp <= 0xDFFF)
                continue;
            if (pattern_class_native(m, rx, cp) != pattern_class_pcre(m, rx, cp))
                fail_msg("class %s, U+%04X: native %d, PCRE2 %d", rx->name, cp, pattern_class_native(m, rx, cp),
                         pattern_class_pcre(m, rx, cp));
            if (pattern_class_match(m, rx, cp) != pattern_class_pcre(m, rx, cp))
                fail_msg("class %s, U+%04X: memo differs", rx->name, cp);
        }
    }
    assert_true(native >= want_native);
    govner_matcher_free(m);
}

static void test_native_classes_equal_pcre(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("class set /[甲乙a-c\\-０-９]/\n"
                                   "class hanish /\\p{sc=Han}/\n"
                                   "class notfunc /(?![的了])\\p{sc=Han}/\n"
                                   "class spaced /[\\s，]/\n"
                                   "rule p\n  match n=(%set %hanish %notfunc %spaced)\n  emit person n\n");
    compare_classes(rs, 2);
    for (size_t i = 0; i < rs->regexes.len; i++)
        if (strcmp(rs->regexes.items[i].name, "spaced") == 0 || strcmp(rs->regexes.items[i].name, "hanish") == 0)
            assert_false(rs->regexes.items[i].native); /* \s and \p{..} alone stay with PCRE2 */
    govner_ruleset_free(rs);
    govner_error err;
    rs = govner_ruleset_load(GOVNER_TEST_RULES, &err);
    if (!rs)
        fail_msg("%s: %s", GOVNER_TEST_RULES, err.message);
    compare_classes(rs, 5);
    govner_ruleset_free(rs);
}

/* Profiling counts, per rule, the positions where it starts, the tries its requirement allowed and
 * the matches; counting stops when profiling is switched off, and the counts stay. */
static void test_profile_counts(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule a\n  match n=(@surname %han{1,2}) &@verb\n  emit person n\n"
                                   "rule b\n  match p=\"长沙\"\n  emit place p\n");
    assert_int_equal(govner_ruleset_rule_count(rs), 2);
    govner_matcher *m = govner_matcher_new(rs);
    govner_rule_profile pa, pb;
    assert_int_equal(govner_matcher_rule_profile(m, 0, &pa), -1); /* never on */
    assert_int_equal(govner_matcher_set_profile(m, 1), 0);
    match_ok(m, "王小说。李大"); /* 王 starts and matches; 李 starts, but no verb is near */
    assert_int_equal(govner_matcher_rule_profile(m, 0, &pa), 0);
    assert_string_equal(pa.name, "a");
    assert_int_equal(pa.line, 12); /* after the prelude's eleven lines */
    assert_true(pa.starts == 2 && pa.tried == 1 && pa.matched == 1 && pa.steps > 0);
    assert_int_equal(govner_matcher_rule_profile(m, 1, &pb), 0);
    assert_string_equal(pb.name, "b");
    assert_true(pb.starts == 0 && pb.tried == 0 && pb.matched == 0);
    assert_int_equal(govner_matcher_rule_profile(m, 2, &pb), -1);
    match_ok(m, "去长沙");
    assert_int_equal(govner_matcher_rule_profile(m, 1, &pb), 0);
    assert_true(pb.starts == 1 && pb.tried == 1 && pb.matched == 1);
    govner_matcher_set_profile(m, 0);
    match_ok(m, "王小说");
    assert_int_equal(govner_matcher_rule_profile(m, 0, &pa), 0);
    assert_true(pa.starts == 2 && pa.matched == 1);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A rule runs only in documents that hold everything each of its matches needs (rule_filter.
 * must_set): here a place, which only a lookahead after an unbounded repeat asks for. */
static void test_rule_skipped_without_its_parts(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match p=\"长沙\"\n  emit place p\n"
                                   "phase two\n"
                                   "rule a\n  match n=(@surname %han{1,2}) &(%han* <place>)\n  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    assert_int_equal(govner_matcher_set_profile(m, 1), 0);
    govner_rule_profile pa;
    match_ok(m, "王小说了"); /* no place: rule a does not even start */
    assert_int_equal(govner_matcher_rule_profile(m, 1, &pa), 0);
    assert_string_equal(pa.name, "a");
    assert_true(pa.starts == 0 && pa.tried == 0);
    match_ok(m, "王小去长沙");
    assert_int_equal(govner_matcher_rule_profile(m, 1, &pa), 0);
    assert_true(pa.starts == 1 && pa.tried == 1 && pa.matched == 1);
    assert_non_null(find_entity(m, "person", "王小去")); /* the longest name first */
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A rule is tried only where what it holds at known distances from its start is there (rule_filter.
 * fixed): a verb two or three characters after the surname's start (surnames have one or two), and
 * 了 right after it. 李大说 has no 了, 欧阳大了 no verb: neither is tried. (Of the planes the other
 * filters have: rules v and l anchor on the verbs and on 了.) */
static void test_rule_tried_where_its_parts_are(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule a\n  match n=(@surname %han) @verb \"了\"\n  emit person n\n"
                                   "rule v\n  match t=@verb\n  emit title t\n"
                                   "rule l\n  match t=\"了\"\n  emit title t\n");
    govner_matcher *m = govner_matcher_new(rs);
    assert_int_equal(govner_matcher_set_profile(m, 1), 0);
    match_ok(m, "王小说了。李大说。欧阳大了");
    govner_rule_profile pa;
    assert_int_equal(govner_matcher_rule_profile(m, 0, &pa), 0);
    assert_true(pa.starts == 3 && pa.tried == 1 && pa.matched == 1);
    assert_non_null(find_entity(m, "person", "王小"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A repeat of a kid of one length holds it at known offsets as many times as it must go round: the
 * name of `@surname %han{2,3}` needs Han characters one and two after the surname. */
static void test_repeat_needs_its_minimum(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule a\n  match n=(@surname %han{2,3})\n  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    assert_int_equal(govner_matcher_set_profile(m, 1), 0);
    match_ok(m, "王小, 李大明"); /* (not 。: \p{Han} takes the script extensions, which have it) */
    govner_rule_profile pa;
    assert_int_equal(govner_matcher_rule_profile(m, 0, &pa), 0);
    assert_true(pa.starts == 2 && pa.tried == 1 && pa.matched == 1);
    assert_non_null(find_entity(m, "person", "李大明"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Contexts made of leaves at fixed offsets are answered from the bits (pnode.tests): starts and
 * ends of entries, classes, alternatives of bitted leaves, line starts and ends, nested contexts. */
static void test_contexts_from_bits(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule a\n  match x=@surname &(%han @verb)\n  emit person x\n"
                                   "rule b\n  match <=(@verb %han) x=@surname\n  emit place x\n"
                                   "rule c\n  match x=@surname !(%han{2} $)\n  emit title x\n"
                                   "rule d\n  match <=(^ %han) <!(@surname | @verb) x=@verb !(&@surname %han)\n"
                                   "  emit organization x\n");
    /* every P_LOOK of these rules compiles to tests */
    const phase *ph = &rs->phases.items[0];
    for (size_t r = 0; r < ph->n_rules; r++)
        for (int i = 0; i < ph->rules[r].body->n_kids; i++) {
            const pnode *k = ph->rules[r].body->kids[i];
            if (k->kind == P_LOOK || k->kind == P_LOOKBEHIND)
                assert_true(k->n_tests > 0);
        }
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "李大说");   /* a: 大 then a verb after 李 */
    assert_non_null(find_entity(m, "person", "李"));
    match_ok(m, "李大明");
    assert_null(find_entity(m, "person", "李"));
    match_ok(m, "说了王");   /* b: 了 after a verb before 王 */
    assert_non_null(find_entity(m, "place", "王"));
    match_ok(m, "了说王");
    assert_null(find_entity(m, "place", "王"));
    match_ok(m, "王小明");   /* c: two characters and the end after 王: excluded */
    assert_null(find_entity(m, "title", "王"));
    match_ok(m, "王小明好");
    assert_non_null(find_entity(m, "title", "王"));
    match_ok(m, "大说好");   /* d: one character into the line, not after a surname or verb, */
    assert_non_null(find_entity(m, "organization", "说"));
    match_ok(m, "王说好");
    assert_null(find_entity(m, "organization", "说"));
    match_ok(m, "好大说");
    assert_null(find_entity(m, "organization", "说"));
    match_ok(m, "大说王明"); /* ... and no surname and a Han character right after it */
    assert_null(find_entity(m, "organization", "说"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);

    /* Entities of earlier phases, from the entity planes of the running phase. */
    rs = load_with("rule p\n  match x=\"长沙\"\n  emit place x\n"
                   "phase two\n"
                   "rule e\n  match <=<place> x=@verb !<place>\n  emit title x\n");
    const pnode *body = rs->phases.items[1].rules[0].body;
    for (int i = 0; i < body->n_kids; i++)
        if (body->kids[i]->kind == P_LOOK || body->kids[i]->kind == P_LOOKBEHIND)
            assert_true(body->kids[i]->n_tests == 1);
    m = govner_matcher_new(rs);
    match_ok(m, "长沙说好");
    assert_non_null(find_entity(m, "title", "说"));
    match_ok(m, "长沙说长沙");
    assert_null(find_entity(m, "title", "说"));
    match_ok(m, "王说好");
    assert_null(find_entity(m, "title", "说"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A left context whose alternatives are each one leaf is decided by the rule's left filter: the
 * matcher does not ask it again (pnode.proven); one with a longer alternative is asked. */
static void test_left_context_decided_by_filter(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule a\n  left @verb | ^ | %han\n  match x=@surname\n  emit person x\n"
                                   "rule b\n  left @verb %han\n  match x=@surname\n  emit title x\n");
    const rule *a = &rs->phases.items[0].rules[0], *b = &rs->phases.items[0].rules[1];
    assert_true(a->left_exact && a->left_ctx && a->left_ctx->proven);
    assert_false(b->left_exact);
    assert_true(!b->left_ctx || !b->left_ctx->proven);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "王说, 大李");
    assert_non_null(find_entity(m, "person", "王")); /* line start */
    assert_non_null(find_entity(m, "person", "李")); /* after a Han character */
    match_ok(m, "a王");
    assert_null(find_entity(m, "person", "王"));
    match_ok(m, "出席了王");
    assert_non_null(find_entity(m, "title", "王"));
    match_ok(m, "出席王");
    assert_null(find_entity(m, "title", "王"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* An alternative's kids are tried only where they may start (pnode.first): what each starts with,
 * through sequences, optional parts and repeats; a kid that may match nothing is tried anywhere. */
static void test_alternative_kids_where_they_start(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match x=\"长沙\"\n  emit place x\n"
                                   "phase two\n"
                                   "rule a\n  match x=(@surname (@verb | \"了\"? %han @verb | <place> | (\"会\")* \"见\"))\n"
                                   "  emit person x\n");
    const pnode *alt = rs->phases.items[1].rules[0].body;
    while (alt->kind != P_ALT)
        alt = alt->kids[alt->kind == P_SEQ && alt->kids[0]->kind == P_LEX ? 1 : 0];
    assert_non_null(alt->first);
    assert_false(alt->first[0].any);  /* @verb */
    assert_false(alt->first[1].any);  /* 了 or a Han character */
    assert_true(alt->first[2].types != 0);
    assert_false(alt->first[3].any);  /* 会 or 见 */
    govner_matcher *m = govner_matcher_new(rs);
    const char *texts[][2] = {{"王说", "王说"},     {"王大说", "王大说"}, {"王了大说", "王了大说"},
                              {"王长沙", "王长沙"}, {"王会会见", "王会会见"}, {"王见", "王见"},
                              {"王大", NULL}};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        match_ok(m, texts[i][0]);
        if (texts[i][1])
            assert_non_null(find_entity(m, "person", texts[i][1]));
        else
            assert_null(find_entity(m, "person", "王大"));
    }
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A rule that begins with an entity is tried only where one of that type starts and ends where the
 * rest of the match may start (rule.lead_rest): here a surname or 兼 after a place. */
static void test_rule_after_its_leading_entity(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match x=\"长沙\"\n  emit place x\n"
                                   "phase two\n"
                                   "rule a\n  match !@verb p=<place> \"兼\"? !@verb n=(@surname %han)\n  emit person n\n");
    const rule *a = &rs->phases.items[1].rules[0];
    assert_non_null(a->lead_rest);
    govner_matcher *m = govner_matcher_new(rs);
    assert_int_equal(govner_matcher_set_profile(m, 1), 0);
    match_ok(m, "长沙王明, 长沙兼李大, 长沙市, 长沙说王"); /* (a surname near, not after: req holds) */
    govner_rule_profile pa;
    assert_int_equal(govner_matcher_rule_profile(m, 1, &pa), 0);
    assert_true(pa.starts == 4 && pa.tried == 2 && pa.matched == 2);
    assert_non_null(find_entity(m, "person", "王明"));
    assert_non_null(find_entity(m, "person", "李大"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* The entities of every line of a file, one string: type, span and text of each. */
static char *entities_of_file(govner_matcher *m, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap), line[1 << 16];
    assert_non_null(out);
    out[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        match_ok(m, line);
        for (size_t i = 0; i < govner_entity_count(m); i++) {
            const govner_entity *e = govner_entity_at(m, i);
            char buf[512];
            int n = snprintf(buf, sizeof buf, "%s %zu %zu %s\n", e->type, (size_t)e->start, (size_t)e->end, e->text);
            while (len + (size_t)n + 1 > cap) {
                cap *= 2;
                out = realloc(out, cap);
                assert_non_null(out);
            }
            memcpy(out + len, buf, (size_t)n + 1);
            len += (size_t)n;
        }
    }
    fclose(f);
    return out;
}

/* Requirements only spare rule applications: with every rule's requirement dropped, the shipped
 * rules find exactly the same entities in the example report and the golden news lines. */
static void test_requirements_change_nothing(void **state) {
    (void)state;
    const char *files[] = {GOVNER_TEST_SOURCE "/examples/hunan-2021-08-09.txt",
                           GOVNER_TEST_SOURCE "/tests/cases/news.lines.txt"};
    govner_error err;
    govner_ruleset *rs = govner_ruleset_load(GOVNER_TEST_RULES, &err);
    if (!rs)
        fail_msg("%s: %s", GOVNER_TEST_RULES, err.message);
    govner_matcher *m = govner_matcher_new(rs);
    char *with[2];
    size_t n_req = 0;
    for (int i = 0; i < 2; i++)
        with[i] = entities_of_file(m, files[i]);
    for (size_t p = 0; p < rs->phases.len; p++)
        for (size_t r = 0; r < rs->phases.items[p].n_rules; r++) {
            n_req += rs->phases.items[p].rules[r].has_req;
            rs->phases.items[p].rules[r].has_req = false;
        }
    assert_true(n_req > 20); /* the test means something only if requirements are in use */
    for (int i = 0; i < 2; i++) {
        char *without = entities_of_file(m, files[i]);
        assert_true(strlen(with[i]) > 100);
        assert_string_equal(with[i], without);
        free(without);
        free(with[i]);
    }
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* The requirement chosen among lexicons: a literal the rule spells out, or a context of lexicons and
 * classes, rather than a lexicon of single characters (which holds almost everywhere), and a lexicon
 * of words rather than one with characters; the matches are the same either way. */
static void test_requirement_prefers_rarer_lexicons(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon given\n  明\n  强\n  华\n"
                                   "lexicon chars_and_words\n  等\n  等人\n"
                                   "lexicon words\n  同志\n  先生\n"
                                   "rule list\n  match n=(@surname @given) \"、\" n=(@surname @given)\n  emit person n\n"
                                   "rule titled\n  match n=(@surname @given) @chars_and_words? @words\n  emit person n\n"
                                   "class digit /[0-9]/\n"
                                   "rule said\n  match n=(@surname @given)\n  right @verb | %digit\n  emit person n\n");
    const rule *list = &rs->phases.items[0].rules[0], *titled = &rs->phases.items[0].rules[1];
    const rule *said = &rs->phases.items[0].rules[2];
    /* A context of lexicons and classes after the name also outranks the given-name characters. */
    assert_true(said->has_req);
    assert_int_equal(said->n_req_lex, 1);
    assert_int_equal(said->n_req_class, 1);
    assert_true(list->has_req && titled->has_req);
    assert_int_equal(list->n_req_lex, 1);
    assert_true(rs->lexicons.items[list->req_lex[0]].literal); /* "、", not @given */
    assert_int_equal(titled->n_req_lex, 1);
    assert_string_equal(rs->lexicons.items[titled->req_lex[0]].name, "words");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "王明、李强，王华同志，王强说");
    assert_non_null(find_entity(m, "person", "王明"));
    assert_non_null(find_entity(m, "person", "李强"));
    assert_non_null(find_entity(m, "person", "王华"));
    assert_non_null(find_entity(m, "person", "王强"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Past 64 anchor lexicons and GOVNER_CLASS_BITS classes, rules lose their position filter but
 * still match exactly where they should. */
static void test_many_anchors_and_classes(void **state) {
    (void)state;
    char *buf = malloc(64 * 1024);
    assert_non_null(buf);
    size_t n = (size_t)snprintf(buf, 64 * 1024, "%s", prelude);
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(buf + n, 64 * 1024 - n, "lexicon w%d\n  词%d\n", i, i);
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(buf + n, 64 * 1024 - n, "class c%d /[%s]/\n", i, i == 69 ? "甲" : "乙");
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(buf + n, 64 * 1024 - n, "rule r%d\n  match o=(@w%d \"后\")\n  emit place o\n", i, i);
    n += (size_t)snprintf(buf + n, 64 * 1024 - n, "rule last_class\n  match o=(%%c69 \"丙\")\n  left %%c69\n  emit organization o\n");
    govner_ruleset *rs = must_load(buf);
    free(buf);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "词0后，词63后，词64后，词69后");
    assert_non_null(find_entity(m, "place", "词0后"));
    assert_non_null(find_entity(m, "place", "词63后"));
    assert_non_null(find_entity(m, "place", "词64后"));
    assert_non_null(find_entity(m, "place", "词69后"));
    match_ok(m, "甲甲丙，乙甲丙");
    assert_int_equal(govner_entity_count(m), 1);
    const govner_entity *e = find_entity(m, "organization", "甲丙");
    assert_non_null(e);
    assert_int_equal(e->start, 1);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Rules start only where their first lexicon does, for as many lexicons as there are anchor bits
 * (ANCHOR_BITS, 128); a rule starting with a lexicon past them is tried everywhere, and still
 * matches only where it should. Phases of 50 rules: a phase's rule masks hold 64. */
static void test_anchor_bits_past_64(void **state) {
    (void)state;
    enum { N = ANCHOR_BITS + 30 }; /* the last rules' lexicons have no bit */
    size_t cap = 96 * 1024, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    n += (size_t)snprintf(buf + n, cap - n, "%s", prelude);
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(buf + n, cap - n, "lexicon w%d\n  词%d\n", i, i);
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%.0d%srule r%d\n  match o=(@w%d \"后\")\n  emit place o\n",
                              i && i % 50 == 0 ? "phase p" : "", i && i % 50 == 0 ? i : 0,
                              i && i % 50 == 0 ? "\n" : "", i, i);
    assert_true(n < cap);
    govner_ruleset *rs = must_load(buf);
    free(buf);
    govner_matcher *m = govner_matcher_new(rs);
    assert_int_equal(govner_matcher_set_profile(m, 1), 0);
    char text[64];
    snprintf(text, sizeof text, "词70后词120后词%d后", N - 1); /* 14 code points */
    match_ok(m, text);
    assert_non_null(find_entity(m, "place", "词70后"));
    assert_non_null(find_entity(m, "place", "词120后"));
    assert_non_null(find_entity(m, "place", text + strlen("词70后词120后")));
    govner_rule_profile p;
    assert_int_equal(govner_matcher_rule_profile(m, 70, &p), 0);
    assert_int_equal(p.starts, 1);
    assert_int_equal(govner_matcher_rule_profile(m, 120, &p), 0);
    assert_int_equal(p.starts, 1);
    assert_int_equal(govner_matcher_rule_profile(m, N - 1, &p), 0); /* past the bits: everywhere */
    assert_int_equal(p.starts, 14);
    assert_int_equal(p.matched, 1);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Contexts of entity types and of alternatives (answered from the indexes, without a sub-match):
 * ahead and behind, positive and negative, and an alternative that is not simple after one that
 * holds, or before. */
static void test_entity_and_alternative_contexts(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon city\n  长沙\n  北京\n"
                                   "rule c\n  match p=@city\n  emit place p\n"
                                   "phase two\n"
                                   "rule after\n  match <=<place> o=(%han \"局\")\n  emit organization o\n"
                                   "rule not_after\n  match <!(<place> | \"省\") o=(%han \"厅\")\n  emit organization o\n"
                                   "rule before\n  match n=(@surname %han) &(<place> | @verb)\n  emit person n\n"
                                   "rule not_before\n  match n=(\"张\" %han) !(\"说\" | (%han \"去\") | <place>)\n"
                                   "  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "长沙税局，长沙的税局");
    assert_non_null(find_entity(m, "organization", "税局"));
    assert_int_equal(govner_entity_count(m), 3); /* two places, one organization */
    match_ok(m, "北京教厅，省文厅，财厅");
    assert_null(find_entity(m, "organization", "教厅"));
    assert_null(find_entity(m, "organization", "文厅"));
    assert_non_null(find_entity(m, "organization", "财厅"));
    match_ok(m, "王小北京，王大说，王中走");
    assert_non_null(find_entity(m, "person", "王小"));
    assert_non_null(find_entity(m, "person", "王大"));
    assert_null(find_entity(m, "person", "王中"));
    match_ok(m, "张明说，张红北京，张华去了，张强来");
    assert_null(find_entity(m, "person", "张明"));
    assert_null(find_entity(m, "person", "张红"));
    assert_non_null(find_entity(m, "person", "张华")); /* 去 after one %han: 了 is no 去 */
    assert_non_null(find_entity(m, "person", "张强"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Where a phase tries its rules: after a positive lookahead that names what starts the match, at
 * the start of a line, after an entity (a left context of a type), at an entity; nowhere else. */
static void test_where_rules_start(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon city\n  长沙\n  北京\n"
                                   "rule c\n  match p=@city\n  emit place p\n"
                                   "rule look\n  match n=(@verb? &@surname /\\p{Han}{2}/)\n  emit person n\n"
                                   "rule bol\n  left ^\n  match o=(%han \"局\")\n  emit organization o\n"
                                   "phase two\n"
                                   "rule after\n  left <place>\n  match o=(%han \"所\")\n  emit organization o\n"
                                   "rule at\n  match o=(<place> \"站\")\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "说王明，李强");
    assert_non_null(find_entity(m, "person", "说王明")); /* from the verb: the lookahead is past it */
    assert_non_null(find_entity(m, "person", "李强"));
    match_ok(m, "税局\n财局，文局");
    assert_non_null(find_entity(m, "organization", "税局"));
    assert_non_null(find_entity(m, "organization", "财局"));
    assert_null(find_entity(m, "organization", "文局"));
    match_ok(m, "长沙税所，税所，北京站");
    assert_non_null(find_entity(m, "organization", "税所"));
    assert_non_null(find_entity(m, "organization", "北京站"));
    assert_int_equal(govner_entity_count(m), 3); /* 长沙, 税所 after it, 北京站 */
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A match that opens with lookarounds in sequence, or alternatives of such sequences, still starts
 * where its first consuming element does (it was tried at every position: org.gazetteer, 2x
 * the instructions of the whole rule set), and the lookarounds still decide. */
static void test_lookaround_sequences_keep_anchor(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon org\n  财经大学\n  工商总局\n"
                                   "lexicon juris\n  中央\n  国家\n"
                                   "lexicon country\n  中国\n"
                                   "rule o\n  match o=((<!\"说\" (<!@juris | <=@country) | &\"工\") @org)\n"
                                   "  emit organization o\n");
    const rule *ru = &rs->phases.items[0].rules[0];
    assert_false(ru->anywhere);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "财经大学");
    assert_non_null(find_entity(m, "organization", "财经大学"));
    match_ok(m, "中央财经大学");
    assert_null(find_entity(m, "organization", "财经大学"));
    match_ok(m, "中国财经大学");
    assert_non_null(find_entity(m, "organization", "财经大学"));
    match_ok(m, "国家工商总局");
    assert_non_null(find_entity(m, "organization", "工商总局")); /* by the other alternative */
    govner_matcher_free(m);
    govner_ruleset_free(rs);
    /* The same in a left context, read backwards: it ends with the city. */
    rs = load_with("lexicon city\n  长沙\n"
                   "rule s\n  left @city (<!\"说\" <!\"讲\" | \"的\")\n  match o=(%han \"站\")\n"
                   "  emit organization o\n");
    assert_true(rs->phases.items[0].rules[0].left_anchored);
    m = govner_matcher_new(rs);
    match_ok(m, "长沙南站，长沙的西站，北站");
    assert_non_null(find_entity(m, "organization", "南站"));
    assert_non_null(find_entity(m, "organization", "西站"));
    assert_null(find_entity(m, "organization", "北站"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* The same with the match at every offset around the 64-position words of the bit planes: the
 * left context before a word's first position, the requirement in the next word. */
static void test_rules_across_plane_words(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon suffix\n  统计局\n"
                                   "class punct /[，。]/\n"
                                   "rule org\n  left %punct\n  match o=(\"国家\" %han{0,8}? @suffix)\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    for (int pad = 50; pad < 140; pad++) {
        char text[1024] = "";
        for (int i = 0; i < pad; i++)
            strcat(text, "的");
        strcat(text, "，国家数据统计局的国家统计局");
        match_ok(m, text);
        const govner_entity *e = find_entity(m, "organization", "国家数据统计局");
        assert_non_null(e);
        assert_int_equal(e->start, (size_t)pad + 1);
        assert_null(find_entity(m, "organization", "国家统计局")); /* no punctuation before it */
    }
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* An entry found by the scan, whether its text is in one lexicon (kept in the trie's slot) or in
 * several (kept in the trie's list of entries), and at the end of a longer entry's path. */
static void test_entries_of_one_and_several_lexicons(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon city\n  长沙\n  长沙县\n  株洲\n"
                                   "lexicon seat\n  长沙\n"
                                   "rule c\n  match p=@city\n  emit place p\n"
                                   "rule s\n  match o=(@seat \"站\")\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "长沙站，株洲，长沙县");
    assert_non_null(find_entity(m, "organization", "长沙站"));
    assert_non_null(find_entity(m, "place", "株洲"));
    assert_non_null(find_entity(m, "place", "长沙县"));
    match_ok(m, "长沙，株洲站");
    assert_non_null(find_entity(m, "place", "长沙"));
    assert_null(find_entity(m, "organization", "株洲站"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Contexts made of sequences: every length of a lexicon element is tried (欧阳 or 欧 before 明),
 * ahead and behind, with alternatives of sequences, a class repeated, and a context inside. */
static void test_sequence_contexts(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("lexicon ou\n  欧\n  欧阳\n"
                                   "rule ahead\n  match o=(%han \"局\") &(@ou \"明\" | \"天\" %han{2} \"。\")\n"
                                   "  emit organization o\n"
                                   "rule behind\n  match <=(@ou \"阳\" | ^ \"甲\") o=(%han \"厅\")\n  emit organization o\n"
                                   "rule nested\n  match o=(%han \"处\") !(@verb &(%han \"了\"))\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "税局欧阳明，财局欧明，文局欧阳，商局天上人。");
    assert_non_null(find_entity(m, "organization", "税局")); /* 欧阳 + 明 */
    assert_non_null(find_entity(m, "organization", "财局")); /* 欧 + 明 */
    assert_null(find_entity(m, "organization", "文局"));
    assert_non_null(find_entity(m, "organization", "商局")); /* 天, two %han, 。 */
    match_ok(m, "欧阳教厅，阳文厅，欧阳阳财厅");
    assert_non_null(find_entity(m, "organization", "教厅")); /* 欧 + 阳 */
    assert_null(find_entity(m, "organization", "文厅"));
    assert_non_null(find_entity(m, "organization", "财厅")); /* 欧阳 + 阳 */
    match_ok(m, "甲文厅");
    assert_non_null(find_entity(m, "organization", "文厅")); /* line start, 甲 */
    match_ok(m, "税处说好了，财处说好的");
    assert_null(find_entity(m, "organization", "税处"));
    assert_non_null(find_entity(m, "organization", "财处"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Alternatives of literals: merged into one lexicon when none is a prefix of another; otherwise
 * tried in order, the first that lets the pattern succeed winning. */
static void test_literal_alternatives(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule v\n  match o=(%han{1,2}? (\"村\" | \"镇\" | \"街道\"))\n  emit place o\n"
                                   "rule m\n  match o=(\"会\" | \"会见\")\n  emit organization o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "回龙村");
    assert_non_null(find_entity(m, "place", "回龙村"));
    match_ok(m, "城关街道");
    assert_non_null(find_entity(m, "place", "城关街道"));
    match_ok(m, "会见");
    assert_non_null(find_entity(m, "organization", "会")); /* the first alternative, not the longest */
    assert_null(find_entity(m, "organization", "会见"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Empty text finds nothing and keeps nothing of the text before (govner_match answers it without
 * the cascade); the matcher goes on as before. */
static void test_empty_text(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match n=(@surname %han{1,2}) &@verb\n  emit person n\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "王小说");
    assert_int_equal(govner_entity_count(m), 1);
    match_ok(m, "");
    assert_int_equal(govner_entity_count(m), 0);
    assert_null(govner_entity_at(m, 0));
    char *json = govner_matcher_json(m, NULL);
    assert_non_null(json);
    assert_string_equal(json, "{\"entities\":[]}");
    free(json);
    match_ok(m, "王小说");
    assert_int_equal(govner_entity_count(m), 1);
    assert_int_equal(govner_match(m, NULL, 0, NULL), GOVNER_OK);
    assert_int_equal(govner_entity_count(m), 0);
    match_ok(m, "李大出席");
    assert_non_null(find_entity(m, "person", "李大"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_empty_repeat_terminates(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match o=((\"a\"?)* \"b\")\n  emit place o\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "aaab");
    assert_non_null(find_entity(m, "place", "aaab"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

static void test_pathological_rule_hits_limit(void **state) {
    (void)state;
    govner_ruleset *rs = load_with("rule p\n  match o=((%han | %han %han)+ \"x\")\n  emit place o\n");
    govner_matcher *m = govner_matcher_new(rs);
    char text[3 * 200 + 1] = "";
    for (int i = 0; i < 200; i++)
        strcat(text, "中");
    govner_error err;
    assert_int_equal(govner_match(m, text, strlen(text), &err), GOVNER_ERR_LIMIT);
    assert_non_null(strstr(err.message, "limit"));
    /* The matcher is still usable afterwards. */
    match_ok(m, "中x");
    assert_non_null(find_entity(m, "place", "中x"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_length_decided_by_context),
        cmocka_unit_test(test_repeated_capture_emits_each_span),
        cmocka_unit_test(test_lazy_and_greedy),
        cmocka_unit_test(test_left_context_and_negation),
        cmocka_unit_test(test_alternatives_and_optional),
        cmocka_unit_test(test_regex_piece_and_lookahead),
        cmocka_unit_test(test_entities_of_earlier_phase),
        cmocka_unit_test(test_required_suffix_after_long_entity),
        cmocka_unit_test(test_required_in_lookahead_and_alternative),
        cmocka_unit_test(test_required_in_repeat),
        cmocka_unit_test(test_requirements_change_nothing),
        cmocka_unit_test(test_requirement_prefers_rarer_lexicons),
        cmocka_unit_test(test_profile_counts),
        cmocka_unit_test(test_rule_skipped_without_its_parts),
        cmocka_unit_test(test_rule_tried_where_its_parts_are),
        cmocka_unit_test(test_repeat_needs_its_minimum),
        cmocka_unit_test(test_contexts_from_bits),
        cmocka_unit_test(test_left_context_decided_by_filter),
        cmocka_unit_test(test_alternative_kids_where_they_start),
        cmocka_unit_test(test_rule_after_its_leading_entity),
        cmocka_unit_test(test_invalid_utf8_fails_whole_document),
        cmocka_unit_test(test_native_classes_equal_pcre),
        cmocka_unit_test(test_many_anchors_and_classes),
        cmocka_unit_test(test_anchor_bits_past_64),
        cmocka_unit_test(test_where_rules_start),
        cmocka_unit_test(test_lookaround_sequences_keep_anchor),
        cmocka_unit_test(test_rules_across_plane_words),
        cmocka_unit_test(test_entries_of_one_and_several_lexicons),
        cmocka_unit_test(test_sequence_contexts),
        cmocka_unit_test(test_entity_and_alternative_contexts),
        cmocka_unit_test(test_literal_alternatives),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_empty_repeat_terminates),
        cmocka_unit_test(test_pathological_rule_hits_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
