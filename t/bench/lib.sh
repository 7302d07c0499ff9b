# shellcheck shell=bash disable=SC2034  # sets variables for its callers
#
# Shared by run.sh and profile.sh: the scratch directory, the PlayFab
# mock, nginx with the module, the scenarios, wrk.  Everything listens on
# 127.0.0.1 and every process started here is stopped by its pid on exit.
#
# The caller sets BASE_PORT, then calls setup_dir; the ports are
# BASE_PORT (nginx with the module), +1 (the mock), +2 (token_server.py).

# errexit in $(...) too: a failed wrk run stops the benchmark
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=$ROOT/t/bench
NGINX=${NGINX:-/usr/sbin/nginx}
MODULE_SO=${MODULE_SO:-$ROOT/build/nginx/objs/ngx_http_playfab_party_module.so}
BODY=$BENCH/party.json

SECRET=bench-secret-key
API_KEY=bench-api-key
CONNECTIONS=${CONNECTIONS:-32}
MOCK_WORKERS=${MOCK_WORKERS:-1}
TOKEN_DELAY_MS=${TOKEN_DELAY_MS:-200}
# tokens of the *_new scenarios, sent in turn: far more than the 256 a
# worker remembers per location, so that every request verifies one
JWT_NEW_TOKENS=${JWT_NEW_TOKENS:-2000}

PIDS=()           # background processes still running, stopped by cleanup
LAST_PID=         # the process start_nginx started last

log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }


# --- processes -------------------------------------------------------

# A fresh scratch directory DIR, with a copy of the module: a rebuild by
# someone else during the run does not change what is measured.
setup_dir() {
    DIR=$1
    [ -f "$MODULE_SO" ] || die "no $MODULE_SO: run ./build.sh first"
    rm -rf "$DIR"
    mkdir -p "$DIR"/conf "$DIR"/logs "$DIR"/tmp "$DIR"/keys "$DIR"/creds
    cp -p "$MODULE_SO" "$DIR/"
    SO=$DIR/$(basename "$MODULE_SO")
    PORT=$BASE_PORT
    MOCK_PORT=$((BASE_PORT + 1))
    TOKEN_PORT=$((BASE_PORT + 2))
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}

stop_pid() {
    local pid=$1 p keep=()
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do
        [ "$p" = "$pid" ] || keep+=("$p")
    done
    PIDS=("${keep[@]}")
}

# install_missing COMMAND PACKAGE: the Debian package if COMMAND is absent
install_missing() {
    command -v "$1" >/dev/null && return 0
    local sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    log "installing $2"
    $sudo apt-get install -y -qq "$2" >/dev/null 2>&1 \
        || { $sudo apt-get update -qq \
             && $sudo apt-get install -y -qq "$2" >/dev/null; } \
        || die "cannot install $2"
}

