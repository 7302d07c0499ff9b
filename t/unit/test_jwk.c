/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for key sets: keys made and tokens signed with the openssl
 * command line at test time for every algorithm, loaded from PEM and
 * from JWKS built from the same keys; PEM, JWKS and secret file errors;
 * key rotation by kid; algorithm confusion with PEM bytes as a secret.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "unit.h"
#include "playfab_jwt.h"


#define NOW      1000
#define PAYLOAD  "{\"sub\":\"player-1\",\"exp\":2000}"
#define SECRET   "0123456789abcdef0123456789ABCDEF"


typedef struct {
    const char  *alg;
    const char  *key;           /* private key file, without ".pem" */
    const char  *cmd;           /* openssl arguments: key, sig, input */
    size_t       rs;            /* ECDSA: bytes of R and of S */
} cli_alg_t;


static const cli_alg_t  cli_algs[] = {
    { "RS256", "rsa", "dgst -sha256 -sign %s -out %s %s", 0 },
    { "RS384", "rsa", "dgst -sha384 -sign %s -out %s %s", 0 },
    { "RS512", "rsa", "dgst -sha512 -sign %s -out %s %s", 0 },
    { "PS256", "rsa", "dgst -sha256 -sigopt rsa_padding_mode:pss "
                      "-sigopt rsa_pss_saltlen:digest -sign %s -out %s %s", 0 },
    { "PS384", "rsa", "dgst -sha384 -sigopt rsa_padding_mode:pss "
                      "-sigopt rsa_pss_saltlen:digest -sign %s -out %s %s", 0 },
    { "PS512", "rsa", "dgst -sha512 -sigopt rsa_padding_mode:pss "
                      "-sigopt rsa_pss_saltlen:digest -sign %s -out %s %s", 0 },
    { "ES256", "p256", "dgst -sha256 -sign %s -out %s %s", 32 },
    { "ES384", "p384", "dgst -sha384 -sign %s -out %s %s", 48 },
    { "ES512", "p521", "dgst -sha512 -sign %s -out %s %s", 66 },
    { "EdDSA", "ed25519", "pkeyutl -sign -rawin -inkey %s -out %s -in %s",
      0 }
};

/* openssl arguments making the files the tests use, in dir */
static const char  *cli_setup[] = {
    "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem",
    "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2.pem",
    "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.pem",
    "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.pem",
    "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem",
    "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out p521.pem",
    "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 "
        "-out k256.pem",
    "genpkey -algorithm ED25519 -out ed25519.pem",
    "genpkey -algorithm ED448 -out ed448.pem",
    "genpkey -algorithm X25519 -out x25519.pem",
    "pkey -in rsa.pem -pubout -out rsa.pub",
    "pkey -in rsa2.pem -pubout -out rsa2.pub",
    "pkey -in rsa1024.pem -pubout -out rsa1024.pub",
    "pkey -in p256.pem -pubout -out p256.pub",
    "pkey -in p384.pem -pubout -out p384.pub",
    "pkey -in p521.pem -pubout -out p521.pub",
    "pkey -in k256.pem -pubout -out k256.pub",
    "pkey -in ed25519.pem -pubout -out ed25519.pub",
    "pkey -in ed448.pem -pubout -out ed448.pub",
    "pkey -in x25519.pem -pubout -out x25519.pub",
    "pkey -in rsa.pem -pubout -outform DER -out rsa.der",
    "rsa -in rsa.pem -RSAPublicKey_out -out rsa.pkcs1",
    "req -x509 -new -key rsa.pem -subj /CN=jwt-test -days 1 -out rsa.crt"
};


static int sh(const char *dir, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static char *slurp(const char *dir, const char *name, size_t *len);
static int spit(const char *dir, const char *name, const void *data,
    size_t len);
static int spit_str(const char *dir, const char *name, const char *s);
static size_t b64url(const void *in, size_t len, char *out);
static size_t sig_file(const char *dir, const cli_alg_t *a,
    unsigned char *sig, size_t size);
static char *sign(const char *dir, const cli_alg_t *a, const char *alg,
    const char *kid);
static char *hs(const char *header, const void *key, size_t key_len);
static const cli_alg_t *cli_alg(const char *alg);
static char *jwk(const char *dir, const char *pub, const char *members);
static size_t jwk_members(EVP_PKEY *pkey, char *out, size_t size);
static playfab_jwks_t *pem_set(const char *dir, const char *pub,
    const char *kid);
static int add_pem(playfab_jwks_t *keys, const char *dir, const char *pub,
    const char *kid, char *err, size_t errlen);
static long add_json(playfab_jwks_t *keys, const char *json, char *err,
    size_t errlen);
static const char *pem_error(const char *dir, const char *pub);
static const char *json_error(const char *json);
static const char *check(const playfab_jwks_t *keys, unsigned algs,
    const char *token);
static const char *check_free(const playfab_jwks_t *keys, unsigned algs,
    char *token);
static void test_every_alg(const char *dir);
static void test_pss_strict(const char *dir);
static void test_ecdsa_lengths(const char *dir);
static void test_confusion(const char *dir);
static void test_pem_forms(const char *dir);
static void test_pem_errors(const char *dir);
static void test_jwks_set(const char *dir);
static void test_jwks_skipped(const char *dir);
static void test_jwks_errors(const char *dir);
static void test_alg_pin(const char *dir);
static void test_rotation(const char *dir);
static void test_secret(void);


static int
sh(const char *dir, const char *fmt, ...)
{
    int      n;
    char     cmd[1024];
    va_list  args;

    n = snprintf(cmd, sizeof(cmd), "cd '%s' && openssl ", dir);

    va_start(args, fmt);
    vsnprintf(&cmd[n], sizeof(cmd) - (size_t) n, fmt, args);
    va_end(args);

    strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);

    return system(cmd) == 0;
}


