/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Records in the shared zone, for all workers: opaque bytes under a
 * 32-byte key (a digest the caller computed, with a prefix of its own
 * so that kinds never collide), each with an expiry and a kind.  Each
 * kind has its own LRU, use and budget, so that one cannot starve
 * another:
 *
 *   identities    players' validated tokens: cheap to make again, churned
 *                 by any caller; at most their budget (playfab_zone
 *                 identities=), the least recently used evicted first;
 *   idempotency   promised for their lifetime: never evicted while live;
 *                 when the zone is full, identities make room for them,
 *                 and without any a new key is refused (NGX_DECLINED).
 *
 * Expired records are dropped when met and, at the cold end of their
 * kind's LRU, whenever a record of that kind is stored.
 */

#include "ngx_http_playfab_storage.h"


#define NGX_HTTP_PLAYFAB_EXPIRE  8     /* expired records dropped per put */


typedef struct {
    ngx_rbtree_node_t             node;      /* key: first bytes of key */
    ngx_queue_t                   queue;     /* in its kind's LRU */
    u_char                        key[NGX_HTTP_PLAYFAB_DIGEST_LEN];
    time_t                        expires;
    ngx_uint_t                    kind;
    size_t                        charge;    /* slab bytes it holds */
    size_t                        len;
    u_char                        data[1];
} ngx_http_playfab_record_t;


static const char  *ngx_http_playfab_kind_names[NGX_HTTP_PLAYFAB_KINDS] = {
    "player identities", "idempotency keys"
};


static ngx_http_playfab_record_t *ngx_http_playfab_store_find(
    ngx_http_playfab_zone_t *zone, u_char *key);
static void ngx_http_playfab_store_remove(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_record_t *rec);
static ngx_uint_t ngx_http_playfab_store_expire(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_kind_t *kind, time_t now);
static ngx_uint_t ngx_http_playfab_store_evict(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_kind_t *kind);
static size_t ngx_http_playfab_store_charge(size_t size);


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
        ngx_queue_insert_head(&zone->sh->kinds[rec->kind].lru, &rec->queue);

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
 * NGX_DECLINED: no room for this kind (idempotency keys only; an
 * identity always makes room among identities).
 */

ngx_int_t
ngx_http_playfab_store_put(ngx_shm_zone_t *shm_zone,
    ngx_http_playfab_kind_e kind, u_char *key, ngx_str_t *value, time_t ttl,
    ngx_uint_t only_new, ngx_log_t *log)
{
    size_t                      size, charge;
    time_t                      now;
    ngx_uint_t                  evicted;
    ngx_http_playfab_kind_t    *k, *identities;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_record_t  *rec;

    zone = shm_zone->data;
    now = ngx_time();
    evicted = 0;

    size = offsetof(ngx_http_playfab_record_t, data) + value->len;
    charge = ngx_http_playfab_store_charge(size);

    ngx_shmtx_lock(&zone->shpool->mutex);

    k = &zone->sh->kinds[kind];
    identities = &zone->sh->kinds[NGX_HTTP_PLAYFAB_KIND_IDENTITY];

    rec = ngx_http_playfab_store_find(zone, key);

    if (rec) {
        if (only_new && rec->expires > now) {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            return NGX_BUSY;
        }

        ngx_http_playfab_store_remove(zone, rec);
    }

    (void) ngx_http_playfab_store_expire(zone, k, now);

    /* a kind with a budget makes room within it */

    while (k->budget && k->bytes + charge > k->budget
           && ngx_http_playfab_store_evict(zone, k))
    {
        evicted++;
    }

    for ( ;; ) {
        if (k->budget == 0 || k->bytes + charge <= k->budget) {
            rec = ngx_slab_alloc_locked(zone->shpool, size);

            if (rec) {
                break;
            }
        }

        /* the zone is full: identities make room, for any kind */

        if (ngx_http_playfab_store_evict(zone, identities)) {
            evicted++;
            continue;
        }

        ngx_shmtx_unlock(&zone->shpool->mutex);

        ngx_log_error(NGX_LOG_CRIT, log, 0,
                      "playfab: no memory for %s%s",
                      ngx_http_playfab_kind_names[kind],
                      zone->shpool->log_ctx);

        return (kind == NGX_HTTP_PLAYFAB_KIND_IDENTITY) ? NGX_ERROR
                                                        : NGX_DECLINED;
    }

    ngx_memcpy(rec->key, key, NGX_HTTP_PLAYFAB_DIGEST_LEN);
    ngx_memcpy(&rec->node.key, key, sizeof(ngx_rbtree_key_t));
    rec->expires = now + ttl;
    rec->kind = kind;
    rec->charge = charge;
    rec->len = value->len;
    ngx_memcpy(rec->data, value->data, value->len);

    ngx_rbtree_insert(&zone->sh->records, &rec->node);
    ngx_queue_insert_head(&k->lru, &rec->queue);
    k->records++;
    k->bytes += charge;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (evicted) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "playfab: evicted %ui live player identities to keep "
                      "%s%s", evicted, ngx_http_playfab_kind_names[kind],
                      zone->shpool->log_ctx);
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
    ngx_http_playfab_kind_t  *k;

    k = &zone->sh->kinds[rec->kind];
    k->records--;
    k->bytes -= rec->charge;

    ngx_queue_remove(&rec->queue);
    ngx_rbtree_delete(&zone->sh->records, &rec->node);
    ngx_slab_free_locked(zone->shpool, rec);
}


/* expired records at the cold end of a kind's LRU */

static ngx_uint_t
ngx_http_playfab_store_expire(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_kind_t *kind, time_t now)
{
    ngx_uint_t                  n;
    ngx_queue_t                *q;
    ngx_http_playfab_record_t  *rec;

    for (n = 0; n < NGX_HTTP_PLAYFAB_EXPIRE && !ngx_queue_empty(&kind->lru);
         n++)
    {
        q = ngx_queue_last(&kind->lru);
        rec = ngx_queue_data(q, ngx_http_playfab_record_t, queue);

        if (rec->expires > now) {
            break;
        }

        ngx_http_playfab_store_remove(zone, rec);
    }

    return n;
}


/*
 * The least recently used identity, live or not: 1, or 0 if there is
 * none.  Idempotency records are never evicted while they live.
 */

static ngx_uint_t
ngx_http_playfab_store_evict(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_kind_t *kind)
{
    ngx_queue_t                *q;
    ngx_http_playfab_record_t  *rec;

    if (kind != &zone->sh->kinds[NGX_HTTP_PLAYFAB_KIND_IDENTITY]
        || ngx_queue_empty(&kind->lru))
    {
        return 0;
    }

    q = ngx_queue_last(&kind->lru);
    rec = ngx_queue_data(q, ngx_http_playfab_record_t, queue);

    if (rec->expires > ngx_time()) {
        kind->evicted++;
    }

    ngx_http_playfab_store_remove(zone, rec);

    return 1;
}


/* what the slab allocator takes for size bytes (ngx_slab.c's classes) */

static size_t
ngx_http_playfab_store_charge(size_t size)
{
    size_t  chunk;

    if (size > ngx_pagesize / 2) {
        return ngx_align(size, ngx_pagesize);
    }

    for (chunk = 8; chunk < size; chunk <<= 1) {
        /* void */
    }

    return chunk;
}
