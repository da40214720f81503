/* mtd-journal.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-journal"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "mt-error.h"
#include "mtd-backup-store.h"
#include "mtd-installer.h"
#include "mtd-journal.h"
#include "mtd-state.h"
#include "mtd-validate.h"

/**
 * SECTION:mtd-journal
 *
 * Nothing lost (SECURITY.md rule 20): before the helper changes anything
 * in `lib/modules/<kver>/updates/modtune/`, it writes
 * `var/lib/modtune/journal/current.json` (replaced atomically, synced, its
 * directory synced) naming the operation, the kernel, the backup of the
 * old files and of the new ones, and each target's SHA-256 before and
 * after:
 *
 * |[
 * { "version": 1, "operation": "install", "kernel_release": "6.12.0-1-amd64",
 *   "old_backup": "20260101T120000Z-0123abcd", "new_backup": "20260102T080000Z-89abcdef",
 *   "targets": [
 *     { "module": "vmmon", "path": "lib/modules/6.12.0-1-amd64/updates/modtune/vmmon.ko",
 *       "old_sha256": "…", "new_sha256": "…" },
 *     { "module": "vmnet", … } ] }
 * ]|
 *
 * The journal is removed when the transaction is complete.  At start,
 * mtd_journal_recover() finishes an interrupted one whose targets are
 * both new, and otherwise puts the old files back.
 */

#define JOURNAL_VERSION  1
#define JOURNAL_MAX_SIZE (16 * 1024)

static const char *const operations[] = { "install", "restore", "uninstall", NULL };

/**
 * mtd_journal_new:
 * @operation: "install", "restore" or "uninstall"
 * @kernel_release: the kernel
 * @old_backup: (nullable): the backup of the files being replaced
 * @new_backup: (nullable): the backup of the new files
 *
 * Returns: (transfer full): a journal without targets; set the SHA-256s
 *   in its fields (g_strdup()ed)
 */
MtdJournal *
mtd_journal_new (const char *operation,
                 const char *kernel_release,
                 const char *old_backup,
                 const char *new_backup)
{
  MtdJournal *journal;

  g_return_val_if_fail (g_strv_contains (operations, operation), NULL);
  g_return_val_if_fail (kernel_release != NULL, NULL);

  journal = g_new0 (MtdJournal, 1);
  journal->operation = g_strdup (operation);
  journal->kernel_release = g_strdup (kernel_release);
  journal->old_backup = g_strdup (old_backup);
  journal->new_backup = g_strdup (new_backup);

  return journal;
}

/**
 * mtd_journal_free:
 * @journal: (nullable): a journal
 */
void
mtd_journal_free (MtdJournal *journal)
{
  if (journal == NULL)
    return;

  g_free (journal->operation);
  g_free (journal->kernel_release);
  g_free (journal->old_backup);
  g_free (journal->new_backup);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_free (journal->old_sha256[i]);
      g_free (journal->new_sha256[i]);
    }
  g_free (journal);
}

/**
 * mtd_journal_dup_target_path:
 * @kernel_release: a kernel release
 * @module: a module
 *
 * Returns: (transfer full): where the module is installed, relative to
 *   the root: `lib/modules/<kernel_release>/updates/modtune/<module>.ko`
 */
char *
mtd_journal_dup_target_path (const char *kernel_release, MtdModule module)
{
  g_return_val_if_fail (kernel_release != NULL, NULL);

  return g_strdup_printf ("lib/modules/%s/" MTD_INSTALL_SUBDIR "/%s", kernel_release,
                          mtd_module_file_name (module));
}

static gboolean
get_optional_string (JsonObject *object, const char *key, char **out)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *out = g_strdup (json_node_get_string (node));

  return TRUE;
}

static gboolean
has_exactly_members (JsonObject *object, const char *const *keys)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (keys, l->data))
      return FALSE;

  return json_object_get_size (object) == g_strv_length ((char **) keys);
}

