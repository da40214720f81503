/* mtd-backup-store.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-backup-store"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "mt-error.h"
#include "mtd-backup-store.h"
#include "mtd-state.h"
#include "mtd-validate.h"

/**
 * SECTION:mtd-backup-store
 *
 * Backups of module pairs in `var/lib/modtune/backups/<id>/`: the module
 * files and `manifest.json`.  A backup is written into `.new-<id>/`, each
 * file and the directory synced, then renamed to `<id>` and `backups/`
 * synced, so it is durable before anything is renamed over the modules it
 * preserves (SECURITY.md rule 21).  Ids are made here, from the UTC time
 * and four random bytes (rule 9).  Files are read with %O_NOFOLLOW and
 * their SHA-256 checked against the manifest (rules 15, 25).  The
 * installed and the known-good backups of every kernel (mtd-state) are
 * never deleted or pruned (rule 26).
 */

#define MANIFEST_NAME     "manifest.json"
#define MANIFEST_MAX_SIZE (64 * 1024)
#define VERSION_MAX       64
#define MAX_BACKUPS       4096

struct _MtdBackupStore
{
  GObject parent_instance;

  char *root;
  int backups_fd;
  guint max_per_kernel;
  guint64 max_total_size;
};

G_DEFINE_FINAL_TYPE (MtdBackupStore, mtd_backup_store, G_TYPE_OBJECT)

static void
mtd_backup_store_finalize (GObject *object)
{
  MtdBackupStore *self = MTD_BACKUP_STORE (object);

  g_free (self->root);
  if (self->backups_fd >= 0)
    close (self->backups_fd);

  G_OBJECT_CLASS (mtd_backup_store_parent_class)->finalize (object);
}

static void
mtd_backup_store_class_init (MtdBackupStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mtd_backup_store_finalize;
}

static void
mtd_backup_store_init (MtdBackupStore *self)
{
  self->backups_fd = -1;
  self->max_per_kernel = MTD_BACKUP_STORE_DEFAULT_MAX_PER_KERNEL;
  self->max_total_size = MTD_BACKUP_STORE_DEFAULT_MAX_TOTAL_SIZE;
}

static gboolean
is_printable_ascii (const char *text, gsize max_len)
{
  gsize len = strnlen (text, max_len + 1);

  if (len > max_len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (text[i] < 0x20 || text[i] > 0x7e)
      return FALSE;

  return TRUE;
}

static gboolean
is_flag_id (const char *id)
{
  gsize len = strnlen (id, 65);

  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && strchr ("._-", id[i]) == NULL)
      return FALSE;

  return TRUE;
}

static gboolean
is_origin (const char *origin)
{
  return g_strcmp0 (origin, "modtune") == 0 || g_strcmp0 (origin, "vmware") == 0;
}

/**
 * mtd_backup_manifest_new:
 * @kernel_release: the kernel the modules were built for
 * @workstation_version: (nullable): the Workstation version
 * @interface_version: the vmmon interface version, or 0
 * @flag_ids: (nullable): the catalog flags the modules were built with
 * @origin: "modtune" or "vmware"
 *
 * The metadata of a backup to create; mtd_backup_store_create() fills in
 * the id, the time and the SHA-256s.
 *
 * Returns: (transfer full): a new manifest
 */
MtdBackupManifest *
mtd_backup_manifest_new (const char *kernel_release,
                         const char *workstation_version,
                         gint32 interface_version,
                         const char *const *flag_ids,
                         const char *origin)
{
  MtdBackupManifest *manifest;

  g_return_val_if_fail (kernel_release != NULL, NULL);
  g_return_val_if_fail (is_origin (origin), NULL);

  manifest = g_new0 (MtdBackupManifest, 1);
  manifest->kernel_release = g_strdup (kernel_release);
  manifest->workstation_version = g_strdup (workstation_version != NULL ? workstation_version : "");
  manifest->interface_version = interface_version;
  manifest->flag_ids = flag_ids != NULL ? g_strdupv ((char **) flag_ids) : g_new0 (char *, 1);
  manifest->origin = g_strdup (origin);

  return manifest;
}

