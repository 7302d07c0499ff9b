/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Caller authentication in the ACCESS phase, in any location: API keys
 * (SHA-256 digests, constant-time comparison) here, JWTs and players'
 * entity tokens in ngx_http_playfab_auth_jwt.c and _auth_entity.c.  The
 * principal goes into the request context, which
 * ngx_http_playfab_variables.c exposes.
 */

#include "ngx_http_playfab_module.h"


#define NGX_HTTP_PLAYFAB_API_KEY_HEADER  "x-api-key"


static ngx_int_t ngx_http_playfab_auth_api_key(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_http_playfab_ctx_t *ctx);
static ngx_uint_t ngx_http_playfab_auth_preflight(ngx_http_request_t *r);


ngx_int_t
ngx_http_playfab_auth_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (plcf->auth == NGX_CONF_UNSET_UINT
        || plcf->auth == NGX_HTTP_PLAYFAB_AUTH_OFF)
    {
        return NGX_DECLINED;
    }

    if (plcf->preflight && ngx_http_playfab_auth_preflight(r)) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_playfab_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_playfab_auth_sync(r, plcf, ctx);

    if (rc != NGX_DECLINED) {
        return rc;
    }

    /* a JWT whose keys must be fetched, or an entity token that PlayFab
     * must validate */

    rc = (plcf->auth == NGX_HTTP_PLAYFAB_AUTH_JWT)
         ? ngx_http_playfab_auth_jwt(r, ctx, 1)
         : ngx_http_playfab_auth_entity(r, ctx);

    if (rc == NGX_AGAIN) {
        return NGX_AGAIN;
    }

    ctx->auth_rc = rc;
    ctx->auth_done = 1;

    return rc;
}


/*
 * nginx runs no ACCESS phase for a subrequest (mirror, SSI, auth_request,
 * add_after_body, ...): one that enters a location which authenticates
 * its callers or requests parties would do so unauthorized, so it is
 * refused, except the module's own calls to PlayFab.
 */

ngx_int_t
ngx_http_playfab_subrequest_guard(ngx_http_request_t *r)
{
    ngx_http_playfab_loc_conf_t  *plcf;

    if (r == r->main) {
        return NGX_DECLINED;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if ((plcf->auth == NGX_CONF_UNSET_UINT
         || plcf->auth == NGX_HTTP_PLAYFAB_AUTH_OFF)
        && !plcf->party)
    {
        return NGX_DECLINED;
    }

    if (ngx_http_playfab_api_subrequest(r)) {
        return NGX_DECLINED;
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "playfab: subrequest to \"%V\" refused: it would pass "
                  "playfab_auth or playfab_party unauthorized", &r->uri);

    return NGX_HTTP_FORBIDDEN;
}


/*
 * What can be known without waiting on anything (API keys, JWTs whose
 * keys are at hand, an entity token's record), so that the identity variables can ask before
 * the ACCESS phase (limit_req keys are evaluated in PREACCESS); the
 * outcome is kept for the phase.  NGX_DECLINED: PlayFab must be asked.
 */

ngx_int_t
ngx_http_playfab_auth_sync(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t  rc;

    if (ctx->auth_done) {
        return ctx->auth_rc;
    }

    switch (plcf->auth) {

    case NGX_HTTP_PLAYFAB_AUTH_API_KEY:
        rc = ngx_http_playfab_auth_api_key(r, plcf, ctx);
        break;

    case NGX_HTTP_PLAYFAB_AUTH_JWT:
        rc = ngx_http_playfab_auth_jwt(r, ctx, 0);

        if (rc == NGX_DECLINED) {
            return NGX_DECLINED;
        }

        break;

    case NGX_HTTP_PLAYFAB_AUTH_ENTITY_TOKEN:
        if (ctx->entity_started) {
            return NGX_DECLINED;
        }

        ctx->entity_started = 1;
        rc = ngx_http_playfab_entity_start(r, ctx);

        if (rc == NGX_DECLINED) {
            return NGX_DECLINED;
        }

        break;

    default:
        return NGX_DECLINED;
    }

    ctx->auth_rc = rc;
    ctx->auth_done = 1;

    return rc;
}


/* a CORS preflight: OPTIONS with Access-Control-Request-Method */

static ngx_uint_t
ngx_http_playfab_auth_preflight(ngx_http_request_t *r)
{
    ngx_uint_t  count;

    return r->method == NGX_HTTP_OPTIONS
           && ngx_http_playfab_auth_header(r, "access-control-request-method",
                  sizeof("access-control-request-method") - 1, &count)
              != NULL;
}


static ngx_int_t
ngx_http_playfab_auth_api_key(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_http_playfab_ctx_t *ctx)
{
    ngx_uint_t               count;
    ngx_table_elt_t         *h;
    const playfab_apikey_t  *key;

    h = ngx_http_playfab_auth_header(r, NGX_HTTP_PLAYFAB_API_KEY_HEADER,
                                     sizeof(NGX_HTTP_PLAYFAB_API_KEY_HEADER)
                                     - 1, &count);

    if (h == NULL) {
        return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_MISSING,
                                            "ApiKey", "no X-API-Key header");
    }

    if (count > 1) {
        return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_MALFORMED,
                                            "ApiKey",
                                            "more than one X-API-Key header");
    }

    key = playfab_apikey_match(plcf->api_keys, plcf->napi_keys,
                               (char *) h->value.data, h->value.len);

    if (key == NULL) {
        return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_INVALID,
                                            "ApiKey", "unknown API key");
    }

    ngx_str_set(&ctx->principal.method, "api_key");
    ctx->principal.realm = plcf->auth_realm;
    ctx->principal.subject.data = (u_char *) key->name;
    ctx->principal.subject.len = key->name_len;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: API key \"%V\" accepted",
                   &ctx->principal.subject);

    return NGX_OK;
}


/* 401 with the challenge in WWW-Authenticate; the reason goes to the log */

ngx_int_t
ngx_http_playfab_auth_reject(ngx_http_request_t *r, ngx_uint_t why,
    const char *challenge, const char *reason)
{
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_AUTH,
                                   plcf->auth * NGX_HTTP_PLAYFAB_M_REASONS
                                   + why);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "playfab: caller not authenticated: %s", reason);

    if (ngx_http_playfab_add_www_authenticate(r, challenge) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_playfab_problem(r, NGX_HTTP_UNAUTHORIZED, "unauthorized",
                                    reason);
}


ngx_int_t
ngx_http_playfab_add_www_authenticate(ngx_http_request_t *r,
    const char *challenge)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value.data = (u_char *) challenge;
    h->value.len = ngx_strlen(challenge);
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    r->headers_out.www_authenticate = h;

    return NGX_OK;
}


/* the last of the request headers with that (lowercase) name, and how
 * many there are */

ngx_table_elt_t *
ngx_http_playfab_auth_header(ngx_http_request_t *r, const char *lowcase,
    size_t len, ngx_uint_t *count)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *found;

    found = NULL;
    *count = 0;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncmp(h[i].lowcase_key, lowcase, len) == 0)
        {
            found = &h[i];
            (*count)++;
        }
    }

    return found;
}
