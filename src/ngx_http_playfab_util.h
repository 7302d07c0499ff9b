/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The bottom floor of the glue: what a request needs whatever it does
 * (ngx_http_playfab_request.c), files a directive names
 * (ngx_http_playfab_file.c), and the error log writer that blanks
 * credentials (ngx_http_playfab_log.c).
 */

#ifndef NGX_HTTP_PLAYFAB_UTIL_H
#define NGX_HTTP_PLAYFAB_UTIL_H

#include "ngx_http_playfab.h"


/* ngx_http_playfab_request.c */
ngx_http_playfab_ctx_t *ngx_http_playfab_find_ctx(ngx_http_request_t *r);
ngx_http_playfab_ctx_t *ngx_http_playfab_get_ctx(ngx_http_request_t *r);
ngx_table_elt_t *ngx_http_playfab_header_in(ngx_http_request_t *r,
    const char *lowcase, size_t len, ngx_uint_t *count);
ngx_int_t ngx_http_playfab_add_header(ngx_http_request_t *r, const char *key,
    ngx_str_t *value);
ngx_int_t ngx_http_playfab_problem(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *detail);
ngx_int_t ngx_http_playfab_request_init(ngx_conf_t *cf);
ngx_str_t *ngx_http_playfab_request_id(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_poll(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);

/* ngx_http_playfab_file.c */
ngx_int_t ngx_http_playfab_read_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *out, ngx_uint_t *private);

/* ngx_http_playfab_log.c */
ngx_int_t ngx_http_playfab_log_redact(ngx_conf_t *cf,
    ngx_http_core_loc_conf_t *clcf);

#endif /* NGX_HTTP_PLAYFAB_UTIL_H */
