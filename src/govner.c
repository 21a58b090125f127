/* govner.c - the public API: rule sets, matchers, the phase cascade and rule examples. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "matcher.h"

/* Documents longer than this, in code points or in bytes, are matched in segments (see
 * govner_match): the per-position tables of a segment take about 80 bytes per code point, so a
 * segment of 64k characters (some 192 KB of Chinese; a long government work report is 20-40k)
 * keeps them at 5 MB, mostly in cache. With 512k characters an 8 MB document ran 17% slower and
 * peaked at 92 MB RSS instead of 60. The byte limit only binds on text of four-byte characters. */
#ifndef GOVNER_SEGMENT_CPS
#define GOVNER_SEGMENT_CPS (1u << 16)
#endif
#ifndef GOVNER_SEGMENT_BYTES
#define GOVNER_SEGMENT_BYTES (4u * GOVNER_SEGMENT_CPS)
#endif

const char *govner_status_string(govner_status st) {
    switch (st) {
    case GOVNER_OK: return "success";
    case GOVNER_ERR_NOMEM: return "out of memory";
    case GOVNER_ERR_IO: return "input/output error";
    case GOVNER_ERR_RULES: return "error in rules";
    case GOVNER_ERR_LIMIT: return "match limit exceeded";
    case GOVNER_ERR_INPUT: return "invalid input";
    case GOVNER_ERR_EXAMPLE: return "rule example failed";
    }
    return "unknown status";
}

/* Section - Rule sets --------------------------------------------------------------------------- */

void govner_ruleset_free(govner_ruleset *rs) {
    if (!rs)
        return;
    for (size_t i = 0; i < rs->regexes.len; i++)
        pcre2_code_free(rs->regexes.items[i].code);
    VEC_FREE(&rs->regexes);
    VEC_FREE(&rs->patterns);
    VEC_FREE(&rs->entries);
    VEC_FREE(&rs->lexicons);
    VEC_FREE(&rs->types);
    VEC_FREE(&rs->layers);
    VEC_FREE(&rs->phases);
    VEC_FREE(&rs->examples);
    trie_free(&rs->trie);
    if (!rs->cache.adopted)
        free(rs->exact);
    cache_release(rs);
    arena_release(&rs->mem);
    free(rs);
}

/* Load the rules at path, with the compiled-lexicon cache in cache_dir (NULL: none): its image is
 * replayed when valid, else the rules are built and the image written. `use_image` is false after
 * a stale image, to build and rewrite it. */
