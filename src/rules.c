/* rules.c - the rule-file parser and compiler.
 *
 * A rule file is a list of statements. A statement starts in column 1; indented lines that follow
 * belong to it (the clauses of a rule, the entries of an inline lexicon). rules/README.md is the
 * reference for the language; this file follows its grammar top to bottom:
 *
 *   statement := include | lexicon | class | regex | pattern | layer | phase | rule | reject
 *              | propagate | merge | jurisdiction | disambiguate | refer | example
 *   pattern   := seq ('|' seq)*
 *   seq       := item*
 *   item      := [NAME '='] prim [quant]
 *   prim      := '@'NAME | '<'TYPE'>' | '%'NAME | /regex/ | "literal" | '(' pattern ')' | '^' | '$'
 *              | '!' prim | '&' prim | '<=' prim | '<!' prim
 *   quant     := '?' | '*' | '+' | '{' m [',' [n]] '}'
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "utf8.h"

#define MAX_INCLUDE_DEPTH 32

govner_status error_set(govner_error *err, govner_status st, const char *file, int line, int col,
                        const char *source_line, const char *fmt, ...) {
    err->status = st;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = col;
    snprintf(err->source_line, sizeof err->source_line, "%s", source_line ? source_line : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

/* Section - Tokens ------------------------------------------------------------------------------ */

typedef enum {
    T_EOL, T_WORD, T_INT, T_STRING, T_REGEX, T_LEX, T_CLASS, T_ENT, T_PUNCT, T_QUANT, T_ARROW, T_NARROW
} tok_kind;

typedef struct {
    tok_kind kind;
    const char *text;   /* start in the line */
    size_t len;
    char *value;        /* decoded string, regex source, or name (arena) */
    uint32_t flags;     /* regex flags */
    int min, max;       /* T_QUANT */
    char punct;
    int line, col;      /* col in code points, 1-based */
    const char *line_text;
} token;

typedef struct {
    govner_ruleset *rs;
    govner_error *err;
    const char *file;           /* arena copy of the current file name */
    const char *include_stack[MAX_INCLUDE_DEPTH];
    int depth;
    /* Rules of each phase, collected while parsing, frozen at the end. */
    VEC(rule) *phase_rules;
    VEC(pass) *phase_passes;
    size_t n_phases;
    /* The block being collected: its clauses as token lists. */
    VEC(token) toks;
    /* Lexicons by name: open addressing on hash_bytes of the name, index + 1 (0: empty). Rules
     * name lexicons some 200k times as they load; a linear search was a tenth of the load. */
    uint32_t *lex_slots;
    size_t lex_mask;
} parser;

