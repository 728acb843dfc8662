#!/usr/bin/env bash
# Requests/s on GET /plaintext, measured by wrk, for every HTTP server of the lab (as its jar lists them) and nginx.
#
#   bench/http-plaintext.sh [ROUNDS] [DURATION]      (defaults: 3 rounds of 10s)
#
# Every server runs on core 0 and wrk (-t1 -c100) on core 1, on 127.0.0.1. nio and Netty
# get one event loop, nginx one worker; the blocking models share core 0 with everything
# else in their JVM. The servers are taken in turn, round after round (A B C A B C ...),
# so that a noisy neighbour hurts them all alike; each gets a 3 s warm-up first.
# Installs wrk and nginx-light from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
DURATION=${2:-10s}
CONNECTIONS=100

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx; then
    echo "installing wrk and nginx-light..." >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
fi
JAVA="$(bin/java-home)/bin/java"
JAR=servers/target/iolab-servers.jar
[ -f "$JAR" ] || mvn -q -B package -DskipTests -pl servers

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# Starts server $1 on core 0; sets SERVER_PID and PORT.
start() {
    local name=$1
    if [ "$name" = nginx ]; then
        PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        mkdir -p "$WORK/nginx/logs"
        cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$PORT;
        location = /plaintext { default_type text/plain; return 200 "Hello, World!"; }
    }
}
CONF
        taskset -c 0 nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
        SERVER_PID=$!
        for _ in $(seq 100); do curl -s "http://127.0.0.1:$PORT/plaintext" >/dev/null && return; sleep 0.05; done
        echo "nginx did not start" >&2; exit 1
    fi
    local args=${FLAGS[$name]}
    case $args in *"--model nio"*|*"--model netty"*) args="$args --loops 1" ;; esac
    taskset -c 0 "$JAVA" -jar "$JAR" http $args --port 0 > "$WORK/ready" 2>"$WORK/stderr" &
    SERVER_PID=$!
    for _ in $(seq 200); do grep -q "listening on" "$WORK/ready" 2>/dev/null && break; sleep 0.05; done
    PORT=$(sed -nE 's/.*listening on .*:([0-9]+)$/\1/p' "$WORK/ready")
    [ -n "$PORT" ] || { echo "$name did not start: $(cat "$WORK/stderr")" >&2; exit 1; }
}

stop() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

measure() {
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$1" "http://127.0.0.1:$PORT/plaintext" |
        awk '/Requests\/sec/ {print $2} /Non-2xx|Socket errors/ {print "ERRORS: " $0 > "/dev/stderr"}'
}

# Every HTTP server the jar lists that this machine can run (no list of our own), then nginx.
declare -A FLAGS
SERVERS=""
while IFS=$'\t' read -r label _protocols _kind flags _; do
    FLAGS[$label]=$flags
    SERVERS="$SERVERS $label"
done < <("$JAVA" -jar "$JAR" variants --available --protocol http)
SERVERS="${SERVERS# } nginx"
declare -A RESULTS
echo "wrk -t1 -c$CONNECTIONS -d$DURATION http://127.0.0.1:PORT/plaintext, server on core 0, wrk on core 1; $ROUNDS rounds"
echo "JDK: $("$JAVA" -version 2>&1 | head -1); $(nginx -v 2>&1); CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
for round in $(seq "$ROUNDS"); do
    for name in $SERVERS; do
        start "$name"
        measure 3s >/dev/null
        rps=$(measure "$DURATION")
        stop
        RESULTS[$name]="${RESULTS[$name]:-} $rps"
        printf 'round %d  %-22s %12s req/s\n' "$round" "$name" "$rps"
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
printf '%-22s %12s   %s\n' server "median req/s" "rounds"
for name in $SERVERS; do
    printf '%-22s %12.0f   %s\n' "$name" "$(echo "${RESULTS[$name]}" | median)" "${RESULTS[$name]}"
done
nio=$(echo "${RESULTS[nio]}" | median)
echo
for ref in netty-nio netty-epoll nginx; do
    printf 'nio / %-12s %.2fx   (per round:' "$ref" "$(echo "$nio / $(echo "${RESULTS[$ref]}" | median)" | bc -l)"
    read -r -a a <<< "${RESULTS[nio]}"; read -r -a b <<< "${RESULTS[$ref]}"
    for i in "${!a[@]}"; do printf ' %.2f' "$(echo "${a[$i]} / ${b[$i]}" | bc -l)"; done
    echo ")"
done