/**
 * mtd_backup_manifest_copy:
 * @manifest: a manifest
 *
 * Returns: (transfer full): a deep copy
 */
MtdBackupManifest *
mtd_backup_manifest_copy (const MtdBackupManifest *manifest)
{
  MtdBackupManifest *copy;

  g_return_val_if_fail (manifest != NULL, NULL);

  copy = g_new0 (MtdBackupManifest, 1);
  copy->id = g_strdup (manifest->id);
  copy->created = manifest->created;
  copy->kernel_release = g_strdup (manifest->kernel_release);
  copy->workstation_version = g_strdup (manifest->workstation_version);
  copy->interface_version = manifest->interface_version;
  copy->flag_ids = g_strdupv (manifest->flag_ids);
  copy->origin = g_strdup (manifest->origin);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    copy->sha256[i] = g_strdup (manifest->sha256[i]);
  copy->size = manifest->size;

  return copy;
}

/**
 * mtd_backup_manifest_free:
 * @manifest: (nullable): a manifest
 */
void
mtd_backup_manifest_free (MtdBackupManifest *manifest)
{
  if (manifest == NULL)
    return;

  g_free (manifest->id);
  g_free (manifest->kernel_release);
  g_free (manifest->workstation_version);
  g_strfreev (manifest->flag_ids);
  g_free (manifest->origin);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    g_free (manifest->sha256[i]);
  g_free (manifest);
}

static const char *
get_string (JsonObject *object, const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
get_int (JsonObject *object, const char *key, gint64 min, gint64 max, gint64 *out)
{
  JsonNode *node = json_object_get_member (object, key);
  gint64 value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  value = json_node_get_int (node);
  if (value < min || value > max)
    return FALSE;
  *out = value;

  return TRUE;
}

static gboolean
has_only_members (JsonObject *object, const char *const *allowed)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      return FALSE;

  return TRUE;
}

static gboolean
parse_manifest_object (JsonObject *object, MtdBackupManifest *manifest)
{
  static const char *const keys[] = { "id",
                                      "created",
                                      "kernel_release",
                                      "workstation_version",
                                      "interface_version",
                                      "flag_ids",
                                      "origin",
                                      "files",
                                      NULL };
  static const char *const file_keys[] = { "vmmon.ko", "vmnet.ko", NULL };
  const char *text;
  JsonNode *node;
  JsonArray *array;
  JsonObject *files;
  gint64 value;
  guint n;

  if (!has_only_members (object, keys))
    return FALSE;

  text = get_string (object, "id");
  if (!mtd_validate_backup_id (text, NULL))
    return FALSE;
  manifest->id = g_strdup (text);

  if (!get_int (object, "created", 0, G_MAXINT64, &manifest->created))
    return FALSE;

  text = get_string (object, "kernel_release");
  if (!mtd_validate_kernel_release_form (text, NULL))
    return FALSE;
  manifest->kernel_release = g_strdup (text);

  text = get_string (object, "workstation_version");
  if (text == NULL || !is_printable_ascii (text, VERSION_MAX))
    return FALSE;
  manifest->workstation_version = g_strdup (text);

  if (!get_int (object, "interface_version", 0, G_MAXINT32, &value))
    return FALSE;
  manifest->interface_version = (gint32) value;

  node = json_object_get_member (object, "flag_ids");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > MTD_FLAG_IDS_MAX)
    return FALSE;
  manifest->flag_ids = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) != G_TYPE_STRING ||
          !is_flag_id (json_node_get_string (element)))
        return FALSE;
      manifest->flag_ids[i] = g_strdup (json_node_get_string (element));
    }

  text = get_string (object, "origin");
  if (!is_origin (text))
    return FALSE;
  manifest->origin = g_strdup (text);

  node = json_object_get_member (object, "files");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  files = json_node_get_object (node);
  if (json_object_get_size (files) == 0 || !has_only_members (files, file_keys))
    return FALSE;
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      if (!json_object_has_member (files, file_keys[i]))
        continue;
      text = get_string (files, file_keys[i]);
      if (!mtd_fs_is_sha256 (text))
        return FALSE;
      manifest->sha256[i] = g_strdup (text);
    }

  return TRUE;
}

