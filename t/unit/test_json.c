/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests of playfab_json.c: escaping, UTF-8 validation, nesting depth
 * and the error record.  Inputs are copied to buffers of their exact size,
 * so that AddressSanitizer reports any read past the end.
 */

#include <stdlib.h>
#include <string.h>

#include "playfab_json.h"
#include "unit.h"


static char *dup_exact(const char *s, size_t len);
static int text_valid(const char *s, size_t len);
static int depth(const char *s);
static int escaped(const char *s, size_t len, const char *want);
static void test_escape(void);
static void test_text_valid(void);
static void test_depth(void);
static void test_error_set(void);


#define VALID(s)    text_valid(s, sizeof(s) - 1)


int
main(void)
{
    test_escape();
    test_text_valid();
    test_depth();
    test_error_set();

    return UNIT_DONE();
}


static char *
dup_exact(const char *s, size_t len)
{
    char  *p;

    p = malloc(len ? len : 1);
    if (p == NULL) {
        abort();
    }

    memcpy(p, s, len);

    return p;
}


static int
text_valid(const char *s, size_t len)
{
    int    rc;
    char  *p;

    p = dup_exact(s, len);
    rc = playfab_json_text_valid(p, len);
    free(p);

    return rc;
}


static int
depth(const char *s)
{
    int     rc;
    char   *p;
    size_t  len;

    len = strlen(s);
    p = dup_exact(s, len);
    rc = playfab_json_depth(p, len);
    free(p);

    return rc;
}


/* escapes s, checks the counted length against the written one */

static int
escaped(const char *s, size_t len, const char *want)
{
    int     ok;
    char   *src, *dst;
    size_t  need, n;

    src = dup_exact(s, len);
    need = playfab_json_escape(NULL, src, len);

    dst = malloc(need + 1);
    if (dst == NULL) {
        abort();
    }

    dst[need] = '#';
    n = playfab_json_escape(dst, src, len);

    ok = (n == need && dst[need] == '#' && need == strlen(want)
          && memcmp(dst, want, need) == 0);

    if (!ok) {
        printf("# escape: need %zu, wrote %zu: \"%.*s\"\n", need, n,
               (int) n, dst);
    }

    free(src);
    free(dst);

    return ok;
}


