/* mt-json.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-json"

#include "config.h"

#include "mt-json.h"

/* The conventions of docs/report-schema.md: a fact that is not known is
 * null, never an empty string or a made-up value. */

/**
 * mt_json_add_string:
 * @value: (nullable): the value, or %NULL for `null`
 */
void
mt_json_add_string (JsonBuilder *builder, const char *key, const char *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * mt_json_add_int:
 * @known: %FALSE to write `null`
 */
void
mt_json_add_int (JsonBuilder *builder, const char *key, gint64 value, gboolean known)
{
  json_builder_set_member_name (builder, key);
  if (known)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * mt_json_add_tristate:
 * @value: 1 (`true`), 0 (`false`) or -1 (`null`: unknown)
 */
void
mt_json_add_tristate (JsonBuilder *builder, const char *key, int value)
{
  json_builder_set_member_name (builder, key);
  if (value < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_boolean_value (builder, value != 0);
}

void
mt_json_add_bool (JsonBuilder *builder, const char *key, gboolean value)
{
  json_builder_set_member_name (builder, key);
  json_builder_add_boolean_value (builder, value);
}

/**
 * mt_json_add_strv:
 * @values: (nullable): the strings; %NULL writes an empty array
 */
void
mt_json_add_strv (JsonBuilder *builder, const char *key, const char *const *values)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/**
 * mt_json_get_root_object:
 * @parser: a parser that has loaded a text
 *
 * Returns: (transfer none) (nullable): the root object, or %NULL if the
 *   text was empty (no root at all) or its root is not an object
 */
JsonObject *
mt_json_get_root_object (JsonParser *parser)
{
  JsonNode *root = json_parser_get_root (parser);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_node_get_object (root);
}