/* dir/name into a malloc()ed buffer of exactly its size (at least 1) */

static char *
slurp(const char *dir, const char *name, size_t *len)
{
    FILE   *f;
    char   *buf, path[512];
    long    n;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");

    if (f == NULL) {
        return NULL;
    }

    buf = NULL;

    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0)
    {
        buf = malloc(n ? (size_t) n : 1);

        if (buf != NULL && fread(buf, 1, (size_t) n, f) != (size_t) n) {
            free(buf);
            buf = NULL;
        }

        *len = (size_t) n;
    }

    fclose(f);

    return buf;
}


static int
spit(const char *dir, const char *name, const void *data, size_t len)
{
    int    ok;
    FILE  *f;
    char   path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");

    if (f == NULL) {
        return 0;
    }

    ok = fwrite(data, 1, len, f) == len;

    return fclose(f) == 0 && ok;
}


static int
spit_str(const char *dir, const char *name, const char *s)
{
    return spit(dir, name, s, strlen(s));
}


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


/* dir/sig as a JWS signature: ECDSA's DER turned into R || S */

static size_t
sig_file(const char *dir, const cli_alg_t *a, unsigned char *sig,
    size_t size)
{
    char                 *der;
    size_t                len;
    ECDSA_SIG            *es;
    const BIGNUM         *r, *s;
    const unsigned char  *p;

    der = slurp(dir, "sig", &len);

    if (der == NULL || len > size) {
        free(der);
        return 0;
    }

    if (a->rs == 0) {
        memcpy(sig, der, len);
        free(der);
        return len;
    }

    p = (const unsigned char *) der;
    es = d2i_ECDSA_SIG(NULL, &p, (long) len);
    free(der);

    if (es == NULL || 2 * a->rs > size) {
        ECDSA_SIG_free(es);
        return 0;
    }

    ECDSA_SIG_get0(es, &r, &s);
    BN_bn2binpad(r, sig, (int) a->rs);
    BN_bn2binpad(s, sig + a->rs, (int) a->rs);
    ECDSA_SIG_free(es);

    return 2 * a->rs;
}


/*
 * A token signed by the openssl command line as the algorithm a says,
 * whose header names alg (a->alg if NULL) and kid (none if NULL).
 */

static char *
sign(const char *dir, const cli_alg_t *a, const char *alg, const char *kid)
{
    char           *t, header[128], key[64];
    size_t          n, sig_len;
    unsigned char   sig[1024];

    t = malloc(2048);

    if (t == NULL) {
        return NULL;
    }

    if (kid) {
        snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"kid\":\"%s\"}",
                 alg ? alg : a->alg, kid);

    } else {
        snprintf(header, sizeof(header), "{\"alg\":\"%s\"}",
                 alg ? alg : a->alg);
    }

    n = b64url(header, strlen(header), t);
    t[n++] = '.';
    n += b64url(PAYLOAD, strlen(PAYLOAD), &t[n]);

    snprintf(key, sizeof(key), "%s.pem", a->key);

    if (!spit(dir, "in", t, n) || !sh(dir, a->cmd, key, "sig", "in")) {
        free(t);
        return NULL;
    }

    sig_len = sig_file(dir, a, sig, sizeof(sig));

    if (sig_len == 0) {
        free(t);
        return NULL;
    }

    t[n++] = '.';
    b64url(sig, sig_len, &t[n]);

    return t;
}


/* an HMAC-SHA256 token with this header and secret */

static char *
hs(const char *header, const void *key, size_t key_len)
{
    char           *t;
    size_t          n, mac_len;
    unsigned char   mac[EVP_MAX_MD_SIZE];

    t = malloc(512);

    if (t == NULL) {
        return NULL;
    }

    n = b64url(header, strlen(header), t);
    t[n++] = '.';
    n += b64url(PAYLOAD, strlen(PAYLOAD), &t[n]);

    EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len,
              (unsigned char *) t, n, mac, sizeof(mac), &mac_len);

    t[n++] = '.';
    b64url(mac, mac_len, &t[n]);

    return t;
}


static const cli_alg_t *
cli_alg(const char *alg)
{
    size_t  i;

    for (i = 0; i < sizeof(cli_algs) / sizeof(cli_algs[0]); i++) {
        if (strcmp(cli_algs[i].alg, alg) == 0) {
            return &cli_algs[i];
        }
    }

    return NULL;
}


/* the public key in dir/pub as a JWK, with more members if given */

static char *
jwk(const char *dir, const char *pub, const char *members)
{
    BIO       *bio;
    char      *text, *out;
    size_t     len, n;
    EVP_PKEY  *pkey;

    text = slurp(dir, pub, &len);

    if (text == NULL) {
        return NULL;
    }

    bio = BIO_new_mem_buf(text, (int) len);
    pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    free(text);

    out = malloc(2048);

    if (pkey == NULL || out == NULL) {
        EVP_PKEY_free(pkey);
        free(out);
        return NULL;
    }

    n = (size_t) sprintf(out, "{");
    n += jwk_members(pkey, &out[n], 1024);
    snprintf(&out[n], 2048 - n, "%s%s}", members ? "," : "",
             members ? members : "");

    EVP_PKEY_free(pkey);

    return out;
}


