/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Shared by the files behind playfab_schema.h: the schema's enum and
 * range tables, the typed value checks, error paths and the lexical
 * classifier.  Not part of the API the nginx side uses.
 */

#ifndef PLAYFAB_SCHEMA_INT_H
#define PLAYFAB_SCHEMA_INT_H

#include "playfab_schema.h"
#include "playfab_lex.h"


#define PLAYFAB_PARTY_PATH       sizeof(((playfab_error_t *) 0)->field)
#define PLAYFAB_NC_PATH          "NetworkConfiguration"

/* the index of "Creator" in PartyInvitationRevocability */
#define PLAYFAB_CREATOR          0


typedef struct {
    const char   *name;
    size_t        len;
} playfab_party_name_t;

typedef struct {
    const playfab_party_name_t  *names;      /* indexed by value */
    int                          n;
    const char                  *type;       /* schema name, for messages */
} playfab_party_enum_t;

typedef struct {
    uint32_t      min;
    uint32_t      max;
} playfab_party_range_t;

typedef struct {
    const char   *name;
    size_t        len;
    const char   *refused;           /* non-NULL: unknown_field, this rule */
} playfab_party_key_t;

/* a request body being read: its tape, where escaped strings go */
typedef struct {
    const playfab_json_doc_t  *json;
    char                      *scratch;
} playfab_party_doc_t;

typedef struct {
    const playfab_party_key_t  *keys;
    size_t                      n;
    const char                 *type;
} playfab_party_object_t;


extern const playfab_party_enum_t   playfab_party_regions_enum;
extern const playfab_party_enum_t   playfab_party_dpco_enum;
extern const playfab_party_enum_t   playfab_party_revocability_enum;
extern const playfab_party_enum_t   playfab_party_fields_enum;

/* the schema's ranges of the numeric NetworkConfiguration fields */
extern const playfab_party_range_t  playfab_nc_ranges[PLAYFAB_NC_NUMERIC];


/* playfab_enums.c */
int playfab_party_enum_lookup(const playfab_party_enum_t *e,
    const char *name, size_t len);

/*
 * playfab_lex.c: for a body the reader refused, the first lexical rule
 * it broke (controls, numbers such as "01", "\u0000"), in the order
 * of the checks before the reader; 0 if none, or -1 + err
 */
int playfab_party_lex(const char *s, size_t len, playfab_error_t *err);

/* playfab_value.c: err->field paths "parent.name" and "parent[i]" */
void playfab_party_path(char *buf, const char *parent, const char *name);
void playfab_party_path_n(char *buf, const char *parent, const char *name,
    size_t len);
void playfab_party_path_index(char *buf, const char *parent, size_t i);

/* the decoded bytes of the string at tape entry i */
#define playfab_party_text(doc, i, len)                                      \
    playfab_json_text((doc)->json, i, (doc)->scratch, len)

/*
 * playfab_value.c: items are tape entries, 0 for none (the top-level
 * object is never an item); each 0, or -1 with err filled (-2: out of
 * memory)
 */
int playfab_party_fields(const playfab_party_doc_t *doc, uint32_t obj,
    const char *path, const playfab_party_object_t *o, uint32_t *f,
    playfab_error_t *err);
int playfab_party_number(const playfab_party_doc_t *doc, uint32_t item,
    const char *path, const playfab_party_range_t *r, uint32_t *val,
    playfab_error_t *err);
int playfab_party_enum(const playfab_party_doc_t *doc, uint32_t item,
    const char *path, const playfab_party_enum_t *e, int *val,
    playfab_error_t *err);
int playfab_party_string(const playfab_party_doc_t *doc, uint32_t item,
    const char *path, int nonempty, size_t max, const char **s, size_t *len,
    playfab_error_t *err);

#endif /* PLAYFAB_SCHEMA_INT_H */
