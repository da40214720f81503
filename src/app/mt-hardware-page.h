/* mt-hardware-page.h
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

#define MT_TYPE_HARDWARE_PAGE (mt_hardware_page_get_type ())

G_DECLARE_FINAL_TYPE (MtHardwarePage, mt_hardware_page, MT, HARDWARE_PAGE, AdwBin)

MtSystemInfo *mt_hardware_page_get_system_info (MtHardwarePage *self);
void mt_hardware_page_set_system_info (MtHardwarePage *self, MtSystemInfo *system_info);

G_END_DECLS
