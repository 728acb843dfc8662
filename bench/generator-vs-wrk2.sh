#!/usr/bin/env bash
# The load generator's own latency tail against wrk2's, open loop, on the same nginx.
#
#   WRK2=$(../shared/tools/wrk2) bench/generator-vs-wrk2.sh [PAIRS] [SECONDS] [RATE]   (defaults: 3 pairs, 20 s, 20000 req/s)
#   CLIENT_JAR=/path/to/iolab-client.jar ...   compares another build of the generator with wrk2
#
# nginx (one worker) runs on core 0; wrk2 and iolab-client take turns on core 1, each pair in a
# shuffled order, 100 connections at RATE req/s on a fixed schedule. Both warm up about 10 s
# (wrk2 calibrates for 10 s + 5 ms per connection and then resets its histograms; iolab-client
# is given --warmup 10s), then measure SECONDS. Both measure latency from each request's
# intended send time. For iolab-client it also prints its own send lag, its GC and safepoint
# pauses (-Xlog) and, per thread, the time it ran and the time it waited for the core
# (/proc/PID/task/*/schedstat over the measurement): that is where a generator's own tail shows.
# Installs nginx-light from Debian's packages when it is missing; wrk2 comes from $WRK2.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-3}
MEASURE=${2:-20}
RATE=${3:-20000}
CONNECTIONS=100
if [ -z "${WRK2:-}" ] || [ ! -x "$WRK2" ]; then
    echo "needs wrk2: WRK2=\$(../shared/tools/wrk2) $0 ... (../shared/tools/wrk2 builds it once from source;" \
         "it needs gcc, make, libssl-dev and zlib1g-dev: apt-get install -y gcc make libssl-dev zlib1g-dev)" >&2
    exit 2
fi
command -v nginx >/dev/null 2>&1 || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
JAVA="$(bin/java-home)/bin/java"
# CLIENT_JAR: another build of the generator to compare (say, an older commit's); this checkout's by default.
CLIENT_JAR=${CLIENT_JAR:-clients/target/iolab-client.jar}
[ -f "$CLIENT_JAR" ] || mvn -q -B package -DskipTests -pl clients -am
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
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$PORT; location = /plaintext { default_type text/plain; return 200 "Hello, World!"; } }
}
CONF
taskset -c 0 nginx -p "$WORK" -c "$WORK/nginx.conf" & PIDS+=($!)
for _ in $(seq 100); do curl -s "http://127.0.0.1:$PORT/plaintext" >/dev/null && break; sleep 0.05; done
URL="http://127.0.0.1:$PORT/plaintext"