/**
 * mtd_backup_manifest_parse:
 * @data: (array length=len): the text of a `manifest.json`
 * @len: its length
 * @error: a location for a #GError
 *
 * Parses a backup manifest strictly (bounded, every key known and of its
 * type, ids and kernel releases of their form, SHA-256s as 64 lowercase
 * hex digits).  A target of the `fuzz` suite.
 *
 * Returns: (transfer full): the manifest, or %NULL with
 *   %MT_ERROR_INVALID_DATA
 */
MtdBackupManifest *
mtd_backup_manifest_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = mtd_fs_parse_json_object (data, len, MANIFEST_MAX_SIZE, _ ("The backup manifest"), error);
  if (node == NULL)
    return NULL;

  manifest = g_new0 (MtdBackupManifest, 1);
  if (!parse_manifest_object (json_node_get_object (node), manifest))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                           _ ("The backup manifest is damaged: a key is missing, unknown or has "
                              "a wrong value"));
      return NULL;
    }

  return g_steal_pointer (&manifest);
}

/**
 * mtd_backup_manifest_to_json:
 * @manifest: a complete manifest
 * @out_len: (out) (optional): the length of the text
 *
 * Returns: (transfer full): `manifest.json`'s text
 */
char *
mtd_backup_manifest_to_json (const MtdBackupManifest *manifest, gsize *out_len)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (manifest != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, manifest->id);
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, manifest->created);
  json_builder_set_member_name (builder, "kernel_release");
  json_builder_add_string_value (builder, manifest->kernel_release);
  json_builder_set_member_name (builder, "workstation_version");
  json_builder_add_string_value (builder, manifest->workstation_version);
  json_builder_set_member_name (builder, "interface_version");
  json_builder_add_int_value (builder, manifest->interface_version);
  json_builder_set_member_name (builder, "flag_ids");
  json_builder_begin_array (builder);
  for (guint i = 0; manifest->flag_ids != NULL && manifest->flag_ids[i] != NULL; i++)
    json_builder_add_string_value (builder, manifest->flag_ids[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "origin");
  json_builder_add_string_value (builder, manifest->origin);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_object (builder);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      if (manifest->sha256[i] == NULL)
        continue;
      json_builder_set_member_name (builder, mtd_module_file_name (i));
      json_builder_add_string_value (builder, manifest->sha256[i]);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);

  return json_generator_to_data (generator, out_len);
}

/**
 * mtd_backup_manifest_to_variant:
 * @manifest: a manifest from the store
 * @installed: whether its modules are the installed ones
 * @known_good: whether it is the last known-good backup
 *
 * Returns: (transfer floating): the `a{sv}` of ListBackups: id, created,
 *   kernel-release, workstation-version, interface-version, flag-ids,
 *   origin, installed, known-good, size
 */
GVariant *
mtd_backup_manifest_to_variant (const MtdBackupManifest *manifest,
                                gboolean installed,
                                gboolean known_good)
{
  GVariantBuilder builder;

  g_return_val_if_fail (manifest != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string (manifest->id));
  g_variant_builder_add (&builder, "{sv}", "created",
                         g_variant_new_uint64 ((guint64) manifest->created));
  g_variant_builder_add (&builder, "{sv}", "kernel-release",
                         g_variant_new_string (manifest->kernel_release));
  g_variant_builder_add (&builder, "{sv}", "workstation-version",
                         g_variant_new_string (manifest->workstation_version));
  g_variant_builder_add (&builder, "{sv}", "interface-version",
                         g_variant_new_int32 (manifest->interface_version));
  g_variant_builder_add (&builder, "{sv}", "flag-ids",
                         g_variant_new_strv ((const char *const *) manifest->flag_ids, -1));
  g_variant_builder_add (&builder, "{sv}", "origin", g_variant_new_string (manifest->origin));
  g_variant_builder_add (&builder, "{sv}", "installed", g_variant_new_boolean (installed));
  g_variant_builder_add (&builder, "{sv}", "known-good", g_variant_new_boolean (known_good));
  g_variant_builder_add (&builder, "{sv}", "size", g_variant_new_uint64 (manifest->size));

  return g_variant_builder_end (&builder);
}

