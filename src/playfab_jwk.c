/*
 * Copyright (C) ngx_http_playfab_party authors
 */

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <cjson/cJSON.h>

#include "playfab_jose.h"
#include "playfab_jwk.h"


#define PLAYFAB_JWK_MEMBER_MAX  2048    /* decoded n, x, y or k */
#define PLAYFAB_JWK_DER_MAX     160     /* DER ECDSA-Sig-Value, P-521 */
#define PLAYFAB_JWK_GROUP_MAX   32


typedef enum {
    PLAYFAB_JWK_OCT = 0,
    PLAYFAB_JWK_RSA,
    PLAYFAB_JWK_P256,
    PLAYFAB_JWK_P384,
    PLAYFAB_JWK_P521,
    PLAYFAB_JWK_ED25519
} playfab_jwk_type_e;

typedef enum {
    PLAYFAB_JWK_PLAIN = 0,
    PLAYFAB_JWK_PSS,                    /* RSASSA-PSS, salt of hash size */
    PLAYFAB_JWK_RS                      /* R || S, verified as DER */
} playfab_jwk_form_e;

/* sig: the signature's exact length, 0 for the RSA modulus' length;
 * for HMAC also the least secret length */
typedef struct {
    const char          *name;
    playfab_jwk_type_e   type;
    const char          *md;
    size_t               sig;
    playfab_jwk_form_e   form;
} playfab_jwk_alg_t;

typedef struct {
    const char          *crv;           /* JWK "crv" */
    const char          *group;         /* OpenSSL group name */
    size_t               size;          /* bytes of x, y, R, S */
    playfab_jwk_type_e   type;
} playfab_jwk_curve_t;

typedef struct {
    playfab_jwk_type_e   type;
    int                  alg;           /* pinned by a JWK "alg", or -1 */
    char                *kid;
    EVP_PKEY            *pkey;
    unsigned char       *secret;
    size_t               secret_len;
} playfab_jwk_t;

struct playfab_jwks_s {
    playfab_jwk_t       *keys;
    size_t               n;
    size_t               nalloc;
};

/* a JWK member-set importer: 1 and *key, 0 to skip, -1 and err */
typedef int (*playfab_jwk_import_pt)(const cJSON *jwk, playfab_jwk_t *key,
    char *err, size_t errlen);

typedef struct {
    const char             *kty;
    playfab_jwk_import_pt   import;
    const char *const      *private;    /* members that only a private
                                           key has, NULL-terminated */
} playfab_jwk_kty_t;

typedef EVP_PKEY *(*playfab_jwk_d2i_pt)(const unsigned char **p, long len);

typedef struct {
    const char          *name;
    playfab_jwk_d2i_pt   d2i;
} playfab_jwk_pem_t;


