/* main.c - the govner command: stdin, --lines, batches of files and directories, -o, -j, check. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <time.h>

#include "govner.h"
#include "input.h"
#include "vec.h"

enum {
    EXIT_OK = 0,
    EXIT_PARTIAL = 1,   /* some files of a batch failed; the others were written */
    EXIT_USAGE = 2,
    EXIT_IO = 3,
    EXIT_RULES = 4,
};

static const char usage_text[] =
    "Usage: govner [OPTIONS] [-]              read stdin as one document\n"
    "       govner [OPTIONS] --lines [FILE]   every line is a document (JSON Lines)\n"
    "       govner [OPTIONS] FILE|DIR ...     one JSON Lines record per file (directories recursively)\n"
    "       govner check [--rules DIR]        validate the rules and run their examples\n"
    "\n"
    "Find persons, titles, places and organizations in Chinese text; print JSON.\n"
    "\n"
    "Options:\n"
    "  --lines            treat each input line as its own document\n"
    "  --jsonl            read JSON Lines: {\"text\": ..., other fields copied to the output}\n"
    "  --rules DIR        rule set to use (default: the installed or in-tree rules)\n"
    "  --no-cache         build the lexicons anew instead of using the compiled copy kept in\n"
    "                     $GOVNER_CACHE_DIR or ~/.cache/govner (see README)\n"
    "  -o, --output DIR   write one JSON file per input file under DIR, mirroring the input tree\n"
    "  -j, --jobs N       worker threads for batches, --lines and --jsonl (default: one per core, at\n"
    "                     most 8); output does not depend on N\n"
    "  --format FMT       json (default) or tsv\n"
    "  --encoding ENC     input encoding (default: UTF-8, GB18030 detected); any iconv name\n"
    "  --explain          add to each entity the rule, captures and lexicon entries behind it\n"
    "  --profile          print to stderr, at the end, the work and time of each rule\n"
    "  -q, --quiet        no warnings or progress on stderr\n"
    "  -h, --help         show this help and exit\n"
    "  --version          show the version and exit\n"
    "\n"
    "Exit status: 0 success, 1 some files of a batch failed, 2 usage error,\n"
    "3 input/output error, 4 error in the rules.\n";

typedef struct {
    const char *rules;
    const char *outdir;
    const char *encoding;
    int jobs;
    bool lines;
    bool jsonl;
    bool tsv;
    bool quiet;
    bool explain;
    bool profile;
    bool no_cache;
} options;

static options opt = {.jobs = 0}; /* 0: default_jobs() */

/* The default number of workers: the cores this process may run on, at most 8 (beyond that the
 * writer, which keeps the input order, is the bottleneck). */
