#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""modtunectl plan and build against the real kernel headers installed in
/lib/modules/*/build, with small module trees of our own packed like
VMware's tarballs."""

import glob
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

MODTUNECTL = os.environ["MODTUNECTL"]
KERNELS = sorted(os.path.basename(os.path.dirname(os.path.dirname(m)))
                 for m in glob.glob("/lib/modules/*/build/Makefile"))

FIXTURE = os.path.join(os.environ["MT_TEST_FIXTURES"], "vmware-src")


def fixture_files(module):
    """{relative path: text} of our fixture module tree, laid out like
    VMware's tarballs and written against the old kernel APIs"""
    top = os.path.join(FIXTURE, f"{module}-only")
    files = {}
    for dirpath, _, names in os.walk(top):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                files[os.path.relpath(path, top)] = f.read()
    return files


def pack(directory, sources):
    """sources: {module: {relative path: text}} -> vmmon.tar, vmnet.tar"""
    for module, files in sources.items():
        with tarfile.open(os.path.join(directory, module + ".tar"), "w") as tar:
            for path, text in sorted(files.items()):
                data = text.encode()
                info = tarfile.TarInfo(f"{module}-only/{path}")
                info.size = len(data)
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))


def tree(vmnet_append=None):
    sources = {m: fixture_files(m) for m in ("vmmon", "vmnet")}
    if vmnet_append:
        sources["vmnet"]["driver.c"] += vmnet_append
    return sources


def run(*args):
    return subprocess.run([MODTUNECTL, *args], capture_output=True, text=True, timeout=600)


