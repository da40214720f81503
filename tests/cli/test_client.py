#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""modtunectl as the helper's client: status, backups, apply, restore,
uninstall, load, unload and delete-backup against modtune-helper from the
build directory, on the private system bus, polkit mock and test root of
tests/helper/mtdtest.py (real builds against the installed kernel
headers; loading is libkmod's dry run)."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.environ["MT_TEST_HELPER_DIR"])
from mtdtest import BUS_NAME, HelperTestCase  # noqa: E402

MODTUNECTL = os.environ["MODTUNECTL"]

NOT_INSTALLED = ("the Modtune helper is not installed (modtune-helper, D-Bus service "
                 "io.github.modtune.Helper): install Modtune with --prefix=/usr")
STAGE = re.compile(r"^\[\s*(\d+)%\] (\w+)")
# a run that takes longer is stuck: it is killed and its output shown,
# before meson's own time limit (900 s) kills the test without a word
RUN_TIMEOUT = 600


class Run:
    """One run of modtunectl whose output is read line by line as it comes."""

    def __init__(self, test, *args):
        self.test = test
        self.proc = subprocess.Popen([MODTUNECTL, *args], env=test.bus.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        test.procs.append(self.proc)
        self.lines = []
        self.job_path = None
        self.timer = threading.Timer(RUN_TIMEOUT, self.proc.kill)
        self.timer.start()
        test.addCleanup(self.timer.cancel)

    def readline(self):
        line = self.proc.stdout.readline()
        if line == "":
            return None
        line = line.rstrip("\n")
        self.lines.append(line)
        match = re.match(r"^Job (/io/github/modtune/Helper/jobs/\d+): ", line)
        if match:
            self.job_path = match.group(1)
        return line

    def read_until(self, predicate):
        while True:
            line = self.readline()
            if line is None:
                self.test.fail("modtunectl ended first:\n" + self.stdout + self.finish()[1])
            if predicate(line):
                return line

    def finish(self):
        while self.readline() is not None:
            pass
        stderr = self.proc.stderr.read()
        self.proc.wait()
        self.timer.cancel()
        self.proc.stdout.close()
        self.proc.stderr.close()
        if self.proc.returncode == -signal.SIGKILL:
            self.test.fail(f"modtunectl was stuck:\n{self.stdout}{stderr}{self.test.describe_jobs()}")
        return self.proc.returncode, stderr

    @property
    def stdout(self):
        return "\n".join(self.lines) + "\n"

    def stages(self):
        return [m.group(2) for m in map(STAGE.match, self.lines) if m]


class HelperClient(HelperTestCase):
    def ctl(self, *args):
        try:
            return subprocess.run([MODTUNECTL, *args], env=self.bus.env, capture_output=True,
                                  text=True, timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail(f"modtunectl {' '.join(args)} was stuck:\n{e.stdout}{e.stderr}"
                      f"{self.describe_jobs()}")

    def describe_jobs(self):
        """The helper's jobs as it sees them, for a test that failed."""
        try:
            return "".join(f"{path}: {self.job_state(path)}\n" for path in self.jobs())
        except Exception as e:  # noqa: BLE001 - only for the message
            return f"(the helper's jobs cannot be listed: {e})\n"

    def ok(self, *args):
        r = self.ctl(*args)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def apply(self, *args):
        r = self.ok("apply", *args)
        self.assertIn("Installed vmmon and vmnet", r.stdout)
        return r

    def status(self):
        return json.loads(self.ok("status", "--json").stdout)

    def backups(self):
        return json.loads(self.ok("backups", "--json").stdout)

    def job_state(self, path):
        job = self.conn.get_object(BUS_NAME, path)
        return str(self.job_property(job, "State"))

    def lib_and_etc(self):
        return {key: value for key, value in self.root.state().items()
                if key.startswith("lib/") or key.startswith("etc/")}

    def test_status_on_a_fresh_root(self):
        self.start_helper()
        r = self.ok("status")
        self.assertEqual(r.stderr, "")
        self.assertRegex(r.stdout, rf"(?m)^Kernel:\s+{re.escape(self.root.kernel)}$")
        self.assertRegex(r.stdout, r"(?m)^VMware Workstation:\s+17\.")
        for module in ("vmmon", "vmnet"):
            self.assertRegex(r.stdout, rf"(?m)^{module}\n  origin:\s+none \(not installed\)\n"
                                       r"  loaded:\s+no$")
        self.assertNotIn("sha256", r.stdout)

        status = self.status()
        self.assertEqual(status["kernel-release"], self.root.kernel)
        self.assertEqual(status["vmmon"]["origin"], "none")
        self.assertEqual(status["vmnet"]["origin"], "none")
        self.assertFalse(status["recovered"])

        self.assertIn("No backups yet", self.ok("backups").stdout)
        self.assertEqual(self.backups(), [])

        r = self.ctl("status", "--kernel", "9.9.9-nonexistent")
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("modtunectl: "), r.stderr)
        self.assertNotIn("GDBus.Error", r.stderr)

    def test_apply_shows_the_log_and_stages_live(self):
        self.start_polkit()
        self.allow("apply")
        self.start_helper()

        run = Run(self, "apply")
        run.read_until(lambda line: line.startswith("Job "))
        # the helper's first log line (what it detected) arrives while the
        # job still runs: the build is yet to come
        line = run.read_until(lambda line: STAGE.match(line) is None)
        self.assertIn(f", kernel {self.root.kernel}", line)
        self.assertIsNone(run.proc.poll())
        self.assertEqual(self.job_state(run.job_path), "running")
        code, stderr = run.finish()
        self.assertEqual(code, 0, run.stdout + stderr)

        out = run.stdout
        self.assertIn("CC [M]", out)
        self.assertLess(out.index("Built and checked vmmon.ko and vmnet.ko."),
                        out.index("Installed vmmon and vmnet; depmod done."))
        self.assertTrue(out.endswith(f"vmmon and vmnet are installed for kernel "
                                     f"{self.root.kernel}.\n"), out[-300:])
        # one line per stage, in the order of the job
        stages = run.stages()
        self.assertEqual(len(stages), len(set(stages)), stages)
        for earlier, later in (("build", "install"), ("install", "done")):
            self.assertLess(stages.index(earlier), stages.index(later), stages)
        self.assertEqual(stages[-1], "done")
        self.assertRegex(out, r"(?m)^\[\s*\d+%\] build: Building vmmon and vmnet as the build user$")
        self.assertEqual(self.job_state(run.job_path), "succeeded")

        for module in ("vmmon", "vmnet"):
            self.assertTrue(os.path.isfile(self.root.installed(module)))
        r = self.ok("status")
        self.assertRegex(r.stdout, r"(?m)^vmmon\n  origin:\s+modtune ")
        self.assertRegex(r.stdout, r"(?m)^vmnet\n  origin:\s+modtune ")
        self.assertRegex(r.stdout, r"(?m)^  sha256:\s+[0-9a-f]{12}…$")
        backups = self.backups()
        self.assertEqual(len(backups), 1)
        self.assertTrue(backups[0]["installed"])
        self.assertTrue(backups[0]["known-good"])
        status = self.status()
        self.assertEqual(status["vmmon"]["origin"], "modtune")
        self.assertEqual(status["vmmon"]["backup-id"], backups[0]["id"])
        text = self.ok("backups").stdout.splitlines()
        self.assertEqual(text[0].split(), ["ID", "CREATED", "KERNEL", "VMWARE", "FLAGS", "NOTES"])
        self.assertEqual(len(text), 2)
        self.assertTrue(text[1].startswith(backups[0]["id"] + " "), text[1])
        self.assertIn(self.root.kernel, text[1])
        self.assertTrue(text[1].endswith("installed, known good"), text[1])

    def test_apply_denied(self):
        self.start_polkit()  # denies everything by default
        self.start_helper()
        before = self.lib_and_etc()
        r = self.ctl("apply")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("modtunectl: not authorized: ", r.stderr)
        self.assertNotIn("GDBus.Error", r.stderr)
        self.assertNotIn("Job ", r.stdout)
        self.assertEqual(self.lib_and_etc(), before)
        self.assertFalse(os.path.exists(self.root.installed("vmmon")))
        self.assertEqual(self.backups(), [])

    def test_restore_after_a_second_apply(self):
        self.start_polkit()
        self.allow("apply", "restore")
        self.start_helper()
        self.apply()
        first = {m: open(self.root.installed(m), "rb").read() for m in ("vmmon", "vmnet")}
        r = self.apply("--enable", "unroll-loops")
        backups = self.backups()
        self.assertEqual(len(backups), 2)
        old = next(b for b in backups if not b["installed"])
        new = next(b for b in backups if b["installed"])
        self.assertIn("unroll-loops", new["flag-ids"])
        self.assertNotIn("unroll-loops", old["flag-ids"])
        self.assertIn(f"kept as backup {old['id']}", r.stdout)
        self.assertNotEqual(open(self.root.installed("vmmon"), "rb").read(), first["vmmon"])

        r = self.ok("restore", old["id"])
        self.assertIn(f"Restored backup {old['id']}", r.stdout)
        self.assertIn(f"The backup is installed for kernel {self.root.kernel}.", r.stdout)
        for module in ("vmmon", "vmnet"):
            self.assertEqual(open(self.root.installed(module), "rb").read(), first[module], module)
        self.assertEqual(self.status()["vmmon"]["backup-id"], old["id"])
        self.assertTrue(next(b for b in self.backups() if b["id"] == old["id"])["installed"])

        r = self.ctl("restore", "20200101T000000Z-00000000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("There is no backup 20200101T000000Z-00000000", r.stderr)
        self.assertNotIn("GDBus.Error", r.stderr)

    def test_uninstall(self):
        self.start_polkit()
        self.allow("apply", "uninstall")
        self.start_helper()
        before = self.lib_and_etc()
        self.apply()
        r = self.ok("uninstall")
        self.assertIn("install: Removing the modules", r.stdout)
        self.assertIn("Removed the modules Modtune installed", r.stdout)
        self.assertIn(f"Modtune’s modules are removed for kernel {self.root.kernel}.", r.stdout)
        for module in ("vmmon", "vmnet"):
            self.assertFalse(os.path.exists(self.root.installed(module)))
        self.assertFalse(os.path.exists(self.root.join("etc", "modules-load.d", "modtune.conf")))
        self.assertRegex(self.ok("status").stdout, r"(?m)^vmmon\n  origin:\s+none ")
        after = self.lib_and_etc()
        for key, value in before.items():
            self.assertEqual(after.get(key), value, key)

    def test_load_and_unload(self):
        self.start_polkit()
        self.allow("apply", "load")
        self.start_helper()
        # nothing installed: the module index has no vmmon
        r = self.ctl("load")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"^modtunectl: \S")
        self.assertIn("depmod", r.stderr)
        self.assertNotIn("GDBus.Error", r.stderr)

        self.apply()
        self.assertEqual(self.ok("load").stdout, "Loaded vmmon and vmnet.\n")
        self.assertEqual(self.ok("unload").stdout, "Unloaded vmnet and vmmon.\n")

    def test_load_denied(self):
        self.start_polkit()
        self.start_helper()
        for command in ("load", "unload"):
            r = self.ctl(command)
            self.assertEqual(r.returncode, 1)
            self.assertIn("modtunectl: not authorized: ", r.stderr)

    def test_delete_backup(self):
        self.start_polkit()
        self.allow("apply", "delete")
        self.start_helper()
        self.apply()
        self.apply("--enable", "unroll-loops")
        backups = self.backups()
        old = next(b for b in backups if not b["installed"] and not b["known-good"])
        installed = next(b for b in backups if b["installed"])
        r = self.ctl("delete-backup", installed["id"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertTrue(r.stderr.startswith("modtunectl: "), r.stderr)
        self.assertEqual(self.ok("delete-backup", old["id"]).stdout,
                         f"Deleted backup {old['id']}.\n")
        self.assertEqual([b["id"] for b in self.backups()], [installed["id"]])

    def test_helper_absent(self):
        # the private bus has neither the helper nor an activation file
        for args in (["status"], ["backups"], ["apply"], ["load"], ["uninstall"]):
            r = self.ctl(*args)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(f"modtunectl: {NOT_INSTALLED}", r.stderr)
            self.assertEqual(r.stdout, "")

    def test_ctrl_c_during_apply(self):
        self.start_polkit()
        self.allow("apply")
        self.start_helper()
        before = self.lib_and_etc()

        run = Run(self, "apply")
        run.read_until(lambda line: STAGE.match(line) is not None and " build" in line)
        run.proc.send_signal(signal.SIGINT)
        code, stderr = run.finish()
        self.assertEqual(code, 130, run.stdout + stderr)
        self.assertIn("Cancelling the job", stderr)
        self.assertTrue(stderr.rstrip().endswith("modtunectl: cancelled"), stderr)
        self.assertNotIn("install", run.stages())
        self.assertEqual(self.job_state(run.job_path), "cancelled")

        self.assertFalse(os.path.exists(self.root.installed("vmmon")))
        self.assertFalse(os.path.exists(self.root.installed("vmnet")))
        self.assertEqual(self.lib_and_etc(), before)
        self.assertEqual(self.backups(), [])
        self.assertRegex(self.ok("status").stdout, r"(?m)^vmmon\n  origin:\s+none ")


class HelperUsage(unittest.TestCase):
    """What modtunectl says before it talks to the helper, or without a bus."""

    def ctl(self, *args, env=None):
        return subprocess.run([MODTUNECTL, *args], env=dict(os.environ, **(env or {})),
                              capture_output=True, text=True, timeout=60)

    def test_usage_errors(self):
        for args, needle in ((["restore"], "needs the id of a backup"),
                             (["delete-backup"], "needs the id of a backup"),
                             (["restore", "a", "b"], "takes one argument"),
                             (["status", "extra"], "takes no argument"),
                             (["apply", "extra"], "takes no argument"),
                             (["status", "--sysroot", "/"], "Unknown option --sysroot"),
                             (["--sysroot", "/", "status"], "--sysroot and --cpuid do not apply"),
                             (["--sysroot", "/", "apply"], "--sysroot and --cpuid do not apply"),
                             (["apply", "--enable", "no-such-flag"], "There is no flag")):
            r = self.ctl(*args, env={"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/bus"})
            self.assertIn(needle, r.stderr, args)
            self.assertEqual(r.returncode, 1 if "no-such-flag" in args else 2, args)

    def test_help_lists_the_commands(self):
        r = self.ctl("--help")
        for command in ("apply", "status", "backups", "restore", "delete-backup", "uninstall",
                        "load", "unload"):
            self.assertRegex(r.stderr + r.stdout, rf"(?m)^  {command} ")
        r = self.ctl("apply", "--help")
        self.assertEqual(r.returncode, 0)
        for option in ("--kernel=KVER", "--preset=PRESET", "--enable=ID", "--disable=ID"):
            self.assertIn(option, r.stdout)
        self.assertNotIn("--kernel-build", r.stdout)

    def test_no_system_bus(self):
        r = self.ctl("status", env={"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/bus"})
        self.assertEqual(r.returncode, 1)
        self.assertIn("modtunectl: Cannot reach the system bus: ", r.stderr)


if __name__ == "__main__":
    # a case that was skipped reports "skipped" (77) to meson, not "passed"
    result = unittest.main(exit=False).result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
