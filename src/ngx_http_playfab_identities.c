/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Each worker's own copies of the players' identities it validated or
 * read from the zone's records lately, so that a known player's token
 * costs neither the zone's lock nor a digest: a bounded table per zone
 * (a slot picked by a keyed hash of the token, the scope compared, the
 * token compared in constant time), made at the worker's first use.  The
 * scope is the PlayFab that validated the token: the location's title
 * token key (a digest of the title, its secret key and api_location), so
 * that a player accepted through one api_location (a staging stub) is
 * not accepted through another of the same title.
 *
 * A copy answers only while the zone's epoch of its record's key (one of
 * 256, by the key's first byte) is the one it was made under: a refusal
 * of a token anywhere (in any worker, at any location) moves its key's
 * epoch on, and every copy of every worker under that epoch is then read
 * from the zone again, where the refusal is recorded (or the record
 * dropped).  A refused token thus leaves the copies of 255 in 256 other
 * players in place.  The caller reads the epoch before it reads (or
 * asks PlayFab for) what it copies, and the epoch moves on only once
 * the refusal is recorded, so that no copy made of the old answer
 * survives the move.  How long a copy may answer is the caller's (each
 * location's playfab_auth_entity_cache): the time its record was made
 * is kept.  A slot's token is wiped before it is freed: when another
 * takes its place, when its epoch is found to have moved on, and when
 * the cycle's pool goes.
 */

#include "ngx_http_playfab_storage.h"
#include "playfab_ct.h"
#include "playfab_random.h"


#define NGX_HTTP_PLAYFAB_IDENTITIES  256      /* slots per zone */


typedef struct {
    u_char                       *data;       /* the scope, the token, the
                                                 entity id, type and master
                                                 id; NULL: empty */
    size_t                        size;
    size_t                        scope_len;
    size_t                        token_len;
    size_t                        lens[3];
    time_t                        made;
    ngx_uint_t                    bucket;     /* of identity_epochs */
    ngx_atomic_uint_t             epoch;
} ngx_http_playfab_identity_slot_t;


struct ngx_http_playfab_identities_s {
    uint64_t                          seed;
    ngx_http_playfab_identity_slot_t  slots[NGX_HTTP_PLAYFAB_IDENTITIES];
};


static ngx_http_playfab_identity_slot_t *ngx_http_playfab_identities_slot(
    ngx_http_playfab_zone_t *zone, ngx_str_t *token, ngx_uint_t create);
static void ngx_http_playfab_identities_clear(
    ngx_http_playfab_identity_slot_t *slot);
static void ngx_http_playfab_identities_cleanup(void *data);


/* the epoch of the copies of the record under key */

ngx_atomic_uint_t
ngx_http_playfab_identities_epoch(ngx_shm_zone_t *shm_zone, u_char *key)
{
    ngx_http_playfab_zone_t  *zone = shm_zone->data;

    return zone->sh->identity_epochs[key[0]];
}


/* a token of the record under key was refused, and that is recorded */

void
ngx_http_playfab_identities_outdated(ngx_shm_zone_t *shm_zone, u_char *key)
{
    ngx_http_playfab_zone_t  *zone = shm_zone->data;

    (void) ngx_atomic_fetch_add(&zone->sh->identity_epochs[key[0]], 1);
}


/* NGX_OK: id (in pool) and the time its record was made; NGX_DECLINED */

ngx_int_t
ngx_http_playfab_identities_get(ngx_shm_zone_t *shm_zone, ngx_str_t *scope,
    ngx_str_t *token, ngx_pool_t *pool, ngx_http_playfab_identity_t *id,
    time_t *made)
{
    u_char                            *p, *copy;
    size_t                             len;
    ngx_http_playfab_zone_t           *zone;
    ngx_http_playfab_identity_slot_t  *slot;

    zone = shm_zone->data;

    slot = ngx_http_playfab_identities_slot(zone, token, 0);

    if (slot == NULL || slot->data == NULL) {
        return NGX_DECLINED;
    }

    if (slot->epoch != zone->sh->identity_epochs[slot->bucket]) {
        ngx_http_playfab_identities_clear(slot);
        return NGX_DECLINED;
    }

    if (slot->scope_len != scope->len
        || slot->token_len != token->len
        || ngx_memcmp(slot->data, scope->data, scope->len) != 0
        || !playfab_ct_equal(slot->data + scope->len, token->data,
                             token->len))
    {
        return NGX_DECLINED;
    }

    /* the request keeps its own: the slot may be taken before it ends */

    p = slot->data + slot->scope_len + slot->token_len;
    len = slot->lens[0] + slot->lens[1] + slot->lens[2];

    copy = ngx_pnalloc(pool, len);
    if (copy == NULL) {
        return NGX_DECLINED;
    }

    ngx_memcpy(copy, p, len);

    id->entity_id.data = copy;
    id->entity_id.len = slot->lens[0];
    id->entity_type.data = copy + slot->lens[0];
    id->entity_type.len = slot->lens[1];
    id->master_id.data = copy + slot->lens[0] + slot->lens[1];
    id->master_id.len = slot->lens[2];

    *made = slot->made;

    return NGX_OK;
}


/*
 * A copy of the record under key, made at made, read (or asked of
 * PlayFab) after epoch was read
 */

void
ngx_http_playfab_identities_put(ngx_shm_zone_t *shm_zone, u_char *key,
    ngx_atomic_uint_t epoch, ngx_str_t *scope, ngx_str_t *token,
    ngx_http_playfab_identity_t *id, time_t made)
{
    u_char                            *p;
    size_t                             size;
    ngx_http_playfab_zone_t           *zone;
    ngx_http_playfab_identity_slot_t  *slot;

    zone = shm_zone->data;

    slot = ngx_http_playfab_identities_slot(zone, token, 1);
    if (slot == NULL) {
        return;
    }

    ngx_http_playfab_identities_clear(slot);

    size = scope->len + token->len + id->entity_id.len + id->entity_type.len
           + id->master_id.len;

    slot->data = ngx_alloc(size, ngx_cycle->log);
    if (slot->data == NULL) {
        return;
    }

    p = ngx_cpymem(slot->data, scope->data, scope->len);
    p = ngx_cpymem(p, token->data, token->len);
    p = ngx_cpymem(p, id->entity_id.data, id->entity_id.len);
    p = ngx_cpymem(p, id->entity_type.data, id->entity_type.len);
    ngx_memcpy(p, id->master_id.data, id->master_id.len);

    slot->size = size;
    slot->scope_len = scope->len;
    slot->token_len = token->len;
    slot->lens[0] = id->entity_id.len;
    slot->lens[1] = id->entity_type.len;
    slot->lens[2] = id->master_id.len;
    slot->made = made;
    slot->bucket = key[0];
    slot->epoch = epoch;
}


static ngx_http_playfab_identity_slot_t *
ngx_http_playfab_identities_slot(ngx_http_playfab_zone_t *zone,
    ngx_str_t *token, ngx_uint_t create)
{
    ngx_pool_cleanup_t             *cln;
    ngx_http_playfab_identities_t  *table;

    table = zone->identities;

    if (table == NULL) {
        if (!create) {
            return NULL;
        }

        cln = ngx_pool_cleanup_add(ngx_cycle->pool, 0);
        if (cln == NULL) {
            return NULL;
        }

        table = ngx_calloc(sizeof(ngx_http_playfab_identities_t),
                           ngx_cycle->log);
        if (table == NULL) {
            return NULL;
        }

        if (playfab_random_bytes((u_char *) &table->seed, sizeof(table->seed))
            != 0)
        {
            ngx_free(table);
            return NULL;
        }

        cln->handler = ngx_http_playfab_identities_cleanup;
        cln->data = table;

        zone->identities = table;
    }

    return &table->slots[playfab_ct_slot(table->seed, token->data, token->len,
                                         NGX_HTTP_PLAYFAB_IDENTITIES)];
}


static void
ngx_http_playfab_identities_clear(ngx_http_playfab_identity_slot_t *slot)
{
    if (slot->data) {
        ngx_explicit_memzero(slot->data, slot->size);
        ngx_free(slot->data);
        slot->data = NULL;
    }
}


/* the cycle's pool goes (a reload without a master process) */

static void
ngx_http_playfab_identities_cleanup(void *data)
{
    ngx_http_playfab_identities_t  *table = data;

    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_PLAYFAB_IDENTITIES; i++) {
        ngx_http_playfab_identities_clear(&table->slots[i]);
    }

    ngx_free(table);
}
