/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The request utilities every floor above uses: the module's context of
 * a request, its headers in and out, the problem it will answer with,
 * its request id, and the wait that polls the shared zone.
 */

#include "ngx_http_playfab_util.h"
#include "playfab_random.h"


#define NGX_HTTP_PLAYFAB_REQUEST_ID_MAX  128
#define NGX_HTTP_PLAYFAB_WAIT_POLL       10     /* ms */


static void ngx_http_playfab_forget_caller(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_uint_t ngx_http_playfab_request_id_valid(ngx_str_t *id);
static void ngx_http_playfab_wait_handler(ngx_event_t *ev);
static void ngx_http_playfab_wait_cleanup(void *data);


static ngx_int_t  ngx_http_playfab_request_id_index = NGX_ERROR;
static ngx_str_t  ngx_http_playfab_request_id_name = ngx_string("request_id");


/*
 * The request's context, if it has one.  Its identity state (what the
 * ACCESS phase and the identity variables found of the caller) is that
 * of the location configuration the request is in: variables read
 * before the location is final (the server's rewrites, a location that
 * rewrites the URI with "last", after which nginx picks a location again
 * and keeps the context) checked the caller with other settings, so
 * what they found is forgotten here and the caller checked again.
 */

ngx_http_playfab_ctx_t *
ngx_http_playfab_find_ctx(ngx_http_request_t *r)
{
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_playfab_loc_conf_t  *plcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (ctx && ctx->auth_conf != plcf) {
        ngx_http_playfab_forget_caller(r, ctx);
        ctx->auth_conf = plcf;
    }

    return ctx;
}


ngx_http_playfab_ctx_t *
ngx_http_playfab_get_ctx(ngx_http_request_t *r)
{
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_playfab_find_ctx(r);

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_playfab_ctx_t));
        if (ctx == NULL) {
            return NULL;
        }

        ctx->auth_conf = ngx_http_get_module_loc_conf(r,
                                               ngx_http_playfab_party_module);
        ctx->call.date = -1;
        ctx->refresh.date = -1;

        ngx_http_set_ctx(r, ctx, ngx_http_playfab_party_module);
    }

    return ctx;
}


/*
 * What was found of the caller under another location's settings: its
 * outcome, principal, identity and verified token, and the refusal's
 * problem and its own challenge header (another module's stays).  A JWT
 * entry it held is released with the request, as any.
 */

static void
ngx_http_playfab_forget_caller(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: caller checked again in this location");

    ctx->auth_done = 0;
    ctx->auth_rc = 0;
    ngx_memzero(&ctx->principal, sizeof(ngx_http_playfab_principal_t));
    ngx_str_null(&ctx->principal_text);
    ngx_memzero(&ctx->identity, sizeof(ngx_http_playfab_identity_t));
    ctx->entity_started = 0;
    ngx_str_null(&ctx->entity_token);
    ngx_memzero(ctx->entity_digest, NGX_HTTP_PLAYFAB_DIGEST_LEN);
    ctx->entity_epoch = 0;
    ctx->jwt_done = 0;
    ctx->jwt_kid = 0;
    ctx->jwt_rc = 0;
    ctx->jwt = NULL;

    if (ctx->problem_set) {
        ngx_memzero(&ctx->problem, sizeof(ngx_http_playfab_problem_t));
        ctx->problem_set = 0;
    }

    if (ctx->challenge) {
        ctx->challenge->hash = 0;

        if (r->headers_out.www_authenticate == ctx->challenge) {
            r->headers_out.www_authenticate = NULL;
        }

        ctx->challenge = NULL;
    }
}


/* the last of the request headers with that (lowercase) name, and how
 * many there are */

ngx_table_elt_t *
ngx_http_playfab_header_in(ngx_http_request_t *r, const char *lowcase,
    size_t len, ngx_uint_t *count)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *found;

    found = NULL;
    *count = 0;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncmp(h[i].lowcase_key, lowcase, len) == 0)
        {
            found = &h[i];
            (*count)++;
        }
    }

    return found;
}


ngx_int_t
ngx_http_playfab_add_header(ngx_http_request_t *r, const char *key,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value = *value;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


/* records the problem and returns the status for the caller to return */

ngx_int_t
ngx_http_playfab_problem(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *detail)
{
    ngx_http_playfab_ctx_t  *ctx;

    ctx = ngx_http_playfab_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&ctx->problem, sizeof(ngx_http_playfab_problem_t));

    ctx->problem.status = status;
    ctx->problem.code = code;
    ctx->problem.detail.data = (u_char *) detail;
    ctx->problem.detail.len = ngx_strlen(detail);
    ctx->problem.retry_after = -1;
    ctx->problem_set = 1;

    return status;
}


