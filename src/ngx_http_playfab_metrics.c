/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Counters in the shared zone, for all workers, served by
 * "playfab_status" in the Prometheus text exposition format 0.0.4.
 * Every label value comes from a fixed table, so the number of series
 * is bounded whatever PlayFab or clients send.
 */

#include "ngx_http_playfab_module.h"
#include "ngx_http_playfab_shm.h"


static ngx_int_t ngx_http_playfab_metrics_index(const char **table,
    ngx_uint_t n, const char *name);
static ngx_atomic_t *ngx_http_playfab_metrics(ngx_http_request_t *r);
static u_char *ngx_http_playfab_metrics_write(u_char *p,
    ngx_http_playfab_metrics_t *m, ngx_slab_pool_t *shpool);
static u_char *ngx_http_playfab_metrics_api(u_char *p,
    ngx_http_playfab_metrics_t *m);


static const char  *ngx_http_playfab_metric_codes[NGX_HTTP_PLAYFAB_M_CODES] = {
    "ok", "malformed_json", "unknown_field", "duplicate_field",
    "missing_field", "invalid_value", "policy_violation", "unauthorized",
    "forbidden", "method_not_allowed", "payload_too_large",
    "unsupported_media_type", "playfab_rejected", "playfab_throttled",
    "playfab_configuration", "playfab_bad_reply", "playfab_unavailable",
    "token_wait_timeout", "token_unavailable", "playfab_timeout",
    "idempotency_conflict", "idempotency_mismatch",
    "idempotency_outcome_unknown", "principal_required", "other"
};

static ngx_uint_t  ngx_http_playfab_metric_statuses[NGX_HTTP_PLAYFAB_M_STATUSES]
    = { 200, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502,
        503, 504, 0 };

static const char  *ngx_http_playfab_metric_results[NGX_HTTP_PLAYFAB_M_RESULTS]
    = { "ok", "error", "timeout", "unavailable", "bad_reply" };

/* PlayFab's documented error codes (playfab-party-api.json) */
static ngx_int_t  ngx_http_playfab_metric_errors[NGX_HTTP_PLAYFAB_M_ERRORS] = {
    1000, 1071, 1089, 1123, 1127, 1130, 1191, 1334, 1335, 1336, 1337, 1347,
    1004, 1431, 1432, 1433, 1434, 1435, 1436, 1437, 1438, 1439, 1440, 1441,
    1504, 6000, 6001, 6005, 500, 0
};

static const char  *ngx_http_playfab_metric_events[NGX_HTTP_PLAYFAB_M_EVENTS]
    = { "hit", "fetch", "refresh", "wait" };

static const char  *ngx_http_playfab_metric_methods[NGX_HTTP_PLAYFAB_M_METHODS]
    = { "off", "api_key", "entity_token", "jwt" };

static const char  *ngx_http_playfab_metric_reasons[NGX_HTTP_PLAYFAB_M_REASONS]
    = { "missing", "malformed", "invalid", "forbidden" };

static const char  *ngx_http_playfab_metric_idem[NGX_HTTP_PLAYFAB_M_IDEM]
    = { "stored", "replayed", "waited", "conflict", "mismatch", "unknown" };

/* latency buckets, milliseconds */
static ngx_msec_t  ngx_http_playfab_metric_buckets[NGX_HTTP_PLAYFAB_M_BUCKETS]
    = { 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 };


/* the LOG phase of every request in a playfab_party location */

ngx_int_t
ngx_http_playfab_metrics_log(ngx_http_request_t *r)
{
    ngx_uint_t                    i;
    ngx_int_t                     code;
    ngx_atomic_t                 *base;
    ngx_http_playfab_ctx_t       *ctx;
    ngx_http_playfab_metrics_t   *m;
    ngx_http_playfab_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    if (!plcf->party || r != r->main) {
        return NGX_OK;
    }

    base = ngx_http_playfab_metrics(r);
    if (base == NULL) {
        return NGX_OK;
    }

    m = (ngx_http_playfab_metrics_t *) base;
    ctx = ngx_http_get_module_ctx(r, ngx_http_playfab_party_module);

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


void
ngx_http_playfab_metrics_call(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_uint_t result, ngx_int_t error_code)
{
    ngx_uint_t                   i;
    ngx_msec_t                   ms;
    ngx_atomic_t                *base;
    ngx_http_playfab_metrics_t  *m;

    base = ngx_http_playfab_metrics(r);
    if (base == NULL) {
        return;
    }

    m = (ngx_http_playfab_metrics_t *) base;

    (void) ngx_atomic_fetch_add(&m->calls[call->op][result], 1);

    if (result == NGX_HTTP_PLAYFAB_M_ERROR) {
        for (i = 0; i < NGX_HTTP_PLAYFAB_M_ERRORS - 1; i++) {
            if (ngx_http_playfab_metric_errors[i] == error_code) {
                break;
            }
        }

        (void) ngx_atomic_fetch_add(&m->errors[call->op][i], 1);
    }

    ms = ngx_current_msec - call->start;

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_BUCKETS; i++) {
        if (ms <= ngx_http_playfab_metric_buckets[i]) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&m->latency[call->op][i], 1);
    (void) ngx_atomic_fetch_add(&m->latency_ms[call->op], ms);
}


