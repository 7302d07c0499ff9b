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

add_block_preprocessor(sub {
    my ($block) = @_;
    $block->set_value(http_config => "    playfab_zone playfab:1m;\n")
        unless defined $block->http_config;
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

=== TEST 1: the set is fetched on first use, once; the realm names the source; the fetch is logged with its kids
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 600)
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller "$playfab_auth_subject|$playfab_auth_realm";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /api", "GET /api", "GET /emu/count/Jwks"]
--- more_headers eval
[main::tok('rsa1', 'k1'), main::tok('rsa1', 'k1', n => 2), ""]
--- error_code eval
[200, 200, 200]
--- response_body eval
["player-1|jwks:localhost/_jwks\n", "player-1|jwks:localhost/_jwks\n", "1\n"]
--- error_log
playfab: JWK Set "jwks:localhost/_jwks" fetched: 1 keys (kids k1), lifetime 600 s
--- no_error_log
[error]
[warn]



=== TEST 2: a key rotated at the provider is picked up without a reload
The provider adds k2; the first token signed with it makes the node
fetch the set again, and is accepted.
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 3600)
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /api", "POST /emu/jwks\n$main::SET2", "GET /api", "GET /api",
 "GET /emu/count/Jwks"]
--- more_headers eval
[main::tok('rsa1', 'k1'), "", main::tok('rsa2', 'k2'), main::tok('rsa1', 'k1'),
 ""]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/ok/, qr/\Aplayer-1\n\z/, qr/\Aplayer-1\n\z/,
 qr/\A2\n\z/]
--- error_log
fetched: 2 keys (kids k1,k2)
--- no_error_log
[error]



=== TEST 3: forged kids make at most one refresh per interval, and are refused
--- playfab_emulator eval
main::emu(jwks => $main::SET1)
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
["GET /api", "GET /api", "GET /api", "GET /api", "GET /emu/count/Jwks",
 "GET /status"]
--- more_headers eval
[main::tok('rsa1', 'k1'), main::tok('rsa1', 'forged-1'),
 main::tok('rsa1', 'forged-2'), main::tok('rsa1', 'forged-3'), "", ""]
--- error_code eval
[200, 401, 401, 401, 200, 200]
--- response_headers_like eval
["", 'WWW-Authenticate: .*"unknown_kid"', 'WWW-Authenticate: .*"unknown_kid"',
 'WWW-Authenticate: .*"unknown_kid"', "", ""]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/unauthorized/, qr/unauthorized/, qr/unauthorized/,
 qr/\A2\n\z/,
 qr/playfab_jwks_age_seconds\{source="jwks:localhost\/_jwks"\} \d+\n(?s:.*)playfab_jwks_fetches_total\{source="jwks:localhost\/_jwks",result="ok"\} 2\nplayfab_jwks_fetches_total\{source="jwks:localhost\/_jwks",result="failed"\} 0\n(?s:.*)playfab_jwks_unknown_kid_refreshes_total\{source="jwks:localhost\/_jwks"\} 1\n/]
--- no_error_log
[error]



=== TEST 4: no set at all: a provider answering 5xx is a 503 problem, never 401; the failure is held a second
--- playfab_emulator eval
main::emu(faults => {Jwks => {status => 503}})
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /api", "GET /api", "GET /emu/count/Jwks"]
--- more_headers eval
[main::tok('rsa1', 'k1'), main::tok('rsa1', 'k1'), ""]
--- error_code eval
[503, 503, 200]
--- response_body_like eval
[qr/"code":"jwks_unavailable"/, qr/"code":"jwks_unavailable"/, qr/\A1\n\z/]
--- error_log eval
[qr/JWK Set "jwks:localhost\/_jwks" could not be fetched: HTTP 503/,
 qr/no JWK Set "jwks:localhost\/_jwks" to verify the token: the last fetch failed/]



=== TEST 5: no set at all: a provider that closes the connection is a 503
--- playfab_emulator eval
main::emu(faults => {Jwks => {close => JSON::PP::true}})
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



=== TEST 6: no set at all: a slow provider makes the request wait no longer than the timeout
The provider answers after 3 s, the location gives up after 1 s; the
request stops waiting after 300 ms and answers 503.
--- playfab_emulator eval
main::emu(jwks => $main::SET1, faults => {Jwks => {delay_ms => 3000}})
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