static size_t
jwk_members(EVP_PKEY *pkey, char *out, size_t size)
{
    char            crv[32], x[128], y[128], n64[700], e64[16];
    size_t          len, half;
    BIGNUM         *n, *e;
    unsigned char   buf[512];

    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519) {
        len = sizeof(buf);
        EVP_PKEY_get_raw_public_key(pkey, buf, &len);
        b64url(buf, len, x);
        return (size_t) snprintf(out, size, "\"kty\":\"OKP\",\"crv\":"
                                 "\"Ed25519\",\"x\":\"%s\"", x);
    }

    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
        EVP_PKEY_get_group_name(pkey, crv, sizeof(crv), NULL);
        EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, buf,
                                        sizeof(buf), &len);
        half = (len - 1) / 2;
        b64url(&buf[1], half, x);
        b64url(&buf[1 + half], half, y);
        return (size_t) snprintf(out, size, "\"kty\":\"EC\",\"crv\":\"%s\","
                                 "\"x\":\"%s\",\"y\":\"%s\"",
                                 strcmp(crv, "prime256v1") == 0 ? "P-256"
                                 : strcmp(crv, "secp384r1") == 0 ? "P-384"
                                 : strcmp(crv, "secp521r1") == 0 ? "P-521"
                                 : crv, x, y);
    }

    n = NULL;
    e = NULL;
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e);
    b64url(buf, (size_t) BN_bn2bin(n, buf), n64);
    b64url(buf, (size_t) BN_bn2bin(e, buf), e64);
    BN_free(n);
    BN_free(e);

    return (size_t) snprintf(out, size, "\"kty\":\"RSA\",\"n\":\"%s\","
                             "\"e\":\"%s\"", n64, e64);
}


static playfab_jwks_t *
pem_set(const char *dir, const char *pub, const char *kid)
{
    char             err[160];
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();

    if (keys != NULL && add_pem(keys, dir, pub, kid, err, sizeof(err)) != 0)
    {
        printf("# %s: %s\n", pub, err);
    }

    return keys;
}


/* dir/pub, as an exact-size copy so that ASan sees any overread */

static int
add_pem(playfab_jwks_t *keys, const char *dir, const char *pub,
    const char *kid, char *err, size_t errlen)
{
    int      rc;
    char    *text;
    size_t   len;

    text = slurp(dir, pub, &len);

    if (text == NULL) {
        snprintf(err, errlen, "cannot read %s", pub);
        return -2;
    }

    rc = playfab_jwks_add_pem(keys, text, len, kid, err, errlen);
    free(text);

    return rc;
}


static long
add_json(playfab_jwks_t *keys, const char *json, char *err, size_t errlen)
{
    long     n;
    char    *copy;
    size_t   len;

    if (json == NULL) {
        snprintf(err, errlen, "no JWK");
        return -2;
    }

    len = strlen(json);
    copy = malloc(len ? len : 1);

    if (copy == NULL) {
        return -2;
    }

    memcpy(copy, json, len);
    n = playfab_jwks_add_json(keys, copy, len, err, errlen);
    free(copy);

    return n;
}


/* the error message of loading dir/pub, "" if it loads */

static const char *
pem_error(const char *dir, const char *pub)
{
    static char      err[160];
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();
    strcpy(err, "unset");

    if (keys != NULL && add_pem(keys, dir, pub, NULL, err, sizeof(err)) == 0)
    {
        err[0] = '\0';
    }

    playfab_jwks_free(keys);

    return err;
}


static const char *
json_error(const char *json)
{
    static char      err[160];
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();
    strcpy(err, "unset");

    if (keys != NULL && add_json(keys, json, err, sizeof(err)) > 0) {
        err[0] = '\0';
    }

    playfab_jwks_free(keys);

    return err;
}


static const char *
check(const playfab_jwks_t *keys, unsigned algs, const char *token)
{
    char                  *copy;
    size_t                 len;
    playfab_jwt_t         *jwt;
    playfab_error_t        err;
    playfab_jwt_policy_t   policy;

    if (token == NULL) {
        return "no token";
    }

    playfab_jwt_policy_init(&policy);
    policy.algs = algs;

    len = strlen(token);
    copy = malloc(len);

    if (copy == NULL) {
        return "no memory";
    }

    memcpy(copy, token, len);
    jwt = playfab_jwt_verify(keys, &policy, copy, len, NOW, &err);
    free(copy);

    if (jwt == NULL) {
        return err.code;
    }

    playfab_jwt_free(jwt);

    return "ok";
}


static const char *
check_free(const playfab_jwks_t *keys, unsigned algs, char *token)
{
    const char  *rc;

    rc = check(keys, algs, token);
    free(token);

    return rc;
}


static void
test_every_alg(const char *dir)
{
    int                alg, failures;
    char              *t, *json, pub[64], err[160];
    size_t             i, n;
    unsigned           bit;
    playfab_jwks_t    *keys, *jwks;
    const cli_alg_t   *a;

    for (i = 0; i < sizeof(cli_algs) / sizeof(cli_algs[0]); i++) {
        a = &cli_algs[i];
        alg = playfab_jwt_alg_by_name(a->alg, strlen(a->alg));
        bit = PLAYFAB_JWT_ALG_BIT(alg);

        snprintf(pub, sizeof(pub), "%s.pub", a->key);
        keys = pem_set(dir, pub, NULL);
        json = jwk(dir, pub, "\"kid\":\"k1\",\"use\":\"sig\"");
        jwks = playfab_jwks_create();
        CHECK(add_json(jwks, json, err, sizeof(err)) == 1);
        free(json);

        t = sign(dir, a, NULL, "k1");
        CHECK(t != NULL);

        failures = unit_failures;

        CHECK_STR(check(keys, bit, t), "ok");
        CHECK_STR(check(jwks, bit, t), "ok");
        CHECK_STR(check(keys, PLAYFAB_JWT_ALGS_ALL, t), "ok");
        CHECK_STR(check(keys, PLAYFAB_JWT_ALGS_ALL & ~bit, t),
                  "alg_not_allowed");

        /* a flipped bit in the middle of the signature */
        n = t ? strlen(t) : 0;

        if (n > 20) {
            t[n - 20] = (t[n - 20] == 'A') ? 'B' : 'A';
            CHECK_STR(check(keys, bit, t), "bad_signature");
            CHECK_STR(check(jwks, bit, t), "bad_signature");
        }

        if (unit_failures != failures) {
            printf("# the failures above: %s\n", a->alg);
        }

        free(t);
        playfab_jwks_free(keys);
        playfab_jwks_free(jwks);
    }
}


