/* mt-flag-catalog.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mt-flag.h"
#include "mt-system-info.h"

G_BEGIN_DECLS

#define MT_TYPE_FLAG_CATALOG (mt_flag_catalog_get_type ())

G_DECLARE_FINAL_TYPE (MtFlagCatalog, mt_flag_catalog, MT, FLAG_CATALOG, GObject)

/* Where mt_flag_catalog_new_default() reads the catalog. */
#define MT_FLAG_CATALOG_RESOURCE "/io/github/modtune/catalog/flags.xml"

MtFlagCatalog *mt_flag_catalog_new_default (GError **error);
MtFlagCatalog *mt_flag_catalog_new_from_data (const char *xml, gsize length, GError **error);
MtFlag *mt_flag_catalog_lookup (MtFlagCatalog *self, const char *id);
gboolean mt_flag_catalog_expand (MtFlagCatalog *self,
                                 const char *const *ids,
                                 GStrv *cflags,
                                 GStrv *make_vars,
                                 GError **error);
GStrv mt_flag_catalog_dup_preset_ids (MtFlagCatalog *self);
const char *mt_flag_catalog_get_preset_label (MtFlagCatalog *self, const char *preset);
const char *mt_flag_catalog_get_preset_description (MtFlagCatalog *self, const char *preset);
GStrv mt_flag_catalog_get_preset (MtFlagCatalog *self,
                                  const char *preset,
                                  MtSystemInfo *info,
                                  GError **error);
JsonNode *mt_flag_catalog_to_json (MtFlagCatalog *self, MtSystemInfo *info);

G_END_DECLS
