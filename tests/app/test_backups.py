# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Backups page against the real helper: two Apply jobs (vanilla, then
unroll-loops) make a backup of the first pair before the app starts; the
flow program (flow-backups.c) lists, restores and deletes it through the
window, and this side checks the helper and the test root."""

import hashlib
import os
import time
import unittest

import dbus

from apptest import AppTestCase

EMPTY = dbus.Dictionary({}, signature="sv")
MODULES = ("vmmon", "vmnet")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class TestBackups(AppTestCase):

    def setUp(self):
        super().setUp()
        self.start_polkit()
        self.allow("apply")
        self.start_helper()
        self.target = self.installed_id = ""
        self.backups = []

    def apply(self, *flags):
        started = time.monotonic()
        job, log = self.start_job("Apply", "", dbus.Array(flags, signature="s"), EMPTY)
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        print(f"apply {flags or '(vanilla)'}: {time.monotonic() - started:.1f} s", flush=True)
        return job

    def make_backups(self):
        """The first pair (vanilla) is kept as a backup that is neither
        installed nor known good; the second (unroll-loops) is installed."""
        self.apply()
        self.first = {m: sha256(self.root.installed(m)) for m in MODULES}
        job = self.apply("unroll-loops")
        self.target = str(self.job_property(job, "BackupId"))
        self.backups = self.call("ListBackups")
        self.assertEqual(len(self.backups), 2)
        installed = [str(b["id"]) for b in self.backups if b["installed"]]
        self.assertEqual(len(installed), 1)
        self.installed_id = installed[0]
        self.assertNotEqual(self.target, self.installed_id)
        self.assertNotEqual(sha256(self.root.installed("vmmon")), self.first["vmmon"])

    def flow(self, path, **env):
        lines = []
        for b in self.backups:
            flags = ",".join(str(f) for f in b["flag-ids"]) or "vanilla"
            lines.append(f"{b['id']} {'installed' if b['installed'] else '-'} {flags}")
        started = time.monotonic()
        output = self.run_flow("flow-backups", path, env=dict(
            MT_TEST_BACKUPS="\n".join(lines), MT_TEST_BACKUP_ID=self.target,
            MT_TEST_INSTALLED_ID=self.installed_id, **env))
        print(f"{path}: {time.monotonic() - started:.1f} s", flush=True)
        return output

    def backup_ids(self):
        return [str(b["id"]) for b in self.call("ListBackups")]

    def test_empty(self):
        self.assertEqual(self.backup_ids(), [])
        self.flow("/flow/empty")

    def test_list(self):
        self.make_backups()
        self.flow("/flow/list")

    def test_restore(self):
        self.make_backups()
        self.allow("restore")
        self.flow("/flow/restore")
        # the installed modules are the backup's bytes again
        stored = self.root.join("var", "lib", "modtune", "backups", self.target)
        for m in MODULES:
            now = sha256(self.root.installed(m))
            self.assertEqual(now, self.first[m], m)
            self.assertEqual(now, sha256(os.path.join(stored, m + ".ko")), m)
        status = self.call("GetStatus", "")
        for m in MODULES:
            self.assertEqual(str(status[m]["backup-id"]), self.target, m)
        backups = {str(b["id"]): b for b in self.call("ListBackups")}
        self.assertTrue(backups[self.target]["installed"])
        # what was installed before is still kept
        self.assertIn(self.installed_id, backups)

    def test_delete(self):
        self.make_backups()
        self.allow("delete")
        self.flow("/flow/delete")
        self.assertEqual(self.backup_ids(), [self.installed_id])

    def test_restore_denied(self):
        self.make_backups()
        self.allow()
        before = self.root.state()
        self.flow("/flow/restore-denied")
        self.flow("/flow/restore-denied-page-only")
        self.assertEqual(self.root.state(), before)
        self.assertEqual(sorted(self.backup_ids()), sorted([self.target, self.installed_id]))
        self.assertNotEqual(sha256(self.root.installed("vmmon")), self.first["vmmon"])


if __name__ == "__main__":
    unittest.main()
