#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""Lists the test cases of a unittest file as Class.test_name, one a line,
without importing it, so meson can register one test per case."""
import ast
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    tree = ast.parse(f.read())
for node in tree.body:
    if isinstance(node, ast.ClassDef):
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                print(f"{node.name}.{item.name}")
