# Every directive, and every configuration mistake: a mistake stops
# nginx with the message of docs/directives.md and the file:line of the
# directive at fault; a good configuration serves a party.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use re 'eval';    # the (??{ }) of logged_at() next to interpolation

# nginx parses its configuration once, at start-up: a repetition would
# send the requests again to the same nginx, and the warnings it logged
# while parsing are in the first repetition's slice of the log only.
repeat_each(1);
no_shuffle();

# env: reads the environment of the process that parses nginx.conf; this
# copy of the emulator's secret is not listed with "env" by default.
$ENV{PLAYFAB_CONF_TEST_SECRET} = $ENV{TEST_NGINX_PLAYFAB_SECRET};
delete $ENV{PLAYFAB_CONF_TEST_UNSET};

# user_files are written with the test's umask: "--- umask: 077" makes
# them private (0600), the default 022 group- and world-readable (0644).
my $DefaultUmask = umask;
add_block_preprocessor(sub {
    my ($block) = @_;
    my $mask = $block->umask;
    umask(defined $mask ? oct($mask =~ s/\s+//gr) : $DefaultUmask);
});

# The line of the generated nginx.conf that holds $text (comment lines
# skipped: the first one quotes the block's name).
sub conf_line {
    my ($text) = @_;
    my $conf = server_root() . '/conf/nginx.conf';
    open my $fh, '<', $conf or return 'CANNOT-READ-NGINX-CONF';
    while (my $line = <$fh>) {
        next if $line =~ /^\s*#/;
        return $. if index($line, $text) >= 0;
    }
    return 'NO-LINE-WITH-' . quotemeta $text;
}

# A pattern for the log line "[level] message in .../nginx.conf:N" where
# N is the line holding one of @texts.  The line is looked up when the
# pattern is matched, after the runner has written nginx.conf.
sub logged_at {
    my ($level, $message, @texts) = @_;
    return qr/\[\Q$level\E\] (?:\d+#\d+: )?\Q$message\E in \S*\/nginx\.conf:(??{
        '(?:' . join('|', map { conf_line($_) } @texts) . ')'
    })$/;
}

{
    no strict 'refs';
    *{"Test::Base::Filter::$_"} = \&$_ for qw(logged_at);
}

run_tests();

__DATA__

=== TEST 1: playfab_zone without a size is refused at its line
--- http_config
    playfab_zone playfab;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: invalid zone "playfab", expected NAME:SIZE',
          'playfab_zone playfab;')



=== TEST 2: playfab_zone without a name is refused at its line
--- http_config
    playfab_zone :1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: invalid zone ":1m", expected NAME:SIZE',
          'playfab_zone :1m;')



=== TEST 3: playfab_zone with a size that is not a size is refused
--- http_config
    playfab_zone playfab:lots;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg',
          'playfab: zone "playfab" size "lots" is invalid or below 32768',
          'playfab_zone playfab:lots;')



=== TEST 4: playfab_zone below 8 memory pages (32k) is refused
--- http_config
    playfab_zone playfab:31k;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg',
          'playfab: zone "playfab" size "31k" is invalid or below 32768',
          'playfab_zone playfab:31k;')



=== TEST 5: playfab_zone of exactly 8 memory pages serves parties
--- http_config
    playfab_zone playfab:32k;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]
[crit]



=== TEST 6: a second playfab_zone is refused at its own line
--- http_config
    playfab_zone playfab:1m;
    playfab_zone other:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_zone" directive is duplicate',
          'playfab_zone other:1m;')



=== TEST 7: playfab_zone is refused in a server block
--- http_config
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    playfab_zone playfab:1m;
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_zone" directive is not allowed here',
          'playfab_zone playfab:1m;')



=== TEST 8: playfab_zone is refused in a location
--- http_config
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party {
        playfab_zone playfab:1m;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_zone" directive is not allowed here',
          'playfab_zone playfab:1m;')



=== TEST 9: a title id with a character other than letters and digits is refused
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id EMU-01;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: invalid title id "EMU-01", expected 1 to 32'
          . ' letters and digits', 'playfab_title_id EMU-01;')



