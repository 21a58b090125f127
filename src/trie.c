/* trie.c - insertion into the hashed-edge trie. Lookups are inline in trie.h. */
#include "trie.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "utf8.h"

static bool add_node(trie *t, uint32_t *out) {
    if (t->n_nodes == t->cap_nodes) {
        size_t nc = t->cap_nodes ? t->cap_nodes * 2 : 1024;
        int32_t *v = realloc(t->value, nc * sizeof *v);
        if (!v)
            return false;
        t->value = v;
        t->cap_nodes = nc;
    }
    t->value[t->n_nodes] = -1;
    *out = (uint32_t)t->n_nodes++;
    return true;
}

bool trie_init(trie *t) {
    memset(t, 0, sizeof *t);
    t->mask = 1023;
    t->slots = calloc(t->mask + 1, sizeof *t->slots);
    t->root_bmp = malloc(0x10000 * sizeof *t->root_bmp);
    t->pair_bits = calloc((1u << TRIE_PAIR_BITS) / 64, sizeof *t->pair_bits);
    uint32_t root;
    if (!t->slots || !t->root_bmp || !t->pair_bits || !add_node(t, &root)) {
        trie_free(t);
        return false;
    }
    memset(t->root_bmp, 0xFF, 0x10000 * sizeof *t->root_bmp);
    t->child_mask = UINT32_MAX;
    return true;
}

void trie_free(trie *t) {
    if (t->borrowed) {
        memset(t, 0, sizeof *t);
        return;
    }
    free(t->slots);
    free(t->root_bmp);
    free(t->value);
    free(t->terms);
    free(t->pair_bits);
    memset(t, 0, sizeof *t);
}

static void put(trie_slot *slots, size_t mask, uint64_t key, uint32_t child) {
    size_t i = trie_edge_home(mask, key);
    while (slots[i].key != 0)
        i = (i + 1) & mask;
    slots[i] = (trie_slot){key, child, TRIE_NO_TERM};
}

/* A zeroed table of n slots. Big tables are asked for in huge pages where the system has them:
 * the table is written all over as it fills, and one fault per 2 MiB instead of per 4 KiB is a
 * good part of the startup time. */
static trie_slot *new_slots(size_t n) {
    size_t bytes = n * sizeof(trie_slot);
#ifdef MADV_HUGEPAGE
    if (bytes >= (1u << 21)) {
        trie_slot *p = aligned_alloc(1u << 21, bytes);
        if (p) {
            madvise(p, bytes, MADV_HUGEPAGE);
            memset(p, 0, bytes);
        }
        return p;
    }
#endif
    return calloc(n, sizeof(trie_slot));
}

/* Rehash into a table of nmask + 1 slots. */
static bool grow_to(trie *t, size_t nmask) {
    trie_slot *slots = new_slots(nmask + 1);
    if (!slots)
        return false;
    for (size_t i = 0; i <= t->mask; i++)
        if (t->slots[i].key)
            put(slots, nmask, t->slots[i].key, t->slots[i].child);
    free(t->slots);
    t->slots = slots;
    t->mask = nmask;
    return true;
}

bool trie_reserve(trie *t, size_t n) {
    size_t nmask = t->mask;
    while ((t->used + n) * 2 > nmask + 1) /* at most half full */
        nmask = nmask * 2 + 1;
    return nmask == t->mask || grow_to(t, nmask);
}

bool trie_fit(trie *t) {
    size_t nmask = 1023;
    while (t->used * 4 > (nmask + 1) * 3)
        nmask = nmask * 2 + 1;
    return nmask >= t->mask || grow_to(t, nmask);
}

uint32_t trie_insert(trie *t, const char *s, size_t len, uint32_t *n_cps) {
    uint32_t node = TRIE_ROOT, first = 0;
    size_t i = 0;
    uint32_t depth = 0;
    for (; i < len; depth++) {
        uint32_t cp;
        int n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0)
            return TRIE_NONE;
        i += (size_t)n;
        if (depth == 0)
            first = cp;
        if (depth == 1) {
            size_t h = trie_pair_hash(first, cp);
            t->pair_bits[h >> 6] |= 1ull << (h & 63);
        }
        uint32_t next = trie_step(t, node, cp);
        if (next == TRIE_NONE) {
            if (!add_node(t, &next))
                return TRIE_NONE;
            if (node == TRIE_ROOT && cp < 0x10000) {
                t->root_bmp[cp] = next;
            } else {
                if (!trie_reserve(t, 1))
                    return TRIE_NONE;
                put(t->slots, t->mask, trie_edge_key(node, cp), next);
                t->used++;
            }
        }
        node = next;
    }
    if (n_cps)
        *n_cps = depth;
    return node;
}

uint32_t trie_find(const trie *t, const char *s, size_t len) {
    uint32_t node = TRIE_ROOT;
    size_t i = 0;
    while (i < len && node != TRIE_NONE) {
        uint32_t cp;
        int n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0)
            return TRIE_NONE;
        i += (size_t)n;
        node = trie_step(t, node, cp);
    }
    return node;
}
