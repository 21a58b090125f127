/* test_docpass.c - document passes: reject, propagate, merge, jurisdiction, disambiguate, refer. */
#include "helpers.h"

static const char *rules =
    "layer names person place organization\n"
    "layer titles title\n"
    "lexicon surname\n  许\n  毛\n"
    "lexicon role\n  书记\n  省长\n"
    "lexicon stop\n  许多\n"
    "lexicon place\n  湖南\tlevel=province code=430000 full=湖南省 short=湖南\n"
    "  长沙\tlevel=city code=430100 province=430000\n"
    "  湖北\tlevel=province code=420000 full=湖北省 short=湖北\n"
    "lexicon org\n  省委\tresolved=中共{province_short}省委\n"
    "class han /\\p{Han}/\n"
    "phase lexical\n"
    "rule place\n  match p=@place\n  emit place p\n"
    "rule org\n  match o=@org\n  emit organization o\n"
    "rule title\n  priority 30\n  match t=@role\n  emit title t\n"
    "phase persons\n"
    "rule person\n  match t=<title> n=(@surname %han{1,2}) &\"出席\"\n  emit person n titles=[t]\n"
    "rule bare\n  match n=(@surname %han)\n  emit person n\n"
    "reject person @stop\n"
    "phase document\n"
    "propagate person priority 1\n"
    "merge person titles\n"
    "jurisdiction @place\n";

/* The attribute named key of e (a list attribute whole), or NULL. */
static const govner_attr *attr_named(const govner_entity *e, const char *key) {
    for (size_t a = 0; a < e->n_attrs; a++)
        if (strcmp(e->attrs[a].key, key) == 0)
            return &e->attrs[a];
    return NULL;
}

static void test_propagate_and_merge(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(rules);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "书记许达哲出席。省长许达哲出席。会前，许达哲看望了大家。许多人");
    size_t persons = 0;
    for (size_t i = 0; i < govner_entity_count(m); i++) {
        const govner_entity *e = govner_entity_at(m, i);
        if (strcmp(e->type, "person") != 0)
            continue;
        persons++;
        assert_string_equal(e->text, "许达哲");
        const govner_attr *titles = attr_named(e, "titles");
        assert_non_null(titles);
        assert_int_equal(titles->n_values, 2);
        assert_string_equal(titles->values[0], "书记");
        assert_string_equal(titles->values[1], "省长");
    }
    assert_int_equal(persons, 3);
    assert_null(find_entity(m, "person", "许多")); /* rejected */
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* Thousands of distinct names in one document: every later mention is found and carries the
 * titles of the first (the passes group mentions by text with a hash table). */
static void test_propagate_many_names(void **state) {
    (void)state;
    static const char *chars[] = {"明", "华", "建", "国", "平", "志", "军", "伟", "强", "文", "杰", "刚", "勇",
                                  "敏", "静", "丽", "艳", "芳", "燕", "玲", "秀", "英", "慧", "巧", "美", "娜",
                                  "惠", "珠", "翠", "雅", "芝", "玉", "萍", "红", "霞", "春", "秋", "冬", "兰",
                                  "梅", "竹", "松", "林", "森", "涛", "波", "海", "山", "峰", "川"};
    enum { N_CHARS = sizeof chars / sizeof *chars, N = N_CHARS * N_CHARS };
    size_t cap = (size_t)N * 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < N; i++)
            len += (size_t)snprintf(text + len, cap - len, pass ? "会前，许%s%s看望。" : "书记许%s%s出席。",
                                    chars[i / N_CHARS], chars[i % N_CHARS]);
    govner_ruleset *rs = must_load(rules);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, text);
    size_t persons = 0, later = 0;
    for (size_t i = 0; i < govner_entity_count(m); i++) {
        const govner_entity *e = govner_entity_at(m, i);
        if (strcmp(e->type, "person") != 0)
            continue;
        persons++;
        assert_int_equal(e->end - e->start, 3);
        if (e->start >= (size_t)N * 8) /* past the first part: 书记许明华出席。 is 8 code points */
            later += strcmp(e->rule, "propagate") == 0;
        const char *title = govner_entity_attr(e, "titles");
        assert_non_null(title);
        assert_string_equal(title, "书记");
    }
    assert_int_equal(persons, 2 * N);
    assert_int_equal(later, N);
    free(text);
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* reject TYPE "file": a word list kept outside the automaton; a literal spelled like the file's
 * name is a different thing. */