=== TEST 10: a title id of 33 characters is refused
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: invalid title id'
          . ' "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", expected 1 to 32'
          . ' letters and digits',
          'playfab_title_id ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456;')



=== TEST 11: a title id of 32 letters and digits serves parties
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id ABCDEFGHIJKLMNOPQRSTUVWXYZ012345;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 12: a second playfab_title_id at the same level is refused
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id EMU01;
    playfab_title_id EMU02;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_title_id" directive is duplicate',
          'playfab_title_id EMU02;')



=== TEST 13: a location's own playfab_title_id overrides the http one
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id EMU01;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party {
        playfab_title_id EMU02;
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[emerg]
[error]
[alert]



=== TEST 14: secret key from a private file: read without a warning, trailing newline dropped
--- umask: 077
--- user_files
>>> secret
$TEST_NGINX_PLAYFAB_SECRET
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key file:$TEST_NGINX_HTML_DIR/secret;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[warn]
[error]
[alert]



=== TEST 15: secret key file readable by group or others: warning at its line, parties still served
--- umask: 022
--- user_files
>>> secret
$TEST_NGINX_PLAYFAB_SECRET
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key file:$TEST_NGINX_HTML_DIR/secret;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- error_log eval
logged_at('warn', qq{playfab: secret key file "$ENV{TEST_NGINX_HTML_DIR}/secret"}
          . ' can be read by group or others, chmod 600 it',
          'playfab_secret_key file:')
--- no_error_log
[error]
[alert]



=== TEST 16: secret key file path relative to the configuration directory
--- umask: 077
--- user_files
>>> secret
$TEST_NGINX_PLAYFAB_SECRET
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key file:../html/secret;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 17: secret key file that does not exist is refused at its line
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key file:$TEST_NGINX_HTML_DIR/no-such-secret;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', qq{playfab: cannot open "$ENV{TEST_NGINX_HTML_DIR}/no-such-secret"}
          . ' (2: No such file or directory)', 'playfab_secret_key file:')



=== TEST 18: an empty secret key file is refused
--- umask: 077
--- user_files
>>> secret
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key file:$TEST_NGINX_HTML_DIR/secret;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: the secret key must be 1 to 256 printable'
          . ' characters without spaces', 'playfab_secret_key file:')



=== TEST 19: a secret key file with a space in the key is refused
--- umask: 077
--- user_files
>>> secret
emu secret key
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key file:$TEST_NGINX_HTML_DIR/secret;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: the secret key must be 1 to 256 printable'
          . ' characters without spaces', 'playfab_secret_key file:')



=== TEST 20: env: naming an unset variable is refused at its line
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:PLAYFAB_CONF_TEST_UNSET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: environment variable "PLAYFAB_CONF_TEST_UNSET"'
          . ' for the secret key is not set',
          'playfab_secret_key env:PLAYFAB_CONF_TEST_UNSET;')



=== TEST 21: env: is read at configuration time, without an env directive
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:PLAYFAB_CONF_TEST_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[warn]
[error]
[alert]



=== TEST 22: env: of a variable also listed with the env directive
--- main_config
env PLAYFAB_CONF_TEST_SECRET;
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:PLAYFAB_CONF_TEST_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[warn]
[error]
[alert]



=== TEST 23: a secret key written inline works, with a warning at its line
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key $TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- error_log eval
logged_at('warn', 'playfab: the secret key is written inline in the'
          . ' configuration, prefer "file:" or "env:"', 'playfab_secret_key ')
--- no_error_log
[error]
[alert]



=== TEST 24: an inline secret key with a space is refused at its line
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key "emu secret";
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: the secret key must be 1 to 256 printable'
          . ' characters without spaces', 'playfab_secret_key "emu secret";')



=== TEST 25: a secret key of 257 characters is refused
--- http_config eval
"    playfab_zone playfab:1m;
    playfab_title_id \$TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key " . ('k' x 257) . ";\n"
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: the secret key must be 1 to 256 printable'
          . ' characters without spaces', 'playfab_secret_key k')



