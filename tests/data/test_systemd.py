#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The helper's systemd unit (data/systemd/modtune-helper.service.in) and
build user (data/sysusers/modtune.conf): systemd's own verdict where
systemd-analyze and systemd-sysusers work, and the hardening STYLE.md 8.7
and SECURITY.md rule 36 ask for.

MT_SYSTEMD_UNIT is the generated unit, MT_SYSUSERS the sysusers file."""

import os
import re
import shutil
import tempfile
import unittest

import mtdata

# Directive: value, exactly (STYLE.md 8.7, SECURITY.md rule 36).
REQUIRED = {
    "Type": "dbus",
    "BusName": mtdata.BUS_NAME,
    "StateDirectory": "modtune",
    "CacheDirectory": "modtune",
    "ProtectSystem": "strict",
    "ReadWritePaths": "-/usr/lib/modules -/lib/modules -/etc/modules-load.d -/etc/depmod.d",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "NoNewPrivileges": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "ProtectClock": "yes",
    "ProtectHostname": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "RestrictNamespaces": "yes",
    "LockPersonality": "yes",
    "SystemCallArchitectures": "native",
    "RestrictAddressFamilies": "AF_UNIX AF_NETLINK",
}

# Would take away what the helper is for.
FORBIDDEN = {
    "ProtectKernelModules": "denies loading modules and CAP_SYS_MODULE",
    "PrivateDevices": "hides /dev/vmmon, which the helper checks after loading",
    "User": "the helper must start as root",
    "DynamicUser": "the helper must start as root",
    "PrivateUsers": "the helper must be root in the host's user namespace",
}

# What the helper and its children need if a bounding set is given: loading
# modules, dropping to modtune-build, handing it the build tree, cancelling it.
NEEDED_CAPS = {"CAP_SYS_MODULE", "CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_FOWNER",
               "CAP_DAC_OVERRIDE", "CAP_KILL"}

# systemd-analyze security's overall exposure, 0.0 (best) to 10.0; the unit
# scores 3.3 with systemd 257, and 5.8 without its bounding set and system
# call filter.
EXPOSURE_THRESHOLD = 4.0


class Unit(unittest.TestCase):
    def setUp(self):
        self.text = mtdata.read("MT_SYSTEMD_UNIT")
        self.unit = mtdata.parse_unit(self.text)

    def service(self):
        return dict(self.unit["Service"])

    def analyze(self):
        return mtdata.tool("systemd-analyze", "it checks the unit")

    def test_systemd_analyze_verify(self):
        # In a scratch root holding systemd's own units, the unit, and a
        # stand-in for the helper where ExecStart says it is; any complaint,
        # even one systemd only warns about, fails.
        analyze = self.analyze()
        unit_dirs = [d for d in ("/usr/lib/systemd/system", "/lib/systemd/system")
                     if os.path.exists(os.path.join(d, "sysinit.target"))]
        if not unit_dirs:
            self.skipTest("systemd's units are not installed (no sysinit.target)")
        exec_start = self.service()["ExecStart"]
        with tempfile.TemporaryDirectory() as root:
            shutil.copytree(unit_dirs[0], root + "/usr/lib/systemd/system", symlinks=True)
            os.makedirs(root + "/etc/systemd/system")
            shutil.copy(mtdata.path("MT_SYSTEMD_UNIT"), root + "/etc/systemd/system/")
            os.makedirs(root + os.path.dirname(exec_start), exist_ok=True)
            with open(root + exec_start, "w", encoding="utf-8") as f:
                f.write("#!/bin/sh\n")
            os.chmod(root + exec_start, 0o755)
            name = os.path.basename(mtdata.path("MT_SYSTEMD_UNIT"))
            r = mtdata.run([analyze, "verify", "--man=no", f"--root={root}",
                            "/etc/systemd/system/" + name])
            if r.returncode != 0 and ("Failed to" in r.stderr and name not in r.stderr):
                self.skipTest(f"systemd-analyze verify does not work here: {r.stderr.strip()}")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr.strip(), "", "systemd-analyze verify complained")

    def test_systemd_analyze_security_threshold(self):
        analyze = self.analyze()
        r = mtdata.run([analyze, "security", "--offline=yes", "--no-pager",
                        # on systemd's scale of 0 to 100
                        f"--threshold={int(EXPOSURE_THRESHOLD * 10)}",
                        mtdata.path("MT_SYSTEMD_UNIT")])
        if "Unknown option" in r.stderr or "unrecognized option" in r.stderr:
            self.skipTest(f"systemd-analyze security has no offline mode here: {r.stderr.strip()}")
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout)
        if not m and r.stderr.startswith("Failed to"):
            self.skipTest(f"systemd-analyze security does not work here: {r.stderr.strip()}")
        self.assertIsNotNone(m, r.stdout + r.stderr)
        self.assertLessEqual(float(m.group(1)), EXPOSURE_THRESHOLD, r.stdout)
        self.assertEqual(r.returncode, 0,
                         f"exposure {m.group(1)} is above {EXPOSURE_THRESHOLD}:\n{r.stdout}")

    def test_hardening_directives(self):
        service = self.service()
        for key, value in REQUIRED.items():
            self.assertEqual(service.get(key), value, key)
        for key, why in FORBIDDEN.items():
            self.assertNotIn(key, service, why)

    def test_runs_the_helper_from_libexecdir(self):
        self.assertEqual(self.service()["ExecStart"],
                         os.path.join(mtdata.path("MT_LIBEXECDIR"), "modtune-helper"))

    def test_started_only_on_demand(self):
        self.assertNotIn("Install", self.unit, "an [Install] section would let it be enabled")
        self.assertEqual(set(self.unit), {"Unit", "Service"})

    def test_capabilities_keep_what_the_helper_needs(self):
        values = [v for k, v in self.unit["Service"] if k == "CapabilityBoundingSet"]
        if not values:
            return  # no bounding set: nothing is lost
        self.assertEqual(len(values), 1, "one CapabilityBoundingSet line, so it reads as a list")
        self.assertFalse(values[0].startswith("~"), "an allow list, not a deny list")
        caps = set(values[0].split())
        self.assertEqual(caps, NEEDED_CAPS)
        for key in ("AmbientCapabilities", "SecureBits"):
            self.assertNotIn(key, self.service())

    def test_system_call_filter_keeps_modules_and_setuid(self):
        values = [v for k, v in self.unit["Service"] if k == "SystemCallFilter"]
        if not values:
            return
        groups = set(" ".join(values).split())
        self.assertFalse(any(g.startswith("~") for g in groups), "an allow list")
        self.assertTrue({"@system-service", "@module"} <= groups, groups)
        self.assertEqual(self.service().get("SystemCallErrorNumber"), "EPERM")


class Sysusers(unittest.TestCase):
    def entries(self):
        out = []
        for line in mtdata.read("MT_SYSUSERS").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                out.append(re.findall(r'"[^"]*"|\S+', line))
        return out

    def test_declares_only_the_build_user(self):
        self.assertEqual(self.entries(), [
            ["u", "modtune-build", "-", '"Modtune kernel module builds"',
             "/var/cache/modtune", "-"],
        ])

    def test_systemd_sysusers_creates_the_build_user(self):
        sysusers = mtdata.tool("systemd-sysusers", "it creates the user in a scratch root")
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(root + "/etc")
            r = mtdata.run([sysusers, f"--root={root}", mtdata.path("MT_SYSUSERS")])
            if r.returncode != 0 and os.getuid() != 0:
                self.skipTest(f"systemd-sysusers needs root here: {r.stderr.strip()}")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("warning", r.stderr.lower(), r.stderr)
            with open(root + "/etc/passwd", encoding="utf-8") as f:
                users = {line.split(":")[0]: line.rstrip("\n").split(":") for line in f}
            with open(root + "/etc/group", encoding="utf-8") as f:
                groups = {line.split(":")[0]: line.rstrip("\n").split(":") for line in f}
        self.assertIn("modtune-build", users)
        name, _, uid, gid, gecos, home, shell = users["modtune-build"]
        self.assertLess(int(uid), 1000, "a system user")
        self.assertNotEqual(int(uid), 0)
        self.assertIn("modtune-build", groups, "its own group")
        self.assertEqual(groups["modtune-build"][2], gid)
        self.assertEqual(home, "/var/cache/modtune")
        self.assertRegex(shell, r"/(nologin|false)$", "no login shell")
        # the file on its own: no other user or group
        self.assertEqual(set(users), {"modtune-build"})


if __name__ == "__main__":
    mtdata.main()
