/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Pure helpers shared by the parsers: JSON string escaping, UTF-8
 * validation and the error record every validator fills
 * (playfab_json.c); the strict reader is in playfab_lex.h.  No nginx
 * headers.
 */

#ifndef PLAYFAB_JSON_H
#define PLAYFAB_JSON_H

#include <stddef.h>
#include <stdint.h>


/* maximum nesting depth accepted in any JSON document we parse */
#define PLAYFAB_JSON_MAX_DEPTH  8


/*
 * What a validator reports on bad input.  "code" is one of the stable
 * codes documented in docs/errors.md, "field" the JSON path of the
 * offending value (e.g. "NetworkConfiguration.MaxUsers",
 * "PreferredRegions[2]"), "rule" one sentence naming the rule broken.
 */
typedef struct {
    const char  *code;
    char         field[96];
    char         rule[160];
} playfab_error_t;


/*
 * Writes src[0..len) escaped for the inside of a JSON string (without the
 * quotes) into dst and returns the number of bytes written; with
 * dst == NULL returns the number of bytes needed.  Escapes '"', '\\' and
 * every byte below 0x20; other bytes are copied as they are.
 */
size_t playfab_json_escape(char *dst, const char *src, size_t len);

/* the first byte of p[0..last) that playfab_json_escape() escapes
 * (a control, '"' or '\\'), or last */
const char *playfab_json_plain(const char *p, const char *last);

/* 1 if s[0..len) is well-formed UTF-8 without NUL and C0 controls */
int playfab_json_text_valid(const char *s, size_t len);

/* depth of the deepest array/object nesting in raw JSON text; strings
 * are skipped correctly; refuses nesting bombs before cJSON (JWTs) and
 * names that rule for a refused request */
int playfab_json_depth(const char *s, size_t len);


void playfab_error_set(playfab_error_t *err, const char *code,
    const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif /* PLAYFAB_JSON_H */
