#!/usr/bin/env bash
#
# nginx with the module against the physical limit, nginx proxying the
# same POST once to the same PlayFab mock: the party path, and
# playfab_auth in front of a proxy_pass (a studio's own API).
#
#   t/bench/run.sh        (./build.sh bench)
#
# Starts on 127.0.0.1, in build/bench/run/: a static PlayFab mock (stock
# nginx, mock.conf), and nginx with the module (one worker) that has the
# baseline location and one location per scenario (scenarios.sh).  For
# each round and scenario, wrk drives the module's location, then the
# baseline (A B A B ...), so drift cancels in each pair.  Then the
# matrix (MATRIX_SCENARIOS with 1 and 2 workers, 32 and 256
# connections), a cold
# start (two workers, an empty token cache, 200 requests at once) and the
# worker's RSS over a long run.  Prints the table, also written to
# build/bench/run/report.txt.
#
# Environment:
#   DURATION=2         seconds per wrk run
#   ROUNDS=3           module/baseline pairs per scenario
#   MATRIX="1:256 2:32 2:256"  WORKERS:CONNECTIONS of the matrix run,
#                      besides 1 worker and CONNECTIONS; empty: none
#   MATRIX_SCENARIOS="api_key proxy_api_key"  the scenarios it runs
#   SCENARIOS="api_key ..."  the scenarios of scenarios.sh to run ("all":
#                      every one; default: all but SC_EXTRA)
#   CONNECTIONS=32     wrk connections (one wrk thread)
#   COLD_REQUESTS=200  concurrent requests of the cold start
#   MEM_REQUESTS=300000  requests of the memory run
#   BASE_PORT=3180     ports BASE_PORT..BASE_PORT+2 on 127.0.0.1
#   MODULE_SO          the module to load (default: this build's)
#   MOCK_WORKERS=1, TOKEN_DELAY_MS=200, JWT_NEW_TOKENS=2000

set -euo pipefail

BASE_PORT=${BASE_PORT:-3180}
DURATION=${DURATION:-2}
ROUNDS=${ROUNDS:-3}
MATRIX=${MATRIX-1:256 2:32 2:256}
MATRIX_SCENARIOS=${MATRIX_SCENARIOS-api_key proxy_api_key}
MATRIX_NAMES=()
COLD_REQUESTS=${COLD_REQUESTS:-200}
MEM_REQUESTS=${MEM_REQUESTS:-300000}

# shellcheck source=t/bench/lib.sh
. "$(dirname "$0")/lib.sh"

ACTIVE=()        # the scenarios this build supports and that answer
SKIPPED=()       # "name: reason" of the others


