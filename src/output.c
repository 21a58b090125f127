/* output.c - the JSON and TSV writers. Output is streamed into one buffer, without building a tree:
 * a document's entities are written in the order govner_entity_at gives them. */
#include <stdio.h>
#include <string.h>

#include "matcher.h"

typedef VEC(char) buf;

static bool put(buf *b, const char *s, size_t n) {
    if (!VEC_RESERVE(b, n + 1))
        return false;
    memcpy(b->items + b->len, s, n);
    b->len += n;
    return true;
}

static bool puts_(buf *b, const char *s) { return put(b, s, strlen(s)); }

/* A string literal, its length known at compile time. */
#define PUT_LIT(b, lit) put(b, lit, sizeof lit - 1)

/* s as a JSON string, copied byte by byte (the strings are short: a name, a type, an attribute; a
 * copy call per run between escapes cost more than the copying) in chunks of JSON_CHUNK bytes, with
 * room for the worst case (every byte a \u escape) made before each. */
#define JSON_CHUNK 64
static bool put_json_string(buf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    if (!VEC_RESERVE(b, 2 + 6 * JSON_CHUNK))
        return false;
    char *o = b->items + b->len;
    *o++ = '"';
    for (;;) {
        for (int k = 0; k < JSON_CHUNK && *p; k++, p++) {
            unsigned char c = *p;
            if (c >= 0x20 && c != '"' && c != '\\') {
                *o++ = (char)c;
                continue;
            }
            *o++ = '\\';
            switch (c) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '\n': *o++ = 'n'; break;
            case '\r': *o++ = 'r'; break;
            case '\t': *o++ = 't'; break;
            default:
                *o++ = 'u', *o++ = '0', *o++ = '0', *o++ = hex[c >> 4], *o++ = hex[c & 15];
            }
        }
        if (!*p)
            break;
        b->len = (size_t)(o - b->items);
        if (!VEC_RESERVE(b, 1 + 6 * JSON_CHUNK))
            return false;
        o = b->items + b->len;
    }
    *o++ = '"';
    b->len = (size_t)(o - b->items);
    return true;
}

/* `key` is the member's text up to the value: ,"start": */
static inline bool put_num(buf *b, const char *key, size_t key_len, size_t v) {
    char digits[24];
    size_t n = sizeof digits;
    do
        digits[--n] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if (!VEC_RESERVE(b, key_len + sizeof digits))
        return false;
    char *o = b->items + b->len;
    memcpy(o, key, key_len);
    o += key_len;
    for (; n < sizeof digits; n++)
        *o++ = digits[n];
    b->len = (size_t)(o - b->items);
    return true;
}
#define PUT_NUM(b, lit, v) put_num(b, lit, sizeof lit - 1, v)

static bool put_entity_json(buf *b, const govner_entity *e) {
    bool ok = PUT_LIT(b, "{\"type\":") && put_json_string(b, e->type) && PUT_LIT(b, ",\"text\":") &&
              put_json_string(b, e->text) && PUT_NUM(b, ",\"start\":", e->start) &&
              PUT_NUM(b, ",\"end\":", e->end) && PUT_NUM(b, ",\"byte_start\":", e->byte_start) &&
              PUT_NUM(b, ",\"byte_end\":", e->byte_end) && PUT_LIT(b, ",\"rule\":") && put_json_string(b, e->rule);
    for (size_t a = 0; ok && a < e->n_attrs; a++) {
        const govner_attr *at = &e->attrs[a];
        ok = PUT_LIT(b, ",") && put_json_string(b, at->key) && PUT_LIT(b, ":");
        bool list = at->is_list || at->n_values != 1;
        if (ok && list)
            ok = PUT_LIT(b, "[");
        for (size_t v = 0; ok && v < at->n_values; v++)
            ok = (v == 0 || PUT_LIT(b, ",")) && put_json_string(b, at->values[v]);
        if (ok && list)
            ok = PUT_LIT(b, "]");
    }
    return ok && PUT_LIT(b, "}");
}

/* Write the JSON object into b; when `f` is not NULL, flush b to f whenever it grows past 64 KiB
 * so a huge document's output is never held whole in memory. */
static bool write_json(const govner_matcher *m, const char *prefix, buf *b, FILE *f) {
    /* Room for a typical record at once (an entity is 150-300 bytes), not by doubling from 16. */
    size_t guess = 64 + (prefix ? strlen(prefix) : 0) + 256 * (m->out.len < 256 ? m->out.len : 256);
    bool ok = VEC_RESERVE(b, guess) && puts_(b, "{") && (!prefix || puts_(b, prefix)) && puts_(b, "\"entities\":[");
    for (size_t i = 0; ok && i < m->out.len; i++) {
        ok = (i == 0 || puts_(b, ",")) && put_entity_json(b, &m->out.items[i]);
        if (ok && f && b->len > 65536) {
            ok = fwrite(b->items, 1, b->len, f) == b->len;
            b->len = 0;
        }
    }
    return ok && puts_(b, "]}");
}

char *govner_matcher_json(const govner_matcher *m, const char *prefix) {
    buf b = {0};
    if (!write_json(m, prefix, &b, NULL) || !put(&b, "", 1)) {
        VEC_FREE(&b);
        return NULL;
    }
    return b.items;
}

int govner_matcher_write_json(const govner_matcher *m, const char *prefix, FILE *f) {
    buf b = {0};
    bool ok = write_json(m, prefix, &b, f) && puts_(&b, "\n") && fwrite(b.items, 1, b.len, f) == b.len;
    VEC_FREE(&b);
    return ok ? 0 : -1;
}

/* TSV fields cannot hold tabs or newlines: those become spaces. */
static bool put_tsv_field(buf *b, const char *s) {
    for (; *s; s++) {
        char c = (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s;
        if (!put(b, &c, 1))
            return false;
    }
    return true;
}

char *govner_matcher_tsv(const govner_matcher *m, const char *source) {
    buf b = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < m->out.len; i++) {
        const govner_entity *e = &m->out.items[i];
        char tmp[64];
        ok = put_tsv_field(&b, source ? source : "-") && puts_(&b, "\t") && put_tsv_field(&b, e->type) &&
             puts_(&b, "\t") && put_tsv_field(&b, e->text);
        int n = snprintf(tmp, sizeof tmp, "\t%zu\t%zu\t", e->start, e->end);
        ok = ok && put(&b, tmp, (size_t)n);
        for (size_t a = 0; ok && a < e->n_attrs; a++) {
            const govner_attr *at = &e->attrs[a];
            ok = (a == 0 || puts_(&b, ";")) && put_tsv_field(&b, at->key) && puts_(&b, "=");
            for (size_t v = 0; ok && v < at->n_values; v++)
                ok = (v == 0 || puts_(&b, "|")) && put_tsv_field(&b, at->values[v]);
        }
        ok = ok && puts_(&b, "\n");
    }
    ok = ok && put(&b, "", 1);
    if (!ok) {
        VEC_FREE(&b);
        return NULL;
    }
    return b.items;
}
