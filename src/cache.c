/* cache.c - the compiled-lexicon cache: the trie and lexicon entries of a ruleset kept in a file,
 * so that loading the same rules again reads them instead of building them (nine tenths of the
 * load time goes to reading lexicons into the trie).
 *
 * An image is valid for the files it was built from. It records the identity (device, inode,
 * size, modification and change time, as git's index does) of every file the load read, in
 * order, and of the library that wrote it. A load with an image parses the rules as usual
 * (rules.c), comparing each file with the image's record as it is opened, while the lexicon
 * loaders add nothing (the image holds it all); the first difference marks the image stale and
 * the load starts again without it, then writes a new one. Images are written to a temporary
 * file and renamed, so readers see a whole image or none; a checksum of the whole file catches the
 * rest. One image per rules file and library: a cache directory does not fill up as rules change. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ruleset.h"

#define IMAGE_MAGIC "GOVNERL\x01"
#define IMAGE_FORMAT 3u
#define IMAGE_BYTE_ORDER 0x01020304u
#define IMAGE_ALIGN 64

struct image_header {
    char magic[8];
    uint32_t format, byte_order;
    uint32_t size_slot, size_term, size_entry, size_stamp;
    uint64_t payload_len, checksum;
    file_stamp library;     /* the binary that wrote the image */
    uint64_t n_files, n_lexicons, n_entries, n_nodes, n_slots, trie_used, n_terms, exact_slots, exact_used,
        strings_len, n_juris;
    uint32_t max_lex_len, child_mask;
};
typedef struct image_header image_header;

/* A lexicon entry in the image: strings as offsets into the string section. */
typedef struct {
    uint32_t text, packed;  /* packed: UINT32_MAX when the entry has no attributes */
    uint32_t lex;
    int32_t next;
    uint32_t n_attrs, length;
} image_entry;

struct image_lexicon {
    uint32_t max_length, min_length, flags, any_entry; /* flags: IMAGE_HAS_SINGLE, IMAGE_HAS_ATTRS */
};
#define IMAGE_HAS_SINGLE 1u
#define IMAGE_HAS_ATTRS 2u
typedef struct image_lexicon image_lexicon;

/* What docpass_prepare derives from the entries for a jurisdiction pass (the provinces and the
 * province of every entry: a fifth of a load from the image when computed), followed by
 * province_of[n_entries + 1]. */
struct image_juris {
    uint32_t lex, n_provinces;
    uint32_t provinces[64];  /* entry indices */
    int8_t province_of[];
};
typedef struct image_juris image_juris;

/* The sections of an image, in order after the header. */
enum { S_FILES, S_LEXICONS, S_SLOTS, S_ROOT, S_VALUE, S_TERMS, S_PAIRS, S_ENTRIES, S_EXACT, S_JURIS, S_STRINGS,
       N_SECTIONS };

/* Bytes of one jurisdiction record, kept a multiple of 8. */
static uint64_t juris_stride(const image_header *h) {
    return (sizeof(image_juris) + h->n_entries + 1 + 7) / 8 * 8;
}

#define ROOT_LEN 0x10000u
#define PAIR_WORDS ((1u << TRIE_PAIR_BITS) / 64)

/* Offsets of the sections from the start of the payload; the payload's length. */
static uint64_t layout(const image_header *h, uint64_t off[N_SECTIONS]) {
    const uint64_t sizes[N_SECTIONS] = {
        h->n_files * sizeof(file_stamp), h->n_lexicons * sizeof(image_lexicon), h->n_slots * sizeof(trie_slot),
        ROOT_LEN * sizeof(uint32_t),     h->n_nodes * sizeof(int32_t),          h->n_terms * sizeof(trie_term),
        PAIR_WORDS * sizeof(uint64_t),   h->n_entries * sizeof(image_entry),    h->exact_slots * sizeof(uint32_t),
        h->n_juris * juris_stride(h),    h->strings_len};
    uint64_t at = 0;
    for (int s = 0; s < N_SECTIONS; s++) {
        off[s] = at;
        at += (sizes[s] + IMAGE_ALIGN - 1) / IMAGE_ALIGN * IMAGE_ALIGN;
    }
    return at;
}

