#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""SECURITY.md rules 2, 11 and 24: the helper never calls system(), popen(),
a shell, or a libkmod FORCE flag, and never asks polkit about a process
(only about the caller's bus name)."""
import os
import re
import sys

PATTERN = re.compile(r'\b(system|popen)\s*\(|"/bin/sh"|"sh",\s*"-c"|KMOD_[A-Z_]*FORCE|polkit_unix_process_new')
top = sys.argv[1]
checked = 0
bad = []
for dirpath, _, filenames in os.walk(top):
    for name in filenames:
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(dirpath, name)
        checked += 1
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if PATTERN.search(line):
                    bad.append(f"{path}:{n}: {line.strip()}")
print(f"checked {checked} helper sources")
if checked == 0:
    sys.exit(f"no sources under {top}")
if bad:
    print("\n".join(bad))
    sys.exit(1)
