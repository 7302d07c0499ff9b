/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) for party
 * requests: a client retrying with the same key, as the same caller, gets
 * the same descriptor back without a second allocation at PlayFab.
 *
 * The record, in the zone's records under SHA-256("idempotency:" caller
 * "\n" key), is one state byte, the SHA-256 of the client's body, and,
 * once the party exists, the response.  The first request claims the key
 * (an in-flight record with a short lease); a retry meanwhile waits for
 * the answer, up to playfab_token_wait, then gets 409; the same key with
 * another body gets 422.  A failed request releases the key.
 */

#include "ngx_http_playfab_module.h"

#include <openssl/evp.h>


#define NGX_HTTP_PLAYFAB_IDEM_KEY_MAX   255
#define NGX_HTTP_PLAYFAB_IDEM_LEASE     60     /* s, an in-flight record */
#define NGX_HTTP_PLAYFAB_IDEM_FLIGHT    1
#define NGX_HTTP_PLAYFAB_IDEM_DONE      2
#define NGX_HTTP_PLAYFAB_IDEM_HEAD      (1 + NGX_HTTP_PLAYFAB_DIGEST_LEN)


static ngx_int_t ngx_http_playfab_idem_key(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_str_t *key);
static ngx_int_t ngx_http_playfab_idem_replay(ngx_http_request_t *r,
    ngx_str_t *rec);
static ngx_int_t ngx_http_playfab_idem_digest(u_char *out, ngx_str_t *parts,
    ngx_uint_t n);


static ngx_str_t  ngx_http_playfab_idem_prefix = ngx_string("idempotency:");
static ngx_str_t  ngx_http_playfab_idem_newline = ngx_string("\n");


/* the SHA-256 of the client's body, kept while the body is at hand */

ngx_int_t
ngx_http_playfab_idem_body(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx,
    ngx_str_t *body)
{
    return ngx_http_playfab_idem_digest(ctx->body_digest, body, 1);
}


/*
 * NGX_DECLINED: go on with the request (no key, or the key claimed);
 * NGX_AGAIN: the first request with this key is still running; the
 * output's result once the stored response is sent (ctx->responded); or
 * an HTTP status with the problem set.
 */

ngx_int_t
ngx_http_playfab_idem_check(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx)
{
    ngx_int_t                      rc;
    ngx_str_t                      key, rec, value;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    if (!ctx->idem_waiting) {
        rc = ngx_http_playfab_idem_key(r, ctx, &key);

        if (rc != NGX_OK) {
            return rc;
        }
    }

    for ( ;; ) {
        value.len = NGX_HTTP_PLAYFAB_IDEM_HEAD;
        value.data = ngx_pnalloc(r->pool, value.len);
        if (value.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        value.data[0] = NGX_HTTP_PLAYFAB_IDEM_FLIGHT;
        ngx_memcpy(value.data + 1, ctx->body_digest,
                   NGX_HTTP_PLAYFAB_DIGEST_LEN);

        rc = ngx_http_playfab_store_put(pmcf->shm_zone, ctx->idem_key, &value,
                                        NGX_HTTP_PLAYFAB_IDEM_LEASE, 1,
                                        r->connection->log);
        if (rc == NGX_OK) {
            ctx->idem_claimed = 1;
            return NGX_DECLINED;
        }

        if (rc != NGX_BUSY) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rc = ngx_http_playfab_store_get(pmcf->shm_zone, ctx->idem_key,
                                        r->pool, &rec);
        if (rc == NGX_DECLINED) {
            continue;      /* gone meanwhile: claim it */
        }

        if (rc != NGX_OK || rec.len < NGX_HTTP_PLAYFAB_IDEM_HEAD) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        break;
    }

    if (ngx_memcmp(rec.data + 1, ctx->body_digest,
                   NGX_HTTP_PLAYFAB_DIGEST_LEN)
        != 0)
    {
        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_IDEMPOTENCY,
                                       NGX_HTTP_PLAYFAB_I_MISMATCH);

        return ngx_http_playfab_problem(r, NGX_HTTP_UNPROCESSABLE_ENTITY,
                                        "idempotency_mismatch",
                                        "this Idempotency-Key was used with "
                                        "another body");
    }

    if (rec.data[0] == NGX_HTTP_PLAYFAB_IDEM_DONE) {
        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_IDEMPOTENCY,
                                       ctx->idem_waiting
                                       ? NGX_HTTP_PLAYFAB_I_WAITED
                                       : NGX_HTTP_PLAYFAB_I_REPLAYED);
        return ngx_http_playfab_idem_replay(r, &rec);
    }

    /* the first request with this key is still running */

    if (!ctx->idem_waiting) {
        ctx->idem_waiting = 1;
        ctx->idem_deadline = ngx_current_msec + plcf->token_wait;

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "playfab: Idempotency-Key in flight, waiting");
    }

    if ((ngx_msec_int_t) (ngx_current_msec - ctx->idem_deadline) >= 0) {
        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_IDEMPOTENCY,
                                       NGX_HTTP_PLAYFAB_I_CONFLICT);

        return ngx_http_playfab_problem(r, NGX_HTTP_CONFLICT,
                                        "idempotency_conflict",
                                        "a request with this Idempotency-Key "
                                        "is still being processed");
    }

    return ngx_http_playfab_poll(r, ctx);
}


