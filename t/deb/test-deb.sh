#!/usr/bin/env bash
#
# Test the Debian package:
#
#   t/deb/test-deb.sh [file.deb]            (./build.sh test)
#   t/deb/test-deb.sh --install [file.deb]  (./build.sh test deb)
#
# (default file: built with build-deb.sh).
#
# By default nothing on this machine changes: the package is extracted
# (dpkg-deb -x) into a temporary root; its control fields, files and
# maintainer scripts are checked, apt-get --simulate says whether it would
# install here, and the stock nginx, with its own prefix (nginx -p), loads
# the extracted module through the extracted modules-available snippet
# and answers one party request.
#
# --install installs the package on this machine instead: checks its
# files and the modules-enabled link, runs the stock "nginx -t" and the
# same party request with the installed module, then removes and purges
# it.  Needs root (prints "skipped: needs root" otherwise); whatever
# happens the package is purged, so the system nginx configuration is
# left as found.
#
# Either way the request goes to a throwaway nginx (its own prefix, pid,
# logs and ports on 127.0.0.1) and the PlayFab emulator, never to the
# system service.  Prints TAP.

set -euo pipefail

INSTALL=no
if [ "${1:-}" = --install ]; then
    INSTALL=yes
    shift
fi

if [ "$INSTALL" = yes ] && [ "$(id -u)" != 0 ]; then
    echo "skipped: needs root"
    exit 0
fi

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG=libnginx-mod-http-playfab-party
MODULE=ngx_http_playfab_party_module
CONF=mod-http-playfab-party.conf
LINK=/etc/nginx/modules-enabled/50-$CONF

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
stripped() { ! readelf -S "$1" | grep '\.symtab' >/dev/null; }

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

# The files of the package under the root $1 ("" for this machine's).
package_files() {
    local root=$1
    SO=$root/usr/lib/nginx/modules/$MODULE.so
    AVAILABLE=$root/usr/share/nginx/modules-available/$CONF
    DOC=$root/usr/share/doc/$PKG
    check "the module is in $root/usr/lib/nginx/modules" present "$SO"
    check "the module is stripped" stripped "$SO"
    check "modules-available has its load_module line" \
        grep -qx "load_module modules/$MODULE.so;" "$AVAILABLE"
    check "docs, copyright and changelog in $DOC" \
        present "$DOC"/{README.md,docs/directives.md,docs/example.conf,copyright,changelog.gz}
}

# One party request through a throwaway nginx that loads the module with
# the snippet(s) $1 from the modules directory $2.
party_request() {
    local include=$1 modules=$2 emu port code
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

    # Relative paths are under the prefix $TMP.  The snippet loads
    # "modules/...so" relative to the prefix, as the stock prefix
    # /usr/share/nginx does through its modules link: give $TMP the same.
    ln -sfn "$modules" "$TMP/modules"
    cat > "$TMP/nginx.conf" <<CONF
include $include;
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
    check "nginx -t passes with the module" \
        quietly /usr/sbin/nginx -t -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/error.log"
    check "a throwaway nginx starts with the module" \
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
}

# apt-get --simulate: the package installs here with what is installed
# (its nginx ABI, libraries), nothing else to install or remove.
simulate_install() {
    apt-get -s install "$DEB" >"$TMP/apt.log" 2>&1 \
        || { sed 's/^/# /' "$TMP/apt.log"; return 1; }
    if [ "$(grep -c '^\(Inst\|Remv\) ' "$TMP/apt.log")" != 1 ] \
        || ! grep -q "^Inst $PKG " "$TMP/apt.log"
    then
        sed 's/^/# /' "$TMP/apt.log"
        return 1
    fi
}

# dpkg's view of every package, to show that the default test leaves it
# as it was.
packages() { dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' | sort; }

# The package unpacked into $TMP/root: nothing on this machine changes.
test_extracted() {
    local x=$TMP/root ctl=$TMP/control f before
    before=$(packages)

    check "dpkg-deb -x $(basename "$DEB")" quietly dpkg-deb -x "$DEB" "$x"
    check "dpkg-deb -e $(basename "$DEB")" quietly dpkg-deb -e "$DEB" "$ctl"
    check "control: Package $PKG" \
        grep -qx "Package: $PKG" "$ctl/control"
    check "control: Architecture $(dpkg --print-architecture)" \
        grep -qx "Architecture: $(dpkg --print-architecture)" "$ctl/control"
    check "control: Depends on the nginx ABI of nginx-dev" \
        grep -q "^Depends: $(sed -n 's/^nginx:abi=//p' \
            /usr/share/nginx/src/debian/libnginx-mod.abisubstvars)," "$ctl/control"
    check "md5sums match the files" \
        quietly sh -c "cd '$x' && md5sum --quiet -c '$ctl/md5sums'"
    for f in postinst prerm postrm; do
        check "$f is an executable sh script" \
            sh -c "[ -x '$ctl/$f' ] && sh -n '$ctl/$f'"
    done
    check "postinst links the snippet into modules-enabled" \
        grep -q 'ln -sf "/usr/share/nginx/modules-available/$conf" "$link"' "$ctl/postinst"
    check "apt-get --simulate would install it, and nothing else" \
        simulate_install

    package_files "$x"
    party_request "$AVAILABLE" "$x/usr/lib/nginx/modules"

    check "this machine's packages are as they were" [ "$(packages)" = "$before" ]
}

# The package installed on this machine, then removed and purged.
test_installed() {
    if [ "$(status)" != not-installed ]; then
        echo "skipped: $PKG is on this system ($(status)); the test would remove it"
        exit 0
    fi

    check "stock nginx -t passes before the install" stock_nginx_t

    # --- install ----------------------------------------------------------
    INSTALLED=yes
    check "dpkg -i $(basename "$DEB")" quietly dpkg -i "$DEB"
    check "$PKG is installed" [ "$(status)" = installed ]
    package_files ""
    check "modules-enabled links it" [ "$(readlink "$LINK")" = "$AVAILABLE" ]
    check "stock nginx -t passes with the module enabled" stock_nginx_t

    # --- one party request through the installed module -------------------
    party_request "/etc/nginx/modules-enabled/*.conf" /usr/lib/nginx/modules

    # --- remove, purge ----------------------------------------------------
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
}

TMP=$(mktemp -d)
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# the workers (nobody) get to their temp directories under it
chmod 755 "$TMP"

DEB=${1:-$("$ROOT/t/deb/build-deb.sh")}
[ -f "$DEB" ] || fail "no package at $DEB"
DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")

if [ "$INSTALL" = yes ]; then
    test_installed
else
    test_extracted
fi

echo "1..$n"
