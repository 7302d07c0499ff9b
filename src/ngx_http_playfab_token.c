/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The title entity token: take it from the shared cache, or fetch it
 * with GetEntityToken (always with the title secret key) while other
 * requests, in any worker, wait for that one fetch; refresh it in the
 * background ahead of its expiry while the old one keeps serving.
 */

#include "ngx_http_playfab_features.h"


/* how often a waiting request looks at the cache again */


static void ngx_http_playfab_token_refreshed(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call);
static ngx_int_t ngx_http_playfab_token_save(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_http_playfab_problem_t *problem,
    ngx_str_t *token, uint64_t *gen);
static ngx_int_t ngx_http_playfab_token_wait(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static void ngx_http_playfab_token_cache(ngx_http_playfab_ctx_t *ctx,
    const char *state);


static ngx_str_t  ngx_http_playfab_token_body = ngx_string("{}");


/*
 * NGX_OK: ctx->token is usable.  NGX_AGAIN: a fetch or a wait is under
 * way and r->write_event_handler runs when it ends.  Else an HTTP status
 * with ctx->problem set.
 */

ngx_int_t
ngx_http_playfab_token(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx)
{
    ngx_uint_t                     failed;
    ngx_http_playfab_token_e       rc;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    rc = ngx_http_playfab_token_acquire(pmcf->shm_zone, &plcf->token_key,
                                        plcf->token_wait, plcf->token_copy,
                                        r->pool,
                                        &ctx->token, &ctx->token_gen,
                                        &failed);

    switch (rc) {

    case NGX_HTTP_PLAYFAB_TOKEN_FRESH:
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: title token cache hit");
        ngx_http_playfab_token_cache(ctx, "HIT");
        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_TOKEN,
                                       NGX_HTTP_PLAYFAB_M_HIT);
        return NGX_OK;

    case NGX_HTTP_PLAYFAB_TOKEN_REFRESH:
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: title token due, background refresh");
        ngx_http_playfab_token_cache(ctx, "REFRESH");
        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_TOKEN,
                                       NGX_HTTP_PLAYFAB_M_REFRESH);

        if (ctx->refresh.active
            || ngx_http_playfab_api_call(r, &ctx->refresh,
                                         NGX_HTTP_PLAYFAB_OP_TOKEN,
                                         &ngx_http_playfab_token_body,
                                         ngx_http_playfab_token_refreshed)
               != NGX_AGAIN)
        {
            ngx_http_playfab_token_release(pmcf->shm_zone, &plcf->token_key, 0);
        }

        return NGX_OK;

    case NGX_HTTP_PLAYFAB_TOKEN_FETCH:
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: title token miss, fetching");
        ngx_http_playfab_token_cache(ctx, "MISS");
        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_TOKEN,
                                       NGX_HTTP_PLAYFAB_M_FETCH);

        if (ngx_http_playfab_api_call(r, &ctx->call,
                                      NGX_HTTP_PLAYFAB_OP_TOKEN,
                                      &ngx_http_playfab_token_body, NULL)
            != NGX_AGAIN)
        {
            ngx_http_playfab_token_release(pmcf->shm_zone, &plcf->token_key, 0);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_AGAIN;

    case NGX_HTTP_PLAYFAB_TOKEN_WAIT:
        ngx_http_playfab_token_cache(ctx, "WAIT");
        return ngx_http_playfab_token_wait(r, ctx);

    case NGX_HTTP_PLAYFAB_TOKEN_FAILED:
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "playfab: the last GetEntityToken failed less than "
                      "%d ms ago (%ui), not asking again yet",
                      NGX_HTTP_PLAYFAB_FAILED_HOLD, failed);

        return ngx_http_playfab_problem(r, failed, "token_unavailable",
                                        "PlayFab could not provide the title "
                                        "token a moment ago; retry shortly");

    default: /* NGX_HTTP_PLAYFAB_TOKEN_ERROR */
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}


/* the foreground GetEntityToken of ctx->call has finished */

ngx_int_t
ngx_http_playfab_token_fetched(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_http_playfab_token_save(r, &ctx->call, &ctx->problem,
                                     &ctx->token, &ctx->token_gen);
    if (rc != NGX_OK) {
        ctx->problem_set = 1;
    }

    return rc;
}


/* the background refresh has finished: nobody waits for it */

static void
ngx_http_playfab_token_refreshed(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call)
{
    uint64_t                     gen;
    ngx_str_t                    token;
    ngx_http_playfab_problem_t   problem;

    ngx_memzero(&problem, sizeof(ngx_http_playfab_problem_t));

    (void) ngx_http_playfab_token_save(r, call, &problem, &token, &gen);
}


/*
 * Parses GetEntityToken's reply and stores the token.  Its lifetime is
 * TokenExpiration minus PlayFab's own Date, so a skewed local clock does
 * not matter; the fetch lease is released whatever happens.
 */

