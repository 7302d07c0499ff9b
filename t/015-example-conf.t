# docs/example.conf, the configuration the docs tell studios to start
# from, loads in the stock nginx and serves a party.  Only what cannot
# exist on a test machine is substituted: the PlayFab host (no DNS here)
# and the paths of the TLS certificate, secret and API key files.

use Test::Nginx::Socket 'no_plan';
use lib 't/lib';
use PlayfabTest;
use File::Temp qw(tempdir);

my $dir = tempdir(CLEANUP => 1);
system("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=edge"
       . " -keyout $dir/edge.key -out $dir/edge.crt >/dev/null 2>&1") == 0
    or die "openssl req failed\n";
open my $fh, '>', "$dir/secret" or die;
print $fh "$ENV{TEST_NGINX_PLAYFAB_SECRET}\n";
close $fh;
chmod 0600, "$dir/secret";
open $fh, '>', "$dir/api-keys" or die;
print $fh api_key_line('game-backend', 'k-example');
close $fh;

open $fh, '<', 'docs/example.conf' or die "docs/example.conf: $!\n";
my $conf = do { local $/; <$fh> };
close $fh;
$conf =~ s{/etc/nginx/tls/}{$dir/}g;
$conf =~ s{/etc/nginx/playfab/}{$dir/}g;
$ENV{TEST_NGINX_EXAMPLE_PORT} ||= 1991;
$conf =~ s{server ABCD1\.playfabapi\.com:443;}{server 127.0.0.1:$ENV{TEST_NGINX_EMU_PORT};};
$conf =~ s{https://playfab_api/}{http://playfab_api/};
$conf =~ s{listen 443 ssl;}{listen 127.0.0.1:$ENV{TEST_NGINX_EXAMPLE_PORT} ssl;};
$conf =~ s{ABCD1}{$ENV{TEST_NGINX_PLAYFAB_TITLE}}g;
$ENV{TEST_NGINX_EXAMPLE_CONF} = $conf;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: docs/example.conf serves a party over TLS with its policy
The request goes through the example's own server block (TLS, API key,
policy) via a plain proxy location of the test server.
--- http_config
    $TEST_NGINX_EXAMPLE_CONF
--- config
    location = /t {
        proxy_pass https://127.0.0.1:$TEST_NGINX_EXAMPLE_PORT/v1/party;
        proxy_ssl_verify off;
    }
--- request
POST /t
{"NetworkConfiguration":{"MaxUsers":16,"MaxDevices":16,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,"MaxEndpointsPerDevice":4,"DirectPeerConnectivityOptions":"AnyPlatformType"}}
--- more_headers
Content-Type: application/json
X-API-Key: k-example
--- error_code: 200
--- response_body_like: ^\{"PartyId":"[0-9a-f-]{36}","InvitationId":"[^"]+","SerializedNetworkDescriptor":"[A-Za-z0-9+/=]+"\}$
--- no_error_log
[error]
[warn]



=== TEST 2: the example's policy reaches PlayFab: default regions, forced options
--- http_config
    $TEST_NGINX_EXAMPLE_CONF
--- config
    location = /t {
        proxy_pass https://127.0.0.1:$TEST_NGINX_EXAMPLE_PORT/v1/party;
        proxy_ssl_verify off;
    }
--- request eval
["POST /t\n{\"NetworkConfiguration\":{\"MaxUsers\":16,\"MaxDevices\":16,\"MaxUsersPerDevice\":1,\"MaxDevicesPerUser\":1,\"MaxEndpointsPerDevice\":4,\"DirectPeerConnectivityOptions\":\"AnyPlatformType\"}}",
 "GET /emu/last/RequestPartyService"]
--- more_headers
Content-Type: application/json
X-API-Key: k-example
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"PartyId"/,
 qr/"PreferredRegions":\["EastUs","WestUs","NorthEurope","WestEurope"\].*"DirectPeerConnectivityOptions":"None"/]
--- no_error_log
[error]



=== TEST 3: the example refuses a caller without its API key
--- http_config
    $TEST_NGINX_EXAMPLE_CONF
--- config
    location = /t {
        proxy_pass https://127.0.0.1:$TEST_NGINX_EXAMPLE_PORT/v1/party;
        proxy_ssl_verify off;
    }
--- request eval
"POST /t\n" . party_body()
--- more_headers
Content-Type: application/json
--- error_code: 401
--- response_headers
WWW-Authenticate: ApiKey
Content-Type: application/problem+json
--- response_body_like: "code":"unauthorized"
