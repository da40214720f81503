/* mt-backup-row.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-core.h"

G_BEGIN_DECLS

#define MT_TYPE_BACKUP_ROW (mt_backup_row_get_type ())

G_DECLARE_FINAL_TYPE (MtBackupRow, mt_backup_row, MT, BACKUP_ROW, AdwActionRow)

GtkWidget *mt_backup_row_new (GVariant *backup, MtFlagCatalog *catalog);
GVariant *mt_backup_row_get_backup (MtBackupRow *self);
const char *mt_backup_row_get_id (MtBackupRow *self);

/* What the row and the restore dialog both say about a backup (an a{sv}
 * of ListBackups). */
const char *mt_backup_lookup_string (GVariant *dict, const char *key);
gboolean mt_backup_is_protected (GVariant *backup);
char *mt_backup_format_date (GVariant *backup);
char *mt_backup_format_flags (GVariant *backup, MtFlagCatalog *catalog);

G_END_DECLS
