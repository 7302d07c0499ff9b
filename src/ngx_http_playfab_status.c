/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The counters of the shared zone (ngx_http_playfab_counters.c), served
 * by "playfab_status" in the Prometheus text exposition format 0.0.4,
 * and the LOG phase handler that counts party requests.
 * Every label value comes from a fixed table, so the number of series
 * is bounded whatever PlayFab or clients send.  The page is written
 * into a chain of pool buffers, each line bounded by its buffer's end.
 */

#include "ngx_http_playfab_handlers.h"
#include "playfab_errors.h"


/* a line never nears it: the longest is under 200 bytes */
#define NGX_HTTP_PLAYFAB_METRICS_BUF  4096


/* the page being written: a chain of buffers, and its length */

typedef struct {
    ngx_pool_t    *pool;
    ngx_log_t     *log;
    ngx_chain_t   *out;
    ngx_chain_t  **last;
    ngx_buf_t     *buf;
    off_t          size;
    ngx_uint_t     failed;              /* unsigned  failed:1; */
} ngx_http_playfab_metrics_text_t;


static ngx_int_t ngx_http_playfab_metrics_index(const char **table,
    ngx_uint_t n, const char *name);
static void ngx_http_playfab_metrics_write(ngx_http_playfab_metrics_text_t *t,
    ngx_http_playfab_metrics_t *m, ngx_slab_pool_t *shpool);
static void ngx_http_playfab_metrics_api(ngx_http_playfab_metrics_text_t *t,
    ngx_http_playfab_metrics_t *m);
static void ngx_http_playfab_metrics_kinds(
    ngx_http_playfab_metrics_text_t *t, ngx_http_playfab_zone_t *zone);
static void ngx_http_playfab_metrics_keys(ngx_http_playfab_metrics_text_t *t,
    ngx_shm_zone_t *shm_zone);
static void ngx_http_playfab_metrics_printf(
    ngx_http_playfab_metrics_text_t *t, const char *fmt, ...);
static ngx_int_t ngx_http_playfab_metrics_buf(
    ngx_http_playfab_metrics_text_t *t);


static const char  *ngx_http_playfab_metric_codes[NGX_HTTP_PLAYFAB_M_CODES] = {
    "ok", "malformed_json", "unknown_field", "duplicate_field",
    "missing_field", "invalid_value", "policy_violation", "unauthorized",
    "forbidden", "method_not_allowed", "payload_too_large",
    "unsupported_media_type", "playfab_rejected", "playfab_throttled",
    "playfab_configuration", "playfab_bad_reply", "playfab_unavailable",
    "token_wait_timeout", "token_unavailable", "playfab_timeout",
    "idempotency_conflict", "idempotency_mismatch",
    "idempotency_outcome_unknown", "idempotency_unavailable",
    "principal_required", "jwks_unavailable", "other"
};

static ngx_uint_t  ngx_http_playfab_metric_statuses[NGX_HTTP_PLAYFAB_M_STATUSES]
    = { 200, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502,
        503, 504, 0 };

static const char  *ngx_http_playfab_metric_results[NGX_HTTP_PLAYFAB_M_RESULTS]
    = { "ok", "error", "timeout", "unavailable", "bad_reply" };

static const char  *ngx_http_playfab_metric_events[NGX_HTTP_PLAYFAB_M_EVENTS]
    = { "hit", "fetch", "refresh", "wait" };

static const char  *ngx_http_playfab_metric_methods[NGX_HTTP_PLAYFAB_M_METHODS]
    = { "off", "api_key", "entity_token", "jwt" };

static const char  *ngx_http_playfab_metric_reasons[NGX_HTTP_PLAYFAB_M_REASONS]
    = { "missing", "malformed", "invalid", "forbidden" };

static const char  *ngx_http_playfab_metric_idem[NGX_HTTP_PLAYFAB_M_IDEM]
    = { "stored", "replayed", "waited", "conflict", "mismatch", "unknown" };

static const char  *ngx_http_playfab_metric_kinds[NGX_HTTP_PLAYFAB_KINDS]
    = { "identity", "idempotency" };


/* the LOG phase of every request in a playfab_party location */

