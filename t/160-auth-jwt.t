# playfab_auth jwt: the studio's own JSON Web Tokens.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use JwtTest;
use MIME::Base64 ();

my $now = time;
$ENV{TEST_NGINX_JWT_DIR} = jwt_dir();
jwt_key('rsa1', 'rsa');
jwt_key('ec1', 'ec256');

open my $fh, '>', jwt_dir() . '/hs.secret' or die;
print $fh 'a-shared-secret-of-at-least-32-bytes!!';
close $fh;
chmod 0600, jwt_dir() . '/hs.secret';

our %T = (
    rs    => jwt_sign('rsa1', {sub => 'svc-1', exp => $now + 600, role => 'matchmaker'}, alg => 'RS256'),
    es    => jwt_sign('ec1', {sub => 'svc-2', exp => $now + 600}, alg => 'ES256'),
    hs    => jwt_hs('a-shared-secret-of-at-least-32-bytes!!', {sub => 'svc-3', exp => $now + 600}),
    exp   => jwt_sign('rsa1', {sub => 'svc-1', exp => $now - 60}, alg => 'RS256'),
    none  => b64url('{"alg":"none","typ":"JWT"}') . '.' . b64url("{\"sub\":\"x\",\"exp\":" . ($now + 600) . "}") . '.',
    norole => jwt_sign('rsa1', {sub => 'svc-9', exp => $now + 600, role => 'player'}, alg => 'RS256'),
);

# HS256 signed with the RSA public key's PEM as the HMAC secret
open $fh, '<', jwt_dir() . '/rsa1.pem' or die;
my $pem = do { local $/; <$fh> };
close $fh;
$T{confused} = jwt_hs($pem, {sub => 'evil', exp => $now + 600});

# a valid token with one byte of its decoded signature changed (editing
# the last base64url character could set unused bits: malformed instead)
{
    my ($input, $sig) = $T{rs} =~ /\A(.*)\.([^.]+)\z/;
    (my $std = $sig) =~ tr{-_}{+/};
    my $raw = MIME::Base64::decode_base64($std . '=' x (-length($std) % 4));
    substr($raw, 0, 1) = chr(ord(substr($raw, 0, 1)) ^ 1);
    $T{forged} = "$input." . b64url($raw);
}

sub Test::Base::Filter::tok { "Authorization: Bearer $T{$_[0]}" }

# TEST 12's token must be valid at the block's first request and expired
# at its last, whenever the block runs (Test::Nginx evaluates the sections
# of every block before it runs the first): it is signed as the block
# starts, in place of EXPIRING_TOKEN in more_headers, and expires
# --- expiring_token_ttl seconds later.
add_block_preprocessor(sub {
    my ($block) = @_;
    my $ttl = $block->expiring_token_ttl;
    return unless defined $ttl;
    my $t = jwt_sign('rsa1', {sub => 'svc-s', exp => time + $ttl},
                     alg => 'RS256');
    $block->set_value(more_headers =>
        [map { s/\bEXPIRING_TOKEN\b/$t/r } @{ $block->more_headers }]);
});

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: RS256 and ES256 tokens from a JWKS of PEM keys are accepted; sub is the subject
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem rsa-2026;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/ec1.pem ec-2026;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
["Authorization: Bearer " . JwtTest::jwt_sign('rsa1', {sub => 'svc-1', exp => time + 600}, alg => 'RS256', kid => 'rsa-2026'),
 "Authorization: Bearer " . JwtTest::jwt_sign('ec1', {sub => 'svc-2', exp => time + 600}, alg => 'ES256', kid => 'ec-2026')]
--- error_code eval
[200, 200]
--- response_body eval
["jwt svc-1\n", "jwt svc-2\n"]
--- no_error_log
[error]



=== TEST 2: a forged token is 401 bad_signature
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
tok('forged')
--- error_code: 401
--- response_headers_like eval
"WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"bad_signature\""
--- log_level: info
--- error_log
playfab: JWT refused: bad_signature
--- no_error_log
[error]



=== TEST 3: an expired token is 401 expired
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
tok('exp')
--- error_code: 401
--- response_headers_like eval
"WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"expired\""
--- log_level: info
--- error_log
playfab: JWT refused: expired
--- no_error_log
[error]



