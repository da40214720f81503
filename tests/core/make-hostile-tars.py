#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the archives of SECURITY.md rule 13 into DIR:
  make-hostile-tars.py DIR OUTSIDE
OUTSIDE is a directory the hostile entries aim at; extraction must never
create anything there."""
import io
import os
import sys
import tarfile

out, outside = sys.argv[1], sys.argv[2]


def archive(name, entries):
    with tarfile.open(os.path.join(out, name), "w", format=tarfile.GNU_FORMAT) as tar:
        for info, data in entries:
            info.mtime = 0
            info.uid = info.gid = 0
            tar.addfile(info, io.BytesIO(data) if data is not None else None)


def f(name, data=b"x\n", mode=0o644):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    return info, data


def special(name, kind, **kw):
    info = tarfile.TarInfo(name)
    info.type = kind
    for k, v in kw.items():
        setattr(info, k, v)
    return info, None


def d(name):
    return special(name, tarfile.DIRTYPE, mode=0o755)


archive("good.tar", [d("vmmon-only/"), d("vmmon-only/linux/"),
                     f("vmmon-only/Makefile", b"obj-m := vmmon.o\n"),
                     f("vmmon-only/linux/driver.c", b"/* driver */\n"),
                     f("vmmon-only/configure", b"#!/bin/sh\n", 0o755),
                     f("vmmon-only/" + "long-name-" * 12 + ".h", b"/* long */\n"),
                     f("./vmmon-only/include/iocontrols.h", b"#define VMMON_VERSION (417 << 16 | 0)\n")])
archive("absolute.tar", [f("vmmon-only/ok.c"), f(os.path.join(outside, "pwned"))])
archive("dotdot.tar", [f("vmmon-only/ok.c"), f("vmmon-only/../../pwned")])
archive("symlink.tar", [f("vmmon-only/ok.c"),
                        special("vmmon-only/link", tarfile.SYMTYPE, linkname=outside),
                        f("vmmon-only/link/pwned")])
archive("hardlink.tar", [f("vmmon-only/ok.c"),
                         special("vmmon-only/passwd", tarfile.LNKTYPE, linkname="/etc/passwd")])
archive("device.tar", [f("vmmon-only/ok.c"),
                       special("vmmon-only/mem", tarfile.CHRTYPE, devmajor=1, devminor=1, mode=0o666)])
archive("fifo.tar", [f("vmmon-only/ok.c"), special("vmmon-only/fifo", tarfile.FIFOTYPE, mode=0o644)])
archive("setuid.tar", [f("vmmon-only/ok.c"), f("vmmon-only/tool", b"\x7fELF", 0o4755)])
archive("duplicate.tar", [f("vmmon-only/a.c", b"one\n"), f("vmmon-only/a.c", b"two\n")])
archive("file-over-dir.tar", [f("vmmon-only/x"), f("vmmon-only/x/y")])
archive("many.tar", [f("vmmon-only/f%03d.c" % i) for i in range(50)])
archive("big.tar", [f("vmmon-only/big.bin", b"\0" * 70000)])
