/* mtd-kmod.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean mtd_kmod_unload (GError **error);
gboolean mtd_kmod_load (const char *root, const char *kver, gboolean dry_run, GError **error);
gboolean mtd_kmod_load_previous (const char *kver, GError **error);
gboolean mtd_kmod_is_loaded (const char *name);

G_END_DECLS
