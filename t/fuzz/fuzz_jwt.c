/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * libFuzzer: playfab_jwt_verify() with a fixed key set (HMAC secret,
 * EC P-256, Ed25519, RSA) under a strict policy and a lax one, then
 * playfab_jwt_claim() on what verified.
 *
 * An input that starts with '{' is "header JSON\nclaims JSON": the
 * harness encodes and signs it with the HMAC secret (kid "hs"), so that
 * the checks after the signature are reached; any other input is the
 * token itself.  A refusal must carry one of the documented codes; a
 * claim's text (by name, or by JSON Pointer) must be as long as
 * counted, fit a short buffer without overrun, and be valid UTF-8
 * without controls.
 */

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "playfab_json.h"
#include "playfab_jwt.h"
#include "fuzz.h"


#define FUZZ_NOW         1700000000
#define FUZZ_SHORT       5


int LLVMFuzzerInitialize(int *argc, char ***argv);
static char *fuzz_sign(const char *in, size_t len, size_t *token_len);
static size_t fuzz_base64url(char *dst, const unsigned char *src,
    size_t len);
static void fuzz_verify(const playfab_jwt_policy_t *policy,
    const char *token, size_t len);
static int fuzz_code_known(const char *code);
static void fuzz_claim(const playfab_jwt_t *jwt, const char *name);


static playfab_jwks_t        *fuzz_keys;
static playfab_jwt_policy_t   fuzz_strict;
static playfab_jwt_policy_t   fuzz_lax;

static const char  fuzz_secret[] = "fuzz-hmac-secret-0123456789abcdef";

static const char  fuzz_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static const char  fuzz_jwks[] =
    "{\"keys\":["
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"ec\","
    "\"x\":\"rSAuVbn7oRu_MwiApP_GMlHeSzuzMG3Tp91Azepruwo\","
    "\"y\":\"x6227bLT83pvS6vCRTX9u8tzai6uK3eHh5sIgEBYYA0\"},"
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed\","
    "\"x\":\"6LLLSimInWVKA-suRkb9repcdmYZr5JJyEW_NDVX0bA\"},"
    "{\"kty\":\"RSA\",\"kid\":\"rs\",\"alg\":\"RS256\",\"e\":\"AQAB\",\"n\":\""
    "znPk75c8F_Bw00A5ZiZDic12pN9M3sYKqkFmrJtzTQiP6TWqdbGUVNZ4N5ebS5u-"
    "dNHwmyGY31ePbxPpbRM4HSy4NX591rle_HN-YNbXu9zMUW_FaXjp498KvND7EUuC"
    "vEftF6DDqJyh2UqZ8IjUMyWKfiUk_XSnU8jlH_M0_yfzXiy4sbzp_ZaG-kqbolEs"
    "eGXo68ENdi1EDhLAzhg2KG-PFREDgYDAM_eY5Ch56ohYx1PhM1puhvcA72mEkHdw"
    "c2sUwzjV1IV4nflbb04kWX-8kTuCXD-z0DrhBgqAi_bMzhCuOCqlK8RBeowZhGbe"
    "iIJFHPngr_-qvIkiRzgIkQ\"}]}";

static const char  *const fuzz_audiences[] = {
    "party-edge", "https://party.example.com"
};

static const char  *const fuzz_scopes[] = {
    "party:create", "party:admin"
};

static const char  *const fuzz_tiers[] = {
    "1", "true", "gold"
};

static const playfab_jwt_claim_rule_t  fuzz_rules[] = {
    { "sub", NULL, 0 },
    { "scope", fuzz_scopes, 2 },
    { "tier", fuzz_tiers, 3 }
};

/* names, and JSON Pointers into nested claims */
static const char  *const fuzz_claims[] = {
    "sub", "scope", "tier", "aud", "iss", "exp", "nbf", "iat", "roles",
    "n", "obj", "", "/realm_access/roles", "/realm_access/roles/0",
    "/obj/a", "/obj/a/1/b", "/roles/-", "/a~1b", "/a~0b", "/", "//",
    "/aud/0", "/obj/01", "/obj/~2"
};

static const char  *const fuzz_codes[] = {
    "too_large", "malformed", "bad_header", "alg_not_allowed",
    "unknown_kid", "key_mismatch", "bad_signature", "expired",
    "not_yet_valid", "iat_in_future", "missing_claim", "no_subject",
    "bad_issuer", "bad_audience", "claim_mismatch"
};


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char  err[256];

    (void) argc;
    (void) argv;

    fuzz_keys = playfab_jwks_create();
    FUZZ_CHECK(fuzz_keys != NULL);

    FUZZ_CHECK(playfab_jwks_add_json(fuzz_keys, fuzz_jwks,
                                     sizeof(fuzz_jwks) - 1, err,
                                     sizeof(err))
               == 3);
    FUZZ_CHECK(playfab_jwks_add_secret(fuzz_keys, fuzz_secret,
                                       sizeof(fuzz_secret) - 1, "hs", err,
                                       sizeof(err))
               == 0);

    playfab_jwt_policy_init(&fuzz_strict);

    fuzz_strict.algs = playfab_jwks_algs(fuzz_keys);
    fuzz_strict.leeway = 30;
    fuzz_strict.issuer = "https://auth.example.com/";
    fuzz_strict.audiences = fuzz_audiences;
    fuzz_strict.naudiences = 2;
    fuzz_strict.claims = fuzz_rules;
    fuzz_strict.nclaims = 3;

    playfab_jwt_policy_init(&fuzz_lax);

    fuzz_lax.algs = PLAYFAB_JWT_ALGS_ALL;
    fuzz_lax.require_exp = 0;

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char        *signed_token;
    size_t       len;
    const char  *token;

    signed_token = NULL;
    token = (const char *) data;
    len = size;

    if (size > 0 && data[0] == '{') {
        signed_token = fuzz_sign(token, size, &len);
        token = signed_token;
    }

    fuzz_verify(&fuzz_strict, token, len);
    fuzz_verify(&fuzz_lax, token, len);

    free(signed_token);

    return 0;
}


