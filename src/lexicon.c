/* lexicon.c - loading lexicon entries into the shared trie.
 *
 * A lexicon line is `text [key=value ...]`: the text runs to the first space or tab, attributes
 * follow, separated by spaces or tabs. `#` starts a comment line. The same text may sit in several
 * lexicons; its entries are chained on one trie node. */
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "utf8.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int32_t exact_find(const govner_ruleset *rs, uint32_t lex, const char *s, size_t len) {
    if (!rs->exact)
        return -1;
    for (size_t i = hash_bytes(lex, s, len) & rs->exact_mask; rs->exact[i]; i = (i + 1) & rs->exact_mask) {
        const lex_entry *le = &rs->entries.items[rs->exact[i] - 1];
        if (le->lex == lex && strnlen(le->text, len + 1) == len && memcmp(le->text, s, len) == 0)
            return (int32_t)rs->exact[i] - 1;
    }
    return -1;
}

static void exact_put(uint32_t *tab, size_t mask, const govner_ruleset *rs, uint32_t e) {
    const lex_entry *le = &rs->entries.items[e];
    size_t i = hash_bytes(le->lex, le->text, strlen(le->text)) & mask;
    while (tab[i])
        i = (i + 1) & mask;
    tab[i] = e + 1;
}

static bool exact_grow(govner_ruleset *rs) {
    size_t size = rs->exact ? (rs->exact_mask + 1) * 2 : 1024;
    uint32_t *tab = calloc(size, sizeof *tab);
    if (!tab)
        return false;
    for (size_t i = 0; rs->exact && i <= rs->exact_mask; i++)
        if (rs->exact[i])
            exact_put(tab, size - 1, rs, rs->exact[i] - 1);
    free(rs->exact);
    rs->exact = tab;
    rs->exact_mask = size - 1;
    return true;
}

/* An entry of an exact lexicon: hashed whole, not put in the trie. */
static govner_status exact_add(govner_ruleset *rs, uint32_t lex, const char *text, size_t len, const char *attrs,
                               int n_attrs, const char *file, int line_no, govner_error *err) {
    if (exact_find(rs, lex, text, len) >= 0)
        return GOVNER_OK; /* a duplicate adds nothing */
    if ((rs->exact_used + 1) * 2 > (rs->exact ? rs->exact_mask + 1 : 0) && !exact_grow(rs))
        return error_set(err, GOVNER_ERR_NOMEM, file, line_no, 0, NULL, "out of memory");
    lex_entry ent = {.lex = lex, .next = -1, .packed = attrs, .n_attrs = (uint32_t)n_attrs,
                     .length = (uint32_t)utf8_length(text, len)};
    ent.text = arena_strndup(&rs->mem, text, len);
    if (!ent.text || !VEC_PUSH(&rs->entries, ent))
        return error_set(err, GOVNER_ERR_NOMEM, file, line_no, 0, NULL, "out of memory");
    exact_put(rs->exact, rs->exact_mask, rs, (uint32_t)rs->entries.len - 1);
    rs->exact_used++;
    return GOVNER_OK;
}

/* Is the entry text line[t0, t0 + tlen) valid UTF-8? If not, the error names its column. */
static bool utf8_valid_entry(const char *line, size_t t0, size_t tlen, const char *file, int line_no,
                             govner_error *err) {
    size_t bad = govner_utf8_check(line + t0, tlen);
    if (bad == tlen)
        return true;
    error_set(err, GOVNER_ERR_RULES, file, line_no, (int)utf8_length(line, t0 + bad) + 1, NULL,
              "lexicon entry is not valid UTF-8");
    return false;
}