void
ngx_http_playfab_metrics_count(ngx_http_request_t *r, ngx_uint_t what,
    ngx_uint_t index)
{
    ngx_atomic_t                *base;
    ngx_http_playfab_metrics_t  *m;

    base = ngx_http_playfab_metrics(r);
    if (base == NULL) {
        return;
    }

    m = (ngx_http_playfab_metrics_t *) base;

    switch (what) {

    case NGX_HTTP_PLAYFAB_M_TOKEN:
        (void) ngx_atomic_fetch_add(&m->token[index], 1);
        break;

    case NGX_HTTP_PLAYFAB_M_IDEMPOTENCY:
        (void) ngx_atomic_fetch_add(&m->idempotency[index], 1);
        break;

    default: /* NGX_HTTP_PLAYFAB_M_AUTH: index is method * reasons + reason */
        (void) ngx_atomic_fetch_add(&m->auth[index], 1);
    }
}


/* "playfab_status": the content handler */

ngx_int_t
ngx_http_playfab_status_handler(ngx_http_request_t *r)
{
    u_char                        *p;
    size_t                         len;
    ngx_int_t                      rc;
    ngx_buf_t                     *b;
    ngx_chain_t                    out;
    ngx_http_playfab_zone_t       *zone;
    ngx_http_playfab_main_conf_t  *pmcf;

    if (r->method != NGX_HTTP_GET && r->method != NGX_HTTP_HEAD) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);
    zone = pmcf->shm_zone->data;

    len = NGX_HTTP_PLAYFAB_METRICS_TEXT_MAX;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_http_playfab_metrics_write(b->pos, &zone->sh->metrics,
                                       zone->shpool);
    p = ngx_http_playfab_keys_metrics(pmcf->shm_zone, p, b->end);
    b->last = p;
    b->last_buf = 1;
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_length_n = b->last - b->pos;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static u_char *
ngx_http_playfab_metrics_write(u_char *p, ngx_http_playfab_metrics_t *m,
    ngx_slab_pool_t *shpool)
{
    size_t      total, free;
    ngx_uint_t  i, j;

    p = ngx_sprintf(p, "# HELP playfab_party_requests_total "
                       "Party requests by outcome code.\n"
                       "# TYPE playfab_party_requests_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_CODES; i++) {
        p = ngx_sprintf(p, "playfab_party_requests_total{code=\"%s\"} %uA\n",
                        ngx_http_playfab_metric_codes[i], m->requests[i]);
    }

    p = ngx_sprintf(p, "# HELP playfab_party_responses_total "
                       "Party responses by HTTP status.\n"
                       "# TYPE playfab_party_responses_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_STATUSES; i++) {
        if (ngx_http_playfab_metric_statuses[i]) {
            p = ngx_sprintf(p, "playfab_party_responses_total"
                               "{status=\"%ui\"} %uA\n",
                            ngx_http_playfab_metric_statuses[i],
                            m->statuses[i]);
        } else {
            p = ngx_sprintf(p, "playfab_party_responses_total"
                               "{status=\"other\"} %uA\n", m->statuses[i]);
        }
    }

    p = ngx_http_playfab_metrics_api(p, m);

    p = ngx_sprintf(p, "# HELP playfab_title_token_events_total "
                       "Title token cache hits, fetches, background "
                       "refreshes and single-flight waits.\n"
                       "# TYPE playfab_title_token_events_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_EVENTS; i++) {
        p = ngx_sprintf(p, "playfab_title_token_events_total"
                           "{event=\"%s\"} %uA\n",
                        ngx_http_playfab_metric_events[i], m->token[i]);
    }

    p = ngx_sprintf(p, "# HELP playfab_auth_failures_total "
                       "Refused callers by method and reason.\n"
                       "# TYPE playfab_auth_failures_total counter\n");

    for (i = 1; i < NGX_HTTP_PLAYFAB_M_METHODS; i++) {
        for (j = 0; j < NGX_HTTP_PLAYFAB_M_REASONS; j++) {
            p = ngx_sprintf(p, "playfab_auth_failures_total"
                               "{method=\"%s\",reason=\"%s\"} %uA\n",
                            ngx_http_playfab_metric_methods[i],
                            ngx_http_playfab_metric_reasons[j],
                            m->auth[i * NGX_HTTP_PLAYFAB_M_REASONS + j]);
        }
    }

    p = ngx_sprintf(p, "# HELP playfab_idempotency_total "
                       "Idempotency-Key outcomes.\n"
                       "# TYPE playfab_idempotency_total counter\n");

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_IDEM; i++) {
        p = ngx_sprintf(p, "playfab_idempotency_total{result=\"%s\"} %uA\n",
                        ngx_http_playfab_metric_idem[i], m->idempotency[i]);
    }

    ngx_shmtx_lock(&shpool->mutex);
    total = shpool->end - shpool->start;
    free = shpool->pfree * ngx_pagesize;
    ngx_shmtx_unlock(&shpool->mutex);

    p = ngx_sprintf(p, "# HELP playfab_zone_bytes "
                       "The shared zone's pages, used and free.\n"
                       "# TYPE playfab_zone_bytes gauge\n"
                       "playfab_zone_bytes{state=\"used\"} %uz\n"
                       "playfab_zone_bytes{state=\"free\"} %uz\n",
                    total - free, free);

    return p;
}


