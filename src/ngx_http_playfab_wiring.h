/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * The top floor: the module's definition, configuration create/merge
 * and checks (ngx_http_playfab_module.c), and its directives
 * (ngx_http_playfab_directives.c).
 */

#ifndef NGX_HTTP_PLAYFAB_WIRING_H
#define NGX_HTTP_PLAYFAB_WIRING_H

#include "ngx_http_playfab_handlers.h"


/* ngx_http_playfab_directives.c */
extern ngx_command_t  ngx_http_playfab_commands[];
playfab_party_policy_t *ngx_http_playfab_policy(ngx_conf_t *cf,
    ngx_http_playfab_loc_conf_t *plcf);

#endif /* NGX_HTTP_PLAYFAB_WIRING_H */
