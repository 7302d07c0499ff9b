# The caller is checked with the settings of the location that answers.
# The identity variables may be read before the location is final: in
# the server's rewrites (set, if, return), or in a location that then
# rewrites the URI with "last" (nginx picks a location again and keeps
# the request's context).  What they found under those settings (a key
# file, a JWT's keys and policy, a title) is not the final location's:
# it is checked again there, and a refusal made under other settings
# leaves nothing behind (no WWW-Authenticate, no problem body).

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use JwtTest;

$ENV{TEST_NGINX_JWT_DIR} = jwt_dir();

our $SERVER_SECRET = 'server-secret-0123456789abcdef-0123456789abcdef';
our $ADMIN_SECRET  = 'admin-secret-0123456789abcdef-0123456789abcdefg';
jwt_secret_file('server.secret', $SERVER_SECRET);
jwt_secret_file('admin.secret', $ADMIN_SECRET);


package Test::Base::Filter;

sub key_files {
    return [
        [ 'partners.keys', api_key_line('partner', 'partner-key-0001') ],
        [ 'admin.keys',    api_key_line('root', 'admin-key-0001') ],
    ];
}

sub bearer {
    my ($secret, %claims) = @_;
    return "Authorization: Bearer "
        . jwt_hs($secret, { sub => 'player-1', exp => time + 600, %claims });
}


package main;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a key of the server's file, read by a server-level variable, is not a key of the location's file
--- user_files eval
key_files()
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/partners.keys;
    set $who $playfab_auth_principal;

    location = /admin {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/admin.keys;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        playfab_auth off;
        return 200 "$http_x_p\n";
    }
--- request eval
["GET /admin", "GET /admin"]
--- more_headers eval
["X-API-Key: partner-key-0001", "X-API-Key: admin-key-0001"]
--- error_code eval
[401, 200]
--- response_body_like eval
[qr/"code":"unauthorized","detail":"unknown API key"/,
 qr{\Aapi_key:[^:]*admin\.keys:root\n\z}]
--- no_error_log
[error]



=== TEST 2: the same through "rewrite ... last" from a location that read the variable
--- user_files eval
key_files()
--- config
    location = /entry {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/partners.keys;
        set $who $playfab_auth_principal;
        rewrite ^ /admin last;
    }
    location = /admin {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/admin.keys;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_p\n"; }
--- request eval
["GET /entry", "GET /entry"]
--- more_headers eval
["X-API-Key: partner-key-0001", "X-API-Key: admin-key-0001"]
--- error_code eval
[401, 200]
--- response_body_like eval
[qr/"code":"unauthorized","detail":"unknown API key"/,
 qr{\Aapi_key:[^:]*admin\.keys:root\n\z}]
--- no_error_log
[error]



=== TEST 3: a JWT verified for a server-level claim variable is verified again with the location's keys and policy
--- config
    playfab_auth jwt;
    playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/server.secret;
    set $sub $playfab_jwt_claim_sub;

    location = /admin {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/admin.secret;
        playfab_auth_jwt_require role admin;
        proxy_set_header X-Role $playfab_jwt_claim_role;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        playfab_auth off;
        return 200 "$http_x_role\n";
    }
--- request eval
["GET /admin", "GET /admin", "GET /admin"]
--- more_headers eval
[bearer($main::SERVER_SECRET, role => 'admin'),
 bearer($main::ADMIN_SECRET),
 bearer($main::ADMIN_SECRET, role => 'admin')]
--- error_code eval
[401, 403, 200]
--- response_body_like eval
[qr/"code":"unauthorized"/, qr/"code":"forbidden"/, qr/\Aadmin\n\z/]
--- no_error_log
[error]



=== TEST 4: a refusal under the server's settings leaves no challenge, problem or principal in a location without playfab_auth
--- user_files eval
key_files()
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/partners.keys;
    set $who $playfab_auth_principal;

    location = /open {
        playfab_auth off;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        playfab_auth off;
        return 200 "[$http_x_p]\n";
    }
--- request eval
["GET /open", "GET /open"]
--- more_headers eval
["X-API-Key: unknown-key", "X-API-Key: partner-key-0001"]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- response_body eval
["[]\n", "[]\n"]
--- no_error_log
[error]



=== TEST 5: a player of one title, met by a server-level variable, is validated with the title of the location
Request by request: /b asks PlayFab with EMU02 and refuses the player of
EMU01, without recording anything under EMU01's name; /a accepts her;
/b still refuses her although EMU01's record now holds her.
--- playfab_emulator
{"player_tokens": {"ptok-alice": {"id": "TPALICE"}}}
--- config
    playfab_auth entity_token;
    set $who $playfab_auth_principal;

    location = /a/api {
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /b/api {
        playfab_title_id EMU02;
        proxy_set_header X-P $playfab_auth_principal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        playfab_auth off;
        return 200 "$http_x_p\n";
    }
--- request eval
["GET /b/api", "GET /a/api", "GET /b/api"]
--- more_headers
X-EntityToken: ptok-alice
--- error_code eval
[401, 200, 401]
--- response_body_like eval
[qr/"detail":"entity token of another title"/,
 qr/\Aentity_token:EMU01:TPALICE\n\z/,
 qr/"detail":"entity token of another title"/]
--- no_error_log
[error]



=== TEST 6: another module's challenge is kept: only the module's own refusal under other settings is dropped
--- user_files eval
[@{ key_files() }, [ 'htpasswd', "nobody:{PLAIN}nothing\n" ]]
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/partners.keys;
    set $who $playfab_auth_principal;

    location = /basic {
        playfab_auth off;
        auth_basic "staff";
        auth_basic_user_file $TEST_NGINX_HTML_DIR/htpasswd;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        playfab_auth off;
        return 200 "in\n";
    }
--- request
GET /basic
--- more_headers
X-API-Key: unknown-key
--- error_code: 401
--- response_headers
WWW-Authenticate: Basic realm="staff"
--- no_error_log
[error]
