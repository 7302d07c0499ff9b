/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Fetched JWK Sets in the shared zone, one record per key source for all
 * workers and kept across "nginx -s reload": the set's text as the
 * provider served it (each worker parses it once per generation), when
 * it was fetched, when it is due for a refresh, how long it may serve
 * stale, and the fetch lease that makes a node send at most one request
 * to the provider per source at a time.  A failed fetch is remembered
 * for a while, so that a provider that is down is not asked by every
 * request; an unknown kid may ask for a refresh only once an interval.
 */

#include "ngx_http_playfab_storage.h"


/* the rbtree key is the CRC32 of the source's name, str the name */
typedef struct {
    ngx_str_node_t                sn;
    time_t                        stored;          /* 0: never fetched */
    time_t                        refresh_at;
    time_t                        stale_until;     /* usable before */
    time_t                        kid_after;       /* next unknown-kid
                                                      refresh, not before */
    uint64_t                      lease_until;     /* wall clock, ms */
    uint64_t                      failed_until;    /* wall clock, ms */
    uint64_t                      generation;      /* of the set's text */
    ngx_uint_t                    fetches;
    ngx_uint_t                    failures;
    ngx_uint_t                    kid_refreshes;
    u_char                       *json;
    size_t                        json_len;        /* 0: no set */
    u_char                        name[1];
} ngx_http_playfab_keyrec_t;


static ngx_http_playfab_keyrec_t *ngx_http_playfab_keys_lookup(
    ngx_http_playfab_zone_t *zone, ngx_str_t *name, ngx_uint_t create);
static uint64_t ngx_http_playfab_keys_now_ms(void);


/*
 * What the caller must do (see ngx_http_playfab_keys_e), and when a set
 * is usable and its generation is not *gen, a copy of its text in the
 * pool with its generation.  mode: _SCHEDULED uses a set and refreshes
 * it when due; _KID also asks for a refresh ahead of schedule (the
 * caller's token names a kid the set lacks), at most once an interval;
 * _AWAIT waits for a fetch under way to end.
 */

