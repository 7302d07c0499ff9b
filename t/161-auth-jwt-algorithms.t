# playfab_auth jwt: every algorithm end to end, keys from PEM, secret and
# JWKS files, key selection by kid (and rotation), algorithm pinning per
# location and per key type, and every way a token can be malformed or
# forged: 401, never a crash.  Keys are made with the openssl command
# when the test starts (t/lib/JwtTest.pm); tokens are made as the blocks
# are read (Test::Nginx reads them all before the first runs), with exp
# ten minutes ahead.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use JwtTest;

$ENV{TEST_NGINX_JWT_DIR} = jwt_dir();

jwt_key('rsa1', 'rsa');
jwt_key('rsa2', 'rsa');
jwt_key('ec256', 'ec256');
jwt_key('ec384', 'ec384');
jwt_key('ec521', 'ec521');
jwt_key('ed1', 'ed25519');

# 64 bytes: long enough for HS512 (a secret is at least as long as the hash)
our $SECRET = substr('hs-secret-' . ('0123456789abcdef' x 4), 0, 64);
our $OTHER  = substr('hs-other--' . ('fedcba9876543210' x 4), 0, 64);
jwt_secret_file('hs.secret', $SECRET);

# one JWKS with a key of every type, selected by kid
jwks_file('all.jwks',
    jwk('rsa1', kid => 'rsa-1', use => 'sig'),
    jwk('ec256', kid => 'ec-256'),
    jwk('ec384', kid => 'ec-384'),
    jwk('ec521', kid => 'ec-521'),
    jwk('ed1', kid => 'ed-1'),
    jwk_oct($SECRET, kid => 'hmac-1'));

# rotation: A and B published, then A withdrawn
jwks_file('ab.jwks', jwk('rsa1', kid => 'A'), jwk('rsa2', kid => 'B'));
jwks_file('b.jwks', jwk('rsa2', kid => 'B'));

# JWKs that pin their algorithm with "alg"
jwks_file('pinned.jwks',
    jwk('rsa1', kid => 'rs-only', alg => 'RS256'),
    jwk('rsa2', kid => 'ps-only', alg => 'PS256'));

# an RSA key and an HMAC key side by side: HS256 is allowed by the set
jwks_file('rsa-oct.jwks',
    jwk('rsa1', kid => 'rsa-1'),
    jwk_oct($SECRET, kid => 'hmac-1'));

# two RSA keys, for "unknown kid: no other key is tried"
jwks_file('two.jwks', jwk('rsa1', kid => 'one'), jwk('rsa2', kid => 'two'));

package Test::Base::Filter;

use JSON::PP ();

our %Signer = (
    RS256 => 'rsa1', RS384 => 'rsa1', RS512 => 'rsa1',
    PS256 => 'rsa1', PS384 => 'rsa1', PS512 => 'rsa1',
    ES256 => 'ec256', ES384 => 'ec384', ES512 => 'ec521',
    EdDSA => 'ed1',
);