/* Insert the entry line[t0, t0 + tlen) into the automaton. */
static govner_status add_entry(govner_ruleset *rs, uint32_t lex, const char *line, size_t t0, size_t tlen,
                               const char *attrs, uint32_t n_attrs, const char *file, int line_no,
                               govner_error *err) {
    uint32_t cps;
    uint32_t node = trie_insert(&rs->trie, line + t0, tlen, &cps);
    if (node == TRIE_NONE) {
        if (!utf8_valid_entry(line, t0, tlen, file, line_no, err))
            return GOVNER_ERR_RULES;
        return error_set(err, GOVNER_ERR_NOMEM, file, line_no, 0, NULL, "out of memory");
    }
    for (int32_t e = rs->trie.value[node]; e >= 0; e = rs->entries.items[e].next)
        if (rs->entries.items[e].lex == lex)
            return GOVNER_OK; /* a duplicate in one lexicon adds nothing */

    lex_entry ent = {.lex = lex, .next = rs->trie.value[node], .packed = attrs, .n_attrs = n_attrs, .length = cps};
    ent.text = arena_strndup(&rs->mem, line + t0, tlen);
    if (!ent.text || !VEC_PUSH(&rs->entries, ent))
        return error_set(err, GOVNER_ERR_NOMEM, file, line_no, 0, NULL, "out of memory");
    rs->trie.value[node] = (int32_t)(rs->entries.len - 1);
    rs->lexicons.items[lex].any_entry = (uint32_t)(rs->entries.len - 1);
    if (n_attrs)
        rs->lexicons.items[lex].has_attrs = true;
    if (cps == 1)
        rs->lexicons.items[lex].has_single = true;
    if (rs->lexicons.items[lex].min_length == 0 || cps < rs->lexicons.items[lex].min_length)
        rs->lexicons.items[lex].min_length = cps;
    if (cps > rs->lexicons.items[lex].max_length)
        rs->lexicons.items[lex].max_length = cps;
    if (cps > rs->max_lex_len)
        rs->max_lex_len = cps;
    return GOVNER_OK;
}

govner_status lexicon_add_line(govner_ruleset *rs, uint32_t lex, const char *line, size_t len,
                               const char *file, int line_no, govner_error *err) {
    if (cache_replaying(rs))
        return GOVNER_OK;
    size_t i = 0;
    while (i < len && is_space(line[i]))
        i++;
    if (i == len || line[i] == '#')
        return GOVNER_OK;
    size_t t0 = i;
    while (i < len && !is_space(line[i]))
        i++;
    size_t tlen = i - t0;
    bool exact = rs->lexicons.items[lex].exact;
    /* Entries of exact lexicons are checked here; trie_insert decodes (and so checks) the others. */
    if (exact && !utf8_valid_entry(line, t0, tlen, file, line_no, err))
        return GOVNER_ERR_RULES;

    /* Attributes: checked here, packed as "key\0value\0" pairs in one allocation. */
    char packed[1024];
    size_t plen = 0;
    int n_attrs = 0;
    while (i < len) {
        while (i < len && is_space(line[i]))
            i++;
        if (i == len || line[i] == '#')
            break;
        size_t a0 = i;
        while (i < len && !is_space(line[i]))
            i++;
        const char *eq = memchr(line + a0, '=', i - a0);
        if (!eq || eq == line + a0)
            return error_set(err, GOVNER_ERR_RULES, file, line_no, (int)utf8_length(line, a0) + 1, NULL,
                             "expected key=value after the entry text");
        if (n_attrs == 16)
            return error_set(err, GOVNER_ERR_RULES, file, line_no, (int)utf8_length(line, a0) + 1, NULL,
                             "more than 16 attributes on one entry");
        size_t klen = (size_t)(eq - line - a0), vlen = (size_t)(line + i - eq - 1);
        if (plen + klen + vlen + 2 > sizeof packed)
            return error_set(err, GOVNER_ERR_RULES, file, line_no, (int)utf8_length(line, a0) + 1, NULL,
                             "attributes longer than %zu bytes", sizeof packed);
        memcpy(packed + plen, line + a0, klen);
        plen += klen;
        packed[plen++] = '\0';
        memcpy(packed + plen, eq + 1, vlen);
        plen += vlen;
        packed[plen++] = '\0';
        n_attrs++;
    }
    const char *attrs = NULL;
    if (n_attrs) {
        char *a = arena_alloc(&rs->mem, plen);
        if (!a)
            return error_set(err, GOVNER_ERR_NOMEM, file, line_no, 0, NULL, "out of memory");
        memcpy(a, packed, plen);
        attrs = a;
    }
    if (exact)
        return exact_add(rs, lex, line + t0, tlen, attrs, n_attrs, file, line_no, err);
    return add_entry(rs, lex, line, t0, tlen, attrs, (uint32_t)n_attrs, file, line_no, err);
}

