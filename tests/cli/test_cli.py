#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""modtunectl as a person or a script runs it: output, exit codes, errors."""

import gzip
import json
import os
import shutil
import subprocess
import tempfile
import unittest

MODTUNECTL = os.environ["MODTUNECTL"]
FIXTURES = os.environ["MT_TEST_FIXTURES"]
EPYC = os.path.join(FIXTURES, "sysroots", "kvm-amd-epyc")
EPYC_CPUID = os.path.join(EPYC, "cpuid.txt")


def run(*args, unprivileged=False):
    prefix = []
    if unprivileged and os.geteuid() == 0:
        # root reads every file whatever its mode: run as nobody instead
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    return subprocess.run([*prefix, MODTUNECTL, *args], capture_output=True, text=True, timeout=60)


class Detect(unittest.TestCase):
    def test_text(self):
        r = run("--sysroot", EPYC, "detect")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertIn("Processor", r.stdout)
        self.assertIn("AMD (AuthenticAMD)", r.stdout)
        self.assertIn("AMD EPYC", r.stdout)
        self.assertIn("Logical CPUs", r.stdout)
        self.assertIn("6.18.44-fc-v669", r.stdout)
        self.assertIn("gcc (GCC) 15.3.0", r.stdout)
        self.assertIn("/proc/config.gz", r.stdout)

    def test_json(self):
        r = run("detect", "--json", "--sysroot", EPYC, "--cpuid", EPYC_CPUID)
        self.assertEqual(r.returncode, 0, r.stderr)
        info = json.loads(r.stdout)
        self.assertEqual(info["sysroot"], EPYC)
        self.assertEqual(info["cpu"]["vendor"], "AMD")
        self.assertEqual(info["cpu"]["model_name"], "AMD EPYC")
        self.assertEqual((info["cpu"]["family"], info["cpu"]["model"], info["cpu"]["stepping"]),
                         (25, 17, 1))
        self.assertEqual(info["cpu"]["logical_cpus"], 2)
        self.assertIn("avx512f", info["cpu"]["flags"])
        self.assertIn("leaf 0x0", info["cpu"]["evidence"]["vendor"])
        self.assertEqual(info["kernel"]["release"], "6.18.44-fc-v669")

    def test_sysroot_without_cpuid_uses_files_only(self):
        r = run("--sysroot", EPYC, "detect", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        info = json.loads(r.stdout)
        # a recorded tree never borrows this machine's CPUID
        self.assertEqual(info["cpu"]["evidence"]["vendor"], "/proc/cpuinfo: vendor_id")

    def test_this_machine(self):
        r = run("detect", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        info = json.loads(r.stdout)
        self.assertEqual(info["sysroot"], "/")
        self.assertEqual(info["kernel"]["release"], os.uname().release)
        self.assertEqual(info["cpu"]["logical_cpus"], os.cpu_count())
        if os.uname().machine == "x86_64":
            self.assertEqual(info["cpu"]["evidence"]["vendor"], "CPUID instruction: leaf 0x0 EBX/EDX/ECX")


class Report(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_markdown_is_the_default(self):
        r = run("--sysroot", EPYC, "--cpuid", EPYC_CPUID, "report")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("## Modtune "), r.stdout[:200])
        self.assertIn("### Processor", r.stdout)
        self.assertIn("| Vendor | AMD (AuthenticAMD) |", r.stdout)

    def test_every_format(self):
        for fmt, start in (("markdown", "## Modtune"), ("html", "<!DOCTYPE html>"),
                           ("json", "{"), ("text", "Modtune")):
            with self.subTest(format=fmt):
                r = run("report", "--format", fmt, "--sysroot", EPYC)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertTrue(r.stdout.startswith(start), r.stdout[:100])
        info = json.loads(run("report", "--format", "json", "--sysroot", EPYC).stdout)
        self.assertEqual(info["kernel"]["release"], "6.18.44-fc-v669")

    def test_output_file(self):
        out = os.path.join(self.tmp, "report.html")
        r = run("--sysroot", EPYC, "report", "-f", "html", "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        with open(out) as f:
            html = f.read()
        self.assertTrue(html.endswith("</html>\n"))
        # a second report replaces the first whole
        r = run("--sysroot", EPYC, "report", "-f", "text", "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            self.assertNotIn("<html", f.read())


class Flags(unittest.TestCase):
    def test_text(self):
        r = run("flags")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kernel-compiler", r.stdout)
        self.assertIn("march-native", r.stdout)
        # the macros no source reads are there, and say so
        self.assertIn("VMW_OPTIMIZE_MEMORY_ALLOC", r.stdout)

    def test_json_and_needs_on_a_recorded_machine(self):
        r = run("--sysroot", EPYC, "--cpuid", EPYC_CPUID, "flags", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        catalog = json.loads(r.stdout)
        flags = {f["id"]: f for f in catalog["flags"]}
        self.assertTrue(flags["kernel-compiler"]["required"])
        self.assertFalse(flags["march-native"]["portable"])
        self.assertEqual(flags["fast-math"]["effect"], "none")
        # the recorded kernel was built with gcc: LLVM=1 is not for it
        self.assertFalse(flags["llvm"]["needs_met"])
        for flag in catalog["flags"]:
            self.assertNotRegex(flag["description"].lower(), r"\d+ ?%")

    def test_presets(self):
        r = run("--sysroot", EPYC, "--cpuid", EPYC_CPUID, "flags", "--preset", "optimized")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("mtune-native", r.stdout)
        r = run("flags", "--preset", "ludicrous")
        self.assertEqual(r.returncode, 2)
        self.assertIn("vanilla, optimized", r.stderr)


class Errors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def assertFails(self, result, code, *needles):
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertTrue(result.stderr.startswith("modtunectl: "), result.stderr)
        for needle in needles:
            self.assertIn(needle, result.stderr)
        self.assertNotIn("CRITICAL", result.stderr)

    def test_missing_sysroot(self):
        self.assertFails(run("--sysroot", "/nonexistent/tree", "detect"), 1,
                         "/nonexistent/tree", "does not exist")

    def test_empty_sysroot(self):
        self.assertFails(run("--sysroot", self.tmp, "detect"), 1, "/proc/cpuinfo", self.tmp)

    def test_unreadable_file(self):
        shutil.copytree(EPYC, self.tmp, symlinks=True, dirs_exist_ok=True)
        os.chmod(self.tmp, 0o755)
        os.chmod(os.path.join(self.tmp, "proc", "cpuinfo"), 0)
        self.assertFails(run("--sysroot", self.tmp, "detect", unprivileged=True), 1,
                         "/proc/cpuinfo", "Permission denied")

    def test_cpuinfo_is_a_directory(self):
        shutil.copytree(EPYC, self.tmp, symlinks=True, dirs_exist_ok=True)
        os.remove(os.path.join(self.tmp, "proc", "cpuinfo"))
        os.mkdir(os.path.join(self.tmp, "proc", "cpuinfo"))
        self.assertFails(run("--sysroot", self.tmp, "detect"), 1, "/proc/cpuinfo")

    def test_corrupt_config(self):
        shutil.copytree(EPYC, self.tmp, symlinks=True, dirs_exist_ok=True)
        with open(os.path.join(self.tmp, "proc", "config.gz"), "wb") as f:
            f.write(gzip.compress(b"this is not a kernel config\n"))
        self.assertFails(run("--sysroot", self.tmp, "detect"), 1, "/proc/config.gz", "line 1")

    def test_bad_cpuid_dump(self):
        dump = os.path.join(self.tmp, "dump.txt")
        with open(dump, "w") as f:
            f.write("CPU:\n   garbage\n")
        self.assertFails(run("--sysroot", EPYC, "--cpuid", dump, "detect"), 1, dump, "line 2")

    def test_missing_cpuid_dump(self):
        self.assertFails(run("detect", "--cpuid", "/nonexistent/dump"), 1, "/nonexistent/dump")

    def test_report_errors(self):
        self.assertFails(run("report", "--format", "pdf"), 2, "pdf", "markdown, html, json or text")
        self.assertFails(run("--sysroot", EPYC, "report", "-o", "/nonexistent/dir/report.md"), 1,
                         "cannot write the report to /nonexistent/dir/report.md")
        self.assertFails(run("--sysroot", "/nonexistent", "report"), 1, "/nonexistent")

    def test_usage(self):
        self.assertFails(run("frobnicate"), 2, "Unknown command", "--help")
        self.assertFails(run("detect", "extra"), 2, "extra")
        self.assertFails(run("detect", "--no-such-option"), 2, "--no-such-option")
        r = run()
        self.assertEqual(r.returncode, 2)
        self.assertIn("detect", r.stderr)

    def test_help_and_version(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("detect", r.stdout)
        r = run("detect", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--json", r.stdout)
        self.assertIn("--sysroot", r.stdout)
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^modtunectl \d+\.\d+\.\d+\n$")


if __name__ == "__main__":
    unittest.main()
