/* mtd-state.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-state"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "mt-error.h"
#include "mtd-fs.h"
#include "mtd-state.h"
#include "mtd-validate.h"

/**
 * SECTION:mtd-state
 *
 * The helper's state directory, `var/lib/modtune` below the root prefix
 * (SECURITY.md rule 17: root-owned, not group- or world-writable, never a
 * link; `backups/` and `journal/` are 0700), and `state.json` in it,
 * which records for each kernel the backup its installed modules came
 * from and the last one known to load:
 *
 * |[
 * { "6.12.0-1-amd64": { "installed": "20260101T120000Z-0123abcd", "known_good": null } }
 * ]|
 *
 * It is replaced atomically and synced on every change.
 */

#define STATE_MAX_SIZE    (256 * 1024)
#define STATE_MAX_KERNELS 256

typedef struct
{
  char *installed;
  char *known_good;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->installed);
  g_free (entry->known_good);
  g_free (entry);
}

/**
 * mtd_state_dir_open:
 * @root: the root prefix, "/" on a real system
 * @error: a location for a #GError
 *
 * Opens `var/lib/modtune` (creating it 0755, and `backups/` and
 * `journal/` 0700, when missing) and checks all three (rule 17).
 *
 * Returns: a descriptor to close, or -1
 */
int
mtd_state_dir_open (const char *root, GError **error)
{
  int var_lib_fd;
  int state_fd;

  g_return_val_if_fail (root != NULL, -1);

  var_lib_fd = mtd_fs_open_root_dir (root, "var/lib", error);
  if (var_lib_fd < 0)
    return -1;
  state_fd = mtd_fs_open_dir_at (var_lib_fd, "modtune", TRUE, 0755, "/" MTD_STATE_DIR, error);
  close (var_lib_fd);
  if (state_fd < 0)
    return -1;

  for (guint i = 0; i < 2; i++)
    {
      int fd = mtd_state_open_subdir (state_fd, i == 0 ? MTD_BACKUPS_DIR : MTD_JOURNAL_DIR, error);

      if (fd < 0)
        {
          close (state_fd);
          return -1;
        }
      close (fd);
    }

  return state_fd;
}

/**
 * mtd_state_dir_check:
 * @root: the root prefix
 * @error: a location for a #GError
 *
 * What the helper checks before it starts or operates (rule 17); see
 * mtd_state_dir_open().
 *
 * Returns: %TRUE if the state directory is safe to use
 */
gboolean
mtd_state_dir_check (const char *root, GError **error)
{
  int fd = mtd_state_dir_open (root, error);

  if (fd < 0)
    return FALSE;
  close (fd);

  return TRUE;
}

/**
 * mtd_state_open_subdir:
 * @state_fd: from mtd_state_dir_open()
 * @name: %MTD_BACKUPS_DIR or %MTD_JOURNAL_DIR
 * @error: a location for a #GError
 *
 * Returns: a descriptor to close, or -1
 */
int
mtd_state_open_subdir (int state_fd, const char *name, GError **error)
{
  g_autofree char *what = NULL;

  g_return_val_if_fail (state_fd >= 0, -1);
  g_return_val_if_fail (name != NULL, -1);

  what = g_strdup_printf ("/%s/%s", MTD_STATE_DIR, name);

  return mtd_fs_open_dir_at (state_fd, name, TRUE, 0700, what, error);
}

static gboolean
read_id_member (JsonObject *object, const char *key, char **out_id)
{
  JsonNode *node = json_object_get_member (object, key);
  const char *id;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  id = json_node_get_string (node);
  if (!mtd_validate_backup_id (id, NULL))
    return FALSE;
  *out_id = g_strdup (id);

  return TRUE;
}

/**
 * mtd_state_parse:
 * @data: (array length=len): the text of `state.json`
 * @len: its length
 * @error: a location for a #GError
 *
 * Parses `state.json` strictly: kernel releases of rule 8's form, backup
 * ids of rule 9's, nothing else.
 *
 * Returns: (transfer full) (element-type utf8 gpointer): kernel release →
 *   internal entry, to pass to the other functions of this file only; or
 *   %NULL
 */
GHashTable *
mtd_state_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObjectIter iter;
  const char *kver;
  JsonNode *value;

  node =
    mtd_fs_parse_json_object (data, len, STATE_MAX_SIZE, "/" MTD_STATE_DIR "/state.json", error);
  if (node == NULL)
    return NULL;

  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &kver, &value))
    {
      Entry *entry = g_new0 (Entry, 1);
      g_autoptr (GList) members = NULL;
      gboolean ok;

      g_hash_table_insert (table, g_strdup (kver), entry);
      ok = g_hash_table_size (table) <= STATE_MAX_KERNELS &&
           mtd_validate_kernel_release_form (kver, NULL) && JSON_NODE_HOLDS_OBJECT (value);
      if (ok)
        {
          JsonObject *object = json_node_get_object (value);

          ok = read_id_member (object, "installed", &entry->installed) &&
               read_id_member (object, "known_good", &entry->known_good);
          members = json_object_get_members (object);
          for (GList *m = members; m != NULL; m = m->next)
            if (g_strcmp0 (m->data, "installed") != 0 && g_strcmp0 (m->data, "known_good") != 0)
              ok = FALSE;
        }
      if (!ok)
        {
          g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                               _ ("/var/lib/modtune/state.json is damaged; check it, or remove "
                                  "it to forget which backups are installed and known good"));
          return NULL;
        }
    }

  return g_steal_pointer (&table);
}

