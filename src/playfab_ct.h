/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * For the per-worker tables that hold callers' secrets (verified JWTs,
 * accepted API keys): an equality test whose time depends on the length
 * only, a word at a time, and a keyed hash that picks a table slot.
 * Pure C.
 */

#ifndef PLAYFAB_CT_H
#define PLAYFAB_CT_H

#include <stddef.h>
#include <stdint.h>

/* 1 if a[len] and b[len] are the same bytes, else 0; constant time */
int playfab_ct_equal(const void *a, const void *b, size_t len);

/*
 * A slot in [0, n) for s[len]: a hash keyed with seed (a secret of the
 * worker, so that callers cannot aim their values at one slot), not a
 * MAC; its time depends on len only.  n > 0.
 */
size_t playfab_ct_slot(uint64_t seed, const void *s, size_t len, size_t n);

#endif /* PLAYFAB_CT_H */
