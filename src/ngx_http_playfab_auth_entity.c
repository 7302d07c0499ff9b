/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * "playfab_auth entity_token": the player presents its own PlayFab entity
 * token (X-EntityToken); PlayFab's ValidateEntityToken, called with the
 * cached title token through the same subrequest path, says whose it is.
 * Only title_player_account tokens of the location's own title are
 * accepted: the principal is (entity_token, title, player entity id).
 *
 * An answer is kept in the shared zone's records under a digest of the
 * PlayFab that gave it (the location's title token key: its title,
 * secret key and api_location) and the token, with the time it was
 * made: each location honours its own playfab_auth_entity_cache (and
 * _negative_cache) when it reads, so a record made under a longer
 * setting never serves a shorter one.
 * Each worker also keeps copies of the valid ones it made or read
 * (ngx_http_playfab_identities.c), looked up before the records by the
 * token itself: a known player costs neither a digest nor the zone's
 * lock.  A refusal by PlayFab is recorded (or, without negative
 * caching, the token's valid record dropped, so that no location keeps
 * trusting it), then every worker's copies under its record's epoch are
 * stale.
 * A refusal of ValidateEntityToken does not say whose token it refused
 * (the title's or the player's): the player is refused and the title
 * token keeps serving, at most refreshed early (see
 * ngx_http_playfab_token_suspect()).
 */

#include "ngx_http_playfab_features.h"
#include "playfab_digest.h"
#include "playfab_json.h"


#define NGX_HTTP_PLAYFAB_ENTITY_HEADER  "x-entitytoken"
#define NGX_HTTP_PLAYFAB_PLAYER_TYPE    "title_player_account"

/* a record: valid (1) or refused (0), the time it was made, and for a
 * valid token three lengths and the entity id, type and master id */
