/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Short-lived records in the shared zone, for all workers: opaque bytes
 * under a 32-byte key (a SHA-256 the caller computed, with a prefix of
 * its own so that kinds never collide), each with an expiry.  The player
 * identity cache and the idempotency records live here.  Expired
 * records are dropped when met; when the zone is full the least recently
 * used ones make room, with a log line.
 */

#include "ngx_http_playfab_module.h"
#include "ngx_http_playfab_shm.h"


#define NGX_HTTP_PLAYFAB_EVICT  8     /* records evicted per full zone */


typedef struct {
    ngx_rbtree_node_t             node;      /* key: first bytes of key */
    ngx_queue_t                   queue;
    u_char                        key[NGX_HTTP_PLAYFAB_DIGEST_LEN];
    time_t                        expires;
    size_t                        len;
    u_char                        data[1];
} ngx_http_playfab_record_t;


static ngx_http_playfab_record_t *ngx_http_playfab_store_find(
    ngx_http_playfab_zone_t *zone, u_char *key);
static void ngx_http_playfab_store_remove(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_record_t *rec);
static ngx_uint_t ngx_http_playfab_store_evict(ngx_http_playfab_zone_t *zone,
    ngx_uint_t count);


void
ngx_http_playfab_store_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t          **p;
    ngx_http_playfab_record_t   *n, *t;

    for ( ;; ) {

        if (node->key != temp->key) {
            p = (node->key < temp->key) ? &temp->left : &temp->right;

        } else {
            n = (ngx_http_playfab_record_t *) node;
            t = (ngx_http_playfab_record_t *) temp;

            p = (ngx_memcmp(n->key, t->key, NGX_HTTP_PLAYFAB_DIGEST_LEN) < 0)
                ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


/* NGX_OK with a copy of the record in the pool, or NGX_DECLINED */

ngx_int_t
ngx_http_playfab_store_get(ngx_shm_zone_t *shm_zone, u_char *key,
    ngx_pool_t *pool, ngx_str_t *value)
{
    ngx_int_t                   rc;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_record_t  *rec;

    zone = shm_zone->data;
    rc = NGX_DECLINED;

    ngx_shmtx_lock(&zone->shpool->mutex);

    rec = ngx_http_playfab_store_find(zone, key);

    if (rec && rec->expires <= ngx_time()) {
        ngx_http_playfab_store_remove(zone, rec);
        rec = NULL;
    }

    if (rec) {
        ngx_queue_remove(&rec->queue);
        ngx_queue_insert_head(&zone->sh->records_lru, &rec->queue);

        value->len = rec->len;
        value->data = ngx_pnalloc(pool, rec->len);

        if (value->data == NULL) {
            rc = NGX_ERROR;

        } else {
            ngx_memcpy(value->data, rec->data, rec->len);
            rc = NGX_OK;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/*
 * Stores value under key for ttl seconds.  With only_new, an unexpired
 * record already there wins: NGX_BUSY, and it is left as it is.
 */

ngx_int_t
ngx_http_playfab_store_put(ngx_shm_zone_t *shm_zone, u_char *key,
    ngx_str_t *value, time_t ttl, ngx_uint_t only_new, ngx_log_t *log)
{
    time_t                      now;
    ngx_uint_t                  evicted;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_record_t  *rec;

    zone = shm_zone->data;
    now = ngx_time();
    evicted = 0;

    ngx_shmtx_lock(&zone->shpool->mutex);

    rec = ngx_http_playfab_store_find(zone, key);

    if (rec) {
        if (only_new && rec->expires > now) {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            return NGX_BUSY;
        }

        ngx_http_playfab_store_remove(zone, rec);
    }

    for ( ;; ) {
        rec = ngx_slab_alloc_locked(zone->shpool,
                                    offsetof(ngx_http_playfab_record_t, data)
                                    + value->len);
        if (rec) {
            break;
        }

        if (ngx_http_playfab_store_evict(zone, NGX_HTTP_PLAYFAB_EVICT) == 0) {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            ngx_log_error(NGX_LOG_CRIT, log, 0,
                          "playfab: no memory for a record%s",
                          zone->shpool->log_ctx);
            return NGX_ERROR;
        }

        evicted += NGX_HTTP_PLAYFAB_EVICT;
    }

    ngx_memcpy(rec->key, key, NGX_HTTP_PLAYFAB_DIGEST_LEN);
    ngx_memcpy(&rec->node.key, key, sizeof(ngx_rbtree_key_t));
    rec->expires = now + ttl;
    rec->len = value->len;
    ngx_memcpy(rec->data, value->data, value->len);

    ngx_rbtree_insert(&zone->sh->records, &rec->node);
    ngx_queue_insert_head(&zone->sh->records_lru, &rec->queue);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (evicted) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "playfab: zone full, evicted the %ui least recently "
                      "used records (player identities, idempotency keys)",
                      evicted);
    }

    return NGX_OK;
}


void
ngx_http_playfab_store_delete(ngx_shm_zone_t *shm_zone, u_char *key)
{
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_record_t  *rec;

    zone = shm_zone->data;

    ngx_shmtx_lock(&zone->shpool->mutex);

    rec = ngx_http_playfab_store_find(zone, key);

    if (rec) {
        ngx_http_playfab_store_remove(zone, rec);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


static ngx_http_playfab_record_t *
ngx_http_playfab_store_find(ngx_http_playfab_zone_t *zone, u_char *key)
{
    ngx_int_t                   rc;
    ngx_rbtree_key_t            k;
    ngx_rbtree_node_t          *node, *sentinel;
    ngx_http_playfab_record_t  *rec;

    ngx_memcpy(&k, key, sizeof(ngx_rbtree_key_t));

    node = zone->sh->records.root;
    sentinel = zone->sh->records.sentinel;

    while (node != sentinel) {

        if (k != node->key) {
            node = (k < node->key) ? node->left : node->right;
            continue;
        }

        rec = (ngx_http_playfab_record_t *) node;
        rc = ngx_memcmp(key, rec->key, NGX_HTTP_PLAYFAB_DIGEST_LEN);

        if (rc == 0) {
            return rec;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_http_playfab_store_remove(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_record_t *rec)
{
    ngx_queue_remove(&rec->queue);
    ngx_rbtree_delete(&zone->sh->records, &rec->node);
    ngx_slab_free_locked(zone->shpool, rec);
}


/* the least recently used records (expired ones drift there too) */

static ngx_uint_t
ngx_http_playfab_store_evict(ngx_http_playfab_zone_t *zone, ngx_uint_t count)
{
    ngx_uint_t                  n;
    ngx_queue_t                *q;
    ngx_http_playfab_record_t  *rec;

    for (n = 0; n < count; n++) {

        if (ngx_queue_empty(&zone->sh->records_lru)) {
            break;
        }

        q = ngx_queue_last(&zone->sh->records_lru);
        rec = ngx_queue_data(q, ngx_http_playfab_record_t, queue);

        ngx_http_playfab_store_remove(zone, rec);
    }

    return n;
}