static void
test_pss_strict(const char *dir)
{
    playfab_jwks_t  *keys;
    cli_alg_t        a;

    keys = pem_set(dir, "rsa.pub", NULL);

    /* PS256 with a salt shorter than the hash: RFC 7518 3.5 says not */
    a = *cli_alg("PS256");
    a.cmd = "dgst -sha256 -sigopt rsa_padding_mode:pss "
            "-sigopt rsa_pss_saltlen:20 -sign %s -out %s %s";
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL, sign(dir, &a, NULL,
                                                          NULL)),
              "bad_signature");

    /* PKCS#1 v1.5 presented as PSS, and PSS as PKCS#1 v1.5 */
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("RS256"), "PS256", NULL)),
              "bad_signature");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("PS256"), "RS256", NULL)),
              "bad_signature");

    /* another hash than the header names */
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("RS384"), "RS256", NULL)),
              "bad_signature");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("PS512"), "PS384", NULL)),
              "bad_signature");

    /* signed by another RSA key */
    a = *cli_alg("RS256");
    a.key = "rsa2";
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL, sign(dir, &a, NULL,
                                                          NULL)),
              "bad_signature");

    playfab_jwks_free(keys);
}


static void
test_ecdsa_lengths(const char *dir)
{
    char             *t;
    size_t            n;
    cli_alg_t         a;
    playfab_jwks_t   *keys;

    keys = pem_set(dir, "p256.pub", NULL);

    /* the DER signature openssl writes is not a JWS signature */
    a = *cli_alg("ES256");
    a.rs = 0;
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL, sign(dir, &a, NULL,
                                                          NULL)),
              "bad_signature");

    /* R || S one byte short; R and S zero-padded to 33 bytes each */
    t = sign(dir, cli_alg("ES256"), NULL, NULL);
    CHECK_STR(check(keys, PLAYFAB_JWT_ALGS_ALL, t), "ok");

    if (t != NULL) {
        n = strlen(t);
        CHECK(t + n - strrchr(t, '.') - 1 == 86);

        /* 86 characters are 64 bytes, 84 are 63 */
        t[n - 2] = '\0';
        CHECK_STR(check(keys, PLAYFAB_JWT_ALGS_ALL, t), "bad_signature");
        free(t);
    }

    a = *cli_alg("ES256");
    a.rs = 33;
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL, sign(dir, &a, NULL,
                                                          NULL)),
              "bad_signature");

    /* an ES384 signature of 96 bytes, presented as ES256 */
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES384"), "ES256", NULL)),
              "bad_signature");
    playfab_jwks_free(keys);

    /* ES256 against a P-384 key, ES512 against P-256 and the reverse */
    keys = pem_set(dir, "p384.pub", NULL);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES256"), NULL, NULL)),
              "key_mismatch");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES384"), NULL, NULL)), "ok");
    CHECK(playfab_jwks_algs(keys) == PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_ES384));
    playfab_jwks_free(keys);

    keys = pem_set(dir, "p521.pub", NULL);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES256"), "ES512", NULL)),
              "bad_signature");
    playfab_jwks_free(keys);
}


/* the classic attack: an HS256 MAC keyed with the public key's PEM */

static void
test_confusion(const char *dir)
{
    char            *pem, err[160];
    size_t           i, len;
    playfab_jwks_t  *keys;
    const char      *pubs[] = { "rsa.pub", "p256.pub", "ed25519.pub",
                                "rsa.crt" };

    for (i = 0; i < sizeof(pubs) / sizeof(pubs[0]); i++) {
        pem = slurp(dir, pubs[i], &len);
        keys = pem_set(dir, pubs[i], NULL);

        if (pem == NULL || keys == NULL) {
            CHECK(0);
            free(pem);
            playfab_jwks_free(keys);
            continue;
        }

        CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                             hs("{\"alg\":\"HS256\"}", pem, len)),
                  "key_mismatch");
        CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                             hs("{\"alg\":\"HS256\"}", pem, len - 1)),
                  "key_mismatch");
        CHECK_STR(check_free(keys,
                             PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_RS256)
                             | PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_ES256),
                             hs("{\"alg\":\"HS256\"}", pem, len)),
                  "alg_not_allowed");
        CHECK((playfab_jwks_algs(keys) & 7) == 0);

        /* nor can the PEM be configured as a secret */
        CHECK(playfab_jwks_add_secret(keys, pem, len, "s", err, sizeof(err))
              == -1);
        CHECK_STR(err, "a PEM block is not an HMAC secret");
        CHECK(playfab_jwks_count(keys) == 1);

        free(pem);
        playfab_jwks_free(keys);
    }
}


