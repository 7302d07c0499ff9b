/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Players' entity tokens that PlayFab validated, kept in the shared zone
 * for a short time so that a player's next requests, in any worker, need
 * no ValidateEntityToken.  Entries are keyed by the SHA-256 of the token
 * (the token itself is never stored), expire after the configured time,
 * and the least recently used ones make room when the zone is full.
 */

#include "ngx_http_playfab_module.h"
#include "ngx_http_playfab_shm.h"


#define NGX_HTTP_PLAYFAB_EVICT  8     /* entries evicted per full zone */


typedef struct {
    ngx_rbtree_node_t             node;      /* key: digest's first bytes */
    ngx_queue_t                   queue;
    u_char                        digest[NGX_HTTP_PLAYFAB_DIGEST_LEN];
    time_t                        expires;
    u_char                        valid;     /* 0: a negative entry */
    u_char                        id_len;
    u_char                        type_len;
    u_char                        master_len;
    u_char                        data[1];   /* id, type, master */
} ngx_http_playfab_idnode_t;


static ngx_http_playfab_idnode_t *ngx_http_playfab_idcache_find(
    ngx_http_playfab_zone_t *zone, u_char *digest);
static void ngx_http_playfab_idcache_delete(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_idnode_t *n);
static ngx_uint_t ngx_http_playfab_idcache_evict(
    ngx_http_playfab_zone_t *zone, ngx_uint_t count);
static ngx_int_t ngx_http_playfab_idcache_copy(ngx_pool_t *pool,
    ngx_str_t *dst, u_char *src, size_t len);


