# playfab_auth api_key FILE: the caller's X-API-Key is checked in the
# ACCESS phase, in front of the party endpoint or of any other location,
# composes with satisfy/allow/deny, and names the caller in
# $playfab_auth_subject.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(2);    # the only emulator counters asserted stay at 0
no_shuffle();


# Helpers for the "--- xxx eval" sections, which Test::Base compiles in
# the package Test::Base::Filter.
package Test::Base::Filter;

# the API keys of the callers, and their names in the key file
our %Key = (
    'game-backend' => 'gb-3f9a1c7e5d2b4a60',
    'matchmaker'   => 'mm-81d2e4b09c7a6f35',
    'ops-console'  => 'ops-5c6d7e8f1a2b3c4d',
);

# --- user_files: the key file, with comments and blank lines
sub key_file {
    return [[ 'keys',
        "# callers of the party API\n"
        . api_key_line('game-backend', $Key{'game-backend'})
        . api_key_line('matchmaker', $Key{matchmaker})
        . "\n# people\n"
        . api_key_line('ops-console', $Key{'ops-console'}) ]];
}

# the 401 problem document
sub unauthorized {
    return qr/\A\{(?=.*"type":"urn:playfab-party:error:unauthorized"[,}])(?=.*"title":"Unauthorized"[,}])(?=.*"status":401[,}])(?=.*"code":"unauthorized"[,}]).*\}\z/s;
}

sub descriptor {
    return qr/\A\{"PartyId":"[0-9a-f-]{36}","InvitationId":"[0-9a-f-]{36}","SerializedNetworkDescriptor":"[A-Za-z0-9+\/]+=*"\}\z/;
}


package main;

run_tests();

__DATA__

=== TEST 1: the right key gets a party, and $playfab_auth_subject is the key's name
--- user_files eval
key_file()
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
        add_header X-Auth-Method $playfab_auth_method always;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
"Content-Type: application/json\nX-API-Key: $Test::Base::Filter::Key{'game-backend'}"
--- error_code: 200
--- response_headers
Content-Type: application/json
X-Subject: game-backend
X-Auth-Method: api_key
!WWW-Authenticate
--- response_body_like eval
descriptor()
--- no_error_log
[error]
[alert]
[crit]
caller not authenticated



=== TEST 2: a wrong key is 401 with WWW-Authenticate: ApiKey, logged at info, and PlayFab is never called
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers
Content-Type: application/json
X-API-Key: gb-wrong-key-0000
--- error_code: 401
--- response_headers eval
"Content-Type: application/problem+json\nCache-Control: no-store\nWWW-Authenticate: ApiKey"
--- response_body_like eval
my $unauthorized = unauthorized();
qr/\A(?!.*gb-wrong-key-0000)$unauthorized/s
--- error_log eval
qr/\[info\] .*playfab: caller not authenticated: \S/
--- no_error_log
[error]
[alert]
[crit]
gb-wrong-key-0000



=== TEST 3: a key that differs only in case is refused
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
"Content-Type: application/json\nX-API-Key: " . uc $Test::Base::Filter::Key{'game-backend'}
--- error_code: 401
--- response_headers
WWW-Authenticate: ApiKey
--- response_body_like eval
unauthorized()
--- error_log eval
qr/\[info\] .*playfab: caller not authenticated: \S/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 4: no X-API-Key header is 401 with WWW-Authenticate: ApiKey, logged at info, and PlayFab is never called
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers
Content-Type: application/json
--- error_code: 401
--- response_headers eval
"Content-Type: application/problem+json\nCache-Control: no-store\nWWW-Authenticate: ApiKey"
--- response_body_like eval
unauthorized()
--- error_log eval
qr/\[info\] .*playfab: caller not authenticated: .*X-API-Key/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 5: an empty X-API-Key header is 401 with WWW-Authenticate: ApiKey, logged at info, and PlayFab is never called
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers
Content-Type: application/json
X-API-Key:
--- error_code: 401
--- response_headers eval
"Content-Type: application/problem+json\nCache-Control: no-store\nWWW-Authenticate: ApiKey"
--- response_body_like eval
unauthorized()
--- error_log eval
qr/\[info\] .*playfab: caller not authenticated: \S/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 6: two X-API-Key headers, even two valid keys, are 401, logged at info, and PlayFab is never called
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
"Content-Type: application/json\n"
 . "X-API-Key: $Test::Base::Filter::Key{'game-backend'}\n"
 . "X-API-Key: $Test::Base::Filter::Key{matchmaker}"