static void
test_pem_forms(const char *dir)
{
    char            *text, *pem, line[80];
    size_t           len, i, n, off;
    playfab_jwks_t  *keys;

    /* PKCS#1 "RSA PUBLIC KEY" and a certificate hold the same key */
    keys = pem_set(dir, "rsa.pkcs1", NULL);
    CHECK(playfab_jwks_count(keys) == 1);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("RS256"), NULL, NULL)), "ok");
    playfab_jwks_free(keys);

    keys = pem_set(dir, "rsa.crt", NULL);
    CHECK(playfab_jwks_count(keys) == 1);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("PS256"), NULL, NULL)), "ok");
    CHECK(playfab_jwks_algs(keys) == 0x1f8);
    playfab_jwks_free(keys);

    /* text around the block is allowed, as in openssl's own files */
    text = slurp(dir, "ed25519.pub", &len);
    pem = malloc(len + 64);

    if (text != NULL && pem != NULL) {
        n = (size_t) sprintf(pem, "issuer: studio\n");
        memcpy(&pem[n], text, len);
        strcpy(&pem[n + len], "# end\n");
        keys = playfab_jwks_create();
        CHECK(playfab_jwks_add_pem(keys, pem, n + len + 6, "ed", NULL, 0)
              == 0);
        CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                             sign(dir, cli_alg("EdDSA"), NULL, "ed")), "ok");
        playfab_jwks_free(keys);
    }

    free(text);
    free(pem);

    /* a SubjectPublicKeyInfo with a byte after its DER */
    text = slurp(dir, "rsa.der", &len);
    pem = malloc(2 * len + 200);

    if (text != NULL && pem != NULL) {
        text = realloc(text, len + 1);
        text[len++] = 0;
        off = (size_t) sprintf(pem, "-----BEGIN PUBLIC KEY-----\n");

        for (i = 0; i < len; i += 48) {
            EVP_EncodeBlock((unsigned char *) line, (unsigned char *) &text[i],
                            (int) (len - i < 48 ? len - i : 48));
            off += (size_t) sprintf(&pem[off], "%s\n", line);
        }

        strcpy(&pem[off], "-----END PUBLIC KEY-----\n");
        CHECK(spit_str(dir, "trailing.pub", pem));
        CHECK_STR(pem_error(dir, "trailing.pub"),
                  "the PEM \"PUBLIC KEY\" block is not valid");
    }

    free(text);
    free(pem);
}


static void
test_pem_errors(const char *dir)
{
    char             err[160], *a, *b;
    size_t           al, bl;
    playfab_jwks_t  *keys;

    CHECK_STR(pem_error(dir, "rsa.pub"), "");
    CHECK_STR(pem_error(dir, "rsa.pem"),
              "a private key: give the public key or a certificate");
    CHECK_STR(pem_error(dir, "p256.pem"),
              "a private key: give the public key or a certificate");
    CHECK_STR(pem_error(dir, "rsa1024.pub"),
              "an RSA key must have at least 2048 bits");
    CHECK_STR(pem_error(dir, "k256.pub"),
              "an EC key must be on P-256, P-384 or P-521");
    CHECK_STR(pem_error(dir, "ed448.pub"),
              "the key is not RSA, EC or Ed25519");
    CHECK_STR(pem_error(dir, "x25519.pub"),
              "the key is not RSA, EC or Ed25519");
    CHECK_STR(pem_error(dir, "rsa.der"), "no PEM block");
    CHECK_STR(pem_error(dir, "in"), "no PEM block");

    CHECK(spit_str(dir, "empty", ""));
    CHECK_STR(pem_error(dir, "empty"), "no PEM block");

    CHECK(spit_str(dir, "label", "-----BEGIN DSA PUBLIC KEY-----\nAAAA\n"
                   "-----END DSA PUBLIC KEY-----\n"));
    CHECK_STR(pem_error(dir, "label"), "a PEM \"DSA PUBLIC KEY\" block: "
              "expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE");

    CHECK(spit_str(dir, "junk", "-----BEGIN PUBLIC KEY-----\nAAAA\n"
                   "-----END PUBLIC KEY-----\n"));
    CHECK_STR(pem_error(dir, "junk"),
              "the PEM \"PUBLIC KEY\" block is not valid");

    CHECK(spit_str(dir, "badb64", "-----BEGIN PUBLIC KEY-----\nA*A\n"
                   "-----END PUBLIC KEY-----\n"));
    CHECK_STR(pem_error(dir, "badb64"), "no PEM block");

    /* two blocks: a chain, or two keys */
    a = slurp(dir, "rsa.pub", &al);
    b = slurp(dir, "p256.pub", &bl);

    if (a != NULL && b != NULL) {
        a = realloc(a, al + bl);
        memcpy(&a[al], b, bl);
        CHECK(spit(dir, "two.pub", a, al + bl));
        CHECK_STR(pem_error(dir, "two.pub"), "more than one PEM block");
    }

    free(a);
    free(b);

    /* kids are unique in a set */
    keys = playfab_jwks_create();
    CHECK(add_pem(keys, dir, "rsa.pub", "k1", err, sizeof(err)) == 0);
    CHECK(add_pem(keys, dir, "p256.pub", "k1", err, sizeof(err)) == -1);
    CHECK_STR(err, "two keys with the kid \"k1\"");
    CHECK(add_pem(keys, dir, "p256.pub", "k2", err, sizeof(err)) == 0);
    CHECK(add_pem(keys, dir, "p384.pub", NULL, err, sizeof(err)) == 0);
    CHECK(playfab_jwks_count(keys) == 3);

    /* the kids, in the order added (the fetched set's log line) */
    CHECK_STR(playfab_jwks_kid(keys, 0), "k1");
    CHECK_STR(playfab_jwks_kid(keys, 1), "k2");
    CHECK(playfab_jwks_kid(keys, 2) == NULL);
    CHECK(playfab_jwks_kid(keys, 3) == NULL);

    /* a short error buffer is cut, never overrun */
    memset(err, 'x', sizeof(err));
    CHECK(add_pem(keys, dir, "rsa.pem", NULL, err, 8) == -1);
    CHECK(memcmp(err, "a priva\0x", 9) == 0);
    CHECK(add_pem(keys, dir, "rsa.pem", NULL, NULL, 0) == -1);
    playfab_jwks_free(keys);

    playfab_jwks_free(NULL);
}


