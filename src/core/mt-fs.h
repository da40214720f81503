/* mt-fs.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *mt_sha256_file (const char *path, GError **error);
void mt_remove_tree (const char *path);

G_END_DECLS
