/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * RFC 3339 timestamps as PlayFab writes them, and the lifetime an HTTP
 * reply's Cache-Control gives it.  Pure C.
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

/*
 * The lifetime in seconds that one Cache-Control field value s[0..len)
 * gives a reply (RFC 9111 section 5.2.2): "max-age=N" (N decimal
 * digits, or one quoted string of them; at most 2^31 - 1, larger
 * values saturate); 0 when "no-store" or "no-cache" is present, which
 * win over max-age.  Directive names are case-insensitive, blanks
 * around commas are ignored, other directives are skipped.  -1 when the
 * value sets no lifetime, -2 when it is malformed (a max-age without a
 * valid number, a max-age twice, a control character).
 */
long playfab_cache_max_age(const char *s, size_t len);

#endif /* PLAYFAB_TIME_H */