static GHashTable *
load (int state_fd, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gboolean missing = FALSE;
  gsize len;
  const char *data;

  bytes = mtd_fs_read_file_at (state_fd, MTD_STATE_FILE, STATE_MAX_SIZE, NULL, &missing, error);
  if (missing)
    return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);

  return mtd_state_parse (data, len, error);
}

/* The state of @root, read once: open, load, close. */
static GHashTable *
load_state (const char *root, GError **error)
{
  GHashTable *table;
  int state_fd = mtd_state_dir_open (root, error);

  if (state_fd < 0)
    return NULL;
  table = load (state_fd, error);
  close (state_fd);

  return table;
}

static gboolean
save (int state_fd, GHashTable *table, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GList) keys = NULL;
  char *text;
  gsize len;

  keys = g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) g_strcmp0);
  json_builder_begin_object (builder);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      Entry *entry = g_hash_table_lookup (table, l->data);

      if (entry->installed == NULL && entry->known_good == NULL)
        continue;
      json_builder_set_member_name (builder, l->data);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "installed");
      if (entry->installed != NULL)
        json_builder_add_string_value (builder, entry->installed);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "known_good");
      if (entry->known_good != NULL)
        json_builder_add_string_value (builder, entry->known_good);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &len);
  bytes = g_bytes_new_take (text, len);

  return mtd_fs_replace_file_at (state_fd, MTD_STATE_FILE, bytes, 0644, error);
}

/**
 * mtd_state_get:
 * @root: the root prefix
 * @kver: a kernel release
 * @out_installed: (out) (optional) (nullable): the backup the installed
 *   modules came from, or %NULL
 * @out_known_good: (out) (optional) (nullable): the last backup known to
 *   load, or %NULL
 * @error: a location for a #GError
 *
 * Returns: %TRUE if the state could be read
 */
gboolean
mtd_state_get (const char *root,
               const char *kver,
               char **out_installed,
               char **out_known_good,
               GError **error)
{
  g_autoptr (GHashTable) table = NULL;
  Entry *entry;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (kver != NULL, FALSE);

  table = load_state (root, error);
  if (table == NULL)
    return FALSE;

  entry = g_hash_table_lookup (table, kver);
  if (out_installed != NULL)
    *out_installed = entry != NULL ? g_strdup (entry->installed) : NULL;
  if (out_known_good != NULL)
    *out_known_good = entry != NULL ? g_strdup (entry->known_good) : NULL;

  return TRUE;
}

static gboolean
set_member (const char *root, const char *kver, gboolean known_good, const char *id, GError **error)
{
  g_autoptr (GHashTable) table = NULL;
  Entry *entry;
  gboolean ok;
  int state_fd;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (mtd_validate_kernel_release_form (kver, NULL), FALSE);
  g_return_val_if_fail (id == NULL || mtd_validate_backup_id (id, NULL), FALSE);

  state_fd = mtd_state_dir_open (root, error);
  if (state_fd < 0)
    return FALSE;
  table = load (state_fd, error);
  if (table == NULL)
    {
      close (state_fd);
      return FALSE;
    }

  entry = g_hash_table_lookup (table, kver);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (table, g_strdup (kver), entry);
    }
  if (known_good)
    g_set_str (&entry->known_good, id);
  else
    g_set_str (&entry->installed, id);

  ok = save (state_fd, table, error);
  close (state_fd);

  return ok;
}

/**
 * mtd_state_set_installed:
 * @root: the root prefix
 * @kver: a kernel release
 * @backup_id: (nullable): the backup the installed modules came from
 * @error: a location for a #GError
 *
 * Returns: %TRUE if the state was written and synced
 */
gboolean
mtd_state_set_installed (const char *root, const char *kver, const char *backup_id, GError **error)
{
  return set_member (root, kver, FALSE, backup_id, error);
}

/**
 * mtd_state_set_known_good:
 * @root: the root prefix
 * @kver: a kernel release
 * @backup_id: (nullable): the last backup whose modules loaded
 * @error: a location for a #GError
 *
 * Returns: %TRUE if the state was written and synced
 */
gboolean
mtd_state_set_known_good (const char *root, const char *kver, const char *backup_id, GError **error)
{
  return set_member (root, kver, TRUE, backup_id, error);
}

/**
 * mtd_state_dup_installed_kernels:
 * @root: the root prefix
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the kernels that have Modtune's modules
 *   installed, sorted, or %NULL if the state could not be read
 */
GStrv
mtd_state_dup_installed_kernels (const char *root, GError **error)
{
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GList) keys = NULL;

  g_return_val_if_fail (root != NULL, NULL);

  table = load_state (root, error);
  if (table == NULL)
    return NULL;

  keys = g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      Entry *entry = g_hash_table_lookup (table, l->data);

      if (entry->installed != NULL)
        g_strv_builder_add (builder, l->data);
    }

  return g_strv_builder_end (builder);
}

/**
 * mtd_state_dup_protected_ids:
 * @root: the root prefix
 * @error: a location for a #GError
 *
 * The backups that must never be deleted or pruned (rule 26): those
 * installed or known good for any kernel.
 *
 * Returns: (transfer full) (element-type utf8 utf8): a set of ids, or
 *   %NULL if the state could not be read
 */
GHashTable *
mtd_state_dup_protected_ids (const char *root, GError **error)
{
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (GHashTable) ids = NULL;
  GHashTableIter iter;
  Entry *entry;

  g_return_val_if_fail (root != NULL, NULL);

  table = load_state (root, error);
  if (table == NULL)
    return NULL;

  ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      if (entry->installed != NULL)
        g_hash_table_add (ids, g_strdup (entry->installed));
      if (entry->known_good != NULL)
        g_hash_table_add (ids, g_strdup (entry->known_good));
    }

  return g_steal_pointer (&ids);
}
