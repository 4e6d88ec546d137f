#!/usr/bin/env python3
"""Live-preview latency of `dossier serve`: the time from writing one page's
Markdown to (a) its output file being rewritten and (b) the reload event
reaching a connected browser (an SSE client here).

Usage: bench/latency.py [--pages 1000 10000] [--edits 30] [--bin target/release/dossier]

Generates each corpus with bench/gen_corpus.py (generic flavour) on
/dev/shm, adds the default theme, starts `dossier serve`, then edits one page
`--edits` times (a real body change each time, one per 300 ms) and prints
medians. A benchmark, not a test: it prints figures, it asserts nothing.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

from corpus import corpus  # noqa: E402 (bench/corpus.py)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class Events:
    """Reads the server-sent event stream; records when each event arrives."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /__dossier/events HTTP/1.1\r\nHost: bench\r\n\r\n")
        self.arrivals = []
        self.lock = threading.Condition()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        buf = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return
            now = time.perf_counter()
            buf += chunk
            while b"event: " in buf:
                start = buf.index(b"event: ")
                end = buf.find(b"\n", start)
                if end < 0:
                    break
                name = buf[start + 7:end].decode().strip()
                buf = buf[end:]
                with self.lock:
                    self.arrivals.append((name, now))
                    self.lock.notify_all()

    def wait_for(self, count, timeout=10):
        deadline = time.time() + timeout
        with self.lock:
            while len(self.arrivals) < count and time.time() < deadline:
                self.lock.wait(0.05)
            return self.arrivals[count - 1] if len(self.arrivals) >= count else None


def measure(binary, n, edits):
    root = corpus(n)
    out = f"/dev/shm/dossier-bench-{n}-served"
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.Popen([binary, "serve", "--root", root, "--port", "0", "--output", out],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        for line in proc.stdout:
            if " at http://" in line:
                port = int(line.split(" at http://")[1].split("/")[0].rsplit(":", 1)[1])
                break
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        events = Events(port)
        events.wait_for(1)  # the greeting
        page = os.path.join(root, "content", "explainer-00042.md")
        target = os.path.join(out, "explainer-00042", "index.html")
        original = open(page, encoding="utf-8").read()
        to_file, to_event = [], []
        for i in range(edits):
            time.sleep(0.3)
            before = os.stat(target).st_mtime_ns
            text = original.replace("## ", f"## Edit {i} ", 1)
            t0 = time.perf_counter()
            with open(page, "w", encoding="utf-8") as f:
                f.write(text)
            while os.stat(target).st_mtime_ns == before and time.perf_counter() - t0 < 10:
                pass
            t_file = time.perf_counter()
            got = events.wait_for(2 + i)
            if got is None:
                print(f"  edit {i}: no reload event", file=sys.stderr)
                continue
            to_file.append((t_file - t0) * 1000)
            to_event.append((got[1] - t0) * 1000)
        with open(page, "w", encoding="utf-8") as f:
            f.write(original)
        return to_file, to_event
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(out, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "dossier"))
    args = ap.parse_args()
    print(f"dossier serve: one-page edit latency, {os.cpu_count()} cores, corpus on /dev/shm, "
          f"{args.edits} edits each, median (p90) in ms")
    print(f"{'pages':>7} | {'write -> file rewritten':>24} | {'write -> reload event':>22}")
    for n in args.pages:
        to_file, to_event = measure(args.bin, n, args.edits)
        p90 = lambda xs: sorted(xs)[int(len(xs) * 0.9) - 1]
        print(f"{n:>7} | {statistics.median(to_file):>14.1f} ({p90(to_file):6.1f}) |"
              f" {statistics.median(to_event):>13.1f} ({p90(to_event):6.1f})")


if __name__ == "__main__":
    main()