@unittest.skipUnless(KERNELS, "no kernel headers in /lib/modules/*/build")
class Build(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.sources = os.path.join(self.tmp, "sources")
        os.mkdir(self.sources)
        self.out = os.path.join(self.tmp, "out")
        # each test its own probe cache ($XDG_CACHE_HOME/modtune/probes)
        self.cache = os.path.join(self.tmp, "cache")
        os.environ["XDG_CACHE_HOME"] = self.cache

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_plan(self):
        pack(self.sources, tree())
        r = run("plan", "--json", "--kernel", KERNELS[0], "--sources", self.sources)
        self.assertEqual(r.returncode, 0, r.stderr)
        plan = json.loads(r.stdout)
        self.assertEqual(plan["kernel_release"], KERNELS[0])
        self.assertEqual(plan["vmmon_interface_version"], 417)
        with open(os.path.join(self.sources, "vmmon.tar"), "rb") as f:
            self.assertEqual(plan["sources"]["vmmon"]["sha256"], hashlib.sha256(f.read()).hexdigest())
        # the compiler the kernel's configuration names, which must exist
        self.assertTrue(shutil.which(plan["compiler"]), plan["compiler"])
        self.assertRegex(plan["cache_key"], "^[0-9a-f]{64}$")

    def test_build_every_kernel_then_reuse(self):
        pack(self.sources, tree())
        for kernel in KERNELS:
            with self.subTest(kernel=kernel):
                out = os.path.join(self.out, kernel)
                r = run("build", "--kernel", kernel, "--sources", self.sources, "--out", out)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("Built vmmon.ko and vmnet.ko", r.stdout)
                manifest = json.load(open(os.path.join(out, "manifest.json")))
                # every rule's outcome is recorded, and the old APIs needed some
                outcomes = [r["outcome"] for m in ("vmmon", "vmnet") for r in manifest["rules"][m]["rules"]]
                self.assertIn("applied", outcomes)
                self.assertNotIn("not-matched", outcomes)
                for m in ("vmmon", "vmnet"):
                    ko = os.path.join(out, m + ".ko")
                    vermagic = subprocess.run(["modinfo", "-F", "vermagic", ko], capture_output=True,
                                              text=True, check=True).stdout.split()[0]
                    self.assertEqual(vermagic, kernel)
                    with open(ko, "rb") as f:
                        self.assertEqual(manifest["outputs"][m]["sha256"], hashlib.sha256(f.read()).hexdigest())
                # no work directory is left behind
                self.assertEqual(sorted(os.listdir(out)), ["build.log", "manifest.json", "vmmon.ko", "vmnet.ko"])

                # the same plan again: reused, not rebuilt
                r = run("build", "--kernel", kernel, "--sources", self.sources, "--out", out)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("up to date", r.stdout)

        # a changed source is a new plan
        pack(self.sources, tree("/* changed */\n"))
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", os.path.join(self.out, KERNELS[0]))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Built", r.stdout)

    def test_probe_results_kept_between_builds(self):
        probes_dir = os.path.join(self.cache, "modtune", "probes")
        pack(self.sources, tree())
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # one store, named by its fingerprint; the probes' build directory is gone
        stores = os.listdir(probes_dir)
        self.assertEqual(len(stores), 1, stores)
        self.assertRegex(stores[0], "^[0-9a-f]{64}[.]json$")
        store_path = os.path.join(probes_dir, stores[0])
        store = json.load(open(store_path))
        self.assertEqual(store["kernel_release"], KERNELS[0])
        manifest = json.load(open(os.path.join(self.out, "manifest.json")))
        built = {p["id"]: p for p in manifest["rules"]["vmmon"]["probes"]}
        self.assertEqual(set(store["probes"]), set(built))
        failed = sorted(i for i, p in built.items() if not p["passed"])
        self.assertTrue(failed, "the fixture needs at least one rule on this kernel")
        for i, p in built.items():
            self.assertEqual(store["probes"][i], {"passed": p["passed"], "detail": p.get("detail")})

        # the next build (another plan) reads the store instead of building
        # the probes: a detail written into the store shows up in its manifest
        store["probes"][failed[0]]["detail"] = "kept from an earlier build"
        with open(store_path, "w") as f:
            json.dump(store, f)
        pack(self.sources, tree("/* second */\n"))
        second = os.path.join(self.tmp, "second")
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", second)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        manifest = json.load(open(os.path.join(second, "manifest.json")))
        detail = {p["id"]: p.get("detail") for p in manifest["rules"]["vmmon"]["probes"]}
        self.assertEqual(detail[failed[0]], "kept from an earlier build")

        # a damaged store is ignored, the probes built again and the store mended
        with open(store_path, "w") as f:
            f.write('{"format": 1, "probes": ')
        pack(self.sources, tree("/* third */\n"))
        third = os.path.join(self.tmp, "third")
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", third)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        manifest = json.load(open(os.path.join(third, "manifest.json")))
        detail = {p["id"]: p.get("detail") for p in manifest["rules"]["vmmon"]["probes"]}
        self.assertEqual(detail[failed[0]], built[failed[0]].get("detail"))
        self.assertEqual(json.load(open(store_path))["probes"][failed[0]]["detail"],
                         built[failed[0]].get("detail"))
        self.assertEqual(os.listdir(probes_dir), stores)

    def test_reproducible_and_relative_out(self):
        pack(self.sources, tree())
        # a relative --out, from another directory
        r = subprocess.run([MODTUNECTL, "build", "--kernel", KERNELS[0], "--sources", self.sources,
                            "--out", "relative/out"], cwd=self.tmp, capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        first = json.load(open(os.path.join(self.tmp, "relative", "out", "manifest.json")))
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        second = json.load(open(os.path.join(self.out, "manifest.json")))
        # built twice in different directories: the same bytes
        for m in ("vmmon", "vmnet"):
            self.assertEqual(first["outputs"][m]["sha256"], second["outputs"][m]["sha256"], m)

    def test_damaged_module_after_reuse_is_rebuilt(self):
        pack(self.sources, tree())
        self.assertEqual(run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out).returncode, 0)
        with open(os.path.join(self.out, "vmnet.ko"), "ab") as f:
            f.write(b"tampered")
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Built", r.stdout)

    def test_compile_error(self):
        pack(self.sources, tree("int modtune_broken(void);\nint modtune_broken(void) { return undeclared_symbol; }\n"))
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(f"Building vmnet for kernel {KERNELS[0]} failed", r.stderr)
        self.assertIn("undeclared_symbol", r.stderr)
        self.assertIn("build.log", r.stderr)
        with open(os.path.join(self.out, "build.log")) as f:
            self.assertIn("error:", f.read())
        self.assertFalse(os.path.exists(os.path.join(self.out, "vmmon.ko")))
        self.assertFalse(os.path.exists(os.path.join(self.out, "manifest.json")))

    def test_hostile_archive_refused(self):
        pack(self.sources, tree())
        with tarfile.open(os.path.join(self.sources, "vmnet.tar"), "w") as tar:
            info = tarfile.TarInfo("vmnet-only/../../escape")
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("refused whole", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "escape")))

    def test_flags(self):
        pack(self.sources, tree())
        r = run("build", "--kernel", KERNELS[0], "--sources", self.sources, "--out", self.out,
                "--preset", "optimized", "--enable", "warnings-w1", "--enable", "optimize-o3")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        manifest = json.load(open(os.path.join(self.out, "manifest.json")))
        self.assertIn("kernel-compiler", manifest["flags"])
        self.assertIn("warnings-w1", manifest["flags"])
        self.assertIn("-O3", manifest["cflags"])
        self.assertEqual(manifest["make_vars"], ["W=1"])
        # the flags really reached the compiler: kbuild echoes W=1 warnings' origin
        with open(os.path.join(self.out, "build.log")) as f:
            self.assertIn("CC [M]", f.read())
        # vanilla is another plan: another cache key
        r = run("plan", "--json", "--kernel", KERNELS[0], "--sources", self.sources)
        self.assertNotEqual(json.loads(r.stdout)["cache_key"], manifest["cache_key"])
        self.assertEqual(json.loads(r.stdout)["cflags"], [])

    def test_unknown_flag(self):
        pack(self.sources, tree())
        for option in ("--enable", "--disable"):
            r = run("plan", "--kernel", KERNELS[0], "--sources", self.sources, option, "turbo-boost")
            self.assertEqual(r.returncode, 1)
            self.assertIn("There is no flag “turbo-boost”", r.stderr)
        r = run("plan", "--kernel", KERNELS[0], "--sources", self.sources, "--preset", "ludicrous")
        self.assertEqual(r.returncode, 1)
        self.assertIn("ludicrous", r.stderr)

    def test_missing_pieces(self):
        r = run("plan", "--kernel", "0.0.0-not-installed", "--sources", self.sources)
        self.assertEqual(r.returncode, 1)
        self.assertIn("install the headers for kernel 0.0.0-not-installed", r.stderr)
        r = run("plan", "--kernel", KERNELS[0], "--sources", self.sources)
        self.assertEqual(r.returncode, 1)
        self.assertIn("vmmon.tar does not exist", r.stderr)
        r = run("build", "--kernel", KERNELS[0])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--out", r.stderr)


if __name__ == "__main__":
    result = unittest.main(exit=False).result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
