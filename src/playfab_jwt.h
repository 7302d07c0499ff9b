/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * JSON Web Tokens (RFC 7519) in the JWS compact serialization (RFC 7515),
 * verified with OpenSSL 3 EVP.  Pure C (OpenSSL, cJSON), no nginx headers.
 *
 *   playfab_jwk.c   algorithms, key sets (PEM, JWKS, HMAC secret) and
 *                   signature verification
 *   playfab_jwt.c   base64url, strict JSON, the token, its claims
 *
 * At configuration time: playfab_jwks_create(), then any number of
 * playfab_jwks_add_pem() / _add_json() / _add_secret(); a policy from
 * playfab_jwt_policy_init() with the location's settings.  At request
 * time: playfab_jwt_verify(), playfab_jwt_claim(), playfab_jwt_free().
 * A key set and a policy are only read by verification: one set may
 * serve any number of verifications, policies and locations.
 *
 * Key selection.  A token with a "kid" is checked with the one key of
 * that kid, never with another; no such key: "unknown_kid" -- except in a
 * set of exactly one key that has no kid itself (a single PEM key or
 * secret), which is used for every token.  A token without "kid" is
 * checked only if the set holds exactly one key.  The key's type must
 * fit the token's "alg" (HS* an HMAC secret, RS* and PS* RSA, ES256
 * P-256, ES384 P-384, ES512 P-521, EdDSA Ed25519), the alg must be the
 * one a JWK pins with its own "alg", and an HMAC secret must be at least
 * as long as the hash ("key_mismatch" otherwise): so an HS256 token is
 * never checked with the bytes of an RSA key (algorithm confusion).
 *
 * Rejections, as playfab_error_t "code" (stable, for logs and problem
 * bodies), "field" (the header parameter or claim, or "") and "rule" (one
 * sentence for the log; never the token, a key, or a claim value other
 * than the times exp, nbf and iat, which tell clock skew from a stale
 * token):
 *
 *   too_large       longer than PLAYFAB_JWT_TOKEN_MAX bytes
 *   malformed       not three base64url segments (no padding, canonical
 *                   trailing bits), header or claims not a JSON object
 *                   (nesting deeper than PLAYFAB_JSON_MAX_DEPTH, more than
 *                   PLAYFAB_JWT_MEMBERS_MAX members, a duplicate member
 *                   name, a "\u0000"), "alg" not a string, "kid" not a
 *                   string, "exp"/"nbf"/"iat" not a finite number
 *   bad_header      "crit" present (no extension is understood), or "typ"
 *                   other than JWT, at+jwt, application/jwt or
 *                   application/at+jwt (case-insensitive)
 *   alg_not_allowed "none", an unknown alg, or one the policy does not list
 *   unknown_kid     no key selected (see above)
 *   key_mismatch    the selected key cannot verify that alg
 *   bad_signature   the signature does not verify, or has the wrong length
 *   expired         now - leeway >= exp
 *   not_yet_valid   now + leeway < nbf
 *   iat_in_future   iat > now + leeway
 *   missing_claim   "exp" absent while required, or a required claim
 *                   absent or null
 *   no_subject      the policy's subject claim ("sub" by default) absent,
 *                   not a string, empty, longer than
 *                   PLAYFAB_JWT_SUBJECT_MAX bytes or not text (invalid
 *                   UTF-8, control characters): a token must name its
 *                   caller
 *   bad_issuer      "iss" absent or not the policy's issuer (exact match),
 *                   or present and not text as the subject must be
 *   bad_audience    no "aud" (string, or array of strings) equal to one of
 *                   the policy's audiences
 *   claim_mismatch  a required claim has none of the listed values
 *   internal        out of memory, or an OpenSSL failure
 *
 * Header parameters that name keys ("jwk", "jku", "x5u", "x5c") are
 * ignored: keys come only from the configured set.
 */

#ifndef PLAYFAB_JWT_H
#define PLAYFAB_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "playfab_json.h"


#define PLAYFAB_JWT_TOKEN_MAX     8192  /* bytes of a compact token */
#define PLAYFAB_JWT_MEMBERS_MAX   256   /* members of any JSON object */
#define PLAYFAB_JWT_SECRET_MIN    32    /* bytes of an HMAC secret */
#define PLAYFAB_JWT_RSA_BITS_MIN  2048
#define PLAYFAB_JWT_SUBJECT_MAX   1024  /* bytes of "sub" (or the subject
                                           claim) and of "iss" */


