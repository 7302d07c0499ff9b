# playfab_auth_jwt_key_request: the identity provider's JWK Set, fetched
# with a subrequest (the emulator's /.well-known/jwks.json), shared by the
# workers in the zone, refreshed and rotated without a reload.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use JwtTest;
use JSON::PP ();

jwt_key('rsa1', 'rsa');
jwt_key('rsa2', 'rsa');

my $json = JSON::PP->new->canonical;
our $SET1 = $json->encode({keys => [jwk('rsa1', kid => 'k1', use => 'sig')]});
our $SET2 = $json->encode({keys => [jwk('rsa1', kid => 'k1'),
                                    jwk('rsa2', kid => 'k2')]});
our $PRIVATE = $json->encode({keys => [jwk('rsa1', kid => 'k1', d => 'AQAB')]});

sub tok {
    my ($key, $kid, %claims) = @_;
    return 'Authorization: Bearer '
        . jwt_sign($key, {sub => 'player-1', exp => time + 600, %claims},
                   alg => 'RS256', kid => $kid);
}

sub emu { $json->encode({@_}) }

{
    no strict 'refs';
    *{"Test::Base::Filter::$_"} = \&$_ for qw(tok emu);
}

# Every block writes its http_config (the zone alone: a JWT-only http
# block), rather than have it set here for blocks without one: Test::Nginx
# runs the last registered preprocessor first, the project's runner the
# first registered, so PlayfabTest's default would win in one of them.
add_block_preprocessor(sub {
    my ($block) = @_;
    my $config = $block->config;
    $config .= <<'_EOC_' unless $config =~ m{location = /_jwks};
    location = /_jwks {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/.well-known/jwks.json;
        proxy_read_timeout 2s;
        subrequest_output_buffer_size 16k;
    }
    location = /backend {
        return 200 "$http_x_caller\n";
    }
_EOC_
    $block->set_value(config => $config);
});

workers(2);
master_on();
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the set is fetched on first use; the realm names the source; the fetch is logged with its kids
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 600)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller "$playfab_auth_subject|$playfab_auth_realm";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api
--- more_headers eval
main::tok('rsa1', 'k1')
--- error_code: 200
--- response_body
player-1|jwks:localhost/_jwks
--- playfab_calls: Jwks=1
--- error_log
playfab: JWK Set "jwks:localhost/_jwks" fetched: 1 keys (kids k1), lifetime 600 s
--- no_error_log
[error]
[warn]



=== TEST 2: the set is fetched once, for both workers
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 600)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller "$playfab_auth_subject|$playfab_auth_realm";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[main::tok('rsa1', 'k1'), main::tok('rsa1', 'k1', n => 2)]
--- error_code eval
[200, 200]
--- response_body eval
["player-1|jwks:localhost/_jwks\n", "player-1|jwks:localhost/_jwks\n"]
--- playfab_calls: Jwks=1
--- no_error_log
[error]
[warn]



=== TEST 3: a key rotated at the provider is picked up without a reload
The provider adds k2; the first token signed with it makes the node
fetch the set again (the second fetch), and is accepted, as k1 still is.
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 3600)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /api", "POST /emu/jwks\n$main::SET2", "GET /api", "GET /api"]
--- more_headers eval
[main::tok('rsa1', 'k1'), "", main::tok('rsa2', 'k2'), main::tok('rsa1', 'k1')]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/ok/, qr/\Aplayer-1\n\z/, qr/\Aplayer-1\n\z/]
--- playfab_calls: Jwks=2
--- no_error_log
[error]



=== TEST 4: forged kids make at most one refresh per interval, and are refused
--- playfab_emulator eval
main::emu(jwks => $main::SET1)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks interval=30s;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /status {
        playfab_status;
    }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api", "GET /status"]
--- more_headers eval
[main::tok('rsa1', 'k1'), main::tok('rsa1', 'forged-1'),
 main::tok('rsa1', 'forged-2'), main::tok('rsa1', 'forged-3'), ""]
