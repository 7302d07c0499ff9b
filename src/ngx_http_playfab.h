/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The types every file of the module's nginx glue shares: configuration,
 * per-request context, PlayFab calls, problems, principals.  Functions
 * are declared floor by floor (docs/architecture.md), each header
 * including the one below it:
 *
 *   ngx_http_playfab_wiring.h     module, directives
 *   ngx_http_playfab_handlers.h   phase handlers, filters, variables
 *   ngx_http_playfab_features.h   title token, auth methods, idempotency
 *   ngx_http_playfab_api.h        PlayFab transport
 *   ngx_http_playfab_storage.h    the zone, its records and counters
 *   ngx_http_playfab_util.h       request utilities, files, log redaction
 */

#ifndef NGX_HTTP_PLAYFAB_H
#define NGX_HTTP_PLAYFAB_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "playfab_schema.h"
#include "playfab_apikey.h"
#include "playfab_reply.h"
#include "playfab_jwt.h"


#define NGX_HTTP_PLAYFAB_AUTH_OFF           0
#define NGX_HTTP_PLAYFAB_AUTH_API_KEY       1
#define NGX_HTTP_PLAYFAB_AUTH_ENTITY_TOKEN  2
#define NGX_HTTP_PLAYFAB_AUTH_JWT           3

#define NGX_HTTP_PLAYFAB_TITLE_MAX          32
#define NGX_HTTP_PLAYFAB_DIGEST_LEN         32     /* SHA-256 */
#define NGX_HTTP_PLAYFAB_FAILED_HOLD        1000   /* ms a failed title
                                                      token fetch is
                                                      remembered */
#define NGX_HTTP_PLAYFAB_SUSPECT_AGE        60     /* s: a title token
                                                      this old may be
                                                      refreshed early */


/* metrics (ngx_http_playfab_metrics.c): what is counted, and the labels */
#define NGX_HTTP_PLAYFAB_M_TOKEN        0
#define NGX_HTTP_PLAYFAB_M_AUTH         1
#define NGX_HTTP_PLAYFAB_M_IDEMPOTENCY  2

#define NGX_HTTP_PLAYFAB_M_OK           0     /* PlayFab call results */
#define NGX_HTTP_PLAYFAB_M_ERROR        1
#define NGX_HTTP_PLAYFAB_M_TIMEOUT      2
#define NGX_HTTP_PLAYFAB_M_UNAVAILABLE  3
#define NGX_HTTP_PLAYFAB_M_BAD_REPLY    4
#define NGX_HTTP_PLAYFAB_M_RESULTS      5

#define NGX_HTTP_PLAYFAB_M_HIT          0     /* title token events */
#define NGX_HTTP_PLAYFAB_M_FETCH        1
#define NGX_HTTP_PLAYFAB_M_REFRESH      2
#define NGX_HTTP_PLAYFAB_M_WAIT         3
#define NGX_HTTP_PLAYFAB_M_EVENTS       4

#define NGX_HTTP_PLAYFAB_M_METHODS      4     /* indexed by plcf->auth */

#define NGX_HTTP_PLAYFAB_R_MISSING      0     /* auth failure reasons */
#define NGX_HTTP_PLAYFAB_R_MALFORMED    1
#define NGX_HTTP_PLAYFAB_R_INVALID      2
#define NGX_HTTP_PLAYFAB_R_FORBIDDEN    3
#define NGX_HTTP_PLAYFAB_M_REASONS      4

#define NGX_HTTP_PLAYFAB_I_STORED       0     /* idempotency outcomes */
#define NGX_HTTP_PLAYFAB_I_REPLAYED     1
#define NGX_HTTP_PLAYFAB_I_WAITED       2
#define NGX_HTTP_PLAYFAB_I_CONFLICT     3
#define NGX_HTTP_PLAYFAB_I_MISMATCH     4
#define NGX_HTTP_PLAYFAB_I_UNKNOWN      5
#define NGX_HTTP_PLAYFAB_M_IDEM         6

#define NGX_HTTP_UNPROCESSABLE_ENTITY   422


/* the kinds of records in the zone, each with its own LRU and budget */
typedef enum {
    NGX_HTTP_PLAYFAB_KIND_IDENTITY = 0,  /* players' validated tokens */
    NGX_HTTP_PLAYFAB_KIND_IDEMPOTENCY,   /* Idempotency-Key records */
    NGX_HTTP_PLAYFAB_KINDS
} ngx_http_playfab_kind_e;


/* the three PlayFab operations */
typedef enum {
    NGX_HTTP_PLAYFAB_OP_TOKEN = 0,       /* GetEntityToken */
    NGX_HTTP_PLAYFAB_OP_PARTY,           /* RequestPartyService */
    NGX_HTTP_PLAYFAB_OP_VALIDATE,        /* ValidateEntityToken */
    NGX_HTTP_PLAYFAB_OP_COUNT
} ngx_http_playfab_op_e;


