# The title secret key and the title entity tokens never leak: not into
# error.log (debug level included: nginx's proxy dumps the subrequests'
# headers there, redacted), not into responses or variables, and the
# client's own headers never reach PlayFab nor replace ours.
#
# The emulator's secret is "emu-secret-key" and every title token it
# issues starts with "EMUTOKEN-".

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

repeat_each(1);    # the blocks assert exact emulator counters
no_shuffle();
log_level('debug');


# Helpers for the "--- xxx eval" sections, which Test::Base compiles in
# the package Test::Base::Filter.
package Test::Base::Filter;

# what must never show: the secret key and any title token
sub secrets {
    return ['emu-secret-key', 'EMUTOKEN-', '[error]', '[alert]', '[crit]'];
}

# what shows that the test would see a leak: the proxy's debug dump of
# the subrequests' headers, one line per header and the whole request
sub redacted_headers {
    return [
        qr/http proxy header: "X-SecretKey: \*{14}/,
        qr/http proxy header: "X-EntityToken: \*{20,}/,
        qr/\AX-SecretKey: \*{14}\r?$/,
        qr/\AX-EntityToken: \*{20,}\r?$/,
    ];
}

# without_secrets(REGEX): REGEX, for a body in which neither the secret key
# nor a title token appears
sub without_secrets {
    my ($re) = @_;
    return qr/\A(?!.*(?:emu-secret-key|EMUTOKEN)).*?$re/s;
}

sub descriptor {
    return qr/\A\{"PartyId":"[0-9a-f-]{36}","InvitationId":"[0-9a-f-]{36}","SerializedNetworkDescriptor":"[A-Za-z0-9+\/]+=*"\}\z/;
}

# the client's credentials and forwarding headers, for PlayFab to never see
sub client_headers {
    return join "\n",
        'Content-Type: application/json',
        'X-API-Key: gb-3f9a1c7e5d2b4a60',
        'Authorization: Bearer client-bearer-token',
        'Cookie: session=client-session-cookie',
        'X-Forwarded-For: 203.0.113.7',
        'X-Real-IP: 203.0.113.7',
        'X-SecretKey: client-forged-secret',
        'X-EntityToken: client-forged-token',
        'User-Agent: game-backend/1.0',
        'Accept-Encoding: gzip, deflate';
}


package main;

run_tests();

__DATA__

=== TEST 1: a token fetch and a party call log neither the secret key nor the token, though the proxy dumps those headers
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_headers eval
"!X-SecretKey\n!X-EntityToken"
--- response_body_like eval
without_secrets(descriptor())
--- error_log eval
redacted_headers()
--- no_error_log eval
secrets()



