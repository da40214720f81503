#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs one libFuzzer target for a bounded time on a copy of its seed
corpus (libFuzzer writes new inputs into its first corpus directory, and
the seeds in the source tree stay untouched).
  run-fuzzer.py TARGET SEED-DIR [SECONDS]"""
import os
import subprocess
import sys
import tempfile

target, seeds = sys.argv[1], sys.argv[2]
seconds = sys.argv[3] if len(sys.argv) > 3 else "20"
with tempfile.TemporaryDirectory() as work:
    r = subprocess.run([target, f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=2048",
                        "-print_final_stats=1", f"-artifact_prefix={work}/", work, seeds])
    sys.exit(r.returncode)