/* "header\nclaims" to base64url(header).base64url(claims).HS256 */

static char *
fuzz_sign(const char *in, size_t len, size_t *token_len)
{
    char           *token, *p;
    size_t          hlen, n;
    unsigned int    mac_len;
    const char     *nl;
    unsigned char   mac[EVP_MAX_MD_SIZE];

    nl = memchr(in, '\n', len);
    hlen = nl ? (size_t) (nl - in) : len;

    token = malloc(2 * (len / 3 + 2) + len + 64);
    FUZZ_CHECK(token != NULL);

    p = token;
    p += fuzz_base64url(p, (const unsigned char *) in, hlen);
    *p++ = '.';

    if (nl) {
        p += fuzz_base64url(p, (const unsigned char *) nl + 1,
                            len - hlen - 1);
    }

    n = (size_t) (p - token);

    FUZZ_CHECK(HMAC(EVP_sha256(), fuzz_secret, sizeof(fuzz_secret) - 1,
                    (const unsigned char *) token, n, mac, &mac_len)
               != NULL);

    *p++ = '.';
    p += fuzz_base64url(p, mac, mac_len);

    *token_len = (size_t) (p - token);

    return token;
}


static size_t
fuzz_base64url(char *dst, const unsigned char *src, size_t len)
{
    size_t         i, n;
    unsigned long  v;

    n = 0;

    for (i = 0; i + 2 < len; i += 3) {
        v = (unsigned long) src[i] << 16 | src[i + 1] << 8 | src[i + 2];
        dst[n++] = fuzz_alphabet[v >> 18 & 63];
        dst[n++] = fuzz_alphabet[v >> 12 & 63];
        dst[n++] = fuzz_alphabet[v >> 6 & 63];
        dst[n++] = fuzz_alphabet[v & 63];
    }

    if (len - i == 1) {
        v = (unsigned long) src[i] << 16;
        dst[n++] = fuzz_alphabet[v >> 18 & 63];
        dst[n++] = fuzz_alphabet[v >> 12 & 63];

    } else if (len - i == 2) {
        v = (unsigned long) src[i] << 16 | src[i + 1] << 8;
        dst[n++] = fuzz_alphabet[v >> 18 & 63];
        dst[n++] = fuzz_alphabet[v >> 12 & 63];
        dst[n++] = fuzz_alphabet[v >> 6 & 63];
    }

    return n;
}


static void
fuzz_verify(const playfab_jwt_policy_t *policy, const char *token,
    size_t len)
{
    size_t            i;
    playfab_jwt_t    *jwt;
    playfab_error_t   err;

    memset(&err, 0, sizeof(playfab_error_t));

    jwt = playfab_jwt_verify(fuzz_keys, policy, token, len, FUZZ_NOW, &err);

    if (jwt == NULL) {
        FUZZ_CHECK(fuzz_code_known(err.code));
        FUZZ_CHECK(memchr(err.field, '\0', sizeof(err.field)) != NULL);
        FUZZ_CHECK(memchr(err.rule, '\0', sizeof(err.rule)) != NULL);
        return;
    }

    for (i = 0; i < sizeof(fuzz_claims) / sizeof(fuzz_claims[0]); i++) {
        fuzz_claim(jwt, fuzz_claims[i]);
    }

    playfab_jwt_free(jwt);
}


static int
fuzz_code_known(const char *code)
{
    size_t  i;

    if (code == NULL) {
        return 0;
    }

    for (i = 0; i < sizeof(fuzz_codes) / sizeof(fuzz_codes[0]); i++) {
        if (strcmp(code, fuzz_codes[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


static void
fuzz_claim(const playfab_jwt_t *jwt, const char *name)
{
    long    n, m;
    char   *buf, *part;
    size_t  short_len;

    n = playfab_jwt_claim(jwt, name, strlen(name), NULL, 0);

    if (n < 0) {
        FUZZ_CHECK(n == -1);
        return;
    }

    /* exact sizes, so that ASan sees an overrun */

    buf = malloc(n > 0 ? (size_t) n : 1);
    FUZZ_CHECK(buf != NULL);

    FUZZ_CHECK(playfab_jwt_claim(jwt, name, strlen(name), buf, (size_t) n)
               == n);
    FUZZ_CHECK(playfab_json_text_valid(buf, (size_t) n));

    short_len = (size_t) n < FUZZ_SHORT ? (size_t) n : FUZZ_SHORT;

    part = malloc(short_len > 0 ? short_len : 1);
    FUZZ_CHECK(part != NULL);

    m = playfab_jwt_claim(jwt, name, strlen(name), part, short_len);

    FUZZ_CHECK(m == n && memcmp(part, buf, short_len) == 0);

    free(part);
    free(buf);
}
