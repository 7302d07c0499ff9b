/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for JWT verification: the RFC 7515 appendix A and RFC 8037
 * examples, then every rejection with HMAC tokens minted here.  Keys made
 * with the openssl command line are in test_jwk.c.
 */

#include <stdlib.h>

#include <openssl/evp.h>
#include <cjson/cJSON.h>

#include "unit.h"
#include "playfab_jose.h"
#include "playfab_jwt.h"


/* 64 bytes; SECRET32 is its first half */
#define SECRET    "0123456789abcdef0123456789ABCDEF" \
                  "fedcba9876543210FEDCBA9876543210"
#define SECRET32  "0123456789abcdef0123456789ABCDEF"

#define H_HS256   "{\"alg\":\"HS256\"}"
#define NOW       1000

/* RFC 7515 A.1 to A.4: the payload of A.1 to A.3 */
#define RFC_PAYLOAD  \
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt" \
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define RFC_NOW      1300819370

#define A1_JWK  \
    "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T" \
    "-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}"
/* a subject for claims that test something else */
#define SUB  "\"sub\":\"s\","

#define A1_JWT  \
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." RFC_PAYLOAD \
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

#define A2_N  \
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx" \
    "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs" \
    "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH" \
    "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV" \
    "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8" \
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
#define A2_JWK  \
    "{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\"}"
#define A2_JWT  \
    "eyJhbGciOiJSUzI1NiJ9." RFC_PAYLOAD "." \
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7" \
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4" \
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K" \
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv" \
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB" \
    "p0igcN_IoypGlUPQGe77Rw"

#define A3_JWK  \
    "{\"kty\":\"EC\",\"crv\":\"P-256\"," \
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\"," \
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}"
#define A3_JWT  \
    "eyJhbGciOiJFUzI1NiJ9." RFC_PAYLOAD "." \
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA" \
    "pmWQxfKTUJqPP3-Kg6NU1Q"

#define A4_JWK  \
    "{\"kty\":\"EC\",\"crv\":\"P-521\"," \
    "\"x\":\"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_" \
    "NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk\"," \
    "\"y\":\"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDl" \
    "y79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2\"}"
#define A4_INPUT  "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA"
#define A4_SIG  \
    "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZq" \
    "wqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8Kp" \
    "EHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn"

#define A5_JWT  "eyJhbGciOiJub25lIn0." RFC_PAYLOAD "."

/* RFC 8037 A.2 public key, A.4 signature */
#define ED_JWK  \
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," \
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
#define ED_INPUT  "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
#define ED_SIG  \
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsP" \
    "t9g7sVvpAr_MuM0KAg"


static size_t b64url(const void *in, size_t len, char *out);
static char *mint(const char *header, const char *payload, const char *md,
    const char *key, size_t key_len);
static char *hs(const char *header, const char *payload);
static playfab_jwks_t *keyset(const char *json);
static playfab_jwks_t *secret_set(void);
static const char *run(const playfab_jwks_t *keys,
    const playfab_jwt_policy_t *policy, const char *token, size_t len,
    int64_t now, playfab_jwt_t **jwt);
static const char *code(const playfab_jwks_t *keys,
    const playfab_jwt_policy_t *policy, const char *token, int64_t now);
static const char *code_free(const playfab_jwks_t *keys,
    const playfab_jwt_policy_t *policy, char *token, int64_t now);
static const char *claims(const char *payload,
    const playfab_jwt_policy_t *policy, int64_t now);
static int raw_verify(const char *jwk, playfab_jwt_alg_e alg,
    const char *input, const char *sig64);
static int parses(const char *s);
static void test_base64url(void);
static void test_json_parse(void);
static void test_alg_names(void);
static void test_rfc7515_hs256(void);
static void test_rfc7515_rs256(void);
static void test_rfc7515_ecdsa(void);
static void test_rfc7515_none(void);
static void test_rfc8037_ed25519(void);
static void test_hmac_sizes(void);
static void test_forged(void);
static void test_segments(void);
static void test_bad_base64url(void);
static void test_bad_json(void);
static void test_size(void);
static void test_header(void);
static void test_kid(void);
static void test_confusion(void);
static void test_times(void);
static void test_recheck(void);
static void test_subject(void);
static void test_time_types(void);
static void test_issuer(void);
static void test_audience(void);
static void test_required(void);
static void test_claim_text(void);
static void test_pointer_check(void);
static void test_pointer_claims(void);
static void test_pointer_rules(void);


static size_t
b64url(const void *in, size_t len, char *out)
{
    int     n;
    size_t  i;

    n = EVP_EncodeBlock((unsigned char *) out, in, (int) len);

    while (n > 0 && out[n - 1] == '=') {
        n--;
    }

    out[n] = '\0';

    for (i = 0; i < (size_t) n; i++) {
        out[i] = (out[i] == '+') ? '-' : (out[i] == '/') ? '_' : out[i];
    }

    return (size_t) n;
}


/* header.payload signed with HMAC-md, as a malloc()ed string */

static char *
mint(const char *header, const char *payload, const char *md,
    const char *key, size_t key_len)
{
    char           *t;
    size_t          n, hl, pl, mac_len;
    unsigned char   mac[EVP_MAX_MD_SIZE];

    hl = strlen(header);
    pl = strlen(payload);
    t = malloc(2 * (hl + pl) + 200);

    if (t == NULL) {
        return NULL;
    }

    n = b64url(header, hl, t);
    t[n++] = '.';
    n += b64url(payload, pl, &t[n]);

    EVP_Q_mac(NULL, "HMAC", NULL, md, NULL, key, key_len,
              (unsigned char *) t, n, mac, sizeof(mac), &mac_len);

    t[n++] = '.';
    b64url(mac, mac_len, &t[n]);

    return t;
}


static char *
hs(const char *header, const char *payload)
{
    return mint(header, payload, "SHA256", SECRET, 64);
}


static playfab_jwks_t *
keyset(const char *json)
{
    char             err[160];
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();

    if (keys != NULL
        && playfab_jwks_add_json(keys, json, strlen(json), err, sizeof(err))
           < 1)
    {
        printf("# %s\n", err);
    }

    return keys;
}


static playfab_jwks_t *
secret_set(void)
{
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();

    if (keys != NULL) {
        CHECK(playfab_jwks_add_secret(keys, SECRET, 64, NULL, NULL, 0) == 0);
    }

    return keys;
}


/* verifies an exact-size copy, so that ASan sees any read past the end */

static const char *
run(const playfab_jwks_t *keys, const playfab_jwt_policy_t *policy,
    const char *token, size_t len, int64_t now, playfab_jwt_t **jwt)
{
    char             *copy;
    playfab_jwt_t    *j;
    playfab_error_t   err;

    copy = NULL;

    if (token != NULL) {
        copy = malloc(len ? len : 1);

        if (copy == NULL) {
            return "no memory";
        }

        memcpy(copy, token, len);
    }

    memset(&err, 0, sizeof(err));

    j = playfab_jwt_verify(keys, policy, copy, len, now, &err);

    free(copy);

    if (jwt) {
        *jwt = j;

    } else {
        playfab_jwt_free(j);
    }

    if (j != NULL) {
        return "ok";
    }

    if (err.code == NULL || err.rule[0] == '\0') {
        return "no error set";
    }

    return err.code;
}


static const char *
code(const playfab_jwks_t *keys, const playfab_jwt_policy_t *policy,
    const char *token, int64_t now)
{
    return run(keys, policy, token, strlen(token), now, NULL);
}


static const char *
code_free(const playfab_jwks_t *keys, const playfab_jwt_policy_t *policy,
    char *token, int64_t now)
{
    const char  *rc;

    rc = token ? code(keys, policy, token, now) : "mint failed";
    free(token);

    return rc;
}


/* an HS256 token with this payload against the 64-byte secret */

static const char *
claims(const char *payload, const playfab_jwt_policy_t *policy, int64_t now)
{
    const char      *rc;
    playfab_jwks_t  *keys;

    keys = secret_set();
    rc = code_free(keys, policy, hs(H_HS256, payload), now);
    playfab_jwks_free(keys);

    return rc;
}


