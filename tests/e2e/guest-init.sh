#!/bin/sh
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
#
# PID 1 of the end-to-end guest, after the initramfs has switched to the
# Debian 13 root (read-only over 9p, with Modtune's install and a writable
# disk layered over it).  Starts what a booted system would have for
# Modtune -- the system users, the system bus, polkitd -- then runs the
# steps (guest.py) and powers the machine off.  modtune-helper is started
# by the system bus on the first call, as on a real system.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
uptime() { cut -d' ' -f1 /proc/uptime; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
hostname e2e

# The kernel's own modules: the few the host put in /e2e/modules (all of
# them would cost each depmod half a minute under TCG), indexed on the
# first boot as the kernel package's postinst does.
modules() {
  release=$(uname -r)
  mount --bind /e2e/modules/kernel "/usr/lib/modules/$release/kernel" || return 1
  [ -e /e2e/modules/indexed ] && return 0
  depmod "$release" && sync && touch /e2e/modules/indexed && sync
}

setup() {
  modules || return 1
  systemd-sysusers >/dev/null 2>&1 || return 1
  # the probe cache the host made for this kernel belongs to the build user
  [ -d /var/cache/modtune ] && chown -R modtune-build: /var/cache/modtune
  mkdir -p /run/dbus && dbus-daemon --system --fork || return 1
  /usr/lib/polkit-1/polkitd --no-debug >/run/polkitd.log 2>&1 &
  for i in $(seq 300); do
    dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.PolicyKit1 2>&1 |
      grep -q "boolean true" && return 0
    sleep 0.2
  done
  echo "polkitd did not come up in 60 s:"; cat /run/polkitd.log; ps -ef
  return 1
}

started=$(uptime)
if out=$(setup 2>&1); then
  echo "E2E step services: ok ($(echo "$(uptime) $started" | awk '{printf "%.1f", $1-$2}') s)" \
    "kernel $(uname -r), at $(uptime) s since boot:" \
    "$(find /e2e/modules/kernel -name '*.ko*' | wc -l) of its modules, sysusers, system bus, polkitd"
  python3 /e2e/guest.py
else
  echo "E2E step services: FAIL $out"
fi
echo "E2E guest done"
sync
echo o > /proc/sysrq-trigger
# PID 1 must not exit: wait for the power-off with builtins only (the
# root's files may already be gone)
while :; do :; done
