/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The HTTP field values the module reads or rewrites, as pure functions
 * of their bytes: Idempotency-Key, Content-Type, Retry-After, and the
 * credentials blanked in log lines.  Pure C.
 */

#ifndef PLAYFAB_HTTP_H
#define PLAYFAB_HTTP_H

#include <stddef.h>

#define PLAYFAB_IDEMPOTENCY_KEY_MAX  255
#define PLAYFAB_RETRY_AFTER_MAX      86400     /* seconds */

/*
 * An Idempotency-Key: a structured field sf-string ("...", as the draft
 * says) or the bare string, of 1 to PLAYFAB_IDEMPOTENCY_KEY_MAX printable
 * ASCII characters without '"' or '\'.  0 and the key (inside v), or -1.
 */
int playfab_http_idempotency_key(const char *v, size_t len,
    const char **key, size_t *key_len);

/* 1 if a Content-Type is application/json (any case), with or without
 * parameters ("; charset=utf-8"), else 0 */
int playfab_http_is_json(const char *v, size_t len);

/* Retry-After as delta-seconds (digits only), capped at
 * PLAYFAB_RETRY_AFTER_MAX; -1 for anything else (an HTTP-date) */
long playfab_http_retry_after(const char *v, size_t len);

/*
 * Blanks, in a log line, the value of every credential header it quotes
 * ("X-SecretKey:", "X-EntityToken:", "X-API-Key:", "Authorization:",
 * "Cookie:", any case): '*' from after the name and its blanks to the
 * end of the line (a value may hold any printable character).
 */
void playfab_http_redact(char *buf, size_t len);

#endif /* PLAYFAB_HTTP_H */