static ngx_int_t
ngx_http_playfab_token_save(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_http_playfab_problem_t *problem,
    ngx_str_t *token, uint64_t *gen)
{
    time_t                         now, base, lifetime, expires, ahead;
    ngx_int_t                      status;
    playfab_reply_e                reply;
    playfab_envelope_t             env;
    playfab_token_reply_t          tr;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    /* the token is the settings' that asked for it, wherever r is now */

    plcf = call->conf;
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    reply = ngx_http_playfab_api_reply(call, &env);

    if (reply != PLAYFAB_REPLY_OK) {
        status = ngx_http_playfab_api_failure(r, call, &env, reply, problem);
        goto failed;
    }

    if (playfab_token_reply(&env, &tr) != 0) {
        status = ngx_http_playfab_api_failure(r, call, &env,
                                              PLAYFAB_REPLY_MALFORMED,
                                              problem);
        goto failed;
    }

    now = ngx_time();
    base = (call->date != -1) ? call->date : now;
    lifetime = (time_t) tr.expires - base;

    if (lifetime <= 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "playfab: GetEntityToken returned a token that "
                      "expires %T s before PlayFab's Date", -lifetime);
        status = ngx_http_playfab_api_failure(r, call, &env,
                                              PLAYFAB_REPLY_MALFORMED,
                                              problem);
        goto failed;
    }

    /* a minute of margin for a long-lived token's last in-flight uses */
    expires = now + lifetime - (lifetime >= 120 ? 60 : 0);

    ahead = ngx_min(plcf->refresh_ahead, (expires - now) / 2);

    token->len = tr.token_len;
    token->data = ngx_pnalloc(r->pool, tr.token_len);
    if (token->data == NULL) {
        status = NGX_HTTP_INTERNAL_SERVER_ERROR;
        goto failed;
    }

    ngx_memcpy(token->data, tr.token, tr.token_len);

    playfab_envelope_free(&env);

    if (ngx_http_playfab_token_store(pmcf->shm_zone, &plcf->token_key, token,
                                     expires, expires - ahead, gen)
        != NGX_OK)
    {
        ngx_http_playfab_token_release(pmcf->shm_zone, &plcf->token_key, 0);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_OK, 0);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: title token stored, lifetime %T s, "
                   "refresh in %T s", lifetime, expires - ahead - now);

    return NGX_OK;

failed:

    playfab_envelope_free(&env);
    ngx_http_playfab_token_release(pmcf->shm_zone, &plcf->token_key, status);

    return status;
}


static ngx_int_t
ngx_http_playfab_token_wait(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (!ctx->token_waiting) {
        ctx->token_waiting = 1;
        ctx->wait_deadline = ngx_current_msec + plcf->token_wait;

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: title token being fetched elsewhere, "
                       "waiting");

        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_TOKEN,
                                       NGX_HTTP_PLAYFAB_M_WAIT);
    }

    if ((ngx_msec_int_t) (ngx_current_msec - ctx->wait_deadline) >= 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "playfab: no title token after waiting %M ms for "
                      "another request's GetEntityToken", plcf->token_wait);

        return ngx_http_playfab_problem(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                        "token_wait_timeout",
                                        "the PlayFab title token could not "
                                        "be obtained in time");
    }

    return ngx_http_playfab_poll(r, ctx);
}


/* $playfab_token_cache: the first state a request met tells the most */

static void
ngx_http_playfab_token_cache(ngx_http_playfab_ctx_t *ctx, const char *state)
{
    if (ctx->token_cache == NULL) {
        ctx->token_cache = state;
    }
}


/*
 * RequestPartyService refused the title token itself (HTTP 401, or
 * errorCode 1335/1336/1337): the token is dropped, if the cache still
 * holds that same one, and the caller tries once more with a new one.
 * Returns 1 when it should.  (ValidateEntityToken's refusals may be of
 * the player's token: see ngx_http_playfab_token_suspect().)
 */

ngx_uint_t
ngx_http_playfab_token_refused(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, playfab_envelope_t *env,
    playfab_reply_e reply)
{
    ngx_uint_t                     refused;
    ngx_http_playfab_call_t       *call;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    call = &ctx->call;

    refused = call->status == NGX_HTTP_UNAUTHORIZED
              || (call->op == NGX_HTTP_PLAYFAB_OP_PARTY
                  && reply == PLAYFAB_REPLY_ERROR
                  && env->fault.error_code >= 1335
                  && env->fault.error_code <= 1337);

    if (!refused || ctx->retried || call->op == NGX_HTTP_PLAYFAB_OP_TOKEN) {
        return 0;
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "playfab: %s refused the title token (%i), retrying once "
                  "with a new one", ngx_http_playfab_op_name(call->op),
                  env->fault.error_code);

    ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_ERROR,
                                  env->fault.error_code);

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    (void) ngx_http_playfab_token_invalidate(pmcf->shm_zone, &plcf->token_key,
                                             ctx->token_gen);
    ctx->retried = 1;

    return 1;
}
