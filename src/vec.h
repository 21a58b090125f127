/* vec.h - a small growable array used everywhere instead of ad-hoc realloc code.
 *
 *     VEC(int) v = {0};
 *     if (!VEC_PUSH(&v, 42)) fail();
 *     VEC_FREE(&v);
 */
#ifndef GOVNER_VEC_H
#define GOVNER_VEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define VEC(T) struct { T *items; size_t len, cap; }

typedef VEC(uint32_t) u32_vec;

/* Make room for `n` more items; false when out of memory. */
static inline bool vec_reserve_(void **items, size_t *cap, size_t len, size_t n, size_t size) {
    if (len + n <= *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < len + n)
        nc *= 2;
    void *p = realloc(*items, nc * size);
    if (!p)
        return false;
    *items = p;
    *cap = nc;
    return true;
}

#define VEC_RESERVE(v, n) vec_reserve_((void **)&(v)->items, &(v)->cap, (v)->len, (n), sizeof *(v)->items)
#define VEC_PUSH(v, x) (VEC_RESERVE((v), 1) ? ((v)->items[(v)->len++] = (x), true) : false)
#define VEC_FREE(v) (free((v)->items), (v)->items = NULL, (v)->len = (v)->cap = 0)
#define VEC_LAST(v) ((v)->items[(v)->len - 1])

#endif
