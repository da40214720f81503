#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""data/depmod.d/modtune.conf, run through the real depmod on scratch
module trees: Modtune's vmmon and vmnet in updates/modtune/ win over
VMware's in misc/ (and over a DKMS copy), whatever search order the
distribution configures, and VMware's are used again once ours are gone.

MT_DEPMOD_CONF is the file; the modules are the fixtures of
tests/fixtures/sysroots/workstation-17.6-host (stand-ins, see HOSTS.md)."""

import glob
import os
import shutil
import tempfile
import unittest

import mtdata

MODULES = ("vmmon", "vmnet")


class Depmod(unittest.TestCase):
    def setUp(self):
        self.depmod = mtdata.tool("depmod", "kmod's depmod reads the overrides")
        fixtures = os.path.join(mtdata.path("MT_FIXTURES"), "sysroots", "workstation-17.6-host",
                                "lib", "modules")
        found = sorted(glob.glob(os.path.join(fixtures, "*", "misc", "vmmon.ko")))
        if not found:
            self.skipTest(f"no vmmon.ko fixture below {fixtures}")
        self.misc = os.path.dirname(found[0])
        self.release = os.path.basename(os.path.dirname(self.misc))
        self.tmp = tempfile.TemporaryDirectory()
        self.moddir = os.path.join(self.tmp.name, "lib", "modules", self.release)
        self.confdir = os.path.join(self.tmp.name, "depmod.d")
        os.makedirs(self.confdir)

    def tearDown(self):
        self.tmp.cleanup()

    def place(self, subdir):
        """Copies the stand-in vmmon and vmnet into SUBDIR of the tree."""
        d = os.path.join(self.moddir, subdir)
        os.makedirs(d, exist_ok=True)
        for m in MODULES:
            shutil.copy(os.path.join(self.misc, m + ".ko"), d)

    def configure(self, ours, distro=None):
        for f in os.listdir(self.confdir):
            os.unlink(os.path.join(self.confdir, f))
        if distro:
            with open(os.path.join(self.confdir, "00-distro.conf"), "w", encoding="utf-8") as f:
                f.write(distro)
        if ours:
            shutil.copy(mtdata.path("MT_DEPMOD_CONF"), os.path.join(self.confdir, "modtune.conf"))

    def chosen(self):
        """Runs depmod on the tree: {module: its path in modules.dep}."""
        r = mtdata.run([self.depmod, "-b", self.tmp.name, "-C", self.confdir, self.release])
        self.assertEqual(r.returncode, 0, r.stderr)
        for line in r.stderr.splitlines():
            self.assertNotIn("modtune.conf", line, "depmod complained about our file")
            self.assertNotIn("ignoring", line.lower(), line)
        out = {}
        with open(os.path.join(self.moddir, "modules.dep"), encoding="utf-8") as f:
            for line in f:
                path = line.split(":", 1)[0]
                out[os.path.basename(path).split(".ko")[0]] = path
        return out

    def test_overrides_only_vmmon_and_vmnet(self):
        lines = [line.split() for line in mtdata.read("MT_DEPMOD_CONF").splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
        self.assertEqual(lines, [["override", m, "*", "updates/modtune"] for m in MODULES])

    def test_ours_win_over_vmware_misc_with_distro_search_order(self):
        self.place("misc")
        self.place("updates/modtune")
        # A distribution that puts misc/ first: VMware's would win ...
        self.configure(ours=False, distro="search misc updates built-in\n")
        self.assertEqual(self.chosen(), {m: f"misc/{m}.ko" for m in MODULES})
        # ... but not over Modtune's overrides.
        self.configure(ours=True, distro="search misc updates built-in\n")
        self.assertEqual(self.chosen(), {m: f"updates/modtune/{m}.ko" for m in MODULES})

    def test_ours_win_with_default_search_order(self):
        self.place("misc")
        self.place("updates/modtune")
        self.configure(ours=True)
        self.assertEqual(self.chosen(), {m: f"updates/modtune/{m}.ko" for m in MODULES})

    def test_ours_win_over_dkms(self):
        self.place("misc")
        self.place("updates/dkms")
        self.place("updates/modtune")
        self.configure(ours=False, distro="search updates/dkms updates built-in\n")
        self.assertEqual(self.chosen(), {m: f"updates/dkms/{m}.ko" for m in MODULES})
        self.configure(ours=True, distro="search updates/dkms updates built-in\n")
        self.assertEqual(self.chosen(), {m: f"updates/modtune/{m}.ko" for m in MODULES})

    def test_vmware_used_again_once_ours_are_gone(self):
        self.place("misc")
        self.configure(ours=True)
        self.assertEqual(self.chosen(), {m: f"misc/{m}.ko" for m in MODULES})


if __name__ == "__main__":
    mtdata.main()
