/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The content handler: read the body, validate it and apply the policy,
 * get the title token, call RequestPartyService (once more if PlayFab
 * refused the token) and return the network descriptor.
 */

#include "ngx_http_playfab_handlers.h"
#include "playfab_http.h"


typedef enum {
    NGX_HTTP_PLAYFAB_STATE_IDEMPOTENCY = 0,
    NGX_HTTP_PLAYFAB_STATE_TOKEN,
    NGX_HTTP_PLAYFAB_STATE_PARTY
} ngx_http_playfab_state_e;


static void ngx_http_playfab_party_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_playfab_party_validate(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_party_read_body(ngx_http_request_t *r,
    ngx_str_t *body);
static void ngx_http_playfab_party_resume(ngx_http_request_t *r);
static void ngx_http_playfab_party_run(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_party_step(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_party_done(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_party_send(ngx_http_request_t *r,
    playfab_party_reply_t *reply);
static ngx_int_t ngx_http_playfab_party_respond(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_uint_t ngx_http_playfab_party_json(ngx_http_request_t *r);


static ngx_str_t  ngx_http_playfab_json_type = ngx_string("application/json");


ngx_int_t
ngx_http_playfab_party_handler(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_str_t                allow;
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_playfab_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->method != NGX_HTTP_POST) {
        ngx_str_set(&allow, "POST, OPTIONS");

        if (ngx_http_playfab_add_header(r, "Allow", &allow) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        /* a CORS preflight: add_header ... always supplies the rest */

        if (r->method == NGX_HTTP_OPTIONS) {
            rc = ngx_http_discard_request_body(r);

            if (rc != NGX_OK) {
                return rc;
            }

            r->headers_out.status = NGX_HTTP_NO_CONTENT;
            r->header_only = 1;
            r->headers_out.content_length_n = 0;

            return ngx_http_send_header(r);
        }

        return ngx_http_playfab_problem(r, NGX_HTTP_NOT_ALLOWED,
                                        "method_not_allowed",
                                        "party requests are POSTed");
    }

    if (!ngx_http_playfab_party_json(r)) {
        return ngx_http_playfab_problem(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                        "unsupported_media_type",
                                        "the body must be application/json");
    }

    rc = ngx_http_read_client_request_body(r, ngx_http_playfab_party_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static ngx_uint_t
ngx_http_playfab_party_json(ngx_http_request_t *r)
{
    ngx_str_t  *type;

    if (r->headers_in.content_type == NULL) {
        return 0;
    }

    type = &r->headers_in.content_type->value;

    return playfab_http_is_json((char *) type->data, type->len);
}


static void
ngx_http_playfab_party_body(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);

    rc = ngx_http_playfab_party_validate(r, ctx);

    if (rc == NGX_OK) {
        r->write_event_handler = ngx_http_playfab_party_resume;
        ctx->state = NGX_HTTP_PLAYFAB_STATE_IDEMPOTENCY;

        /* the ACCESS phase may have used the title token machinery too */
        ctx->retried = 0;
        ctx->token_waiting = 0;

        ngx_http_playfab_party_run(r, ctx);
        return;
    }

    ngx_http_finalize_request(r, rc);
}


/* the client's JSON becomes, or not, the body sent to PlayFab */

static ngx_int_t
ngx_http_playfab_party_validate(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    int                           rc;
    size_t                        len;
    ngx_str_t                     body, playfab_id, *id;
    playfab_error_t               err;
    playfab_party_req_t           req;
    playfab_party_extra_t         extra;
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (ngx_http_playfab_party_read_body(r, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (plcf->idempotency
        && ngx_http_playfab_idem_body(r, ctx, &body) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&req, sizeof(playfab_party_req_t));
    ngx_memzero(&extra, sizeof(playfab_party_extra_t));

    /* PlayFabId: from the caller's identity, never from the body */

    playfab_id = ctx->identity.master_id;

    if (plcf->playfab_id
        && ngx_http_complex_value(r, plcf->playfab_id, &playfab_id)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (playfab_id.len) {
        extra.playfab_id = (char *) playfab_id.data;
        extra.playfab_id_len = playfab_id.len;
    }

    id = ngx_http_playfab_request_id(r);

    if (id) {
        extra.request_id = (char *) id->data;
        extra.request_id_len = id->len;
    }

    if (plcf->bind_invitation) {

        /* satisfy any with an allow that matched: nobody to bind to */

        if (ctx->identity.entity_id.len == 0) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "playfab: no authenticated player to bind the "
                          "invitation to");

            return ngx_http_playfab_problem(r, NGX_HTTP_FORBIDDEN,
                                            "principal_required",
                                            "the invitation is bound to an "
                                            "authenticated player");
        }

        extra.bind_entity_id = (char *) ctx->identity.entity_id.data;
        extra.bind_entity_id_len = ctx->identity.entity_id.len;
        extra.bind_entity_type = (char *) ctx->identity.entity_type.data;
        extra.bind_entity_type_len = ctx->identity.entity_type.len;
    }

    rc = playfab_party_parse(&req, (char *) body.data, body.len, &err);

    if (rc == 0) {
        rc = playfab_party_apply_policy(&req, plcf->policy, &err);
    }

    if (rc == 0) {
        len = playfab_party_serialize(&req, &extra, NULL);

        ctx->party_body.data = ngx_pnalloc(r->pool, len);

        if (ctx->party_body.data == NULL) {
            rc = -2;

        } else {
            ctx->party_body.len =
                playfab_party_serialize(&req, &extra,
                                        (char *) ctx->party_body.data);
        }
    }

    playfab_party_free(&req);

    if (rc == -2) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != 0) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "playfab: invalid party request: %s \"%s\": %s",
                      err.code, err.field, err.rule);

        ctx->problem.field.len = ngx_strlen(err.field);
        ctx->problem.field.data = ngx_pnalloc(r->pool,
                                              ctx->problem.field.len);
        if (ctx->problem.field.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memcpy(ctx->problem.field.data, err.field,
                   ctx->problem.field.len);

        ctx->problem.detail.len = ngx_strlen(err.rule);
        ctx->problem.detail.data = ngx_pnalloc(r->pool,
                                               ctx->problem.detail.len);
        if (ctx->problem.detail.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memcpy(ctx->problem.detail.data, err.rule,
                   ctx->problem.detail.len);

        ctx->problem.status = NGX_HTTP_BAD_REQUEST;
        ctx->problem.code = err.code;
        ctx->problem_set = 1;

        return NGX_HTTP_BAD_REQUEST;
    }

    return NGX_OK;
}


/* the body in one piece, whether nginx kept it in memory or a file */

static ngx_int_t
ngx_http_playfab_party_read_body(ngx_http_request_t *r, ngx_str_t *body)
{
    u_char       *p;
    size_t        len;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    len = 0;

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        ngx_str_null(body);
        return NGX_OK;
    }

    /* the usual case, one buffer in memory: no copy */

    cl = r->request_body->bufs;

    if (cl->next == NULL && !cl->buf->in_file) {
        body->data = cl->buf->pos;
        body->len = cl->buf->last - cl->buf->pos;
        return NGX_OK;
    }

    for ( /* void */ ; cl; cl = cl->next) {
        len += ngx_buf_size(cl->buf);
    }

    body->data = ngx_pnalloc(r->pool, len);
    if (body->data == NULL) {
        return NGX_ERROR;
    }

    p = body->data;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (ngx_buf_size(b) == 0) {
            continue;
        }

        if (b->in_file) {
            n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                return NGX_ERROR;
            }

            p += n;

        } else {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    body->len = p - body->data;

    return NGX_OK;
}


static void
ngx_http_playfab_party_resume(ngx_http_request_t *r)
{
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);

    if (ctx->wait_event.timer_set || (ctx->call.active && !ctx->call.done)) {
        return;
    }

    ngx_http_playfab_party_run(r, ctx);
}


/* one more step; once there is a response, the request is finalized */

static void
ngx_http_playfab_party_run(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_http_playfab_party_step(r, ctx);

    if (rc == NGX_AGAIN && !ctx->responded) {
        return;
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_finalize_request(r, rc);
}


/* runs until a call is under way (NGX_AGAIN) or there is a response */

static ngx_int_t
ngx_http_playfab_party_step(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t                     rc;
    ngx_str_t                     replay;
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    for ( ;; ) {

        if (ctx->state == NGX_HTTP_PLAYFAB_STATE_IDEMPOTENCY) {
            rc = plcf->idempotency
                 ? ngx_http_playfab_idem_check(r, ctx, &replay)
                 : NGX_DECLINED;

            if (rc == NGX_OK) {
                return ngx_http_playfab_party_respond(r, &replay);
            }

            if (rc != NGX_DECLINED) {
                return rc;
            }

            ctx->state = NGX_HTTP_PLAYFAB_STATE_TOKEN;
        }

        if (ctx->state == NGX_HTTP_PLAYFAB_STATE_TOKEN) {

            if (ctx->call.active) {
                ctx->call.active = 0;
                rc = ngx_http_playfab_token_fetched(r, ctx);

            } else {
                rc = ngx_http_playfab_token(r, ctx);
            }

            if (rc != NGX_OK) {
                return rc;
            }

            ctx->state = NGX_HTTP_PLAYFAB_STATE_PARTY;
            ctx->party_sent = 1;

            rc = ngx_http_playfab_api_call(r, &ctx->call,
                                           NGX_HTTP_PLAYFAB_OP_PARTY,
                                           &ctx->party_body, NULL);

            return (rc == NGX_AGAIN) ? NGX_AGAIN
                                     : NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ctx->call.active = 0;

        rc = ngx_http_playfab_party_done(r, ctx);

        if (rc != NGX_DECLINED) {
            return rc;
        }

        /* PlayFab refused the title token: one more try with a new one */
        ctx->state = NGX_HTTP_PLAYFAB_STATE_TOKEN;
    }
}


/* NGX_DECLINED asks for the one retry with a fresh token */

static ngx_int_t
ngx_http_playfab_party_done(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t                 rc;
    playfab_reply_e           reply;
    playfab_envelope_t        env;
    playfab_party_reply_t     party;
    ngx_http_playfab_call_t  *call;

    call = &ctx->call;

    reply = ngx_http_playfab_api_reply(call, &env);

    if (reply == PLAYFAB_REPLY_OK && playfab_party_reply(&env, &party) == 0) {
        ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_OK, 0);

        ctx->party_id.data = ngx_pnalloc(r->pool, party.party_id_len);
        if (ctx->party_id.data) {
            ctx->party_id.len = party.party_id_len;
            ngx_memcpy(ctx->party_id.data, party.party_id,
                       party.party_id_len);
        }

        rc = ngx_http_playfab_party_send(r, &party);
        playfab_envelope_free(&env);
        return rc;
    }

    if (reply == PLAYFAB_REPLY_OK) {
        reply = PLAYFAB_REPLY_MALFORMED;
    }

    /*
     * PlayFab's own 4xx refused the request: no party.  Anything else (no
     * answer, a 5xx, an answer we cannot read) may hide one.
     */

    if (reply == PLAYFAB_REPLY_ERROR && call->status >= 400
        && call->status < 500)
    {
        ctx->party_sent = 0;
    }

    if (ngx_http_playfab_token_refused(r, ctx, &env, reply)) {
        playfab_envelope_free(&env);
        return NGX_DECLINED;
    }

    rc = ngx_http_playfab_api_failure(r, call, &env, reply, &ctx->problem);
    ctx->problem_set = 1;

    playfab_envelope_free(&env);

    return rc;
}


static ngx_int_t
ngx_http_playfab_party_send(ngx_http_request_t *r,
    playfab_party_reply_t *reply)
{
    ngx_str_t                body;
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);

    body.len = playfab_party_reply_json(reply, NULL);
    body.data = ngx_pnalloc(r->pool, body.len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) playfab_party_reply_json(reply, (char *) body.data);

    ngx_http_playfab_idem_done(r, ctx, body.data, body.len);

    return ngx_http_playfab_party_respond(r, &body);
}


/* 200 application/json, never cached, with the request id */

static ngx_int_t
ngx_http_playfab_party_respond(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t                rc;
    ngx_str_t                v, *id;
    ngx_buf_t               *b;
    ngx_chain_t              out;
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);
    ctx->responded = 1;

    ngx_str_set(&v, "no-store");

    if (ngx_http_playfab_add_header(r, "Cache-Control", &v) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    id = ngx_http_playfab_request_id(r);

    if (id && ngx_http_playfab_add_header(r, "X-Request-Id", id) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_type = ngx_http_playfab_json_type;
    r->headers_out.content_type_len = ngx_http_playfab_json_type.len;
    r->headers_out.content_length_n = body->len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->memory = 1;
    b->pos = body->data;
    b->last = body->data + body->len;
    b->last_buf = 1;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
