/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * "playfab_auth jwt": the caller's JSON Web Token, verified with the keys
 * and the policy of the location (src/playfab_jwt.c does the work).  Key
 * files are loaded at configuration time, so a reload picks up rotated
 * ones; a key set fetched from the studio's identity provider
 * (ngx_http_playfab_keyset.c) follows the provider by itself.  The token
 * is verified once per request, lazily: $playfab_jwt_claim_* used by
 * limit_req (PREACCESS) verifies it before the ACCESS phase does, unless
 * its keys must first be fetched, which only the ACCESS phase waits for.
 *
 * Each worker remembers the last tokens whose signature it verified, per
 * location (a bounded direct-mapped table, compared in constant time),
 * so a client reusing its token pays no RSA/ECDSA verification; exp,
 * nbf and iat are checked again at every use (the other claims checks
 * are the location's, as when the token was verified), and a token
 * verified with another generation of a fetched set is verified again.
 */

#include "ngx_http_playfab_features.h"
#include "playfab_ct.h"
#include "playfab_jwt.h"
#include "playfab_random.h"


#define NGX_HTTP_PLAYFAB_JWT_CLAIM_MAX  1024
#define NGX_HTTP_PLAYFAB_JWT_CACHE      256     /* tokens per location */
#define NGX_HTTP_PLAYFAB_JWT_SLOT_BYTES 32      /* of a token, for its slot */


/*
 * A verified token, shared by the requests that present it, with the
 * principal it names: its subject claim, and its realm (the token's
 * "iss", if any, and the location's key files), in the same allocation.
 */
typedef struct {
    playfab_jwt_t                *jwt;
    ngx_uint_t                    refs;          /* requests using it */
    unsigned                      cached:1;      /* still in the table */
    uint64_t                      gen;           /* of the fetched set */
    ngx_str_t                     subject;
    ngx_str_t                     realm;
    size_t                        len;
    u_char                        token[1];
} ngx_http_playfab_jwt_entry_t;


struct ngx_http_playfab_jwt_conf_s {
    ngx_http_playfab_jwt_entry_t **cache;       /* this worker's */
    uint64_t                      seed;          /* of its slots, random */
    playfab_jwks_t               *keys;          /* the key files' */
    ngx_http_playfab_keyset_t    *keyset;        /* or a fetched set */
    u_char                       *keyset_file;   /* where it was named */
    ngx_uint_t                    keyset_line;
    ngx_array_t                  *audiences;     /* of char * */
    ngx_array_t                  *claims;        /* of claim rules */
    ngx_int_t                     token;         /* variable index, or
                                                    NGX_CONF_UNSET: Bearer */
    playfab_jwt_policy_t          policy;
    ngx_str_t                     realm;         /* the key files, or
                                                    the fetched set */
    unsigned                      algs_set:1;
    unsigned                      leeway_set:1;
    unsigned                      subject_set:1;
};


static void ngx_http_playfab_jwt_cleanup(void *data);
static ngx_http_playfab_jwt_entry_t **ngx_http_playfab_jwt_slot(
    ngx_http_playfab_jwt_conf_t *jcf, ngx_str_t *token);
static ngx_int_t ngx_http_playfab_jwt_keys(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_http_playfab_jwt_conf_t *jcf,
    ngx_uint_t wait, playfab_jwks_t **keys, playfab_jwt_policy_t *policy,
    uint64_t *gen);
static ngx_http_playfab_jwt_entry_t *ngx_http_playfab_jwt_verified(
    ngx_http_request_t *r, ngx_http_playfab_jwt_conf_t *jcf,
    playfab_jwks_t *keys, playfab_jwt_policy_t *policy, uint64_t gen,
    ngx_str_t *token, playfab_error_t *err);
static void ngx_http_playfab_jwt_release(void *data);
static void ngx_http_playfab_jwt_drop(ngx_http_playfab_jwt_entry_t *e);
static ngx_int_t ngx_http_playfab_jwt_token(ngx_http_request_t *r,
    ngx_http_playfab_jwt_conf_t *jcf, ngx_str_t *token);
static ngx_int_t ngx_http_playfab_jwt_reject(ngx_http_request_t *r,
    playfab_error_t *err);
static ngx_int_t ngx_http_playfab_jwt_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_playfab_jwt_claim_set_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_playfab_jwt_claim_value(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, u_char *claim, size_t len);
static char *ngx_http_playfab_jwt_claim_arg(ngx_conf_t *cf,
    ngx_str_t *claim);
static char *ngx_http_playfab_jwt_key_load(ngx_conf_t *cf,
    ngx_http_playfab_jwt_conf_t *jcf, ngx_str_t *kind, ngx_str_t *path,
    ngx_str_t *kid);
static char *ngx_http_playfab_jwt_realm_add(ngx_conf_t *cf,
    ngx_http_playfab_jwt_conf_t *jcf, ngx_str_t *path);


static ngx_str_t  ngx_http_playfab_jwt_claim_prefix =
    ngx_string("playfab_jwt_claim_");


/*
 * The verification, once per request: NGX_OK with ctx->jwt set, or an
 * HTTP status with the problem set.  The claim variables call it before
 * the ACCESS phase without wait: NGX_DECLINED then says that the keys
 * must first be fetched, which the ACCESS phase calls it again with wait
 * to do (NGX_AGAIN while it waits).
 */

ngx_int_t
ngx_http_playfab_auth_jwt(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx,
    ngx_uint_t wait)
{
    uint64_t                       gen;
    ngx_str_t                      token;
    ngx_int_t                      rc;
    playfab_jwks_t                *keys;
    playfab_error_t                err;
    ngx_pool_cleanup_t            *cln;
    playfab_jwt_policy_t           policy;
    ngx_http_playfab_jwt_conf_t   *jcf;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_jwt_entry_t  *e;

    if (ctx->jwt_done) {
        return ctx->jwt_rc;
    }

    if (ctx->wait_event.timer_set) {
        return wait ? NGX_AGAIN : NGX_DECLINED;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    jcf = plcf->jwt;

    rc = ngx_http_playfab_jwt_token(r, jcf, &token);

    if (rc == NGX_DECLINED) {
        rc = ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_MISSING,
                                          "Bearer", "no bearer token");
        goto done;
    }

    if (rc != NGX_OK) {
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        goto done;
    }

    for ( ;; ) {
        rc = ngx_http_playfab_jwt_keys(r, ctx, jcf, wait, &keys, &policy,
                                       &gen);

        if (rc == NGX_DECLINED || rc == NGX_AGAIN) {
            return rc;
        }

        if (rc != NGX_OK) {
            goto done;
        }

        e = ngx_http_playfab_jwt_verified(r, jcf, keys, &policy, gen, &token,
                                          &err);

        /* a kid the fetched set lacks: the provider may have rotated */

        if (e == NULL && jcf->keyset && !ctx->jwt_kid
            && ngx_strcmp(err.code, "unknown_kid") == 0)
        {
            ctx->jwt_kid = 1;
            continue;
        }

        break;
    }

    if (e == NULL) {
        rc = ngx_http_playfab_jwt_reject(r, &err);
        goto done;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        ngx_http_playfab_jwt_drop(e);
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        goto done;
    }

    e->refs++;
    cln->handler = ngx_http_playfab_jwt_release;
    cln->data = e;

    ctx->jwt = e->jwt;

    ngx_str_set(&ctx->principal.method, "jwt");
    ctx->principal.realm = e->realm;
    ctx->principal.subject = e->subject;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: JWT of \"%V\" accepted",
                   &ctx->principal.subject);

    rc = NGX_OK;

done:

    ctx->jwt_done = 1;
    ctx->jwt_rc = rc;

    return rc;
}