govner_status lexicon_add_literal(govner_ruleset *rs, uint32_t lex, const char *text, size_t len,
                                  const char *file, int line_no, govner_error *err) {
    if (cache_replaying(rs))
        return GOVNER_OK;
    return add_entry(rs, lex, text, 0, len, NULL, 0, file, line_no, err);
}

govner_status lexicon_load_file(govner_ruleset *rs, uint32_t lex, const char *path, govner_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, GOVNER_ERR_IO, path, 0, 0, NULL, "cannot open lexicon: %s", strerror(errno));
    cache_note_file(rs, fileno(f));
    if (cache_replaying(rs)) { /* the image has the entries */
        fclose(f);
        return GOVNER_OK;
    }
    /* Room for the whole file at once when its size is known (no regrowing), else doubled as it fills. */
    size_t len = 0, cap = 1 << 20;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
        cap = (size_t)sb.st_size + 65536 + 1;
    char *buf = malloc(cap);
    for (;;) {
        if (buf && cap - len < 65536) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                free(buf);
            buf = nb;
        }
        if (!buf) {
            fclose(f);
            return error_set(err, GOVNER_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        free(buf);
        return error_set(err, GOVNER_ERR_IO, path, 0, 0, NULL, "cannot read lexicon");
    }
    govner_status st = GOVNER_OK;
    int line_no = 1;
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    /* About one new edge per entry (most share a prefix with entries before them, few all of it):
     * room for them at once, so the trie's table does not double and rehash as they go in. */
    if (!rs->lexicons.items[lex].exact) {
        size_t lines = 0;
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + len - p))); p++)
            lines++;
        if (!trie_reserve(&rs->trie, lines)) {
            free(buf);
            return error_set(err, GOVNER_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
        }
    }
    while (i < len && st == GOVNER_OK) {
        char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        st = lexicon_add_line(rs, lex, buf + i, end - i, path, line_no, err);
        if (st != GOVNER_OK && err->source_line[0] == '\0') {
            size_t n = end - i < sizeof err->source_line - 1 ? end - i : sizeof err->source_line - 1;
            memcpy(err->source_line, buf + i, n);
            err->source_line[n] = '\0';
        }
        i = end + 1;
        line_no++;
    }
    free(buf);
    return st;
}

bool lexicon_freeze(govner_ruleset *rs) {
    trie *t = &rs->trie;
    if (!trie_fit(t))
        return false;
    free(t->terms);
    t->terms = malloc((rs->entries.len + 1) * sizeof *t->terms);
    if (!t->terms)
        return false;
    t->n_terms = 0;
    /* Which nodes have children: the parent of an edge is in its key. */
    uint8_t *inner = calloc(t->n_nodes + 1, 1);
    if (!inner)
        return false;
    for (size_t i = 0; i <= t->mask; i++)
        if (t->slots[i].key)
            inner[(t->slots[i].key - 1) >> 21] = 1;
    /* A child with one entry keeps it in the slot when the numbers fit (trie.h, TRIE_SINGLE). */
    bool pack = t->n_nodes < (1u << TRIE_CHILD_BITS);
    for (size_t i = 0; i <= t->mask; i++) {
        trie_slot *sl = &t->slots[i];
        if (!sl->key)
            continue;
        uint32_t child = sl->child;
        int32_t e = t->value[child];
        uint32_t leaf = inner[child] ? 0 : TRIE_LEAF;
        if (pack && e >= 0 && rs->entries.items[e].next < 0 && (uint32_t)e < TRIE_NO_TERM &&
            rs->entries.items[e].lex < (1u << (32 - TRIE_CHILD_BITS))) {
            sl->term = (uint32_t)e | TRIE_SINGLE | leaf;
            sl->child = child | rs->entries.items[e].lex << TRIE_CHILD_BITS;
            continue;
        }
        sl->term = (e >= 0 ? (uint32_t)t->n_terms : TRIE_NO_TERM) | leaf;
        for (; e >= 0; e = rs->entries.items[e].next) {
            const lex_entry *le = &rs->entries.items[e];
            t->terms[t->n_terms++] = (trie_term){(uint32_t)e, le->lex | (le->next < 0 ? TRIE_TERM_LAST : 0)};
        }
    }
    if (pack)
        t->child_mask = (1u << TRIE_CHILD_BITS) - 1;
    free(inner);
    return true;
}
