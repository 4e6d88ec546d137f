#!/usr/bin/env python3
"""Full builds of dossier and Hugo, side by side on the same pages.

Usage: bench/builds.py [--pages 1000 10000] [--runs 5] [--bin target/release/dossier]
                       [--search] [--cold]

For each size: generates the corpus with bench/gen_corpus.py (the
generic flavour for dossier, the hugo flavour for Hugo: the same bodies) on
/dev/shm, installs Hugo with apt if it is missing, then times full builds of
both tools in turns (one warm-up each, then --runs each), with peak memory
from /usr/bin/time -v. Also times a rebuild with nothing changed and a
one-page edit through `dossier serve` (bench/latency.py). Prints medians, ms
per page and the dossier/Hugo ratio. A benchmark, not a test.

--search builds dossier's corpus with `search: true`. Every timed build is a
full one (`--force`); the caches beside the output (search shards, share
cards) are kept from one run to the next, as they are between an author's
builds, unless --cold removes them before each run (a first build).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from corpus import corpus  # noqa: E402 (bench/corpus.py)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def timed(cmd, cwd=None):
    """(wall seconds, peak RSS MiB) of one run: the wall time from a
    monotonic clock (time -v only gives hundredths), the peak memory from
    /usr/bin/time -v."""
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
    rss = None
    for line in r.stderr.splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(" ", 1)[1]) / 1024
    return wall, rss


def ensure_hugo():
    if shutil.which("hugo"):
        return True
    r = subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo",
                       shell=True, capture_output=True)
    return r.returncode == 0 and shutil.which("hugo")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "dossier"))
    ap.add_argument("--search", action="store_true", help="dossier with search: true")
    ap.add_argument("--cold", action="store_true", help="remove the caches beside the output before each run")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    have_hugo = ensure_hugo()
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1] if have_hugo else "-"
    print(f"Full builds, {os.cpu_count()} cores, source and output on /dev/shm, "
          f"{args.runs} runs each after a warm-up, medians. Hugo {hugo_version}."
          + (" dossier with search on." if args.search else "")
          + (" Caches removed before each dossier run." if args.cold else ""))
    print()
    print("| pages | tool | median | ms/page | peak memory | dossier/Hugo |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in args.pages:
        ours = corpus(n, search=args.search)
        out = f"/dev/shm/dossier-bench-out-{n}"
        # --force: every timed run is a full build (an unchanged site is skipped otherwise).
        dossier_cmd = [args.bin, "build", "--force", "--root", ours, "--output", out]
        unchanged_cmd = [args.bin, "build", "--root", ours, "--output", out]
        hugo_src = corpus(n, "hugo") if have_hugo else None
        hugo_cmd = ["hugo", "--quiet", "--destination", f"/dev/shm/hugo-bench-out-{n}"] if have_hugo else None
        caches = [os.path.join("/dev/shm", f".dossier-bench-out-{n}.dossier-{c}") for c in ("search", "cards", "images")]

        def dossier_run():
            if args.cold:
                for c in caches:
                    shutil.rmtree(c, ignore_errors=True)
            return timed(dossier_cmd)

        dossier_run()
        if have_hugo:
            timed(hugo_cmd, cwd=hugo_src)
        d_runs, h_runs = [], []
        for _ in range(args.runs):
            d_runs.append(dossier_run())
            if have_hugo:
                h_runs.append(timed(hugo_cmd, cwd=hugo_src))
        d = statistics.median(w for w, _ in d_runs)
        d_mem = max(m for _, m in d_runs)
        if have_hugo:
            h = statistics.median(w for w, _ in h_runs)
            h_mem = max(m for _, m in h_runs)
            print(f"| {n:,} | dossier | {d:.3f} s | {d * 1000 / n:.3f} | {d_mem:.0f} MiB | {d / h:.2f} |")
            print(f"| {n:,} | Hugo | {h:.3f} s | {h * 1000 / n:.3f} | {h_mem:.0f} MiB | |")
        else:
            print(f"| {n:,} | dossier | {d:.3f} s | {d * 1000 / n:.3f} | {d_mem:.0f} MiB | (no Hugo) |")
        # A rebuild with nothing changed: found out from the inputs' stamp.
        timed(unchanged_cmd)
        again = statistics.median(timed(unchanged_cmd)[0] for _ in range(args.runs))
        print(f"| {n:,} | dossier, no-change rebuild | {again * 1000:.1f} ms | {again * 1000 / n:.4f} | | |")
    print()
    print("One-page edit through `dossier serve`:")
    sys.stdout.flush()
    subprocess.run([sys.executable, os.path.join(HERE, "latency.py"), "--bin", args.bin, "--pages"]
                   + [str(n) for n in args.pages], check=True)


if __name__ == "__main__":
    main()