ngx_int_t
ngx_http_playfab_metrics_log(ngx_http_request_t *r)
{
    ngx_uint_t                    i;
    ngx_int_t                     code;
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_playfab_metrics_t   *m;
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (!plcf->party || r != r->main) {
        return NGX_OK;
    }

    m = ngx_http_playfab_counters(r);
    if (m == NULL) {
        return NGX_OK;
    }

    ctx = ngx_http_playfab_find_ctx(r);

    if (r->headers_out.status == NGX_HTTP_OK) {
        code = 0;

    } else if (ctx && ctx->problem_set) {
        code = ngx_http_playfab_metrics_index(ngx_http_playfab_metric_codes,
                                              NGX_HTTP_PLAYFAB_M_CODES,
                                              ctx->problem.code);
    } else {
        code = NGX_HTTP_PLAYFAB_M_CODES - 1;
    }

    (void) ngx_atomic_fetch_add(&m->requests[code], 1);

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_STATUSES - 1; i++) {
        if (ngx_http_playfab_metric_statuses[i] == r->headers_out.status) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&m->statuses[i], 1);

    return NGX_OK;
}


/* "playfab_status": the content handler */

ngx_int_t
ngx_http_playfab_status_handler(ngx_http_request_t *r)
{
    ngx_int_t                         rc;
    ngx_http_playfab_zone_t          *zone;
    ngx_http_playfab_main_conf_t     *pmcf;
    ngx_http_playfab_metrics_text_t   text;

    if (r->method != NGX_HTTP_GET && r->method != NGX_HTTP_HEAD) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);
    zone = pmcf->shm_zone->data;

    ngx_memzero(&text, sizeof(ngx_http_playfab_metrics_text_t));
    text.pool = r->pool;
    text.log = r->connection->log;
    text.last = &text.out;

    ngx_http_playfab_metrics_write(&text, &zone->sh->metrics, zone->shpool);
    ngx_http_playfab_metrics_kinds(&text, zone);
    ngx_http_playfab_metrics_keys(&text, pmcf->shm_zone);

    if (text.failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    text.buf->last_buf = 1;
    text.buf->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_length_n = text.size;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, text.out);
}


static void
ngx_http_playfab_metrics_write(ngx_http_playfab_metrics_text_t *t,
    ngx_http_playfab_metrics_t *m, ngx_slab_pool_t *shpool)
{
    size_t      total, free;
    ngx_uint_t  i, j;

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_party_requests_total "
        "Party requests by outcome code.\n"
        "# TYPE playfab_party_requests_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_CODES; i++) {
        ngx_http_playfab_metrics_printf(t,
            "playfab_party_requests_total{code=\"%s\"} %uA\n",
            ngx_http_playfab_metric_codes[i], m->requests[i]);
    }

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_party_responses_total "
        "Party responses by HTTP status.\n"
        "# TYPE playfab_party_responses_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_STATUSES; i++) {
        if (ngx_http_playfab_metric_statuses[i]) {
            ngx_http_playfab_metrics_printf(t,
                "playfab_party_responses_total"
                "{status=\"%ui\"} %uA\n",
                ngx_http_playfab_metric_statuses[i],
                m->statuses[i]);
        } else {
            ngx_http_playfab_metrics_printf(t,
                "playfab_party_responses_total"
                "{status=\"other\"} %uA\n", m->statuses[i]);
        }
    }

    ngx_http_playfab_metrics_api(t, m);

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_title_token_events_total "
        "Title token cache hits, fetches, background "
        "refreshes and single-flight waits.\n"
        "# TYPE playfab_title_token_events_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_EVENTS; i++) {
        ngx_http_playfab_metrics_printf(t,
            "playfab_title_token_events_total"
            "{event=\"%s\"} %uA\n",
            ngx_http_playfab_metric_events[i], m->token[i]);
    }

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_auth_failures_total "
        "Refused callers by method and reason.\n"
        "# TYPE playfab_auth_failures_total counter\n");

    for (i = 1; i < NGX_HTTP_PLAYFAB_M_METHODS; i++) {
        for (j = 0; j < NGX_HTTP_PLAYFAB_M_REASONS; j++) {
            ngx_http_playfab_metrics_printf(t,
                "playfab_auth_failures_total"
                "{method=\"%s\",reason=\"%s\"} %uA\n",
                ngx_http_playfab_metric_methods[i],
                ngx_http_playfab_metric_reasons[j],
                m->auth[i * NGX_HTTP_PLAYFAB_M_REASONS + j]);
        }
    }

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_idempotency_total "
        "Idempotency-Key outcomes.\n"
        "# TYPE playfab_idempotency_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_IDEM; i++) {
        ngx_http_playfab_metrics_printf(t,
            "playfab_idempotency_total{result=\"%s\"} %uA\n",
            ngx_http_playfab_metric_idem[i], m->idempotency[i]);
    }

    ngx_shmtx_lock(&shpool->mutex);
    total = shpool->end - shpool->start;
    free = shpool->pfree * ngx_pagesize;
    ngx_shmtx_unlock(&shpool->mutex);

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_zone_bytes "
        "The shared zone's pages, used and free.\n"
        "# TYPE playfab_zone_bytes gauge\n"
        "playfab_zone_bytes{state=\"used\"} %uz\n"
        "playfab_zone_bytes{state=\"free\"} %uz\n",
        total - free, free);
}


