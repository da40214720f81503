/* mt-sysroot.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MT_TYPE_SYSROOT (mt_sysroot_get_type ())

G_DECLARE_FINAL_TYPE (MtSysroot, mt_sysroot, MT, SYSROOT, GObject)

MtSysroot *mt_sysroot_new (const char *path, GError **error);
const char *mt_sysroot_get_path (MtSysroot *self);
gboolean mt_sysroot_is_host (MtSysroot *self);
char *mt_sysroot_resolve (MtSysroot *self, const char *rel_path);
gboolean mt_sysroot_test (MtSysroot *self, const char *rel_path, GFileTest test);
GBytes *mt_sysroot_read (MtSysroot *self, const char *rel_path, GError **error);
char *mt_sysroot_read_text (MtSysroot *self, const char *rel_path, GError **error);
char *mt_sysroot_read_line (MtSysroot *self, const char *rel_path, GError **error);
GBytes *mt_sysroot_read_gzip (MtSysroot *self, const char *rel_path, GError **error);
char **mt_sysroot_list_dir (MtSysroot *self, const char *rel_path, GError **error);

G_END_DECLS
