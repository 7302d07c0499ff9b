/*
 * Copyright (C) ngx_http_playfab_party authors
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "playfab_apikey.h"


#define PLAYFAB_APIKEY_LINE_MAX    1024
#define PLAYFAB_APIKEY_DIGEST_LEN  32


static size_t playfab_apikey_eol(const char *text, size_t pos, size_t len,
    size_t *next);
static int playfab_apikey_line(const char *p, size_t len,
    playfab_apikey_t *key, const char **rule);
static size_t playfab_apikey_field(const char *p, size_t len, size_t *pos,
    const char **field);
static int playfab_apikey_name(const char *s, size_t len);
static int playfab_apikey_hex(const char *s, size_t len,
    unsigned char *digest);
static int playfab_apikey_nibble(unsigned char c);
static unsigned playfab_apikey_dup(const char *text, size_t end,
    const playfab_apikey_t *key, const char **what);
static long playfab_apikey_fail(unsigned *line, unsigned n, char *err,
    size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static int playfab_apikey_digest(const char *key, size_t len,
    unsigned char *md, unsigned int *md_len);


#if OPENSSL_VERSION_NUMBER >= 0x30000000L

/*
 * EVP_sha256() makes OpenSSL 3 look the implementation up again for
 * every digest, and EVP_Digest() allocates a context: SHA-256 is fetched
 * once per process, on first use, and hashed with one context, reused
 * (a worker runs one request at a time).  Its final step wipes the
 * block that held the key.
 */
static EVP_MD      *playfab_apikey_md;
static EVP_MD_CTX  *playfab_apikey_ctx;

#endif


/*
 * Duplicates are found by reading the lines before again, so that
 * counting (keys == NULL) validates exactly as much as filling does.
 * The cap applies only when filling: counting is how it is sized.
 */

long
playfab_apikeys_parse(const char *text, size_t len, playfab_apikey_t *keys,
    size_t cap, unsigned *line, char *err, size_t errlen)
{
    int                rc;
    size_t             pos, next, n, count;
    unsigned           lineno, first;
    const char        *rule, *what;
    playfab_apikey_t   key;

    count = 0;
    lineno = 0;

    for (pos = 0; pos < len; pos = next) {
        lineno++;

        n = playfab_apikey_eol(text, pos, len, &next);

        if (n > PLAYFAB_APIKEY_LINE_MAX) {
            return playfab_apikey_fail(line, lineno, err, errlen,
                                       "line longer than %d bytes",
                                       PLAYFAB_APIKEY_LINE_MAX);
        }

        rc = playfab_apikey_line(&text[pos], n, &key, &rule);

        if (rc == -1) {
            return playfab_apikey_fail(line, lineno, err, errlen, "%s",
                                       rule);
        }

        if (rc == 0) {
            continue;
        }

        first = playfab_apikey_dup(text, pos, &key, &what);

        if (first != 0) {
            return playfab_apikey_fail(line, lineno, err, errlen,
                                       "duplicate %s, first on line %u",
                                       what, first);
        }

        if (keys != NULL) {
            if (count == cap) {
                return playfab_apikey_fail(line, lineno, err, errlen,
                                           "more than %zu keys", cap);
            }

            keys[count] = key;
        }

        count++;
    }

    if (line) {
        *line = 0;
    }

    return (long) count;
}


const playfab_apikey_t *
playfab_apikey_match(const playfab_apikey_t *keys, size_t n,
    const char *key, size_t key_len)
{
    size_t                   i;
    unsigned int             md_len;
    unsigned char            md[EVP_MAX_MD_SIZE];
    const playfab_apikey_t  *found;

    if (key == NULL || key_len == 0 || key_len > PLAYFAB_APIKEY_LEN_MAX) {
        return NULL;
    }

    if (playfab_apikey_digest(key, key_len, md, &md_len) != 0
        || md_len != PLAYFAB_APIKEY_DIGEST_LEN)
    {
        return NULL;
    }

    found = NULL;

    /* every entry is compared: the time taken does not tell which */

    for (i = 0; i < n; i++) {
        if (CRYPTO_memcmp(md, keys[i].digest, PLAYFAB_APIKEY_DIGEST_LEN)
            == 0)
        {
            found = &keys[i];
        }
    }

    OPENSSL_cleanse(md, sizeof(md));

    return found;
}


static int
playfab_apikey_digest(const char *key, size_t len, unsigned char *md,
    unsigned int *md_len)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L

    if (playfab_apikey_ctx == NULL) {
        playfab_apikey_md = EVP_MD_fetch(NULL, "SHA256", NULL);
        playfab_apikey_ctx = EVP_MD_CTX_new();

        if (playfab_apikey_md == NULL || playfab_apikey_ctx == NULL) {
            EVP_MD_free(playfab_apikey_md);
            EVP_MD_CTX_free(playfab_apikey_ctx);
            playfab_apikey_md = NULL;
            playfab_apikey_ctx = NULL;
            return -1;
        }
    }

    if (EVP_DigestInit_ex2(playfab_apikey_ctx, playfab_apikey_md, NULL) != 1
        || EVP_DigestUpdate(playfab_apikey_ctx, key, len) != 1
        || EVP_DigestFinal_ex(playfab_apikey_ctx, md, md_len) != 1)
    {
        return -1;
    }

    return 0;