typedef struct {
    ngx_shm_zone_t               *shm_zone;
    ngx_flag_t                    redact;        /* the module is used */
    ngx_array_t                  *keysets;       /* fetched key sources */
} ngx_http_playfab_main_conf_t;


typedef struct ngx_http_playfab_keyset_s  ngx_http_playfab_keyset_t;

#define NGX_HTTP_PLAYFAB_KEYSET_WAIT  1     /* the caller may wait */
#define NGX_HTTP_PLAYFAB_KEYSET_KID   2     /* the token's kid is unknown */


typedef struct ngx_http_playfab_jwt_conf_s  ngx_http_playfab_jwt_conf_t;
typedef struct ngx_http_playfab_key_table_s  ngx_http_playfab_key_table_t;


/*
 * A worker's own copy of its location's title token, used without the
 * zone's lock while the zone's token epoch is unchanged and the token
 * is not yet due for refresh (ngx_http_playfab_shm.c)
 */
typedef struct {
    ngx_atomic_uint_t             epoch;         /* the zone's, at the copy */
    uint64_t                      generation;
    time_t                        until;         /* refresh_at or expiry */
    size_t                        len;           /* 0: none */
    u_char                       *data;          /* PLAYFAB_TOKEN_MAX */
} ngx_http_playfab_token_copy_t;


typedef struct {
    ngx_str_t                     title_id;
    ngx_str_t                     token_key;     /* the title token's in
                                                    the zone: a digest of
                                                    the title, the secret
                                                    and api_location */
    ngx_http_playfab_token_copy_t *token_copy;   /* this worker's, of the
                                                    token of token_key */
    ngx_str_t                     secret;
    ngx_str_t                     api_location;
    ngx_msec_t                    token_wait;
    time_t                        refresh_ahead;
    playfab_party_policy_t       *policy;        /* NULL: none set here */

    ngx_uint_t                    auth;
    u_char                       *auth_file;     /* where it was written */
    ngx_uint_t                    auth_line;
    ngx_str_t                     auth_realm;    /* api_key: the file */
    playfab_apikey_t             *api_keys;
    size_t                        napi_keys;
    ngx_http_playfab_key_table_t **api_key_table; /* of the file: this
                                                    worker's keys accepted
                                                    lately, made at first
                                                    use */
    ngx_http_playfab_jwt_conf_t  *jwt;           /* NULL: none set here */
    time_t                        idempotency;     /* 0: off */
    time_t                        entity_cache;
    time_t                        entity_negative_cache;
    ngx_flag_t                    preflight;

    ngx_flag_t                    bind_invitation;
    ngx_http_complex_value_t     *playfab_id;
    ngx_str_t                     request_id_header;   /* lowercase */

    u_char                       *status_file;   /* playfab_status here */
    ngx_uint_t                    status_line;

    ngx_flag_t                    party;         /* playfab_party here */
    u_char                       *party_file;    /* where it was written */
    ngx_uint_t                    party_line;
} ngx_http_playfab_loc_conf_t;


typedef struct ngx_http_playfab_call_s  ngx_http_playfab_call_t;

/* what a background call reports to its caller when it is over */
typedef void (*ngx_http_playfab_call_pt)(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call);


/* one PlayFab call, or a key set's fetch, made through a subrequest */
struct ngx_http_playfab_call_s {
    ngx_http_request_t           *request;       /* the main request */
    ngx_http_playfab_loc_conf_t  *conf;          /* the settings that made
                                                    it: a background call
                                                    outlives a redirect */
    ngx_http_playfab_op_e         op;
    unsigned                      active:1;
    unsigned                      done:1;
    unsigned                      background:1;
    unsigned                      oversize:1;
    ngx_int_t                     rc;            /* subrequest result */
    ngx_uint_t                    status;        /* PlayFab's HTTP status,
                                                    0: no reply */
    ngx_str_t                     body;
    time_t                        date;          /* PlayFab's Date, or -1 */
    ngx_int_t                     retry_after;   /* header, or -1 */
    long                          max_age;       /* Cache-Control, or -1 */
    ngx_msec_t                    start;
    ngx_http_playfab_call_pt      handler;       /* background calls */
    void                         *data;          /* the handler's */
};


/* what a failed request tells its caller: see docs/errors.md */
typedef struct {
    ngx_uint_t                    status;
    const char                   *code;
    const char                   *title;
    ngx_str_t                     detail;
    ngx_str_t                     field;
    ngx_str_t                     playfab_error;
    ngx_int_t                     playfab_error_code;   /* 0: none */
    ngx_int_t                     retry_after;          /* -1: none */
} ngx_http_playfab_problem_t;


/* a player identity validated by PlayFab */
typedef struct {
    ngx_str_t                     entity_id;
    ngx_str_t                     entity_type;
    ngx_str_t                     master_id;
} ngx_http_playfab_identity_t;


/*
 * Who the caller is, once playfab_auth accepted it (docs/security.md):
 * the realm makes subjects comparable (an API key file, a JWT key set and
 * issuer, a PlayFab title).  All three are set, or none: state that
 * belongs to a caller is keyed on the whole principal, never on the
 * subject alone.
 */
