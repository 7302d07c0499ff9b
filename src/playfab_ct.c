/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Constant-time equality and table slots: see playfab_ct.h.
 */

#include <string.h>

#include "playfab_ct.h"


#define PLAYFAB_CT_MUL  0x9e3779b97f4a7c15ULL


int
playfab_ct_equal(const void *a, const void *b, size_t len)
{
    size_t          i;
    uint64_t        x, y, diff;
    const uint8_t  *p, *q;

    p = a;
    q = b;
    diff = 0;

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&x, p + i, 8);
        memcpy(&y, q + i, 8);
        diff |= x ^ y;
    }

    for ( /* void */ ; i < len; i++) {
        diff |= (uint64_t) (p[i] ^ q[i]);
    }

    /* 1 when diff is 0, without a branch on it */

    return (int) (1 & ((diff | (0 - diff)) >> 63 ^ 1));
}


size_t
playfab_ct_slot(uint64_t seed, const void *s, size_t len, size_t n)
{
    size_t          i;
    uint64_t        h, w;
    const uint8_t  *p;

    p = s;
    h = seed ^ (len * PLAYFAB_CT_MUL);

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * PLAYFAB_CT_MUL;
        h ^= h >> 29;
    }

    w = 0;
    memcpy(&w, p + i, len - i);
    h = (h ^ w) * PLAYFAB_CT_MUL;
    h ^= h >> 32;

    return (size_t) (h % n);
}
