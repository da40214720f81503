/* mt-kconfig.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MT_TYPE_KCONFIG (mt_kconfig_get_type ())

G_DECLARE_FINAL_TYPE (MtKconfig, mt_kconfig, MT, KCONFIG, GObject)

MtKconfig *
mt_kconfig_new_from_data (const char *text, gsize length, const char *source, GError **error);
const char *mt_kconfig_get_source (MtKconfig *self);
guint mt_kconfig_get_size (MtKconfig *self);
const char *mt_kconfig_lookup (MtKconfig *self, const char *name);
gboolean mt_kconfig_is_enabled (MtKconfig *self, const char *name);

G_END_DECLS
