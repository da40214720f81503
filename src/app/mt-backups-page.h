/* mt-backups-page.h
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

#define MT_TYPE_BACKUPS_PAGE (mt_backups_page_get_type ())

G_DECLARE_FINAL_TYPE (MtBackupsPage, mt_backups_page, MT, BACKUPS_PAGE, AdwBin)

MtHelperClient *mt_backups_page_get_client (MtBackupsPage *self);
void mt_backups_page_set_client (MtBackupsPage *self, MtHelperClient *client);

G_END_DECLS
