# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Optimize flow against the real helper: the flow program
(flow-optimize.c) presses Optimize in the window, follows the job on the
build page and checks what the window shows; this side starts polkit's mock
and the helper on a test root, then checks the root and what polkit was
asked."""

import os
import time
import unittest

from apptest import AppTestCase

MOCK_IFACE = "org.freedesktop.DBus.Mock"
INSTALL_MODULES = "io.github.modtune.install-modules"
MODULES = ("vmmon", "vmnet")


class TestOptimize(AppTestCase):

    def flow(self, path):
        started = time.monotonic()
        output = self.run_flow("flow-optimize", path)
        # the flow's own messages (stages, timings, the result) for the log
        print("\n".join(line for line in output.splitlines() if line.startswith("# ")
                        and "DEBUG" not in line), flush=True)
        print(f"{path}: {time.monotonic() - started:.1f} s", flush=True)
        return output

    def polkit_actions(self):
        """The actions polkit was asked about, in order."""
        calls = self.polkit.GetMethodCalls("CheckAuthorization", dbus_interface=MOCK_IFACE)
        return [str(call[1][1]) for call in calls]

    def test_optimize(self):
        self.start_polkit()
        self.allow("apply")
        self.start_helper()
        self.flow("/flow/optimize")

        # the modules are really there, built for the root's kernel
        for module in MODULES:
            path = self.root.installed(module)
            self.assertTrue(os.path.isfile(path), path)
        with open(self.root.join("lib", "modules", self.root.kernel, "modules.dep")) as f:
            self.assertIn("updates/modtune/vmmon.ko:", f.read())
        status = self.call("GetStatus", "")
        for module in MODULES:
            self.assertEqual(str(status[module]["origin"]), "modtune", module)
        # one click, one question: Apply's, and nothing else
        self.assertEqual(self.polkit_actions(), [INSTALL_MODULES])

    def test_denied(self):
        self.start_polkit()  # denies everything by default
        self.start_helper()
        before = self.root.state()
        self.flow("/flow/denied")

        for module in MODULES:
            self.assertFalse(os.path.exists(self.root.installed(module)), module)
        self.assertEqual(self.root.state(), before)
        self.assertEqual(self.jobs(), [])
        self.assertEqual(self.polkit_actions(), [INSTALL_MODULES])

    def test_cancel(self):
        self.start_polkit()
        self.allow("apply")
        self.start_helper()
        before = self.root.state()
        self.flow("/flow/cancel")

        for module in MODULES:
            self.assertFalse(os.path.exists(self.root.installed(module)), module)
        # nothing changed but the helper's cache, which keeps only its
        # (empty) directories: no build is left behind
        after = self.root.state()
        cache = "var/cache/modtune/"
        self.assertEqual({k: v for k, v in after.items() if not k.startswith(cache)},
                         {k: v for k, v in before.items() if not k.startswith(cache)})
        left = {k: v for k, v in after.items() if k.startswith(cache)}
        self.assertEqual([k for k, v in left.items() if v != "dir" or "build-" in k], [], left)
        self.assertEqual(self.polkit_actions(), [INSTALL_MODULES])


if __name__ == "__main__":
    unittest.main()
