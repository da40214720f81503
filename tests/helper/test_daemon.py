#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""modtune-helper's jobs and authorization, on a private system bus with
python-dbusmock's polkitd template and a test root whose kernel tree points
at the real Debian headers: the modules are really built (as the
unprivileged user the helper runs as here), installed, depmod'ed and
resolved by libkmod (a dry run: loading into the running kernel is the
end-to-end suite's).  Tests named test_rule_N check SECURITY.md rule N."""

import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import unittest

import dbus
import dbus.lowlevel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mtdtest import (BUS_NAME, HELPER_IFACE, JOB_IFACE, RUN_AS, HelperTestCase, Log,  # noqa: E402
                     chown_tree, drop_privileges)

ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied"
INVALID_ARGUMENT = "io.github.modtune.Error.InvalidArgument"
# where the helper keeps the journal of an install, below the root
JOURNAL = os.path.join("var", "lib", "modtune", "journal", "current.json")
# holds the recovery at start while a file exists (only when not root)
RECOVERY_GATE = "MODTUNE_HELPER_RECOVERY_GATE"

INJECTION = ["/etc/shadow", "../", "..", "a/b", "\n", "\x1b[2J", "$(id)", "`id`", ";id", "--help",
             "-fplugin=x", "@/etc/passwd", "x" * 256, "y" * 65536]


class Jobs(HelperTestCase):
    def apply(self, *flags):
        job, log = self.start_job("Apply", "", dbus.Array(flags, signature="s"),
                                  dbus.Dictionary({}, signature="sv"))
        return job, log

    def test_apply_builds_installs_and_loads(self):
        self.start_polkit()
        self.allow("apply")
        self.start_helper()
        job, log = self.apply()
        state = self.wait_job(job)
        text = log.text()
        self.assertEqual(state, "succeeded",
                         f"{self.job_property(job, 'ErrorMessage')}\n{text}")
        self.assertEqual(self.job_property(job, "Operation"), "apply")
        self.assertEqual(self.job_property(job, "KernelRelease"), self.root.kernel)
        self.assertEqual(self.job_property(job, "Stage"), "done")
        self.assertFalse(self.job_property(job, "Cancelable"))
        # the log came over the descriptor: the build's own lines and the install
        self.assertIn("CC [M]", text)
        self.assertIn("Installed vmmon and vmnet", text)
        for module in ("vmmon", "vmnet"):
            path = self.root.installed(module)
            self.assertTrue(os.path.isfile(path), path)
            vermagic = subprocess.run(["modinfo", "-F", "vermagic", path], capture_output=True,
                                      text=True, check=True).stdout.split()[0]
            self.assertEqual(vermagic, self.root.kernel)
        # depmod ran on the test root: libkmod resolves both names there
        with open(self.root.join("lib", "modules", self.root.kernel, "modules.dep")) as f:
            dep = f.read()
        self.assertIn("updates/modtune/vmmon.ko:", dep)
        self.assertIn("updates/modtune/vmnet.ko:", dep)
        with open(self.root.join("etc", "modules-load.d", "modtune.conf")) as f:
            self.assertEqual([line for line in f.read().splitlines()
                              if line and not line.startswith("#")], ["vmmon", "vmnet"])

        status = self.call("GetStatus", "")
        self.assertEqual(status["kernel-release"], self.root.kernel)
        self.assertEqual(status["vmmon"]["origin"], "modtune")
        backups = self.call("ListBackups")
        self.assertEqual(len(backups), 1)
        self.assertTrue(backups[0]["installed"])
        self.assertTrue(backups[0]["known-good"])

    def test_rule_19_installed_files(self):
        self.start_polkit()
        self.allow("apply")
        # a module of the kernel's own, which nothing may touch
        kernel_dir = self.root.join("lib", "modules", self.root.kernel, "kernel", "drivers")
        os.makedirs(kernel_dir)
        with open(os.path.join(kernel_dir, "e1000.ko"), "wb") as f:
            f.write(b"not really a module")
        chown_tree(self.root.path)
        before = self.root.digest(os.path.join("lib", "modules", self.root.kernel, "kernel"))
        self.start_helper()
        job, log = self.start_job("Apply", "", dbus.Array([], signature="s"),
                                  dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        self.assertEqual(self.root.digest(os.path.join("lib", "modules", self.root.kernel, "kernel")),
                         before)
        updates = self.root.join("lib", "modules", self.root.kernel, "updates", "modtune")
        self.assertEqual(sorted(os.listdir(updates)), ["vmmon.ko", "vmnet.ko"])
        for name in os.listdir(updates):
            st = os.lstat(os.path.join(updates, name))
            self.assertTrue(stat.S_ISREG(st.st_mode), name)
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o644, name)
            self.assertEqual(st.st_nlink, 1, name)
            self.assertEqual([x for x in os.listxattr(os.path.join(updates, name))
                              if not x.startswith("security.")], [], name)
        # outside updates/modtune only depmod's indexes changed
        changed = {k for k, v in self.root.digest(os.path.join("lib", "modules", self.root.kernel)).items()
                   if not k.endswith("/")}
        for path in changed:
            rel = path.split(self.root.kernel + "/", 1)[1]
            self.assertTrue(rel.startswith(("updates/modtune/", "modules.", "kernel/", "build")), rel)

    def test_rule_1_denied_changes_nothing(self):
        self.start_polkit()  # denies everything by default
        self.start_helper()
        before = self.root.state()
        empty = dbus.Dictionary({}, signature="sv")
        r, w = os.pipe()
        try:
            calls = [
                ("Apply", "", dbus.Array([], signature="s"), dbus.types.UnixFd(w), empty),
                ("Uninstall", "", dbus.types.UnixFd(w), empty),
                ("Load", empty),
                ("Unload", empty),
            ]
            for call in calls:
                with self.subTest(method=call[0]):
                    self.assert_dbus_error(ACCESS_DENIED, *call)
        finally:
            os.close(r)
            os.close(w)
        self.assertEqual(self.jobs(), [])
        self.assertEqual(self.root.state(), before)

    def test_rule_2_subject_is_the_callers_bus_name(self):
        self.start_polkit()
        self.start_helper()
        self.assert_dbus_error(ACCESS_DENIED, "Load", dbus.Dictionary({}, signature="sv"))
        calls = self.polkit.GetMethodCalls("CheckAuthorization", dbus_interface="org.freedesktop.DBus.Mock")
        self.assertEqual(len(calls), 1)
        subject, action, details = calls[0][1][0], calls[0][1][1], calls[0][1][2]
        self.assertEqual(subject[0], "system-bus-name")
        self.assertEqual(subject[1]["name"], self.conn.get_unique_name())
        self.assertEqual(action, "io.github.modtune.load-modules")
        self.assertEqual(details["kernel"], self.root.kernel)
        self.assertEqual(details["module"], "vmmon and vmnet")

    def test_rule_3_hanging_authorization(self):
        self.start_polkit()
        self.polkit.SimulateHang(True, dbus_interface="org.freedesktop.DBus.Mock")
        self.start_helper("--authorization-timeout=2")
        before = self.root.state()
        error = self.assert_dbus_error(ACCESS_DENIED, "Load", dbus.Dictionary({}, signature="sv"))
        self.assertIn("in time", error.get_dbus_message())
        self.assertEqual(self.root.state(), before)

    def test_rule_3_no_polkit(self):
        self.start_helper()
        before = self.root.state()
        job_args = ("Load", dbus.Dictionary({}, signature="sv"))
        error = self.assert_dbus_error(ACCESS_DENIED, *job_args)
        self.assertIn("polkit", error.get_dbus_message())
        self.assertEqual(self.root.state(), before)

    def test_rule_3_caller_vanishes(self):
        self.start_polkit()
        self.polkit.SimulateHangActions(["io.github.modtune.load-modules"],
                                        dbus_interface="org.freedesktop.DBus.Mock")
        self.allow("load")
        self.start_helper()
        before = self.root.state()
        # a client that asks, then leaves the bus before polkit answers
        client = subprocess.Popen(
            ["gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", "/io/github/modtune/Helper",
             "--method", "io.github.modtune.Helper1.Load", "{}"],
            env=self.bus.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not self.polkit.HaveHangingCalls(dbus_interface="org.freedesktop.DBus.Mock"):
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        client.kill()
        client.wait()
        self.polkit.ReleaseHangingCalls(dbus_interface="org.freedesktop.DBus.Mock")
        time.sleep(1)
        self.assertEqual(self.jobs(), [])
        self.assertEqual(self.root.state(), before)
        self.assertIsNone(self.helper_proc.poll())

    def test_rule_6_wrong_signatures(self):
        self.start_helper()

        def raw(method, signature, *args):
            message = dbus.lowlevel.MethodCallMessage(BUS_NAME, "/io/github/modtune/Helper",
                                                      HELPER_IFACE, method)
            if signature:
                message.append(*args, signature=signature)
            with self.assertRaises(dbus.exceptions.DBusException) as caught:
                self.conn.send_message_with_reply_and_block(message, 30000)
            return caught.exception.get_dbus_name()

        self.assertEqual(raw("GetStatus", "i", 1), "org.freedesktop.DBus.Error.InvalidArgs")
        self.assertEqual(raw("GetStatus", "ss", "", "extra"), "org.freedesktop.DBus.Error.InvalidArgs")
        self.assertEqual(raw("GetStatus", ""), "org.freedesktop.DBus.Error.InvalidArgs")
        self.assertEqual(raw("ListBackups", "s", "x"), "org.freedesktop.DBus.Error.InvalidArgs")
        self.assertEqual(raw("Frobnicate", ""), "org.freedesktop.DBus.Error.UnknownMethod")
        # a string of 1 MiB is only a bad id
        self.assertEqual(raw("DeleteBackup", "s", "z" * (1024 * 1024)), INVALID_ARGUMENT)
        # and the helper keeps serving
        self.assertIsNone(self.helper_proc.poll())
        self.assertEqual(self.call("GetStatus", "")["vmmon"]["origin"], "none")

    def test_rule_7_injection_corpus(self):
        self.start_polkit()
        self.allow(*ACTIONS_ALL)
        # every call must reach the validators, not the rate limit
        self.start_helper("--max-calls=100000")
        before = self.root.state()
        empty = dbus.Dictionary({}, signature="sv")
        for bad in INJECTION:
            r, w = os.pipe()
            try:
                for call in (("GetStatus", bad),
                             ("Apply", bad, dbus.Array([], signature="s"), dbus.types.UnixFd(w), empty),
                             ("Apply", "", dbus.Array([bad], signature="s"), dbus.types.UnixFd(w), empty),
                             ("Apply", "", dbus.Array([], signature="s"), dbus.types.UnixFd(w),
                              dbus.Dictionary({bad: dbus.Boolean(True)}, signature="sv")),
                             ("Restore", bad, dbus.types.UnixFd(w), empty),
                             ("DeleteBackup", bad),
                             ("Uninstall", bad, dbus.types.UnixFd(w), empty)):
                    with self.subTest(method=call[0], value=repr(bad[:20])):
                        with self.assertRaises(dbus.exceptions.DBusException) as caught:
                            self.call(*call)
                        message = caught.exception.get_dbus_message()
                        # rule 35: the bad value never comes back raw
                        self.assertNotIn("\x1b", message)
                        self.assertLess(len(message), 1024)
            finally:
                os.close(r)
                os.close(w)
        self.assertEqual(self.jobs(), [])
        self.assertEqual(self.root.state(), before)
        # nothing was even asked of polkit: validation comes first
        self.assertEqual(self.polkit.GetMethodCalls("CheckAuthorization",
                                                    dbus_interface="org.freedesktop.DBus.Mock"), [])

    def test_rule_28_rate_limit(self):
        self.start_polkit()
        self.start_helper()
        fds_before = len(os.listdir(f"/proc/{self.helper_proc.pid}/fd"))
        empty = dbus.Dictionary({}, signature="sv")
        names = []
        for _ in range(1000):
            try:
                self.call("Load", empty)
            except dbus.exceptions.DBusException as e:
                names.append((e.get_dbus_name(), e.get_dbus_message()))
        denied = [n for n in names if n[0] == ACCESS_DENIED]
        limited = [n for n in names if "Too many requests" in n[1]]
        # the first few reached polkit (which denies all), the rest were refused
        self.assertEqual(len(denied), 20)
        self.assertEqual(len(limited), 980)
        self.assertEqual(len(self.polkit.GetMethodCalls("CheckAuthorization",
                                                        dbus_interface="org.freedesktop.DBus.Mock")), 20)
        # no descriptor leaked; the helper still serves, and another user is not limited
        self.assertLessEqual(len(os.listdir(f"/proc/{self.helper_proc.pid}/fd")), fds_before + 2)
        self.assertEqual(self.call("GetStatus", "")["vmmon"]["origin"], "none")
        if RUN_AS is not None:
            r = subprocess.run(["gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path",
                                "/io/github/modtune/Helper", "--method", "io.github.modtune.Helper1.Load",
                                "{}"], env=self.bus.env, capture_output=True, text=True, timeout=30,
                               preexec_fn=drop_privileges)
            self.assertIn("AccessDenied", r.stderr)

    def test_rule_22_failing_build_changes_nothing(self):
        self.start_polkit()
        self.allow("apply")
        # VMware's vmnet source with a compile error in driver.c
        top = os.path.join(os.environ["MT_TEST_FIXTURES"], "vmware-src", "vmnet-only")
        with tarfile.open(self.root.join("usr", "lib", "vmware", "modules", "source", "vmnet.tar"),
                          "w") as tar:
            for dirpath, _, names in os.walk(top):
                for name in sorted(names):
                    path = os.path.join(dirpath, name)
                    with open(path, "rb") as f:
                        data = f.read()
                    if name == "driver.c":
                        data += b"int modtune_broken(void);\nint modtune_broken(void) { return undeclared_symbol; }\n"
                    info = tarfile.TarInfo("vmnet-only/" + os.path.relpath(path, top))
                    info.size = len(data)
                    info.mode = 0o644
                    tar.addfile(info, io.BytesIO(data))
        self.start_helper()
        before = self.root.digest(os.path.join("lib", "modules", self.root.kernel), "var/lib", "etc")
        job, log = self.start_job("Apply", "", dbus.Array([], signature="s"),
                                  dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "failed")
        message = str(self.job_property(job, "ErrorMessage"))
        self.assertTrue(message.startswith("build: "), message)
        self.assertEqual(self.root.digest(os.path.join("lib", "modules", self.root.kernel),
                                          "var/lib", "etc"), before)
        # the build directory is gone; the probes' results are kept
        self.assertEqual([d for d in os.listdir(self.root.join("var", "cache", "modtune"))
                          if d.startswith("build-")], [])

    def test_rule_11_12_build_environment(self):
        """A kernel build tree whose Makefile records what make was given."""
        self.start_polkit()
        self.allow("apply")
        real = os.path.realpath(f"/lib/modules/{self.root.kernel}/build")
        fake = self.root.join("fake-build")
        dump = self.root.join("dump")
        os.makedirs(os.path.join(fake, "include", "config"))
        os.makedirs(dump)
        shutil.copy(os.path.join(real, ".config"), os.path.join(fake, ".config"))
        with open(os.path.join(fake, "include", "config", "kernel.release"), "w") as f:
            f.write(self.root.kernel + "\n")
        with open(os.path.join(fake, "Makefile"), "w") as f:
            f.write(f"""# records the environment, the uid and the open descriptors, builds nothing
.PHONY: record
$(or $(MAKECMDGOALS),all): record
\t@:
record:
\t@env > {dump}/env.txt
\t@id -u > {dump}/uid.txt
\t@ls /proc/self/fd > {dump}/fds.txt
\t@echo "$(MAKEFLAGS)" > {dump}/makeflags.txt
""")
        build = self.root.join("lib", "modules", self.root.kernel, "build")
        os.unlink(build)
        os.symlink(fake, build)
        chown_tree(self.root.path)
        # what a caller might try to smuggle into the build
        self.start_helper(env={"KCFLAGS": "-DSMUGGLED", "MAKEFLAGS": "-j99 SMUGGLED=1",
                               "CCACHE_DIR": "/smuggled", "GCC_EXEC_PREFIX": "/smuggled/",
                               "CPATH": "/smuggled", "COMPILER_PATH": "/smuggled"})
        job, log = self.start_job("Apply", "", dbus.Array([], signature="s"),
                                  dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "failed", log.text())
        with open(os.path.join(dump, "env.txt")) as f:
            env = dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line)
        # make adds its own MAKE* variables and exports the command line's
        # (M=, from the helper's argv); the shell adds PWD, SHLVL and _
        ours = {k: v for k, v in env.items()
                if not k.startswith("MAKE") and k not in ("MFLAGS", "PWD", "OLDPWD", "SHLVL", "_")}
        self.assertTrue(ours.pop("M").startswith(self.root.join("var", "cache", "modtune") + "/"))
        self.assertEqual(sorted(ours), ["HOME", "LC_ALL", "PATH", "TMPDIR"], env)
        self.assertEqual(ours["PATH"], "/usr/bin:/bin")
        self.assertEqual(ours["LC_ALL"], "C")
        self.assertTrue(ours["HOME"].startswith(self.root.join("var", "cache", "modtune") + "/"))
        self.assertEqual(ours["TMPDIR"], ours["HOME"])
        with open(os.path.join(dump, "makeflags.txt")) as f:
            self.assertNotIn("SMUGGLED", f.read())
        self.assertNotIn("SMUGGLED", "".join(env.values()))
        # rule 12: not root, and no descriptor but 0, 1, 2 (and ls's own)
        with open(os.path.join(dump, "uid.txt")) as f:
            self.assertNotEqual(f.read().strip(), "0")
        with open(os.path.join(dump, "fds.txt")) as f:
            self.assertLessEqual(set(f.read().split()), {"0", "1", "2", "3"})
        # and the job says which step failed
        self.assertIn("build: ", str(self.job_property(job, "ErrorMessage")))

    def test_log_fd_must_be_a_pipe(self):
        self.start_polkit()
        self.allow("apply")
        self.start_helper()
        with open(os.devnull, "w") as f:
            error = self.assert_dbus_error(INVALID_ARGUMENT, "Apply", "", dbus.Array([], signature="s"),
                                           dbus.types.UnixFd(f.fileno()),
                                           dbus.Dictionary({}, signature="sv"))
        self.assertIn("pipe", error.get_dbus_message())
        self.assertEqual(self.jobs(), [])

    def test_cancel_then_busy_then_apply_restore_uninstall(self):
        self.start_polkit()
        self.allow(*ACTIONS_ALL)
        self.start_helper()
        before = self.root.state()

        # cancel while building: nothing installed
        job, log = self.apply()
        deadline = time.monotonic() + 120
        while (self.job_property(job, "Stage") in ("detect", "plan") and
               self.job_property(job, "State") == "running"):
            self.assertLess(time.monotonic(), deadline, "the job never reached the build")
            time.sleep(0.05)
        # (not log.text() as the message: it waits for the log to end)
        self.assertEqual(self.job_property(job, "State"), "running",
                         self.job_property(job, "ErrorMessage"))
        # one job at a time
        self.assert_dbus_error("io.github.modtune.Error.Busy", "Load", dbus.Dictionary({}, signature="sv"))
        job.Cancel(dbus.Dictionary({}, signature="sv"), dbus_interface=JOB_IFACE)
        self.assertEqual(self.wait_job(job), "cancelled")
        self.assertEqual(self.job_property(job, "ErrorName"), "io.github.modtune.Error.Cancelled")
        self.assertFalse(os.path.exists(self.root.installed("vmmon")))
        # the worker's whole process group was stopped: no make or compiler
        # still works in the test root
        time.sleep(1)
        self.assertEqual(self.processes_in_root(), [])
        # nor is anything of that build left behind
        cache = self.root.join("var", "cache", "modtune")
        self.assertEqual([d for d in os.listdir(cache) if d.startswith("build-")], [])
        self.assertEqual([d for d in os.listdir(os.path.join(cache, "probes"))
                          if d.startswith("build-")], [])
        self.assertEqual(self.root.state()["lib/modules/" + self.root.kernel + "/"], "dir")

        # first set
        job, log = self.apply()
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        first = {m: open(self.root.installed(m), "rb").read() for m in ("vmmon", "vmnet")}

        # second set, other flags: a backup of the first remains
        job, log = self.apply("unroll-loops")
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        replaced = str(self.job_property(job, "BackupId"))
        self.assertNotEqual(open(self.root.installed("vmmon"), "rb").read(), first["vmmon"])
        backups = {str(b["id"]): b for b in self.call("ListBackups")}
        self.assertIn(replaced, backups)
        self.assertEqual(len(backups), 2)

        # restore the first set: byte-identical
        job, log = self.start_job("Restore", replaced, dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        for m in ("vmmon", "vmnet"):
            self.assertEqual(open(self.root.installed(m), "rb").read(), first[m], m)

        # uninstall: no module of ours, no load-at-boot entry
        job, log = self.start_job("Uninstall", "", dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        self.assertFalse(os.path.exists(self.root.installed("vmmon")))
        self.assertFalse(os.path.exists(self.root.join("etc", "modules-load.d", "modtune.conf")))
        self.assertEqual(self.call("GetStatus", "")["vmmon"]["origin"], "none")
        after = self.root.state()
        for key, value in before.items():
            if key.startswith("lib/") or key.startswith("etc/"):
                self.assertEqual(after.get(key), value, key)

    def processes_in_root(self):
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) in (self.helper_proc.pid, os.getpid()):
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if self.root.path in cmdline and "--test-root" not in cmdline:
                found.append(cmdline[:200])
        return found

    def test_caller_leaving_cancels_the_job(self):
        self.start_polkit()
        self.allow("apply")
        self.start_helper()
        # a separate connection starts the job, then goes away
        other = self.bus.connect()
        helper = other.get_object(BUS_NAME, "/io/github/modtune/Helper")
        r, w = os.pipe()
        path = helper.Apply("", dbus.Array([], signature="s"), dbus.types.UnixFd(w),
                            dbus.Dictionary({}, signature="sv"), dbus_interface=HELPER_IFACE)
        os.close(w)
        other.close()
        job = self.conn.get_object(BUS_NAME, path)
        self.assertEqual(self.wait_job(job), "cancelled")
        os.close(r)
        self.assertFalse(os.path.exists(self.root.installed("vmmon")))

    def test_rule_20_crash_during_install_is_recovered(self):
        self.start_polkit()
        self.allow("apply")
        self.start_helper()
        job, log = self.apply()
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        first = {m: open(self.root.installed(m), "rb").read() for m in ("vmmon", "vmnet")}
        self.helper_proc.terminate()
        self.helper_proc.wait(10)

        # the helper dies between the two renames
        self.start_helper(env={"MODTUNE_HELPER_CRASH_AT": "after-rename-vmmon"})
        job, log = self.apply("unroll-loops")
        self.helper_proc.wait(600)
        self.assertEqual(self.helper_proc.returncode, -signal.SIGKILL)

        # at the next start the pair is made consistent again
        self.start_helper()
        status = self.call("GetStatus", "")
        self.assertTrue(status["recovered"])
        now = {m: open(self.root.installed(m), "rb").read() for m in ("vmmon", "vmnet")}
        self.assertEqual(now["vmmon"] == first["vmmon"], now["vmnet"] == first["vmnet"])


    def held_call(self, method, *args):
        """Calls the helper from a thread on its own connection; returns the
        thread and a dict that gets the reply (or the error) and whether the
        recovery's journal still existed when the reply came."""
        journal = self.root.join(JOURNAL)
        outcome = {}
        # kept until the end: a job is cancelled when its caller leaves
        conn = self.bus.connect()
        self.addCleanup(conn.close)

        def run():
            try:
                helper = conn.get_object(BUS_NAME, "/io/github/modtune/Helper", introspect=False)
                outcome["reply"] = getattr(helper, method)(*args, dbus_interface=HELPER_IFACE,
                                                           timeout=300)
            except dbus.exceptions.DBusException as e:
                outcome["error"] = e
            finally:
                outcome["journal-left"] = os.path.exists(journal)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, outcome

    def close_gate(self):
        """A file whose existence holds the helper's recovery at start."""
        fd, gate = tempfile.mkstemp(prefix="recovery-gate-", dir=self.root.path)
        os.close(fd)
        os.chmod(gate, 0o644)
        return gate

    def wait_for_output(self, *texts, timeout=120):
        """Waits until the helper has said each of texts; returns its output."""
        deadline = time.monotonic() + timeout
        fd = self.helper_proc.output.fileno()
        while True:
            # pread: the helper shares the file offset
            said = os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")
            if all(text in said for text in texts):
                return said
            self.assertLess(time.monotonic(), deadline,
                            f"the helper never said {texts}:\n{said[-4000:]}")
            time.sleep(0.05)

    def test_rule_20_calls_are_held_during_a_slow_recovery(self):
        # the recovery's depmod can outlast the bus's activation timeout: the
        # helper owns its name first and holds the calls until it has ended
        self.start_polkit()
        self.allow("apply")
        journal = self.root.join(JOURNAL)
        # the first install dies between the two renames: vmmon alone is new
        self.start_helper(env={"MODTUNE_HELPER_CRASH_AT": "after-rename-vmmon"})
        self.apply()
        self.helper_proc.wait(600)
        self.assertEqual(self.helper_proc.returncode, -signal.SIGKILL)
        self.assertTrue(os.path.exists(journal))

        # start_helper returns once the name is owned; the journal goes only
        # at the end of the recovery, so the name came first
        gate = self.close_gate()
        self.start_helper(env={RECOVERY_GATE: gate, "G_MESSAGES_DEBUG": "mtd-daemon"})
        self.assertTrue(os.path.exists(journal), "the recovery ended before the name was owned")

        status_thread, status = self.held_call("GetStatus", "")
        read_end, write_end = os.pipe()
        log = Log(read_end)
        apply_thread, applied = self.held_call("Apply", "", dbus.Array([], signature="s"),
                                               dbus.types.UnixFd(write_end),
                                               dbus.Dictionary({}, signature="sv"))
        # both calls reached the helper while it recovered, and were held
        # rather than answered or refused
        said = self.wait_for_output("Holding a call to GetStatus", "Holding a call to Apply")
        self.assertNotIn("An interrupted install was", said)
        self.assertTrue(os.path.exists(journal))
        os.unlink(gate)
        status_thread.join(300)
        apply_thread.join(300)
        self.assertFalse(status_thread.is_alive() or apply_thread.is_alive(), "no answer")
        os.close(write_end)

        # answered only after the recovery, and as usual
        said = self.wait_for_output("An interrupted install was rolled-back")
        self.assertLess(said.index("Holding a call to Apply"),
                        said.index("An interrupted install was rolled-back"))
        self.assertNotIn("error", status, status.get("error"))
        self.assertFalse(status["journal-left"])
        self.assertTrue(status["reply"]["recovered"])
        self.assertEqual(status["reply"]["vmmon"]["origin"], "none")
        self.assertNotIn("error", applied, applied.get("error"))
        self.assertFalse(applied["journal-left"])
        job = self.conn.get_object(BUS_NAME, applied["reply"])
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        self.assertEqual(self.call("GetStatus", "")["vmmon"]["origin"], "modtune")
        self.assertTrue(os.path.isfile(self.root.installed("vmnet")))
        self.assertIsNone(self.helper_proc.poll())

    def test_rule_20_a_failed_recovery_answers_the_held_calls(self):
        self.start_polkit()
        self.start_helper()  # makes the state directory
        self.helper_proc.terminate()
        self.helper_proc.wait(10)
        journal = self.root.join(JOURNAL)
        with open(journal, "w") as f:
            f.write("{ not a journal")
        chown_tree(self.root.path)

        gate = self.close_gate()
        self.start_helper(env={RECOVERY_GATE: gate, "G_MESSAGES_DEBUG": "mtd-daemon"})
        thread, outcome = self.held_call("GetStatus", "")
        self.wait_for_output("Holding a call to GetStatus")
        os.unlink(gate)
        thread.join(300)
        self.assertFalse(thread.is_alive(), "no answer")
        # the held call gets the error, which says what failed and what to do
        self.assertIn("error", outcome, outcome.get("reply"))
        self.assertEqual(outcome["error"].get_dbus_name(), "io.github.modtune.Error.Failed")
        message = outcome["error"].get_dbus_message()
        self.assertIn("interrupted install", message)
        self.assertIn("try again", message)
        # and the helper stops, the journal kept for the next start
        self.assertEqual(self.helper_proc.wait(60), 1)
        self.assertIn("interrupted install", self.wait_for_output("modtune-helper: "))
        self.assertTrue(os.path.exists(journal))

    def test_rule_28_held_calls_are_capped_per_caller(self):
        # calls held during the recovery come before validation, rate
        # limits and polkit: one caller cannot park more than a few
        from gi.repository import Gio, GLib

        self.start_polkit()
        gate = self.close_gate()
        self.start_helper(env={RECOVERY_GATE: gate, "G_MESSAGES_DEBUG": "mtd-daemon"})
        conn = Gio.DBusConnection.new_for_address_sync(
            self.bus.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.addCleanup(conn.close_sync, None)
        loop = GLib.MainLoop()
        answers = {}

        def answered(source, result, n):
            try:
                answers[n] = source.call_finish(result).unpack()
            except GLib.Error as e:
                answers[n] = e
            loop.quit()

        for n in range(6):
            conn.call(BUS_NAME, "/io/github/modtune/Helper", HELPER_IFACE, "GetStatus",
                      GLib.Variant("(s)", ("",)), None, Gio.DBusCallFlags.NONE, 300000, None,
                      answered, n)
        # the two beyond the cap are refused at once, the others held
        deadline = time.monotonic() + 120
        while len(answers) < 2:
            self.assertLess(time.monotonic(), deadline, f"no early answers: {answers}")
            GLib.timeout_add(1000, loop.quit)
            loop.run()
        self.assertEqual(sorted(answers), [4, 5])
        for n in (4, 5):
            self.assertIsInstance(answers[n], GLib.Error)
            self.assertIn("io.github.modtune.Error.Busy", answers[n].message)
            self.assertIn("try again", answers[n].message)
        self.assertEqual(self.wait_for_output().count("Holding a call to GetStatus"), 4)

        # once the recovery has ended, the held ones are answered as usual
        os.unlink(gate)
        while len(answers) < 6:
            self.assertLess(time.monotonic(), deadline, f"held calls unanswered: {answers}")
            GLib.timeout_add(1000, loop.quit)
            loop.run()
        for n in range(4):
            self.assertEqual(answers[n][0]["vmmon"]["origin"], "none", answers[n])

class Traced(HelperTestCase):
    """The helper under strace, its test root outside the shared
    temporary directories."""

    SHARED = ("/tmp/", "/var/tmp/", "/dev/shm/")

    def setUp(self):
        if shutil.which("strace") is None:
            self.skipTest("strace is not installed")
        if built_with_sanitizers():
            # the build worker's environment is fixed, so LeakSanitizer runs
            # in it, and it cannot run under ptrace
            self.skipTest("built with sanitizers, which cannot run under strace")
        # the test root must be outside the shared temporary directories
        # whose use the test looks for: the build directory if it is, else
        # /var/lib when this runs as root
        scratch = os.path.realpath(os.environ["MT_TEST_SCRATCH"]) + "/"
        if scratch.startswith(self.SHARED):
            if not os.access("/var/lib", os.W_OK):
                self.skipTest("the build directory is in /tmp and /var/lib is not writable")
            scratch = "/var/lib/modtune-tests/"
        self.root_parent = scratch
        os.makedirs(self.root_parent, exist_ok=True)
        os.chmod(self.root_parent, 0o755)
        super().setUp()

    def test_rule_16_no_shared_temporary_files(self):
        self.start_polkit()
        self.allow(*ACTIONS_ALL)
        # written by strace, which runs as the helper's user
        trace = self.root.join("strace.log")
        p = self.start_helper(wrapper=("strace", "-f", "-qq", "-o", trace, "-e",
                                       "trace=open,openat,creat,mkdir,mkdirat,rename,renameat,"
                                       "renameat2,link,linkat,symlink,symlinkat,execve"))
        # a full cycle: build and install, again with other flags, restore, uninstall
        job, log = self.start_job("Apply", "", dbus.Array([], signature="s"),
                                  dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        job, log = self.start_job("Apply", "", dbus.Array(["unroll-loops"], signature="s"),
                                  dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        backup = str(self.job_property(job, "BackupId"))
        job, log = self.start_job("Restore", backup, dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        job, log = self.start_job("Uninstall", "", dbus.Dictionary({}, signature="sv"))
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        # the helper itself, under strace, ends; then strace
        bus = self.conn.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus")
        os.kill(int(bus.GetConnectionUnixProcessID(BUS_NAME, dbus_interface="org.freedesktop.DBus")),
                signal.SIGTERM)
        p.wait(60)

        with open(trace) as f:
            lines = f.read().splitlines()
        self.assertTrue(any("updates/modtune" in line for line in lines), "the trace saw nothing")
        shared = re.compile(r'"(/tmp|/var/tmp|/dev/shm)[/"]')
        creates = re.compile(r'O_CREAT|\b(mkdir|mkdirat|rename|renameat2?|link|linkat|symlink|symlinkat|creat)\(')
        bad = [line for line in lines
               if shared.search(line) and creates.search(line) and "= -1" not in line]
        home = [line for line in lines if '"/home/' in line or '"/home"' in line]
        # name the program behind each offending call
        programs = {}
        for line in lines:
            if "execve(" in line and "= 0" in line:
                programs[line.split()[0]] = line.split('"')[1]
        self.assertEqual([(programs.get(line.split()[0]), line) for line in bad], [])
        self.assertEqual(home, [])


def built_with_sanitizers():
    with open(os.environ["MODTUNE_HELPER"], "rb") as f:
        binary = f.read()
    return b"__asan_init" in binary or b"__ubsan_handle" in binary


class Valgrind(HelperTestCase):
    """The helper under valgrind (SECURITY.md rule 36): the validators, the
    authorization path and a whole install, with no memory error."""

    def setUp(self):
        if shutil.which("valgrind") is None:
            self.skipTest("valgrind is not installed")
        if built_with_sanitizers():
            self.skipTest("built with sanitizers, which valgrind cannot run")
        super().setUp()

    def test_rule_36_no_valgrind_error(self):
        self.start_polkit()
        self.allow("apply")
        report = self.root.join("valgrind.log")
        p = self.start_helper("--authorization-timeout=60", wrapper=(
            "valgrind", "-q", "--error-exitcode=99", "--trace-children=no",
            "--suppressions=/usr/share/glib-2.0/valgrind/glib.supp", f"--log-file={report}"))
        empty = dbus.Dictionary({}, signature="sv")
        self.call("GetStatus", "")
        self.call("ListBackups")
        for bad in INJECTION[:6]:
            with self.assertRaises(dbus.exceptions.DBusException):
                self.call("DeleteBackup", bad)
        self.assert_dbus_error(ACCESS_DENIED, "Load", empty)
        job, log = self.start_job("Apply", "", dbus.Array([], signature="s"), empty)
        self.assertEqual(self.wait_job(job), "succeeded", log.text())
        self.assertEqual(self.call("GetStatus", "")["vmmon"]["origin"], "modtune")
        bus = self.conn.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus")
        os.kill(int(bus.GetConnectionUnixProcessID(BUS_NAME, dbus_interface="org.freedesktop.DBus")),
                signal.SIGTERM)
        p.wait(120)
        self.assertTrue(os.path.exists(report), "valgrind did not run")
        with open(report) as f:
            errors = [line for line in f.read().splitlines()
                      if "Invalid " in line or "uninitialised" in line or "Mismatched" in line]
        self.assertEqual(errors, [])


ACTIONS_APPLY = "io.github.modtune.install-modules"
ACTIONS_ALL = ("apply", "restore", "uninstall", "delete", "load")


if __name__ == "__main__":
    # a case that was skipped reports "skipped" (77) to meson, not "passed"
    result = unittest.main(exit=False).result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
