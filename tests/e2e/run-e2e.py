#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end on a real Debian kernel booted in qemu.

  run-e2e.py --series 6.12 --flow full|workstation

Boots /boot/vmlinuz-SERIES.* (the newest) with KVM, or TCG when KVM does
not work, on this Debian 13 root: shared read-only over virtio-9p, with
Modtune installed in /usr as a distribution would (a meson install of this
source tree, a second read-only layer) and an ext4 disk as the writable
layer, so that what the guest writes survives a reset.  A busybox
initramfs loads the 9p, overlay and ext4 modules, stacks the layers and
switches to them; guest-init.sh mounts a few of the kernel's modules over
its own (inject_tree() says why), starts the system bus and polkitd, and
guest.py drives modtunectl against the installed helper, with the fixture
module tree as VMware's sources (tests/fixtures/vmware-src).

The full flow boots twice: apply; apply other flags; restore the first
backup; a broken build; a module that does not load; a power cut during an
install; then, on the second boot, recovery, load and uninstall.  The
workstation flow is the same on a machine where Workstation's own pair is
loaded from misc/, with a first apply that fails to load before the first
that succeeds.  One line per step, as the guest prints it.  Needs root
(it bind-mounts / for the guest); exits 77 when the host lacks qemu,
busybox-static, mkfs.ext4, the kernel or its headers.
"""

import argparse
import fcntl
import glob
import gzip
import io
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

SOURCE_ROOT = os.environ.get("MT_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(os.path.dirname(
                                 os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tools"))
from mt_qemu import (KVM_FAILURES, KVM_PROBE_TIMEOUT, Cpio, Failure, Skip,  # noqa: E402
                     accelerators, kernel_modules, module_paths, tail)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(SOURCE_ROOT, "tests", "fixtures")
BOOT_TIMEOUT = 1500
# what the initramfs needs to reach the root: 9p, overlayfs, an ext4 disk
# (ext4 and jbd2 need crc32c through the crypto API: an alias)
INITRAMFS_MODULES = ("9pnet_virtio", "9p", "overlay", "virtio_blk", "crypto-crc32c", "ext4")
# the kernel's modules the guest sees: those, and what a VMware host has
# next to vmmon and vmnet (see inject_tree())
GUEST_MODULES = INITRAMFS_MODULES + ("kvm_intel", "kvm_amd", "tun", "bridge")

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() { echo "E2E step initramfs: FAIL $*"; poweroff -f; }
for m in @MODULES@; do insmod /modules/$m.ko || fail "insmod $m"; done
opts=trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose
mkdir -p /lower /dest /rw /newroot
mount -t 9p -o $opts root /lower || fail "mount the root over 9p"
mount -t 9p -o $opts dest /dest || fail "mount Modtune's install over 9p"
mount -t ext4 /dev/vda /rw || fail "mount the writable disk"
if [ ! -e /rw/injected ]; then
  mkdir -p /rw/upper /rw/work && cp -a /inject/. /rw/upper/ && touch /rw/injected
fi
mount -t overlay overlay -o lowerdir=/dest:/lower,upperdir=/rw/upper,workdir=/rw/work /newroot \
  || fail "mount the overlay"
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/sh /e2e/guest-init.sh
"""

AFTER_THE_CUT = ["services", "recovery", "load", "uninstall"]
THE_REST = ["apply-other-flags", "restore", "broken-build", "load-failure", "power-cut"]
STEPS = {
    "full": [["services", "detect", "apply", "refused", *THE_REST], AFTER_THE_CUT],
    "workstation": [["services", "vmware-own", "detect", "first-apply-fails", "apply",
                     "refused", *THE_REST], AFTER_THE_CUT],
}
STEP_LINE = re.compile(r"E2E step (\S+): (ok|FAIL)\b")


def log(kernel, text):
    print(f"e2e {kernel}: {text}", flush=True)


def newest_kernel(series):
    images = glob.glob(f"/boot/vmlinuz-{series}.*")
    images.sort(key=lambda p: [int(n) for n in re.findall(r"\d+", os.path.basename(p))])
    if not images:
        raise Skip(f"no /boot/vmlinuz-{series}.* (Debian: linux-image-amd64 for the series)")
    return images[-1], os.path.basename(images[-1])[len("vmlinuz-"):]


