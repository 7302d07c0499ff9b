#!/usr/bin/env bash
#
# A bounded soak of ngx_http_playfab_party on loopback:
#
#   t/soak/run.sh [seconds]        (default 120)
#
# Starts the PlayFab emulator with random faults (each PlayFab call fails
# in a random way with probability SOAK_FAULT_PROBABILITY), nginx with
# the module (master and 2 workers), then t/soak/client.py: concurrent
# valid and hostile requests at about SOAK_RATE per second for the given
# time.  client.py checks every response, the workers' RSS and open fds
# against their steady state, the emulator's allocation count and
# error.log, prints a summary and fails on any violation.  Everything is
# stopped, by pid, whatever happens.
#
# Environment (all optional):
#   NGINX_BINARY            /usr/sbin/nginx
#   SOAK_MODULE             build/nginx/objs/ngx_http_playfab_party_module.so
#   SOAK_PORT, SOAK_EMU_PORT  8790, 8791 (127.0.0.1)
#   SOAK_DIR                build/soak (config, logs; wiped at start)
#   SOAK_RATE               200 requests per second
#   SOAK_CONCURRENCY        32 client threads
#   SOAK_FAULT_PROBABILITY  0.1
#   SOAK_SEED               random (printed; set it to repeat a run)
#   SOAK_RSS_SLACK_KB       1024 per worker (private RSS: RssAnon)
#   SOAK_FD_SLACK           2 per worker, besides the idle keepalive
#                           connections to the emulator (at most 8 each)

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${1:-120}
NGINX=${NGINX_BINARY:-/usr/sbin/nginx}
MODULE=${SOAK_MODULE:-$ROOT/build/nginx/objs/ngx_http_playfab_party_module.so}
PORT=${SOAK_PORT:-8790}
EMU_PORT=${SOAK_EMU_PORT:-8791}
DIR=${SOAK_DIR:-$ROOT/build/soak}
SEED=${SOAK_SEED:-$((RANDOM * 32768 + RANDOM))}
TITLE=SOAK1
export SOAK_SECRET="soak-secret-$SEED-$$"

die() { printf 'soak: %s\n' "$*" >&2; exit 2; }

if ! [[ $DURATION =~ ^[0-9]+$ ]] || [ "$DURATION" -lt 20 ]; then
    die "the duration must be a number of seconds, at least 20"
fi
[ -x "$NGINX" ] || die "no nginx at $NGINX (set NGINX_BINARY)"
[ -f "$MODULE" ] || die "no module at $MODULE: run ./build.sh first"

EMU_PID=
NGINX_PID=
CLIENT_PID=

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local rc=$?
    if [ -n "$CLIENT_PID" ] && kill -0 "$CLIENT_PID" 2>/dev/null; then
        kill -TERM "$CLIENT_PID" 2>/dev/null || true
    fi
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -TERM "$NGINX_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$NGINX_PID" 2>/dev/null || true
    fi
    if [ -n "$EMU_PID" ] && kill -0 "$EMU_PID" 2>/dev/null; then
        kill -TERM "$EMU_PID" 2>/dev/null || true
    fi
    wait 2>/dev/null || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_port() {
    local port=$1 pid=$2 what=$3
    for _ in $(seq 100); do
        port_open "$port" && return 0
        kill -0 "$pid" 2>/dev/null || die "$what exited before listening on $port"
        sleep 0.1
    done
    die "$what is not listening on 127.0.0.1:$port after 10 s"
}

for port in "$PORT" "$EMU_PORT"; do
    port_open "$port" && die "127.0.0.1:$port is in use (set SOAK_PORT / SOAK_EMU_PORT)"
done

rm -rf "$DIR"
mkdir -p "$DIR/conf" "$DIR/logs" "$DIR/tmp"

USER_LINE=
# workers would otherwise run as "nobody" and could not use $DIR
[ "$(id -u)" = 0 ] && USER_LINE="user root;"

umask 077
printf '%s\n' "$SOAK_SECRET" > "$DIR/conf/secret"
printf 'soak-client %s\n' \
    "$(printf '%s' soak-api-key-7f3c | sha256sum | cut -d' ' -f1)" \
    > "$DIR/conf/api-keys"
umask 022

