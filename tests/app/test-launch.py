#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The installed program's own start: `modtune --sysroot DIR` detects in
the thread it starts before GTK, and its first window shows the facts
(MODTUNE_BENCH_FIRST_FRAME makes it exit after that frame, as
bench/app-start.py uses it).  Run under Xvfb and a session bus of its own.

  test-launch.py MODTUNE FIXTURES
"""

import os
import subprocess
import sys


def main():
    modtune, fixtures = sys.argv[1], sys.argv[2]
    env = dict(os.environ, MODTUNE_BENCH_FIRST_FRAME="1")
    failed = 0
    for machine in ("workstation-17.6-host", "kvm-amd-epyc"):
        argv = [modtune, "--sysroot", os.path.join(fixtures, "sysroots", machine)]
        try:
            r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
            ok = r.returncode == 0 and "first frame with real data" in r.stdout
            said = r.stderr[-2000:]
        except subprocess.TimeoutExpired as e:
            ok, said = False, f"no frame with data after 60 s: {e.stderr!r}"
        print(f"{'ok' if ok else 'FAILED'}: {' '.join(argv)}")
        if not ok:
            print(said)
            failed += 1
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
