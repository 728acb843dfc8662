#!/usr/bin/env python3
"""What N concurrent echo connections cost each I/O model: threads, resident memory, fds.

For each model: start the servers jar in a process of its own (pinned to core 0 when
taskset exists), open N connections from this process (pinned to core 1), send 64 bytes
on each and wait for the echoes, then read the server's /proc/PID/status and fd count
while every connection is still open, and stop the server with SIGTERM (it must exit 0).

    python3 bench/echo-connections.py --connections 10000
    python3 bench/echo-connections.py --connections 2000 --models nio,virtual

Build first (mvn -q package -DskipTests). A pool of 200 threads answers only the first 200
connections: the others wait in its queue, and the row says how many were answered.
"""
import argparse
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time

from labprocess import SERVERS_JAR, java, pinned, variants

JAR = SERVERS_JAR
MESSAGE = b"m" * 64




def start_server(model_args):
    command = pinned(0, [java(), "-jar", JAR, "echo", *model_args, "--port", "0",
                         "--idle-timeout", "0", "--max-connections", "19000"])
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    match = re.search(r"listening on (\S+):(\d+)$", line.strip())
    if not match:
        server.kill()
        sys.exit("server did not start: " + line + server.stderr.read())
    return server, match.group(1), int(match.group(2))


def open_connections(host, port, count, wait_seconds):
    """Connects in batches (the backlog is finite), sends MESSAGE on each, waits for echoes."""
    selector = selectors.DefaultSelector()
    sockets, errors = [], 0
    for start in range(0, count, 500):
        batch = []
        for _ in range(start, min(count, start + 500)):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((host, port))
            batch.append(s)
        for s in batch:
            selector.register(s, selectors.EVENT_WRITE)
        pending = len(batch)
        deadline = time.monotonic() + 10
        while pending and time.monotonic() < deadline:
            for key, _ in selector.select(1):
                s = key.fileobj
                selector.unregister(s)
                pending -= 1
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    s.send(MESSAGE)
                    sockets.append(s)
                else:
                    errors += 1
                    s.close()
    received = {s: 0 for s in sockets}
    for s in sockets:
        selector.register(s, selectors.EVENT_READ)
    echoed = 0
    deadline = time.monotonic() + wait_seconds
    while echoed < len(sockets) and time.monotonic() < deadline:
        for key, _ in selector.select(0.5):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                selector.unregister(s)
                errors += 1
                continue
            received[s] += len(data)
            if received[s] >= len(MESSAGE):
                selector.unregister(s)
                echoed += 1
    selector.close()
    return sockets, echoed, errors


def sample(pid):
    status = open(f"/proc/{pid}/status").read()
    threads = int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))
    rss_kib = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return threads, rss_kib, fds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--models", help="comma-separated labels (default: every echo server the servers jar lists)")
    parser.add_argument("--loops", type=int, default=1, help="event loops for nio and netty (default 1: one core)")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for every echo")
    args = parser.parse_args()
    if not os.path.exists(JAR):
        sys.exit("no " + JAR + ": build first with: mvn -q package -DskipTests")
    flags = variants(JAR, protocol="echo", loops=args.loops)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hasattr(os, "sched_setaffinity") and shutil.which("taskset") and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})

    print(f"{args.connections} connections, 64-byte echo on each; server on core 0, client on core 1")
    print(f"{'model':<22} {'open':>6} {'echoed':>7} {'errors':>6} {'threads':>8} {'RSS MiB':>8} {'fds':>6}  idle: threads, RSS MiB")
    for name in (args.models.split(",") if args.models else flags):
        if name not in flags:
            sys.exit("unknown server %s (known here: %s)" % (name, ", ".join(flags)))
        server, host, port = start_server(flags[name])
        idle_threads, idle_rss, _ = sample(server.pid)
        started = time.monotonic()
        sockets, echoed, errors = open_connections(host, port, args.connections, args.wait)
        threads, rss_kib, fds = sample(server.pid)
        print(f"{name:<22} {len(sockets):>6} {echoed:>7} {errors:>6} {threads:>8} {rss_kib / 1024:>8.1f} {fds:>6}"
              f"  {idle_threads}, {idle_rss / 1024:.1f}   ({time.monotonic() - started:.1f} s)", flush=True)
        for s in sockets:
            s.close()
        server.send_signal(signal.SIGTERM)
        try:
            status = server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            status = "killed after 60 s"
        if status != 0:
            print(f"  {name}: server exit status {status}: {server.stderr.read().strip()}")


if __name__ == "__main__":
    main()
