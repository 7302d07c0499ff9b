/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * "playfab_auth_jwt_key_request": the JWK Set of an identity provider,
 * fetched with a subrequest to a location of the studio's (TLS,
 * timeouts, resolver and keepalive are nginx's own), kept in the shared
 * zone for all workers (ngx_http_playfab_keystore.c) and parsed by each
 * worker once per change with the same pure-C parser as key files.
 *
 * A request that finds no usable set starts the one fetch of the node,
 * in the background, or waits for the one under way, both at most the
 * source's timeout: then it verifies, or answers 503 (the caller's token
 * may be fine).  A set is refreshed in the background after three
 * quarters of its lifetime, while it keeps serving; a token whose kid
 * the set lacks may ask for a refresh once an interval, and waits for it.
 */

#include "ngx_http_playfab_features.h"
#include "playfab_jwt.h"


#define NGX_HTTP_PLAYFAB_KIDS_LOG  512     /* bytes of kids in the log */


struct ngx_http_playfab_keyset_s {
    ngx_str_t                     uri;
    ngx_str_t                     name;          /* the zone's key, and
                                                    the tokens' realm */
    time_t                        min_age;
    time_t                        max_age;
    time_t                        stale;
    ngx_http_playfab_keys_lease_t lease;
    void                         *server;        /* where uri resolves */

    /* this worker's parsed set, of the zone's generation gen */
    playfab_jwks_t               *keys;
    uint64_t                      gen;
};


static ngx_int_t ngx_http_playfab_keyset_parse(ngx_http_request_t *r,
    ngx_http_playfab_keyset_t *ks, ngx_str_t *json, uint64_t gen);
static ngx_int_t ngx_http_playfab_keyset_wait(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_http_playfab_keyset_t *ks,
    ngx_uint_t flags, playfab_jwks_t **keys);
static ngx_int_t ngx_http_playfab_keyset_unavailable(ngx_http_request_t *r,
    ngx_http_playfab_keyset_t *ks, const char *why);
static void ngx_http_playfab_keyset_fetched(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call);
static u_char *ngx_http_playfab_keyset_kids(u_char *p, u_char *last,
    playfab_jwks_t *keys);
static void ngx_http_playfab_keyset_cleanup(void *data);


/*
 * The source's set for r: NGX_OK with *keys; NGX_AGAIN when r waits (a
 * timer runs r->write_event_handler); NGX_DECLINED when it would have
 * to wait and flags lack NGX_HTTP_PLAYFAB_KEYSET_WAIT; else an HTTP
 * status with the problem set.  NGX_HTTP_PLAYFAB_KEYSET_KID: the token's
 * kid is not in the set *keys was, ask for a refresh.
 */

ngx_int_t
ngx_http_playfab_keyset_get(ngx_http_request_t *r,
    ngx_http_playfab_keyset_t *ks, ngx_uint_t flags, playfab_jwks_t **keys)
{
    uint64_t                       gen;
    ngx_str_t                      json;
    ngx_uint_t                     mode;
    ngx_http_playfab_ctx_t        *ctx;
    ngx_http_playfab_keys_e        rc;
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    ctx = ngx_http_playfab_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->keys_waiting) {
        mode = NGX_HTTP_PLAYFAB_KEYS_AWAIT;

    } else if (flags & NGX_HTTP_PLAYFAB_KEYSET_KID) {
        mode = NGX_HTTP_PLAYFAB_KEYS_KID;

    } else {
        mode = NGX_HTTP_PLAYFAB_KEYS_SCHEDULED;
    }

    gen = ks->gen;

    rc = ngx_http_playfab_keys_acquire(pmcf->shm_zone, &ks->name, mode,
                                       &ks->lease, r->pool, &json, &gen);

    if (json.len
        && ngx_http_playfab_keyset_parse(r, ks, &json, gen) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *keys = ks->keys;

    switch (rc) {

    case NGX_HTTP_PLAYFAB_KEYS_USE:
        return NGX_OK;

    case NGX_HTTP_PLAYFAB_KEYS_REFRESH:
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: JWK Set \"%V\" due, background refresh",
                       &ks->name);

        if (ctx->keys_call.active
            || ngx_http_playfab_api_fetch(r, &ctx->keys_call, &ks->uri,
                                          ngx_http_playfab_keyset_fetched,
                                          ks)
               != NGX_AGAIN)
        {
            (void) ngx_http_playfab_keys_release(pmcf->shm_zone, &ks->name,
                                                 &ks->lease);
        }

        return NGX_OK;

    case NGX_HTTP_PLAYFAB_KEYS_FETCH:
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: JWK Set \"%V\" fetched for %s", &ks->name,
                       mode == NGX_HTTP_PLAYFAB_KEYS_KID ? "an unknown kid"
                                                         : "lack of a set");

        /* r's own fetch, if it outlived its lease, keeps the new one */

        if (!ctx->keys_call.active
            && ngx_http_playfab_api_fetch(r, &ctx->keys_call, &ks->uri,
                                          ngx_http_playfab_keyset_fetched,
                                          ks)
               != NGX_AGAIN)
        {
            (void) ngx_http_playfab_keys_release(pmcf->shm_zone, &ks->name,
                                                 &ks->lease);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        /* fall through */

    case NGX_HTTP_PLAYFAB_KEYS_WAIT:
        return ngx_http_playfab_keyset_wait(r, ctx, ks, flags, keys);

    case NGX_HTTP_PLAYFAB_KEYS_FAILED:
        return ngx_http_playfab_keyset_unavailable(r, ks,
                                                   "the last fetch failed "
                                                   "less than a second ago");

    default: /* NGX_HTTP_PLAYFAB_KEYS_ERROR */
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}


