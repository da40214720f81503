/* mtd-boot.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Below the root prefix */
#define MTD_BOOT_LOAD_FILE "etc/modules-load.d/modtune.conf"

gboolean mtd_boot_load_enable (const char *root, GError **error);
gboolean mtd_boot_load_disable (const char *root, GError **error);
gboolean mtd_boot_load_is_enabled (const char *root);

G_END_DECLS
