/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) for party
 * requests: a client retrying with the same key, as the same principal
 * and title, gets the same descriptor back without a second allocation
 * at PlayFab.  Without a principal there is no key: the request is
 * refused rather than put in a namespace that other callers share.
 *
 * The record, in the zone's records under a digest of the title, the
 * principal, the URI and the key, is one state byte, the SHA-256 of the client's
 * body, and, once the party exists, the response.  The first request
 * claims the key (an in-flight record with a short lease); a retry
 * meanwhile waits for the answer, up to playfab_token_wait, then gets
 * 409; the same key with another body gets 422.  When the request ends
 * without a party, the key is released if PlayFab was not asked or
 * plainly refused; if PlayFab may have allocated one (a timeout, a 5xx,
 * an unreadable answer, a client gone), the record says "unknown" for
 * the key's lifetime and every retry gets 409 idempotency_outcome_unknown,
 * never a second RequestPartyService.
 */

#include "ngx_http_playfab_features.h"
#include "playfab_digest.h"
#include "playfab_http.h"


#define NGX_HTTP_PLAYFAB_IDEM_LEASE     60     /* s, an in-flight record */
#define NGX_HTTP_PLAYFAB_IDEM_FLIGHT    1
#define NGX_HTTP_PLAYFAB_IDEM_DONE      2
#define NGX_HTTP_PLAYFAB_IDEM_UNKNOWN   3
#define NGX_HTTP_PLAYFAB_IDEM_HEAD      (1 + NGX_HTTP_PLAYFAB_DIGEST_LEN)


/* what the end of the request needs to settle a claimed key */
typedef struct {
    ngx_shm_zone_t               *zone;
    ngx_http_playfab_ctx_t       *ctx;
    time_t                        lifetime;
} ngx_http_playfab_idem_claim_t;


