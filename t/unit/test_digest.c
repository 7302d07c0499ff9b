/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for playfab_digest(): the encoding (checked against a
 * digest computed here of the bytes it must hash) and the property that
 * the record keys rely on, that different lists never share a key.
 */

#include <stdint.h>

#include <openssl/evp.h>

#include "unit.h"
#include "playfab_digest.h"


static void test_encoding(void);
static void test_boundaries(void);
static int digest2(unsigned char *out, const char *a, size_t alen,
    const char *b, size_t blen);


static void
test_encoding(void)
{
    unsigned char          got[PLAYFAB_DIGEST_LEN], want[PLAYFAB_DIGEST_LEN];
    unsigned int           len;
    playfab_digest_part_t  parts[2];
    const unsigned char    bytes[] = {
        0, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c',
        0, 0, 0, 0, 0, 0, 0, 0
    };

    parts[0].data = "abc";
    parts[0].len = 3;
    parts[1].data = NULL;
    parts[1].len = 0;

    CHECK(playfab_digest(got, parts, 2) == 0);
    CHECK(EVP_Digest(bytes, sizeof(bytes), want, &len, EVP_sha256(), NULL)
          == 1);
    CHECK(len == PLAYFAB_DIGEST_LEN);
    CHECK(memcmp(got, want, PLAYFAB_DIGEST_LEN) == 0);

    /* no parts: the digest of nothing */
    CHECK(playfab_digest(got, parts, 0) == 0);
    CHECK(EVP_Digest("", 0, want, &len, EVP_sha256(), NULL) == 1);
    CHECK(memcmp(got, want, PLAYFAB_DIGEST_LEN) == 0);
}


/* the same bytes cut in other places, or one part more, are another key */

static void
test_boundaries(void)
{
    unsigned char          a[PLAYFAB_DIGEST_LEN], b[PLAYFAB_DIGEST_LEN];
    playfab_digest_part_t  parts[3];

    CHECK(digest2(a, "ab", 2, "c", 1) == 0);
    CHECK(digest2(b, "a", 1, "bc", 2) == 0);
    CHECK(memcmp(a, b, PLAYFAB_DIGEST_LEN) != 0);

    CHECK(digest2(a, "abc", 3, "", 0) == 0);
    CHECK(digest2(b, "", 0, "abc", 3) == 0);
    CHECK(memcmp(a, b, PLAYFAB_DIGEST_LEN) != 0);

    parts[0].data = "abc";
    parts[0].len = 3;
    CHECK(playfab_digest(b, parts, 1) == 0);
    CHECK(memcmp(a, b, PLAYFAB_DIGEST_LEN) != 0);

    /* a separator inside a part cannot forge a boundary */
    CHECK(digest2(a, "jwt:x", 5, "y", 1) == 0);
    parts[0].data = "jwt";
    parts[0].len = 3;
    parts[1].data = "x";
    parts[1].len = 1;
    parts[2].data = "y";
    parts[2].len = 1;
    CHECK(playfab_digest(b, parts, 3) == 0);
    CHECK(memcmp(a, b, PLAYFAB_DIGEST_LEN) != 0);

    /* and the same list is the same key */
    CHECK(digest2(a, "ab", 2, "c", 1) == 0);
    CHECK(digest2(b, "ab", 2, "c", 1) == 0);
    CHECK(memcmp(a, b, PLAYFAB_DIGEST_LEN) == 0);
}


static int
digest2(unsigned char *out, const char *a, size_t alen, const char *b,
    size_t blen)
{
    playfab_digest_part_t  parts[2];

    parts[0].data = a;
    parts[0].len = alen;
    parts[1].data = b;
    parts[1].len = blen;

    return playfab_digest(out, parts, 2);
}


int
main(void)
{
    test_encoding();
    test_boundaries();

    return UNIT_DONE();
}
