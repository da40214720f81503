#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""modtune-helper from the build directory on a private system bus."""

import os
import subprocess
import tempfile
import time
import unittest

HELPER = os.environ["MODTUNE_HELPER"]
BUS_NAME = "io.github.modtune.Helper"
OBJECT = "/io/github/modtune/Helper"


class PrivateBus:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()
        config = os.path.join(self.dir.name, "bus.conf")
        with open(config, "w") as f:
            f.write(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:dir={self.dir.name}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus"/>
  </policy>
</busconfig>
""")
        self.daemon = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, text=True)
        self.address = self.daemon.stdout.readline().strip()
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)

    def close(self):
        self.daemon.terminate()
        self.daemon.wait(10)
        self.daemon.stdout.close()
        self.dir.cleanup()

    def gdbus(self, *args, check=True):
        return subprocess.run(["gdbus", *args[:1], "--system", *args[1:]], env=self.env,
                              capture_output=True, text=True, timeout=30, check=check)

    def has_owner(self):
        r = self.gdbus("call", "--dest", "org.freedesktop.DBus", "--object-path",
                       "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.NameHasOwner",
                       BUS_NAME)
        return r.stdout.strip() == "(true,)"


class Helper(unittest.TestCase):
    def setUp(self):
        self.bus = PrivateBus()
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
            p.wait(10)
        self.bus.close()

    def start(self, *args):
        p = subprocess.Popen([HELPER, *args], env=self.bus.env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def start_and_wait(self, *args):
        p = self.start(*args)
        deadline = time.monotonic() + 20
        while not self.bus.has_owner():
            self.assertIsNone(p.poll(), "helper exited early")
            self.assertLess(time.monotonic(), deadline, "helper never took its bus name")
            time.sleep(0.05)
        return p

    def helper_stderr(self, p):
        p.terminate()
        p.wait(10)
        return p.stderr.read()

    def test_get_system_info(self):
        p = self.start_and_wait()
        r = self.bus.gdbus("call", "--dest", BUS_NAME, "--object-path", OBJECT,
                           "--method", "io.github.modtune.Helper1.GetSystemInfo", check=False)
        self.assertEqual(r.returncode, 0, r.stderr + self.helper_stderr(p))
        self.assertIn(f"'kernel-release': <'{os.uname().release}'>", r.stdout)
        self.assertIn(f"'cpu-logical-cpus': <uint32 {os.cpu_count()}>", r.stdout)

    def test_daemon_version(self):
        self.start_and_wait()
        r = self.bus.gdbus("call", "--dest", BUS_NAME, "--object-path", OBJECT,
                           "--method", "org.freedesktop.DBus.Properties.Get",
                           "io.github.modtune.Helper1", "DaemonVersion")
        self.assertRegex(r.stdout, r"^\(<'\d+\.\d+\.\d+'>,\)$")

    def test_unknown_method(self):
        self.start_and_wait()
        r = self.bus.gdbus("call", "--dest", BUS_NAME, "--object-path", OBJECT,
                           "--method", "io.github.modtune.Helper1.Frobnicate", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("UnknownMethod", r.stderr)
        # and the helper keeps serving
        self.assertTrue(self.bus.has_owner())

    def test_idle_exit(self):
        p = self.start_and_wait("--idle-timeout=1")
        self.assertEqual(p.wait(20), 0)
        self.assertFalse(self.bus.has_owner())

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

    def test_bad_option(self):
        r = subprocess.run([HELPER, "--idle-timeout=-5"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--idle-timeout", r.stderr)


if __name__ == "__main__":
    unittest.main()