/* postconfiguration: nginx's $request_id is known by then */

ngx_int_t
ngx_http_playfab_request_init(ngx_conf_t *cf)
{
    ngx_http_playfab_request_id_index =
        ngx_http_get_variable_index(cf, &ngx_http_playfab_request_id_name);

    return (ngx_http_playfab_request_id_index == NGX_ERROR) ? NGX_ERROR
                                                           : NGX_OK;
}


/*
 * The request's id, computed once: the configured request header when
 * it holds a sane id ([A-Za-z0-9._:-], at most 128), else $request_id.
 */

ngx_str_t *
ngx_http_playfab_request_id(ngx_http_request_t *r)
{
    u_char                       *p, bytes[16];
    ngx_uint_t                    count;
    ngx_table_elt_t              *h;
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_variable_value_t    *vv;
    ngx_http_playfab_loc_conf_t  *plcf;

    ctx = ngx_http_playfab_get_ctx(r->main);
    if (ctx == NULL) {
        return NULL;
    }

    if (ctx->request_id.len) {
        return &ctx->request_id;
    }

    plcf = ngx_http_get_module_loc_conf(r->main,
                                        ngx_http_playfab_party_module);

    if (plcf->request_id_header.len) {
        h = ngx_http_playfab_header_in(r->main,
                                         (char *) plcf->request_id_header.data,
                                         plcf->request_id_header.len, &count);

        if (h && count == 1 && ngx_http_playfab_request_id_valid(&h->value))
        {
            ctx->request_id = h->value;
            return &ctx->request_id;
        }
    }

    /*
     * $request_id, evaluated already or made here the way nginx makes it
     * (16 random bytes in hex), but from the worker's buffer of CSPRNG
     * bytes instead of a RAND_bytes call; kept as the variable's value,
     * so that the logs' $request_id is the same id
     */

    vv = &r->main->variables[ngx_http_playfab_request_id_index];

    if (!vv->valid && !vv->not_found) {
        if (playfab_random_bytes(bytes, sizeof(bytes)) == 0) {
            p = ngx_pnalloc(r->main->pool, 2 * sizeof(bytes));
            if (p == NULL) {
                return NULL;
            }

            ngx_hex_dump(p, bytes, sizeof(bytes));

            vv->data = p;
            vv->len = 2 * sizeof(bytes);
            vv->valid = 1;
            vv->no_cacheable = 0;
            vv->not_found = 0;

        } else {
            /* the CSPRNG failed: nginx's own way of making one */
            vv = ngx_http_get_indexed_variable(r->main,
                                           ngx_http_playfab_request_id_index);
        }
    }

    if (vv == NULL || !vv->valid) {
        return NULL;
    }

    ctx->request_id.data = vv->data;
    ctx->request_id.len = vv->len;

    return &ctx->request_id;
}


static ngx_uint_t
ngx_http_playfab_request_id_valid(ngx_str_t *id)
{
    u_char      c;
    ngx_uint_t  i;

    if (id->len == 0 || id->len > NGX_HTTP_PLAYFAB_REQUEST_ID_MAX) {
        return 0;
    }

    for (i = 0; i < id->len; i++) {
        c = id->data[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':'
              || c == '-'))
        {
            return 0;
        }
    }

    return 1;
}


/*
 * Looks again in a moment: r->write_event_handler runs when the timer
 * fires.  Other workers' progress is only visible in the shared zone,
 * so a waiting request polls it.
 */

ngx_int_t
ngx_http_playfab_poll(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx)
{
    ngx_pool_cleanup_t  *cln;

    if (ctx->wait_event.handler == NULL) {
        cln = ngx_pool_cleanup_add(r->pool, 0);
        if (cln == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        cln->handler = ngx_http_playfab_wait_cleanup;
        cln->data = ctx;

        ctx->wait_event.handler = ngx_http_playfab_wait_handler;
        ctx->wait_event.data = r;
        ctx->wait_event.log = r->connection->log;
    }

    ngx_add_timer(&ctx->wait_event, NGX_HTTP_PLAYFAB_WAIT_POLL);

    return NGX_AGAIN;
}


static void
ngx_http_playfab_wait_handler(ngx_event_t *ev)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = ev->data;
    c = r->connection;

    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}


static void
ngx_http_playfab_wait_cleanup(void *data)
{
    ngx_http_playfab_ctx_t  *ctx = data;

    if (ctx->wait_event.timer_set) {
        ngx_del_timer(&ctx->wait_event);
    }
}