static int
raw_verify(const char *jwk, playfab_jwt_alg_e alg, const char *input,
    const char *sig64)
{
    int               rc;
    long              n;
    unsigned char     sig[256];
    playfab_jwks_t   *keys;
    playfab_error_t   err;

    keys = keyset(jwk);
    n = playfab_jose_base64url_decode(sig64, strlen(sig64), sig, sizeof(sig));
    rc = -2;

    if (keys != NULL && n > 0) {
        rc = playfab_jwks_verify(keys, NULL, alg,
                                 (const unsigned char *) input, strlen(input),
                                 sig, (size_t) n, &err);
    }

    playfab_jwks_free(keys);

    return rc;
}


static void
test_base64url(void)
{
    unsigned char  out[8];

    CHECK(playfab_jose_base64url_decode("", 0, out, 0) == 0);
    CHECK(playfab_jose_base64url_decode("QQ", 2, out, 1) == 1);
    CHECK(out[0] == 'A');
    CHECK(playfab_jose_base64url_decode("QUI", 3, out, 2) == 2);
    CHECK(memcmp(out, "AB", 2) == 0);
    CHECK(playfab_jose_base64url_decode("QUJD", 4, out, 3) == 3);
    CHECK(memcmp(out, "ABC", 3) == 0);
    CHECK(playfab_jose_base64url_decode("-_-_", 4, out, 3) == 3);
    CHECK(out[0] == 0xfb && out[1] == 0xff && out[2] == 0xbf);

    /* no room */
    CHECK(playfab_jose_base64url_decode("QUJD", 4, out, 2) == -1);
    CHECK(playfab_jose_base64url_decode("QUI", 3, out, 1) == -1);

    /* 4n+1 characters, padding, base64 (not url) alphabet, other bytes */
    CHECK(playfab_jose_base64url_decode("Q", 1, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QUJDR", 5, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QQ==", 4, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QQ=", 3, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("+/+/", 4, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QU I", 4, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QU\0I", 4, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QU\xc3I", 4, out, 8) == -1);

    /* unused trailing bits must be zero: "QR" and "QUJ" also decode to
     * "A" and "AB" in lenient decoders */
    CHECK(playfab_jose_base64url_decode("QR", 2, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QX", 2, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QUJ", 3, out, 8) == -1);
    CHECK(playfab_jose_base64url_decode("QUL", 3, out, 8) == -1);
}


static int
parses(const char *s)
{
    int      ok;
    char    *copy;
    cJSON   *root;
    size_t   len;

    len = strlen(s);
    copy = malloc(len ? len : 1);

    if (copy == NULL) {
        return -1;
    }

    memcpy(copy, s, len);
    root = playfab_jose_json_parse(copy, len);
    ok = (root != NULL);
    cJSON_Delete(root);
    free(copy);

    return ok;
}


static void
test_json_parse(void)
{
    int     i;
    char    buf[4096];
    size_t  n;

    CHECK(parses("{}") == 1);
    CHECK(parses(" {\"a\":1}\r\n\t ") == 1);
    CHECK(parses("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}") == 1);

    CHECK(parses("") == 0);
    CHECK(parses("[]") == 0);
    CHECK(parses("\"s\"") == 0);
    CHECK(parses("{\"a\":1} x") == 0);
    CHECK(parses("{\"a\":1}{}") == 0);
    CHECK(parses("{\"a\":1") == 0);
    CHECK(parses("{\"a\":\"1}") == 0);
    CHECK(parses("{'a':1}") == 0);

    /* duplicate names, at the top and nested */
    CHECK(parses("{\"a\":1,\"a\":1}") == 0);
    CHECK(parses("{\"a\":1,\"b\":{\"c\":1,\"c\":2}}") == 0);
    CHECK(parses("{\"a\":[{\"c\":1,\"c\":2}]}") == 0);
    CHECK(parses("{\"a\":1,\"A\":1}") == 1);

    /* NUL, raw or escaped; an escaped backslash before "u0000" is text */
    CHECK(parses("{\"a\":\"x\\u0000y\"}") == 0);
    CHECK(parses("{\"a\\u0000\":1}") == 0);
    CHECK(parses("{\"a\":\"x\\\\u0000y\"}") == 1);
    CHECK(playfab_jose_json_parse("{\"a\":1}\0", 9) == NULL);

    /* depth 8 passes, 9 does not; a bomb fails fast */
    CHECK(parses("{\"a\":[[[[[[[1]]]]]]]}") == 1);
    CHECK(parses("{\"a\":[[[[[[[[1]]]]]]]]}") == 0);

    n = (size_t) sprintf(buf, "{\"a\":");
    memset(&buf[n], '[', 1000);
    memset(&buf[n + 1000], ']', 1000);
    strcpy(&buf[n + 2000], "}");
    CHECK(parses(buf) == 0);

    /* 256 members pass, 257 do not */
    n = (size_t) sprintf(buf, "{");

    for (i = 0; i < 256; i++) {
        n += (size_t) sprintf(&buf[n], "\"m%d\":0,", i);
    }

    strcpy(&buf[n - 1], "}");
    CHECK(parses(buf) == 1);

    strcpy(&buf[n - 1], ",\"x\":0}");
    CHECK(parses(buf) == 0);
}


static void
test_alg_names(void)
{
    int  alg;

    for (alg = 0; alg < PLAYFAB_JWT_NALGS; alg++) {
        CHECK(playfab_jwt_alg_by_name(playfab_jwt_alg_name(alg),
                                      strlen(playfab_jwt_alg_name(alg)))
              == alg);
    }

    CHECK(playfab_jwt_alg_by_name("RS256", 5) == PLAYFAB_JWT_RS256);
    CHECK(playfab_jwt_alg_by_name("EdDSA", 5) == PLAYFAB_JWT_EDDSA);
    CHECK(playfab_jwt_alg_by_name("RS2567", 5) == PLAYFAB_JWT_RS256);
    CHECK(playfab_jwt_alg_by_name("none", 4) == -1);
    CHECK(playfab_jwt_alg_by_name("rs256", 5) == -1);
    CHECK(playfab_jwt_alg_by_name("RS25", 4) == -1);
    CHECK(playfab_jwt_alg_by_name("RS2560", 6) == -1);
    CHECK(playfab_jwt_alg_by_name("Ed25519", 7) == -1);
    CHECK(playfab_jwt_alg_by_name("", 0) == -1);
    CHECK_STR(playfab_jwt_alg_name(PLAYFAB_JWT_ES512), "ES512");
    CHECK_STR(playfab_jwt_alg_name(PLAYFAB_JWT_NALGS), "unknown");
}


static void
test_rfc7515_hs256(void)
{
    char                   buf[64];
    playfab_jwt_t         *jwt;
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = keyset(A1_JWK);
    CHECK(keys != NULL && playfab_jwks_count(keys) == 1);

    playfab_jwt_policy_init(&policy);
    policy.subject = "iss";      /* RFC 7519's example has no "sub" */
    policy.algs = PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_HS256);
    policy.issuer = "joe";

    jwt = NULL;
    CHECK_STR(run(keys, &policy, A1_JWT, strlen(A1_JWT), RFC_NOW, &jwt),
              "ok");

    if (jwt != NULL) {
        CHECK(playfab_jwt_claim(jwt, "iss", 3, buf, sizeof(buf)) == 3);
        CHECK(memcmp(buf, "joe", 3) == 0);
        CHECK(playfab_jwt_claim(jwt, "exp", 3, buf, sizeof(buf)) == 10);
        CHECK(memcmp(buf, "1300819380", 10) == 0);
        CHECK(playfab_jwt_claim(jwt, "http://example.com/is_root", 26, buf,
                                sizeof(buf)) == 4);
        CHECK(memcmp(buf, "true", 4) == 0);
        playfab_jwt_free(jwt);
    }

    CHECK_STR(code(keys, &policy, A1_JWT, 1300819380), "expired");

    policy.leeway = 1;
    CHECK_STR(code(keys, &policy, A1_JWT, 1300819380), "ok");

    policy.algs = PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_RS256);
    CHECK_STR(code(keys, &policy, A1_JWT, RFC_NOW), "alg_not_allowed");

    policy.algs = 0;
    CHECK_STR(code(keys, &policy, A1_JWT, RFC_NOW), "alg_not_allowed");

    playfab_jwks_free(keys);
}