#define NGX_HTTP_PLAYFAB_ENTITY_HEAD    (1 + sizeof(int64_t))


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
static void ngx_http_playfab_entity_found(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_str(ngx_pool_t *pool, ngx_str_t *dst,
    const char *src, size_t len);


/*
 * Runs, and runs again after each subrequest or wait, until the caller
 * is known: NGX_OK, NGX_AGAIN, or an HTTP status.  The token was read
 * and looked up in the records by ngx_http_playfab_entity_start().
 */

ngx_int_t
ngx_http_playfab_auth_entity(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t  rc;

    if (ctx->wait_event.timer_set || (ctx->call.active && !ctx->call.done)) {
        return NGX_AGAIN;
    }

    if (ctx->call.active && ctx->call.op == NGX_HTTP_PLAYFAB_OP_VALIDATE) {
        ctx->call.active = 0;
        return ngx_http_playfab_entity_validated(r, ctx);
    }

    if (ctx->call.active) {
        ctx->call.active = 0;
        rc = ngx_http_playfab_token_fetched(r, ctx);

    } else {
        rc = ngx_http_playfab_token(r, ctx);
    }

    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_playfab_entity_validate(r, ctx);
}


/*
 * Without waiting on anything: the header, and the records.  NGX_OK for
 * a caller known from a record, NGX_DECLINED if PlayFab must be asked,
 * or an HTTP status.  The identity variables call it before the ACCESS
 * phase, as they verify API keys and JWTs.
 */

ngx_int_t
ngx_http_playfab_entity_start(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    time_t                         made;
    ngx_uint_t                     i, count;
    ngx_table_elt_t               *h;
    playfab_digest_part_t          parts[3];
    ngx_http_playfab_identity_t    id;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    h = ngx_http_playfab_header_in(r, NGX_HTTP_PLAYFAB_ENTITY_HEADER,
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

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    /* the caller's identity only once the copy is fresh enough here */

    if (plcf->entity_cache
        && ngx_http_playfab_identities_get(pmcf->shm_zone, &plcf->token_key,
                                           &h->value, r->pool, &id, &made)
           == NGX_OK
        && (int64_t) ngx_time() - made < (int64_t) plcf->entity_cache)
    {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: entity token from this worker's table");

        ctx->identity = id;
        ngx_http_playfab_entity_found(r, ctx);
        return NGX_OK;
    }

    /*
     * the record key: the kind, the PlayFab that answers this location
     * (a player a staging api_location accepted is not production's),
     * the token
     */

    parts[0].data = "entity-token";
    parts[0].len = sizeof("entity-token") - 1;
    parts[1].data = plcf->token_key.data;
    parts[1].len = plcf->token_key.len;
    parts[2].data = h->value.data;
    parts[2].len = h->value.len;

    if (playfab_digest(ctx->entity_digest, parts, 3) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_playfab_entity_cached(r, ctx);
}


/* a record still fresh by this location's settings, or NGX_DECLINED */

static ngx_int_t
ngx_http_playfab_entity_cached(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    u_char                        *p;
    time_t                         ttl;
    int64_t                        made;
    ngx_int_t                      rc;
    ngx_str_t                      rec;
    ngx_atomic_uint_t              epoch;
    ngx_http_playfab_identity_t   *id;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    if (plcf->entity_cache == 0 && plcf->entity_negative_cache == 0) {
        return NGX_DECLINED;
    }

    /* read before the record: a refusal recorded after it moves it on */

    epoch = ngx_http_playfab_identities_epoch(pmcf->shm_zone,
                                              ctx->entity_digest);

    rc = ngx_http_playfab_store_get(pmcf->shm_zone, ctx->entity_digest,
                                    r->pool, &rec);
    if (rc == NGX_DECLINED) {
        return NGX_DECLINED;
    }

    if (rc != NGX_OK || rec.len < NGX_HTTP_PLAYFAB_ENTITY_HEAD) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(&made, rec.data + 1, sizeof(int64_t));
    ttl = rec.data[0] ? plcf->entity_cache : plcf->entity_negative_cache;

    if ((int64_t) ngx_time() - made >= (int64_t) ttl) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: entity token record too old here");
        return NGX_DECLINED;
    }

    if (rec.data[0] == 0) {
        return ngx_http_playfab_entity_refuse(r, ctx, 0,
                                              "entity token known invalid");
    }

    p = rec.data + NGX_HTTP_PLAYFAB_ENTITY_HEAD;

    if (rec.len < NGX_HTTP_PLAYFAB_ENTITY_HEAD + 3
        || rec.len != NGX_HTTP_PLAYFAB_ENTITY_HEAD + 3u + p[0] + p[1] + p[2])
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    id = &ctx->identity;

    id->entity_id.len = p[0];
    id->entity_type.len = p[1];
    id->master_id.len = p[2];
    p += 3;

    id->entity_id.data = p;
    p += id->entity_id.len;

    id->entity_type.data = p;
    p += id->entity_type.len;

    id->master_id.data = p;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: entity token cache hit");

    ngx_http_playfab_identities_put(pmcf->shm_zone, ctx->entity_digest,
                                    epoch, &plcf->token_key,
                                    &ctx->entity_token, id, (time_t) made);

    ngx_http_playfab_entity_found(r, ctx);

    return NGX_OK;
}


/* the record of an answer: kept as long as the longest setting allows */

static void
ngx_http_playfab_entity_cache(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t valid, time_t ttl)
{
    u_char                        *p;
    int64_t                        now;
    ngx_str_t                      rec;
    ngx_http_playfab_identity_t   *id;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    /*
     * a refusal of a token under this key while PlayFab was asked: its
     * answer may be older than the refusal, and is not kept
     */

    if (valid
        && ngx_http_playfab_identities_epoch(pmcf->shm_zone,
                                             ctx->entity_digest)
           != ctx->entity_epoch)
    {
        return;
    }

    id = &ctx->identity;

    if (id->entity_id.len > 255 || id->entity_type.len > 255
        || id->master_id.len > 255)
    {
        return;
    }

    rec.len = NGX_HTTP_PLAYFAB_ENTITY_HEAD
              + (valid ? 3 + id->entity_id.len + id->entity_type.len
                         + id->master_id.len
                       : 0);
    rec.data = ngx_pnalloc(r->pool, rec.len);
    if (rec.data == NULL) {
        return;
    }

    now = (int64_t) ngx_time();

    p = rec.data;
    *p++ = (u_char) valid;
    p = ngx_cpymem(p, &now, sizeof(int64_t));

    if (valid) {
        *p++ = (u_char) id->entity_id.len;
        *p++ = (u_char) id->entity_type.len;
        *p++ = (u_char) id->master_id.len;
        p = ngx_cpymem(p, id->entity_id.data, id->entity_id.len);
        p = ngx_cpymem(p, id->entity_type.data, id->entity_type.len);
        ngx_memcpy(p, id->master_id.data, id->master_id.len);
    }

    if (ngx_http_playfab_store_put(pmcf->shm_zone,
                                   NGX_HTTP_PLAYFAB_KIND_IDENTITY,
                                   ctx->entity_digest, &rec, ttl, 0,
                                   r->connection->log)
        == NGX_OK
        && valid)
    {
        plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

        ngx_http_playfab_identities_put(pmcf->shm_zone, ctx->entity_digest,
                                        ctx->entity_epoch, &plcf->token_key,
                                        &ctx->entity_token, id,
                                        (time_t) now);
    }
}


static ngx_int_t
ngx_http_playfab_entity_validate(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    u_char                        *p;
    ngx_str_t                      body;
    ngx_http_playfab_main_conf_t  *pmcf;

    /* read before asking: a refusal meanwhile outdates the answer */

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    ctx->entity_epoch = ngx_http_playfab_identities_epoch(pmcf->shm_zone,
                                                          ctx->entity_digest);

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
                                  NGX_HTTP_PLAYFAB_OP_VALIDATE, &body, NULL)
        != NGX_AGAIN)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_AGAIN;
}


