#!/usr/bin/env bash
# The load generator against wrk, on nginx (1 worker, /plaintext), and at 10,000 connections.
#
#   bench/client-vs-wrk.sh [ROUNDS] [DURATION]      (defaults: 3 rounds of 10s)
#
# nginx runs on core 0, the load generators on core 1, on 127.0.0.1; wrk and iolab-client
# take turns within each round. CPU time per request is the generator's user+system time
# (the JVM's start-up and JIT included) over the requests it completed. The open loop gets a
# 10 s warm-up: on its one pinned core the JIT is still compiling in the first seconds, and
# those pauses show in an open loop's tail, as they should.
# Installs wrk and nginx-light from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
DURATION=${2:-10s}
need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
fi
JAVA="$(bin/java-home)/bin/java"
[ -f clients/target/iolab-client.jar ] && [ -f servers/target/iolab-servers.jar ] || mvn -q -B package -DskipTests -pl clients
CLIENT=(taskset -c 1 "$JAVA" -jar clients/target/iolab-client.jar)
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/logs"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log;
events { worker_connections 20000; }
worker_rlimit_nofile 20000;
http {
    access_log off;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$PORT; location = /plaintext { default_type text/plain; return 200 "Hello, World!"; } }
}
CONF
taskset -c 0 nginx -p "$WORK" -c "$WORK/nginx.conf" & PIDS+=($!)
for _ in $(seq 100); do curl -s "http://127.0.0.1:$PORT/plaintext" >/dev/null && break; sleep 0.05; done
URL="http://127.0.0.1:$PORT/plaintext"

# Runs a command; prints its output, then "CPU <seconds>" (user+system of its children).
timed() { bash -c '"$@"; times' _ "$@"; }
cpu_of() { tail -1 "$1" | awk '{ split($1,u,"m"); split($2,s,"m"); sub("s","",u[2]); sub("s","",s[2]); print u[1]*60+u[2]+s[1]*60+s[2] }'; }

echo "nginx 1 worker on core 0; generators on core 1; $ROUNDS rounds of $DURATION; $(nginx -v 2>&1)"
for round in $(seq "$ROUNDS"); do
    timed taskset -c 1 wrk -t1 -c100 -d"$DURATION" --latency "$URL" > "$WORK/wrk.txt"
    wrk_rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
    wrk_requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
    wrk_cpu=$(cpu_of "$WORK/wrk.txt")
    timed "${CLIENT[@]}" -t1 -c100 -d"$DURATION" -q "$URL" > "$WORK/client.txt"
    our_rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/client.txt")
    our_requests=$(awk '/requests in/ {print $1}' "$WORK/client.txt")
    our_cpu=$(cpu_of "$WORK/client.txt")
    printf 'round %d closed loop -c100: wrk %10.0f req/s %6.2f us CPU/req | iolab-client %10.0f req/s %6.2f us CPU/req | ratio %.2fx, CPU %.2fx\n' \
        "$round" "$wrk_rps" "$(echo "$wrk_cpu * 1000000 / $wrk_requests" | bc -l)" "$our_rps" \
        "$(echo "$our_cpu * 1000000 / $our_requests" | bc -l)" "$(echo "$our_rps / $wrk_rps" | bc -l)" \
        "$(echo "($our_cpu / $our_requests) / ($wrk_cpu / $wrk_requests)" | bc -l)"
    half=$(echo "$wrk_rps / 2" | bc)
    "${CLIENT[@]}" -t1 -c100 -R"$half" --warmup 10s -d"$DURATION" -q "$URL" > "$WORK/open.txt"
    echo "  wrk (closed loop, -c100) latency: $(awk '/^ +50%|^ +99%/ {printf "%s %s  ", $1, $2}' "$WORK/wrk.txt")(wrk prints no p99.9)"
    echo "  iolab-client open loop at $half req/s, -c100: $(grep 'Latency (ms)' "$WORK/open.txt" | sed 's/^ *//')"
    echo "  $(grep -E 'Asked rate' "$WORK/open.txt")"
done

echo
echo "10,000 connections at 10,000 req/s, open loop, against the nio echo server (1 loop, core 0):"
taskset -c 0 "$JAVA" -jar servers/target/iolab-servers.jar echo --model nio --loops 1 --port 0 --idle-timeout 0 \
    --max-connections 19000 > "$WORK/echo.ready" 2>/dev/null & PIDS+=($!)
for _ in $(seq 100); do grep -q listening "$WORK/echo.ready" && break; sleep 0.1; done
ECHO=$(sed -nE 's/.*listening on (.*)$/\1/p' "$WORK/echo.ready")
prlimit --nofile=20000 --pid $$ 2>/dev/null || true
"${CLIENT[@]}" -t1 -c10000 -R10000 --warmup 5s -d"$DURATION" -q --size 64 "$ECHO" | sed 's/^/  /'