=== TEST 7: no set at all: malformed, oversized and private sets are refused (503)
--- playfab_emulator eval
main::emu(jwks => $main::SET1, faults => {Jwks => {malformed => JSON::PP::true}})
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /emu_reset {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/reset;
    }
    location = /wait {
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/sleep?ms=1100;
    }
--- request eval
["GET /api", "POST /emu/reset\n" . main::emu(jwks => $main::SET1, faults => {Jwks => {oversize => 20000}}),
 "GET /wait", "GET /api",
 "POST /emu/reset\n" . main::emu(jwks => $main::PRIVATE), "GET /wait",
 "GET /api"]
--- more_headers eval
[main::tok('rsa1', 'k1'), "", "", main::tok('rsa1', 'k1'), "", "",
 main::tok('rsa1', 'k1')]
--- error_code eval
[503, 200, 200, 503, 200, 200, 503]
--- response_body_like eval
[qr/jwks_unavailable/, qr/ok/, qr/ok/, qr/jwks_unavailable/, qr/ok/, qr/ok/,
 qr/jwks_unavailable/]
--- error_log eval
[qr/could not be fetched: .*JSON/,
 qr/could not be fetched: the reply was cut or larger than subrequest_output_buffer_size/,
 qr/could not be fetched: .*private/]



=== TEST 8: the last good set keeps serving while the provider fails, within the stale period
A set of a 1 s lifetime is due for refresh a second later; the provider
now fails: the refresh fails once (then waits the interval) and the set
serves on.
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 1)
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
--- request eval
["GET /api",
 "POST /emu/reset\n" . main::emu(jwks => $main::SET1, faults => {Jwks => {status => 500}}),
 "GET /wait", "GET /api", "GET /api", "GET /emu/count/Jwks"]
--- more_headers eval
[main::tok('rsa1', 'k1'), "", "", main::tok('rsa1', 'k1'), main::tok('rsa1', 'k1', n => 2), ""]
--- error_code eval
[200, 200, 200, 200, 200, 200]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/ok/, qr/ok/, qr/\Aplayer-1\n\z/, qr/\Aplayer-1\n\z/,
 qr/\A1\n\z/]
--- error_log eval
qr/JWK Set "jwks:localhost\/_jwks" not refreshed: HTTP 500; the last good set serves \d+ s more/
--- no_error_log
[error]



=== TEST 9: past its stale period the set no longer serves: 503
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 1)
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



=== TEST 10: nginx -s reload keeps the fetched set
--- playfab_emulator eval
main::emu(jwks => $main::SET1, jwks_max_age => 600)
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
["GET /api", "GET /reload", "GET /api", "GET /emu/count/Jwks"]
--- more_headers eval
[main::tok('rsa1', 'k1'), "", main::tok('rsa1', 'k1', n => 2), ""]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/ok/, qr/\Aplayer-1\n\z/, qr/\A1\n\z/]
--- error_log
reconfiguring
--- no_error_log
[error]
[emerg]



=== TEST 11: the client's credentials never reach the provider
--- playfab_emulator eval
main::emu(jwks => $main::SET1)
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /api", "GET /emu/headers/Jwks"]
--- more_headers eval
[main::tok('rsa1', 'k1') . "\nCookie: session=secret", ""]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/\Aplayer-1\n\z/, qr/\A(?!.*(?:authorization|cookie))(?s:.*)accept\n/]



=== TEST 12: key files and a fetched set do not mix; the zone is required; parameters are checked
--- http_config
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks;
    }
--- must_die
--- error_log eval
qr/"playfab_auth_jwt_key_request" requires "playfab_zone" in the http block in .*nginx\.conf:\d+/



=== TEST 13: a fetched set cannot be combined with key files
--- config eval
"    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem " . JwtTest::jwt_dir() . "/rsa1.pem;
        playfab_auth_jwt_key_request /_jwks;
    }"
--- must_die
--- error_log eval
qr/"playfab_auth_jwt_key_request" in .*nginx\.conf:\d+ cannot be combined with "playfab_auth_jwt_key"/



=== TEST 14: bad parameters fail nginx -t
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key_request /_jwks max_age=1m min_age=5m;
    }
--- must_die
--- error_log eval
qr/min_age is greater than max_age in .*nginx\.conf:\d+/
