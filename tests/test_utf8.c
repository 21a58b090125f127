/* test_utf8.c - decoding, validation and repair of UTF-8. */
#include "helpers.h"
#include "utf8.h"

static void test_decode(void **state) {
    (void)state;
    uint32_t cp;
    assert_int_equal(utf8_decode((const unsigned char *)"A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(utf8_decode((const unsigned char *)"中", 3, &cp), 3);
    assert_int_equal(cp, 0x4E2D);
    assert_int_equal(utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    /* Overlong, surrogate, truncated, stray continuation, beyond U+10FFFF. */
    assert_int_equal(utf8_decode((const unsigned char *)"\xC0\xAF", 2, &cp), 0);
    assert_int_equal(utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp), 0);
    assert_int_equal(utf8_decode((const unsigned char *)"\xE4\xB8", 2, &cp), 0);
    assert_int_equal(utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
    assert_int_equal(utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp), 0);
}

static void test_encode_roundtrip(void **state) {
    (void)state;
    uint32_t cps[] = {0x41, 0x7FF, 0x4E2D, 0xFFFD, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        char buf[4];
        int n = utf8_encode(cps[i], buf);
        uint32_t back;
        assert_int_equal(utf8_decode((const unsigned char *)buf, (size_t)n, &back), n);
        assert_int_equal(back, cps[i]);
    }
}

static void test_check_and_repair(void **state) {
    (void)state;
    const char good[] = "湖南省长沙";
    assert_int_equal(govner_utf8_check(good, strlen(good)), strlen(good));
    const char bad[] = "湖南\xFF省\xE4\xB8";
    assert_int_equal(govner_utf8_check(bad, strlen(bad)), 6);
    size_t len, n_bad;
    char *fixed = govner_utf8_repair(bad, strlen(bad), &len, &n_bad);
    assert_non_null(fixed);
    assert_int_equal(n_bad, 2);
    assert_string_equal(fixed, "湖南\xEF\xBF\xBD省\xEF\xBF\xBD");
    assert_int_equal(govner_utf8_check(fixed, len), len);
    free(fixed);
}

static void test_length_and_width(void **state) {
    (void)state;
    assert_int_equal(utf8_length("a中b", strlen("a中b")), 3);
    assert_int_equal(utf8_display_width("a中b", 3), 4);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_encode_roundtrip),
        cmocka_unit_test(test_check_and_repair),
        cmocka_unit_test(test_length_and_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
