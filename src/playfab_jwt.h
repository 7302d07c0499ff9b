/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * JSON Web Tokens (RFC 7519) in the JWS compact serialization (RFC 7515),
 * verified with OpenSSL 3 EVP.  Pure C (OpenSSL, cJSON), no nginx headers.
 *
 *   playfab_jwk.c   algorithms, key sets (PEM, JWKS, HMAC secret) and
 *                   signature verification (playfab_jwk.h)
 *   playfab_jwt.c   the token, its claims (this header)
 *   playfab_jose.c  base64url, strict JSON, for both
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
 *                   PLAYFAB_JOSE_MEMBERS_MAX members, a duplicate member
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
 *                   absent or null (nothing at its pointer)
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
 *
 * Claims.  A claim (a required claim, the subject claim, the claim of
 * playfab_jwt_claim()) that starts with "/" is a JSON Pointer (RFC 6901)
 * into the claims: "/realm_access/roles" is the member "roles" of the
 * member "realm_access"; in a segment "~1" is "/" and "~0" is "~"
 * ("/a~1b" is the member "a/b"); on an array, a segment of decimal
 * digits without a leading zero selects that element ("/groups/0"; such
 * digits on an object name a member; "01" is refused by
 * playfab_jwt_claim_check()); "/" alone is the member named "".
 * Anything else is one top-level member name, as it is
 * ("https://example.com/roles").  Nothing is there when a member or
 * element is absent, or the pointer goes through a value that is
 * neither an object nor an array.  A value reached inside an object is
 * read as a top-level one is: an array matches a required value if any
 * element does.
 */

#ifndef PLAYFAB_JWT_H
#define PLAYFAB_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "playfab_jwk.h"


#define PLAYFAB_JWT_TOKEN_MAX     8192  /* bytes of a compact token */
#define PLAYFAB_JWT_SUBJECT_MAX   1024  /* bytes of "sub" (or the subject
                                           claim) and of "iss" */
/* --- tokens (playfab_jwt.c) -------------------------------------------- */

/* a required claim (a name or a pointer, see above): present and, if
 * nvalues > 0, equal to one of values (a string claim byte for byte; a
 * number numerically, "3" matches 3.0; true/false as "true"/"false"; an
 * array if any element matches) */
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
    const char                      *subject;      /* the claim (name or
                                                      pointer) naming the
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
 * The time checks of playfab_jwt_verify() again (exp, nbf, iat, as the
 * token had them, with the policy's leeway and require_exp) on a token
 * it verified: a cache of verified tokens calls it at each use.  The
 * other claims checks are not repeated: the cache must hold only tokens
 * verified with the same claims policy (iss, aud, subject, rules).
 * 0, or -1 with err set.
 */
int playfab_jwt_recheck(const playfab_jwt_t *jwt,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err);

/*
 * The text of the claim claim[0..len) (a name or a pointer, see above):
 * a string as it is; a number as an integer when integral
 * ("1300819380"), else in the shortest form that reads back the same
 * ("0.5"); true/false as "true"/"false"; an array as its elements' texts
 * joined with ","; an object (or an array inside an array) as compact
 * JSON.  Writes at most size bytes to buf
 * (not NUL-terminated; buf may be NULL with size 0) and returns the
 * full length.  Returns -1 if the claim is absent or null, or if its
 * text would not be valid UTF-8 free of control characters (it could
 * otherwise reach a header through proxy_set_header); -2 when out of
 * memory.
 */
long playfab_jwt_claim(const playfab_jwt_t *jwt, const char *claim,
    size_t len, char *buf, size_t size);

/*
 * At configuration time: 0 if claim[0..len) can name a claim (any name;
 * a pointer whose every "~" is "~0" or "~1" and that has no array index
 * with a leading zero, such as "01", which RFC 6901 does not allow),
 * else -1 with a sentence in err[0..errlen).
 */
int playfab_jwt_claim_check(const char *claim, size_t len, char *err,
    size_t errlen);


#endif /* PLAYFAB_JWT_H */
