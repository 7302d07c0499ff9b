/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The module's variables, for log_format, proxy_set_header, map and
 * limit_req_zone: who the caller is, and what happened to the request.
 * None of them ever holds the secret key or a token.
 */

#include "ngx_http_playfab_handlers.h"




static ngx_http_playfab_ctx_t *ngx_http_playfab_caller(ngx_http_request_t *r);
static ngx_int_t ngx_http_playfab_principal_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_playfab_str_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_playfab_token_cache_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_playfab_upstream_time_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_playfab_error_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_playfab_request_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void ngx_http_playfab_variable_set(ngx_http_variable_value_t *v,
    u_char *data, size_t len);


static ngx_http_variable_t  ngx_http_playfab_vars[] = {

    { ngx_string("playfab_auth_principal"), NULL,
      ngx_http_playfab_principal_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_auth_subject"), NULL,
      ngx_http_playfab_str_variable,
      offsetof(ngx_http_playfab_ctx_t, principal.subject),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_auth_method"), NULL,
      ngx_http_playfab_str_variable,
      offsetof(ngx_http_playfab_ctx_t, principal.method),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_auth_realm"), NULL,
      ngx_http_playfab_str_variable,
      offsetof(ngx_http_playfab_ctx_t, principal.realm),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_auth_playfab_id"), NULL,
      ngx_http_playfab_str_variable,
      offsetof(ngx_http_playfab_ctx_t, identity.master_id),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_party_id"), NULL,
      ngx_http_playfab_str_variable,
      offsetof(ngx_http_playfab_ctx_t, party_id),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_token_cache"), NULL,
      ngx_http_playfab_token_cache_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_upstream_time"), NULL,
      ngx_http_playfab_upstream_time_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_error"), NULL,
      ngx_http_playfab_error_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("playfab_request_id"), NULL,
      ngx_http_playfab_request_id_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};




ngx_int_t
ngx_http_playfab_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_playfab_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/*
 * The main request's caller: what can be known without waiting (API
 * keys, JWTs, an entity token's record) is checked now if nobody did
 * yet.  NULL when there is no context.
 */

static ngx_http_playfab_ctx_t *
ngx_http_playfab_caller(ngx_http_request_t *r)
{
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r->main,
                                        ngx_http_playfab_party_module);

    if (plcf->auth == NGX_CONF_UNSET_UINT
        || plcf->auth == NGX_HTTP_PLAYFAB_AUTH_OFF)
    {
        return ngx_http_playfab_find_ctx(r->main);
    }

    ctx = ngx_http_playfab_get_ctx(r->main);

    if (ctx) {
        (void) ngx_http_playfab_auth_sync(r->main, plcf, ctx);
    }

    return ctx;
}


/*
 * "method:realm:subject", the realm with ":" and "%" percent-encoded:
 * one string per principal, never empty for an authenticated caller.
 */

static ngx_int_t
ngx_http_playfab_principal_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                        *p, c;
    size_t                         len;
    ngx_uint_t                     i;
    ngx_http_playfab_ctx_t        *ctx;
    ngx_http_playfab_principal_t  *pr;

    ctx = ngx_http_playfab_caller(r);

    if (ctx == NULL || ctx->principal.method.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    if (ctx->principal_text.len == 0) {
        pr = &ctx->principal;

        len = pr->method.len + 2 + pr->subject.len;

        for (i = 0; i < pr->realm.len; i++) {
            c = pr->realm.data[i];
            len += (c == ':' || c == '%') ? 3 : 1;
        }

        p = ngx_pnalloc(r->main->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ctx->principal_text.data = p;
        ctx->principal_text.len = len;

        p = ngx_cpymem(p, pr->method.data, pr->method.len);
        *p++ = ':';

        for (i = 0; i < pr->realm.len; i++) {
            c = pr->realm.data[i];

            if (c == ':' || c == '%') {
                p = ngx_sprintf(p, "%%%02Xd", (int) c);

            } else {
                *p++ = c;
            }
        }

        *p++ = ':';
        ngx_memcpy(p, pr->subject.data, pr->subject.len);
    }

    ngx_http_playfab_variable_set(v, ctx->principal_text.data,
                                  ctx->principal_text.len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_str_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t               *s;
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_playfab_caller(r);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    s = (ngx_str_t *) ((char *) ctx + data);

    ngx_http_playfab_variable_set(v, s->data, s->len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_token_cache_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_playfab_party_module);

    if (ctx == NULL || ctx->token_cache == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    ngx_http_playfab_variable_set(v, (u_char *) ctx->token_cache,
                                  ngx_strlen(ctx->token_cache));

    return NGX_OK;
}


/* seconds with milliseconds, like $upstream_response_time */

static ngx_int_t
ngx_http_playfab_upstream_time_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                  *p;
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_playfab_party_module);

    if (ctx == NULL || ctx->upstream_calls == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_TIME_T_LEN + 4);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_http_playfab_variable_set(v, p,
                                  ngx_sprintf(p, "%T.%03M",
                                      (time_t) ctx->upstream_time / 1000,
                                      ctx->upstream_time % 1000)
                                  - p);

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_error_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_playfab_party_module);

    if (ctx == NULL || !ctx->problem_set) {
        v->not_found = 1;
        return NGX_OK;
    }

    ngx_http_playfab_variable_set(v, (u_char *) ctx->problem.code,
                                  ngx_strlen(ctx->problem.code));

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_request_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t  *id;

    id = ngx_http_playfab_request_id(r);

    if (id == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    ngx_http_playfab_variable_set(v, id->data, id->len);

    return NGX_OK;
}


static void
ngx_http_playfab_variable_set(ngx_http_variable_value_t *v, u_char *data,
    size_t len)
{
    if (len == 0) {
        v->not_found = 1;
        return;
    }

    v->len = len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = data;
}
