#!/usr/bin/python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The end-to-end steps, run inside the guest by guest-init.sh.

Runs as root on the Debian 13 root with Modtune installed in /usr, against
the real dbus-daemon, polkitd and the D-Bus-activated modtune-helper, the
VMware sources being the fixture module tree.  Everything goes through
modtunectl; what it claims is checked against the kernel itself: lsmod,
/sys/module/*/notes (the build id of the module really loaded), vermagic,
the device nodes.  One line per step on the console:

  E2E step NAME: ok (12.3 s) WHAT WAS SEEN
  E2E step NAME: FAIL (12.3 s) WHY      followed by the commands' output

The kernel command line says which boot this is (e2e.boot=1 or 2) and the
flow (e2e.flow=full, or workstation: the same over Workstation's own
loaded pair).  Files in /var/lib/e2e carry what the first
boot saw over to the second; the guest's writable layer is a disk.
"""

import fcntl
import hashlib
import json
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import termios
import time

RELEASE = os.uname().release
MODDIR = f"/lib/modules/{RELEASE}"
INSTALL_DIR = f"{MODDIR}/updates/modtune"
VMWARE_DIR = f"{MODDIR}/misc"  # where Workstation's own build puts them
MODULES = ("vmmon", "vmnet")
SOURCES = "/usr/lib/vmware/modules/source"
VARIANTS = "/e2e/variants"
CARRY = "/var/lib/e2e"
JOURNAL = "/var/lib/modtune/journal/current.json"
VMMON_MINOR = 165
VMNET_MAJOR = 119
VMMON_GET_VERSION = 2001


class StepFailed(Exception):
    pass


def cmdline():
    with open("/proc/cmdline", encoding="utf-8") as f:
        words = f.read().split()
    return dict(w[len("e2e."):].split("=", 1) for w in words if w.startswith("e2e.") and "=" in w)


class Step:
    """One step: its output log, its checks, its one result line."""

    def __init__(self, name):
        self.name = name
        self.log = []
        self.notes = []

    def run(self, *argv, ok=True, timeout=600):
        """Runs ARGV; fails the step unless its exit status says OK (or,
        with ok=False, says failure).  Returns the CompletedProcess."""
        started = time.monotonic()
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        took = time.monotonic() - started
        self.log.append(f"$ {' '.join(argv)}  -> {r.returncode} ({took:.1f} s)")
        self.log.extend((r.stdout + r.stderr).splitlines())
        if ok and r.returncode != 0:
            raise StepFailed(f"{' '.join(argv)} failed with status {r.returncode}")
        if not ok and r.returncode == 0:
            raise StepFailed(f"{' '.join(argv)} succeeded; it had to fail")
        return r

    def expect(self, condition, why):
        if not condition:
            raise StepFailed(why)

    def note(self, text):
        self.notes.append(text)


def step(name, body, *args):
    s = Step(name)
    started = time.monotonic()
    try:
        body(s, *args)
    except Exception as e:  # noqa: BLE001 -- any error fails the step, with its line
        print(f"E2E step {name}: FAIL ({time.monotonic() - started:.1f} s) {e}", flush=True)
        for line in s.log[-40:]:
            print(f"E2E   | {line}", flush=True)
        return False
    print(f"E2E step {name}: ok ({time.monotonic() - started:.1f} s) {'; '.join(s.notes)}",
          flush=True)
    return True


# --- what the machine really has ---------------------------------------

def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def installed():
    """{module: sha256} of the modules in updates/modtune, or None if absent."""
    return {m: sha256(f"{INSTALL_DIR}/{m}.ko") if os.path.exists(f"{INSTALL_DIR}/{m}.ko")
            else None for m in MODULES}


def notes_build_id(data):
    """The GNU build id in a sequence of ELF notes (bytes), as hex."""
    while len(data) >= 12:
        namesz, descsz, kind = struct.unpack_from("<III", data)
        name_end = 12 + (namesz + 3) // 4 * 4
        desc = data[name_end:name_end + descsz]
        if kind == 3 and data[12:12 + namesz].rstrip(b"\0") == b"GNU":
            return desc.hex()
        data = data[name_end + (descsz + 3) // 4 * 4:]
    return None


def file_build_id(path):
    """The build id of a module file, from its .note.gnu.build-id section."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise ValueError(f"{path} is not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)

    def section(i):
        base = shoff + i * shentsize
        name, _kind = struct.unpack_from("<II", elf, base)
        offset, size = struct.unpack_from("<QQ", elf, base + 0x18)
        return name, offset, size

    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, offset, size = section(i)
        if elf[stroff + name:].split(b"\0", 1)[0] == b".note.gnu.build-id":
            return notes_build_id(elf[offset:offset + size])
    return None


def loaded_build_id(module):
    """The build id of the module the kernel has loaded, or None."""
    path = f"/sys/module/{module}/notes/.note.gnu.build-id"
    if not os.path.exists(f"/sys/module/{module}/initstate"):
        return None
    with open(path, "rb") as f:
        return notes_build_id(f.read())


def lsmod():
    with open("/proc/modules", encoding="utf-8") as f:
        return {line.split()[0] for line in f} & set(MODULES)


def machine_state():
    """What "back to the initial state" compares: the module files and
    indexes of this kernel, the load-at-boot entries, what is loaded."""
    state = {"loaded": sorted(lsmod()), "dev-vmmon": os.path.exists("/dev/vmmon")}
    for name in sorted(os.listdir(MODDIR)):
        if name.startswith("modules.") and os.path.isfile(f"{MODDIR}/{name}"):
            state[name] = sha256(f"{MODDIR}/{name}")
    for top in (f"{MODDIR}/updates", "/etc/modules-load.d", "/etc/modprobe.d"):
        state[top + "/"] = "directory" if os.path.isdir(top) else "absent"
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for n in sorted(filenames):
                p = os.path.join(dirpath, n)
                state[p] = sha256(p) if os.path.isfile(p) else "not a file"
            for n in dirnames:
                state[os.path.join(dirpath, n) + "/"] = "directory"
    return state


def carry(name, value=None):
    """Keeps VALUE (JSON) for a later step or boot; returns it when None."""
    path = os.path.join(CARRY, name + ".json")
    if value is None:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    os.makedirs(CARRY, exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.rename(path + ".tmp", path)
    return value


def modtunectl_json(s, *args):
    return json.loads(s.run("modtunectl", *args, "--json").stdout)


def check_loaded_set(s, expected_files, where=INSTALL_DIR):
    """The pair loaded is the pair installed (in WHERE), and it is
    EXPECTED_FILES."""
    now = installed()
    s.expect(now == expected_files,
             f"the installed modules are not the expected ones: {now} != {expected_files}")
    s.expect(lsmod() == set(MODULES), f"lsmod shows {sorted(lsmod())}, not vmmon and vmnet")
    for m in MODULES:
        on_disk = file_build_id(f"{where}/{m}.ko")
        in_kernel = loaded_build_id(m)
        s.expect(on_disk is not None, f"{m}.ko has no build id")
        s.expect(in_kernel == on_disk,
                 f"the {m} loaded (build id {in_kernel}) is not {where}/{m}.ko ({on_disk})")


def check_devices(s):
    st = os.stat("/dev/vmmon")
    s.expect(stat.S_ISCHR(st.st_mode), "/dev/vmmon is not a character device")
    s.expect(os.minor(st.st_rdev) == VMMON_MINOR,
             f"/dev/vmmon has minor {os.minor(st.st_rdev)}, not {VMMON_MINOR}")
    fd = os.open("/dev/vmmon", os.O_RDONLY)
    try:
        version = fcntl.ioctl(fd, VMMON_GET_VERSION)
    finally:
        os.close(fd)
    s.expect(version > 0, f"/dev/vmmon answered its version ioctl with {version}")
    # vmnet registers its major; VMware's installation makes the nodes
    node = "/run/e2e-vmnet0"
    if not os.path.exists(node):
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(VMNET_MAJOR, 0))
    with open(node, "rb") as f:
        s.expect(f.read(16) == b"", "the vmnet device did not read as empty")
    s.note(f"/dev/vmmon {os.major(st.st_rdev)}:{os.minor(st.st_rdev)} answers version "
           f"{version >> 16}.{version & 0xffff}, vmnet major {VMNET_MAJOR} reads")


def check_vermagic(s):
    for m in MODULES:
        vermagic = s.run("modinfo", "-F", "vermagic", f"{INSTALL_DIR}/{m}.ko").stdout.split()
        s.expect(vermagic and vermagic[0] == RELEASE,
                 f"{m}.ko has vermagic {' '.join(vermagic)!r}, the kernel is {RELEASE}")
    s.note(f"vermagic {RELEASE}")


def use_source(variant):
    """Puts the good vmnet.tar, or a variant of it, where Workstation's is."""
    name = "vmnet.tar" if variant is None else f"vmnet-{variant}.tar"
    shutil.copyfile(os.path.join(VARIANTS, name), os.path.join(SOURCES, "vmnet.tar"))


def error_line(r):
    lines = [line for line in r.stderr.splitlines() if line.startswith("modtunectl:")]
    return lines[-1] if lines else r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""


# --- the steps ---------------------------------------------------------

def detect(s, accel):
    info = modtunectl_json(s, "detect")
    release = info["kernel"]["release"]
    s.expect(release == RELEASE, f"detect says kernel {release}, uname says {RELEASE}")
    hypervisor = info.get("hypervisor") or {}
    expected = "kvm" if accel == "kvm" else "qemu"
    s.expect(hypervisor.get("id") == expected,
             f"a {accel} guest detected as {hypervisor.get('id')!r}, not {expected!r}")
    s.note(f"hypervisor {hypervisor.get('id')}")
    status = modtunectl_json(s, "status")
    origin = "vmware" if os.path.exists(f"{VMWARE_DIR}/vmmon.ko") else "none"
    s.expect(all(status[m]["origin"] == origin for m in MODULES),
             f"status does not say {origin!r} for vmmon and vmnet: {status}")
    s.note(f"vmmon and vmnet: {origin}")
    carry("initial", machine_state())


def apply_first(s):
    s.run("modtunectl", "apply")
    check_vermagic(s)
    files = installed()
    s.expect(all(files.values()), "apply left no modules in updates/modtune")
    check_loaded_set(s, files)
    check_devices(s)
    carry("set1", files)


def vmware_own(s):
    """A machine where Workstation built and loaded its own pair in misc/
    (the host's build of the fixture tree stands in for it)."""
    s.run("depmod", RELEASE)
    s.run("modprobe", "vmmon")
    s.run("modprobe", "vmnet")
    check_loaded_set(s, installed(), where=VMWARE_DIR)
    check_devices(s)


def first_apply_fails(s):
    """The first apply, over Workstation's own pair, with a vmnet that does
    not load: Workstation's pair is loaded again, nothing of Modtune's stays."""
    failing_apply(s, "noload", "load", where=VMWARE_DIR)


def refused(s):
    """An unprivileged caller, with no polkit agent to ask a password: the
    installed policy makes the real polkitd refuse, and nothing changes."""
    before = installed()
    s.run("runuser", "-u", "nobody", "--", "modtunectl", "status")
    r = s.run("runuser", "-u", "nobody", "--", "modtunectl", "apply", ok=False)
    line = error_line(r)
    s.expect("not authorized" in line.lower(), f"the refusal does not say so: {line!r}")
    check_loaded_set(s, before)
    s.note(f"nobody may read the status; apply said {line!r}")


def apply_other_flags(s):
    set1 = carry("set1")
    # each installed pair has its backup, marked installed: the first
    # set's must stay when the optimized set replaces it
    was = [b for b in modtunectl_json(s, "backups")
           if b["kernel-release"] == RELEASE and b["installed"]]
    s.expect(len(was) == 1, f"not one installed backup before the apply: {was}")
    s.run("modtunectl", "apply", "--preset", "optimized")
    files = installed()
    s.expect(files != set1, "the optimized preset installed the same bytes as vanilla")
    check_loaded_set(s, files)
    check_devices(s)
    backups = {b["id"]: b for b in modtunectl_json(s, "backups")}
    backup = backups.get(was[0]["id"])
    s.expect(backup is not None and not backup["installed"],
             f"the first set's backup {was[0]['id']} is gone or still installed: {backup}")
    stored = {m: sha256(f"/var/lib/modtune/backups/{backup['id']}/{m}.ko") for m in MODULES}
    s.expect(stored == set1, f"backup {backup['id']} does not hold the first set")
    s.note(f"backup {backup['id']} holds the first set; the optimized set is loaded")
    carry("set2", files)
    carry("backup1", backup["id"])


def restore_first(s):
    backup = carry("backup1")
    s.run("modtunectl", "restore", backup)
    check_loaded_set(s, carry("set1"))
    check_devices(s)
    s.note(f"backup {backup}: byte-identical to the first set, and loaded")


def failing_apply(s, variant, stage, where=INSTALL_DIR):
    """An apply with a vmnet VARIANT that fails at STAGE: the error names
    the stage, the pair installed (in WHERE) and loaded before stays, and
    the backups are as they were (none of the pair that failed)."""
    before = installed()
    backups = modtunectl_json(s, "backups")
    use_source(variant)
    try:
        r = s.run("modtunectl", "apply", "--preset", "optimized", ok=False)
    finally:
        use_source(None)
    now = modtunectl_json(s, "backups")
    s.expect(now == backups, "the backups changed: "
             f"{sorted(b['id'] for b in now)} != {sorted(b['id'] for b in backups)}")
    line = error_line(r)
    s.expect(line.startswith(f"modtunectl: {stage}:"),
             f"the error does not name the {stage}: {line!r}")
    words = [w.strip("().,'\"") for w in line.split()]
    gone = [w for w in words if w.startswith("/") and w.endswith(".log") and not os.path.exists(w)]
    s.expect(not gone, f"the error points at logs that do not exist: {gone}")
    check_loaded_set(s, before, where)
    check_devices(s)
    s.note(f"said {line!r}; the previous set stays installed and loaded")


def broken_build(s):
    failing_apply(s, "broken", "build")


def load_failure(s):
    failing_apply(s, "noload", "load")


def helper_pids():
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
                if f.read().strip() == "modtune-helper":
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


def power_cut(s):
    """Kills the helper once the install has begun, then resets the machine
    at once: no sync, nothing flushed that the helper did not flush."""
    before = os.stat(f"{INSTALL_DIR}/vmmon.ko").st_ino
    os.sync()  # what the test itself keeps, not the helper's
    with open("/run/e2e-apply.log", "w") as log:
        apply = subprocess.Popen(["modtunectl", "apply", "--preset", "optimized"],
                                 stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    # the helper syncs its journal before it stages a file: once the new
    # vmmon.ko is in place (its depmod takes seconds), the journal is durable
    deadline = time.monotonic() + 600
    while not (os.path.exists(JOURNAL) and os.stat(f"{INSTALL_DIR}/vmmon.ko").st_ino != before):
        if apply.poll() is not None or time.monotonic() > deadline:
            with open("/run/e2e-apply.log", encoding="utf-8") as f:
                s.log.extend(f.read().splitlines())
            raise StepFailed("the apply ended before its install was under way")
        time.sleep(0.02)
    for pid in helper_pids():
        os.kill(pid, signal.SIGKILL)
    print("E2E step power-cut: ok the helper was killed during the install; resetting now",
          flush=True)
    # the line must leave the serial port before the reset
    try:
        termios.tcdrain(sys.stdout.fileno())
    except termios.error:
        time.sleep(1)
    with open("/proc/sysrq-trigger", "w") as f:
        f.write("b")
    time.sleep(60)
    raise StepFailed("the machine did not reset")


def recovery(s):
    status = modtunectl_json(s, "status")
    sets = {"the first set": carry("set1"), "the optimized set": carry("set2")}
    files = installed()
    which = [name for name, files_of_set in sets.items() if files_of_set == files]
    s.expect(which, f"after the power cut the pair is neither set: {files}")
    leftovers = sorted(set(os.listdir(INSTALL_DIR)) - {f"{m}.ko" for m in MODULES})
    s.expect(not leftovers, f"left in {INSTALL_DIR}: {leftovers}")
    s.expect(not os.path.exists(JOURNAL), "the install journal is still there")
    s.expect(status.get("recovered"), "the helper did not recover the interrupted install")
    for m in MODULES:
        s.expect(status[m]["sha256"] == files[m], f"status disagrees with {m}.ko on disk")
    s.note(f"the helper recovered the interrupted install: {which[0]} is installed, whole")
    carry("after-power-cut", files)


def load_after_reboot(s):
    s.run("modtunectl", "load")
    check_loaded_set(s, carry("after-power-cut"))
    check_devices(s)


def uninstall(s):
    s.run("modtunectl", "uninstall")
    s.run("modtunectl", "unload")
    origin = "none"
    if os.path.exists(f"{VMWARE_DIR}/vmmon.ko"):
        # Workstation's own pair loads again, as at the next boot
        s.run("modprobe", "vmmon")
        s.run("modprobe", "vmnet")
        check_loaded_set(s, installed(), where=VMWARE_DIR)
        origin = "vmware"
    status = modtunectl_json(s, "status")
    s.expect(all(status[m]["origin"] == origin for m in MODULES),
             f"status does not say {origin!r} for vmmon and vmnet: {status}")
    initial, now = carry("initial"), machine_state()
    changed = sorted(k for k in set(initial) | set(now) if initial.get(k) != now.get(k))
    s.expect(not changed, f"not as before the first apply: {changed}")
    s.note(f"as before the first apply: {len(initial)} files and facts compared")


THE_REST = [("apply-other-flags", apply_other_flags), ("restore", restore_first),
            ("broken-build", broken_build), ("load-failure", load_failure),
            ("power-cut", power_cut)]
AFTER_THE_CUT = [("recovery", recovery), ("load", load_after_reboot), ("uninstall", uninstall)]
FLOWS = {
    ("full", "1"): [("detect", detect, "accel"), ("apply", apply_first), ("refused", refused),
                    *THE_REST],
    ("full", "2"): AFTER_THE_CUT,
    ("workstation", "1"): [("vmware-own", vmware_own), ("detect", detect, "accel"),
                           ("first-apply-fails", first_apply_fails), ("apply", apply_first),
                           ("refused", refused), *THE_REST],
    ("workstation", "2"): AFTER_THE_CUT,
}


def main():
    args = cmdline()
    flow = FLOWS.get((args.get("flow"), args.get("boot")))
    if flow is None:
        print(f"E2E step setup: FAIL no flow for {args}", flush=True)
        return 1
    for name, body, *params in flow:
        if not step(name, body, *(args[p] for p in params)):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