void
ngx_http_playfab_idcache_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t          **p;
    ngx_http_playfab_idnode_t   *n, *t;

    for ( ;; ) {

        if (node->key != temp->key) {
            p = (node->key < temp->key) ? &temp->left : &temp->right;

        } else {
            n = (ngx_http_playfab_idnode_t *) node;
            t = (ngx_http_playfab_idnode_t *) temp;

            p = (ngx_memcmp(n->digest, t->digest,
                            NGX_HTTP_PLAYFAB_DIGEST_LEN) < 0)
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


/*
 * NGX_OK: a validated identity, copied into the pool; NGX_ABORT: the
 * token is known to be invalid (negative caching); NGX_DECLINED: unknown.
 */

ngx_int_t
ngx_http_playfab_idcache_lookup(ngx_shm_zone_t *shm_zone, u_char *digest,
    ngx_pool_t *pool, ngx_http_playfab_identity_t *id)
{
    u_char                     *p;
    ngx_int_t                   rc;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_idnode_t  *n;

    zone = shm_zone->data;

    ngx_shmtx_lock(&zone->shpool->mutex);

    n = ngx_http_playfab_idcache_find(zone, digest);

    if (n == NULL) {
        rc = NGX_DECLINED;

    } else if (n->expires <= ngx_time()) {
        ngx_http_playfab_idcache_delete(zone, n);
        rc = NGX_DECLINED;

    } else if (!n->valid) {
        rc = NGX_ABORT;

    } else {
        ngx_queue_remove(&n->queue);
        ngx_queue_insert_head(&zone->sh->identities_lru, &n->queue);

        p = n->data;
        rc = NGX_OK;

        if (ngx_http_playfab_idcache_copy(pool, &id->entity_id, p,
                                          n->id_len)
            != NGX_OK
            || ngx_http_playfab_idcache_copy(pool, &id->entity_type,
                                             p + n->id_len, n->type_len)
               != NGX_OK
            || ngx_http_playfab_idcache_copy(pool, &id->master_id,
                                             p + n->id_len + n->type_len,
                                             n->master_len)
               != NGX_OK)
        {
            rc = NGX_ERROR;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/* id == NULL stores a negative entry */

ngx_int_t
ngx_http_playfab_idcache_store(ngx_shm_zone_t *shm_zone, u_char *digest,
    ngx_http_playfab_identity_t *id, time_t ttl, ngx_log_t *log)
{
    u_char                     *p;
    size_t                      len;
    time_t                      now;
    ngx_uint_t                  evicted;
    ngx_http_playfab_zone_t    *zone;
    ngx_http_playfab_idnode_t  *n;

    if (id && (id->entity_id.len > 255 || id->entity_type.len > 255
               || id->master_id.len > 255))
    {
        return NGX_DECLINED;
    }

    zone = shm_zone->data;
    now = ngx_time();

    len = offsetof(ngx_http_playfab_idnode_t, data);

    if (id) {
        len += id->entity_id.len + id->entity_type.len + id->master_id.len;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    n = ngx_http_playfab_idcache_find(zone, digest);

    if (n) {
        ngx_http_playfab_idcache_delete(zone, n);
    }

    evicted = 0;

    for ( ;; ) {
        n = ngx_slab_alloc_locked(zone->shpool, len);

        if (n) {
            break;
        }

        if (ngx_http_playfab_idcache_evict(zone, NGX_HTTP_PLAYFAB_EVICT) == 0)
        {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            ngx_log_error(NGX_LOG_CRIT, log, 0,
                          "playfab: no memory for a player identity%s",
                          zone->shpool->log_ctx);
            return NGX_ERROR;
        }

        evicted += NGX_HTTP_PLAYFAB_EVICT;
    }

    ngx_memcpy(n->digest, digest, NGX_HTTP_PLAYFAB_DIGEST_LEN);
    ngx_memcpy(&n->node.key, digest, sizeof(ngx_rbtree_key_t));
    n->expires = now + ttl;
    n->valid = (id != NULL);
    n->id_len = 0;
    n->type_len = 0;
    n->master_len = 0;

    if (id) {
        n->id_len = (u_char) id->entity_id.len;
        n->type_len = (u_char) id->entity_type.len;
        n->master_len = (u_char) id->master_id.len;

        p = ngx_cpymem(n->data, id->entity_id.data, id->entity_id.len);
        p = ngx_cpymem(p, id->entity_type.data, id->entity_type.len);
        ngx_memcpy(p, id->master_id.data, id->master_id.len);
    }

    ngx_rbtree_insert(&zone->sh->identities, &n->node);
    ngx_queue_insert_head(&zone->sh->identities_lru, &n->queue);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (evicted) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "playfab: zone full, evicted the %ui least recently "
                      "used player identities", evicted);
    }

    return NGX_OK;
}


static ngx_http_playfab_idnode_t *
ngx_http_playfab_idcache_find(ngx_http_playfab_zone_t *zone, u_char *digest)
{
    ngx_int_t                   rc;
    ngx_rbtree_key_t            key;
    ngx_rbtree_node_t          *node, *sentinel;
    ngx_http_playfab_idnode_t  *n;

    ngx_memcpy(&key, digest, sizeof(ngx_rbtree_key_t));

    node = zone->sh->identities.root;
    sentinel = zone->sh->identities.sentinel;

    while (node != sentinel) {

        if (key != node->key) {
            node = (key < node->key) ? node->left : node->right;
            continue;
        }

        n = (ngx_http_playfab_idnode_t *) node;
        rc = ngx_memcmp(digest, n->digest, NGX_HTTP_PLAYFAB_DIGEST_LEN);

        if (rc == 0) {
            return n;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_http_playfab_idcache_delete(ngx_http_playfab_zone_t *zone,
    ngx_http_playfab_idnode_t *n)
{
    ngx_queue_remove(&n->queue);
    ngx_rbtree_delete(&zone->sh->identities, &n->node);
    ngx_slab_free_locked(zone->shpool, n);
}


/* the least recently used entries (expired ones drift there too) */

static ngx_uint_t
ngx_http_playfab_idcache_evict(ngx_http_playfab_zone_t *zone,
    ngx_uint_t count)
{
    ngx_uint_t                  n;
    ngx_queue_t                *q;
    ngx_http_playfab_idnode_t  *node;

    for (n = 0; n < count; n++) {

        if (ngx_queue_empty(&zone->sh->identities_lru)) {
            break;
        }

        q = ngx_queue_last(&zone->sh->identities_lru);
        node = ngx_queue_data(q, ngx_http_playfab_idnode_t, queue);

        ngx_http_playfab_idcache_delete(zone, node);
    }

    return n;
}


static ngx_int_t
ngx_http_playfab_idcache_copy(ngx_pool_t *pool, ngx_str_t *dst, u_char *src,
    size_t len)
{
    dst->len = len;

    if (len == 0) {
        dst->data = NULL;
        return NGX_OK;
    }

    dst->data = ngx_pnalloc(pool, len);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src, len);

    return NGX_OK;
}
