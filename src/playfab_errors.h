/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * PlayFab's error codes, one table: what each means for the module's
 * client (the HTTP status and problem code of docs/errors.md) and the
 * label the metrics count it under.  Pure C.
 */

#ifndef PLAYFAB_ERRORS_H
#define PLAYFAB_ERRORS_H

#include <stddef.h>

typedef enum {
    PLAYFAB_ERROR_BY_STATUS = 0,   /* decided by PlayFab's HTTP status */
    PLAYFAB_ERROR_REJECTED,        /* the request itself: status below */
    PLAYFAB_ERROR_THROTTLED,       /* 429 playfab_throttled */
    PLAYFAB_ERROR_CONFIGURATION,   /* 502 playfab_configuration */
    PLAYFAB_ERROR_UNAVAILABLE      /* 503 playfab_unavailable */
} playfab_error_class_e;

typedef struct {
    int                     code;      /* errorCode */
    const char             *name;      /* error */
    playfab_error_class_e   class;
    unsigned                status;    /* for REJECTED; else 0 */
} playfab_error_info_t;

/* the codes PlayFab documents for the three operations, and throttling */
#define PLAYFAB_NERRORS  31

extern const playfab_error_info_t  playfab_errors[PLAYFAB_NERRORS];

/* the entry of code, or NULL for a code PlayFab does not document */
const playfab_error_info_t *playfab_error_find(int code);

/* code's index in playfab_errors[], or PLAYFAB_NERRORS ("other") */
size_t playfab_error_index(int code);

/* the problem code of a class ("playfab_rejected", ...), NULL for
 * PLAYFAB_ERROR_BY_STATUS */
const char *playfab_error_problem(playfab_error_class_e class);

#endif /* PLAYFAB_ERRORS_H */
