/* input.c - reading documents: whole files, encodings (UTF-8, GB18030/GBK) and repair of bad bytes. */
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

/* Valid UTF-8 is taken as UTF-8. Otherwise, text that decodes entirely as GB18030 (a superset of
 * GBK and GB2312, so every older Chinese archive) is converted. Anything else is UTF-8 with bad
 * bytes replaced by U+FFFD. */
int decode_text(char *raw, size_t len, const char *forced, decoded *d) {
    memset(d, 0, sizeof *d);
    size_t skip = 0;
    if (len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0 && (!forced || strcmp(forced, "utf-8") == 0))
        skip = 3;
    if (!forced || strcasecmp(forced, "utf-8") == 0 || strcasecmp(forced, "utf8") == 0) {
        size_t bad = govner_utf8_check(raw + skip, len - skip);
        const char *nul = memchr(raw + skip, '\0', len - skip);
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
        /* NUL bytes are text the writers cannot carry: replaced like invalid bytes. */
        for (size_t i = 0; i < d->len; i++)
            if (rep[i] == '\0') {
                char *grown = realloc(rep, d->len + 3);
                if (!grown) {
                    free(rep);
                    return ENOMEM;
                }
                rep = grown;
                memmove(rep + i + 3, rep + i + 1, d->len - i);
                memcpy(rep + i, "\xEF\xBF\xBD", 3);
                d->len += 2;
                d->n_bad++;
                i += 2;
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

void decoded_free(decoded *d) {
    if (d->owned)
        free(d->text);
    d->text = NULL;
}
