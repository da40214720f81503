/* mt-os-release.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GHashTable *
mt_os_release_parse (const char *text, gsize length, const char *source, GError **error);

G_END_DECLS