/*
 * PlayFab's answer.  A refusal (401, or the EntityToken* errors) is of
 * the player's token as far as this caller is concerned: it is refused,
 * never retried with a new title token (a forged token must not cost
 * the node its title token); a 401 may still have been of the title
 * token, which is then refreshed early, in the background.
 */

static ngx_int_t
ngx_http_playfab_entity_validated(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t                      rc;
    playfab_reply_e                reply;
    playfab_envelope_t             env;
    playfab_identity_t             pid;
    ngx_http_playfab_call_t       *call;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

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

    if (call->status == NGX_HTTP_UNAUTHORIZED) {
        plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
        pmcf = ngx_http_get_module_main_conf(r,
                                             ngx_http_playfab_party_module);

        ngx_http_playfab_token_suspect(pmcf->shm_zone, &plcf->token_key,
                                       ctx->token_gen);
    }

    /* the player's token is invalid, expired or revoked */

    if (reply == PLAYFAB_REPLY_ERROR
        && (call->status == NGX_HTTP_UNAUTHORIZED
            || (env.fault.error_code >= 1334 && env.fault.error_code <= 1337)))
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

    /* a token of another title names another realm's player */

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (pid->title_id_len != plcf->title_id.len
        || ngx_strncmp(pid->title_id, plcf->title_id.data,
                       plcf->title_id.len)
           != 0)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "playfab: entity token of title \"%*s\" refused "
                      "where the title is \"%V\"", pid->title_id_len,
                      pid->title_id ? pid->title_id : "", &plcf->title_id);

        return ngx_http_playfab_entity_refuse(r, ctx, 1,
                                              "entity token of another "
                                              "title");
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

    if (plcf->entity_cache) {
        ngx_http_playfab_entity_cache(r, ctx, 1, plcf->entity_cache);
    }

    ngx_http_playfab_entity_found(r, ctx);

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_entity_refuse(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t cache, const char *reason)
{
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    ngx_memzero(&ctx->identity, sizeof(ngx_http_playfab_identity_t));

    if (cache) {
        pmcf = ngx_http_get_module_main_conf(r,
                                             ngx_http_playfab_party_module);

        /*
         * PlayFab refused it: the refusal recorded, or else no valid
         * record left for a location that trusts them longer; then no
         * worker's copy answers
         */

        if (plcf->entity_negative_cache) {
            ngx_http_playfab_entity_cache(r, ctx, 0,
                                          plcf->entity_negative_cache);

        } else {
            ngx_http_playfab_store_delete(pmcf->shm_zone, ctx->entity_digest);
        }

        ngx_http_playfab_identities_outdated(pmcf->shm_zone,
                                             ctx->entity_digest);
    }

    return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_INVALID,
               "Bearer error=\"invalid_token\", "
               "error_description=\"the entity token is invalid, "
               "expired or revoked\"", reason);
}


/* the realm is the location's title, which PlayFab's answer named */

static void
ngx_http_playfab_entity_found(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    ngx_str_set(&ctx->principal.method, "entity_token");
    ctx->principal.realm = plcf->title_id;
    ctx->principal.subject = ctx->identity.entity_id;
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