static int playfab_jwk_fail(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int playfab_jwk_push(playfab_jwks_t *keys, playfab_jwk_t *key,
    const char *kid, char *err, size_t errlen);
static void playfab_jwk_clear(playfab_jwk_t *key);
static int playfab_jwk_classify(playfab_jwk_t *key, char *err,
    size_t errlen);
static const playfab_jwk_curve_t *playfab_jwk_curve(const char *crv,
    const char *group);
static EVP_PKEY *playfab_jwk_spki(const unsigned char **p, long len);
static EVP_PKEY *playfab_jwk_pkcs1(const unsigned char **p, long len);
static EVP_PKEY *playfab_jwk_cert(const unsigned char **p, long len);
static EVP_PKEY *playfab_jwk_pem_key(const char *name,
    const unsigned char *der, long len, char *err, size_t errlen);
static int playfab_jwk_one(playfab_jwks_t *keys, const cJSON *jwk,
    char *err, size_t errlen);
static int playfab_jwk_parse(const cJSON *jwk, playfab_jwk_t *key,
    const char **kid, char *err, size_t errlen);
static int playfab_jwk_string(const cJSON *jwk, const char *name,
    const char **value, char *err, size_t errlen);
static long playfab_jwk_bytes(const cJSON *jwk, const char *name,
    unsigned char *buf, size_t size, char *err, size_t errlen);
static int playfab_jwk_rsa(const cJSON *jwk, playfab_jwk_t *key, char *err,
    size_t errlen);
static int playfab_jwk_ec(const cJSON *jwk, playfab_jwk_t *key, char *err,
    size_t errlen);
static int playfab_jwk_okp(const cJSON *jwk, playfab_jwk_t *key, char *err,
    size_t errlen);
static int playfab_jwk_oct(const cJSON *jwk, playfab_jwk_t *key, char *err,
    size_t errlen);
static EVP_PKEY *playfab_jwk_fromdata(const char *type,
    OSSL_PARAM_BLD *bld);
static const playfab_jwk_t *playfab_jwk_select(const playfab_jwks_t *keys,
    const char *kid);
static int playfab_jwk_usable(const playfab_jwk_t *key, int alg);
static int playfab_jwk_hmac(const playfab_jwk_t *key,
    const playfab_jwk_alg_t *a, const unsigned char *in, size_t len,
    const unsigned char *sig, size_t sig_len);
static int playfab_jwk_signature(const playfab_jwk_t *key,
    const playfab_jwk_alg_t *a, const unsigned char *in, size_t len,
    const unsigned char *sig, size_t sig_len);
static long playfab_jwk_ecdsa_der(const unsigned char *sig, size_t half,
    unsigned char *der, size_t size);


/* indexed by playfab_jwt_alg_e */
static const playfab_jwk_alg_t  playfab_jwk_algs[] = {
    { "HS256", PLAYFAB_JWK_OCT,     "SHA256", 32,  PLAYFAB_JWK_PLAIN },
    { "HS384", PLAYFAB_JWK_OCT,     "SHA384", 48,  PLAYFAB_JWK_PLAIN },
    { "HS512", PLAYFAB_JWK_OCT,     "SHA512", 64,  PLAYFAB_JWK_PLAIN },
    { "RS256", PLAYFAB_JWK_RSA,     "SHA256", 0,   PLAYFAB_JWK_PLAIN },
    { "RS384", PLAYFAB_JWK_RSA,     "SHA384", 0,   PLAYFAB_JWK_PLAIN },
    { "RS512", PLAYFAB_JWK_RSA,     "SHA512", 0,   PLAYFAB_JWK_PLAIN },
    { "PS256", PLAYFAB_JWK_RSA,     "SHA256", 0,   PLAYFAB_JWK_PSS },
    { "PS384", PLAYFAB_JWK_RSA,     "SHA384", 0,   PLAYFAB_JWK_PSS },
    { "PS512", PLAYFAB_JWK_RSA,     "SHA512", 0,   PLAYFAB_JWK_PSS },
    { "ES256", PLAYFAB_JWK_P256,    "SHA256", 64,  PLAYFAB_JWK_RS },
    { "ES384", PLAYFAB_JWK_P384,    "SHA384", 96,  PLAYFAB_JWK_RS },
    { "ES512", PLAYFAB_JWK_P521,    "SHA512", 132, PLAYFAB_JWK_RS },
    { "EdDSA", PLAYFAB_JWK_ED25519, NULL,     64,  PLAYFAB_JWK_PLAIN }
};

static const playfab_jwk_curve_t  playfab_jwk_curves[] = {
    { "P-256", "prime256v1", 32, PLAYFAB_JWK_P256 },
    { "P-384", "secp384r1",  48, PLAYFAB_JWK_P384 },
    { "P-521", "secp521r1",  66, PLAYFAB_JWK_P521 }
};

/* RFC 7518 6.3.2 (RSA), 6.2.2 (EC), RFC 8037 2 (OKP) */
static const char *const  playfab_jwk_rsa_private[] = {
    "d", "p", "q", "dp", "dq", "qi", "oth", NULL
};

static const char *const  playfab_jwk_d_private[] = { "d", NULL };

/* an "oct" key is a shared secret: "k" is what HMAC verifies with */
static const char *const  playfab_jwk_no_private[] = { NULL };

static const playfab_jwk_kty_t  playfab_jwk_ktys[] = {
    { "RSA", playfab_jwk_rsa, playfab_jwk_rsa_private },
    { "EC",  playfab_jwk_ec,  playfab_jwk_d_private },
    { "OKP", playfab_jwk_okp, playfab_jwk_d_private },
    { "oct", playfab_jwk_oct, playfab_jwk_no_private }
};

static const playfab_jwk_pem_t  playfab_jwk_pems[] = {
    { "PUBLIC KEY",     playfab_jwk_spki },
    { "RSA PUBLIC KEY", playfab_jwk_pkcs1 },
    { "CERTIFICATE",    playfab_jwk_cert }
};

#define playfab_jwk_nelts(a)  (sizeof(a) / sizeof((a)[0]))


int
playfab_jwt_alg_by_name(const char *name, size_t len)
{
    size_t  i;

    for (i = 0; i < playfab_jwk_nelts(playfab_jwk_algs); i++) {
        if (strlen(playfab_jwk_algs[i].name) == len
            && memcmp(playfab_jwk_algs[i].name, name, len) == 0)
        {
            return (int) i;
        }
    }

    return -1;
}


const char *
playfab_jwt_alg_name(playfab_jwt_alg_e alg)
{
    if ((unsigned) alg >= PLAYFAB_JWT_NALGS) {
        return "unknown";
    }

    return playfab_jwk_algs[alg].name;
}


playfab_jwks_t *
playfab_jwks_create(void)
{
    return calloc(1, sizeof(playfab_jwks_t));
}


void
playfab_jwks_free(playfab_jwks_t *keys)
{
    size_t  i;

    if (keys == NULL) {
        return;
    }

    for (i = 0; i < keys->n; i++) {
        playfab_jwk_clear(&keys->keys[i]);
    }

    free(keys->keys);
    free(keys);
}


int
playfab_jwks_add_pem(playfab_jwks_t *keys, const char *pem, size_t len,
    const char *kid, char *err, size_t errlen)
{
    BIO             *bio;
    long             der_len;
    char            *name, *header;
    unsigned char   *der;
    playfab_jwk_t    key;

    if (len == 0 || len > INT_MAX) {
        return playfab_jwk_fail(err, errlen, "no PEM block");
    }

    bio = BIO_new_mem_buf(pem, (int) len);

    if (bio == NULL) {
        return playfab_jwk_fail(err, errlen, "out of memory");
    }

    memset(&key, 0, sizeof(playfab_jwk_t));

    if (PEM_read_bio(bio, &name, &header, &der, &der_len) == 1) {
        key.pkey = playfab_jwk_pem_key(name, der, der_len, err, errlen);

        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);

        if (key.pkey != NULL
            && PEM_read_bio(bio, &name, &header, &der, &der_len) == 1)
        {
            OPENSSL_free(name);
            OPENSSL_free(header);
            OPENSSL_free(der);
            EVP_PKEY_free(key.pkey);
            key.pkey = NULL;
            playfab_jwk_fail(err, errlen, "more than one PEM block");
        }

    } else {
        playfab_jwk_fail(err, errlen, "no PEM block");
    }

    BIO_free(bio);
    ERR_clear_error();

    if (key.pkey == NULL) {
        return -1;
    }

    key.alg = -1;

    if (playfab_jwk_classify(&key, err, errlen) != 0) {
        playfab_jwk_clear(&key);
        return -1;
    }

    return playfab_jwk_push(keys, &key, kid, err, errlen);
}