=== TEST 2: a token refused by PlayFab and replaced: the retried flow logs neither token
--- playfab_emulator
{"faults":{"RequestPartyService":{"times":1,"status":401,"envelope":{"code":401,"status":"Unauthorized","error":"EntityTokenExpired","errorCode":1336,"errorMessage":"expired"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=2 RequestPartyService=2 tokens_issued=2
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like eval
without_secrets(descriptor())
--- error_log eval
[@{ redacted_headers() }, qr/\[warn\] .*playfab: .*RequestPartyService/]
--- no_error_log eval
secrets()



=== TEST 3: a token revoked between two requests: the second request's retry logs neither token
The second request has the emulator revoke every token issued so far
(its auth_request) before it asks for a party with the cached one.
--- skip_eval: 23: PlayfabTest::lacks_module('http_auth_request_module')
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
    location = /v1/party-after-revoke {
        auth_request /revoke;
        playfab_auth off;
        playfab_party;
    }
    location = /revoke {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/_emu/revoke;
        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party-after-revoke\n" . party_body()]
--- playfab_calls: GetEntityToken=2 RequestPartyService=3 tokens_issued=2
--- more_headers
Content-Type: application/json
--- error_code eval
[200, 200]
--- response_body_like eval
[without_secrets(descriptor()), without_secrets(descriptor())]
--- error_log eval
redacted_headers()
--- no_error_log eval
secrets()



=== TEST 4: GetEntityToken gets only the module's headers, none of the client's
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
client_headers()
--- error_code: 200
--- response_body_like eval
descriptor()
--- playfab_emulator_check eval
['headers/GetEntityToken' => qr/\Acontent-length\ncontent-type\nhost\nx-secretkey\n\z/]
--- no_error_log
emu-secret-key
EMUTOKEN-
[error]
[alert]
[crit]



=== TEST 5: RequestPartyService gets only the module's headers, none of the client's
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers eval
client_headers()
--- error_code: 200
--- response_body_like eval
descriptor()
--- playfab_emulator_check eval
['headers/RequestPartyService' => qr/\Acontent-length\ncontent-type\nhost\nx-entitytoken\n\z/]
--- no_error_log
emu-secret-key
EMUTOKEN-
[error]
[alert]
[crit]



=== TEST 6: the client's own X-SecretKey and X-EntityToken replace neither ours: PlayFab sees the title's secret and token 1
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=1 tokens_issued=1 token_index/RequestPartyService=1
--- more_headers eval
client_headers()
--- error_code: 200
--- response_body_like eval
descriptor()
--- no_error_log
emu-secret-key
EMUTOKEN-
[error]
[alert]
[crit]



=== TEST 7: the 502 for a wrong secret key contains neither our secret key nor a token
--- playfab_emulator
{"secret":"other"}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_headers
Content-Type: application/problem+json
!X-SecretKey
!X-EntityToken
--- response_body_like eval
without_secrets(qr/"code":"playfab_configuration"/)
--- error_log eval
qr/http proxy header: "X-SecretKey: \*{14}/
--- no_error_log
emu-secret-key
EMUTOKEN-
[alert]
[crit]



=== TEST 8: the 502 for a token refused twice contains no token, and the log neither
--- playfab_emulator
{"faults":{"RequestPartyService":{"status":401,"envelope":{"code":401,"status":"Unauthorized","error":"EntityTokenInvalid","errorCode":1335,"errorMessage":"X-EntityToken is not valid"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 502
--- response_headers
Content-Type: application/problem+json
!X-SecretKey
!X-EntityToken
--- response_body_like eval
without_secrets(qr/"code":"playfab_configuration"/)
--- error_log eval
redacted_headers()
--- no_error_log
emu-secret-key
EMUTOKEN-
[alert]
[crit]



=== TEST 9: a 4xx relaying PlayFab's refusal contains neither the secret key nor a token
--- playfab_emulator
{"faults":{"RequestPartyService":{"envelope":{"code":400,"status":"BadRequest","error":"PartyBadRequest","errorCode":1434,"errorMessage":"emulated: bad party"}}}}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_headers
!X-SecretKey
!X-EntityToken
--- response_body_like eval
without_secrets(qr/"code":"playfab_rejected"/)
--- error_log eval
redacted_headers()
--- no_error_log eval
secrets()



=== TEST 10: $playfab_auth_subject and $playfab_auth_method hold the caller's name and method, nothing secret
--- user_files eval
[['keys', api_key_line('game-backend', 'gb-3f9a1c7e5d2b4a60')]]
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        add_header X-Subject $playfab_auth_subject always;
        add_header X-Auth-Method $playfab_auth_method always;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-API-Key: gb-3f9a1c7e5d2b4a60
--- error_code: 200
--- response_headers
X-Subject: game-backend
X-Auth-Method: api_key
!X-SecretKey
!X-EntityToken
--- response_body_like eval
descriptor()
--- no_error_log eval
secrets()



=== TEST 11: a secret key with a double quote in it is redacted whole
The secret may be any printable characters without spaces
(docs/directives.md); nginx's debug lines quote header values with '"'.
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key file:$TEST_NGINX_HTML_DIR/secret;
--- user_files eval
[['secret', qq{emu"quoted-secret-key\n}]]
--- playfab_emulator
{"secret":"emu\"quoted-secret-key"}
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: GetEntityToken=1 RequestPartyService=1
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like eval
descriptor()
--- error_log eval
qr/http proxy header: "X-SecretKey: \*{3}/
--- no_error_log
quoted-secret-key
EMUTOKEN-
[error]
[alert]
[crit]