/* a set of the zone that this worker has not parsed yet */

static ngx_int_t
ngx_http_playfab_keyset_parse(ngx_http_request_t *r,
    ngx_http_playfab_keyset_t *ks, ngx_str_t *json, uint64_t gen)
{
    char             err[160];
    playfab_jwks_t  *keys;

    keys = playfab_jwks_create();
    if (keys == NULL) {
        return NGX_ERROR;
    }

    if (playfab_jwks_add_json(keys, (char *) json->data, json->len, err,
                              sizeof(err))
        < 0)
    {
        /* the fetching worker parsed it before storing it */
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "playfab: JWK Set \"%V\" of the zone: %s",
                      &ks->name, err);
        playfab_jwks_free(keys);
        return NGX_ERROR;
    }

    playfab_jwks_free(ks->keys);
    ks->keys = keys;
    ks->gen = gen;

    return NGX_OK;
}


/*
 * Another request's fetch, or r's own, is under way: r looks again in a
 * moment, up to the source's timeout; then it has the set it had (the
 * token's unknown kid is refused) or none (503).
 */

static ngx_int_t
ngx_http_playfab_keyset_wait(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_http_playfab_keyset_t *ks,
    ngx_uint_t flags, playfab_jwks_t **keys)
{
    if (!ctx->keys_waiting) {
        ctx->keys_waiting = 1;
        ctx->keys_deadline = ngx_current_msec + ks->lease.timeout;
    }

    if (!(flags & NGX_HTTP_PLAYFAB_KEYSET_WAIT)) {
        return NGX_DECLINED;
    }

    if ((ngx_msec_int_t) (ngx_current_msec - ctx->keys_deadline) < 0) {
        return ngx_http_playfab_poll(r, ctx);
    }

    if (*keys) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "playfab: JWK Set \"%V\" not refreshed in %M ms",
                      &ks->name, ks->lease.timeout);
        return NGX_OK;
    }

    return ngx_http_playfab_keyset_unavailable(r, ks, "no fetch succeeded "
                                               "in time");
}


static ngx_int_t
ngx_http_playfab_keyset_unavailable(ngx_http_request_t *r,
    ngx_http_playfab_keyset_t *ks, const char *why)
{
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "playfab: no JWK Set \"%V\" to verify the token: %s",
                  &ks->name, why);

    return ngx_http_playfab_problem(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                    "jwks_unavailable",
                                    "the identity provider's keys could not "
                                    "be obtained; retry shortly");
}


/*
 * The fetch is over, maybe after r was answered: a set that parses is
 * stored for all workers, with the lifetime its Cache-Control gives
 * within the source's bounds; else the lease is released and the last
 * good set, if any, keeps serving.
 */