static void
test_rfc7515_rs256(void)
{
    char                   err[160];
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;
    const char            *priv =
        "{\"kty\":\"RSA\",\"kid\":\"x\",\"n\":\"" A2_N "\",\"e\":\"AQAB\","
        "\"d\":\"AQAB\"}";

    keys = keyset(A2_JWK);
    CHECK(keys != NULL && playfab_jwks_count(keys) == 1);

    playfab_jwt_policy_init(&policy);
    policy.subject = "iss";      /* RFC 7519's example has no "sub" */
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    CHECK_STR(code(keys, &policy, A2_JWT, RFC_NOW), "ok");
    CHECK_STR(code(keys, &policy, A2_JWT, 1300819380), "expired");

    /* the RFC's JWK carries the private key too: refused */
    CHECK(playfab_jwks_add_json(keys, priv, strlen(priv), err, sizeof(err))
          == -1);
    CHECK_STR(err, "a private key (member \"d\"): publish only public keys");

    playfab_jwks_free(keys);
}


static void
test_rfc7515_ecdsa(void)
{
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = keyset(A3_JWK);

    playfab_jwt_policy_init(&policy);
    policy.subject = "iss";      /* RFC 7519's example has no "sub" */
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    CHECK_STR(code(keys, &policy, A3_JWT, RFC_NOW), "ok");

    policy.algs &= ~PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_ES256);
    CHECK_STR(code(keys, &policy, A3_JWT, RFC_NOW), "alg_not_allowed");

    playfab_jwks_free(keys);

    /* A.4: ES512 over the payload "Payload"; a JWT needs JSON claims */
    CHECK(raw_verify(A4_JWK, PLAYFAB_JWT_ES512, A4_INPUT, A4_SIG) == 0);
    CHECK(raw_verify(A4_JWK, PLAYFAB_JWT_ES512, "eyJhbGciOiJFUzUxMiJ9."
                     "UGF5bG9hZB", A4_SIG) == -1);
    CHECK(raw_verify(A4_JWK, PLAYFAB_JWT_ES384, A4_INPUT, A4_SIG) == -1);

    keys = keyset(A4_JWK);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;
    policy.require_exp = 0;
    CHECK_STR(code(keys, &policy, A4_INPUT "." A4_SIG, RFC_NOW),
              "malformed");
    playfab_jwks_free(keys);
}


static void
test_rfc7515_none(void)
{
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = keyset(A1_JWK);

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    CHECK_STR(code(keys, &policy, A5_JWT, RFC_NOW), "alg_not_allowed");
    CHECK_STR(code(keys, &policy, A5_JWT "AAAA", RFC_NOW),
              "alg_not_allowed");

    /* "None", and "none" with an HMAC of the secret */
    CHECK_STR(code_free(keys, &policy, hs("{\"alg\":\"None\"}",
                                          "{" SUB "\"exp\":2000}"), NOW),
              "alg_not_allowed");
    CHECK_STR(code_free(keys, &policy, hs("{\"alg\":\"none\"}",
                                          "{" SUB "\"exp\":2000}"), NOW),
              "alg_not_allowed");

    playfab_jwks_free(keys);
}


static void
test_rfc8037_ed25519(void)
{
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    CHECK(raw_verify(ED_JWK, PLAYFAB_JWT_EDDSA, ED_INPUT, ED_SIG) == 0);
    CHECK(raw_verify(ED_JWK, PLAYFAB_JWT_EDDSA, ED_INPUT "A", ED_SIG) == -1);
    CHECK(raw_verify(ED_JWK, PLAYFAB_JWT_ES256, ED_INPUT, ED_SIG) == -1);

    /* the signature verifies; the payload is not claims */
    keys = keyset(ED_JWK);
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;
    CHECK_STR(code(keys, &policy, ED_INPUT "." ED_SIG, RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, ED_INPUT ".A" ED_SIG, RFC_NOW),
              "bad_signature");
    playfab_jwks_free(keys);
}


static void
test_hmac_sizes(void)
{
    char                   err[160];
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    keys = secret_set();

    CHECK_STR(code_free(keys, &policy, mint("{\"alg\":\"HS384\"}",
                                            "{" SUB "\"exp\":2000}", "SHA384",
                                            SECRET, 64), NOW), "ok");
    CHECK_STR(code_free(keys, &policy, mint("{\"alg\":\"HS512\"}",
                                            "{" SUB "\"exp\":2000}", "SHA512",
                                            SECRET, 64), NOW), "ok");

    /* an HS256 MAC presented as HS512 */
    CHECK_STR(code_free(keys, &policy, mint("{\"alg\":\"HS512\"}",
                                            "{" SUB "\"exp\":2000}", "SHA256",
                                            SECRET, 64), NOW),
              "bad_signature");
    CHECK(playfab_jwks_algs(keys) == 7);
    playfab_jwks_free(keys);

    /* a 32-byte secret is too short for HS384 and HS512 (RFC 7518 3.2) */
    keys = playfab_jwks_create();
    CHECK(playfab_jwks_add_secret(keys, SECRET32, 32, NULL, NULL, 0) == 0);
    CHECK(playfab_jwks_algs(keys) == PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_HS256));
    CHECK_STR(code_free(keys, &policy, mint(H_HS256, "{" SUB "\"exp\":2000}",
                                            "SHA256", SECRET32, 32), NOW),
              "ok");
    CHECK_STR(code_free(keys, &policy, mint("{\"alg\":\"HS512\"}",
                                            "{" SUB "\"exp\":2000}", "SHA512",
                                            SECRET32, 32), NOW),
              "key_mismatch");
    playfab_jwks_free(keys);

    /*
     * Found by t/fuzz/fuzz_jwks: an oct JWK pinned to an alg its k is
     * too short for was loaded, and could verify nothing
     */
    keys = playfab_jwks_create();
    CHECK(playfab_jwks_add_json(keys,
              "{\"kty\":\"oct\",\"kid\":\"k\",\"alg\":\"HS512\",\"k\":"
              "\"ZnV6ei1obWFjLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm\"}", 88,
              err, sizeof(err))
          == -1);
    CHECK(strstr(err, "\"alg\" HS512 does not fit the key") != NULL);
    CHECK(playfab_jwks_count(keys) == 0);
    playfab_jwks_free(keys);
}


static void
test_forged(void)
{
    char                  *t;
    size_t                 n, dot;
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = secret_set();
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    t = hs(H_HS256, "{\"sub\":\"p1\",\"exp\":2000}");

    if (t == NULL) {
        CHECK(0);
        playfab_jwks_free(keys);
        return;
    }

    CHECK_STR(code(keys, &policy, t, NOW), "ok");

    n = strlen(t);
    dot = (size_t) (strchr(t, '.') - t);

    /* a signature character, a payload character, the last signature
     * character (still canonical), a signature byte dropped */
    t[n - 5] ^= 0x01;
    CHECK_STR(code(keys, &policy, t, NOW), "bad_signature");
    t[n - 5] ^= 0x01;

    t[dot + 3] ^= 0x01;
    CHECK_STR(code(keys, &policy, t, NOW), "bad_signature");
    t[dot + 3] ^= 0x01;

    t[n - 1] = (t[n - 1] == 'A') ? 'E' : 'A';
    CHECK_STR(code(keys, &policy, t, NOW), "bad_signature");

    t[n - 3] = '\0';
    CHECK_STR(code(keys, &policy, t, NOW), "bad_signature");

    free(t);

    /* signed with another secret */
    CHECK_STR(code_free(keys, &policy, mint(H_HS256, "{" SUB "\"exp\":2000}",
                                            "SHA256", SECRET32 "x", 33),
                        NOW), "bad_signature");

    playfab_jwks_free(keys);
}


static void
test_segments(void)
{
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = keyset(A1_JWK);
    playfab_jwt_policy_init(&policy);
    policy.subject = "iss";      /* RFC 7519's example has no "sub" */
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    CHECK_STR(code(keys, &policy, "", RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, ".", RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, "..", RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, "...", RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
                   RFC_PAYLOAD, RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, A1_JWT ".", RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, A1_JWT ".e30", RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, "." A1_JWT, RFC_NOW), "malformed");

    /* a JWE has five segments */
    CHECK_STR(code(keys, &policy, "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
                   RFC_NOW), "malformed");

    /* "Bearer " or blanks left in by the caller */
    CHECK_STR(code(keys, &policy, "Bearer " A1_JWT, RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, A1_JWT " ", RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, A1_JWT "\n", RFC_NOW), "malformed");

    CHECK_STR(code(keys, &policy, A1_JWT, RFC_NOW), "ok");
    CHECK_STR(run(keys, &policy, NULL, 0, RFC_NOW, NULL), "malformed");

    playfab_jwks_free(keys);
}


