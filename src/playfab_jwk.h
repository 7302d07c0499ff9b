/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * JWS algorithms and key sets (playfab_jwk.c): keys from PEM, JWK Sets
 * and HMAC secrets, each bound to the algorithms it may verify, and the
 * verification of a signature with the key a token selects.  Pure C
 * (OpenSSL, cJSON), no nginx headers; playfab_jwt.h has the tokens.
 */

#ifndef PLAYFAB_JWK_H
#define PLAYFAB_JWK_H

#include <stddef.h>
#include <stdint.h>

#include "playfab_json.h"


#define PLAYFAB_JWT_SECRET_MIN    32    /* bytes of an HMAC secret */
#define PLAYFAB_JWT_RSA_BITS_MIN  2048


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


#endif /* PLAYFAB_JWK_H */
