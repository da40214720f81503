/* mt-compat-diff.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MtCompatDiff MtCompatDiff;

gboolean mt_compat_path_is_safe (const char *path);

MtCompatDiff *
mt_compat_diff_parse (const char *text, gsize length, const char *name, GError **error);
void mt_compat_diff_free (MtCompatDiff *diff);
guint mt_compat_diff_get_n_files (MtCompatDiff *diff);
const char *mt_compat_diff_get_path (MtCompatDiff *diff, guint index);
char *
mt_compat_diff_apply_file (MtCompatDiff *diff, guint index, const char *content, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtCompatDiff, mt_compat_diff_free)

G_END_DECLS
