/* mt-flag-row.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-core.h"

G_BEGIN_DECLS

#define MT_TYPE_FLAG_ROW (mt_flag_row_get_type ())

G_DECLARE_FINAL_TYPE (MtFlagRow, mt_flag_row, MT, FLAG_ROW, AdwExpanderRow)

GtkWidget *mt_flag_row_new (MtFlagCatalog *catalog, MtFlag *flag, MtSystemInfo *system_info);
MtFlag *mt_flag_row_get_flag (MtFlagRow *self);
int mt_flag_row_get_needs_met (MtFlagRow *self);
gboolean mt_flag_row_get_locked (MtFlagRow *self);
gboolean mt_flag_row_get_active (MtFlagRow *self);
void mt_flag_row_set_active (MtFlagRow *self, gboolean active);

G_END_DECLS
