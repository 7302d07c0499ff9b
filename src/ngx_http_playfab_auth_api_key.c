/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * "playfab_auth api_key FILE": the caller's X-API-Key, whose SHA-256 is
 * compared in constant time with every digest of the file
 * (src/playfab_apikey.c); the principal is (api_key, the file, the
 * key's name).
 */

#include "ngx_http_playfab_features.h"


#define NGX_HTTP_PLAYFAB_API_KEY_HEADER  "x-api-key"


ngx_int_t
ngx_http_playfab_auth_api_key(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_http_playfab_ctx_t *ctx)
{
    ngx_uint_t               count;
    ngx_table_elt_t         *h;
    const playfab_apikey_t  *key;

    h = ngx_http_playfab_header_in(r, NGX_HTTP_PLAYFAB_API_KEY_HEADER,
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
