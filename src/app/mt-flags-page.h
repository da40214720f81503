/* mt-flags-page.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-core.h"
#include "mt-helper-client.h"

G_BEGIN_DECLS

#define MT_TYPE_FLAGS_PAGE (mt_flags_page_get_type ())

G_DECLARE_FINAL_TYPE (MtFlagsPage, mt_flags_page, MT, FLAGS_PAGE, AdwBin)

MtSystemInfo *mt_flags_page_get_system_info (MtFlagsPage *self);
void mt_flags_page_set_system_info (MtFlagsPage *self, MtSystemInfo *system_info);
MtFlagCatalog *mt_flags_page_get_catalog (MtFlagsPage *self);
void mt_flags_page_set_catalog (MtFlagsPage *self, MtFlagCatalog *catalog);
GSettings *mt_flags_page_get_settings (MtFlagsPage *self);
void mt_flags_page_set_settings (MtFlagsPage *self, GSettings *settings);
GStrv mt_flags_page_dup_enabled_flags (MtFlagsPage *self);
const char *const *mt_flags_page_get_enabled_flags (MtFlagsPage *self);
const char *mt_flags_page_get_command_line (MtFlagsPage *self);
const char *mt_flags_page_get_preset (MtFlagsPage *self);

G_END_DECLS
