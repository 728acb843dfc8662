#!/usr/bin/env python3
"""What one HTTP request costs each server: bytes allocated on its heap, context switches and CPU time.

    bench/cost-per-request.py [--seconds 10] [--connections 100] [--depths 1,16] [--servers nio,virtual,...]

Each of the lab's HTTP servers (as its jar lists them, or those --servers names) runs on core 0, one event loop for
nio and Netty, and iolab-client loads GET /plaintext from core 1: a warm-up run first (its own process, so that the
server's JIT is done), then the measured run. Around the measured run the script reads the server's process:
 - allocation: the heap's growth between garbage collections, from a JFR recording (started and stopped with jcmd)
   of the heap's use before and after each one, the window opened and closed by a collection (jcmd GC.run): every
   thread's allocation, those that end with their connection included. A count, not a time: the same code allocates
   the same bytes per request on a noisy machine;
 - context switches: voluntary and involuntary, summed over /proc/PID/task/*/status; a thread that ends inside the
   window takes its count with it (thread-per-connection's end with the client's connections), so where any did
   (JFR's jdk.ThreadEnd) the figure is left out, not understated;
 - CPU: user + system time from /proc/PID/stat.
Each is divided by the responses the client counted. Depth 16 pipelines 16 requests per connection, in one write.
Allocation and switches are counts, so one round says them; the CPU time per request moves with the machine.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import labprocess

CLIENT_JAR = os.path.join(labprocess.ROOT, "clients", "target", "iolab-client.jar")
ALLOCATION_ONLY = """<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="cost" description="the heap before and after each collection; threads ending">
  <event name="jdk.GCHeapSummary">
    <setting name="enabled">true</setting>
  </event>
  <event name="jdk.ThreadEnd">
    <setting name="enabled">true</setting>
  </event>
</configuration>
"""


def tool(name):
    return os.path.join(os.path.dirname(labprocess.java()), name)


def switches(pid):
    voluntary = involuntary = 0
    for status in glob.glob(f"/proc/{pid}/task/*/status"):
        try:
            with open(status) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        voluntary += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        involuntary += int(line.split()[1])
        except OSError:
            pass  # the thread ended between the listing and the read
    return voluntary, involuntary


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def events(recording, name):
    printed = subprocess.run([tool("jfr"), "print", "--json", "--events", name, recording], check=True,
                             capture_output=True, text=True).stdout
    return [e["values"] for e in json.loads(printed)["recording"]["events"]]


def allocated(recording):
    """Bytes allocated from the first collection's end to the last one's start: what the heap grew by in between."""
    heap = {}
    for e in events(recording, "jdk.GCHeapSummary"):
        heap.setdefault(e["gcId"], {})[e["when"]] = e["heapUsed"]
    ids = sorted(heap)
    return sum(heap[b]["Before GC"] - heap[a]["After GC"] for a, b in zip(ids, ids[1:]))


def start(flags, work):
    ready = open(os.path.join(work, "server.out"), "w+")
    process = subprocess.Popen(labprocess.pinned(0, [labprocess.java(), "-jar", labprocess.SERVERS_JAR, "http"]
                                                 + flags + ["--bind", "127.0.0.1", "--port", "0"]),
                               stdout=ready, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        ready.seek(0)
        m = re.search(r"listening on \S+:(\d+)", ready.read())
        if m:
            return process, int(m.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    ready.seek(0)
    sys.exit(f"the server {' '.join(flags)} did not start: {ready.read()}")


def load(port, connections, depth, seconds, summary):
    command = labprocess.pinned(1, [labprocess.java(), "-jar", CLIENT_JAR, "-q", "-c", str(connections),
                                    "--pipeline", str(depth), "-d", f"{seconds}s", "--json", summary,
                                    f"http://127.0.0.1:{port}/plaintext"])
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(summary) as f:
        return json.load(f)


def measure(name, flags, depth, args, work):
    process, port = start(flags, work)
    try:
        load(port, args.connections, depth, args.warmup, os.path.join(work, "warmup.json"))
        pid = process.pid
        settings = os.path.join(work, "allocation.jfc")
        with open(settings, "w") as f:
            f.write(ALLOCATION_ONLY)
        recording = os.path.join(work, f"{name}-{depth}.jfr")
        jcmd = tool("jcmd")
        subprocess.run([jcmd, str(pid), "JFR.start", "name=cost", f"settings={settings}"], check=True,
                       capture_output=True)
        subprocess.run([jcmd, str(pid), "GC.run"], check=True, capture_output=True)
        v0, i0 = switches(pid)
        c0 = cpu_seconds(pid)
        summary = load(port, args.connections, depth, args.seconds, os.path.join(work, "measured.json"))
        v1, i1 = switches(pid)
        c1 = cpu_seconds(pid)
        subprocess.run([jcmd, str(pid), "GC.run"], check=True, capture_output=True)
        subprocess.run([jcmd, str(pid), "JFR.stop", "name=cost", f"filename={recording}"], check=True,
                       capture_output=True)
        ended = len(events(recording, "jdk.ThreadEnd"))
        responses = summary["requests"]
        errors = sum(summary.get("errors", {}).values()) if isinstance(summary.get("errors"), dict) else 0
        return {
            "server": name, "depth": depth, "responses": responses, "errors": errors,
            "req_per_s": summary["requestsPerSecond"],
            "bytes_per_request": allocated(recording) / responses,
            "threads_ended": ended,
            "voluntary_per_request": (v1 - v0) / responses if ended == 0 else None,
            "involuntary_per_request": (i1 - i0) / responses if ended == 0 else None,
            "cpu_us_per_request": (c1 - c0) * 1e6 / responses,
        }
    finally:
        process.terminate()
        process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="the measured run (default 10)")
    parser.add_argument("--warmup", type=int, default=8, help="the warm-up run before it (default 8)")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--depths", default="1,16", help="requests in flight per connection (default 1,16)")
    parser.add_argument("--servers", help="labels, comma-separated (default: every HTTP server the jar lists)")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    for jar in (labprocess.SERVERS_JAR, CLIENT_JAR):
        if not os.path.exists(jar):
            sys.exit(f"{jar} is missing: build once with  mvn -q package -DskipTests -pl servers,clients")
    available = labprocess.variants(protocol="http", loops=1)
    names = args.servers.split(",") if args.servers else [n for n in available if "boringssl" not in n]
    for n in names:
        if n not in available:
            sys.exit(f"no such HTTP server here: {n} (known: {', '.join(available)})")
    depths = [int(d) for d in args.depths.split(",")]
    print(f"GET /plaintext, {args.connections} connections, {args.warmup} s warm-up then {args.seconds} s measured; "
          f"server on core 0 (one loop for nio and Netty), iolab-client on core 1")
    print(f"{'server':<24} {'depth':>5} {'req/s':>10} {'bytes/req':>10} {'vol cs/req':>11} {'invol cs/req':>13} "
          f"{'CPU us/req':>11} {'errors':>7}")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name in names:
            for depth in depths:
                row = measure(name, available[name], depth, args, work)
                rows.append(row)
                switched = (f"{row['voluntary_per_request']:>11.3f} {row['involuntary_per_request']:>13.3f}"
                            if row["threads_ended"] == 0
                            else f"{'n/a: ' + str(row['threads_ended']) + ' threads ended':>25}")
                print(f"{name:<24} {depth:>5} {row['req_per_s']:>10,.0f} {row['bytes_per_request']:>10,.0f} "
                      f"{switched} {row['cpu_us_per_request']:>11.2f} {row['errors']:>7}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