static int default_jobs(void) {
    long n = 1;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    else
#endif
        n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

static void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errorf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("govner: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warnf(const char *fmt, ...) {
    if (opt.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("govner: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Display width of a prefix, for the caret under a rule error (CJK characters are two columns). */
static void print_caret(const char *line, int column) {
    fprintf(stderr, "%s\n", line);
    const unsigned char *s = (const unsigned char *)line;
    int col = 1;
    while (*s && col < column) {
        unsigned c = *s;
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        fputc(c == '\t' ? '\t' : ' ', stderr);
        if (n >= 3)
            fputc(' ', stderr); /* most 3- and 4-byte characters here are wide CJK */
        while (n-- && *s)
            s++;
        col++;
    }
    fputs("^\n", stderr);
}

static void print_rule_error(const govner_error *err) {
    if (err->line > 0) {
        fprintf(stderr, "%s:%d:%d: %s\n", err->file, err->line, err->column, err->message);
        if (err->source_line[0])
            print_caret(err->source_line, err->column);
    } else {
        errorf("%s%s%s", err->file, err->file[0] ? ": " : "", err->message);
    }
}

/* Section - Finding the rules ------------------------------------------------------------------- */

static const char *default_rules(void) {
    const char *env = getenv("GOVNER_RULES");
    if (env && *env)
        return env;
    /* Run from the build tree: use the source tree's rules; otherwise the installed ones. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        char *build = realpath(GOVNER_BUILD_DIR, NULL);
        bool in_tree = build && strcmp(build, exe) == 0;
        free(build);
        if (in_tree)
            return GOVNER_SOURCE_RULES;
    }
    return GOVNER_INSTALLED_RULES;
}

/* Section - Output ------------------------------------------------------------------------------ */

static char *json_escape_path(const char *s) {
    size_t n = strlen(s);
    char *out = malloc(n * 6 + 3);
    if (!out)
        return NULL;
    char *o = out;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *o++ = '\\';
            *o++ = (char)*p;
        } else if (*p < 0x20) {
            o += sprintf(o, "\\u%04x", *p);
        } else {
            *o++ = (char)*p;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* Text built in memory (output prefixes, a block's output and messages), kept NUL-terminated. */
typedef VEC(char) text_buf;

static bool buf_put(text_buf *b, const char *s, size_t n) {
    if (!VEC_RESERVE(b, n + 1))
        return false;
    memcpy(b->items + b->len, s, n);
    b->len += n;
    b->items[b->len] = '\0';
    return true;
}
#define BUF_LIT(b, lit) buf_put(b, lit, sizeof lit - 1)
/* Room asked for a record's prefix at once: one allocation for most, not one per doubling. */
#define PREFIX_ROOM 256

static bool buf_printf(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool buf_printf(text_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !VEC_RESERVE(b, (size_t)n + 1))
        return false;
    va_start(ap, fmt);
    vsnprintf(b->items + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

/* Append one document's record to `into`: JSON with `prefix` fields and a newline, or TSV rows.
 * False when out of memory; then nothing of it stays. */
static bool render_into(govner_matcher *m, const char *prefix, const char *source, text_buf *into) {
    size_t before = into->len;
    char *text = opt.tsv ? govner_matcher_tsv(m, source) : govner_matcher_json(m, prefix);
    bool ok = text && buf_put(into, text, strlen(text)) && (opt.tsv || BUF_LIT(into, "\n"));
    free(text);
    if (!ok && into->items)
        into->items[into->len = before] = '\0';
    return ok;
}

/* Section - One document ------------------------------------------------------------------------ */

typedef struct {
    char *out;          /* rendered output, or NULL on failure */
    char *error;        /* message for stderr, or NULL */
    char *warning;
    bool write_failed;  /* streamed output could not be written */
    /* Set by the caller (--lines, once per line): the output goes at the end of *into, not into
     * out (appended tells it went), and *scratch is room for the record's prefix. */
    text_buf *into, *scratch;
    bool appended;
} result;

/* The encoding a --lines stream was converted from as a whole (UTF-16 or UTF-32 with a byte order
 * mark), reported for each of its lines; NULL for other input. Set before the workers start. */
static const char *stream_encoding;

static void render_result(govner_matcher *m, const decoded *d, const char *source, const char *prefix_extra,
                          result *r, FILE *stream);

/* Match raw bytes named `source` and render them (or, when `stream` is set and the format is JSON,
 * write them there at once); on failure set r->error. */
static void process_text_to(govner_matcher *m, char *raw, size_t len, const char *source, const char *prefix_extra,
                            result *r, FILE *stream) {
    decoded d;
    govner_error err;
    govner_status st = GOVNER_OK;
    bool matched = false;
    /* Most text is valid UTF-8: matched as it stands (the matcher checks it as it decodes); only
     * when it is not does decode_text convert or repair it, and the match is made again. */
    int e = decode_text_unchecked(raw, len, opt.encoding, &d);
    if (!e && d.unchecked) {
        st = govner_match(m, d.text + d.offset, d.len, &err);
        if (!(matched = st != GOVNER_ERR_INPUT))
            e = decode_text(raw, len, opt.encoding, &d);
    }
    if (!matched) {
        if (e) {
            if (asprintf(&r->error, "%s: %s", source,
                         e == EINVAL ? "unknown encoding" : e == EILSEQ ? "not valid in the given encoding" : strerror(e)) < 0)
                r->error = NULL;
            return;
        }
        /* Many bad bytes: the text is most likely in another encoding (UTF-16 without its byte order
         * mark, Big5, Shift JIS...), which only the user can name. */
        if (d.n_bad && asprintf(&r->warning, "%s: %zu invalid UTF-8 sequence(s) or NUL byte(s) replaced by U+FFFD, first at byte %zu%s",
                                source, d.n_bad, d.first_bad,
                                d.n_bad * 16 > len ? " (is the text in another encoding? name it with --encoding)" : "") < 0)
            r->warning = NULL;
        st = govner_match(m, d.text + d.offset, d.len, &err);
    }
    if (st == GOVNER_OK)
        render_result(m, &d, source, prefix_extra, r, stream);
    else if (asprintf(&r->error, "%s: %s", source, err.message) < 0)
        r->error = NULL;
    decoded_free(&d);
}

/* The output of a match of the text decoded as d (JSON with prefix_extra and "encoding", or TSV):
 * into r->out, or written to `stream` when it is set and the format is JSON. */
static void render_result(govner_matcher *m, const decoded *d, const char *source, const char *prefix_extra,
                          result *r, FILE *stream) {
    /* prefix_extra, then "encoding" (no printf: this runs once per line of --lines). */
    const char *encoding = stream_encoding ? stream_encoding : d->encoding;
    text_buf own = {0}, *pre = r->scratch ? r->scratch : &own;
    pre->len = 0;
    bool built = VEC_RESERVE(pre, PREFIX_ROOM) &&
                 (!prefix_extra || (buf_put(pre, prefix_extra, strlen(prefix_extra)) && BUF_LIT(pre, ","))) &&
                 BUF_LIT(pre, "\"encoding\":\"") && buf_put(pre, encoding, strlen(encoding)) &&
                 BUF_LIT(pre, "\",");
    const char *prefix = built ? pre->items : NULL;
    if (stream && prefix && !opt.tsv) {
        if (govner_matcher_write_json(m, prefix, stream) == 0)
            r->out = strdup("");
        else
            r->write_failed = true;
    } else if (prefix && r->into) {
        r->appended = render_into(m, prefix, source, r->into);
    } else if (prefix) {
        text_buf out = {0};
        if (render_into(m, prefix, source, &out))
            r->out = out.items;
        else
            VEC_FREE(&out);
    }
    if (!r->out && !r->appended && !r->error && !r->write_failed &&
        asprintf(&r->error, "%s: out of memory", source) < 0)
        r->error = NULL;
    VEC_FREE(&own);
}

static void process_text(govner_matcher *m, char *raw, size_t len, const char *source, const char *prefix_extra,
                         result *r) {
    process_text_to(m, raw, len, source, prefix_extra, r, NULL);
}

/* Section - Batches ----------------------------------------------------------------------------- */

typedef struct {
    char *path;         /* as found */
    char *rel;          /* relative path under -o */
    off_t size;         /* for progress */
} job;

typedef VEC(job) job_list;


static job_list jobs;

static bool add_job(const char *path, const char *rel, off_t size) {
    job j = {strdup(path), strdup(rel), size};
    if (!j.path || !j.rel || !VEC_PUSH(&jobs, j)) {
        free(j.path);
        free(j.rel);
        return false;
    }
    return true;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The directories being walked, outermost first: a directory met again is a symlink loop. */
static struct { dev_t dev; ino_t ino; } walk_stack[256];

/* Collect regular files under dir, sorted by name so output order is stable. */
static int walk(const char *dir, const char *rel, int depth, int *failures) {
    struct stat dst;
    if (depth >= 256) {
        errorf("%s: directories nested too deep", dir);
        (*failures)++;
        return 0;
    }
    if (stat(dir, &dst) == 0) {
        for (int i = 0; i < depth; i++)
            if (walk_stack[i].dev == dst.st_dev && walk_stack[i].ino == dst.st_ino) {
                errorf("%s: symlink loop (a directory that contains itself), skipped", dir);
                (*failures)++;
                return 0;
            }
        walk_stack[depth].dev = dst.st_dev;
        walk_stack[depth].ino = dst.st_ino;
    }
    DIR *d = opendir(dir);
    if (!d) {
        errorf("%s: %s", dir, strerror(errno));
        (*failures)++;
        return 0;
    }
    VEC(char *) names = {0};
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *nm = strdup(de->d_name);
        if (!nm || !VEC_PUSH(&names, nm)) {
            free(nm);
            closedir(d);
            return ENOMEM;
        }
    }
    closedir(d);
    qsort(names.items, names.len, sizeof *names.items, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < names.len; i++) {
        char *path = NULL, *r = NULL;
        if (asprintf(&path, "%s/%s", dir, names.items[i]) < 0 ||
            asprintf(&r, "%s%s%s", rel, rel[0] ? "/" : "", names.items[i]) < 0) {
            rc = ENOMEM;
            break;
        }
        struct stat st;
        if (stat(path, &st) != 0) {
            errorf("%s: %s", path, strerror(errno));
            (*failures)++;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(path, r, depth + 1, failures);
        } else if (S_ISREG(st.st_mode)) {
            if (!add_job(path, r, st.st_size))
                rc = ENOMEM;
        } else {
            errorf("%s: not a regular file, skipped", path);
            (*failures)++;
        }
        free(path);
        free(r);
        if (rc)
            break;
    }
    for (size_t i = 0; i < names.len; i++)
        free(names.items[i]);
    VEC_FREE(&names);
    return rc;
}

static int mkdirs(const char *path) {
    char *p = strdup(path);
    if (!p)
        return ENOMEM;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            return e;
        }
        *s = '/';
    }
    int e = (mkdir(p, 0777) != 0 && errno != EEXIST) ? errno : 0;
    free(p);
    return e;
}

/* Write `data` to path atomically: a temporary file in the same directory, then rename. */
static int write_atomic(const char *path, const char *data) {
    char *dir = strdup(path);
    if (!dir)
        return ENOMEM;
    char *slash = strrchr(dir, '/');
    int e = 0;
    if (slash) {
        *slash = '\0';
        e = mkdirs(dir);
    }
    free(dir);
    if (e)
        return e;
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
        return ENOMEM;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        e = errno;
        free(tmp);
        return e;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        return e;
    }
    fputs(data, f);
    if (fflush(f) != 0 || ferror(f) || fsync(fd) != 0)
        e = errno ? errno : EIO;
    if (fclose(f) != 0 && !e)
        e = errno;
    if (!e && chmod(tmp, 0644) != 0)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    free(tmp);
    return e;
}

typedef struct {
    const govner_ruleset *rs;
    result *results;
    bool *done;
    size_t next;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} batch;

/* Binary data, not a document: NUL bytes in more than 1% of the first 64 KiB. A stray NUL in a text
 * is only replaced (see input.c). */
static bool looks_binary(const char *raw, size_t len) {
    if (opt.encoding || has_unicode_bom(raw, len))
        return false; /* UTF-16 and UTF-32 are full of NUL bytes */
    size_t n = len < 65536 ? len : 65536, nul = 0;
    for (size_t i = 0; i < n; i++)
        nul += raw[i] == '\0';
    return nul > n / 100 + 1;
}

static void process_job(govner_matcher *m, const job *j, result *r) {
    FILE *f = fopen(j->path, "rb");
    if (!f) {
        if (asprintf(&r->error, "%s: %s", j->path, strerror(errno)) < 0)
            r->error = NULL;
        return;
    }
    char *raw;
    size_t len;
    int e = read_all(f, &raw, &len);
    fclose(f);
    if (e) {
        if (asprintf(&r->error, "%s: %s", j->path, strerror(e)) < 0)
            r->error = NULL;
        return;
    }
    if (looks_binary(raw, len)) {
        if (asprintf(&r->error, "%s: binary file (many NUL bytes; UTF-16 without a byte order mark needs --encoding UTF-16LE or UTF-16BE), skipped", j->path) < 0)
            r->error = NULL;
        free(raw);
        return;
    }
    char *src = json_escape_path(j->path);
    char *prefix = NULL;
    if (!src || asprintf(&prefix, "\"source\":%s", src) < 0)
        prefix = NULL;
    if (!prefix) {
        if (asprintf(&r->error, "%s: out of memory", j->path) < 0)
            r->error = NULL;
    } else {
        process_text(m, raw, len, j->path, prefix, r);
    }
    free(src);
    free(prefix);
    free(raw);
    if (r->out && opt.outdir) {
        char *path = NULL;
        if (asprintf(&path, "%s/%s.%s", opt.outdir, j->rel, opt.tsv ? "tsv" : "json") < 0) {
            if (asprintf(&r->error, "%s: out of memory", j->path) < 0)
                r->error = NULL;
        } else if ((e = write_atomic(path, r->out)) != 0) {
            if (asprintf(&r->error, "%s: %s", path, strerror(e)) < 0)
                r->error = NULL;
        }
        free(path);
        free(r->out);
        r->out = NULL;
        if (!r->error)
            r->out = strdup(""); /* written: nothing for stdout */
    }
}

static govner_matcher *new_matcher(const govner_ruleset *rs) {
    govner_matcher *m = govner_matcher_new(rs);
    if (m)
        govner_matcher_set_explain(m, opt.explain);
    if (m && opt.profile && govner_matcher_set_profile(m, 1) != 0) {
        govner_matcher_free(m);
        return NULL;
    }
    return m;
}

/* --profile: the counts of every matcher, summed as each is released (workers run in parallel). */
static struct {
    pthread_mutex_t mu;
    govner_rule_profile *rules;
    size_t n;
} profile = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void release_matcher(const govner_ruleset *rs, govner_matcher *m) {
    if (m && opt.profile) {
        pthread_mutex_lock(&profile.mu);
        size_t n = govner_ruleset_rule_count(rs);
        if (!profile.rules && (profile.rules = calloc(n + 1, sizeof *profile.rules)))
            profile.n = n;
        for (size_t i = 0; i < profile.n; i++) {
            govner_rule_profile p;
            if (govner_matcher_rule_profile(m, i, &p) != 0)
                continue;
            govner_rule_profile *t = &profile.rules[i];
            t->name = p.name;
            t->file = p.file;
            t->line = p.line;
            t->starts += p.starts;
            t->tried += p.tried;
            t->matched += p.matched;
            t->steps += p.steps;
            t->nanoseconds += p.nanoseconds;
        }
        pthread_mutex_unlock(&profile.mu);
    }
    govner_matcher_free(m);
}

static int by_time(const void *a, const void *b) {
    const govner_rule_profile *x = a, *y = b;
    return x->nanoseconds < y->nanoseconds ? 1 : x->nanoseconds > y->nanoseconds ? -1 : strcmp(x->name, y->name);
}

/* The rules that started anywhere, most time first; time is wall time inside the rule's
 * applications, summed over workers. */
static void print_profile(void) {
    if (!profile.rules)
        return;
    qsort(profile.rules, profile.n, sizeof *profile.rules, by_time);
    unsigned long long ns = 0;
    for (size_t i = 0; i < profile.n; i++)
        ns += profile.rules[i].nanoseconds;
    fprintf(stderr, "%-30s %-28s %10s %10s %9s %11s %9s %6s\n", "rule", "written at", "starts", "tried", "matched",
            "steps", "ms", "time");
    for (size_t i = 0; i < profile.n; i++) {
        const govner_rule_profile *p = &profile.rules[i];
        if (!p->starts)
            continue;
        const char *base = p->file ? strrchr(p->file, '/') : NULL;
        char at[256];
        snprintf(at, sizeof at, "%s:%d", base ? base + 1 : p->file ? p->file : "?", p->line);
        fprintf(stderr, "%-30s %-28s %10llu %10llu %9llu %11llu %9.1f %5.1f%%\n", p->name, at, p->starts, p->tried,
                p->matched, p->steps, p->nanoseconds / 1e6, ns ? 100.0 * p->nanoseconds / ns : 0.0);
    }
    fprintf(stderr, "%-30s %-28s %10s %10s %9s %11s %9.1f\n", "all rules", "", "", "", "", "", ns / 1e6);
    free(profile.rules);
    profile.rules = NULL;
}

static void *worker(void *arg) {
    batch *b = arg;
    govner_matcher *m = new_matcher(b->rs);
    for (;;) {
        pthread_mutex_lock(&b->mu);
        size_t i = b->next++;
        pthread_mutex_unlock(&b->mu);
        if (i >= jobs.len)
            break;
        result r = {0};
        if (m)
            process_job(m, &jobs.items[i], &r);
        else if (asprintf(&r.error, "%s: out of memory", jobs.items[i].path) < 0)
            r.error = NULL;
        pthread_mutex_lock(&b->mu);
        b->results[i] = r;
        b->done[i] = true;
        pthread_cond_broadcast(&b->cv);
        pthread_mutex_unlock(&b->mu);
    }
    release_matcher(b->rs, m);
    return NULL;
}

/* Run the jobs on opt.jobs threads; print results in input order. Returns failures. */
static int run_batch(const govner_ruleset *rs, bool *io_error) {
    batch b = {.rs = rs};
    b.results = calloc(jobs.len + 1, sizeof *b.results);
    b.done = calloc(jobs.len + 1, sizeof *b.done);
    if (!b.results || !b.done) {
        errorf("out of memory");
        free(b.results);
        free(b.done);
        return (int)jobs.len;
    }
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv, NULL);
    int n_threads = opt.jobs < 1 ? 1 : opt.jobs;
    if ((size_t)n_threads > jobs.len)
        n_threads = jobs.len ? (int)jobs.len : 1;
    pthread_t *th = calloc((size_t)n_threads, sizeof *th);
    int started = 0;
    for (int i = 0; th && i < n_threads; i++)
        if (pthread_create(&th[i], NULL, worker, &b) == 0)
            started++;
    if (started == 0)
        worker(&b); /* no threads: do the work here */
    int failures = 0;
    bool progress = !opt.quiet && isatty(STDERR_FILENO);
    struct timespec t0, last = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    off_t done_bytes = 0;
    for (size_t i = 0; i < jobs.len; i++) {
        pthread_mutex_lock(&b.mu);
        while (!b.done[i])
            pthread_cond_wait(&b.cv, &b.mu);
        result r = b.results[i];
        pthread_mutex_unlock(&b.mu);
        done_bytes += jobs.items[i].size;
        if (progress) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            double since = (double)(now.tv_sec - last.tv_sec) + (double)(now.tv_nsec - last.tv_nsec) * 1e-9;
            if (since > 0.2 || i + 1 == jobs.len) {
                double secs = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9;
                fprintf(stderr, "\rgovner: %zu/%zu files, %.1f MB/s, %d errors ", i + 1, jobs.len,
                        secs > 0 ? (double)done_bytes / 1e6 / secs : 0.0, failures + (r.error != NULL));
                last = now;
            }
        }
        if (r.warning)
            warnf("%s", r.warning);
        if (r.error) {
            errorf("%s", r.error);
            failures++;
        } else if (r.out && !*io_error) {
            if (fputs(r.out, stdout) == EOF)
                *io_error = true;
        } else if (!r.out) {
            failures++;
        }
        free(r.out);
        free(r.error);
        free(r.warning);
    }
    if (progress && jobs.len)
        fputc('\n', stderr);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    free(b.results);
    free(b.done);
    pthread_mutex_destroy(&b.mu);
    pthread_cond_destroy(&b.cv);
    return failures;
}

/* Section - Lines mode -------------------------------------------------------------------------- */

/* A --jsonl input line: an object with a string "text". Its other fields are rendered as the start
 * of the output record ("id":7,). On error, sets *error and returns false. */
static bool jsonl_record(const char *line, json_object **obj, char **fields, char **text, size_t *text_len,
                         char **error, const char *where) {
    enum json_tokener_error jerr;
    *obj = json_tokener_parse_verbose(line, &jerr);
    json_object *t;
    if (!*obj || !json_object_is_type(*obj, json_type_object) || !json_object_object_get_ex(*obj, "text", &t) ||
        !json_object_is_type(t, json_type_string)) {
        if (asprintf(error, "%s: not a JSON object with a string \"text\"%s%s", where, *obj ? "" : ": ",
                     *obj ? "" : json_tokener_error_desc(jerr)) < 0)
            *error = NULL;
        return false;
    }
    *text = (char *)json_object_get_string(t);
    *text_len = (size_t)json_object_get_string_len(t);
    /* The other fields, each followed by a comma; "" when there are none (text_buf keeps it
     * terminated). */
    text_buf out = {0};
    bool ok = buf_put(&out, "", 0);
    json_object_object_foreach(*obj, key, val) {
        if (strcmp(key, "text") == 0 || strcmp(key, "entities") == 0 || strcmp(key, "line") == 0 ||
            strcmp(key, "encoding") == 0)
            continue;
        json_object *k = json_object_new_string(key);
        ok = ok && k &&
             buf_printf(&out, "%s:%s,", json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN),
                        json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(k);
    }
    if (!ok) {
        VEC_FREE(&out);
        if (asprintf(error, "%s: out of memory", where) < 0)
            *error = NULL;
        return false;
    }
    *fields = out.items;
    return true;
}

/* --lines reads blocks of lines; a block's output and messages are built apart and written in input
 * order, so that -j N workers give exactly the output of one. */
#define BLOCK_LINES 512
#define BLOCK_BYTES (512 * 1024)

/* The decimal digits of v into out (room for 24); returns their number. */
static int format_long(char *out, long v) {
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    int k = 0;
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k] = '\0';
    return k;
}

typedef struct {
    text_buf data;          /* the lines, each followed by a NUL */
    VEC(size_t) offs;       /* where each line starts in data; its length is up to the next */
    long first;             /* number of the first line */
    text_buf out, msgs;     /* what the block writes to stdout and to stderr */
    int failures;
    bool oom, done;
} line_block;

static void block_free(line_block *b) {
    VEC_FREE(&b->data);
    VEC_FREE(&b->offs);
    VEC_FREE(&b->out);
    VEC_FREE(&b->msgs);
}

/* Can more of f be read without waiting? (Data in its buffer or at its descriptor, or its end.) A
 * caller that writes a line and waits for the answer gets it: a block ends where the input pauses,
 * and the output is flushed before govner waits for more. */
static bool input_pending(FILE *f) {
    if (fileno(f) < 0)
        return true; /* a stream in memory (converted input) never waits */
#ifdef __GLIBC__
    if (f->_IO_read_ptr < f->_IO_read_end)
        return true;
    struct pollfd p = {.fd = fileno(f), .events = POLLIN};
    return poll(&p, 1, 0) != 0;
#else
    (void)f;
    return true; /* the buffer cannot be seen here: read on, as for a file */
#endif
}

/* Read up to BLOCK_LINES lines (or about BLOCK_BYTES) into b, stopping early where the input pauses.
 * False at the end of the input, or on a read error (*read_error set) or no memory (b->oom). */
static bool block_read(FILE *f, line_block *b, long first, char **line, size_t *cap, bool *read_error) {
    b->first = first;
    ssize_t n;
    while (b->offs.len < BLOCK_LINES && b->data.len < BLOCK_BYTES && (b->offs.len == 0 || input_pending(f)) &&
           (n = getline(line, cap, f)) >= 0) {
        if (n > 0 && (*line)[n - 1] == '\n')
            n--;
        if (n > 0 && (*line)[n - 1] == '\r')
            n--;
        if (!VEC_PUSH(&b->offs, b->data.len) || !VEC_RESERVE(&b->data, (size_t)n + 1)) {
            b->oom = true;
            return false;
        }
        memcpy(b->data.items + b->data.len, *line, (size_t)n);
        b->data.len += (size_t)n;
        b->data.items[b->data.len++] = '\0';
    }
    if (ferror(f))
        *read_error = true;
    return b->offs.len > 0;
}

/* Match every line of the block, building its output and messages. */
static void block_process(govner_matcher *m, line_block *b, const char *source, const char *src) {
    text_buf pre = {0}, scratch = {0}; /* a line's prefixes, made in the same room line after line */
    for (size_t i = 0; i < b->offs.len && !b->oom; i++) {
        char *line = b->data.items + b->offs.items[i];
        size_t end = i + 1 < b->offs.len ? b->offs.items[i + 1] : b->data.len;
        size_t n = end - b->offs.items[i] - 1;
        long line_no = b->first + (long)i;
        char num[24];
        int num_len = format_long(num, line_no);
        char where[PATH_MAX + 64]; /* "SOURCE: line N", for messages */
        size_t wl = source ? strlen(source) : 0;
        if (wl > PATH_MAX)
            wl = PATH_MAX;
        memcpy(where, source ? source : "", wl);
        if (source) {
            memcpy(where + wl, ": ", 2);
            wl += 2;
        }
        memcpy(where + wl, "line ", 5);
        memcpy(where + wl + 5, num, (size_t)num_len + 1);
        char *fields = NULL, *text = line;
        size_t text_len = n;
        json_object *obj = NULL;
        result r = {.into = &b->out, .scratch = &scratch};
        if (opt.jsonl && !jsonl_record(line, &obj, &fields, &text, &text_len, &r.error, where)) {
            /* r.error says why; reported below like any failed line */
        }
        /* fields, "source", "line" (no printf: this runs once per line). */
        pre.len = 0;
        bool built = VEC_RESERVE(&pre, PREFIX_ROOM) && (!fields || buf_put(&pre, fields, strlen(fields))) &&
                     (!src || (BUF_LIT(&pre, "\"source\":") && buf_put(&pre, src, strlen(src)) &&
                               BUF_LIT(&pre, ","))) &&
                     BUF_LIT(&pre, "\"line\":") && buf_put(&pre, num, (size_t)num_len);
        if (!built)
            b->oom = true;
        char *prefix = built ? pre.items : NULL;
        if (prefix && !r.error)
            process_text(m, text, text_len, where, prefix, &r);
        json_object_put(obj);
        free(fields);
        bool ok = prefix != NULL;
        if (ok && r.warning && !opt.quiet)
            ok = buf_printf(&b->msgs, "govner: warning: %s\n", r.warning);
        if (ok && r.error) {
            b->failures++;
            ok = buf_printf(&b->msgs, "govner: error: %s\n", r.error);
            /* Keep line numbering intact for scripts: an empty record marks the failed line, with
             * the input's own fields (an id) when it had any. */
            if (ok && !opt.tsv)
                ok = buf_printf(&b->out, "{%s,\"error\":true,\"entities\":[]}\n", prefix);
        } /* else the record is in b->out already (result.into) */
        if (!ok)
            b->oom = true;
        free(r.error);
        free(r.warning);
    }
    VEC_FREE(&pre);
    VEC_FREE(&scratch);
}

/* Write a processed block; false when stdout fails. */
static bool block_write(line_block *b, int *failures) {
    fwrite(b->msgs.items ? b->msgs.items : "", 1, b->msgs.len, stderr);
    *failures += b->failures;
    if (b->oom) {
        errorf("line %ld and after: out of memory", b->first);
        (*failures)++;
    }
    return fwrite(b->out.items ? b->out.items : "", 1, b->out.len, stdout) == b->out.len;
}

typedef struct {
    const govner_ruleset *rs;
    const char *source, *src;
    line_block *ring;       /* blocks head .. tail-1 in flight, at index % cap */
    size_t cap, head, next, tail;
    bool eof, stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} line_queue;

static void *line_worker(void *arg) {
    line_queue *q = arg;
    govner_matcher *m = new_matcher(q->rs);
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->stop && q->next == q->tail && !q->eof)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->stop || q->next == q->tail)
            break;
        line_block *b = &q->ring[q->next++ % q->cap];
        pthread_mutex_unlock(&q->mu);
        if (m)
            block_process(m, b, q->source, q->src);
        else
            b->oom = true;
        pthread_mutex_lock(&q->mu);
        b->done = true;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    release_matcher(q->rs, m);
    return NULL;
}

/* Each line of f is a document. Returns the number of lines that failed. */
static int run_lines(const govner_ruleset *rs, FILE *f, const char *source, bool *io_error) {
    char *src = source ? json_escape_path(source) : NULL;
    char *line = NULL;
    size_t cap = 0;
    long line_no = 1;
    int failures = 0;
    bool read_error = false;
    /* Workers when asked for and they can be started; else the blocks are matched here. */
    line_queue q = {.rs = rs, .source = source, .src = src, .cap = (size_t)opt.jobs * 2 + 2};
    pthread_t *th = NULL;
    int n_threads = 0;
    if (opt.jobs > 1 && (q.ring = calloc(q.cap, sizeof *q.ring)) && (th = calloc((size_t)opt.jobs, sizeof *th))) {
        pthread_mutex_init(&q.mu, NULL);
        pthread_cond_init(&q.cv, NULL);
        while (n_threads < opt.jobs && pthread_create(&th[n_threads], NULL, line_worker, &q) == 0)
            n_threads++;
        if (n_threads == 0) {
            pthread_mutex_destroy(&q.mu);
            pthread_cond_destroy(&q.cv);
        }
    }
    if (n_threads == 0) {
        govner_matcher *m = new_matcher(rs);
        if (!m) {
            errorf("out of memory");
            failures++;
        }
        while (m) {
            line_block b = {0};
            if (!input_pending(f))
                fflush(stdout);
            bool got = block_read(f, &b, line_no, &line, &cap, &read_error);
            if (got)
                block_process(m, &b, source, src);
            if ((got || b.oom) && !block_write(&b, &failures))
                *io_error = true;
            line_no += (long)b.offs.len;
            block_free(&b);
            if (!got || *io_error)
                break;
        }
        release_matcher(rs, m);
    } else {
        pthread_mutex_lock(&q.mu);
        for (;;) {
            /* Write what is done, in order. */
            while (q.head < q.tail && q.ring[q.head % q.cap].done) {
                line_block *b = &q.ring[q.head % q.cap];
                pthread_mutex_unlock(&q.mu);
                if (!*io_error && !block_write(b, &failures))
                    *io_error = true;
                block_free(b);
                pthread_mutex_lock(&q.mu);
                *b = (line_block){0};
                q.head++;
            }
            if (*io_error || (q.eof && q.head == q.tail))
                break;
            if (!q.eof && q.tail - q.head < q.cap) {
                if (!input_pending(f)) {
                    /* The input pauses: answer what was read before waiting for more. */
                    if (q.head < q.tail) {
                        pthread_cond_wait(&q.cv, &q.mu);
                        continue;
                    }
                    pthread_mutex_unlock(&q.mu);
                    fflush(stdout);
                    pthread_mutex_lock(&q.mu);
                }
                line_block b = {0};
                pthread_mutex_unlock(&q.mu);
                bool got = block_read(f, &b, line_no, &line, &cap, &read_error);
                line_no += (long)b.offs.len;
                pthread_mutex_lock(&q.mu);
                if (!got)
                    q.eof = true;
                if (got || b.oom) {
                    /* A block that ran out of memory while read is written in its turn, as is. */
                    b.done = !got;
                    q.ring[q.tail++ % q.cap] = b;
                } else {
                    block_free(&b);
                }
                pthread_cond_broadcast(&q.cv);
            } else {
                pthread_cond_wait(&q.cv, &q.mu);
            }
        }
        q.stop = true;
        pthread_cond_broadcast(&q.cv);
        pthread_mutex_unlock(&q.mu);
        for (int i = 0; i < n_threads; i++)
            pthread_join(th[i], NULL);
        for (size_t i = q.head; i < q.tail; i++)
            block_free(&q.ring[i % q.cap]);
        pthread_mutex_destroy(&q.mu);
        pthread_cond_destroy(&q.cv);
    }
    free(q.ring);
    free(th);
    if (read_error) {
        errorf("%s: %s", source ? source : "stdin", strerror(errno));
        *io_error = true;
    }
    free(line);
    free(src);
    return failures;
}

/* --lines over f: input that begins with UTF-16's or UTF-32's byte order mark (and no --encoding)
 * is converted whole first - its lines cannot be told apart in the raw bytes - and then read as
 * UTF-8 lines from memory. Other input is read line by line as it comes. */
static int run_lines_input(const govner_ruleset *rs, FILE *f, const char *source, bool *io_error) {
    const char *iconv_name;
    const char *label = opt.encoding ? NULL : stream_unicode_bom(f, &iconv_name);
    if (!label)
        return run_lines(rs, f, source, io_error);
    char *text;
    size_t len;
    int e = read_converted(f, iconv_name, &text, &len);
    if (e) {
        errorf("%s: %s", source ? source : "stdin", e == EILSEQ ? "not valid in the encoding its byte order mark names" : strerror(e));
        return 1;
    }
    int failures = 0;
    FILE *mem = len ? fmemopen(text, len, "r") : NULL;
    if (len && !mem) {
        errorf("%s: %s", source ? source : "stdin", strerror(errno));
        failures = 1;
    } else if (mem) {
        stream_encoding = label;
        failures = run_lines(rs, mem, source, io_error);
        stream_encoding = NULL;
        fclose(mem);
    }
    free(text);
    return failures;
}

/* Section - check ------------------------------------------------------------------------------- */

static void report_example(void *ctx, const char *file, int line, const char *message) {
    (void)ctx;
    fprintf(stderr, "%s:%d: %s\n", file, line, message);
}

static int cmd_check(const govner_ruleset *rs) {
    govner_error err;
    long failed = govner_ruleset_check(rs, report_example, NULL, &err);
    if (failed < 0) {
        errorf("%s", err.message);
        return EXIT_RULES;
    }
    printf("%zu rules, %zu lexicon entries, %zu examples, %ld failed\n", govner_ruleset_rule_count(rs),
           govner_ruleset_entry_count(rs), govner_ruleset_example_count(rs), failed);
    return failed ? EXIT_RULES : EXIT_OK;
}

/* Section - main -------------------------------------------------------------------------------- */

static int usage_error(const char *fmt, const char *arg) {
    fputs("govner: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'govner --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

static int finish(int code, bool io_error) {
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            errorf("writing output: %s", strerror(errno ? errno : EIO));
        return EXIT_IO;
    }
    if (io_error) {
        errorf("writing output: %s", strerror(errno ? errno : EIO));
        return EXIT_IO;
    }
    return code;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN); /* a closed pipe becomes a write error we report */
    VEC(const char *) inputs = {0};
    bool check = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
#define TAKES_VALUE(name)                                                                                          \
    (strcmp(a, name) == 0 ? (i + 1 < argc ? (val = argv[++i], true) : (usage_error("option %s needs a value", name), \
                                                                       exit(EXIT_USAGE), false))                     \
                          : (strncmp(a, name "=", sizeof name) == 0 ? (val = a + sizeof name, true) : false))
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return finish(EXIT_OK, false);
        } else if (strcmp(a, "--version") == 0) {
            printf("govner %s\n", GOVNER_VERSION);
            return finish(EXIT_OK, false);
        } else if (strcmp(a, "--lines") == 0) {
            opt.lines = true;
        } else if (strcmp(a, "--jsonl") == 0) {
            opt.lines = opt.jsonl = true;
        } else if (strcmp(a, "--explain") == 0) {
            opt.explain = true;
        } else if (strcmp(a, "--profile") == 0) {
            opt.profile = true;
        } else if (strcmp(a, "--no-cache") == 0) {
            opt.no_cache = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            opt.quiet = true;
        } else if (TAKES_VALUE("--rules")) {
            opt.rules = val;
        } else if (TAKES_VALUE("--output") || TAKES_VALUE("-o")) {
            opt.outdir = val;
        } else if (TAKES_VALUE("--jobs") || TAKES_VALUE("-j")) {
            char *end;
            long n = strtol(val, &end, 10);
            if (*end || n < 1 || n > 256)
                return usage_error("-j needs a number from 1 to 256, not '%s'", val);
            opt.jobs = (int)n;
        } else if (TAKES_VALUE("--format")) {
            if (strcmp(val, "tsv") == 0)
                opt.tsv = true;
            else if (strcmp(val, "json") != 0)
                return usage_error("unknown format '%s' (json or tsv)", val);
        } else if (TAKES_VALUE("--encoding")) {
            opt.encoding = val;
        } else if (strcmp(a, "check") == 0 && i == 1) {
            check = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else if (!VEC_PUSH(&inputs, a)) {
            errorf("out of memory");
            return EXIT_IO;
        }
#undef TAKES_VALUE
    }
    if (check && inputs.len)
        return usage_error("'check' takes no files ('%s')", inputs.items[0]);
    bool stdin_doc = inputs.len == 0 || (inputs.len == 1 && strcmp(inputs.items[0], "-") == 0);
    if (opt.outdir && stdin_doc && !check)
        return usage_error("%s", "-o needs files or directories to read");
    if (opt.jobs == 0)
        opt.jobs = default_jobs();

    const char *rules_path = opt.rules ? opt.rules : default_rules();
    govner_error err;
    govner_ruleset *rs =
        opt.no_cache ? govner_ruleset_load(rules_path, &err) : govner_ruleset_load_cached(rules_path, NULL, &err);
    if (!rs) {
        print_rule_error(&err);
        VEC_FREE(&inputs);
        return err.status == GOVNER_ERR_NOMEM ? EXIT_IO : EXIT_RULES;
    }
    int code = EXIT_OK;
    bool io_error = false;
    if (check) {
        code = cmd_check(rs);
    } else if (stdin_doc && opt.lines) {
        if (run_lines_input(rs, stdin, NULL, &io_error))
            code = EXIT_PARTIAL;
    } else if (stdin_doc) {
        char *raw;
        size_t len;
        int e = read_all(stdin, &raw, &len);
        if (e) {
            errorf("stdin: %s", strerror(e));
            code = EXIT_IO;
        } else {
            govner_matcher *m = new_matcher(rs);
            result r = {0};
            if (m)
                process_text_to(m, raw, len, "stdin", NULL, &r, stdout);
            if (r.warning)
                warnf("%s", r.warning);
            if (!m || r.error) {
                errorf("%s", r.error ? r.error : "out of memory");
                code = EXIT_IO;
            } else if (r.write_failed || fputs(r.out, stdout) == EOF) {
                io_error = true;
            }
            free(r.out);
            free(r.error);
            free(r.warning);
            release_matcher(rs, m);
            free(raw);
        }
    } else if (opt.lines) {
        for (size_t i = 0; i < inputs.len && !io_error; i++) {
            FILE *f = strcmp(inputs.items[i], "-") == 0 ? stdin : fopen(inputs.items[i], "rb");
            if (!f) {
                errorf("%s: %s", inputs.items[i], strerror(errno));
                code = EXIT_PARTIAL;
                continue;
            }
            if (run_lines_input(rs, f, inputs.items[i], &io_error))
                code = EXIT_PARTIAL;
            if (f != stdin)
                fclose(f);
        }
    } else {
        int failures = 0;
        for (size_t i = 0; i < inputs.len; i++) {
            const char *in = inputs.items[i];
            struct stat st;
            if (stat(in, &st) != 0) {
                errorf("%s: %s", in, strerror(errno));
                failures++;
            } else if (S_ISDIR(st.st_mode)) {
                if (walk(in, "", 0, &failures) == ENOMEM) {
                    errorf("out of memory");
                    failures++;
                }
            } else if (!S_ISREG(st.st_mode)) {
                errorf("%s: not a regular file (a FIFO or device?), skipped; pipe it to stdin instead", in);
                failures++;
            } else {
                const char *base = strrchr(in, '/');
                if (!add_job(in, base ? base + 1 : in, st.st_size)) {
                    errorf("out of memory");
                    failures++;
                }
            }
        }
        failures += run_batch(rs, &io_error);
        if (failures)
            code = EXIT_PARTIAL;
        for (size_t i = 0; i < jobs.len; i++) {
            free(jobs.items[i].path);
            free(jobs.items[i].rel);
        }
        VEC_FREE(&jobs);
    }
    print_profile();
    govner_ruleset_free(rs);
    VEC_FREE(&inputs);
    return finish(code, io_error);
}