static void
test_jwks_set(const char *dir)
{
    char            *r, *e, *p, *o, *set, err[160];
    size_t           n;
    playfab_jwks_t  *keys;
    const char      *oct =
        "{\"kty\":\"oct\",\"kid\":\"d\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0"
        "NTY3ODlBQkNERUY\"}";

    r = jwk(dir, "rsa.pub", "\"kid\":\"a\"");
    e = jwk(dir, "p256.pub", "\"kid\":\"b\",\"use\":\"sig\"");
    p = jwk(dir, "ed25519.pub", "\"kid\":\"c\",\"alg\":\"EdDSA\"");
    o = jwk(dir, "p521.pub", "\"kid\":\"e\",\"key_ops\":[\"verify\"]");
    set = malloc(8192);

    if (r == NULL || e == NULL || p == NULL || o == NULL || set == NULL) {
        CHECK(0);
        goto done;
    }

    n = (size_t) sprintf(set, "{\"keys\":[%s,%s,%s,%s,%s]}", r, e, p, oct,
                         o);
    CHECK(n < 8192);

    keys = playfab_jwks_create();
    CHECK(add_json(keys, set, err, sizeof(err)) == 5);
    CHECK(playfab_jwks_count(keys) == 5);
    CHECK(playfab_jwks_algs(keys)
          == (PLAYFAB_JWT_ALGS_ALL
              & ~(PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_HS384)
                  | PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_HS512)
                  | PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_ES384))));

    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("PS384"), NULL, "a")), "ok");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES256"), NULL, "b")), "ok");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("EdDSA"), NULL, "c")), "ok");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         hs("{\"alg\":\"HS256\",\"kid\":\"d\"}", SECRET, 32)),
              "ok");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES512"), NULL, "e")), "ok");

    /* the right token under the wrong kid: no other key is tried */
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES256"), NULL, "a")),
              "key_mismatch");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES256"), NULL, "x")),
              "unknown_kid");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES256"), NULL, NULL)),
              "unknown_kid");

    /* a second set adds to the first; its kids must be new */
    CHECK(add_json(keys, r, err, sizeof(err)) == -1);
    CHECK_STR(err, "two keys with the kid \"a\"");
    CHECK(add_json(keys, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"f\",\"k\":"
                   "\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlBQkNERUY\"}]}", err,
                   sizeof(err)) == 1);
    CHECK(playfab_jwks_count(keys) == 6);
    playfab_jwks_free(keys);

    /* a single JWK, without "keys" */
    keys = playfab_jwks_create();
    CHECK(add_json(keys, e, err, sizeof(err)) == 1);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("ES256"), NULL, NULL)), "ok");
    playfab_jwks_free(keys);

done:

    free(r);
    free(e);
    free(p);
    free(o);
    free(set);
}


static void
test_jwks_skipped(const char *dir)
{
    char            *r, *k, *x, *set, err[160];
    playfab_jwks_t  *keys;

    r = jwk(dir, "rsa.pub", "\"kid\":\"enc\",\"use\":\"enc\"");
    k = jwk(dir, "k256.pub", NULL);
    x = jwk(dir, "rsa2.pub", "\"kid\":\"sig\"");
    set = malloc(8192);

    if (r == NULL || k == NULL || x == NULL || set == NULL) {
        CHECK(0);
        goto done;
    }

    /* encryption keys, algorithms and key types we do not verify with */
    sprintf(set, "{\"keys\":[%s,%s,"
            "{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP\",\"n\":\"x\",\"e\":\"x\"},"
            "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"},"
            "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"AAAA\"},"
            "{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"alg\":\"ES256K\"},"
            "{\"kty\":\"DSA\",\"y\":\"AAAA\"}]}", r, k);
    CHECK_STR(json_error(set), "no usable signature key (7 skipped)");

    sprintf(strrchr(set, ']'), ",%s]}", x);
    keys = playfab_jwks_create();
    CHECK(add_json(keys, set, err, sizeof(err)) == 1);
    CHECK(playfab_jwks_count(keys) == 1);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("RS256"), NULL, "enc")),
              "unknown_kid");
    playfab_jwks_free(keys);

    CHECK_STR(json_error("{\"keys\":[]}"), "no usable signature key (0 "
              "skipped)");
    CHECK_STR(json_error("{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\","
                         "\"e\":\"AQAB\"}"),
              "the JWK is not a usable signature key");

done:

    free(r);
    free(k);
    free(x);
    free(set);
}


