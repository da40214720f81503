/* mt-restore-dialog.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MT_TYPE_RESTORE_DIALOG (mt_restore_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MtRestoreDialog, mt_restore_dialog, MT, RESTORE_DIALOG, AdwAlertDialog)

MtRestoreDialog *mt_restore_dialog_new (GVariant *backup, GVariant *status);
const char *mt_restore_dialog_get_backup_id (MtRestoreDialog *self);

G_END_DECLS
