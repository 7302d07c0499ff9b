/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The layout of the shared memory zone, for the files that keep their
 * data in it: the title token cache (ngx_http_playfab_shm.c) and the
 * player identity cache (ngx_http_playfab_idcache.c).
 */

#ifndef NGX_HTTP_PLAYFAB_SHM_H
#define NGX_HTTP_PLAYFAB_SHM_H

#include <ngx_config.h>
#include <ngx_core.h>


/* bumped whenever the layout below changes: a reload refuses old zones */
#define NGX_HTTP_PLAYFAB_SHM_VERSION  2


typedef struct {
    ngx_uint_t                    version;

    ngx_rbtree_t                  titles;           /* title tokens */
    ngx_rbtree_node_t             titles_sentinel;

    ngx_rbtree_t                  identities;       /* validated players */
    ngx_rbtree_node_t             identities_sentinel;
    ngx_queue_t                   identities_lru;   /* most recent first */
} ngx_http_playfab_shctx_t;


typedef struct {
    ngx_http_playfab_shctx_t     *sh;
    ngx_slab_pool_t              *shpool;
} ngx_http_playfab_zone_t;

#endif /* NGX_HTTP_PLAYFAB_SHM_H */