/*
 * The keys and the policy to verify with: the key files', or the
 * fetched set of this moment, whose algorithms are the policy's unless
 * the location lists its own.
 */

static ngx_int_t
ngx_http_playfab_jwt_keys(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx,
    ngx_http_playfab_jwt_conf_t *jcf, ngx_uint_t wait, playfab_jwks_t **keys,
    playfab_jwt_policy_t *policy, uint64_t *gen)
{
    ngx_int_t  rc;

    *policy = jcf->policy;

    if (jcf->keyset == NULL) {
        *keys = jcf->keys;
        *gen = 0;
        return NGX_OK;
    }

    rc = ngx_http_playfab_keyset_get(r, jcf->keyset,
                                     (wait ? NGX_HTTP_PLAYFAB_KEYSET_WAIT : 0)
                                     | (ctx->jwt_kid ? NGX_HTTP_PLAYFAB_KEYSET_KID
                                                     : 0),
                                     keys);
    if (rc != NGX_OK) {
        return rc;
    }

    *gen = ngx_http_playfab_keyset_generation(jcf->keyset);

    if (!jcf->algs_set) {
        policy->algs = playfab_jwks_algs(*keys);
    }

    return NGX_OK;
}


/*
 * The verified token: from this worker's table, its times checked again
 * now, or verified and put in the table.  NULL with err on refusal.
 */