# tok($alg, kid => .., key => .., secret => .., claims => {..},
#     header => {..}): a fresh token of "<alg>-user", valid ten minutes
sub tok {
    my ($alg, %o) = @_;
    my $claims = { sub => lc($alg) . '-user', exp => time + 600,
                   %{ $o{claims} || {} } };
    my %header = (alg => $alg, %{ $o{header} || {} });
    $header{kid} = $o{kid} if defined $o{kid};
    return jwt_hs($o{secret} // $main::SECRET, $claims, %header)
        if $alg =~ /^HS/;
    return jwt_sign($o{key} // $Signer{$alg}, $claims, %header);
}

# a token of two hand-written JSON texts, signed with $key (or HMAC'ed
# with the secret for an HS alg)
sub raw_tok {
    my ($alg, $header, $claims, $key) = @_;
    my $input = jwt_input($header, $claims);
    return "$input." . ($alg =~ /^HS/
        ? jwt_hs_input($key // $main::SECRET, $alg, $input)
        : jwt_sign_input($key // $Signer{$alg}, $alg, $input));
}

sub bearer { "Authorization: Bearer $_[0]" }

# the challenge of a refused token
sub refused {
    return qq{WWW-Authenticate: Bearer error="invalid_token", }
        . qq{error_description="$_[0]"};
}

# one byte in the middle of the signature changed
sub flip_sig {
    my ($t) = @_;
    my ($h, $p, $s) = CORE::split /\./, $t, -1;
    my $sig = b64url_decode($s);
    my $i = int(length($sig) / 2);
    substr($sig, $i, 1) = chr(ord(substr($sig, $i, 1)) ^ 0x01);
    return "$h.$p." . b64url($sig);
}

# the claims replaced, the signature kept
sub swap_claims {
    my ($t, $claims) = @_;
    my ($h, $p, $s) = CORE::split /\./, $t, -1;
    return "$h." . b64url(JSON::PP->new->canonical->encode($claims)) . ".$s";
}

# a base64url text made 4n+1 characters long (never valid)
sub len_4n1 {
    my ($s) = @_;
    $s .= 'A' until length($s) % 4 == 1;
    return $s;
}

# An RS256 token whose header segment has non-zero unused trailing bits:
# the same bytes as a canonical encoding for a lenient decoder, and
# correctly signed over the text as sent.
sub noncanonical_tok {
    my $alphabet = CORE::join '', 'A' .. 'Z', 'a' .. 'z', 0 .. 9, '-', '_';
    for my $n (1 .. 3) {
        my $header = '{"alg":"RS256","kid":"' . ('x' x $n) . '"}';
        next unless length($header) % 3 == 1;    # 2 spare bits... 4 zero
        my $h = b64url($header);
        my $last = index $alphabet, substr($h, -1);
        substr($h, -1) = substr($alphabet, $last | 1, 1);
        my $input = $h . '.' . b64url(qq({"sub":"nc","exp":) . (time + 600)
            . '}');
        return "$input." . jwt_sign_input('rsa1', 'RS256', $input);
    }
    die "no header length found\n";
}

# JSON nested $depth deep: the claims object holding arrays
sub nested_claims {
    my ($depth) = @_;
    my $arrays = $depth - 1;
    return '{"sub":"deep","exp":' . (time + 600) . ',"d":'
        . ('[' x $arrays) . '1' . (']' x $arrays) . '}';
}

# an HS256 token of exactly $len bytes, valid
sub tok_of_length {
    my ($len) = @_;
    for my $k (0 .. 3) {
        my %header = (alg => 'HS256', kid => 'k' x $k);
        my $base = length tok('HS256', header => \%header,
                              claims => { pad => '' });
        # each 3 bytes of padding add 4 characters
        my $n = int(($len - $base) * 3 / 4) - 4;
        $n = 0 if $n < 0;
        for my $m ($n .. $n + 8) {
            my $t = tok('HS256', header => \%header,
                        claims => { pad => 'x' x $m });
            return $t if length $t == $len;
        }
    }
    die "no token of $len bytes\n";
}


package main;

repeat_each(1);
no_shuffle();
run_tests();



__DATA__

=== TEST 1: HS256, HS384 and HS512 are accepted with a key from a secret file
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
[bearer(tok('HS256')), bearer(tok('HS384')), bearer(tok('HS512'))]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "!WWW-Authenticate"]
--- response_body_like eval
[qr/\Ajwt hs256-user\n\z/, qr/\Ajwt hs384-user\n\z/, qr/\Ajwt hs512-user\n\z/]
--- no_error_log
[error]
[alert]



=== TEST 2: with a key from a secret file, another secret's MAC is bad_signature
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok('HS256', secret => $main::OTHER))
--- error_code: 401
--- response_headers eval
refused('bad_signature')
--- response_body_like: "code":"unauthorized"
--- error_log
JWT refused: bad_signature
--- no_error_log
[error]
[alert]



=== TEST 3: HS256, HS384 and HS512 are accepted with a JWKS "oct" key selected by kid
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[bearer(tok('HS256', kid => 'hmac-1')), bearer(tok('HS384', kid => 'hmac-1')),
 bearer(tok('HS512', kid => 'hmac-1')),
 bearer(tok('HS256', kid => 'hmac-1', secret => $main::OTHER))]
--- error_code eval
[200, 200, 200, 401]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "!WWW-Authenticate",
 refused('bad_signature')]
--- response_body_like eval
[qr/\Ajwt hs256-user\n\z/, qr/\Ajwt hs384-user\n\z/, qr/\Ajwt hs512-user\n\z/,
 qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 4: RS256, RS384 and RS512 are accepted with an RSA public key from a PEM file; another key's signature is bad_signature
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[bearer(tok('RS256')), bearer(tok('RS384')), bearer(tok('RS512')),
 bearer(tok('RS256', key => 'rsa2'))]
--- error_code eval
[200, 200, 200, 401]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "!WWW-Authenticate",
 refused('bad_signature')]
--- response_body_like eval
[qr/\Ajwt rs256-user\n\z/, qr/\Ajwt rs384-user\n\z/, qr/\Ajwt rs512-user\n\z/,
 qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 5: PS256, PS384 and PS512 are accepted with the same RSA key; an RS256 signature sent as PS256 is bad_signature
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $rs_input = jwt_input('{"alg":"PS256","typ":"JWT"}',
                         '{"sub":"x","exp":' . (time + 600) . '}');
[bearer(tok('PS256')), bearer(tok('PS384')), bearer(tok('PS512')),
 bearer("$rs_input." . jwt_sign_input('rsa1', 'RS256', $rs_input))]
--- error_code eval
[200, 200, 200, 401]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "!WWW-Authenticate",
 refused('bad_signature')]
--- response_body_like eval
[qr/\Ajwt ps256-user\n\z/, qr/\Ajwt ps384-user\n\z/, qr/\Ajwt ps512-user\n\z/,
 qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 6: ES256, ES384 and ES512 are accepted, each with its curve's PEM key chosen by kid; a DER signature or the wrong curve is refused
JOSE wants R || S; the DER form openssl produces is the wrong length.
An ES256 token naming the P-384 key cannot be checked with it.
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/ec256.pem ec-256;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/ec384.pem ec-384;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/ec521.pem ec-521;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $input = jwt_input('{"alg":"ES256","kid":"ec-256"}',
                      '{"sub":"der","exp":' . (time + 600) . '}');
open my $fh, '>', jwt_dir() . '/der.in' or die;
print $fh $input;
close $fh;
my $der = `openssl dgst -sha256 -sign @{[jwt_dir()]}/ec256.key @{[jwt_dir()]}/der.in`;
die "openssl failed\n" if $? || !length $der;
[bearer(tok('ES256', kid => 'ec-256')), bearer(tok('ES384', kid => 'ec-384')),
 bearer(tok('ES512', kid => 'ec-521')),
 bearer("$input." . b64url($der)),
 bearer(tok('ES256', kid => 'ec-384'))]
--- error_code eval
[200, 200, 200, 401, 401]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "!WWW-Authenticate",
 refused('bad_signature'), refused('key_mismatch')]
--- response_body_like eval
[qr/\Ajwt es256-user\n\z/, qr/\Ajwt es384-user\n\z/, qr/\Ajwt es512-user\n\z/,
 qr/"code":"unauthorized"/, qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 7: EdDSA (Ed25519) is accepted with a PEM key; a changed signature is bad_signature
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/ed1.pem;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[bearer(tok('EdDSA')), bearer(flip_sig(tok('EdDSA')))]
--- error_code eval
[200, 401]
--- response_headers eval
["!WWW-Authenticate", refused('bad_signature')]
--- response_body_like eval
[qr/\Ajwt eddsa-user\n\z/, qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 8: all thirteen algorithms are accepted from one JWKS file, each key selected by its kid
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        proxy_set_header X-Caller "$playfab_auth_method $playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 13]
--- more_headers eval
my %kid = (HS => 'hmac-1', RS => 'rsa-1', PS => 'rsa-1', ES256 => 'ec-256',
           ES384 => 'ec-384', ES512 => 'ec-521', EdDSA => 'ed-1');
[map { bearer(tok($_, kid => $kid{$_} // $kid{substr $_, 0, 2})) }
 qw(HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512
    EdDSA)]
--- error_code eval
[(200) x 13]
--- response_body eval
[map { "jwt " . lc($_) . "-user\n" }
 qw(HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512
    EdDSA)]
--- no_error_log
[error]
[alert]



=== TEST 9: kid rotation, before: a JWKS publishing kids A and B accepts tokens of both
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/ab.jwks;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[bearer(tok('RS256', kid => 'A', key => 'rsa1', claims => { sub => 'old-key' })),
 bearer(tok('RS256', kid => 'B', key => 'rsa2', claims => { sub => 'new-key' }))]
--- error_code eval
[200, 200]
--- response_body eval
["old-key\n", "new-key\n"]
--- no_error_log
[error]
[alert]



=== TEST 10: kid rotation, after: with A withdrawn from the JWKS, a token of A is unknown_kid
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/b.jwks;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok('RS256', kid => 'A', key => 'rsa1', claims => { sub => 'old-key' }))
--- error_code: 401
--- response_headers eval
refused('unknown_kid')
--- response_body_like: "code":"unauthorized"
--- error_log
JWT refused: unknown_kid "kid"
--- no_error_log
[error]
[alert]



=== TEST 11: kid rotation, after: with A withdrawn from the JWKS, a token of B still passes
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/b.jwks;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok('RS256', kid => 'B', key => 'rsa2', claims => { sub => 'new-key' }))
--- error_code: 200
--- response_headers
!WWW-Authenticate
--- response_body
new-key
--- no_error_log
[error]
[alert]



=== TEST 12: a token whose kid is unknown is refused without trying the other keys, even the one that signed it
Both tokens are signed by key "one": with an unknown kid, or with the
kid of key "two", neither is checked against "one".  A token without a
kid cannot choose between two keys.
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/two.jwks;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[bearer(tok('RS256', kid => 'one', key => 'rsa1')),
 bearer(tok('RS256', kid => 'three', key => 'rsa1')),
 bearer(tok('RS256', kid => 'two', key => 'rsa1')),
 bearer(tok('RS256', key => 'rsa1'))]
--- error_code eval
[200, 401, 401, 401]
--- response_headers eval
["!WWW-Authenticate", refused('unknown_kid'), refused('bad_signature'),
 refused('unknown_kid')]
--- no_error_log
[error]
[alert]



=== TEST 13: a single key without a kid checks every token; a single key with a kid only tokens of that kid or of none
--- config
    location = /nokid {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /kid {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem k1;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /nokid", "GET /nokid", "GET /kid", "GET /kid", "GET /kid"]
--- more_headers eval
[bearer(tok('RS256', kid => 'anything')), bearer(tok('RS256')),
 bearer(tok('RS256', kid => 'k1')), bearer(tok('RS256')),
 bearer(tok('RS256', kid => 'k2'))]
--- error_code eval
[200, 200, 200, 200, 401]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "!WWW-Authenticate",
 "!WWW-Authenticate", refused('unknown_kid')]
--- no_error_log
[error]
[alert]



=== TEST 14: a token verified in one location is not accepted by another whose key did not sign it, before or after it is remembered
Each worker remembers verified tokens; that memory must belong to the
location's keys.
--- config
    location = /one {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /two {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa2.pem;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /one", "GET /two", "GET /one", "GET /two"]
--- more_headers eval
my $t = bearer(tok('RS256', key => 'rsa1', claims => { sub => 'signed-by-one' }));
[($t) x 4]
--- error_code eval
[200, 401, 200, 401]
--- response_headers eval
["!WWW-Authenticate", refused('bad_signature'), "!WWW-Authenticate",
 refused('bad_signature')]
--- response_body_like eval
[qr/\Asigned-by-one\n\z/, qr/"code":"unauthorized"/, qr/\Asigned-by-one\n\z/,
 qr/"code":"unauthorized"/]
--- no_error_log
[error]
[alert]



=== TEST 15: per-location pinning: "playfab_auth_jwt_algorithms RS256" refuses a valid ES256 token from the same JWKS, saying so
The next block sends the same token to a location that accepts it.
--- config
    location = /rs256 {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        playfab_auth_jwt_algorithms RS256;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /any {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request
GET /rs256
--- more_headers eval
bearer(tok('ES256', kid => 'ec-256'))
--- error_code: 401
--- response_headers eval
refused('alg_not_allowed')
--- response_body_like: "code":"unauthorized"
--- error_log
JWT refused: alg_not_allowed "alg": ES256 is not allowed here
--- no_error_log
[error]
[alert]



=== TEST 16: per-location pinning: the RS256 location accepts RS256 only, of the same JWKS; another location accepts ES256 from it
--- config
    location = /rs256 {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        playfab_auth_jwt_algorithms RS256;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /any {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /rs256", "GET /rs256", "GET /rs256", "GET /any"]
--- more_headers eval
[bearer(tok('RS256', kid => 'rsa-1')), bearer(tok('PS256', kid => 'rsa-1')),
 bearer(tok('HS256', kid => 'hmac-1')), bearer(tok('ES256', kid => 'ec-256'))]
--- error_code eval
[200, 401, 401, 200]
--- response_headers eval
["!WWW-Authenticate", refused('alg_not_allowed'), refused('alg_not_allowed'),
 "!WWW-Authenticate"]
--- response_body_like eval
[qr/\Ars256-user\n\z/, qr/"code":"unauthorized"/, qr/"code":"unauthorized"/,
 qr/\Aes256-user\n\z/]
--- no_error_log
[error]
[alert]



=== TEST 17: a JWK's own "alg" pins its key: PS256 or RS384 with the kid of an RS256 key is key_mismatch
The set allows RS256 and PS256 (one key each); the alg must also be the
one the selected key is published for.
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/pinned.jwks;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[bearer(tok('RS256', kid => 'rs-only', key => 'rsa1')),
 bearer(tok('PS256', kid => 'ps-only', key => 'rsa2')),
 bearer(tok('PS256', kid => 'rs-only', key => 'rsa1')),
 bearer(tok('RS384', kid => 'rs-only', key => 'rsa1'))]
--- error_code eval
[200, 200, 401, 401]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", refused('key_mismatch'),
 refused('alg_not_allowed')]
--- no_error_log
[error]
[alert]



=== TEST 18: alg "none" is refused in every casing, with or without a signature
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 5]
--- more_headers eval
my $claims = '{"sub":"admin","exp":' . (time + 600) . '}';
my @none = map { jwt_input(qq({"alg":"$_","typ":"JWT"}), $claims) . '.' }
    qw(none None NONE nOnE);
my $signed = jwt_input('{"alg":"none","kid":"hmac-1"}', $claims);
$signed .= '.' . jwt_hs_input($main::SECRET, 'HS256', $signed);
[map({ bearer($_) } @none), bearer($signed)]
--- error_code eval
[(401) x 5]
--- response_headers eval
[(refused('alg_not_allowed')) x 5]
--- response_body_like eval
[('"code":"unauthorized"') x 5]
--- error_log
JWT refused: alg_not_allowed "alg": an unsecured token (alg "none") is never accepted
--- no_error_log
[error]
[alert]



=== TEST 19: unknown, empty and lower-case algs are refused
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
my $claims = '{"sub":"admin","exp":' . (time + 600) . '}';
[bearer(raw_tok('HS256', '{"alg":"hs256","kid":"hmac-1"}', $claims)),
 bearer(raw_tok('HS256', '{"alg":"","kid":"hmac-1"}', $claims)),
 bearer(raw_tok('HS256', '{"alg":"HS1","kid":"hmac-1"}', $claims))]
--- error_code eval
[(401) x 3]
--- response_headers eval
[(refused('alg_not_allowed')) x 3]
--- response_body_like eval
[('"code":"unauthorized"') x 3]
--- no_error_log
[error]
[alert]



=== TEST 20: "playfab_auth_jwt_algorithms none" fails nginx -t
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        playfab_auth_jwt_algorithms RS256 none;
        return 200;
    }
--- must_die
--- error_log
unknown JWT algorithm "none" ("none" is never allowed)



=== TEST 21: algorithm confusion: HS256 MAC'ed with the RSA public key's PEM is refused, whatever the location allows
/default allows what its RSA key can verify (no HS*); /listed lists
HS256 by mistake, yet its only key is RSA; /mixed has an HMAC key too,
but the token names the RSA key.
--- config
    location = /default {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /listed {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        playfab_auth_jwt_algorithms RS256 HS256;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /mixed {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/rsa-oct.jwks;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /default", "GET /listed", "GET /mixed", "GET /mixed"]
--- more_headers eval
open my $fh, '<', jwt_dir() . '/rsa1.pem' or die;
my $pem = do { local $/; <$fh> };
close $fh;
my $claims = { sub => 'evil', exp => time + 600 };
[bearer(jwt_hs($pem, $claims)), bearer(jwt_hs($pem, $claims)),
 bearer(jwt_hs($pem, $claims, kid => 'rsa-1')),
 bearer(jwt_hs($main::SECRET, $claims, kid => 'hmac-1'))]
--- error_code eval
[401, 401, 401, 200]
--- response_headers eval
[refused('alg_not_allowed'), refused('key_mismatch'), refused('key_mismatch'),
 "!WWW-Authenticate"]
--- no_error_log
[error]
[alert]



=== TEST 22: a PEM file given as an HMAC secret fails nginx -t
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/rsa1.pem;
        return 200;
    }
--- must_die
--- error_log
a PEM block is not an HMAC secret



=== TEST 23: forged tokens are bad_signature: a changed signature byte, changed claims, a truncated or empty signature, another key's MAC
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key jwks $TEST_NGINX_JWT_DIR/all.jwks;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 8]
--- more_headers eval
my $rs = tok('RS256', kid => 'rsa-1');
my $es = tok('ES256', kid => 'ec-256');
my ($eh, $ep, $esig) = CORE::split /\./, $es;
my $es_short = "$eh.$ep." . b64url(substr(b64url_decode($esig), 0, 60));
(my $rs_empty = $rs) =~ s/[^.]*\z//;
[bearer(flip_sig($rs)),
 bearer(swap_claims($rs, { sub => 'admin', exp => time + 600 })),
 bearer(flip_sig($es)),
 bearer($es_short),
 bearer($rs_empty),
 bearer(flip_sig(tok('EdDSA', kid => 'ed-1'))),
 bearer(flip_sig(tok('HS512', kid => 'hmac-1'))),
 bearer(tok('HS256', kid => 'hmac-1', secret => $main::OTHER))]
--- error_code eval
[(401) x 8]
--- response_headers eval
[(refused('bad_signature')) x 8]
--- response_body_like eval
[('"code":"unauthorized"') x 8]
--- error_log
JWT refused: bad_signature
--- no_error_log
[error]
[alert]



=== TEST 24: bad base64url in the header is malformed: padding, 4n+1 characters, non-zero trailing bits
The last token is correctly signed over its text: only a strict decoder
refuses it.
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
my ($h, $p, $s) = CORE::split /\./, tok('RS256');
[bearer("$h=.$p.$s"),
 bearer(len_4n1($h) . ".$p.$s"),
 bearer(noncanonical_tok())]
--- error_code eval
[(401) x 3]
--- response_headers eval
[(refused('malformed')) x 3]
--- response_body_like eval
[('"code":"unauthorized"') x 3]
--- error_log
JWT refused: malformed "header": the header is not base64url
--- no_error_log
[error]
[alert]



=== TEST 25: bad base64url in the payload is malformed: "/", a stray character, 4n+1 characters
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
my ($h, $p, $s) = CORE::split /\./, tok('RS256');
(my $slash = $p) =~ s/\A./\//;
[bearer("$h.$slash.$s"),
 bearer("$h.$p*.$s"),
 bearer("$h." . len_4n1($p) . ".$s")]
--- error_code eval
[(401) x 3]
--- response_headers eval
[(refused('malformed')) x 3]
--- response_body_like eval
[('"code":"unauthorized"') x 3]
--- error_log
JWT refused: malformed "payload": the payload is not base64url
--- no_error_log
[error]
[alert]



=== TEST 26: bad base64url in the signature is malformed: padding, "+"
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 2]
--- more_headers eval
my ($h, $p, $s) = CORE::split /\./, tok('RS256');
(my $std = $s) =~ s/\A./+/;
[bearer("$h.$p.$s=="),
 bearer("$h.$p.$std")]
--- error_code eval
[(401) x 2]
--- response_headers eval
[(refused('malformed')) x 2]
--- response_body_like eval
[('"code":"unauthorized"') x 2]
--- error_log
JWT refused: malformed "signature": the signature is not base64url
--- no_error_log
[error]
[alert]



=== TEST 27: wrong segment counts are malformed: 1, 2, 4 and 5 segments
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 5]
--- more_headers eval
my $t = tok('RS256');
my ($h, $p, $s) = CORE::split /\./, $t;
[bearer($h), bearer("$h.$p"), bearer("$t.$s"), bearer("$t."),
 bearer("$h.$p.$s.$s.$s")]
--- error_code eval
[(401) x 5]
--- response_headers eval
[(refused('malformed')) x 5]
--- error_log
JWT refused: malformed "": a token is three segments joined by "."
--- no_error_log
[error]
[alert]



=== TEST 28: three empty segments are malformed
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request
GET /api
--- more_headers
Authorization: Bearer ..
--- error_code: 401
--- response_headers eval
refused('malformed')
--- no_error_log
[error]
[alert]



=== TEST 29: a header that is not JSON, not an object, with a duplicate member, trailing text or \u0000 is malformed
The header "{alg:none, alg:RS256}" would pass a last-wins parser.
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 6]
--- more_headers eval
my $exp = time + 600;
my $c = qq({"sub":"x","exp":$exp});
[map { bearer($_) }
 raw_tok('RS256', 'not json', $c),
 raw_tok('RS256', '{alg:"RS256"}', $c),
 raw_tok('RS256', '["RS256"]', $c),
 raw_tok('RS256', '{"alg":"none","alg":"RS256"}', $c),
 raw_tok('RS256', '{"alg":"RS256"} x', $c),
 raw_tok('RS256', '{"alg":"RS256","kid":"a\u0000b"}', $c)]
--- error_code eval
[(401) x 6]
--- response_headers eval
[(refused('malformed')) x 6]
--- error_log
JWT refused: malformed "header": the header is not a JSON object
--- no_error_log
[error]
[alert]



=== TEST 30: a kid that is not a string is malformed
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
my $exp = time + 600;
bearer(raw_tok('RS256', '{"alg":"RS256","kid":7}', qq({"sub":"x","exp":$exp})))
--- error_code: 401
--- response_headers eval
refused('malformed')
--- error_log
JWT refused: malformed "kid"
--- no_error_log
[error]
[alert]



=== TEST 31: an alg that is not a string is malformed
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
my $exp = time + 600;
bearer(raw_tok('RS256', '{"alg":["RS256"]}', qq({"sub":"x","exp":$exp})))
--- error_code: 401
--- response_headers eval
refused('malformed')
--- error_log
JWT refused: malformed "alg"
--- no_error_log
[error]
[alert]



=== TEST 32: signed claims that are not JSON, not an object, with a duplicate member or 257 members are malformed
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key pem $TEST_NGINX_JWT_DIR/rsa1.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
[("GET /api") x 4]
--- more_headers eval
my $exp = time + 600;
my $members = '{' . CORE::join(',', map { qq("m$_":1) } 1 .. 257) . qq(,"exp":$exp});
[map { bearer($_) }
 raw_tok('RS256', '{"alg":"RS256"}', 'not json'),
 raw_tok('RS256', '{"alg":"RS256"}', '[1,2]'),
 raw_tok('RS256', '{"alg":"RS256"}', qq({"sub":"a","sub":"b","exp":$exp})),
 raw_tok('RS256', '{"alg":"RS256"}', $members)]
--- error_code eval
[(401) x 4]
--- response_headers eval
[(refused('malformed')) x 4]
--- error_log
JWT refused: malformed "payload": the claims are not a JSON object
--- no_error_log
[error]
[alert]



=== TEST 33: a signed exp that is a string is malformed
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
my $exp = time + 600;
bearer(raw_tok('RS256', '{"alg":"RS256"}', qq({"sub":"x","exp":"$exp"})))
--- error_code: 401
--- response_headers eval
refused('malformed')
--- error_log
JWT refused: malformed "exp"
--- no_error_log
[error]
[alert]



=== TEST 34: a signed nbf that is null is malformed
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
my $exp = time + 600;
bearer(raw_tok('RS256', '{"alg":"RS256"}', qq({"sub":"x","exp":$exp,"nbf":null})))
--- error_code: 401
--- response_headers eval
refused('malformed')
--- error_log
JWT refused: malformed "nbf"
--- no_error_log
[error]
[alert]



=== TEST 35: a JSON nesting bomb in the header is malformed
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request
GET /api
--- more_headers eval
my $exp = time + 600;
my $bomb = '[' x 2000 . ']' x 2000;
bearer(raw_tok('HS256', qq({"alg":"HS256","x":$bomb}), qq({"sub":"x","exp":$exp})))
--- error_code: 401
--- response_headers eval
refused('malformed')
--- response_body_like: "code":"unauthorized"
--- error_log
JWT refused: malformed "header"
--- no_error_log
[error]
[alert]



=== TEST 36: JSON nesting bombs in the signed claims are malformed, and so are claims nested 9 levels deep
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
my $exp = time + 600;
my $bomb = '[' x 2000 . ']' x 2000;
[bearer(raw_tok('HS256', '{"alg":"HS256"}', qq({"sub":"x","exp":$exp,"x":$bomb}))),
 bearer(raw_tok('HS256', '{"alg":"HS256"}', qq({"sub":"x","exp":$exp,"x":) . ('[' x 5000))),
 bearer(raw_tok('HS256', '{"alg":"HS256"}', nested_claims(9)))]
--- error_code eval
[401, 401, 401]
--- response_headers eval
[(refused('malformed')) x 3]
--- response_body_like eval
[('"code":"unauthorized"') x 3]
--- error_log
JWT refused: malformed "payload"
--- no_error_log
[error]
[alert]



=== TEST 37: claims nested 8 levels deep are accepted
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request
GET /api
--- more_headers eval
bearer(raw_tok('HS256', '{"alg":"HS256"}', nested_claims(8)))
--- error_code: 200
--- response_headers
!WWW-Authenticate
--- response_body
deep
--- no_error_log
[error]
[alert]



=== TEST 38: "typ" is accepted absent, or naming a JWT in any case
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 3]
--- more_headers eval
[bearer(tok('HS256', header => { typ => undef })),
 bearer(tok('HS256', header => { typ => 'at+jwt' })),
 bearer(tok('HS256', header => { typ => 'application/JWT' }))]
--- error_code eval
[200, 200, 200]
--- response_headers eval
[("!WWW-Authenticate") x 3]
--- no_error_log
[error]
[alert]



=== TEST 39: a "typ" that does not name a JWT is bad_header
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
[("GET /api") x 2]
--- more_headers eval
[bearer(tok('HS256', header => { typ => 'JWS' })),
 bearer(tok('HS256', header => { typ => 7 }))]
--- error_code eval
[401, 401]
--- response_headers eval
[(refused('bad_header')) x 2]
--- error_log
JWT refused: bad_header "typ"
--- no_error_log
[error]
[alert]



=== TEST 40: "crit" is bad_header
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok('HS256', header => { crit => ['exp'] }))
--- error_code: 401
--- response_headers eval
refused('bad_header')
--- error_log
JWT refused: bad_header "crit"
--- no_error_log
[error]
[alert]



=== TEST 41: a token of 8 KiB is accepted, when the header buffers let it through
--- config
    large_client_header_buffers 4 64k;
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request
GET /api
--- more_headers eval
bearer(tok_of_length(8192))
--- error_code: 200
--- response_headers
!WWW-Authenticate
--- response_body
hs256-user
--- no_error_log
[error]
[alert]



=== TEST 42: a token of 8 KiB and one byte is too_large, and so is a 60 KiB token, when the header buffers let them through
--- config
    large_client_header_buffers 4 64k;
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_set_header X-Caller "$playfab_auth_subject";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "$http_x_caller\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[bearer(tok_of_length(8193)),
 bearer(tok('HS256', claims => { pad => 'x' x 45000 }))]
--- error_code eval
[401, 401]
--- response_headers eval
[refused('too_large'), refused('too_large')]
--- response_body_like eval
[qr/"code":"unauthorized"/, qr/"code":"unauthorized"/]
--- error_log
JWT refused: too_large
--- no_error_log
[error]
[alert]



=== TEST 43: a token longer than nginx's header buffers is refused by nginx with 400 before the module sees it, without a crash
Default large_client_header_buffers (4 8k): the Authorization line does
not fit.
--- config
    location = /api {
        playfab_auth jwt;
        playfab_auth_jwt_key secret $TEST_NGINX_JWT_DIR/hs.secret;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "in\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[bearer(tok('HS256', claims => { pad => 'x' x 12000 })),
 "Cookie: jwt=" . tok('HS256', claims => { pad => 'x' x 48000 })]
--- error_code eval
[400, 400]
--- response_body_like eval
[("Request Header Or Cookie Too Large") x 2]
--- no_error_log
[error]
[alert]
JWT refused
