# Idempotency-Key: a retried party request gets the same descriptor back,
# without a second allocation at PlayFab.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;

# TEST 8 and TEST 12 add a second server on $TEST_NGINX_FANOUT_PORT
# (set by PlayfabTest)

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the same key and body replays the first response, PlayFab called once, the metrics count it
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
    location = /metrics {
        playfab_status;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body(),
 "GET /metrics"]
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"
--- error_code eval
[200, 200, 200]
--- response_headers eval
["!Idempotent-Replayed", "Idempotent-Replayed: true", ""]
--- response_body_like eval
[qr/\A\{"PartyId":"([0-9a-f-]{36})"/, qr/\A\{"PartyId":"[0-9a-f-]{36}"/,
 qr/(?=.*^playfab_idempotency_total\{result="stored"\} 1$)(?=.*^playfab_idempotency_total\{result="replayed"\} 1$)(?=.*^playfab_idempotency_total\{result="mismatch"\} 0$)/ms]
--- no_error_log
[error]



=== TEST 2: the same key with another body is 422, PlayFab not called again
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body('NetworkConfiguration.MaxUsers' => 4)]
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: k-3
--- error_code eval
[200, 422]
--- response_body_like eval
[qr/PartyId/, qr/"code":"idempotency_mismatch"/]



=== TEST 3: different keys are different parties
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
    location = /a {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/v1/party;
        proxy_set_header Idempotency-Key k-a;
    }
    location = /b {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/v1/party;
        proxy_set_header Idempotency-Key k-b;
    }
--- request eval
["POST /a\n" . party_body(), "POST /b\n" . party_body()]
--- playfab_calls: RequestPartyService=2
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/PartyId/, qr/PartyId/]



=== TEST 4: a request PlayFab refused (4xx) releases the key: the retry reaches PlayFab
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- playfab_emulator
{"faults": {"RequestPartyService": {"times": 1, "status": 400,
  "envelope": {"code": 400, "status": "BadRequest", "error": "PartyBadRequest",
               "errorCode": 1432, "errorMessage": "refused"}}}}
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- playfab_calls: RequestPartyService=2
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: k-5
--- error_code eval
[400, 200]
--- response_body_like eval
[qr/playfab_rejected/, qr/PartyId/]



=== TEST 5: a request whose outcome is unknown (503): the log says that its Idempotency-Key answers 409 now
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- playfab_emulator
{"faults": {"RequestPartyService": {"times": 1, "status": 503}}}
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: k-5u
--- error_code: 503
--- response_body_like: playfab_unavailable
--- error_log
its Idempotency-Key answers 409 now
--- no_error_log
[error]



=== TEST 6: after an unknown outcome (503), retries with the key get 409 and another body 422; PlayFab is called once
The request of TEST 5, then its retries.
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- playfab_emulator
{"faults": {"RequestPartyService": {"times": 1, "status": 503}}}
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
    location = /metrics {
        playfab_status;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body(),
 "POST /v1/party\n" . party_body('NetworkConfiguration.MaxUsers' => 4),
 "GET /metrics"]
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: k-5u
--- error_code eval
[503, 409, 422, 200]
--- response_body_like eval
[qr/playfab_unavailable/, qr/"code":"idempotency_outcome_unknown"/,
 qr/"code":"idempotency_mismatch"/,
 qr/^playfab_idempotency_total\{result="unknown"\} 1$/m]
--- no_error_log
[error]



=== TEST 7: a RequestPartyService that timed out keeps the key as unknown too
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- playfab_emulator
{"faults": {"RequestPartyService": {"times": 1, "delay_ms": 1500}}}
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
    location /_playfab/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        proxy_read_timeout 500ms;
        subrequest_output_buffer_size 64k;
    }
--- request eval
["POST /v1/party\n" . party_body(), "GET /emu/sleep?ms=1200",
 "POST /v1/party\n" . party_body()]
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: k-timeout
--- error_code eval
[504, 200, 409]
--- response_body_like eval
[qr/playfab_timeout/, qr/ok/, qr/"code":"idempotency_outcome_unknown"/]