# The scenarios asked for (SCENARIOS: names, or "all"; default: all
# but SC_EXTRA) that nginx -t accepts and whose credentials can be made
select_scenarios() {
    local name file names=()
    case ${SCENARIOS:-} in
        '')  for name in "${SC_NAMES[@]}"; do
                 [[ " ${SC_EXTRA[*]} " = *" $name "* ]] || names+=("$name")
             done ;;
        all) names=("${SC_NAMES[@]}") ;;
        *)   read -r -a names <<< "$SCENARIOS"
             for name in "${names[@]}"; do
                 [ -n "${SC_KIND[$name]:-}" ] || die "no scenario $name"
             done ;;
    esac
    for name in "${names[@]}"; do
        if ! supported "$name"; then
            SKIPPED+=("$name: skipped: not supported by this build")
            log "$name: skipped: not supported by this build" \
                "($(grep -m1 -o '\[emerg\] .*' "$DIR/logs/test-$name.log"))"
        elif ! file=$(creds_file "$name"); then
            SKIPPED+=("$name: skipped: its credentials cannot be made")
        else
            ACTIVE+=("$name")
            log "$name: $(wc -l < "$file") credential(s)"
        fi
    done
    [ ${#ACTIVE[@]} -gt 0 ] || die "no scenario is supported by this build"
}

# The scenarios that answer a first request with a descriptor
check_scenarios() {
    local name ok=()
    for name in "${ACTIVE[@]}"; do
        if check_scenario "$name"; then
            ok+=("$name")
        else
            SKIPPED+=("$name: failed: first request not answered 200")
        fi
    done
    [ ${#ok[@]} -gt 0 ] || die "no scenario answers (logs: $DIR/logs/)"
    ACTIVE=("${ok[@]}")
}

# The mock alone, driven like the baseline: it must be well faster than
# anything that goes through it.
mock_speed() {
    MOCK_RPS=$(wrk_run "http://127.0.0.1:$MOCK_PORT/Party/RequestPartyService" \
        "$DURATION" "$CONNECTIONS" api_key "$DIR/logs/wrk-mock.log" \
        | cut -d' ' -f2)
    log "mock alone: $MOCK_RPS req/s"
}

warm_up() {
    local name
    log "warm-up"
    for name in "${ACTIVE[@]}"; do
        wrk_run "$(sc_url "$name")" 1 "$CONNECTIONS" \
            "$name" "$DIR/logs/wrk-warmup-$name.log" > /dev/null
    done
    wrk_run "http://127.0.0.1:$PORT/baseline" 1 "$CONNECTIONS" \
        api_key "$DIR/logs/wrk-warmup-baseline.log" > /dev/null
}

# run_pairs FILE CONNECTIONS SCENARIO...: ROUNDS rounds, each scenario
# then the baseline (A B A B ...); one line per wrk run in FILE:
# "scenario side round requests req/s p50 p99 non2xx errors"
run_pairs() {
    local file=$1 conns=$2 round name side url r
    shift 2
    for round in $(seq "$ROUNDS"); do
        for name in "$@"; do
            for side in module baseline; do
                url=$(sc_url "$name")
                [ "$side" = module ] || url=http://127.0.0.1:$PORT/baseline
                r=$(wrk_run "$url" "$DURATION" "$conns" "$name" \
                    "$DIR/logs/wrk-$name-$side-$round-$conns.log")
                echo "$name $side $round $r" >> "$file"
                log "round $round/$ROUNDS $name $side (-c$conns): $r"
            done
        done
    done
}

rounds() {
    run_pairs "$DIR/results" "$CONNECTIONS" "${ACTIVE[@]}"
}

# The MATRIX scenarios again with other numbers of workers and
# connections: results in $DIR/matrix-WORKERS-CONNECTIONS
matrix() {
    local cfg workers conns name names=()
    for name in $MATRIX_SCENARIOS; do
        [[ " ${ACTIVE[*]} " = *" $name "* ]] && names+=("$name")
    done
    [ ${#names[@]} -gt 0 ] || return 0
    stop_pid "$MODULE_PID"
    for cfg in $MATRIX; do
        workers=${cfg%:*} conns=${cfg#*:}
        start_module "$workers" off "${names[@]}"
        for name in "${names[@]}"; do
            wrk_run "$(sc_url "$name")" 1 "$conns" "$name" \
                "$DIR/logs/wrk-warmup-$name-$cfg.log" > /dev/null
        done
        run_pairs "$DIR/matrix-$workers-$conns" "$conns" "${names[@]}"
        stop_pid "$MODULE_PID"
    done
    MATRIX_NAMES=("${names[@]}")
}

# Fresh nginx, two workers, empty cache: COLD_REQUESTS requests at once,
# through new connections; the mock must see exactly one GetEntityToken.
cold_start() {
    local before statuses tokens workers
    stop_pid "$MODULE_PID"
    before=$(token_calls)
    start_module 2 "$DIR/logs/cold-access.log worker" api_key

    statuses=$(curl -s --parallel --parallel-immediate \
        --parallel-max "$COLD_REQUESTS" \
        -H 'Content-Type: application/json' -H "X-API-Key: $API_KEY" \
        --data-binary "@$BODY" -o /dev/null -w '%{http_code}\n' \
        "http://127.0.0.1:$PORT/v1/party/api_key?n=[1-$COLD_REQUESTS]" \
        2>>"$DIR/logs/cold-curl.log" \
        | sort | uniq -c \
        | awk '{ printf "%s%s x%d", sep, $2, $1; sep = ", " }')
    sleep 0.2     # the mock logs after it has answered
    tokens=$(($(token_calls) - before))
    workers=$(awk '$3 ~ /^\/v1\/party/ { n[$1]++ }
        END { for (p in n) printf "%s%d", (sep++ ? " + " : ""), n[p] }' \
        "$DIR/logs/cold-access.log")
    COLD_LINE="$COLD_REQUESTS concurrent requests, 2 workers:"
    COLD_LINE+=" $tokens GetEntityToken (target 1: $(verdict "$tokens == 1"))"
    COLD_LINE+=$'\n'"  statuses: $statuses; requests per worker: $workers"
    log "cold start: $COLD_LINE"
    stop_pid "$MODULE_PID"
}

# Fresh nginx, one worker: VmRSS before and after MEM_REQUESTS requests.
memory() {
    local url=http://127.0.0.1:$PORT/v1/party/api_key worker before after
    local line r
    start_module 1 off api_key
    worker=$(worker_of "$MODULE_PID")
    wrk_run "$url" 2 "$CONNECTIONS" api_key "$DIR/logs/wrk-mem-warmup.log" \
        > /dev/null
    before=$(awk '/^VmRSS/ { print $2 }' "/proc/$worker/status")
    log "memory: $MEM_REQUESTS requests, worker $worker at $before KiB"
    line=$(wrk_requests "$url" "$MEM_REQUESTS" api_key "$DIR/logs/wrk-mem.log")
    read -r -a r <<< "$line"
    after=$(awk '/^VmRSS/ { print $2 }' "/proc/$worker/status")
    MEM_LINE="worker RSS $before KiB -> $after KiB over ${r[0]} requests:"
    MEM_LINE+=" $((after - before)) KiB (target < 1024 KiB:"
    MEM_LINE+=" $(verdict "$after - $before < 1024")), ${r[1]} failed"
    log "$MEM_LINE"
    stop_pid "$MODULE_PID"
}

# the median of the numbers on stdin, one per line
median() {
    sort -g | awk '{ v[NR] = $1 } END {
        print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# verdict AWK-CONDITION: "met" or "MISSED"
verdict() {
    awk "BEGIN { print ($1) ? \"met\" : \"MISSED\" }"
}

# column FIELD SCENARIO SIDE: one field of every run of that scenario side
column() {
    awk -v f="$1" -v s="$2" -v side="$3" '$1 == s && $2 == side { print $f }' \
        "$DIR/results"
}

# The per-round pairs: "ratio p99-delta" of each round of SCENARIO, in
# FILE (default: the main results)
pairs() {
    awk -v s="$1" '$1 == s { rps[$2, $3] = $5; p99[$2, $3] = $7; n = $3 }
        END { for (i = 1; i <= n; i++)
                  printf "%.4f %.3f\n",
                      rps["module", i] / rps["baseline", i],
                      p99["module", i] - p99["baseline", i] }' \
        "${2:-$DIR/results}"
}

table() {
    local name ratio delta min max targets line
    printf '%-14s %9s %9s %6s %6s %6s %6s %6s %7s  %s\n' '' 'req/s' 'req/s' \
        '' p50 p99 p99 p99 '' ''
    printf '%-14s %9s %9s %6s %6s %6s %6s %6s %7s  %s\n' scenario module \
        baseline ratio ms ms 'base' delta non-2xx targets
    for name in "$@"; do
        ratio=$(pairs "$name" | cut -d' ' -f1 | median)
        delta=$(pairs "$name" | cut -d' ' -f2 | median)
        min=${SC_RATIO[$name]} max=${SC_P99[$name]} targets=
        [ "$min" = - ] \
            || targets+="ratio >= $min $(verdict "$ratio >= $min")  "
        [ "$max" = - ] \
            || targets+="p99 delta <= $max $(verdict "$delta <= $max")"
        printf '%-14s %9.0f %9.0f %6.3f %6.2f %6.2f %6.2f %+6.2f %7d  %s\n' \
            "$name" \
            "$(column 5 "$name" module | median)" \
            "$(column 5 "$name" baseline | median)" \
            "$ratio" \
            "$(column 6 "$name" module | median)" \
            "$(column 7 "$name" module | median)" \
            "$(column 7 "$name" baseline | median)" \
            "$delta" \
            "$(awk -v s="$name" '$1 == s { n += $8 + $9 } END { print n + 0 }' \
                "$DIR/results")" \
            "$targets"
    done
}

# the ACTIVE scenarios of kind $1
of_kind() {
    local name
    for name in "${ACTIVE[@]}"; do
        [ "${SC_KIND[$name]}" = "$1" ] && printf '%s\n' "$name"
    done
    return 0
}

# ratio of each MATRIX scenario per workers and connections
matrix_table() {
    local name cfg file ratio
    [ ${#MATRIX_NAMES[@]} -gt 0 ] || return 0
    printf '\nratio module/baseline by workers x connections (medians of %d\n' \
        "$ROUNDS"
    printf 'pairs; the first column is the table above):\n\n'
    printf '%-16s %10s' scenario "1w ${CONNECTIONS}c"
    for cfg in $MATRIX; do
        printf ' %10s' "${cfg%:*}w ${cfg#*:}c"
    done
    printf '\n'
    for name in "${MATRIX_NAMES[@]}"; do
        printf '%-16s %10.3f' "$name" "$(pairs "$name" | cut -d' ' -f1 | median)"
        for cfg in $MATRIX; do
            file=$DIR/matrix-${cfg%:*}-${cfg#*:}
            ratio=$(pairs "$name" "$file" | cut -d' ' -f1 | median)
            printf ' %10.3f' "$ratio"
        done
        printf '\n'
    done
}

# verify/s of one signature on this machine, for the *_new scenarios
crypto_speed() {
    openssl speed -seconds 1 rsa2048 ecdsap256 ed25519 2>/dev/null \
        | awk '/^rsa 2048 bits/ { printf "RS256 %d, ", $NF }
               /ecdsa \(nistp256\)/ { printf "ES256 %d, ", $NF }
               /EdDSA \(Ed25519\)/ { printf "EdDSA %d", $NF }'
}

machine() {
    local cpu
    cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    printf 'machine: %s CPUs, %s, Linux %s\n' "$(nproc)" "$cpu" "$(uname -r)"
    printf '%s, %s\n' "$("$NGINX" -v 2>&1)" \
        "$(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }')"
    printf 'module: %s %s, built %s\n' "$(basename "$SO")" \
        "$(md5sum < "$SO" | cut -c1-12)" "$(date -r "$SO" '+%F %T')"
}

report() {
    local base line
    base=$(awk '$2 == "baseline" { print $5 }' "$DIR/results" | median)
    cat <<EOF

ngx_http_playfab_party benchmark: $ROUNDS rounds of ${DURATION}s per side,
wrk -t1 -c$CONNECTIONS, 1 nginx worker; medians over the rounds; ratio
and p99 delta are medians of the per-round module/baseline pairs;
non-2xx counts non-2xx responses and socket errors of both sides.

EOF
    printf 'the party path:\n\n'
    # shellcheck disable=SC2046  # scenario names have no spaces
    table $(of_kind party)
    printf '\nplayfab_auth in front of proxy_pass (the same mock):\n\n'
    # shellcheck disable=SC2046
    table $(of_kind proxy)
    for line in "${SKIPPED[@]}"; do
        printf '%s\n' "$line"
    done
    matrix_table
    printf '\nopenssl speed, verify/s on this machine: %s\n' "$CRYPTO_LINE"
    printf '\nmock alone: %s req/s (%sx the baseline)\n' "$MOCK_RPS" \
        "$(awk -v m="$MOCK_RPS" -v b="$base" 'BEGIN { printf "%.1f", m / b }')"
    printf 'cold start: %s\nmemory: %s\n\n' "$COLD_LINE" "$MEM_LINE"
    machine
}

main() {
    local started=$SECONDS
    install_missing wrk wrk
    setup_dir "$ROOT/build/bench/run"
    make_keys
    start_mock
    select_scenarios
    start_module 1 off "${ACTIVE[@]}"
    check_scenarios
    mock_speed
    warm_up
    rounds
    matrix
    cold_start
    memory
    CRYPTO_LINE=$(crypto_speed)
    report | tee "$DIR/report.txt"
    printf '\n(%d s; logs in %s)\n' $((SECONDS - started)) "$DIR"
}

main "$@"