--- error_code eval
[200, 401, 401, 401, 200]
--- response_headers_like eval
["", 'WWW-Authenticate: .*"unknown_kid"', 'WWW-Authenticate: .*"unknown_kid"',
 'WWW-Authenticate: .*"unknown_kid"', ""]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/unauthorized/, qr/unauthorized/, qr/unauthorized/,
 qr/playfab_jwks_age_seconds\{source="jwks:localhost\/_jwks"\} \d+\n(?s:.*)playfab_jwks_fetches_total\{source="jwks:localhost\/_jwks",result="ok"\} 2\nplayfab_jwks_fetches_total\{source="jwks:localhost\/_jwks",result="failed"\} 0\n(?s:.*)playfab_jwks_unknown_kid_refreshes_total\{source="jwks:localhost\/_jwks"\} 1\n/]
--- playfab_calls: Jwks=2
--- no_error_log
[error]



=== TEST 5: no set at all: a provider answering 5xx is a 503 problem, never 401
--- playfab_emulator eval
main::emu(faults => {Jwks => {status => 503}})
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api
--- more_headers eval
main::tok('rsa1', 'k1')
--- error_code: 503
--- response_body_like: "code":"jwks_unavailable"
--- playfab_calls: Jwks=1
--- error_log eval
[qr/JWK Set "jwks:localhost\/_jwks" could not be fetched: HTTP 503/,
 qr/no JWK Set "jwks:localhost\/_jwks" to verify the token: the last fetch failed/]



=== TEST 6: no set at all: the failure is held a second, without another fetch
--- playfab_emulator eval
main::emu(faults => {Jwks => {status => 503}})
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[main::tok('rsa1', 'k1'), main::tok('rsa1', 'k1')]
--- error_code eval
[503, 503]
--- response_body_like eval
[qr/"code":"jwks_unavailable"/, qr/"code":"jwks_unavailable"/]
--- playfab_calls: Jwks=1
--- error_log eval
qr/no JWK Set "jwks:localhost\/_jwks" to verify the token: the last fetch failed/



=== TEST 7: no set at all: a provider that closes the connection is a 503
--- playfab_emulator eval
main::emu(faults => {Jwks => {close => JSON::PP::true}})
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
"GET /api"
--- more_headers eval
main::tok('rsa1', 'k1')
--- error_code: 503
--- response_body_like: "code":"jwks_unavailable"
--- error_log
could not be fetched: the provider could not be reached



=== TEST 8: no set at all: a slow provider makes the request wait no longer than the timeout
The provider answers after 3 s, the location gives up after 1 s; the
request stops waiting after 300 ms and answers 503.
--- playfab_emulator eval
main::emu(jwks => $main::SET1, faults => {Jwks => {delay_ms => 3000}})
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks timeout=300ms;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /_jwks {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/.well-known/jwks.json;
        proxy_read_timeout 1s;
    }
    location = /backend {
        return 200 "$http_x_caller\n";
    }
--- request eval
"GET /api"
--- more_headers eval
main::tok('rsa1', 'k1')
--- error_code: 503
--- response_body_like: "code":"jwks_unavailable"
--- error_log
no fetch succeeded in time
--- timeout: 1.5



=== TEST 9: no set at all: a malformed set is refused (503)
--- playfab_emulator eval
main::emu(jwks => $main::SET1, faults => {Jwks => {malformed => JSON::PP::true}})
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api
--- more_headers eval
main::tok('rsa1', 'k1')
--- error_code: 503
--- response_body_like: jwks_unavailable
--- error_log eval
qr/could not be fetched: .*JSON/



=== TEST 10: no set at all: an oversized set is refused (503)
--- playfab_emulator eval
main::emu(jwks => $main::SET1, faults => {Jwks => {oversize => 20000}})
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api
--- more_headers eval
main::tok('rsa1', 'k1')
--- error_code: 503
--- response_body_like: jwks_unavailable
--- error_log eval
qr/could not be fetched: the reply was cut or larger than subrequest_output_buffer_size/



=== TEST 11: no set at all: a set with a private key is refused (503)
--- playfab_emulator eval
main::emu(jwks => $main::PRIVATE)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api
--- more_headers eval
main::tok('rsa1', 'k1')
--- error_code: 503
--- response_body_like: jwks_unavailable
--- error_log eval
qr/could not be fetched: .*private/



