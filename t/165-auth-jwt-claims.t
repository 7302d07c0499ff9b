# playfab_auth jwt: claims where hosted identity providers put them.  A
# claim argument that starts with "/" is a JSON Pointer (RFC 6901) into
# the token's claims -- Keycloak's /realm_access/roles, an element
# /groups/0, a URL-named Auth0 claim as /https:~1~1example.com~1roles --
# anything else one top-level name, as before.  The pointer works for
# playfab_auth_jwt_require, playfab_auth_jwt_subject and the variables of
# playfab_auth_jwt_claim_set; a malformed one fails nginx -t at its line.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use JwtTest;

$ENV{TEST_NGINX_JWT_DIR} = jwt_dir();

our $SECRET = 'claims-secret-0123456789abcdef-0123456789abcdef';
jwt_secret_file('hs.secret', $SECRET);


package Test::Base::Filter;

# tok(%claims): a fresh HS256 token of sub "player-1", valid ten
# minutes, with these claims added or replaced
sub tok {
    my (%claims) = @_;
    return jwt_hs($main::SECRET,
                  { sub => 'player-1', exp => time + 600, %claims });
}

sub bearer { "Authorization: Bearer $_[0]" }

sub refused {
    return qq{WWW-Authenticate: Bearer error="invalid_token", }
        . qq{error_description="$_[0]"};
}

sub scope {
    return qq{WWW-Authenticate: Bearer error="insufficient_scope", }
        . qq{error_description="$_[0]"};
}


package main;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: Keycloak: /realm_access/roles is required to hold "admin": an array holding it or the string passes
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /realm_access/roles admin;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 2]
--- more_headers eval
[bearer(tok(realm_access => { roles => ['offline_access', 'admin'] })),
 bearer(tok(realm_access => { roles => 'admin' }))]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- no_error_log
[error]
[alert]



=== TEST 2: Keycloak: /realm_access/roles holding another role is 403 claim_mismatch
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /realm_access/roles admin;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok(realm_access => { roles => ['offline_access', 'player'] }))
--- error_code: 403
--- response_headers eval
scope('claim_mismatch')
--- error_log
JWT refused: claim_mismatch "/realm_access/roles"
--- no_error_log
[error]
[alert]



=== TEST 3: Keycloak: no realm_access, a realm_access that is not an object, or a flat "realm_access.roles" claim is 403 missing_claim
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /realm_access/roles admin;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
[bearer(tok()),
 bearer(tok(realm_access => 'admin')),
 bearer(tok('realm_access.roles' => ['admin']))]
--- error_code eval
[403, 403, 403]
--- response_headers eval
[(scope('missing_claim')) x 3]
--- error_log
JWT refused: missing_claim "/realm_access/roles"
--- no_error_log
[error]
[alert]



