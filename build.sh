#!/usr/bin/env bash
#
# ngx_http_playfab_party: install what is missing, build the dynamic
# module against the installed nginx, and run it.
#
#   ./build.sh            install dependencies, build the module
#   ./build.sh test       build, then the unit tests, the Test::Nginx suite
#                         with the dynamic module, nginx with the module
#                         built in (--add-module) and the suite against it,
#                         the Debian package (extracted, not installed),
#                         the suite again under ASan/UBSan, and 10 s of
#                         fuzzing per parser
#   ./build.sh test static  only nginx with the module built in, and the
#                         suite against it
#   ./build.sh test deb   install the Debian package on this machine, run
#                         it, remove and purge it (needs root)
#   ./build.sh test asan  the module built with AddressSanitizer and UBSan
#                         (loaded into the stock nginx via LD_PRELOAD),
#                         the unit tests and the suite
#   ./build.sh test valgrind  the suites that are not about timing, with
#                         nginx under valgrind's memcheck
#   ./build.sh fuzz [s]   build the libFuzzer harnesses of t/fuzz/ with clang
#                         and run each for s seconds (default 60)
#   ./build.sh bench      build, then the benchmark of t/bench/ (module vs
#                         nginx's own proxying, on 127.0.0.1; a few minutes)
#   ./build.sh soak [s]   build, then s seconds (default 120) of mixed load,
#                         random PlayFab faults and bad input, with checks
#   ./build.sh deb        build, then libnginx-mod-http-playfab-party_*.deb
#                         in build/deb/ (Debian's module package layout)
#   ./build.sh demo       build, start the PlayFab emulator and nginx on
#                         127.0.0.1, request one party with curl
#
# TEST_NGINX_LIB=/path/to/test-nginx/lib ./build.sh test  runs the suites
# on openresty's Test::Nginx (a checkout of openresty/test-nginx) instead
# of ours, t/lib/runner; the ASan suite stays on ours, which alone fails
# a block on a sanitizer report.
#
# NGINX_SRC=/path/to/nginx-source ./build.sh  builds nginx and the module
# from your own nginx tree (a release or a git checkout), configured with
# NGINX_CONFIGURE_ARGS (default "--with-compat --with-debug
# --with-http_ssl_module": the suite reads debug-level traces, and the
# module talks to PlayFab over TLS); "test" then runs the unit tests and
# the suite with that nginx, dynamic and static (not the package, ASan or
# fuzzing, which are about the installed nginx and the module's own
# code).  Without NGINX_SRC the static build uses Debian's source
# package of nginx (fetched into build/debian-src/).

set -euo pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
BUILD=$ROOT/build
MODULE=ngx_http_playfab_party_module
NGX_BUILD=$BUILD/nginx
SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer"

PACKAGES=(nginx nginx-dev libcjson-dev libssl-dev gcc make perl
          libtest-base-perl python3 curl ca-certificates)
# nginx itself, built with the module in it: Debian's source package
# (apt-get source needs dpkg-dev) and nginx's build dependencies
STATIC_PACKAGES=(dpkg-dev libpcre2-dev zlib1g-dev)
# openresty's Test::Nginx (TEST_NGINX_LIB=/path/to/test-nginx/lib) needs
REAL_TEST_NGINX_PACKAGES=(libtext-diff-perl libtest-longstring-perl
    liblist-moreutils-perl libhttp-message-perl liburi-perl libwww-perl
    libipc-run-perl)
# NGINX_SRC's configure arguments unless NGINX_CONFIGURE_ARGS says
NGX_TEST_FLAGS="--with-compat --with-debug --with-http_ssl_module"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

install_deps() {
    local missing=() p
    for p in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    log "installing ${missing[*]}"
    local sudo=
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || die "run as root or install sudo: need ${missing[*]}"
        sudo=sudo
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
}

