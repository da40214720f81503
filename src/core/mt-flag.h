/* mt-flag.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-system-info.h"

G_BEGIN_DECLS

#define MT_TYPE_FLAG (mt_flag_get_type ())

G_DECLARE_FINAL_TYPE (MtFlag, mt_flag, MT, FLAG, GObject)

gboolean mt_flag_argument_is_allowed (const char *token, GError **error);

const char *mt_flag_get_id (MtFlag *self);
const char *mt_flag_get_label (MtFlag *self);
const char *mt_flag_get_description (MtFlag *self);
const char *mt_flag_get_untranslated_label (MtFlag *self);
const char *mt_flag_get_untranslated_description (MtFlag *self);
const char *mt_flag_get_category (MtFlag *self);
const char *mt_flag_get_effect (MtFlag *self);
const char *const *mt_flag_get_args (MtFlag *self);
const char *const *mt_flag_get_make_vars (MtFlag *self);
const char *const *mt_flag_get_needs (MtFlag *self);
const char *mt_flag_get_group (MtFlag *self);
gboolean mt_flag_get_portable (MtFlag *self);
gboolean mt_flag_get_required (MtFlag *self);
gboolean mt_flag_get_refused (MtFlag *self);
int mt_flag_check_needs (MtFlag *self, MtSystemInfo *info, char **evidence);
GStrv mt_flag_find_macro_references (MtFlag *self, const char *source_dir, GError **error);
void mt_flag_to_json (MtFlag *self, MtSystemInfo *info, JsonBuilder *builder);

G_END_DECLS