=== TEST 4: an alg:none token is 401 alg_not_allowed
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
tok('none')
--- error_code: 401
--- response_headers_like eval
"WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"alg_not_allowed\""
--- log_level: info
--- error_log
playfab: JWT refused: alg_not_allowed
--- no_error_log
[error]



=== TEST 5: an algorithm-confused token (HS256 keyed with the RSA key's PEM) is 401
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers eval
tok('confused')
--- error_code: 401
--- response_headers_like eval
"WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"(?:alg_not_allowed|key_mismatch)\""
--- log_level: info
--- error_log eval
qr/playfab: JWT refused: (?:alg_not_allowed|key_mismatch) /
--- no_error_log
[error]



=== TEST 6: a required claim refuses a valid token with 403; the claim is a variable
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        playfab_auth_jwt_require role matchmaker admin;
        proxy_set_header X-Role $playfab_jwt_claim_role;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_role\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[tok('rs'), tok('norole')]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/\Amatchmaker\n\z/, qr/"code":"forbidden"/]



=== TEST 7: an HS256 key from a secret file; a missing token gets a bare Bearer challenge
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        playfab_auth_jwt_algorithms HS256;
        proxy_set_header X-Caller $playfab_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[tok('hs'), ""]
--- error_code eval
[200, 401]
--- response_headers eval
["", "WWW-Authenticate: Bearer"]
--- response_body_like eval
[qr/\Asvc-3\n\z/, qr/unauthorized/]



=== TEST 8: the claim variable works in limit_req_zone before the ACCESS phase
limit_req runs in PREACCESS: the key verifies the token lazily, once.
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    limit_req_zone $playfab_jwt_claim_sub zone=per_caller:1m rate=1r/m;
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        limit_req zone=per_caller;
        limit_req_status 429;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[tok('rs'), tok('rs')]
--- error_code eval
[200, 429]



=== TEST 9: playfab_party with JWT: PlayFabId from a claim
--- config
    location = /v1/party {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        playfab_party_playfab_id $playfab_jwt_claim_role;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
tok('rs') . "\nContent-Type: application/json"
--- error_code: 200
--- response_body_like: PartyId
--- playfab_emulator_check eval
['last/RequestPartyService' => qr/"PlayFabId":"matchmaker"/]



=== TEST 10: playfab_auth jwt without a key fails nginx -t naming the line
--- config
    location = /api {
        playfab_auth jwt;
        return 200;
    }
--- must_die
--- error_log eval
qr/"playfab_auth jwt" requires "playfab_auth_jwt_key" or "playfab_auth_jwt_key_request" in .*nginx\.conf:\d+/



=== TEST 11: a token is verified once per worker: a second verification finds it
The keys are the server's, so both locations use the same table of verified
tokens. The first request verifies the token in /api, then again in @again
(try_files redirects it there: a new ACCESS phase); the second verifies it
only in /once. Each logs that the signature was already verified.
--- config
    playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
    location = /api {
        playfab_auth jwt;
        try_files /nonexistent @again;
    }
    location @again {
        playfab_auth jwt;
        return 200 "again $playfab_auth_subject\n";
    }
    location = /once {
        playfab_auth jwt;
        return 200 "once $playfab_auth_subject\n";
    }
--- request eval
["GET /api", "GET /once"]
--- more_headers eval
[tok('rs'), tok('rs')]
--- error_code eval
[200, 200]
--- response_body eval
["again svc-1\n", "once svc-1\n"]
--- error_log
playfab: JWT signature already verified
--- no_error_log
[error]



=== TEST 12: a verified token's expiry is still checked when it is used again
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- expiring_token_ttl: 4
--- request eval
["GET /api", "GET /emu/sleep?ms=4500", "GET /api"]
--- more_headers eval
["Authorization: Bearer EXPIRING_TOKEN", "", "Authorization: Bearer EXPIRING_TOKEN"]
--- error_code eval
[200, 200, 401]
--- response_headers_like eval
["", "", "WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"expired\""]
--- timeout: 8