long
playfab_jwks_add_json(playfab_jwks_t *keys, const char *json, size_t len,
    char *err, size_t errlen)
{
    int           rc;
    char          why[128];
    long          added, n;
    cJSON        *root;
    const cJSON  *set, *jwk;

    root = playfab_jose_json_parse(json, len);

    if (root == NULL) {
        return playfab_jwk_fail(err, errlen, "not a JSON object (nested at "
                                "most %d deep, at most %d members, no "
                                "duplicate names)", PLAYFAB_JSON_MAX_DEPTH,
                                PLAYFAB_JOSE_MEMBERS_MAX);
    }

    set = cJSON_GetObjectItemCaseSensitive(root, "keys");

    if (set == NULL && cJSON_GetObjectItemCaseSensitive(root, "kty")) {
        rc = playfab_jwk_one(keys, root, err, errlen);
        cJSON_Delete(root);

        return (rc == 0) ? playfab_jwk_fail(err, errlen, "the JWK is not a "
                                            "usable signature key")
                         : rc;
    }

    if (!cJSON_IsArray(set)) {
        cJSON_Delete(root);
        return playfab_jwk_fail(err, errlen, "neither a JWK Set with a "
                                "\"keys\" array nor a JWK");
    }

    added = 0;
    n = 0;

    cJSON_ArrayForEach(jwk, set) {
        n++;
        rc = playfab_jwk_one(keys, jwk, why, sizeof(why));

        if (rc == -1) {
            cJSON_Delete(root);
            return playfab_jwk_fail(err, errlen, "key %ld: %s", n, why);
        }

        added += rc;
    }

    cJSON_Delete(root);

    if (added == 0) {
        return playfab_jwk_fail(err, errlen, "no usable signature key (%ld "
                                "skipped)", n);
    }

    return added;
}


int
playfab_jwks_add_secret(playfab_jwks_t *keys, const char *secret,
    size_t len, const char *kid, char *err, size_t errlen)
{
    playfab_jwk_t  key;

    if (len > 0 && secret[len - 1] == '\n') {
        len--;

        if (len > 0 && secret[len - 1] == '\r') {
            len--;
        }
    }

    if (len >= 10 && memcmp(secret, "-----BEGIN", 10) == 0) {
        return playfab_jwk_fail(err, errlen, "a PEM block is not an HMAC "
                                "secret");
    }

    if (len < PLAYFAB_JWT_SECRET_MIN) {
        return playfab_jwk_fail(err, errlen, "an HMAC secret must be at "
                                "least %d bytes", PLAYFAB_JWT_SECRET_MIN);
    }

    memset(&key, 0, sizeof(playfab_jwk_t));

    key.type = PLAYFAB_JWK_OCT;
    key.alg = -1;
    key.secret = malloc(len);

    if (key.secret == NULL) {
        return playfab_jwk_fail(err, errlen, "out of memory");
    }

    memcpy(key.secret, secret, len);
    key.secret_len = len;

    return playfab_jwk_push(keys, &key, kid, err, errlen);
}