# render TEMPLATE OUT KEY=VALUE...: replaces every @KEY@ of TEMPLATE
render() {
    local text kv
    text=$(<"$1")
    for kv in "${@:3}"; do
        text=${text//"@${kv%%=*}@"/"${kv#*=}"}
    done
    printf '%s\n' "$text" > "$2"
}

# start_nginx CONF [DIRECTIVES [WRAPPER...]]: nginx in the foreground of
# a background job (under WRAPPER, e.g. valgrind), so that LAST_PID is
# its master (or only) process; DIRECTIVES are added with -g
start_nginx() {
    local conf=$1 extra=${2:-}
    "${@:3}" "$NGINX" -p "$DIR" -c "$conf" -e "$DIR/logs/startup.log" \
        -g "daemon off; $extra" &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# wait_http URL [TRIES]: until something answers at URL (any status)
wait_http() {
    local _
    for _ in $(seq "${2:-100}"); do
        curl -s -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    die "nothing answers at $1 (logs: $DIR/logs/)"
}

# The worker of a one-worker nginx whose master is $1
worker_of() {
    awk '{ print $1 }' "/proc/$1/task/$1/children"
}


# --- the mock and nginx with the module -----------------------------

start_mock() {
    python3 "$BENCH/token_server.py" --port "$TOKEN_PORT" --secret "$SECRET" \
        --delay-ms "$TOKEN_DELAY_MS" 2>"$DIR/logs/token-server.log" &
    PIDS+=("$!")
    render "$BENCH/mock.conf" "$DIR/conf/mock.conf" DIR="$DIR" \
        MOCK_WORKERS="$MOCK_WORKERS" MOCK_PORT="$MOCK_PORT" \
        TOKEN_PORT="$TOKEN_PORT"
    start_nginx "$DIR/conf/mock.conf"
    wait_http "http://127.0.0.1:$MOCK_PORT/Party/RequestPartyService"
    wait_http "http://127.0.0.1:$TOKEN_PORT/"
}

# GetEntityToken calls the mock has received so far
token_calls() {
    wc -l < "$DIR/logs/GetEntityToken.log" 2>/dev/null || echo 0
}

# sc_url NAME: the scenario's URL: the party location, or the game API
# location that proxy_passes to the mock
sc_url() {
    if [ "${SC_KIND[$1]}" = party ]; then
        printf 'http://127.0.0.1:%s/v1/party/%s\n' "$PORT" "$1"
    else
        printf 'http://127.0.0.1:%s/api/%s\n' "$PORT" "$1"
    fi
}

# module_conf OUT WORKERS ACCESS_LOG SCENARIO...: nginx.conf with the
# baseline and one location per scenario
module_conf() {
    local out=$1 workers=$2 access=$3 locations='' location name path last
    shift 3
    for name in "$@"; do
        path=/v1/party/$name last='playfab_party;'
        if [ "${SC_KIND[$name]}" = proxy ]; then
            path=/api/$name
            last='proxy_pass http://mock_upstream/Party/RequestPartyService;'
        fi
        printf -v location '\n%8s%s\n%12s%s\n%12s%s\n%8s}' \
            '' "location = $path {" \
            '' "${SC_AUTH[$name]//@KEYS@/$DIR/keys}" \
            '' "$last" ''
        locations+=$location
    done
    render "$BENCH/module.conf" "$out" DIR="$DIR" SO="$SO" \
        WORKERS="$workers" PORT="$PORT" MOCK_PORT="$MOCK_PORT" \
        ACCESS_LOG="$access" LOCATIONS="$locations"
}

# start_module WORKERS ACCESS_LOG SCENARIO...: sets MODULE_PID (master)
start_module() {
    module_conf "$DIR/conf/nginx.conf" "$@"
    start_nginx "$DIR/conf/nginx.conf"
    MODULE_PID=$LAST_PID
    wait_http "http://127.0.0.1:$PORT/baseline"
}


# --- scenarios and credentials --------------------------------------

declare -A SC_KIND SC_RATIO SC_P99 SC_AUTH SC_HEADER SC_CREDS
SC_NAMES=()

# scenario KIND NAME RATIO P99 AUTH HEADER CREDENTIAL-COMMAND...: see
# scenarios.sh
scenario() {
    case $1 in party|proxy) ;; *) die "scenario $2: kind $1" ;; esac
    SC_NAMES+=("$2")
    SC_KIND[$2]=$1
    SC_RATIO[$2]=$3
    SC_P99[$2]=$4
    SC_AUTH[$2]=$5
    SC_HEADER[$2]=$6
    SC_CREDS[$2]=${*:7}
}

# The key material of every scenario, and the title secret
make_keys() {
    local k=$DIR/keys alg
    printf '%s\n' "$SECRET" > "$k/secret"
    chmod 600 "$k/secret"
    printf '%s' "$API_KEY" | sha256sum | awk '{ print "bench", $1 }' \
        > "$k/api-keys"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
        -out "$k/rs256.key" 2>/dev/null
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$k/es256.key" 2>/dev/null
    openssl genpkey -algorithm ED25519 -out "$k/eddsa.key" 2>/dev/null
    (umask 077 && openssl rand -hex 32 > "$k/hs256.key")
    for alg in rs256 es256 eddsa; do
        openssl pkey -in "$k/$alg.key" -pubout -out "$k/$alg.pub"
    done
    for alg in rs256 es256; do
        python3 "$BENCH/jwks.py" "$k/$alg.pub" > "$k/$alg.jwks"
    done
}

