/*
 * Copyright (C) ngx_http_playfab_party authors
 */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "playfab_jose.h"
#include "playfab_jwt.h"


#define PLAYFAB_JWT_NUMBER_MAX  32


/* exp, nbf and iat as verified, for playfab_jwt_recheck() */
typedef struct {
    double               exp;
    double               nbf;
    double               iat;
    unsigned             has_exp:1;
    unsigned             has_nbf:1;
    unsigned             has_iat:1;
} playfab_jwt_window_t;

struct playfab_jwt_s {
    cJSON               *claims;
    playfab_jwt_window_t window;
};

typedef struct {
    const char          *data;
    size_t               len;
} playfab_jwt_seg_t;

/* claim text: what fits in buf, the full length, and -1 or -2 */
typedef struct {
    char                *buf;
    size_t               size;
    size_t               len;
    long                 rc;
} playfab_jwt_out_t;


static int playfab_jwt_split(const char *token, size_t len,
    playfab_jwt_seg_t *seg);
static int playfab_jwt_decode(const playfab_jwt_seg_t *seg,
    unsigned char *raw, size_t size, long *dec, playfab_error_t *err);
static int playfab_jwt_header(const cJSON *header,
    const playfab_jwt_policy_t *policy, playfab_jwt_alg_e *alg,
    const char **kid, playfab_error_t *err);
static int playfab_jwt_typ(const cJSON *typ);
static int playfab_jwt_claims(const cJSON *claims,
    const playfab_jwt_policy_t *policy, int64_t now,
    playfab_jwt_window_t *window, playfab_error_t *err);
static int playfab_jwt_times(const cJSON *claims, playfab_jwt_window_t *window,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err);
static int playfab_jwt_exp(const playfab_jwt_window_t *window,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err);
static int playfab_jwt_nbf(const playfab_jwt_window_t *window,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err);
static int playfab_jwt_iat(const playfab_jwt_window_t *window,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err);
static int playfab_jwt_time(const cJSON *claims, const char *name,
    double *t, playfab_error_t *err);
static int playfab_jwt_subject(const cJSON *claims,
    const playfab_jwt_policy_t *policy, playfab_error_t *err);
static int playfab_jwt_issuer(const cJSON *claims,
    const playfab_jwt_policy_t *policy, playfab_error_t *err);
static int playfab_jwt_audience(const cJSON *claims,
    const playfab_jwt_policy_t *policy, playfab_error_t *err);
static int playfab_jwt_one_of(const cJSON *item, const char *const *values,
    size_t n);
static int playfab_jwt_rules(const cJSON *claims,
    const playfab_jwt_policy_t *policy, playfab_error_t *err);
static int playfab_jwt_matches(const cJSON *item, const char *value);
static int playfab_jwt_equal(const cJSON *item, const char *value);
static const cJSON *playfab_jwt_find(const cJSON *claims, const char *claim,
    size_t len);
static const cJSON *playfab_jwt_member(const cJSON *obj, const char *name,
    size_t len);
static int playfab_jwt_segment_is(const char *seg, size_t len,
    const char *name);
static const cJSON *playfab_jwt_element(const cJSON *array, const char *seg,
    size_t len);
static int playfab_jwt_index(const char *seg, size_t len);
static int playfab_jwt_digits(const char *s, size_t len);
static void playfab_jwt_text(playfab_jwt_out_t *out, const cJSON *item);
static void playfab_jwt_put(playfab_jwt_out_t *out, const char *s,
    size_t len);
static size_t playfab_jwt_number(double d, char *buf, size_t size);


static const char  *playfab_jwt_segments[] = {
    "header", "payload", "signature"
};

/* "typ" values accepted, compared case-insensitively (RFC 7515 4.1.9) */
static const char  *playfab_jwt_types[] = {
    "JWT", "application/jwt", "at+jwt", "application/at+jwt"
};

#define playfab_jwt_nelts(a)  (sizeof(a) / sizeof((a)[0]))


void
playfab_jwt_policy_init(playfab_jwt_policy_t *policy)
{
    memset(policy, 0, sizeof(playfab_jwt_policy_t));

    policy->require_exp = 1;
    policy->subject = "sub";
}