# What to build against: the installed nginx (nginx-dev's tree of
# headers, Debian's configure flags and compiler options), or NGINX_SRC
# configured with NGINX_CONFIGURE_ARGS.
nginx_settings() {
    CC_OPT= LD_OPT=
    if [ -n "${NGINX_SRC:-}" ]; then
        NGX_SRC=$(cd "$NGINX_SRC" && pwd)
        read -r -a NGX_FLAGS <<< "${NGINX_CONFIGURE_ARGS:-$NGX_TEST_FLAGS}"
    else
        NGX_SRC=/usr/share/nginx/src
        [ -f $NGX_SRC/conf_flags ] || die "nginx-dev did not install $NGX_SRC"
        # shellcheck disable=SC1091
        . $NGX_SRC/conf_flags
        NGX_FLAGS=("${NGX_CONF_FLAGS[@]}")
        # the compiler and linker options Debian built nginx with
        # (-O2, stack protector, fortify, relro), which conf_flags omits
        CC_OPT=$(/usr/sbin/nginx -V 2>&1 | sed -n "s/.*--with-cc-opt='\([^']*\)'.*/\1/p")
        LD_OPT=$(/usr/sbin/nginx -V 2>&1 | sed -n "s/.*--with-ld-opt='\([^']*\)'.*/\1/p")
    fi
    CC_OPT="$CC_OPT${EXTRA_CC_OPT:+ $EXTRA_CC_OPT}"
    LD_OPT="$LD_OPT${EXTRA_CC_OPT:+ $EXTRA_CC_OPT}"
}

# configure_nginx DIR SRC --add-module=...: a copy of the tree SRC in
# DIR, configured once (again when config or the flags change), then
# rebuilt incrementally.
configure_nginx() {
    local dir=$1 src=$2 add=$3 stamp want configure
    stamp=$dir/.playfab-configured
    want="$src $(md5sum "$ROOT/config" | cut -d' ' -f1) ${NGX_FLAGS[*]} $CC_OPT $LD_OPT $add"
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0

    log "configuring nginx from $src (${add%%=*})"
    rm -rf "$dir"
    mkdir -p "$BUILD"
    cp -a "$src" "$dir"
    # a release tarball has ./configure, a git checkout auto/configure
    configure=./configure
    [ -x "$dir/configure" ] || configure=auto/configure
    (cd "$dir" && $configure "${NGX_FLAGS[@]}" \
        ${CC_OPT:+--with-cc-opt="$CC_OPT"} \
        ${LD_OPT:+--with-ld-opt="$LD_OPT"} \
        "$add" >"$dir.configure.log" 2>&1) \
        || { tail -30 "$dir.configure.log"; die "configure failed"; }
    echo "$want" > "$stamp"
}

# make_nginx DIR [TARGET]: fails on an error or a compiler warning.
make_nginx() {
    local dir=$1
    shift
    make -s -j2 -C "$dir" -f objs/Makefile "$@" >"$dir.make.log" 2>&1 \
        || { grep -E 'error|warning' "$dir.make.log" | head -40; die "build failed"; }
    if grep -q 'warning:' "$dir.make.log"; then
        grep -A3 'warning:' "$dir.make.log" | head -40
        die "the build has warnings ($dir.make.log)"
    fi
}

# The dynamic module, and the nginx to load it into: the installed one,
# or (NGINX_SRC) the one built from the same tree with the same flags,
# as nginx requires of a dynamic module.
build_module() {
    nginx_settings
    configure_nginx "$NGX_BUILD" "$NGX_SRC" --add-dynamic-module="$ROOT"
    if [ -n "${NGINX_SRC:-}" ]; then
        log "building nginx and $MODULE.so from $NGX_SRC"
        make_nginx "$NGX_BUILD"
        NGINX_BIN=$NGX_BUILD/objs/nginx
    else
        log "building $MODULE.so"
        make_nginx "$NGX_BUILD" modules
        NGINX_BIN=/usr/sbin/nginx
    fi
    SO=$NGX_BUILD/objs/$MODULE.so

    # a dynamic module links with symbols left undefined: one of ours
    # would fail only when nginx loads it (a source missing from config)
    if nm -u "$SO" | grep -E ' (ngx_http_)?playfab_' >&2; then
        die "$SO leaves the module's own symbols undefined (see config)"
    fi

    log "built $SO"
}

