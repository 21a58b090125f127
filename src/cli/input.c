/* input.c - reading documents: whole files, encodings (UTF-8, GB18030/GBK, UTF-16 and UTF-32 with a
 * byte order mark) and repair of bad bytes. */
#include "input.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "govner.h"

int read_all(FILE *f, char **out, size_t *out_len) {
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return ENOMEM;
    for (;;) {
        if (cap - len < 4096) {
            if (cap > SIZE_MAX / 2) {
                free(buf);
                return EFBIG;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno ? errno : EIO;
        free(buf);
        return e;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

/* Convert with iconv; NULL when the text is not valid in `from`. */
static char *convert(const char *from, const char *text, size_t len, size_t *out_len) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len * 2 + 16;
    char *out = malloc(cap);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *in = (char *)text, *o = out;
    size_t inleft = len, outleft = cap - 1;
    while (inleft > 0) {
        size_t r = iconv(cd, &in, &inleft, &o, &outleft);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(o - out);
            cap *= 2;
            char *nb = realloc(out, cap);
            if (!nb)
                break;
            out = nb;
            o = out + used;
            outleft = cap - used - 1;
            continue;
        }
        /* EILSEQ / EINVAL: not this encoding. */
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    if (inleft > 0) {
        free(out);
        return NULL;
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

/* The byte order mark that begins `raw`, if it is UTF-16's or UTF-32's: its length, and the iconv
 * name (byte order explicit) and the name we report. 0 when there is none. UTF-32LE's mark begins
 * like UTF-16LE's, so it is tried first. */
static size_t unicode_bom(const char *raw, size_t len, const char **iconv_name, const char **label) {
    static const struct {
        const char *mark;
        size_t len;
        const char *iconv_name, *label;
    } boms[] = {
        {"\xFF\xFE\x00\x00", 4, "UTF-32LE", "utf-32le"},
        {"\x00\x00\xFE\xFF", 4, "UTF-32BE", "utf-32be"},
        {"\xFF\xFE", 2, "UTF-16LE", "utf-16le"},
        {"\xFE\xFF", 2, "UTF-16BE", "utf-16be"},
    };
    for (size_t i = 0; i < sizeof boms / sizeof *boms; i++)
        if (len >= boms[i].len && memcmp(raw, boms[i].mark, boms[i].len) == 0) {
            *iconv_name = boms[i].iconv_name;
            *label = boms[i].label;
            return boms[i].len;
        }
    return 0;
}

bool has_unicode_bom(const char *raw, size_t len) {
    const char *iconv_name, *label;
    return unicode_bom(raw, len, &iconv_name, &label) > 0;
}

const char *stream_unicode_bom(FILE *f, const char **iconv_name) {
    int c1 = getc(f);
    if (c1 != 0xFF && c1 != 0xFE && c1 != 0x00) {
        if (c1 != EOF)
            ungetc(c1, f);
        return NULL;
    }
    char head[4] = {(char)c1};
    size_t n = 1;
    int c;
    while (n < 4 && (c = getc(f)) != EOF)
        head[n++] = (char)c;
    const char *label;
    size_t bom = unicode_bom(head, n, iconv_name, &label);
    /* What was read past the mark goes back (glibc takes back several characters). */
    for (size_t i = n; i > bom; i--)
        if (ungetc((unsigned char)head[i - 1], f) == EOF)
            return NULL;
    return bom ? label : NULL;
}

int read_converted(FILE *f, const char *iconv_name, char **out, size_t *out_len) {
    char *raw;
    size_t len;
    int e = read_all(f, &raw, &len);
    if (e)
        return e;
    *out = convert(iconv_name, raw, len, out_len);
    free(raw);
    return *out ? 0 : EILSEQ;
}

/* NUL characters are text the writers cannot carry: each becomes U+FFFD, counted in *n_bad, in
 * the malloc'd NUL-terminated *text of *len bytes. False when out of memory (*text unchanged). */
static bool replace_nuls(char **text, size_t *len, size_t *n_bad) {
    char *t = *text;
    for (size_t i = 0; i < *len; i++)
        if (t[i] == '\0') {
            char *grown = realloc(t, *len + 3);
            if (!grown) {
                *text = t;
                return false;
            }
            t = grown;
            memmove(t + i + 3, t + i + 1, *len - i);
            memcpy(t + i, "\xEF\xBF\xBD", 3);
            *len += 2;
            (*n_bad)++;
            i += 2;
        }
    *text = t;
    return true;
}

/* Control characters other than tab, line and page breaks: text has none, but bytes of another
 * encoding read as GB18030 (UTF-16 without its byte order mark: 省 is 01 77) give them. */
static bool has_stray_controls(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7F)
            return true;
    }
    return false;
}

/* Text longer than this is checked before it is matched even by decode_text_unchecked: the matcher
 * may take it in several segments, and a bad byte in a late one would cost a match of all those
 * before it, thrown away (the check is cheap beside a match; on shorter text the matcher meets a bad
 * byte while it decodes, before any rule has run). */
#define UNCHECKED_MAX (64u * 1024)

/* Valid UTF-8 is taken as UTF-8. Otherwise, text that begins with UTF-16's or UTF-32's byte order
 * mark (what Windows tools save as "Unicode") is converted from it, and text that decodes entirely
 * as GB18030 (a superset of GBK and GB2312, so every older Chinese archive) is converted. Anything
 * else is UTF-8 with bad bytes replaced by U+FFFD. */
/* decode_text, and with check_utf8 false decode_text_unchecked. */
static int decode(char *raw, size_t len, const char *forced, decoded *d, bool check_utf8) {
    memset(d, 0, sizeof *d);
    const char *bom_iconv, *bom_label;
    size_t bom = forced ? 0 : unicode_bom(raw, len, &bom_iconv, &bom_label);
    if (bom) {
        size_t n;
        char *conv = convert(bom_iconv, raw + bom, len - bom, &n);
        if (conv) {
            if (!replace_nuls(&conv, &n, &d->n_bad)) {
                free(conv);
                return ENOMEM;
            }
            if (d->n_bad)
                d->first_bad = bom; /* where in the raw bytes is not known after conversion */
            d->text = conv;
            d->len = n;
            d->owned = true;
            d->encoding = bom_label;
            return 0;
        }
    }
    size_t skip = 0;
    if (len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0 && (!forced || strcmp(forced, "utf-8") == 0))
        skip = 3;
    if (!forced || strcasecmp(forced, "utf-8") == 0 || strcasecmp(forced, "utf8") == 0) {
        const char *nul = memchr(raw + skip, '\0', len - skip);
        if (!check_utf8 && !nul && len - skip <= UNCHECKED_MAX) { /* taken as it stands: the matcher checks it */
            d->text = raw;
            d->offset = skip;
            d->len = len - skip;
            d->encoding = "utf-8";
            d->unchecked = true;
            return 0;
        }
        size_t bad = govner_utf8_check(raw + skip, len - skip);
        if (nul && (size_t)(nul - raw - skip) < bad)
            bad = (size_t)(nul - raw - skip);
        if (bad == len - skip) {
            d->text = raw;
            d->offset = skip;
            d->len = len - skip;
            d->encoding = "utf-8";
            return 0;
        }
        if (!forced && !nul) {
            size_t n;
            char *conv = convert("GB18030", raw, len, &n);
            if (conv && has_stray_controls(conv, n)) {
                free(conv); /* bytes of another encoding that GB18030 happens to accept */
                conv = NULL;
            }
            if (conv) {
                d->text = conv;
                d->len = n;
                d->owned = true;
                d->encoding = "gb18030";
                return 0;
            }
        }
        d->first_bad = bad + skip;
        char *rep = govner_utf8_repair(raw + skip, len - skip, &d->len, &d->n_bad);
        if (!rep)
            return ENOMEM;
        if (!replace_nuls(&rep, &d->len, &d->n_bad)) {
            free(rep);
            return ENOMEM;
        }
        d->text = rep;
        d->owned = true;
        d->encoding = "utf-8";
        return 0;
    }
    size_t n;
    char *conv = convert(forced, raw, len, &n);
    if (!conv) {
        iconv_t cd = iconv_open("UTF-8", forced);
        if (cd == (iconv_t)-1)
            return EINVAL;
        iconv_close(cd);
        return EILSEQ;
    }
    d->text = conv;
    d->len = n;
    d->owned = true;
    d->encoding = forced;
    return 0;
}

int decode_text(char *raw, size_t len, const char *forced, decoded *d) { return decode(raw, len, forced, d, true); }

int decode_text_unchecked(char *raw, size_t len, const char *forced, decoded *d) {
    return decode(raw, len, forced, d, false);
}

void decoded_free(decoded *d) {
    if (d->owned)
        free(d->text);
    d->text = NULL;
}
