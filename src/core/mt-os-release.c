/* mt-os-release.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-os-release"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-os-release.h"

/* os-release(5) assignments are shell-like: KEY=value, KEY="value" or
 * KEY='value', with backslash escapes inside double quotes.  A value
 * longer than this is not what the format is for. */
#define MT_OS_RELEASE_MAX_VALUE 4096

static gboolean
is_key (const char *str, gsize len)
{
  if (len == 0 || g_ascii_isdigit (str[0]))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (str[i]) && str[i] != '_')
      return FALSE;

  return TRUE;
}

static char *
unquote (const char *value, gsize len)
{
  g_autoptr (GString) out = g_string_sized_new (len);
  char quote = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = value[i];

      if (quote == 0 && (c == '"' || c == '\''))
        quote = c;
      else if (quote != 0 && c == quote)
        quote = 0;
      else if (quote != '\'' && c == '\\' && i + 1 < len)
        g_string_append_c (out, value[++i]);
      else if (quote == 0 && (c == ' ' || c == '\t'))
        return NULL; /* unquoted white space: not a valid assignment */
      else
        g_string_append_c (out, c);
    }

  if (quote != 0)
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * mt_os_release_parse:
 * @text: the contents of an os-release file
 * @length: its length, or -1 if NUL-terminated
 * @source: the file it came from, for messages
 *
 * Returns: (transfer full): KEY → value for every assignment
 */
GHashTable *
mt_os_release_parse (const char *text, gsize length, const char *source, GError **error)
{
  g_autoptr (GHashTable) values = NULL;
  const char *p;
  const char *end;
  guint line_no = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  if (length == (gsize) -1)
    length = strlen (text);

  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (p = text, end = text + length; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      g_autofree char *line = g_strndup (p, line_end - p);
      char *value;
      char *eq;

      line_no++;
      p = nl != NULL ? nl + 1 : end;

      g_strstrip (line);
      if (line[0] == '\0' || line[0] == '#')
        continue;

      eq = strchr (line, '=');
      if (eq == NULL || !is_key (line, eq - line) || strlen (eq + 1) > MT_OS_RELEASE_MAX_VALUE)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s, line %u: not a KEY=value assignment"), source, line_no);
          return NULL;
        }

      value = unquote (eq + 1, strlen (eq + 1));
      if (value == NULL)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s, line %u: badly quoted value"), source, line_no);
          return NULL;
        }

      g_hash_table_replace (values, g_strndup (line, eq - line), value);
    }

  return g_steal_pointer (&values);
}