# wrk2's "99.000%    3.29ms" (or us, or s) in ms.
wrk2_ms() { awk -v p="$1" '$1 == p { v = $2; f = 1; if (v ~ /us$/) f = 0.001; else if (v ~ /ms$/) f = 1; else if (v ~ /m$/) f = 60000; else if (v ~ /s$/) f = 1000; sub(/[a-z]+$/, "", v); print v * f; exit }' "$2"; }
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# Per thread of PID: "name runNanos waitNanos", from schedstat (time on the CPU, time runnable but waiting for it).
schedstat() { for t in /proc/"$1"/task/*; do printf '%s %s\n' "$(tr ' ' '_' < "$t/comm")" "$(cat "$t/schedstat" 2>/dev/null)"; done 2>/dev/null; }

run_wrk2() {
    taskset -c 1 "$WRK2" -t1 -c"$CONNECTIONS" -d"$((MEASURE + 11))s" -R"$RATE" --latency "$URL" > "$WORK/wrk2.txt" 2>&1
    W50=$(wrk2_ms 50.000% "$WORK/wrk2.txt"); W99=$(wrk2_ms 99.000% "$WORK/wrk2.txt"); W999=$(wrk2_ms 99.900% "$WORK/wrk2.txt")
    WRPS=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk2.txt")
}

run_iolab() {
    local pair=$1
    taskset -c 1 "$JAVA" -Xlog:gc*,safepoint:file="$WORK/gc.$pair.log":uptime -jar "$CLIENT_JAR" \
        -t1 -c"$CONNECTIONS" -R"$RATE" --warmup 10s -d"${MEASURE}s" -q --json "$WORK/iolab.json" "$URL" > "$WORK/iolab.txt" 2>&1 &
    local pid=$!
    sleep 10.5 # into the measurement
    schedstat "$pid" > "$WORK/sched.before"
    sleep "$((MEASURE - 1))"
    schedstat "$pid" > "$WORK/sched.after"
    wait "$pid"
    I50=$(json "$WORK/iolab.json" 'd["latencyMillis"]["p50"]'); I99=$(json "$WORK/iolab.json" 'd["latencyMillis"]["p99"]')
    I999=$(json "$WORK/iolab.json" 'd["latencyMillis"]["p99.9"]'); IRPS=$(json "$WORK/iolab.json" 'round(d["requestsPerSecond"])')
    LAG99=$(json "$WORK/iolab.json" 'd["sendLagMillis"]["p99"]'); LAG999=$(json "$WORK/iolab.json" 'd["sendLagMillis"]["p99.9"]')
    THREADS=$(python3 - "$WORK/sched.before" "$WORK/sched.after" <<'PY'
import sys
def read(f):
    d = {}
    for line in open(f):
        p = line.split()
        if len(p) >= 3:
            d.setdefault(p[0], [0, 0]); d[p[0]][0] += int(p[1]); d[p[0]][1] += int(p[2])
    return d
a, b = read(sys.argv[1]), read(sys.argv[2])
rows = []
for name, (run, wait) in b.items():
    r0, w0 = a.get(name, [0, 0])
    if run - r0 > 1e6 or wait - w0 > 1e6:
        rows.append((run - r0, name, wait - w0))
rows.sort(reverse=True)
print("; ".join(f"{n} ran {r/1e6:.0f} ms, waited {w/1e6:.0f} ms" for r, n, w in rows[:6]))
PY
)
    PAUSES=$(grep -c "Safepoint\|Pause" "$WORK/gc.$pair.log" || true)
    LONGEST=$(grep -oE "Total: [0-9]+ ns|Pause.* [0-9.]+ms" "$WORK/gc.$pair.log" | grep -oE "[0-9.]+ ?(ns|ms)$" |
        awk '{v=$1; if ($0 ~ /ns$/) v=v/1e6; else sub(/ms$/,"",v); if (v > m) m = v} END {printf "%.2f", m}' || true)
}

echo "nginx 1 worker on core 0; wrk2 and iolab-client on core 1 in turn; $CONNECTIONS connections at $RATE req/s;" \
     "$PAIRS pairs, ${MEASURE}s measured each after a 10 s warm-up; $(nginx -v 2>&1)"
RATIOS=()
for pair in $(seq "$PAIRS"); do
    if [ $((RANDOM % 2)) -eq 0 ]; then run_wrk2; run_iolab "$pair"; order="wrk2 first"; else run_iolab "$pair"; run_wrk2; order="iolab first"; fi
    ratio=$(python3 -c "print(f'{$I99 / $W99:.2f}')")
    RATIOS+=("$ratio")
    printf 'pair %d (%s): wrk2 p50 %.2f p99 %.2f p99.9 %.2f ms (%s req/s) | iolab-client p50 %.2f p99 %.2f p99.9 %.2f ms (%s req/s), send lag p99 %.3f p99.9 %.3f ms | p99 ratio %s\n' \
        "$pair" "$order" "$W50" "$W99" "$W999" "$WRPS" "$I50" "$I99" "$I999" "$IRPS" "$LAG99" "$LAG999" "$ratio"
    echo "  iolab-client threads over the measurement: $THREADS"
    echo "  iolab-client GC and safepoint log lines: $PAUSES, longest pause ${LONGEST} ms"
done
echo "median p99 ratio (iolab-client / wrk2): $(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')"