/* each kind of record: how many, the bytes they hold, live evictions */

static void
ngx_http_playfab_metrics_kinds(ngx_http_playfab_metrics_text_t *t,
    ngx_http_playfab_zone_t *zone)
{
    ngx_uint_t                i;
    ngx_http_playfab_kind_t   kinds[NGX_HTTP_PLAYFAB_KINDS];

    ngx_shmtx_lock(&zone->shpool->mutex);
    ngx_memcpy(kinds, zone->sh->kinds, sizeof(kinds));
    ngx_shmtx_unlock(&zone->shpool->mutex);

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_zone_records "
        "Records in the shared zone, by kind.\n"
        "# TYPE playfab_zone_records gauge\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_KINDS; i++) {
        ngx_http_playfab_metrics_printf(t,
            "playfab_zone_records{kind=\"%s\"} %ui\n",
            ngx_http_playfab_metric_kinds[i], kinds[i].records);
    }

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_zone_record_bytes "
        "Bytes the records of a kind hold, and its budget.\n"
        "# TYPE playfab_zone_record_bytes gauge\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_KINDS; i++) {
        ngx_http_playfab_metrics_printf(t,
            "playfab_zone_record_bytes{kind=\"%s\",state=\"used\"} %uz\n",
            ngx_http_playfab_metric_kinds[i], kinds[i].bytes);

        if (kinds[i].budget) {
            ngx_http_playfab_metrics_printf(t,
                "playfab_zone_record_bytes{kind=\"%s\",state=\"budget\"} "
                "%uz\n", ngx_http_playfab_metric_kinds[i], kinds[i].budget);
        }
    }

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_zone_evictions_total "
        "Live records evicted to make room, by kind.\n"
        "# TYPE playfab_zone_evictions_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_KINDS; i++) {
        ngx_http_playfab_metrics_printf(t,
            "playfab_zone_evictions_total{kind=\"%s\"} %ui\n",
            ngx_http_playfab_metric_kinds[i], kinds[i].evicted);
    }
}


static void
ngx_http_playfab_metrics_api(ngx_http_playfab_metrics_text_t *t,
    ngx_http_playfab_metrics_t *m)
{
    ngx_uint_t     op, i;
    ngx_atomic_t   cumulative, count;
    const char    *name;

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_api_calls_total "
        "PlayFab calls by operation and result.\n"
        "# TYPE playfab_api_calls_total counter\n");

    for (op = 0; op < NGX_HTTP_PLAYFAB_OP_COUNT; op++) {
        name = ngx_http_playfab_op_name(op);

        for (i = 0; i < NGX_HTTP_PLAYFAB_M_RESULTS; i++) {
            ngx_http_playfab_metrics_printf(t,
                "playfab_api_calls_total"
                "{operation=\"%s\",result=\"%s\"} %uA\n",
                name, ngx_http_playfab_metric_results[i],
                m->calls[op][i]);
        }
    }

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_api_errors_total "
        "PlayFab error replies by operation and errorCode.\n"
        "# TYPE playfab_api_errors_total counter\n");

    for (op = 0; op < NGX_HTTP_PLAYFAB_OP_COUNT; op++) {
        name = ngx_http_playfab_op_name(op);

        for (i = 0; i < NGX_HTTP_PLAYFAB_M_ERRORS; i++) {
            if (i < PLAYFAB_NERRORS) {
                ngx_http_playfab_metrics_printf(t,
                    "playfab_api_errors_total{operation="
                    "\"%s\",error_code=\"%d\"} %uA\n",
                    name, playfab_errors[i].code, m->errors[op][i]);
            } else {
                ngx_http_playfab_metrics_printf(t,
                    "playfab_api_errors_total{operation="
                    "\"%s\",error_code=\"other\"} %uA\n",
                    name, m->errors[op][i]);
            }
        }
    }

    ngx_http_playfab_metrics_printf(t,
        "# HELP playfab_api_duration_seconds "
        "PlayFab call latency.\n"
        "# TYPE playfab_api_duration_seconds histogram\n");

    for (op = 0; op < NGX_HTTP_PLAYFAB_OP_COUNT; op++) {
        name = ngx_http_playfab_op_name(op);
        cumulative = 0;

        for (i = 0; i < NGX_HTTP_PLAYFAB_M_BUCKETS; i++) {
            cumulative += m->latency[op][i];
            ngx_http_playfab_metrics_printf(t,
                "playfab_api_duration_seconds_bucket"
                "{operation=\"%s\",le=\"%M.%03M\"} %uA\n",
                name,
                ngx_http_playfab_counter_buckets[i] / 1000,
                ngx_http_playfab_counter_buckets[i] % 1000,
                cumulative);
        }

        count = cumulative + m->latency[op][NGX_HTTP_PLAYFAB_M_BUCKETS];

        ngx_http_playfab_metrics_printf(t,
            "playfab_api_duration_seconds_bucket"
            "{operation=\"%s\",le=\"+Inf\"} %uA\n"
            "playfab_api_duration_seconds_sum"
            "{operation=\"%s\"} %uA.%03uA\n"
            "playfab_api_duration_seconds_count"
            "{operation=\"%s\"} %uA\n",
            name, count,
            name, m->latency_ms[op] / 1000,
            m->latency_ms[op] % 1000,
            name, count);
    }
}