static void
test_jwks_errors(const char *dir)
{
    char    *small, *ec, *bad, *q, buf[4096], want[160];
    size_t   i;

    small = jwk(dir, "rsa1024.pub", NULL);
    ec = jwk(dir, "p256.pub", NULL);
    bad = ec ? malloc(strlen(ec) + 8) : NULL;

    if (bad != NULL) {
        strcpy(bad, ec);
    }

    CHECK_STR(json_error("not json"), "not a JSON object (nested at most 8 "
              "deep, at most 256 members, no duplicate names)");
    CHECK_STR(json_error("[]"), "not a JSON object (nested at most 8 deep, "
              "at most 256 members, no duplicate names)");
    CHECK_STR(json_error("{\"keys\":[],\"keys\":[]}"), "not a JSON object "
              "(nested at most 8 deep, at most 256 members, no duplicate "
              "names)");
    CHECK_STR(json_error("{}"), "neither a JWK Set with a \"keys\" array "
              "nor a JWK");
    CHECK_STR(json_error("{\"keys\":{}}"), "neither a JWK Set with a "
              "\"keys\" array nor a JWK");
    CHECK_STR(json_error("{\"keys\":[1]}"), "key 1: not an object");
    CHECK_STR(json_error("{\"keys\":[{}]}"), "key 1: \"kty\" must be a "
              "string");
    CHECK_STR(json_error("{\"keys\":[{\"kty\":1}]}"),
              "key 1: \"kty\" must be a string");
    CHECK_STR(json_error("{\"kty\":\"oct\",\"kid\":1,\"k\":\"AAAA\"}"),
              "\"kid\" must be a string");
    CHECK_STR(json_error("{\"kty\":\"oct\",\"use\":[\"sig\"]}"),
              "\"use\" must be a string");
    CHECK_STR(json_error("{\"kty\":\"oct\",\"alg\":256}"),
              "\"alg\" must be a string");

    /* oct */
    CHECK_STR(json_error("{\"kty\":\"oct\"}"),
              "\"k\" must be a base64url string");
    CHECK_STR(json_error("{\"kty\":\"oct\",\"k\":\"\"}"),
              "\"k\" is not base64url of 1 to 2048 bytes");
    CHECK_STR(json_error("{\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAx"
                         "MjM0NTY3ODlBQkNERUY=\"}"),
              "\"k\" is not base64url of 1 to 2048 bytes");
    CHECK_STR(json_error("{\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAx"
                         "MjM0NTY3ODlBQkNERQ\"}"),
              "\"k\" must be at least 32 bytes");
    CHECK_STR(json_error("{\"kty\":\"oct\",\"alg\":\"RS256\",\"k\":\"MDEyMz"
                         "Q1Njc4OWFiY2RlZjAxMjM0NTY3ODlBQkNERUY\"}"),
              "\"alg\" RS256 does not fit the key");

    /* RSA */
    CHECK_STR(json_error("{\"kty\":\"RSA\",\"e\":\"AQAB\"}"),
              "\"n\" must be a base64url string");
    CHECK_STR(json_error("{\"kty\":\"RSA\",\"n\":\"AQAB\"}"),
              "\"e\" must be a base64url string");
    CHECK_STR(json_error("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\","
                         "\"d\":\"AQAB\"}"),
              "a private key (member \"d\"): publish only public keys");
    CHECK_STR(json_error(small), "an RSA key must have at least 2048 bits");

    /* every private member of RSA, without "d" too, whatever "use" says */
    {
        static const char *const  members[] = {
            "p", "q", "dp", "dq", "qi", "oth"
        };

        for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
            snprintf(buf, sizeof(buf), "{\"kty\":\"RSA\",\"n\":\"AQAB\","
                     "\"e\":\"AQAB\",\"%s\":\"AQAB\"}", members[i]);
            snprintf(want, sizeof(want), "a private key (member \"%s\"): "
                     "publish only public keys", members[i]);
            CHECK_STR(json_error(buf), want);
        }
    }
    CHECK_STR(json_error("{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\","
                         "\"e\":\"AQAB\",\"qi\":\"AQAB\"}"),
              "a private key (member \"qi\"): publish only public keys");
    CHECK_STR(json_error("{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP\","
                         "\"n\":\"AQAB\",\"e\":\"AQAB\",\"oth\":[]}"),
              "a private key (member \"oth\"): publish only public keys");
    CHECK_STR(json_error("{\"kty\":\"EC\",\"use\":\"enc\",\"crv\":\"P-256\","
                         "\"d\":\"AAAA\"}"),
              "a private key (member \"d\"): publish only public keys");
    CHECK_STR(json_error("{\"kty\":\"OKP\",\"alg\":\"none\",\"crv\":"
                         "\"Ed25519\",\"d\":\"AAAA\"}"),
              "a private key (member \"d\"): publish only public keys");
    /* a set: the key's position is named too */
    CHECK_STR(json_error("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"enc\","
                         "\"n\":\"AQAB\",\"e\":\"AQAB\",\"dp\":\"AQAB\"}]}"),
              "key 1: a private key (member \"dp\"): publish only public "
              "keys");

    /* EC: lengths, a point off the curve, a private key, a wrong alg */
    CHECK_STR(json_error("{\"kty\":\"EC\",\"x\":\"AAAA\",\"y\":\"AAAA\"}"),
              "\"crv\" must be a string");
    CHECK_STR(json_error("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\","
                         "\"y\":\"AAAA\"}"),
              "\"x\" and \"y\" must be 32 bytes for P-256");
    CHECK_STR(json_error("{\"kty\":\"EC\",\"crv\":\"P-256\"}"),
              "\"x\" must be a base64url string");

    if (ec != NULL && bad != NULL) {
        q = strstr(bad, "\"y\":\"") + 5;
        *q = (*q == 'A') ? 'B' : 'A';
        CHECK_STR(json_error(bad), "not a point on P-256");

        q = strstr(bad, "\"x\":\"") + 5;
        memmove(q + 4, q, strlen(q) + 1);
        memcpy(q, "AAAA", 4);
        CHECK_STR(json_error(bad),
                  "\"x\" and \"y\" must be 32 bytes for P-256");

        snprintf(buf, sizeof(buf), "%.*s,\"d\":\"AAAA\"}",
                 (int) strlen(ec) - 1, ec);
        CHECK_STR(json_error(buf),
                  "a private key (member \"d\"): publish only public keys");

        snprintf(buf, sizeof(buf), "%.*s,\"alg\":\"ES384\"}",
                 (int) strlen(ec) - 1, ec);
        CHECK_STR(json_error(buf), "\"alg\" ES384 does not fit the key");

        snprintf(buf, sizeof(buf), "{\"keys\":[%s,%s]}", ec, ec);
        CHECK_STR(json_error(buf), "");

        snprintf(buf, sizeof(buf), "{\"keys\":[%.*s,\"kid\":\"z\"},"
                 "%.*s,\"kid\":\"z\"}]}", (int) strlen(ec) - 1, ec,
                 (int) strlen(ec) - 1, ec);
        CHECK_STR(json_error(buf), "key 2: two keys with the kid \"z\"");
    }

    /* OKP */
    CHECK_STR(json_error("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AA"
                         "AA\"}"), "\"x\" must be 32 bytes for Ed25519");
    CHECK_STR(json_error("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qY"
                         "AYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\","
                         "\"d\":\"AAAA\"}"),
              "a private key (member \"d\"): publish only public keys");
    CHECK_STR(json_error("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qY"
                         "AYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"), "");

    /* a key at depth 9 */
    CHECK_STR(json_error("{\"keys\":[{\"kty\":\"oct\",\"x\":[[[[[[[1]]]]]]]"
                         "}]}"), "not a JSON object (nested at most 8 deep, "
              "at most 256 members, no duplicate names)");

    free(small);
    free(ec);
    free(bad);
}


