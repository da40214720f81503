/* mtd-installer.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mtd-fs.h"

G_BEGIN_DECLS

/* Where the helper installs modules, below lib/modules/<kver>/ */
#define MTD_INSTALL_SUBDIR "updates/modtune"

/**
 * MtdInstallInfo:
 * @workstation_version: (nullable): the VMware Workstation version
 * @interface_version: the vmmon interface version, or 0 if unknown
 * @flag_ids: (nullable): the catalog flags the modules were built with
 *
 * What the backup of newly installed modules records about them.
 */
typedef struct
{
  const char *workstation_version;
  gint32 interface_version;
  const char *const *flag_ids;
} MtdInstallInfo;

gboolean
mtd_installer_check_module (GBytes *bytes, MtdModule module, const char *kver, GError **error);

/* The steps, also used by mtd_journal_recover() */
int
mtd_installer_open_target_dir (const char *root, const char *kver, gboolean create, GError **error);
gboolean mtd_installer_place_file (int target_fd, MtdModule module, GBytes *bytes, GError **error);
gboolean mtd_installer_remove_staging (int target_fd, GError **error);
gboolean mtd_installer_run_depmod (const char *root,
                                   const char *kver,
                                   GCancellable *cancellable,
                                   GError **error);

/* The operations */
gboolean mtd_installer_install_pair (const char *root,
                                     const char *kver,
                                     const char *built_dir,
                                     const MtdInstallInfo *info,
                                     GCancellable *cancellable,
                                     char **out_backup_id,
                                     GError **error);
gboolean mtd_installer_restore (const char *root,
                                const char *backup_id,
                                GCancellable *cancellable,
                                char **out_backup_id,
                                GError **error);
gboolean mtd_installer_uninstall (const char *root,
                                  const char *kver,
                                  GCancellable *cancellable,
                                  char **out_backup_id,
                                  GError **error);
gboolean mtd_installer_mark_known_good (const char *root, const char *kver, GError **error);
GVariant *mtd_installer_dup_module_status (const char *root,
                                           const char *kver,
                                           MtdModule module,
                                           GError **error);

G_END_DECLS