static ngx_http_playfab_jwt_entry_t *
ngx_http_playfab_jwt_verified(ngx_http_request_t *r,
    ngx_http_playfab_jwt_conf_t *jcf, playfab_jwks_t *keys,
    playfab_jwt_policy_t *policy, uint64_t gen, ngx_str_t *token,
    playfab_error_t *err)
{
    long                            sub, iss;
    u_char                         *p;
    playfab_jwt_t                  *jwt;
    ngx_http_playfab_jwt_entry_t   *e, **slot;

    slot = ngx_http_playfab_jwt_slot(jcf, token);

    e = slot ? *slot : NULL;

    /* constant time: the table holds other callers' tokens */

    if (e && e->gen == gen && e->len == token->len
        && playfab_ct_equal(e->token, token->data, token->len))
    {
        if (playfab_jwt_recheck(e->jwt, policy, (int64_t) ngx_time(), err)
            != 0)
        {
            return NULL;
        }

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: JWT signature already verified");
        return e;
    }

    jwt = playfab_jwt_verify(keys, policy, (char *) token->data, token->len,
                             (int64_t) ngx_time(), err);
    if (jwt == NULL) {
        return NULL;
    }

    /* the policy checked both claims: text, at most 1024 bytes; -1: no iss */

    sub = playfab_jwt_claim(jwt, policy->subject, ngx_strlen(policy->subject),
                            NULL, 0);
    iss = playfab_jwt_claim(jwt, "iss", 3, NULL, 0);

    if (sub <= 0 || iss < -1) {
        playfab_jwt_free(jwt);
        playfab_error_set(err, "internal", NULL, "unexpected claims");
        return NULL;
    }

    e = ngx_alloc(offsetof(ngx_http_playfab_jwt_entry_t, token) + token->len
                  + sub + (iss > 0 ? iss + 1 : 0) + jcf->realm.len,
                  r->connection->log);
    if (e == NULL) {
        playfab_jwt_free(jwt);
        playfab_error_set(err, "internal", NULL, "out of memory");
        return NULL;
    }

    e->jwt = jwt;
    e->refs = 0;
    e->cached = 0;
    e->gen = gen;
    e->len = token->len;
    p = ngx_cpymem(e->token, token->data, token->len);

    e->subject.data = p;
    e->subject.len = sub;
    p += playfab_jwt_claim(jwt, policy->subject, ngx_strlen(policy->subject),
                           (char *) p, sub);

    e->realm.data = p;

    if (iss > 0) {
        p += playfab_jwt_claim(jwt, "iss", 3, (char *) p, iss);
        *p++ = ' ';
    }

    p = ngx_cpymem(p, jcf->realm.data, jcf->realm.len);
    e->realm.len = p - e->realm.data;

    if (slot) {
        if (*slot) {
            (*slot)->cached = 0;
            ngx_http_playfab_jwt_drop(*slot);
        }

        e->cached = 1;
        *slot = e;
    }

    return e;
}


/* the token's place in this worker's table, which is made on first use */

