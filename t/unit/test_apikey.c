/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for API key files and playfab_apikey_match().
 */

#include <stdlib.h>

#include "unit.h"
#include "playfab_apikey.h"


/* SHA-256 of "secret", "other-key", "k3", 512 and 513 times 'a' */
#define D_SECRET  \
    "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"
#define D_OTHER   \
    "580843d03d2216ff1a275d0991bad66e4d1af871171d929e9de604b7959f9bca"
#define D_K3      \
    "2f5052c9fd15b19a18c584d01363568198613f0c34e84409ef7938709a159ec2"
#define D_A512    \
    "471be6558b665e4f6dd49f1184814d1491b0315d466beea768c153cc5500c836"
#define D_A513    \
    "02425c0f5b0dabf3d2b9115f3f7723a02ad8bcfb1534a0d231614fd42b8188f6"
#define D_OTHER_UPPER  \
    "580843D03D2216FF1A275D0991BAD66E4D1AF871171D929E9DE604B7959F9BCA"

#define NKEYS  8


static long parse(const char *text, playfab_apikey_t *keys, size_t cap,
    unsigned *line, char *err, size_t errlen);
static int fails(const char *text, unsigned want_line, const char *want);
static void test_good_file(void);
static void test_empty(void);
static void test_errors(void);
static void test_nul(void);
static void test_duplicates(void);
static void test_cap(void);
static void test_long_lines(void);
static void test_err_buffer(void);
static void test_match(void);
static void test_match_limits(void);


/* parses an exact-size copy so that ASan sees any read past the end */

static long
parse(const char *text, playfab_apikey_t *keys, size_t cap, unsigned *line,
    char *err, size_t errlen)
{
    long     n;
    char    *copy;
    size_t   len;

    len = strlen(text);
    copy = malloc(len ? len : 1);

    if (copy == NULL) {
        return -2;
    }

    memcpy(copy, text, len);
    n = playfab_apikeys_parse(copy, len, keys, cap, line, err, errlen);
    free(copy);

    return n;
}


/* both counting and filling fail on want_line with the message want */

static int
fails(const char *text, unsigned want_line, const char *want)
{
    int               good;
    char              err[160];
    unsigned          line;
    playfab_apikey_t  keys[NKEYS];

    good = 1;

    line = 0;
    strcpy(err, "unset");

    if (parse(text, NULL, 0, &line, err, sizeof(err)) != -1
        || line != want_line || strcmp(err, want) != 0)
    {
        printf("# counting: line %u, \"%s\"\n", line, err);
        good = 0;
    }

    line = 0;
    strcpy(err, "unset");

    if (parse(text, keys, NKEYS, &line, err, sizeof(err)) != -1
        || line != want_line || strcmp(err, want) != 0)
    {
        printf("# filling: line %u, \"%s\"\n", line, err);
        good = 0;
    }

    return good;
}


static void
test_good_file(void)
{
    char              err[160];
    unsigned          line;
    playfab_apikey_t  keys[NKEYS];
    unsigned char     want[32] = {
        0x58, 0x08, 0x43, 0xd0, 0x3d, 0x22, 0x16, 0xff,
        0x1a, 0x27, 0x5d, 0x09, 0x91, 0xba, 0xd6, 0x6e,
        0x4d, 0x1a, 0xf8, 0x71, 0x17, 0x1d, 0x92, 0x9e,
        0x9d, 0xe6, 0x04, 0xb7, 0x95, 0x9f, 0x9b, 0xca
    };
    const char       *text =
        "# studio keys\n"
        "\n"
        "ci-build " D_SECRET "\n"
        "   \t  \n"
        "  # indented comment\r\n"
        "\tops@studio.example:1\t \t" D_OTHER_UPPER "  \r\n"
        "#disabled " D_K3 "\n"
        "a.b_c " D_K3;

    memset(keys, 0, sizeof(keys));
    line = 99;
    err[0] = '\0';

    CHECK(parse(text, NULL, 0, &line, err, sizeof(err)) == 3);
    CHECK(line == 0);
    CHECK(parse(text, keys, 3, &line, err, sizeof(err)) == 3);
    CHECK(line == 0);
    CHECK_STR(err, "");

    CHECK_STR(keys[0].name, "ci-build");
    CHECK(keys[0].name_len == 8);
    CHECK(keys[0].digest[0] == 0x2b && keys[0].digest[31] == 0x5b);

    CHECK_STR(keys[1].name, "ops@studio.example:1");
    CHECK(keys[1].name_len == 20);
    CHECK(memcmp(keys[1].digest, want, 32) == 0);

    CHECK_STR(keys[2].name, "a.b_c");
    CHECK(keys[2].digest[0] == 0x2f && keys[2].digest[31] == 0xc2);

    /* a 63-character name is the longest */
    CHECK(parse("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789- " D_SECRET "\n", keys, NKEYS, &line, err,
                sizeof(err)) == 1);
    CHECK(keys[0].name_len == 63);
}