=== TEST 4: Auth0: the URL-named claim https://example.com/roles passes as a plain name or as a pointer with "~1" for "/"
--- config
    location = /name {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require https://example.com/roles matchmaker;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /pointer {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /https:~1~1example.com~1roles matchmaker;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /name", "GET /pointer"]
--- more_headers eval
[bearer(tok('https://example.com/roles' => ['player', 'matchmaker'])),
 bearer(tok('https://example.com/roles' => ['player', 'matchmaker']))]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- no_error_log
[error]
[alert]



=== TEST 5: Auth0: without the value, the URL-named claim as a plain name is 403 claim_mismatch, naming it
--- config
    location = /name {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require https://example.com/roles matchmaker;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /pointer {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /https:~1~1example.com~1roles matchmaker;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /name
--- more_headers eval
bearer(tok('https://example.com/roles' => ['player']))
--- error_code: 403
--- response_headers eval
scope('claim_mismatch')
--- error_log
JWT refused: claim_mismatch "https://example.com/roles"
--- no_error_log
[error]
[alert]



=== TEST 6: Auth0: without the value, the URL-named claim as a pointer is 403 claim_mismatch, naming the pointer
--- config
    location = /name {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require https://example.com/roles matchmaker;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /pointer {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /https:~1~1example.com~1roles matchmaker;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /pointer
--- more_headers eval
bearer(tok('https://example.com/roles' => ['player']))
--- error_code: 403
--- response_headers eval
scope('claim_mismatch')
--- error_log
JWT refused: claim_mismatch "/https:~1~1example.com~1roles"
--- no_error_log
[error]
[alert]



=== TEST 7: Auth0: the pointer does not follow nested objects named "https:", "" and "example.com": 403 missing_claim
--- config
    location = /name {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require https://example.com/roles matchmaker;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /pointer {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /https:~1~1example.com~1roles matchmaker;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /pointer
--- more_headers eval
bearer(tok('https:' => { '' => { 'example.com' => {
                roles => ['matchmaker'] } } }))
--- error_code: 403
--- response_headers eval
scope('missing_claim')
--- error_log
JWT refused: missing_claim "/https:~1~1example.com~1roles"
--- no_error_log
[error]
[alert]



=== TEST 8: playfab_auth_jwt_subject from a nested claim names the caller, also inside a URL-named claim
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_subject /profile/player_id;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /auth0 {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_subject /https:~1~1example.com~1game/player_id;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "caller=$http_x_caller\n"; }
--- request eval
["GET /api", "GET /auth0"]
--- more_headers eval
[bearer(tok(profile => { player_id => 'P-42', title => 'A1B2' })),
 bearer(tok('https://example.com/game' => { player_id => 'P-43' }))]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- response_body_like eval
[qr/\Acaller=P-42\n\z/, qr/\Acaller=P-43\n\z/]
--- no_error_log
[error]
[alert]



=== TEST 9: playfab_auth_jwt_subject from a nested claim: absent there, a number or empty is 401 no_subject
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_subject /profile/player_id;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /auth0 {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_subject /https:~1~1example.com~1game/player_id;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "caller=$http_x_caller\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
[bearer(tok(player_id => 'P-42')),
 bearer(tok(profile => { player_id => 42 })),
 bearer(tok(profile => { player_id => '' }))]
--- error_code eval
[401, 401, 401]
--- response_headers eval
[(refused('no_subject')) x 3]
--- response_body_like eval
[qr/"code":/, qr/"code":/, qr/"code":/]
--- error_log
JWT refused: no_subject "/profile/player_id"
--- no_error_log
[error]
[alert]



=== TEST 10: playfab_auth_jwt_subject inside a URL-named claim: that claim a string, not an object, is 401 no_subject
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_subject /profile/player_id;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /auth0 {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_subject /https:~1~1example.com~1game/player_id;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "caller=$http_x_caller\n"; }
--- request
GET /auth0
--- more_headers eval
bearer(tok('https://example.com/game' => 'P-43'))
--- error_code: 401
--- response_headers eval
refused('no_subject')
--- response_body_like eval
qr/"code":/
--- error_log
JWT refused: no_subject "/https:~1~1example.com~1game/player_id"
--- no_error_log
[error]
[alert]



=== TEST 11: playfab_auth_jwt_claim_set gives a pointer's claim as text to proxy_set_header: nested arrays joined, an element, an object, a "~0" name; absent or null is empty
--- http_config
    playfab_auth_jwt_claim_set $jwt_roles /realm_access/roles;
    playfab_auth_jwt_claim_set $jwt_first_group /groups/0;
--- config
    playfab_auth_jwt_claim_set $jwt_org /org;
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_claim_set $jwt_tilde /ext/a~0b;
        proxy_set_header X-Roles $jwt_roles;
        proxy_set_header X-Group $jwt_first_group;
        proxy_set_header X-Org $jwt_org;
        proxy_set_header X-Tilde $jwt_tilde;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "roles=$http_x_roles group=$http_x_group org=$http_x_org tilde=$http_x_tilde\n";
    }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[bearer(tok(realm_access => { roles => ['admin', 'player'] },
            groups => ['north', 'south'], org => { id => 7 },
            ext => { 'a~b' => 'yes', 'a/b' => 'no' })),
 bearer(tok(realm_access => { roles => undef }, groups => []))]
--- error_code eval
[200, 200]
--- response_body eval
["roles=admin,player group=north org={\"id\":7} tilde=yes\n",
 "roles= group= org= tilde=\n"]
--- no_error_log
[error]
[alert]



=== TEST 12: an array inside an object matches as a top-level array does: Keycloak's client roles, and numbers and booleans nested in an object
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /resource_access/party-api/roles host;
        playfab_auth_jwt_require /app_metadata/tier 2 3;
        playfab_auth_jwt_require /app_metadata/verified true;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 2]
--- more_headers eval
[bearer(tok(resource_access => { 'party-api' => { roles => ['host'] } },
            app_metadata => { tier => 3.0, verified => \1 })),
 bearer(tok(resource_access => { 'party-api' => { roles => ['guest',
                                                            'host'] } },
            app_metadata => { tier => [1, 2], verified => [\0, \1] }))]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- no_error_log
[error]
[alert]



=== TEST 13: nested requirements: client roles without the role are 403 claim_mismatch
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /resource_access/party-api/roles host;
        playfab_auth_jwt_require /app_metadata/tier 2 3;
        playfab_auth_jwt_require /app_metadata/verified true;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok(resource_access => { 'party-api' => { roles => ['guest'] } },
            app_metadata => { tier => 3, verified => \1 }))
--- error_code: 403
--- response_headers eval
scope('claim_mismatch')
--- error_log
JWT refused: claim_mismatch "/resource_access/party-api/roles"
--- no_error_log
[error]
[alert]



=== TEST 14: nested requirements: a nested number not listed is 403 claim_mismatch
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /resource_access/party-api/roles host;
        playfab_auth_jwt_require /app_metadata/tier 2 3;
        playfab_auth_jwt_require /app_metadata/verified true;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok(resource_access => { 'party-api' => { roles => ['host'] } },
            app_metadata => { tier => 4, verified => \1 }))
--- error_code: 403
--- response_headers eval
scope('claim_mismatch')
--- error_log
JWT refused: claim_mismatch "/app_metadata/tier"
--- no_error_log
[error]
[alert]



=== TEST 15: nested requirements: a nested false where true is required is 403 claim_mismatch
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /resource_access/party-api/roles host;
        playfab_auth_jwt_require /app_metadata/tier 2 3;
        playfab_auth_jwt_require /app_metadata/verified true;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok(resource_access => { 'party-api' => { roles => ['host'] } },
            app_metadata => { tier => 3, verified => \0 }))
