# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""What tools/record-qemu-sysroot and the end-to-end tests share to boot a
real kernel in qemu: an initramfs writer, the choice between KVM and TCG,
and the kernel modules an initramfs must load, in order."""

import io
import lzma
import os
import stat

# A guest started with KVM is given this long to prove KVM works.
KVM_PROBE_TIMEOUT = 20

# What qemu or the guest prints when KVM is there but does not work; a
# broken KVM may also make qemu hang, hence the probe's short timeout.
KVM_FAILURES = (b"KVM internal error", b"emulation failure", b"failed to initialize kvm",
                b"Could not access KVM kernel module", b"kvm_init_vcpu", b"KVM: entry failed",
                b"failed to set MSR")


class Skip(Exception):
    """Something the host lacks (exit status 77)."""


class Failure(Exception):
    """Something that went wrong (exit status 1)."""


class Cpio:
    """A newc ("070701") archive, as the kernel unpacks it."""

    def __init__(self):
        self.out = io.BytesIO()
        self.ino = 1
        self.names = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name = name.lstrip("/")
        if name in self.names:
            return
        self.names.add(name)
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(name) + 1, 0)
        self.ino += 1
        self.out.write(b"070701" + b"".join(b"%08X" % f for f in fields))
        self.out.write(name.encode() + b"\0")
        self.out.write(b"\0" * (-self.out.tell() % 4))
        self.out.write(data)
        self.out.write(b"\0" * (-self.out.tell() % 4))

    def dir(self, name):
        parts = name.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            self._entry("/".join(parts[:i]), stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o755):
        self.dir(os.path.dirname(name))
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self.dir(os.path.dirname(name))
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self.dir(os.path.dirname(name))
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def tree(self, src, dest):
        """SRC's directories, regular files and symbolic links under DEST."""
        for dirpath, dirnames, filenames in os.walk(src):
            dirnames.sort()
            rel = os.path.relpath(dirpath, src)
            base = dest if rel == "." else os.path.join(dest, rel)
            self.dir(base)
            for name in sorted(dirnames + filenames):
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    self.symlink(os.path.join(base, name), os.readlink(path))
                elif stat.S_ISREG(st.st_mode):
                    with open(path, "rb") as f:
                        self.file(os.path.join(base, name), f.read(), stat.S_IMODE(st.st_mode))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.out.getvalue()


def accelerators(requested):
    """The accelerators to try, in order, for "auto", "kvm" or "tcg"."""
    accels = ["kvm", "tcg"] if requested == "auto" else [requested]
    if "kvm" in accels and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        if requested == "kvm":
            raise Failure("/dev/kvm is missing or not accessible")
        accels.remove("kvm")
    return accels


def tail(data, n=15):
    """The last N lines of DATA (bytes) as text."""
    return "\n".join(data.decode("utf-8", "replace").replace("\r", "").splitlines()[-n:])


def module_paths(moddir, wanted):
    """The paths, relative to MODDIR (/lib/modules/<release>), of the modules
    that WANTED (names or aliases) need, dependencies first.

    Paths come from modules.dep (they move between releases), aliases from
    modules.alias, and a wanted name that is neither a module nor an alias is
    taken to be built in."""
    deps = {}
    with open(os.path.join(moddir, "modules.dep"), encoding="utf-8") as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path] = rest.split()
    by_name = {os.path.basename(p).split(".ko")[0].replace("-", "_"): p for p in deps}
    aliases = {}
    with open(os.path.join(moddir, "modules.alias"), encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if len(words) == 3 and words[0] == "alias":
                aliases.setdefault(words[1], words[2].replace("-", "_"))

    order = []

    def add(path):
        for dep in reversed(deps[path]):
            add(dep)
        if path not in order:
            order.append(path)

    for name in wanted:
        name = aliases.get(name, name).replace("-", "_")
        if name in by_name:
            add(by_name[name])
    return order


def kernel_modules(moddir, wanted):
    """The modules under MODDIR that WANTED need (module_paths()), as (name,
    uncompressed bytes): busybox insmod cannot read compressed modules, so
    .ko.xz files are decompressed here."""
    modules = []
    for path in module_paths(moddir, wanted):
        with open(os.path.join(moddir, path), "rb") as f:
            data = f.read()
        if path.endswith(".xz"):
            data = lzma.decompress(data)
        elif not path.endswith(".ko"):
            raise Failure(f"{path}: only .ko and .ko.xz modules can go into the initramfs")
        modules.append((os.path.basename(path).split(".ko")[0], data))
    return modules
