/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for the HTTP field values of playfab_http.c: Idempotency-Key
 * syntax, Content-Type matching, Retry-After and log redaction.  Inputs
 * are exact-size copies, so that ASan sees any read past them.
 */

#include <stdlib.h>

#include "unit.h"
#include "playfab_http.h"


static const char *key(const char *v);
static int json(const char *v);
static long retry(const char *v);
static const char *redact(const char *line);
static char *copy(const char *s, size_t *len);


static char  out[1024];


static const char *
key(const char *v)
{
    char        *c;
    size_t       len, klen;
    const char  *k;

    c = copy(v, &len);

    if (playfab_http_idempotency_key(c, len, &k, &klen) != 0) {
        strcpy(out, "(invalid)");

    } else {
        snprintf(out, sizeof(out), "%.*s", (int) klen, k);
    }

    free(c);
    return out;
}


static int
json(const char *v)
{
    int      rc;
    char    *c;
    size_t   len;

    c = copy(v, &len);
    rc = playfab_http_is_json(c, len);
    free(c);

    return rc;
}


static long
retry(const char *v)
{
    long     n;
    char    *c;
    size_t   len;

    c = copy(v, &len);
    n = playfab_http_retry_after(c, len);
    free(c);

    return n;
}


static const char *
redact(const char *line)
{
    char    *c;
    size_t   len;

    c = copy(line, &len);
    playfab_http_redact(c, len);
    snprintf(out, sizeof(out), "%.*s", (int) len, c);
    free(c);

    return out;
}


static char *
copy(const char *s, size_t *len)
{
    char  *c;

    *len = strlen(s);
    c = malloc(*len ? *len : 1);

    if (c == NULL) {
        exit(2);
    }

    memcpy(c, s, *len);

    return c;
}


int
main(void)
{
    char  buf[300];

    /* Idempotency-Key: sf-string or bare, 1..255 printable, no " or \ */
    CHECK_STR(key("\"8e03978e-40d5\""), "8e03978e-40d5");
    CHECK_STR(key("k-1"), "k-1");
    CHECK_STR(key("a b ~!"), "a b ~!");
    CHECK_STR(key("\"\""), "(invalid)");
    CHECK_STR(key(""), "(invalid)");
    CHECK_STR(key("\""), "(invalid)");
    CHECK_STR(key("\"a"), "(invalid)");
    CHECK_STR(key("a\"b"), "(invalid)");
    CHECK_STR(key("\"a\\\"b\""), "(invalid)");
    CHECK_STR(key("a\tb"), "(invalid)");
    CHECK_STR(key("caf\xc3\xa9"), "(invalid)");
    CHECK_STR(key("a\x7f"), "(invalid)");

    memset(buf, 'k', 255);
    buf[255] = '\0';
    CHECK(strlen(key(buf)) == 255);
    buf[255] = 'k';
    buf[256] = '\0';
    CHECK_STR(key(buf), "(invalid)");
    buf[0] = '"';
    buf[256] = '"';
    buf[257] = '\0';
    CHECK(strlen(key(buf)) == 255);                   /* 255 quoted */

    /* Content-Type */
    CHECK(json("application/json") == 1);
    CHECK(json("Application/JSON") == 1);
    CHECK(json("application/json; charset=utf-8") == 1);
    CHECK(json("application/json;charset=utf-8") == 1);
    CHECK(json("application/json ; x=y") == 1);
    CHECK(json("application/jsonx") == 0);
    CHECK(json("application/json-seq") == 0);
    CHECK(json("application/problem+json") == 0);
    CHECK(json("text/json") == 0);
    CHECK(json("application/jso") == 0);
    CHECK(json("") == 0);
    CHECK(json(" application/json") == 0);

    /* Retry-After: delta-seconds, capped at a day; a date is not ours */
    CHECK(retry("0") == 0);
    CHECK(retry("7") == 7);
    CHECK(retry("86400") == 86400);
    CHECK(retry("86401") == PLAYFAB_RETRY_AFTER_MAX);
    CHECK(retry("99999999999999999999999") == PLAYFAB_RETRY_AFTER_MAX);
    CHECK(retry("") == -1);
    CHECK(retry("-1") == -1);
    CHECK(retry("1.5") == -1);
    CHECK(retry(" 7") == -1);
    CHECK(retry("Wed, 21 Oct 2015 07:28:00 GMT") == -1);

    /* redaction: each credential header, any case, to the end of line */
    CHECK_STR(redact("X-SecretKey: s3cr3t\r\nHost: x"),
              "X-SecretKey: ******\r\nHost: x");
    CHECK_STR(redact("x-entitytoken:abc"), "x-entitytoken:***");
    CHECK_STR(redact("X-API-Key:   k k"), "X-API-Key:   ***");
    CHECK_STR(redact("Authorization: Bearer eyJ.x.y\nCookie: a=b; c=d\n"),
              "Authorization: **************\nCookie: ********\n");
    CHECK_STR(redact("request: \"GET /\", X-Api-Key: k1, host: \"h\""),
              "request: \"GET /\", X-Api-Key: *************");
    CHECK_STR(redact("authorization:"), "authorization:");
    CHECK_STR(redact("no credentials here: X-Request-Id: 42"),
              "no credentials here: X-Request-Id: 42");
    CHECK_STR(redact("a: cookie: x\ncookie: y"), "a: cookie: *\ncookie: *");

    return UNIT_DONE();
}