static gboolean
parse_target (JsonNode *node, const char *kver, MtdModule module, MtdJournal *journal)
{
  static const char *const keys[] = { "module", "path", "old_sha256", "new_sha256", NULL };
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  if (!has_exactly_members (object, keys) || !get_optional_string (object, "module", &name) ||
      !get_optional_string (object, "path", &path) ||
      !get_optional_string (object, "old_sha256", &journal->old_sha256[module]) ||
      !get_optional_string (object, "new_sha256", &journal->new_sha256[module]))
    return FALSE;

  expected = mtd_journal_dup_target_path (kver, module);
  if (g_strcmp0 (name, mtd_module_name (module)) != 0 || g_strcmp0 (path, expected) != 0)
    return FALSE;
  if (journal->old_sha256[module] != NULL && !mtd_fs_is_sha256 (journal->old_sha256[module]))
    return FALSE;
  if (journal->new_sha256[module] != NULL && !mtd_fs_is_sha256 (journal->new_sha256[module]))
    return FALSE;

  return TRUE;
}

static gboolean
parse_object (JsonObject *object, MtdJournal *journal)
{
  static const char *const keys[] = { "version",    "operation",  "kernel_release",
                                      "old_backup", "new_backup", "targets",
                                      NULL };
  gboolean uninstall;
  gboolean any_old = FALSE;
  JsonNode *node;
  JsonArray *targets;

  if (!has_exactly_members (object, keys))
    return FALSE;

  node = json_object_get_member (object, "version");
  if (json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) != JOURNAL_VERSION)
    return FALSE;

  if (!get_optional_string (object, "operation", &journal->operation) ||
      !g_strv_contains (operations, journal->operation ? journal->operation : ""))
    return FALSE;
  if (!get_optional_string (object, "kernel_release", &journal->kernel_release) ||
      !mtd_validate_kernel_release_form (journal->kernel_release, NULL))
    return FALSE;
  if (!get_optional_string (object, "old_backup", &journal->old_backup) ||
      (journal->old_backup != NULL && !mtd_validate_backup_id (journal->old_backup, NULL)))
    return FALSE;
  if (!get_optional_string (object, "new_backup", &journal->new_backup) ||
      (journal->new_backup != NULL && !mtd_validate_backup_id (journal->new_backup, NULL)))
    return FALSE;

  node = json_object_get_member (object, "targets");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  targets = json_node_get_array (node);
  if (json_array_get_length (targets) != MTD_N_MODULES)
    return FALSE;
  for (guint i = 0; i < MTD_N_MODULES; i++)
    if (!parse_target (json_array_get_element (targets, i), journal->kernel_release, i, journal))
      return FALSE;

  /* consistent: an uninstall removes both and has no new backup; the
   * others install both from one; old files come from the old backup */
  uninstall = g_str_equal (journal->operation, "uninstall");
  if (uninstall != (journal->new_backup == NULL))
    return FALSE;
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      if (uninstall != (journal->new_sha256[i] == NULL))
        return FALSE;
      any_old = any_old || journal->old_sha256[i] != NULL;
    }
  if (any_old != (journal->old_backup != NULL))
    return FALSE;

  return TRUE;
}

/**
 * mtd_journal_parse:
 * @data: (array length=len): the text of `current.json`
 * @len: its length
 * @error: a location for a #GError
 *
 * Parses a journal strictly: at most 16 KiB, every key known and present,
 * the version 1, the kernel release and backup ids of their form, both
 * targets in order with exactly the path the helper would write, and the
 * fields consistent with the operation.  A target of the `fuzz` suite.
 *
 * Returns: (transfer full): the journal, or %NULL with
 *   %MT_ERROR_INVALID_DATA
 */
MtdJournal *
mtd_journal_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (MtdJournal) journal = NULL;
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = mtd_fs_parse_json_object (data, len, JOURNAL_MAX_SIZE, _ ("The install journal"), error);
  if (node == NULL)
    return NULL;

  journal = g_new0 (MtdJournal, 1);
  if (!parse_object (json_node_get_object (node), journal))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                           _ ("The install journal /var/lib/modtune/journal/current.json is "
                              "damaged; check lib/modules/*/updates/modtune by hand, then remove "
                              "the journal"));
      return NULL;
    }

  return g_steal_pointer (&journal);
}

