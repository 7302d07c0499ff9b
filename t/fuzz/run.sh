#!/usr/bin/env bash
#
# Builds the libFuzzer harnesses of t/fuzz/ and runs each for a bounded
# time.
#
#   t/fuzz/run.sh [seconds-per-harness] [harness ...]
#
# Default: 60 seconds, every t/fuzz/fuzz_*.c.  The seeds of
# t/fuzz/corpus/<harness>/ are copied into build/fuzz/corpus/<harness>/,
# where the fuzzer keeps what it finds between runs; the repository's
# corpus is never written.  A crash, sanitizer report, leak, failed
# property or slow input is saved as build/fuzz/artifacts/<harness>-*
# and makes the script exit 1.  Prints one line per harness.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FUZZ=$ROOT/t/fuzz
OUT=$ROOT/build/fuzz
SECS=${1:-60}
[ $# -gt 0 ] && shift

CC=${FUZZ_CC:-clang}
CFLAGS=(-std=gnu99 -g -O1 -fno-omit-frame-pointer
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -Wall -Wextra -Werror)

die() { printf 't/fuzz/run.sh: %s\n' "$*" >&2; exit 2; }

case $SECS in
    ''|*[!0-9]*|0) die "seconds must be a positive integer, not \"$SECS\"" ;;
esac

command -v "$CC" >/dev/null || die "$CC not found (libFuzzer needs clang)"

if [ $# -gt 0 ]; then
    harnesses=("$@")
else
    harnesses=()
    for f in "$FUZZ"/fuzz_*.c; do
        harnesses+=("$(basename "$f" .c)")
    done
fi

mkdir -p "$OUT/artifacts"

build() {
    local name=$1
    [ -f "$FUZZ/$name.c" ] || die "no harness $FUZZ/$name.c"
    "$CC" "${CFLAGS[@]}" -I"$ROOT/src" -I"$FUZZ" "$FUZZ/$name.c" \
        "$ROOT"/src/playfab_*.c -lcjson -lcrypto -o "$OUT/$name" \
        2>"$OUT/$name.build.log" \
        || { cat "$OUT/$name.build.log" >&2; die "$name does not build"; }
}

# the value of "stat::<name>:" in a libFuzzer log
stat() {
    sed -n "s/^stat::$2: *//p" "$1" | tail -1
}

run() {
    local name=$1 log=$OUT/$1.log corpus=$OUT/corpus/$1 rc=0
    local args=() execs rate cov

    mkdir -p "$corpus"
    if [ -d "$FUZZ/corpus/$name" ]; then
        cp -n "$FUZZ/corpus/$name"/* "$corpus"/ 2>/dev/null || true
    fi
    [ -f "$FUZZ/$name.dict" ] && args+=(-dict="$FUZZ/$name.dict")

    "$OUT/$name" -max_total_time="$SECS" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$name-" "${args[@]}" \
        "$corpus" >"$log" 2>&1 || rc=$?

    execs=$(stat "$log" number_of_executed_units)
    rate=$(stat "$log" average_exec_per_sec)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)

    if [ $rc -ne 0 ]; then
        printf '%-20s FAILED (exit %d): %s\n' "$name" "$rc" \
            "$(grep -m1 -E 'ERROR:|property failed|runtime error' "$log")"
        printf '%-20s   input: %s\n' "" \
            "$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)"
        printf '%-20s   log:   %s\n' "" "$log"
        return 1
    fi

    printf '%-20s %s execs in %ss (%s/s), %s\n' "$name" "${execs:-?}" \
        "$SECS" "${rate:-?}" "${cov:-no coverage line}"
}

for name in "${harnesses[@]}"; do
    build "$name"
done

fail=0
for name in "${harnesses[@]}"; do
    run "$name" || fail=1
done

exit $fail