typedef struct {
    ngx_str_t                     method;
    ngx_str_t                     realm;
    ngx_str_t                     subject;
} ngx_http_playfab_principal_t;


typedef struct {
    /* ACCESS phase: what is known of the caller, under auth_conf */
    ngx_http_playfab_loc_conf_t  *auth_conf;
    ngx_table_elt_t              *challenge;     /* WWW-Authenticate, ours */
    unsigned                      auth_done:1;
    ngx_int_t                     auth_rc;
    ngx_http_playfab_principal_t  principal;
    ngx_str_t                     principal_text;  /* the variable's */
    ngx_http_playfab_identity_t   identity;
    unsigned                      entity_started:1;
    unsigned                      jwt_done:1;
    unsigned                      jwt_kid:1;       /* refresh was asked */
    unsigned                      keys_waiting:1;
    ngx_msec_t                    keys_deadline;
    ngx_http_playfab_call_t       keys_call;       /* JWK Set fetch */
    ngx_int_t                     jwt_rc;
    playfab_jwt_t                *jwt;
    ngx_str_t                     entity_token;    /* the player's */
    u_char                        entity_digest[NGX_HTTP_PLAYFAB_DIGEST_LEN];
    ngx_atomic_uint_t             entity_epoch;    /* the record's epoch
                                                      when PlayFab was
                                                      asked */

    /* CONTENT phase */
    ngx_uint_t                    state;
    unsigned                      retried:1;
    unsigned                      responded:1;
    ngx_str_t                     party_body;    /* JSON for PlayFab */
    ngx_str_t                     token;         /* title token in use */
    uint64_t                      token_gen;
    ngx_event_t                   wait_event;
    ngx_msec_t                    wait_deadline;
    unsigned                      token_waiting:1;

    /* Idempotency-Key */
    unsigned                      party_sent:1;  /* and not refused */
    unsigned                      idem_claimed:1;
    unsigned                      idem_waiting:1;
    ngx_msec_t                    idem_deadline;
    u_char                        idem_key[NGX_HTTP_PLAYFAB_DIGEST_LEN];
    u_char                        body_digest[NGX_HTTP_PLAYFAB_DIGEST_LEN];
    ngx_http_playfab_call_t       call;          /* the awaited call */
    ngx_http_playfab_call_t       refresh;       /* background refresh */

    /* for the log variables */
    ngx_str_t                     party_id;
    const char                   *token_cache;   /* HIT, MISS, ... */
    ngx_msec_t                    upstream_time;
    ngx_uint_t                    upstream_calls;
    ngx_str_t                     request_id;

    /* error responses */
    ngx_http_playfab_problem_t    problem;
    unsigned                      problem_set:1;
    unsigned                      replace_body:1;
    ngx_str_t                     problem_body;
} ngx_http_playfab_ctx_t;


/* key set lookup outcome (ngx_http_playfab_keystore.c) */
typedef enum {
    NGX_HTTP_PLAYFAB_KEYS_USE = 0,       /* use the set */
    NGX_HTTP_PLAYFAB_KEYS_REFRESH,       /* use it; lease taken: refresh */
    NGX_HTTP_PLAYFAB_KEYS_FETCH,         /* lease taken: fetch, wait */
    NGX_HTTP_PLAYFAB_KEYS_WAIT,          /* another fetches: wait */
    NGX_HTTP_PLAYFAB_KEYS_FAILED,        /* no set; the last fetch failed */
    NGX_HTTP_PLAYFAB_KEYS_ERROR          /* no memory */
} ngx_http_playfab_keys_e;

#define NGX_HTTP_PLAYFAB_KEYS_SCHEDULED  0
#define NGX_HTTP_PLAYFAB_KEYS_KID        1
#define NGX_HTTP_PLAYFAB_KEYS_AWAIT      2

typedef struct {
    ngx_msec_t                    timeout;       /* of a fetch's lease */
    time_t                        interval;      /* between fetches out
                                                    of schedule */
} ngx_http_playfab_keys_lease_t;


/* token cache lookup outcome */
typedef enum {
    NGX_HTTP_PLAYFAB_TOKEN_FRESH = 0,    /* use it */
    NGX_HTTP_PLAYFAB_TOKEN_REFRESH,      /* use it; lease taken: refresh */
    NGX_HTTP_PLAYFAB_TOKEN_FETCH,        /* none usable; lease taken */
    NGX_HTTP_PLAYFAB_TOKEN_WAIT,         /* none usable; another fetches */
    NGX_HTTP_PLAYFAB_TOKEN_FAILED,       /* the last fetch just failed */
    NGX_HTTP_PLAYFAB_TOKEN_ERROR         /* no memory */
} ngx_http_playfab_token_e;


extern ngx_module_t  ngx_http_playfab_party_module;

#endif /* NGX_HTTP_PLAYFAB_H */