static void
test_escape(void)
{
    CHECK(escaped("", 0, ""));
    CHECK(escaped("plain text", 10, "plain text"));
    CHECK(escaped("a\"b", 3, "a\\\"b"));
    CHECK(escaped("a\\b", 3, "a\\\\b"));
    CHECK(escaped("\"\\\"", 3, "\\\"\\\\\\\""));
    CHECK(escaped("\n\r\t", 3, "\\u000a\\u000d\\u0009"));
    CHECK(escaped("\x01\x1f", 2, "\\u0001\\u001f"));
    CHECK(escaped("a\0b", 3, "a\\u0000b"));
    CHECK(escaped(" ~\x7f", 3, " ~\x7f"));
    CHECK(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
                  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    CHECK(escaped("</script>", 9, "</script>"));
    CHECK(playfab_json_escape(NULL, "\"\x01", 2) == 8);
}


static void
test_text_valid(void)
{
    /* well-formed */
    CHECK(text_valid("", 0) == 1);
    CHECK(VALID("hello, world ~") == 1);
    CHECK(VALID("\xc2\x80") == 1);                     /* U+0080 */
    CHECK(VALID("\xc3\xa9") == 1);                     /* U+00E9 */
    CHECK(VALID("\xdf\xbf") == 1);                     /* U+07FF */
    CHECK(VALID("\xe0\xa0\x80") == 1);                 /* U+0800 */
    CHECK(VALID("\xe2\x82\xac") == 1);                 /* U+20AC */
    CHECK(VALID("\xed\x9f\xbf") == 1);                 /* U+D7FF */
    CHECK(VALID("\xee\x80\x80") == 1);                 /* U+E000 */
    CHECK(VALID("\xef\xbf\xbf") == 1);                 /* U+FFFF */
    CHECK(VALID("\xf0\x90\x80\x80") == 1);             /* U+10000 */
    CHECK(VALID("\xf0\x9f\x98\x80") == 1);             /* U+1F600 */
    CHECK(VALID("\xf4\x8f\xbf\xbf") == 1);             /* U+10FFFF */

    /* overlong forms */
    CHECK(VALID("\xc0\x80") == 0);
    CHECK(VALID("\xc0\xaf") == 0);
    CHECK(VALID("\xc1\xbf") == 0);
    CHECK(VALID("\xe0\x80\x80") == 0);
    CHECK(VALID("\xe0\x9f\xbf") == 0);
    CHECK(VALID("\xf0\x80\x80\x80") == 0);
    CHECK(VALID("\xf0\x8f\xbf\xbf") == 0);

    /* UTF-16 surrogates */
    CHECK(VALID("\xed\xa0\x80") == 0);                 /* U+D800 */
    CHECK(VALID("\xed\xaf\xbf") == 0);                 /* U+DBFF */
    CHECK(VALID("\xed\xb0\x80") == 0);                 /* U+DC00 */
    CHECK(VALID("\xed\xbf\xbf") == 0);                 /* U+DFFF */
    CHECK(VALID("\xed\xa0\xbd\xed\xb8\x80") == 0);     /* CESU-8 pair */

    /* above U+10FFFF, bytes never used */
    CHECK(VALID("\xf4\x90\x80\x80") == 0);
    CHECK(VALID("\xf5\x80\x80\x80") == 0);
    CHECK(VALID("\xf8\x88\x80\x80\x80") == 0);
    CHECK(VALID("\xfe") == 0);
    CHECK(VALID("\xff") == 0);

    /* truncated sequences, at the end and in the middle */
    CHECK(VALID("\xc3") == 0);
    CHECK(VALID("a\xc3") == 0);
    CHECK(VALID("\xe2\x82") == 0);
    CHECK(VALID("\xf0\x9f\x98") == 0);
    CHECK(VALID("\xe2\x82" "a") == 0);
    CHECK(VALID("\xf0\x9f\x98" "abc") == 0);

    /* stray and wrong continuation bytes */
    CHECK(VALID("\x80") == 0);
    CHECK(VALID("a\xbf" "b") == 0);
    CHECK(VALID("\xc3\x41") == 0);
    CHECK(VALID("\xe2\x28\xa1") == 0);
    CHECK(VALID("\xc3\xa9\xa9") == 0);

    /* NUL, C0 controls, DEL */
    CHECK(VALID("a\0b") == 0);
    CHECK(VALID("\t") == 0);
    CHECK(VALID("line\n") == 0);
    CHECK(VALID("\x1f") == 0);
    CHECK(VALID("\x7f") == 0);
    CHECK(VALID(" ") == 1);
}


static void
test_depth(void)
{
    CHECK(depth("") == 0);
    CHECK(depth("1") == 0);
    CHECK(depth("{}") == 1);
    CHECK(depth("[[]]") == 2);
    CHECK(depth("{\"a\":[{}],\"b\":[[[]]]}") == 4);
    CHECK(depth("[[[[[[[[[") == 9);

    /* brackets inside strings are not nesting */
    CHECK(depth("\"[[[{{{\"") == 0);
    CHECK(depth("{\"a\":\"]]]}}}[[[[\"}") == 1);
    CHECK(depth("{\"[[[[\":1}") == 1);

    /* an escaped quote does not end the string, an escaped backslash
     * does not escape the quote after it */
    CHECK(depth("{\"a\":\"\\\"[[[[\"}") == 1);
    CHECK(depth("[\"\\\\\",[[]]]") == 3);
    CHECK(depth("[\"\\\\\\\"[[\"]") == 1);

    /* unterminated strings and a trailing backslash: no over-read */
    CHECK(depth("[\"[[[") == 1);
    CHECK(depth("[\"\\") == 1);
    CHECK(depth("\"\\") == 0);
}


static void
test_error_set(void)
{
    char             longer[200];
    playfab_error_t  err;

    playfab_error_set(&err, "invalid_value", "NetworkConfiguration.MaxUsers",
                      "must be an integer between %u and %u", 1u, 128u);
    CHECK_STR(err.code, "invalid_value");
    CHECK_STR(err.field, "NetworkConfiguration.MaxUsers");
    CHECK_STR(err.rule, "must be an integer between 1 and 128");

    playfab_error_set(&err, "malformed_json", NULL, "must be valid JSON");
    CHECK_STR(err.code, "malformed_json");
    CHECK_STR(err.field, "");

    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';

    playfab_error_set(&err, "unknown_field", longer, "%s", longer);
    CHECK(strlen(err.field) == sizeof(err.field) - 1);
    CHECK(strlen(err.rule) == sizeof(err.rule) - 1);
    CHECK(strncmp(err.field, longer, sizeof(err.field) - 1) == 0);
}