size_t
playfab_jwks_count(const playfab_jwks_t *keys)
{
    return keys->n;
}


const char *
playfab_jwks_kid(const playfab_jwks_t *keys, size_t i)
{
    return (i < keys->n) ? keys->keys[i].kid : NULL;
}


unsigned
playfab_jwks_algs(const playfab_jwks_t *keys)
{
    int       alg;
    size_t    i;
    unsigned  algs;

    algs = 0;

    for (i = 0; i < keys->n; i++) {
        for (alg = 0; alg < PLAYFAB_JWT_NALGS; alg++) {
            if (playfab_jwk_usable(&keys->keys[i], alg)) {
                algs |= PLAYFAB_JWT_ALG_BIT(alg);
            }
        }
    }

    return algs;
}


int
playfab_jwks_verify(const playfab_jwks_t *keys, const char *kid,
    playfab_jwt_alg_e alg, const unsigned char *in, size_t len,
    const unsigned char *sig, size_t sig_len, playfab_error_t *err)
{
    int                       rc;
    const playfab_jwk_t      *key;
    const playfab_jwk_alg_t  *a;

    if ((unsigned) alg >= PLAYFAB_JWT_NALGS) {
        playfab_error_set(err, "alg_not_allowed", "alg", "unknown alg");
        return -1;
    }

    key = playfab_jwk_select(keys, kid);

    if (key == NULL) {
        if (kid) {
            playfab_error_set(err, "unknown_kid", "kid",
                              "no key has the token's kid");

        } else {
            playfab_error_set(err, "unknown_kid", "kid",
                              "the token has no kid and the key set holds "
                              "%zu keys", keys->n);
        }

        return -1;
    }

    a = &playfab_jwk_algs[alg];

    if (!playfab_jwk_usable(key, alg)) {
        playfab_error_set(err, "key_mismatch", "alg",
                          "the token's key cannot verify %s", a->name);
        return -1;
    }

    if (a->type == PLAYFAB_JWK_OCT) {
        rc = playfab_jwk_hmac(key, a, in, len, sig, sig_len);

    } else {
        rc = playfab_jwk_signature(key, a, in, len, sig, sig_len);
    }

    ERR_clear_error();

    if (rc == -2) {
        playfab_error_set(err, "internal", "", "OpenSSL failed to verify %s",
                          a->name);
        return -1;
    }

    if (rc != 0) {
        playfab_error_set(err, "bad_signature", "", "the %s signature does "
                          "not verify", a->name);
        return -1;
    }

    return 0;
}


static int
playfab_jwk_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list  args;

    if (err != NULL && errlen > 0) {
        va_start(args, fmt);
        vsnprintf(err, errlen, fmt, args);
        va_end(args);
    }

    return -1;
}


/* moves *key into the set, or clears it on failure */

static int
playfab_jwk_push(playfab_jwks_t *keys, playfab_jwk_t *key, const char *kid,
    char *err, size_t errlen)
{
    size_t          i, n;
    playfab_jwk_t  *a;

    for (i = 0; kid != NULL && i < keys->n; i++) {
        if (keys->keys[i].kid != NULL && strcmp(keys->keys[i].kid, kid) == 0) {
            playfab_jwk_clear(key);
            return playfab_jwk_fail(err, errlen, "two keys with the kid "
                                    "\"%.64s\"", kid);
        }
    }

    if (kid != NULL) {
        key->kid = strdup(kid);

        if (key->kid == NULL) {
            playfab_jwk_clear(key);
            return playfab_jwk_fail(err, errlen, "out of memory");
        }
    }

    if (keys->n == keys->nalloc) {
        n = keys->nalloc ? 2 * keys->nalloc : 4;
        a = realloc(keys->keys, n * sizeof(playfab_jwk_t));

        if (a == NULL) {
            playfab_jwk_clear(key);
            return playfab_jwk_fail(err, errlen, "out of memory");
        }

        keys->keys = a;
        keys->nalloc = n;
    }

    keys->keys[keys->n++] = *key;

    return 0;
}


static void
playfab_jwk_clear(playfab_jwk_t *key)
{
    EVP_PKEY_free(key->pkey);

    if (key->secret != NULL) {
        OPENSSL_cleanse(key->secret, key->secret_len);
        free(key->secret);
    }

    free(key->kid);

    memset(key, 0, sizeof(playfab_jwk_t));
}