static void
test_bad_base64url(void)
{
    char                   t[sizeof(A1_JWT) + 4];
    size_t                 n;
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = keyset(A1_JWK);
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    /* a character of base64 but not base64url, in each segment */
    strcpy(t, A1_JWT);
    t[4] = '+';
    CHECK_STR(code(keys, &policy, t, RFC_NOW), "malformed");

    strcpy(t, A1_JWT);
    t[50] = '/';
    CHECK_STR(code(keys, &policy, t, RFC_NOW), "malformed");

    n = strlen(A1_JWT);
    strcpy(t, A1_JWT);
    t[n - 3] = '/';
    CHECK_STR(code(keys, &policy, t, RFC_NOW), "malformed");

    strcpy(t, A1_JWT);
    t[n - 3] = '*';
    CHECK_STR(code(keys, &policy, t, RFC_NOW), "malformed");

    /* padding; a signature of 4n+1 characters; a non-canonical last
     * character: "k" (36) ends the signature, "l" (37) has a low bit set
     * that carries no byte */
    CHECK_STR(code(keys, &policy, A1_JWT "=", RFC_NOW), "malformed");
    CHECK_STR(code(keys, &policy, A1_JWT "AA", RFC_NOW), "malformed");

    strcpy(t, A1_JWT);
    t[n - 1] = 'l';
    CHECK_STR(code(keys, &policy, t, RFC_NOW), "malformed");

    /* the payload is 4n+2 characters: "Q" ends it, "R" sets a bit that
     * carries no byte */
    strcpy(t, A1_JWT);
    t[strchr(A1_JWT, '.') - A1_JWT + strlen(RFC_PAYLOAD)] = 'R';
    CHECK_STR(code(keys, &policy, t, RFC_NOW), "malformed");

    /* a NUL inside the token */
    CHECK_STR(run(keys, &policy, A1_JWT, 10, RFC_NOW, NULL), "malformed");
    strcpy(t, A1_JWT);
    t[10] = '\0';
    CHECK_STR(run(keys, &policy, t, strlen(A1_JWT), RFC_NOW, NULL),
              "malformed");

    playfab_jwks_free(keys);
}


static void
test_bad_json(void)
{
    char                  *p, *t;
    size_t                 n;
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = secret_set();
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    /* header */
    CHECK_STR(code_free(keys, &policy, hs("{\"alg\":\"HS256\"",
                                          "{" SUB "\"exp\":2000}"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs("[\"HS256\"]", "{" SUB
                                                         "\"exp\":2000}"),
                        NOW), "malformed");
    CHECK_STR(code_free(keys, &policy, hs("", "{" SUB "\"exp\":2000}"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs("{\"alg\":\"HS256\","
                                          "\"alg\":\"none\"}",
                                          "{" SUB "\"exp\":2000}"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs("{\"typ\":\"JWT\"}",
                                          "{" SUB "\"exp\":2000}"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs("{\"alg\":256}", "{" SUB
                                                           "\"exp\":2000}"),
                        NOW), "malformed");
    CHECK_STR(code_free(keys, &policy, hs("{\"alg\":\"HS256\\u0000x\"}",
                                          "{" SUB "\"exp\":2000}"), NOW),
              "malformed");

    /* payload, correctly signed */
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "{" SUB
                                                   "\"exp\":2000"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "[2000]"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "2000"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, ""), NOW), "malformed");
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "{" SUB
                                                   "\"exp\":2000} x"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "{\"exp\":2000,"
                                          "\"exp\":3000}"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "{\"exp\":2000,"
                                          "\"sub\":\"a\\u0000b\"}"), NOW),
              "malformed");
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "{\"exp\":2000,"
                                          "\"sub\":\"a\\\\u0000b\"}"), NOW),
              "ok");

    /* nesting bombs in the payload and in the header */
    p = malloc(4200);

    if (p != NULL) {
        n = (size_t) sprintf(p, "{" SUB "\"exp\":2000,\"a\":");
        memset(&p[n], '[', 2000);
        memset(&p[n + 2000], ']', 2000);
        strcpy(&p[n + 4000], "}");
        CHECK_STR(code_free(keys, &policy, hs(H_HS256, p), NOW), "malformed");

        n = (size_t) sprintf(p, "{\"alg\":\"HS256\",\"a\":");
        memset(&p[n], '{', 2000);
        strcpy(&p[n + 2000], "}");
        t = hs(p, "{" SUB "\"exp\":2000}");
        CHECK_STR(code_free(keys, &policy, t, NOW), "malformed");
        free(p);
    }

    /* the deepest nesting accepted */
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "{" SUB "\"exp\":2000,"
                                          "\"a\":[[[[[[{}]]]]]]}"), NOW),
              "ok");
    CHECK_STR(code_free(keys, &policy, hs(H_HS256, "{" SUB "\"exp\":2000,"
                                          "\"a\":[[[[[[[{}]]]]]]]}"), NOW),
              "malformed");

    playfab_jwks_free(keys);
}


static void
test_size(void)
{
    int                    pad;
    char                  *p, *t;
    size_t                 len;
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = secret_set();
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    p = malloc(PLAYFAB_JWT_TOKEN_MAX);
    t = NULL;
    len = 0;

    /* grow the payload until the token is exactly 8192 bytes */

    for (pad = 6000; p != NULL && pad < 6200; pad++) {
        sprintf(p, "{" SUB "\"exp\":2000,\"pad\":\"%0*d\"}", pad, 0);
        free(t);
        t = hs(H_HS256, p);
        len = t ? strlen(t) : 0;

        if (len >= PLAYFAB_JWT_TOKEN_MAX) {
            break;
        }
    }

    CHECK(len == PLAYFAB_JWT_TOKEN_MAX);

    if (len == PLAYFAB_JWT_TOKEN_MAX) {
        CHECK_STR(code(keys, &policy, t, NOW), "ok");
    }

    free(t);

    sprintf(p, "{" SUB "\"exp\":2000,\"pad\":\"%0*d\"}", pad + 1, 0);
    t = hs(H_HS256, p);
    CHECK(t != NULL && strlen(t) > PLAYFAB_JWT_TOKEN_MAX);
    CHECK_STR(code(keys, &policy, t, NOW), "too_large");
    free(t);
    free(p);

    /* too large comes before anything else */
    p = malloc(PLAYFAB_JWT_TOKEN_MAX + 1);

    if (p != NULL) {
        memset(p, '.', PLAYFAB_JWT_TOKEN_MAX + 1);
        CHECK_STR(run(keys, &policy, p, PLAYFAB_JWT_TOKEN_MAX + 1, NOW, NULL),
                  "too_large");
        free(p);
    }

    playfab_jwks_free(keys);
}


static void
test_header(void)
{
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = secret_set();
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_HS256);

#define HDR(h)  code_free(keys, &policy, hs(h, "{" SUB "\"exp\":2000}"), NOW)

    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"), "ok");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":\"jwt\"}"), "ok");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}"), "ok");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":\"application/at+JWT\"}"),
              "ok");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":\"application/jwt\"}"), "ok");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":\"JOSE\"}"), "bad_header");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":\"dpop+jwt\"}"), "bad_header");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":\"\"}"), "bad_header");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":1}"), "bad_header");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"typ\":null}"), "bad_header");

    CHECK_STR(HDR("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}"),
              "bad_header");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"crit\":[]}"), "bad_header");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}"),
              "bad_header");

    /* other parameters, and keys the header offers, are ignored */
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"cty\":\"x\",\"x5u\":\"https://e\","
                  "\"jku\":\"https://e\",\"jwk\":{\"kty\":\"oct\","
                  "\"k\":\"AAAA\"}}"), "ok");

    CHECK_STR(HDR("{\"alg\":\"HS256\",\"kid\":5}"), "malformed");
    CHECK_STR(HDR("{\"alg\":\"HS256\",\"kid\":null}"), "malformed");
    CHECK_STR(HDR("{\"alg\":\"HS384\"}"), "alg_not_allowed");
    CHECK_STR(HDR("{\"alg\":\"HS257\"}"), "alg_not_allowed");
    CHECK_STR(HDR("{\"alg\":\"hs256\"}"), "alg_not_allowed");
    CHECK_STR(HDR("{\"alg\":\"\"}"), "alg_not_allowed");

#undef HDR

    playfab_jwks_free(keys);
}


