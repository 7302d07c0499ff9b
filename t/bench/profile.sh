#!/usr/bin/env bash
#
# Where the time of the hot paths goes.
#
#   t/bench/profile.sh
#
# The mock and the configuration of run.sh, but nginx in a single process
# (master_process off), profiled while wrk sends it PROFILE_REQUESTS
# requests, then prints the top functions.  Under perf record -g when the
# CPU's counters work (perf stat -e instructions), else under valgrind
# --tool=callgrind, which counts the instructions per request of each
# scenario and of the baseline location given the same request: a
# figure that does not move with the machine's load.
#
# Environment:
#   PROFILER=perf|callgrind  instead of the automatic choice
#   PROFILE_REQUESTS         default 200000 under perf, 10000 under callgrind
#   PROFILE_SCENARIOS        scenarios of scenarios.sh, default: all but
#                            the new-token ones (perf profiles the first
#                            one only)
#   BASE_PORT=3190           ports BASE_PORT..BASE_PORT+2 on 127.0.0.1
#   MODULE_SO                the module to load (default: this build's)

set -euo pipefail

BASE_PORT=${BASE_PORT:-3190}

# shellcheck source=t/bench/lib.sh
. "$(dirname "$0")/lib.sh"

MODULE_URL=
BASELINE_URL=
if [ -n "${PROFILE_SCENARIOS:-}" ]; then
    read -r -a PROFILED <<< "$PROFILE_SCENARIOS"
else
    PROFILED=()
    for name in "${SC_NAMES[@]}"; do
        [[ $name = *_new ]] || PROFILED+=("$name")
    done
fi


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
                   PROFILE_REQUESTS=${PROFILE_REQUESTS:-10000} ;;
        *)         die "PROFILER must be perf or callgrind" ;;
    esac
    log "profiler: $PROFILER, $PROFILE_REQUESTS requests"
}

# nginx with the scenarios in one process, possibly under valgrind
start_single() {
    local wrapper=() name
    module_conf "$DIR/conf/nginx.conf" 1 off "${PROFILED[@]}"
    if [ "$PROFILER" = callgrind ]; then
        wrapper=(valgrind --tool=callgrind --instr-atstart=no
                 "--callgrind-out-file=$DIR/callgrind.out"
                 "--log-file=$DIR/logs/valgrind.log")
    fi
    start_nginx "$DIR/conf/nginx.conf" "master_process off;" "${wrapper[@]}"
    MODULE_PID=$LAST_PID
    MODULE_URL=$(sc_url "${PROFILED[0]}")
    BASELINE_URL=http://127.0.0.1:$PORT/baseline
    wait_http "$BASELINE_URL" 600
    for name in "${PROFILED[@]}"; do
        check_scenario "$name" || die "$name does not answer"
        wrk_run "$(sc_url "$name")" 1 "$CONNECTIONS" \
            "$name" "$DIR/logs/wrk-warmup-$name.log" > /dev/null
    done
    wrk_run "$BASELINE_URL" 1 "$CONNECTIONS" "${PROFILED[0]}" \
        "$DIR/logs/wrk-warmup-baseline.log" > /dev/null
}

# drive URL for PROFILE_REQUESTS requests with scenario $3's credentials;
# prints how many were made
drive() {
    local line r
    line=$(wrk_requests "$1" "$PROFILE_REQUESTS" "$3" "$DIR/logs/wrk-$2.log")
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
    drive "$MODULE_URL" module "${PROFILED[0]}" > /dev/null
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    stop_pid "$MODULE_PID"

    printf '\nperf, %s: self time by function\n\n' "${PROFILED[0]}"
    perf report -i "$DIR/perf.data" --stdio --no-children -g none \
        -F overhead,dso,sym --percent-limit 0.3 2>/dev/null \
        | awk '!/^#/ && NF && n++ < 40'
}

# instructions in callgrind dump $1, per request
per_request() {
    awk -v n="$2" '/^(summary|totals):/ { print int($2 / n); exit }' "$1"
}

# Each scenario, then the baseline driven with the same request (the
# same body and credential header, which nginx parses and proxies too):
# callgrind.out.1, .2 for the first scenario and its baseline, .3, .4...
profile_callgrind() {
    local n nb name i=1 a b first=$DIR/callgrind.out.1
    callgrind_control -i on "$MODULE_PID" > /dev/null 2>&1

    printf '\ncallgrind: instructions per request, user space of the nginx'
    printf ' process\n(the kernel, wrk and the mock are not counted); the'
    printf ' baseline gets the\nsame request as the scenario\n\n'
    printf '  %-16s %9s %9s %8s %6s\n' scenario module baseline delta ratio

    for name in "${PROFILED[@]}"; do
        n=$(drive "$(sc_url "$name")" "$name" "$name")
        callgrind_control -d "$name" "$MODULE_PID" > /dev/null 2>&1
        nb=$(drive "$BASELINE_URL" "baseline-$name" "$name")
        callgrind_control -d "baseline-$name" "$MODULE_PID" > /dev/null 2>&1
        a=$(per_request "$DIR/callgrind.out.$i" "$n")
        b=$(per_request "$DIR/callgrind.out.$((i + 1))" "$nb")
        printf '  %-16s %9d %9d %+8d %6.2f\n' "$name" "$a" "$b" \
            $((a - b)) "$(awk -v a="$a" -v b="$b" 'BEGIN { print a / b }')"
        i=$((i + 2))
    done
    stop_pid "$MODULE_PID"

    printf '\n%s, self cost:\n' "${PROFILED[0]}"
    callgrind_annotate "$first" 2>/dev/null \
        | awk '/^Ir/ { on = 1 } on && n++ < 40'
    printf '\n%s, the module and cJSON, inclusive cost:\n' "${PROFILED[0]}"
    callgrind_annotate --inclusive=yes "$first" 2>/dev/null \
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
