/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The shared zone, for all workers: its title tokens and leases
 * (ngx_http_playfab_shm.c), its records by kind
 * (ngx_http_playfab_store.c) and each worker's copies of players'
 * identities (ngx_http_playfab_identities.c), fetched JWK Sets
 * (ngx_http_playfab_keystore.c) and its counters
 * (ngx_http_playfab_counters.c).
 */

#ifndef NGX_HTTP_PLAYFAB_STORAGE_H
#define NGX_HTTP_PLAYFAB_STORAGE_H

#include "ngx_http_playfab_util.h"
#include "ngx_http_playfab_shm.h"


/* ngx_http_playfab_shm.c */
ngx_shm_zone_t *ngx_http_playfab_shm_add(ngx_conf_t *cf, ngx_str_t *name,
    size_t size, size_t identity_budget);
ngx_http_playfab_token_e ngx_http_playfab_token_acquire(
    ngx_shm_zone_t *zone, ngx_str_t *key, ngx_msec_t lease,
    ngx_http_playfab_token_copy_t *copy, ngx_pool_t *pool, ngx_str_t *token,
    uint64_t *gen, ngx_uint_t *failed);
ngx_int_t ngx_http_playfab_token_store(ngx_shm_zone_t *zone,
    ngx_str_t *key, ngx_str_t *token, time_t expires, time_t refresh_at,
    uint64_t *gen);
void ngx_http_playfab_token_release(ngx_shm_zone_t *zone, ngx_str_t *key,
    ngx_uint_t status);
ngx_uint_t ngx_http_playfab_token_invalidate(ngx_shm_zone_t *zone,
    ngx_str_t *key, uint64_t gen);
void ngx_http_playfab_token_suspect(ngx_shm_zone_t *zone, ngx_str_t *key,
    uint64_t gen);

/* ngx_http_playfab_store.c */
void ngx_http_playfab_store_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
ngx_int_t ngx_http_playfab_store_get(ngx_shm_zone_t *zone, u_char *key,
    ngx_pool_t *pool, ngx_str_t *value);
ngx_int_t ngx_http_playfab_store_put(ngx_shm_zone_t *zone,
    ngx_http_playfab_kind_e kind, u_char *key, ngx_str_t *value, time_t ttl,
    ngx_uint_t only_new, ngx_log_t *log);
void ngx_http_playfab_store_delete(ngx_shm_zone_t *zone, u_char *key);

/* ngx_http_playfab_identities.c */
ngx_atomic_uint_t ngx_http_playfab_identities_epoch(ngx_shm_zone_t *zone,
    u_char *key);
void ngx_http_playfab_identities_outdated(ngx_shm_zone_t *zone, u_char *key);
ngx_int_t ngx_http_playfab_identities_get(ngx_shm_zone_t *zone,
    ngx_str_t *scope, ngx_str_t *token, ngx_pool_t *pool,
    ngx_http_playfab_identity_t *id, time_t *made);
void ngx_http_playfab_identities_put(ngx_shm_zone_t *zone, u_char *key,
    ngx_atomic_uint_t epoch, ngx_str_t *scope, ngx_str_t *token,
    ngx_http_playfab_identity_t *id, time_t made);

/* ngx_http_playfab_keystore.c */
ngx_http_playfab_keys_e ngx_http_playfab_keys_acquire(
    ngx_shm_zone_t *shm_zone, ngx_str_t *name, ngx_uint_t mode,
    ngx_http_playfab_keys_lease_t *lease, ngx_pool_t *pool, ngx_str_t *json,
    uint64_t *gen);
ngx_int_t ngx_http_playfab_keys_store(ngx_shm_zone_t *shm_zone,
    ngx_str_t *name, ngx_str_t *json, time_t lifetime, time_t stale,
    uint64_t *gen);
time_t ngx_http_playfab_keys_release(ngx_shm_zone_t *shm_zone,
    ngx_str_t *name, ngx_http_playfab_keys_lease_t *lease);
size_t ngx_http_playfab_keys_metrics_size(ngx_shm_zone_t *shm_zone);
u_char *ngx_http_playfab_keys_metrics(ngx_shm_zone_t *shm_zone, u_char *p,
    u_char *last);

/* ngx_http_playfab_counters.c */
extern ngx_msec_t  ngx_http_playfab_counter_buckets[];

ngx_http_playfab_metrics_t *ngx_http_playfab_counters(ngx_http_request_t *r);
void ngx_http_playfab_metrics_call(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_uint_t result, ngx_int_t error_code);
void ngx_http_playfab_metrics_count(ngx_http_request_t *r, ngx_uint_t what,
    ngx_uint_t index);

#endif /* NGX_HTTP_PLAYFAB_STORAGE_H */
