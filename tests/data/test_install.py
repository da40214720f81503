#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""meson install into a scratch DESTDIR: the helper's packaging lands where
docs/ARCHITECTURE.md ("Helper packaging") says, as built, and the helper
has no setuid or setgid bit (SECURITY.md rule 5).

MT_BUILD_ROOT is the build directory, MT_MESON the meson that configured
it, MT_SYSTEMD_UNIT_DIR the unit directory meson chose."""

import filecmp
import json
import os
import stat
import tempfile
import unittest

import mtdata


def build_info(build, name):
    with open(os.path.join(build, "meson-info", name), encoding="utf-8") as f:
        return json.load(f)


class Install(unittest.TestCase):
    def setUp(self):
        self.build = mtdata.path("MT_BUILD_ROOT")
        self.meson = mtdata.path("MT_MESON")
        options = {o["name"]: o["value"] for o in build_info(self.build, "intro-buildoptions.json")}
        if not options.get("helper"):
            self.skipTest("built with -Dhelper=false: nothing of the helper is installed")
        self.options = options
        configured = build_info(self.build, "meson-info.json")["meson_version"]["full"]
        r = mtdata.run([self.meson, "--version"])
        if r.stdout.strip() != configured:
            self.skipTest(f"{self.meson} is meson {r.stdout.strip()}, the build directory "
                          f"was configured by {configured}")

    def test_rule_5_meson_install_puts_the_helper_files_where_documented(self):
        prefix = self.options["prefix"]
        datadir = os.path.join(prefix, self.options["datadir"])
        libexecdir = os.path.join(prefix, self.options["libexecdir"])
        unitdir = mtdata.path("MT_SYSTEMD_UNIT_DIR")
        rules = os.path.join(datadir, "polkit-1", "rules.d", "io.github.modtune.rules")
        expected = {
            os.path.join(libexecdir, "modtune-helper"): None,
            os.path.join(datadir, "polkit-1", "actions", "io.github.modtune.policy"):
                mtdata.path("MT_POLICY"),
            os.path.join(datadir, "dbus-1", "system.d", "io.github.modtune.Helper.conf"):
                mtdata.path("MT_BUS_CONF"),
            os.path.join(datadir, "dbus-1", "system-services", "io.github.modtune.Helper.service"):
                mtdata.path("MT_BUS_SERVICE"),
            os.path.join(unitdir, "modtune-helper.service"): mtdata.path("MT_SYSTEMD_UNIT"),
            os.path.join(prefix, "lib", "sysusers.d", "modtune.conf"): mtdata.path("MT_SYSUSERS"),
            os.path.join(prefix, "lib", "depmod.d", "modtune.conf"): mtdata.path("MT_DEPMOD_CONF"),
        }
        if self.options.get("polkit_rules"):
            expected[rules] = mtdata.path("MT_POLKIT_RULES")

        with tempfile.TemporaryDirectory() as destdir:
            r = mtdata.run([self.meson, "install", "-C", self.build, "--no-rebuild",
                            "--destdir", destdir], timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-4000:])
            for path, source in expected.items():
                installed = destdir + path
                self.assertTrue(os.path.isfile(installed), f"{path} is not installed")
                mode = os.stat(installed).st_mode
                # rule 5: no setuid or setgid bit on anything we install
                self.assertFalse(mode & (stat.S_ISUID | stat.S_ISGID), f"{path}: {oct(mode)}")
                self.assertFalse(mode & (stat.S_IWGRP | stat.S_IWOTH), f"{path}: {oct(mode)}")
                if source:
                    self.assertTrue(filecmp.cmp(installed, source, shallow=False),
                                    f"{path} differs from {source}")
                    self.assertFalse(mode & stat.S_IXUSR, f"{path} is executable")
                else:
                    self.assertTrue(mode & stat.S_IXUSR, f"{path} is not executable")
            if not self.options.get("polkit_rules"):
                self.assertFalse(os.path.exists(destdir + rules),
                                 "the polkit rules are installed without -Dpolkit_rules=true")


if __name__ == "__main__":
    mtdata.main()