static void
test_kid(void)
{
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

#define KID(h, k)  code_free(keys, &policy, mint(h, "{" SUB "\"exp\":2000}", \
                                                 "SHA256", k, 64), NOW)

    /* two keys: the kid chooses; never another key */
    keys = playfab_jwks_create();
    CHECK(playfab_jwks_add_secret(keys, SECRET, 64, "a", NULL, 0) == 0);
    CHECK(playfab_jwks_add_secret(keys, SECRET32 SECRET32, 64, "b", NULL, 0)
          == 0);
    CHECK(playfab_jwks_count(keys) == 2);

    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"a\"}", SECRET), "ok");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"b\"}", SECRET32 SECRET32),
              "ok");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"b\"}", SECRET),
              "bad_signature");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"c\"}", SECRET),
              "unknown_kid");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"A\"}", SECRET),
              "unknown_kid");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"\"}", SECRET),
              "unknown_kid");
    CHECK_STR(KID(H_HS256, SECRET), "unknown_kid");
    playfab_jwks_free(keys);

    /* one key with a kid: a token without kid uses it, another kid not */
    keys = playfab_jwks_create();
    CHECK(playfab_jwks_add_secret(keys, SECRET, 64, "a", NULL, 0) == 0);
    CHECK_STR(KID(H_HS256, SECRET), "ok");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"a\"}", SECRET), "ok");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"b\"}", SECRET),
              "unknown_kid");
    playfab_jwks_free(keys);

    /* one key without a kid serves every token */
    keys = secret_set();
    CHECK_STR(KID(H_HS256, SECRET), "ok");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"any\"}", SECRET), "ok");
    playfab_jwks_free(keys);

    /* two keys without kid: no token can choose */
    keys = secret_set();
    CHECK(playfab_jwks_add_secret(keys, SECRET32 SECRET32, 64, NULL, NULL, 0)
          == 0);
    CHECK_STR(KID(H_HS256, SECRET), "unknown_kid");
    CHECK_STR(KID("{\"alg\":\"HS256\",\"kid\":\"a\"}", SECRET),
              "unknown_kid");
    playfab_jwks_free(keys);

    /* an empty set */
    keys = playfab_jwks_create();
    CHECK_STR(KID(H_HS256, SECRET), "unknown_kid");
    CHECK(playfab_jwks_algs(keys) == 0);
    playfab_jwks_free(keys);

#undef KID
}


/* an HMAC token against an RSA public key: whatever the MAC's secret */

static void
test_confusion(void)
{
    playfab_jwks_t        *keys;
    playfab_error_t        err;
    playfab_jwt_policy_t   policy;

    keys = keyset(A2_JWK);
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    CHECK_STR(code_free(keys, &policy, mint(H_HS256, "{" SUB "\"exp\":2000}",
                                            "SHA256", A2_JWK,
                                            strlen(A2_JWK)), NOW),
              "key_mismatch");
    CHECK_STR(code_free(keys, &policy, mint(H_HS256, "{" SUB "\"exp\":2000}",
                                            "SHA256", A2_N, strlen(A2_N)),
                        NOW), "key_mismatch");

    /* a token naming an ES or EdDSA alg is not checked with RSA either */
    CHECK_STR(code(keys, &policy, "eyJhbGciOiJFUzI1NiJ9." RFC_PAYLOAD "."
                   "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djx"
                   "La8ISlSApmWQxfKTUJqPP3-Kg6NU1Q", RFC_NOW), "key_mismatch");
    CHECK_STR(code(keys, &policy, ED_INPUT "." ED_SIG, RFC_NOW),
              "key_mismatch");

    CHECK(playfab_jwks_verify(keys, NULL, (playfab_jwt_alg_e) 99,
                              (const unsigned char *) "x", 1,
                              (const unsigned char *) "y", 1, &err) == -1);
    CHECK_STR(err.code, "alg_not_allowed");

    playfab_jwks_free(keys);

    /* and the other way: an RS256 token against an HMAC secret */
    keys = keyset(A1_JWK);
    CHECK_STR(code(keys, &policy, A2_JWT, RFC_NOW), "key_mismatch");
    playfab_jwks_free(keys);
}


static void
test_times(void)
{
    playfab_jwt_policy_t  policy;

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    /* no leeway: valid while now < exp, from nbf on, iat up to now */
    CHECK_STR(claims("{" SUB "\"exp\":1001}", &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB "\"exp\":1000}", &policy, NOW), "expired");
    CHECK_STR(claims("{" SUB "\"exp\":1000.5}", &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB "\"exp\":999.5}", &policy, NOW), "expired");
    CHECK_STR(claims("{" SUB "\"exp\":1e3}", &policy, NOW), "expired");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"nbf\":1000}", &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"nbf\":1001}", &policy, NOW),
              "not_yet_valid");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"nbf\":1000.5}", &policy, NOW),
              "not_yet_valid");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iat\":1000}", &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iat\":1001}", &policy, NOW),
              "iat_in_future");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iat\":1000.25}", &policy, NOW),
              "iat_in_future");
    CHECK_STR(claims("{" SUB
                     "\"exp\":2000,\"iat\":-5,\"nbf\":0}", &policy, NOW),
              "ok");

    /* 30 s of leeway, exactly at each edge and one second past */
    policy.leeway = 30;
    CHECK_STR(claims("{" SUB "\"exp\":971}", &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB "\"exp\":970}", &policy, NOW), "expired");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"nbf\":1030}", &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"nbf\":1031}", &policy, NOW),
              "not_yet_valid");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iat\":1030}", &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iat\":1031}", &policy, NOW),
              "iat_in_future");

    /* exp is checked first */
    CHECK_STR(claims("{" SUB
                     "\"exp\":1,\"nbf\":5000,\"iat\":5000}", &policy, NOW),
              "expired");
    CHECK_STR(claims("{" SUB "\"exp\":1,\"nbf\":\"x\"}", &policy, NOW),
              "expired");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"nbf\":5000,\"iat\":\"x\"}",
                     &policy, NOW), "not_yet_valid");

    /* exp required by default */
    policy.leeway = 0;
    CHECK_STR(claims("{\"sub\":\"x\"}", &policy, NOW), "missing_claim");
    CHECK_STR(claims("{}", &policy, NOW), "missing_claim");
    policy.require_exp = 0;
    CHECK_STR(claims("{\"sub\":\"s\"}", &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB "\"exp\":1}", &policy, NOW), "expired");
}


/* a verified token checked again later: its times, as it had them */

static const char *
recheck(const playfab_jwt_t *jwt, const playfab_jwt_policy_t *policy,
    int64_t now)
{
    playfab_error_t  err;

    memset(&err, 0, sizeof(err));

    if (playfab_jwt_recheck(jwt, policy, now, &err) == 0) {
        return "ok";
    }

    return err.code ? err.code : "no error set";
}


static void
test_recheck(void)
{
    char                  *token;
    playfab_jwt_t         *jwt;
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    keys = secret_set();
    token = hs(H_HS256, "{" SUB "\"exp\":1100,\"nbf\":990,\"iat\":995}");
    jwt = NULL;
    CHECK_STR(run(keys, &policy, token, strlen(token), NOW, &jwt), "ok");
    CHECK(jwt != NULL);

    if (jwt != NULL) {
        CHECK_STR(recheck(jwt, &policy, NOW), "ok");
        CHECK_STR(recheck(jwt, &policy, 1099), "ok");
        CHECK_STR(recheck(jwt, &policy, 1100), "expired");
        CHECK_STR(recheck(jwt, &policy, 989), "not_yet_valid");
        CHECK_STR(recheck(jwt, &policy, 994), "iat_in_future");

        /* the leeway of the policy of this moment */
        policy.leeway = 10;
        CHECK_STR(recheck(jwt, &policy, 1109), "ok");
        CHECK_STR(recheck(jwt, &policy, 1110), "expired");
        CHECK_STR(recheck(jwt, &policy, 985), "ok");
        CHECK_STR(recheck(jwt, &policy, 979), "not_yet_valid");

        playfab_jwt_free(jwt);
    }

    free(token);

    /* no exp: refused again once the policy requires one */
    policy.leeway = 0;
    policy.require_exp = 0;
    token = hs(H_HS256, "{" SUB "\"nbf\":990}");
    jwt = NULL;
    CHECK_STR(run(keys, &policy, token, strlen(token), NOW, &jwt), "ok");

    if (jwt != NULL) {
        CHECK_STR(recheck(jwt, &policy, 5000), "ok");
        policy.require_exp = 1;
        CHECK_STR(recheck(jwt, &policy, 5000), "missing_claim");
        playfab_jwt_free(jwt);
    }

    free(token);
    playfab_jwks_free(keys);
}


