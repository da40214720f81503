# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The app against the real helper: tests/helper/mtdtest.py's private
system bus, polkit mock, test root and helper from the build directory,
and a GTK flow program (tests/app/flow-*.c, GLib tests) run under Xvfb
with that bus as its system bus.  The Python side prepares and checks the
root and the polkit mock; the flow program drives the real window.

  MT_TEST_HELPER_DIR  tests/helper (for mtdtest)
  MT_TEST_FLOW_DIR    the build directory of the flow programs
"""

import os
import subprocess
import sys

sys.path.insert(0, os.environ["MT_TEST_HELPER_DIR"])
from mtdtest import HelperTestCase  # noqa: E402,F401  (re-exported)

FLOW_DIR = os.environ["MT_TEST_FLOW_DIR"]
# a flow that takes longer is stuck: it is killed and its output shown,
# before meson's own time limit kills the test without a word
FLOW_TIMEOUT = 600


class AppTestCase(HelperTestCase):
    """A helper test whose client is the app."""

    def run_flow(self, program, path, env=None, expect_success=True):
        """Runs one GLib test (@path) of tests/app/@program under Xvfb and a
        session bus of its own, with the private bus as its system bus and
        the test root's kernel in MT_TEST_KERNEL; returns its output."""
        environment = dict(self.bus.env, MT_TEST_KERNEL=self.root.kernel,
                           MT_TEST_ROOT=self.root.path, **(env or {}))
        argv = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24 -nolisten tcp",
                "dbus-run-session", "--", os.path.join(FLOW_DIR, program), "--tap", "-p", path]
        # dbus-run-session replaces DBUS_SESSION_BUS_ADDRESS, not the system bus
        try:
            done = subprocess.run(argv, env=environment, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=FLOW_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail(f"{program} {path} did not end in {FLOW_TIMEOUT} s:\n{e.output}")
        if expect_success:
            self.assertEqual(done.returncode, 0, f"{program} {path} failed:\n{done.stdout}"
                             + self.helper_output())
            self.assertRegex(done.stdout, r"(?m)^ok \d+ " + path)
        return done.stdout

    def helper_output(self):
        proc = getattr(self, "helper_proc", None)
        if proc is None:
            return ""
        proc.output.seek(0)
        return "\nthe helper said:\n" + proc.output.read()[-4000:]