--- error_code: 401
--- response_headers eval
"Content-Type: application/problem+json\nCache-Control: no-store\nWWW-Authenticate: ApiKey\n!X-Subject"
--- response_body_like eval
unauthorized()
--- error_log eval
qr/\[info\] .*playfab: caller not authenticated: .*X-API-Key/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 7: several keys in the file: each caller is named by its own key's name
--- user_files eval
key_file()
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body()]
--- more_headers eval
["Content-Type: application/json\nX-API-Key: $Test::Base::Filter::Key{matchmaker}",
 "Content-Type: application/json\nX-API-Key: $Test::Base::Filter::Key{'ops-console'}",
 "Content-Type: application/json\nX-API-Key: $Test::Base::Filter::Key{'game-backend'}"]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Subject: matchmaker", "X-Subject: ops-console", "X-Subject: game-backend"]
--- response_body_like eval
[descriptor(), descriptor(), descriptor()]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 8: in front of a plain proxy_pass location: the right key passes and is named
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /stats {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/stats;
    }
--- request
GET /stats
--- more_headers eval
"X-API-Key: $Test::Base::Filter::Key{'ops-console'}"
--- error_code: 200
--- response_headers
X-Subject: ops-console
!WWW-Authenticate
--- response_body_like: \A\{"GetEntityToken":0,
--- no_error_log
[error]
[alert]
[crit]
caller not authenticated



=== TEST 9: in front of a plain proxy_pass location: a wrong key or none is 401, logged at info
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /stats {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/stats;
    }
--- request eval
["GET /stats", "GET /stats"]
--- more_headers eval
["X-API-Key: ops-wrong", ""]
--- error_code eval
[401, 401]
--- response_headers eval
["Content-Type: application/problem+json\nWWW-Authenticate: ApiKey\n!X-Subject",
 "Content-Type: application/problem+json\nWWW-Authenticate: ApiKey\n!X-Subject"]
--- response_body_like eval
[unauthorized(), unauthorized()]
--- error_log eval
qr/\[info\] .*playfab: caller not authenticated: /
--- no_error_log
[error]
[alert]
[crit]



=== TEST 10: in front of a static file: the right key passes and is named
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /index.html {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
    }
--- request
GET /index.html
--- more_headers eval
"X-API-Key: $Test::Base::Filter::Key{matchmaker}"
--- error_code: 200
--- response_headers
X-Subject: matchmaker
Content-Type: text/html
!WWW-Authenticate
--- response_body_like: It works!
--- no_error_log
[error]
[alert]
[crit]
caller not authenticated



=== TEST 11: in front of a static file: no key is 401, logged at info
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /index.html {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
    }
--- request
GET /index.html
--- error_code: 401
--- response_headers
Content-Type: application/problem+json
WWW-Authenticate: ApiKey
!X-Subject
--- response_body_like eval
unauthorized()
--- error_log eval
qr/\[info\] .*playfab: caller not authenticated: .*X-API-Key/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 12: satisfy any with allow 127.0.0.1: a request without a key passes, without WWW-Authenticate
--- user_files eval
key_file()
--- config
    location = /index.html {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
    }
--- request
GET /index.html
--- error_code: 200
--- response_headers
Content-Type: text/html
!WWW-Authenticate
--- response_body_like: It works!
--- no_error_log
[error]
[alert]
[crit]



=== TEST 13: satisfy any with deny all: a valid key alone passes, no key is 401
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /index.html {
        satisfy any;
        deny all;
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
    }
--- request eval
["GET /index.html", "GET /index.html"]
--- more_headers eval
["X-API-Key: $Test::Base::Filter::Key{'game-backend'}", ""]
--- error_code eval
[200, 401]
--- response_headers eval
["X-Subject: game-backend\n!WWW-Authenticate",
 "Content-Type: application/problem+json\nWWW-Authenticate: ApiKey"]
--- response_body_like eval
[qr/It works!/, unauthorized()]
--- no_error_log
[alert]
[crit]



=== TEST 14: satisfy all with deny all refuses a valid key with 403
--- log_level: info
--- user_files eval
key_file()
--- config
    location = /v1/party {
        satisfy all;
        deny all;
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=0 RequestPartyService=0 ValidateEntityToken=0
--- more_headers eval
"Content-Type: application/json\nX-API-Key: $Test::Base::Filter::Key{'game-backend'}"
--- error_code: 403
--- response_headers eval
"Content-Type: application/problem+json\nCache-Control: no-store"
--- response_body_like eval
qr/\A\{(?=.*"status":403[,}])(?=.*"code":"forbidden"[,}]).*\}\z/s
--- error_log
access forbidden by rule
--- no_error_log
[alert]
[crit]
caller not authenticated