playfab_jwt_t *
playfab_jwt_verify(const playfab_jwks_t *keys,
    const playfab_jwt_policy_t *policy, const char *token, size_t len,
    int64_t now, playfab_error_t *err)
{
    int                 rc;
    long                dec[3];
    cJSON              *header, *claims;
    const char         *kid;
    playfab_jwt_t      *jwt;
    unsigned char      *sig;
    playfab_jwt_seg_t   seg[3];
    playfab_jwt_alg_e   alg;
    playfab_jwt_window_t window;
    unsigned char       raw[PLAYFAB_JWT_TOKEN_MAX];

    if (len > PLAYFAB_JWT_TOKEN_MAX) {
        playfab_error_set(err, "too_large", "", "a token is at most %d bytes",
                          PLAYFAB_JWT_TOKEN_MAX);
        return NULL;
    }

    if (token == NULL || playfab_jwt_split(token, len, seg) != 0) {
        playfab_error_set(err, "malformed", "", "a token is three segments "
                          "joined by \".\"");
        return NULL;
    }

    if (playfab_jwt_decode(seg, raw, sizeof(raw), dec, err) != 0) {
        return NULL;
    }

    header = playfab_jose_json_parse((char *) raw, (size_t) dec[0]);

    if (header == NULL) {
        playfab_error_set(err, "malformed", "header", "the header is not a "
                          "JSON object of the accepted shape");
        return NULL;
    }

    rc = playfab_jwt_header(header, policy, &alg, &kid, err);

    if (rc == 0) {
        sig = &raw[dec[0] + dec[1]];
        rc = playfab_jwks_verify(keys, kid, alg, (const unsigned char *) token,
                                 (size_t) (seg[2].data - 1 - token), sig,
                                 (size_t) dec[2], err);
    }

    cJSON_Delete(header);

    if (rc != 0) {
        return NULL;
    }

    claims = playfab_jose_json_parse((char *) &raw[dec[0]], (size_t) dec[1]);

    if (claims == NULL) {
        playfab_error_set(err, "malformed", "payload", "the claims are not a "
                          "JSON object of the accepted shape");
        return NULL;
    }

    if (playfab_jwt_claims(claims, policy, now, &window, err) != 0) {
        cJSON_Delete(claims);
        return NULL;
    }

    jwt = malloc(sizeof(playfab_jwt_t));

    if (jwt == NULL) {
        cJSON_Delete(claims);
        playfab_error_set(err, "internal", "", "out of memory");
        return NULL;
    }

    jwt->claims = claims;
    jwt->window = window;

    return jwt;
}


int
playfab_jwt_recheck(const playfab_jwt_t *jwt,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err)
{
    if (playfab_jwt_exp(&jwt->window, policy, now, err) != 0
        || playfab_jwt_nbf(&jwt->window, policy, now, err) != 0
        || playfab_jwt_iat(&jwt->window, policy, now, err) != 0)
    {
        return -1;
    }

    return 0;
}


void
playfab_jwt_free(playfab_jwt_t *jwt)
{
    if (jwt == NULL) {
        return;
    }

    cJSON_Delete(jwt->claims);
    free(jwt);
}


int
playfab_jwt_claim_check(const char *claim, size_t len, char *err,
    size_t errlen)
{
    size_t  i, start;

    if (len == 0 || claim[0] != '/') {
        return 0;
    }

    start = 1;

    for (i = 1; i <= len; i++) {

        if (i < len && claim[i] == '~'
            && (i + 1 == len || (claim[i + 1] != '0' && claim[i + 1] != '1')))
        {
            snprintf(err, errlen, "in a claim pointer \"~\" must be followed "
                     "by 0 or 1 (\"~0\" is \"~\", \"~1\" is \"/\")");
            return -1;
        }

        if (i < len && claim[i] != '/') {
            continue;
        }

        /* the segment claim[start..i) */

        if (i - start > 1 && claim[start] == '0'
            && playfab_jwt_digits(&claim[start], i - start))
        {
            snprintf(err, errlen, "the array index \"%.*s\" of a claim "
                     "pointer has a leading zero", (int) (i - start),
                     &claim[start]);
            return -1;
        }

        start = i + 1;
    }

    return 0;
}


long
playfab_jwt_claim(const playfab_jwt_t *jwt, const char *claim, size_t len,
    char *buf, size_t size)
{
    const cJSON        *item, *el;
    playfab_jwt_out_t   out;

    item = playfab_jwt_find(jwt->claims, claim, len);

    if (item == NULL || cJSON_IsNull(item)) {
        return -1;
    }

    out.buf = buf;
    out.size = buf ? size : 0;
    out.len = 0;
    out.rc = 0;

    if (cJSON_IsArray(item)) {
        cJSON_ArrayForEach(el, item) {
            if (el != item->child) {
                playfab_jwt_put(&out, ",", 1);
            }

            playfab_jwt_text(&out, el);
        }

    } else {
        playfab_jwt_text(&out, item);
    }

    return out.rc ? out.rc : (long) out.len;
}


