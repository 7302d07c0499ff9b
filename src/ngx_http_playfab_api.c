/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * PlayFab calls as nginx subrequests to the internal API location: a
 * POST with a JSON body and a header list of our own (nothing of the
 * client's reaches PlayFab), the reply collected in memory by a body
 * filter of ours, up to the location's subrequest_output_buffer_size;
 * and the mapping of PlayFab's failures to our responses
 * (docs/errors.md).  Key sets are fetched the same way: a GET, in the
 * background, to the location the studio names.
 */

#include "ngx_http_playfab_api.h"
#include "playfab_errors.h"
#include "playfab_http.h"
#include "playfab_time.h"


static ngx_int_t ngx_http_playfab_api_headers(ngx_http_request_t *r,
    ngx_http_request_t *sr, ngx_http_playfab_op_e op, size_t len);
static ngx_int_t ngx_http_playfab_api_header(ngx_http_request_t *sr,
    ngx_str_t *key, ngx_str_t *value, ngx_table_elt_t **hp);
static ngx_int_t ngx_http_playfab_api_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_playfab_api_fetch_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_playfab_api_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_playfab_retry_after(ngx_http_request_t *sr);
static long ngx_http_playfab_max_age(ngx_http_request_t *sr);
static ngx_int_t ngx_http_playfab_fault(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, playfab_fault_t *fault,
    ngx_http_playfab_problem_t *problem);
static void ngx_http_playfab_copy(ngx_http_request_t *r, const char *s,
    ngx_str_t *out);
static void ngx_http_playfab_problem_fill(ngx_http_request_t *r,
    ngx_http_playfab_problem_t *problem, ngx_uint_t status,
    const char *code, const char *detail);


static ngx_http_output_body_filter_pt  ngx_http_next_body_filter;


static ngx_str_t  ngx_http_playfab_op_paths[] = {
    ngx_string("Authentication/GetEntityToken"),
    ngx_string("Party/RequestPartyService"),
    ngx_string("Authentication/ValidateEntityToken")
};

static const char  *ngx_http_playfab_op_names[] = {
    "GetEntityToken",
    "RequestPartyService",
    "ValidateEntityToken"
};


static ngx_str_t  ngx_http_playfab_post = ngx_string("POST");
static ngx_str_t  ngx_http_playfab_json = ngx_string("application/json");

/* the subrequest's own headers: names, and their lowercase forms */
static ngx_str_t  ngx_http_playfab_content_type[2] = {
    ngx_string("Content-Type"), ngx_string("content-type")
};
static ngx_str_t  ngx_http_playfab_secret_header[2] = {
    ngx_string("X-SecretKey"), ngx_string("x-secretkey")
};
static ngx_str_t  ngx_http_playfab_token_header[2] = {
    ngx_string("X-EntityToken"), ngx_string("x-entitytoken")
};
static ngx_str_t  ngx_http_playfab_accept[2] = {
    ngx_string("Accept"), ngx_string("accept")
};


/* one of the module's own calls to PlayFab, which no other can pass for */

ngx_uint_t
ngx_http_playfab_api_subrequest(ngx_http_request_t *r)
{
    return r->post_subrequest != NULL
           && (r->post_subrequest->handler == ngx_http_playfab_api_done
               || r->post_subrequest->handler
                  == ngx_http_playfab_api_fetch_done);
}


ngx_int_t
ngx_http_playfab_api_init(ngx_conf_t *cf)
{
    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_playfab_api_body_filter;

    return NGX_OK;
}


const char *
ngx_http_playfab_op_name(ngx_http_playfab_op_e op)
{
    return ngx_http_playfab_op_names[op];
}


/*
 * Starts a subrequest; returns NGX_AGAIN, or NGX_ERROR.  A background
 * call (the token refresh) does not hold the response back.
 */

ngx_int_t
ngx_http_playfab_api_call(ngx_http_request_t *r, ngx_http_playfab_call_t *call,
    ngx_http_playfab_op_e op, ngx_str_t *body, ngx_http_playfab_call_pt done)
{
    ngx_uint_t                    flags;
    ngx_str_t                     uri;
    ngx_buf_t                    *b;
    ngx_chain_t                  *cl;
    ngx_http_request_t           *sr;
    ngx_http_request_body_t      *rb;
    ngx_http_post_subrequest_t   *ps;
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    uri.len = plcf->api_location.len + ngx_http_playfab_op_paths[op].len;
    uri.data = ngx_pnalloc(r->pool, uri.len);
    if (uri.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(ngx_cpymem(uri.data, plcf->api_location.data,
                          plcf->api_location.len),
               ngx_http_playfab_op_paths[op].data,
               ngx_http_playfab_op_paths[op].len);

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_playfab_api_done;
    ps->data = call;

    ngx_memzero(call, sizeof(ngx_http_playfab_call_t));
    call->request = r;
    call->conf = plcf;
    call->op = op;
    call->background = (done != NULL);
    call->handler = done;
    call->date = -1;
    call->retry_after = -1;
    call->start = ngx_current_msec;

    flags = NGX_HTTP_SUBREQUEST_IN_MEMORY
            | (done ? NGX_HTTP_SUBREQUEST_BACKGROUND
                          : NGX_HTTP_SUBREQUEST_WAITED);

    if (ngx_http_subrequest(r, &uri, NULL, &sr, ps, flags) != NGX_OK) {
        return NGX_ERROR;
    }

    call->active = 1;

    sr->method = NGX_HTTP_POST;
    sr->method_name = ngx_http_playfab_post;

    if (ngx_http_playfab_api_headers(r, sr, op, body->len) != NGX_OK) {
        return NGX_ERROR;
    }

    rb = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
    if (rb == NULL) {
        return NGX_ERROR;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->start = body->data;
    b->pos = body->data;
    b->last = body->data + body->len;
    b->end = b->last;
    b->memory = 1;
    b->last_buf = 1;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = b;
    cl->next = NULL;

    rb->bufs = cl;
    rb->buf = b;
    sr->request_body = rb;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: %s call started%s",
                   ngx_http_playfab_op_names[op],
                   done ? " in the background" : "");

    return NGX_AGAIN;
}


/*
 * A GET of uri in the background, with a header list of its own (the
 * client's credentials never reach the key provider) and no body; the
 * reply is kept in memory as PlayFab's are.  fetched(r, call) runs when
 * it is over, even after r was answered.  NGX_AGAIN, or NGX_ERROR.
 */

ngx_int_t
ngx_http_playfab_api_fetch(ngx_http_request_t *r, ngx_http_playfab_call_t *call,
    ngx_str_t *uri, ngx_http_playfab_call_pt fetched, void *data)
{
    ngx_str_t                    any;
    ngx_http_request_t          *sr;
    ngx_http_post_subrequest_t  *ps;

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_playfab_api_fetch_done;
    ps->data = call;

    ngx_memzero(call, sizeof(ngx_http_playfab_call_t));
    call->request = r;
    call->background = 1;
    call->date = -1;
    call->retry_after = -1;
    call->max_age = -1;
    call->start = ngx_current_msec;
    call->handler = fetched;
    call->data = data;

    if (ngx_http_subrequest(r, uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_BACKGROUND)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    call->active = 1;

    sr->method = NGX_HTTP_GET;
    ngx_str_set(&sr->method_name, "GET");
    sr->request_body = NULL;

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;

    ngx_str_set(&any, "application/jwk-set+json, application/json");

    if (ngx_http_playfab_api_header(sr, ngx_http_playfab_accept, &any, NULL)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: fetch of \"%V\" started", uri);

    return NGX_AGAIN;
}


static ngx_int_t
ngx_http_playfab_api_fetch_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc)
{
    ngx_http_playfab_call_t  *call = data;

    if (call->done) {
        return rc;
    }

    call->done = 1;
    call->active = 0;
    call->rc = (rc == NGX_OK && call->oversize) ? NGX_ERROR : rc;

    if (sr->upstream && sr->upstream->headers_in.status_n) {
        call->status = sr->upstream->headers_in.status_n;
        call->max_age = ngx_http_playfab_max_age(sr);
    }

    ngx_log_debug4(NGX_LOG_DEBUG_HTTP, sr->connection->log, 0,
                   "playfab: fetch done: rc %i, status %ui, %uz bytes, "
                   "%M ms", rc, call->status, call->body.len,
                   ngx_current_msec - call->start);

    call->handler(call->request, call);

    return rc;
}


/*
 * The subrequest gets a header list of its own: the client's headers,
 * credentials included, never reach PlayFab.
 */

static ngx_int_t
ngx_http_playfab_api_headers(ngx_http_request_t *r, ngx_http_request_t *sr,
    ngx_http_playfab_op_e op, size_t len)
{
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 2,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->headers_in.content_length_n = len;
    sr->headers_in.keep_alive_n = -1;

    if (ngx_http_playfab_api_header(sr, ngx_http_playfab_content_type,
                                    &ngx_http_playfab_json,
                                    &sr->headers_in.content_type)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (op == NGX_HTTP_PLAYFAB_OP_TOKEN) {
        return ngx_http_playfab_api_header(sr, ngx_http_playfab_secret_header,
                                           &plcf->secret, NULL);
    }

    return ngx_http_playfab_api_header(sr, ngx_http_playfab_token_header,
                                       &ctx->token, NULL);
}


/* key: the name, then its lowercase form */

static ngx_int_t
ngx_http_playfab_api_header(ngx_http_request_t *sr, ngx_str_t *key,
    ngx_str_t *value, ngx_table_elt_t **hp)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&sr->headers_in.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->key = key[0];
    h->value = *value;
    h->hash = 1;
    h->lowcase_key = key[1].data;

#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    if (hp) {
        *hp = h;
    }

    return NGX_OK;
}


/*
 * Records the outcome; nginx may call this more than once for one
 * subrequest (an error status is finalized twice), hence the guard.
 */

static ngx_int_t
ngx_http_playfab_api_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_http_playfab_call_t  *call = data;

    ngx_table_elt_t         *date;
    ngx_http_playfab_ctx_t  *ctx;

    if (call->done) {
        return rc;
    }

    call->done = 1;
    call->rc = (rc == NGX_OK && call->oversize) ? NGX_ERROR : rc;

    if (sr->upstream && sr->upstream->headers_in.status_n) {
        call->status = sr->upstream->headers_in.status_n;

        /* only the title token's lifetime is reckoned from PlayFab's clock */

        date = sr->upstream->headers_in.date;

        if (date && call->op == NGX_HTTP_PLAYFAB_OP_TOKEN) {
            call->date = ngx_parse_http_time(date->value.data,
                                             date->value.len);
            if (call->date == NGX_ERROR) {
                call->date = -1;
            }
        }

        /* read for a throttled call only */

        if (call->status != NGX_HTTP_OK) {
            call->retry_after = ngx_http_playfab_retry_after(sr);
        }
    }

    ngx_log_debug5(NGX_LOG_DEBUG_HTTP, sr->connection->log, 0,
                   "playfab: %s call done: rc %i, status %ui, "
                   "%uz bytes, %M ms",
                   ngx_http_playfab_op_names[call->op], rc, call->status,
                   call->body.len, ngx_current_msec - call->start);

    if (call->background) {
        call->active = 0;
        call->handler(call->request, call);

    } else {
        ctx = ngx_http_get_module_ctx(call->request,
                                      ngx_http_playfab_party_module);
        ctx->upstream_time += ngx_current_msec - call->start;
        ctx->upstream_calls++;
    }

    return rc;
}


