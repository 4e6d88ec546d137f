#!/usr/bin/env python3
"""`dossier serve` under load, on loopback only.

Usage: bench/load.py [--pages 1000] [--seconds 30] [--connections 64] [--listeners 200]

1. Generates the 1,000-page corpus (bench/gen_corpus.py) on /dev/shm
   and starts `dossier serve` on 127.0.0.1.
2. Drives it with wrk (installed with apt if missing) for --seconds, rotating
   over every page, and reports requests per second, p99 latency and errors.
3. Opens --listeners live-reload (server-sent events) connections, edits a
   page, and counts how many of them get the reload event.
4. Sends path traversal attempts in many encodings and checks each gets
   400 or 404.
A load script, not a test: it prints figures. Exit code 1 if there were
errors, missed events or a traversal that was not refused.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from corpus import corpus  # noqa: E402 (bench/corpus.py)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

TRAVERSALS = [
    "/../site.yaml", "/../../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd",
    "/..%2fetc%2fpasswd", "/%2e%2e%2fetc%2fpasswd", "/..%5c..%5cetc%5cpasswd", "/..\\..\\etc\\passwd",
    "/%252e%252e/etc/passwd", "/%c0%ae%c0%ae/etc/passwd", "/.%2e/etc/passwd", "/explainer-00001/../../etc/passwd",
    "//etc/passwd", "/%00", "/explainer-00001/%00../../etc/passwd", "/%u002e%u002e/etc/passwd",
]


def raw_get(port, path):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode("latin-1"))
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


def listen(port, got, ready):
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    s.sendall(b"GET /__dossier/events HTTP/1.1\r\nHost: x\r\n\r\n")
    buf = b""
    greeted = False
    while True:
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            return
        if not chunk:
            return
        buf += chunk
        if not greeted and b"event: ok" in buf:
            greeted = True
            ready.release()
        if b"event: reload" in buf:
            got.append(1)
            s.close()
            return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--listeners", type=int, default=200)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "dossier"))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk",
                       shell=True, check=True)
    root = corpus(args.pages)
    out = tempfile.mkdtemp(prefix="dossier-load-", dir="/dev/shm")
    shutil.rmtree(out)
    proc = subprocess.Popen([args.bin, "serve", "--root", root, "--port", "0", "--output", out],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    failed = False
    try:
        port = None
        for line in proc.stdout:
            m = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()

        # 1. Load with wrk, every page in turn.
        lua = os.path.join(out, "..", f"dossier-load-{port}.lua")
        with open(lua, "w") as f:
            f.write(f"local i = 0\nrequest = function()\n  i = (i % {args.pages}) + 1\n"
                    f"  return wrk.format('GET', string.format('/explainer-%05d/', i))\nend\n")
        r = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                            "-s", lua, f"http://127.0.0.1:{port}/"], capture_output=True, text=True)
        os.remove(lua)
        text = r.stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
        p99 = re.search(r"99%\s+([\d.]+\w+)", text).group(1)
        total = re.search(r"(\d+) requests in", text).group(1)
        socket_errors = re.search(r"Socket errors: (.*)", text)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        errors = (socket_errors.group(1) if socket_errors else "none") + \
                 f"; non-2xx: {non2xx.group(1) if non2xx else 0}"
        print(f"wrk, {args.connections} connections, {args.seconds} s, {args.pages} pages rotating, "
              f"{os.cpu_count()} cores (server and wrk share them):")
        print(f"  {total} requests, {rps} requests/s, p99 latency {p99}, errors: {errors}")
        failed |= bool(socket_errors) or bool(non2xx)

        # 2. Live-reload listeners through a rebuild.
        got, ready = [], threading.Semaphore(0)
        threads = [threading.Thread(target=listen, args=(port, got, ready), daemon=True)
                   for _ in range(args.listeners)]
        for t in threads:
            t.start()
        for _ in range(args.listeners):
            ready.acquire(timeout=10)
        page = os.path.join(root, "content", "explainer-00007.md")
        original = open(page, encoding="utf-8").read()
        with open(page, "w", encoding="utf-8") as f:
            f.write(original.replace("## ", "## Load test ", 1))
        for t in threads:
            t.join(timeout=10)
        with open(page, "w", encoding="utf-8") as f:
            f.write(original)
        print(f"live reload: {len(got)} of {args.listeners} open connections got the reload event")
        failed |= len(got) != args.listeners

        # 3. Traversal attempts.
        statuses = {p: raw_get(port, p) for p in TRAVERSALS}
        bad = {p: s for p, s in statuses.items() if s not in (400, 404)}
        print(f"traversal: {len(TRAVERSALS)} attempts, "
              f"{sum(s == 400 for s in statuses.values())} got 400, {sum(s == 404 for s in statuses.values())} got 404"
              + (f", NOT REFUSED: {bad}" if bad else ""))
        failed |= bool(bad)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(out, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