static ngx_http_playfab_jwt_entry_t **
ngx_http_playfab_jwt_slot(ngx_http_playfab_jwt_conf_t *jcf, ngx_str_t *token)
{
    size_t  n;

    if (jcf->cache == NULL) {
        if (playfab_random_bytes((u_char *) &jcf->seed, sizeof(jcf->seed))
            != 0)
        {
            return NULL;
        }

        jcf->cache = ngx_calloc(NGX_HTTP_PLAYFAB_JWT_CACHE
                                * sizeof(ngx_http_playfab_jwt_entry_t *),
                                ngx_cycle->log);
        if (jcf->cache == NULL) {
            return NULL;
        }
    }

    /*
     * the slot of the token's last bytes, its signature's: nobody without
     * the key chooses them for a token that verifies, and a long token
     * costs no more than a short one
     */

    n = ngx_min(token->len, NGX_HTTP_PLAYFAB_JWT_SLOT_BYTES);

    return &jcf->cache[playfab_ct_slot(jcf->seed, token->data + token->len - n,
                                       n, NGX_HTTP_PLAYFAB_JWT_CACHE)];
}


static void
ngx_http_playfab_jwt_release(void *data)
{
    ngx_http_playfab_jwt_entry_t  *e = data;

    e->refs--;
    ngx_http_playfab_jwt_drop(e);
}


/* frees (and wipes) an entry no request uses and the table no longer holds */

static void
ngx_http_playfab_jwt_drop(ngx_http_playfab_jwt_entry_t *e)
{
    if (e->refs == 0 && !e->cached) {
        playfab_jwt_free(e->jwt);
        ngx_explicit_memzero(e->token, e->len);
        ngx_free(e);
    }
}


/* Authorization: Bearer, unless the location names another source */

static ngx_int_t
ngx_http_playfab_jwt_token(ngx_http_request_t *r,
    ngx_http_playfab_jwt_conf_t *jcf, ngx_str_t *token)
{
    ngx_str_t                  *auth;
    ngx_uint_t                  count;
    ngx_table_elt_t            *h;
    ngx_http_variable_value_t  *vv;

    if (jcf->token != NGX_CONF_UNSET) {
        vv = ngx_http_get_indexed_variable(r, jcf->token);

        if (vv == NULL || vv->not_found || vv->len == 0) {
            return NGX_DECLINED;
        }

        token->data = vv->data;
        token->len = vv->len;

        return NGX_OK;
    }

    h = ngx_http_playfab_header_in(r, "authorization",
                                     sizeof("authorization") - 1, &count);
    if (h == NULL || count != 1) {
        return NGX_DECLINED;
    }

    auth = &h->value;

    if (auth->len <= sizeof("Bearer ") - 1
        || ngx_strncasecmp(auth->data, (u_char *) "Bearer ",
                           sizeof("Bearer ") - 1)
           != 0)
    {
        return NGX_DECLINED;
    }

    token->data = auth->data + sizeof("Bearer ") - 1;
    token->len = auth->len - (sizeof("Bearer ") - 1);

    while (token->len && token->data[0] == ' ') {
        token->data++;
        token->len--;
    }

    return token->len ? NGX_OK : NGX_DECLINED;
}


/*
 * A bad token is 401 invalid_token; a good token that the location's
 * required claims refuse is 403 insufficient_scope; an internal failure
 * is 500.  The reason goes to the log at info level, never the token.
 */

static ngx_int_t
ngx_http_playfab_jwt_reject(ngx_http_request_t *r, playfab_error_t *err)
{
    u_char      *p;
    size_t       len;
    ngx_uint_t   forbidden;

    if (ngx_strcmp(err->code, "internal") == 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "playfab: JWT verification failed: %s", err->rule);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* a token without the always required exp is invalid, not refused */

    forbidden = ngx_strcmp(err->code, "claim_mismatch") == 0
                || (ngx_strcmp(err->code, "missing_claim") == 0
                    && ngx_strcmp(err->field, "exp") != 0);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "playfab: JWT refused: %s \"%s\": %s",
                  err->code, err->field, err->rule);

    len = sizeof("Bearer error=\"insufficient_scope\", "
                 "error_description=\"\"") + ngx_strlen(err->code);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(p, "Bearer error=\"%s\", error_description=\"%s\"%Z",
                forbidden ? "insufficient_scope" : "invalid_token",
                err->code);

    if (!forbidden) {
        return ngx_http_playfab_auth_reject(r,
                   ngx_strcmp(err->code, "malformed") == 0
                   || ngx_strcmp(err->code, "too_large") == 0
                   ? NGX_HTTP_PLAYFAB_R_MALFORMED : NGX_HTTP_PLAYFAB_R_INVALID,
                   (char *) p, err->code);
    }

    ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_AUTH,
                                   NGX_HTTP_PLAYFAB_AUTH_JWT
                                   * NGX_HTTP_PLAYFAB_M_REASONS
                                   + NGX_HTTP_PLAYFAB_R_FORBIDDEN);

    if (ngx_http_playfab_add_www_authenticate(r, (char *) p) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_playfab_problem(r, NGX_HTTP_FORBIDDEN, "forbidden",
                                    "the token's claims do not allow this");
}


