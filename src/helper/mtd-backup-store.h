/* mtd-backup-store.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mtd-fs.h"

G_BEGIN_DECLS

/* How many backups of one kernel the store keeps, and how many bytes in
 * all, unless mtd_backup_store_set_limits() says otherwise (rule 26). */
#define MTD_BACKUP_STORE_DEFAULT_MAX_PER_KERNEL 5
#define MTD_BACKUP_STORE_DEFAULT_MAX_TOTAL_SIZE (G_GUINT64_CONSTANT (256) * 1024 * 1024)

/**
 * MtdBackupManifest:
 * @id: the backup id (rule 9's form)
 * @created: when it was made, seconds since the epoch (UTC)
 * @kernel_release: the kernel its modules were built for
 * @workstation_version: the VMware Workstation version, or ""
 * @interface_version: the vmmon interface version, or 0 if unknown
 * @flag_ids: the catalog flags the modules were built with
 * @origin: "modtune" or "vmware"
 * @sha256: the SHA-256 of each module file, %NULL for one the backup does
 *   not hold (it holds at least one)
 * @size: the bytes the backup's files take (filled by the store, not
 *   part of manifest.json)
 *
 * `manifest.json` of a backup.
 */
typedef struct
{
  char *id;
  gint64 created;
  char *kernel_release;
  char *workstation_version;
  gint32 interface_version;
  GStrv flag_ids;
  char *origin;
  char *sha256[MTD_N_MODULES];
  guint64 size;
} MtdBackupManifest;

MtdBackupManifest *mtd_backup_manifest_new (const char *kernel_release,
                                            const char *workstation_version,
                                            gint32 interface_version,
                                            const char *const *flag_ids,
                                            const char *origin);
MtdBackupManifest *mtd_backup_manifest_copy (const MtdBackupManifest *manifest);
void mtd_backup_manifest_free (MtdBackupManifest *manifest);
MtdBackupManifest *mtd_backup_manifest_parse (const char *data, gsize len, GError **error);
char *mtd_backup_manifest_to_json (const MtdBackupManifest *manifest, gsize *out_len);
GVariant *mtd_backup_manifest_to_variant (const MtdBackupManifest *manifest,
                                          gboolean installed,
                                          gboolean known_good);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtdBackupManifest, mtd_backup_manifest_free)

#define MTD_TYPE_BACKUP_STORE (mtd_backup_store_get_type ())

G_DECLARE_FINAL_TYPE (MtdBackupStore, mtd_backup_store, MTD, BACKUP_STORE, GObject)

MtdBackupStore *mtd_backup_store_new (const char *root, GError **error);
const char *mtd_backup_store_get_root (MtdBackupStore *self);
void
mtd_backup_store_set_limits (MtdBackupStore *self, guint max_per_kernel, guint64 max_total_size);
char *mtd_backup_store_create (MtdBackupStore *self,
                               const MtdBackupManifest *meta,
                               GBytes *const *modules,
                               GError **error);
GPtrArray *mtd_backup_store_list (MtdBackupStore *self);
GVariant *mtd_backup_store_list_variant (MtdBackupStore *self, GError **error);
MtdBackupManifest *mtd_backup_store_lookup (MtdBackupStore *self, const char *id, GError **error);
gboolean mtd_backup_store_verify (MtdBackupStore *self, const char *id, GError **error);
GBytes *mtd_backup_store_read_module (MtdBackupStore *self,
                                      const char *id,
                                      MtdModule module,
                                      GError **error);
gboolean mtd_backup_store_delete (MtdBackupStore *self, const char *id, GError **error);
gboolean mtd_backup_store_prune (MtdBackupStore *self, const char *const *keep_ids, GError **error);

G_END_DECLS