/* the subject: one non-empty string of text, in the configured claim */

static void
test_subject(void)
{
    char                   buf[PLAYFAB_JWT_SUBJECT_MAX + 64];
    playfab_jwt_policy_t   policy;

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    CHECK_STR(policy.subject, "sub");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":\"p-1\"}", &policy, NOW),
              "ok");
    CHECK_STR(claims("{\"exp\":2000}", &policy, NOW), "no_subject");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":\"\"}", &policy, NOW),
              "no_subject");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":null}", &policy, NOW),
              "no_subject");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":42}", &policy, NOW),
              "no_subject");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":[\"a\",\"b\"]}", &policy,
                     NOW), "no_subject");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":{\"id\":\"a\"}}", &policy,
                     NOW), "no_subject");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":\"a\\nb\"}", &policy, NOW),
              "no_subject");
    CHECK_STR(claims("{\"exp\":2000,\"Sub\":\"a\"}", &policy, NOW),
              "no_subject");

    /* 1024 bytes are a subject, 1025 are not */
    snprintf(buf, sizeof(buf), "{\"exp\":2000,\"sub\":\"%0*d\"}",
             PLAYFAB_JWT_SUBJECT_MAX, 7);
    CHECK_STR(claims(buf, &policy, NOW), "ok");
    snprintf(buf, sizeof(buf), "{\"exp\":2000,\"sub\":\"%0*d\"}",
             PLAYFAB_JWT_SUBJECT_MAX + 1, 7);
    CHECK_STR(claims(buf, &policy, NOW), "no_subject");

    /* another claim names the caller: "sub" is then not needed */
    policy.subject = "player_id";
    CHECK_STR(claims("{\"exp\":2000,\"player_id\":\"p-1\"}", &policy,
                     NOW), "ok");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":\"p-1\"}", &policy, NOW),
              "no_subject");

    /* an issuer that is not a string could be confused with one */
    policy.subject = "sub";
    CHECK_STR(claims("{\"exp\":2000,\"sub\":\"a\",\"iss\":[\"x\"]}",
                     &policy, NOW), "bad_issuer");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":\"a\",\"iss\":7}", &policy,
                     NOW), "bad_issuer");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":\"a\",\"iss\":\"\"}", &policy,
                     NOW), "bad_issuer");
    CHECK_STR(claims("{\"exp\":2000,\"sub\":\"a\",\"iss\":\"x\\ty\"}",
                     &policy, NOW), "bad_issuer");
    snprintf(buf, sizeof(buf), "{\"exp\":2000,\"sub\":\"a\",\"iss\":"
             "\"%0*d\"}", PLAYFAB_JWT_SUBJECT_MAX + 1, 7);
    CHECK_STR(claims(buf, &policy, NOW), "bad_issuer");
    snprintf(buf, sizeof(buf), "{\"exp\":2000,\"sub\":\"a\",\"iss\":"
             "\"%0*d\"}", PLAYFAB_JWT_SUBJECT_MAX, 7);
    CHECK_STR(claims(buf, &policy, NOW), "ok");

    /* time comes first */
    CHECK_STR(claims("{\"exp\":1}", &policy, NOW), "expired");
}


static void
test_time_types(void)
{
    playfab_jwt_policy_t  policy;

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    CHECK_STR(claims("{" SUB "\"exp\":\"2000\"}", &policy, NOW), "malformed");
    CHECK_STR(claims("{" SUB "\"exp\":null}", &policy, NOW), "malformed");
    CHECK_STR(claims("{" SUB "\"exp\":[2000]}", &policy, NOW), "malformed");
    CHECK_STR(claims("{" SUB "\"exp\":1e999}", &policy, NOW), "malformed");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"nbf\":true}", &policy, NOW),
              "malformed");
    CHECK_STR(claims("{" SUB
                     "\"exp\":2000,\"iat\":{}}", &policy, NOW), "malformed");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iat\":-1e999}", &policy, NOW),
              "malformed");
}


static void
test_issuer(void)
{
    playfab_jwt_policy_t  policy;

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    CHECK_STR(claims("{" SUB
                     "\"exp\":2000,\"iss\":\"x\"}", &policy, NOW), "ok");

    policy.issuer = "https://auth.studio.example";

    CHECK_STR(claims("{" SUB
                     "\"exp\":2000,\"iss\":\"https://auth.studio.example\"}",
                     &policy, NOW), "ok");
    CHECK_STR(claims("{" SUB
                     "\"exp\":2000,\"iss\":\"https://auth.studio.example/\"}",
                     &policy, NOW), "bad_issuer");
    CHECK_STR(claims("{" SUB
                     "\"exp\":2000,\"iss\":\"https://AUTH.studio.example\"}",
                     &policy, NOW), "bad_issuer");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iss\":\"\"}", &policy, NOW),
              "bad_issuer");
    CHECK_STR(claims("{" SUB "\"exp\":2000}", &policy, NOW), "bad_issuer");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iss\":[\"https://auth.studio."
                     "example\"]}", &policy, NOW), "bad_issuer");
    CHECK_STR(claims("{" SUB "\"exp\":2000,\"iss\":1}", &policy, NOW),
              "bad_issuer");

    /* time comes first */
    CHECK_STR(claims("{" SUB
                     "\"exp\":1,\"iss\":\"x\"}", &policy, NOW), "expired");
}


static void
test_audience(void)
{
    const char            *auds[] = { "party-api", "game-api" };
    playfab_jwt_policy_t   policy;

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;
    policy.audiences = auds;
    policy.naudiences = 2;

#define AUD(a)  claims("{" SUB "\"exp\":2000,\"aud\":" a "}", &policy, NOW)

    CHECK_STR(AUD("\"party-api\""), "ok");
    CHECK_STR(AUD("\"game-api\""), "ok");
    CHECK_STR(AUD("[\"other\",\"game-api\"]"), "ok");
    CHECK_STR(AUD("[\"party-api\"]"), "ok");
    CHECK_STR(AUD("[5,\"party-api\"]"), "ok");
    CHECK_STR(AUD("\"party-api \""), "bad_audience");
    CHECK_STR(AUD("\"Party-api\""), "bad_audience");
    CHECK_STR(AUD("[\"other\",\"x\"]"), "bad_audience");
    CHECK_STR(AUD("[]"), "bad_audience");
    CHECK_STR(AUD("[[\"party-api\"]]"), "bad_audience");
    CHECK_STR(AUD("{\"party-api\":1}"), "bad_audience");
    CHECK_STR(AUD("5"), "bad_audience");
    CHECK_STR(AUD("null"), "bad_audience");
    CHECK_STR(claims("{" SUB "\"exp\":2000}", &policy, NOW), "bad_audience");

    policy.naudiences = 0;
    CHECK_STR(claims("{" SUB "\"exp\":2000}", &policy, NOW), "ok");
    CHECK_STR(AUD("\"x\""), "ok");

#undef AUD
}