/*
 * Keeps a subrequest's reply for the module: nothing of it goes down the
 * chain, so nginx's own in-memory limit (an error that would drop the
 * client's connection) is never reached; a reply over the limit is just
 * marked oversized.
 */

static ngx_int_t
ngx_http_playfab_api_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    size_t                     size;
    ngx_buf_t                 *b;
    ngx_chain_t               *cl;
    ngx_http_playfab_call_t   *call;
    ngx_http_core_loc_conf_t  *clcf;

    if (!ngx_http_playfab_api_subrequest(r)) {
        return ngx_http_next_body_filter(r, in);
    }

    call = r->post_subrequest->data;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;
        size = ngx_buf_in_memory(b) ? (size_t) (b->last - b->pos)
                                    : (size_t) ngx_buf_size(b);

        if (size == 0 || call->oversize) {
            /* void */

        } else if (!ngx_buf_in_memory(b)
                   || call->body.len + size
                      > clcf->subrequest_output_buffer_size)
        {
            call->oversize = 1;

        } else {
            if (call->body.data == NULL) {
                call->body.data = ngx_pnalloc(r->pool,
                                         clcf->subrequest_output_buffer_size);
                if (call->body.data == NULL) {
                    return NGX_ERROR;
                }
            }

            ngx_memcpy(call->body.data + call->body.len, b->pos, size);
            call->body.len += size;
        }

        b->pos = b->last;

        if (b->in_file) {
            b->file_pos = b->file_last;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_retry_after(ngx_http_request_t *sr)
{
    time_t            t;
    ngx_int_t         n;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &sr->upstream->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return -1;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != sizeof("Retry-After") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "Retry-After",
                               h[i].key.len)
               != 0)
        {
            continue;
        }

        n = playfab_http_retry_after((char *) h[i].value.data,
                                     h[i].value.len);

        if (n != -1) {
            return n;
        }

        t = ngx_parse_http_time(h[i].value.data, h[i].value.len);

        if (t == NGX_ERROR) {
            return -1;
        }

        return ngx_max(0, ngx_min(t - ngx_time(), PLAYFAB_RETRY_AFTER_MAX));
    }
}