static void
test_empty(void)
{
    unsigned          line;
    playfab_apikey_t  keys[1];

    CHECK(parse("", keys, 1, &line, NULL, 0) == 0);
    CHECK(playfab_apikeys_parse(NULL, 0, NULL, 0, &line, NULL, 0) == 0);
    CHECK(parse("\n\n# nothing\r\n   \n", keys, 1, &line, NULL, 0) == 0);
    CHECK(parse("#", NULL, 0, NULL, NULL, 0) == 0);
}


static void
test_errors(void)
{
    CHECK(fails("# keys\n\nbad/name " D_SECRET "\n", 3,
                "line 3: name must be 1 to 63 characters of "
                "A-Z a-z 0-9 . _ : @ -"));
    CHECK(fails("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789-x " D_SECRET "\n", 1,
                "line 1: name must be 1 to 63 characters of "
                "A-Z a-z 0-9 . _ : @ -"));
    CHECK(fails("ok " D_SECRET "\nna\xc3\xafve " D_OTHER "\n", 2,
                "line 2: name must be 1 to 63 characters of "
                "A-Z a-z 0-9 . _ : @ -"));
    CHECK(fails("name\r" D_SECRET "\n", 1,
                "line 1: name must be 1 to 63 characters of "
                "A-Z a-z 0-9 . _ : @ -"));
    CHECK(fails("\n\nname\n", 3,
                "line 3: digest must be 64 hexadecimal digits"));
    CHECK(fails("\n\nname 2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6"
                "a25fe97bf527a25\n", 3,
                "line 3: digest must be 64 hexadecimal digits"));
    CHECK(fails("name " D_SECRET "0\n", 1,
                "line 1: digest must be 64 hexadecimal digits"));
    CHECK(fails("name 2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25f"
                "e97bf527a25g\n", 1,
                "line 1: digest must be 64 hexadecimal digits"));
    CHECK(fails("name 0x2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a2"
                "5fe97bf527a2\n", 1,
                "line 1: digest must be 64 hexadecimal digits"));
    CHECK(fails("name " D_SECRET " # comment\n", 1,
                "line 1: unexpected field after the digest"));
    CHECK(fails("a " D_SECRET "\nb " D_OTHER " extra", 2,
                "line 2: unexpected field after the digest"));
    CHECK(fails("a " D_SECRET "\n\r\nb " D_OTHER "\r\r\n", 3,
                "line 3: digest must be 64 hexadecimal digits"));
}


/* a NUL byte is just a byte that no field may contain */

static void
test_nul(void)
{
    char              err[160];
    unsigned          line;
    playfab_apikey_t  keys[NKEYS];
    const char        text[] = "a " D_SECRET "\nb\0 " D_OTHER "\n";

    CHECK(playfab_apikeys_parse(text, sizeof(text) - 1, keys, NKEYS, &line,
                                err, sizeof(err)) == -1);
    CHECK(line == 2);
    CHECK_STR(err, "line 2: name must be 1 to 63 characters of "
                   "A-Z a-z 0-9 . _ : @ -");
}


static void
test_duplicates(void)
{
    CHECK(fails("a " D_SECRET "\n# x\nb " D_OTHER "\na " D_K3 "\n", 4,
                "line 4: duplicate name, first on line 1"));
    CHECK(fails("a " D_SECRET "\nb " D_OTHER "\nc " D_OTHER_UPPER "\n", 3,
                "line 3: duplicate digest, first on line 2"));
    CHECK(fails("a " D_SECRET "\r\nb " D_OTHER "\r\nc " D_SECRET, 3,
                "line 3: duplicate digest, first on line 1"));

    /* names are case-sensitive */
    CHECK(parse("a " D_SECRET "\nA " D_OTHER "\n", NULL, 0, NULL, NULL, 0)
          == 2);
}


static void
test_cap(void)
{
    char              err[160];
    unsigned          line;
    playfab_apikey_t  keys[NKEYS];
    const char       *text = "a " D_SECRET "\n\nb " D_OTHER "\nc " D_K3 "\n";

    CHECK(parse(text, keys, 3, &line, err, sizeof(err)) == 3);
    CHECK(parse(text, keys, 2, &line, err, sizeof(err)) == -1);
    CHECK(line == 4);
    CHECK_STR(err, "line 4: more than 2 keys");
    CHECK(parse(text, keys, 0, &line, err, sizeof(err)) == -1);
    CHECK(line == 1);
    CHECK_STR(err, "line 1: more than 0 keys");

    /* counting is not capped */
    CHECK(parse(text, NULL, 0, &line, err, sizeof(err)) == 3);
}