typedef enum {
    PLAYFAB_JWT_HS256 = 0,
    PLAYFAB_JWT_HS384,
    PLAYFAB_JWT_HS512,
    PLAYFAB_JWT_RS256,
    PLAYFAB_JWT_RS384,
    PLAYFAB_JWT_RS512,
    PLAYFAB_JWT_PS256,
    PLAYFAB_JWT_PS384,
    PLAYFAB_JWT_PS512,
    PLAYFAB_JWT_ES256,
    PLAYFAB_JWT_ES384,
    PLAYFAB_JWT_ES512,
    PLAYFAB_JWT_EDDSA,
    PLAYFAB_JWT_NALGS
} playfab_jwt_alg_e;

#define PLAYFAB_JWT_ALG_BIT(alg)  (1u << (alg))
#define PLAYFAB_JWT_ALGS_ALL      ((1u << PLAYFAB_JWT_NALGS) - 1)


/* "HS256" ... "EdDSA" (case-sensitive) to the enum; -1 for anything
 * else, "none" included */
int playfab_jwt_alg_by_name(const char *name, size_t len);
const char *playfab_jwt_alg_name(playfab_jwt_alg_e alg);


/* --- key sets (playfab_jwk.c) ------------------------------------------ */

typedef struct playfab_jwks_s  playfab_jwks_t;

/* NULL when out of memory */
playfab_jwks_t *playfab_jwks_create(void);
void playfab_jwks_free(playfab_jwks_t *keys);

/*
 * Every add function returns -1 with a message in err (NUL-terminated,
 * truncated to errlen) on a bad key, a kid already in the set, or out of
 * memory; the set may then hold keys added before the failure and is
 * still safe to free.  kid may be NULL.
 */

/*
 * Exactly one PEM block: "PUBLIC KEY" (SubjectPublicKeyInfo), "RSA PUBLIC
 * KEY" (PKCS#1) or "CERTIFICATE" (its public key; neither its dates nor
 * its issuer are checked).  RSA of at least PLAYFAB_JWT_RSA_BITS_MIN
 * bits, EC P-256/P-384/P-521, or Ed25519.  Private keys are refused.
 * Returns 0.
 */
int playfab_jwks_add_pem(playfab_jwks_t *keys, const char *pem, size_t len,
    const char *kid, char *err, size_t errlen);

/*
 * A JWK Set {"keys":[...]} or a single JWK (RFC 7517, 7518, 8037): kty
 * "RSA" (n, e), "EC" (crv P-256/P-384/P-521; x, y of the curve's full
 * length), "OKP" (crv Ed25519; x) and "oct" (k, at least
 * PLAYFAB_JWT_SECRET_MIN bytes).  Keys whose "use" is not "sig", whose
 * "alg" is not one of ours, or whose kty or crv we do not support are
 * skipped; an RSA/EC/OKP key with a private member "d", a missing or
 * badly encoded member, an "alg" that does not fit the key, or a set
 * from which no key is usable is an error.  Returns the number of keys
 * added (at least 1).
 */
long playfab_jwks_add_json(playfab_jwks_t *keys, const char *json,
    size_t len, char *err, size_t errlen);

/*
 * An HMAC secret: the bytes of a secret file, less one final "\n" or
 * "\r\n", at least PLAYFAB_JWT_SECRET_MIN bytes.  Text that starts with
 * "-----BEGIN" is refused: a PEM key is never an HMAC secret.  Returns 0.
 */
int playfab_jwks_add_secret(playfab_jwks_t *keys, const char *secret,
    size_t len, const char *kid, char *err, size_t errlen);

size_t playfab_jwks_count(const playfab_jwks_t *keys);

/* the kid of the i-th key (0 <= i < count), in the order added; NULL
 * for a key without one */
const char *playfab_jwks_kid(const playfab_jwks_t *keys, size_t i);

/* the PLAYFAB_JWT_ALG_BIT()s of the algorithms some key in the set can
 * verify: a default for a policy that lists none */
unsigned playfab_jwks_algs(const playfab_jwks_t *keys);

