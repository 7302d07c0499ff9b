/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * What the module does for a request, above the transport: the title
 * token (ngx_http_playfab_token.c), the authentication methods
 * (ngx_http_playfab_auth_api_key.c, _auth_jwt.c with the key sets it
 * fetches, _keyset.c, _auth_entity.c, and the refusal they share,
 * _challenge.c) and Idempotency-Key records
 * (ngx_http_playfab_idempotency.c).
 */

#ifndef NGX_HTTP_PLAYFAB_FEATURES_H
#define NGX_HTTP_PLAYFAB_FEATURES_H

#include "ngx_http_playfab_api.h"


/* ngx_http_playfab_token.c */
ngx_int_t ngx_http_playfab_token(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
ngx_int_t ngx_http_playfab_token_fetched(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
ngx_uint_t ngx_http_playfab_token_refused(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, playfab_envelope_t *env,
    playfab_reply_e reply);

/* ngx_http_playfab_challenge.c */
ngx_int_t ngx_http_playfab_auth_reject(ngx_http_request_t *r,
    ngx_uint_t why, const char *challenge, const char *reason);
ngx_int_t ngx_http_playfab_add_www_authenticate(ngx_http_request_t *r,
    const char *challenge);

/* ngx_http_playfab_auth_api_key.c */
ngx_int_t ngx_http_playfab_auth_api_key(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_http_playfab_ctx_t *ctx);
ngx_http_playfab_key_table_t **ngx_http_playfab_api_key_table(
    ngx_conf_t *cf);

/* ngx_http_playfab_auth_jwt.c */
ngx_int_t ngx_http_playfab_auth_jwt(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t wait);
ngx_int_t ngx_http_playfab_jwt_add_variables(ngx_conf_t *cf);
char *ngx_http_playfab_jwt_check(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *plcf);
char *ngx_http_playfab_jwt_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_setting(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_audience(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_require(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_claim_set(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_token_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_key_request(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_playfab_keyset.c */
ngx_int_t ngx_http_playfab_keyset_get(ngx_http_request_t *r,
    ngx_http_playfab_keyset_t *ks, ngx_uint_t flags, playfab_jwks_t **keys);
char *ngx_http_playfab_keyset_conf(ngx_conf_t *cf,
    ngx_http_playfab_keyset_t **out);
char *ngx_http_playfab_keyset_bind(ngx_conf_t *cf,
    ngx_http_playfab_keyset_t *ks, u_char *file, ngx_uint_t line);
ngx_str_t *ngx_http_playfab_keyset_name(ngx_http_playfab_keyset_t *ks);
uint64_t ngx_http_playfab_keyset_generation(ngx_http_playfab_keyset_t *ks);

/* ngx_http_playfab_auth_entity.c */
ngx_int_t ngx_http_playfab_entity_start(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
ngx_int_t ngx_http_playfab_auth_entity(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);

/* ngx_http_playfab_idempotency.c */
ngx_int_t ngx_http_playfab_idem_body(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_str_t *body);
ngx_int_t ngx_http_playfab_idem_check(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_str_t *replay);
void ngx_http_playfab_idem_done(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, u_char *response, size_t len);

#endif /* NGX_HTTP_PLAYFAB_FEATURES_H */