/* the least lifetime the reply's Cache-Control fields give, or -1 */

static long
ngx_http_playfab_max_age(ngx_http_request_t *sr)
{
    long              age, n;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    age = -1;
    part = &sr->upstream->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return age;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != sizeof("Cache-Control") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "Cache-Control",
                               h[i].key.len)
               != 0)
        {
            continue;
        }

        n = playfab_cache_max_age((char *) h[i].value.data, h[i].value.len);

        if (n >= 0 && (age == -1 || n < age)) {
            age = n;
        }
    }
}


/* PlayFab's reply to a finished call, when there is one to parse */

playfab_reply_e
ngx_http_playfab_api_reply(ngx_http_playfab_call_t *call,
    playfab_envelope_t *env)
{
    ngx_memzero(env, sizeof(playfab_envelope_t));

    if (call->status == 0 || call->rc != NGX_OK) {
        return PLAYFAB_REPLY_MALFORMED;
    }

    return playfab_envelope_parse(env, (char *) call->body.data,
                                  call->body.len);
}


/*
 * A failed call: the status for the client, the problem that explains
 * it, and a log line at the level of who must act.
 */

ngx_int_t
ngx_http_playfab_api_failure(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, playfab_envelope_t *env,
    playfab_reply_e reply, ngx_http_playfab_problem_t *problem)
{
    const char  *op;

    op = ngx_http_playfab_op_names[call->op];

    if (call->status == 0) {

        if (call->rc == NGX_HTTP_GATEWAY_TIME_OUT) {
            ngx_http_playfab_metrics_call(r, call,
                                          NGX_HTTP_PLAYFAB_M_TIMEOUT, 0);
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "playfab: %s timed out", op);
            ngx_http_playfab_problem_fill(r, problem,
                                          NGX_HTTP_GATEWAY_TIME_OUT,
                                          "playfab_timeout",
                                          "PlayFab did not answer in time");
            return NGX_HTTP_GATEWAY_TIME_OUT;
        }

        ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_UNAVAILABLE,
                                      0);
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "playfab: %s got no reply from PlayFab (%i)",
                      op, call->rc);
        ngx_http_playfab_problem_fill(r, problem,
                                      NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "playfab_unavailable",
                                      "PlayFab could not be reached");
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    if (reply == PLAYFAB_REPLY_ERROR && call->rc == NGX_OK) {
        ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_ERROR,
                                      env->fault.error_code);
        return ngx_http_playfab_fault(r, call, &env->fault, problem);
    }

    if (call->status >= NGX_HTTP_INTERNAL_SERVER_ERROR) {
        ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_UNAVAILABLE,
                                      0);
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "playfab: %s failed with HTTP %ui and no PlayFab "
                      "error", op, call->status);
        ngx_http_playfab_problem_fill(r, problem,
                                      NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "playfab_unavailable",
                                      "PlayFab is unavailable");
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    if (call->status == NGX_HTTP_TOO_MANY_REQUESTS) {
        playfab_fault_t  fault;

        ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_ERROR, 0);

        ngx_memzero(&fault, sizeof(playfab_fault_t));
        fault.code = NGX_HTTP_TOO_MANY_REQUESTS;
        fault.retry_after = -1;

        return ngx_http_playfab_fault(r, call, &fault, problem);
    }

    ngx_http_playfab_metrics_call(r, call, NGX_HTTP_PLAYFAB_M_BAD_REPLY, 0);
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "playfab: %s returned a malformed or oversized reply "
                  "(HTTP %ui, %uz bytes)", op, call->status, call->body.len);
    ngx_http_playfab_problem_fill(r, problem, NGX_HTTP_BAD_GATEWAY,
                                  "playfab_bad_reply",
                                  "PlayFab's reply could not be understood");
    return NGX_HTTP_BAD_GATEWAY;
}