static govner_ruleset *load(const char *path, const char *cache_dir, bool use_image, govner_error *err) {
    memset(err, 0, sizeof *err);
    govner_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs) {
        error_set(err, GOVNER_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
        return NULL;
    }
    arena_init(&rs->mem, 1 << 20);
    if (!trie_init(&rs->trie)) {
        free(rs);
        error_set(err, GOVNER_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
        return NULL;
    }
    struct stat st;
    char *file = NULL;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        file = arena_alloc(&rs->mem, strlen(path) + sizeof "/main.rules");
        if (file)
            sprintf(file, "%s/main.rules", path);
    } else {
        file = arena_strdup(&rs->mem, path);
    }
    char *image = file && cache_dir ? cache_file_name(cache_dir, file) : NULL;
    rs->cache.record = image != NULL;
    if (image && use_image)
        cache_open(rs, image);
    govner_status s = file ? rules_load(rs, file, err) : error_set(err, GOVNER_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
    if (cache_replaying(rs) && (s != GOVNER_OK || !cache_adopt(rs))) {
        /* The rules changed since the image was made (or it is damaged): build them anew. */
        govner_ruleset_free(rs);
        free(image);
        return load(path, cache_dir, false, err);
    }
    bool replayed = cache_replaying(rs);
    if (s == GOVNER_OK && ((!replayed && !lexicon_freeze(rs)) || !docpass_prepare(rs) || !pattern_prepare(rs)))
        s = error_set(err, GOVNER_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
    if (s == GOVNER_OK && image && !replayed && cache_make_dir(cache_dir))
        if (cache_write(rs, image)) /* best effort: without an image the next load builds again */
            cache_prune(image);
    free(image);
    if (s != GOVNER_OK) {
        govner_ruleset_free(rs);
        return NULL;
    }
    VEC_FREE(&rs->cache.read);
    return rs;
}

govner_ruleset *govner_ruleset_load(const char *path, govner_error *err) {
    govner_error scratch;
    return load(path, NULL, false, err ? err : &scratch);
}

govner_ruleset *govner_ruleset_load_cached(const char *path, const char *cache_dir, govner_error *err) {
    govner_error scratch;
    char buf[4096];
    if (!cache_dir)
        cache_dir = cache_default_dir(buf, sizeof buf);
    return load(path, cache_dir, true, err ? err : &scratch);
}

size_t govner_ruleset_rule_count(const govner_ruleset *rs) { return rs->n_rules; }
size_t govner_ruleset_entry_count(const govner_ruleset *rs) { return rs->entries.len; }
size_t govner_ruleset_example_count(const govner_ruleset *rs) { return rs->examples.len; }

/* Section - Matchers ---------------------------------------------------------------------------- */

govner_matcher *govner_matcher_new(const govner_ruleset *rs) {
    govner_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->rs = rs;
    arena_init(&m->mem, 64 * 1024);
    m->md = pcre2_match_data_create(16, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    if (!m->md || !m->mctx) {
        govner_matcher_free(m);
        return NULL;
    }
    pcre2_set_match_limit(m->mctx, 100000);
    pcre2_set_depth_limit(m->mctx, 1000);
    return m;
}

void govner_matcher_free(govner_matcher *m) {
    if (!m)
        return;
    free(m->prof);
    free(m->cp_memo);
    VEC_FREE(&m->cp_planes);
    free(m->dense);
    free(m->dense_list);
    free(m->plane_count);
    free(m->planes);
    free(m->rule_static);
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);
    free(m->cps);
    free(m->byte_of);
    free(m->cpidx);
    free(m->start_bits);
    free(m->end_bits);
    free(m->cls);
    free(m->plist_at);
    free(m->plist_len);
    free(m->pos_list);
    VEC_FREE(&m->hits);
    free(m->hit_start.at);
    free(m->hit_start.order);
    free(m->hit_end.at);
    free(m->hit_end.order);
    free(m->ent_start.at);
    free(m->ent_start.order);
    free(m->ent_end.at);
    free(m->ent_end.order);
    VEC_FREE(&m->ents);
    VEC_FREE(&m->cands);
    VEC_FREE(&m->trail);
    VEC_FREE(&m->occupied);
    VEC_FREE(&m->owner);
    VEC_FREE(&m->sort_idx);
    VEC_FREE(&m->sort_tmp);
    VEC_FREE(&m->out);
    arena_release(&m->mem);
    free(m);
}

void govner_matcher_set_explain(govner_matcher *m, int on) { m->explain = on != 0; }

int govner_matcher_set_profile(govner_matcher *m, int on) {
    if (on && !m->prof) {
        const govner_ruleset *rs = m->rs;
        if (!(m->prof = calloc(rs->n_rules + 1, sizeof *m->prof)))
            return -1;
        for (size_t p = 0; p < rs->phases.len; p++)
            for (size_t r = 0; r < rs->phases.items[p].n_rules; r++) {
                const rule *ru = &rs->phases.items[p].rules[r];
                m->prof[ru->id] = (govner_rule_profile){.name = ru->name, .file = ru->file, .line = ru->line};
            }
    }
    m->profile = on != 0;
    return 0;
}

int govner_matcher_rule_profile(const govner_matcher *m, size_t i, govner_rule_profile *out) {
    if (!m->prof || i >= m->rs->n_rules)
        return -1;
    *out = m->prof[i];
    return 0;
}

const char *doc_strndup(govner_matcher *m, uint32_t start, uint32_t end) {
    return arena_strndup(&m->mem, m->text + m->byte_of[start], m->byte_of[end] - m->byte_of[start]);
}

/* Append the kept entities of the current segment, whose text starts at code point cp_base and
 * byte byte_base of the document. */
static govner_status append_output(govner_matcher *m, size_t cp_base, size_t byte_base, govner_error *err) {
    if (!VEC_RESERVE(&m->out, m->ents.len))
        return error_set(err, GOVNER_ERR_NOMEM, "", 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < m->ents.len; i++) {
        const cand *c = &m->ents.items[i];
        govner_entity e = {
            .type = m->rs->types.items[c->type].name,
            .text = doc_strndup(m, c->start, c->end),
            .start = cp_base + c->start,
            .end = cp_base + c->end,
            .byte_start = byte_base + m->byte_of[c->start],
            .byte_end = byte_base + m->byte_of[c->end],
            .rule = c->rule,
            .attrs = c->attrs,
            .n_attrs = c->n_attrs,
        };
        if (!e.text)
            return error_set(err, GOVNER_ERR_NOMEM, "", 0, 0, NULL, "out of memory");
        m->out.items[m->out.len++] = e;
    }
    return GOVNER_OK;
}

/* The whole cascade over one segment: m->text, m->len. */
static govner_status match_segment(govner_matcher *m, govner_error *err) {
    m->ents.len = m->cands.len = 0;
    m->ents_indexed = false;
    m->seq = 0;
    govner_status st = scan_document(m, err);
    if (st != GOVNER_OK)
        return st;
    if (!resolve(m)) /* builds the (empty) entity indexes */
        return error_set(err, GOVNER_ERR_NOMEM, "", 0, 0, NULL, "out of memory");
    const govner_ruleset *rs = m->rs;
    for (size_t p = 0; p < rs->phases.len; p++) {
        const phase *ph = &rs->phases.items[p];
        if ((st = pattern_run_phase(m, ph, err)) != GOVNER_OK)
            return st;
        docpass_reject(m);
        if (!resolve(m) || !docpass_run(m, ph))
            return error_set(err, GOVNER_ERR_NOMEM, "", 0, 0, NULL, "out of memory");
    }
    return GOVNER_OK;
}

/* The bytes from `from` that a segment may take: GOVNER_SEGMENT_BYTES, or fewer to hold at most
 * GOVNER_SEGMENT_CPS code points, or the rest of the text. */
static size_t segment_window(const char *text, size_t len, size_t from) {
    if (len - from <= GOVNER_SEGMENT_CPS) /* no more code points than bytes */
        return len - from;
    size_t end = len - from <= GOVNER_SEGMENT_BYTES ? len : from + GOVNER_SEGMENT_BYTES, cps = 0;
    for (size_t i = from; i < end; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80 && ++cps > GOVNER_SEGMENT_CPS)
            return i - from;
    return end - from;
}

/* Does text[from..i) end with one of `marks` (UTF-8 strings, NULL-terminated list)? */
static bool ends_with_mark(const char *text, size_t from, size_t i, const char *const *marks) {
    for (; *marks; marks++) {
        size_t n = strlen(*marks);
        if (i - from >= n && memcmp(text + i - n, *marks, n) == 0)
            return true;
    }
    return false;
}

/* End of the segment that starts at `from`: the whole rest when short, else just after the last
 * sentence end (。！？ or a line break) in the second half of the window, else after the last clause
 * break (，；、 or an ASCII space, comma, period or semicolon) there, else a character boundary. */
static size_t segment_end(const char *text, size_t len, size_t from) {
    static const char *const sentence_ends[] = {"\n", "。", "！", "？", NULL};
    static const char *const clause_breaks[] = {" ", ",", ".", ";", "，", "；", "、", NULL};
    size_t window = segment_window(text, len, from);
    if (from + window == len)
        return len;
    size_t limit = from + window, half = from + window / 2;
    for (size_t i = limit; i > half; i--)
        if (ends_with_mark(text, from, i, sentence_ends))
            return i;
    for (size_t i = limit; i > half; i--)
        if (ends_with_mark(text, from, i, clause_breaks))
            return i;
    while (limit > from + 1 && ((unsigned char)text[limit] & 0xC0) == 0x80)
        limit--;
    return limit;
}

govner_status govner_match(govner_matcher *m, const char *text, size_t len, govner_error *err) {
    govner_error scratch;
    if (!err)
        err = &scratch;
    err->status = GOVNER_OK;
    arena_reset(&m->mem);
    m->out.len = 0;
    m->limit_hit = false;
    if (!text)
        text = "", len = 0;
    /* Long documents are matched in segments ending at sentence ends, so memory stays bounded.
     * The scan checks the UTF-8 of each segment; on an error nothing is kept. Empty text has no
     * segment (no entity is empty): an empty line costs no cascade. */
    size_t from = 0, cp_base = 0;
    while (from < len) {
        size_t to = segment_end(text, len, from);
        m->text = text + from;
        m->len = to - from;
        m->text_base = from;
        govner_status st = match_segment(m, err);
        if (st == GOVNER_OK)
            st = append_output(m, cp_base, from, err);
        if (st != GOVNER_OK) {
            m->out.len = 0;
            return st;
        }
        cp_base += m->n;
        from = to;
    }
    return GOVNER_OK;
}

size_t govner_entity_count(const govner_matcher *m) { return m->out.len; }

const govner_entity *govner_entity_at(const govner_matcher *m, size_t i) {
    return i < m->out.len ? &m->out.items[i] : NULL;
}

const char *govner_entity_attr(const govner_entity *e, const char *key) {
    for (size_t i = 0; i < e->n_attrs; i++)
        if (strcmp(e->attrs[i].key, key) == 0)
            return e->attrs[i].n_values ? e->attrs[i].values[0] : NULL;
    return NULL;
}

/* Section - Examples ---------------------------------------------------------------------------- */

/* Has entity e attribute `key` with `value` among its values? */
static bool has_attr_value(const govner_entity *e, const char *key, const char *value) {
    for (size_t a = 0; a < e->n_attrs; a++)
        if (strcmp(e->attrs[a].key, key) == 0)
            for (size_t v = 0; v < e->attrs[a].n_values; v++)
                if (strcmp(e->attrs[a].values[v], value) == 0)
                    return true;
    return false;
}

static bool expectation_met(const govner_matcher *m, const expectation *x) {
    const char *type = m->rs->types.items[x->type].name;
    for (size_t i = 0; i < m->out.len; i++) {
        const govner_entity *e = &m->out.items[i];
        if (strcmp(e->type, type) != 0 || strcmp(e->text, x->text) != 0)
            continue;
        int a = 0;
        while (a < x->n_attrs && has_attr_value(e, x->keys[a], x->values[a]))
            a++;
        if (a == x->n_attrs)
            return true;
    }
    return false;
}

long govner_ruleset_check(const govner_ruleset *rs, govner_report_fn report, void *ctx, govner_error *err) {
    govner_matcher *m = govner_matcher_new(rs);
    if (!m) {
        error_set(err, GOVNER_ERR_NOMEM, "", 0, 0, NULL, "out of memory");
        return -1;
    }
    long failures = 0;
    for (size_t i = 0; i < rs->examples.len; i++) {
        const example *ex = &rs->examples.items[i];
        govner_error merr;
        if (govner_match(m, ex->text, strlen(ex->text), &merr) != GOVNER_OK) {
            failures++;
            if (report) {
                char msg[700];
                snprintf(msg, sizeof msg, "example \"%s\" could not be matched: %s", ex->text, merr.message);
                report(ctx, ex->file, ex->line, msg);
            }
            continue;
        }
        for (int k = 0; k < ex->n_expect; k++) {
            const expectation *x = &ex->expect[k];
            if (expectation_met(m, x) == !ex->negative)
                continue;
            failures++;
            if (report) {
                char msg[1024];
                int n = snprintf(msg, sizeof msg, "example \"%s\": %s %s \"%s\"", ex->text,
                                 ex->negative ? "unexpected" : "missing", rs->types.items[x->type].name, x->text);
                for (int a = 0; a < x->n_attrs && n > 0 && (size_t)n < sizeof msg; a++)
                    n += snprintf(msg + n, sizeof msg - (size_t)n, "%s%s=\"%s\"", a ? " " : " with ", x->keys[a],
                                  x->values[a]);
                report(ctx, ex->file, ex->line, msg);
            }
        }
    }
    govner_matcher_free(m);
    return failures;
}