/*
 * Appends one formatted piece (a few lines at most) to the page: in the
 * current buffer if it fits there with a byte to spare, else in a new
 * one.  A failure is kept in t->failed, checked once at the end.
 */

static void
ngx_http_playfab_metrics_printf(ngx_http_playfab_metrics_text_t *t,
    const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    if (t->failed) {
        return;
    }

    if (t->buf) {
        va_start(args, fmt);
        p = ngx_vslprintf(t->buf->last, t->buf->end, fmt, args);
        va_end(args);

        if (p < t->buf->end) {
            t->size += p - t->buf->last;
            t->buf->last = p;
            return;
        }
    }

    if (ngx_http_playfab_metrics_buf(t) != NGX_OK) {
        t->failed = 1;
        return;
    }

    va_start(args, fmt);
    p = ngx_vslprintf(t->buf->last, t->buf->end, fmt, args);
    va_end(args);

    if (p == t->buf->end) {
        ngx_log_error(NGX_LOG_ALERT, t->log, 0,
                      "playfab: a metrics line does not fit in %uz bytes",
                      (size_t) NGX_HTTP_PLAYFAB_METRICS_BUF);
        t->failed = 1;
        return;
    }

    t->size += p - t->buf->last;
    t->buf->last = p;
}


static ngx_int_t
ngx_http_playfab_metrics_buf(ngx_http_playfab_metrics_text_t *t)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    b = ngx_create_temp_buf(t->pool, NGX_HTTP_PLAYFAB_METRICS_BUF);
    if (b == NULL) {
        return NGX_ERROR;
    }

    cl = ngx_alloc_chain_link(t->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = b;
    cl->next = NULL;

    *t->last = cl;
    t->last = &cl->next;
    t->buf = b;

    return NGX_OK;
}


/*
 * The fetched key sets (ngx_http_playfab_keystore.c), into a buffer of
 * the size their lines may take, at the end of the chain.
 */

static void
ngx_http_playfab_metrics_keys(ngx_http_playfab_metrics_text_t *t,
    ngx_shm_zone_t *shm_zone)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (t->failed) {
        return;
    }

    b = ngx_create_temp_buf(t->pool,
                            ngx_http_playfab_keys_metrics_size(shm_zone));
    cl = ngx_alloc_chain_link(t->pool);

    if (b == NULL || cl == NULL) {
        t->failed = 1;
        return;
    }

    b->last = ngx_http_playfab_keys_metrics(shm_zone, b->pos, b->end);

    if (b->last == b->pos) {
        return;
    }

    cl->buf = b;
    cl->next = NULL;

    *t->last = cl;
    t->last = &cl->next;
    t->buf = b;
    t->size += b->last - b->pos;
}


static ngx_int_t
ngx_http_playfab_metrics_index(const char **table, ngx_uint_t n,
    const char *name)
{
    ngx_uint_t  i;

    for (i = 0; i < n - 1; i++) {
        if (ngx_strcmp(table[i], name) == 0) {
            return i;
        }
    }

    return n - 1;
}


