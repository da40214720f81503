#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Times the app from launch to the first frame that shows real data.

  bench/app-start.py [--runs N] [--warmup N] [BUILDDIR]

BUILDDIR (default _build) must hold src/app/modtune and data/gschemas.compiled.
With MODTUNE_BENCH_FIRST_FRAME set, the app detects the machine as usual,
and exits as soon as the first frame that shows what detection found has
been painted (the window's frame clock "after-paint"); hyperfine (warm-up,
then N runs, no shell) times the whole process: start, GTK and libadwaita
initialisation, the window, detection in a worker thread, layout and the
painted frame, and the exit.  It runs on a recorded machine
(tests/fixtures/sysroots/workstation-17.6-host) and on this one, with GTK's
default renderer and with cairo, under Xvfb and a session bus of its own
(the script re-runs itself under xvfb-run and dbus-run-session when there is
no display).  `modtune --version` (process start, no window) is timed for
reference.  The goal (DESIGN.md): under 300 ms.  Nothing here is a test.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

GOAL_MS = 300.0
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "tests", "fixtures", "sysroots", "workstation-17.6-host")


def out(cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()


def hyperfine(commands, runs, warmup, env):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        cmd = ["hyperfine", "--style", "basic", "-N", "--warmup", str(warmup), "--runs",
               str(runs), "--export-json", f.name, *commands]
        subprocess.run(cmd, check=True, stdout=sys.stderr, env=env)
        with open(f.name, encoding="utf-8") as j:
            return {r["command"]: r for r in json.load(j)["results"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builddir", nargs="?", default="_build")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    if "DISPLAY" not in os.environ and "WAYLAND_DISPLAY" not in os.environ:
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24 -nolisten tcp",
                               "dbus-run-session", "--", sys.executable, *sys.argv])

    builddir = os.path.abspath(args.builddir)
    modtune = os.path.join(builddir, "src", "app", "modtune")
    if shutil.which("hyperfine") is None:
        sys.exit("app-start.py: hyperfine is not installed")
    if not os.access(modtune, os.X_OK):
        sys.exit(f"app-start.py: no {modtune}; build first")

    fixture = os.path.abspath(FIXTURE)
    base = dict(os.environ, GSETTINGS_SCHEMA_DIR=os.path.join(builddir, "data"),
                GSETTINGS_BACKEND="memory", NO_AT_BRIDGE="1", GDK_BACKEND="x11",
                MODTUNE_BENCH_FIRST_FRAME="1")

    # once each, to be sure the app really reaches its first frame with data
    for argv in ([modtune, "--sysroot", fixture], [modtune]):
        r = subprocess.run(argv, env=base, capture_output=True, text=True, timeout=60)
        if "first frame with real data" not in r.stdout:
            sys.exit(f"app-start.py: {' '.join(argv)} never showed its data:\n{r.stderr}")

    recorded = f"{modtune} --sysroot {fixture}"
    this = modtune
    version = f"{modtune} --version"
    results = {}
    for renderer in ("default", "cairo"):
        env = dict(base)
        if renderer == "cairo":
            env["GSK_RENDERER"] = "cairo"
        else:
            env.pop("GSK_RENDERER", None)
        for command, r in hyperfine([recorded, this], args.runs, args.warmup, env).items():
            results[(renderer, command)] = r
    results[("-", version)] = hyperfine([version], args.runs, args.warmup, base)[version]

    names = {recorded: "recorded machine (workstation-17.6-host)", this: "this machine",
             version: "`modtune --version` (process start, no window)"}
    lines = [
        f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {out(['nproc'])} CPUs, kernel {platform.release()}, Xvfb "
        f"1280×800×24, {out(['hyperfine', '--version'])}, {args.warmup} warm-up runs, "
        f"{args.runs} runs each, no shell (-N)",
        "",
        "| Launch to first frame with real data | Renderer | Mean (ms) | Median (ms) | σ (ms) |",
        "|---|---|---:|---:|---:|",
    ]
    worst = 0.0
    for (renderer, command), r in results.items():
        mean, median, stddev = (r["mean"] * 1000, r["median"] * 1000, r["stddev"] * 1000)
        if command != version:
            worst = max(worst, mean)
        lines.append(f"| {names[command]} | {renderer} | {mean:.1f} | {median:.1f} | "
                     f"{stddev:.1f} |")
    met = "met" if worst < GOAL_MS else "NOT met"
    lines += ["", f"Slowest mean {worst:.1f} ms; goal under {GOAL_MS:.0f} ms: {met}."]

    # the table is Markdown, ready for bench/RESULTS.md
    print("\n".join(lines))


if __name__ == "__main__":
    main()
