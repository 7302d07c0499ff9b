/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The counters of playfab_status, in the shared zone: every worker adds
 * to them atomically, without the zone's lock.  What they count is the
 * caller's to say; ngx_http_playfab_status.c prints them.
 */

#include "ngx_http_playfab_storage.h"
#include "playfab_errors.h"


/* latency buckets, milliseconds */
ngx_msec_t  ngx_http_playfab_counter_buckets[NGX_HTTP_PLAYFAB_M_BUCKETS] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};


ngx_http_playfab_metrics_t *
ngx_http_playfab_counters(ngx_http_request_t *r)
{
    ngx_http_playfab_zone_t       *zone;
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    if (pmcf->shm_zone == NULL) {
        return NULL;
    }

    zone = pmcf->shm_zone->data;

    return &zone->sh->metrics;
}


void
ngx_http_playfab_metrics_call(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_uint_t result, ngx_int_t error_code)
{
    ngx_uint_t                   i;
    ngx_msec_t                   ms;
    ngx_http_playfab_metrics_t  *m;

    m = ngx_http_playfab_counters(r);
    if (m == NULL) {
        return;
    }

    (void) ngx_atomic_fetch_add(&m->calls[call->op][result], 1);

    if (result == NGX_HTTP_PLAYFAB_M_ERROR) {
        i = playfab_error_index((int) error_code);
        (void) ngx_atomic_fetch_add(&m->errors[call->op][i], 1);
    }

    ms = ngx_current_msec - call->start;

    for (i = 0; i < NGX_HTTP_PLAYFAB_M_BUCKETS; i++) {
        if (ms <= ngx_http_playfab_counter_buckets[i]) {
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
    ngx_http_playfab_metrics_t  *m;

    m = ngx_http_playfab_counters(r);
    if (m == NULL) {
        return;
    }

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