static void
ngx_http_playfab_keyset_fetched(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call)
{
    char                           err[160];
    long                           n;
    u_char                        *p, kids[NGX_HTTP_PLAYFAB_KIDS_LOG];
    time_t                         lifetime, left;
    uint64_t                       gen;
    ngx_str_t                      json;
    playfab_jwks_t                *keys;
    ngx_http_playfab_keyset_t     *ks;
    ngx_http_playfab_main_conf_t  *pmcf;

    ks = call->data;
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    keys = NULL;

    if (call->status == 0) {
        ngx_snprintf((u_char *) err, sizeof(err), "%s%Z",
                     call->rc == NGX_HTTP_GATEWAY_TIME_OUT
                     ? "the provider did not answer in time"
                     : "the provider could not be reached");

    } else if (call->status != NGX_HTTP_OK) {
        ngx_snprintf((u_char *) err, sizeof(err), "HTTP %ui%Z",
                     call->status);

    } else if (call->oversize || call->rc != NGX_OK) {
        ngx_snprintf((u_char *) err, sizeof(err), "the reply was cut or "
                     "larger than subrequest_output_buffer_size%Z");

    } else {
        keys = playfab_jwks_create();

        if (keys == NULL) {
            ngx_snprintf((u_char *) err, sizeof(err), "out of memory%Z");

        } else if (playfab_jwks_add_json(keys, (char *) call->body.data,
                                         call->body.len, err, sizeof(err))
                   < 0)
        {
            playfab_jwks_free(keys);
            keys = NULL;
        }
    }

    if (keys == NULL) {
        left = ngx_http_playfab_keys_release(pmcf->shm_zone, &ks->name,
                                             &ks->lease);

        if (left) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "playfab: JWK Set \"%V\" not refreshed: %s; the "
                          "last good set serves %T s more", &ks->name, err,
                          left);
        } else {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "playfab: JWK Set \"%V\" could not be fetched: %s",
                          &ks->name, err);
        }

        return;
    }

    n = call->max_age;
    lifetime = (n < ks->min_age) ? ks->min_age
                                 : (n > ks->max_age ? ks->max_age : n);

    json = call->body;

    if (ngx_http_playfab_keys_store(pmcf->shm_zone, &ks->name, &json,
                                    lifetime, ks->stale, &gen)
        != NGX_OK)
    {
        playfab_jwks_free(keys);
        return;
    }

    p = ngx_http_playfab_keyset_kids(kids, kids + sizeof(kids), keys);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "playfab: JWK Set \"%V\" fetched: %uz keys (kids %*s), "
                  "lifetime %T s%s", &ks->name, playfab_jwks_count(keys),
                  p - kids, kids, lifetime,
                  gen == ks->gen ? ", unchanged" : "");

    if (gen == ks->gen) {
        playfab_jwks_free(keys);
        return;
    }

    playfab_jwks_free(ks->keys);
    ks->keys = keys;
    ks->gen = gen;
}


/* the kids for the log: printable ASCII, a "-" for a key without one */

static u_char *
ngx_http_playfab_keyset_kids(u_char *p, u_char *last, playfab_jwks_t *keys)
{
    size_t       i, n;
    const char  *kid;

    n = playfab_jwks_count(keys);

    for (i = 0; i < n && last - p > 4; i++) {
        if (i) {
            *p++ = ',';
        }

        kid = playfab_jwks_kid(keys, i);

        if (kid == NULL) {
            *p++ = '-';
            continue;
        }

        for ( /* void */ ; *kid && last - p > 4; kid++) {
            *p++ = (*kid > 0x20 && *kid < 0x7f && *kid != ',' && *kid != '"')
                   ? (u_char) *kid : '?';
        }
    }

    if (i < n) {
        p = ngx_cpymem(p, "...", 3);
    }

    return p;
}


/* configuration: playfab_auth_jwt_key_request URI [name=time ...]; */

