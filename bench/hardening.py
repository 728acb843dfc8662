#!/usr/bin/env python3
"""One bad client must never cost anyone else: the attacks of issue 12, measured on a real server.

For each model and each attack: start the servers jar in a process of its own (pinned to core 0
when taskset exists), run the attack from this process, read what it cost the server from
/proc/PID (descriptors, resident memory, CPU time), then check that a fresh, well-behaved
client is still served. One row per model and attack; nothing is judged here, the figures are
printed (the tests judge: servers/src/test/java/iolab/servers/HardeningTest.java).

    mvn -q package -DskipTests
    python3 bench/hardening.py
    python3 bench/hardening.py --models nio,virtual --attacks stalled-readers,bodies
    python3 bench/hardening.py --jar /elsewhere/iolab-servers.jar     # another build, e.g. before a fix
"""
import argparse
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

from labprocess import SERVERS_JAR, java, pinned, variants

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")




class Server:
    def __init__(self, jar, protocol, model_args, extra=(), empty_env=False, open_files=0):
        command = [java(), "-jar", jar, protocol, *model_args, "--port", "0", *extra]
        if open_files:
            command = ["prlimit", "--nofile=%d" % open_files, "--"] + command
        env = {} if empty_env else None
        self.process = subprocess.Popen(pinned(0, command), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)
        line = self.process.stdout.readline()
        match = re.search(r"listening on (\S+):(\d+)$", line.strip())
        if not match:
            self.process.kill()
            raise SystemExit("server did not start: " + line + self.process.stderr.read())
        self.host, self.port = match.group(1), int(match.group(2))
        self.pid = self.process.pid  # the JVM's: prlimit and taskset exec it

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.pid))

    def rss_mib(self):
        with open("/proc/%d/statm" % self.pid) as f:
            return int(f.read().split()[1]) * PAGE / 2**20

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self):
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def connect(server, rcvbuf=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(10)
    s.connect((server.host, server.port))
    return s


def get(path):
    return ("GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path).encode()


def fresh_status(server, path="/plaintext"):
    """A well-behaved client's status line, or what went wrong."""
    try:
        with connect(server) as s:
            s.settimeout(5)
            s.sendall(get(path))
            head = b""
            while b"\r\n" not in head:
                chunk = s.recv(4096)
                if not chunk:
                    return "closed"
                head += chunk
            return head.split(b"\r\n")[0].decode(errors="replace").split(" ", 2)[1]
    except OSError as e:
        return type(e).__name__


def watch(server, seconds, step=0.1):
    """The most descriptors and memory over a window, and the CPU it took."""
    fds0, rss0, cpu0 = server.fds(), server.rss_mib(), server.cpu_seconds()
    most_fds, most_rss = 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        most_fds = max(most_fds, server.fds() - fds0)
        most_rss = max(most_rss, server.rss_mib() - rss0)
        time.sleep(step)
    return most_fds, most_rss, server.cpu_seconds() - cpu0


# ---------------------------------------------------------------- the attacks: each returns a dict of figures

def pipelined(server, path):
    clients = []
    try:
        for _ in range(16):
            s = connect(server)
            s.sendall(get(path) * 2000)  # ~80 KB: the kernel takes it all; the client never reads
            clients.append(s)
        fds, rss, cpu = watch(server, 3)
        _, _, later = watch(server, 3)  # bounded work stops once the kernel's buffers are full
        return {"fds+": fds, "rss+MiB": round(rss), "cpu s": round(cpu, 2), "then cpu s": round(later, 2),
                "fresh": fresh_status(server, path)}
    finally:
        for s in clients:
            s.close()


def pipelined_files(server, root):
    return pipelined(server, "/files/blob.bin")


def pipelined_listings(server, root):
    return pipelined(server, "/files/many/")


def stalled_readers(server, root):
    clients = []
    try:
        for _ in range(16):
            s = connect(server, rcvbuf=16 * 1024)
            s.sendall(get("/files/big.bin"))
            clients.append(s)
        time.sleep(0.5)
        _, _, cpu = watch(server, 3)
        return {"cpu s": round(cpu, 2), "fresh": fresh_status(server)}
    finally:
        for s in clients:
            s.close()


def resets(server, root):
    fresh_status(server)
    time.sleep(0.5)
    before = server.fds()
    linger = struct.pack("ii", 1, 0)
    for _ in range(300):
        s = connect(server)
        s.sendall(get("/files/blob.bin"))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        s.close()  # RST
    time.sleep(2)
    return {"fds+": server.fds() - before, "fresh": fresh_status(server)}


def bodies(server, root):
    size = 8 * 1024 * 1024
    clients = []
    rss0 = server.rss_mib()
    body = b"x" * (size - 1)
    refused = 0
    try:
        for _ in range(64):
            s = connect(server)
            s.settimeout(30)
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % size)
            clients.append(s)
        for s in clients:
            try:
                s.sendall(body)  # all but one byte: never finished
            except OSError:
                refused += 1
        time.sleep(0.5)
        return {"rss+MiB": round(server.rss_mib() - rss0), "turned away": refused, "fresh": fresh_status(server)}
    finally:
        for s in clients:
            s.close()


def trickle(server, piece, first=b""):
    with connect(server) as s:
        start = time.monotonic()
        if first:
            s.sendall(first)
        try:
            while time.monotonic() - start < 8:
                s.sendall(piece)
                time.sleep(0.2)
            return {"closed after s": "not in 8 s", "fresh": fresh_status(server)}
        except OSError:
            return {"closed after s": round(time.monotonic() - start, 1), "fresh": fresh_status(server)}


def crlf_trickle(server, root):
    return trickle(server, b"\r\n")


def body_trickle(server, root):
    return trickle(server, b"x", b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")


def head_byte_by_byte(server, root):
    """A 16 KiB head sent one byte per segment: the server's CPU for it (a head rescanned per read is quadratic)."""
    head = b"GET /plaintext HTTP/1.1\r\nHost: t\r\n" + b"X-Pad: " + b"p" * (16 * 1024 - 80) + b"\r\n\r\n"
    with connect(server) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        cpu0 = server.cpu_seconds()
        for i in range(len(head)):
            s.send(head[i:i + 1])
            if i % 64 == 0:
                time.sleep(0.0005)  # let the server read it in small pieces
        s.settimeout(10)
        status = s.recv(4096).split(b"\r\n")[0].decode(errors="replace")
        return {"cpu s": round(server.cpu_seconds() - cpu0, 2), "answer": status.split(" ", 2)[1] if " " in status else status}


ATTACKS = {
    "pipelined-files": (pipelined_files, []),
    "pipelined-listings": (pipelined_listings, []),
    "stalled-readers": (stalled_readers, []),
    "resets": (resets, []),
    "bodies": (bodies, ["--pool-size", "100"]),
    "crlf-trickle": (crlf_trickle, ["--header-timeout", "2s", "--idle-timeout", "60s"]),
    "body-trickle": (body_trickle, ["--body-timeout", "2s", "--idle-timeout", "60s"]),
    "head-byte-by-byte": (head_byte_by_byte, []),
}


def c_locale(jar, model_args, root):
    """Started as by env -i (no LANG: the C locale), asked for paths that decode to non-ASCII names."""
    server = Server(jar, "http", model_args, ["--root", root], empty_env=True)
    try:
        statuses = [fresh_status(server, p) for p in ("/files/%c0%ae%c0%ae/x", "/files/%c0%ae%c0%ae/y", "/files/caf%C3%A9.txt")]
        return {"answers": "/".join(statuses), "fresh": fresh_status(server, "/files/plain.txt")}
    finally:
        server.stop()


def emfile(jar, model_args, root):
    """Out of descriptors (an open-file limit of 128) with 300 clients holding connections for 1.5 s."""
    server = Server(jar, "echo", model_args, open_files=128)
    clients = []
    try:
        for _ in range(2):
            with connect(server) as s:
                s.sendall(b"warm")
                s.recv(16)
        for _ in range(300):
            clients.append(connect(server))
        time.sleep(1.5)
        for s in clients:
            s.close()
        clients = []
        with connect(server) as s:
            s.sendall(b"again")
            answer = s.recv(16) == b"again"
        err = server.stop()
        return {"accept log lines": sum(1 for line in err.splitlines() if "accept" in line), "fresh served": answer}
    except OSError as e:
        err = server.stop()
        return {"accept log lines": sum(1 for line in err.splitlines() if "accept" in line), "fresh served": type(e).__name__}
    finally:
        for s in clients:
            s.close()


def prepare_root():
    root = tempfile.mkdtemp(prefix="iolab-hardening-")
    with open(os.path.join(root, "blob.bin"), "wb") as f:
        f.write(os.urandom(1024 * 1024))
    with open(os.path.join(root, "big.bin"), "wb") as f:
        f.truncate(256 * 1024 * 1024)
    with open(os.path.join(root, "plain.txt"), "w") as f:
        f.write("plain\n")
    with open(os.path.join(root, "caf\u00e9.txt"), "w") as f:
        f.write("coffee\n")
    many = os.path.join(root, "many")
    os.mkdir(many)
    for i in range(2000):
        open(os.path.join(many, "entry-%04d-with-a-long-enough-name.txt" % i), "w").close()
    return root


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jar", default=SERVERS_JAR)
    parser.add_argument("--models", help="comma-separated labels (default: the lab's models, as the servers jar lists them)")
    parser.add_argument("--attacks", default=",".join(list(ATTACKS) + ["c-locale", "emfile"]))
    args = parser.parse_args()
    if not os.path.exists(args.jar):
        sys.exit("no %s: build it first (mvn -q package -DskipTests)" % args.jar)
    flags = variants(args.jar, kind="lab", loops=1)  # the lab's models, nio on one loop
    models = args.models.split(",") if args.models else list(flags)
    attacks = args.attacks.split(",")
    for name in models + attacks:
        if name not in flags and name not in ATTACKS and name not in ("c-locale", "emfile"):
            sys.exit("unknown model or attack: " + name)
    root = prepare_root()
    print("jar %s" % args.jar)
    for attack in attacks:
        for model in models:
            model_args = flags[model]
            if attack == "c-locale":
                figures = c_locale(args.jar, model_args, root)
            elif attack == "emfile":
                if model != "nio":
                    continue  # the acceptor is shared by every lab model; one is enough
                figures = emfile(args.jar, model_args, root)
            else:
                run, extra = ATTACKS[attack]
                if model != "pool" and "--pool-size" in extra:  # only the pool takes a thread count
                    i = extra.index("--pool-size")
                    extra = extra[:i] + extra[i + 2:]
                server = Server(args.jar, "http", model_args, ["--root", root, *extra])
                try:
                    figures = run(server, root)
                finally:
                    server.stop()
            print("%-20s %-22s %s" % (attack, model, "  ".join("%s %s" % kv for kv in figures.items())), flush=True)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
