# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""What the tests of modtune-helper share: a private system bus that any
user may join, python-dbusmock's polkitd template on it, a test root (a
kernel tree whose build link points at real Debian headers, VMware's
configuration and our fixture module sources), and the helper from the build
directory on that root, run as an unprivileged user (the helper refuses a
test root as root), with the log pipe and the job-following a client needs.

  MODTUNE_HELPER   the helper binary
  MT_TEST_FIXTURES tests/fixtures
"""

import glob
import hashlib
import io
import os
import pwd
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
import unittest

import dbus
import dbus.types

HELPER = os.environ["MODTUNE_HELPER"]
FIXTURES = os.environ["MT_TEST_FIXTURES"]
BUS_NAME = "io.github.modtune.Helper"
OBJECT = "/io/github/modtune/Helper"
HELPER_IFACE = "io.github.modtune.Helper1"
JOB_IFACE = "io.github.modtune.Job1"
MOCK_IFACE = "org.freedesktop.DBus.Mock"
POLKIT_NAME = "org.freedesktop.PolicyKit1"
POLKIT_OBJECT = "/org/freedesktop/PolicyKit1/Authority"

ACTIONS = {
    "apply": "io.github.modtune.install-modules",
    "restore": "io.github.modtune.restore-backup",
    "uninstall": "io.github.modtune.uninstall-modules",
    "delete": "io.github.modtune.delete-backup",
    "load": "io.github.modtune.load-modules",
}

KERNELS = sorted(os.path.basename(os.path.dirname(os.path.dirname(m)))
                 for m in glob.glob("/lib/modules/*/build/Makefile"))

# the helper refuses a test root as root: it runs as nobody then
RUN_AS = pwd.getpwnam("nobody") if os.getuid() == 0 else None


def drop_privileges():
    if RUN_AS is not None:
        os.setgroups([])
        os.setgid(RUN_AS.pw_gid)
        os.setuid(RUN_AS.pw_uid)


def chown_tree(path):
    if RUN_AS is None:
        return
    for dirpath, dirnames, filenames in os.walk(path):
        os.lchown(dirpath, RUN_AS.pw_uid, RUN_AS.pw_gid)
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), RUN_AS.pw_uid, RUN_AS.pw_gid)


class PrivateBus:
    """A dbus-daemon of type system on a socket anyone may use."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mtd-bus-")
        os.chmod(self.dir, 0o755)
        config = os.path.join(self.dir, "bus.conf")
        with open(config, "w") as f:
            f.write(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={self.dir}/socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
""")
        self.daemon = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork",
                                        "--print-address=1"], stdout=subprocess.PIPE, text=True)
        self.address = self.daemon.stdout.readline().strip()
        os.chmod(os.path.join(self.dir, "socket"), 0o777)
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)

    def connect(self):
        return dbus.bus.BusConnection(self.address)

    def close(self):
        self.daemon.terminate()
        self.daemon.wait(10)
        self.daemon.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def fixture_tar(module):
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        tar.add(os.path.join(FIXTURES, "vmware-src", f"{module}-only"), f"{module}-only")
    return data.getvalue()


class TestRoot:
    """/proc/sys/kernel/osrelease, /lib/modules/<kver>/build → the real
    headers, /etc/vmware/config and VMware's module sources."""

    def __init__(self, kernel, parent=None):
        self.kernel = kernel
        self.path = tempfile.mkdtemp(prefix="mtd-root-", dir=parent)
        os.chmod(self.path, 0o755)
        self.write("proc/sys/kernel/osrelease", kernel + "\n")
        moddir = self.join("lib", "modules", kernel)
        os.makedirs(moddir)
        os.symlink(os.path.realpath(f"/lib/modules/{kernel}/build"), os.path.join(moddir, "build"))
        with open(os.path.join(FIXTURES, "sysroots", "workstation-17.6-host", "etc", "vmware",
                               "config")) as f:
            self.write("etc/vmware/config", f.read())
        # what the system provides: the parents of systemd's StateDirectory
        # and CacheDirectory, and the load-at-boot directory
        for rel in (("etc", "modules-load.d"), ("var", "lib"), ("var", "cache")):
            os.makedirs(self.join(*rel))
        for module in ("vmmon", "vmnet"):
            path = self.join("usr", "lib", "vmware", "modules", "source", module + ".tar")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(fixture_tar(module))
        chown_tree(self.path)

    def join(self, *parts):
        return os.path.join(self.path, *parts)

    def write(self, rel, text):
        path = self.join(rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def installed(self, module):
        return self.join("lib", "modules", self.kernel, "updates", "modtune", module + ".ko")

    def digest(self, *rels):
        """SHA-256 of every file under the given parts of the root, by path,
        symbolic links as their targets: 'nothing changed' compares these."""
        listing = {}
        for rel in rels:
            top = self.join(rel)
            for dirpath, dirnames, filenames in os.walk(top):
                for name in sorted(filenames + [d for d in dirnames
                                                if os.path.islink(os.path.join(dirpath, d))]):
                    path = os.path.join(dirpath, name)
                    key = os.path.relpath(path, self.path)
                    if os.path.islink(path):
                        listing[key] = "-> " + os.readlink(path)
                    elif not os.path.isfile(path):
                        # a FIFO would block the read
                        listing[key] = "special"
                    else:
                        with open(path, "rb") as f:
                            listing[key] = hashlib.sha256(f.read()).hexdigest()
                listing[os.path.relpath(dirpath, self.path) + "/"] = "dir"
        return listing

    def state(self):
        return self.digest(os.path.join("lib", "modules", self.kernel), "var", "etc")

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


class HelperTestCase(unittest.TestCase):
    """A private bus with the polkit mock, a test root and the helper."""

    helper_args = ()
    # where the test root is made: a temporary directory unless a test
    # must keep the helper's own files out of /tmp
    root_parent = None

    def setUp(self):
        if not KERNELS:
            self.skipTest("no kernel headers in /lib/modules/*/build")
        self.bus = PrivateBus()
        self.addCleanup(self.bus.close)
        self.root = TestRoot(KERNELS[0], self.root_parent)
        self.addCleanup(self.root.close)
        self.procs = []
        self.addCleanup(self.stop_all)
        self.polkit = None
        self.conn = self.bus.connect()
        self.addCleanup(self.conn.close)

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def start_polkit(self):
        output = tempfile.TemporaryFile(mode="w+")
        self.addCleanup(output.close)
        p = subprocess.Popen(["python3", "-m", "dbusmock", "--system", "--template", "polkitd"],
                             env=self.bus.env, stdout=output, stderr=subprocess.STDOUT)
        p.output = output
        self.procs.append(p)
        self.wait_for_name(POLKIT_NAME, p)
        self.polkit = self.conn.get_object(POLKIT_NAME, POLKIT_OBJECT)
        return self.polkit

    def allow(self, *operations):
        self.polkit.SetAllowed([ACTIONS[o] for o in operations], dbus_interface=MOCK_IFACE)

    def wait_for_name(self, name, proc, timeout=30):
        deadline = time.monotonic() + timeout
        while not self.conn.name_has_owner(name):
            if proc.poll() is not None:
                output = getattr(proc, "output", None)
                if output is not None:
                    output.seek(0)
                    said = output.read()
                else:
                    said = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                self.fail(f"{name}: the process exited early: {said}")
            self.assertLess(time.monotonic(), deadline, f"{name} never appeared")
            time.sleep(0.05)

    def start_helper(self, *args, env=None, wrapper=()):
        argv = [*wrapper, HELPER, "--test-root", self.root.path, "--idle-timeout=0",
                *self.helper_args, *args]
        environment = dict(self.bus.env, **(env or {}))
        # the helper's output goes to a file: a pipe nobody reads could fill up and block it
        output = tempfile.TemporaryFile(mode="w+")
        self.addCleanup(output.close)
        p = subprocess.Popen(argv, env=environment, stdout=output, stderr=subprocess.STDOUT,
                             text=True, preexec_fn=drop_privileges)
        p.output = output
        self.procs.append(p)
        self.wait_for_name(BUS_NAME, p)
        self.helper = self.conn.get_object(BUS_NAME, OBJECT)
        self.helper_proc = p
        return p

    def call(self, method, *args, **kwargs):
        return getattr(self.helper, method)(*args, dbus_interface=HELPER_IFACE, timeout=120,
                                            **kwargs)

    def assert_dbus_error(self, name, method, *args):
        with self.assertRaises(dbus.exceptions.DBusException) as caught:
            self.call(method, *args)
        self.assertEqual(caught.exception.get_dbus_name(), name,
                         caught.exception.get_dbus_message())
        return caught.exception

    def jobs(self):
        manager = dbus.Interface(self.helper, "org.freedesktop.DBus.ObjectManager")
        return [str(path) for path in manager.GetManagedObjects()]

    def start_job(self, method, *args):
        """Calls a job method with a fresh log pipe; returns (job proxy, Log)."""
        read_end, write_end = os.pipe()
        log = Log(read_end)
        try:
            path = self.call(method, *args[:-1], dbus.types.UnixFd(write_end), args[-1])
        finally:
            os.close(write_end)
        return self.conn.get_object(BUS_NAME, path), log

    def job_property(self, job, name):
        return job.Get(JOB_IFACE, name, dbus_interface="org.freedesktop.DBus.Properties")

    def wait_job(self, job, timeout=600):
        deadline = time.monotonic() + timeout
        while str(self.job_property(job, "State")) == "running":
            if time.monotonic() > deadline:
                self.helper_proc.output.seek(0)
                self.fail(f"the job never ended; stage {self.job_property(job, 'Stage')}; "
                          f"the helper said:\n{self.helper_proc.output.read()[-4000:]}")
            time.sleep(0.1)
        return str(self.job_property(job, "State"))


class Log:
    """Reads a job's log pipe in a thread."""

    def __init__(self, fd):
        self.file = os.fdopen(fd, "r", errors="replace")
        self.lines = []
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        for line in self.file:
            self.lines.append(line.rstrip("\n"))
        self.file.close()

    def text(self, timeout=30):
        self.thread.join(timeout)
        return "\n".join(self.lines)