/* $playfab_jwt_claim_NAME: verifies the token first if nobody did */

ngx_int_t
ngx_http_playfab_jwt_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var;

    var = ngx_http_add_variable(cf, &ngx_http_playfab_jwt_claim_prefix,
                                NGX_HTTP_VAR_PREFIX|NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_playfab_jwt_claim_variable;

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_jwt_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t  *name = (ngx_str_t *) data;

    return ngx_http_playfab_jwt_claim_value(r, v,
               name->data + ngx_http_playfab_jwt_claim_prefix.len,
               name->len - ngx_http_playfab_jwt_claim_prefix.len);
}


/* a variable of playfab_auth_jwt_claim_set: data is its claim */

static ngx_int_t
ngx_http_playfab_jwt_claim_set_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t  *claim = (ngx_str_t *) data;

    return ngx_http_playfab_jwt_claim_value(r, v, claim->data, claim->len);
}


/* the text of claim[0..len) (a name or a pointer) of the main request */

static ngx_int_t
ngx_http_playfab_jwt_claim_value(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, u_char *claim, size_t len)
{
    long                          n;
    u_char                       *p;
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_playfab_loc_conf_t  *plcf;

    v->not_found = 1;

    plcf = ngx_http_get_module_loc_conf(r->main,
                                        ngx_http_playfab_party_module);

    if (plcf->auth != NGX_HTTP_PLAYFAB_AUTH_JWT) {
        return NGX_OK;
    }

    ctx = ngx_http_playfab_get_ctx(r->main);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    /* verified once per request: the ACCESS phase reuses the outcome */

    if (ngx_http_playfab_auth_jwt(r->main, ctx, 0) != NGX_OK) {
        return NGX_OK;
    }

    n = playfab_jwt_claim(ctx->jwt, (char *) claim, len, NULL, 0);

    if (n <= 0 || n > NGX_HTTP_PLAYFAB_JWT_CLAIM_MAX) {
        return (n == -2) ? NGX_ERROR : NGX_OK;
    }

    p = ngx_pnalloc(r->pool, n);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->len = playfab_jwt_claim(ctx->jwt, (char *) claim, len, (char *) p, n);
    v->data = p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* configuration: the location's JWT settings, created on first use */

static ngx_http_playfab_jwt_conf_t *
ngx_http_playfab_jwt_conf(ngx_conf_t *cf, ngx_http_playfab_loc_conf_t *plcf)
{
    ngx_pool_cleanup_t           *cln;
    ngx_http_playfab_jwt_conf_t  *jcf;

    if (plcf->jwt) {
        return plcf->jwt;
    }

    jcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_playfab_jwt_conf_t));
    if (jcf == NULL) {
        return NULL;
    }

    jcf->keys = playfab_jwks_create();
    if (jcf->keys == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        playfab_jwks_free(jcf->keys);
        return NULL;
    }

    cln->handler = ngx_http_playfab_jwt_cleanup;
    cln->data = jcf;

    playfab_jwt_policy_init(&jcf->policy);

    jcf->token = NGX_CONF_UNSET;
    plcf->jwt = jcf;

    return jcf;
}


/* merge time: the policy points into the arrays, now complete */