/**
 * mtd_backup_store_new:
 * @root: the root prefix, "/" on a real system
 * @error: a location for a #GError
 *
 * Opens the backups of the state directory, checking it (rule 17).
 *
 * Returns: (transfer full): the store, or %NULL
 */
MtdBackupStore *
mtd_backup_store_new (const char *root, GError **error)
{
  g_autoptr (MtdBackupStore) self = NULL;
  int state_fd;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  state_fd = mtd_state_dir_open (root, error);
  if (state_fd < 0)
    return NULL;

  self = g_object_new (MTD_TYPE_BACKUP_STORE, NULL);
  self->root = g_strdup (root);
  self->backups_fd = mtd_state_open_subdir (state_fd, MTD_BACKUPS_DIR, error);
  close (state_fd);
  if (self->backups_fd < 0)
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * mtd_backup_store_get_root:
 * @self: a #MtdBackupStore
 *
 * Returns: the root prefix
 */
const char *
mtd_backup_store_get_root (MtdBackupStore *self)
{
  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), NULL);

  return self->root;
}

/**
 * mtd_backup_store_set_limits:
 * @self: a #MtdBackupStore
 * @max_per_kernel: how many backups of one kernel mtd_backup_store_prune()
 *   keeps (at least 1)
 * @max_total_size: how many bytes all backups may take
 */
void
mtd_backup_store_set_limits (MtdBackupStore *self, guint max_per_kernel, guint64 max_total_size)
{
  g_return_if_fail (MTD_IS_BACKUP_STORE (self));
  g_return_if_fail (max_per_kernel > 0);

  self->max_per_kernel = max_per_kernel;
  self->max_total_size = max_total_size;
}

static char *
make_id (GDateTime *now)
{
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  guint32 random_bits;

  if (getrandom (&random_bits, sizeof random_bits, 0) != sizeof random_bits)
    random_bits = g_random_int ();

  return g_strdup_printf ("%s-%08x", stamp, random_bits);
}

static gboolean
write_backup_dir (int dir_fd,
                  const MtdBackupManifest *manifest,
                  GBytes *const *modules,
                  GError **error)
{
  g_autoptr (GBytes) text = NULL;
  gsize len;
  char *json;

  for (guint i = 0; i < MTD_N_MODULES; i++)
    if (modules[i] != NULL &&
        !mtd_fs_write_new_file_at (dir_fd, mtd_module_file_name (i), modules[i], 0644, error))
      return FALSE;

  json = mtd_backup_manifest_to_json (manifest, &len);
  text = g_bytes_new_take (json, len);
  if (!mtd_fs_write_new_file_at (dir_fd, MANIFEST_NAME, text, 0644, error))
    return FALSE;

  return mtd_fs_fsync_dir (dir_fd, MANIFEST_NAME, error);
}

/**
 * mtd_backup_store_create:
 * @self: a #MtdBackupStore
 * @meta: the metadata (from mtd_backup_manifest_new()); its id, time and
 *   SHA-256s are ignored
 * @modules: (array fixed-size=2): the vmmon and vmnet files, either (not
 *   both) %NULL when the backup does not hold it
 * @error: a location for a #GError
 *
 * Makes a backup durable: written to `.new-<id>/`, every file and the
 * directory synced, renamed to `<id>` and `backups/` synced (rule 21).
 * Does not prune; see mtd_backup_store_prune().
 *
 * Returns: (transfer full): the new backup's id, or %NULL
 */