static void
add_optional_string (JsonBuilder *builder, const char *key, const char *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * mtd_journal_to_json:
 * @journal: a journal
 * @out_len: (out) (optional): the length of the text
 *
 * Returns: (transfer full): `current.json`'s text
 */
char *
mtd_journal_to_json (const MtdJournal *journal, gsize *out_len)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (journal != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, JOURNAL_VERSION);
  add_optional_string (builder, "operation", journal->operation);
  add_optional_string (builder, "kernel_release", journal->kernel_release);
  add_optional_string (builder, "old_backup", journal->old_backup);
  add_optional_string (builder, "new_backup", journal->new_backup);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autofree char *path = mtd_journal_dup_target_path (journal->kernel_release, i);

      json_builder_begin_object (builder);
      add_optional_string (builder, "module", mtd_module_name (i));
      add_optional_string (builder, "path", path);
      add_optional_string (builder, "old_sha256", journal->old_sha256[i]);
      add_optional_string (builder, "new_sha256", journal->new_sha256[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);

  return json_generator_to_data (generator, out_len);
}

static int
open_journal_dir (const char *root, GError **error)
{
  int state_fd = mtd_state_dir_open (root, error);
  int fd;

  if (state_fd < 0)
    return -1;
  fd = mtd_state_open_subdir (state_fd, MTD_JOURNAL_DIR, error);
  close (state_fd);

  return fd;
}

/**
 * mtd_journal_write:
 * @root: the root prefix
 * @journal: a journal
 * @error: a location for a #GError
 *
 * Writes `journal/current.json` atomically and durably.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_journal_write (const char *root, const MtdJournal *journal, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gboolean ok;
  gsize len;
  char *text;
  int fd;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (journal != NULL, FALSE);

  fd = open_journal_dir (root, error);
  if (fd < 0)
    return FALSE;
  text = mtd_journal_to_json (journal, &len);
  bytes = g_bytes_new_take (text, len);
  ok = mtd_fs_replace_file_at (fd, MTD_JOURNAL_FILE, bytes, 0600, error);
  close (fd);

  return ok;
}

/**
 * mtd_journal_read:
 * @root: the root prefix
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the journal of an unfinished
 *   transaction, or %NULL: without an error when there is none
 */
MtdJournal *
mtd_journal_read (const char *root, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gboolean missing = FALSE;
  const char *data;
  gsize len;
  int fd;

  g_return_val_if_fail (root != NULL, NULL);

  fd = open_journal_dir (root, error);
  if (fd < 0)
    return NULL;
  bytes = mtd_fs_read_file_at (fd, MTD_JOURNAL_FILE, JOURNAL_MAX_SIZE, NULL, &missing, error);
  close (fd);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);

  return mtd_journal_parse (data, len, error);
}

