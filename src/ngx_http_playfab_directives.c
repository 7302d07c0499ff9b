/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The directives: the command table and the handlers that parse each
 * directive, load the files it names (secret, API keys) and check its
 * values, so that a mistake fails "nginx -t" at its file:line.  The JWT
 * directives are in ngx_http_playfab_auth_jwt.c.
 */

#include "ngx_http_playfab_wiring.h"




static char *ngx_http_playfab_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_playfab_title_id(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_playfab_secret_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_playfab_secret_valid(ngx_str_t *secret);
static char *ngx_http_playfab_api_location(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_playfab_auth(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_playfab_party(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_playfab_request_id_header(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_playfab_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_playfab_idempotency(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_playfab_party_regions(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_playfab_party_policy(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


ngx_command_t  ngx_http_playfab_commands[] = {

    { ngx_string("playfab_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_playfab_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_title_id"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_title_id,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_secret_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_secret_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_api_location"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_api_location,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_token_wait"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_playfab_loc_conf_t, token_wait),
      NULL },

    { ngx_string("playfab_token_refresh_ahead"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_playfab_loc_conf_t, refresh_ahead),
      NULL },

    { ngx_string("playfab_auth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF
                        |NGX_CONF_TAKE12,
      ngx_http_playfab_auth,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_jwt_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE23,
      ngx_http_playfab_jwt_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_jwt_algorithms"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_playfab_jwt_algorithms,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_jwt_leeway"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_jwt_setting,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_jwt_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_jwt_setting,
      NGX_HTTP_LOC_CONF_OFFSET,
      1,
      NULL },

    { ngx_string("playfab_auth_jwt_subject"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_jwt_setting,
      NGX_HTTP_LOC_CONF_OFFSET,
      2,
      NULL },

    { ngx_string("playfab_auth_jwt_audience"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_playfab_jwt_audience,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_jwt_require"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_playfab_jwt_require,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_jwt_claim_set"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_playfab_jwt_claim_set,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_jwt_token"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_jwt_token_source,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_jwt_key_request"),
      NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_playfab_jwt_key_request,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_auth_entity_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_playfab_loc_conf_t, entity_cache),
      NULL },

    { ngx_string("playfab_auth_entity_negative_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_playfab_loc_conf_t, entity_negative_cache),
      NULL },

    { ngx_string("playfab_auth_preflight"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_playfab_loc_conf_t, preflight),
      NULL },

    { ngx_string("playfab_party_bind_invitation"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_playfab_loc_conf_t, bind_invitation),
      NULL },

    { ngx_string("playfab_party_playfab_id"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_playfab_loc_conf_t, playfab_id),
      NULL },

    { ngx_string("playfab_request_id_header"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_request_id_header,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_party_idempotency"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_playfab_idempotency,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_playfab_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_party"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_playfab_party,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_party_regions"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF
                        |NGX_CONF_1MORE,
      ngx_http_playfab_party_regions,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("playfab_party_default"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_playfab_party_policy,
      NGX_HTTP_LOC_CONF_OFFSET,
      PLAYFAB_POLICY_DEFAULT,
      NULL },

    { ngx_string("playfab_party_max"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_playfab_party_policy,
      NGX_HTTP_LOC_CONF_OFFSET,
      PLAYFAB_POLICY_MAX,
      NULL },

    { ngx_string("playfab_party_force"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_playfab_party_policy,
      NGX_HTTP_LOC_CONF_OFFSET,
      PLAYFAB_POLICY_FORCE,
      NULL },

      ngx_null_command
};


static char *
ngx_http_playfab_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_playfab_main_conf_t *pmcf = conf;

    u_char     *p;
    ssize_t     size, identities;
    ngx_str_t  *value, name, s;

    if (pmcf->shm_zone) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');

    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: invalid zone \"%V\", "
                           "expected NAME:SIZE", &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR || size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: zone \"%V\" size \"%V\" is invalid or "
                           "below %uz", &name, &s, 8 * ngx_pagesize);
        return NGX_CONF_ERROR;
    }

    /* players' identities may take a quarter of it, unless told */

    identities = size / 4;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "identities=", 11) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "playfab: invalid parameter \"%V\", "
                               "expected \"identities=SIZE\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        s.data = value[2].data + 11;
        s.len = value[2].len - 11;

        identities = ngx_parse_size(&s);

        if (identities == NGX_ERROR || identities < (ssize_t) ngx_pagesize
            || identities > size / 2)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "playfab: \"%V\" must be a size from %uz to "
                               "half the zone", &value[2], ngx_pagesize);
            return NGX_CONF_ERROR;
        }
    }

    pmcf->redact = 1;
    pmcf->shm_zone = ngx_http_playfab_shm_add(cf, &name, size, identities);
    if (pmcf->shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_playfab_title_id(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    ngx_str_t   *value;
    ngx_uint_t   i;

    if (plcf->title_id.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > NGX_HTTP_PLAYFAB_TITLE_MAX) {
        goto invalid;
    }

    for (i = 0; i < value[1].len; i++) {
        if (!isalnum(value[1].data[i])) {
            goto invalid;
        }
    }

    plcf->title_id = value[1];

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "playfab: invalid title id \"%V\", expected 1 to %d "
                       "letters and digits", &value[1],
                       NGX_HTTP_PLAYFAB_TITLE_MAX);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_playfab_secret_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    char        *env;
    ngx_str_t   *value, name;
    ngx_uint_t   private;

    if (plcf->secret.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strncmp(value[1].data, "file:", 5) == 0) {
        name.data = value[1].data + 5;
        name.len = value[1].len - 5;

        if (ngx_http_playfab_read_file(cf, &name, &plcf->secret, &private)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        while (plcf->secret.len
               && (plcf->secret.data[plcf->secret.len - 1] == '\n'
                   || plcf->secret.data[plcf->secret.len - 1] == '\r'))
        {
            plcf->secret.len--;
        }

        if (!private) {
            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                               "playfab: secret key file \"%V\" can be read "
                               "by group or others, chmod 600 it", &name);
        }

    } else if (ngx_strncmp(value[1].data, "env:", 4) == 0) {
        env = getenv((char *) value[1].data + 4);

        if (env == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "playfab: environment variable \"%s\" for the "
                               "secret key is not set",
                               value[1].data + 4);
            return NGX_CONF_ERROR;
        }

        plcf->secret.len = ngx_strlen(env);
        plcf->secret.data = ngx_pnalloc(cf->pool, plcf->secret.len);
        if (plcf->secret.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memcpy(plcf->secret.data, env, plcf->secret.len);

    } else {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "playfab: the secret key is written inline in the "
                           "configuration, prefer \"file:\" or \"env:\"");

        plcf->secret = value[1];
    }

    if (ngx_http_playfab_secret_valid(&plcf->secret) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: the secret key must be 1 to 256 "
                           "printable characters without spaces");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_playfab_secret_valid(ngx_str_t *secret)
{
    ngx_uint_t  i;

    if (secret->len == 0 || secret->len > 256) {
        return NGX_ERROR;
    }

    for (i = 0; i < secret->len; i++) {
        if (secret->data[i] <= 0x20 || secret->data[i] >= 0x7f) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static char *
ngx_http_playfab_api_location(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    ngx_str_t  *value;

    if (plcf->api_location.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len < 2
        || value[1].data[0] != '/'
        || value[1].data[value[1].len - 1] != '/')
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: api location \"%V\" must start and end "
                           "with \"/\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    plcf->api_location = value[1];

    return NGX_CONF_OK;
}


static char *
ngx_http_playfab_auth(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    long                           n;
    char                           err[128];
    ngx_str_t                     *value, text;
    ngx_uint_t                     line, private;
    ngx_http_playfab_main_conf_t  *pmcf;

    if (plcf->auth != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    plcf->auth_file = cf->conf_file->file.name.data;
    plcf->auth_line = cf->conf_file->line;

    pmcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_playfab_party_module);
    pmcf->redact = 1;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        plcf->auth = NGX_HTTP_PLAYFAB_AUTH_OFF;
        return NGX_CONF_OK;
    }

    if (cf->args->nelts == 2
        && ngx_strcmp(value[1].data, "entity_token") == 0)
    {
        plcf->auth = NGX_HTTP_PLAYFAB_AUTH_ENTITY_TOKEN;
        return NGX_CONF_OK;
    }

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "jwt") == 0) {
        plcf->auth = NGX_HTTP_PLAYFAB_AUTH_JWT;
        return NGX_CONF_OK;
    }

    if (cf->args->nelts != 3 || ngx_strcmp(value[1].data, "api_key") != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: invalid auth \"%V\", expected \"off\", "
                           "\"api_key FILE\", \"jwt\" or \"entity_token\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_playfab_read_file(cf, &value[2], &text, &private)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    n = playfab_apikeys_parse((char *) text.data, text.len, NULL, 0,
                              (unsigned *) &line, err, sizeof(err));
    if (n > 0) {
        plcf->api_keys = ngx_palloc(cf->pool, n * sizeof(playfab_apikey_t));
        if (plcf->api_keys == NULL) {
            return NGX_CONF_ERROR;
        }

        n = playfab_apikeys_parse((char *) text.data, text.len,
                                  plcf->api_keys, n, (unsigned *) &line, err,
                                  sizeof(err));
    }

    if (n < 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: API key file \"%V\": %s",
                           &value[2], err);
        return NGX_CONF_ERROR;
    }

    if (n == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: API key file \"%V\" has no keys",
                           &value[2]);
        return NGX_CONF_ERROR;
    }

    /* the realm of the keys' names: the file, wherever it is named from */

    plcf->auth_realm = value[2];

    if (ngx_conf_full_name(cf->cycle, &plcf->auth_realm, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /* the locations that inherit the file share its table */

    plcf->api_key_table = ngx_http_playfab_api_key_table(cf);
    if (plcf->api_key_table == NULL) {
        return NGX_CONF_ERROR;
    }

    plcf->napi_keys = n;
    plcf->auth = NGX_HTTP_PLAYFAB_AUTH_API_KEY;

    return NGX_CONF_OK;
}


static char *
ngx_http_playfab_party(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (plcf->party != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    plcf->party = 1;
    plcf->party_file = cf->conf_file->file.name.data;
    plcf->party_line = cf->conf_file->line;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_playfab_party_handler;

    return NGX_CONF_OK;
}


/* "off", "on" (24 hours), or how long a key's response is kept */

static char *
ngx_http_playfab_idempotency(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    ngx_str_t  *value;

    if (plcf->idempotency != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        plcf->idempotency = 0;

    } else if (ngx_strcmp(value[1].data, "on") == 0) {
        plcf->idempotency = 86400;

    } else {
        plcf->idempotency = ngx_parse_time(&value[1], 1);

        if (plcf->idempotency == (time_t) NGX_ERROR
            || plcf->idempotency <= 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "playfab: invalid idempotency \"%V\", "
                               "expected \"on\", \"off\" or a time",
                               &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/* the metrics need the zone, which may be declared after the server */

static char *
ngx_http_playfab_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (plcf->status_file) {
        return "is duplicate";
    }

    plcf->status_file = cf->conf_file->file.name.data;
    plcf->status_line = cf->conf_file->line;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_playfab_status_handler;

    return NGX_CONF_OK;
}


/* "off", or the request header trusted to carry the caller's id */

static char *
ngx_http_playfab_request_id_header(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    ngx_str_t  *value;

    if (plcf->request_id_header.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        ngx_str_set(&plcf->request_id_header, "");
        return NGX_CONF_OK;
    }

    plcf->request_id_header.len = value[1].len;
    plcf->request_id_header.data = ngx_pnalloc(cf->pool, value[1].len);
    if (plcf->request_id_header.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_strlow(plcf->request_id_header.data, value[1].data, value[1].len);

    return NGX_CONF_OK;
}


static char *
ngx_http_playfab_party_regions(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    char                     err[128];
    ngx_str_t               *value;
    ngx_uint_t               i;
    playfab_party_policy_t  *pol;

    pol = ngx_http_playfab_policy(cf, plcf);
    if (pol == NULL) {
        return NGX_CONF_ERROR;
    }

    if (pol->nregions) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        if (playfab_party_policy_add_region(pol, (char *) value[i].data,
                                            value[i].len, err, sizeof(err))
            != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "playfab: %s", err);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_playfab_party_policy(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_playfab_loc_conf_t *plcf = conf;

    char                     err[160];
    ngx_str_t               *value;
    playfab_party_policy_t  *pol;

    pol = ngx_http_playfab_policy(cf, plcf);
    if (pol == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    if (playfab_party_policy_set(pol, (playfab_policy_kind_e) cmd->offset,
                                 (char *) value[1].data, value[1].len,
                                 (char *) value[2].data, value[2].len,
                                 err, sizeof(err))
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "playfab: %s", err);
        return NGX_CONF_ERROR;
    }

    /* a level's policy is its own directives: check it as it grows */

    if (playfab_party_policy_check(pol, err, sizeof(err)) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: inconsistent party policy: %s", err);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * Policy directives are inherited as a group, like add_header: a level
 * with any of them starts from an empty policy.
 */

playfab_party_policy_t *
ngx_http_playfab_policy(ngx_conf_t *cf, ngx_http_playfab_loc_conf_t *plcf)
{
    if (plcf->policy == NULL) {
        plcf->policy = ngx_palloc(cf->pool, sizeof(playfab_party_policy_t));
        if (plcf->policy == NULL) {
            return NULL;
        }

        playfab_party_policy_init(plcf->policy);
    }

    return plcf->policy;
}