char *
mtd_backup_store_create (MtdBackupStore *self,
                         const MtdBackupManifest *meta,
                         GBytes *const *modules,
                         GError **error)
{
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *staging = NULL;
  struct stat st;
  gboolean ok;
  int dir_fd;

  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), NULL);
  g_return_val_if_fail (meta != NULL, NULL);
  g_return_val_if_fail (modules != NULL, NULL);
  g_return_val_if_fail (modules[0] != NULL || modules[1] != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  manifest = mtd_backup_manifest_copy (meta);
  manifest->created = g_date_time_to_unix (now);
  manifest->size = 0;
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_clear_pointer (&manifest->sha256[i], g_free);
      if (modules[i] != NULL)
        {
          manifest->sha256[i] = mtd_fs_sha256 (modules[i]);
          manifest->size += g_bytes_get_size (modules[i]);
        }
    }

  /* four random bytes: a clash is all but impossible, but never reuse one */
  do
    {
      g_free (manifest->id);
      manifest->id = make_id (now);
    }
  while (fstatat (self->backups_fd, manifest->id, &st, AT_SYMLINK_NOFOLLOW) == 0);

  staging = g_strdup_printf (".new-%s", manifest->id);
  dir_fd = mtd_fs_open_dir_at (self->backups_fd, staging, TRUE, 0700, staging, error);
  if (dir_fd < 0)
    return NULL;
  ok = write_backup_dir (dir_fd, manifest, modules, error);
  close (dir_fd);

  if (ok && renameat (self->backups_fd, staging, self->backups_fd, manifest->id) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Could not store the backup %s: %s"), manifest->id, g_strerror (errsv));
      ok = FALSE;
    }
  if (!ok)
    {
      g_autoptr (GError) cleanup_error = NULL;

      if (!mtd_fs_remove_tree_at (self->backups_fd, staging, &cleanup_error))
        g_warning ("Could not remove the unfinished backup %s: %s", staging,
                   cleanup_error->message);
      return NULL;
    }

  if (!mtd_fs_fsync_dir (self->backups_fd, manifest->id, error))
    return NULL;

  g_info ("Stored backup %s of kernel %s", manifest->id, manifest->kernel_release);

  return g_strdup (manifest->id);
}

/* Reads and checks `<id>/manifest.json`, and sums the sizes of its files. */
static MtdBackupManifest *
load_manifest (MtdBackupStore *self, const char *id, GError **error)
{
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *what = g_strdup_printf (_ ("the backup %s"), id);
  gboolean missing = FALSE;
  const char *data;
  gsize len;
  int dir_fd;

  dir_fd = mtd_fs_open_dir_at (self->backups_fd, id, FALSE, 0, what, error);
  if (dir_fd < 0)
    return NULL;

  bytes = mtd_fs_read_file_at (dir_fd, MANIFEST_NAME, MANIFEST_MAX_SIZE, NULL, &missing, error);
  if (bytes == NULL)
    {
      if (missing)
        g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                     _ ("The backup %s has no manifest; delete it"), id);
      close (dir_fd);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &len);
  manifest = mtd_backup_manifest_parse (data, len, error);
  if (manifest != NULL && g_strcmp0 (manifest->id, id) != 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("The manifest of the backup %s names another backup; delete it"), id);
      g_clear_pointer (&manifest, mtd_backup_manifest_free);
    }

  for (guint i = 0; manifest != NULL && i < MTD_N_MODULES; i++)
    {
      struct stat st;

      if (manifest->sha256[i] == NULL)
        continue;
      if (fstatat (dir_fd, mtd_module_file_name (i), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
          !S_ISREG (st.st_mode))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("The backup %s lacks %s or it is not a regular file; delete the "
                          "backup"),
                       id, mtd_module_file_name (i));
          g_clear_pointer (&manifest, mtd_backup_manifest_free);
          break;
        }
      manifest->size += (guint64) st.st_size;
    }
  close (dir_fd);

  return g_steal_pointer (&manifest);
}