=== TEST 26: a secret key of 256 characters is accepted and sent whole
--- http_config eval
"    playfab_zone playfab:1m;
    playfab_title_id \$TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key " . ('k' x 256) . ";\n"
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_body_like: "code":"playfab_configuration"
--- playfab_emulator_check eval
['last/GetEntityToken' => qr/"x-secretkey":"k{256}"/]
--- error_log
playfab: GetEntityToken refused the title's credentials or configuration: NotAuthorized (1089)
--- no_error_log
[alert]



=== TEST 27: a second playfab_secret_key at the same level is refused
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_secret_key env:PLAYFAB_CONF_TEST_SECRET;
--- config
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_secret_key" directive is duplicate',
          'playfab_secret_key env:PLAYFAB_CONF_TEST_SECRET;')



=== TEST 28: playfab_api_location without the trailing slash is refused
--- config
    playfab_api_location /_playfab;
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: api location "/_playfab" must start and end'
          . ' with "/"', 'playfab_api_location /_playfab;')



=== TEST 29: playfab_api_location without the leading slash is refused
--- config
    playfab_api_location _playfab/;
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: api location "_playfab/" must start and end'
          . ' with "/"', 'playfab_api_location _playfab/;')



=== TEST 30: playfab_api_location sends both subrequests to the location named
--- config
    location = /v1/party {
        playfab_api_location /pf/;
        playfab_auth off;
        playfab_party;
    }
    location /pf/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_set_header X-Via pf-location;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "GET /emu/headers/GetEntityToken",
 "GET /emu/headers/RequestPartyService"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",', '(?m)^x-via$', '(?m)^x-via$']
--- no_error_log
[error]
[alert]



=== TEST 31: playfab_token_wait with a value that is not a time is refused
--- config
    playfab_token_wait 5 seconds;
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'invalid number of arguments in "playfab_token_wait"'
          . ' directive', 'playfab_token_wait 5 seconds;')



=== TEST 32: playfab_token_wait with a bad time value is refused
--- config
    playfab_token_wait 5parsecs;
    location = /v1/party { playfab_auth off; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_token_wait" directive invalid value',
          'playfab_token_wait 5parsecs;')



=== TEST 33: playfab_token_refresh_ahead with a bad time value is refused
--- config
    location = /v1/party {
        playfab_token_refresh_ahead soon;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_token_refresh_ahead" directive invalid value',
          'playfab_token_refresh_ahead soon;')



=== TEST 34: playfab_token_wait and playfab_token_refresh_ahead take times at every level
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_token_wait 3s;
    playfab_token_refresh_ahead 5m;
--- config
    playfab_token_wait 1500ms;
    location = /v1/party {
        playfab_token_wait 2s;
        playfab_token_refresh_ahead 1h;
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 35: playfab_auth with an unknown keyword is refused at its line
--- config
    location = /v1/party { playfab_auth on; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: invalid auth "on", expected "off",'
          . ' "api_key FILE", "jwt" or "entity_token"', 'playfab_auth on;')



=== TEST 36: playfab_auth api_key without a file is refused
--- config
    location = /v1/party { playfab_auth api_key; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: invalid auth "api_key", expected "off",'
          . ' "api_key FILE", "jwt" or "entity_token"', 'playfab_auth api_key;')



=== TEST 37: playfab_auth off with an extra argument is refused
--- config
    location = /v1/party { playfab_auth off everyone; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: invalid auth "off", expected "off",'
          . ' "api_key FILE", "jwt" or "entity_token"', 'playfab_auth off everyone;')



=== TEST 38: playfab_auth api_key with a file that does not exist is refused
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/no-such-keys;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', qq{playfab: cannot open "$ENV{TEST_NGINX_HTML_DIR}/no-such-keys"}
          . ' (2: No such file or directory)', 'playfab_auth api_key')



