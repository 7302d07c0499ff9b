# playfab_auth jwt: what a location asks of a valid token (exp, nbf, iat
# with leeway; iss; aud; required claims), where the token comes from,
# how the check composes with satisfy, allow/deny and auth_request, the
# $playfab_jwt_claim_* variables in proxy_set_header, map and
# limit_req_zone, auth in front of a plain proxy_pass, and the token
# kept out of error.log.  Time claims are made when the blocks are read
# (Test::Nginx reads them all before the first runs), at least 5 min away
# from every edge.  The auth_request block needs nginx
# configured --with-http_auth_request_module (not in a default build):
# it is skipped, saying so, against a binary without it.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use JwtTest;

$ENV{TEST_NGINX_JWT_DIR} = jwt_dir();

jwt_key('rsa1', 'rsa');

our $SECRET = 'policy-secret-0123456789abcdef-0123456789abcdef';
our $OTHER  = 'another-secret-0123456789abcdef-0123456789abcdef';
jwt_secret_file('hs.secret', $SECRET);

# tokens that the log checks name: made once, valid for ten minutes
our %T = (
    bearer => jwt_sign('rsa1', { sub => 'log-bearer', exp => time + 600 },
                       alg => 'RS256'),
    forged => jwt_hs($OTHER, { sub => 'log-forged', exp => time + 600 }),
    cookie => jwt_hs($SECRET, { sub => 'log-cookie', exp => time + 600 }),
    nozone => jwt_hs($SECRET, { sub => 'log-nozone', exp => time + 600 }),
);
$T{bearer_sig} = (split /\./, $T{bearer})[2];
$T{cookie_sig} = (split /\./, $T{cookie})[2];
$T{nozone_sig} = (split /\./, $T{nozone})[2];


package Test::Base::Filter;