char *
ngx_http_playfab_jwt_check(ngx_conf_t *cf, ngx_http_playfab_loc_conf_t *plcf)
{
    ngx_http_playfab_jwt_conf_t  *jcf;

    jcf = plcf->jwt;

    if (jcf == NULL
        || (playfab_jwks_count(jcf->keys) == 0 && jcf->keyset == NULL))
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "playfab: \"playfab_auth jwt\" requires "
                      "\"playfab_auth_jwt_key\" or "
                      "\"playfab_auth_jwt_key_request\" in %s:%ui",
                      plcf->auth_file, plcf->auth_line);
        return NGX_CONF_ERROR;
    }

    if (jcf->keyset) {

        /* one realm, one key source: a set is never mixed with files */

        if (playfab_jwks_count(jcf->keys)) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "playfab: \"playfab_auth_jwt_key_request\" in "
                          "%s:%ui cannot be combined with "
                          "\"playfab_auth_jwt_key\"",
                          jcf->keyset_file, jcf->keyset_line);
            return NGX_CONF_ERROR;
        }

        if (ngx_http_playfab_keyset_bind(cf, jcf->keyset, jcf->keyset_file,
                                         jcf->keyset_line)
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }

        jcf->realm = *ngx_http_playfab_keyset_name(jcf->keyset);

    } else if (!jcf->algs_set) {
        jcf->policy.algs = playfab_jwks_algs(jcf->keys);
    }

    if (jcf->audiences) {
        jcf->policy.audiences = jcf->audiences->elts;
        jcf->policy.naudiences = jcf->audiences->nelts;
    }

    if (jcf->claims) {
        jcf->policy.claims = jcf->claims->elts;
        jcf->policy.nclaims = jcf->claims->nelts;
    }

    return NGX_CONF_OK;
}


/*
 * the configuration goes (a reload without a master process, a worker's
 * exit): its keys, and the tokens of this worker's table, wiped; an
 * entry a request still holds goes with the request
 */

static void
ngx_http_playfab_jwt_cleanup(void *data)
{
    ngx_http_playfab_jwt_conf_t  *jcf = data;

    ngx_uint_t                     i;
    ngx_http_playfab_jwt_entry_t  *e;

    playfab_jwks_free(jcf->keys);

    if (jcf->cache == NULL) {
        return;
    }

    for (i = 0; i < NGX_HTTP_PLAYFAB_JWT_CACHE; i++) {
        e = jcf->cache[i];

        if (e) {
            e->cached = 0;
            ngx_http_playfab_jwt_drop(e);
        }
    }

    ngx_free(jcf->cache);
    jcf->cache = NULL;
}


/* playfab_auth_jwt_key pem|jwks|secret FILE [KID]; */

char *
ngx_http_playfab_jwt_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t                    *value, none;
    ngx_http_playfab_jwt_conf_t  *jcf;

    jcf = ngx_http_playfab_jwt_conf(cf, conf);
    if (jcf == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;
    ngx_str_null(&none);

    return ngx_http_playfab_jwt_key_load(cf, jcf, &value[1], &value[2],
                                         cf->args->nelts == 4 ? &value[3]
                                                              : &none);
}


static char *
ngx_http_playfab_jwt_key_load(ngx_conf_t *cf,
    ngx_http_playfab_jwt_conf_t *jcf, ngx_str_t *kind, ngx_str_t *path,
    ngx_str_t *kid)
{
    int          rc;
    char         err[160];
    ngx_str_t    text;
    ngx_uint_t   private;

    if (ngx_http_playfab_read_file(cf, path, &text, &private) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_strcmp(kind->data, "pem") == 0) {
        rc = playfab_jwks_add_pem(jcf->keys, (char *) text.data, text.len,
                                  kid->len ? (char *) kid->data : NULL,
                                  err, sizeof(err));

    } else if (ngx_strcmp(kind->data, "jwks") == 0 && kid->len == 0) {
        rc = (playfab_jwks_add_json(jcf->keys, (char *) text.data, text.len,
                                    err, sizeof(err))
              < 0) ? -1 : 0;

    } else if (ngx_strcmp(kind->data, "secret") == 0) {
        if (!private) {
            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                               "playfab: JWT secret file \"%V\" can be read "
                               "by group or others, chmod 600 it", path);
        }

        rc = playfab_jwks_add_secret(jcf->keys, (char *) text.data, text.len,
                                     kid->len ? (char *) kid->data : NULL,
                                     err, sizeof(err));

        ngx_explicit_memzero(text.data, text.len);

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: invalid key \"%V\", expected "
                           "\"pem FILE [KID]\", \"jwks FILE\" or "
                           "\"secret FILE [KID]\"", kind);
        return NGX_CONF_ERROR;
    }

    if (rc != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: JWT key file \"%V\": %s", path, err);
        return NGX_CONF_ERROR;
    }

    return ngx_http_playfab_jwt_realm_add(cf, jcf, path);
}