def check_host(release):
    if os.geteuid() != 0:
        raise Skip("needs root: it bind-mounts / to give it to the guest (run it in the CI root)")
    for program, package in (("qemu-system-x86_64", "qemu-system-x86"), ("mkfs.ext4", "e2fsprogs"),
                             ("busybox", "busybox-static"), ("unshare", "util-linux"),
                             ("meson", "meson")):
        if shutil.which(program) is None:
            raise Skip(f"{program} is not installed (Debian: {package})")
    if subprocess.run(["ldd", shutil.which("busybox")], capture_output=True).returncode == 0:
        raise Skip("busybox is not statically linked (Debian: busybox-static)")
    if not os.path.isdir(f"/lib/modules/{release}/build"):
        raise Skip(f"no headers for {release} (Debian: linux-headers-{release})")


def install(work, build_root):
    """Modtune installed with prefix /usr into WORK/dest, from a build of its
    own in BUILD_ROOT (shared by the kernels' runs, one at a time)."""
    build = os.path.join(build_root, "dist")
    os.makedirs(build_root, exist_ok=True)
    with open(os.path.join(build_root, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(build, "build.ninja")):
            run(["meson", "setup", build, SOURCE_ROOT, "--prefix=/usr", "-Dbuildtype=release",
                 "-Dapp=false", "-Dtests=false"])
        run(["meson", "compile", "-C", build])
        run(["meson", "install", "-C", build, "--destdir", os.path.join(work, "dest"),
             "--quiet", "--no-rebuild"])
    return os.path.join(work, "dest")


def run(argv, env=None):
    r = subprocess.run(argv, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        output = tail((r.stdout + r.stderr).encode(), 30)
        raise Failure(f"{' '.join(argv)} failed ({r.returncode}):\n{output}")
    return r


def tar_of(tree, top, edit=None):
    """TREE packed as VMware packs its sources (TOP/…); EDIT(path, text)
    may change a file's text on the way."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        for dirpath, dirnames, filenames in os.walk(tree):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, tree)
                with open(path, "rb") as f:
                    content = f.read()
                if edit is not None:
                    content = edit(rel, content.decode()).encode()
                info = tarfile.TarInfo(f"{top}/{rel}")
                info.size, info.mode, info.mtime = len(content), 0o644, 1700000000
                tar.addfile(info, io.BytesIO(content))
    return data.getvalue()


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


OWN_BUILD = '\nMODULE_INFO(origin, "Workstation\'s own build, as the end-to-end test makes it");\n'


def inject_tree(work, release, dest, workstation_modules):
    """What the guest's writable layer starts with: Workstation's config and
    module sources (the fixture tree, and the two broken variants of
    vmnet), the steps, and the probe cache for this kernel, made here; with
    WORKSTATION_MODULES, also a pair in misc/ as Workstation's own build
    leaves it (built here from the same sources, marked so that its bytes
    differ from any build of Modtune's)."""
    inject = os.path.join(work, "inject")
    src = os.path.join(FIXTURES, "vmware-src")
    sources = os.path.join(inject, "usr/lib/vmware/modules/source")
    variants = os.path.join(inject, "e2e/variants")
    config = os.path.join(FIXTURES, "sysroots", "workstation-17.6-host", "etc", "vmware", "config")
    with open(config, "rb") as f:
        write(os.path.join(inject, "etc/vmware/config"), f.read())
    vmmon = tar_of(os.path.join(src, "vmmon-only"), "vmmon-only")
    vmnet = tar_of(os.path.join(src, "vmnet-only"), "vmnet-only")
    write(os.path.join(sources, "vmmon.tar"), vmmon)
    write(os.path.join(sources, "vmnet.tar"), vmnet)
    write(os.path.join(variants, "vmnet.tar"), vmnet)
    write(os.path.join(variants, "vmnet-broken.tar"), tar_of(
        os.path.join(src, "vmnet-only"), "vmnet-only",
        lambda rel, text: '#error "broken on purpose by the end-to-end test"\n' + text
        if rel == "driver.c" else text))
    write(os.path.join(variants, "vmnet-noload.tar"), tar_of(
        os.path.join(src, "vmnet-only"), "vmnet-only",
        lambda rel, text: "#define MODTUNE_FIXTURE_FAIL_INIT 1\n" + text
        if rel == "vnetInt.h" else text))
    # depmod reads every module of the kernel, and Debian's 4000 are xz:
    # 4 s here, 25 s a run under TCG, which an apply, restore, rollback,
    # recovery and uninstall each pay.  guest-init.sh mounts these few over
    # the kernel's own (kernel/) and indexes them once, as the package's
    # postinst would; Modtune's and Workstation's directories stay real.
    moddir = f"/lib/modules/{release}"
    for path in module_paths(moddir, GUEST_MODULES):
        if not path.startswith("kernel/"):
            raise Failure(f"{moddir}/{path}: a kernel module outside kernel/")
        with open(os.path.join(moddir, path), "rb") as f:
            write(os.path.join(inject, "e2e/modules", path), f.read())
    for name, mode in (("guest-init.sh", 0o755), ("guest.py", 0o755)):
        with open(os.path.join(HERE, name), "rb") as f:
            write(os.path.join(inject, "e2e", name), f.read(), mode)

    # The compatibility probes cost a minute under TCG; their results are a
    # function of the kernel's headers, which the guest shares with this
    # root: run them here, with the modtunectl just installed.
    # The same build makes Workstation's own pair.
    seed_sources = os.path.join(work, "seed-sources")
    for m, top, driver in (("vmmon", "vmmon-only", "linux/driver.c"),
                           ("vmnet", "vmnet-only", "driver.c")):
        write(os.path.join(seed_sources, f"{m}.tar"), tar_of(
            os.path.join(src, top), top,
            lambda rel, text, driver=driver: text + OWN_BUILD if rel == driver else text))
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "seed-cache"),
               MODTUNE_PATCHES_DIR=os.path.join(dest, "usr/share/modtune/patches"))
    seed_out = os.path.join(work, "seed-out")
    run([os.path.join(dest, "usr/bin/modtunectl"), "build", "--kernel", release,
         "--sources", seed_sources, "--out", seed_out], env=env)
    probes = os.path.join(work, "seed-cache", "modtune", "probes")
    for name in os.listdir(probes):
        with open(os.path.join(probes, name), "rb") as f:
            write(os.path.join(inject, "var/cache/modtune/probes", name), f.read())
    if workstation_modules:
        for m in ("vmmon", "vmnet"):
            with open(os.path.join(seed_out, f"{m}.ko"), "rb") as f:
                # usr/lib: /lib is a link to it (merged /usr), and would be hidden
                write(os.path.join(inject, f"usr/lib/modules/{release}/misc/{m}.ko"), f.read())
    return inject


def initramfs(release, inject):
    cpio = Cpio()
    for d in ("bin", "proc", "sys", "dev", "modules", "inject"):
        cpio.dir(d)
    cpio.chardev("dev/console", 5, 1)
    with open(shutil.which("busybox"), "rb") as f:
        cpio.file("bin/busybox", f.read())
    names = []
    for name, data in kernel_modules(f"/lib/modules/{release}", INITRAMFS_MODULES):
        cpio.file(f"modules/{name}.ko", data, 0o644)
        names.append(name)
    cpio.file("init", INIT.replace("@MODULES@", " ".join(names)).encode())
    cpio.tree(inject, "inject")
    return gzip.compress(cpio.finish(), compresslevel=1, mtime=0)


def make_disk(path):
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.truncate(2 << 30)
    run(["mkfs.ext4", "-q", "-F", "-L", "e2e-upper", path])


def virtfs(path, tag):
    """PATH shared read-only with the guest as 9p tag TAG."""
    return ["-virtfs",
            f"local,path={path},mount_tag={tag},security_model=none,readonly=on,id={tag}"]


def boot(kernel, image, initrd, work, accel, append, stop_on):
    """Boots once; prints the guest's E2E lines as they come.  Returns
    (step results, console, why it stopped or None)."""
    smp = str(max(1, min(4, os.cpu_count() or 1)))
    cpu = "host" if accel == "kvm" else "max"
    timeout = KVM_PROBE_TIMEOUT if stop_on else BOOT_TIMEOUT
    qemu = ["timeout", "-s", "KILL", str(BOOT_TIMEOUT), "qemu-system-x86_64",
            "-accel", accel, "-cpu", cpu, "-machine", "q35", "-m", "1536", "-smp", smp,
            "-nographic", "-no-reboot", "-nodefaults", "-serial", "stdio", "-display", "none",
            *virtfs(f"{work}/groot", "root"), *virtfs(f"{work}/dest", "dest"),
            "-drive", f"file={work}/upper.img,if=virtio,format=raw,cache=writeback",
            "-kernel", image, "-initrd", initrd,
            "-append", f"console=ttyS0 panic=-1 quiet {append}"]
    # the root without its submounts (/proc, /dev, /tmp, binds), read-only,
    # in a mount namespace of qemu's own
    os.makedirs(f"{work}/groot", exist_ok=True)
    cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
           'mount --bind / "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"',
           "sh", f"{work}/groot", *qemu]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        return follow(kernel, proc, timeout, stop_on)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # timeout and qemu, which we started
        proc.wait()
        proc.stdout.close()


