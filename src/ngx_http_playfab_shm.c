/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The shared memory zone: one slab pool for all workers, kept across
 * "nginx -s reload".  This file creates it and keeps, per title (and
 * secret key and api_location), the title entity token, its expiry and the fetch lease that makes a cold
 * node send exactly one GetEntityToken whatever the number of workers and
 * requests.  A fetch that fails is remembered for a second: the requests
 * that waited for it, and those that come meanwhile, answer at once
 * instead of each asking PlayFab again.
 */

#include "ngx_http_playfab_storage.h"
#include "playfab_digest.h"


/*
 * The rbtree key is the CRC32 of the token's key, str the key: a digest
 * of the title, the secret key and the api_location that got the token
 * (ngx_http_playfab_module.c), so that no location uses or sends a token
 * that another location's settings got.
 */
typedef struct {
    ngx_str_node_t                sn;
    time_t                        expires;
    time_t                        refresh_at;
    time_t                        stored;
    uint64_t                      lease_until;     /* wall clock, ms */
    uint64_t                      failed_until;    /* wall clock, ms */
    ngx_uint_t                    failed_status;   /* of the last fetch */
    uint64_t                      generation;
    size_t                        token_len;       /* 0: none */
    u_char                        token[PLAYFAB_TOKEN_MAX];
    u_char                        key[PLAYFAB_DIGEST_LEN];
} ngx_http_playfab_title_t;


static ngx_int_t ngx_http_playfab_shm_init(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_http_playfab_title_t *ngx_http_playfab_title_lookup(
    ngx_http_playfab_zone_t *zone, ngx_str_t *key, ngx_uint_t create);
static uint64_t ngx_http_playfab_now_ms(void);


ngx_shm_zone_t *
ngx_http_playfab_shm_add(ngx_conf_t *cf, ngx_str_t *name, size_t size,
    size_t identity_budget)
{
    ngx_shm_zone_t           *shm_zone;
    ngx_http_playfab_zone_t  *zone;

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_playfab_zone_t));
    if (zone == NULL) {
        return NULL;
    }

    shm_zone = ngx_shared_memory_add(cf, name, size,
                                     &ngx_http_playfab_party_module);
    if (shm_zone == NULL) {
        return NULL;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: zone \"%V\" is already used", name);
        return NULL;
    }

    zone->identity_budget = identity_budget;

    shm_zone->init = ngx_http_playfab_shm_init;
    shm_zone->data = zone;

    return shm_zone;
}


static ngx_int_t
ngx_http_playfab_shm_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_playfab_zone_t  *ozone = data;

    size_t                    len;
    ngx_uint_t                i;
    ngx_http_playfab_zone_t  *zone;

    zone = shm_zone->data;

    if (ozone) {
        if (ozone->sh->version != NGX_HTTP_PLAYFAB_SHM_VERSION) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "playfab: zone \"%V\" was created by an "
                          "incompatible version of the module, rename it "
                          "or restart nginx", &shm_zone->shm.name);
            return NGX_ERROR;
        }

        zone->sh = ozone->sh;
        zone->shpool = ozone->shpool;

        /* the new configuration's budget: identities over it go as met */
        zone->sh->kinds[NGX_HTTP_PLAYFAB_KIND_IDENTITY].budget =
                                                       zone->identity_budget;
        return NGX_OK;
    }

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        return NGX_OK;
    }

    zone->sh = ngx_slab_alloc(zone->shpool, sizeof(ngx_http_playfab_shctx_t));
    if (zone->sh == NULL) {
        return NGX_ERROR;
    }

    zone->shpool->data = zone->sh;
    zone->sh->version = NGX_HTTP_PLAYFAB_SHM_VERSION;

    ngx_rbtree_init(&zone->sh->titles, &zone->sh->titles_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_rbtree_init(&zone->sh->records, &zone->sh->records_sentinel,
                    ngx_http_playfab_store_insert);
    ngx_rbtree_init(&zone->sh->keysets, &zone->sh->keysets_sentinel,
                    ngx_str_rbtree_insert_value);

    for (i = 0; i < NGX_HTTP_PLAYFAB_KINDS; i++) {
        ngx_queue_init(&zone->sh->kinds[i].lru);
    }

    zone->sh->kinds[NGX_HTTP_PLAYFAB_KIND_IDENTITY].budget =
                                                       zone->identity_budget;

    len = sizeof(" in playfab zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = ngx_slab_alloc(zone->shpool, len);
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in playfab zone \"%V\"%Z",
                &shm_zone->shm.name);

    return NGX_OK;
}


