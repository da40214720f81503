/* mt-kconfig.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-kconfig"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-kconfig.h"

/**
 * MtKconfig:
 *
 * A kernel configuration (`.config`, `/proc/config.gz`, `/boot/config-*`).
 * Values are stored as written: `y`, `m`, numbers, and strings without their
 * quotes.  `# CONFIG_X is not set` is stored as `n`.
 */
struct _MtKconfig
{
  GObject parent_instance;

  char *source;
  GHashTable *values;
};

G_DEFINE_FINAL_TYPE (MtKconfig, mt_kconfig, G_TYPE_OBJECT)

static void
mt_kconfig_finalize (GObject *object)
{
  MtKconfig *self = (MtKconfig *) object;

  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (mt_kconfig_parent_class)->finalize (object);
}

static void
mt_kconfig_class_init (MtKconfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_kconfig_finalize;
}

static void
mt_kconfig_init (MtKconfig *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
is_symbol (const char *str, gsize len)
{
  if (len <= strlen ("CONFIG_") || strncmp (str, "CONFIG_", strlen ("CONFIG_")) != 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (str[i]) && str[i] != '_')
      return FALSE;

  return TRUE;
}

/* "\"gcc (Debian 14.2.0-19) 14.2.0\"" -> gcc (Debian 14.2.0-19) 14.2.0 */
static char *
unquote (const char *value)
{
  gsize len = strlen (value);
  GString *out;

  if (len < 2 || value[0] != '"' || value[len - 1] != '"')
    return NULL;

  out = g_string_sized_new (len);
  for (gsize i = 1; i < len - 1; i++)
    {
      if (value[i] == '\\' && i + 1 < len - 1)
        i++;
      else if (value[i] == '"')
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, value[i]);
    }

  return g_string_free (out, FALSE);
}

/**
 * mt_kconfig_new_from_data:
 * @text: the configuration text
 * @length: its length, or -1 if NUL-terminated
 * @source: where it came from, used in messages and evidence
 *
 * Returns: (transfer full): the parsed configuration
 */
MtKconfig *
mt_kconfig_new_from_data (const char *text, gsize length, const char *source, GError **error)
{
  g_autoptr (MtKconfig) self = NULL;
  const char *p;
  const char *end;
  guint line_no = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  if (length == (gsize) -1)
    length = strlen (text);

  self = g_object_new (MT_TYPE_KCONFIG, NULL);
  self->source = g_strdup (source);

  for (p = text, end = text + length; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      g_autofree char *line = g_strndup (p, line_end - p);
      const char *eq;

      line_no++;
      p = nl != NULL ? nl + 1 : end;

      g_strstrip (line);

      if (line[0] == '\0')
        continue;

      if (line[0] == '#')
        {
          const char *sym = line + 1;
          const char *tail;

          while (*sym == ' ')
            sym++;
          tail = strstr (sym, " is not set");
          if (tail != NULL && tail[strlen (" is not set")] == '\0' && is_symbol (sym, tail - sym))
            g_hash_table_replace (self->values, g_strndup (sym, tail - sym), g_strdup ("n"));
          continue;
        }

      eq = strchr (line, '=');
      if (eq == NULL || !is_symbol (line, eq - line))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s, line %u: not a kernel configuration line"), source, line_no);
          return NULL;
        }

      if (eq[1] == '"')
        {
          char *value = unquote (eq + 1);

          if (value == NULL)
            {
              g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                           _ ("%s, line %u: unterminated string"), source, line_no);
              return NULL;
            }
          g_hash_table_replace (self->values, g_strndup (line, eq - line), value);
        }
      else
        {
          g_hash_table_replace (self->values, g_strndup (line, eq - line), g_strdup (eq + 1));
        }
    }

  if (g_hash_table_size (self->values) == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s holds no CONFIG_ option; is it a kernel configuration?"), source);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
mt_kconfig_get_source (MtKconfig *self)
{
  g_return_val_if_fail (MT_IS_KCONFIG (self), NULL);

  return self->source;
}

guint
mt_kconfig_get_size (MtKconfig *self)
{
  g_return_val_if_fail (MT_IS_KCONFIG (self), 0);

  return g_hash_table_size (self->values);
}

/**
 * mt_kconfig_lookup:
 * @name: a symbol with its prefix, such as `CONFIG_MODULE_SIG`
 *
 * Returns: (nullable): the value, `n` if explicitly not set, or %NULL if the
 *   symbol does not appear at all
 */
const char *
mt_kconfig_lookup (MtKconfig *self, const char *name)
{
  g_return_val_if_fail (MT_IS_KCONFIG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->values, name);
}

/**
 * mt_kconfig_is_enabled:
 *
 * Returns: %TRUE if @name is `y` or `m`
 */
gboolean
mt_kconfig_is_enabled (MtKconfig *self, const char *name)
{
  const char *value = mt_kconfig_lookup (self, name);

  return g_strcmp0 (value, "y") == 0 || g_strcmp0 (value, "m") == 0;
}
