/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * What nginx calls: the ACCESS handler and the subrequest guard
 * (ngx_http_playfab_auth.c), the party content handler
 * (ngx_http_playfab_party.c), the problem+json filters
 * (ngx_http_playfab_problem.c), the variables
 * (ngx_http_playfab_variables.c), and playfab_status with its LOG phase
 * counting (ngx_http_playfab_status.c).
 */

#ifndef NGX_HTTP_PLAYFAB_HANDLERS_H
#define NGX_HTTP_PLAYFAB_HANDLERS_H

#include "ngx_http_playfab_features.h"


/* ngx_http_playfab_auth.c */
ngx_int_t ngx_http_playfab_auth_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_subrequest_guard(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_auth_sync(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_http_playfab_ctx_t *ctx);

/* ngx_http_playfab_party.c */
ngx_int_t ngx_http_playfab_party_handler(ngx_http_request_t *r);

/* ngx_http_playfab_problem.c */
ngx_int_t ngx_http_playfab_problem_init(ngx_conf_t *cf);

/* ngx_http_playfab_variables.c */
ngx_int_t ngx_http_playfab_add_variables(ngx_conf_t *cf);

/* ngx_http_playfab_status.c */
ngx_int_t ngx_http_playfab_metrics_log(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_status_handler(ngx_http_request_t *r);

#endif /* NGX_HTTP_PLAYFAB_HANDLERS_H */
