/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Errors as application/problem+json (RFC 9457).  Handlers return an
 * HTTP status after recording the problem in the request context; nginx
 * then sends its special response and this filter replaces the HTML body
 * with the problem document.  Errors nginx itself raises in the module's
 * locations (413, 405, 500...) get the same treatment.
 */

#include "ngx_http_playfab_handlers.h"
#include "playfab_json.h"


static ngx_int_t ngx_http_playfab_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_playfab_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_playfab_problem_build(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t status);
static u_char *ngx_http_playfab_json_member(u_char *p, const char *name,
    ngx_str_t *value);
static size_t ngx_http_playfab_json_member_len(const char *name,
    ngx_str_t *value);
static const char *ngx_http_playfab_status_code(ngx_uint_t status);
static const char *ngx_http_playfab_status_title(ngx_uint_t status);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;

static ngx_str_t  ngx_http_playfab_problem_type =
    ngx_string("application/problem+json");


ngx_int_t
ngx_http_playfab_problem_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_playfab_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_playfab_body_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_header_filter(ngx_http_request_t *r)
{
    ngx_uint_t                    status;
    ngx_str_t                     v;
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_playfab_loc_conf_t  *plcf;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    /*
     * a refusal under another location's settings (a variable read in the
     * server's rewrites) leaves no challenge header in this one's response
     */

    (void) ngx_http_playfab_find_ctx(r);

    if (r->err_status == 0) {
        return ngx_http_next_header_filter(r);
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (!plcf->party
        && (plcf->auth == NGX_CONF_UNSET_UINT
            || plcf->auth == NGX_HTTP_PLAYFAB_AUTH_OFF))
    {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_http_playfab_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    status = r->headers_out.status;

    if (ngx_http_playfab_problem_build(r, ctx, status) != NGX_OK) {
        return NGX_ERROR;
    }

    if (status == NGX_HTTP_TOO_MANY_REQUESTS && ctx->problem_set
        && ctx->problem.retry_after >= 0)
    {
        v.data = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (v.data == NULL) {
            return NGX_ERROR;
        }

        v.len = ngx_sprintf(v.data, "%i", ctx->problem.retry_after) - v.data;

        if (ngx_http_playfab_add_header(r, "Retry-After", &v) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    ngx_str_set(&v, "no-store");

    if (ngx_http_playfab_add_header(r, "Cache-Control", &v) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ctx->request_id.len
        && ngx_http_playfab_add_header(r, "X-Request-Id", &ctx->request_id)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    r->headers_out.content_type = ngx_http_playfab_problem_type;
    r->headers_out.content_type_len = ngx_http_playfab_problem_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.content_length_n = ctx->problem_body.len;

    if (r->headers_out.content_length) {
        r->headers_out.content_length->hash = 0;
        r->headers_out.content_length = NULL;
    }

    ctx->replace_body = 1;

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_playfab_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_buf_t               *b;
    ngx_uint_t               last;
    ngx_chain_t             *cl, out;
    ngx_http_playfab_ctx_t  *ctx;

    if (r != r->main) {
        return ngx_http_next_body_filter(r, in);
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);

    if (ctx == NULL || !ctx->replace_body) {
        return ngx_http_next_body_filter(r, in);
    }

    /* nginx's own error page is dropped, ours goes at its end */

    last = 0;

    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;

        if (cl->buf->last_buf) {
            last = 1;
        }
    }

    if (!last) {
        return NGX_OK;
    }

    ctx->replace_body = 0;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->memory = 1;
    b->pos = ctx->problem_body.data;
    b->last = ctx->problem_body.data + ctx->problem_body.len;
    b->last_buf = 1;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_next_body_filter(r, &out);
}


static ngx_int_t
ngx_http_playfab_problem_build(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t status)
{
    u_char                      *p;
    size_t                       len;
    ngx_str_t                    code, title, *id, none;
    ngx_http_playfab_problem_t  *pb;

    if (!ctx->problem_set || ctx->problem.status != status) {
        (void) ngx_http_playfab_problem(r, status,
                                        ngx_http_playfab_status_code(status),
                                        ngx_http_playfab_status_title(status));
    }

    pb = &ctx->problem;

    ngx_str_null(&none);
    id = ngx_http_playfab_request_id(r);

    if (id == NULL) {
        id = &none;
    }

    code.data = (u_char *) pb->code;
    code.len = ngx_strlen(pb->code);

    title.data = (u_char *) ngx_http_playfab_status_title(status);
    title.len = ngx_strlen(title.data);

    len = sizeof("{\"type\":\"urn:playfab-party:error:\",\"status\":}")
          + code.len + NGX_INT_T_LEN
          + ngx_http_playfab_json_member_len("title", &title)
          + ngx_http_playfab_json_member_len("code", &code)
          + ngx_http_playfab_json_member_len("detail", &pb->detail)
          + ngx_http_playfab_json_member_len("field", &pb->field)
          + ngx_http_playfab_json_member_len("playfab_error",
                                             &pb->playfab_error)
          + ngx_http_playfab_json_member_len("request_id", id)
          + sizeof(",\"playfab_error_code\":") + NGX_INT_T_LEN;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->problem_body.data = p;

    p = ngx_sprintf(p, "{\"type\":\"urn:playfab-party:error:%V\"", &code);
    p = ngx_http_playfab_json_member(p, "title", &title);
    p = ngx_sprintf(p, ",\"status\":%ui", status);
    p = ngx_http_playfab_json_member(p, "code", &code);
    p = ngx_http_playfab_json_member(p, "detail", &pb->detail);
    p = ngx_http_playfab_json_member(p, "field", &pb->field);
    p = ngx_http_playfab_json_member(p, "playfab_error", &pb->playfab_error);

    if (pb->playfab_error_code) {
        p = ngx_sprintf(p, ",\"playfab_error_code\":%i",
                        pb->playfab_error_code);
    }

    p = ngx_http_playfab_json_member(p, "request_id", id);

    *p++ = '}';

    ctx->problem_body.len = p - ctx->problem_body.data;

    return NGX_OK;
}


/* ,"name":"escaped value" -- nothing when the value is empty */

static u_char *
ngx_http_playfab_json_member(u_char *p, const char *name, ngx_str_t *value)
{
    if (value->len == 0) {
        return p;
    }

    p = ngx_sprintf(p, ",\"%s\":\"", name);
    p += playfab_json_escape((char *) p, (char *) value->data, value->len);
    *p++ = '"';

    return p;
}


static size_t
ngx_http_playfab_json_member_len(const char *name, ngx_str_t *value)
{
    return sizeof(",\"\":\"\"") + ngx_strlen(name)
           + playfab_json_escape(NULL, (char *) value->data, value->len);
}


static const char *
ngx_http_playfab_status_code(ngx_uint_t status)
{
    switch (status) {
    case NGX_HTTP_BAD_REQUEST:
        return "bad_request";
    case NGX_HTTP_UNAUTHORIZED:
        return "unauthorized";
    case NGX_HTTP_FORBIDDEN:
        return "forbidden";
    case NGX_HTTP_NOT_FOUND:
        return "not_found";
    case NGX_HTTP_NOT_ALLOWED:
        return "method_not_allowed";
    case NGX_HTTP_REQUEST_TIME_OUT:
        return "request_timeout";
    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        return "payload_too_large";
    case NGX_HTTP_UNSUPPORTED_MEDIA_TYPE:
        return "unsupported_media_type";
    case NGX_HTTP_TOO_MANY_REQUESTS:
        return "too_many_requests";
    case NGX_HTTP_BAD_GATEWAY:
        return "bad_gateway";
    case NGX_HTTP_SERVICE_UNAVAILABLE:
        return "service_unavailable";
    case NGX_HTTP_GATEWAY_TIME_OUT:
        return "gateway_timeout";
    default:
        return status >= 500 ? "internal_error" : "client_error";
    }
}


static const char *
ngx_http_playfab_status_title(ngx_uint_t status)
{
    switch (status) {
    case NGX_HTTP_BAD_REQUEST:
        return "Bad Request";
    case NGX_HTTP_UNAUTHORIZED:
        return "Unauthorized";
    case NGX_HTTP_FORBIDDEN:
        return "Forbidden";
    case NGX_HTTP_NOT_FOUND:
        return "Not Found";
    case NGX_HTTP_NOT_ALLOWED:
        return "Method Not Allowed";
    case NGX_HTTP_REQUEST_TIME_OUT:
        return "Request Timeout";
    case NGX_HTTP_CONFLICT:
        return "Conflict";
    case NGX_HTTP_UNPROCESSABLE_ENTITY:
        return "Unprocessable Content";
    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        return "Content Too Large";
    case NGX_HTTP_UNSUPPORTED_MEDIA_TYPE:
        return "Unsupported Media Type";
    case NGX_HTTP_TOO_MANY_REQUESTS:
        return "Too Many Requests";
    case NGX_HTTP_INTERNAL_SERVER_ERROR:
        return "Internal Server Error";
    case NGX_HTTP_BAD_GATEWAY:
        return "Bad Gateway";
    case NGX_HTTP_SERVICE_UNAVAILABLE:
        return "Service Unavailable";
    case NGX_HTTP_GATEWAY_TIME_OUT:
        return "Gateway Timeout";
    default:
        return status >= 500 ? "Server Error" : "Client Error";
    }
}