=== TEST 8: a retry while the first is in flight waits for its answer
The mirror sends the same request again while PlayFab holds the first
for 500 ms: both get the party, PlayFab allocates once.  nginx closes
the client's connection only once the mirror is done.
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    server {
        listen 127.0.0.1:$TEST_NGINX_FANOUT_PORT;
        location = /v1/party {
            playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
            playfab_party_idempotency on;
            playfab_party;
        }
        location /_playfab/ {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        }
    }
--- config
    location = /fanout {
        mirror /m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }
    location = /m {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }
--- playfab_emulator
{"faults": {"RequestPartyService": {"delay_ms": 500}}}
--- request eval
"POST /fanout\n" . party_body()
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: k-6
--- error_code: 200
--- response_body_like: PartyId
--- error_log
playfab: Idempotency-Key in flight, waiting
--- no_error_log
[error]



=== TEST 9: a malformed key is refused
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
--- request eval
"POST /v1/party\n" . party_body()
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: ""
--- error_code: 400
--- response_body_like: "field":"Idempotency-Key"



=== TEST 10: without the directive the header is ignored
--- config
    location = /v1/party {
        playfab_auth off;
        playfab_party;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /v1/party\n" . party_body()]
--- playfab_calls: RequestPartyService=2
--- more_headers
Content-Type: application/json
Idempotency-Key: k-8
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/PartyId/, qr/PartyId/]



=== TEST 11: keys are per caller: another API key does not see the record
--- user_files eval
">>> keys\n" . api_key_line('a', 'ka') . api_key_line('b', 'kb')
--- config
    location = /v1/party {
        playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
        playfab_party_idempotency on;
        playfab_party;
    }
    location = /as-b {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/v1/party;
        proxy_set_header X-API-Key kb;
    }
--- request eval
["POST /v1/party\n" . party_body(), "POST /as-b\n" . party_body()]
--- playfab_calls: RequestPartyService=2
--- more_headers
Content-Type: application/json
X-API-Key: ka
Idempotency-Key: k-9
--- error_code eval
[200, 200]
--- response_headers eval
["!Idempotent-Replayed", "!Idempotent-Replayed"]
--- response_body_like eval
[qr/PartyId/, qr/PartyId/]



=== TEST 12: a retry still waiting when its bound runs out gets 409, and PlayFab allocates once
The mirror sends the same request again while PlayFab holds the first
for 2 s; the retry waits playfab_token_wait (500 ms), then gives up.
--- user_files eval
">>> keys\n" . api_key_line('svc', 'k-svc')
--- http_config
    playfab_zone playfab:1m;
    playfab_title_id $TEST_NGINX_PLAYFAB_TITLE;
    playfab_secret_key env:TEST_NGINX_PLAYFAB_SECRET;
    log_format retry '$status $playfab_error';
    server {
        listen 127.0.0.1:$TEST_NGINX_FANOUT_PORT;
        access_log logs/retry.log retry;
        location = /v1/party {
            playfab_auth api_key $TEST_NGINX_HTML_DIR/keys;
            playfab_party_idempotency on;
            playfab_token_wait 500ms;
            playfab_party;
        }
        location /_playfab/ {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_EMU_PORT/;
        }
    }
--- config
    location = /fanout {
        mirror /m;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }
    location = /m {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_FANOUT_PORT/v1/party;
    }
    location = /retry-log {
        alias logs/retry.log;
    }
--- playfab_emulator
{"faults": {"RequestPartyService": {"delay_ms": 2000}}}
--- request eval
["POST /fanout\n" . party_body(), "GET /retry-log"]
--- playfab_calls: RequestPartyService=1
--- more_headers
Content-Type: application/json
X-API-Key: k-svc
Idempotency-Key: k-9
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/PartyId/, qr/^409 idempotency_conflict$/m]
--- timeout: 6
--- no_error_log
[alert]