cat > "$DIR/conf/nginx.conf" <<EOF
load_module $MODULE;
worker_processes 2;
daemon off;
master_process on;
pid $DIR/logs/nginx.pid;
error_log $DIR/logs/error.log info;
$USER_LINE

events {
    worker_connections 1024;
}

http {
    log_format soak '\$status \$request_time \$request_method \$uri \$body_bytes_sent';
    access_log $DIR/logs/access.log soak;
    client_body_temp_path $DIR/tmp/client_body;
    proxy_temp_path $DIR/tmp/proxy;
    fastcgi_temp_path $DIR/tmp/fastcgi;
    uwsgi_temp_path $DIR/tmp/uwsgi;
    scgi_temp_path $DIR/tmp/scgi;

    playfab_zone playfab:1m;
    playfab_title_id $TITLE;
    playfab_secret_key file:$DIR/conf/secret;
    playfab_token_wait 2s;

    upstream playfab_api {
        server 127.0.0.1:$EMU_PORT;
        keepalive 8;
    }

    server {
        listen 127.0.0.1:$PORT;

        client_max_body_size 16k;
        client_header_timeout 5s;
        client_body_timeout 5s;
        lingering_timeout 1s;

        # at the server level, so that requests refused before a
        # location is chosen (headers too large) are problem documents
        playfab_auth api_key $DIR/conf/api-keys;

        location = /v1/party {
            playfab_party_regions EastUs WestUs NorthEurope;
            playfab_party_max MaxDevices 32;
            playfab_party_playfab_id \$playfab_auth_subject;
            playfab_party;
        }

        location = /v1/idem-party {
            playfab_party_regions EastUs WestUs NorthEurope;
            playfab_party_idempotency 10m;
            playfab_party;
        }

        location = /v1/player-party {
            playfab_auth entity_token;
            playfab_party_bind_invitation on;
            playfab_party;
        }

        location /_playfab/ {
            internal;
            proxy_pass http://playfab_api/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 1s;
            proxy_send_timeout 1s;
            proxy_read_timeout 1s;
            proxy_next_upstream off;
            subrequest_output_buffer_size 16k;
        }
    }
}
EOF

python3 "$ROOT/t/lib/playfab_emulator.py" --listen "127.0.0.1:$EMU_PORT" \
    --secret "$SOAK_SECRET" --title-id "$TITLE" --quiet \
    > "$DIR/logs/emulator.log" 2>&1 &
EMU_PID=$!
wait_port "$EMU_PORT" "$EMU_PID" "the emulator"

"$NGINX" -p "$DIR/" -c "$DIR/conf/nginx.conf" -t -q \
    || die "nginx -t failed for $DIR/conf/nginx.conf"
"$NGINX" -p "$DIR/" -c "$DIR/conf/nginx.conf" \
    > "$DIR/logs/stderr.log" 2>&1 &
NGINX_PID=$!
wait_port "$PORT" "$NGINX_PID" "nginx"

printf 'soak: %s s on 127.0.0.1:%s (emulator :%s), seed %s, logs in %s\n' \
    "$DURATION" "$PORT" "$EMU_PORT" "$SEED" "$DIR/logs"

# in the background, so that a signal to this script is handled at once;
# bounded, whatever happens
timeout $((DURATION + 120)) python3 "$ROOT/t/soak/client.py" --port "$PORT" --emu-port "$EMU_PORT" \
    --master-pid "$NGINX_PID" --error-log "$DIR/logs/error.log" \
    --duration "$DURATION" --seed "$SEED" \
    --rate "${SOAK_RATE:-200}" --concurrency "${SOAK_CONCURRENCY:-32}" \
    --fault-probability "${SOAK_FAULT_PROBABILITY:-0.1}" \
    --rss-slack-kb "${SOAK_RSS_SLACK_KB:-1024}" \
    --fd-slack "${SOAK_FD_SLACK:-2}" --keepalive 8 &
CLIENT_PID=$!
rc=0
wait "$CLIENT_PID" || rc=$?
CLIENT_PID=

if [ -s "$DIR/logs/stderr.log" ]; then
    echo "soak: nginx wrote to stderr:"
    head -20 "$DIR/logs/stderr.log"
    grep -qE 'AddressSanitizer|runtime error:|exited on signal' \
        "$DIR/logs/stderr.log" && rc=1
fi

exit $rc