=== TEST 12: the last good set keeps serving while the provider fails, within the stale period
A set of a 1 s lifetime is due for refresh a second later; the provider
now fails: the refresh fails once (then waits the interval) and the set
serves on.  The refusal is logged by the request that made the refresh
only ("not refreshed: HTTP 500; the last good set serves N s more"), so
the metrics say it: one good fetch, one failed; the emulator, since its
reset, saw the one failed refresh.
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 1)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks min_age=1s stale=1h;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /wait {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/sleep?ms=1100;
    }
    location = /status {
        playfab_status;
    }
--- request eval
["GET /api",
 "POST /emu/reset\n" . main::emu(jwks => $main::SET1, faults => {Jwks => {status => 500}}),
 "GET /wait", "GET /api", "GET /api", "GET /status"]
--- more_headers eval
[main::tok('rsa1', 'k1'), "", "", main::tok('rsa1', 'k1'), main::tok('rsa1', 'k1', n => 2), ""]
--- error_code eval
[200, 200, 200, 200, 200, 200]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/ok/, qr/ok/, qr/\Aplayer-1\n\z/, qr/\Aplayer-1\n\z/,
 qr/playfab_jwks_fetches_total\{source="jwks:localhost\/_jwks",result="ok"\} 1\nplayfab_jwks_fetches_total\{source="jwks:localhost\/_jwks",result="failed"\} 1\n/]
--- playfab_calls: Jwks=1
--- no_error_log
[error]



=== TEST 13: past its stale period the set no longer serves: 503
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 1)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks min_age=1s stale=0;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /wait {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/sleep?ms=1100;
    }
--- request eval
["GET /api",
 "POST /emu/reset\n" . main::emu(jwks => $main::SET1, faults => {Jwks => {status => 500}}),
 "GET /wait", "GET /api"]
--- more_headers eval
[main::tok('rsa1', 'k1'), "", "", main::tok('rsa1', 'k1')]
--- error_code eval
[200, 200, 200, 503]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/ok/, qr/ok/, qr/jwks_unavailable/]



=== TEST 14: nginx -s reload keeps the fetched set
/reload answers 200 "ok" once the emulator has sent SIGHUP to the
worker's parent, which it checks is an nginx process: the master, which
then logs "reconfiguring" (in that request's part of the log only).
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 600)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /reload {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/signal?pid=$pid&sig=HUP&master=1&wait_ms=1000;
    }
--- request eval
["GET /api", "GET /reload", "GET /api"]
--- more_headers eval
[main::tok('rsa1', 'k1'), "", main::tok('rsa1', 'k1', n => 2)]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/\Aok\n\z/, qr/\Aplayer-1\n\z/]
--- playfab_calls: Jwks=1
--- no_error_log
[error]
[emerg]



=== TEST 15: the client's credentials never reach the provider
--- playfab_emulator eval
main::emu(jwks => $main::SET1)
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api
--- more_headers eval
main::tok('rsa1', 'k1') . "\nCookie: session=secret"
--- error_code: 200
--- response_body
player-1
--- playfab_emulator_check eval
['headers/Jwks' => qr/\A(?!(?s:.*)^(?:authorization|cookie)$)(?s:.*)^accept$/m]



=== TEST 16: a fetched set requires playfab_zone in the http block
--- http_config
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
    }
--- must_die
--- error_log eval
qr/"playfab_auth_jwt_key_request" requires "playfab_zone" in the http block in .*nginx\.conf:\d+/



=== TEST 17: a fetched set cannot be combined with key files
--- http_config
    playfab_zone playfab:1m;
--- config eval
"    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem " . JwtTest::jwt_dir() . "/rsa1.pem;
        playfab_auth_jwt_key_request /_jwks;
    }"
--- must_die
--- error_log eval
qr/"playfab_auth_jwt_key_request" in .*nginx\.conf:\d+ cannot be combined with "playfab_auth_jwt_key"/



=== TEST 18: bad parameters fail nginx -t
--- http_config
    playfab_zone playfab:1m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks max_age=1m min_age=5m;
    }
--- must_die
--- error_log eval
qr/min_age is greater than max_age in .*nginx\.conf:\d+/
