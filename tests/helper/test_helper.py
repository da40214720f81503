#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""modtune-helper from the build directory on a private system bus."""

import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mtdtest import KERNELS, PrivateBus, TestRoot, chown_tree, drop_privileges  # noqa: E402

HELPER = os.environ["MODTUNE_HELPER"]
BUS_NAME = "io.github.modtune.Helper"
OBJECT = "/io/github/modtune/Helper"


class Helper(unittest.TestCase):
    def setUp(self):
        if not KERNELS:
            self.skipTest("no kernel headers in /lib/modules/*/build")
        self.bus = PrivateBus()
        self.root = TestRoot(KERNELS[0])
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
            p.wait(10)
        self.bus.close()
        self.root.close()

    def gdbus(self, *args, check=True):
        return subprocess.run(["gdbus", *args[:1], "--system", *args[1:]], env=self.bus.env,
                              capture_output=True, text=True, timeout=30, check=check)

    def has_owner(self):
        r = self.gdbus("call", "--dest", "org.freedesktop.DBus", "--object-path",
                       "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.NameHasOwner",
                       BUS_NAME)
        return r.stdout.strip() == "(true,)"

    def start(self, *args):
        p = subprocess.Popen([HELPER, "--test-root", self.root.path, *args], env=self.bus.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=drop_privileges)
        self.procs.append(p)
        return p

    def start_and_wait(self, *args):
        p = self.start(*args)
        deadline = time.monotonic() + 20
        while not self.has_owner():
            self.assertIsNone(p.poll(), "helper exited early")
            self.assertLess(time.monotonic(), deadline, "helper never took its bus name")
            time.sleep(0.05)
        return p

    def helper_stderr(self, p):
        p.terminate()
        p.wait(10)
        return p.stderr.read()

    def test_get_system_info(self):
        # the processor of a recorded machine, in the test root
        recorded = os.path.join(os.environ["MT_TEST_FIXTURES"], "sysroots", "kvm-amd-epyc")
        for rel in ("cpuid.txt", "proc/cpuinfo", "sys/devices/system/cpu/online"):
            with open(os.path.join(recorded, rel)) as f:
                self.root.write(rel, f.read())
        chown_tree(self.root.path)
        p = self.start_and_wait()
        r = self.gdbus("call", "--dest", BUS_NAME, "--object-path", OBJECT,
                           "--method", "io.github.modtune.Helper1.GetSystemInfo", check=False)
        self.assertEqual(r.returncode, 0, r.stderr + self.helper_stderr(p))
        # the facts of the test root, not of this machine
        self.assertIn(f"'kernel-release': <'{KERNELS[0]}'>", r.stdout)
        self.assertIn("'cpu-vendor': <'AMD'>", r.stdout)
        self.assertIn("'cpu-model-name': <'AMD EPYC'>", r.stdout)
        self.assertIn("'cpu-logical-cpus': <uint32 2>", r.stdout)

    def test_daemon_version(self):
        self.start_and_wait()
        r = self.gdbus("call", "--dest", BUS_NAME, "--object-path", OBJECT,
                           "--method", "org.freedesktop.DBus.Properties.Get",
                           "io.github.modtune.Helper1", "DaemonVersion")
        self.assertRegex(r.stdout, r"^\(<'\d+\.\d+\.\d+'>,\)$")

    def test_unknown_method(self):
        self.start_and_wait()
        r = self.gdbus("call", "--dest", BUS_NAME, "--object-path", OBJECT,
                           "--method", "io.github.modtune.Helper1.Frobnicate", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("UnknownMethod", r.stderr)
        # and the helper keeps serving
        self.assertTrue(self.has_owner())

    def test_idle_exit(self):
        p = self.start_and_wait("--idle-timeout=1")
        self.assertEqual(p.wait(20), 0)
        self.assertFalse(self.has_owner())

    def test_second_instance_refused(self):
        self.start_and_wait()
        second = self.start()
        self.assertEqual(second.wait(20), 1)
        self.assertIn("another helper is running", second.stderr.read())

    def test_no_bus(self):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent/bus")
        r = subprocess.run([HELPER], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Cannot connect to the system bus", r.stderr)

    def test_test_root_refused_as_root(self):
        if os.getuid() != 0:
            self.skipTest("only root can show that root is refused a test root")
        r = subprocess.run([HELPER, "--test-root", self.root.path], env=self.bus.env,
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--test-root is refused when running as root", r.stderr)

    def test_bad_option(self):
        r = subprocess.run([HELPER, "--idle-timeout=-5"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--idle-timeout", r.stderr)


if __name__ == "__main__":
    # a case that was skipped reports "skipped" (77) to meson, not "passed"
    result = unittest.main(exit=False).result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
