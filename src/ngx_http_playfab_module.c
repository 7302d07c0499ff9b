/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The module: its definition, the phase handlers and filters it
 * installs, configuration create/merge, and the checks across directives
 * that make a mistake in nginx.conf fail "nginx -t" with file:line (the
 * directives themselves: ngx_http_playfab_directives.c).
 */

#include "ngx_http_playfab_wiring.h"
#include "playfab_digest.h"


static ngx_int_t ngx_http_playfab_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_playfab_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_playfab_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_playfab_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_playfab_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_playfab_check_party(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *conf);
static char *ngx_http_playfab_check_entity(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *conf);
static char *ngx_http_playfab_token_key(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *conf);


static ngx_http_module_t  ngx_http_playfab_module_ctx = {
    ngx_http_playfab_preconfiguration,     /* preconfiguration */
    ngx_http_playfab_postconfiguration,    /* postconfiguration */

    ngx_http_playfab_create_main_conf,     /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_playfab_create_loc_conf,      /* create location configuration */
    ngx_http_playfab_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_playfab_party_module = {
    NGX_MODULE_V1,
    &ngx_http_playfab_module_ctx,          /* module context */
    ngx_http_playfab_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_playfab_preconfiguration(ngx_conf_t *cf)
{
    if (ngx_http_playfab_jwt_add_variables(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_playfab_add_variables(cf);
}


static ngx_int_t
ngx_http_playfab_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_playfab_auth_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_playfab_subrequest_guard;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_playfab_metrics_log;

    if (ngx_http_playfab_problem_init(cf) != NGX_OK
        || ngx_http_playfab_request_init(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_playfab_api_init(cf);
}


static void *
ngx_http_playfab_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_playfab_main_conf_t));
    if (pmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     pmcf->shm_zone = NULL;
     */

    return pmcf;
}


static void *
ngx_http_playfab_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_playfab_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_playfab_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->title_id = { 0, NULL };
     *     conf->secret = { 0, NULL };
     *     conf->api_location = { 0, NULL };
     *     conf->policy = NULL;
     *     conf->auth_realm = { 0, NULL };
     *     conf->api_keys = NULL;
     *     conf->jwt = NULL;
     *     conf->napi_keys = 0;
     *     conf->party_file = NULL;
     *     conf->party_line = 0;
     */

    conf->idempotency = NGX_CONF_UNSET;
    conf->entity_cache = NGX_CONF_UNSET;
    conf->entity_negative_cache = NGX_CONF_UNSET;
    conf->preflight = NGX_CONF_UNSET;
    conf->bind_invitation = NGX_CONF_UNSET;
    conf->playfab_id = NGX_CONF_UNSET_PTR;
    conf->token_wait = NGX_CONF_UNSET_MSEC;
    conf->refresh_ahead = NGX_CONF_UNSET;
    conf->auth = NGX_CONF_UNSET_UINT;
    conf->party = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_playfab_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_playfab_loc_conf_t *prev = parent;
    ngx_http_playfab_loc_conf_t *conf = child;

    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_playfab_main_conf_t  *pmcf;

    ngx_conf_merge_str_value(conf->title_id, prev->title_id, "");
    ngx_conf_merge_str_value(conf->secret, prev->secret, "");
    ngx_conf_merge_str_value(conf->api_location, prev->api_location,
                             "/_playfab/");
    ngx_conf_merge_msec_value(conf->token_wait, prev->token_wait, 5000);
    ngx_conf_merge_sec_value(conf->refresh_ahead, prev->refresh_ahead, 600);
    ngx_conf_merge_value(conf->party, prev->party, 0);
    ngx_conf_merge_sec_value(conf->idempotency, prev->idempotency, 0);
    ngx_conf_merge_sec_value(conf->entity_cache, prev->entity_cache, 60);
    ngx_conf_merge_sec_value(conf->entity_negative_cache,
                             prev->entity_negative_cache, 0);
    ngx_conf_merge_value(conf->preflight, prev->preflight, 0);
    ngx_conf_merge_value(conf->bind_invitation, prev->bind_invitation, 0);
    ngx_conf_merge_ptr_value(conf->playfab_id, prev->playfab_id, NULL);
    ngx_conf_merge_str_value(conf->request_id_header,
                             prev->request_id_header, "");

    if (conf->auth == NGX_CONF_UNSET_UINT) {
        conf->auth = prev->auth;
        conf->api_keys = prev->api_keys;
        conf->napi_keys = prev->napi_keys;
        conf->api_key_table = prev->api_key_table;
        conf->auth_realm = prev->auth_realm;
        conf->auth_file = prev->auth_file;
        conf->auth_line = prev->auth_line;
    }

    if (conf->policy == NULL) {
        conf->policy = prev->policy;
    }

    /* the JWT settings are inherited as a group, like the policy */

    if (conf->jwt == NULL) {
        conf->jwt = prev->jwt;
    }

    if (ngx_http_playfab_token_key(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->auth == NGX_HTTP_PLAYFAB_AUTH_JWT
        && ngx_http_playfab_jwt_check(cf, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->party) {
        if (ngx_http_playfab_check_party(cf, conf) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }
    }

    pmcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_playfab_party_module);

    if (conf->status_file && pmcf->shm_zone == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "playfab: \"playfab_status\" requires \"playfab_zone\" "
                      "in the http block in %s:%ui",
                      conf->status_file, conf->status_line);
        return NGX_CONF_ERROR;
    }

    if (conf->auth == NGX_HTTP_PLAYFAB_AUTH_ENTITY_TOKEN
        && conf->auth_file != NULL
        && ngx_http_playfab_check_entity(cf, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    /*
     * Every server and location of an http block that uses the module:
     * nginx logs the client's request headers (API keys, tokens) at
     * debug level before it knows the location.
     */

    if (pmcf->redact) {
        clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

        if (ngx_http_playfab_log_redact(cf, clcf) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_playfab_check_party(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *conf)
{
    const char                    *missing;
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_playfab_party_module);

    if (conf->party_file == NULL) {
        /* inherited "party" flag of an enclosing location: checked there */
        return NGX_CONF_OK;
    }

    if (conf->auth == NGX_CONF_UNSET_UINT) {
        missing = "\"playfab_auth\" (write \"playfab_auth off\" to let "
                  "anyone request parties)";

    } else if (pmcf->shm_zone == NULL) {
        missing = "\"playfab_zone\" in the http block";

    } else if (conf->title_id.len == 0) {
        missing = "\"playfab_title_id\"";

    } else if (conf->secret.len == 0) {
        missing = "\"playfab_secret_key\"";

    } else if (conf->bind_invitation
               && conf->auth != NGX_HTTP_PLAYFAB_AUTH_ENTITY_TOKEN)
    {
        missing = "\"playfab_auth entity_token\" for "
                  "\"playfab_party_bind_invitation on\"";

    } else if (conf->idempotency
               && conf->auth == NGX_HTTP_PLAYFAB_AUTH_OFF)
    {
        missing = "\"playfab_auth\" other than \"off\" for "
                  "\"playfab_party_idempotency\" (its records are each "
                  "caller's own)";

    } else {
        /* no policy anywhere: the schema's rules only */
        return ngx_http_playfab_policy(cf, conf) ? NGX_CONF_OK
                                                 : NGX_CONF_ERROR;
    }

    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "playfab: \"playfab_party\" requires %s in %s:%ui",
                  missing, conf->party_file, conf->party_line);

    return NGX_CONF_ERROR;
}


/* validating players' tokens needs the title token, like a party */

static char *
ngx_http_playfab_check_entity(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *conf)
{
    const char                    *missing;
    ngx_http_playfab_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_playfab_party_module);

    if (pmcf->shm_zone == NULL) {
        missing = "\"playfab_zone\" in the http block";

    } else if (conf->title_id.len == 0) {
        missing = "\"playfab_title_id\"";

    } else if (conf->secret.len == 0) {
        missing = "\"playfab_secret_key\"";

    } else {
        return NGX_CONF_OK;
    }

    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "playfab: \"playfab_auth entity_token\" requires %s "
                  "in %s:%ui", missing, conf->auth_file, conf->auth_line);

    return NGX_CONF_ERROR;
}


/*
 * A title token is the title's, obtained with this secret key from this
 * api_location: locations that differ in either keep tokens apart, so
 * that a location never sends a token another location's settings got
 * (to another host), nor uses one its own secret could not get.
 */

static char *
ngx_http_playfab_token_key(ngx_conf_t *cf, ngx_http_playfab_loc_conf_t *conf)
{
    playfab_digest_part_t  parts[4];

    if (conf->title_id.len == 0 || conf->secret.len == 0) {
        ngx_str_null(&conf->token_key);
        return NGX_CONF_OK;
    }

    conf->token_key.data = ngx_pnalloc(cf->pool, PLAYFAB_DIGEST_LEN);
    if (conf->token_key.data == NULL) {
        return NGX_CONF_ERROR;
    }

    parts[0].data = "title-token";
    parts[0].len = sizeof("title-token") - 1;
    parts[1].data = conf->title_id.data;
    parts[1].len = conf->title_id.len;
    parts[2].data = conf->secret.data;
    parts[2].len = conf->secret.len;
    parts[3].data = conf->api_location.data;
    parts[3].len = conf->api_location.len;

    if (playfab_digest(conf->token_key.data, parts, 4) != 0) {
        return NGX_CONF_ERROR;
    }

    conf->token_key.len = PLAYFAB_DIGEST_LEN;

    /* filled by each worker in its own memory, after the fork */

    conf->token_copy = ngx_pcalloc(cf->pool,
                                   sizeof(ngx_http_playfab_token_copy_t));
    if (conf->token_copy == NULL) {
        return NGX_CONF_ERROR;
    }

    conf->token_copy->data = ngx_pnalloc(cf->pool, PLAYFAB_TOKEN_MAX);
    if (conf->token_copy->data == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