=== TEST 39: a malformed line of the API key file is refused with its line number
--- user_files eval
[[ 'keys' => "# callers\n" . api_key_line('game', 'key-1')
             . "tools 1234abcd\n" . api_key_line('ops', 'key-2') ]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', qq{playfab: API key file "$ENV{TEST_NGINX_HTML_DIR}/keys":}
          . ' line 3: digest must be 64 hexadecimal digits',
          'playfab_auth api_key')



=== TEST 40: an API key file with a bad name on line 2 is refused with its line number
--- user_files eval
[[ 'keys' => api_key_line('game', 'key-1')
             . api_key_line('bad/name', 'key-2') ]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', qq{playfab: API key file "$ENV{TEST_NGINX_HTML_DIR}/keys":}
          . ' line 2: name must be 1 to 63 characters of A-Z a-z 0-9 . _ : @ -',
          'playfab_auth api_key')



=== TEST 41: an API key file with comments only has no keys and is refused
--- user_files
>>> keys
# no callers yet

--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', qq{playfab: API key file "$ENV{TEST_NGINX_HTML_DIR}/keys"}
          . ' has no keys', 'playfab_auth api_key')



=== TEST 42: an empty API key file is refused
--- user_files eval
[[ 'keys' => '' ]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', qq{playfab: API key file "$ENV{TEST_NGINX_HTML_DIR}/keys"}
          . ' has no keys', 'playfab_auth api_key')



=== TEST 43: a second playfab_auth at the same level is refused
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- user_files eval
[[ 'keys' => api_key_line('game', 'key-1') ]]
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_auth" directive is duplicate',
          'playfab_auth api_key')



=== TEST 44: playfab_auth api_key lets the listed key in and keeps others out
--- user_files eval
[[ 'keys' => "# callers\n\n" . api_key_line('game', 'key-1') ]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- more_headers eval
["Content-Type: application/json\nX-API-Key: key-1",
 "Content-Type: application/json\nX-API-Key: key-2"]
--- error_code eval
[200, 401]
--- response_headers eval
["Content-Type: application/json",
 "Content-Type: application/problem+json\nWWW-Authenticate: ApiKey"]
--- no_error_log
[error]
[alert]



=== TEST 45: playfab_party without playfab_auth is refused, naming the playfab_party line
--- config
    location = /v1/party {
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "playfab_party" requires "playfab_auth" (write'
          . ' "playfab_auth off" to let anyone request parties)',
          'playfab_party;')



=== TEST 46: playfab_party with playfab_auth only in another location is refused
--- config
    location = /v1/other {
        playfab_auth off;
        return 204;
    }
    location = /v1/party {
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "playfab_party" requires "playfab_auth" (write'
          . ' "playfab_auth off" to let anyone request parties)',
          'playfab_party;')



=== TEST 47: playfab_party without playfab_zone is refused, naming the playfab_party line
--- http_config
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "playfab_party" requires "playfab_zone" in the'
          . ' http block', 'playfab_party;')



=== TEST 48: playfab_party without playfab_title_id is refused, naming the playfab_party line
--- http_config
    playfab_zone playfab:1m;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "playfab_party" requires "playfab_title_id"',
          'playfab_party;')



=== TEST 49: playfab_party without playfab_secret_key is refused, naming the playfab_party line
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "playfab_party" requires "playfab_secret_key"',
          'playfab_party;')



=== TEST 50: playfab_party is refused in a server block
--- config
    playfab_auth off;
    playfab_party;
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_party" directive is not allowed here',
          'playfab_party;')



=== TEST 51: playfab_party takes no argument
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party on;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'invalid number of arguments in "playfab_party" directive',
          'playfab_party on;')