--- error_code: 403
--- response_headers eval
scope('claim_mismatch')
--- error_log
JWT refused: claim_mismatch "/app_metadata/verified"
--- no_error_log
[error]
[alert]



=== TEST 16: an index selects one element: /groups/0 "north" passes as the first element or as an object's member "0"
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /groups/0 north;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 2]
--- more_headers eval
[bearer(tok(groups => ['north', 'south'])),
 bearer(tok(groups => { 0 => 'north' }))]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- no_error_log
[error]
[alert]



=== TEST 17: an index selects one element: "north" as a later element is 403 claim_mismatch
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /groups/0 north;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok(groups => ['south', 'north']))
--- error_code: 403
--- response_headers eval
scope('claim_mismatch')
--- error_log
JWT refused: claim_mismatch "/groups/0"
--- no_error_log
[error]
[alert]



=== TEST 18: an index selects one element: an empty array or a string has no /groups/0: 403 missing_claim
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /groups/0 north;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 2]
--- more_headers eval
[bearer(tok(groups => [])),
 bearer(tok(groups => 'north'))]
--- error_code eval
[403, 403]
--- response_headers eval
[(scope('missing_claim')) x 2]
--- error_log
JWT refused: missing_claim "/groups/0"
--- no_error_log
[error]
[alert]



=== TEST 19: nginx -t refuses a "~" not followed by 0 or 1 in playfab_auth_jwt_require, naming the argument, file and line
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require /https:~2~2example.com~2roles admin;
        return 200;
    }
--- must_die
--- error_log eval
qr{\[emerg\] .*playfab: invalid claim "/https:~2~2example\.com~2roles": in a claim pointer "~" must be followed by 0 or 1 .* in \S+nginx\.conf:\d+}



=== TEST 20: nginx -t refuses an index with a leading zero in playfab_auth_jwt_subject, naming the argument, file and line
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_subject /players/01;
        return 200;
    }
--- must_die
--- error_log eval
qr{\[emerg\] .*playfab: invalid claim "/players/01": the array index "01" of a claim pointer has a leading zero in \S+nginx\.conf:\d+}



=== TEST 21: nginx -t refuses a "~" at the end of a pointer in playfab_auth_jwt_claim_set, naming the argument, file and line
--- http_config
    playfab_auth_jwt_claim_set $jwt_roles /realm_access/roles~;
--- config
    location = /api {
        return 200;
    }
--- must_die
--- error_log eval
qr{\[emerg\] .*playfab: invalid claim "/realm_access/roles~": in a claim pointer "~" must be followed by 0 or 1 .* in \S+nginx\.conf:\d+}



=== TEST 22: playfab_auth_jwt_claim_set needs a "$variable" not yet defined
--- http_config
    playfab_auth_jwt_claim_set $jwt_roles /realm_access/roles;
    playfab_auth_jwt_claim_set $jwt_roles /resource_access/roles;
--- config
    location = /api {
        return 200;
    }
--- must_die
--- error_log eval
qr{the duplicate "jwt_roles" variable in \S+nginx\.conf:\d+}



=== TEST 23: playfab_auth_jwt_claim_set refuses a name without "$"
--- http_config
    playfab_auth_jwt_claim_set jwt_roles /realm_access/roles;
--- config
    location = /api {
        return 200;
    }
--- must_die
--- error_log eval
qr{playfab: invalid variable name "jwt_roles", expected "\$name" in \S+nginx\.conf:\d+}