static int
compare_newest_first (gconstpointer a, gconstpointer b)
{
  const MtdBackupManifest *ma = *(MtdBackupManifest *const *) a;
  const MtdBackupManifest *mb = *(MtdBackupManifest *const *) b;

  if (ma->created != mb->created)
    return ma->created > mb->created ? -1 : 1;

  return -g_strcmp0 (ma->id, mb->id);
}

/**
 * mtd_backup_store_list:
 * @self: a #MtdBackupStore
 *
 * Every intact backup, newest first.  A damaged or foreign entry is
 * skipped with a warning.
 *
 * Returns: (transfer container) (element-type MtdBackupManifest): the
 *   backups
 */
GPtrArray *
mtd_backup_store_list (MtdBackupStore *self)
{
  g_autoptr (GPtrArray) list = NULL;
  struct dirent *entry;
  DIR *dir;
  int fd;

  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), NULL);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) mtd_backup_manifest_free);
  fd = openat (self->backups_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dir = fd >= 0 ? fdopendir (fd) : NULL;
  if (dir == NULL)
    {
      g_warning ("Could not read /%s/%s: %s", MTD_STATE_DIR, MTD_BACKUPS_DIR, g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return g_steal_pointer (&list);
    }

  while ((entry = readdir (dir)) != NULL && list->len < MAX_BACKUPS)
    {
      g_autoptr (GError) error = NULL;
      MtdBackupManifest *manifest;

      if (entry->d_name[0] == '.')
        continue;
      if (!mtd_validate_backup_id (entry->d_name, NULL))
        {
          g_autofree char *shown = mtd_fs_escape (entry->d_name);

          g_warning ("Skipping %s in /%s/%s: it is not a backup", shown, MTD_STATE_DIR,
                     MTD_BACKUPS_DIR);
          continue;
        }
      manifest = load_manifest (self, entry->d_name, &error);
      if (manifest == NULL)
        {
          g_warning ("Skipping the backup %s: %s", entry->d_name, error->message);
          continue;
        }
      g_ptr_array_add (list, manifest);
    }
  closedir (dir);

  g_ptr_array_sort (list, compare_newest_first);

  return g_steal_pointer (&list);
}

/**
 * mtd_backup_store_list_variant:
 * @self: a #MtdBackupStore
 * @error: a location for a #GError
 *
 * ListBackups' answer.
 *
 * Returns: (transfer floating): an `aa{sv}` (see
 *   mtd_backup_manifest_to_variant()), or %NULL if the state is damaged
 */
GVariant *
mtd_backup_store_list_variant (MtdBackupStore *self, GError **error)
{
  g_autoptr (GPtrArray) list = NULL;
  GVariantBuilder builder;

  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), NULL);

  list = mtd_backup_store_list (self);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < list->len; i++)
    {
      MtdBackupManifest *manifest = g_ptr_array_index (list, i);
      g_autofree char *installed = NULL;
      g_autofree char *known_good = NULL;

      if (!mtd_state_get (self->root, manifest->kernel_release, &installed, &known_good, error))
        {
          g_variant_builder_clear (&builder);
          return NULL;
        }
      g_variant_builder_add_value (&builder, mtd_backup_manifest_to_variant (
                                               manifest, g_strcmp0 (installed, manifest->id) == 0,
                                               g_strcmp0 (known_good, manifest->id) == 0));
    }

  return g_variant_builder_end (&builder);
}

/**
 * mtd_backup_store_lookup:
 * @self: a #MtdBackupStore
 * @id: (nullable): a backup id from a client
 * @error: a location for a #GError
 *
 * Rule 9: @id must have the form and name a backup in the store.
 *
 * Returns: (transfer full): its manifest, or %NULL
 *   (%MT_ERROR_INVALID_ARGUMENT, %MT_ERROR_NOT_FOUND or
 *   %MT_ERROR_INVALID_DATA)
 */