/* Every count under 2^32, so that layout's sums cannot wrap around. */
static bool counts_fit(const image_header *h) {
    const uint64_t counts[] = {h->n_files, h->n_lexicons, h->n_entries,   h->n_nodes,    h->n_slots,  h->trie_used,
                               h->n_terms, h->exact_slots, h->exact_used, h->strings_len, h->n_juris};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
        if (counts[i] >= UINT32_MAX)
            return false;
    return true;
}

/* Four independent multiply-mix lanes: about a gigabyte per second per lane, and every byte
 * reaches the result. Not cryptographic: it finds damage, not tampering. */
static uint64_t checksum(const unsigned char *p, size_t n) {
    uint64_t h[4] = {0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full, 0x165667B19E3779F9ull, 0x27D4EB2F165667C5ull};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, 8);
            h[k] = (h[k] ^ w) * 0xFF51AFD7ED558CCDull;
            h[k] ^= h[k] >> 32;
        }
    uint64_t r = n;
    for (; i < n; i++)
        r = (r ^ p[i]) * 0x100000001B3ull;
    for (int k = 0; k < 4; k++)
        r = (r ^ h[k]) * 0xC4CEB9FE1A85EC53ull, r ^= r >> 29;
    return r;
}

/* The checksum of an image: its header (but the checksum field) and its payload. */
static uint64_t image_checksum(const image_header *h, const unsigned char *payload) {
    image_header copy = *h;
    copy.checksum = 0;
    return checksum((const unsigned char *)&copy, sizeof copy) * 0x9E3779B97F4A7C15ull ^
           checksum(payload, h->payload_len);
}

static file_stamp stamp_of(const struct stat *st) {
    return (file_stamp){(uint64_t)st->st_dev,        (uint64_t)st->st_ino,         (uint64_t)st->st_size,
                        (int64_t)st->st_mtim.tv_sec, (int64_t)st->st_mtim.tv_nsec, (int64_t)st->st_ctim.tv_sec,
                        (int64_t)st->st_ctim.tv_nsec};
}

static bool stamp_equal(const file_stamp *a, const file_stamp *b) { return memcmp(a, b, sizeof *a) == 0; }

/* The file this code was loaded from (the shared library, or the program it is linked into). */
static bool library_stamp(file_stamp *out, const char **path) {
    Dl_info info;
    struct stat st;
    if (!dladdr((void *)(uintptr_t)library_stamp, &info) || !info.dli_fname || stat(info.dli_fname, &st) != 0)
        return false;
    *out = stamp_of(&st);
    if (path)
        *path = info.dli_fname;
    return true;
}

/* Section - Where images live ------------------------------------------------------------------- */

char *cache_file_name(const char *cache_dir, const char *rules_file) {
    struct stat st;
    file_stamp lib;
    const char *lib_path;
    if (!cache_dir || !*cache_dir || stat(rules_file, &st) != 0 || !library_stamp(&lib, &lib_path))
        return NULL;
    /* Named by the main rules file's identity and the library's path: rebuilding either replaces
     * its image instead of adding one. */
    uint64_t h = hash_bytes((uint64_t)st.st_dev * 0x9E3779B97F4A7C15ull ^ (uint64_t)st.st_ino, lib_path, strlen(lib_path));
    size_t n = strlen(cache_dir) + 64;
    char *name = malloc(n);
    if (name)
        snprintf(name, n, "%s/lexicons-%016llx.img", cache_dir, (unsigned long long)h);
    return name;
}

const char *cache_default_dir(char *buf, size_t size) {
    const char *env = getenv("GOVNER_CACHE_DIR");
    if (env)
        return *env ? env : NULL; /* set but empty: no cache */
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && *xdg == '/')
        n = snprintf(buf, size, "%s/govner", xdg);
    else if (home && *home == '/')
        n = snprintf(buf, size, "%s/.cache/govner", home);
    else
        return NULL;
    return n > 0 && (size_t)n < size ? buf : NULL;
}

/* Section - Reading ------------------------------------------------------------------------------ */

static const void *section(const lexicon_cache *c, const uint64_t off[N_SECTIONS], int s) {
    return (const char *)c->map + sizeof(image_header) + off[s];
}