/* sets key->type from key->pkey, checking size, curve and the point */

static int
playfab_jwk_classify(playfab_jwk_t *key, char *err, size_t errlen)
{
    int                         rc;
    char                        group[PLAYFAB_JWK_GROUP_MAX];
    EVP_PKEY_CTX               *ctx;
    const playfab_jwk_curve_t  *curve;

    switch (EVP_PKEY_get_base_id(key->pkey)) {

    case EVP_PKEY_RSA:
        if (EVP_PKEY_get_bits(key->pkey) < PLAYFAB_JWT_RSA_BITS_MIN) {
            return playfab_jwk_fail(err, errlen, "an RSA key must have at "
                                    "least %d bits",
                                    PLAYFAB_JWT_RSA_BITS_MIN);
        }

        key->type = PLAYFAB_JWK_RSA;
        break;

    case EVP_PKEY_EC:
        curve = NULL;

        if (EVP_PKEY_get_group_name(key->pkey, group, sizeof(group), NULL)
            == 1)
        {
            curve = playfab_jwk_curve(NULL, group);
        }

        if (curve == NULL) {
            ERR_clear_error();
            return playfab_jwk_fail(err, errlen, "an EC key must be on "
                                    "P-256, P-384 or P-521");
        }

        key->type = curve->type;
        break;

    case EVP_PKEY_ED25519:
        key->type = PLAYFAB_JWK_ED25519;
        break;

    default:
        return playfab_jwk_fail(err, errlen, "the key is not RSA, EC or "
                                "Ed25519");
    }

    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);

    if (ctx == NULL) {
        return playfab_jwk_fail(err, errlen, "out of memory");
    }

    rc = EVP_PKEY_public_check(ctx);

    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();

    if (rc != 1) {
        return playfab_jwk_fail(err, errlen, "the public key is not valid");
    }

    return 0;
}


/* by JWK "crv" name, or by OpenSSL group name if crv is NULL */

static const playfab_jwk_curve_t *
playfab_jwk_curve(const char *crv, const char *group)
{
    size_t  i;

    for (i = 0; i < playfab_jwk_nelts(playfab_jwk_curves); i++) {
        if (strcmp(crv ? playfab_jwk_curves[i].crv
                       : playfab_jwk_curves[i].group,
                   crv ? crv : group)
            == 0)
        {
            return &playfab_jwk_curves[i];
        }
    }

    return NULL;
}


static EVP_PKEY *
playfab_jwk_spki(const unsigned char **p, long len)
{
    return d2i_PUBKEY(NULL, p, len);
}


static EVP_PKEY *
playfab_jwk_pkcs1(const unsigned char **p, long len)
{
    return d2i_PublicKey(EVP_PKEY_RSA, NULL, p, len);
}


static EVP_PKEY *
playfab_jwk_cert(const unsigned char **p, long len)
{
    X509      *x509;
    EVP_PKEY  *pkey;

    x509 = d2i_X509(NULL, p, len);

    if (x509 == NULL) {
        return NULL;
    }

    pkey = X509_get_pubkey(x509);
    X509_free(x509);

    return pkey;
}


/* the public key in a PEM block's DER, which it must fill exactly */

static EVP_PKEY *
playfab_jwk_pem_key(const char *name, const unsigned char *der, long len,
    char *err, size_t errlen)
{
    size_t                i;
    EVP_PKEY             *pkey;
    const unsigned char  *p;

    if (strstr(name, "PRIVATE") != NULL) {
        playfab_jwk_fail(err, errlen, "a private key: give the public key "
                         "or a certificate");
        return NULL;
    }

    for (i = 0; i < playfab_jwk_nelts(playfab_jwk_pems); i++) {
        if (strcmp(playfab_jwk_pems[i].name, name) != 0) {
            continue;
        }

        p = der;
        pkey = playfab_jwk_pems[i].d2i(&p, len);

        if (pkey != NULL && p == der + len) {
            return pkey;
        }

        EVP_PKEY_free(pkey);
        playfab_jwk_fail(err, errlen, "the PEM \"%s\" block is not valid",
                         name);
        return NULL;
    }

    playfab_jwk_fail(err, errlen, "a PEM \"%.32s\" block: expected PUBLIC "
                     "KEY, RSA PUBLIC KEY or CERTIFICATE", name);
    return NULL;
}


/* adds one JWK: 1, 0 if skipped, -1 and err */

