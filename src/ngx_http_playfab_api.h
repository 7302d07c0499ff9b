/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The PlayFab transport (ngx_http_playfab_api.c): one operation as a
 * subrequest to the internal location, its reply captured in memory,
 * the envelope read, a failure turned into the client's status and
 * problem; and a GET of a key set.  It knows no feature: a background
 * call reports through the handler its caller gives.
 */

#ifndef NGX_HTTP_PLAYFAB_API_H
#define NGX_HTTP_PLAYFAB_API_H

#include "ngx_http_playfab_storage.h"


ngx_int_t ngx_http_playfab_api_call(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_http_playfab_op_e op,
    ngx_str_t *body, ngx_http_playfab_call_pt done);
ngx_int_t ngx_http_playfab_api_failure(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, playfab_envelope_t *env,
    playfab_reply_e reply, ngx_http_playfab_problem_t *problem);
ngx_int_t ngx_http_playfab_api_fetch(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_str_t *uri,
    ngx_http_playfab_call_pt fetched, void *data);
playfab_reply_e ngx_http_playfab_api_reply(ngx_http_playfab_call_t *call,
    playfab_envelope_t *env);
const char *ngx_http_playfab_op_name(ngx_http_playfab_op_e op);
ngx_uint_t ngx_http_playfab_api_subrequest(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_api_init(ngx_conf_t *cf);

#endif /* NGX_HTTP_PLAYFAB_API_H */