# nginx with the module built in (./configure --add-module), from
# NGINX_SRC or from Debian's source package of nginx (nginx-dev has the
# headers only).
build_static() {
    local src
    nginx_settings
    if [ -n "${NGINX_SRC:-}" ]; then
        src=$NGX_SRC
    else
        src=$(debian_nginx_source)
    fi
    configure_nginx "$BUILD/nginx-static" "$src" --add-module="$ROOT"
    log "building nginx with $MODULE built in, from $src"
    make_nginx "$BUILD/nginx-static"
    STATIC_BIN=$BUILD/nginx-static/objs/nginx
    log "built $STATIC_BIN"
}

# Debian's source package of nginx, unpacked (patches applied) under
# build/debian-src/.  apt reads a deb-src list of its own, made from the
# host's Debian entries, with its indexes under build/apt/: the host's
# apt configuration and lists are left as they are.
debian_nginx_source() {
    local apt=$BUILD/apt dir codename opts
    dir=$(find "$BUILD/debian-src" -maxdepth 1 -type d -name 'nginx-1.*' \
          2>/dev/null | sort | tail -1)
    if [ -n "$dir" ]; then
        echo "$dir"
        return 0
    fi

    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    rm -rf "$apt" "$BUILD/debian-src"
    mkdir -p "$apt/lists/partial" "$apt/sources.list.d" "$BUILD/debian-src"
    # the deb822 stanzas and one-line entries of the host's release
    awk -v cn="$codename" 'BEGIN { RS = ""; ORS = "\n\n" }
        $0 ~ "Suites:[^\n]*" cn && $0 ~ /Types:[^\n]*deb/ {
            sub(/Types:[^\n]*/, "Types: deb-src"); print }' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null \
        > "$apt/sources.list.d/debian-src.sources"
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | sed -n "s/^deb \(.* $codename[ -].*\)/deb-src \1/p" \
        > "$apt/sources.list"
    opts=(-q -o Dir::Etc::SourceList="$apt/sources.list"
          -o Dir::Etc::SourceParts="$apt/sources.list.d"
          -o Dir::State::Lists="$apt/lists"
          -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)

    log "fetching Debian's nginx source package"
    apt-get "${opts[@]}" update >"$apt/update.log" 2>&1 \
        || { tail -20 "$apt/update.log" >&2; die "apt-get update (deb-src) failed"; }
    # the newest source, else the release's own (a mirror may lack the
    # newest security upload's files)
    (cd "$BUILD/debian-src" \
        && { apt-get "${opts[@]}" source nginx || apt-get "${opts[@]}" source "nginx/$codename"; } \
        ) >"$apt/source.log" 2>&1 \
        || { tail -20 "$apt/source.log" >&2; die "apt-get source nginx failed"; }
    dir=$(find "$BUILD/debian-src" -maxdepth 1 -type d -name 'nginx-1.*' | sort | tail -1)
    [ -n "$dir" ] || die "apt-get source nginx left no nginx-1.* tree"
    echo "$dir"
}

unit_tests() {
    local t bin fail=0
    mkdir -p "$BUILD/unit"
    for t in "$ROOT"/t/unit/test_*.c; do
        bin=$BUILD/unit/$(basename "$t" .c)
        cc -std=gnu99 -Wall -Wextra -Werror -g -O0 \
            -fsanitize=address,undefined -fno-omit-frame-pointer \
            -I"$ROOT/src" "$t" "$ROOT"/src/playfab_*.c \
            -lcjson -lcrypto -o "$bin"
        if "$bin" > "$bin.out" 2>&1; then
            log "unit $(basename "$bin"): $(tail -1 "$bin.out" | sed 's/^# //')"
        else
            cat "$bin.out"; fail=1
        fi
    done
    return $fail
}

emulator_tests() {
    python3 "$ROOT/t/lib/test_emulator.py" >"$BUILD/emulator-test.log" 2>&1 \
        || { tail -30 "$BUILD/emulator-test.log"; return 1; }
    log "emulator: $(grep -E '^(OK|Ran)' "$BUILD/emulator-test.log" | tr '\n' ' ')"
}

suite() {
    suite_files -r t/
}