static void
test_required(void)
{
    const char                *admin[] = { "admin" };
    const char                *two[] = { "root", "player" };
    const char                *num[] = { "42" };
    const char                *num2[] = { "4.2e1" };
    const char                *numx[] = { "42x", "0x2A", " 42", "42 ",
                                          "+42", "", "-", "4e" };
    const char                *neg[] = { "-3", "-3.0", "-0.3e1" };
    const char                *truth[] = { "true" };
    const char                *one[] = { "1" };
    const char                *sub[] = { "player-1" };
    const char                *subx[] = { "Player-1" };
    playfab_jwt_policy_t       policy;
    playfab_jwt_claim_rule_t   rules[2];
    const char                *payload =
        "{\"exp\":2000,\"sub\":\"player-1\",\"n\":42,\"t\":true,\"neg\":-3,"
        "\"roles\":[\"admin\",\"player\"],\"mixed\":[1,\"a\",false],"
        "\"obj\":{\"admin\":1},\"nul\":null}";

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;
    policy.claims = rules;
    policy.nclaims = 1;

#define RULE(nm, vals, count)                                                \
    (rules[0].name = nm, rules[0].values = vals, rules[0].nvalues = count,   \
     claims(payload, &policy, NOW))

    CHECK_STR(RULE("sub", sub, 1), "ok");
    CHECK_STR(RULE("sub", subx, 1), "claim_mismatch");
    CHECK_STR(RULE("roles", admin, 1), "ok");
    CHECK_STR(RULE("roles", two, 2), "ok");
    CHECK_STR(RULE("roles", two, 1), "claim_mismatch");
    CHECK_STR(RULE("n", num, 1), "ok");
    CHECK_STR(RULE("n", num2, 1), "ok");
    CHECK_STR(RULE("n", numx, 8), "claim_mismatch");
    CHECK_STR(RULE("neg", neg, 1), "ok");
    CHECK_STR(RULE("neg", neg + 1, 1), "ok");
    CHECK_STR(RULE("neg", neg + 2, 1), "ok");
    CHECK_STR(RULE("neg", num, 1), "claim_mismatch");
    CHECK_STR(RULE("t", truth, 1), "ok");
    CHECK_STR(RULE("t", one, 1), "claim_mismatch");
    CHECK_STR(RULE("mixed", one, 1), "ok");
    CHECK_STR(RULE("mixed", truth, 1), "claim_mismatch");
    CHECK_STR(RULE("obj", admin, 1), "claim_mismatch");
    CHECK_STR(RULE("sub", admin, 1), "claim_mismatch");

    /* presence only */
    CHECK_STR(RULE("obj", NULL, 0), "ok");
    CHECK_STR(RULE("missing", NULL, 0), "missing_claim");
    CHECK_STR(RULE("missing", admin, 1), "missing_claim");
    CHECK_STR(RULE("nul", NULL, 0), "missing_claim");
    CHECK_STR(RULE("Sub", sub, 1), "missing_claim");

    /* every rule must hold */
    rules[1].name = "roles";
    rules[1].values = admin;
    rules[1].nvalues = 1;
    policy.nclaims = 2;
    CHECK_STR(RULE("sub", sub, 1), "ok");
    CHECK_STR(RULE("sub", subx, 1), "claim_mismatch");
    rules[1].values = two;
    rules[1].nvalues = 1;
    CHECK_STR(RULE("sub", sub, 1), "claim_mismatch");

#undef RULE
}


static void
test_claim_text(void)
{
    char                   buf[64];
    char                  *t;
    playfab_jwt_t         *jwt;
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = secret_set();
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    t = hs(H_HS256, "{\"sub\":\"player-1\",\"exp\":2000,\"n\":42,\"f\":0.5,"
           "\"neg\":-3,\"big\":1e20,\"third\":0.3333333333333333,"
           "\"zero\":-0,\"t\":true,\"roles\":[\"admin\",\"player\"],"
           "\"mixed\":[1,\"a\",false,null,[2]],\"obj\":{\"k\":[1,2]},"
           "\"nul\":null,\"ctl\":\"a\\u0001b\",\"bad\":[\"ok\",\"\\n\"],"
           "\"utf\":\"caf\\u00e9\",\"empty\":\"\",\"none\":[]}");
    jwt = NULL;
    CHECK_STR(t ? run(keys, &policy, t, strlen(t), NOW, &jwt) : "mint",
              "ok");
    free(t);

    if (jwt == NULL) {
        playfab_jwks_free(keys);
        return;
    }

#define TEXT(name, want)                                                     \
    do {                                                                     \
        long  n_ = playfab_jwt_claim(jwt, name, strlen(name), buf,           \
                                     sizeof(buf) - 1);                       \
        buf[n_ >= 0 && n_ < (long) sizeof(buf) ? n_ : 0] = '\0';             \
        CHECK(n_ == (long) strlen(want));                                    \
        CHECK_STR(buf, want);                                                \
    } while (0)

    TEXT("sub", "player-1");
    TEXT("exp", "2000");
    TEXT("n", "42");
    TEXT("f", "0.5");
    TEXT("neg", "-3");
    TEXT("big", "1e+20");
    TEXT("third", "0.3333333333333333");
    TEXT("zero", "0");
    TEXT("t", "true");
    TEXT("roles", "admin,player");
    TEXT("mixed", "1,a,false,null,[2]");
    TEXT("obj", "{\"k\":[1,2]}");
    TEXT("utf", "caf\xc3\xa9");
    TEXT("empty", "");
    TEXT("none", "");

#undef TEXT

    CHECK(playfab_jwt_claim(jwt, "nul", 3, buf, sizeof(buf)) == -1);
    CHECK(playfab_jwt_claim(jwt, "missing", 7, buf, sizeof(buf)) == -1);
    CHECK(playfab_jwt_claim(jwt, "ctl", 3, buf, sizeof(buf)) == -1);
    CHECK(playfab_jwt_claim(jwt, "bad", 3, buf, sizeof(buf)) == -1);
    CHECK(playfab_jwt_claim(jwt, "", 0, buf, sizeof(buf)) == -1);

    /* the name is name[0..len); short buffers get a prefix, the length
     * is always the full one */
    CHECK(playfab_jwt_claim(jwt, "subject", 3, buf, sizeof(buf)) == 8);
    CHECK(playfab_jwt_claim(jwt, "su", 2, buf, sizeof(buf)) == -1);

    memset(buf, 'x', sizeof(buf));
    CHECK(playfab_jwt_claim(jwt, "sub", 3, buf, 3) == 8);
    CHECK(memcmp(buf, "plax", 4) == 0);

    memset(buf, 'x', sizeof(buf));
    CHECK(playfab_jwt_claim(jwt, "roles", 5, buf, 6) == 12);
    CHECK(memcmp(buf, "admin,x", 7) == 0);

    CHECK(playfab_jwt_claim(jwt, "sub", 3, NULL, 0) == 8);
    CHECK(playfab_jwt_claim(jwt, "obj", 3, NULL, 100) == 11);

    playfab_jwt_free(jwt);
    playfab_jwt_free(NULL);
    playfab_jwks_free(keys);
}


static void
test_pointer_check(void)
{
    char  err[160];

#define OK(c)   CHECK(playfab_jwt_claim_check(c, strlen(c), err,            \
                                              sizeof(err)) == 0)
#define BAD(c)                                                               \
    do {                                                                     \
        err[0] = '\0';                                                       \
        CHECK(playfab_jwt_claim_check(c, strlen(c), err, sizeof(err))        \
              == -1);                                                        \
        CHECK(err[0] != '\0');                                               \
    } while (0)

    /* names, whatever they hold */
    OK("sub");
    OK("https://example.com/roles");
    OK("a~b");
    OK("01");
    OK("");

    /* pointers */
    OK("/");
    OK("//");
    OK("/realm_access/roles");
    OK("/https:~1~1example.com~1roles");
    OK("/a~0b");
    OK("/~01");
    OK("/groups/0");
    OK("/groups/10");
    OK("/groups/-");
    OK("/ids/12345678901234567890");

    BAD("/a~");
    BAD("/a~2b");
    BAD("/~/x");
    BAD("/a~b");
    BAD("/groups/01");
    BAD("/00");
    BAD("/a/007/b");

    BAD("/x/01");
    CHECK(strstr(err, "\"01\"") != NULL);

    /* the length bounds the claim */
    CHECK(playfab_jwt_claim_check("/a~1", 3, err, sizeof(err)) == -1);
    CHECK(playfab_jwt_claim_check("/01", 2, err, sizeof(err)) == 0);

#undef OK
#undef BAD
}


