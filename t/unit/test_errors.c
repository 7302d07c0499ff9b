/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for the table of PlayFab's error codes: well formed, found
 * by code, and printed in docs/errors.md as it is (the section between
 * the "playfab_errors.c" markers; on a mismatch the expected text is
 * printed, to paste there).
 */

#include <stdlib.h>

#include "unit.h"
#include "playfab_errors.h"


#define DOCS_BEGIN  "<!-- the table of src/playfab_errors.c -->\n"
#define DOCS_END    "<!-- end of the table -->\n"


static void test_table(void);
static void test_lookup(void);
static void test_docs(void);
static size_t render(char *buf, size_t size);
static char *slurp(const char *path);


static void
test_table(void)
{
    size_t  i, j;

    for (i = 0; i < PLAYFAB_NERRORS; i++) {
        CHECK(playfab_errors[i].code > 0);
        CHECK(playfab_errors[i].name != NULL
              && playfab_errors[i].name[0] != '\0');
        CHECK(playfab_errors[i].class <= PLAYFAB_ERROR_UNAVAILABLE);
        CHECK((playfab_errors[i].class == PLAYFAB_ERROR_REJECTED)
              == (playfab_errors[i].status != 0));

        for (j = 0; j < i; j++) {
            CHECK(playfab_errors[i].code != playfab_errors[j].code);
        }
    }
}


static void
test_lookup(void)
{
    const playfab_error_info_t  *e;

    e = playfab_error_find(1437);
    CHECK(e != NULL && e->class == PLAYFAB_ERROR_REJECTED
          && e->status == 404);
    CHECK_STR(e ? e->name : NULL, "PartyNotFound");

    e = playfab_error_find(1504);
    CHECK(e != NULL && e->class == PLAYFAB_ERROR_THROTTLED);

    e = playfab_error_find(6000);
    CHECK(e != NULL && e->class == PLAYFAB_ERROR_CONFIGURATION);

    e = playfab_error_find(500);
    CHECK(e != NULL && e->class == PLAYFAB_ERROR_UNAVAILABLE);

    e = playfab_error_find(1434);
    CHECK(e != NULL && e->class == PLAYFAB_ERROR_BY_STATUS);

    /* undocumented codes count as "other" */
    CHECK(playfab_error_find(0) == NULL);
    CHECK(playfab_error_find(1435 + 10000) == NULL);
    CHECK(playfab_error_index(0) == PLAYFAB_NERRORS);
    CHECK(playfab_error_index(-1) == PLAYFAB_NERRORS);
    CHECK(playfab_error_index(1000) < PLAYFAB_NERRORS);

    CHECK(playfab_error_problem(PLAYFAB_ERROR_BY_STATUS) == NULL);
    CHECK_STR(playfab_error_problem(PLAYFAB_ERROR_REJECTED),
              "playfab_rejected");
    CHECK_STR(playfab_error_problem(PLAYFAB_ERROR_THROTTLED),
              "playfab_throttled");
    CHECK_STR(playfab_error_problem(PLAYFAB_ERROR_CONFIGURATION),
              "playfab_configuration");
    CHECK_STR(playfab_error_problem(PLAYFAB_ERROR_UNAVAILABLE),
              "playfab_unavailable");
}


static void
test_docs(void)
{
    char        *docs, *begin, *end, want[8192];
    size_t       len;
    char         path[1024];
    const char  *slash;

    slash = strrchr(__FILE__, '/');
    snprintf(path, sizeof(path), "%.*s/../../docs/errors.md",
             slash ? (int) (slash - __FILE__) : 1, slash ? __FILE__ : ".");

    docs = slurp(path);
    CHECK(docs != NULL);

    if (docs == NULL) {
        printf("# cannot read %s\n", path);
        return;
    }

    len = render(want, sizeof(want));
    CHECK(len < sizeof(want));

    begin = strstr(docs, DOCS_BEGIN);
    end = begin ? strstr(begin, DOCS_END) : NULL;

    CHECK(begin != NULL && end != NULL);

    if (begin && end) {
        begin += sizeof(DOCS_BEGIN) - 1;

        if ((size_t) (end - begin) != len
            || memcmp(begin, want, len) != 0)
        {
            CHECK(0);
            printf("# docs/errors.md should have, between its markers:\n%s",
                   want);
        }
    }

    free(docs);
}


/* the table as docs/errors.md shows it */

static size_t
render(char *buf, size_t size)
{
    size_t  i, n;
    int     w;

    static const char  *client[] = {
        "PlayFab's HTTP status decides (below)",
        "%u `playfab_rejected`",
        "429 `playfab_throttled`",
        "502 `playfab_configuration`",
        "503 `playfab_unavailable`"
    };

    n = (size_t) snprintf(buf, size, "| errorCode | error | the client "
                          "gets |\n|---|---|---|\n");

    for (i = 0; i < PLAYFAB_NERRORS && n < size; i++) {
        w = snprintf(buf + n, size - n, "| %d | `%s` | ",
                     playfab_errors[i].code, playfab_errors[i].name);
        n += (size_t) w;

        if (n >= size) {
            break;
        }

        w = snprintf(buf + n, size - n, client[playfab_errors[i].class],
                     playfab_errors[i].status);
        n += (size_t) w;

        if (n >= size) {
            break;
        }

        w = snprintf(buf + n, size - n, " |\n");
        n += (size_t) w;
    }

    return n;
}


static char *
slurp(const char *path)
{
    long   len;
    char  *buf;
    FILE  *f;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    buf = NULL;

    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0)
    {
        buf = malloc((size_t) len + 1);

        if (buf && fread(buf, 1, (size_t) len, f) == (size_t) len) {
            buf[len] = '\0';

        } else {
            free(buf);
            buf = NULL;
        }
    }

    fclose(f);

    return buf;
}


int
main(void)
{
    test_table();
    test_lookup();
    test_docs();

    return UNIT_DONE();
}