ngx_http_playfab_keys_e
ngx_http_playfab_keys_acquire(ngx_shm_zone_t *shm_zone, ngx_str_t *name,
    ngx_uint_t mode, ngx_http_playfab_keys_lease_t *lease, ngx_pool_t *pool,
    ngx_str_t *json, uint64_t *gen)
{
    time_t                      now;
    uint64_t                    now_ms;
    ngx_uint_t                  usable, busy;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_keys_e     rc;
    ngx_http_playfab_keyrec_t  *k;

    zone = shm_zone->data;
    now = ngx_time();
    now_ms = ngx_http_playfab_keys_now_ms();

    ngx_str_null(json);

    ngx_shmtx_lock(&zone->shpool->mutex);

    k = ngx_http_playfab_keys_lookup(zone, name, 1);

    if (k == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_HTTP_PLAYFAB_KEYS_ERROR;
    }

    usable = k->json_len && now < k->stale_until;
    busy = k->lease_until > now_ms;

    if (usable && k->generation != *gen) {
        json->data = ngx_pnalloc(pool, k->json_len);
        if (json->data == NULL) {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            return NGX_HTTP_PLAYFAB_KEYS_ERROR;
        }

        ngx_memcpy(json->data, k->json, k->json_len);
        json->len = k->json_len;
        *gen = k->generation;
    }

    if (!usable) {
        if (busy) {
            rc = NGX_HTTP_PLAYFAB_KEYS_WAIT;

        } else if (k->failed_until > now_ms) {
            rc = NGX_HTTP_PLAYFAB_KEYS_FAILED;

        } else {
            k->lease_until = now_ms + lease->timeout;
            rc = NGX_HTTP_PLAYFAB_KEYS_FETCH;
        }

    } else if (mode != NGX_HTTP_PLAYFAB_KEYS_SCHEDULED) {
        if (busy) {
            rc = NGX_HTTP_PLAYFAB_KEYS_WAIT;

        } else if (mode == NGX_HTTP_PLAYFAB_KEYS_KID
                   && now >= k->kid_after && k->failed_until <= now_ms)
        {
            k->lease_until = now_ms + lease->timeout;
            k->kid_after = now + lease->interval;
            k->kid_refreshes++;
            rc = NGX_HTTP_PLAYFAB_KEYS_FETCH;

        } else {
            rc = NGX_HTTP_PLAYFAB_KEYS_USE;
        }

    } else if (now >= k->refresh_at && !busy && k->failed_until <= now_ms) {
        k->lease_until = now_ms + lease->timeout;
        rc = NGX_HTTP_PLAYFAB_KEYS_REFRESH;

    } else {
        rc = NGX_HTTP_PLAYFAB_KEYS_USE;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/*
 * A fetched set, already parsed by the caller: it serves for lifetime
 * seconds (refreshed in the background after three quarters of it),
 * then stale seconds more if no refresh succeeds.  The generation
 * changes only with the text, so that workers parse a set again, and
 * forget the tokens they verified with the old one, only when the
 * provider changed it.
 */

ngx_int_t
ngx_http_playfab_keys_store(ngx_shm_zone_t *shm_zone, ngx_str_t *name,
    ngx_str_t *json, time_t lifetime, time_t stale, uint64_t *gen)
{
    time_t                      now;
    u_char                     *copy;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_keyrec_t  *k;

    zone = shm_zone->data;
    now = ngx_time();

    ngx_shmtx_lock(&zone->shpool->mutex);

    k = ngx_http_playfab_keys_lookup(zone, name, 1);

    if (k == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_ERROR;
    }

    k->lease_until = 0;

    if (k->json_len != json->len
        || ngx_memcmp(k->json, json->data, json->len) != 0)
    {
        copy = ngx_slab_alloc_locked(zone->shpool, json->len);

        if (copy == NULL) {
            k->failures++;
            k->failed_until = ngx_http_playfab_keys_now_ms()
                              + NGX_HTTP_PLAYFAB_FAILED_HOLD;
            ngx_shmtx_unlock(&zone->shpool->mutex);

            ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, 0,
                          "playfab: no memory for the JWK Set \"%V\" "
                          "(%uz bytes)%s", name, json->len,
                          zone->shpool->log_ctx);
            return NGX_ERROR;
        }

        if (k->json) {
            ngx_slab_free_locked(zone->shpool, k->json);
        }

        ngx_memcpy(copy, json->data, json->len);
        k->json = copy;
        k->json_len = json->len;
        k->generation++;
    }

    k->stored = now;
    k->refresh_at = now + lifetime - lifetime / 4;
    k->stale_until = now + lifetime + stale;
    k->failed_until = 0;
    k->fetches++;
    *gen = k->generation;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


/*
 * The fetch failed: the lease is released and nobody asks again for
 * lease->hold ms, or for a second when no set serves (the requests that
 * come meanwhile answer 503 at once).  Returns the seconds the set
 * still serves, or 0.
 */

time_t
ngx_http_playfab_keys_release(ngx_shm_zone_t *shm_zone, ngx_str_t *name,
    ngx_http_playfab_keys_lease_t *lease)
{
    time_t                      left, now;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_keyrec_t  *k;

    zone = shm_zone->data;
    now = ngx_time();
    left = 0;

    ngx_shmtx_lock(&zone->shpool->mutex);

    k = ngx_http_playfab_keys_lookup(zone, name, 0);

    if (k) {
        if (k->json_len && now < k->stale_until) {
            left = k->stale_until - now;
        }

        k->lease_until = 0;
        k->failures++;
        k->failed_until = ngx_http_playfab_keys_now_ms()
                          + (left ? lease->interval * 1000
                                  : NGX_HTTP_PLAYFAB_FAILED_HOLD);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return left;
}


/* what ngx_http_playfab_keys_metrics() may write: each line's bound */

size_t
ngx_http_playfab_keys_metrics_size(ngx_shm_zone_t *shm_zone)
{
    size_t                      size;
    ngx_rbtree_node_t          *node, *root, *sentinel;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_keyrec_t  *k;

    zone = shm_zone->data;
    size = 512;                                  /* the three HELP/TYPE */

    ngx_shmtx_lock(&zone->shpool->mutex);

    root = zone->sh->keysets.root;
    sentinel = zone->sh->keysets.sentinel;

    if (root != sentinel) {
        for (node = ngx_rbtree_min(root, sentinel);
             node;
             node = ngx_rbtree_next(&zone->sh->keysets, node))
        {
            k = (ngx_http_playfab_keyrec_t *) node;
            size += 3 * (2 * k->sn.str.len + 160);
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return size;
}


/* playfab_status: the key sets' age and counters, in the zone's order */

u_char *
ngx_http_playfab_keys_metrics(ngx_shm_zone_t *shm_zone, u_char *p,
    u_char *last)
{
    time_t                      now;
    ngx_uint_t                  i;
    ngx_rbtree_node_t          *node, *root, *sentinel;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_keyrec_t  *k;

    static const char  *help[] = {
        "# HELP playfab_jwks_age_seconds Seconds since the JWK Set was "
        "last fetched.\n# TYPE playfab_jwks_age_seconds gauge\n",
        "# HELP playfab_jwks_fetches_total JWK Set fetches by result.\n"
        "# TYPE playfab_jwks_fetches_total counter\n",
        "# HELP playfab_jwks_unknown_kid_refreshes_total Refreshes asked "
        "by a token with an unknown kid.\n"
        "# TYPE playfab_jwks_unknown_kid_refreshes_total counter\n"
    };

    zone = shm_zone->data;
    now = ngx_time();

    ngx_shmtx_lock(&zone->shpool->mutex);

    root = zone->sh->keysets.root;
    sentinel = zone->sh->keysets.sentinel;

    for (i = 0; i < 3 && root != sentinel; i++) {

        if ((size_t) (last - p) < ngx_strlen(help[i])) {
            break;
        }

        p = ngx_cpymem(p, help[i], ngx_strlen(help[i]));

        for (node = ngx_rbtree_min(root, sentinel);
             node;
             node = ngx_rbtree_next(&zone->sh->keysets, node))
        {
            k = (ngx_http_playfab_keyrec_t *) node;

            /* the name is the configuration's: no quote, no backslash */

            if ((size_t) (last - p) < 2 * k->sn.str.len + 160) {
                break;
            }

            if (i == 0 && k->stored) {
                p = ngx_sprintf(p, "playfab_jwks_age_seconds"
                                   "{source=\"%V\"} %T\n",
                                &k->sn.str, now - k->stored);

            } else if (i == 1) {
                p = ngx_sprintf(p, "playfab_jwks_fetches_total"
                                   "{source=\"%V\",result=\"ok\"} %ui\n"
                                   "playfab_jwks_fetches_total"
                                   "{source=\"%V\",result=\"failed\"} %ui\n",
                                &k->sn.str, k->fetches, &k->sn.str,
                                k->failures);

            } else if (i == 2) {
                p = ngx_sprintf(p, "playfab_jwks_unknown_kid_refreshes_total"
                                   "{source=\"%V\"} %ui\n",
                                &k->sn.str, k->kid_refreshes);
            }
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return p;
}


/* called with the zone locked */

static ngx_http_playfab_keyrec_t *
ngx_http_playfab_keys_lookup(ngx_http_playfab_zone_t *zone, ngx_str_t *name,
    ngx_uint_t create)
{
    uint32_t                    hash;
    ngx_http_playfab_keyrec_t  *k;

    hash = ngx_crc32_short(name->data, name->len);

    k = (ngx_http_playfab_keyrec_t *)
            ngx_str_rbtree_lookup(&zone->sh->keysets, name, hash);

    if (k || !create) {
        return k;
    }

    k = ngx_slab_calloc_locked(zone->shpool,
                               offsetof(ngx_http_playfab_keyrec_t, name)
                               + name->len);
    if (k == NULL) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, 0,
                      "playfab: no memory for the JWK Set \"%V\"%s", name,
                      zone->shpool->log_ctx);
        return NULL;
    }

    ngx_memcpy(k->name, name->data, name->len);

    k->sn.node.key = hash;
    k->sn.str.data = k->name;
    k->sn.str.len = name->len;

    ngx_rbtree_insert(&zone->sh->keysets, &k->sn.node);

    return k;
}


static uint64_t
ngx_http_playfab_keys_now_ms(void)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return (uint64_t) tp->sec * 1000 + tp->msec;
}