/* the party exists: keep its response for the key's lifetime */

void
ngx_http_playfab_idem_done(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx,
    u_char *response, size_t len)
{
    ngx_str_t                      value;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    if (!ctx->idem_claimed) {
        return;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    value.len = NGX_HTTP_PLAYFAB_IDEM_HEAD + len;
    value.data = ngx_pnalloc(r->pool, value.len);

    if (value.data) {
        value.data[0] = NGX_HTTP_PLAYFAB_IDEM_DONE;
        ngx_memcpy(value.data + 1, ctx->body_digest,
                   NGX_HTTP_PLAYFAB_DIGEST_LEN);
        ngx_memcpy(value.data + NGX_HTTP_PLAYFAB_IDEM_HEAD, response, len);

        if (ngx_http_playfab_store_put(pmcf->shm_zone, ctx->idem_key, &value,
                                       plcf->idempotency, 0,
                                       r->connection->log)
            == NGX_OK)
        {
            ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_IDEMPOTENCY,
                                           NGX_HTTP_PLAYFAB_I_STORED);
            ctx->idem_claimed = 0;
            return;
        }
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "playfab: the response for an Idempotency-Key could not "
                  "be kept");
}


/* the request failed: a retry with the key may try again */

void
ngx_http_playfab_idem_release(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_http_playfab_main_conf_t  *pmcf;

    if (!ctx->idem_claimed) {
        return;
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    ngx_http_playfab_store_delete(pmcf->shm_zone, ctx->idem_key);
    ctx->idem_claimed = 0;
}


/*
 * NGX_OK with ctx->idem_key set; NGX_DECLINED without the header; 400
 * for a malformed one.  The key is the header's string, quoted (a
 * structured field sf-string, as the draft says) or bare, of printable
 * characters; it is bound to the caller's identity.
 */

static ngx_int_t
ngx_http_playfab_idem_key(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx,
    ngx_str_t *key)
{
    ngx_str_t         parts[4];
    ngx_uint_t        i, count;
    ngx_table_elt_t  *h;

    h = ngx_http_playfab_auth_header(r, "idempotency-key",
                                     sizeof("idempotency-key") - 1, &count);
    if (h == NULL) {
        return NGX_DECLINED;
    }

    *key = h->value;

    if (key->len >= 2 && key->data[0] == '"'
        && key->data[key->len - 1] == '"')
    {
        key->data++;
        key->len -= 2;
    }

    for (i = 0; i < key->len; i++) {
        if (key->data[i] < 0x20 || key->data[i] >= 0x7f
            || key->data[i] == '"' || key->data[i] == '\\')
        {
            break;
        }
    }

    if (count > 1 || key->len == 0 || key->len > NGX_HTTP_PLAYFAB_IDEM_KEY_MAX
        || i < key->len)
    {
        (void) ngx_http_playfab_problem(r, NGX_HTTP_BAD_REQUEST,
                                        "invalid_value",
                                        "must be one string of 1 to 255 "
                                        "printable characters");

        ngx_str_set(&ctx->problem.field, "Idempotency-Key");

        return NGX_HTTP_BAD_REQUEST;
    }

    parts[0] = ngx_http_playfab_idem_prefix;
    parts[1] = ctx->subject;
    parts[2] = ngx_http_playfab_idem_newline;
    parts[3] = *key;

    if (ngx_http_playfab_idem_digest(ctx->idem_key, parts, 4) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_idem_replay(ngx_http_request_t *r, ngx_str_t *rec)
{
    ngx_str_t  body, v;

    body.data = rec->data + NGX_HTTP_PLAYFAB_IDEM_HEAD;
    body.len = rec->len - NGX_HTTP_PLAYFAB_IDEM_HEAD;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: Idempotency-Key replayed");

    ngx_str_set(&v, "true");

    if (ngx_http_playfab_add_header(r, "Idempotent-Replayed", &v) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_playfab_party_respond(r, &body);
}


static ngx_int_t
ngx_http_playfab_idem_digest(u_char *out, ngx_str_t *parts, ngx_uint_t n)
{
    ngx_int_t    rc;
    ngx_uint_t   i;
    EVP_MD_CTX  *md;

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return NGX_ERROR;
    }

    rc = (EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1) ? NGX_OK
                                                          : NGX_ERROR;

    for (i = 0; rc == NGX_OK && i < n; i++) {
        if (EVP_DigestUpdate(md, parts[i].data, parts[i].len) != 1) {
            rc = NGX_ERROR;
        }
    }

    if (rc == NGX_OK && EVP_DigestFinal_ex(md, out, NULL) != 1) {
        rc = NGX_ERROR;
    }

    EVP_MD_CTX_free(md);

    return rc;
}
