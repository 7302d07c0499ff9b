/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * SHA-256 of length-prefixed parts: see playfab_digest.h.
 */

#include <stdint.h>

#include <openssl/evp.h>

#include "playfab_digest.h"


int
playfab_digest(unsigned char *out, const playfab_digest_part_t *parts,
    size_t n)
{
    int             rc;
    size_t          i, j;
    uint64_t        len;
    EVP_MD_CTX     *md;
    unsigned char   prefix[8];

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return -1;
    }

    rc = (EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1) ? 0 : -1;

    for (i = 0; rc == 0 && i < n; i++) {
        len = parts[i].len;

        for (j = 0; j < sizeof(prefix); j++) {         /* big-endian */
            prefix[j] = (unsigned char) (len >> (56 - 8 * j));
        }

        if (EVP_DigestUpdate(md, prefix, sizeof(prefix)) != 1
            || (len && EVP_DigestUpdate(md, parts[i].data, len) != 1))
        {
            rc = -1;
        }
    }

    if (rc == 0 && EVP_DigestFinal_ex(md, out, NULL) != 1) {
        rc = -1;
    }

    EVP_MD_CTX_free(md);

    return rc;
}
