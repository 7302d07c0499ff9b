/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * libFuzzer: the input as a key file, read as a JWK Set or JWK, as a
 * PEM block and as an HMAC secret, each into a fresh key set.  A
 * refusal must come with a message; an accepted set must count what was
 * added and name the algorithms it can verify, and a signature it did
 * not make must be refused, with a documented code, for every one of
 * them.  Leaks are caught by libFuzzer's leak check.
 */

#include <string.h>

#include "playfab_jwt.h"
#include "fuzz.h"


static void fuzz_add_json(const char *s, size_t len);
static void fuzz_add_pem(const char *s, size_t len);
static void fuzz_add_secret(const char *s, size_t len);
static void fuzz_refused(long rc, const char *err, size_t errlen);
static void fuzz_keys_use(const playfab_jwks_t *keys, size_t n);
static void fuzz_verify(const playfab_jwks_t *keys, const char *kid,
    int alg, size_t sig_len);


static const unsigned char  fuzz_message[] = "eyJhbGciOiJIUzI1NiJ9.e30";

/* signature lengths: empty, HS256/ES256/EdDSA, ES384, ES512, RSA-2048 */
static const size_t  fuzz_sig_lens[] = { 0, 32, 64, 96, 132, 256, 512 };


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_add_json((const char *) data, size);
    fuzz_add_pem((const char *) data, size);
    fuzz_add_secret((const char *) data, size);

    return 0;
}


static void
fuzz_add_json(const char *s, size_t len)
{
    long             rc;
    char             err[256];
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();
    FUZZ_CHECK(keys != NULL);

    rc = playfab_jwks_add_json(keys, s, len, err, sizeof(err));

    if (rc < 0) {
        fuzz_refused(rc, err, sizeof(err));

    } else {
        FUZZ_CHECK(rc >= 1);
        fuzz_keys_use(keys, (size_t) rc);
    }

    playfab_jwks_free(keys);
}


static void
fuzz_add_pem(const char *s, size_t len)
{
    int              rc;
    char             err[256];
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();
    FUZZ_CHECK(keys != NULL);

    rc = playfab_jwks_add_pem(keys, s, len, NULL, err, sizeof(err));

    if (rc != 0) {
        fuzz_refused(rc, err, sizeof(err));

    } else {
        fuzz_keys_use(keys, 1);
    }

    playfab_jwks_free(keys);
}


static void
fuzz_add_secret(const char *s, size_t len)
{
    int              rc;
    char             err[256];
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();
    FUZZ_CHECK(keys != NULL);

    rc = playfab_jwks_add_secret(keys, s, len, "k", err, sizeof(err));

    if (rc != 0) {
        fuzz_refused(rc, err, sizeof(err));

    } else {
        fuzz_keys_use(keys, 1);
    }

    playfab_jwks_free(keys);
}


static void
fuzz_refused(long rc, const char *err, size_t errlen)
{
    FUZZ_CHECK(rc == -1);
    FUZZ_CHECK(memchr(err, '\0', errlen) != NULL && err[0] != '\0');
}


static void
fuzz_keys_use(const playfab_jwks_t *keys, size_t n)
{
    int       alg;
    size_t    i;
    unsigned  algs;

    FUZZ_CHECK(playfab_jwks_count(keys) == n);

    algs = playfab_jwks_algs(keys);
    FUZZ_CHECK(algs != 0 && (algs & ~PLAYFAB_JWT_ALGS_ALL) == 0);

    for (alg = 0; alg < PLAYFAB_JWT_NALGS; alg++) {
        if (!(algs & PLAYFAB_JWT_ALG_BIT(alg))) {
            continue;
        }

        for (i = 0; i < sizeof(fuzz_sig_lens) / sizeof(fuzz_sig_lens[0]);
             i++)
        {
            fuzz_verify(keys, NULL, alg, fuzz_sig_lens[i]);
            fuzz_verify(keys, "k", alg, fuzz_sig_lens[i]);
        }
    }

    fuzz_verify(keys, NULL, PLAYFAB_JWT_NALGS, 64);
}


/* a signature of sig_len bytes of 0x5a: never a valid one */

static void
fuzz_verify(const playfab_jwks_t *keys, const char *kid, int alg,
    size_t sig_len)
{
    int               rc;
    playfab_error_t   err;
    unsigned char    *sig;

    sig = malloc(sig_len > 0 ? sig_len : 1);
    FUZZ_CHECK(sig != NULL);

    memset(sig, 0x5a, sig_len);
    memset(&err, 0, sizeof(playfab_error_t));

    rc = playfab_jwks_verify(keys, kid, (playfab_jwt_alg_e) alg,
                             fuzz_message, sizeof(fuzz_message) - 1, sig,
                             sig_len, &err);

    FUZZ_CHECK(rc == -1 && err.code != NULL);
    FUZZ_CHECK(strcmp(err.code, "alg_not_allowed") == 0
               || strcmp(err.code, "unknown_kid") == 0
               || strcmp(err.code, "key_mismatch") == 0
               || strcmp(err.code, "bad_signature") == 0);

    free(sig);
}