/*
 * Selects the key for kid (NULL: no kid in the token) and verifies the
 * JWS signature sig over in[0..len).  Returns 0, or -1 with err set:
 * alg_not_allowed (alg out of range), unknown_kid, key_mismatch,
 * bad_signature, internal.  ES* signatures are R || S of exactly twice
 * the curve's size.
 */
int playfab_jwks_verify(const playfab_jwks_t *keys, const char *kid,
    playfab_jwt_alg_e alg, const unsigned char *in, size_t len,
    const unsigned char *sig, size_t sig_len, playfab_error_t *err);


/* --- tokens (playfab_jwt.c) -------------------------------------------- */

/* a required claim: present and, if nvalues > 0, equal to one of values
 * (a string claim byte for byte; a number numerically, "3" matches 3.0;
 * true/false as "true"/"false"; an array if any element matches) */
typedef struct {
    const char                      *name;
    const char *const               *values;
    size_t                           nvalues;
} playfab_jwt_claim_rule_t;

typedef struct {
    unsigned                         algs;         /* ALG_BITs; 0: none */
    unsigned                         leeway;       /* seconds */
    unsigned                         require_exp;  /* 1 after init */
    const char                      *issuer;       /* NULL: not checked */
    const char                      *subject;      /* the claim naming the
                                                      caller; "sub" after
                                                      init */
    const char *const               *audiences;    /* any of; */
    size_t                           naudiences;   /* 0: not checked */
    const playfab_jwt_claim_rule_t  *claims;       /* all must hold */
    size_t                           nclaims;
} playfab_jwt_policy_t;

/* the verified claims; opaque */
typedef struct playfab_jwt_s  playfab_jwt_t;

/* no algorithm allowed, no leeway, exp required, nothing else checked */
void playfab_jwt_policy_init(playfab_jwt_policy_t *policy);

/*
 * Verifies token[0..len) (the bare token: no "Bearer ", no blanks) at
 * Unix time now.  Checks, in this order: length; segments and base64url;
 * header (alg allowed, crit, typ, kid); key selection and signature;
 * claims JSON; exp, nbf, iat; iss; aud; required claims.  Returns the
 * claims, to be freed with playfab_jwt_free(), or NULL with err set.
 */
playfab_jwt_t *playfab_jwt_verify(const playfab_jwks_t *keys,
    const playfab_jwt_policy_t *policy, const char *token, size_t len,
    int64_t now, playfab_error_t *err);
void playfab_jwt_free(playfab_jwt_t *jwt);

/*
 * The claims checks of playfab_jwt_verify() again (times, iss, aud,
 * required claims) on an already verified token: a cache of verified
 * tokens calls it at each use.  0, or -1 with err set.
 */
int playfab_jwt_recheck(const playfab_jwt_t *jwt,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err);

/*
 * The text of the claim name[0..name_len): a string as it is; a number
 * as an integer when integral ("1300819380"), else in the shortest form
 * that reads back the same ("0.5"); true/false as "true"/"false"; an
 * array as its elements' texts joined with ","; an object (or an array
 * inside an array) as compact JSON.  Writes at most size bytes to buf
 * (not NUL-terminated; buf may be NULL with size 0) and returns the
 * full length.  Returns -1 if the claim is absent or null, or if its
 * text would not be valid UTF-8 free of control characters (it could
 * otherwise reach a header through proxy_set_header); -2 when out of
 * memory.
 */
long playfab_jwt_claim(const playfab_jwt_t *jwt, const char *name,
    size_t name_len, char *buf, size_t size);


/* --- shared helpers (playfab_jwt.c) ------------------------------------ */

/*
 * Strict base64url (RFC 7515 section 2): A-Z a-z 0-9 - _ only, no
 * padding, no length of 4n+1, unused trailing bits zero.  Decodes
 * in[0..len) into out[0..size) and returns the decoded length, or -1.
 */
long playfab_jwt_base64url_decode(const char *in, size_t len,
    unsigned char *out, size_t size);

/*
 * A JSON object as this code accepts one: the whole of s[0..len) but
 * blanks, nesting at most PLAYFAB_JSON_MAX_DEPTH, every object with at
 * most PLAYFAB_JWT_MEMBERS_MAX members and no name twice, no "\u0000".
 * Returns the tree (cJSON_Delete() it) or NULL.
 */
struct cJSON *playfab_jwt_json_parse(const char *s, size_t len);

#endif /* PLAYFAB_JWT_H */
