/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The strict JSON reader the request and reply parsers walk documents
 * with (playfab_lex.c).  Pure C, no nginx headers.
 */

#ifndef PLAYFAB_LEX_H
#define PLAYFAB_LEX_H

#include "playfab_json.h"


/*
 * The strict reader (playfab_lex.c).  One pass over the bytes checks a
 * whole document and records a tape: one entry per value (and per
 * object key), in document order, with where it starts and ends and
 * which entry follows it and all it holds.  The document is then walked
 * on the tape, without reading its bytes again, without a tree.  Strings
 * are spans of the text; only those with a backslash escape need
 * decoding, into a buffer of the text's size at the string's own offset.
 */

/* raw bytes 0x01-0x1f inside strings are taken, as cJSON takes them */
#define PLAYFAB_JSON_RAW_CONTROLS  0x01

/* entries held in a document itself (a party request with a few of
 * everything has some 50); a longer tape is allocated */
#define PLAYFAB_JSON_TAPE          128

typedef struct {
    uint32_t      start;         /* offset of the first byte ('"', '{') */
    uint32_t      end;           /* offset past the last byte */
    uint32_t      next;          /* the entry after this value's own */
    uint32_t      escaped;       /* a string with a backslash escape */
} playfab_json_tok_t;

typedef struct {
    const char          *text;
    size_t               len;
    playfab_json_tok_t  *tape;   /* tape[0]: the top-level value */
    uint32_t             n;
    unsigned             escaped:1;     /* some string has an escape */
    playfab_json_tok_t   inline_tape[PLAYFAB_JSON_TAPE];
} playfab_json_doc_t;

/* a string's raw bytes between its quotes */
typedef struct {
    const char   *p;
    size_t        len;
    unsigned      escaped:1;
} playfab_json_str_t;

/*
 * 0 if s[0..len) is one JSON value (RFC 8259; a UTF-8 BOM first is
 * skipped), with blanks only around it, nested at most
 * PLAYFAB_JSON_MAX_DEPTH deep, without a NUL byte or a "\u0000", with
 * valid escapes and surrogate pairs; -1 if not, -2 when a long tape
 * could not be allocated.  Bytes of 0x80 and above are not checked here:
 * the text of every string used is, where used.  Any return leaves doc
 * safe to pass to playfab_json_free().
 */
int playfab_json_parse(playfab_json_doc_t *doc, const char *s, size_t len,
    unsigned flags);
void playfab_json_free(playfab_json_doc_t *doc);

/*
 * The first member (its key; the value is the entry after it) or
 * element of the container at entry i, then the one after k; 0 when
 * there is none (entry 0 is never in a container).
 */
static inline uint32_t
playfab_json_first(const playfab_json_doc_t *doc, uint32_t i)
{
    return (i + 1 < doc->tape[i].next) ? i + 1 : 0;
}

static inline uint32_t
playfab_json_next_element(const playfab_json_doc_t *doc, uint32_t i,
    uint32_t k)
{
    return (doc->tape[k].next < doc->tape[i].next) ? doc->tape[k].next : 0;
}

static inline uint32_t
playfab_json_next_member(const playfab_json_doc_t *doc, uint32_t i,
    uint32_t k)
{
    return playfab_json_next_element(doc, i, k + 1);
}

/* the first byte of entry i: '{', '[', '"', 't', 'f', 'n' or a number's */
static inline char
playfab_json_byte(const playfab_json_doc_t *doc, uint32_t i)
{
    return doc->text[doc->tape[i].start];
}

#define playfab_json_is_object(doc, i)  (playfab_json_byte(doc, i) == '{')
#define playfab_json_is_array(doc, i)   (playfab_json_byte(doc, i) == '[')
#define playfab_json_is_string(doc, i)  (playfab_json_byte(doc, i) == '"')
#define playfab_json_is_null(doc, i)    (playfab_json_byte(doc, i) == 'n')
#define playfab_json_is_number(doc, i)                                       \
    (playfab_json_byte(doc, i) == '-'                                        \
     || (playfab_json_byte(doc, i) >= '0' && playfab_json_byte(doc, i) <= '9'))

/* the string at entry i */
static inline void
playfab_json_string(const playfab_json_doc_t *doc, uint32_t i,
    playfab_json_str_t *str)
{
    str->p = doc->text + doc->tape[i].start + 1;
    str->len = doc->tape[i].end - doc->tape[i].start - 2;
    str->escaped = doc->tape[i].escaped;
}

/* decodes the escapes of checked string bytes; returns the length */
size_t playfab_json_unescape(char *dst, const char *src, size_t len);

/*
 * The decoded bytes of the string at entry i: in place when it has no
 * escape, else written to scratch (which holds the whole text) at the
 * string's offset.
 */
static inline const char *
playfab_json_text(const playfab_json_doc_t *doc, uint32_t i, char *scratch,
    size_t *len)
{
    const playfab_json_tok_t  *t;

    t = &doc->tape[i];

    if (!t->escaped) {
        *len = t->end - t->start - 2;
        return doc->text + t->start + 1;
    }

    *len = playfab_json_unescape(scratch + t->start + 1,
                                 doc->text + t->start + 1,
                                 t->end - t->start - 2);

    return scratch + t->start + 1;
}

/* the number at entry i as strtod() reads it; 0, or -1 when memory for
 * a copy could not be had */
int playfab_json_number(const playfab_json_doc_t *doc, uint32_t i,
    double *d);

#endif /* PLAYFAB_LEX_H */