static void test_reject_word_list(void **state) {
    (void)state;
    govner_error err;
    govner_ruleset *rs = rules_from("layer names person\n"
                                    "lexicon surname\n  许\n"
                                    "class han /\\p{sc=Han}/\n"
                                    "phase persons\n"
                                    "rule bare\n  match n=(@surname %han | \"stop.txt\")\n  emit person n\n"
                                    "reject person \"stop.txt\"\n",
                                    &err, "stop.txt", "# not names\n许多\n", NULL);
    assert_non_null(rs);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "许多，许达，stop.txt");
    assert_null(find_entity(m, "person", "许多")); /* in the list */
    assert_non_null(find_entity(m, "person", "许达"));
    assert_non_null(find_entity(m, "person", "stop.txt")); /* the literal, not the list */
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A rule marked no-reject keeps its candidates whatever the reject lists say; others lose them. */
static void test_no_reject(void **state) {
    (void)state;
    govner_error err;
    govner_ruleset *rs = rules_from("layer names person\n"
                                    "lexicon surname\n  马\n"
                                    "class han /\\p{sc=Han}/\n"
                                    "phase persons\n"
                                    "rule byline\n  no-reject\n  match \"（记者\" n=(@surname %han) &\"）\"\n  emit person n\n"
                                    "rule bare\n  match n=(@surname %han) &\"大\"\n  emit person n\n"
                                    "reject person \"stop.txt\"\n",
                                    &err, "stop.txt", "马力\n", NULL);
    assert_non_null(rs);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "（记者马力）");
    assert_non_null(find_entity(m, "person", "马力"));
    match_ok(m, "马力大");
    assert_null(find_entity(m, "person", "马力"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
    /* The clause takes nothing after it. */
    assert_null(rules_from("layer names person\nphase p\nrule r\n  no-reject 5\n  match \"x\"\n  emit person\n", &err,
                           NULL));
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.message, "no-reject"));
}

static void test_jurisdiction(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(rules);
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "湖南长沙，省委要求，湖北");
    const govner_entity *o = find_entity(m, "organization", "省委");
    assert_non_null(o);
    assert_string_equal(govner_entity_attr(o, "resolved"), "中共湖南省委");
    match_ok(m, "省委要求");
    o = find_entity(m, "organization", "省委");
    assert_non_null(o);
    assert_null(govner_entity_attr(o, "resolved")); /* no province in the document: unresolved */
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* An attribute template: the captures it names are put in at the match, the province by the
 * jurisdiction pass; a capture that took no part leaves the attribute out. */
