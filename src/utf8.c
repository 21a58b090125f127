/* utf8.c - strict UTF-8 decoding (RFC 3629) and the repair used for bad input. */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#include "govner.h"

int utf8_decode_slow(const unsigned char *s, size_t len, uint32_t *cp) {
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < (size_t)n)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

int utf8_encode(uint32_t cp, char *out) {
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_length(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int is_wide(uint32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t utf8_display_width(const char *s, size_t cps) {
    size_t w = 0, i = 0, len = strlen(s);
    for (size_t k = 0; k < cps && i < len; k++) {
        uint32_t cp;
        int n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) {
            n = 1;
            cp = '?';
        }
        w += is_wide(cp) ? 2 : 1;
        i += (size_t)n;
    }
    return w;
}

size_t govner_utf8_check(const char *text, size_t len) {
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Three bytes whose lead allows any continuation (all of CJK but U+0800-0FFF, U+D000-DFFF) */
        if (((c >= 0xE1 && c <= 0xEC) || c >= 0xEE) && c <= 0xEF) {
            if (len - i < 3 || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
                return i;
            i += 3;
            continue;
        }
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return i;
        i += (size_t)n;
    }
    return len;
}

char *govner_utf8_repair(const char *text, size_t len, size_t *out_len, size_t *n_bad) {
    /* Each bad byte becomes at most 3 bytes (U+FFFD). */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, o = 0, bad = 0;
    while (i < len) {
        uint32_t cp;
        int n = s[i] < 0x80 ? 1 : utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            /* Maximal subpart practice: one replacement per invalid lead byte and its valid trail. */
            size_t j = i + 1;
            while (j < len && j < i + 4 && (s[j] & 0xC0) == 0x80 && s[i] >= 0xC0)
                j++;
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            bad++;
            i = j;
        } else {
            memcpy(out + o, s + i, (size_t)n);
            o += (size_t)n;
            i += (size_t)n;
        }
    }
    out[o] = '\0';
    *out_len = o;
    if (n_bad)
        *n_bad = bad;
    return out;
}
