/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The ACCESS phase handler: the location's authentication method
 * (ngx_http_playfab_auth_api_key.c, _auth_jwt.c, _auth_entity.c) runs
 * once per request, and its principal goes into the request context,
 * which ngx_http_playfab_variables.c exposes.  Also the PRECONTENT guard
 * that refuses subrequests into locations they would pass unauthorized.
 */

#include "ngx_http_playfab_handlers.h"


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
           && ngx_http_playfab_header_in(r, "access-control-request-method",
                  sizeof("access-control-request-method") - 1, &count)
              != NULL;
}


