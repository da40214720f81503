#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Times the build pipeline on the fixture module tree, for one kernel:

- `modtunectl build` from scratch (extract, probe and apply the rules, build
  both modules, check, write): the first build for this kernel, which
  builds the compatibility probes ("cold"), and a later one, which reads
  their stored results ("probes kept"); and again with an identical plan
  (reuse);
- a bare `make` of the same prepared tree (extracted, rules applied), both
  modules one after the other and both at once, as the engine runs them.

  bench/build.py BUILDDIR [--runs N] [--kernel KVER]
Run inside the project's Debian 13 root (see README.md)."""
import argparse
import glob
import io
import json
import os
import shutil
import statistics
import subprocess
import tarfile
import tempfile
import threading
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = argparse.ArgumentParser()
p.add_argument("builddir")
p.add_argument("--runs", type=int, default=3)
p.add_argument("--kernel")
args = p.parse_args()
builddir = os.path.abspath(args.builddir)
modtunectl = os.path.join(builddir, "src", "cli", "modtunectl")
apply_rules = os.path.join(builddir, "tests", "kbuild", "mt-compat-apply")
kernel = args.kernel or sorted(os.path.basename(os.path.dirname(os.path.dirname(m)))
                               for m in glob.glob("/lib/modules/*/build/Makefile"))[0]
kbuild = f"/lib/modules/{kernel}/build"
work = tempfile.mkdtemp()
probe_cache = os.path.join(work, "cache")
env = dict(os.environ, MODTUNE_PATCHES_DIR=os.path.join(top, "patches"), XDG_CACHE_HOME=probe_cache)
sources = os.path.join(work, "sources")
os.mkdir(sources)
for module in ("vmmon", "vmnet"):
    with tarfile.open(os.path.join(sources, module + ".tar"), "w") as tar:
        tar.add(os.path.join(top, "tests", "fixtures", "vmware-src", f"{module}-only"), f"{module}-only")


def timed(fn):
    t0 = time.monotonic()
    fn()
    return time.monotonic() - t0


def run(argv, **kw):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def full_build(name):
    run([modtunectl, "build", "--kernel", kernel, "--sources", sources, "--out",
         os.path.join(work, f"out-{name}")], env=env)


def cold_build(name):
    shutil.rmtree(probe_cache, ignore_errors=True)
    full_build(name)


plan = json.loads(subprocess.run([modtunectl, "plan", "--json", "--kernel", kernel, "--sources", sources],
                                 check=True, capture_output=True, text=True, env=env).stdout)

# a prepared tree: extracted, rules applied, as the engine leaves it before make
prepared = os.path.join(work, "prepared")
os.mkdir(prepared)
for module in ("vmmon", "vmnet"):
    with tarfile.open(os.path.join(sources, module + ".tar")) as tar:
        tar.extractall(prepared, filter="data")
reports = json.loads(subprocess.run([apply_rules, os.path.join(top, "patches"), prepared, kbuild, "vmmon", "vmnet"],
                                    check=True, capture_output=True, text=True).stdout)
ccflags = {r["module"]: " ".join(r["ccflags"]) for r in reports}


def make(module):
    run(["make", f"-j{os.cpu_count()}", "-C", kbuild, f"M={prepared}/{module}-only",
         f"SRCROOT={prepared}/{module}-only", f"CC={plan['compiler']}", f"KCFLAGS={ccflags[module]}",
         f"VM_UNAME={kernel}", "modules"], env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": work})


def clean():
    for module in ("vmmon", "vmnet"):
        run(["make", "-C", kbuild, f"M={prepared}/{module}-only", f"SRCROOT={prepared}/{module}-only", "clean"],
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": work})


def serial():
    make("vmmon")
    make("vmnet")


def parallel():
    threads = [threading.Thread(target=make, args=(m,)) for m in ("vmmon", "vmnet")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


results = {"cold": [], "full": [], "reuse": [], "serial": [], "parallel": []}
for i in range(args.runs):
    results["cold"].append(timed(lambda: cold_build(f"{i}-cold")))
    results["full"].append(timed(lambda: full_build(i)))
    results["reuse"] += [timed(lambda: full_build(i)) for _ in range(5)]
    clean()
    results["serial"].append(timed(serial))
    clean()
    results["parallel"].append(timed(parallel))
shutil.rmtree(work)

med = {k: statistics.median(v) for k, v in results.items()}
print(f"Kernel {kernel}, {os.cpu_count()} CPUs, {args.runs} runs (reuse: {5 * args.runs}), medians:")
print("| What | Median (s) | Runs |\n|---|---:|---:|")
names = {"cold": "`modtunectl build`, from scratch, probes built (first build for the kernel)",
         "full": "`modtunectl build`, from scratch, probes' results kept", "reuse": "`modtunectl build`, identical plan (reused)",
         "serial": "bare `make`, prepared tree, vmmon then vmnet", "parallel": "bare `make`, prepared tree, both at once"}
for k in ("cold", "full", "reuse", "serial", "parallel"):
    print(f"| {names[k]} | {med[k]:.3f} | {len(results[k])} |")
overhead = (med["full"] - med["parallel"]) / med["parallel"] * 100
cold = (med["cold"] - med["parallel"]) / med["parallel"] * 100
print(f"\nPipeline overhead over a bare parallel make, probes' results kept: {overhead:.1f} % "
      f"(goal: under 5 %: {'met' if overhead < 5 else 'NOT met'}).")
print(f"First build for a kernel, probes built: {cold:.0f} % over the bare parallel make.")
print(f"Parallel vs serial bare make: {med['serial'] / med['parallel']:.2f}x.")
print(f"Reuse of an identical plan: {med['reuse'] * 1000:.0f} ms (goal: under 1 s: "
      f"{'met' if med['reuse'] < 1 else 'NOT met'}).")