/* exactly three segments, possibly empty */

static int
playfab_jwt_split(const char *token, size_t len, playfab_jwt_seg_t *seg)
{
    size_t  i, n, start;

    n = 0;
    start = 0;

    for (i = 0; i <= len; i++) {
        if (i < len && token[i] != '.') {
            continue;
        }

        if (n == 3) {
            return -1;
        }

        seg[n].data = &token[start];
        seg[n].len = i - start;
        n++;

        start = i + 1;
    }

    return (n == 3) ? 0 : -1;
}


/* all three segments, one after another into raw; dec[] their lengths */

static int
playfab_jwt_decode(const playfab_jwt_seg_t *seg, unsigned char *raw,
    size_t size, long *dec, playfab_error_t *err)
{
    size_t  i, off;

    off = 0;

    for (i = 0; i < 3; i++) {
        dec[i] = playfab_jose_base64url_decode(seg[i].data, seg[i].len,
                                              &raw[off], size - off);

        if (dec[i] < 0) {
            playfab_error_set(err, "malformed", playfab_jwt_segments[i],
                              "the %s is not base64url",
                              playfab_jwt_segments[i]);
            return -1;
        }

        off += (size_t) dec[i];
    }

    return 0;
}


static int
playfab_jwt_header(const cJSON *header, const playfab_jwt_policy_t *policy,
    playfab_jwt_alg_e *alg, const char **kid, playfab_error_t *err)
{
    int           a;
    const char   *name;
    const cJSON  *item;

    item = cJSON_GetObjectItemCaseSensitive(header, "alg");

    if (!cJSON_IsString(item)) {
        playfab_error_set(err, "malformed", "alg", "the header has no "
                          "\"alg\" string");
        return -1;
    }

    name = item->valuestring;
    a = playfab_jwt_alg_by_name(name, strlen(name));

    if (a == -1) {
        playfab_error_set(err, "alg_not_allowed", "alg",
                          strcasecmp(name, "none") == 0
                          ? "an unsecured token (alg \"none\") is never "
                            "accepted"
                          : "the alg is not supported");
        return -1;
    }

    *alg = (playfab_jwt_alg_e) a;

    if ((policy->algs & PLAYFAB_JWT_ALG_BIT(a)) == 0) {
        playfab_error_set(err, "alg_not_allowed", "alg", "%s is not allowed "
                          "here", playfab_jwt_alg_name(*alg));
        return -1;
    }

    if (cJSON_GetObjectItemCaseSensitive(header, "crit") != NULL) {
        playfab_error_set(err, "bad_header", "crit", "no critical header "
                          "extension is supported");
        return -1;
    }

    item = cJSON_GetObjectItemCaseSensitive(header, "typ");

    if (item != NULL && !playfab_jwt_typ(item)) {
        playfab_error_set(err, "bad_header", "typ", "\"typ\" must be JWT or "
                          "at+jwt");
        return -1;
    }

    item = cJSON_GetObjectItemCaseSensitive(header, "kid");

    if (item != NULL && !cJSON_IsString(item)) {
        playfab_error_set(err, "malformed", "kid", "\"kid\" must be a "
                          "string");
        return -1;
    }

    *kid = item ? item->valuestring : NULL;

    return 0;
}


