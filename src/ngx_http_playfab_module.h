/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Types shared by the module's nginx glue: configuration, per-request
 * context, and the functions each file offers the others.
 */

#ifndef NGX_HTTP_PLAYFAB_MODULE_H
#define NGX_HTTP_PLAYFAB_MODULE_H

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

#define NGX_HTTP_PLAYFAB_METRICS_TEXT_MAX  65536


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


typedef struct {
    ngx_str_t                     title_id;
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

typedef void (*ngx_http_playfab_fetched_pt)(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call);


/* one PlayFab call, or a key set's fetch, made through a subrequest */
struct ngx_http_playfab_call_s {
    ngx_http_request_t           *request;       /* the main request */
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
    ngx_http_playfab_fetched_pt   fetched;       /* a fetch's handler */
    void                         *data;          /* and its data */
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
    /* ACCESS phase */
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


/* ngx_http_playfab_module.c */
ngx_http_playfab_ctx_t *ngx_http_playfab_get_ctx(ngx_http_request_t *r);

/* ngx_http_playfab_directives.c */
extern ngx_command_t  ngx_http_playfab_commands[];
ngx_int_t ngx_http_playfab_read_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *out, ngx_uint_t *private);
playfab_party_policy_t *ngx_http_playfab_policy(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *plcf);

/* ngx_http_playfab_auth.c */
ngx_int_t ngx_http_playfab_auth_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_subrequest_guard(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_auth_sync(ngx_http_request_t *r,
    ngx_http_playfab_loc_conf_t *plcf, ngx_http_playfab_ctx_t *ctx);
ngx_int_t ngx_http_playfab_auth_reject(ngx_http_request_t *r,
    ngx_uint_t why, const char *challenge, const char *reason);
ngx_int_t ngx_http_playfab_add_www_authenticate(ngx_http_request_t *r,
    const char *challenge);
ngx_table_elt_t *ngx_http_playfab_auth_header(ngx_http_request_t *r,
    const char *lowcase, size_t len, ngx_uint_t *count);

/* ngx_http_playfab_variables.c */
ngx_int_t ngx_http_playfab_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_playfab_variables_init(ngx_conf_t *cf);
ngx_str_t *ngx_http_playfab_request_id(ngx_http_request_t *r);

/* ngx_http_playfab_metrics.c */
ngx_int_t ngx_http_playfab_metrics_log(ngx_http_request_t *r);
void ngx_http_playfab_metrics_call(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_uint_t result, ngx_int_t error_code);
void ngx_http_playfab_metrics_count(ngx_http_request_t *r, ngx_uint_t what,
    ngx_uint_t index);
ngx_int_t ngx_http_playfab_status_handler(ngx_http_request_t *r);

/* ngx_http_playfab_auth_jwt.c */
ngx_int_t ngx_http_playfab_auth_jwt(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_uint_t wait);
ngx_int_t ngx_http_playfab_jwt_add_variables(ngx_conf_t *cf);
char *ngx_http_playfab_jwt_check(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *plcf);
char *ngx_http_playfab_jwt_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_setting(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_audience(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_require(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_token_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_playfab_jwt_key_request(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_playfab_keyset.c */
ngx_int_t ngx_http_playfab_keyset_get(ngx_http_request_t *r,
    ngx_http_playfab_keyset_t *ks, ngx_uint_t flags, playfab_jwks_t **keys);
char *ngx_http_playfab_keyset_conf(ngx_conf_t *cf,
    ngx_http_playfab_keyset_t **out);
char *ngx_http_playfab_keyset_bind(ngx_conf_t *cf,
    ngx_http_playfab_keyset_t *ks, u_char *file, ngx_uint_t line);
ngx_str_t *ngx_http_playfab_keyset_name(ngx_http_playfab_keyset_t *ks);
uint64_t ngx_http_playfab_keyset_generation(ngx_http_playfab_keyset_t *ks);

/* ngx_http_playfab_auth_entity.c */
ngx_int_t ngx_http_playfab_entity_start(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
ngx_int_t ngx_http_playfab_auth_entity(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);

/* ngx_http_playfab_store.c */
void ngx_http_playfab_store_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
ngx_int_t ngx_http_playfab_store_get(ngx_shm_zone_t *zone, u_char *key,
    ngx_pool_t *pool, ngx_str_t *value);
ngx_int_t ngx_http_playfab_store_put(ngx_shm_zone_t *zone, u_char *key,
    ngx_str_t *value, time_t ttl, ngx_uint_t only_new, ngx_log_t *log);
void ngx_http_playfab_store_delete(ngx_shm_zone_t *zone, u_char *key);

/* ngx_http_playfab_party.c */
ngx_int_t ngx_http_playfab_party_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_party_respond(ngx_http_request_t *r,
    ngx_str_t *body);

/* ngx_http_playfab_idempotency.c */
ngx_int_t ngx_http_playfab_idem_body(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, ngx_str_t *body);
ngx_int_t ngx_http_playfab_idem_check(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
void ngx_http_playfab_idem_done(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, u_char *response, size_t len);

/* ngx_http_playfab_api.c */
ngx_int_t ngx_http_playfab_api_call(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_http_playfab_op_e op,
    ngx_str_t *body, ngx_uint_t background);
ngx_int_t ngx_http_playfab_api_failure(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, playfab_envelope_t *env,
    playfab_reply_e reply, ngx_http_playfab_problem_t *problem);
playfab_reply_e ngx_http_playfab_api_reply(ngx_http_playfab_call_t *call,
    playfab_envelope_t *env);
ngx_uint_t ngx_http_playfab_api_retry(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx, playfab_envelope_t *env,
    playfab_reply_e reply);
const char *ngx_http_playfab_op_name(ngx_http_playfab_op_e op);
ngx_int_t ngx_http_playfab_api_fetch(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call, ngx_str_t *uri,
    ngx_http_playfab_fetched_pt fetched, void *data);
ngx_uint_t ngx_http_playfab_api_subrequest(ngx_http_request_t *r);
ngx_int_t ngx_http_playfab_api_init(ngx_conf_t *cf);

/* ngx_http_playfab_token.c */
ngx_int_t ngx_http_playfab_token(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
ngx_int_t ngx_http_playfab_token_fetched(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
ngx_int_t ngx_http_playfab_poll(ngx_http_request_t *r,
    ngx_http_playfab_ctx_t *ctx);
void ngx_http_playfab_token_refreshed(ngx_http_request_t *r,
    ngx_http_playfab_call_t *call);

/* ngx_http_playfab_shm.c */
ngx_shm_zone_t *ngx_http_playfab_shm_add(ngx_conf_t *cf, ngx_str_t *name,
    size_t size);
ngx_http_playfab_token_e ngx_http_playfab_token_acquire(
    ngx_shm_zone_t *zone, ngx_str_t *title, ngx_msec_t lease,
    ngx_pool_t *pool, ngx_str_t *token, uint64_t *gen, ngx_uint_t *failed);
ngx_int_t ngx_http_playfab_token_store(ngx_shm_zone_t *zone,
    ngx_str_t *title, ngx_str_t *token, time_t expires, time_t refresh_at,
    uint64_t *gen);
void ngx_http_playfab_token_release(ngx_shm_zone_t *zone, ngx_str_t *title,
    ngx_uint_t status);
ngx_uint_t ngx_http_playfab_token_invalidate(ngx_shm_zone_t *zone,
    ngx_str_t *title, uint64_t gen);
void ngx_http_playfab_token_suspect(ngx_shm_zone_t *zone, ngx_str_t *title,
    uint64_t gen);

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
u_char *ngx_http_playfab_keys_metrics(ngx_shm_zone_t *shm_zone, u_char *p,
    u_char *last);

/* ngx_http_playfab_problem.c */
ngx_int_t ngx_http_playfab_problem(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *detail);
ngx_int_t ngx_http_playfab_problem_init(ngx_conf_t *cf);
ngx_int_t ngx_http_playfab_add_header(ngx_http_request_t *r, const char *key,
    ngx_str_t *value);

/* ngx_http_playfab_log.c */
ngx_int_t ngx_http_playfab_log_redact(ngx_conf_t *cf,
    ngx_http_core_loc_conf_t *clcf);

#endif /* NGX_HTTP_PLAYFAB_MODULE_H */
