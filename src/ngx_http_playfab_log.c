/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Keeps the title secret key, tokens and API keys out of error.log,
 * debug level included.  At debug level nginx logs every client request
 * header (X-API-Key, Authorization, Cookie, X-EntityToken) and the proxy module
 * dumps the header block of each subrequest to PlayFab (X-SecretKey,
 * X-EntityToken); subrequests log through the main request's connection
 * log.  The servers and locations of an http block that uses the module
 * therefore get a copy of their error_log chain whose writer blanks
 * those header values before the line reaches the file, syslog or memory
 * buffer.
 */

#include "ngx_http_playfab_util.h"
#include "playfab_http.h"


typedef struct {
    ngx_log_writer_pt             writer;       /* the original, if any */
    void                         *wdata;
} ngx_http_playfab_log_t;


static void ngx_http_playfab_log_writer(ngx_log_t *log, ngx_uint_t level,
    u_char *buf, size_t len);



ngx_int_t
ngx_http_playfab_log_redact(ngx_conf_t *cf, ngx_http_core_loc_conf_t *clcf)
{
    ngx_log_t               *log, *copy, **next;
    ngx_http_playfab_log_t  *pl;

    if (clcf->error_log && clcf->error_log->writer
        == ngx_http_playfab_log_writer)
    {
        return NGX_OK;
    }

    next = &clcf->error_log;

    for (log = clcf->error_log; log; log = log->next) {

        copy = ngx_palloc(cf->pool, sizeof(ngx_log_t));
        pl = ngx_palloc(cf->pool, sizeof(ngx_http_playfab_log_t));

        if (copy == NULL || pl == NULL) {
            return NGX_ERROR;
        }

        *copy = *log;

        pl->writer = log->writer;
        pl->wdata = log->wdata;

        copy->writer = ngx_http_playfab_log_writer;
        copy->wdata = pl;

        *next = copy;
        next = &copy->next;
    }

    return NGX_OK;
}


static void
ngx_http_playfab_log_writer(ngx_log_t *log, ngx_uint_t level, u_char *buf,
    size_t len)
{
    ngx_log_t                orig;
    ngx_http_playfab_log_t  *pl;

    playfab_http_redact((char *) buf, len);

    pl = log->wdata;

    if (pl->writer) {
        orig = *log;
        orig.writer = pl->writer;
        orig.wdata = pl->wdata;

        pl->writer(&orig, level, buf, len);
        return;
    }

    (void) ngx_write_fd(log->file->fd, buf, len);
}