=== TEST 52: title id, secret key and playfab_auth off inherited from the http level
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_auth off;
--- config
    location = /v1/party {
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 53: title id, secret key and playfab_auth inherited from the server level
--- http_config
    playfab_zone playfab:1m;
--- config
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
    location = /v1/party {
        playfab_party;
    }
--- user_files eval
[[ 'keys' => api_key_line('game', 'key-1') ]]
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- more_headers eval
["Content-Type: application/json\nX-API-Key: key-1",
 "Content-Type: application/json"]
--- error_code eval
[200, 401]
--- no_error_log
[error]
[alert]



=== TEST 54: policy: an unknown field is refused at its line
--- config
    location = /v1/party {
        playfab_party_max MaxPlayers 8;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "MaxPlayers" is not a policy field',
          'playfab_party_max MaxPlayers 8;')



=== TEST 55: policy: MaxDevices 129 is outside the schema's 1..128
--- config
    location = /v1/party {
        playfab_party_max MaxDevices 129;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "MaxDevices" max "129" must be an integer'
          . ' between 1 and 128', 'playfab_party_max MaxDevices 129;')



=== TEST 56: policy: MaxUsersPerDevice 9 is outside the schema's 1..8
--- config
    location = /v1/party {
        playfab_party_default MaxUsersPerDevice 9;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "MaxUsersPerDevice" default "9" must be an'
          . ' integer between 1 and 8',
          'playfab_party_default MaxUsersPerDevice 9;')



=== TEST 57: policy: MaxEndpointsPerDevice 33 is outside the schema's 0..32
--- config
    location = /v1/party {
        playfab_party_force MaxEndpointsPerDevice 33;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "MaxEndpointsPerDevice" force "33" must be an'
          . ' integer between 0 and 32',
          'playfab_party_force MaxEndpointsPerDevice 33;')



=== TEST 58: policy: MaxUsers 0 is outside the schema's range
--- config
    location = /v1/party {
        playfab_party_default MaxUsers 0;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "MaxUsers" default "0" must be an integer'
          . ' between 1 and 4294967295', 'playfab_party_default MaxUsers 0;')



=== TEST 59: policy: a numeric value that is not a plain decimal integer is refused
--- config
    location = /v1/party {
        playfab_party_max MaxUsers 1e3;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "MaxUsers" max "1e3" must be an integer'
          . ' between 1 and 4294967295', 'playfab_party_max MaxUsers 1e3;')



=== TEST 60: policy: the schema's bounds themselves are accepted
--- config
    location = /v1/party {
        playfab_party_max MaxDevices 128;
        playfab_party_max MaxUsersPerDevice 8;
        playfab_party_max MaxUsers 4294967295;
        playfab_party_force MaxEndpointsPerDevice 0;
        playfab_party_default MaxDevicesPerUser 1;
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 61: policy: playfab_party_max on an enum field is refused
--- config
    location = /v1/party {
        playfab_party_max DirectPeerConnectivityOptions None;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "DirectPeerConnectivityOptions" is not a number'
          . ' and cannot have a max',
          'playfab_party_max DirectPeerConnectivityOptions None;')



=== TEST 62: policy: a value outside an enum is refused
--- config
    location = /v1/party {
        playfab_party_force Revocability Nobody;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "Revocability" force "Nobody" must be one of the'
          . ' PartyInvitationRevocability values',
          'playfab_party_force Revocability Nobody;')



=== TEST 63: policy: a DirectPeerConnectivityOptions default outside the enum is refused
--- config
    location = /v1/party {
        playfab_party_default DirectPeerConnectivityOptions none;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "DirectPeerConnectivityOptions" default "none"'
          . ' must be one of the DirectPeerConnectivityOptions values',
          'playfab_party_default DirectPeerConnectivityOptions none;')



=== TEST 64: policy: the same default twice is refused at the second line
--- config
    location = /v1/party {
        playfab_party_default MaxUsers 8;
        playfab_party_default MaxUsers 16;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "MaxUsers" default is duplicate',
          'playfab_party_default MaxUsers 16;')



=== TEST 65: policy: the same enum force twice is refused at the second line
--- config
    location = /v1/party {
        playfab_party_force DirectPeerConnectivityOptions None;
        playfab_party_force DirectPeerConnectivityOptions OnlyServers;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "DirectPeerConnectivityOptions" force is'
          . ' duplicate',
          'playfab_party_force DirectPeerConnectivityOptions OnlyServers;')



=== TEST 66: policy: default, max and force of one field are three settings, not duplicates
--- config
    location = /v1/party {
        playfab_party_default MaxDevices 8;
        playfab_party_max MaxDevices 16;
        playfab_party_force MaxDevices 4;
        playfab_party_default Revocability Anyone;
        playfab_party_force Revocability Creator;
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 67: policy: an unknown region is refused at its line
--- config
    location = /v1/party {
        playfab_party_regions EastUs Mars;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "Mars" must be one of the AzureRegion values',
          'playfab_party_regions EastUs Mars;')



=== TEST 68: policy: a region is matched exactly, case included
--- config
    location = /v1/party {
        playfab_party_regions eastus;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "eastus" must be one of the AzureRegion values',
          'playfab_party_regions eastus;')



=== TEST 69: policy: a region listed twice is refused
--- config
    location = /v1/party {
        playfab_party_regions EastUs WestUs EastUs;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: region "EastUs" is duplicate',
          'playfab_party_regions EastUs WestUs EastUs;')



=== TEST 70: policy: a second playfab_party_regions at the same level is refused
--- config
    location = /v1/party {
        playfab_party_regions EastUs;
        playfab_party_regions WestUs;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_party_regions" directive is duplicate',
          'playfab_party_regions WestUs;')



=== TEST 71: policy: all 26 regions can be allowed
--- config
    location = /v1/party {
        playfab_party_regions AustraliaEast AustraliaSoutheast BrazilSouth
            CentralUs EastAsia EastUs EastUs2 JapanEast JapanWest
            NorthCentralUs NorthEurope SouthCentralUs SoutheastAsia
            WestEurope WestUs SouthAfricaNorth WestCentralUs KoreaCentral
            FranceCentral WestUs2 CentralIndia UaeNorth UkSouth
            SwedenCentral CanadaCentral MexicoCentral;
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body(PreferredRegions => ['MexicoCentral'])
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 72: policy: a default above the max of the same location is refused
--- config
    location = /v1/party {
        playfab_party_default MaxUsers 20;
        playfab_party_max MaxUsers 10;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: inconsistent party policy: "MaxUsers" default 20'
          . ' is above its max 10',
          'playfab_party_default MaxUsers 20;', 'playfab_party_max MaxUsers 10;')



=== TEST 73: policy: a forced value above the max of the same location is refused
--- config
    location = /v1/party {
        playfab_party_max MaxDevices 16;
        playfab_party_force MaxDevices 32;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: inconsistent party policy: "MaxDevices" force 32'
          . ' is above its max 16',
          'playfab_party_max MaxDevices 16;', 'playfab_party_force MaxDevices 32;')



=== TEST 74: policy: a default above the max at the server level is refused
--- config
    playfab_party_default MaxDevicesPerUser 4;
    playfab_party_max MaxDevicesPerUser 2;
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: inconsistent party policy: "MaxDevicesPerUser"'
          . ' default 4 is above its max 2',
          'playfab_party_default MaxDevicesPerUser 4;',
          'playfab_party_max MaxDevicesPerUser 2;')



=== TEST 75: policy: a default above the max at the http level is refused
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_party_default MaxUsers 20;
    playfab_party_max MaxUsers 10;
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: inconsistent party policy: "MaxUsers" default 20'
          . ' is above its max 10',
          'playfab_party_default MaxUsers 20;', 'playfab_party_max MaxUsers 10;')



=== TEST 76: policy: a default equal to the max is accepted
--- config
    location = /v1/party {
        playfab_party_default MaxUsers 10;
        playfab_party_max MaxUsers 10;
        playfab_party_force MaxDevices 16;
        playfab_party_max MaxDevices 16;
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body('NetworkConfiguration.MaxUsers' => undef)
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}",
--- no_error_log
[error]
[alert]



=== TEST 77: playfab_auth entity_token without a secret key is refused, naming its line
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
--- config
    location = /v1/whoami {
        playfab_auth entity_token;
        return 204;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "playfab_auth entity_token" requires'
          . ' "playfab_secret_key"', 'playfab_auth entity_token;')



=== TEST 78: playfab_auth entity_token without playfab_zone is refused, naming its line
--- http_config
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
--- config
    location = /v1/whoami {
        playfab_auth entity_token;
        return 204;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "playfab_auth entity_token" requires'
          . ' "playfab_zone" in the http block', 'playfab_auth entity_token;')



=== TEST 79: playfab_auth entity_token with an argument is refused
--- config
    location = /v1/party { playfab_auth entity_token strict; playfab_party; }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: invalid auth "entity_token", expected "off",'
          . ' "api_key FILE", "jwt" or "entity_token"',
          'playfab_auth entity_token strict;')



=== TEST 80: playfab_party_bind_invitation on without entity_token is refused, naming the playfab_party line
--- config
    location = /v1/party {
        playfab_party_bind_invitation on;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'playfab: "playfab_party" requires "playfab_auth'
          . ' entity_token" for "playfab_party_bind_invitation on"',
          'playfab_party;')



=== TEST 81: playfab_party_bind_invitation takes on or off
--- config
    location = /v1/party {
        playfab_party_bind_invitation yes;
        playfab_auth entity_token;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'invalid value "yes" in "playfab_party_bind_invitation"'
          . ' directive, it must be "on" or "off"',
          'playfab_party_bind_invitation yes;')



=== TEST 82: playfab_auth_preflight takes on or off
--- config
    location = /v1/party {
        playfab_auth_preflight browsers;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', 'invalid value "browsers" in "playfab_auth_preflight"'
          . ' directive, it must be "on" or "off"',
          'playfab_auth_preflight browsers;')



=== TEST 83: playfab_auth_entity_cache with a bad time value is refused
--- config
    location = /v1/party {
        playfab_auth_entity_cache 1minute;
        playfab_auth entity_token;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_auth_entity_cache" directive invalid value',
          'playfab_auth_entity_cache 1minute;')



=== TEST 84: playfab_auth_entity_negative_cache with a bad time value is refused
--- config
    location = /v1/party {
        playfab_auth_entity_negative_cache -5s;
        playfab_auth entity_token;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_auth_entity_negative_cache" directive invalid'
          . ' value', 'playfab_auth_entity_negative_cache -5s;')



=== TEST 85: a second playfab_party_playfab_id at the same level is refused
--- config
    location = /v1/party {
        playfab_party_playfab_id $http_x_first;
        playfab_party_playfab_id $http_x_second;
        playfab_auth off;
        playfab_party;
    }
--- must_die
--- error_log eval
logged_at('emerg', '"playfab_party_playfab_id" directive is duplicate',
          'playfab_party_playfab_id $http_x_second;')



=== TEST 86: the entity_token directives are accepted at every level
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    playfab_auth_entity_cache 30s;
    playfab_auth_entity_negative_cache 5s;
    playfab_auth_preflight off;
--- config
    playfab_auth_entity_cache 0;
    playfab_party_bind_invitation off;
    location = /v1/party {
        playfab_auth_entity_cache 2m;
        playfab_auth_entity_negative_cache 0;
        playfab_auth_preflight on;
        playfab_party_bind_invitation on;
        playfab_auth entity_token;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer
Content-Type: application/problem+json
--- no_error_log
[error]
[alert]



=== TEST 87: playfab_party_playfab_id from a variable reaches PlayFab as PlayFabId
--- config
    location = /v1/party {
        playfab_party_playfab_id $http_x_verified_player;
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "GET /emu/last/RequestPartyService"]
--- more_headers
Content-Type: application/json
X-Verified-Player: F00DF00DF00DF00D
--- error_code eval
[200, 200]
--- response_body_like eval
['^\{"PartyId":"[0-9a-f-]{36}",',
 '"body":\{"PreferredRegions":\["EastUs"\],"NetworkConfiguration":\{[^{}]*\},"PlayFabId":"F00DF00DF00DF00D","CustomTags":\{"RequestId":"[0-9a-f]{32}"\}\}']
--- no_error_log
[error]
[alert]