/**
 * mtd_journal_remove:
 * @root: the root prefix
 * @error: a location for a #GError
 *
 * Ends a transaction: removes the journal and syncs its directory.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_journal_remove (const char *root, GError **error)
{
  gboolean ok;
  int fd;

  g_return_val_if_fail (root != NULL, FALSE);

  fd = open_journal_dir (root, error);
  if (fd < 0)
    return FALSE;
  ok = mtd_fs_unlink_at (fd, MTD_JOURNAL_FILE, NULL, error) &&
       mtd_fs_fsync_dir (fd, MTD_JOURNAL_FILE, error);
  close (fd);

  return ok;
}

static gboolean
read_current (int target_fd, char **shas, GError **error)
{
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autoptr (GBytes) bytes = NULL;
      gboolean missing = FALSE;

      bytes = mtd_fs_read_file_at (target_fd, mtd_module_file_name (i), MTD_MODULE_MAX_SIZE, NULL,
                                   &missing, error);
      if (bytes == NULL && !missing)
        return FALSE;
      shas[i] = bytes != NULL ? mtd_fs_sha256 (bytes) : NULL;
    }

  return TRUE;
}

static gboolean
roll_back (const char *root,
           const MtdJournal *journal,
           int target_fd,
           char **current,
           GError **error)
{
  g_autoptr (MtdBackupStore) store = NULL;

  if (journal->old_backup != NULL)
    {
      store = mtd_backup_store_new (root, error);
      if (store == NULL)
        return FALSE;
    }

  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autoptr (GBytes) bytes = NULL;
      g_autofree char *sha = NULL;

      if (journal->old_sha256[i] == NULL)
        {
          if (!mtd_fs_unlink_at (target_fd, mtd_module_file_name (i), NULL, error))
            return FALSE;
          continue;
        }
      if (g_strcmp0 (current[i], journal->old_sha256[i]) == 0)
        continue;

      bytes = mtd_backup_store_read_module (store, journal->old_backup, i, error);
      if (bytes == NULL)
        return FALSE;
      sha = mtd_fs_sha256 (bytes);
      if (g_strcmp0 (sha, journal->old_sha256[i]) != 0)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("The backup %s does not hold the %s that was installed before; "
                          "reinstall the modules"),
                       journal->old_backup, mtd_module_file_name (i));
          return FALSE;
        }
      if (!mtd_installer_place_file (target_fd, i, bytes, error))
        return FALSE;
    }

  return mtd_fs_fsync_dir (target_fd, MTD_INSTALL_SUBDIR, error);
}

/**
 * mtd_journal_recover:
 * @root: the root prefix
 * @cancellable: (nullable): a #GCancellable (for depmod only)
 * @out_recovery: (out) (optional): what was done
 * @error: a location for a #GError
 *
 * Run at start, before any other operation: if a transaction was
 * interrupted, makes the pair consistent (rule 20).  When both targets
 * already have their new SHA-256, it is finished (depmod, state);
 * otherwise every target is restored from the old backup (or removed
 * when there was no old file) and depmod is run.  Then the journal is
 * removed.  On failure the journal stays, and the helper must not operate
 * on that kernel.
 *
 * Returns: %TRUE if there is no unfinished transaction left
 */
gboolean
mtd_journal_recover (const char *root,
                     GCancellable *cancellable,
                     MtdRecovery *out_recovery,
                     GError **error)
{
  g_autoptr (MtdJournal) journal = NULL;
  g_autoptr (GError) local_error = NULL;
  char *current[MTD_N_MODULES] = { NULL, NULL };
  gboolean forward = TRUE;
  gboolean ok;
  int target_fd;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_recovery != NULL)
    *out_recovery = MTD_RECOVERY_NONE;

  journal = mtd_journal_read (root, &local_error);
  if (journal == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  target_fd = mtd_installer_open_target_dir (root, journal->kernel_release, TRUE, error);
  if (target_fd < 0)
    return FALSE;

  ok = mtd_installer_remove_staging (target_fd, error) && read_current (target_fd, current, error);
  for (guint i = 0; ok && i < MTD_N_MODULES; i++)
    if (g_strcmp0 (current[i], journal->new_sha256[i]) != 0)
      forward = FALSE;

  if (ok && !forward)
    ok = roll_back (root, journal, target_fd, current, error);
  close (target_fd);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    g_free (current[i]);
  if (!ok)
    return FALSE;

  if (!mtd_installer_run_depmod (root, journal->kernel_release, cancellable, error))
    return FALSE;
  if (forward &&
      !mtd_state_set_installed (root, journal->kernel_release, journal->new_backup, error))
    return FALSE;
  if (!mtd_journal_remove (root, error))
    return FALSE;

  g_message ("Recovered an interrupted %s for kernel %s: %s", journal->operation,
             journal->kernel_release, forward ? "finished it" : "restored the previous modules");
  if (out_recovery != NULL)
    *out_recovery = forward ? MTD_RECOVERY_ROLLED_FORWARD : MTD_RECOVERY_ROLLED_BACK;

  return TRUE;
}

/**
 * mtd_recovery_to_string:
 * @recovery: a #MtdRecovery
 *
 * Returns: "none", "rolled-forward" or "rolled-back"
 */
const char *
mtd_recovery_to_string (MtdRecovery recovery)
{
  switch (recovery)
    {
    case MTD_RECOVERY_NONE:
      return "none";
    case MTD_RECOVERY_ROLLED_FORWARD:
      return "rolled-forward";
    case MTD_RECOVERY_ROLLED_BACK:
      return "rolled-back";
    default:
      g_return_val_if_reached (NULL);
    }
}
