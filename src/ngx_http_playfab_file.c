/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Files a directive names (the secret key, API keys, JWT keys): read at
 * configuration time, whole, with their size bounded, and whether group
 * or others can read them.
 */

#include "ngx_http_playfab_util.h"


#define NGX_HTTP_PLAYFAB_FILE_MAX  (1024 * 1024)


/* a configuration file (secret, keys) in the configuration pool */

ngx_int_t
ngx_http_playfab_read_file(ngx_conf_t *cf, ngx_str_t *name, ngx_str_t *out,
    ngx_uint_t *private)
{
    ssize_t          n;
    ngx_fd_t         fd;
    ngx_str_t        path;
    ngx_file_info_t  fi;

    path = *name;

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "playfab: cannot open \"%s\"", path.data);
        return NGX_ERROR;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR
        || ngx_file_size(&fi) > NGX_HTTP_PLAYFAB_FILE_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "playfab: \"%s\" is not a readable file of at "
                           "most %d bytes", path.data,
                           NGX_HTTP_PLAYFAB_FILE_MAX);
        (void) ngx_close_file(fd);
        return NGX_ERROR;
    }

    *private = (ngx_file_access(&fi) & 0077) == 0;

    out->len = (size_t) ngx_file_size(&fi);
    out->data = ngx_pnalloc(cf->pool, out->len + 1);
    if (out->data == NULL) {
        (void) ngx_close_file(fd);
        return NGX_ERROR;
    }

    n = ngx_read_fd(fd, out->data, out->len);

    (void) ngx_close_file(fd);

    if (n != (ssize_t) out->len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "playfab: cannot read \"%s\"", path.data);
        return NGX_ERROR;
    }

    out->data[out->len] = '\0';

    return NGX_OK;
}
