/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * RFC 3339 timestamps as PlayFab writes them.  Pure C.
 */

#ifndef PLAYFAB_TIME_H
#define PLAYFAB_TIME_H

#include <stddef.h>
#include <stdint.h>

/*
 * "2022-01-26T07:24:12Z", with optional fraction ".123..." (ignored) and
 * "Z" or "+hh:mm"/"-hh:mm"; 't'/'z' accepted.  Years 1970-9999, real
 * calendar days (leap years), second 60 accepted as 59.  Returns 0 and
 * the Unix time, or -1.
 */
int playfab_rfc3339_parse(const char *s, size_t len, int64_t *epoch);

#endif /* PLAYFAB_TIME_H */