static int
playfab_jwk_one(playfab_jwks_t *keys, const cJSON *jwk, char *err,
    size_t errlen)
{
    int             rc;
    const char     *kid;
    playfab_jwk_t   key;

    if (!cJSON_IsObject(jwk)) {
        return playfab_jwk_fail(err, errlen, "not an object");
    }

    memset(&key, 0, sizeof(playfab_jwk_t));
    kid = NULL;

    rc = playfab_jwk_parse(jwk, &key, &kid, err, errlen);

    if (rc != 1) {
        playfab_jwk_clear(&key);
        return rc;
    }

    return playfab_jwk_push(keys, &key, kid, err, errlen) == 0 ? 1 : -1;
}


/* 1 and *key, 0 for a key we skip, -1 and err */

static int
playfab_jwk_parse(const cJSON *jwk, playfab_jwk_t *key, const char **kid,
    char *err, size_t errlen)
{
    int                 rc, alg;
    size_t              i;
    const char         *kty, *use, *name;
    const char *const  *p;

    if (playfab_jwk_string(jwk, "kty", &kty, err, errlen) != 1) {
        return playfab_jwk_fail(err, errlen, "\"kty\" must be a string");
    }

    for (i = 0; i < playfab_jwk_nelts(playfab_jwk_ktys); i++) {
        if (strcmp(playfab_jwk_ktys[i].kty, kty) == 0) {
            break;
        }
    }

    if (i == playfab_jwk_nelts(playfab_jwk_ktys)) {
        return 0;
    }

    /*
     * A private member is an error whatever else the key says ("use":
     * "enc", an unknown "alg"): a set that carries one leaks a secret.
     */

    for (p = playfab_jwk_ktys[i].private; *p; p++) {
        if (cJSON_GetObjectItemCaseSensitive(jwk, *p) != NULL) {
            return playfab_jwk_fail(err, errlen, "a private key (member "
                                    "\"%s\"): publish only public keys",
                                    *p);
        }
    }

    if (playfab_jwk_string(jwk, "use", &use, err, errlen) == -1
        || playfab_jwk_string(jwk, "alg", &name, err, errlen) == -1
        || playfab_jwk_string(jwk, "kid", kid, err, errlen) == -1)
    {
        return -1;
    }

    alg = name ? playfab_jwt_alg_by_name(name, strlen(name)) : -1;

    if ((use != NULL && strcmp(use, "sig") != 0)
        || (name != NULL && alg == -1))
    {
        return 0;
    }

    rc = playfab_jwk_ktys[i].import(jwk, key, err, errlen);

    if (rc != 1) {
        return rc;
    }

    key->alg = alg;

    /* the key's type, and for HMAC a secret as long as the hash */

    if (alg != -1 && !playfab_jwk_usable(key, alg)) {
        return playfab_jwk_fail(err, errlen, "\"alg\" %s does not fit the "
                                "key", name);
    }

    return 1;
}


/* 1 and *value, 0 if absent (*value NULL), -1 if not a string */

static int
playfab_jwk_string(const cJSON *jwk, const char *name, const char **value,
    char *err, size_t errlen)
{
    const cJSON  *item;

    *value = NULL;
    item = cJSON_GetObjectItemCaseSensitive(jwk, name);

    if (item == NULL) {
        return 0;
    }

    if (!cJSON_IsString(item)) {
        return playfab_jwk_fail(err, errlen, "\"%s\" must be a string",
                                name);
    }

    *value = item->valuestring;

    return 1;
}


/* a required base64url member, decoded */

static long
playfab_jwk_bytes(const cJSON *jwk, const char *name, unsigned char *buf,
    size_t size, char *err, size_t errlen)
{
    long          n;
    const char   *s;

    if (playfab_jwk_string(jwk, name, &s, err, errlen) != 1) {
        return playfab_jwk_fail(err, errlen, "\"%s\" must be a base64url "
                                "string", name);
    }

    n = playfab_jose_base64url_decode(s, strlen(s), buf, size);

    if (n <= 0) {
        return playfab_jwk_fail(err, errlen, "\"%s\" is not base64url of "
                                "1 to %zu bytes", name, size);
    }

    return n;
}


static int
playfab_jwk_rsa(const cJSON *jwk, playfab_jwk_t *key, char *err,
    size_t errlen)
{
    long             n_len, e_len;
    BIGNUM          *n, *e;
    unsigned char    nbuf[PLAYFAB_JWK_MEMBER_MAX], ebuf[16];
    OSSL_PARAM_BLD  *bld;

    n_len = playfab_jwk_bytes(jwk, "n", nbuf, sizeof(nbuf), err, errlen);

    if (n_len == -1) {
        return -1;
    }

    e_len = playfab_jwk_bytes(jwk, "e", ebuf, sizeof(ebuf), err, errlen);

    if (e_len == -1) {
        return -1;
    }

    n = BN_bin2bn(nbuf, (int) n_len, NULL);
    e = BN_bin2bn(ebuf, (int) e_len, NULL);
    bld = OSSL_PARAM_BLD_new();

    if (n != NULL && e != NULL && bld != NULL
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
    {
        key->pkey = playfab_jwk_fromdata("RSA", bld);
    }

    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);

    if (key->pkey == NULL) {
        return playfab_jwk_fail(err, errlen, "not a valid RSA key");
    }

    return playfab_jwk_classify(key, err, errlen) == 0 ? 1 : -1;
}