static void
test_pointer_claims(void)
{
    char                   buf[64];
    char                  *t;
    playfab_jwt_t         *jwt;
    playfab_jwks_t        *keys;
    playfab_jwt_policy_t   policy;

    keys = secret_set();
    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;

    t = hs(H_HS256, "{\"sub\":\"player-1\",\"exp\":2000,"
           "\"realm_access\":{\"roles\":[\"admin\",\"player\"],"
           "\"level\":3,\"deep\":{\"x\":{\"y\":\"z\"}},\"nul\":null},"
           "\"https://example.com/roles\":[\"gm\"],"
           "\"a/b\":\"slash\",\"a~b\":\"tilde\",\"~1\":\"lit\","
           "\"\":\"empty\",\"o\":{\"\":{\"\":\"ee\"},\"01\":\"zero-one\","
           "\"7\":\"seven\"},"
           "\"groups\":[\"g0\",{\"id\":\"g1\"},[\"n0\",\"n1\"]],"
           "\"s\":\"text\",\"n\":5}");
    jwt = NULL;
    CHECK_STR(t ? run(keys, &policy, t, strlen(t), NOW, &jwt) : "mint",
              "ok");
    free(t);

    if (jwt == NULL) {
        playfab_jwks_free(keys);
        return;
    }

#define TEXT(claim, want)                                                    \
    do {                                                                     \
        long  n_ = playfab_jwt_claim(jwt, claim, strlen(claim), buf,         \
                                     sizeof(buf) - 1);                       \
        buf[n_ >= 0 && n_ < (long) sizeof(buf) ? n_ : 0] = '\0';             \
        CHECK(n_ == (long) strlen(want));                                    \
        CHECK_STR(buf, want);                                                \
    } while (0)
#define NONE(claim)                                                          \
    CHECK(playfab_jwt_claim(jwt, claim, strlen(claim), buf, sizeof(buf))     \
          == -1)

    /* nested objects, an array inside an object */
    TEXT("/realm_access/roles", "admin,player");
    TEXT("/realm_access/level", "3");
    TEXT("/realm_access/deep/x/y", "z");
    TEXT("/realm_access/deep", "{\"x\":{\"y\":\"z\"}}");
    TEXT("/realm_access/deep/x", "{\"y\":\"z\"}");
    CHECK(playfab_jwt_claim(jwt, "/realm_access", 13, NULL, 0) == 72);
    TEXT("/sub", "player-1");

    /* indexes */
    TEXT("/realm_access/roles/0", "admin");
    TEXT("/realm_access/roles/1", "player");
    NONE("/realm_access/roles/2");
    NONE("/realm_access/roles/-");
    NONE("/realm_access/roles/01");
    NONE("/realm_access/roles/+1");
    NONE("/realm_access/roles/");
    NONE("/realm_access/roles/99999999999");
    TEXT("/groups/1/id", "g1");
    TEXT("/groups/2/1", "n1");
    TEXT("/groups/2", "n0,n1");
    TEXT("/groups", "g0,{\"id\":\"g1\"},[\"n0\",\"n1\"]");

    /* digits on an object name a member */
    TEXT("/o/7", "seven");
    TEXT("/o/01", "zero-one");

    /* URL-named top-level claims: as a name, or a pointer with ~1 */
    TEXT("https://example.com/roles", "gm");
    TEXT("/https:~1~1example.com~1roles", "gm");
    NONE("/https://example.com/roles");

    /* "~1" is "/", "~0" is "~", in that order */
    TEXT("/a~1b", "slash");
    TEXT("/a~0b", "tilde");
    TEXT("/~01", "lit");
    TEXT("a/b", "slash");
    TEXT("~1", "lit");
    NONE("/a~2b");
    NONE("/a~");
    NONE("/a~b");

    /* the empty name */
    TEXT("/", "empty");
    TEXT("/o//", "ee");
    NONE("//");

    /* missing, through a scalar, null */
    NONE("/missing/roles");
    NONE("/realm_access/missing");
    NONE("/s/0");
    NONE("/s/x");
    NONE("/n/0");
    NONE("/realm_access/level/x");
    NONE("/realm_access/nul");
    NONE("/realm_access/nul/x");
    NONE("/realm_access/roles/0/x");
    NONE("/Realm_access/roles");

    /* the length bounds the claim */
    CHECK(playfab_jwt_claim(jwt, "/realm_access/roles/1x", 21, buf,
                            sizeof(buf)) == 6);

#undef TEXT
#undef NONE

    playfab_jwt_free(jwt);
    playfab_jwks_free(keys);
}


static void
test_pointer_rules(void)
{
    char                       *t;
    playfab_jwks_t             *keys;
    playfab_error_t             err;
    playfab_jwt_policy_t        policy;
    playfab_jwt_claim_rule_t    rules[1];
    static const char *const    admin[] = { "admin" };
    static const char *const    gm[] = { "gm" };
    static const char *const    three[] = { "3.0" };
    static const char *const    g1[] = { "g1" };
    const char                 *payload =
        "{\"exp\":2000,\"sub\":\"player-1\","
        "\"realm_access\":{\"roles\":[\"admin\",\"player\"],\"level\":3,"
        "\"nul\":null,\"s\":\"x\"},"
        "\"https://example.com/roles\":[\"gm\"],"
        "\"groups\":[{\"id\":\"g1\"}],"
        "\"profile\":{\"id\":\"nested-7\",\"n\":7,\"empty\":\"\","
        "\"a/b\":\"p/1\"}}";

    playfab_jwt_policy_init(&policy);
    policy.algs = PLAYFAB_JWT_ALGS_ALL;
    policy.claims = rules;
    policy.nclaims = 1;

#define RULE(nm, vals, count)                                                \
    (rules[0].name = nm, rules[0].values = vals, rules[0].nvalues = count,   \
     claims(payload, &policy, NOW))

    /* an array inside an object matches as a top-level array does */
    CHECK_STR(RULE("/realm_access/roles", admin, 1), "ok");
    CHECK_STR(RULE("/realm_access/roles", gm, 1), "claim_mismatch");
    CHECK_STR(RULE("/realm_access/roles", NULL, 0), "ok");
    CHECK_STR(RULE("/realm_access/roles/0", admin, 1), "ok");
    CHECK_STR(RULE("/realm_access/roles/1", admin, 1), "claim_mismatch");
    CHECK_STR(RULE("/realm_access/level", three, 1), "ok");
    CHECK_STR(RULE("/groups/0/id", g1, 1), "ok");

    /* URL-named */
    CHECK_STR(RULE("https://example.com/roles", gm, 1), "ok");
    CHECK_STR(RULE("/https:~1~1example.com~1roles", gm, 1), "ok");
    CHECK_STR(RULE("/https:~1~1example.com~1roles", admin, 1),
              "claim_mismatch");

    /* absent, null, through a scalar: missing, named as configured */
    CHECK_STR(RULE("/realm_access/missing", NULL, 0), "missing_claim");
    CHECK_STR(RULE("/realm_access/nul", NULL, 0), "missing_claim");
    CHECK_STR(RULE("/realm_access/s/0", admin, 1), "missing_claim");
    CHECK_STR(RULE("/resource_access/roles", admin, 1), "missing_claim");
    CHECK_STR(RULE("realm_access.roles", NULL, 0), "missing_claim");

    t = hs(H_HS256, payload);
    rules[0].name = "/realm_access/nul";
    rules[0].values = NULL;
    rules[0].nvalues = 0;
    keys = secret_set();
    memset(&err, 0, sizeof(err));
    CHECK(t && playfab_jwt_verify(keys, &policy, t, strlen(t), NOW, &err)
               == NULL);
    CHECK_STR(err.code ? err.code : "", "missing_claim");
    CHECK_STR(err.field, "/realm_access/nul");

    /* the subject from a nested claim: still a non-empty string */
    policy.nclaims = 0;
    policy.subject = "/profile/id";
    CHECK_STR(claims(payload, &policy, NOW), "ok");
    policy.subject = "/profile/a~1b";
    CHECK_STR(claims(payload, &policy, NOW), "ok");

    policy.subject = "/profile/n";
    memset(&err, 0, sizeof(err));
    CHECK(t && playfab_jwt_verify(keys, &policy, t, strlen(t), NOW, &err)
               == NULL);
    CHECK_STR(err.code ? err.code : "", "no_subject");
    CHECK_STR(err.field, "/profile/n");

    policy.subject = "/profile/empty";
    CHECK_STR(claims(payload, &policy, NOW), "no_subject");
    policy.subject = "/profile";
    CHECK_STR(claims(payload, &policy, NOW), "no_subject");
    policy.subject = "/realm_access/roles";
    CHECK_STR(claims(payload, &policy, NOW), "no_subject");
    policy.subject = "/profile/missing";
    CHECK_STR(claims(payload, &policy, NOW), "no_subject");

    free(t);
    playfab_jwks_free(keys);

#undef RULE
}


int
main(void)
{
    test_base64url();
    test_json_parse();
    test_alg_names();
    test_rfc7515_hs256();
    test_rfc7515_rs256();
    test_rfc7515_ecdsa();
    test_rfc7515_none();
    test_rfc8037_ed25519();
    test_hmac_sizes();
    test_forged();
    test_segments();
    test_bad_base64url();
    test_bad_json();
    test_size();
    test_header();
    test_kid();
    test_confusion();
    test_times();
    test_recheck();
    test_subject();
    test_time_types();
    test_issuer();
    test_audience();
    test_required();
    test_claim_text();
    test_pointer_check();
    test_pointer_claims();
    test_pointer_rules();

    return UNIT_DONE();
}
