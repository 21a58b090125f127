/* utf8.h - decoding and validation of UTF-8 text. */
#ifndef GOVNER_UTF8_H
#define GOVNER_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s[0..len). Returns its byte length (1-4) and stores it in *cp, or
 * returns 0 for an invalid or truncated sequence (overlongs, surrogates, > U+10FFFF rejected).
 * ASCII and three-byte sequences (all of Chinese text) are decoded inline. */
int utf8_decode_slow(const unsigned char *s, size_t len, uint32_t *cp);
static inline int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp) {
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xF0) == 0xE0 && len >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        uint32_t v = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
            *cp = v;
            return 3;
        }
        return 0;
    }
    return utf8_decode_slow(s, len, cp);
}

/* Encode `cp` into out (room for 4 bytes). Returns the byte length. */
int utf8_encode(uint32_t cp, char *out);

/* Code points in valid UTF-8 text. */
size_t utf8_length(const char *s, size_t len);

/* Display width in a terminal of the first `cps` code points of s (CJK counts 2), for carets. */
size_t utf8_display_width(const char *s, size_t cps);

#endif
