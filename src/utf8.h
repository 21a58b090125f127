/* utf8.h - decoding and validation of UTF-8 text. */
#ifndef GOVNER_UTF8_H
#define GOVNER_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s[0..len). Returns its byte length (1-4) and stores it in *cp, or
 * returns 0 for an invalid or truncated sequence (overlongs, surrogates, > U+10FFFF rejected). */
int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Encode `cp` into out (room for 4 bytes). Returns the byte length. */
int utf8_encode(uint32_t cp, char *out);

/* Code points in valid UTF-8 text. */
size_t utf8_length(const char *s, size_t len);

/* Display width in a terminal of the first `cps` code points of s (CJK counts 2), for carets. */
size_t utf8_display_width(const char *s, size_t cps);

#endif
