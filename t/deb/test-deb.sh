#!/usr/bin/env bash
#
# Install the Debian package on this machine, check its files and the
# modules-enabled link, run the stock "nginx -t" and one party request
# with the installed module, then remove and purge it:
#
#   t/deb/test-deb.sh [file.deb]     (default: build it with build-deb.sh)
#
# Needs root (prints "skipped: needs root" otherwise).  The request goes to
# a throwaway nginx (its own prefix, pid, logs and ports on 127.0.0.1) and
# the PlayFab emulator, never to the system service.  Whatever happens the
# package is purged, so the system nginx configuration is left as found.
# Prints TAP.

set -euo pipefail

if [ "$(id -u)" != 0 ]; then
    echo "skipped: needs root"
    exit 0
fi

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG=libnginx-mod-http-playfab-party
SO=/usr/lib/nginx/modules/ngx_http_playfab_party_module.so
AVAILABLE=/usr/share/nginx/modules-available/mod-http-playfab-party.conf
LINK=/etc/nginx/modules-enabled/50-mod-http-playfab-party.conf
DOC=/usr/share/doc/$PKG

n=0
ok()   { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; exit 1; }
# check "description" command...: one test, passing when the command does
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}

# Run a command, showing its output (as TAP comments) only when it fails.
quietly() {
    "$@" >"$TMP/cmd.log" 2>&1 || { sed 's/^/# /' "$TMP/cmd.log"; return 1; }
}

status() { dpkg-query -W -f='${db:Status-Status}' "$PKG" 2>/dev/null || echo not-installed; }
present() { local f; for f; do [ -f "$f" ] || return 1; done; }
absent() {
    local f
    for f; do
        if [ -e "$f" ] || [ -L "$f" ]; then return 1; fi
    done
}
stripped() { ! readelf -S "$SO" | grep '\.symtab' >/dev/null; }

# The stock configuration, as the nginx service loads it.
stock_nginx_t() { quietly /usr/sbin/nginx -t; }

wait_http() {
    local _
    for _ in $(seq 100); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.1
    done
    return 1
}

# Stop the throwaway nginx and the emulator; fails if one outlives 5 s.
stop_servers() {
    local f pid _ rc=0
    for f in "$TMP/nginx.pid" "$TMP/emulator.pid"; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        rm -f "$f"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || continue 2
            sleep 0.1
        done
        rc=1
    done
    return $rc
}

INSTALLED=no
cleanup() {
    stop_servers || true
    if [ "$INSTALLED" = yes ] && [ "$(status)" != not-installed ]; then
        dpkg -P "$PKG" >/dev/null 2>&1 || echo "# could not purge $PKG: dpkg -P $PKG" >&2
    fi
    rm -rf "$TMP"
}

if [ "$(status)" != not-installed ]; then
    echo "skipped: $PKG is on this system ($(status)); the test would remove it"
    exit 0
fi

TMP=$(mktemp -d)
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# the workers (nobody) get to their temp directories under it
chmod 755 "$TMP"

DEB=${1:-$("$ROOT/t/deb/build-deb.sh")}
[ -f "$DEB" ] || fail "no package at $DEB"

check "stock nginx -t passes before the install" stock_nginx_t

# --- install --------------------------------------------------------------
INSTALLED=yes
check "dpkg -i $(basename "$DEB")" quietly dpkg -i "$DEB"
check "$PKG is installed" [ "$(status)" = installed ]
check "the module is in /usr/lib/nginx/modules" present "$SO"
check "the module is stripped" stripped
check "modules-available has its load_module line" \
    grep -qx 'load_module modules/ngx_http_playfab_party_module.so;' "$AVAILABLE"
check "modules-enabled links it" [ "$(readlink "$LINK")" = "$AVAILABLE" ]
check "docs, copyright and changelog in $DOC" \
    present "$DOC"/{README.md,docs/directives.md,docs/example.conf,copyright,changelog.gz}
check "stock nginx -t passes with the module enabled" stock_nginx_t

# --- one party request through the installed module -----------------------
# two free ports on 127.0.0.1, for the emulator and nginx
read -r emu port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
python3 "$ROOT/t/lib/playfab_emulator.py" --listen "127.0.0.1:$emu" \
    --secret deb-secret-key --title-id DEB01 --quiet --exit-with-parent \
    --pid-file "$TMP/emulator.pid" >"$TMP/emulator.log" 2>&1 &
check "the PlayFab emulator answers" wait_http "http://127.0.0.1:$emu/_emu/stats"

printf 'deb-secret-key\n' > "$TMP/secret"
printf 'deb-test %s\n' "$(printf 'deb-api-key' | sha256sum | cut -d' ' -f1)" > "$TMP/api-keys"
chmod 600 "$TMP/secret" "$TMP/api-keys"

# Relative paths are under the prefix $TMP.  The modules-enabled snippet
# loads "modules/...so" relative to the prefix, as the stock prefix
# /usr/share/nginx does through its modules link: give $TMP the same link.
ln -s /usr/lib/nginx/modules "$TMP/modules"
cat > "$TMP/nginx.conf" <<CONF
include /etc/nginx/modules-enabled/*.conf;
pid nginx.pid;
error_log error.log info;
events { worker_connections 64; }
http {
    access_log access.log;
    client_body_temp_path body;
    proxy_temp_path proxy;
    fastcgi_temp_path fastcgi;
    uwsgi_temp_path uwsgi;
    scgi_temp_path scgi;

    playfab_zone playfab_deb:1m;

    server {
        listen 127.0.0.1:$port;

        location = /v1/party {
            playfab_auth        api_key $TMP/api-keys;
            playfab_title_id    DEB01;
            playfab_secret_key  file:$TMP/secret;
            playfab_party;
        }

        location /_playfab/ {
            internal;
            proxy_pass http://127.0.0.1:$emu/;
        }
    }
}
CONF
check "a throwaway nginx starts with the installed module" \
    /usr/sbin/nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/error.log"
check "it listens on 127.0.0.1:$port" wait_http "http://127.0.0.1:$port/v1/party"

code=$(curl -sS -o "$TMP/party.json" -w '%{http_code}' -X POST \
    "http://127.0.0.1:$port/v1/party" \
    -H 'X-API-Key: deb-api-key' -H 'Content-Type: application/json' \
    -d '{"PreferredRegions":["EastUs"],"NetworkConfiguration":{"MaxUsers":8,
         "MaxDevices":8,"MaxUsersPerDevice":1,"MaxDevicesPerUser":1,
         "MaxEndpointsPerDevice":4}}') || true
check "POST /v1/party: 200 (got $code)" [ "$code" = 200 ]
check "the response has a SerializedNetworkDescriptor" \
    grep -q '"SerializedNetworkDescriptor":"[^"]' "$TMP/party.json"

check "the throwaway nginx and the emulator stop" stop_servers

# --- remove, purge --------------------------------------------------------
check "dpkg -r $PKG" quietly dpkg -r "$PKG"
check "$PKG is removed" [ "$(status)" = config-files ]
check "the module and its snippet are gone" absent "$SO" "$AVAILABLE"
check "the modules-enabled link is gone" absent "$LINK"
check "... parked as .removed, as Debian's modules do" [ -L "$LINK.removed" ]
check "stock nginx -t passes after the removal" stock_nginx_t

check "dpkg -P $PKG" quietly dpkg -P "$PKG"
check "$PKG is purged" [ "$(status)" = not-installed ]
check "no modules-enabled link is left" absent "$LINK" "$LINK.removed"
check "stock nginx -t passes after the purge" stock_nginx_t

echo "1..$n"
