/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * A caller refused by an authentication method: 401 with the method's
 * challenge in WWW-Authenticate, the reason at info level in the log
 * (never the credential), and the failure counted.
 */

#include "ngx_http_playfab_features.h"


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
    ngx_table_elt_t         *h;
    ngx_http_playfab_ctx_t  *ctx;

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

    /* so that a refusal made under other settings can be taken back */

    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);

    if (ctx) {
        ctx->challenge = h;
    }

    return NGX_OK;
}
