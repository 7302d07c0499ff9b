/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Record keys for the shared zone: SHA-256 of a list of byte strings,
 * each preceded by its length, so that no two lists share a key ("ab",
 * "c" and "a", "bc" differ).  Pure C (OpenSSL).
 */

#ifndef PLAYFAB_DIGEST_H
#define PLAYFAB_DIGEST_H

#include <stddef.h>

#define PLAYFAB_DIGEST_LEN  32

typedef struct {
    const void  *data;
    size_t       len;
} playfab_digest_part_t;

/* 0 and out[PLAYFAB_DIGEST_LEN], or -1 (an OpenSSL failure) */
int playfab_digest(unsigned char *out, const playfab_digest_part_t *parts,
    size_t n);

#endif /* PLAYFAB_DIGEST_H */