/* The whole file into memory aligned for huge pages where the system gives them (the trie's
 * table is read all over by the scan), or NULL. */
static void *image_read(int fd, size_t len) {
    size_t align = 1u << 21, alloc = (len + align - 1) & ~(align - 1);
    void *p = aligned_alloc(align, alloc);
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, alloc, MADV_HUGEPAGE);
#endif
    for (size_t got = 0; got < len;) {
        ssize_t k = pread(fd, (char *)p + got, len - got, (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            free(p);
            return NULL;
        }
        got += (size_t)k;
    }
    return p;
}

bool cache_open(govner_ruleset *rs, const char *path) {
    lexicon_cache *c = &rs->cache;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    file_stamp lib;
    image_header h;
    uint64_t off[N_SECTIONS];
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
              (size_t)st.st_size > sizeof h && pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
              memcmp(h.magic, IMAGE_MAGIC, 8) == 0 && h.format == IMAGE_FORMAT && h.byte_order == IMAGE_BYTE_ORDER &&
              h.size_slot == sizeof(trie_slot) && h.size_term == sizeof(trie_term) &&
              h.size_entry == sizeof(image_entry) && h.size_stamp == sizeof(file_stamp) &&
              library_stamp(&lib, NULL) && stamp_equal(&lib, &h.library) &&
              h.payload_len == (uint64_t)st.st_size - sizeof h && h.n_slots && (h.n_slots & (h.n_slots - 1)) == 0 &&
              (h.exact_slots & (h.exact_slots - 1)) == 0 && h.n_entries < INT32_MAX && h.strings_len &&
              counts_fit(&h) && layout(&h, off) == h.payload_len;
    /* Read, not mapped: a mapping would die (SIGBUS) if the file were truncated in place while
     * govner runs (cp over it, a full disk); our writers rename, but others may not. */
    void *map = ok ? image_read(fd, (size_t)st.st_size) : NULL;
    close(fd);
    if (!map)
        return false;
    const unsigned char *payload = (const unsigned char *)map + sizeof h;
    if (image_checksum(&h, payload) != h.checksum || payload[off[S_STRINGS] + h.strings_len - 1] != '\0') {
        free(map);
        return false;
    }
    c->map = map;
    c->map_len = (size_t)st.st_size;
    c->header = map;
    c->files = section(c, off, S_FILES);
    c->lexicons = section(c, off, S_LEXICONS);
    return true;
}

void cache_note_file(govner_ruleset *rs, int fd) {
    lexicon_cache *c = &rs->cache;
    if (!c->record)
        return;
    struct stat st;
    file_stamp s = {0};
    if (fstat(fd, &st) == 0)
        s = stamp_of(&st);
    else
        c->stale = true;
    if (c->header) {
        if (c->n_read >= c->header->n_files || !stamp_equal(&s, &c->files[c->n_read]))
            c->stale = true;
    } else if (!VEC_PUSH(&c->read, s)) {
        c->record = false; /* out of memory: no image this time */
    }
    c->n_read++;
}

void cache_new_lexicon(govner_ruleset *rs, uint32_t lx) {
    lexicon_cache *c = &rs->cache;
    if (!c->header)
        return;
    if (lx >= c->header->n_lexicons) {
        c->stale = true;
        return;
    }
    lexicon *l = &rs->lexicons.items[lx];
    l->max_length = c->lexicons[lx].max_length;
    l->min_length = c->lexicons[lx].min_length;
    l->has_single = (c->lexicons[lx].flags & IMAGE_HAS_SINGLE) != 0;
    l->has_attrs = (c->lexicons[lx].flags & IMAGE_HAS_ATTRS) != 0;
    l->any_entry = c->lexicons[lx].any_entry;
}

