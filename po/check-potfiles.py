#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check that po/POTFILES.in lists every file with translatable strings.

Usage: check-potfiles.py [SOURCE_ROOT]

Scans src/, ui/ and data/ below SOURCE_ROOT (default: the parent of this
script's directory) for files that need translation:

  * source and UI files using _(, N_(, C_(, NC_(, Q_( or translatable="yes";
  * desktop files (*.desktop.in.in), AppStream metainfo
    (*.metainfo.xml.in.in) and GSettings schemas (*.gschema.xml).

Fails (exit status 1) listing every such file missing from po/POTFILES.in,
every POTFILES.in entry whose file does not exist, and duplicate entries.
Files that are deliberately not translated can be listed in po/POTFILES.skip.
Uses only the Python standard library.
"""

import os
import re
import sys

SCAN_DIRS = ("src", "ui", "data")

# Files always needing translation, by name.
NAME_SUFFIXES = (".desktop.in.in", ".metainfo.xml.in.in", ".gschema.xml")

# Files whose contents are scanned for gettext markers.
CONTENT_SUFFIXES = (
    ".c", ".h", ".cc", ".cpp", ".hh", ".hpp",
    ".ui", ".blp", ".py", ".js", ".vala", ".rs",
    ".in", ".xml",
)
C_LIKE_SUFFIXES = (".c", ".h", ".cc", ".cpp", ".hh", ".hpp", ".vala", ".js", ".rs")

# _( N_( C_( NC_( Q_( not preceded by an identifier character (so that
# e.g. foo_( does not count); GNU style "_ (" is accepted too.
MARKER_RE = re.compile(r"(?<![A-Za-z0-9_])(?:N|C|NC|Q)?_\s*\(")
TRANSLATABLE_RE = re.compile(r"""translatable\s*=\s*["']yes["']""")
DEFINE_RE = re.compile(r"^[ \t]*#[ \t]*define\b.*?(?:\\\n.*?)*$", re.MULTILINE)

SKIP_DIR_NAMES = {".git", "__pycache__", "node_modules"}


def strip_c_comments(text):
    """Remove /* */ and // comments, keeping string and char literals."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if ch == "/" and nxt == "*":
            end = text.find("*/", i + 2)
            if end < 0:
                break
            out.append(" ")
            i = end + 2
        elif ch == "/" and nxt == "/":
            end = text.find("\n", i + 2)
            if end < 0:
                break
            i = end
        elif ch in "\"'":
            quote = ch
            out.append(ch)
            i += 1
            while i < n:
                c = text[i]
                out.append(c)
                i += 1
                if c == "\\" and i < n:
                    out.append(text[i])
                    i += 1
                elif c == quote or c == "\n":
                    break
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None  # binary file
    return data.decode("utf-8", errors="replace")


def needs_translation(relpath, abspath):
    name = os.path.basename(relpath)
    if name.endswith(NAME_SUFFIXES):
        return True
    if not name.endswith(CONTENT_SUFFIXES):
        return False
    text = read_text(abspath)
    if text is None:
        return False
    if TRANSLATABLE_RE.search(text):
        return True
    if name.endswith(C_LIKE_SUFFIXES):
        text = strip_c_comments(text)
        text = DEFINE_RE.sub("", text)
    return MARKER_RE.search(text) is not None


def read_list(path):
    """Entries of a POTFILES-style list: one path a line, # comments."""
    entries = []
    try:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#") or line.startswith("["):
                    continue
                entries.append((lineno, line))
    except FileNotFoundError:
        pass
    return entries


def scan(root):
    found = []
    for top in SCAN_DIRS:
        topdir = os.path.join(root, top)
        if not os.path.isdir(topdir):
            continue
        for dirpath, dirnames, filenames in os.walk(topdir):
            dirnames[:] = sorted(d for d in dirnames
                                 if d not in SKIP_DIR_NAMES and not d.startswith("."))
            for filename in sorted(filenames):
                abspath = os.path.join(dirpath, filename)
                relpath = os.path.relpath(abspath, root).replace(os.sep, "/")
                if os.path.isfile(abspath) and needs_translation(relpath, abspath):
                    found.append(relpath)
    return found


def main(argv):
    if len(argv) > 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    if len(argv) == 2:
        root = os.path.abspath(argv[1])
    else:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    potfiles_path = os.path.join(root, "po", "POTFILES.in")
    if not os.path.isfile(potfiles_path):
        print(f"error: {potfiles_path} does not exist", file=sys.stderr)
        return 1

    listed = read_list(potfiles_path)
    skipped = {entry for _, entry in read_list(os.path.join(root, "po", "POTFILES.skip"))}

    problems = 0
    seen = set()
    duplicates = []
    nonexistent = []
    for lineno, entry in listed:
        if entry in seen:
            duplicates.append((lineno, entry))
        seen.add(entry)
        if not os.path.isfile(os.path.join(root, entry)):
            nonexistent.append((lineno, entry))

    missing = sorted(path for path in scan(root)
                     if path not in seen and path not in skipped)

    if missing:
        problems += len(missing)
        print("Files with translatable strings missing from po/POTFILES.in:")
        for path in missing:
            print(f"  {path}")
    if nonexistent:
        problems += len(nonexistent)
        print("Entries in po/POTFILES.in whose file does not exist:")
        for lineno, entry in nonexistent:
            print(f"  po/POTFILES.in:{lineno}: {entry}")
    if duplicates:
        problems += len(duplicates)
        print("Duplicate entries in po/POTFILES.in:")
        for lineno, entry in duplicates:
            print(f"  po/POTFILES.in:{lineno}: {entry}")

    if problems:
        print(f"FAIL: {problems} problem(s) in po/POTFILES.in")
        return 1
    print(f"OK: po/POTFILES.in lists all {len(seen)} file(s) with translatable strings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