static void test_template(void **state) {
    (void)state;
    govner_ruleset *rs = must_load("layer names place organization\n"
                                   "lexicon place\n  湖南\tlevel=province code=430000 full=湖南省 short=湖南\n"
                                   "lexicon body\n  林业局\n  教育厅\n"
                                   "phase lexical\n"
                                   "rule place\n  match p=@place\n  emit place p\n"
                                   "rule org\n  match o=(\"省\" b=@body | \"市\" @body)\n"
                                   "  emit organization o resolved=\"{province}{b}\" of=\"{b}, {o}\"\n"
                                   "phase document\n"
                                   "jurisdiction @place\n");
    govner_matcher *m = govner_matcher_new(rs);
    match_ok(m, "湖南：省林业局、市教育厅");
    const govner_entity *o = find_entity(m, "organization", "省林业局");
    assert_non_null(o);
    assert_string_equal(govner_entity_attr(o, "resolved"), "湖南省林业局");
    assert_string_equal(govner_entity_attr(o, "of"), "林业局, 省林业局");
    o = find_entity(m, "organization", "市教育厅");
    assert_non_null(o);
    assert_null(govner_entity_attr(o, "resolved")); /* b is not in this match */
    assert_null(govner_entity_attr(o, "of"));
    match_ok(m, "省林业局");
    o = find_entity(m, "organization", "省林业局");
    assert_non_null(o);
    assert_null(govner_entity_attr(o, "resolved")); /* no province in the document */
    assert_string_equal(govner_entity_attr(o, "of"), "林业局, 省林业局");
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* {city}, {county}, {district}: the division of that kind the document names more often than all
 * others of its kind together, in the document's province; one count per mention. */
static void test_local_jurisdiction(void **state) {
    (void)state;
    govner_ruleset *rs = must_load("layer names place organization\n"
                                   "lexicon place\n"
                                   "  湖南\tlevel=province code=430000 full=湖南省\n"
                                   "  北京\tlevel=province code=110000 full=北京市\n"
                                   "  株洲\tlevel=city code=430200 province=430000 full=株洲市\n"
                                   "  株洲市\tlevel=city code=430200 province=430000 full=株洲市\n"
                                   "  长沙市\tlevel=city code=430100 province=430000 full=长沙市\n"
                                   "  攸县\tlevel=county code=430223 province=430000 full=攸县\n"
                                   "  深圳市\tlevel=city code=440300 province=440000 full=深圳市\n"
                                   "  广西\tlevel=province code=450000 full=广西壮族自治区\n"
                                   "lexicon org\n"
                                   "  市委\tresolved=中共{city}委员会\n"
                                   "  县政府\tresolved={county}人民政府\n"
                                   "  区委\tresolved=中共{district}委员会\n"
                                   "phase lexical\n"
                                   "rule place\n  match p=@place\n  emit place p\n"
                                   "rule org\n  match o=@org\n  emit organization o\n"
                                   "phase document\n"
                                   "jurisdiction @place\n");
    govner_matcher *m = govner_matcher_new(rs);
    /* 株洲市 twice (株洲市 and 株洲 at one place count once), 长沙市 once. */
    match_ok(m, "株洲市，株洲，长沙市：市委、县政府，攸县");
    assert_string_equal(govner_entity_attr(find_entity(m, "organization", "市委"), "resolved"), "中共株洲市委员会");
    assert_string_equal(govner_entity_attr(find_entity(m, "organization", "县政府"), "resolved"), "攸县人民政府");
    /* Two cities as often: no city. */
    match_ok(m, "株洲市，长沙市：市委");
    assert_null(govner_entity_attr(find_entity(m, "organization", "市委"), "resolved"));
    match_ok(m, "株洲市，株洲市，长沙市，长沙市，深圳市：市委");
    assert_null(govner_entity_attr(find_entity(m, "organization", "市委"), "resolved"));
    /* A city outside the document's province is not its city. */
    match_ok(m, "湖南，湖南，深圳市：市委");
    assert_null(govner_entity_attr(find_entity(m, "organization", "市委"), "resolved"));
    /* A municipality is a 市; an autonomous region is no 区. */
    match_ok(m, "北京：市委");
    assert_string_equal(govner_entity_attr(find_entity(m, "organization", "市委"), "resolved"), "中共北京市委员会");
    match_ok(m, "广西：区委");
    assert_null(govner_entity_attr(find_entity(m, "organization", "区委"), "resolved"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
}

/* A name several divisions share takes the candidate the document's other codes point to most
 * closely (county, then prefecture, then province), alone at that closeness; otherwise it stays
 * ambiguous with its candidates' codes as a list. */
static void test_disambiguate(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(
        "layer names place\n"
        "lexicon place\n"
        "  湖南\tlevel=province code=430000\n"
        "  广东\tlevel=province code=440000\n"
        "  浏阳市\tlevel=county code=430181 province=430000\n"
        "  古港镇\tlevel=township code=430181108 province=430000\n"
        "  醴陵市\tlevel=county code=430281 province=430000\n"
        "  湘\tlevel=province code=430000\n"
        "  沙市镇\tlevel=township ambiguous=yes candidates=360830105,430181126,430211199\n"
        "  龙山\tlevel=county ambiguous=yes candidates=220402:龙山区,433130:龙山县\n"
        "phase lexical\n"
        "rule place\n  match p=@place\n  emit place p\n"
        "phase document\n"
        "disambiguate place\n");
    govner_matcher *m = govner_matcher_new(rs);
    /* The same county as 古港镇, though 醴陵市 names the prefecture of another candidate. */
    match_ok(m, "醴陵市、古港镇、沙市镇");
    const govner_entity *e = find_entity(m, "place", "沙市镇");
    assert_non_null(e);
    assert_string_equal(govner_entity_attr(e, "code"), "430181126");
    assert_string_equal(govner_entity_attr(e, "province"), "430000");
    assert_string_equal(govner_entity_attr(e, "full"), "沙市镇");
    assert_string_equal(govner_entity_attr(e, "level"), "township");
    assert_null(attr_named(e, "candidates"));
    assert_null(attr_named(e, "ambiguous"));
    /* Two candidates in the named province, none closer: a tie. */
    match_ok(m, "湖南沙市镇");
    e = find_entity(m, "place", "沙市镇");
    assert_null(govner_entity_attr(e, "code"));
    const govner_attr *c = attr_named(e, "candidates");
    assert_non_null(c);
    assert_true(c->is_list);
    assert_int_equal(c->n_values, 3);
    assert_string_equal(c->values[1], "430181126");
    assert_string_equal(govner_entity_attr(e, "ambiguous"), "yes");
    /* The province alone decides between candidates of different provinces; the full name comes
     * from the candidate. A one-character abbreviation is no evidence. */
    match_ok(m, "湖南龙山");
    e = find_entity(m, "place", "龙山");
    assert_string_equal(govner_entity_attr(e, "code"), "433130");
    assert_string_equal(govner_entity_attr(e, "full"), "龙山县");
    match_ok(m, "湘龙山");
    e = find_entity(m, "place", "龙山");
    assert_null(govner_entity_attr(e, "code"));
    assert_int_equal(attr_named(e, "candidates")->n_values, 2);
    /* Evidence for another province only: nothing to choose. */
    match_ok(m, "广东龙山");
    assert_null(govner_entity_attr(find_entity(m, "place", "龙山"), "code"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
    /* The pass names the type it acts on. */
    govner_error err;
    assert_null(rules_from("layer names place\nphase document\ndisambiguate\n", &err, NULL));
    assert_int_equal(err.line, 3);
    assert_null(rules_from("layer names place\nphase document\ndisambiguate place extra\n", &err, NULL));
    assert_int_equal(err.line, 3);
}

/* refer: a surname reference takes the one person whose name begins with the surname. */
static void test_refer(void **state) {
    (void)state;
    govner_ruleset *rs = must_load(
        "layer names person reference\n"
        "lexicon surname\n  王\n  欧阳\n  许\n"
        "lexicon address\n  先生\n  书记\n"
        "class han /\\p{Han}/\n"
        "phase persons\n"
        "rule address\n  priority 5\n  match n=@surname @address\n  emit reference kind=\"person\" surname=n\n"
        "rule person\n  match n=(@surname %han{2}) &\"出席\"\n  emit person n\n"
        "phase document\n"
        "refer reference person\n");
    govner_matcher *m = govner_matcher_new(rs);
    /* Before or after the name; a compound surname. */
    match_ok(m, "许书记说。许达哲出席，欧阳先生与欧阳明哲出席");
    const govner_entity *e = find_entity(m, "reference", "许书记");
    assert_non_null(e);
    assert_string_equal(govner_entity_attr(e, "resolved"), "许达哲");
    assert_string_equal(govner_entity_attr(e, "surname"), "许");
    e = find_entity(m, "reference", "欧阳先生");
    assert_string_equal(govner_entity_attr(e, "resolved"), "欧阳明哲");
    /* Two people of the surname: unresolved; the same person twice is one. */
    match_ok(m, "王大明出席，王小明出席，王先生说");
    assert_null(govner_entity_attr(find_entity(m, "reference", "王先生"), "resolved"));
    match_ok(m, "王大明出席，王大明出席，王先生说");
    assert_string_equal(govner_entity_attr(find_entity(m, "reference", "王先生"), "resolved"), "王大明");
    /* No one of the surname, or only someone else's: unresolved. */
    match_ok(m, "许达哲出席，王先生说");
    assert_null(govner_entity_attr(find_entity(m, "reference", "王先生"), "resolved"));
    assert_null(govner_entity_attr(find_entity(m, "person", "许达哲"), "resolved"));
    govner_matcher_free(m);
    govner_ruleset_free(rs);
    /* The target must be a declared type. */
    govner_error err;
    assert_null(rules_from("layer names reference\nphase document\nrefer reference person\n", &err, NULL));
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 17);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_propagate_and_merge),
        cmocka_unit_test(test_propagate_many_names),
        cmocka_unit_test(test_reject_word_list),
        cmocka_unit_test(test_no_reject),
        cmocka_unit_test(test_jurisdiction),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_local_jurisdiction),
        cmocka_unit_test(test_disambiguate),
        cmocka_unit_test(test_refer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