static int
playfab_jwk_ec(const cJSON *jwk, playfab_jwk_t *key, char *err,
    size_t errlen)
{
    long                        x_len, y_len;
    size_t                      size;
    const char                 *crv;
    unsigned char               point[1 + 2 * PLAYFAB_JWK_MEMBER_MAX];
    OSSL_PARAM_BLD             *bld;
    const playfab_jwk_curve_t  *curve;

    if (playfab_jwk_string(jwk, "crv", &crv, err, errlen) != 1) {
        return playfab_jwk_fail(err, errlen, "\"crv\" must be a string");
    }

    curve = playfab_jwk_curve(crv, NULL);

    if (curve == NULL) {
        return 0;
    }

    size = curve->size;

    x_len = playfab_jwk_bytes(jwk, "x", &point[1], PLAYFAB_JWK_MEMBER_MAX,
                              err, errlen);

    if (x_len == -1) {
        return -1;
    }

    y_len = playfab_jwk_bytes(jwk, "y", &point[1 + size],
                              PLAYFAB_JWK_MEMBER_MAX, err, errlen);

    if (y_len == -1) {
        return -1;
    }

    if ((size_t) x_len != size || (size_t) y_len != size) {
        return playfab_jwk_fail(err, errlen, "\"x\" and \"y\" must be %zu "
                                "bytes for %s", size, crv);
    }

    point[0] = POINT_CONVERSION_UNCOMPRESSED;

    bld = OSSL_PARAM_BLD_new();

    if (bld != NULL
        && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                           curve->group, 0)
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                            point, 1 + 2 * size))
    {
        key->pkey = playfab_jwk_fromdata("EC", bld);
    }

    OSSL_PARAM_BLD_free(bld);

    if (key->pkey == NULL) {
        return playfab_jwk_fail(err, errlen, "not a point on %s", crv);
    }

    return playfab_jwk_classify(key, err, errlen) == 0 ? 1 : -1;
}


static int
playfab_jwk_okp(const cJSON *jwk, playfab_jwk_t *key, char *err,
    size_t errlen)
{
    long            x_len;
    const char     *crv;
    unsigned char   x[PLAYFAB_JWK_MEMBER_MAX];

    if (playfab_jwk_string(jwk, "crv", &crv, err, errlen) != 1) {
        return playfab_jwk_fail(err, errlen, "\"crv\" must be a string");
    }

    if (strcmp(crv, "Ed25519") != 0) {
        return 0;
    }

    x_len = playfab_jwk_bytes(jwk, "x", x, sizeof(x), err, errlen);

    if (x_len == -1) {
        return -1;
    }

    if (x_len != 32) {
        return playfab_jwk_fail(err, errlen, "\"x\" must be 32 bytes for "
                                "Ed25519");
    }

    key->pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, x, 32);

    if (key->pkey == NULL) {
        ERR_clear_error();
        return playfab_jwk_fail(err, errlen, "not a valid Ed25519 key");
    }

    return playfab_jwk_classify(key, err, errlen) == 0 ? 1 : -1;
}


static int
playfab_jwk_oct(const cJSON *jwk, playfab_jwk_t *key, char *err,
    size_t errlen)
{
    long           k_len;
    unsigned char  k[PLAYFAB_JWK_MEMBER_MAX];

    k_len = playfab_jwk_bytes(jwk, "k", k, sizeof(k), err, errlen);

    if (k_len == -1) {
        return -1;
    }

    if (k_len < PLAYFAB_JWT_SECRET_MIN) {
        OPENSSL_cleanse(k, sizeof(k));
        return playfab_jwk_fail(err, errlen, "\"k\" must be at least %d "
                                "bytes", PLAYFAB_JWT_SECRET_MIN);
    }

    key->type = PLAYFAB_JWK_OCT;
    key->secret_len = (size_t) k_len;
    key->secret = malloc(key->secret_len);

    if (key->secret != NULL) {
        memcpy(key->secret, k, key->secret_len);
    }

    OPENSSL_cleanse(k, sizeof(k));

    if (key->secret == NULL) {
        return playfab_jwk_fail(err, errlen, "out of memory");
    }

    return 1;
}