MtdBackupManifest *
mtd_backup_store_lookup (MtdBackupStore *self, const char *id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  MtdBackupManifest *manifest;

  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!mtd_validate_backup_id (id, error))
    return NULL;

  manifest = load_manifest (self, id, &local_error);
  if (manifest == NULL)
    {
      if (g_error_matches (local_error, MT_ERROR, MT_ERROR_NOT_FOUND))
        g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                     _ ("There is no backup %s; ListBackups shows the backups there are"), id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return manifest;
}

static GBytes *
read_verified (MtdBackupStore *self,
               const MtdBackupManifest *manifest,
               MtdModule module,
               GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *sha = NULL;
  gboolean missing = FALSE;
  int dir_fd;

  dir_fd = mtd_fs_open_dir_at (self->backups_fd, manifest->id, FALSE, 0, manifest->id, error);
  if (dir_fd < 0)
    return NULL;
  bytes = mtd_fs_read_file_at (dir_fd, mtd_module_file_name (module), MTD_MODULE_MAX_SIZE, NULL,
                               &missing, error);
  close (dir_fd);
  if (missing)
    g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                 _ ("The backup %s lacks %s; it cannot be used"), manifest->id,
                 mtd_module_file_name (module));
  if (bytes == NULL)
    return NULL;

  sha = mtd_fs_sha256 (bytes);
  if (g_strcmp0 (sha, manifest->sha256[module]) != 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s in the backup %s does not match its manifest (SHA-256 %s, expected %s); "
                      "the backup is damaged or was altered and cannot be used"),
                   mtd_module_file_name (module), manifest->id, sha, manifest->sha256[module]);
      return NULL;
    }

  return g_steal_pointer (&bytes);
}

/**
 * mtd_backup_store_verify:
 * @self: a #MtdBackupStore
 * @id: a backup id
 * @error: a location for a #GError
 *
 * Rule 25: every file of the backup is a regular file (opened with
 * %O_NOFOLLOW) whose SHA-256 equals the manifest's.
 *
 * Returns: %TRUE if the backup is intact
 */
gboolean
mtd_backup_store_verify (MtdBackupStore *self, const char *id, GError **error)
{
  g_autoptr (MtdBackupManifest) manifest = NULL;

  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  manifest = mtd_backup_store_lookup (self, id, error);
  if (manifest == NULL)
    return FALSE;

  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autoptr (GBytes) bytes = NULL;

      if (manifest->sha256[i] == NULL)
        continue;
      bytes = read_verified (self, manifest, i, error);
      if (bytes == NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * mtd_backup_store_read_module:
 * @self: a #MtdBackupStore
 * @id: a backup id
 * @module: which module
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the module file, its SHA-256 checked against
 *   the manifest; %NULL with %MT_ERROR_NOT_FOUND if the backup does not
 *   hold it
 */
GBytes *
mtd_backup_store_read_module (MtdBackupStore *self,
                              const char *id,
                              MtdModule module,
                              GError **error)
{
  g_autoptr (MtdBackupManifest) manifest = NULL;

  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), NULL);
  g_return_val_if_fail (module < MTD_N_MODULES, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  manifest = mtd_backup_store_lookup (self, id, error);
  if (manifest == NULL)
    return NULL;
  if (manifest->sha256[module] == NULL)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, _ ("The backup %s does not hold %s"), id,
                   mtd_module_file_name (module));
      return NULL;
    }

  return read_verified (self, manifest, module, error);
}

static gboolean
remove_backup (MtdBackupStore *self, const char *id, GError **error)
{
  g_autofree char *doomed = g_strdup_printf (".del-%s", id);

  /* gone at once from the list, then removed at leisure */
  if (renameat (self->backups_fd, id, self->backups_fd, doomed) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Could not delete the backup %s: %s"), id, g_strerror (errsv));
      return FALSE;
    }
  if (!mtd_fs_fsync_dir (self->backups_fd, id, error))
    return FALSE;

  return mtd_fs_remove_tree_at (self->backups_fd, doomed, error);
}

