#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The compatibility rules against the real headers of every installed kernel
(/lib/modules/*/build): the rule files themselves; the fixture module tree
(tests/fixtures/vmware-src, our own code shaped like VMware's, using the old
kernel APIs) packed into vmmon.tar/vmnet.tar and built without the rules (it
must fail) and with them (both modules must build with objtool on and
silent, for the right kernel); every probe's result on every kernel, and
every rule's outcome, from the engine's report."""

import configparser
import glob
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unittest

PATCHES = os.environ["MT_PATCHES"]
FIXTURE = os.environ["MT_VMWARE_SRC"]
TOOL = os.environ.get("MT_COMPAT_APPLY")
MODULES = ("vmmon", "vmnet")
PROBES = sorted(os.path.splitext(os.path.basename(p))[0]
                for p in glob.glob(os.path.join(PATCHES, "probes", "*.c")))
RULES = sorted(glob.glob(os.path.join(PATCHES, "rules", "*.rule")))
KERNELS = sorted(os.path.basename(os.path.dirname(os.path.dirname(b)))
                 for b in glob.glob("/lib/modules/*/build/Makefile"))
# the mtime and owner of every member of the packed fixture
TAR_MTIME = 1767225600  # 2026-01-01


def kernel_version(release):
    m = re.match(r"(\d+)\.(\d+)", release)
    return int(m.group(1)), int(m.group(2))


def kernel_config(release):
    """The set of options that are y or m in the kernel's .config."""
    options = set()
    with open(f"/lib/modules/{release}/build/.config", encoding="utf-8") as f:
        for line in f:
            m = re.match(r"(CONFIG_\w+)=[ym]$", line.strip())
            if m:
                options.add(m.group(1))
    return options


# What each probe does on a kernel, from the kernel's version and
# configuration: (version, options) -> passes.
def objtool_x86(c):
    return "CONFIG_OBJTOOL" in c


EXPECTED = {
    "asm-timex-alone": lambda v, c: v < (6, 8),
    "csum-copy-uaccess": lambda v, c: not objtool_x86(c),
    "csum-partial-copy-to-user": lambda v, c: True,
    "del-timer-sync": lambda v, c: v < (6, 15),
    "dev-base-lock": lambda v, c: v < (6, 9),
    "eventfd-signal-one-arg": lambda v, c: v >= (6, 8),
    "eventfd-signal-two-args": lambda v, c: v < (6, 8),
    "get-user-pages-unlocked": lambda v, c: True,
    "kbuild-ccflags-y": lambda v, c: True,
    "kbuild-extra-cflags": lambda v, c: v < (6, 15),
    "kernel-h-no-max": lambda v, c: v < (6, 11),
    "lea-absolute": lambda v, c: v < (6, 13) or "CONFIG_X86_KERNEL_IBT" not in c,
    # IBT kernels warn since 6.3; objtool rejects the names outright in 7.x
    "legacy-init-module": lambda v, c: v < (6, 3) or
    ("CONFIG_X86_KERNEL_IBT" not in c and v < (7, 0)),
    "module-init": lambda v, c: True,
    "mov-absolute": lambda v, c: True,
    "naked-ret": lambda v, c: not ({"CONFIG_MITIGATION_RETHUNK", "CONFIG_RETHUNK"} & c),
    "no-ubsan-bounds": lambda v, c: "CONFIG_UBSAN_BOUNDS" not in c,
    "pte-offset-map-macro": lambda v, c: v < (6, 5),
    "pxd-large": lambda v, c: v < (6, 9),
    "pxd-leaf": lambda v, c: True,
    "rdmsrl-safe": lambda v, c: v < (6, 16),
    "rdmsrq-safe": lambda v, c: v >= (6, 16),
    "timer-delete-sync": lambda v, c: v >= (6, 2),
}


def read_rules():
    rules = {}
    for path in RULES:
        parser = configparser.ConfigParser(interpolation=None, strict=True)
        parser.optionxform = str
        parser.read(path, encoding="utf-8")
        rules[os.path.basename(path)[:-len(".rule")]] = parser
    return rules


def make_env(home):
    return {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": home}


def pack_and_extract(dest):
    """Packs each fixture tree into <module>.tar as VMware ships it (fixed
    owner and mtime), then extracts the archives into dest/src."""
    src = os.path.join(dest, "src")
    os.mkdir(src)
    for module in MODULES:
        archive = os.path.join(dest, f"{module}.tar")
        top = f"{module}-only"
        with tarfile.open(archive, "w", format=tarfile.USTAR_FORMAT) as tar:
            paths = [top]
            for dirpath, dirnames, filenames in os.walk(os.path.join(FIXTURE, top)):
                rel = os.path.relpath(dirpath, FIXTURE)
                paths += [os.path.join(rel, d) for d in dirnames]
                paths += [os.path.join(rel, f) for f in filenames]
            for path in sorted(paths):
                info = tar.gettarinfo(os.path.join(FIXTURE, path), arcname=path)
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = TAR_MTIME
                info.mode = 0o755 if info.isdir() else 0o644
                if info.isdir():
                    tar.addfile(info)
                else:
                    with open(os.path.join(FIXTURE, path), "rb") as f:
                        tar.addfile(info, f)
        with tarfile.open(archive) as tar:
            tar.getmember(f"{top}/Makefile")
            tar.extractall(src, filter="data")
    return src


def build_module(src, module, release, kcflags=None):
    """Runs the module's own Makefile as vmware-modconfig does; returns
    (returncode, log, path of the .ko or None)."""
    argv = ["make", "-C", os.path.join(src, f"{module}-only"), f"VM_UNAME={release}"]
    if kcflags:
        argv.append(f"KCFLAGS={kcflags}")
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=make_env(src))
    ko = os.path.join(src, f"{module}-only", f"{module}.ko")
    return r.returncode, r.stdout + r.stderr, ko if os.path.exists(ko) else None


def utsrelease(release):
    with open(f"/lib/modules/{release}/build/include/generated/utsrelease.h",
              encoding="utf-8") as f:
        return re.search(r'#define UTS_RELEASE "([^"]+)"', f.read()).group(1)


class Rules(unittest.TestCase):
    def test_rule_files(self):
        self.assertTrue(RULES, "no rule in patches/rules")
        for path in RULES:
            with self.subTest(rule=os.path.basename(path)):
                parser = configparser.ConfigParser(interpolation=None, strict=True)
                parser.optionxform = str
                parser.read(path, encoding="utf-8")
                rule = parser["Rule"]
                for key in ("Id", "Modules", "KernelChange", "Since", "Kind", "Probe"):
                    self.assertTrue(rule.get(key), f"{key} is missing")
                self.assertEqual(rule["Id"] + ".rule", os.path.basename(path))
                self.assertIn(rule["Kind"], ("compat", "fixup", "diff"))
                self.assertRegex(rule["Since"], r"^\d+\.\d+$")
                modules = [m for m in rule["Modules"].split(";") if m]
                self.assertTrue(set(modules) <= set(MODULES), modules)
                for probe in [rule["Probe"]] + [p for p in rule.get("Requires", "").split(";") if p]:
                    self.assertIn(probe, PROBES, f"probe {probe} does not exist")
                if rule["Kind"] == "compat":
                    self.assertTrue(rule.get("Compat", "").startswith("#define "))

    def test_manifest_lists_every_file(self):
        listed = {}
        with open(os.path.join(PATCHES, "MANIFEST"), encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    sha, path = line.rstrip("\n").split("  ", 1)
                    listed[path] = sha
        files = sorted(os.path.relpath(p, PATCHES)
                       for d in ("rules", "probes", "diffs")
                       for p in glob.glob(os.path.join(PATCHES, d, "*")))
        self.assertEqual(sorted(listed), files,
                         "patches/MANIFEST is out of date: see its first lines")

    def test_every_probe_has_an_expectation(self):
        self.assertEqual(sorted(EXPECTED), PROBES)


class Fixture(unittest.TestCase):
    def setUp(self):
        if not KERNELS:
            raise unittest.SkipTest("no kernel headers in /lib/modules/*/build")

    def test_old_apis_fail_without_the_rules(self):
        """Without the rules the fixture does not build, or not cleanly,
        on any kernel: it really uses the old APIs."""
        for release in KERNELS:
            with tempfile.TemporaryDirectory() as tmp:
                src = pack_and_extract(tmp)
                logs = {}
                for module in MODULES:
                    rc, log, ko = build_module(src, module, release)
                    logs[module] = log
                    with self.subTest(kernel=release, module=module):
                        clean = rc == 0 and ko and "warning:" not in log
                        print(f"{release}: {module} without the rules: "
                              f"{'builds cleanly' if clean else 'fails or warns'}")
                        self.assertFalse(clean, log[-3000:])
                if kernel_version(release) >= (6, 15):
                    # kbuild ignores EXTRA_CFLAGS: the include directories are lost
                    self.assertIn("driver-config.h: No such file or directory", logs["vmmon"])
                    self.assertRegex(logs["vmnet"], r"dev_base_lock|init_module")

    def test_builds_with_the_rules(self):
        """With the rules both modules build on every kernel, with objtool
        on and silent, for that kernel; the report gives every rule's
        outcome and every probe's result."""
        if TOOL is None:
            self.skipTest("src/core does not build the compat engine (mt-compat.c) yet")
        rules = read_rules()
        for release in KERNELS:
            version = kernel_version(release)
            config = kernel_config(release)
            with tempfile.TemporaryDirectory() as tmp:
                src = pack_and_extract(tmp)
                r = subprocess.run([TOOL, PATCHES, src, f"/lib/modules/{release}/build", *MODULES],
                                   capture_output=True, text=True, timeout=600,
                                   env=dict(os.environ, HOME=tmp))
                self.assertEqual(r.returncode, 0, r.stderr)
                reports = {report["module"]: report for report in json.loads(r.stdout)}
                self.assertEqual(sorted(reports), sorted(MODULES))

                probes = {p["id"]: p for p in reports["vmmon"]["probes"]}
                self.assertEqual(sorted(probes), PROBES)
                for probe in PROBES:
                    with self.subTest(kernel=release, probe=probe):
                        expected = EXPECTED[probe](version, config)
                        print(f"{release}: probe {probe}: "
                              f"{'passes' if probes[probe]['passed'] else 'fails'}")
                        self.assertEqual(probes[probe]["passed"], expected, probes[probe]["detail"])

                for module, report in reports.items():
                    self.assertTrue(report["succeeded"])
                    self.assertEqual(report["kernel_release"], utsrelease(release))
                    self.assertEqual(report["interface_version"],
                                     417 if module == "vmmon" else None)
                    outcomes = {rule["id"]: rule for rule in report["rules"]}
                    self.assertEqual(sorted(outcomes), sorted(rules))
                    for rule_id, parser in rules.items():
                        rule = parser["Rule"]
                        needed = (module in rule["Modules"].split(";")
                                  and rule["Kind"] != "diff"  # the diffs are for interface 416
                                  and not probes[rule["Probe"]]["passed"])
                        with self.subTest(kernel=release, module=module, rule=rule_id):
                            got = outcomes[rule_id]
                            print(f"{release}: {module}: {rule_id}: {got['outcome']}: "
                                  f"{got['reason']}")
                            self.assertEqual(got["outcome"],
                                             "applied" if needed else "not-needed")
                            self.assertTrue(got["reason"])
                            if needed and rule["Kind"] == "fixup":
                                self.assertTrue(got["files"])

                for module in MODULES:
                    kcflags = " ".join(reports[module]["ccflags"])
                    rc, log, ko = build_module(src, module, release, kcflags)
                    with self.subTest(kernel=release, module=module):
                        self.assertEqual(rc, 0, log[-3000:])
                        self.assertIsNotNone(ko, log[-3000:])
                        self.assertNotIn("objtool", "\n".join(
                            line for line in log.splitlines() if "warning" in line or "error" in line))
                        self.assertNotIn("warning:", log)
                        # objtool ran (on the module, or on each object of a kernel
                        # without IBT): kbuild records its commands
                        commands = ""
                        for cmd in glob.glob(os.path.join(src, f"{module}-only", "**", ".*.o.cmd"),
                                             recursive=True):
                            with open(cmd, encoding="utf-8") as f:
                                commands += f.read()
                        self.assertIn("objtool", commands)
                        vermagic = subprocess.run(["modinfo", "-F", "vermagic", ko],
                                                  capture_output=True, text=True,
                                                  check=True).stdout.split()
                        self.assertEqual(vermagic[0], utsrelease(release))
                        name = subprocess.run(["modinfo", "-F", "name", ko], capture_output=True,
                                              text=True, check=True).stdout.strip()
                        self.assertEqual(name, module)
                        print(f"{release}: {module}.ko built, vermagic {' '.join(vermagic)}")


if __name__ == "__main__":
    result = unittest.main(exit=False).result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