static int
playfab_jwt_typ(const cJSON *typ)
{
    size_t  i;

    if (!cJSON_IsString(typ)) {
        return 0;
    }

    for (i = 0; i < playfab_jwt_nelts(playfab_jwt_types); i++) {
        if (strcasecmp(typ->valuestring, playfab_jwt_types[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
playfab_jwt_claims(const cJSON *claims, const playfab_jwt_policy_t *policy,
    int64_t now, playfab_jwt_window_t *window, playfab_error_t *err)
{
    if (playfab_jwt_times(claims, window, policy, now, err) != 0
        || playfab_jwt_subject(claims, policy, err) != 0
        || playfab_jwt_issuer(claims, policy, err) != 0
        || playfab_jwt_audience(claims, policy, err) != 0
        || playfab_jwt_rules(claims, policy, err) != 0)
    {
        return -1;
    }

    return 0;
}


/*
 * exp, nbf and iat, each read (a number if present) and checked in turn,
 * into window for playfab_jwt_recheck(); 0, or -1 and err
 */

static int
playfab_jwt_times(const cJSON *claims, playfab_jwt_window_t *window,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err)
{
    int  rc;

    rc = playfab_jwt_time(claims, "exp", &window->exp, err);
    window->has_exp = (rc == 1);

    if (rc == -1 || playfab_jwt_exp(window, policy, now, err) != 0) {
        return -1;
    }

    rc = playfab_jwt_time(claims, "nbf", &window->nbf, err);
    window->has_nbf = (rc == 1);

    if (rc == -1 || playfab_jwt_nbf(window, policy, now, err) != 0) {
        return -1;
    }

    rc = playfab_jwt_time(claims, "iat", &window->iat, err);
    window->has_iat = (rc == 1);

    if (rc == -1 || playfab_jwt_iat(window, policy, now, err) != 0) {
        return -1;
    }

    return 0;
}


/*
 * RFC 7519: now must be before exp, not before nbf; iat not in the
 * future.  The leeway widens each window; fractions of seconds count.
 */

static int
playfab_jwt_exp(const playfab_jwt_window_t *window,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err)
{
    if (!window->has_exp && policy->require_exp) {
        playfab_error_set(err, "missing_claim", "exp", "the token has no "
                          "expiry time");
        return -1;
    }

    if (window->has_exp && (double) now - policy->leeway >= window->exp) {
        playfab_error_set(err, "expired", "exp", "the token expired at %.0f, "
                          "now is %lld, leeway %us", window->exp,
                          (long long) now, policy->leeway);
        return -1;
    }

    return 0;
}


static int
playfab_jwt_nbf(const playfab_jwt_window_t *window,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err)
{
    if (window->has_nbf && (double) now + policy->leeway < window->nbf) {
        playfab_error_set(err, "not_yet_valid", "nbf", "the token is valid "
                          "from %.0f, now is %lld, leeway %us", window->nbf,
                          (long long) now, policy->leeway);
        return -1;
    }

    return 0;
}


static int
playfab_jwt_iat(const playfab_jwt_window_t *window,
    const playfab_jwt_policy_t *policy, int64_t now, playfab_error_t *err)
{
    if (window->has_iat && window->iat > (double) now + policy->leeway) {
        playfab_error_set(err, "iat_in_future", "iat", "the token was issued "
                          "at %.0f, after now %lld, leeway %us", window->iat,
                          (long long) now, policy->leeway);
        return -1;
    }

    return 0;
}


/* 1 and *t, 0 if absent, -1 and err if not a finite number */

static int
playfab_jwt_time(const cJSON *claims, const char *name, double *t,
    playfab_error_t *err)
{
    const cJSON  *item;

    item = cJSON_GetObjectItemCaseSensitive(claims, name);

    if (item == NULL) {
        return 0;
    }

    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble)) {
        playfab_error_set(err, "malformed", name, "\"%s\" must be a number",
                          name);
        return -1;
    }

    *t = item->valuedouble;

    return 1;
}


/*
 * The caller's name: one string, so that an array ["a","b"] and the
 * string "a,b" never name the same caller.
 */

static int
playfab_jwt_subject(const cJSON *claims, const playfab_jwt_policy_t *policy,
    playfab_error_t *err)
{
    size_t        len;
    const cJSON  *sub;

    sub = playfab_jwt_find(claims, policy->subject, strlen(policy->subject));
    len = cJSON_IsString(sub) ? strlen(sub->valuestring) : 0;

    if (len == 0 || len > PLAYFAB_JWT_SUBJECT_MAX
        || !playfab_json_text_valid(sub->valuestring, len))
    {
        playfab_error_set(err, "no_subject", policy->subject, "the claim "
                          "naming the caller must be a string of 1 to %d "
                          "bytes of text", PLAYFAB_JWT_SUBJECT_MAX);
        return -1;
    }

    return 0;
}


/* "iss" is part of the caller's realm: text when present, like "sub" */

static int
playfab_jwt_issuer(const cJSON *claims, const playfab_jwt_policy_t *policy,
    playfab_error_t *err)
{
    size_t        len;
    const cJSON  *iss;

    iss = cJSON_GetObjectItemCaseSensitive(claims, "iss");

    if (iss != NULL) {
        len = cJSON_IsString(iss) ? strlen(iss->valuestring) : 0;

        if (len == 0 || len > PLAYFAB_JWT_SUBJECT_MAX
            || !playfab_json_text_valid(iss->valuestring, len))
        {
            playfab_error_set(err, "bad_issuer", "iss", "the issuer must be "
                              "a string of 1 to %d bytes of text",
                              PLAYFAB_JWT_SUBJECT_MAX);
            return -1;
        }
    }

    if (policy->issuer == NULL) {
        return 0;
    }

    if (!playfab_jwt_one_of(iss, &policy->issuer, 1)) {
        playfab_error_set(err, "bad_issuer", "iss", "the token's issuer is "
                          "not the one expected");
        return -1;
    }

    return 0;
}


static int
playfab_jwt_audience(const cJSON *claims, const playfab_jwt_policy_t *policy,
    playfab_error_t *err)
{
    const cJSON  *aud, *el;

    if (policy->naudiences == 0) {
        return 0;
    }

    aud = cJSON_GetObjectItemCaseSensitive(claims, "aud");

    if (cJSON_IsArray(aud)) {
        cJSON_ArrayForEach(el, aud) {
            if (playfab_jwt_one_of(el, policy->audiences,
                                   policy->naudiences))
            {
                return 0;
            }
        }

    } else if (playfab_jwt_one_of(aud, policy->audiences,
                                  policy->naudiences))
    {
        return 0;
    }

    playfab_error_set(err, "bad_audience", "aud", "no audience of the token "
                      "is accepted here");
    return -1;
}


/* item is a string equal to one of values[0..n) */

static int
playfab_jwt_one_of(const cJSON *item, const char *const *values, size_t n)
{
    size_t  i;

    if (!cJSON_IsString(item)) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (strcmp(item->valuestring, values[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
playfab_jwt_rules(const cJSON *claims, const playfab_jwt_policy_t *policy,
    playfab_error_t *err)
{
    size_t                           i, j;
    const cJSON                     *item;
    const playfab_jwt_claim_rule_t  *rule;

    for (i = 0; i < policy->nclaims; i++) {
        rule = &policy->claims[i];
        item = playfab_jwt_find(claims, rule->name, strlen(rule->name));

        if (item == NULL || cJSON_IsNull(item)) {
            playfab_error_set(err, "missing_claim", rule->name, "a required "
                              "claim is missing");
            return -1;
        }

        for (j = 0; j < rule->nvalues; j++) {
            if (playfab_jwt_matches(item, rule->values[j])) {
                break;
            }
        }

        if (rule->nvalues > 0 && j == rule->nvalues) {
            playfab_error_set(err, "claim_mismatch", rule->name, "the claim "
                              "has none of the required values");
            return -1;
        }
    }

    return 0;
}


/* the claim, or an element of an array claim, equals value */

static int
playfab_jwt_matches(const cJSON *item, const char *value)
{
    const cJSON  *el;

    if (!cJSON_IsArray(item)) {
        return playfab_jwt_equal(item, value);
    }

    cJSON_ArrayForEach(el, item) {
        if (playfab_jwt_equal(el, value)) {
            return 1;
        }
    }

    return 0;
}


/* a scalar claim equal to a configured value */

static int
playfab_jwt_equal(const cJSON *item, const char *value)
{
    char    *end;
    double   d;

    if (cJSON_IsString(item)) {
        return strcmp(item->valuestring, value) == 0;
    }

    if (cJSON_IsBool(item)) {
        return strcmp(value, cJSON_IsTrue(item) ? "true" : "false") == 0;
    }

    /* a decimal number only: no blanks, hexadecimal, inf or nan */

    if (!cJSON_IsNumber(item)
        || (value[0] != '-' && (value[0] < '0' || value[0] > '9'))
        || value[strspn(value, "0123456789+-.eE")] != '\0')
    {
        return 0;
    }

    d = strtod(value, &end);

    return *end == '\0' && d == item->valuedouble;
}


/*
 * What claim[0..len) names: a top-level member, or what a JSON Pointer
 * (RFC 6901) reaches.  NULL if nothing is there, if the pointer goes
 * through a value that is neither an object nor an array, or if it is
 * malformed (playfab_jwt_claim_check() refuses it before).
 */

static const cJSON *
playfab_jwt_find(const cJSON *claims, const char *claim, size_t len)
{
    size_t        i, end;
    const cJSON  *item, *el;

    if (len == 0 || claim[0] != '/') {
        return playfab_jwt_member(claims, claim, len);
    }

    item = claims;

    for (i = 1; /* void */ ; i = end + 1) {

        for (end = i; end < len && claim[end] != '/'; end++) {
            /* void */
        }

        if (cJSON_IsArray(item)) {
            item = playfab_jwt_element(item, &claim[i], end - i);

        } else if (cJSON_IsObject(item)) {
            el = NULL;

            cJSON_ArrayForEach(el, item) {
                if (playfab_jwt_segment_is(&claim[i], end - i, el->string)) {
                    break;
                }
            }

            item = el;

        } else {
            return NULL;
        }

        if (item == NULL || end == len) {
            return item;
        }
    }
}


static const cJSON *
playfab_jwt_member(const cJSON *obj, const char *name, size_t len)
{
    const cJSON  *item;

    cJSON_ArrayForEach(item, obj) {
        if (strlen(item->string) == len && memcmp(item->string, name, len) == 0)
        {
            return item;
        }
    }

    return NULL;
}


/* a pointer's segment seg[0..len), "~1" read as "/" and "~0" as "~", is
 * the member name */

static int
playfab_jwt_segment_is(const char *seg, size_t len, const char *name)
{
    char    c;
    size_t  i;

    for (i = 0; i < len; i++, name++) {
        c = seg[i];

        if (c == '~') {
            if (i + 1 == len || (seg[i + 1] != '0' && seg[i + 1] != '1')) {
                return 0;
            }

            c = (seg[++i] == '0') ? '~' : '/';
        }

        if (*name == '\0' || *name != c) {
            return 0;
        }
    }

    return *name == '\0';
}


/* the element of an array that a segment of decimal digits selects */

static const cJSON *
playfab_jwt_element(const cJSON *array, const char *seg, size_t len)
{
    int  n;

    n = playfab_jwt_index(seg, len);

    return (n < 0) ? NULL : cJSON_GetArrayItem(array, n);
}


/*
 * RFC 6901 array-index: "0", or digits without a leading zero; -1 for
 * anything else ("-", the element past the last, included).  A token of
 * PLAYFAB_JWT_TOKEN_MAX bytes has far fewer than 10^9 elements.
 */

static int
playfab_jwt_index(const char *seg, size_t len)
{
    int     n;
    size_t  i;

    if (len == 0 || len > 9 || (len > 1 && seg[0] == '0')
        || !playfab_jwt_digits(seg, len))
    {
        return -1;
    }

    n = 0;

    for (i = 0; i < len; i++) {
        n = n * 10 + (seg[i] - '0');
    }

    return n;
}


static int
playfab_jwt_digits(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }

    return 1;
}


static void
playfab_jwt_text(playfab_jwt_out_t *out, const cJSON *item)
{
    char    *json;
    size_t   n;
    char     num[PLAYFAB_JWT_NUMBER_MAX];

    if (cJSON_IsString(item)) {
        playfab_jwt_put(out, item->valuestring, strlen(item->valuestring));

    } else if (cJSON_IsNumber(item)) {
        n = playfab_jwt_number(item->valuedouble, num, sizeof(num));
        playfab_jwt_put(out, num, n);

    } else if (cJSON_IsBool(item)) {
        playfab_jwt_put(out, cJSON_IsTrue(item) ? "true" : "false",
                        cJSON_IsTrue(item) ? 4 : 5);

    } else {
        json = cJSON_PrintUnformatted(item);

        if (json == NULL) {
            out->rc = -2;
            return;
        }

        playfab_jwt_put(out, json, strlen(json));
        cJSON_free(json);
    }
}


static void
playfab_jwt_put(playfab_jwt_out_t *out, const char *s, size_t len)
{
    size_t  n;

    if (!playfab_json_text_valid(s, len)) {
        if (out->rc == 0) {
            out->rc = -1;
        }

        return;
    }

    if (out->len < out->size) {
        n = out->size - out->len;
        memcpy(&out->buf[out->len], s, len < n ? len : n);
    }

    out->len += len;
}


/* an integer when integral, else the shortest %g that reads back */

static size_t
playfab_jwt_number(double d, char *buf, size_t size)
{
    int  n, prec;

    if (d > -1e18 && d < 1e18 && d == (double) (int64_t) d) {
        n = snprintf(buf, size, "%" PRId64, (int64_t) d);
        return (size_t) n;
    }

    for (prec = 15; ; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);

        if (prec == 17 || strtod(buf, NULL) == d) {
            return (size_t) n;
        }
    }
}