static govner_status tok_error(parser *p, const token *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static govner_status tok_error(parser *p, const token *t, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(p->err, GOVNER_ERR_RULES, p->file, t->line, t->col, t->line_text, "%s", msg);
}

static govner_status nomem(parser *p) {
    return error_set(p->err, GOVNER_ERR_NOMEM, p->file, 0, 0, NULL, "out of memory");
}

static bool is_name_start(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
static bool is_name_char(unsigned char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
}

/* Tokenise one line (NUL-terminated, no newline) and append its tokens, then a T_EOL. */
static govner_status lex_line(parser *p, const char *line, int line_no) {
    size_t i = 0;
    for (;;) {
        while (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')
            i++;
        token t = {.text = line + i, .line = line_no, .line_text = line};
        t.col = (int)utf8_length(line, i) + 1;
        unsigned char c = (unsigned char)line[i];
        if (c == '\0' || c == '#') {
            t.kind = T_EOL;
            return VEC_PUSH(&p->toks, t) ? GOVNER_OK : nomem(p);
        }
        size_t j = i;
        if (c == '"') {
            /* String with \" \\ \n \t escapes. */
            char *buf = arena_alloc(&p->rs->mem, strlen(line + i) + 1);
            if (!buf)
                return nomem(p);
            size_t o = 0;
            j = i + 1;
            for (;;) {
                char d = line[j];
                if (d == '\0')
                    return tok_error(p, &t, "unterminated string");
                if (d == '"')
                    break;
                if (d == '\\') {
                    char e = line[j + 1];
                    if (e == 'n') d = '\n';
                    else if (e == 't') d = '\t';
                    else if (e == '"' || e == '\\') d = e;
                    else {
                        t.col = (int)utf8_length(line, j) + 1;
                        return tok_error(p, &t, "unknown escape \\%c in string", e ? e : ' ');
                    }
                    j++;
                }
                buf[o++] = d;
                j++;
            }
            buf[o] = '\0';
            j++;
            t.kind = T_STRING;
            t.value = buf;
        } else if (c == '/') {
            /* Regular expression up to the next unescaped '/', then flags. */
            j = i + 1;
            while (line[j] && line[j] != '/') {
                if (line[j] == '\\' && line[j + 1])
                    j++;
                j++;
            }
            if (!line[j])
                return tok_error(p, &t, "unterminated regular expression");
            t.value = arena_strndup(&p->rs->mem, line + i + 1, j - i - 1);
            if (!t.value)
                return nomem(p);
            j++;
            t.kind = T_REGEX;
            for (; line[j] && is_name_char((unsigned char)line[j]); j++) {
                switch (line[j]) {
                case 'i': t.flags |= PCRE2_CASELESS; break;
                case 'x': t.flags |= PCRE2_EXTENDED; break;
                case 's': t.flags |= PCRE2_DOTALL; break;
                default:
                    t.col = (int)utf8_length(line, j) + 1;
                    return tok_error(p, &t, "unknown regular expression flag '%c' (use i, s or x)", line[j]);
                }
            }
        } else if (c == '@' || c == '%') {
            j = i + 1;
            while (is_name_char((unsigned char)line[j]))
                j++;
            if (j == i + 1)
                return tok_error(p, &t, "expected a name after '%c'", c);
            t.kind = c == '@' ? T_LEX : T_CLASS;
            t.value = arena_strndup(&p->rs->mem, line + i + 1, j - i - 1);
        } else if (c == '<' && (line[i + 1] == '=' || line[i + 1] == '!')) {
            /* <=X and <!X: positive and negative lookbehind */
            t.kind = T_PUNCT;
            t.punct = line[i + 1] == '=' ? 'L' : 'N';
            j = i + 2;
        } else if (c == '<') {
            j = i + 1;
            while (is_name_char((unsigned char)line[j]))
                j++;
            if (j == i + 1 || line[j] != '>')
                return tok_error(p, &t, "expected <type>");
            t.kind = T_ENT;
            t.value = arena_strndup(&p->rs->mem, line + i + 1, j - i - 1);
            j++;
        } else if (c == '{') {
            /* {m} {m,} {m,n} */
            j = i + 1;
            long m = 0, n;
            if (line[j] < '0' || line[j] > '9')
                return tok_error(p, &t, "expected a count in {m,n}");
            while (line[j] >= '0' && line[j] <= '9' && m < 10000)
                m = m * 10 + (line[j++] - '0');
            n = m;
            if (line[j] == ',') {
                j++;
                if (line[j] == '}') {
                    n = -1;
                } else {
                    n = 0;
                    while (line[j] >= '0' && line[j] <= '9' && n < 10000)
                        n = n * 10 + (line[j++] - '0');
                }
            }
            if (line[j] != '}')
                return tok_error(p, &t, "expected '}' to close the repeat count");
            if (n >= 0 && n < m)
                return tok_error(p, &t, "repeat count {%ld,%ld}: maximum is below minimum", m, n);
            j++;
            t.kind = T_QUANT;
            t.min = (int)m;
            t.max = (int)n;
        } else if (c == '-' && line[i + 1] == '>') {
            t.kind = T_ARROW;
            j = i + 2;
        } else if (c == '!' && line[i + 1] == '>') {
            t.kind = T_NARROW;
            j = i + 2;
        } else if (c >= '0' && c <= '9') {
            while (line[j] >= '0' && line[j] <= '9')
                j++;
            t.kind = T_INT;
            t.value = arena_strndup(&p->rs->mem, line + i, j - i);
        } else if (is_name_start(c)) {
            while (is_name_char((unsigned char)line[j]))
                j++;
            t.kind = T_WORD;
            t.value = arena_strndup(&p->rs->mem, line + i, j - i);
        } else if (strchr("()[]|?*+=!&^$,;", c)) {
            t.kind = (c == '?' || c == '*' || c == '+') ? T_QUANT : T_PUNCT;
            t.punct = (char)c;
            t.min = c == '+' ? 1 : 0;
            t.max = c == '?' ? 1 : -1;
            j = i + 1;
        } else {
            return tok_error(p, &t, "unexpected character");
        }
        if ((t.kind == T_LEX || t.kind == T_CLASS || t.kind == T_ENT || t.kind == T_WORD || t.kind == T_INT) &&
            !t.value)
            return nomem(p);
        t.len = j - i;
        if (!VEC_PUSH(&p->toks, t))
            return nomem(p);
        i = j;
    }
}

/* Section - Symbol tables ----------------------------------------------------------------------- */

static int find_lexicon(const parser *p, const char *name) {
    if (!p->lex_slots)
        return -1;
    const lexicon *items = p->rs->lexicons.items;
    for (size_t i = hash_bytes(0, name, strlen(name)) & p->lex_mask; p->lex_slots[i]; i = (i + 1) & p->lex_mask)
        if (strcmp(items[p->lex_slots[i] - 1].name, name) == 0)
            return (int)p->lex_slots[i] - 1;
    return -1;
}

/* Put lexicon i in the name index (which has room). */
static void index_put(parser *p, uint32_t i) {
    const char *name = p->rs->lexicons.items[i].name;
    size_t h = hash_bytes(0, name, strlen(name)) & p->lex_mask;
    while (p->lex_slots[h])
        h = (h + 1) & p->lex_mask;
    p->lex_slots[h] = i + 1;
}

/* Append lexicon lx to the ruleset and its name index (kept at most half full); *out is its
 * number. While an image is replayed, the lexicon gets the image's lengths (cache.c). */
static govner_status push_lexicon(parser *p, lexicon lx, int *out) {
    if (!VEC_PUSH(&p->rs->lexicons, lx))
        return nomem(p);
    uint32_t n = (uint32_t)p->rs->lexicons.len;
    if (!p->lex_slots || n * 2 > p->lex_mask + 1) {
        size_t size = p->lex_slots ? (p->lex_mask + 1) * 2 : 512;
        uint32_t *slots = calloc(size, sizeof *slots);
        if (!slots)
            return nomem(p);
        free(p->lex_slots);
        p->lex_slots = slots;
        p->lex_mask = size - 1;
        for (uint32_t i = 0; i + 1 < n; i++)
            index_put(p, i);
    }
    index_put(p, n - 1);
    *out = (int)n - 1;
    cache_new_lexicon(p->rs, n - 1);
    return GOVNER_OK;
}

static int find_type(const govner_ruleset *rs, const char *name) {
    for (size_t i = 0; i < rs->types.len; i++)
        if (strcmp(rs->types.items[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int find_regex(const govner_ruleset *rs, const char *name) {
    for (size_t i = 0; i < rs->regexes.len; i++)
        if (strcmp(rs->regexes.items[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int find_pattern(const govner_ruleset *rs, const char *name) {
    for (size_t i = 0; i < rs->patterns.len; i++)
        if (strcmp(rs->patterns.items[i].name, name) == 0)
            return (int)i;
    return -1;
}

static govner_status new_lexicon(parser *p, const token *at, const char *name, bool literal, int *out) {
    if (find_lexicon(p, name) >= 0)
        return tok_error(p, at, "lexicon '%s' is already defined", name);
    return push_lexicon(p, (lexicon){.name = name, .file = p->file, .line = at->line, .literal = literal}, out);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The characters of a bracket expression of literal characters and ranges, s[0] being '[': the
 * number of bytes read up to and including ']', or 0 when it holds anything else (\s, ^, classes). */
static size_t bracket_set(const char *s, u32_vec *out, bool *ok) {
    size_t i = 1, len = strlen(s);
    if (s[0] != '[' || s[1] == '^')
        return 0;
    while (s[i] && s[i] != ']') {
        uint32_t lo;
        int n;
        if (s[i] == '\\' && s[i + 1] == '-') {
            lo = '-', n = 2;
        } else if (s[i] == '\\' || s[i] == '[' || s[i] == '-') {
            return 0;
        } else if (!(n = utf8_decode((const unsigned char *)s + i, len - i, &lo))) {
            return 0;
        }
        i += (size_t)n;
        uint32_t hi = lo;
        if (s[i] == '-' && s[i + 1] && s[i + 1] != ']') {
            if (s[i + 1] == '\\' || s[i + 1] == '[' ||
                !(n = utf8_decode((const unsigned char *)s + i + 1, len - i - 1, &hi)) || hi < lo)
                return 0;
            i += 1 + (size_t)n;
        }
        if (hi - lo > 0x10000)
            return 0;
        for (uint32_t c = lo; c <= hi && *ok; c++)
            *ok = VEC_PUSH(out, c);
    }
    return s[i] == ']' ? i + 1 : 0;
}

/* Can a class written `pat`, without flags, be answered without PCRE2 (regex_def.native)? A set
 * of characters, or the \p{sc=Han} class defined before it less a set; \p{sc=Han} itself is
 * marked so that later classes can refer to it. False only when out of memory. */
static bool native_class(parser *p, const char *pat, regex_def *rd) {
    const govner_ruleset *rs = p->rs;
    static const char han[] = "\\p{sc=Han}";
    u32_vec set = {0};
    bool ok = true;
    size_t n = 0;
    rd->han = -1;
    if (pat[0] == '[') {
        n = bracket_set(pat, &set, &ok);
        if (n && pat[n] != '\0')
            n = 0;
    } else if (strncmp(pat, "(?![", 4) == 0) {
        n = bracket_set(pat + 3, &set, &ok);
        if (n && pat[3 + n] == ')' && strcmp(pat + 4 + n, han) == 0)
            for (size_t i = 0; i < rs->regexes.len && rd->han < 0; i++)
                if (rs->regexes.items[i].han_script)
                    rd->han = (int)i;
        if (rd->han < 0)
            n = 0;
    } else if (strcmp(pat, han) == 0) {
        rd->han_script = true;
    }
    if (ok && n) {
        qsort(set.items, set.len, sizeof *set.items, cmp_u32);
        rd->set = arena_alloc(&p->rs->mem, (set.len + 1) * sizeof *rd->set);
        if ((ok = rd->set != NULL)) {
            if (set.len)
                memcpy(rd->set, set.items, set.len * sizeof *rd->set);
            rd->n_set = (uint32_t)set.len;
            rd->native = true;
        }
    } else {
        rd->han = -1;
    }
    VEC_FREE(&set);
    return ok;
}

/* Compile a regular expression token; PCRE2's message and offset are mapped onto the rule line. */
static govner_status compile_regex(parser *p, const token *t, const char *name, bool is_class, int *out) {
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)t->value, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | t->flags, &code, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        token at = *t;
        at.col = t->col + 1 + (int)utf8_length(t->value, off);
        return tok_error(p, &at, "bad regular expression: %s", (char *)msg);
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter when JIT is missing */
    regex_def rd = {.name = name, .code = re, .is_class = is_class, .han = -1};
    if (is_class)
        rd.class_slot = p->rs->n_classes++;
    if (is_class && t->flags == 0 && !native_class(p, t->value, &rd)) {
        pcre2_code_free(re);
        return nomem(p);
    }
    if (!VEC_PUSH(&p->rs->regexes, rd)) {
        pcre2_code_free(re);
        return nomem(p);
    }
    *out = (int)p->rs->regexes.len - 1;
    return GOVNER_OK;
}

/* Section - Patterns ---------------------------------------------------------------------------- */

typedef struct {
    parser *p;
    token *t;           /* current token */
    token *end;
    VEC(const char *) caps;
    bool backward;      /* inside a left context: regexes cannot run backwards */
    int nesting;        /* groups open around the current token */
} pparse;

/* Groups nested deeper than this are refused: the parser, the compiler and the matcher recurse on
 * them. */
#define MAX_NESTING 64

_Static_assert(sizeof(pnode) <= 64, "the matcher reads a pattern node from one cache line");

static pnode *new_node(parser *p, pnode_kind kind, int n_kids) {
    pnode *n = arena_alloc_aligned(&p->rs->mem, sizeof *n, 64); /* one cache line (ruleset.h) */
    if (!n)
        return NULL;
    memset(n, 0, sizeof *n);
    n->kind = kind;
    if (n_kids) {
        n->kids = arena_alloc(&p->rs->mem, (size_t)n_kids * sizeof *n->kids);
        if (!n->kids)
            return NULL;
    }
    n->n_kids = n_kids;
    return n;
}

static govner_status parse_alt(pparse *pp, pnode **out);

static bool has_regex(const govner_ruleset *rs, const pnode *n) {
    if (n->kind == P_REGEX && !rs->regexes.items[n->id].is_class)
        return true;
    for (int i = 0; i < n->n_kids; i++)
        if (has_regex(rs, n->kids[i]))
            return true;
    return false;
}

static bool at_punct(const pparse *pp, char c) {
    return pp->t < pp->end && pp->t->kind == T_PUNCT && pp->t->punct == c;
}

static bool starts_prim(const token *t) {
    switch (t->kind) {
    case T_LEX: case T_CLASS: case T_ENT: case T_REGEX: case T_STRING:
        return true;
    case T_PUNCT:
        return t->punct == '(' || t->punct == '^' || t->punct == '$' || t->punct == '!' || t->punct == '&' ||
               t->punct == 'L' || t->punct == 'N';
    default:
        return false;
    }
}

/* The index of the capture named name[0..len), or -1. */
static int find_capture(const pparse *pp, const char *name, size_t len) {
    for (size_t i = 0; i < pp->caps.len; i++)
        if (strncmp(pp->caps.items[i], name, len) == 0 && pp->caps.items[i][len] == '\0')
            return (int)i;
    return -1;
}

static int capture_index(pparse *pp, const char *name) {
    int c = find_capture(pp, name, strlen(name));
    if (c >= 0)
        return c;
    if (!VEC_PUSH(&pp->caps, name))
        return -1;
    return (int)pp->caps.len - 1;
}

static govner_status literal_lexicon(parser *p, const token *t, int *out) {
    if (t->value[0] == '\0')
        return tok_error(p, t, "empty literal");
    if (govner_utf8_check(t->value, strlen(t->value)) != strlen(t->value))
        return tok_error(p, t, "literal is not valid UTF-8");
    size_t n = strlen(t->value);
    char *name = arena_alloc(&p->rs->mem, n + 3);
    if (!name)
        return nomem(p);
    name[0] = '"';
    memcpy(name + 1, t->value, n);
    name[n + 1] = '"';
    name[n + 2] = '\0';
    int lx = find_lexicon(p, name);
    if (lx >= 0) {
        *out = lx;
        return GOVNER_OK;
    }
    govner_status st = new_lexicon(p, t, name, true, &lx);
    if (st == GOVNER_OK)
        st = lexicon_add_literal(p->rs, (uint32_t)lx, t->value, n, p->file, t->line, p->err);
    *out = lx;
    return st;
}

static govner_status parse_prim(pparse *pp, pnode **out) {
    parser *p = pp->p;
    token *t = pp->t;
    if (t >= pp->end)
        return tok_error(p, pp->end, "expected a pattern element");
    pnode *n = NULL;
    govner_status st = GOVNER_OK;
    switch (t->kind) {
    case T_LEX: {
        int lx = find_lexicon(p, t->value);
        if (lx < 0)
            return tok_error(p, t, "unknown lexicon '@%s'", t->value);
        if (!(n = new_node(p, P_LEX, 0)))
            return nomem(p);
        n->id = (uint32_t)lx;
        pp->t++;
        break;
    }
    case T_STRING: {
        int lx = -1;
        if ((st = literal_lexicon(p, t, &lx)) != GOVNER_OK)
            return st;
        if (!(n = new_node(p, P_LEX, 0)))
            return nomem(p);
        n->id = (uint32_t)lx;
        pp->t++;
        break;
    }
    case T_ENT: {
        int ty = find_type(p->rs, t->value);
        if (ty < 0)
            return tok_error(p, t, "unknown entity type '<%s>' (declare it with 'layer')", t->value);
        if (!(n = new_node(p, P_ENT, 0)))
            return nomem(p);
        n->id = (uint32_t)ty;
        pp->t++;
        break;
    }
    case T_CLASS: {
        int rx = find_regex(p->rs, t->value);
        int pi = rx < 0 ? find_pattern(p->rs, t->value) : -1;
        if (pi >= 0) {
            const named_pattern *np = &p->rs->patterns.items[pi];
            if (pp->backward && np->has_regex)
                return tok_error(p, t, "a left context cannot use a regex (pattern '%s' has one)", np->name);
            n = np->body;
            pp->t++;
            break;
        }
        if (rx < 0)
            return tok_error(p, t, "unknown class, regex or pattern '%%%s'", t->value);
        if (pp->backward && !p->rs->regexes.items[rx].is_class)
            return tok_error(p, t, "a left context cannot use a regex; use a one-character class");
        if (!(n = new_node(p, P_REGEX, 0)))
            return nomem(p);
        n->id = (uint32_t)rx;
        pp->t++;
        break;
    }
    case T_REGEX: {
        if (pp->backward)
            return tok_error(p, t, "a left context cannot use a regex; use a one-character class");
        int rx;
        char *name = arena_alloc(&p->rs->mem, strlen(t->value) + 3);
        if (!name)
            return nomem(p);
        sprintf(name, "/%s/", t->value);
        if ((st = compile_regex(p, t, name, false, &rx)) != GOVNER_OK)
            return st;
        if (!(n = new_node(p, P_REGEX, 0)))
            return nomem(p);
        n->id = (uint32_t)rx;
        pp->t++;
        break;
    }
    case T_PUNCT:
        if (t->punct == '(') {
            pp->t++;
            if ((st = parse_alt(pp, &n)) != GOVNER_OK)
                return st;
            if (!at_punct(pp, ')'))
                return tok_error(p, pp->t < pp->end ? pp->t : t, "expected ')' to close the group opened here");
            pp->t++;
        } else if (t->punct == '^' || t->punct == '$') {
            if (!(n = new_node(p, t->punct == '^' ? P_BOL : P_EOL, 0)))
                return nomem(p);
            pp->t++;
        } else if (t->punct == '!' || t->punct == '&' || t->punct == 'L' || t->punct == 'N') {
            bool behind = t->punct == 'L' || t->punct == 'N';
            bool saved = pp->backward;
            pp->t++;
            pnode *kid;
            pp->backward = behind ? true : saved;
            st = parse_prim(pp, &kid);
            pp->backward = saved;
            if (st != GOVNER_OK)
                return st;
            if (!(n = new_node(p, behind ? P_LOOKBEHIND : P_LOOK, 1)))
                return nomem(p);
            n->neg = t->punct == '!' || t->punct == 'N';
            n->kids[0] = kid;
        } else {
            return tok_error(p, t, "expected a pattern element, found '%c'", t->punct);
        }
        break;
    default:
        return tok_error(p, t, "expected a pattern element");
    }
    *out = n;
    return GOVNER_OK;
}

static govner_status parse_item(pparse *pp, pnode **out) {
    parser *p = pp->p;
    int cap = -1;
    if (pp->t + 1 < pp->end && pp->t->kind == T_WORD && pp->t[1].kind == T_PUNCT && pp->t[1].punct == '=') {
        if ((cap = capture_index(pp, pp->t->value)) < 0)
            return nomem(p);
        pp->t += 2;
    } else if (pp->t < pp->end && pp->t->kind == T_WORD) {
        return tok_error(p, pp->t, "unexpected word '%s' (a capture is written name=element)", pp->t->value);
    }
    pnode *n;
    govner_status st = parse_prim(pp, &n);
    if (st != GOVNER_OK)
        return st;
    if (cap >= 0) {
        pnode *c = new_node(p, P_CAP, 1);
        if (!c)
            return nomem(p);
        c->id = (uint32_t)cap;
        c->kids[0] = n;
        n = c;
    }
    while (pp->t < pp->end && pp->t->kind == T_QUANT) {
        pnode *r = new_node(p, P_REP, 1);
        if (!r)
            return nomem(p);
        r->min = pp->t->min;
        r->max = pp->t->max;
        r->kids[0] = n;
        n = r;
        pp->t++;
        /* A '?' written right after a quantifier makes it lazy: {1,8}? *? +? ?? */
        if (pp->t < pp->end && pp->t->kind == T_QUANT && pp->t->text[0] == '?' &&
            pp->t->text == pp->t[-1].text + pp->t[-1].len) {
            r->lazy = true;
            pp->t++;
        }
    }
    *out = n;
    return GOVNER_OK;
}

static govner_status parse_seq(pparse *pp, pnode **out) {
    pnode *items[64];
    int k = 0;
    while (pp->t < pp->end && (starts_prim(pp->t) || pp->t->kind == T_WORD)) {
        if (k == 64)
            return tok_error(pp->p, pp->t, "more than 64 elements in one sequence; use groups");
        govner_status st = parse_item(pp, &items[k]);
        if (st != GOVNER_OK)
            return st;
        k++;
    }
    if (k == 1) {
        *out = items[0];
        return GOVNER_OK;
    }
    pnode *s = new_node(pp->p, P_SEQ, k);
    if (!s)
        return nomem(pp->p);
    if (k) /* an empty sequence has no kids array */
        memcpy(s->kids, items, (size_t)k * sizeof *items);
    *out = s;
    return GOVNER_OK;
}

/* An alternative of literals ("村" | "镇" | "乡" | "街道") becomes one lexicon of them: one lookup
 * instead of one per literal. Only when no literal is a prefix of another, so at most one of them
 * matches at a position and the order of the alternatives cannot matter. *out stays NULL when the
 * alternative does not qualify. */
static govner_status merge_literals(parser *p, pnode *const *alts, int k, pnode **out) {
    const govner_ruleset *rs = p->rs;
    *out = NULL;
    size_t name_len = 2;
    for (int i = 0; i < k; i++) {
        if (alts[i]->kind != P_LEX || !rs->lexicons.items[alts[i]->id].literal)
            return GOVNER_OK;
        name_len += strlen(rs->lexicons.items[alts[i]->id].name) + 1;
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            const char *a = rs->lexicons.items[alts[i]->id].name, *b = rs->lexicons.items[alts[j]->id].name;
            size_t la = strlen(a) - 1; /* without the closing quote */
            if (i != j && strncmp(a, b, la) == 0)
                return GOVNER_OK;
        }
    char *name = arena_alloc(&p->rs->mem, name_len + 1);
    if (!name)
        return nomem(p);
    size_t n = 0;
    name[n++] = '(';
    for (int i = 0; i < k; i++) {
        const char *lit = rs->lexicons.items[alts[i]->id].name;
        if (i)
            name[n++] = '|';
        memcpy(name + n, lit, strlen(lit));
        n += strlen(lit);
    }
    name[n++] = ')';
    name[n] = '\0';
    int lx = find_lexicon(p, name);
    if (lx < 0) {
        govner_status st = push_lexicon(p, (lexicon){.name = name, .file = p->file, .line = 0, .literal = true}, &lx);
        if (st != GOVNER_OK)
            return st;
        for (int i = 0; i < k; i++) {
            const char *lit = p->rs->lexicons.items[alts[i]->id].name;
            st = lexicon_add_literal(p->rs, (uint32_t)lx, lit + 1, strlen(lit) - 2, p->file, 0, p->err);
            if (st != GOVNER_OK)
                return st;
        }
    }
    pnode *m = new_node(p, P_LEX, 0);
    if (!m)
        return nomem(p);
    m->id = (uint32_t)lx;
    *out = m;
    return GOVNER_OK;
}

static govner_status parse_alt_in(pparse *pp, pnode **out);
static govner_status parse_alt(pparse *pp, pnode **out) {
    if (pp->nesting == MAX_NESTING)
        return tok_error(pp->p, pp->t < pp->end ? pp->t : pp->t - 1, "groups nested deeper than %d", MAX_NESTING);
    pp->nesting++;
    govner_status st = parse_alt_in(pp, out);
    pp->nesting--;
    return st;
}

static govner_status parse_alt_in(pparse *pp, pnode **out) {
    pnode *alts[64];
    int k = 0;
    for (;;) {
        if (k == 64)
            return tok_error(pp->p, pp->t, "more than 64 alternatives in one group");
        govner_status st = parse_seq(pp, &alts[k]);
        if (st != GOVNER_OK)
            return st;
        k++;
        if (!at_punct(pp, '|'))
            break;
        pp->t++;
    }
    if (k == 1) {
        *out = alts[0];
        return GOVNER_OK;
    }
    govner_status st = merge_literals(pp->p, alts, k, out);
    if (st != GOVNER_OK || *out)
        return st;
    pnode *a = new_node(pp->p, P_ALT, k);
    if (!a)
        return nomem(pp->p);
    memcpy(a->kids, alts, (size_t)k * sizeof *alts);
    *out = a;
    return GOVNER_OK;
}

/* A whole clause's pattern: tokens [t, end). */
static govner_status parse_pattern(pparse *pp, token *t, token *end, pnode **out) {
    pp->t = t;
    pp->end = end;
    if (t == end)
        return tok_error(pp->p, t, "expected a pattern");
    govner_status st = parse_alt(pp, out);
    if (st == GOVNER_OK && pp->t < end)
        return tok_error(pp->p, pp->t, "unexpected token in pattern");
    return st;
}

bool node_nullable(const pnode *n) {
    switch (n->kind) {
    case P_SEQ:
        for (int i = 0; i < n->n_kids; i++)
            if (!node_nullable(n->kids[i]))
                return false;
        return true;
    case P_ALT:
        for (int i = 0; i < n->n_kids; i++)
            if (node_nullable(n->kids[i]))
                return true;
        return false;
    case P_REP:
        return n->min == 0 || node_nullable(n->kids[0]);
    case P_CAP:
        return node_nullable(n->kids[0]);
    case P_BOL: case P_EOL: case P_LOOK: case P_LOOKBEHIND:
        return true;
    default:
        return false;
    }
}

/* The mirror of node_first_set (ruleset.h), for left contexts matched backwards: what a match must end with. BOL
 * cannot be told apart by the sets and makes the context unanchored. */
static bool last_set(const govner_ruleset *rs, const pnode *n, u32_vec *lex, u32_vec *ent, u32_vec *cls,
                     bool *ok) {
    switch (n->kind) {
    case P_SEQ:
        for (int i = n->n_kids - 1; i >= 0; i--) {
            if (!last_set(rs, n->kids[i], lex, ent, cls, ok))
                return false;
            if (!node_nullable(n->kids[i]))
                return true;
        }
        return true; /* every element may match empty: nullable, what comes before decides */
    case P_ALT:
        for (int i = 0; i < n->n_kids; i++)
            if (!last_set(rs, n->kids[i], lex, ent, cls, ok))
                return false;
        return true;
    case P_REP:
        return n->max != 0 && last_set(rs, n->kids[0], lex, ent, cls, ok);
    case P_CAP:
        return last_set(rs, n->kids[0], lex, ent, cls, ok);
    case P_BOL:
        return false;
    default:
        return node_first_set(rs, n, lex, ent, cls, ok);
    }
}

bool node_first_set(const govner_ruleset *rs, const pnode *n, u32_vec *lex, u32_vec *ent, u32_vec *cls, bool *ok) {
    switch (n->kind) {
    case P_REGEX:
        if (!rs->regexes.items[n->id].is_class)
            return false;
        *ok &= VEC_PUSH(cls, n->id);
        return true;
    case P_LEX:
        *ok &= VEC_PUSH(lex, n->id);
        return true;
    case P_ENT:
        *ok &= VEC_PUSH(ent, n->id);
        return true;
    case P_SEQ: {
        /* &X where the match may still be at its start: X starts there. Its set serves when what
         * follows gives none (&%latin /regex/). */
        const pnode *look = NULL;
        size_t n_lex = lex->len, n_ent = ent->len, n_cls = cls->len;
        int i = 0;
        for (; i < n->n_kids; i++) {
            const pnode *k = n->kids[i];
            if (!look && k->kind == P_LOOK && !k->neg && !node_nullable(k->kids[0])) {
                look = k->kids[0];
                n_lex = lex->len, n_ent = ent->len, n_cls = cls->len;
            }
            if (!node_first_set(rs, k, lex, ent, cls, ok))
                break;
            if (!node_nullable(k))
                return true;
        }
        /* Every element may match empty (lookarounds, optional parts): the sequence is nullable,
         * and its caller goes on to what follows, as for a single lookaround. */
        if (i == n->n_kids)
            return true;
        if (!look)
            return false;
        lex->len = n_lex, ent->len = n_ent, cls->len = n_cls;
        return node_first_set(rs, look, lex, ent, cls, ok);
    }
    case P_ALT:
        for (int i = 0; i < n->n_kids; i++)
            if (!node_first_set(rs, n->kids[i], lex, ent, cls, ok))
                return false;
        return true;
    case P_REP: /* when it may repeat zero times, the caller goes on to what follows */
        return n->max != 0 && node_first_set(rs, n->kids[0], lex, ent, cls, ok);
    case P_CAP:
        return node_first_set(rs, n->kids[0], lex, ent, cls, ok);
    case P_LOOK: case P_LOOKBEHIND: case P_BOL: case P_EOL:
        return true; /* zero width: adds nothing, and is nullable, so what follows decides */
    default:
        return false;
    }
}

static void bound_add(len_bound *a, const len_bound *b) {
    a->c += b->c;
    for (int t = 0; t < GOVNER_BOUND_TYPES; t++)
        a->coef[t] += b->coef[t];
}

static bool bound_zero(const len_bound *b) {
    for (int t = 0; t < GOVNER_BOUND_TYPES; t++)
        if (b->coef[t])
            return false;
    return b->c == 0;
}

/* An upper bound on the length of what n matches (len_bound); false when there is none. */
static bool max_length(const govner_ruleset *rs, const pnode *n, len_bound *b) {
    memset(b, 0, sizeof *b);
    switch (n->kind) {
    case P_LEX:
        b->c = (int)rs->lexicons.items[n->id].max_length;
        return true;
    case P_REGEX:
        b->c = 1;
        return rs->regexes.items[n->id].is_class;
    case P_ENT:
        if (n->id >= GOVNER_BOUND_TYPES)
            return false;
        b->coef[n->id] = 1;
        return true;
    case P_BOL: case P_EOL: case P_LOOK: case P_LOOKBEHIND:
        return true;
    case P_CAP:
        return max_length(rs, n->kids[0], b);
    case P_REP: {
        if (!max_length(rs, n->kids[0], b))
            return false;
        if (bound_zero(b))
            return true;
        if (n->max < 0 || n->max > 1000)
            return false;
        b->c *= n->max;
        for (int t = 0; t < GOVNER_BOUND_TYPES; t++)
            b->coef[t] *= n->max;
        return b->c < 100000;
    }
    case P_SEQ: case P_ALT:
        for (int i = 0; i < n->n_kids; i++) {
            len_bound k;
            if (!max_length(rs, n->kids[i], &k))
                return false;
            /* A sequence adds; an alternative takes the larger of each part, an upper bound. */
            b->c = n->kind == P_SEQ ? b->c + k.c : (k.c > b->c ? k.c : b->c);
            for (int t = 0; t < GOVNER_BOUND_TYPES; t++)
                b->coef[t] = n->kind == P_SEQ ? b->coef[t] + k.coef[t] : (k.coef[t] > b->coef[t] ? k.coef[t] : b->coef[t]);
            if (b->c >= 100000)
                return false;
        }
        return true;
    }
    return false;
}

/* A lower bound on the length of what n matches. */
static int min_length(const govner_ruleset *rs, const pnode *n) {
    int sum = 0;
    switch (n->kind) {
    case P_LEX:
        return (int)rs->lexicons.items[n->id].min_length;
    case P_REGEX:
        return rs->regexes.items[n->id].is_class ? 1 : 0;
    case P_ENT:
        return 1;
    case P_CAP:
        return min_length(rs, n->kids[0]);
    case P_REP: {
        long v = (long)n->min * min_length(rs, n->kids[0]);
        return v > 100000 ? 100000 : (int)v;
    }
    case P_SEQ:
        for (int i = 0; i < n->n_kids && sum < 100000; i++)
            sum += min_length(rs, n->kids[i]);
        return sum;
    case P_ALT:
        for (int i = 0; i < n->n_kids; i++) {
            int k = min_length(rs, n->kids[i]);
            if (i == 0 || k < sum)
                sum = k;
        }
        return sum;
    default:
        return 0;
    }
}

/* A candidate requirement (see rule.has_req): the elements one of which starts in [lo, hi]. */
typedef struct {
    u32_vec lex, ent, cls;
    int lo;
    len_bound hi;
    int rank;
} req_found;

static void req_clear(req_found *q) {
    VEC_FREE(&q->lex);
    VEC_FREE(&q->ent);
    VEC_FREE(&q->cls);
}

/* Rank of a requirement: entity types are rarer than lexicon entries, which are rarer than
 * characters of a class; the anchor itself (at distance 0, not a lookahead) says nothing new. */
static int req_rank(const req_found *q, bool at_anchor) {
    if (at_anchor || q->lex.len + q->ent.len + q->cls.len == 0)
        return 0;
    return q->cls.len ? 1 : q->lex.len ? 2 : 3;
}

/* Does every lexicon of requirement q satisfy `ok`? False when q holds anything but lexicons. */
static bool lexicons_all(const govner_ruleset *rs, const req_found *q, bool (*ok)(const lexicon *)) {
    if (q->ent.len || q->cls.len || !q->lex.len)
        return false;
    for (size_t i = 0; i < q->lex.len; i++)
        if (!ok(&rs->lexicons.items[q->lex.items[i]]))
            return false;
    return true;
}

static bool is_literal(const lexicon *l) { return l->literal; }
static bool is_words(const lexicon *l) { return !l->has_single; }
static bool is_characters(const lexicon *l) { return !l->literal && l->max_length == 1; }

/* Does requirement q say more than *best? Entity types outrank lexicons, which outrank classes
 * (req_rank). Between lexicons, literals the rule spells out ("、", "同志") are rarer in text than a
 * lexicon of characters of a kind (given-name characters), which is almost a class; so is a
 * context of lexicons and classes (what may follow a name: verbs, punctuation); and lexicons of
 * words are rarer than lexicons with characters. */
static bool outranks(const govner_ruleset *rs, const req_found *q, const req_found *best) {
    if (q->rank > best->rank)
        return true;
    if (best->rank != 2 || (q->rank != 1 && q->rank != 2))
        return false;
    bool best_characters = lexicons_all(rs, best, is_characters);
    if (q->rank == 1)
        return q->lex.len && best_characters;
    return (best_characters && lexicons_all(rs, q, is_literal)) ||
           (lexicons_all(rs, q, is_words) && !lexicons_all(rs, best, is_words));
}

/* What starts `what` (the element itself, or a positive lookahead's pattern), required at offsets
 * [lo, hi]: kept in *best when it ranks above what is there. */
static void offer_requirement(const govner_ruleset *rs, const pnode *what, bool look, int lo, len_bound hi,
                              req_found *best, bool *ok) {
    req_found q = {.lo = lo, .hi = hi};
    if (node_first_set(rs, what, &q.lex, &q.ent, &q.cls, ok) && !node_nullable(what)) {
        q.rank = req_rank(&q, !look && bound_zero(&hi));
        if (outranks(rs, &q, best)) {
            req_clear(best);
            *best = q;
            return;
        }
    }
    req_clear(&q);
}

/* Look through the sequence n (or n alone) for the best requirement, starting at offsets
 * [lo, hi] from the start of the match; keep it in *best when it ranks above what is there.
 * Groups are looked into (through captures and repetitions of at least one), alternatives and
 * positive lookaheads give the set of elements they begin with. */
static void find_requirement(const govner_ruleset *rs, const pnode *n, int lo, len_bound hi, req_found *best,
                             bool *ok) {
    const pnode *const *items = &n;
    int n_items = 1;
    if (n->kind == P_SEQ) {
        items = (const pnode *const *)n->kids;
        n_items = n->n_kids;
    }
    for (int i = 0; i < n_items && best->rank < 3; i++) {
        const pnode *e = items[i];
        /* A repeat of at least two (%translit{3,6}) has its element again one element on: a
         * requirement there says more than the anchor. */
        const pnode *twice = NULL;
        while (e->kind == P_CAP || (e->kind == P_REP && e->min >= 1)) {
            if (e->kind == P_REP && e->min >= 2 && !twice)
                twice = e->kids[0];
            e = e->kids[0];
        }
        bool look = e->kind == P_LOOK && !e->neg;
        if (e->kind == P_SEQ && e != n) {
            find_requirement(rs, e, lo, hi, best, ok); /* a group: look inside, continuing the offset */
        } else if (look || e->kind == P_LEX || e->kind == P_ENT || e->kind == P_ALT ||
                   (e->kind == P_REGEX && rs->regexes.items[e->id].is_class)) {
            const pnode *what = look ? e->kids[0] : e;
            offer_requirement(rs, what, look, lo, hi, best, ok);
            len_bound k;
            if (twice && !look && max_length(rs, twice, &k)) {
                len_bound hi2 = hi;
                bound_add(&hi2, &k);
                offer_requirement(rs, what, false, lo + min_length(rs, twice), hi2, best, ok);
            }
        }
        len_bound k;
        if (!max_length(rs, items[i], &k))
            return;
        bound_add(&hi, &k);
        lo += min_length(rs, items[i]);
    }
}

static bool freeze_ids(parser *p, const u32_vec *v, uint32_t **out, int *count);

/* Set the rule's requirement (rule.has_req) from its body. */
static bool rule_requirement(parser *p, const pnode *body, rule *r) {
    req_found best = {0};
    bool ok = true;
    find_requirement(p->rs, body, 0, (len_bound){0}, &best, &ok);
    r->has_req = ok && best.rank > 0;
    if (r->has_req) {
        r->req_lo = best.lo;
        r->req_hi = best.hi;
        for (int t = 0; t < GOVNER_BOUND_TYPES; t++)
            r->req_hi_var |= best.hi.coef[t] != 0;
        ok = freeze_ids(p, &best.lex, &r->req_lex, &r->n_req_lex) &&
             freeze_ids(p, &best.ent, &r->req_ent, &r->n_req_ent) &&
             freeze_ids(p, &best.cls, &r->req_class, &r->n_req_class);
    }
    req_clear(&best);
    return ok;
}

/* Section - Rules ------------------------------------------------------------------------------- */

static bool is_clause(const token *t) {
    static const char *const kw[] = {"priority", "no-reject", "match", "left", "not-left",
                                     "right", "not-right", "emit", "example"};
    if (t->kind != T_WORD)
        return false;
    for (size_t i = 0; i < sizeof kw / sizeof *kw; i++)
        if (strcmp(t->value, kw[i]) == 0)
            return true;
    return false;
}

/* Token ranges of one clause: from its keyword to the next clause keyword at a line start. */
typedef struct {
    token *kw, *end;
} clause;

static govner_status parse_example(parser *p, token *t, token *end) {
    /* example "text" (-> | !>) TYPE "text" [key="value"] ... */
    example ex = {.file = p->file, .line = t->line};
    token *kw = t++;
    while (t < end && t->kind == T_EOL)
        t++;
    if (t >= end || t->kind != T_STRING)
        return tok_error(p, t < end ? t : kw, "expected the example text as a string");
    ex.text = t->value;
    t++;
    while (t < end && t->kind == T_EOL)
        t++;
    if (t >= end || (t->kind != T_ARROW && t->kind != T_NARROW))
        return tok_error(p, t < end ? t : kw, "expected '->' (must find) or '!>' (must not find)");
    ex.negative = t->kind == T_NARROW;
    t++;
    VEC(expectation) exps = {0};
    while (t < end) {
        if (t->kind == T_EOL || (t->kind == T_PUNCT && (t->punct == ',' || t->punct == ';'))) {
            t++;
            continue;
        }
        if (t->kind != T_WORD) {
            VEC_FREE(&exps);
            return tok_error(p, t, "expected an entity type");
        }
        int ty = find_type(p->rs, t->value);
        if (ty < 0) {
            VEC_FREE(&exps);
            return tok_error(p, t, "unknown entity type '%s'", t->value);
        }
        expectation e = {.type = (uint32_t)ty};
        t++;
        if (t >= end || t->kind != T_STRING) {
            VEC_FREE(&exps);
            return tok_error(p, t < end ? t : t - 1, "expected the entity text as a string");
        }
        e.text = t->value;
        t++;
        const token *a0 = t;
        while (t + 1 < end && t->kind == T_WORD && t[1].kind == T_PUNCT && t[1].punct == '=') {
            if (t + 2 >= end || t[2].kind != T_STRING) {
                VEC_FREE(&exps);
                return tok_error(p, t, "expected key=\"value\"");
            }
            t += 3;
        }
        e.n_attrs = (int)((t - a0) / 3);
        if (e.n_attrs) {
            e.keys = arena_alloc(&p->rs->mem, (size_t)e.n_attrs * sizeof *e.keys);
            e.values = arena_alloc(&p->rs->mem, (size_t)e.n_attrs * sizeof *e.values);
            if (!e.keys || !e.values) {
                VEC_FREE(&exps);
                return nomem(p);
            }
            for (int a = 0; a < e.n_attrs; a++) {
                e.keys[a] = a0[3 * a].value;
                e.values[a] = a0[3 * a + 2].value;
            }
        }
        if (!VEC_PUSH(&exps, e)) {
            VEC_FREE(&exps);
            return nomem(p);
        }
    }
    if (exps.len == 0)
        return tok_error(p, kw, "an example needs at least one expected entity");
    ex.expect = arena_alloc(&p->rs->mem, exps.len * sizeof *exps.items);
    if (!ex.expect) {
        VEC_FREE(&exps);
        return nomem(p);
    }
    memcpy(ex.expect, exps.items, exps.len * sizeof *exps.items);
    ex.n_expect = (int)exps.len;
    VEC_FREE(&exps);
    return VEC_PUSH(&p->rs->examples, ex) ? GOVNER_OK : nomem(p);
}

/* A constant that names captures in braces ("{province}{b}") becomes a template of parts; braces
 * around anything else ({province}, filled by the jurisdiction pass) stay text. */
static govner_status parse_template(parser *p, const pparse *pp, const token *v, emit_attr *a) {
    VEC(emit_part) parts = {0};
    const char *s = v->value, *lit = s;
    bool named = false, ok = true;
    for (const char *q = s; *q && ok; q++) {
        const char *close = *q == '{' ? strchr(q, '}') : NULL;
        if (!close)
            continue;
        int c = find_capture(pp, q + 1, (size_t)(close - q - 1));
        if (c < 0)
            continue;
        named = true;
        if (q > lit) {
            char *t = arena_strndup(&p->rs->mem, lit, (size_t)(q - lit));
            ok = t && VEC_PUSH(&parts, ((emit_part){t, -1}));
        }
        ok = ok && VEC_PUSH(&parts, ((emit_part){NULL, c}));
        lit = close + 1;
        q = close;
    }
    if (ok && named && *lit) {
        char *t = arena_strdup(&p->rs->mem, lit);
        ok = t && VEC_PUSH(&parts, ((emit_part){t, -1}));
    }
    if (ok && named && parts.len > 16) {
        VEC_FREE(&parts);
        return tok_error(p, v, "a template of more than 16 pieces");
    }
    if (ok && named) {
        a->parts = arena_alloc(&p->rs->mem, parts.len * sizeof *parts.items);
        ok = a->parts != NULL;
        if (ok) {
            memcpy(a->parts, parts.items, parts.len * sizeof *parts.items);
            a->n_parts = (int)parts.len;
        }
    }
    VEC_FREE(&parts);
    return ok ? GOVNER_OK : nomem(p);
}

static govner_status parse_emit(parser *p, pparse *pp, token *t, token *end, emit *out) {
    token *kw = t++;
    while (t < end && t->kind == T_EOL)
        t++;
    if (t >= end || t->kind != T_WORD)
        return tok_error(p, t < end ? t : kw, "expected an entity type after 'emit'");
    int ty = find_type(p->rs, t->value);
    if (ty < 0)
        return tok_error(p, t, "unknown entity type '%s' (declare it with 'layer')", t->value);
    out->type = (uint32_t)ty;
    out->cap = -1;
    t++;
    VEC(emit_attr) attrs = {0};
    bool first = true;
    for (; t < end; first = false) {
        if (t->kind == T_EOL) {
            t++;
            continue;
        }
        if (t->kind != T_WORD) {
            VEC_FREE(&attrs);
            return tok_error(p, t, "expected a capture name, key=capture, key=[capture] or key=\"constant\"");
        }
        bool is_attr = t + 1 < end && t[1].kind == T_PUNCT && t[1].punct == '=';
        if (!is_attr) {
            if (!first) {
                VEC_FREE(&attrs);
                return tok_error(p, t, "the emitted capture comes right after the type");
            }
            int c = find_capture(pp, t->value, strlen(t->value));
            if (c < 0) {
                VEC_FREE(&attrs);
                return tok_error(p, t, "unknown capture '%s'", t->value);
            }
            out->cap = c;
            t++;
            continue;
        }
        emit_attr a = {.key = t->value, .cap = -1};
        token *v = t + 2;
        if (v + 2 < end && v->kind == T_PUNCT && v->punct == '[' && v[2].kind == T_PUNCT && v[2].punct == ']') {
            a.is_list = true;
            v++;
        }
        if (v >= end || (v->kind != T_WORD && v->kind != T_STRING)) {
            VEC_FREE(&attrs);
            return tok_error(p, t, "expected key=capture or key=\"constant\"");
        }
        if (v->kind == T_STRING) {
            a.value = v->value;
            govner_status st = parse_template(p, pp, v, &a);
            if (st != GOVNER_OK) {
                VEC_FREE(&attrs);
                return st;
            }
        } else {
            a.cap = find_capture(pp, v->value, strlen(v->value));
            if (a.cap < 0) {
                VEC_FREE(&attrs);
                return tok_error(p, v, "unknown capture '%s'", v->value);
            }
        }
        if (!VEC_PUSH(&attrs, a)) {
            VEC_FREE(&attrs);
            return nomem(p);
        }
        t = v + 1 + a.is_list;
    }
    out->n_attrs = (int)attrs.len;
    out->attrs = NULL;
    if (attrs.len) {
        out->attrs = arena_alloc(&p->rs->mem, attrs.len * sizeof *attrs.items);
        if (!out->attrs) {
            VEC_FREE(&attrs);
            return nomem(p);
        }
        memcpy(out->attrs, attrs.items, attrs.len * sizeof *attrs.items);
    }
    VEC_FREE(&attrs);
    return GOVNER_OK;
}

/* Copy a list of ids into the ruleset's arena. False when out of memory. */
static bool freeze_ids(parser *p, const u32_vec *v, uint32_t **out, int *count) {
    *count = (int)v->len;
    *out = arena_alloc(&p->rs->mem, (v->len + 1) * sizeof **out);
    if (*out && v->len)
        memcpy(*out, v->items, v->len * sizeof **out);
    return *out != NULL;
}

/* Compile the rule whose tokens are p->toks (first token: 'rule', then the clauses). */
static govner_status compile_rule(parser *p) {
    token *t = p->toks.items, *end = t + p->toks.len;
    token *head = t;
    if (t + 1 >= end || t[1].kind != T_WORD)
        return tok_error(p, t, "expected a rule name after 'rule'");
    if (p->n_phases == 0)
        return tok_error(p, t, "rule before any 'phase' statement");
    rule r = {.name = t[1].value, .file = p->file, .line = t->line};
    t += 2;
    if (t < end && t->kind != T_EOL)
        return tok_error(p, t, "unexpected token after the rule name");

    /* Split into clauses: a clause keyword at the start of a line begins a new one. */
    clause cl[64];
    int n_cl = 0;
    for (; t < end; t++) {
        if (t->kind == T_EOL)
            continue;
        if (t > head && t[-1].kind == T_EOL && is_clause(t)) {
            if (n_cl == 64)
                return tok_error(p, t, "too many clauses in one rule");
            if (n_cl)
                cl[n_cl - 1].end = t;
            cl[n_cl].kw = t;
            n_cl++;
        } else if (n_cl == 0) {
            return tok_error(p, t, "expected a clause: priority, match, left, not-left, right, not-right, emit or example");
        }
    }
    if (n_cl)
        cl[n_cl - 1].end = end;

    pparse pp = {.p = p};
    pnode *body = NULL;
    pnode *ctx[32];
    int n_ctx = 0;
    VEC(emit) emits = {0};
    govner_status st = GOVNER_OK;
    for (int i = 0; i < n_cl && st == GOVNER_OK; i++) {
        const char *kw = cl[i].kw->value;
        token *a = cl[i].kw + 1, *b = cl[i].end;
        /* Clause bodies may continue over lines; drop the line ends in patterns. */
        if (strcmp(kw, "priority") == 0) {
            if (a >= b || a->kind != T_INT)
                st = tok_error(p, cl[i].kw, "expected an integer after 'priority'");
            else
                r.priority = atoi(a->value);
        } else if (strcmp(kw, "no-reject") == 0) {
            if (a < b && a->kind != T_EOL)
                st = tok_error(p, a, "'no-reject' takes nothing after it");
            else
                r.no_reject = true;
        } else if (strcmp(kw, "match") == 0 || strcmp(kw, "left") == 0 || strcmp(kw, "not-left") == 0 ||
                   strcmp(kw, "right") == 0 || strcmp(kw, "not-right") == 0) {
            token flat[256];
            int nf = 0;
            for (token *x = a; x < b; x++)
                if (x->kind != T_EOL) {
                    if (nf == 256) {
                        st = tok_error(p, x, "clause too long (256 tokens)");
                        break;
                    }
                    flat[nf++] = *x;
                }
            if (st != GOVNER_OK)
                break;
            if (nf == 0) {
                st = tok_error(p, cl[i].kw, "expected a pattern after '%s'", kw);
                break;
            }
            token *fl = arena_alloc(&p->rs->mem, (size_t)(nf + 1) * sizeof *fl);
            if (!fl) {
                st = nomem(p);
                break;
            }
            memcpy(fl, flat, (size_t)nf * sizeof *fl);
            fl[nf] = flat[nf - 1];
            fl[nf].kind = T_EOL;
            fl[nf].col += (int)utf8_length(flat[nf - 1].text, flat[nf - 1].len);
            bool is_left = kw[0] == 'l' || (kw[0] == 'n' && kw[4] == 'l');
            pp.backward = is_left;
            pnode *pat;
            st = parse_pattern(&pp, fl, fl + nf, &pat);
            pp.backward = false;
            if (st != GOVNER_OK)
                break;
            if (kw[0] == 'm') {
                if (body) {
                    st = tok_error(p, cl[i].kw, "a rule has one 'match' clause");
                    break;
                }
                body = pat;
            } else {
                if (n_ctx == 32) {
                    st = tok_error(p, cl[i].kw, "too many context clauses");
                    break;
                }
                pnode *look = new_node(p, is_left ? P_LOOKBEHIND : P_LOOK, 1);
                if (!look) {
                    st = nomem(p);
                    break;
                }
                look->neg = kw[0] == 'n';
                look->kids[0] = pat;
                ctx[n_ctx++] = look;
            }
        } else if (strcmp(kw, "emit") == 0) {
            emit e;
            if (!body) {
                st = tok_error(p, cl[i].kw, "'emit' must follow the 'match' clause");
                break;
            }
            if ((st = parse_emit(p, &pp, cl[i].kw, b, &e)) == GOVNER_OK && !VEC_PUSH(&emits, e))
                st = nomem(p);
        } else if (strcmp(kw, "example") == 0) {
            st = parse_example(p, cl[i].kw, b);
        }
    }
    if (st == GOVNER_OK && !body)
        st = tok_error(p, head, "rule '%s' has no 'match' clause", r.name);
    if (st == GOVNER_OK && emits.len == 0)
        st = tok_error(p, head, "rule '%s' has no 'emit' clause", r.name);
    if (st != GOVNER_OK) {
        VEC_FREE(&emits);
        VEC_FREE(&pp.caps);
        return st;
    }

    /* body := SEQ(left contexts, match, right contexts); contexts are zero-width. */
    pnode *seq = new_node(p, P_SEQ, n_ctx + 1);
    if (!seq) {
        VEC_FREE(&emits);
        VEC_FREE(&pp.caps);
        return nomem(p);
    }
    int k = 0;
    for (int i = 0; i < n_ctx; i++)
        if (ctx[i]->kind == P_LOOKBEHIND)
            seq->kids[k++] = ctx[i];
    seq->kids[k++] = body;
    for (int i = 0; i < n_ctx; i++)
        if (ctx[i]->kind == P_LOOK)
            seq->kids[k++] = ctx[i];
    r.body = seq;

    /* Anchor on the match clause (left contexts are zero-width and do not move the start). */
    u32_vec alex = {0}, aent = {0}, acls = {0};
    bool ok = true;
    r.anywhere = node_nullable(body) || !node_first_set(p->rs, body, &alex, &aent, &acls, &ok) ||
                 alex.len + aent.len + acls.len == 0;
    if (!ok) {
        st = nomem(p);
    } else if (!r.anywhere) {
        if (!freeze_ids(p, &alex, &r.anchor_lex, &r.n_anchor_lex) ||
            !freeze_ids(p, &aent, &r.anchor_ent, &r.n_anchor_ent) ||
            !freeze_ids(p, &acls, &r.anchor_class, &r.n_anchor_class))
            st = nomem(p);
    }
    VEC_FREE(&alex);
    VEC_FREE(&aent);
    VEC_FREE(&acls);

    if (st == GOVNER_OK && !rule_requirement(p, r.body, &r))
        st = nomem(p);

    /* Left anchor: from the first positive left context. `^` alone is kept as a flag. */
    for (int i = 0; i < n_ctx && st == GOVNER_OK; i++) {
        pnode *c = ctx[i];
        if (c->kind != P_LOOKBEHIND || c->neg)
            continue;
        pnode *kid = c->kids[0];
        pnode *alts[64];
        int n_alts = 0;
        if (kid->kind == P_ALT)
            for (int a = 0; a < kid->n_kids; a++)
                alts[n_alts++] = kid->kids[a];
        else
            alts[n_alts++] = kid;
        u32_vec llex = {0}, lent = {0}, lcls = {0};
        bool good = true, bol = false;
        for (int a = 0; a < n_alts && good; a++) {
            if (alts[a]->kind == P_BOL)
                bol = true;
            else if (node_nullable(alts[a]) || !last_set(p->rs, alts[a], &llex, &lent, &lcls, &ok))
                good = false;
        }
        if (!ok) {
            st = nomem(p);
        } else if (good && (llex.len || lent.len || lcls.len || bol)) {
            r.left_anchored = true;
            r.left_bol = bol;
            r.left_ctx = c;
            r.left_exact = true;
            for (int a = 0; a < n_alts; a++) {
                pnode_kind k = alts[a]->kind;
                if (!(k == P_LEX || k == P_ENT || k == P_BOL || (k == P_REGEX && p->rs->regexes.items[alts[a]->id].is_class)))
                    r.left_exact = false;
            }
            if (!freeze_ids(p, &llex, &r.left_lex, &r.n_left_lex) ||
                !freeze_ids(p, &lent, &r.left_ent, &r.n_left_ent) ||
                !freeze_ids(p, &lcls, &r.left_class, &r.n_left_class))
                st = nomem(p);
        }
        VEC_FREE(&llex);
        VEC_FREE(&lent);
        VEC_FREE(&lcls);
        break;
    }

    r.n_caps = (int)pp.caps.len;
    r.cap_names = arena_alloc(&p->rs->mem, (pp.caps.len + 1) * sizeof *r.cap_names);
    r.emits = arena_alloc(&p->rs->mem, (emits.len + 1) * sizeof *r.emits);
    if (st == GOVNER_OK && (!r.cap_names || !r.emits))
        st = nomem(p);
    if (st == GOVNER_OK) {
        if (pp.caps.len)
            memcpy(r.cap_names, pp.caps.items, pp.caps.len * sizeof *pp.caps.items);
        if (emits.len)
            memcpy(r.emits, emits.items, emits.len * sizeof *emits.items);
        r.n_emits = (int)emits.len;
        for (size_t ph = 0; ph < p->n_phases; ph++)
            for (size_t j = 0; j < p->phase_rules[ph].len; j++)
                if (strcmp(p->phase_rules[ph].items[j].name, r.name) == 0)
                    st = tok_error(p, head, "rule '%s' is already defined at %s:%d", r.name,
                                   p->phase_rules[ph].items[j].file, p->phase_rules[ph].items[j].line);
    }
    if (st == GOVNER_OK && !VEC_PUSH(&p->phase_rules[p->n_phases - 1], r))
        st = nomem(p);
    VEC_FREE(&emits);
    VEC_FREE(&pp.caps);
    return st;
}

/* Section - Statements -------------------------------------------------------------------------- */

static govner_status load_file(parser *p, const char *path, const token *from);

static char *join_path(parser *p, const char *base_file, const char *rel) {
    if (rel[0] == '/')
        return arena_strdup(&p->rs->mem, rel);
    const char *slash = strrchr(base_file, '/');
    size_t dn = slash ? (size_t)(slash - base_file + 1) : 0;
    char *out = arena_alloc(&p->rs->mem, dn + strlen(rel) + 1);
    if (out) {
        memcpy(out, base_file, dn);
        strcpy(out + dn, rel);
    }
    return out;
}

static govner_status add_pass(parser *p, const token *at, pass ps) {
    if (p->n_phases == 0)
        return tok_error(p, at, "'%s' before any 'phase' statement", at->value);
    return VEC_PUSH(&p->phase_passes[p->n_phases - 1], ps) ? GOVNER_OK : nomem(p);
}

static govner_status expect_end(parser *p, const token *t) {
    return t->kind == T_EOL ? GOVNER_OK : tok_error(p, t, "unexpected token at the end of the statement");
}

static govner_status type_token(parser *p, const token *t, uint32_t *out) {
    if (t->kind != T_WORD)
        return tok_error(p, t, "expected an entity type");
    int ty = find_type(p->rs, t->value);
    if (ty < 0)
        return tok_error(p, t, "unknown entity type '%s' (declare it with 'layer')", t->value);
    *out = (uint32_t)ty;
    return GOVNER_OK;
}

static govner_status lex_token(parser *p, const token *t, uint32_t *out) {
    if (t->kind != T_LEX)
        return tok_error(p, t, "expected a lexicon (@name)");
    int lx = find_lexicon(p, t->value);
    if (lx < 0)
        return tok_error(p, t, "unknown lexicon '@%s'", t->value);
    *out = (uint32_t)lx;
    return GOVNER_OK;
}

/* One top-level statement whose tokens (one line) start at t. */
static govner_status statement(parser *p, token *t) {
    govner_ruleset *rs = p->rs;
    if (t->kind != T_WORD)
        return tok_error(p, t, "expected a statement");
    const char *kw = t->value;
    govner_status st;
    if (strcmp(kw, "include") == 0) {
        if (t[1].kind != T_STRING)
            return tok_error(p, &t[1], "expected a file name in quotes after 'include'");
        if ((st = expect_end(p, &t[2])) != GOVNER_OK)
            return st;
        char *path = join_path(p, p->file, t[1].value);
        if (!path)
            return nomem(p);
        return load_file(p, path, &t[1]);
    }
    if (strcmp(kw, "lexicon") == 0) {
        if (t[1].kind != T_WORD)
            return tok_error(p, &t[1], "expected a lexicon name after 'lexicon'");
        int lx;
        if ((st = new_lexicon(p, &t[1], t[1].value, false, &lx)) != GOVNER_OK)
            return st;
        if (t[2].kind == T_EOL)
            return GOVNER_OK; /* inline entries follow, indented */
        if (t[2].kind != T_STRING)
            return tok_error(p, &t[2], "expected a file name in quotes, or indented entries on the next lines");
        if ((st = expect_end(p, &t[3])) != GOVNER_OK)
            return st;
        char *path = join_path(p, p->file, t[2].value);
        if (!path)
            return nomem(p);
        st = lexicon_load_file(rs, (uint32_t)lx, path, p->err);
        if (st == GOVNER_ERR_IO)
            return tok_error(p, &t[2], "%s: %s", path, p->err->message);
        return st;
    }
    if (strcmp(kw, "class") == 0 || strcmp(kw, "regex") == 0) {
        if (t[1].kind != T_WORD)
            return tok_error(p, &t[1], "expected a name after '%s'", kw);
        if (find_regex(rs, t[1].value) >= 0 || find_pattern(rs, t[1].value) >= 0)
            return tok_error(p, &t[1], "'%s' is already defined", t[1].value);
        if (t[2].kind != T_REGEX)
            return tok_error(p, &t[2], "expected /regular expression/");
        if ((st = expect_end(p, &t[3])) != GOVNER_OK)
            return st;
        int rx;
        return compile_regex(p, &t[2], t[1].value, kw[0] == 'c', &rx);
    }
    if (strcmp(kw, "pattern") == 0) {
        if (t[1].kind != T_WORD)
            return tok_error(p, &t[1], "expected a name after 'pattern'");
        if (find_regex(rs, t[1].value) >= 0 || find_pattern(rs, t[1].value) >= 0)
            return tok_error(p, &t[1], "'%s' is already defined", t[1].value);
        token *end = t + 2;
        while (end->kind != T_EOL)
            end++;
        pparse pp = {.p = p};
        pnode *body;
        st = parse_pattern(&pp, t + 2, end, &body);
        bool captures = pp.caps.len > 0;
        VEC_FREE(&pp.caps);
        if (st != GOVNER_OK)
            return st;
        if (captures)
            return tok_error(p, &t[2], "a pattern cannot capture: put the capture in the rule around %%%s", t[1].value);
        named_pattern np = {.name = t[1].value, .body = body, .has_regex = has_regex(rs, body)};
        return VEC_PUSH(&rs->patterns, np) ? GOVNER_OK : nomem(p);
    }
    if (strcmp(kw, "layer") == 0) {
        if (t[1].kind != T_WORD)
            return tok_error(p, &t[1], "expected a layer name");
        if (!VEC_PUSH(&rs->layers, t[1].value))
            return nomem(p);
        if (t[2].kind == T_EOL)
            return tok_error(p, &t[2], "a layer lists at least one entity type");
        for (token *x = t + 2; x->kind != T_EOL; x++) {
            if (x->kind != T_WORD)
                return tok_error(p, x, "expected an entity type name");
            if (find_type(rs, x->value) >= 0)
                return tok_error(p, x, "entity type '%s' is already in a layer", x->value);
            entity_type et = {.name = x->value, .layer = (uint32_t)rs->layers.len - 1};
            if (!VEC_PUSH(&rs->types, et))
                return nomem(p);
        }
        return GOVNER_OK;
    }
    if (strcmp(kw, "phase") == 0) {
        if (t[1].kind != T_WORD)
            return tok_error(p, &t[1], "expected a phase name");
        if ((st = expect_end(p, &t[2])) != GOVNER_OK)
            return st;
        for (size_t i = 0; i < rs->phases.len; i++)
            if (strcmp(rs->phases.items[i].name, t[1].value) == 0)
                return tok_error(p, &t[1], "phase '%s' is already defined", t[1].value);
        phase ph = {.name = t[1].value};
        void *nr = realloc(p->phase_rules, (p->n_phases + 1) * sizeof *p->phase_rules);
        if (!nr)
            return nomem(p);
        p->phase_rules = nr;
        void *np = realloc(p->phase_passes, (p->n_phases + 1) * sizeof *p->phase_passes);
        if (!np)
            return nomem(p);
        p->phase_passes = np;
        memset(&p->phase_rules[p->n_phases], 0, sizeof *p->phase_rules);
        memset(&p->phase_passes[p->n_phases], 0, sizeof *p->phase_passes);
        p->n_phases++;
        return VEC_PUSH(&rs->phases, ph) ? GOVNER_OK : nomem(p);
    }
    if (strcmp(kw, "reject") == 0) {
        pass ps = {.kind = PASS_REJECT};
        if ((st = type_token(p, &t[1], &ps.type)) != GOVNER_OK)
            return st;
        if (t[2].kind == T_STRING) {
            /* reject TYPE "file": a word list of its own, checked against whole entities only, so
             * kept out of the trie (never scanned). */
            if ((st = expect_end(p, &t[3])) != GOVNER_OK)
                return st;
            /* Named `reject "file"`: no lexicon name or literal ("…") can be spelled so. */
            size_t n = strlen(t[2].value) + sizeof "reject \"\"";
            char *name = arena_alloc(&rs->mem, n);
            char *path = join_path(p, p->file, t[2].value);
            if (!name || !path)
                return nomem(p);
            snprintf(name, n, "reject \"%s\"", t[2].value);
            int lx = find_lexicon(p, name);
            if (lx < 0) {
                if ((st = new_lexicon(p, &t[2], name, false, &lx)) != GOVNER_OK)
                    return st;
                rs->lexicons.items[lx].exact = true;
                st = lexicon_load_file(rs, (uint32_t)lx, path, p->err);
                if (st == GOVNER_ERR_IO)
                    return tok_error(p, &t[2], "%s: %s", path, p->err->message);
                if (st != GOVNER_OK)
                    return st;
            }
            ps.lex = (uint32_t)lx;
        } else if ((st = lex_token(p, &t[2], &ps.lex)) != GOVNER_OK || (st = expect_end(p, &t[3])) != GOVNER_OK) {
            return st;
        }
        return add_pass(p, t, ps);
    }
    if (strcmp(kw, "propagate") == 0) {
        pass ps = {.kind = PASS_PROPAGATE};
        if ((st = type_token(p, &t[1], &ps.type)) != GOVNER_OK)
            return st;
        token *x = &t[2];
        if (x->kind == T_WORD && strcmp(x->value, "priority") == 0) {
            if (x[1].kind != T_INT)
                return tok_error(p, &x[1], "expected an integer after 'priority'");
            ps.priority = atoi(x[1].value);
            x += 2;
        }
        if ((st = expect_end(p, x)) != GOVNER_OK)
            return st;
        return add_pass(p, t, ps);
    }
    if (strcmp(kw, "merge") == 0) {
        pass ps = {.kind = PASS_MERGE};
        if ((st = type_token(p, &t[1], &ps.type)) != GOVNER_OK)
            return st;
        if (t[2].kind != T_WORD)
            return tok_error(p, &t[2], "expected the attribute to merge");
        ps.attr = t[2].value;
        if ((st = expect_end(p, &t[3])) != GOVNER_OK)
            return st;
        return add_pass(p, t, ps);
    }
    if (strcmp(kw, "disambiguate") == 0) {
        pass ps = {.kind = PASS_DISAMBIGUATE};
        if ((st = type_token(p, &t[1], &ps.type)) != GOVNER_OK || (st = expect_end(p, &t[2])) != GOVNER_OK)
            return st;
        return add_pass(p, t, ps);
    }
    if (strcmp(kw, "refer") == 0) {
        pass ps = {.kind = PASS_REFER};
        if ((st = type_token(p, &t[1], &ps.type)) != GOVNER_OK ||
            (st = type_token(p, &t[2], &ps.target)) != GOVNER_OK || (st = expect_end(p, &t[3])) != GOVNER_OK)
            return st;
        return add_pass(p, t, ps);
    }
    if (strcmp(kw, "jurisdiction") == 0) {
        pass ps = {.kind = PASS_JURISDICTION};
        if ((st = lex_token(p, &t[1], &ps.lex)) != GOVNER_OK || (st = expect_end(p, &t[2])) != GOVNER_OK)
            return st;
        return add_pass(p, t, ps);
    }
    return tok_error(p, t, "unknown statement '%s'", kw);
}

/* Finish the collected block: a rule, a top-level example, or inline lexicon lines (done already). */
static govner_status flush_block(parser *p) {
    govner_status st = GOVNER_OK;
    if (p->toks.len == 0)
        return st;
    token *t = p->toks.items;
    if (t->kind == T_WORD && strcmp(t->value, "rule") == 0)
        st = compile_rule(p);
    else if (t->kind == T_WORD && strcmp(t->value, "example") == 0)
        st = parse_example(p, t, t + p->toks.len);
    p->toks.len = 0;
    return st;
}

static govner_status load_file(parser *p, const char *path, const token *from) {
    char *real = realpath(path, NULL);
    if (!real) {
        if (from)
            return tok_error(p, from, "cannot open '%s': %s", path, strerror(errno));
        return error_set(p->err, GOVNER_ERR_IO, path, 0, 0, NULL, "cannot open rules: %s", strerror(errno));
    }
    for (int i = 0; i < p->depth; i++)
        if (strcmp(p->include_stack[i], real) == 0) {
            free(real);
            return tok_error(p, from, "include cycle: '%s' includes itself", path);
        }
    if (p->depth == MAX_INCLUDE_DEPTH) {
        free(real);
        return tok_error(p, from, "includes nested deeper than %d", MAX_INCLUDE_DEPTH);
    }
    const char *real_copy = arena_strdup(&p->rs->mem, real);
    free(real);
    if (!real_copy)
        return nomem(p);

    FILE *f = fopen(path, "rb");
    if (!f) {
        if (from)
            return tok_error(p, from, "cannot open '%s': %s", path, strerror(errno));
        return error_set(p->err, GOVNER_ERR_IO, path, 0, 0, NULL, "cannot open rules: %s", strerror(errno));
    }
    cache_note_file(p->rs, fileno(f));
    /* Lines stay alive in the arena: tokens and error messages point into them. */
    VEC(char) buf = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (!VEC_RESERVE(&buf, n)) {
            fclose(f);
            VEC_FREE(&buf);
            return nomem(p);
        }
        memcpy(buf.items + buf.len, chunk, n);
        buf.len += n;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        VEC_FREE(&buf);
        return error_set(p->err, GOVNER_ERR_IO, path, 0, 0, NULL, "cannot read rules");
    }
    char *text = arena_strndup(&p->rs->mem, buf.items ? buf.items : "", buf.len);
    size_t len = buf.len;
    VEC_FREE(&buf);
    if (!text)
        return nomem(p);

    const char *saved_file = p->file;
    VEC(token) saved_toks = {p->toks.items, p->toks.len, p->toks.cap};
    memset(&p->toks, 0, sizeof p->toks);
    p->file = arena_strdup(&p->rs->mem, path);
    p->include_stack[p->depth++] = real_copy;

    govner_status st = GOVNER_OK;
    size_t bad_at = govner_utf8_check(text, len);
    if (bad_at != len) {
        int line_no = 1;
        size_t ls = 0;
        for (size_t i = 0; i < bad_at; i++)
            if (text[i] == '\n')
                line_no++, ls = i + 1;
        st = error_set(p->err, GOVNER_ERR_RULES, p->file, line_no, (int)utf8_length(text + ls, bad_at - ls) + 1, NULL,
                       "rule file is not valid UTF-8");
    }
    int line_no = 0;
    int lexicon_block = -1;     /* inline lexicon being filled */
    char *line = text;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        line += 3;
    while (st == GOVNER_OK && line < text + len) {
        line_no++;
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[ll - 1] = '\0';
        const char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        bool blank = *s == '\0' || *s == '#';
        bool indented = s != line;
        if (!blank && indented) {
            if (lexicon_block >= 0) {
                st = lexicon_add_line(p->rs, (uint32_t)lexicon_block, s, strlen(s), p->file, line_no, p->err);
                if (st != GOVNER_OK) {
                    p->err->column += (int)(s - line);
                    snprintf(p->err->source_line, sizeof p->err->source_line, "%s", line);
                }
            } else if (p->toks.len == 0) {
                token at = {.line = line_no, .col = (int)(s - line) + 1, .line_text = line};
                st = tok_error(p, &at, "indented line outside a rule or lexicon");
            } else {
                st = lex_line(p, line, line_no);
            }
        } else if (!blank) {
            lexicon_block = -1;
            if ((st = flush_block(p)) != GOVNER_OK)
                break;
            size_t first = p->toks.len;
            if ((st = lex_line(p, line, line_no)) != GOVNER_OK)
                break;
            token *t = &p->toks.items[first];
            if (t->kind == T_WORD && (strcmp(t->value, "rule") == 0 || strcmp(t->value, "example") == 0)) {
                /* A block: keep its tokens until the next statement. */
            } else {
                st = statement(p, t);
                if (st == GOVNER_OK && t->kind == T_WORD && strcmp(t->value, "lexicon") == 0 && t[2].kind == T_EOL)
                    lexicon_block = (int)p->rs->lexicons.len - 1;
                p->toks.len = 0;
            }
        }
        line = nl ? nl + 1 : text + len;
    }
    if (st == GOVNER_OK)
        st = flush_block(p);
    VEC_FREE(&p->toks);
    p->toks.items = saved_toks.items;
    p->toks.len = saved_toks.len;
    p->toks.cap = saved_toks.cap;
    p->depth--;
    p->file = saved_file;
    return st;
}

govner_status rules_load(govner_ruleset *rs, const char *path, govner_error *err) {
    parser p = {.rs = rs, .err = err};
    govner_status st = load_file(&p, path, NULL);
    if (st == GOVNER_OK && rs->phases.len == 0)
        st = error_set(err, GOVNER_ERR_RULES, path, 0, 0, NULL, "no phase defined: nothing to match");
    for (size_t i = 0; i < p.n_phases; i++) {
        if (st == GOVNER_OK) {
            phase *ph = &rs->phases.items[i];
            size_t nr = p.phase_rules[i].len, np = p.phase_passes[i].len;
            ph->rules = arena_alloc(&rs->mem, (nr + 1) * sizeof *ph->rules);
            ph->passes = arena_alloc(&rs->mem, (np + 1) * sizeof *ph->passes);
            if (!ph->rules || !ph->passes) {
                st = nomem(&p);
            } else {
                if (nr)
                    memcpy(ph->rules, p.phase_rules[i].items, nr * sizeof *ph->rules);
                if (np)
                    memcpy(ph->passes, p.phase_passes[i].items, np * sizeof *ph->passes);
                ph->n_rules = nr;
                ph->n_passes = np;
                rs->n_rules += nr;
            }
        }
        VEC_FREE(&p.phase_rules[i]);
        VEC_FREE(&p.phase_passes[i]);
    }
    free(p.phase_rules);
    free(p.phase_passes);
    free(p.lex_slots);
    VEC_FREE(&p.toks);
    return st;
}