char *
ngx_http_playfab_keyset_conf(ngx_conf_t *cf, ngx_http_playfab_keyset_t **out)
{
    time_t                      t;
    ngx_str_t                  *value, v;
    ngx_uint_t                  i;
    ngx_msec_t                  ms;
    ngx_pool_cleanup_t         *cln;
    ngx_http_playfab_keyset_t  *ks;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: the JWK Set location \"%V\" must be a "
                           "URI of this server, such as /_jwks",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    ks = ngx_pcalloc(cf->pool, sizeof(ngx_http_playfab_keyset_t));
    if (ks == NULL) {
        return NGX_CONF_ERROR;
    }

    ks->uri = value[1];
    ks->min_age = 300;
    ks->max_age = 86400;
    ks->stale = 6 * 3600;
    ks->lease.interval = 30;
    ks->lease.timeout = 5000;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "timeout=", 8) == 0) {
            v.data = value[i].data + 8;
            v.len = value[i].len - 8;

            ms = ngx_parse_time(&v, 0);

            if (ms == (ngx_msec_t) NGX_ERROR || ms == 0 || ms > 60000) {
                goto invalid;
            }

            ks->lease.timeout = ms;
            continue;
        }

        v.data = (u_char *) ngx_strlchr(value[i].data,
                                        value[i].data + value[i].len, '=');
        if (v.data == NULL) {
            goto invalid;
        }

        v.data++;
        v.len = value[i].data + value[i].len - v.data;

        t = ngx_parse_time(&v, 1);

        if (t == (time_t) NGX_ERROR) {
            goto invalid;
        }

        if (ngx_strncmp(value[i].data, "min_age=", 8) == 0 && t > 0) {
            ks->min_age = t;

        } else if (ngx_strncmp(value[i].data, "max_age=", 8) == 0 && t > 0) {
            ks->max_age = t;

        } else if (ngx_strncmp(value[i].data, "stale=", 6) == 0) {
            ks->stale = t;

        } else if (ngx_strncmp(value[i].data, "interval=", 9) == 0 && t > 0) {
            ks->lease.interval = t;

        } else {
            goto invalid;
        }
    }

    if (ks->min_age > ks->max_age) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: min_age is greater than max_age");
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_playfab_keyset_cleanup;
    cln->data = ks;

    *out = ks;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "playfab: invalid parameter \"%V\", expected "
                       "min_age=, max_age=, interval= (times of at least 1s), "
                       "stale= or timeout= (up to 60s)", &value[i]);
    return NGX_CONF_ERROR;
}


/*
 * Merge time: the source is named after its server and URI, the record
 * of the zone that all workers share and the realm of its tokens.  Two
 * servers with one name must not fetch the same URI: their locations
 * may differ, and one's keys would verify the other's tokens.
 */

char *
ngx_http_playfab_keyset_bind(ngx_conf_t *cf, ngx_http_playfab_keyset_t *ks,
    u_char *file, ngx_uint_t line)
{
    ngx_uint_t                     i;
    ngx_http_core_srv_conf_t      *cscf;
    ngx_http_playfab_keyset_t    **other;
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_playfab_party_module);
    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);

    if (pmcf->shm_zone == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "playfab: \"playfab_auth_jwt_key_request\" requires "
                      "\"playfab_zone\" in the http block in %s:%ui",
                      file, line);
        return NGX_CONF_ERROR;
    }

    if (ks->name.len) {
        return NGX_CONF_OK;
    }

    ks->server = cscf;
    ks->name.len = sizeof("jwks:") - 1 + cscf->server_name.len + ks->uri.len;
    ks->name.data = ngx_pnalloc(cf->pool, ks->name.len);
    if (ks->name.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(ks->name.data, "jwks:%V%V", &cscf->server_name, &ks->uri);

    if (pmcf->keysets == NULL) {
        pmcf->keysets = ngx_array_create(cf->pool, 2,
                                         sizeof(ngx_http_playfab_keyset_t *));
        if (pmcf->keysets == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    other = pmcf->keysets->elts;

    for (i = 0; i < pmcf->keysets->nelts; i++) {
        if (other[i]->server != ks->server
            && other[i]->name.len == ks->name.len
            && ngx_strncmp(other[i]->name.data, ks->name.data, ks->name.len)
               == 0)
        {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "playfab: the JWK Set \"%V\" of %s:%ui is also "
                          "fetched by another server of the same name: "
                          "give the servers distinct server_name",
                          &ks->name, file, line);
            return NGX_CONF_ERROR;
        }
    }

    other = ngx_array_push(pmcf->keysets);
    if (other == NULL) {
        return NGX_CONF_ERROR;
    }

    *other = ks;

    return NGX_CONF_OK;
}


ngx_str_t *
ngx_http_playfab_keyset_name(ngx_http_playfab_keyset_t *ks)
{
    return &ks->name;
}


uint64_t
ngx_http_playfab_keyset_generation(ngx_http_playfab_keyset_t *ks)
{
    return ks->gen;
}


static void
ngx_http_playfab_keyset_cleanup(void *data)
{
    ngx_http_playfab_keyset_t  *ks = data;

    playfab_jwks_free(ks->keys);
}