bool cache_adopt(govner_ruleset *rs) {
    lexicon_cache *c = &rs->cache;
    const image_header *h = c->header;
    if (c->stale || c->n_read != h->n_files || rs->lexicons.len != h->n_lexicons)
        return false;
    uint64_t off[N_SECTIONS];
    layout(h, off);
    /* Entries point into the string section; everything they index is checked. */
    const image_entry *ie = section(c, off, S_ENTRIES);
    const char *strings = section(c, off, S_STRINGS);
    lex_entry *entries = malloc((h->n_entries + 1) * sizeof *entries);
    if (!entries)
        return false;
    for (uint64_t e = 0; e < h->n_entries; e++) {
        const image_entry *x = &ie[e];
        if (x->text >= h->strings_len || (x->packed != UINT32_MAX && x->packed >= h->strings_len) ||
            x->lex >= h->n_lexicons || x->next < -1 || x->next >= (int64_t)h->n_entries) {
            free(entries);
            return false;
        }
        entries[e] = (lex_entry){.text = strings + x->text, .lex = x->lex, .next = x->next,
                                 .packed = x->packed == UINT32_MAX ? NULL : strings + x->packed,
                                 .n_attrs = x->n_attrs, .length = x->length};
    }
    trie *t = &rs->trie;
    trie_free(t);
    *t = (trie){.slots = (trie_slot *)section(c, off, S_SLOTS), .mask = h->n_slots - 1, .used = h->trie_used,
                .root_bmp = (uint32_t *)section(c, off, S_ROOT), .value = (int32_t *)section(c, off, S_VALUE),
                .n_nodes = h->n_nodes, .cap_nodes = h->n_nodes, .terms = (trie_term *)section(c, off, S_TERMS),
                .n_terms = h->n_terms, .pair_bits = (uint64_t *)section(c, off, S_PAIRS),
                .child_mask = h->child_mask, .borrowed = true};
    VEC_FREE(&rs->entries);
    rs->entries.items = entries;
    rs->entries.len = rs->entries.cap = h->n_entries;
    free(rs->exact);
    rs->exact = h->exact_slots ? (uint32_t *)section(c, off, S_EXACT) : NULL;
    rs->exact_mask = h->exact_slots ? h->exact_slots - 1 : 0;
    rs->exact_used = h->exact_used;
    rs->max_lex_len = h->max_lex_len;
    c->adopted = true;
    return true;
}

bool cache_jurisdiction(govner_ruleset *rs, size_t j, pass *ps) {
    const lexicon_cache *c = &rs->cache;
    if (!c->adopted || j >= c->header->n_juris)
        return false;
    uint64_t off[N_SECTIONS];
    layout(c->header, off);
    const image_juris *r = (const image_juris *)((const char *)section(c, off, S_JURIS) + j * juris_stride(c->header));
    size_t n = rs->entries.len;
    if (r->lex != ps->lex || r->n_provinces > 64)
        return false;
    /* Every index is checked: jurisdiction() counts into arrays of 64 by them. */
    for (size_t e = 0; e < n; e++)
        if (r->province_of[e] < -1 || r->province_of[e] >= (int)r->n_provinces)
            return false;
    const lex_entry **prov = arena_alloc(&rs->mem, 64 * sizeof *prov);
    if (!prov)
        return false;
    for (uint32_t p = 0; p < r->n_provinces; p++) {
        if (r->provinces[p] >= n)
            return false;
        prov[p] = &rs->entries.items[r->provinces[p]];
    }
    ps->provinces = prov;
    ps->n_provinces = r->n_provinces;
    ps->province_of = (int8_t *)r->province_of; /* read only, as after docpass_prepare */
    return true;
}

void cache_release(govner_ruleset *rs) {
    lexicon_cache *c = &rs->cache;
    free(c->map);
    VEC_FREE(&c->read);
    memset(c, 0, sizeof *c);
}

/* Section - Writing ------------------------------------------------------------------------------ */

/* Bytes of an entry's packed attributes: n pairs of NUL-terminated strings. */
static size_t packed_len(const lex_entry *e) {
    const char *k = e->packed;
    for (uint32_t i = 0; i < e->n_attrs; i++)
        k = entry_attr_next(k);
    return (size_t)(k - e->packed);
}

/* Could the file change again without its stamp changing? On a file system that keeps whole
 * seconds only, a second edit within the second of the first, to the same size, keeps mtime and
 * ctime: git calls such entries racy. An image is not written while a file is (the next load
 * builds again, and writes it once the second is past). */
