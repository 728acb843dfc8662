#!/usr/bin/env bash
# Requests/s on GET /plaintext, measured by wrk, for the lab's HTTP servers (as its jar lists them) and nginx, at one
# request in flight per connection and pipelined (bench/pipeline.lua, as TechEmpower's plaintext test pipelines 16).
#
#   bench/http-plaintext.sh [ROUNDS] [DURATION]      (defaults: 5 rounds of 8s)
#   SERVERS="nio netty-epoll nginx" DEPTHS="1 16" bench/http-plaintext.sh
#
# Every server runs on core 0 and wrk (-t1 -c100) on core 1, on 127.0.0.1. nio and Netty
# get one event loop, nginx one worker; the blocking models share core 0 with everything
# else in their JVM. Each round takes every server at every depth once, in a new shuffled
# order, so that a noisy neighbour hurts them all alike; each gets a 3 s warm-up first.
# Prints each round, the medians, and the per-round ratios to nginx (and of nio to Netty
# epoll) with their median: compare within a round, not across runs.
# Installs wrk and nginx-light from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
DURATION=${2:-8s}
CONNECTIONS=100
DEPTHS=${DEPTHS:-1 16}

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

measure() { # duration depth
    DEPTH=$2 taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$1" -s bench/pipeline.lua "http://127.0.0.1:$PORT/plaintext" |
        awk '/Requests\/sec/ {print $2} /Non-2xx|Socket errors/ {print "ERRORS: " $0 > "/dev/stderr"}'
}

# Every HTTP server the jar lists that this machine can run (no list of our own), then nginx; or those SERVERS names.
declare -A FLAGS
LISTED=""
while IFS=$'\t' read -r label _protocols _kind flags _; do
    FLAGS[$label]=$flags
    LISTED="$LISTED $label"
done < <("$JAVA" -jar "$JAR" variants --available --protocol http)
SERVERS=${SERVERS:-${LISTED# } nginx}
for name in $SERVERS; do
    [ "$name" = nginx ] || [ -n "${FLAGS[$name]:-}" ] || { echo "no such HTTP server here: $name" >&2; exit 2; }
done
declare -A RESULTS
echo "wrk -t1 -c$CONNECTIONS -d$DURATION -s bench/pipeline.lua (depths: $DEPTHS), server on core 0, wrk on core 1; $ROUNDS rounds"
echo "JDK: $("$JAVA" -version 2>&1 | head -1); $(nginx -v 2>&1); CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
for round in $(seq "$ROUNDS"); do
    for turn in $(for name in $SERVERS; do for depth in $DEPTHS; do echo "$name:$depth"; done; done | shuf); do
        name=${turn%:*}
        depth=${turn#*:}
        start "$name"
        measure 3s "$depth" >/dev/null
        rps=$(measure "$DURATION" "$depth")
        stop
        RESULTS[$name:$depth]="${RESULTS[$name:$depth]:-} $rps"
        printf 'round %d  %-22s depth %-3s %12s req/s\n' "$round" "$name" "$depth" "$rps"
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# ratio A B: the median of the per-round ratios A/B, then each round's
ratio() {
    read -r -a a <<< "${RESULTS[$1]}"
    read -r -a b <<< "${RESULTS[$2]}"
    local per=""
    for i in "${!a[@]}"; do per="$per $(echo "${a[$i]} / ${b[$i]}" | bc -l)"; done
    printf '%-30s %.2fx   (per round:' "${1/:/ d} / ${2/:/ d}" "$(echo "$per" | median)"
    for r in $per; do printf ' %.2f' "$r"; done
    echo ")"
}
echo
printf '%-22s %-6s %12s   %s\n' server depth "median req/s" "rounds"
for name in $SERVERS; do
    for depth in $DEPTHS; do
        printf '%-22s %-6s %12.0f   %s\n' "$name" "$depth" "$(echo "${RESULTS[$name:$depth]}" | median)" "${RESULTS[$name:$depth]}"
    done
done
echo
for depth in $DEPTHS; do
    for name in $SERVERS; do
        [ "$name" = nginx ] || [[ " $SERVERS " != *" nginx "* ]] || ratio "$name:$depth" "nginx:$depth"
    done
    [[ " $SERVERS " == *" nio "* && " $SERVERS " == *" netty-epoll "* ]] && ratio "nio:$depth" "netty-epoll:$depth"
done
first=${DEPTHS%% *}
last=${DEPTHS##* }
if [ "$first" != "$last" ]; then
    for name in $SERVERS; do ratio "$name:$last" "$name:$first"; done
fi