static ngx_int_t
ngx_http_playfab_fault(ngx_http_request_t *r, ngx_http_playfab_call_t *call,
    playfab_fault_t *fault, ngx_http_playfab_problem_t *problem)
{
    const char                  *op;
    ngx_uint_t                   status;
    ngx_int_t                    retry_after;
    const playfab_error_info_t  *info;

    op = ngx_http_playfab_op_names[call->op];

    /* fault lives in the caller's envelope: keep copies */
    ngx_http_playfab_copy(r, fault->error, &problem->playfab_error);
    problem->playfab_error_code = fault->error_code;

    info = playfab_error_find((int) fault->error_code);

    switch (info ? info->class : PLAYFAB_ERROR_BY_STATUS) {

    case PLAYFAB_ERROR_REJECTED:
        status = info->status;
        break;

    case PLAYFAB_ERROR_THROTTLED:
        status = NGX_HTTP_TOO_MANY_REQUESTS;
        break;

    case PLAYFAB_ERROR_CONFIGURATION:
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "playfab: %s refused the title's credentials or "
                      "configuration: %s (%i) \"%s\"",
                      op, fault->error, fault->error_code, fault->message);
        ngx_http_playfab_problem_fill(r, problem, NGX_HTTP_BAD_GATEWAY,
                                      playfab_error_problem(
                                          PLAYFAB_ERROR_CONFIGURATION),
                                      "PlayFab refused this service's "
                                      "title configuration");
        return NGX_HTTP_BAD_GATEWAY;

    case PLAYFAB_ERROR_UNAVAILABLE:
        status = NGX_HTTP_SERVICE_UNAVAILABLE;
        break;

    default: /* PLAYFAB_ERROR_BY_STATUS */
        if (call->status == NGX_HTTP_TOO_MANY_REQUESTS) {
            status = NGX_HTTP_TOO_MANY_REQUESTS;

        } else if (call->status >= NGX_HTTP_INTERNAL_SERVER_ERROR) {
            status = NGX_HTTP_SERVICE_UNAVAILABLE;

        } else if (call->status == NGX_HTTP_UNAUTHORIZED
                   || call->status == NGX_HTTP_FORBIDDEN
                   || call->op == NGX_HTTP_PLAYFAB_OP_TOKEN)
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "playfab: %s refused this service: HTTP %ui "
                          "%s (%i) \"%s\"", op, call->status, fault->error,
                          fault->error_code, fault->message);
            ngx_http_playfab_problem_fill(r, problem, NGX_HTTP_BAD_GATEWAY,
                                          "playfab_configuration",
                                          "PlayFab refused this service's "
                                          "title configuration");
            return NGX_HTTP_BAD_GATEWAY;

        } else if (call->status == NGX_HTTP_NOT_FOUND
                   || call->status == NGX_HTTP_CONFLICT)
        {
            status = call->status;

        } else {
            status = NGX_HTTP_BAD_REQUEST;
        }
    }

    if (status == NGX_HTTP_TOO_MANY_REQUESTS) {
        retry_after = call->retry_after;

        if (retry_after < 0) {
            retry_after = fault->retry_after;
        }

        problem->retry_after = retry_after;

        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "playfab: %s throttled by PlayFab: %s (%i), "
                      "retry after %i s", op, fault->error,
                      fault->error_code, retry_after);
        ngx_http_playfab_problem_fill(r, problem, status,
                                      playfab_error_problem(
                                          PLAYFAB_ERROR_THROTTLED),
                                      "PlayFab is throttling this title");
        return status;
    }

    if (status == NGX_HTTP_SERVICE_UNAVAILABLE) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "playfab: %s failed: %s (%i) \"%s\"", op,
                      fault->error, fault->error_code, fault->message);
        ngx_http_playfab_problem_fill(r, problem, status,
                                      playfab_error_problem(
                                          PLAYFAB_ERROR_UNAVAILABLE),
                                      "PlayFab is unavailable");
        return status;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "playfab: %s rejected the request: %s (%i) \"%s\"", op,
                  fault->error, fault->error_code, fault->message);
    ngx_http_playfab_problem_fill(r, problem, status,
                                  playfab_error_problem(
                                      PLAYFAB_ERROR_REJECTED),
                                  NULL);

    /* PlayFab's own message about the party request is the detail */
    ngx_http_playfab_copy(r, fault->message, &problem->detail);

    return status;
}


static void
ngx_http_playfab_copy(ngx_http_request_t *r, const char *s, ngx_str_t *out)
{
    out->len = ngx_strlen(s);
    out->data = ngx_pnalloc(r->pool, out->len);

    if (out->data == NULL) {
        out->len = 0;
        return;
    }

    ngx_memcpy(out->data, s, out->len);
}


static void
ngx_http_playfab_problem_fill(ngx_http_request_t *r,
    ngx_http_playfab_problem_t *problem, ngx_uint_t status,
    const char *code, const char *detail)
{
    problem->status = status;
    problem->code = code;

    if (detail) {
        problem->detail.data = (u_char *) detail;
        problem->detail.len = ngx_strlen(detail);
    }
}
