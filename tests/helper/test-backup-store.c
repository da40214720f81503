/* test-backup-store.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mt-error.h"
#include "mtd-backup-store.h"
#include "mtd-state.h"
#include "mtd-test-util.h"
#include "mtd-validate.h"

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static char *
create_one (MtdBackupStore *store, const char *kver, const char *text)
{
  g_autoptr (MtdBackupManifest) meta = NULL;
  g_autoptr (GBytes) a = NULL;
  g_autoptr (GBytes) b = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *pair[MTD_N_MODULES];
  g_autofree char *a_text = g_strconcat ("vmmon ", text, NULL);
  g_autofree char *b_text = g_strconcat ("vmnet ", text, NULL);
  const char *flags[] = { "optimize-o2", NULL };
  char *id;

  meta = mtd_backup_manifest_new (kver, "17.6.3", 417, flags, "modtune");
  a = bytes_of (a_text);
  b = bytes_of (b_text);
  pair[0] = a;
  pair[1] = b;
  id = mtd_backup_store_create (store, meta, pair, &error);
  g_assert_no_error (error);
  g_assert_true (mtd_validate_backup_id (id, NULL));

  return id;
}

static void
test_create_list (void)
{
  char *root = mtd_test_root_new ();
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GVariant) variant = NULL;
  g_autoptr (GVariant) first = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "vmmon one", -1);
  g_autofree char *file = NULL;
  g_autofree char *manifest_path = NULL;
  const char *text;
  gint32 iv;
  gboolean installed;
  guint64 size;
  struct stat st;

  store = mtd_backup_store_new (root, &error);
  g_assert_no_error (error);
  id1 = create_one (store, MTD_TEST_KVER, "one");
  id2 = create_one (store, MTD_TEST_KVER, "two");
  g_assert_cmpstr (id1, !=, id2);

  file = g_build_filename (root, "var/lib/modtune/backups", id1, "vmmon.ko", NULL);
  manifest_path = g_build_filename (root, "var/lib/modtune/backups", id1, "manifest.json", NULL);
  g_assert_no_errno (lstat (file, &st));
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
  g_assert_true (g_file_test (manifest_path, G_FILE_TEST_IS_REGULAR));

  manifest = mtd_backup_store_lookup (store, id1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (manifest->sha256[MTD_MODULE_VMMON], ==, sha);
  g_assert_cmpstr (manifest->kernel_release, ==, MTD_TEST_KVER);
  g_assert_cmpstr (manifest->origin, ==, "modtune");
  g_assert_cmpint (manifest->interface_version, ==, 417);
  g_assert_cmpstr (manifest->flag_ids[0], ==, "optimize-o2");
  g_assert_true (mtd_backup_store_verify (store, id1, &error));
  g_assert_no_error (error);

  list = mtd_backup_store_list (store);
  g_assert_cmpuint (list->len, ==, 2);

  mtd_state_set_installed (root, MTD_TEST_KVER, id2, &error);
  g_assert_no_error (error);
  variant = mtd_backup_store_list_variant (store, &error);
  g_assert_no_error (error);
  g_variant_ref_sink (variant);
  g_assert_cmpuint (g_variant_n_children (variant), ==, 2);
  first = g_variant_get_child_value (variant, 0);
  for (guint i = 0; i < g_variant_n_children (variant); i++)
    {
      g_autoptr (GVariant) entry = g_variant_get_child_value (variant, i);
      const char *keys[] = {
        "id",       "created", "kernel-release", "workstation-version", "interface-version",
        "flag-ids", "origin",  "installed",      "known-good",          "size"
      };

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          g_autoptr (GVariant) value = g_variant_lookup_value (entry, keys[k], NULL);

          g_assert_nonnull (value);
        }
    }
  g_assert_true (g_variant_lookup (first, "kernel-release", "&s", &text));
  g_assert_cmpstr (text, ==, MTD_TEST_KVER);
  g_assert_true (g_variant_lookup (first, "interface-version", "i", &iv));
  g_assert_cmpint (iv, ==, 417);
  g_assert_true (g_variant_lookup (first, "size", "t", &size));
  g_assert_cmpuint (size, ==, strlen ("vmmon two") + strlen ("vmnet two"));
  /* newest first: the second one, installed */
  g_assert_true (g_variant_lookup (first, "id", "&s", &text));
  if (g_str_equal (text, id2))
    {
      g_assert_true (g_variant_lookup (first, "installed", "b", &installed));
      g_assert_true (installed);
    }

  mtd_test_root_free (root);
}