#else

    return EVP_Digest(key, len, md, md_len, EVP_sha256(), NULL) == 1 ? 0 : -1;

#endif
}


/*
 * The length of the line at text[pos] without its "\n" or "\r\n";
 * *next is where the following line starts.
 */

static size_t
playfab_apikey_eol(const char *text, size_t pos, size_t len, size_t *next)
{
    size_t       n;
    const char  *nl;

    nl = memchr(&text[pos], '\n', len - pos);

    if (nl == NULL) {
        n = len - pos;
        *next = len;

    } else {
        n = (size_t) (nl - &text[pos]);
        *next = pos + n + 1;
    }

    if (n > 0 && text[pos + n - 1] == '\r') {
        n--;
    }

    return n;
}


/* 1 and *key for a key line, 0 for a blank or comment line, -1 and *rule */

static int
playfab_apikey_line(const char *p, size_t len, playfab_apikey_t *key,
    const char **rule)
{
    size_t       pos, name_len, hex_len;
    const char  *name, *hex, *extra;

    memset(key, 0, sizeof(playfab_apikey_t));
    pos = 0;

    name_len = playfab_apikey_field(p, len, &pos, &name);

    if (name_len == 0 || name[0] == '#') {
        return 0;
    }

    if (!playfab_apikey_name(name, name_len)) {
        *rule = "name must be 1 to 63 characters of A-Z a-z 0-9 . _ : @ -";
        return -1;
    }

    hex_len = playfab_apikey_field(p, len, &pos, &hex);

    if (!playfab_apikey_hex(hex, hex_len, key->digest)) {
        *rule = "digest must be 64 hexadecimal digits";
        return -1;
    }

    if (playfab_apikey_field(p, len, &pos, &extra) != 0) {
        *rule = "unexpected field after the digest";
        return -1;
    }

    memcpy(key->name, name, name_len);
    key->name[name_len] = '\0';
    key->name_len = name_len;

    return 1;
}


/* the next field separated by spaces or tabs, from *pos on */

static size_t
playfab_apikey_field(const char *p, size_t len, size_t *pos,
    const char **field)
{
    size_t  i, start;

    for (i = *pos; i < len && (p[i] == ' ' || p[i] == '\t'); i++) {
        /* skip the separators */
    }

    start = i;

    for ( /* void */ ; i < len && p[i] != ' ' && p[i] != '\t'; i++) {
        /* the field */
    }

    *pos = i;
    *field = &p[start];

    return i - start;
}


static int
playfab_apikey_name(const char *s, size_t len)
{
    size_t          i;
    unsigned char   c;

    if (len == 0 || len > PLAYFAB_APIKEY_NAME_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == ':' || c == '@' || c == '-')
        {
            continue;
        }

        return 0;
    }

    return 1;
}


static int
playfab_apikey_hex(const char *s, size_t len, unsigned char *digest)
{
    int     hi, lo;
    size_t  i;

    if (len != 2 * PLAYFAB_APIKEY_DIGEST_LEN) {
        return 0;
    }

    for (i = 0; i < PLAYFAB_APIKEY_DIGEST_LEN; i++) {
        hi = playfab_apikey_nibble((unsigned char) s[2 * i]);
        lo = playfab_apikey_nibble((unsigned char) s[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            return 0;
        }

        digest[i] = (unsigned char) (hi << 4 | lo);
    }

    return 1;
}


static int
playfab_apikey_nibble(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/*
 * The line number of an earlier key in text[0..end) with the same name
 * or digest, and *what names which; 0 when there is none.
 */

static unsigned
playfab_apikey_dup(const char *text, size_t end, const playfab_apikey_t *key,
    const char **what)
{
    size_t             pos, next, n;
    unsigned           lineno;
    const char        *rule;
    playfab_apikey_t   prev;

    lineno = 0;

    for (pos = 0; pos < end; pos = next) {
        lineno++;

        n = playfab_apikey_eol(text, pos, end, &next);

        if (playfab_apikey_line(&text[pos], n, &prev, &rule) != 1) {
            continue;
        }

        if (prev.name_len == key->name_len
            && memcmp(prev.name, key->name, key->name_len) == 0)
        {
            *what = "name";
            return lineno;
        }

        if (memcmp(prev.digest, key->digest, PLAYFAB_APIKEY_DIGEST_LEN)
            == 0)
        {
            *what = "digest";
            return lineno;
        }
    }

    return 0;
}


static long
playfab_apikey_fail(unsigned *line, unsigned n, char *err, size_t errlen,
    const char *fmt, ...)
{
    int      len;
    va_list  args;

    if (line) {
        *line = n;
    }

    if (err == NULL || errlen == 0) {
        return -1;
    }

    len = snprintf(err, errlen, "line %u: ", n);

    if (len >= 0 && (size_t) len < errlen) {
        va_start(args, fmt);
        vsnprintf(&err[len], errlen - (size_t) len, fmt, args);
        va_end(args);
    }

    return -1;
}
