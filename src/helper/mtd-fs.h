/* mtd-fs.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The largest module file the helper accepts (SECURITY.md rule 18). */
#define MTD_MODULE_MAX_SIZE (16 * 1024 * 1024)

/* The two modules the helper installs, in the order it renames them. */
typedef enum
{
  MTD_MODULE_VMMON,
  MTD_MODULE_VMNET,
  MTD_N_MODULES,
} MtdModule;

const char *mtd_module_name (MtdModule module);
const char *mtd_module_file_name (MtdModule module);

gboolean mtd_fs_owner_is_trusted (uid_t uid);
gboolean mtd_fs_check_trusted_dir (const struct stat *st, const char *what, GError **error);
int mtd_fs_open_dir_at (int dirfd,
                        const char *name,
                        gboolean create,
                        mode_t mode,
                        const char *what,
                        GError **error);
int mtd_fs_open_root_dir (const char *root, const char *rel_path, GError **error);
GBytes *mtd_fs_read_file_at (int dirfd,
                             const char *name,
                             gsize max_size,
                             struct stat *out_stat,
                             gboolean *out_missing,
                             GError **error);
gboolean mtd_fs_write_new_file_at (int dirfd,
                                   const char *name,
                                   GBytes *contents,
                                   mode_t mode,
                                   GError **error);
gboolean
mtd_fs_replace_file_at (int dirfd, const char *name, GBytes *contents, mode_t mode, GError **error);
gboolean mtd_fs_unlink_at (int dirfd, const char *name, gboolean *out_removed, GError **error);
gboolean mtd_fs_fsync_dir (int dirfd, const char *what, GError **error);
gboolean mtd_fs_remove_tree_at (int dirfd, const char *name, GError **error);
char *mtd_fs_sha256 (GBytes *bytes);
gboolean mtd_fs_is_sha256 (const char *text);
char *mtd_fs_escape (const char *text);
JsonNode *mtd_fs_parse_json_object (const char *data,
                                    gsize len,
                                    gsize max_len,
                                    const char *what,
                                    GError **error);
void mtd_fs_crash_point (const char *step);
void mtd_fs_gate_point (const char *variable);

G_END_DECLS
