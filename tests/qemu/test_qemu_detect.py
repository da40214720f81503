#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Detection of machines that real Debian kernels see when qemu boots them.

Each Boot case boots a kernel from /boot with tools/record-qemu-sysroot
(TCG unless KVM works), then checks `modtunectl detect --json` twice: on the
recorded tree (--sysroot/--cpuid, as the core tests replay machines) and
inside the guest itself, where modtunectl reads the real /proc, /sys and
CPUID instruction and could knock on the VMware backdoor port.  QEMU answers
that port unless the machine has vmport=off, so the default q35 machine is
the case that catches a detector trusting the backdoor alone; vmport-probe
shows that the port did answer.  The Fixtures cases check the committed
qemu-* trees the same way, without qemu."""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

MODTUNECTL = os.environ["MODTUNECTL"]
RECORD = os.environ["MT_RECORD_QEMU_SYSROOT"]
VMPORT_PROBE = os.environ.get("MT_VMPORT_PROBE")
SYSROOTS = os.path.join(os.environ["MT_TEST_FIXTURES"], "sysroots")


def release_key(image):
    return [int(n) for n in re.findall(r"\d+", os.path.basename(image))]


def kernel_image(series):
    """The newest /boot/vmlinuz-SERIES.*-amd64 (never a hard-coded point release)."""
    images = sorted(glob.glob(f"/boot/vmlinuz-{series}.*"), key=release_key)
    return images[-1] if images else None


def hypervisor_signature(cpuid_txt):
    """CPUID leaf 0x40000000 EBX, ECX, EDX as text, from a `cpuid -r` dump."""
    with open(cpuid_txt, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*0x40000000 0x00: eax=0x\w+ ebx=(0x\w+) ecx=(0x\w+) edx=(0x\w+)", line)
            if m:
                return b"".join(int(r, 16).to_bytes(4, "little") for r in m.groups()).decode(
                    "ascii", "replace").rstrip("\0")
    return None


def detect(*args):
    r = subprocess.run([MODTUNECTL, "detect", "--json", *args], capture_output=True, text=True,
                       timeout=60)
    return r


class Checks:
    def check_report(self, info, where, accel, release_pattern):
        """What modtunectl must say about a qemu guest, each fact a subtest."""
        expected = "kvm" if accel == "kvm" else "qemu"
        with self.subTest(where=where, fact="kernel.release"):
            self.assertRegex(info["kernel"]["release"], release_pattern)
        with self.subTest(where=where, fact="cpu.flags"):
            self.assertIn("hypervisor", info["cpu"]["flags"])
        with self.subTest(where=where, fact="hypervisor.id"):
            hypervisor = info.get("hypervisor")
            self.assertIsInstance(hypervisor, dict,
                                  f"{where}: no \"hypervisor\" object in the JSON report")
            self.assertNotEqual(hypervisor.get("id"), "vmware",
                                f"{where}: a {accel.upper()} guest reported as VMware")
            self.assertEqual(hypervisor.get("id"), expected,
                             f"{where}: {json.dumps(hypervisor, indent=2)}")

    def check_tree(self, tree, release_pattern):
        with open(os.path.join(tree, "accel"), encoding="utf-8") as f:
            accel = f.read().strip()
        self.assertIn(accel, ("kvm", "tcg"))
        # what the guest saw, whatever Modtune makes of it
        cpuid_txt = os.path.join(tree, "cpuid.txt")
        signature = hypervisor_signature(cpuid_txt)
        self.assertEqual(signature, "TCGTCGTCGTCG" if accel == "tcg" else "KVMKVMKVM")
        with open(os.path.join(tree, "sys/class/dmi/id/sys_vendor"), encoding="utf-8") as f:
            self.assertEqual(f.read().strip(), "QEMU")

        r = detect("--sysroot", tree, "--cpuid", cpuid_txt)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        info = json.loads(r.stdout)
        self.assertEqual(info["sysroot"], tree)
        self.check_report(info, "recorded tree", accel, release_pattern)
        return accel


class Boot(Checks, unittest.TestCase):
    def boot(self, series, machine):
        """Boots /boot/vmlinuz-SERIES.* on MACHINE; returns the tree and the release."""
        if shutil.which("qemu-system-x86_64") is None:
            self.skipTest("qemu-system-x86_64 is not installed")
        image = kernel_image(series)
        if image is None:
            self.skipTest(f"no /boot/vmlinuz-{series}.* to boot")
        release = os.path.basename(image)[len("vmlinuz-"):]
        tmp = tempfile.mkdtemp(prefix="mt-qemu-")
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        tree = os.path.join(tmp, "tree")
        cmd = [RECORD, "--machine", machine, "--modtunectl", MODTUNECTL,
               "--console", os.path.join(tmp, "console.txt"), image, tree]
        if VMPORT_PROBE:
            cmd[1:1] = ["--guest-run", VMPORT_PROBE]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=230)
        if r.returncode == 77:
            self.skipTest(r.stderr.strip())
        self.assertEqual(r.returncode, 0, r.stderr)
        sys.stderr.write(r.stderr)
        return tree, release

    def check_guest(self, tree, release, vmport):
        accel = self.check_tree(tree, "^" + re.escape(release) + "$")

        def guest(name):
            with open(os.path.join(tree, f"guest-{name}"), encoding="utf-8") as f:
                return f.read()

        self.assertEqual(guest("detect.status").strip(), "0",
                         "modtunectl detect --json failed in the guest:\n" + guest("detect.err"))
        info = json.loads(guest("detect.out"))
        self.assertEqual(info["sysroot"], "/")
        self.check_report(info, "inside the guest", accel, "^" + re.escape(release) + "$")

        if VMPORT_PROBE:
            probe = guest("vmport-probe.out")
            sys.stderr.write(f"vmport-probe in the guest: {probe}")
            self.assertEqual(guest("vmport-probe.status").strip(), "0", guest("vmport-probe.err"))
            # the premise of the negative test: the backdoor did (not) answer
            self.assertTrue(probe.startswith("answered" if vmport else "silent"), probe)

    def test_q35_6_12_vmport_on(self):
        tree, release = self.boot("6.12", "q35")
        self.check_guest(tree, release, vmport=True)

    def test_q35_6_12_vmport_off(self):
        tree, release = self.boot("6.12", "q35,vmport=off")
        self.check_guest(tree, release, vmport=False)

    def test_q35_7_3(self):
        tree, release = self.boot("7.3", "q35")
        self.check_guest(tree, release, vmport=True)


class Fixtures(Checks, unittest.TestCase):
    """The committed trees (tests/fixtures/QEMU.md), replayed without qemu."""

    def check_fixture(self, name, release_pattern):
        tree = os.path.join(SYSROOTS, name)
        self.assertTrue(os.path.isdir(tree), f"{tree} is missing")
        self.check_tree(tree, release_pattern)

    def test_fixture_q35_6_12(self):
        self.check_fixture("qemu-tcg-q35-6.12", r"^6\.12\.\d+\+deb13-amd64$")

    def test_fixture_q35_vmport_off_6_12(self):
        self.check_fixture("qemu-tcg-q35-vmport-off-6.12", r"^6\.12\.\d+\+deb13-amd64$")

    def test_fixture_q35_7_3(self):
        self.check_fixture("qemu-tcg-q35-7.3", r"^7\.3\.\d+\+deb13-amd64$")


if __name__ == "__main__":
    names = sys.argv[1:]
    loader = unittest.defaultTestLoader
    module = sys.modules[__name__]
    suite = loader.loadTestsFromNames(names, module) if names else loader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if not result.wasSuccessful():
        sys.exit(1)
    # one case per meson test: a case that skipped exits 77, so meson says SKIP
    sys.exit(77 if result.skipped and len(result.skipped) == result.testsRun else 0)
