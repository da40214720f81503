# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared bits of the data suite's Python tests (tests/data/test_*.py).

The files under test are passed by data/meson.build in MT_* environment
variables; see there."""

import os
import re
import shutil
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET

BUS_NAME = "io.github.modtune.Helper"
ACTION_PREFIX = "io.github.modtune."


def path(var):
    """The file or directory named by environment variable VAR."""
    value = os.environ.get(var)
    if not value:
        raise unittest.SkipTest(f"{var} is not set (run through meson test)")
    return value


def read(var):
    with open(path(var), encoding="utf-8") as f:
        return f.read()


def tool(name, why):
    """The full path of program NAME, or skip the test saying WHY it is needed."""
    found = shutil.which(name)
    if not found:
        for d in ("/usr/sbin", "/sbin"):
            if os.access(os.path.join(d, name), os.X_OK):
                found = os.path.join(d, name)
                break
    if not found:
        raise unittest.SkipTest(f"{name} is not installed ({why})")
    return found


def run(argv, **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("timeout", 120)
    return subprocess.run(argv, check=False, **kwargs)


def parse_xml(var):
    return ET.parse(path(var)).getroot()


def parse_unit(text):
    """A systemd unit or D-Bus service file: {section: [(key, value), ...]}.
    Keys may repeat; comments and blank lines are dropped."""
    sections = {}
    current = None
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        m = re.fullmatch(r"\[([^\]]+)\]", line)
        if m:
            current = sections.setdefault(m.group(1), [])
            continue
        if current is None or "=" not in line:
            raise ValueError(f"line {lineno}: not in a section or not key=value: {line!r}")
        key, value = line.split("=", 1)
        current.append((key.strip(), value.strip()))
    return sections


def main():
    """unittest.main, with exit status 77 (meson's skip) when every test
    that ran was skipped."""
    result = unittest.main(exit=False, verbosity=2).result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