/**
 * mtd_backup_store_delete:
 * @self: a #MtdBackupStore
 * @id: (nullable): a backup id from a client
 * @error: a location for a #GError
 *
 * DeleteBackup: refuses the installed and the known-good backups.
 *
 * Returns: %TRUE if the backup was deleted
 */
gboolean
mtd_backup_store_delete (MtdBackupStore *self, const char *id, GError **error)
{
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (GHashTable) protected_ids = NULL;

  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  manifest = mtd_backup_store_lookup (self, id, error);
  if (manifest == NULL)
    return FALSE;

  protected_ids = mtd_state_dup_protected_ids (self->root, error);
  if (protected_ids == NULL)
    return FALSE;
  if (g_hash_table_contains (protected_ids, id))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED,
                   _ ("The backup %s holds the installed or the last known-good modules of kernel "
                      "%s and cannot be deleted; install or restore another one first"),
                   id, manifest->kernel_release);
      return FALSE;
    }

  return remove_backup (self, id, error);
}

/**
 * mtd_backup_store_prune:
 * @self: a #MtdBackupStore
 * @keep_ids: (nullable): more ids never to remove (a transaction's own)
 * @error: a location for a #GError
 *
 * Rule 26: removes the oldest backups until each kernel has at most the
 * limit's number and all of them together take at most the size limit,
 * never removing an installed or known-good backup, or one of @keep_ids.
 *
 * Returns: %TRUE unless the state could not be read or a backup could not
 *   be removed
 */
gboolean
mtd_backup_store_prune (MtdBackupStore *self, const char *const *keep_ids, GError **error)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GHashTable) protected_ids = NULL;
  g_autoptr (GHashTable) per_kernel = NULL;
  g_autofree gboolean *removed = NULL;
  guint64 total = 0;

  g_return_val_if_fail (MTD_IS_BACKUP_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  protected_ids = mtd_state_dup_protected_ids (self->root, error);
  if (protected_ids == NULL)
    return FALSE;
  for (guint i = 0; keep_ids != NULL && keep_ids[i] != NULL; i++)
    g_hash_table_add (protected_ids, g_strdup (keep_ids[i]));

  list = mtd_backup_store_list (self);
  removed = g_new0 (gboolean, list->len + 1);
  per_kernel = g_hash_table_new (g_str_hash, g_str_equal);

  /* newest first: count each kernel's backups, and remove those beyond the
   * limit, oldest first, as long as removable ones remain */
  for (guint i = 0; i < list->len; i++)
    {
      MtdBackupManifest *manifest = g_ptr_array_index (list, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (per_kernel, manifest->kernel_release));

      g_hash_table_insert (per_kernel, manifest->kernel_release, GUINT_TO_POINTER (n + 1));
      total += manifest->size;
    }
  for (guint i = list->len; i-- > 0;)
    {
      MtdBackupManifest *manifest = g_ptr_array_index (list, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (per_kernel, manifest->kernel_release));

      if (n <= self->max_per_kernel || g_hash_table_contains (protected_ids, manifest->id))
        continue;
      if (!remove_backup (self, manifest->id, error))
        return FALSE;
      removed[i] = TRUE;
      total -= manifest->size;
      g_hash_table_insert (per_kernel, manifest->kernel_release, GUINT_TO_POINTER (n - 1));
      g_info ("Removed the backup %s: more than %u for kernel %s", manifest->id,
              self->max_per_kernel, manifest->kernel_release);
    }

  for (guint i = list->len; i-- > 0 && total > self->max_total_size;)
    {
      MtdBackupManifest *manifest = g_ptr_array_index (list, i);

      if (removed[i] || g_hash_table_contains (protected_ids, manifest->id))
        continue;
      if (!remove_backup (self, manifest->id, error))
        return FALSE;
      total -= manifest->size;
      g_info ("Removed the backup %s: the backups took more than %" G_GUINT64_FORMAT " bytes",
              manifest->id, self->max_total_size);
    }

  return TRUE;
}