/* the realm of the tokens' subjects names every key file, in order */

static char *
ngx_http_playfab_jwt_realm_add(ngx_conf_t *cf,
    ngx_http_playfab_jwt_conf_t *jcf, ngx_str_t *path)
{
    size_t      len;
    u_char     *p;
    ngx_str_t   full;

    full = *path;

    if (ngx_conf_full_name(cf->cycle, &full, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    len = jcf->realm.len ? jcf->realm.len + 1 : 0;

    p = ngx_pnalloc(cf->pool, len + full.len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    if (len) {
        ngx_memcpy(p, jcf->realm.data, jcf->realm.len);
        p[len - 1] = ' ';
    }

    ngx_memcpy(p + len, full.data, full.len);

    jcf->realm.data = p;
    jcf->realm.len = len + full.len;

    return NGX_CONF_OK;
}


/* playfab_auth_jwt_key_request URI [min_age= max_age= stale= interval=
 * timeout=]; */

char *
ngx_http_playfab_jwt_key_request(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_playfab_jwt_conf_t  *jcf;

    jcf = ngx_http_playfab_jwt_conf(cf, conf);
    if (jcf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (jcf->keyset) {
        return "is duplicate";
    }

    jcf->keyset_file = cf->conf_file->file.name.data;
    jcf->keyset_line = cf->conf_file->line;

    return ngx_http_playfab_keyset_conf(cf, &jcf->keyset);
}


/* playfab_auth_jwt_algorithms ALG ...; */

char *
ngx_http_playfab_jwt_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    int                           alg;
    ngx_str_t                    *value;
    ngx_uint_t                    i;
    ngx_http_playfab_jwt_conf_t  *jcf;

    jcf = ngx_http_playfab_jwt_conf(cf, conf);
    if (jcf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (jcf->algs_set) {
        return "is duplicate";
    }

    value = cf->args->elts;
    jcf->policy.algs = 0;

    for (i = 1; i < cf->args->nelts; i++) {
        alg = playfab_jwt_alg_by_name((char *) value[i].data, value[i].len);

        if (alg < 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "playfab: unknown JWT algorithm \"%V\" "
                               "(\"none\" is never allowed)", &value[i]);
            return NGX_CONF_ERROR;
        }

        jcf->policy.algs |= PLAYFAB_JWT_ALG_BIT(alg);
    }

    jcf->algs_set = 1;

    return NGX_CONF_OK;
}


/* playfab_auth_jwt_leeway TIME; playfab_auth_jwt_issuer ISS; */

char *
ngx_http_playfab_jwt_setting(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    time_t                        t;
    ngx_str_t                    *value;
    ngx_http_playfab_jwt_conf_t  *jcf;

    jcf = ngx_http_playfab_jwt_conf(cf, conf);
    if (jcf == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    if (cmd->offset == 0) {                        /* leeway */
        if (jcf->leeway_set) {
            return "is duplicate";
        }

        t = ngx_parse_time(&value[1], 1);

        if (t == (time_t) NGX_ERROR || t > 3600) {
            return "is invalid: expected a time up to 1h";
        }

        jcf->policy.leeway = (unsigned) t;
        jcf->leeway_set = 1;

        return NGX_CONF_OK;
    }

    if (cmd->offset == 2) {                        /* subject */
        if (jcf->subject_set) {
            return "is duplicate";
        }

        if (value[1].len == 0) {
            return "is invalid: expected a claim name";
        }

        if (ngx_http_playfab_jwt_claim_arg(cf, &value[1]) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }

        jcf->policy.subject = (char *) value[1].data;
        jcf->subject_set = 1;

        return NGX_CONF_OK;
    }

    if (jcf->policy.issuer) {                      /* issuer */
        return "is duplicate";
    }

    jcf->policy.issuer = (char *) value[1].data;

    return NGX_CONF_OK;
}


/* playfab_auth_jwt_audience AUD ...; */

char *
ngx_http_playfab_jwt_audience(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char                        **aud;
    ngx_str_t                    *value;
    ngx_uint_t                    i;
    ngx_http_playfab_jwt_conf_t  *jcf;

    jcf = ngx_http_playfab_jwt_conf(cf, conf);
    if (jcf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (jcf->audiences) {
        return "is duplicate";
    }

    jcf->audiences = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                      sizeof(char *));
    if (jcf->audiences == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        aud = ngx_array_push(jcf->audiences);
        if (aud == NULL) {
            return NGX_CONF_ERROR;
        }

        *aud = (char *) value[i].data;
    }

    return NGX_CONF_OK;
}


/* playfab_auth_jwt_require CLAIM [VALUE ...]; all of them must hold */

char *
ngx_http_playfab_jwt_require(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char                        **values;
    ngx_str_t                    *value;
    ngx_uint_t                    i;
    playfab_jwt_claim_rule_t     *rule;
    ngx_http_playfab_jwt_conf_t  *jcf;

    value = cf->args->elts;

    if (ngx_http_playfab_jwt_claim_arg(cf, &value[1]) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    jcf = ngx_http_playfab_jwt_conf(cf, conf);
    if (jcf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (jcf->claims == NULL) {
        jcf->claims = ngx_array_create(cf->pool, 4,
                                       sizeof(playfab_jwt_claim_rule_t));
        if (jcf->claims == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    rule = ngx_array_push(jcf->claims);
    if (rule == NULL) {
        return NGX_CONF_ERROR;
    }

    values = ngx_palloc(cf->pool, cf->args->nelts * sizeof(char *));
    if (values == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {
        values[i - 2] = (char *) value[i].data;
    }

    rule->name = (char *) value[1].data;
    rule->values = (const char *const *) values;
    rule->nvalues = cf->args->nelts - 2;

    return NGX_CONF_OK;
}


/*
 * playfab_auth_jwt_claim_set $variable CLAIM; the claim's text, as
 * $playfab_jwt_claim_NAME gives it, for a name or a pointer.  Like map's,
 * the variable is one for all locations: defined once.
 */

char *
ngx_http_playfab_jwt_claim_set(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_str_t            *value, name, *claim;
    ngx_http_variable_t  *var;

    value = cf->args->elts;

    if (value[1].len < 2 || value[1].data[0] != '$') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: invalid variable name \"%V\", "
                           "expected \"$name\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_playfab_jwt_claim_arg(cf, &value[2]) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    claim = ngx_palloc(cf->pool, sizeof(ngx_str_t));
    if (claim == NULL) {
        return NGX_CONF_ERROR;
    }

    *claim = value[2];

    name.data = value[1].data + 1;
    name.len = value[1].len - 1;

    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_CONF_ERROR;
    }

    var->get_handler = ngx_http_playfab_jwt_claim_set_variable;
    var->data = (uintptr_t) claim;

    return NGX_CONF_OK;
}


/* a claim argument: any name, or a well-formed JSON Pointer */

static char *
ngx_http_playfab_jwt_claim_arg(ngx_conf_t *cf, ngx_str_t *claim)
{
    char  err[160];

    if (playfab_jwt_claim_check((char *) claim->data, claim->len, err,
                                sizeof(err))
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: invalid claim \"%V\": %s", claim, err);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * playfab_auth_jwt_token $variable; one variable, read through its index:
 * nginx's script engine would log its value at debug level.
 */

char *
ngx_http_playfab_jwt_token_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_str_t                    *value, name;
    ngx_http_playfab_jwt_conf_t  *jcf;

    jcf = ngx_http_playfab_jwt_conf(cf, conf);
    if (jcf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (jcf->token != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len < 2 || value[1].data[0] != '$') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: the JWT source \"%V\" must be one "
                           "variable, such as $cookie_jwt", &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data + 1;
    name.len = value[1].len - 1;

    jcf->token = ngx_http_get_variable_index(cf, &name);

    if (jcf->token == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
