/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * libFuzzer: the strict reader of playfab_lex.c against cJSON, the
 * parser it replaced.  What the reader accepts, the checks it replaced
 * (cJSON, the nesting limit and the lexical pass that refused what cJSON
 * is lenient about) accepted too, and the other way round, but for one
 * leniency of cJSON's: "\u" with other than four hexadecimal digits,
 * which cJSON read as U+0000 and the reader refuses (and one quirk: a
 * BOM followed by a single byte, which cJSON does not skip).  When both
 * accept, the tape and cJSON's tree hold the same values: types, keys in
 * order, decoded strings, numbers to the bit.  With
 * PLAYFAB_JSON_RAW_CONTROLS (PlayFab's replies) the reader takes a
 * superset of the strict documents, and nothing cJSON refused.
 */

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "playfab_schema_int.h"
#include "fuzz.h"


static int fuzz_old(const char *s, size_t len, int strict);
static int fuzz_blank(const char *p, const char *last);
static int fuzz_nul(const char *s, size_t len);
static int fuzz_bad_escape(const char *s, size_t len);
static void fuzz_tape(const playfab_json_doc_t *doc);
static void fuzz_same(const playfab_json_doc_t *doc, uint32_t i,
    const cJSON *item, char *scratch);
static void fuzz_text(const playfab_json_doc_t *doc, uint32_t i,
    const char *want, char *scratch);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 strict, lenient, old, old_env, bom;
    char               *scratch;
    cJSON              *root;
    const char         *s, *end;
    playfab_json_doc_t  doc, env;

    s = (const char *) data;

    strict = (playfab_json_parse(&doc, s, size, 0) == 0);
    lenient = (playfab_json_parse(&env, s, size, PLAYFAB_JSON_RAW_CONTROLS)
               == 0);

    old = fuzz_old(s, size, 1);
    old_env = fuzz_old(s, size, 0);

    /*
     * nothing the checks before refused, but a BOM before a one-byte
     * value (cJSON skips a BOM only when more than one byte follows it);
     * all they took, but for "\u"
     */

    bom = (size == 4 && memcmp(s, "\xef\xbb\xbf", 3) == 0);

    FUZZ_CHECK(!strict || old || bom);
    FUZZ_CHECK(strict || !old || fuzz_bad_escape(s, size));

    FUZZ_CHECK(!lenient || old_env || bom);
    FUZZ_CHECK(lenient || !strict);

    if (strict) {
        fuzz_tape(&doc);
        FUZZ_CHECK(env.n == doc.n && env.escaped == doc.escaped);
    }

    if (lenient && !bom) {
        fuzz_tape(&env);

        root = cJSON_ParseWithLengthOpts(s, size, &end, 0);
        FUZZ_CHECK(root != NULL);

        scratch = malloc(size ? size : 1);
        FUZZ_CHECK(scratch != NULL);

        fuzz_same(&env, 0, root, scratch);

        free(scratch);
        cJSON_Delete(root);
    }

    playfab_json_free(&doc);
    playfab_json_free(&env);

    return 0;
}


/*
 * What the code before the reader took: cJSON's parse, blanks after it,
 * at most PLAYFAB_JSON_MAX_DEPTH deep, no "\u0000" (nor a NUL for a
 * reply); strict, the lexical pass the request had.
 */

static int
fuzz_old(const char *s, size_t len, int strict)
{
    int              ok;
    cJSON           *root;
    const char      *end;
    playfab_error_t  err;

    if (playfab_json_depth(s, len) > PLAYFAB_JSON_MAX_DEPTH) {
        return 0;
    }

    if (strict) {
        if (playfab_party_lex(s, len, &err) != 0) {
            return 0;
        }

    } else if (fuzz_nul(s, len)) {
        return 0;
    }

    root = cJSON_ParseWithLengthOpts(s, len, &end, 0);

    if (root == NULL) {
        return 0;
    }

    ok = fuzz_blank(end, s + len);

    cJSON_Delete(root);

    return ok;
}


static int
fuzz_blank(const char *p, const char *last)
{
    for ( /* void */ ; p < last; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            return 0;
        }
    }

    return 1;
}


/* a NUL byte, or "\u0000" not after an escaped backslash */

