#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every probe in patches/probes built with kbuild against the real headers
of every installed kernel, and every rule file in patches/rules checked."""

import configparser
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

PATCHES = os.environ["MT_PATCHES"]
PROBES = sorted(os.path.splitext(os.path.basename(p))[0]
                for p in glob.glob(os.path.join(PATCHES, "probes", "*.c")))
RULES = sorted(glob.glob(os.path.join(PATCHES, "rules", "*.rule")))
KERNELS = sorted(os.path.basename(os.path.dirname(os.path.dirname(b)))
                 for b in glob.glob("/lib/modules/*/build/Makefile"))

# What the real headers say, for the kernels CI installs: (major, minor) from
# which each probe's API exists, and (major, minor) from which it is gone.
EXPECTED = {
    "timer-delete-sync": ((6, 2), None),
    "del-timer-sync": ((0, 0), (6, 15)),
}


def kernel_version(release):
    m = re.match(r"(\d+)\.(\d+)", release)
    return int(m.group(1)), int(m.group(2))


def build_probe(probe, release):
    """Returns (built, log)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(PATCHES, "probes", probe + ".c"), os.path.join(tmp, "probe.c"))
        with open(os.path.join(tmp, "Kbuild"), "w") as f:
            f.write("obj-m := probe.o\n")
        r = subprocess.run(["make", "-C", f"/lib/modules/{release}/build", f"M={tmp}", "modules"],
                           capture_output=True, text=True, timeout=300,
                           env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": tmp})
        built = r.returncode == 0 and os.path.exists(os.path.join(tmp, "probe.ko"))
        return built, r.stdout + r.stderr


class Rules(unittest.TestCase):
    def test_rule_files(self):
        self.assertTrue(RULES, "no rule in patches/rules")
        for path in RULES:
            with self.subTest(rule=os.path.basename(path)):
                parser = configparser.ConfigParser(interpolation=None)
                parser.optionxform = str
                parser.read(path)
                rule = parser["Rule"]
                for key in ("Id", "Modules", "KernelChange", "Since", "Kind", "Probe"):
                    self.assertTrue(rule.get(key), f"{key} is missing")
                self.assertEqual(rule["Id"] + ".rule", os.path.basename(path))
                self.assertIn(rule["Kind"], ("compat", "fixup", "diff"))
                self.assertRegex(rule["Since"], r"^\d+\.\d+$")
                modules = [m for m in rule["Modules"].split(";") if m]
                self.assertTrue(set(modules) <= {"vmmon", "vmnet"}, modules)
                for probe in [rule["Probe"]] + [p for p in rule.get("Requires", "").split(";") if p]:
                    self.assertIn(probe, PROBES, f"probe {probe} does not exist")
                if rule["Kind"] == "compat":
                    self.assertTrue(rule.get("Compat", "").startswith("#define "))

    def test_every_probe_has_an_expectation(self):
        self.assertEqual(sorted(EXPECTED), PROBES)


class Probes(unittest.TestCase):
    def test_probes_on_installed_kernels(self):
        if not KERNELS:
            raise unittest.SkipTest("no kernel headers in /lib/modules/*/build")
        for release in KERNELS:
            version = kernel_version(release)
            for probe in PROBES:
                since, gone = EXPECTED[probe]
                expected = version >= since and (gone is None or version < gone)
                with self.subTest(kernel=release, probe=probe):
                    built, log = build_probe(probe, release)
                    print(f"{release}: {probe}: {'builds' if built else 'does not build'}")
                    self.assertEqual(built, expected, log[-2000:])


if __name__ == "__main__":
    result = unittest.main(exit=False).result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