static EVP_PKEY *
playfab_jwk_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
    EVP_PKEY      *pkey;
    OSSL_PARAM    *params;
    EVP_PKEY_CTX  *ctx;

    pkey = NULL;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);

    if (params == NULL
        || ctx == NULL
        || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        pkey = NULL;
    }

    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    ERR_clear_error();

    return pkey;
}


/*
 * The key of the token's kid, never another; a set of one key without
 * a kid serves every token; a token without kid needs a set of one.
 */

static const playfab_jwk_t *
playfab_jwk_select(const playfab_jwks_t *keys, const char *kid)
{
    size_t  i;

    for (i = 0; kid != NULL && i < keys->n; i++) {
        if (keys->keys[i].kid != NULL && strcmp(keys->keys[i].kid, kid) == 0) {
            return &keys->keys[i];
        }
    }

    if (keys->n == 1 && (kid == NULL || keys->keys[0].kid == NULL)) {
        return &keys->keys[0];
    }

    return NULL;
}


static int
playfab_jwk_usable(const playfab_jwk_t *key, int alg)
{
    const playfab_jwk_alg_t  *a;

    a = &playfab_jwk_algs[alg];

    return a->type == key->type
           && (key->alg == -1 || key->alg == alg)
           && (a->type != PLAYFAB_JWK_OCT || key->secret_len >= a->sig);
}


/* 0 if the MAC matches, -1 if not, -2 on failure */

static int
playfab_jwk_hmac(const playfab_jwk_t *key, const playfab_jwk_alg_t *a,
    const unsigned char *in, size_t len, const unsigned char *sig,
    size_t sig_len)
{
    int            rc;
    size_t         n;
    unsigned char  mac[EVP_MAX_MD_SIZE];

    if (sig_len != a->sig) {
        return -1;
    }

    if (EVP_Q_mac(NULL, "HMAC", NULL, a->md, NULL, key->secret,
                  key->secret_len, in, len, mac, sizeof(mac), &n)
        == NULL)
    {
        return -2;
    }

    rc = (n == sig_len && CRYPTO_memcmp(mac, sig, n) == 0) ? 0 : -1;

    OPENSSL_cleanse(mac, sizeof(mac));

    return rc;
}


/* RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA and Ed25519: 0, -1 or -2 */

static int
playfab_jwk_signature(const playfab_jwk_t *key, const playfab_jwk_alg_t *a,
    const unsigned char *in, size_t len, const unsigned char *sig,
    size_t sig_len)
{
    int             rc;
    long            der_len;
    size_t          want;
    EVP_MD_CTX     *ctx;
    EVP_PKEY_CTX   *pctx;
    unsigned char   der[PLAYFAB_JWK_DER_MAX];

    want = a->sig ? a->sig : (size_t) EVP_PKEY_get_size(key->pkey);

    if (sig_len != want) {
        return -1;
    }

    if (a->form == PLAYFAB_JWK_RS) {
        der_len = playfab_jwk_ecdsa_der(sig, sig_len / 2, der, sizeof(der));

        if (der_len < 0) {
            return -2;
        }

        sig = der;
        sig_len = (size_t) der_len;
    }

    ctx = EVP_MD_CTX_new();

    if (ctx == NULL) {
        return -2;
    }

    rc = -2;

    if (EVP_DigestVerifyInit_ex(ctx, &pctx, a->md, NULL, NULL, key->pkey,
                                NULL)
        == 1
        && (a->form != PLAYFAB_JWK_PSS
            || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING)
                == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
                                                    RSA_PSS_SALTLEN_DIGEST)
                   == 1)))
    {
        rc = EVP_DigestVerify(ctx, sig, sig_len, in, len) == 1 ? 0 : -1;
    }

    EVP_MD_CTX_free(ctx);

    return rc;
}


/* JWS R || S (RFC 7518 section 3.4) as a DER ECDSA-Sig-Value */

static long
playfab_jwk_ecdsa_der(const unsigned char *sig, size_t half,
    unsigned char *der, size_t size)
{
    int             n;
    BIGNUM         *r, *s;
    ECDSA_SIG      *es;
    unsigned char  *p;

    es = ECDSA_SIG_new();
    r = BN_bin2bn(sig, (int) half, NULL);
    s = BN_bin2bn(sig + half, (int) half, NULL);

    if (es == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1)
    {
        ECDSA_SIG_free(es);
        BN_free(r);
        BN_free(s);
        return -1;
    }

    n = i2d_ECDSA_SIG(es, NULL);

    if (n > 0 && (size_t) n <= size) {
        p = der;
        n = i2d_ECDSA_SIG(es, &p);

    } else {
        n = -1;
    }

    ECDSA_SIG_free(es);

    return n;
}
