/* mt-json.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void mt_json_add_string (JsonBuilder *builder, const char *key, const char *value);
void mt_json_add_int (JsonBuilder *builder, const char *key, gint64 value, gboolean known);
void mt_json_add_tristate (JsonBuilder *builder, const char *key, int value);
void mt_json_add_bool (JsonBuilder *builder, const char *key, gboolean value);
void mt_json_add_strv (JsonBuilder *builder, const char *key, const char *const *values);
JsonObject *mt_json_get_root_object (JsonParser *parser);

G_END_DECLS