=== TEST 15: playfab_auth off in a location of a server with api_key lets everyone through
--- log_level: info
--- user_files eval
key_file()
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;

    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location = /open {
        playfab_auth off;
        return 200 "subject=[$playfab_auth_subject] method=[$playfab_auth_method]\n";
    }
    location = /index.html {
        playfab_auth off;
    }
    location = /closed.html {
        alias $TEST_NGINX_HTML_DIR/index.html;
    }
--- request eval
["POST /v1/party\n" . party_body(), "GET /open", "GET /index.html"]
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200, 200]
--- response_headers eval
["Content-Type: application/json", undef, "!WWW-Authenticate"]
--- response_body_like eval
[descriptor(), qr/\Asubject=\[\] method=\[\]\n\z/, qr/It works!/]
--- no_error_log
[error]
[alert]
[crit]
caller not authenticated



=== TEST 16: beside those playfab_auth off locations, the server's api_key still refuses a request without a key
--- log_level: info
--- user_files eval
key_file()
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;

    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location = /open {
        playfab_auth off;
        return 200 "subject=[$playfab_auth_subject] method=[$playfab_auth_method]\n";
    }
    location = /index.html {
        playfab_auth off;
    }
    location = /closed.html {
        alias $TEST_NGINX_HTML_DIR/index.html;
    }
--- request
GET /closed.html
--- error_code: 401
--- response_headers
Content-Type: application/problem+json
WWW-Authenticate: ApiKey
--- response_body_like eval
unauthorized()
--- error_log eval
qr/\[info\] .*playfab: caller not authenticated: .*X-API-Key/
--- no_error_log
[error]
[alert]
[crit]



=== TEST 17: a location inherits the server's api_key: the right key passes there and is named
--- user_files eval
key_file()
--- config
    playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;

    location = /v1/party {
        add_header X-Subject $playfab_auth_subject always;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
"Content-Type: application/json\nX-API-Key: $Test::Base::Filter::Key{'ops-console'}"
--- error_code: 200
--- response_headers
X-Subject: ops-console
--- response_body_like eval
descriptor()
--- no_error_log
[error]
[alert]
[crit]



=== TEST 18: the caller's API key, right or wrong, never reaches error.log, debug level included
--- log_level: debug
--- user_files eval
key_file()
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- more_headers eval
["Content-Type: application/json\nX-API-Key: $Test::Base::Filter::Key{'game-backend'}",
 "Content-Type: application/json\nX-API-Key: gb-wrong-key-0000"]
--- error_code eval
[200, 401]
--- response_body_like eval
[descriptor(), unauthorized()]
--- error_log eval
qr/http header: "X-API-Key: \*+/
--- no_error_log eval
[$Test::Base::Filter::Key{'game-backend'}, 'gb-wrong-key-0000',
 '[error]', '[alert]', '[crit]']
