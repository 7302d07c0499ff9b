/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * "playfab_auth api_key FILE": the caller's X-API-Key, whose SHA-256 is
 * compared in constant time with every digest of the file
 * (src/playfab_apikey.c); the principal is (api_key, the file, the
 * key's name).  Each worker remembers the keys it accepted lately, in a
 * bounded table per key file (shared by the locations that inherit it):
 * a key found there, compared in constant time, is not hashed again.
 * The table lives as long as the configuration that loaded the file; a
 * slot's key is wiped before another takes its place, and every key is
 * wiped when the configuration goes (a reload without a master process,
 * a worker's exit).
 */

#include "ngx_http_playfab_features.h"
#include "playfab_ct.h"
#include "playfab_random.h"


#define NGX_HTTP_PLAYFAB_API_KEY_TABLE   64      /* keys per key file */


typedef struct {
    const playfab_apikey_t       *key;           /* NULL: empty */
    size_t                        len;
    u_char                        bytes[PLAYFAB_APIKEY_LEN_MAX];
} ngx_http_playfab_key_slot_t;


struct ngx_http_playfab_key_table_s {
    uint64_t                      seed;
    ngx_http_playfab_key_slot_t   slots[NGX_HTTP_PLAYFAB_API_KEY_TABLE];
};


static void ngx_http_playfab_api_key_table_cleanup(void *data);
static const playfab_apikey_t *ngx_http_playfab_api_key_find(
    ngx_http_request_t *r, ngx_http_playfab_loc_conf_t *plcf,
    ngx_str_t *value);


#define NGX_HTTP_PLAYFAB_API_KEY_HEADER  "x-api-key"


ngx_int_t
ngx_http_playfab_auth_api_key(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_http_playfab_ctx_t *ctx)
{
    ngx_uint_t               count;
    ngx_table_elt_t         *h;
    const playfab_apikey_t  *key;

    h = ngx_http_playfab_header_in(r, NGX_HTTP_PLAYFAB_API_KEY_HEADER,
                                     sizeof(NGX_HTTP_PLAYFAB_API_KEY_HEADER)
                                     - 1, &count);

    if (h == NULL) {
        return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_MISSING,
                                            "ApiKey", "no X-API-Key header");
    }

    if (count > 1) {
        return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_MALFORMED,
                                            "ApiKey",
                                            "more than one X-API-Key header");
    }

    key = ngx_http_playfab_api_key_find(r, plcf, &h->value);

    if (key == NULL) {
        return ngx_http_playfab_auth_reject(r, NGX_HTTP_PLAYFAB_R_INVALID,
                                            "ApiKey", "unknown API key");
    }

    ngx_str_set(&ctx->principal.method, "api_key");
    ctx->principal.realm = plcf->auth_realm;
    ctx->principal.subject.data = (u_char *) key->name;
    ctx->principal.subject.len = key->name_len;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: API key \"%V\" accepted",
                   &ctx->principal.subject);

    return NGX_OK;
}


/*
 * configuration: where the table of a key file will be, shared by the
 * locations that inherit the file, and wiped with the configuration
 */

ngx_http_playfab_key_table_t **
ngx_http_playfab_api_key_table(ngx_conf_t *cf)
{
    ngx_pool_cleanup_t             *cln;
    ngx_http_playfab_key_table_t  **table;

    table = ngx_pcalloc(cf->pool, sizeof(ngx_http_playfab_key_table_t *));
    if (table == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_playfab_api_key_table_cleanup;
    cln->data = table;

    return table;
}


static void
ngx_http_playfab_api_key_table_cleanup(void *data)
{
    ngx_http_playfab_key_table_t  **table = data;

    if (*table) {
        ngx_explicit_memzero(*table, sizeof(ngx_http_playfab_key_table_t));
        ngx_free(*table);
        *table = NULL;
    }
}


/* the key of the file that value is, from the table or verified */

static const playfab_apikey_t *
ngx_http_playfab_api_key_find(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_str_t *value)
{
    const playfab_apikey_t       *key;
    ngx_http_playfab_key_slot_t  *slot;
    ngx_http_playfab_key_table_t *table;

    if (value->len == 0 || value->len > PLAYFAB_APIKEY_LEN_MAX) {
        return NULL;
    }

    table = *plcf->api_key_table;

    if (table == NULL) {
        table = ngx_calloc(sizeof(ngx_http_playfab_key_table_t),
                           ngx_cycle->log);
        if (table == NULL
            || playfab_random_bytes((u_char *) &table->seed,
                                    sizeof(table->seed)) != 0)
        {
            ngx_free(table);
            return playfab_apikey_match(plcf->api_keys, plcf->napi_keys,
                                        (char *) value->data, value->len);
        }

        *plcf->api_key_table = table;
    }

    slot = &table->slots[playfab_ct_slot(table->seed, value->data, value->len,
                                         NGX_HTTP_PLAYFAB_API_KEY_TABLE)];

    if (slot->key && slot->len == value->len
        && playfab_ct_equal(slot->bytes, value->data, value->len))
    {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: API key \"%s\" from this worker's table",
                       slot->key->name);
        return slot->key;
    }

    key = playfab_apikey_match(plcf->api_keys, plcf->napi_keys,
                               (char *) value->data, value->len);

    if (key) {
        ngx_explicit_memzero(slot->bytes, slot->len);
        slot->key = key;
        slot->len = value->len;
        ngx_memcpy(slot->bytes, value->data, value->len);
    }

    return key;
}
