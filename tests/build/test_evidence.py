#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""modtunectl evidence: builds the fixture module tree vanilla and with
flags against the real kernel headers in /lib/modules/*/build (the first,
Debian's 6.12 in CI), and compares the modules with objdump."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from test_build import KERNELS, MODTUNECTL, pack, tree

OBJDUMP = shutil.which("objdump")


def run(*args, cwd=None):
    return subprocess.run([MODTUNECTL, *args], capture_output=True, text=True, timeout=600, cwd=cwd)


def section_sizes(ko):
    """{section: size} from objdump -h, read here independently of Modtune"""
    out = subprocess.run([OBJDUMP, "-h", ko], capture_output=True, text=True, check=True).stdout
    sizes = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) == 7 and words[0].isdigit():
            sizes[words[1]] = int(words[2], 16)
    return sizes


@unittest.skipUnless(KERNELS, "no kernel headers in /lib/modules/*/build")
@unittest.skipUnless(OBJDUMP, "no objdump")
class Evidence(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.sources = os.path.join(self.tmp, "sources")
        os.mkdir(self.sources)
        self.out = os.path.join(self.tmp, "out")
        os.environ["XDG_CACHE_HOME"] = os.path.join(self.tmp, "cache")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def evidence(self, *flags, json_output=True, **kwargs):
        args = ["evidence", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out]
        for flag in flags:
            args += ["--enable", flag]
        if json_output:
            args.append("--json")
        r = run(*args, **kwargs)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return json.loads(r.stdout) if json_output else r.stdout

    def test_unroll_loops_grows_the_code(self):
        pack(self.sources, tree())
        # a relative --out works: kbuild is given absolute paths
        r = run("evidence", "--kernel", KERNELS[0], "--sources", self.sources, "--out", "out",
                "--enable", "unroll-loops", "--json", cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        evidence = json.loads(r.stdout)
        self.assertEqual(evidence["kernel_release"], KERNELS[0])
        self.assertEqual(evidence["flags"], ["unroll-loops"])
        self.assertEqual(evidence["objdump"], "/usr/bin/objdump")
        self.assertEqual(evidence["macros"], [])

        vmmon = evidence["modules"]["vmmon"]
        self.assertFalse(vmmon["identical"])
        self.assertFalse(vmmon["code_identical"])
        # the fixture's vmmon has loops with known counts: unrolled, its code grows
        self.assertGreater(vmmon["text_size_change"], 0)
        self.assertGreater(vmmon["instructions_change"], 0)
        self.assertTrue(vmmon["changed_mnemonics"])
        for change in vmmon["changed_mnemonics"]:
            self.assertNotEqual(change["vanilla"], change["flagged"])
        for m in ("vmmon", "vmnet"):
            module = evidence["modules"][m]
            for build in ("vanilla", "flagged"):
                measure = module[build]
                ko = os.path.join(self.out, build, m + ".ko")
                sizes = section_sizes(ko)
                # the sizes are objdump's own
                self.assertEqual(measure["text_size"], sizes[".text"])
                self.assertGreaterEqual(measure["exec_size"], measure["text_size"])
                self.assertGreater(measure["instructions"], 0)
                self.assertEqual(measure["unparsed_lines"], 0)
                # the kernel builds with -mno-sse -mno-avx: no vector register
                self.assertEqual(measure["vector_instructions"], 0)
                with open(os.path.join(self.out, build, "manifest.json")) as f:
                    self.assertEqual(measure["sha256"], json.load(f)["outputs"][m]["sha256"])

        # again, as text: both builds are reused
        text = self.evidence("unroll-loops", json_output=False)
        self.assertIn(f"Evidence for unroll-loops on kernel {KERNELS[0]}", text)
        self.assertRegex(text, r"Vanilla build: .*/out/vanilla \(up to date")
        self.assertRegex(text, r"Build with the flags: .*/out/flagged \(up to date")
        self.assertIn("vmmon.ko: the code differs from the vanilla build", text)
        before, after = vmmon["vanilla"]["text_size"], vmmon["flagged"]["text_size"]
        self.assertRegex(text, rf"  \.text: {before} → {after} bytes \(\+{after - before}, \+[0-9.]+%\)")
        self.assertIn("instructions that use a vector register (xmm, ymm, zmm): 0, unchanged", text)
        self.assertIn("mnemonics whose counts changed most", text)

    def test_optimize_o3(self):
        pack(self.sources, tree())
        evidence = self.evidence("optimize-o3")
        self.assertEqual(evidence["flags"], ["optimize-o3"])
        # GCC 14 at -O3 changes vmmon's code, if only in the order of operands
        self.assertFalse(evidence["modules"]["vmmon"]["code_identical"])
        for m in ("vmmon", "vmnet"):
            self.assertEqual(evidence["modules"][m]["flagged"]["vector_instructions"], 0)
        with open(os.path.join(self.out, "flagged", "manifest.json")) as f:
            self.assertIn("-O3", json.load(f)["cflags"])

    def test_macro_nobody_reads(self):
        pack(self.sources, tree())
        evidence = self.evidence("vmw-low-latency-mode")
        self.assertEqual(evidence["macros"], [
            {"flag": "vmw-low-latency-mode", "macros": ["VMW_LOW_LATENCY_MODE"], "references": []}])
        for m in ("vmmon", "vmnet"):
            module = evidence["modules"][m]
            self.assertTrue(module["code_identical"], m)
            self.assertEqual(module["changed_mnemonics"], [])
            self.assertEqual(module["text_size_change"], 0)
            self.assertEqual(module["vanilla"]["code_sha256"], module["flagged"]["code_sha256"])

        text = self.evidence("vmw-low-latency-mode", json_output=False)
        self.assertIn("vmw-low-latency-mode: no source file references VMW_LOW_LATENCY_MODE, and "
                      "the code is the same: this flag cannot change the modules", text)
        for m in ("vmmon", "vmnet"):
            self.assertRegex(text, rf"{m}\.ko: (byte for byte the same as the vanilla build|the same "
                                   r"instructions and relocations as the vanilla build)")

    def test_macro_read_by_the_sources(self):
        code = ("\n#ifdef VMW_LOW_LATENCY_MODE\n"
                "int modtune_evidence(int x);\n"
                "int modtune_evidence(int x) { return x * 3 + 1; }\n"
                "#endif\n")
        sources = tree(code)
        line = sources["vmnet"]["driver.c"].count("\n") - 3
        pack(self.sources, sources)

        text = self.evidence("vmw-low-latency-mode", "unroll-loops", json_output=False)
        self.assertIn("Evidence for vmw-low-latency-mode, unroll-loops", text)
        self.assertIn("vmw-low-latency-mode: VMW_LOW_LATENCY_MODE is named on 1 line of the sources:\n"
                      f"  vmnet-only/driver.c:{line}\n", text)
        self.assertIn("vmnet.ko: the code differs from the vanilla build", text)

        # another flag against the same vanilla build: it is reused
        evidence = self.evidence("vmw-low-latency-mode")
        self.assertEqual(evidence["macros"][0]["references"], [f"vmnet-only/driver.c:{line}"])
        vmnet = evidence["modules"]["vmnet"]
        self.assertFalse(vmnet["code_identical"])
        self.assertGreater(vmnet["text_size_change"], 0)
        self.assertTrue(evidence["modules"]["vmmon"]["code_identical"])

    def test_usage(self):
        pack(self.sources, tree())
        r = run("evidence", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--enable", r.stderr)
        r = run("evidence", "--kernel", KERNELS[0], "--enable", "unroll-loops")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--out", r.stderr)
        r = run("evidence", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out,
                "--enable", "turbo-boost")
        self.assertEqual(r.returncode, 1)
        self.assertIn("There is no flag “turbo-boost”", r.stderr)
        self.assertFalse(os.path.exists(self.out))
        r = run("evidence", "--enable", "unroll-loops", "--out", self.out, "surplus")
        self.assertEqual(r.returncode, 2)
        self.assertIn("surplus", r.stderr)

    def test_damaged_build_is_rebuilt(self):
        pack(self.sources, tree())
        self.evidence("vmw-low-latency-mode")
        # a module that is no longer the one its manifest records is not
        # compared: the build is made again
        with open(os.path.join(self.out, "flagged", "vmnet.ko"), "ab") as f:
            f.write(b"tampered")
        text = self.evidence("vmw-low-latency-mode", json_output=False)
        self.assertRegex(text, r"Vanilla build: .* \(up to date")
        self.assertRegex(text, r"Build with the flags: .* \(built now\)")
        self.assertIn("this flag cannot change the modules", text)

if __name__ == "__main__":
    result = unittest.main(exit=False).result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
