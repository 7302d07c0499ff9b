/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * "playfab_auth entity_token": the player presents its own PlayFab entity
 * token (X-EntityToken); PlayFab's ValidateEntityToken, called with the
 * cached title token through the same subrequest path, says whose it is.
 * Only title_player_account tokens are accepted.  A positive answer is
 * kept in the shared zone's records under the token's SHA-256 for a
 * configured time; negative caching is off unless configured.
 */

#include "ngx_http_playfab_module.h"
#include "playfab_json.h"

#include <openssl/evp.h>


#define NGX_HTTP_PLAYFAB_ENTITY_HEADER  "x-entitytoken"
#define NGX_HTTP_PLAYFAB_PLAYER_TYPE    "title_player_account"


static ngx_int_t ngx_http_playfab_entity_start(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_entity_validate(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_entity_validated(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_entity_accept(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, playfab_identity_t *pid);
static ngx_int_t ngx_http_playfab_entity_refuse(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t cache, const char *reason);
static ngx_int_t ngx_http_playfab_entity_cached(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static void ngx_http_playfab_entity_cache(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t valid, time_t ttl);
static void ngx_http_playfab_entity_found(ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_str(ngx_pool_t *pool, ngx_str_t *dst,
    const char *src, size_t len);


/*
 * Runs, and runs again after each subrequest or wait, until the caller
 * is known: NGX_OK, NGX_AGAIN, or an HTTP status.
 */

ngx_int_t
ngx_http_playfab_auth_entity(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t  rc;

    if (ctx->wait_event.timer_set || (ctx->call.active && !ctx->call.done)) {
        return NGX_AGAIN;
    }

    if (ctx->entity_token.len == 0) {
        rc = ngx_http_playfab_entity_start(r, ctx);

        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    for ( ;; ) {

        if (ctx->call.active && ctx->call.op == NGX_HTTP_PLAYFAB_OP_TOKEN) {
            ctx->call.active = 0;
            rc = ngx_http_playfab_token_fetched(r, ctx);

        } else if (ctx->call.active) {
            ctx->call.active = 0;
            rc = ngx_http_playfab_entity_validated(r, ctx);

            if (rc != NGX_DECLINED) {
                return rc;
            }

            /* PlayFab refused our title token: one more try */
            continue;

        } else {
            rc = ngx_http_playfab_token(r, ctx);
        }

        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_playfab_entity_validate(r, ctx);
    }
}


/* NGX_DECLINED: the token must be validated by PlayFab */

static ngx_int_t
ngx_http_playfab_entity_start(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_uint_t        i, count;
    EVP_MD_CTX       *md;
    ngx_table_elt_t  *h;

    h = ngx_http_playfab_auth_header(r, NGX_HTTP_PLAYFAB_ENTITY_HEADER,
                                     sizeof(NGX_HTTP_PLAYFAB_ENTITY_HEADER)
                                     - 1, &count);
    if (h == NULL) {
        return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_MISSING,
                                            "Bearer",
                                            "no X-EntityToken header");
    }

    if (count > 1 || h->value.len == 0
        || h->value.len > PLAYFAB_TOKEN_MAX)
    {
        return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_MALFORMED,
                   "Bearer error=\"invalid_token\", "
                   "error_description=\"malformed entity token\"",
                   "malformed X-EntityToken header");
    }

    for (i = 0; i < h->value.len; i++) {
        if (h->value.data[i] <= 0x20 || h->value.data[i] >= 0x7f) {
            return ngx_http_playfab_auth_reject(r,
                       NGX_HTTP_PLAYFAB_R_MALFORMED,
                       "Bearer error=\"invalid_token\", "
                       "error_description=\"malformed entity token\"",
                       "malformed X-EntityToken header");
        }
    }

    ctx->entity_token = h->value;

    /* the record key: SHA-256 of "entity-token:" and the token */

    md = EVP_MD_CTX_new();

    if (md == NULL
        || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1
        || EVP_DigestUpdate(md, "entity-token:", sizeof("entity-token:") - 1)
           != 1
        || EVP_DigestUpdate(md, h->value.data, h->value.len) != 1
        || EVP_DigestFinal_ex(md, ctx->entity_digest, NULL) != 1)
    {
        EVP_MD_CTX_free(md);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    EVP_MD_CTX_free(md);

    return ngx_http_playfab_entity_cached(r, ctx);
}


/*
 * A record: one byte, 1 for a valid token, 0 for a refused one; for a
 * valid one three length bytes and the entity id, type and master id.
 */

static ngx_int_t
ngx_http_playfab_entity_cached(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    u_char                        *p;
    ngx_int_t                      rc;
    ngx_str_t                      rec;
    ngx_http_playfab_identity_t   *id;
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    rc = ngx_http_playfab_store_get(pmcf->shm_zone, ctx->entity_digest,
                                    r->pool, &rec);
    if (rc == NGX_DECLINED) {
        return NGX_DECLINED;
    }

    if (rc != NGX_OK || rec.len == 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rec.data[0] == 0) {
        return ngx_http_playfab_entity_refuse(r, ctx, 0,
                                              "entity token known invalid");
    }

    if (rec.len < 4 || rec.len != 4u + rec.data[1] + rec.data[2] + rec.data[3])
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    id = &ctx->identity;
    p = rec.data + 4;

    id->entity_id.data = p;
    id->entity_id.len = rec.data[1];
    p += rec.data[1];

    id->entity_type.data = p;
    id->entity_type.len = rec.data[2];
    p += rec.data[2];

    id->master_id.data = p;
    id->master_id.len = rec.data[3];

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: entity token cache hit");

    ngx_http_playfab_entity_found(ctx);

    return NGX_OK;
}


static void
ngx_http_playfab_entity_cache(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t valid, time_t ttl)
{
    u_char                        *p;
    ngx_str_t                      rec;
    ngx_http_playfab_identity_t   *id;
    ngx_http_playfab_main_conf_t  *pmcf;

    id = &ctx->identity;

    if (id->entity_id.len > 255 || id->entity_type.len > 255
        || id->master_id.len > 255)
    {
        return;
    }

    rec.len = valid ? 4 + id->entity_id.len + id->entity_type.len
                      + id->master_id.len
                    : 1;
    rec.data = ngx_pnalloc(r->pool, rec.len);
    if (rec.data == NULL) {
        return;
    }

    p = rec.data;
    *p++ = (u_char) valid;

    if (valid) {
        *p++ = (u_char) id->entity_id.len;
        *p++ = (u_char) id->entity_type.len;
        *p++ = (u_char) id->master_id.len;
        p = ngx_cpymem(p, id->entity_id.data, id->entity_id.len);
        p = ngx_cpymem(p, id->entity_type.data, id->entity_type.len);
        ngx_memcpy(p, id->master_id.data, id->master_id.len);
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    (void) ngx_http_playfab_store_put(pmcf->shm_zone, ctx->entity_digest,
                                      &rec, ttl, 0, r->connection->log);
}


static ngx_int_t
ngx_http_playfab_entity_validate(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    u_char     *p;
    ngx_str_t   body;

    body.len = sizeof("{\"EntityToken\":\"\"}") - 1
               + playfab_json_escape(NULL, (char *) ctx->entity_token.data,
                                     ctx->entity_token.len);
    body.data = ngx_pnalloc(r->pool, body.len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(body.data, "{\"EntityToken\":\"",
                   sizeof("{\"EntityToken\":\"") - 1);
    p += playfab_json_escape((char *) p, (char *) ctx->entity_token.data,
                             ctx->entity_token.len);
    *p++ = '"';
    *p = '}';

    if (ngx_http_playfab_api_call(r, &ctx->call,
                                  NGX_HTTP_PLAYFAB_OP_VALIDATE, &body, 0)
        != NGX_AGAIN)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_AGAIN;
}


/* NGX_DECLINED asks for the one retry with a new title token */

static ngx_int_t
ngx_http_playfab_entity_validated(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t                 rc;
    playfab_reply_e           reply;
    playfab_envelope_t        env;
    playfab_identity_t        pid;
    ngx_http_playfab_call_t  *call;

    call = &ctx->call;

    reply = ngx_http_playfab_api_reply(call, &env);

    if (reply == PLAYFAB_REPLY_OK) {
        if (playfab_identity_reply(&env, &pid) == 0) {
            ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_OK, 0);
            rc = ngx_http_playfab_entity_accept(r, ctx, &pid);
            playfab_envelope_free(&env);
            return rc;
        }

        reply = PLAYFAB_REPLY_MALFORMED;
    }

    if (ngx_http_playfab_api_retry(r, ctx, &env, reply)) {
        playfab_envelope_free(&env);
        return NGX_DECLINED;
    }

    /* the player's token is invalid, expired or revoked */

    if (reply == PLAYFAB_REPLY_ERROR
        && call->status != NGX_HTTP_UNAUTHORIZED
        && (env.fault.error_code == 1334 || env.fault.error_code == 1335
            || env.fault.error_code == 1336 || env.fault.error_code == 1337))
    {
        ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_ERROR,
                                      env.fault.error_code);
        playfab_envelope_free(&env);

        return ngx_http_playfab_entity_refuse(r, ctx, 1,
                                              "PlayFab refused the entity "
                                              "token");
    }

    rc = ngx_http_playfab_api_failure(r, call, &env, reply, &ctx->problem);
    ctx->problem_set = 1;

    playfab_envelope_free(&env);

    return rc;
}


static ngx_int_t
ngx_http_playfab_entity_accept(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, playfab_identity_t *pid)
{
    ngx_http_playfab_loc_conf_t  *plcf;

    if (pid->entity_type_len != sizeof(NGX_HTTP_PLAYFAB_PLAYER_TYPE) - 1
        || ngx_strncmp(pid->entity_type, NGX_HTTP_PLAYFAB_PLAYER_TYPE,
                       pid->entity_type_len)
           != 0)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "playfab: entity token of a \"%*s\", not of a "
                      "player", pid->entity_type_len, pid->entity_type);

        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_AUTH,
                                       NGX_HTTP_PLAYFAB_AUTH_ENTITY_TOKEN
                                       * NGX_HTTP_PLAYFAB_M_REASONS
                                       + NGX_HTTP_PLAYFAB_R_FORBIDDEN);

        return ngx_http_playfab_problem(r, NGX_HTTP_FORBIDDEN,
                                        "forbidden",
                                        "only players' entity tokens "
                                        "are accepted");
    }

    if (ngx_http_playfab_str(r->pool, &ctx->identity.entity_id,
                             pid->entity_id, pid->entity_id_len)
        != NGX_OK
        || ngx_http_playfab_str(r->pool, &ctx->identity.entity_type,
                                pid->entity_type, pid->entity_type_len)
           != NGX_OK
        || ngx_http_playfab_str(r->pool, &ctx->identity.master_id,
                                pid->master_id, pid->master_id_len)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (plcf->entity_cache) {
        ngx_http_playfab_entity_cache(r, ctx, 1, plcf->entity_cache);
    }

    ngx_http_playfab_entity_found(ctx);

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_entity_refuse(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t cache, const char *reason)
{
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (cache && plcf->entity_negative_cache) {
        ngx_http_playfab_entity_cache(r, ctx, 0, plcf->entity_negative_cache);
    }

    return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_INVALID,
               "Bearer error=\"invalid_token\", "
               "error_description=\"the entity token is invalid, "
               "expired or revoked\"", reason);
}


static void
ngx_http_playfab_entity_found(ngx_http_playfab_ctx_t *ctx)
{
    ctx->subject = ctx->identity.entity_id;
    ngx_str_set(&ctx->method, "entity_token");
}


static ngx_int_t
ngx_http_playfab_str(ngx_pool_t *pool, ngx_str_t *dst, const char *src,
    size_t len)
{
    if (src == NULL || len == 0) {
        ngx_str_null(dst);
        return NGX_OK;
    }

    dst->data = ngx_pnalloc(pool, len);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src, len);
    dst->len = len;

    return NGX_OK;
}