static void
test_lookup_rule_9 (void)
{
  char *root = mtd_test_root_new ();
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *id = NULL;

  store = mtd_backup_store_new (root, &error);
  g_assert_no_error (error);
  id = create_one (store, MTD_TEST_KVER, "one");
  before = mtd_test_listing (root, "var/lib/modtune");

  manifest = mtd_backup_store_lookup (store, "20200101T000000Z-00000000", &error);
  g_assert_null (manifest);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  manifest = mtd_backup_store_lookup (store, "../backups", &error);
  g_assert_null (manifest);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (mtd_backup_store_delete (store, "20200101T000000Z-0000000/", &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  after = mtd_test_listing (root, "var/lib/modtune");
  g_assert_cmpstr (before, ==, after);

  mtd_test_root_free (root);
}

static void
test_tampered (void)
{
  char *root = mtd_test_root_new ();
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *file = NULL;

  store = mtd_backup_store_new (root, &error);
  g_assert_no_error (error);
  id = create_one (store, MTD_TEST_KVER, "one");
  file = g_build_filename (root, "var/lib/modtune/backups", id, "vmnet.ko", NULL);
  g_file_set_contents (file, "vmnet tampered", -1, &error);
  g_assert_no_error (error);

  g_assert_false (mtd_backup_store_verify (store, id, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_clear_error (&error);
  bytes = mtd_backup_store_read_module (store, id, MTD_MODULE_VMNET, &error);
  g_assert_null (bytes);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);

  mtd_test_root_free (root);
}

static void
test_symlink_backup_file (void)
{
  char *root = mtd_test_root_new ();
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *file = NULL;
  g_autofree char *secret = mtd_test_path (root, "secret");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  store = mtd_backup_store_new (root, &error);
  g_assert_no_error (error);
  id = create_one (store, MTD_TEST_KVER, "one");
  g_file_set_contents (secret, "vmmon one", -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (chmod (secret, 0600));
  file = g_build_filename (root, "var/lib/modtune/backups", id, "vmmon.ko", NULL);
  g_assert_no_errno (g_unlink (file));
  g_assert_no_errno (symlink (secret, file));
  before = mtd_test_listing (root, "secret");

  g_assert_false (mtd_backup_store_verify (store, id, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (mtd_backup_store_delete (store, id, &error));
  g_assert_nonnull (error);
  after = mtd_test_listing (root, "secret");
  g_assert_cmpstr (before, ==, after);
  g_assert_true (g_file_test (secret, G_FILE_TEST_IS_REGULAR));

  mtd_test_root_free (root);
}

static void
test_cap (void)
{
  char *root = mtd_test_root_new ();
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  const guint n = 3;
  guint64 total = 0;
  gboolean have_installed = FALSE;
  gboolean have_known_good = FALSE;

  store = mtd_backup_store_new (root, &error);
  g_assert_no_error (error);
  mtd_backup_store_set_limits (store, n, G_MAXUINT64);

  for (guint i = 0; i < n + 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("version %u", i);

      g_ptr_array_add (ids, create_one (store, MTD_TEST_KVER, text));
      /* the first is known good, the second installed */
      if (i == 0)
        mtd_state_set_known_good (root, MTD_TEST_KVER, g_ptr_array_index (ids, 0), &error);
      if (i == 1)
        mtd_state_set_installed (root, MTD_TEST_KVER, g_ptr_array_index (ids, 1), &error);
      g_assert_no_error (error);
      g_assert_true (mtd_backup_store_prune (store, NULL, &error));
      g_assert_no_error (error);
    }
  /* another kernel's backup is not counted against this one */
  g_ptr_array_add (ids, create_one (store, "6.1.0-other", "other"));

  list = mtd_backup_store_list (store);
  g_assert_cmpuint (list->len, ==, n + 1);
  for (guint i = 0; i < list->len; i++)
    {
      MtdBackupManifest *manifest = g_ptr_array_index (list, i);

      have_installed |= g_str_equal (manifest->id, g_ptr_array_index (ids, 1));
      have_known_good |= g_str_equal (manifest->id, g_ptr_array_index (ids, 0));
      total += manifest->size;
    }
  g_assert_true (have_installed);
  g_assert_true (have_known_good);

  /* a size cap of two backups' worth */
  mtd_backup_store_set_limits (store, n, total / 2);
  g_assert_true (mtd_backup_store_prune (store, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = mtd_backup_store_list (store);
  total = 0;
  have_installed = have_known_good = FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      MtdBackupManifest *manifest = g_ptr_array_index (list, i);

      have_installed |= g_str_equal (manifest->id, g_ptr_array_index (ids, 1));
      have_known_good |= g_str_equal (manifest->id, g_ptr_array_index (ids, 0));
      total += manifest->size;
    }
  g_assert_true (have_installed);
  g_assert_true (have_known_good);
  g_assert_cmpuint (list->len, ==, 2);

  mtd_test_root_free (root);
}

static void
test_delete_protected (void)
{
  char *root = mtd_test_root_new ();
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  store = mtd_backup_store_new (root, &error);
  g_assert_no_error (error);
  a = create_one (store, MTD_TEST_KVER, "a");
  b = create_one (store, MTD_TEST_KVER, "b");
  c = create_one (store, MTD_TEST_KVER, "c");
  g_assert_true (mtd_state_set_installed (root, MTD_TEST_KVER, a, &error));
  g_assert_true (mtd_state_set_known_good (root, MTD_TEST_KVER, b, &error));

  before = mtd_test_listing (root, "var/lib/modtune");
  g_assert_false (mtd_backup_store_delete (store, a, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (mtd_backup_store_delete (store, b, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  after = mtd_test_listing (root, "var/lib/modtune");
  g_assert_cmpstr (before, ==, after);

  g_assert_true (mtd_backup_store_delete (store, c, &error));
  g_assert_no_error (error);
  g_assert_null (mtd_backup_store_lookup (store, c, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);

  mtd_test_root_free (root);
}

static void
test_damaged_skipped (void)
{
  char *root = mtd_test_root_new ();
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *good = NULL;
  g_autofree char *bad_manifest = NULL;
  g_autofree char *foreign = mtd_test_path (root, "var/lib/modtune/backups/junk");
  g_autofree char *damaged = NULL;
  g_autofree char *no_manifest =
    mtd_test_path (root, "var/lib/modtune/backups/20200101T000000Z-00000001");
  GLogLevelFlags old_fatal;

  store = mtd_backup_store_new (root, &error);
  g_assert_no_error (error);
  good = create_one (store, MTD_TEST_KVER, "good");
  damaged = create_one (store, MTD_TEST_KVER, "damaged");
  bad_manifest = g_build_filename (root, "var/lib/modtune/backups", damaged, "manifest.json", NULL);
  g_file_set_contents (bad_manifest, "{\"id\": 3}", -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (g_mkdir (foreign, 0700));
  g_assert_no_errno (g_mkdir (no_manifest, 0700));

  /* each skipped entry is a warning, not fatal here */
  old_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  list = mtd_backup_store_list (store);
  g_log_set_always_fatal (old_fatal);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((MtdBackupManifest *) g_ptr_array_index (list, 0))->id, ==, good);

  mtd_test_root_free (root);
}

static void
test_manifest_parse (void)
{
  const char *good = "{\"id\": \"20260101T120000Z-0123abcd\", \"created\": 1767268800, "
                     "\"kernel_release\": \"6.12.0-1-amd64\", \"workstation_version\": \"17.6.3\", "
                     "\"interface_version\": 417, \"flag_ids\": [\"optimize-o2\"], "
                     "\"origin\": \"vmware\", \"files\": {\"vmmon.ko\": "
                     "\"0000000000000000000000000000000000000000000000000000000000000000\"}}";
  const char *const bad[] = {
    "",
    "[]",
    "{}",
    "{\"id\": \"20260101T120000Z-0123abcd\"}",
    /* unknown key */
    "{\"id\": \"20260101T120000Z-0123abcd\", \"created\": 1, \"kernel_release\": \"6.12\", "
    "\"workstation_version\": \"\", \"interface_version\": 0, \"flag_ids\": [], \"origin\": "
    "\"modtune\", \"files\": {\"vmmon.ko\": "
    "\"0000000000000000000000000000000000000000000000000000000000000000\"}, \"extra\": 1}",
    /* a path as kernel release */
    "{\"id\": \"20260101T120000Z-0123abcd\", \"created\": 1, \"kernel_release\": \"../..\", "
    "\"workstation_version\": \"\", \"interface_version\": 0, \"flag_ids\": [], \"origin\": "
    "\"modtune\", \"files\": {\"vmmon.ko\": "
    "\"0000000000000000000000000000000000000000000000000000000000000000\"}}",
    /* no files */
    "{\"id\": \"20260101T120000Z-0123abcd\", \"created\": 1, \"kernel_release\": \"6.12\", "
    "\"workstation_version\": \"\", \"interface_version\": 0, \"flag_ids\": [], \"origin\": "
    "\"modtune\", \"files\": {}}",
    /* a foreign file name */
    "{\"id\": \"20260101T120000Z-0123abcd\", \"created\": 1, \"kernel_release\": \"6.12\", "
    "\"workstation_version\": \"\", \"interface_version\": 0, \"flag_ids\": [], \"origin\": "
    "\"modtune\", \"files\": {\"../shadow\": "
    "\"0000000000000000000000000000000000000000000000000000000000000000\"}}",
    /* an uppercase hash */
    "{\"id\": \"20260101T120000Z-0123abcd\", \"created\": 1, \"kernel_release\": \"6.12\", "
    "\"workstation_version\": \"\", \"interface_version\": 0, \"flag_ids\": [], \"origin\": "
    "\"modtune\", \"files\": {\"vmmon.ko\": "
    "\"000000000000000000000000000000000000000000000000000000000000000A\"}}",
    /* deep nesting */
    "{\"id\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
  };
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr (MtdBackupManifest) again = NULL;
  gsize len;

  manifest = mtd_backup_manifest_parse (good, strlen (good), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (manifest->origin, ==, "vmware");
  g_assert_null (manifest->sha256[MTD_MODULE_VMNET]);

  json = mtd_backup_manifest_to_json (manifest, &len);
  again = mtd_backup_manifest_parse (json, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->id, ==, manifest->id);
  g_assert_cmpint (again->created, ==, manifest->created);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (MtdBackupManifest) m = mtd_backup_manifest_parse (bad[i], strlen (bad[i]), &error);

      g_assert_null (m);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/helper/backup/create-list", test_create_list);
  g_test_add_func ("/helper/backup/damaged-skipped", test_damaged_skipped);
  g_test_add_func ("/helper/backup/delete-protected", test_delete_protected);
  g_test_add_func ("/helper/backup/manifest-parse", test_manifest_parse);
  g_test_add_func ("/helper/rule-9/lookup", test_lookup_rule_9);
  g_test_add_func ("/helper/rule-15/symlink-backup-file", test_symlink_backup_file);
  g_test_add_func ("/helper/rule-25/tampered-backup-store", test_tampered);
  g_test_add_func ("/helper/rule-26/cap", test_cap);

  return g_test_run ();
}