# tok(%o): a fresh HS256 token (RS256 with rsa => 1) of sub "player-1",
# valid ten minutes; claims => {..} added or replaced, drop => [..] left
# out
sub tok {
    my (%o) = @_;
    my %claims = (sub => 'player-1', exp => time + 600,
                  %{ $o{claims} || {} });
    delete @claims{ @{ $o{drop} || [] } };
    return jwt_sign('rsa1', \%claims, alg => 'RS256') if $o{rsa};
    return jwt_hs($o{secret} // $main::SECRET, \%claims);
}

# tok_for($sub, %claims)
sub tok_for {
    my ($sub, %claims) = @_;
    return tok(claims => { sub => $sub, %claims });
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

=== TEST 1: exp with playfab_auth_jwt_leeway 10m: expired 5 min ago passes; without leeway, expiring in 5 min passes
--- config
    location = /leeway {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_leeway 10m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /strict {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /leeway", "GET /strict"]
--- more_headers eval
[bearer(tok(claims => { exp => time - 300 })),
 bearer(tok(claims => { exp => time + 300 }))]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- no_error_log
[error]
[alert]



=== TEST 2: exp with playfab_auth_jwt_leeway 10m: expired 15 min ago is expired; without leeway, 5 min ago is expired
--- config
    location = /leeway {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_leeway 10m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /strict {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /leeway", "GET /strict"]
--- more_headers eval
[bearer(tok(claims => { exp => time - 900 })),
 bearer(tok(claims => { exp => time - 300 }))]
--- error_code eval
[401, 401]
--- response_headers eval
[(refused('expired')) x 2]
--- error_log
JWT refused: expired "exp"
--- no_error_log
[error]
[alert]



=== TEST 3: nbf with playfab_auth_jwt_leeway 10m: valid from 5 min ahead passes; without leeway, valid since 5 min ago passes
--- config
    location = /leeway {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_leeway 10m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /strict {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /leeway", "GET /strict"]
--- more_headers eval
[bearer(tok(claims => { nbf => time + 300, exp => time + 3600 })),
 bearer(tok(claims => { nbf => time - 300, exp => time + 3600 }))]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- no_error_log
[error]
[alert]



=== TEST 4: nbf with playfab_auth_jwt_leeway 10m: valid from 15 min ahead is not_yet_valid; without leeway, 5 min ahead is refused
--- config
    location = /leeway {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_leeway 10m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /strict {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /leeway", "GET /strict"]
--- more_headers eval
[bearer(tok(claims => { nbf => time + 900, exp => time + 3600 })),
 bearer(tok(claims => { nbf => time + 300, exp => time + 3600 }))]
--- error_code eval
[401, 401]
--- response_headers eval
[(refused('not_yet_valid')) x 2]
--- error_log
JWT refused: not_yet_valid "nbf"
--- no_error_log
[error]
[alert]



=== TEST 5: iat with playfab_auth_jwt_leeway 10m: issued 5 min ahead passes; without leeway, issued 5 min ago passes
--- config
    location = /leeway {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_leeway 10m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /strict {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /leeway", "GET /strict"]
--- more_headers eval
[bearer(tok(claims => { iat => time + 300, exp => time + 3600 })),
 bearer(tok(claims => { iat => time - 300, exp => time + 3600 }))]
--- error_code eval
[200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 2]
--- no_error_log
[error]
[alert]



=== TEST 6: iat with playfab_auth_jwt_leeway 10m: issued 15 min ahead is iat_in_future; without leeway, 5 min ahead is refused
--- config
    location = /leeway {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_leeway 10m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /strict {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /leeway", "GET /strict"]
--- more_headers eval
[bearer(tok(claims => { iat => time + 900, exp => time + 3600 })),
 bearer(tok(claims => { iat => time + 300, exp => time + 3600 }))]
--- error_code eval
[401, 401]
--- response_headers eval
[(refused('iat_in_future')) x 2]
--- error_log
JWT refused: iat_in_future "iat"
--- no_error_log
[error]
[alert]



=== TEST 7: a token without exp is an invalid token (401), not a policy refusal, even with leeway
exp is always required; a token that never expires is not a valid
credential (RFC 6750 invalid_token), unlike a valid one that lacks a
claim the location requires (insufficient_scope, 403).
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_leeway 1h;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[bearer(tok(drop => ['exp'])), bearer(tok())]
--- error_code eval
[401, 200]
--- response_headers_like eval
['WWW-Authenticate: Bearer error="invalid_token", error_description="[a-z_]+"', ""]
--- no_error_log
[error]
[alert]



=== TEST 8: playfab_auth_jwt_leeway above 1h fails nginx -t
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_leeway 2h;
        return 200;
    }
--- must_die
--- error_log
expected a time up to 1h



=== TEST 9: playfab_auth_jwt_issuer: the exact issuer passes
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_issuer https://auth.studio.example/;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok(claims => { iss => 'https://auth.studio.example/' }))
--- error_code: 200
--- response_headers
!WWW-Authenticate
--- no_error_log
[error]
[alert]



=== TEST 10: playfab_auth_jwt_issuer is an exact match: no trailing-slash, case or array variant passes, and iss is then required
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_issuer https://auth.studio.example/;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 4]
--- more_headers eval
[bearer(tok(claims => { iss => 'https://auth.studio.example' })),
 bearer(tok(claims => { iss => 'https://AUTH.studio.example/' })),
 bearer(tok(claims => { iss => ['https://auth.studio.example/'] })),
 bearer(tok())]
--- error_code eval
[401, 401, 401, 401]
--- response_headers eval
[(refused('bad_issuer')) x 4]
--- error_log
JWT refused: bad_issuer "iss"
--- no_error_log
[error]
[alert]



=== TEST 11: playfab_auth_jwt_audience: aud as a string or an array passes if any value is listed
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_audience game-api party-api;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
[bearer(tok(claims => { aud => 'game-api' })),
 bearer(tok(claims => { aud => 'party-api' })),
 bearer(tok(claims => { aud => ['web', 'party-api'] }))]
--- error_code eval
[200, 200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 3]
--- no_error_log
[error]
[alert]



=== TEST 12: playfab_auth_jwt_audience: other, differently cased or absent aud is refused
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_audience game-api party-api;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 4]
--- more_headers eval
[bearer(tok(claims => { aud => ['web', 'store'] })),
 bearer(tok(claims => { aud => 'GAME-API' })),
 bearer(tok(claims => { aud => 'game-api-v2' })),
 bearer(tok())]
--- error_code eval
[401, 401, 401, 401]
--- response_headers eval
[(refused('bad_audience')) x 4]
--- error_log
JWT refused: bad_audience "aud"
--- no_error_log
[error]
[alert]



=== TEST 13: a required claim without values needs only its presence: any value passes, even 0 or ""
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require studio;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
[bearer(tok(claims => { studio => 'north' })),
 bearer(tok(claims => { studio => 0 })),
 bearer(tok(claims => { studio => '' }))]
--- error_code eval
[200, 200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 3]
--- response_body_like eval
[qr/\Ain\n\z/, qr/\Ain\n\z/, qr/\Ain\n\z/]
--- no_error_log
[error]
[alert]



=== TEST 14: a required claim without values: absent or null is 403 insufficient_scope
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require studio;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 2]
--- more_headers eval
[bearer(tok()),
 bearer(tok(claims => { studio => undef }))]
--- error_code eval
[403, 403]
--- response_headers eval
[(scope('missing_claim')) x 2]
--- response_body_like eval
[qr/"code":"forbidden"/, qr/"code":"forbidden"/]
--- error_log
JWT refused: missing_claim "studio"
--- no_error_log
[error]
[alert]



=== TEST 15: a required claim with values passes with any one of them, also as an element of an array claim
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require role matchmaker admin;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
[bearer(tok(claims => { role => 'matchmaker' })),
 bearer(tok(claims => { role => 'admin' })),
 bearer(tok(claims => { role => ['player', 'admin'] }))]
--- error_code eval
[200, 200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 3]
--- no_error_log
[error]
[alert]



=== TEST 16: a required claim with values: none of them (a different case, other elements, both values in one string) is 403
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require role matchmaker admin;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
[bearer(tok(claims => { role => 'Admin' })),
 bearer(tok(claims => { role => ['player', 'tester'] })),
 bearer(tok(claims => { role => 'matchmaker admin' }))]
--- error_code eval
[403, 403, 403]
--- response_headers eval
[(scope('claim_mismatch')) x 3]
--- error_log
JWT refused: claim_mismatch "role"
--- no_error_log
[error]
[alert]



=== TEST 17: required values match numbers numerically and booleans as true/false; every playfab_auth_jwt_require must hold
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_require level 3 4;
        playfab_auth_jwt_require verified true;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 7]
--- more_headers eval
my $exp = time + 600;
my $raw = sub {
    my $input = jwt_input('{"alg":"HS256"}', $_[0]);
    return "$input." . jwt_hs_input($main::SECRET, 'HS256', $input);
};
[bearer(tok(claims => { level => 3, verified => JSON::PP::true() })),
 bearer($raw->(qq({"sub":"p","exp":$exp,"level":4.0,"verified":true}))),
 bearer($raw->(qq({"sub":"p","exp":$exp,"level":3e0,"verified":"true"}))),
 bearer(tok(claims => { level => 5, verified => JSON::PP::true() })),
 bearer(tok(claims => { level => 3, verified => JSON::PP::false() })),
 bearer(tok(claims => { level => 3 })),
 bearer(tok(claims => { verified => JSON::PP::true() }))]
--- error_code eval
[200, 200, 200, 403, 403, 403, 403]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "!WWW-Authenticate",
 scope('claim_mismatch'), scope('claim_mismatch'), scope('missing_claim'),
 scope('missing_claim')]
--- no_error_log
[error]
[alert]



=== TEST 18: playfab_auth_jwt_token $cookie_jwt takes the token from a cookie only: a Bearer header is then not looked at
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_token $cookie_jwt;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 4]
--- more_headers eval
["Cookie: theme=dark; jwt=" . tok_for('cookie-player'),
 bearer(tok_for('header-player')),
 "Cookie: jwt=" . tok(secret => $main::OTHER),
 "Cookie: theme=dark"]
--- error_code eval
[200, 401, 401, 401]
--- response_headers eval
["!WWW-Authenticate", "WWW-Authenticate: Bearer", refused('bad_signature'),
 "WWW-Authenticate: Bearer"]
--- response_body_like eval
[qr/\Acookie-player\n\z/, qr/"code":"unauthorized"/, qr/"code":"unauthorized"/,
 qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 19: playfab_auth_jwt_token can name another header
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_token $http_x_game_token;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
["X-Game-Token: " . tok_for('header-player'), bearer(tok_for('bearer-player'))]
--- error_code eval
[200, 401]
--- response_body_like eval
[qr/\Aheader-player\n\z/, qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 20: by default a token is taken from "Authorization: Bearer" only (scheme in any case), never from the query string
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
my $t = tok();
["GET /api", "GET /api?access_token=$t", "GET /api?jwt=$t&token=$t",
 "GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $t = tok();
["authorization: bearer $t", "", "", "Authorization: Basic dXNlcjpwYXNz",
 "Authorization: Bearer", "Authorization: $t"]
--- error_code eval
[200, 401, 401, 401, 401, 401]
--- response_headers eval
["!WWW-Authenticate", "WWW-Authenticate: Bearer", "WWW-Authenticate: Bearer",
 "WWW-Authenticate: Bearer", "WWW-Authenticate: Bearer",
 "WWW-Authenticate: Bearer"]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, (qr/"code":"unauthorized"/) x 5]
--- no_error_log
[error]
[alert]



=== TEST 21: satisfy any with allow 127.0.0.1: no token or a forged one passes, and no challenge is left in the response
--- config
    location = /api {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "[$playfab_auth_subject]";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
["", bearer(tok(secret => $main::OTHER)), bearer(tok())]
--- error_code eval
[200, 200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 3]
--- response_body_like eval
[qr/\A\[\]\n\z/, qr/\A\[\]\n\z/, qr/\A\[(?:player-1)?\]\n\z/]
--- no_error_log
[error]
[alert]



=== TEST 22: satisfy any with deny all needs a valid token; satisfy all with allow 127.0.0.1 needs one too
--- config
    location = /any {
        satisfy any;
        deny all;
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /all {
        satisfy all;
        allow 127.0.0.1;
        deny all;
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /any", "GET /any", "GET /any", "GET /all", "GET /all"]
--- more_headers eval
[bearer(tok()), "", bearer(tok(secret => $main::OTHER)), bearer(tok()), ""]
--- error_code eval
[200, 401, 401, 200, 401]
--- response_headers eval
["!WWW-Authenticate", "WWW-Authenticate: Bearer", refused('bad_signature'),
 "!WWW-Authenticate", "WWW-Authenticate: Bearer"]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/"code":"unauthorized"/, qr/"code":"unauthorized"/,
 qr/\Aplayer-1\n\z/, qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 23: with auth_request: satisfy all needs the token and the subrequest's approval, satisfy any either one
--- skip_eval: 21: PlayfabTest::lacks_module('http_auth_request_module')
--- config
    location = /all {
        satisfy all;
        auth_request /device-check;
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "[$playfab_auth_subject]";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /any {
        satisfy any;
        auth_request /device-check;
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "[$playfab_auth_subject]";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /device-check {
        internal;
        if ($http_x_device = "trusted") {
            return 204;
        }
        return 403;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /all", "GET /all", "GET /all", "GET /any", "GET /any", "GET /any"]
--- more_headers eval
my $t = bearer(tok());
["$t\nX-Device: trusted", $t, "X-Device: trusted",
 "X-Device: trusted", $t, "X-Device: unknown"]
--- error_code eval
[200, 403, 401, 200, 200, 401]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "WWW-Authenticate: Bearer",
 "!WWW-Authenticate", "!WWW-Authenticate", "WWW-Authenticate: Bearer"]
--- response_body_like eval
[qr/\A\[player-1\]\n\z/, qr/403/, qr/"code":"unauthorized"/,
 qr/\A\[\]\n\z/, qr/\A\[player-1\]\n\z/, qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 24: $playfab_jwt_claim_NAME gives strings, numbers, booleans, arrays and objects as text in proxy_set_header; absent or control characters give nothing
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Sub $playfab_jwt_claim_sub;
        proxy_set_header X-Level $playfab_jwt_claim_level;
        proxy_set_header X-Ratio $playfab_jwt_claim_ratio;
        proxy_set_header X-Big $playfab_jwt_claim_big;
        proxy_set_header X-Neg $playfab_jwt_claim_neg;
        proxy_set_header X-Float $playfab_jwt_claim_float;
        proxy_set_header X-Sci $playfab_jwt_claim_sci;
        proxy_set_header X-Admin $playfab_jwt_claim_admin;
        proxy_set_header X-Roles $playfab_jwt_claim_roles;
        proxy_set_header X-Obj $playfab_jwt_claim_obj;
        proxy_set_header X-Evil $playfab_jwt_claim_evil;
        proxy_set_header X-Missing $playfab_jwt_claim_missing;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        return 200 "sub=$http_x_sub level=$http_x_level ratio=$http_x_ratio big=$http_x_big neg=$http_x_neg float=$http_x_float sci=$http_x_sci admin=$http_x_admin roles=$http_x_roles obj=$http_x_obj evil=$http_x_evil injected=$http_x_injected missing=$http_x_missing\n";
    }
--- request
GET /api
--- more_headers eval
my $exp = time + 600;
my $claims = qq({"sub":"player-7","exp":$exp,"level":42,"ratio":0.5,)
    . qq("big":1300819380,"neg":-3,"float":42.0,"sci":1.5e3,"admin":true,)
    . qq("roles":["a","b"],"obj":{"x":1},"evil":"x\\r\\nX-Injected: yes",)
    . qq("missing":null});
my $input = jwt_input('{"alg":"HS256"}', $claims);
bearer("$input." . jwt_hs_input($main::SECRET, 'HS256', $input))
--- error_code: 200
--- response_body
sub=player-7 level=42 ratio=0.5 big=1300819380 neg=-3 float=42 sci=1500 admin=true roles=a,b obj={"x":1} evil= injected= missing=
--- no_error_log
[error]
[alert]



=== TEST 25: a claim variable feeds a map, and the map's value is sent upstream
--- http_config
    map $playfab_jwt_claim_role $tier {
        admin      gold;
        matchmaker silver;
        default    bronze;
    }
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Tier $tier;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_tier\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
[bearer(tok(claims => { role => 'admin' })),
 bearer(tok(claims => { role => 'matchmaker' })),
 bearer(tok())]
--- error_code eval
[200, 200, 200]
--- response_body eval
["gold\n", "silver\n", "bronze\n"]
--- no_error_log
[error]
[alert]



=== TEST 26: limit_req_zone keyed by $playfab_jwt_claim_sub limits each identity on its own: alice is limited, bob is not
limit_req runs before the ACCESS phase: the claim verifies the token
lazily.  The 429s are limit_req's (limit_req_status); it logs
"limiting requests" for those requests only.
--- http_config
    limit_req_zone $playfab_jwt_claim_sub zone=per_player:1m rate=1r/m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        limit_req zone=per_player;
        limit_req_status 429;
        proxy_set_header X-Caller $playfab_jwt_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 4]
--- more_headers eval
[bearer(tok_for('alice')), bearer(tok_for('alice')), bearer(tok_for('bob')),
 bearer(tok_for('alice'))]
--- error_code eval
[200, 429, 200, 429]
--- response_body_like eval
[qr/\Aalice\n\z/, qr/429/, qr/\Abob\n\z/, qr/429/]
--- no_error_log
[alert]



=== TEST 27: a map over claims chooses the limit key: a premium identity is never limited, a free one is
--- http_config
    map $playfab_jwt_claim_plan $limit_key {
        premium "";
        default $playfab_jwt_claim_sub;
    }
    limit_req_zone $limit_key zone=free_plan:1m rate=1r/m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        limit_req zone=free_plan;
        limit_req_status 429;
        proxy_set_header X-Caller $playfab_jwt_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 5]
--- more_headers eval
[bearer(tok_for('carol', plan => 'free')), bearer(tok_for('carol', plan => 'free')),
 bearer(tok_for('dave', plan => 'premium')), bearer(tok_for('dave', plan => 'premium')),
 bearer(tok_for('dave', plan => 'premium'))]
--- error_code eval
[200, 429, 200, 200, 200]
--- response_body_like eval
[qr/\Acarol\n\z/, qr/429/, qr/\Adave\n\z/, qr/\Adave\n\z/, qr/\Adave\n\z/]
--- no_error_log
[alert]



=== TEST 28: limit_req_zone keyed by $playfab_auth_subject limits each JWT identity on its own
The subject must be known before the ACCESS phase, like the claims.
--- http_config
    limit_req_zone $playfab_auth_subject zone=per_subject:1m rate=1r/m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        limit_req zone=per_subject;
        limit_req_status 429;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
[bearer(tok_for('alice')), bearer(tok_for('alice')), bearer(tok_for('bob'))]
--- error_code eval
[200, 429, 200]
--- response_body_like eval
[qr/\Aalice\n\z/, qr/429/, qr/\Abob\n\z/]
--- no_error_log
[alert]



=== TEST 29: limit_req_zone keyed by $playfab_auth_subject limits each API key on its own
--- http_config
    limit_req_zone $playfab_auth_subject zone=per_key:1m rate=1r/m;
--- user_files eval
[[ 'keys', api_key_line('game-backend', 'k-backend-1234')
           . api_key_line('matchmaker', 'k-matchmaker-5678') ]]
--- config
    location = /api {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        limit_req zone=per_key;
        limit_req_status 429;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
["X-API-Key: k-backend-1234", "X-API-Key: k-backend-1234",
 "X-API-Key: k-matchmaker-5678"]
--- error_code eval
[200, 429, 200]
--- response_body_like eval
[qr/\Agame-backend\n\z/, qr/429/, qr/\Amatchmaker\n\z/]
--- no_error_log
[alert]



=== TEST 30: a bad token met first by the limit_req key is still refused by the ACCESS phase with its challenge
--- http_config
    limit_req_zone $playfab_jwt_claim_sub zone=per_player:1m rate=10r/s;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        limit_req zone=per_player;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
[bearer(tok(secret => $main::OTHER)), bearer(tok(claims => { exp => time - 60 })), ""]
--- error_code eval
[401, 401, 401]
--- response_headers eval
[refused('bad_signature'), refused('expired'), "WWW-Authenticate: Bearer"]
--- response_body_like eval
[('"code":"unauthorized"') x 3]
--- no_error_log
[error]
[alert]



=== TEST 31: in front of a plain proxy_pass, refused requests never reach the backend
--- config
    location /game/ {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_set_header X-Player-Id $playfab_jwt_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend/;
    }
    location /backend/ { return 200 "backend $uri $http_x_player_id\n"; }
--- request eval
["GET /game/inventory", "GET /game/inventory", "GET /game/inventory"]
--- more_headers eval
["", bearer(tok(secret => $main::OTHER)),
 bearer(tok(rsa => 1, claims => { exp => time - 60 }))]
--- error_code eval
[401, 401, 401]
--- response_body_like eval
[('"code":"unauthorized"') x 3]
--- no_error_log
[error]
[alert]
GET /backend/



=== TEST 32: in front of a plain proxy_pass, the verified identity reaches the backend and replaces what the client sent, even when a claim is absent
--- config
    location /game/ {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_set_header X-Player-Id $playfab_jwt_claim_sub;
        proxy_set_header X-Player-Roles $playfab_jwt_claim_roles;
        proxy_set_header X-Auth "$playfab_auth_method:$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend/;
    }
    location /backend/ { return 200 "backend $uri $http_x_player_id [$http_x_player_roles] $http_x_auth\n"; }
--- request
GET /game/inventory
--- more_headers eval
bearer(tok(rsa => 1, claims => { sub => 'player-42' }))
. "\nX-Player-Id: admin\nX-Player-Roles: admin\nX-Auth: api_key:admin"
--- error_code: 200
--- response_body
backend /backend/inventory player-42 [] jwt:player-42
--- error_log
GET /backend/inventory
--- no_error_log
[error]
[alert]



=== TEST 33: an accepted token never reaches error.log at debug level: Authorization is blanked in the "http header" lines
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- log_level: debug
--- request
GET /api
--- more_headers eval
bearer($main::T{bearer})
--- error_code: 200
--- error_log eval
[qr/http header: "Authorization: \*{3}/, qr/http proxy header:/]
--- no_error_log eval
[$main::T{bearer}, $main::T{bearer_sig}, '[error]', '[alert]']



=== TEST 34: a refused token never reaches error.log at debug level: Authorization is blanked in the "http header" lines
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- log_level: debug
--- request
GET /api
--- more_headers eval
bearer($main::T{forged})
--- error_code: 401
--- error_log eval
[qr/http header: "Authorization: \*{3}/]
--- no_error_log eval
[$main::T{forged}, '[error]', '[alert]']



=== TEST 35: the token is not in error.log at debug level without playfab_zone either (a JWT-only http block)
--- http_config
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- log_level: debug
--- request
GET /api
--- more_headers eval
bearer($main::T{nozone})
--- error_code: 200
--- error_log eval
[qr/http header: "Authorization: \*{3}/]
--- no_error_log eval
[$main::T{nozone}, $main::T{nozone_sig}, '[error]', '[alert]']



=== TEST 36: a token taken from a cookie is not in error.log at debug level either
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_token $cookie_jwt;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- log_level: debug
--- request
GET /api
--- more_headers eval
"Cookie: jwt=$main::T{cookie}"
--- error_code: 200
--- no_error_log eval
[$main::T{cookie}, $main::T{cookie_sig}, '[error]', '[alert]']



=== TEST 37: with playfab_auth_preflight on, a CORS preflight passes without a token; other OPTIONS requests still need one
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_preflight on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /strict {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 204; }
--- request eval
["OPTIONS /api", "OPTIONS /api", "OPTIONS /strict", "GET /api"]
--- more_headers eval
["Origin: https://game.example\nAccess-Control-Request-Method: POST",
 "Origin: https://game.example",
 "Origin: https://game.example\nAccess-Control-Request-Method: POST",
 "Origin: https://game.example\nAccess-Control-Request-Method: POST"]
--- error_code eval
[204, 401, 401, 401]
--- response_headers eval
["!WWW-Authenticate", "WWW-Authenticate: Bearer", "WWW-Authenticate: Bearer",
 "WWW-Authenticate: Bearer"]
--- no_error_log
[error]
[alert]
