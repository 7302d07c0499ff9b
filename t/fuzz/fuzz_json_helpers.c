/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * libFuzzer: the helpers of playfab_json.c on arbitrary bytes.
 * playfab_json_escape() counts what it writes and its output, quoted,
 * is a JSON string that cJSON reads back as the input;
 * playfab_json_text_valid() agrees with iconv's UTF-8 decoder plus the
 * control rule; playfab_json_depth() of a document cJSON accepts is the
 * depth of cJSON's tree.
 */

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "playfab_json.h"
#include "fuzz.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
static void fuzz_escape(const char *s, size_t len);
static void fuzz_text_valid(const char *s, size_t len);
static int fuzz_utf8(const char *s, size_t len);
static void fuzz_depth(const char *s, size_t len);
static int fuzz_tree_depth(const cJSON *item);


static iconv_t  fuzz_iconv;


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;

    fuzz_iconv = iconv_open("UTF-32LE", "UTF-8");
    FUZZ_CHECK(fuzz_iconv != (iconv_t) -1);

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_escape((const char *) data, size);
    fuzz_text_valid((const char *) data, size);
    fuzz_depth((const char *) data, size);

    return 0;
}


static void
fuzz_escape(const char *s, size_t len)
{
    char         *buf;
    size_t        n, i, want;
    cJSON        *item;
    const char   *end, *nul;

    n = playfab_json_escape(NULL, s, len);
    FUZZ_CHECK(n >= len && n <= 6 * len);

    /* exactly the quotes and the count, so that ASan sees an overrun */

    buf = malloc(n + 2);
    FUZZ_CHECK(buf != NULL);

    buf[0] = '"';
    FUZZ_CHECK(playfab_json_escape(&buf[1], s, len) == n);
    buf[n + 1] = '"';

    for (i = 1; i <= n; i++) {
        FUZZ_CHECK((unsigned char) buf[i] >= 0x20);
    }

    item = cJSON_ParseWithLengthOpts(buf, n + 2, &end, 0);

    FUZZ_CHECK(item != NULL && end == buf + n + 2 && cJSON_IsString(item));

    /* a C string: "\u0000" ends it */
    nul = memchr(s, '\0', len);
    want = nul ? (size_t) (nul - s) : len;

    FUZZ_CHECK(strlen(item->valuestring) == want
               && memcmp(item->valuestring, s, want) == 0);

    cJSON_Delete(item);
    free(buf);
}


static void
fuzz_text_valid(const char *s, size_t len)
{
    int     want;
    size_t  i;

    want = fuzz_utf8(s, len);

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] == 0x7f) {
            want = 0;
        }
    }

    FUZZ_CHECK(playfab_json_text_valid(s, len) == want);
}


/* 1 if iconv decodes all of s as UTF-8 */

static int
fuzz_utf8(const char *s, size_t len)
{
    char    out[4096], *in, *o;
    size_t  il, ol;

    iconv(fuzz_iconv, NULL, NULL, NULL, NULL);

    in = (char *) s;
    il = len;

    while (il > 0) {
        o = out;
        ol = sizeof(out);

        if (iconv(fuzz_iconv, &in, &il, &o, &ol) == (size_t) -1
            && errno != E2BIG)
        {
            return 0;
        }
    }

    return 1;
}


static void
fuzz_depth(const char *s, size_t len)
{
    int          depth;
    cJSON       *root;
    const char  *end;

    depth = playfab_json_depth(s, len);
    FUZZ_CHECK(depth >= 0 && (size_t) depth <= len);

    root = cJSON_ParseWithLengthOpts(s, len, &end, 0);

    if (root == NULL) {
        return;
    }

    /* only the text cJSON read: what follows it may open more */

    FUZZ_CHECK(playfab_json_depth(s, (size_t) (end - s))
               == fuzz_tree_depth(root));

    cJSON_Delete(root);
}


static int
fuzz_tree_depth(const cJSON *item)
{
    int           d, max;
    const cJSON  *child;

    if (!cJSON_IsArray(item) && !cJSON_IsObject(item)) {
        return 0;
    }

    max = 0;

    cJSON_ArrayForEach(child, item) {
        d = fuzz_tree_depth(child);

        if (d > max) {
            max = d;
        }
    }

    return max + 1;
}