/*
 * Returns what the caller must do, and when a token is usable a copy of
 * it in the request pool with the generation that identifies it.
 *
 * The worker's copy (if any) answers without the zone's lock while no
 * title token of the zone has changed since it was made (the epoch) and
 * its token is not due for refresh: the hot path of a warm cache takes
 * no lock.  A token dropped or made due elsewhere changes the epoch, and
 * the next request here reads the zone again.
 */

ngx_http_playfab_token_e
ngx_http_playfab_token_acquire(ngx_shm_zone_t *shm_zone, ngx_str_t *key,
    ngx_msec_t lease, ngx_http_playfab_token_copy_t *copy, ngx_pool_t *pool,
    ngx_str_t *token, uint64_t *gen, ngx_uint_t *failed)
{
    time_t                     now;
    uint64_t                   now_ms;
    ngx_http_playfab_zone_t   *zone;
    ngx_http_playfab_title_t  *t;
    ngx_http_playfab_token_e   rc;

    zone = shm_zone->data;
    now = ngx_time();

    if (copy && copy->len && now < copy->until
        && copy->epoch == zone->sh->token_epoch)
    {
        token->data = ngx_pnalloc(pool, copy->len);
        if (token->data == NULL) {
            return NGX_HTTP_PLAYFAB_TOKEN_ERROR;
        }

        token->len = copy->len;
        ngx_memcpy(token->data, copy->data, copy->len);
        *gen = copy->generation;

        return NGX_HTTP_PLAYFAB_TOKEN_FRESH;
    }

    now_ms = ngx_http_playfab_now_ms();

    ngx_shmtx_lock(&zone->shpool->mutex);

    t = ngx_http_playfab_title_lookup(zone, key, 1);

    if (t == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_HTTP_PLAYFAB_TOKEN_ERROR;
    }

    if (t->token_len && now < t->expires) {

        token->data = ngx_pnalloc(pool, t->token_len);
        if (token->data == NULL) {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            return NGX_HTTP_PLAYFAB_TOKEN_ERROR;
        }

        token->len = t->token_len;
        ngx_memcpy(token->data, t->token, t->token_len);
        *gen = t->generation;

        rc = NGX_HTTP_PLAYFAB_TOKEN_FRESH;

        if (now >= t->refresh_at && t->lease_until <= now_ms) {
            t->lease_until = now_ms + lease;
            rc = NGX_HTTP_PLAYFAB_TOKEN_REFRESH;

        } else if (copy && now < t->refresh_at) {
            copy->epoch = zone->sh->token_epoch;
            copy->generation = t->generation;
            copy->until = ngx_min(t->refresh_at, t->expires);
            copy->len = t->token_len;
            ngx_memcpy(copy->data, t->token, t->token_len);
        }

    } else if (t->failed_until > now_ms && t->lease_until <= now_ms) {
        *failed = t->failed_status;
        rc = NGX_HTTP_PLAYFAB_TOKEN_FAILED;

    } else if (t->lease_until <= now_ms) {
        t->lease_until = now_ms + lease;
        rc = NGX_HTTP_PLAYFAB_TOKEN_FETCH;

    } else {
        rc = NGX_HTTP_PLAYFAB_TOKEN_WAIT;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


ngx_int_t
ngx_http_playfab_token_store(ngx_shm_zone_t *shm_zone, ngx_str_t *key,
    ngx_str_t *token, time_t expires, time_t refresh_at, uint64_t *gen)
{
    ngx_http_playfab_zone_t   *zone;
    ngx_http_playfab_title_t  *t;

    if (token->len == 0 || token->len > PLAYFAB_TOKEN_MAX) {
        return NGX_ERROR;
    }

    zone = shm_zone->data;

    ngx_shmtx_lock(&zone->shpool->mutex);

    t = ngx_http_playfab_title_lookup(zone, key, 1);

    if (t == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_ERROR;
    }

    ngx_memcpy(t->token, token->data, token->len);
    t->token_len = token->len;
    t->expires = expires;
    t->refresh_at = refresh_at;
    t->stored = ngx_time();
    t->lease_until = 0;
    t->failed_until = 0;
    *gen = ++t->generation;
    (void) ngx_atomic_fetch_add(&zone->sh->token_epoch, 1);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


/* the fetch is over without a token; status: why, or 0 */

void
ngx_http_playfab_token_release(ngx_shm_zone_t *shm_zone, ngx_str_t *key,
    ngx_uint_t status)
{
    ngx_http_playfab_zone_t   *zone;
    ngx_http_playfab_title_t  *t;

    zone = shm_zone->data;

    ngx_shmtx_lock(&zone->shpool->mutex);

    t = ngx_http_playfab_title_lookup(zone, key, 0);

    if (t) {
        t->lease_until = 0;

        if (status) {
            t->failed_until = ngx_http_playfab_now_ms()
                              + NGX_HTTP_PLAYFAB_FAILED_HOLD;
            t->failed_status = status;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* drops the token only if it is still the one the caller was given */

ngx_uint_t
ngx_http_playfab_token_invalidate(ngx_shm_zone_t *shm_zone, ngx_str_t *key,
    uint64_t gen)
{
    ngx_uint_t                 dropped;
    ngx_http_playfab_zone_t   *zone;
    ngx_http_playfab_title_t  *t;

    zone = shm_zone->data;
    dropped = 0;

    ngx_shmtx_lock(&zone->shpool->mutex);

    t = ngx_http_playfab_title_lookup(zone, key, 0);

    if (t && t->generation == gen && t->token_len) {
        t->token_len = 0;
        dropped = 1;
        (void) ngx_atomic_fetch_add(&zone->sh->token_epoch, 1);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return dropped;
}


/*
 * PlayFab refused a call that carried the token, and may have meant
 * another token of the call (ValidateEntityToken's player token): the
 * token keeps serving, and is refreshed in the background once it is
 * NGX_HTTP_PLAYFAB_SUSPECT_AGE old, so that refusals cost at most one
 * GetEntityToken in that time, whoever sends them.
 */

void
ngx_http_playfab_token_suspect(ngx_shm_zone_t *shm_zone, ngx_str_t *key,
    uint64_t gen)
{
    time_t                     at;
    ngx_http_playfab_zone_t   *zone;
    ngx_http_playfab_title_t  *t;

    zone = shm_zone->data;

    ngx_shmtx_lock(&zone->shpool->mutex);

    t = ngx_http_playfab_title_lookup(zone, key, 0);

    if (t && t->generation == gen && t->token_len) {
        at = t->stored + NGX_HTTP_PLAYFAB_SUSPECT_AGE;

        if (at < t->refresh_at) {
            t->refresh_at = at;
            (void) ngx_atomic_fetch_add(&zone->sh->token_epoch, 1);
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* called with the zone locked */

static ngx_http_playfab_title_t *
ngx_http_playfab_title_lookup(ngx_http_playfab_zone_t *zone,
    ngx_str_t *key, ngx_uint_t create)
{
    uint32_t                   hash;
    ngx_http_playfab_title_t  *t;

    hash = ngx_crc32_short(key->data, key->len);

    t = (ngx_http_playfab_title_t *)
            ngx_str_rbtree_lookup(&zone->sh->titles, key, hash);

    if (t || !create) {
        return t;
    }

    t = ngx_slab_calloc_locked(zone->shpool,
                               sizeof(ngx_http_playfab_title_t));
    if (t == NULL) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, 0,
                      "playfab: no memory for the title token%s",
                      zone->shpool->log_ctx);
        return NULL;
    }

    ngx_memcpy(t->key, key->data, key->len);

    t->sn.node.key = hash;
    t->sn.str.data = t->key;
    t->sn.str.len = key->len;

    ngx_rbtree_insert(&zone->sh->titles, &t->sn.node);

    return t;
}


static uint64_t
ngx_http_playfab_now_ms(void)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return (uint64_t) tp->sec * 1000 + tp->msec;
}