static bool stamp_racy(const file_stamp *s, time_t now) {
    return (s->mtime_nsec == 0 && now - s->mtime_sec < 2) || (s->ctime_nsec == 0 && now - s->ctime_sec < 2);
}

bool cache_write(const govner_ruleset *rs, const char *path) {
    const lexicon_cache *c = &rs->cache;
    const trie *t = &rs->trie;
    if (!c->record || c->header)
        return false;
    time_t now = time(NULL);
    for (size_t i = 0; i < c->read.len; i++)
        if (stamp_racy(&c->read.items[i], now))
            return false;
    image_header h = {.format = IMAGE_FORMAT, .byte_order = IMAGE_BYTE_ORDER, .size_slot = sizeof(trie_slot),
                      .size_term = sizeof(trie_term), .size_entry = sizeof(image_entry),
                      .size_stamp = sizeof(file_stamp), .n_files = c->read.len, .n_lexicons = rs->lexicons.len,
                      .n_entries = rs->entries.len, .n_nodes = t->n_nodes, .n_slots = t->mask + 1,
                      .trie_used = t->used, .n_terms = t->n_terms, .exact_slots = rs->exact ? rs->exact_mask + 1 : 0,
                      .exact_used = rs->exact_used, .max_lex_len = rs->max_lex_len, .child_mask = t->child_mask};
    memcpy(h.magic, IMAGE_MAGIC, 8);
    if (!library_stamp(&h.library, NULL))
        return false;
    for (size_t ph = 0; ph < rs->phases.len; ph++)
        for (size_t k = 0; k < rs->phases.items[ph].n_passes; k++)
            h.n_juris += rs->phases.items[ph].passes[k].kind == PASS_JURISDICTION;
    h.strings_len = 1;
    for (size_t e = 0; e < rs->entries.len; e++) {
        const lex_entry *le = &rs->entries.items[e];
        h.strings_len += strlen(le->text) + 1 + (le->n_attrs ? packed_len(le) : 0);
    }
    if (h.strings_len >= UINT32_MAX)
        return false;
    uint64_t off[N_SECTIONS];
    h.payload_len = layout(&h, off);
    unsigned char *p = calloc(1, h.payload_len);
    if (!p)
        return false;
    memcpy(p + off[S_FILES], c->read.items, c->read.len * sizeof(file_stamp));
    image_lexicon *il = (image_lexicon *)(p + off[S_LEXICONS]);
    for (size_t i = 0; i < rs->lexicons.len; i++) {
        const lexicon *l = &rs->lexicons.items[i];
        il[i] = (image_lexicon){l->max_length, l->min_length,
                                (l->has_single ? IMAGE_HAS_SINGLE : 0u) | (l->has_attrs ? IMAGE_HAS_ATTRS : 0u), l->any_entry};
    }
    memcpy(p + off[S_SLOTS], t->slots, h.n_slots * sizeof(trie_slot));
    memcpy(p + off[S_ROOT], t->root_bmp, ROOT_LEN * sizeof(uint32_t));
    memcpy(p + off[S_VALUE], t->value, t->n_nodes * sizeof(int32_t));
    if (t->n_terms)
        memcpy(p + off[S_TERMS], t->terms, t->n_terms * sizeof(trie_term));
    memcpy(p + off[S_PAIRS], t->pair_bits, PAIR_WORDS * sizeof(uint64_t));
    if (h.exact_slots)
        memcpy(p + off[S_EXACT], rs->exact, h.exact_slots * sizeof(uint32_t));
    size_t j = 0;
    for (size_t ph = 0; ph < rs->phases.len; ph++)
        for (size_t k = 0; k < rs->phases.items[ph].n_passes; k++) {
            const pass *ps = &rs->phases.items[ph].passes[k];
            if (ps->kind != PASS_JURISDICTION)
                continue;
            image_juris *r = (image_juris *)(p + off[S_JURIS] + j++ * juris_stride(&h));
            r->lex = ps->lex;
            r->n_provinces = (uint32_t)ps->n_provinces;
            for (size_t q = 0; q < ps->n_provinces; q++)
                r->provinces[q] = (uint32_t)(ps->provinces[q] - rs->entries.items);
            memcpy(r->province_of, ps->province_of, rs->entries.len);
            r->province_of[rs->entries.len] = -1; /* the spare byte docpass_prepare allocates */
        }
    image_entry *ie = (image_entry *)(p + off[S_ENTRIES]);
    char *strings = (char *)p + off[S_STRINGS];
    size_t at = 1; /* offset 0 is an empty string */
    for (size_t e = 0; e < rs->entries.len; e++) {
        const lex_entry *le = &rs->entries.items[e];
        size_t n = strlen(le->text) + 1;
        ie[e] = (image_entry){(uint32_t)at, UINT32_MAX, le->lex, le->next, le->n_attrs, le->length};
        memcpy(strings + at, le->text, n);
        at += n;
        if (le->n_attrs) {
            n = packed_len(le);
            ie[e].packed = (uint32_t)at;
            memcpy(strings + at, le->packed, n);
            at += n;
        }
    }
    h.checksum = image_checksum(&h, p);

    /* A temporary file beside the image, renamed over it once complete. */
    size_t n = strlen(path) + sizeof ".XXXXXX";
    char *tmp = malloc(n);
    bool ok = false;
    if (tmp) {
        snprintf(tmp, n, "%s.XXXXXX", path);
        int fd = mkstemp(tmp);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "wb");
            if (f) {
                ok = fwrite(&h, sizeof h, 1, f) == 1 && fwrite(p, 1, h.payload_len, f) == h.payload_len;
                ok = fclose(f) == 0 && ok;
            } else {
                close(fd);
            }
            ok = ok && rename(tmp, path) == 0;
            if (!ok)
                unlink(tmp);
        }
        free(tmp);
    }
    free(p);
    return ok;
}

