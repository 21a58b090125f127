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

/* The inline fast path (ASCII, three-byte sequences) answers exactly as the full decoder, for every
 * lead byte and every pair of following bytes, and for truncated input. */
static void test_fast_path_matches_full_decoder(void **state) {
    (void)state;
    for (unsigned lead = 0; lead < 256; lead++)
        for (unsigned b1 = 0; b1 < 256; b1++)
            for (unsigned b2 = 0; b2 < 256; b2++) {
                const unsigned char s[4] = {(unsigned char)lead, (unsigned char)b1, (unsigned char)b2, 0x80};
                for (size_t len = 1; len <= 4; len++) {
                    uint32_t a = 0, b = 0;
                    int na = utf8_decode(s, len, &a), nb = utf8_decode_slow(s, len, &b);
                    if (na != nb || (na && a != b))
                        fail_msg("%02x %02x %02x (len %zu): %d/%x against %d/%x", lead, b1, b2, len, na, a, nb, b);
                }
            }
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
        cmocka_unit_test(test_fast_path_matches_full_decoder),
        cmocka_unit_test(test_encode_roundtrip),
        cmocka_unit_test(test_check_and_repair),
        cmocka_unit_test(test_length_and_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
