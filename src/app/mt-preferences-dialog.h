/* mt-preferences-dialog.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MT_TYPE_PREFERENCES_DIALOG (mt_preferences_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MtPreferencesDialog,
                      mt_preferences_dialog,
                      MT,
                      PREFERENCES_DIALOG,
                      AdwPreferencesDialog)

MtPreferencesDialog *mt_preferences_dialog_new (GSettings *settings);

G_END_DECLS