static int
fuzz_nul(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {

        if (s[i] == '\0') {
            return 1;
        }

        if (s[i] != '\\') {
            continue;
        }

        if (len - i > 5 && memcmp(&s[i + 1], "u0000", 5) == 0) {
            return 1;
        }

        if (i + 1 < len && s[i + 1] == '\\') {
            i++;
        }
    }

    return 0;
}


/* "\u" anywhere without four hexadecimal digits after it */

static int
fuzz_bad_escape(const char *s, size_t len)
{
    size_t  i, j;

    for (i = 0; i + 1 < len; i++) {
        if (s[i] != '\\' || s[i + 1] != 'u') {
            continue;
        }

        for (j = i + 2; j < i + 6; j++) {
            if (j >= len || !((s[j] >= '0' && s[j] <= '9')
                              || (s[j] >= 'a' && s[j] <= 'f')
                              || (s[j] >= 'A' && s[j] <= 'F')))
            {
                return 1;
            }
        }
    }

    return 0;
}


/* every entry within the text, ending where its kind ends, nested */

static void
fuzz_tape(const playfab_json_doc_t *doc)
{
    char                       c, last;
    uint32_t                   i;
    const playfab_json_tok_t  *t;

    FUZZ_CHECK(doc->n > 0);
    FUZZ_CHECK(doc->tape[0].next == doc->n);

    for (i = 0; i < doc->n; i++) {
        t = &doc->tape[i];

        FUZZ_CHECK(t->start < t->end && t->end <= doc->len);
        FUZZ_CHECK(t->next > i && t->next <= doc->n);

        c = doc->text[t->start];
        last = doc->text[t->end - 1];

        if (c == '{' || c == '[') {
            FUZZ_CHECK(last == c + 2);

            if (t->next > i + 1) {
                FUZZ_CHECK(doc->tape[t->next - 1].end <= t->end);
                FUZZ_CHECK(doc->tape[i + 1].start > t->start);
            }

        } else {
            FUZZ_CHECK(t->next == i + 1);
            FUZZ_CHECK(c != '"' || (last == '"' && t->end - t->start >= 2));
        }

        FUZZ_CHECK(!t->escaped || doc->escaped);
    }
}


static void
fuzz_same(const playfab_json_doc_t *doc, uint32_t i, const cJSON *item,
    char *scratch)
{
    double        d;
    uint32_t      k;
    const cJSON  *child;

    switch (playfab_json_byte(doc, i)) {

    case '{':
        FUZZ_CHECK(cJSON_IsObject(item));

        child = item->child;

        for (k = playfab_json_first(doc, i);
             k != 0;
             k = playfab_json_next_member(doc, i, k))
        {
            FUZZ_CHECK(child != NULL && child->string != NULL);
            FUZZ_CHECK(playfab_json_is_string(doc, k));

            fuzz_text(doc, k, child->string, scratch);
            fuzz_same(doc, k + 1, child, scratch);

            child = child->next;
        }

        FUZZ_CHECK(child == NULL);
        break;

    case '[':
        FUZZ_CHECK(cJSON_IsArray(item));

        child = item->child;

        for (k = playfab_json_first(doc, i);
             k != 0;
             k = playfab_json_next_element(doc, i, k))
        {
            FUZZ_CHECK(child != NULL);

            fuzz_same(doc, k, child, scratch);

            child = child->next;
        }

        FUZZ_CHECK(child == NULL);
        break;

    case '"':
        FUZZ_CHECK(cJSON_IsString(item));
        fuzz_text(doc, i, item->valuestring, scratch);
        break;

    case 't':
        FUZZ_CHECK(cJSON_IsTrue(item));
        break;

    case 'f':
        FUZZ_CHECK(cJSON_IsFalse(item));
        break;

    case 'n':
        FUZZ_CHECK(cJSON_IsNull(item));
        break;

    default:
        FUZZ_CHECK(cJSON_IsNumber(item));
        FUZZ_CHECK(playfab_json_number(doc, i, &d) == 0);
        FUZZ_CHECK(memcmp(&d, &item->valuedouble, sizeof(double)) == 0
                   || (isnan(d) && isnan(item->valuedouble)));
        break;
    }
}


/* the decoded string is cJSON's, which has no NUL: none was accepted */

static void
fuzz_text(const playfab_json_doc_t *doc, uint32_t i, const char *want,
    char *scratch)
{
    size_t       len;
    const char  *text;

    text = playfab_json_text(doc, i, scratch, &len);

    FUZZ_CHECK(strlen(want) == len && memcmp(text, want, len) == 0);
}
