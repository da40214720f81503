#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every screenshot the metainfo or the README names is in docs/screenshots,
is a PNG, and was made by the app's tests (tests/app writes them).

  check-screenshots.py SOURCE_ROOT
"""

import os
import re
import sys

PNG = b"\x89PNG\r\n\x1a\n"


def main():
    root = sys.argv[1]
    names = set()
    with open(os.path.join(root, "data", "io.github.modtune.Modtune.metainfo.xml.in.in"),
              encoding="utf-8") as f:
        names.update(re.findall(r"docs/screenshots/([\w.-]+\.png)</image>", f.read()))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        names.update(re.findall(r"\(docs/screenshots/([\w.-]+\.png)\)", f.read()))
    if not names:
        sys.exit("no screenshot is named in the metainfo or the README")
    bad = []
    for name in sorted(names):
        path = os.path.join(root, "docs", "screenshots", name)
        try:
            with open(path, "rb") as f:
                if f.read(8) != PNG:
                    bad.append(f"{path}: not a PNG")
        except OSError as e:
            bad.append(f"{path}: {e.strerror}")
    for line in bad:
        print(line)
    print(f"{len(names)} screenshots named, {len(bad)} missing or broken")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
