/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The layout of the shared memory zone, for the files that keep their
 * data in it: the title token cache (ngx_http_playfab_shm.c), the
 * records (ngx_http_playfab_store.c), the epoch of the workers' copies
 * of identities (ngx_http_playfab_identities.c) and the metrics.
 */

#ifndef NGX_HTTP_PLAYFAB_SHM_H
#define NGX_HTTP_PLAYFAB_SHM_H

#include "ngx_http_playfab.h"
#include "playfab_errors.h"


/* bumped whenever the layout below changes: a reload refuses old zones */
#define NGX_HTTP_PLAYFAB_SHM_VERSION  11


/* the counters of ngx_http_playfab_metrics.c; sizes of its label tables */
#define NGX_HTTP_PLAYFAB_M_CODES      27
#define NGX_HTTP_PLAYFAB_M_STATUSES   16
#define NGX_HTTP_PLAYFAB_M_ERRORS     (PLAYFAB_NERRORS + 1)   /* and other */
#define NGX_HTTP_PLAYFAB_M_BUCKETS    11
#define NGX_HTTP_PLAYFAB_M_OPS        3

typedef struct {
    ngx_atomic_t   requests[NGX_HTTP_PLAYFAB_M_CODES];
    ngx_atomic_t   statuses[NGX_HTTP_PLAYFAB_M_STATUSES];
    ngx_atomic_t   calls[NGX_HTTP_PLAYFAB_M_OPS][NGX_HTTP_PLAYFAB_M_RESULTS];
    ngx_atomic_t   errors[NGX_HTTP_PLAYFAB_M_OPS][NGX_HTTP_PLAYFAB_M_ERRORS];
    ngx_atomic_t   latency[NGX_HTTP_PLAYFAB_M_OPS]
                          [NGX_HTTP_PLAYFAB_M_BUCKETS + 1];
    ngx_atomic_t   latency_ms[NGX_HTTP_PLAYFAB_M_OPS];
    ngx_atomic_t   token[NGX_HTTP_PLAYFAB_M_EVENTS];
    ngx_atomic_t   auth[NGX_HTTP_PLAYFAB_M_METHODS
                        * NGX_HTTP_PLAYFAB_M_REASONS];
    ngx_atomic_t   idempotency[NGX_HTTP_PLAYFAB_M_IDEM];
} ngx_http_playfab_metrics_t;


/* the epochs of the workers' copies of identities */
#define NGX_HTTP_PLAYFAB_IDENTITY_EPOCHS  256


/* the records of one kind: their own LRU, use and budget */
typedef struct {
    ngx_queue_t                   lru;              /* most recent first */
    ngx_uint_t                    records;
    size_t                        bytes;            /* slab bytes held */
    size_t                        budget;           /* 0: none but the
                                                       zone's size */
    ngx_uint_t                    evicted;          /* ever, while live */
} ngx_http_playfab_kind_t;


typedef struct {
    ngx_uint_t                    version;
    ngx_http_playfab_metrics_t    metrics;

    ngx_rbtree_t                  titles;           /* title tokens */
    ngx_rbtree_node_t             titles_sentinel;
    ngx_atomic_t                  token_epoch;      /* +1 whenever a title
                                                       token or its refresh
                                                       time changes: read
                                                       without the lock */

    ngx_rbtree_t                  records;          /* all kinds */
    ngx_rbtree_node_t             records_sentinel;
    ngx_http_playfab_kind_t       kinds[NGX_HTTP_PLAYFAB_KINDS];
    ngx_atomic_t                  identity_epochs
                                      [NGX_HTTP_PLAYFAB_IDENTITY_EPOCHS];
                                                    /* by the first byte of
                                                       a record's key: +1
                                                       whenever a player's
                                                       token of it is
                                                       refused; workers'
                                                       copies of its
                                                       identities are then
                                                       stale */

    ngx_rbtree_t                  keysets;          /* fetched JWK Sets */
    ngx_rbtree_node_t             keysets_sentinel;
} ngx_http_playfab_shctx_t;


typedef struct ngx_http_playfab_identities_s  ngx_http_playfab_identities_t;

typedef struct {
    ngx_http_playfab_shctx_t     *sh;
    ngx_slab_pool_t              *shpool;
    size_t                        identity_budget;  /* configured */
    ngx_http_playfab_identities_t *identities;      /* this worker's copies,
                                                       made at first use */
} ngx_http_playfab_zone_t;

#endif /* NGX_HTTP_PLAYFAB_SHM_H */