/* a JWK's "alg" pins it to that algorithm */

static void
test_alg_pin(const char *dir)
{
    char            *r, err[160];
    playfab_jwks_t  *keys;

    r = jwk(dir, "rsa.pub", "\"alg\":\"RS256\"");
    keys = playfab_jwks_create();
    CHECK(add_json(keys, r, err, sizeof(err)) == 1);
    CHECK(playfab_jwks_algs(keys) == PLAYFAB_JWT_ALG_BIT(PLAYFAB_JWT_RS256));

    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("RS256"), NULL, NULL)), "ok");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("PS256"), NULL, NULL)),
              "key_mismatch");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("RS512"), NULL, NULL)),
              "key_mismatch");

    playfab_jwks_free(keys);
    free(r);
}


/* two RSA keys by kid, as while an identity provider rotates */

static void
test_rotation(const char *dir)
{
    char             err[160];
    cli_alg_t        next;
    playfab_jwks_t  *keys;

    next = *cli_alg("RS256");
    next.key = "rsa2";

    keys = playfab_jwks_create();
    CHECK(add_pem(keys, dir, "rsa.pub", "2024", err, sizeof(err)) == 0);
    CHECK(add_pem(keys, dir, "rsa2.pub", "2025", err, sizeof(err)) == 0);

    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, cli_alg("RS256"), NULL, "2024")), "ok");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, &next, NULL, "2025")), "ok");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, &next, NULL, "2024")), "bad_signature");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, &next, NULL, "2026")), "unknown_kid");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         sign(dir, &next, NULL, NULL)), "unknown_kid");

    playfab_jwks_free(keys);
}


static void
test_secret(void)
{
    char             err[160];
    playfab_jwks_t  *keys;

#define ADD(s, len, kid)                                                     \
    playfab_jwks_add_secret(keys, s, len, kid, err, sizeof(err))
#define TOKEN(k)  hs("{\"alg\":\"HS256\"}", k, strlen(k))

    /* one final newline is not part of the secret */
    keys = playfab_jwks_create();
    CHECK(ADD(SECRET "\n", 33, NULL) == 0);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL, TOKEN(SECRET)), "ok");
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL, TOKEN(SECRET "\n")),
              "bad_signature");
    playfab_jwks_free(keys);

    keys = playfab_jwks_create();
    CHECK(ADD(SECRET "\r\n", 34, NULL) == 0);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL, TOKEN(SECRET)), "ok");
    playfab_jwks_free(keys);

    keys = playfab_jwks_create();
    CHECK(ADD(SECRET "\n\n", 34, NULL) == 0);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL, TOKEN(SECRET "\n")),
              "ok");
    playfab_jwks_free(keys);

    /* a secret may hold any byte, NUL included */
    keys = playfab_jwks_create();
    CHECK(ADD("\0" SECRET, 33, NULL) == 0);
    CHECK_STR(check_free(keys, PLAYFAB_JWT_ALGS_ALL,
                         hs("{\"alg\":\"HS256\"}", "\0" SECRET, 33)), "ok");

    CHECK(ADD(SECRET, 31, NULL) == -1);
    CHECK_STR(err, "an HMAC secret must be at least 32 bytes");
    CHECK(ADD("0123456789abcdef0123456789ABCDE\n", 32, NULL) == -1);
    CHECK(ADD("", 0, NULL) == -1);
    CHECK(ADD(NULL, 0, NULL) == -1);
    CHECK(ADD("-----BEGIN PUBLIC KEY-----\n" SECRET, 59, NULL) == -1);
    CHECK_STR(err, "a PEM block is not an HMAC secret");

    CHECK(ADD(SECRET, 32, "k") == 0);
    CHECK(ADD(SECRET "x", 33, "k") == -1);
    CHECK_STR(err, "two keys with the kid \"k\"");
    CHECK(playfab_jwks_count(keys) == 2);
    playfab_jwks_free(keys);

#undef ADD
#undef TOKEN
}


int
main(void)
{
    int     ok;
    char    dir[] = "/tmp/playfab-jwk.XXXXXX", cmd[64];
    size_t  i;

    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return UNIT_DONE();
    }

    ok = 1;

    for (i = 0; ok && i < sizeof(cli_setup) / sizeof(cli_setup[0]); i++) {
        ok = sh(dir, "%s", cli_setup[i]);

        if (!ok) {
            printf("# openssl %s: failed\n", cli_setup[i]);
        }
    }

    CHECK(ok);

    if (ok) {
        test_every_alg(dir);
        test_pss_strict(dir);
        test_ecdsa_lengths(dir);
        test_confusion(dir);
        test_pem_forms(dir);
        test_pem_errors(dir);
        test_jwks_set(dir);
        test_jwks_skipped(dir);
        test_jwks_errors(dir);
        test_alg_pin(dir);
        test_rotation(dir);
    }

    test_secret();

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);

    return UNIT_DONE();
}