static u_char *
ngx_http_playfab_metrics_api(u_char *p, ngx_http_playfab_metrics_t *m)
{
    ngx_uint_t     op, i;
    ngx_atomic_t   cumulative, count;
    const char    *name;

    p = ngx_sprintf(p, "# HELP playfab_api_calls_total "
                       "PlayFab calls by operation and result.\n"
                       "# TYPE playfab_api_calls_total counter\n");

    for (op = 0; op < NGX_HTTP_PLAYFAB_OP_COUNT; op++) {
        name = ngx_http_playfab_op_name(op);

        for (i = 0; i < NGX_HTTP_PLAYFAB_M_RESULTS; i++) {
            p = ngx_sprintf(p, "playfab_api_calls_total"
                               "{operation=\"%s\",result=\"%s\"} %uA\n",
                            name, ngx_http_playfab_metric_results[i],
                            m->calls[op][i]);
        }
    }

    p = ngx_sprintf(p, "# HELP playfab_api_errors_total "
                       "PlayFab error replies by operation and errorCode.\n"
                       "# TYPE playfab_api_errors_total counter\n");

    for (op = 0; op < NGX_HTTP_PLAYFAB_OP_COUNT; op++) {
        name = ngx_http_playfab_op_name(op);

        for (i = 0; i < NGX_HTTP_PLAYFAB_M_ERRORS; i++) {
            if (ngx_http_playfab_metric_errors[i]) {
                p = ngx_sprintf(p, "playfab_api_errors_total{operation="
                                   "\"%s\",error_code=\"%i\"} %uA\n",
                                name, ngx_http_playfab_metric_errors[i],
                                m->errors[op][i]);
            } else {
                p = ngx_sprintf(p, "playfab_api_errors_total{operation="
                                   "\"%s\",error_code=\"other\"} %uA\n",
                                name, m->errors[op][i]);
            }
        }
    }

    p = ngx_sprintf(p, "# HELP playfab_api_duration_seconds "
                       "PlayFab call latency.\n"
                       "# TYPE playfab_api_duration_seconds histogram\n");

    for (op = 0; op < NGX_HTTP_PLAYFAB_OP_COUNT; op++) {
        name = ngx_http_playfab_op_name(op);
        cumulative = 0;

        for (i = 0; i < NGX_HTTP_PLAYFAB_M_BUCKETS; i++) {
            cumulative += m->latency[op][i];
            p = ngx_sprintf(p, "playfab_api_duration_seconds_bucket"
                               "{operation=\"%s\",le=\"%M.%03M\"} %uA\n",
                            name,
                            ngx_http_playfab_metric_buckets[i] / 1000,
                            ngx_http_playfab_metric_buckets[i] % 1000,
                            cumulative);
        }

        count = cumulative + m->latency[op][NGX_HTTP_PLAYFAB_M_BUCKETS];

        p = ngx_sprintf(p, "playfab_api_duration_seconds_bucket"
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

    return p;
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


static ngx_atomic_t *
ngx_http_playfab_metrics(ngx_http_request_t *r)
{
    ngx_http_playfab_zone_t       *zone;
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    if (pmcf->shm_zone == NULL) {
        return NULL;
    }

    zone = pmcf->shm_zone->data;

    return (ngx_atomic_t *) &zone->sh->metrics;
}