static void
test_long_lines(void)
{
    char              text[2200];
    size_t            n;
    unsigned          line;
    char              err[160];
    playfab_apikey_t  keys[NKEYS];

    /* "k <digest>" padded with blanks to exactly 1024 bytes: accepted */
    n = (size_t) sprintf(text, "k %s", D_SECRET);
    memset(&text[n], ' ', 1024 - n);
    strcpy(&text[1024], "\r\nz " D_OTHER "\n");

    CHECK(parse(text, keys, NKEYS, &line, err, sizeof(err)) == 2);

    /* 1025 bytes */
    memset(&text[n], ' ', 1025 - n);
    strcpy(&text[1025], "\n");
    CHECK(fails(text, 1, "line 1: line longer than 1024 bytes"));

    strcpy(text, "a " D_SECRET "\n# ");
    n = strlen(text);
    memset(&text[n], 'x', 1500);
    text[n + 1500] = '\0';
    CHECK(fails(text, 2, "line 2: line longer than 1024 bytes"));
}


static void
test_err_buffer(void)
{
    char      err[12];
    unsigned  line;

    memset(err, 'x', sizeof(err));
    CHECK(parse("\n!! " D_SECRET, NULL, 0, &line, err, sizeof(err)) == -1);
    CHECK(line == 2);
    CHECK_STR(err, "line 2: nam");

    memset(err, 'x', sizeof(err));
    CHECK(parse("!! " D_SECRET, NULL, 0, &line, err, 5) == -1);
    CHECK(memcmp(err, "line", 5) == 0);
    CHECK(err[5] == 'x');

    memset(err, 'x', sizeof(err));
    CHECK(parse("!! " D_SECRET, NULL, 0, NULL, err, 1) == -1);
    CHECK(err[0] == '\0' && err[1] == 'x');

    CHECK(parse("!! " D_SECRET, NULL, 0, NULL, NULL, 0) == -1);
}


static void
test_match(void)
{
    long                     n;
    playfab_apikey_t         keys[NKEYS];
    const playfab_apikey_t  *k;
    const char              *text =
        "ci " D_SECRET "\n"
        "ops " D_OTHER_UPPER "\n"
        "k3 " D_K3 "\n";

    n = parse(text, keys, NKEYS, NULL, NULL, 0);
    CHECK(n == 3);

    if (n != 3) {
        return;
    }

    k = playfab_apikey_match(keys, (size_t) n, "secret", 6);
    CHECK(k == &keys[0]);

    k = playfab_apikey_match(keys, (size_t) n, "other-key", 9);
    CHECK(k == &keys[1]);
    CHECK_STR(k ? k->name : NULL, "ops");

    k = playfab_apikey_match(keys, (size_t) n, "k3", 2);
    CHECK(k == &keys[2]);

    CHECK(playfab_apikey_match(keys, (size_t) n, "secreT", 6) == NULL);
    CHECK(playfab_apikey_match(keys, (size_t) n, "secret ", 7) == NULL);
    CHECK(playfab_apikey_match(keys, (size_t) n, "secret", 5) == NULL);
    CHECK(playfab_apikey_match(keys, (size_t) n, "k3\0", 3) == NULL);
    CHECK(playfab_apikey_match(keys, 2, "k3", 2) == NULL);
    CHECK(playfab_apikey_match(keys, 0, "secret", 6) == NULL);
    CHECK(playfab_apikey_match(NULL, 0, "secret", 6) == NULL);

    /* every entry is compared: with a digest twice the last one wins */
    keys[1] = keys[0];
    keys[3] = keys[0];
    k = playfab_apikey_match(keys, 4, "secret", 6);
    CHECK(k == &keys[3]);
}


static void
test_match_limits(void)
{
    char                     key[514];
    playfab_apikey_t         keys[NKEYS];
    const playfab_apikey_t  *k;

    if (parse("a512 " D_A512 "\na513 " D_A513 "\n"
              "empty e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4"
              "95991b7852b855\n", keys, NKEYS, NULL, NULL, 0) != 3)
    {
        CHECK(0);
        return;
    }

    memset(key, 'a', sizeof(key));

    k = playfab_apikey_match(keys, 3, key, 512);
    CHECK(k == &keys[0]);

    /* the digest of 513 bytes is listed, but longer keys never match */
    CHECK(playfab_apikey_match(keys, 3, key, 513) == NULL);
    CHECK(playfab_apikey_match(keys, 3, key, 514) == NULL);
    CHECK(playfab_apikey_match(keys, 3, key, (size_t) -1) == NULL);

    /* nor does an empty key, though SHA-256("") is listed */
    CHECK(playfab_apikey_match(keys, 3, "", 0) == NULL);
    CHECK(playfab_apikey_match(keys, 3, NULL, 0) == NULL);
    CHECK(playfab_apikey_match(keys, 3, NULL, 6) == NULL);
}


int
main(void)
{
    test_good_file();
    test_empty();
    test_errors();
    test_nul();
    test_duplicates();
    test_cap();
    test_long_lines();
    test_err_buffer();
    test_match();
    test_match_limits();

    return UNIT_DONE();
}
