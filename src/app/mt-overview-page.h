/* mt-overview-page.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-core.h"
#include "mt-helper-client.h"
#include "mt-machine-state.h"

G_BEGIN_DECLS

#define MT_TYPE_OVERVIEW_PAGE (mt_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (MtOverviewPage, mt_overview_page, MT, OVERVIEW_PAGE, AdwBin)

MtSystemInfo *mt_overview_page_get_system_info (MtOverviewPage *self);
void mt_overview_page_set_system_info (MtOverviewPage *self, MtSystemInfo *system_info);
MtHelperClient *mt_overview_page_get_client (MtOverviewPage *self);
void mt_overview_page_set_client (MtOverviewPage *self, MtHelperClient *client);
void mt_overview_page_set_enabled_flags (MtOverviewPage *self, const char *const *flags);
MtMachineState mt_overview_page_get_state (MtOverviewPage *self);

G_END_DECLS