def follow(kernel, proc, timeout, stop_on):
    """Reads the console of PROC until qemu exits, the guest is done, or
    TIMEOUT; prints the E2E lines as they come."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    started = time.monotonic()
    console, pending, results, stopped = bytearray(), b"", [], None
    done_at = None
    while True:
        if done_at is not None and time.monotonic() > done_at + 30:
            stopped = "the guest did not power off"
            break
        left = started + timeout + 10 - time.monotonic()
        if left <= 0:
            stopped = f"no end after {timeout} s"
            break
        if not sel.select(timeout=min(left, 1.0)):
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        console.extend(chunk)
        pending += chunk
        while b"\n" in pending:
            raw, pending = pending.split(b"\n", 1)
            line = raw.replace(b"\r", b"").decode("utf-8", "replace")
            at = line.find("E2E ")
            if at < 0:
                continue
            line = line[at:]
            m = STEP_LINE.match(line)
            if m:
                results.append((m.group(1), m.group(2)))
            if line == "E2E guest done":
                done_at = time.monotonic()
            else:
                log(kernel, f"[{time.monotonic() - started:6.1f} s] {line[4:]}")
        # KVM works once the guest has come this far: no more probing
        if stop_on and b"E2E step services:" in console:
            stop_on, timeout = (), BOOT_TIMEOUT
        hit = next((s for s in stop_on if s in console), None)
        if hit is not None:
            stopped = hit.decode()
            break
    return results, bytes(console), stopped


def main():
    parser = argparse.ArgumentParser(prog="run-e2e.py")
    parser.add_argument("--series", required=True, help="kernel series, e.g. 6.12")
    parser.add_argument("--flow", choices=sorted(STEPS), default="full")
    parser.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto")
    parser.add_argument("--build-dir", default=os.environ.get("MT_E2E_BUILD_DIR"),
                        help="where Modtune's own /usr build is kept (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()

    image, release = newest_kernel(args.series)
    check_host(release)
    work = tempfile.mkdtemp(prefix=f"modtune-e2e-{release}-", dir="/var/tmp")
    started = time.monotonic()
    try:
        dest = install(work, args.build_dir or os.path.join(work, "build"))
        inject = inject_tree(work, release, dest, workstation_modules=args.flow == "workstation")
        initrd = os.path.join(work, "initrd.cpio.gz")
        with open(initrd, "wb") as f:
            f.write(initramfs(release, inject))
        log(release, f"Modtune installed, probes run, initramfs made in "
                     f"{time.monotonic() - started:.1f} s; flow {args.flow}")

        make_disk(os.path.join(work, "upper.img"))
        accels = accelerators(args.accel)
        missing, failed = [], []
        for n, expected in enumerate(STEPS[args.flow], start=1):
            append = f"e2e.boot={n} e2e.flow={args.flow} e2e.accel={{accel}}"
            while True:
                accel = accels[0]
                probing = accel == "kvm" and len(accels) > 1
                booted = time.monotonic()
                results, console, stopped = boot(release, image, initrd, work, accel,
                                                 append.format(accel=accel),
                                                 KVM_FAILURES if probing else ())
                if probing and not results:
                    log(release, f"KVM does not work here ({stopped or tail(console, 1)}); "
                                 f"using TCG")
                    accels.pop(0)
                    make_disk(os.path.join(work, "upper.img"))
                    continue
                break
            accels = [accel]
            seen = dict(results)
            failed += [f"{name} (boot {n})" for name, r in results if r == "FAIL"]
            missing += [f"{name} (boot {n})" for name in expected if name not in seen]
            log(release, f"boot {n} under {accel}: {time.monotonic() - booted:.1f} s"
                         f"{', stopped: ' + stopped if stopped else ''}")
            if failed or missing:
                print(f"--- the guest's console, last lines ---\n{tail(console, 40)}")
                break
        if failed or missing:
            raise Failure("; ".join(
                ([f"failed: {', '.join(failed)}"] if failed else []) +
                ([f"did not run: {', '.join(missing)}"] if missing else [])))
        total = sum(len(s) for s in STEPS[args.flow])
        log(release, f"all {total} steps ok in {time.monotonic() - started:.1f} s")
        return 0
    finally:
        if args.keep:
            log(release, f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def terminated(signum, frame):
    raise Failure(f"stopped by signal {signum}")


if __name__ == "__main__":
    # meson's timeout sends SIGTERM: kill qemu and remove the files first
    signal.signal(signal.SIGTERM, terminated)
    try:
        sys.exit(main())
    except Skip as e:
        if os.environ.get("MT_E2E_REQUIRED") == "1":
            print(f"run-e2e: required here (MT_E2E_REQUIRED=1), but {e}", file=sys.stderr)
            sys.exit(1)
        print(f"run-e2e: {e}", file=sys.stderr)
        sys.exit(77)
    except Failure as e:
        print(f"run-e2e: {e}", file=sys.stderr)
        sys.exit(1)
