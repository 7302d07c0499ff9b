#!/usr/bin/env bash
#
# Where the time of the api_key hot path goes.
#
#   t/bench/profile.sh
#
# The mock and the configuration of run.sh, but nginx in a single process
# (master_process off), profiled while wrk sends it PROFILE_REQUESTS
# requests, then prints the top functions.  Under perf record -g when the
# CPU's counters work (perf stat -e instructions), else under valgrind
# --tool=callgrind, which also counts the instructions per request of
# the baseline location, for comparison.
#
# Environment:
#   PROFILER=perf|callgrind  instead of the automatic choice
#   PROFILE_REQUESTS         default 200000 under perf, 20000 under callgrind
#   BASE_PORT=3190           ports BASE_PORT..BASE_PORT+2 on 127.0.0.1

set -euo pipefail

BASE_PORT=${BASE_PORT:-3190}

# shellcheck source=t/bench/lib.sh
. "$(dirname "$0")/lib.sh"

MODULE_URL=
BASELINE_URL=


choose_profiler() {
    if [ -z "${PROFILER:-}" ]; then
        PROFILER=callgrind
        if command -v perf >/dev/null \
            && perf stat -x, -e instructions true 2>&1 >/dev/null \
               | grep -q '^[0-9]'
        then
            PROFILER=perf
        fi
    fi
    case $PROFILER in
        perf)      install_missing perf linux-perf
                   PROFILE_REQUESTS=${PROFILE_REQUESTS:-200000} ;;
        callgrind) install_missing valgrind valgrind
                   PROFILE_REQUESTS=${PROFILE_REQUESTS:-20000} ;;
        *)         die "PROFILER must be perf or callgrind" ;;
    esac
    log "profiler: $PROFILER, $PROFILE_REQUESTS requests"
}

# nginx with the api_key scenario in one process, possibly under valgrind
start_single() {
    local wrapper=()
    module_conf "$DIR/conf/nginx.conf" 1 off api_key
    if [ "$PROFILER" = callgrind ]; then
        wrapper=(valgrind --tool=callgrind --instr-atstart=no
                 "--callgrind-out-file=$DIR/callgrind.out"
                 "--log-file=$DIR/logs/valgrind.log")
    fi
    start_nginx "$DIR/conf/nginx.conf" "master_process off;" "${wrapper[@]}"
    MODULE_PID=$LAST_PID
    MODULE_URL=http://127.0.0.1:$PORT/v1/party/api_key
    BASELINE_URL=http://127.0.0.1:$PORT/baseline
    wait_http "$BASELINE_URL" 600
    check_scenario api_key || die "api_key does not answer"
    wrk_run "$MODULE_URL" 1 "$CONNECTIONS" api_key \
        "$DIR/logs/wrk-warmup-module.log" > /dev/null
    wrk_run "$BASELINE_URL" 1 "$CONNECTIONS" api_key \
        "$DIR/logs/wrk-warmup-baseline.log" > /dev/null
}

# drive URL for PROFILE_REQUESTS requests; prints how many were made
drive() {
    local line r
    line=$(wrk_requests "$1" "$PROFILE_REQUESTS" api_key "$DIR/logs/wrk-$2.log")
    read -r -a r <<< "$line"
    [ "${r[1]}" = 0 ] || die "$2: ${r[1]} requests failed"
    log "$2: ${r[0]} requests"
    echo "${r[0]}"
}

profile_perf() {
    local perf_pid
    perf record -g -p "$MODULE_PID" -o "$DIR/perf.data" \
        2>"$DIR/logs/perf-record.log" &
    perf_pid=$!
    drive "$MODULE_URL" module > /dev/null
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    stop_pid "$MODULE_PID"

    printf '\nperf, api_key: self time by function\n\n'
    perf report -i "$DIR/perf.data" --stdio --no-children -g none \
        -F overhead,dso,sym --percent-limit 0.3 2>/dev/null \
        | awk '!/^#/ && NF && n++ < 40'
}

# instructions in callgrind dump $1, per request
per_request() {
    awk -v n="$2" '/^(summary|totals):/ { print int($2 / n); exit }' "$1"
}

profile_callgrind() {
    local nb nm base=$DIR/callgrind.out.1 module=$DIR/callgrind.out.2
    callgrind_control -i on "$MODULE_PID" > /dev/null 2>&1
    nb=$(drive "$BASELINE_URL" baseline)
    callgrind_control -d baseline "$MODULE_PID" > /dev/null 2>&1
    nm=$(drive "$MODULE_URL" module)
    callgrind_control -d module "$MODULE_PID" > /dev/null 2>&1
    stop_pid "$MODULE_PID"

    printf '\ncallgrind: instructions per request, user space of the nginx'
    printf ' process\n(the kernel, wrk and the mock are not counted)\n'
    printf '  baseline %s, api_key %s\n' \
        "$(per_request "$base" "$nb")" "$(per_request "$module" "$nm")"
    printf '\napi_key, self cost:\n'
    callgrind_annotate "$module" 2>/dev/null \
        | awk '/^Ir/ { on = 1 } on && n++ < 40'
    printf '\napi_key, the module and cJSON, inclusive cost:\n'
    callgrind_annotate --inclusive=yes "$module" 2>/dev/null \
        | awk '/playfab|cJSON/ && /\[/ && n++ < 25'
}

main() {
    install_missing wrk wrk
    choose_profiler
    setup_dir "$ROOT/build/bench/profile"
    make_keys
    start_mock
    start_single
    "profile_$PROFILER"
    printf '\n(data in %s)\n' "$DIR"
}

main "$@"