/* Section - Pruning ------------------------------------------------------------------------------ */

typedef struct {
    char *path;
    time_t mtime;
} image_file;

static int newer_first(const void *a, const void *b) {
    time_t x = ((const image_file *)a)->mtime, y = ((const image_file *)b)->mtime;
    return x > y ? -1 : x < y;
}

/* Images are named by the identity of their main rules file, which an editor that saves by
 * renaming changes every time, so a rule author's cache would grow by an image per save: after
 * writing `path`, the directory keeps the CACHE_KEEP images written most recently (`path` among
 * them) and loses the others, and temporary files of writes that died an hour ago. A process
 * still using a removed image has it in memory; the next one to need it builds it again. */
void cache_prune(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        return;
    size_t dir_len = (size_t)(slash - path);
    char *dir = strndup(path, dir_len ? dir_len : 1);
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) {
        free(dir);
        return;
    }
    VEC(image_file) files = {0};
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name, *ext = strstr(name, ".img");
        if (strncmp(name, "lexicons-", 9) != 0 || !ext)
            continue;
        size_t len = strlen(dir) + strlen(name) + 2;
        char *full = malloc(len);
        struct stat st;
        if (!full)
            break;
        snprintf(full, len, "%s/%s", dir, name);
        bool temporary = ext[4] == '.', image = ext[4] == '\0';
        if (strcmp(full, path) == 0 || lstat(full, &st) != 0 || !S_ISREG(st.st_mode) || (!temporary && !image)) {
            free(full);
            continue;
        }
        if (temporary) {
            if (st.st_mtime < now - 3600)
                unlink(full);
            free(full);
            continue;
        }
        if (!VEC_PUSH(&files, ((image_file){full, st.st_mtime}))) {
            free(full);
            break;
        }
    }
    closedir(d);
    if (files.len > 1)
        qsort(files.items, files.len, sizeof *files.items, newer_first);
    for (size_t i = 0; i < files.len; i++) {
        if (i + 1 >= CACHE_KEEP) /* `path` is one of those kept */
            unlink(files.items[i].path);
        free(files.items[i].path);
    }
    VEC_FREE(&files);
    free(dir);
}

bool cache_make_dir(const char *dir) {
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, dir, n + 1);
    /* Like mkdir -p: each missing parent in turn, private to the user. */
    for (char *s = buf + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return false;
            *s = '/';
        }
    return mkdir(buf, 0700) == 0 || errno == EEXIST;
}
