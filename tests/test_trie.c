/* test_trie.c - the lexicon automaton. */
#include "helpers.h"
#include "trie.h"

static void test_insert_and_find(void **state) {
    (void)state;
    trie t;
    assert_true(trie_init(&t));
    uint32_t a = trie_insert(&t, "湖南", strlen("湖南"), NULL);
    uint32_t b = trie_insert(&t, "湖南省", strlen("湖南省"), NULL);
    uint32_t c = trie_insert(&t, "湖北", strlen("湖北"), NULL);
    assert_int_not_equal(a, TRIE_NONE);
    assert_int_not_equal(a, b);
    assert_int_not_equal(a, c);
    assert_int_equal(trie_insert(&t, "湖南", strlen("湖南"), NULL), a); /* same path, same node */
    assert_int_equal(trie_find(&t, "湖南省", strlen("湖南省")), b);
    assert_int_equal(trie_find(&t, "湖", strlen("湖")), trie_step(&t, TRIE_ROOT, 0x6E56));
    assert_int_equal(trie_find(&t, "湖东", strlen("湖东")), TRIE_NONE);
    /* Astral code points take the hashed path even at the root. */
    uint32_t n_cps = 0;
    uint32_t d = trie_insert(&t, "\xF0\xA0\x80\x80", 4, &n_cps);
    assert_int_equal(n_cps, 1);
    assert_int_not_equal(trie_insert(&t, "湖南省长沙", strlen("湖南省长沙"), &n_cps), TRIE_NONE);
    assert_int_equal(n_cps, 5);
    assert_int_equal(trie_find(&t, "\xF0\xA0\x80\x80", 4), d);
    assert_int_equal(trie_insert(&t, "\xFF", 1, NULL), TRIE_NONE); /* invalid UTF-8 */
    trie_free(&t);
}

static void test_many_entries_grow(void **state) {
    (void)state;
    trie t;
    assert_true(trie_init(&t));
    char buf[32];
    uint32_t nodes[5000];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "词%d号", i);
        nodes[i] = trie_insert(&t, buf, (size_t)n, NULL);
        assert_int_not_equal(nodes[i], TRIE_NONE);
    }
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "词%d号", i);
        assert_int_equal(trie_find(&t, buf, (size_t)n), nodes[i]);
    }
    trie_free(&t);
}

/* Room reserved ahead keeps the table from regrowing while the entries go in, at most half full;
 * edges already in are found after the reserving rehash. */
static void test_reserve(void **state) {
    (void)state;
    trie t;
    assert_true(trie_init(&t));
    uint32_t first = trie_insert(&t, "湖南省", strlen("湖南省"), NULL);
    assert_true(trie_reserve(&t, 6000));
    size_t mask = t.mask;
    assert_true((t.used + 6000) * 2 <= mask + 1);
    assert_true(mask + 1 <= 4 * (t.used + 6000)); /* the smallest power of two that holds them */
    assert_int_equal(trie_find(&t, "湖南省", strlen("湖南省")), first);
    char buf[32];
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(buf, sizeof buf, "词%d", i);
        assert_int_not_equal(trie_insert(&t, buf, (size_t)n, NULL), TRIE_NONE);
    }
    assert_int_equal(t.mask, mask);
    assert_true(trie_reserve(&t, 0));
    assert_int_equal(t.mask, mask); /* nothing to do */
    uint32_t nodes[2000];
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(buf, sizeof buf, "词%d", i);
        assert_int_not_equal(nodes[i] = trie_find(&t, buf, (size_t)n), TRIE_NONE);
    }
    /* The reservation is given back: at most 3/4 full, and no emptier than needed. */
    assert_true(trie_fit(&t));
    assert_true(t.mask < mask);
    assert_true(t.used * 4 <= (t.mask + 1) * 3 && t.used * 8 > (t.mask + 1) * 3);
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(buf, sizeof buf, "词%d", i);
        assert_int_equal(trie_find(&t, buf, (size_t)n), nodes[i]);
    }
    assert_int_equal(trie_find(&t, "湖南省", strlen("湖南省")), first);
    assert_int_equal(trie_find(&t, "词2000", strlen("词2000")), TRIE_NONE);
    size_t fitted = t.mask;
    assert_true(trie_fit(&t));
    assert_int_equal(t.mask, fitted);
    trie_free(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_and_find),
        cmocka_unit_test(test_many_entries_grow),
        cmocka_unit_test(test_reserve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