# The suite runs on our runner (t/lib/runner), or on openresty's
# Test::Nginx when TEST_NGINX_LIB names its lib/ directory: the same
# files, the same results.  RUNNER=ours forces ours (the ASan suite: only
# ours fails a block on a sanitizer report or a crashed worker).
suite_files() {
    local lib=$ROOT/t/lib:$ROOT/t/lib/runner
    if [ -n "${TEST_NGINX_LIB:-}" ] && [ "${RUNNER:-}" != ours ]; then
        lib=$TEST_NGINX_LIB:$ROOT/t/lib
    fi
    (cd "$ROOT" && PERL5LIB=$lib${PERL5LIB:+:$PERL5LIB} \
        TEST_NGINX_BINARY=${TEST_NGINX_BINARY:-$NGINX_BIN} \
        TEST_NGINX_LOAD_MODULES=${TEST_NGINX_LOAD_MODULES-$SO} prove "$@")
}

# The same suite against nginx with the module built in: nothing to load.
suite_static() {
    log "the suite against $STATIC_BIN (module built in)"
    TEST_NGINX_BINARY=$STATIC_BIN TEST_NGINX_LOAD_MODULES= suite
}

# memcheck makes nginx some 20 times slower: the suites whose blocks
# depend on timing (expiry, delays, concurrency) are left to the others.
suite_valgrind() {
    (cd "$ROOT" && TEST_NGINX_BINARY=$ROOT/t/valgrind/nginx TEST_NGINX_TIMEOUT=20 \
        suite_files t/010-party.t t/030-validation.t t/040-policy.t \
            t/070-auth-api-key.t t/080-secrets.t t/100-auth-entity.t \
            t/130-log-variables.t t/150-idempotency.t)
}

# The stock nginx is not instrumented: the sanitizer runtimes are
# preloaded; leaks are not checked (nginx frees its pools at exit only
# in part), every other report fails the block ("no worker crash").
suite_asan() {
    RUNNER=ours \
    LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        suite
}

demo() {
    local dir=$BUILD/demo port=8780 emu=8781 out
    rm -rf "$dir"; mkdir -p "$dir/logs" "$dir/conf"
    stop_demo quiet

    python3 "$ROOT/t/lib/playfab_emulator.py" --listen 127.0.0.1:$emu \
        --secret demo-secret-key --title-id DEMO1 --quiet \
        --pid-file "$dir/emulator.pid" >"$dir/logs/emulator.log" 2>&1 &
    printf 'demo-secret-key\n' > "$dir/conf/secret"
    chmod 600 "$dir/conf/secret"
    printf '# name sha256(key)\ndemo-service %s\n' \
        "$(printf 'demo-api-key' | sha256sum | cut -d' ' -f1)" > "$dir/conf/api-keys"

    # docs/example.conf as a studio writes it, pointed at the emulator
    sed -e "s#/etc/nginx/playfab/#$dir/conf/#g" \
        -e "s#^\( *\)server ABCD1.playfabapi.com:443;#\1server 127.0.0.1:$emu;#" \
        -e "s#https://playfab_api/#http://playfab_api/#" \
        -e "s#listen 443 ssl;#listen 127.0.0.1:$port;#" \
        -e "/ssl_certificate/d" \
        -e "s#ABCD1#DEMO1#g" \
        "$ROOT/docs/example.conf" > "$dir/conf/site.conf"
    cat > "$dir/conf/nginx.conf" <<CONF
load_module $SO;
pid $dir/nginx.pid;
error_log $dir/logs/error.log info;
events { worker_connections 256; }
http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    include $dir/conf/site.conf;
}
CONF
    /usr/sbin/nginx -t -q -p "$dir" -c "$dir/conf/nginx.conf"
    /usr/sbin/nginx -p "$dir" -c "$dir/conf/nginx.conf"

    wait_http "http://127.0.0.1:$emu/_emu/stats"
    wait_http "http://127.0.0.1:$port/v1/party"

    log "POST http://127.0.0.1:$port/v1/party"
    out=$(curl -sS -X POST "http://127.0.0.1:$port/v1/party" \
        -H 'X-API-Key: demo-api-key' -H 'Content-Type: application/json' \
        -d '{"PreferredRegions":["EastUs","WestEurope"],
             "NetworkConfiguration":{"MaxUsers":8,"MaxDevices":8,
             "MaxUsersPerDevice":1,"MaxDevicesPerUser":1,
             "MaxEndpointsPerDevice":4}}' -w '\nHTTP %{http_code}\n')
    printf '%s\n' "$out"
    cat <<INFO

