/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for playfab_ct_equal() and playfab_ct_slot(): equality of
 * every length and every differing position (word and tail), and slots
 * in range, spread, and moved by the seed.
 */

#include "unit.h"
#include "playfab_ct.h"


#define LEN_MAX  100


static void test_equal(void);
static void test_slot(void);


static void
test_equal(void)
{
    int            bad;
    size_t         len, i;
    unsigned char  a[LEN_MAX], b[LEN_MAX];

    for (i = 0; i < LEN_MAX; i++) {
        a[i] = (unsigned char) (i * 37 + 11);
    }

    bad = 0;

    for (len = 0; len <= LEN_MAX; len++) {
        memcpy(b, a, LEN_MAX);
        bad += playfab_ct_equal(a, b, len) != 1;

        /* one bit off, at each position: in a word or in the tail */
        for (i = 0; i < len; i++) {
            b[i] ^= 0x80;
            bad += playfab_ct_equal(a, b, len) != 0;
            b[i] ^= 0x80;
            b[i] ^= 0x01;
            bad += playfab_ct_equal(a, b, len) != 0;
            b[i] ^= 0x01;
        }
    }

    CHECK(bad == 0);

    /* unaligned buffers */
    memcpy(b, a, LEN_MAX);
    CHECK(playfab_ct_equal(a + 1, b + 1, LEN_MAX - 1) == 1);
    CHECK(playfab_ct_equal(a + 1, b + 3, 20) == 0);
    CHECK(playfab_ct_equal("", "", 0) == 1);
}


static void
test_slot(void)
{
    int            in_range, used, moved;
    size_t         i, s, counts[16];
    unsigned char  key[24];

    in_range = 1;
    memset(counts, 0, sizeof(counts));

    for (i = 0; i < 1600; i++) {
        memset(key, 'k', sizeof(key));
        key[23] = (unsigned char) i;
        key[22] = (unsigned char) (i >> 8);
        s = playfab_ct_slot(42, key, sizeof(key), 16);
        in_range &= s < 16;
        if (s < 16) {
            counts[s]++;
        }
    }

    CHECK(in_range);

    /* 1600 keys that differ in their last bytes: every slot used, none
     * with more than twice its share */
    used = 0;
    for (i = 0; i < 16; i++) {
        used += counts[i] > 0 && counts[i] < 200;
    }
    CHECK(used == 16);

    /* the same bytes: the same slot; another seed: other slots */
    CHECK(playfab_ct_slot(7, "token", 5, 1024)
          == playfab_ct_slot(7, "token", 5, 1024));

    moved = 0;
    for (i = 0; i < 64; i++) {
        key[0] = (unsigned char) i;
        moved += playfab_ct_slot(1, key, sizeof(key), 1024)
                 != playfab_ct_slot(2, key, sizeof(key), 1024);
    }
    CHECK(moved > 48);

    /* a length of 0 and lengths around a word */
    CHECK(playfab_ct_slot(3, "", 0, 8) < 8);
    CHECK(playfab_ct_slot(3, "abcdefgh", 8, 8) < 8);
    CHECK(playfab_ct_slot(3, "abcdefghi", 9, 8) < 8);
}


int
main(void)
{
    test_equal();
    test_slot();

    return UNIT_DONE();
}