# credential VALUE: the same value on every request
credential() {
    printf '%s\n' "$1"
}

# jwt_tokens KEY ALG COUNT: COUNT tokens signed with keys/KEY.key
jwt_tokens() {
    python3 "$BENCH/mint_jwt.py" "$DIR/keys/$1.key" "$2" "$3"
}

# The file of header values for scenario $1 (made on first use, shared
# by the scenarios with the same credentials)
creds_file() {
    local f=$DIR/creds/${SC_CREDS[$1]// /_} cmd
    if [ ! -s "$f" ]; then
        read -r -a cmd <<< "${SC_CREDS[$1]}"
        "${cmd[@]}" > "$f" || { rm -f "$f"; die "$1: cannot make credentials"; }
    fi
    printf '%s\n' "$f"
}

# supported NAME: does nginx -t accept the scenario's directives?
supported() {
    local conf=$DIR/conf/test-$1.conf
    module_conf "$conf" 1 off "$1"
    "$NGINX" -t -q -p "$DIR" -c "$conf" -e "$DIR/logs/startup.log" \
        >"$DIR/logs/test-$1.log" 2>&1
}

# check_scenario NAME: one request answered 200 with a descriptor?
check_scenario() {
    local name=$1 value status reply
    value=$(head -1 "$(creds_file "$name")")
    reply=$DIR/logs/check-$name.json
    status=$(curl -s -o "$reply" -w '%{http_code}' \
        -H 'Content-Type: application/json' \
        -H "${SC_HEADER[$name]}: $value" --data-binary "@$BODY" \
        "$(sc_url "$name")") || status=000
    [ "$status" = 200 ] && grep -q '"SerializedNetworkDescriptor"' "$reply" \
        && return 0
    log "$name: HTTP $status $(head -c 300 "$reply")"
    return 1
}


# --- wrk ------------------------------------------------------------

# wrk_run URL SECONDS CONNECTIONS SCENARIO LOG: drives URL with the
# scenario's credentials; prints "requests req/s p50-ms p99-ms non2xx
# errors".  wrk stops early, exit status 0, on SIGINT: so a run shorter
# than asked is an interruption (bash does not act on a SIGINT that its
# foreground child handled).
wrk_run() {
    local url=$1 seconds=$2 conns=$3 name=$4 out=$5 result
    BENCH_BODY=$BODY BENCH_HEADER=${SC_HEADER[$name]} \
    BENCH_CREDENTIALS=$(creds_file "$name") \
        wrk -t1 -c"$conns" -d"${seconds}s" --latency \
            -s "$BENCH/party.lua" "$url" > "$out" 2>&1 \
        || { cat "$out" >&2; die "wrk failed against $url"; }
    result=$(awk -v want="$seconds" '/^BENCH / {
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            if (v["duration_us"] < want * 0.9e6) exit 1
            printf "%d %.1f %.3f %.3f %d %d\n", v["requests"],
                v["requests"] * 1e6 / v["duration_us"],
                v["p50_us"] / 1000, v["p99_us"] / 1000,
                v["non2xx"], v["errors"]
         }' "$out") || result=''
    [ -n "$result" ] \
        || die "wrk stopped before ${seconds}s against $url (interrupted?)"
    printf '%s\n' "$result"
}

# wrk_requests URL COUNT SCENARIO LOG: at least COUNT requests, in runs
# sized from the rate of the previous one; prints "requests failed"
# (failed: non-2xx and socket errors)
wrk_requests() {
    local url=$1 count=$2 name=$3 out=$4 total=0 failed=0 seconds=2 line r
    while [ "$total" -lt "$count" ]; do
        line=$(wrk_run "$url" "$seconds" "$CONNECTIONS" "$name" "$out")
        read -r -a r <<< "$line"
        total=$((total + r[0]))
        failed=$((failed + r[4] + r[5]))
        seconds=$(awk -v left=$((count - total)) -v rate="${r[1]}" 'BEGIN {
            s = int(left / (rate > 0 ? rate : 1)) + 1
            print (s > 600) ? 600 : s }')
    done
    printf '%d %d\n' "$total" "$failed"
}

# shellcheck source=t/bench/scenarios.sh
. "$BENCH/scenarios.sh"