static ngx_int_t ngx_http_playfab_idem_key(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static ngx_int_t ngx_http_playfab_idem_claimed(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
static void ngx_http_playfab_idem_settle(void *data);
static ngx_int_t ngx_http_playfab_idem_replay(ngx_http_request_t *r,
    ngx_str_t *rec, ngx_str_t *replay);


/* the SHA-256 of the client's body, kept while the body is at hand */

ngx_int_t
ngx_http_playfab_idem_body(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx,
    ngx_str_t *body)
{
    playfab_digest_part_t  part;

    part.data = body->data;
    part.len = body->len;

    return playfab_digest(ctx->body_digest, &part, 1) == 0 ? NGX_OK
                                                           : NGX_ERROR;
}


/*
 * NGX_DECLINED: go on with the request (no key, or the key claimed);
 * NGX_AGAIN: the first request with this key is still running; NGX_OK
 * with the first request's response in replay, for the caller to send;
 * or an HTTP status with the problem set.
 */

ngx_int_t
ngx_http_playfab_idem_check(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx,
    ngx_str_t *replay)
{
    ngx_int_t                      rc;
    ngx_str_t                      rec, value;
    ngx_http_playfab_loc_conf_t   *plcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    if (!ctx->idem_waiting) {
        rc = ngx_http_playfab_idem_key(r, ctx);

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

        rc = ngx_http_playfab_store_put(pmcf->shm_zone,
                                        NGX_HTTP_PLAYFAB_KIND_IDEMPOTENCY,
                                        ctx->idem_key, &value,
                                        NGX_HTTP_PLAYFAB_IDEM_LEASE, 1,
                                        r->connection->log);
        if (rc == NGX_OK) {
            return ngx_http_playfab_idem_claimed(r, ctx);
        }

        if (rc == NGX_DECLINED) {
            return ngx_http_playfab_problem(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                            "idempotency_unavailable",
                                            "no room to keep another "
                                            "Idempotency-Key now");
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

    if (rec.data[0] == NGX_HTTP_PLAYFAB_IDEM_UNKNOWN) {
        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_IDEMPOTENCY,
                                       NGX_HTTP_PLAYFAB_I_UNKNOWN);

        return ngx_http_playfab_problem(r, NGX_HTTP_CONFLICT,
                                        "idempotency_outcome_unknown",
                                        "the first request with this "
                                        "Idempotency-Key may have created a "
                                        "party, and its outcome is unknown; "
                                        "send a new key to ask for another");
    }

    if (rec.data[0] == NGX_HTTP_PLAYFAB_IDEM_DONE) {
        ngx_http_playfab_metrics_count(r, NGX_HTTP_PLAYFAB_M_IDEMPOTENCY,
                                       ctx->idem_waiting
                                       ? NGX_HTTP_PLAYFAB_I_WAITED
                                       : NGX_HTTP_PLAYFAB_I_REPLAYED);
        return ngx_http_playfab_idem_replay(r, &rec, replay);
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

        if (ngx_http_playfab_store_put(pmcf->shm_zone,
                                       NGX_HTTP_PLAYFAB_KIND_IDEMPOTENCY,
                                       ctx->idem_key, &value,
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


/* the key is this request's until it ends: see idem_settle() */

static ngx_int_t
ngx_http_playfab_idem_claimed(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx)
{
    ngx_pool_cleanup_t             *cln;
    ngx_http_playfab_loc_conf_t    *plcf;
    ngx_http_playfab_main_conf_t   *pmcf;
    ngx_http_playfab_idem_claim_t  *claim;

    ctx->idem_claimed = 1;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_playfab_idem_claim_t));
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_playfab_party_module);

    claim = cln->data;
    claim->zone = pmcf->shm_zone;
    claim->ctx = ctx;
    claim->lifetime = plcf->idempotency;

    cln->handler = ngx_http_playfab_idem_settle;

    return NGX_DECLINED;
}


/*
 * The request ends (answered, failed, or its client gone) with the key
 * still claimed, so without a party it knows of: the key is released,
 * unless RequestPartyService was sent and not plainly refused, which
 * may have allocated one.
 */

static void
ngx_http_playfab_idem_settle(void *data)
{
    ngx_http_playfab_idem_claim_t  *claim = data;

    u_char                   value[NGX_HTTP_PLAYFAB_IDEM_HEAD];
    ngx_str_t                v;
    ngx_http_playfab_ctx_t  *ctx;

    ctx = claim->ctx;

    if (!ctx->idem_claimed) {
        return;
    }

    ctx->idem_claimed = 0;

    if (ctx->party_sent) {
        value[0] = NGX_HTTP_PLAYFAB_IDEM_UNKNOWN;
        ngx_memcpy(value + 1, ctx->body_digest, NGX_HTTP_PLAYFAB_DIGEST_LEN);

        v.data = value;
        v.len = sizeof(value);

        if (ngx_http_playfab_store_put(claim->zone,
                                       NGX_HTTP_PLAYFAB_KIND_IDEMPOTENCY,
                                       ctx->idem_key, &v,
                                       claim->lifetime, 0, ngx_cycle->log)
            == NGX_OK)
        {
            ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                          "playfab: the outcome of a RequestPartyService is "
                          "unknown: its Idempotency-Key answers 409 now");
            return;
        }
    }

    ngx_http_playfab_store_delete(claim->zone, ctx->idem_key);
}


/*
 * NGX_OK with ctx->idem_key set; NGX_DECLINED without the header; 403
 * without a principal; 400 for a malformed key.  The key is the header's
 * string, quoted (a structured field sf-string, as the draft says) or
 * bare, of printable characters; the record is the title's, the
 * principal's and the endpoint's (the URI: another location, another
 * policy): no other caller can reach it, whatever its subject.
 */

static ngx_int_t
ngx_http_playfab_idem_key(ngx_http_request_t *r, ngx_http_playfab_ctx_t *ctx)
{
    size_t                         key_len;
    ngx_uint_t                     count;
    const char                    *key;
    ngx_table_elt_t               *h;
    playfab_digest_part_t          parts[7];
    ngx_http_playfab_principal_t  *pr;
    ngx_http_playfab_loc_conf_t   *plcf;

    h = ngx_http_playfab_header_in(r, "idempotency-key",
                                     sizeof("idempotency-key") - 1, &count);
    if (h == NULL) {
        return NGX_DECLINED;
    }

    pr = &ctx->principal;

    if (pr->method.len == 0) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "playfab: Idempotency-Key of a caller that was not "
                      "authenticated refused");

        (void) ngx_http_playfab_problem(r, NGX_HTTP_FORBIDDEN,
                                        "principal_required",
                                        "an Idempotency-Key is kept only for "
                                        "an authenticated caller");

        ngx_str_set(&ctx->problem.field, "Idempotency-Key");

        return NGX_HTTP_FORBIDDEN;
    }

    if (count > 1
        || playfab_http_idempotency_key((char *) h->value.data, h->value.len,
                                        &key, &key_len)
           != 0)
    {
        (void) ngx_http_playfab_problem(r, NGX_HTTP_BAD_REQUEST,
                                        "invalid_value",
                                        "must be one string of 1 to 255 "
                                        "printable characters");

        ngx_str_set(&ctx->problem.field, "Idempotency-Key");

        return NGX_HTTP_BAD_REQUEST;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_playfab_party_module);

    parts[0].data = "idempotency";
    parts[0].len = sizeof("idempotency") - 1;
    parts[1].data = plcf->title_id.data;
    parts[1].len = plcf->title_id.len;
    parts[2].data = pr->method.data;
    parts[2].len = pr->method.len;
    parts[3].data = pr->realm.data;
    parts[3].len = pr->realm.len;
    parts[4].data = pr->subject.data;
    parts[4].len = pr->subject.len;
    parts[5].data = r->uri.data;
    parts[5].len = r->uri.len;
    parts[6].data = key;
    parts[6].len = key_len;

    if (playfab_digest(ctx->idem_key, parts, 7) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_playfab_idem_replay(ngx_http_request_t *r, ngx_str_t *rec,
    ngx_str_t *replay)
{
    ngx_str_t  v;

    replay->data = rec->data + NGX_HTTP_PLAYFAB_IDEM_HEAD;
    replay->len = rec->len - NGX_HTTP_PLAYFAB_IDEM_HEAD;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "playfab: Idempotency-Key replayed");

    ngx_str_set(&v, "true");

    if (ngx_http_playfab_add_header(r, "Idempotent-Replayed", &v) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}