The PlayFab emulator and nginx keep running on 127.0.0.1:$emu and :$port.
Logs: $dir/logs/.  Stop both with:
    ./build.sh demo-stop
INFO
    printf '%s\n' "$out" | grep -q '"SerializedNetworkDescriptor"' \
        || die "the demo request did not return a network descriptor"
}

wait_http() {
    local _
    for _ in $(seq 100); do
        curl -s -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    die "nothing answers at $1"
}

stop_demo() {
    local dir=$BUILD/demo f
    for f in "$dir/nginx.pid" "$dir/emulator.pid"; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
    done
    [ "${1:-}" = quiet ] || log "demo stopped"
}

if [ -n "${TEST_NGINX_LIB:-}" ]; then
    TEST_NGINX_LIB=$(cd "$TEST_NGINX_LIB" && pwd) \
        || die "TEST_NGINX_LIB: no directory $TEST_NGINX_LIB"
    [ -f "$TEST_NGINX_LIB/Test/Nginx/Socket.pm" ] \
        || die "TEST_NGINX_LIB: no Test/Nginx/Socket.pm in $TEST_NGINX_LIB (give test-nginx's lib/)"
    PACKAGES+=("${REAL_TEST_NGINX_PACKAGES[@]}")
fi

cmd=${1:-build}
case $cmd in
    build)     install_deps; build_module ;;
    test)
        install_deps
        case ${2:-} in
        asan)
            NGX_BUILD=$BUILD/nginx-asan EXTRA_CC_OPT=$SANITIZE build_module
            unit_tests; suite_asan ;;
        valgrind)
            install_deps valgrind; build_module; suite_valgrind ;;
        static)
            install_deps "${STATIC_PACKAGES[@]}"; build_static; suite_static ;;
        deb)
            # installs the package on this machine, then purges it
            build_module
            "$ROOT/t/deb/test-deb.sh" --install "$("$ROOT/t/deb/build-deb.sh" "$SO")" ;;
        '')
            install_deps "${STATIC_PACKAGES[@]}"
            build_module; unit_tests; emulator_tests; suite
            build_static; suite_static
            # Debian's package, ASan and fuzzing are about the installed
            # nginx and the module's own code: not repeated for NGINX_SRC
            if [ -z "${NGINX_SRC:-}" ]; then
                # checked extracted, not installed: the host's packages
                # are left as they are (./build.sh test deb installs it)
                "$ROOT/t/deb/test-deb.sh" "$("$ROOT/t/deb/build-deb.sh" "$SO")"
                # then the whole suite again under ASan/UBSan, and a short
                # fuzzing of every parser
                NGX_BUILD=$BUILD/nginx-asan EXTRA_CC_OPT=$SANITIZE build_module
                suite_asan
                install_deps clang libclang-rt-dev
                "$ROOT/t/fuzz/run.sh" "${FUZZ_SECONDS:-10}"
            fi ;;
        *)
            die "unknown test \"$2\" (asan, valgrind, static, deb)" ;;
        esac ;;
    deb)       install_deps; build_module; "$ROOT/t/deb/build-deb.sh" "$SO" ;;
    bench)     install_deps wrk; build_module; "$ROOT/t/bench/run.sh" ;;
    soak)      install_deps; build_module
               SOAK_MODULE=$SO "$ROOT/t/soak/run.sh" "${2:-120}" ;;
    fuzz)      install_deps clang libclang-rt-dev
               "$ROOT/t/fuzz/run.sh" "${2:-60}" ;;
    demo)      install_deps; build_module; demo ;;
    demo-stop) stop_demo ;;
    *)         die "unknown command \"$cmd\" (build, test, bench, soak, fuzz, deb, demo, demo-stop)" ;;
esac
