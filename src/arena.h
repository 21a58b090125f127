/* arena.h - bump allocation for data that lives and dies together (a ruleset, one document). */
#ifndef GOVNER_ARENA_H
#define GOVNER_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct {
    arena_block *head;
    size_t block_size;
} arena;

void arena_init(arena *a, size_t block_size);
/* Release every block. The arena can be used again afterwards. */
void arena_release(arena *a);
/* Keep the first block, forget its contents; cheap reuse between documents. */
void arena_reset(arena *a);
/* Zeroed? No: uninitialised, aligned to 16. NULL when out of memory. */
void *arena_alloc(arena *a, size_t size);
/* The same, aligned to `align` (a power of two, 16 or more): up to align - 16 bytes are skipped. */
void *arena_alloc_aligned(arena *a, size_t size, size_t align);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);

#endif
