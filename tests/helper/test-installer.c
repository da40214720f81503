/* test-installer.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/* setresuid () */
#define _GNU_SOURCE

#include "config.h"

#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mt-error.h"
#include "mtd-backup-store.h"
#include "mtd-boot.h"
#include "mtd-installer.h"
#include "mtd-journal.h"
#include "mtd-state.h"
#include "mtd-test-util.h"

#define TARGET_DIR "lib/modules/" MTD_TEST_KVER "/updates/modtune"
#define NOBODY     65534

static const MtdInstallInfo info = { "17.6.3", 417, NULL };

typedef struct
{
  char *root;
  char *old_dir;
  char *new_dir;
  char *old_sha[MTD_N_MODULES];
  char *new_sha[MTD_N_MODULES];
  char *old_backup;
} Fixture;

static char *
sha_of (const char *dir, MtdModule module)
{
  g_autofree char *path = g_build_filename (dir, mtd_module_file_name (module), NULL);

  return mtd_test_sha256_file (path);
}

static gboolean
exists (const char *root, const char *rel_path)
{
  g_autofree char *path = g_build_filename (root, rel_path, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
target_sha (const char *root, MtdModule module)
{
  g_autofree char *path = g_build_filename (root, TARGET_DIR, mtd_module_file_name (module), NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;

  return mtd_test_sha256_file (path);
}

/* A root with the "old" pair installed by the helper and a "new" pair
 * built next to it. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->root = mtd_test_root_new ();
  mtd_test_run_depmod (f->root);
  f->old_dir = mtd_test_build_pair (f->root, "build-old", "1.0-old");
  f->new_dir = mtd_test_build_pair (f->root, "build-new", "2.0-new");
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      f->old_sha[i] = sha_of (f->old_dir, i);
      f->new_sha[i] = sha_of (f->new_dir, i);
    }

  g_assert_true (mtd_installer_install_pair (f->root, MTD_TEST_KVER, f->old_dir, &info, NULL,
                                             &f->old_backup, &error));
  g_assert_no_error (error);
  g_assert_null (f->old_backup);
  g_assert_true (mtd_state_get (f->root, MTD_TEST_KVER, &f->old_backup, NULL, &error));
  g_assert_nonnull (f->old_backup);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  mtd_test_root_free (f->root);
  g_free (f->old_dir);
  g_free (f->new_dir);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_free (f->old_sha[i]);
      g_free (f->new_sha[i]);
    }
  g_free (f->old_backup);
}

static void
assert_pair (const char *root, char **expected)
{
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autofree char *sha = target_sha (root, i);

      g_assert_cmpstr (sha, ==, expected[i]);
      g_assert_true (mtd_test_depmod_resolves (root, mtd_module_name (i), expected[i]));
    }
}

static void
test_install (Fixture *f, gconstpointer data)
{
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (MtdBackupManifest) old_manifest = NULL;
  g_autoptr (MtdBackupManifest) new_manifest = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) status = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *installed = NULL;
  g_autofree char *target = mtd_test_path (f->root, TARGET_DIR "/vmmon.ko");
  const char *origin;
  struct stat st;

  assert_pair (f->root, f->old_sha);
  g_assert_no_errno (lstat (target, &st));
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
  g_assert_cmpint (st.st_nlink, ==, 1);

  g_assert_true (
    mtd_installer_install_pair (f->root, MTD_TEST_KVER, f->new_dir, &info, NULL, &backup, &error));
  g_assert_no_error (error);
  assert_pair (f->root, f->new_sha);

  /* rule 21: the backup of what was replaced holds exactly it */
  g_assert_cmpstr (backup, ==, f->old_backup);
  store = mtd_backup_store_new (f->root, &error);
  g_assert_no_error (error);
  old_manifest = mtd_backup_store_lookup (store, backup, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    g_assert_cmpstr (old_manifest->sha256[i], ==, f->old_sha[i]);
  g_assert_true (mtd_backup_store_verify (store, backup, &error));

  g_assert_true (mtd_state_get (f->root, MTD_TEST_KVER, &installed, NULL, &error));
  new_manifest = mtd_backup_store_lookup (store, installed, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    g_assert_cmpstr (new_manifest->sha256[i], ==, f->new_sha[i]);
  g_assert_cmpstr (new_manifest->workstation_version, ==, "17.6.3");

  /* no journal or staging file is left */
  g_assert_false (exists (f->root, "var/lib/modtune/journal/current.json"));
  g_assert_false (exists (f->root, TARGET_DIR "/.vmmon.ko.new"));

  status = mtd_installer_dup_module_status (f->root, MTD_TEST_KVER, MTD_MODULE_VMNET, &error);
  g_assert_no_error (error);
  g_variant_ref_sink (status);
  g_assert_true (g_variant_lookup (status, "origin", "&s", &origin));
  g_assert_cmpstr (origin, ==, "modtune");

  g_assert_true (mtd_installer_mark_known_good (f->root, MTD_TEST_KVER, &error));
  g_assert_no_error (error);
}

/* SECURITY.md rule 18: a wrong artifact is rejected and nothing changes */
static void
check_artifact_rejected (Fixture *f, const char *dir)
{
  g_autofree char *before = mtd_test_listing_all (f->root);
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_false (
    mtd_installer_install_pair (f->root, MTD_TEST_KVER, dir, &info, NULL, &backup, &error));
  g_assert_nonnull (error);
  mtd_test_assert_no_control_chars (error->message);
  g_test_message ("rejected: %s", error->message);
  after = mtd_test_listing_all (f->root);
  g_assert_cmpstr (before, ==, after);
  assert_pair (f->root, f->old_sha);
}

static void
test_wrong_vermagic (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = mtd_test_path (f->root, "build-bad");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_no_errno (g_mkdir (dir, 0755));
  a = mtd_test_build_module (dir, "vmmon", MTD_TEST_KVER " SMP", "3", NULL, NULL);
  b = mtd_test_build_module (dir, "vmnet", "6.1.0-other SMP mod_unload", "3", NULL, NULL);
  check_artifact_rejected (f, dir);

  /* a prefix of the release is not the release */
  g_free (b);
  b = mtd_test_build_module (dir, "vmnet", MTD_TEST_KVER "x SMP", "3", NULL, NULL);
  check_artifact_rejected (f, dir);
}

static void
test_wrong_name (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = mtd_test_path (f->root, "build-bad");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *vmnet = mtd_test_path (f->root, "build-bad/vmnet.ko");
  g_autofree char *evil = mtd_test_path (f->root, "build-bad/evil.ko");

  g_assert_no_errno (g_mkdir (dir, 0755));
  a = mtd_test_build_module (dir, "vmmon", MTD_TEST_KVER " SMP", "3", NULL, NULL);
  b = mtd_test_build_module (dir, "evil", MTD_TEST_KVER " SMP", "3", NULL, NULL);
  g_assert_no_errno (g_rename (evil, vmnet));
  check_artifact_rejected (f, dir);
}

static void
test_not_elf (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = mtd_test_path (f->root, "build-bad");
  g_autofree char *a = NULL;
  g_autofree char *vmnet = mtd_test_path (f->root, "build-bad/vmnet.ko");
  g_autoptr (GError) error = NULL;

  g_assert_no_errno (g_mkdir (dir, 0755));
  a = mtd_test_build_module (dir, "vmmon", MTD_TEST_KVER " SMP", "3", NULL, NULL);
  g_file_set_contents (vmnet, "name=vmnet\nvermagic=" MTD_TEST_KVER "\n", -1, &error);
  g_assert_no_error (error);
  check_artifact_rejected (f, dir);
}

static void
test_hardlink (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = mtd_test_build_pair (f->root, "build-bad", "3");
  g_autofree char *vmnet = mtd_test_path (f->root, "build-bad/vmnet.ko");
  g_autofree char *other = mtd_test_path (f->root, "build-bad/other");

  g_assert_no_errno (link (vmnet, other));
  check_artifact_rejected (f, dir);
}

static void
test_too_large (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = mtd_test_build_pair (f->root, "build-bad", "3");
  g_autofree char *vmnet = mtd_test_path (f->root, "build-bad/vmnet.ko");

  g_assert_no_errno (truncate (vmnet, MTD_MODULE_MAX_SIZE + 1));
  check_artifact_rejected (f, dir);
}

/* SECURITY.md rule 15 */
static void
test_symlink_artifact (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = mtd_test_build_pair (f->root, "build-bad", "3");
  g_autofree char *vmnet = mtd_test_path (f->root, "build-bad/vmnet.ko");
  g_autofree char *new_vmnet = mtd_test_path (f->root, "build-new/vmnet.ko");
  g_autofree char *link_dir = mtd_test_path (f->root, "build-link");

  g_assert_no_errno (g_unlink (vmnet));
  g_assert_no_errno (symlink (new_vmnet, vmnet));
  check_artifact_rejected (f, dir);

  /* the build directory itself a link */
  g_assert_no_errno (symlink (f->new_dir, link_dir));
  check_artifact_rejected (f, link_dir);
}

static void
test_symlink_target (Fixture *f, gconstpointer data)
{
  g_autofree char *target = mtd_test_path (f->root, TARGET_DIR "/vmmon.ko");
  g_autofree char *secret = mtd_test_path (f->root, "secret");
  g_autofree char *secret_before = NULL;
  g_autofree char *secret_after = NULL;
  g_autofree char *backup = NULL;
  g_autoptr (GError) error = NULL;

  g_file_set_contents (secret, "root:*:20000:0:99999:7:::\n", -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (chmod (secret, 0600));
  secret_before = mtd_test_listing (f->root, "secret");

  g_assert_no_errno (g_unlink (target));
  g_assert_no_errno (symlink (secret, target));
  g_assert_false (
    mtd_installer_install_pair (f->root, MTD_TEST_KVER, f->new_dir, &info, NULL, &backup, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);

  g_assert_false (mtd_installer_uninstall (f->root, MTD_TEST_KVER, NULL, &backup, &error));
  g_assert_nonnull (error);

  secret_after = mtd_test_listing (f->root, "secret");
  g_assert_cmpstr (secret_before, ==, secret_after);
}

static void
test_symlink_target_dir (Fixture *f, gconstpointer data)
{
  g_autofree char *target = mtd_test_path (f->root, TARGET_DIR);
  g_autofree char *elsewhere = mtd_test_path (f->root, "elsewhere");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_no_errno (g_rename (target, elsewhere));
  g_assert_no_errno (symlink (elsewhere, target));
  before = mtd_test_listing (f->root, "elsewhere");

  g_assert_false (
    mtd_installer_install_pair (f->root, MTD_TEST_KVER, f->new_dir, &info, NULL, &backup, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "symbolic link"));

  after = mtd_test_listing (f->root, "elsewhere");
  g_assert_cmpstr (before, ==, after);
}

/* SECURITY.md rule 23: depmod fails on the new pair (a dependency cycle
 * between them), so the old pair is put back and depmod run again. */
static void
test_depmod_fails (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = mtd_test_path (f->root, "build-cycle");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *before = mtd_test_listing_all (f->root);
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_no_errno (g_mkdir (dir, 0755));
  a =
    mtd_test_build_module (dir, "vmmon", MTD_TEST_KVER " SMP", "cycle", "mt_cycle_a", "mt_cycle_b");
  b =
    mtd_test_build_module (dir, "vmnet", MTD_TEST_KVER " SMP", "cycle", "mt_cycle_b", "mt_cycle_a");

  g_assert_false (
    mtd_installer_install_pair (f->root, MTD_TEST_KVER, dir, &info, NULL, &backup, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_FAILED);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "depmod failed: "));
  mtd_test_assert_no_control_chars (error->message);

  after = mtd_test_listing_all (f->root);
  g_assert_cmpstr (before, ==, after);
  assert_pair (f->root, f->old_sha);
}

/* SECURITY.md rule 25 */
static void
test_tampered_restore (Fixture *f, gconstpointer data)
{
  g_autofree char *file = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (
    mtd_installer_install_pair (f->root, MTD_TEST_KVER, f->new_dir, &info, NULL, &backup, &error));
  g_assert_no_error (error);
  g_clear_pointer (&backup, g_free);

  /* the old pair's backup, with vmnet changed */
  file = g_build_filename (f->root, "var/lib/modtune/backups", f->old_backup, "vmnet.ko", NULL);
  g_assert_no_errno (truncate (file, 100));
  before = mtd_test_listing_all (f->root);

  g_assert_false (mtd_installer_restore (f->root, f->old_backup, NULL, &backup, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  after = mtd_test_listing_all (f->root);
  g_assert_cmpstr (before, ==, after);
  assert_pair (f->root, f->new_sha);
}

static void
test_restore (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = NULL;
  g_autofree char *backup2 = NULL;
  g_autofree char *installed = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (
    mtd_installer_install_pair (f->root, MTD_TEST_KVER, f->new_dir, &info, NULL, &backup, &error));
  g_assert_no_error (error);
  assert_pair (f->root, f->new_sha);

  g_assert_true (mtd_installer_restore (f->root, f->old_backup, NULL, &backup2, &error));
  g_assert_no_error (error);
  assert_pair (f->root, f->old_sha);
  g_assert_true (mtd_state_get (f->root, MTD_TEST_KVER, &installed, NULL, &error));
  g_assert_cmpstr (installed, ==, f->old_backup);

  /* rule 9 */
  g_assert_false (mtd_installer_restore (f->root, "20200101T000000Z-00000000", NULL, NULL, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (mtd_installer_restore (f->root, "../../../etc", NULL, NULL, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
}

/* A backup of another kernel is never installed for this one. */
static void
test_restore_other_kernel (Fixture *f, gconstpointer data)
{
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (MtdBackupManifest) meta = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GBytes *pair[MTD_N_MODULES];

  /* the modules say MTD_TEST_KVER, the manifest another installed kernel */
  {
    g_autofree char *other = mtd_test_path (f->root, "lib/modules/6.1.0-other/build");

    g_assert_no_errno (g_mkdir_with_parents (other, 0755));
  }
  store = mtd_backup_store_new (f->root, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autofree char *path = g_build_filename (f->new_dir, mtd_module_file_name (i), NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      pair[i] = g_bytes_new_take (g_steal_pointer (&contents), len);
    }
  meta = mtd_backup_manifest_new ("6.1.0-other", "", 0, NULL, "modtune");
  id = mtd_backup_store_create (store, meta, pair, &error);
  g_assert_no_error (error);
  g_bytes_unref (pair[0]);
  g_bytes_unref (pair[1]);

  before = mtd_test_listing_all (f->root);
  g_assert_false (mtd_installer_restore (f->root, id, NULL, NULL, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  after = mtd_test_listing_all (f->root);
  g_assert_cmpstr (before, ==, after);
}

static void
test_uninstall (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = NULL;
  g_autofree char *installed = NULL;
  g_autofree char *misc = mtd_test_path (f->root, "lib/modules/" MTD_TEST_KVER "/misc");
  g_autofree char *target = mtd_test_path (f->root, TARGET_DIR);
  g_autofree char *dkms = mtd_test_path (f->root, "lib/modules/" MTD_TEST_KVER "/updates/dkms");
  g_autofree char *misc_before = NULL;
  g_autofree char *misc_after = NULL;
  g_autofree char *vmware_sha = NULL;
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GError) error = NULL;
  char *none[MTD_N_MODULES] = { NULL, NULL };

  /* VMware's own modules stay as they are */
  g_assert_no_errno (g_mkdir (misc, 0755));
  vmware_sha = mtd_test_build_module (misc, "vmmon", MTD_TEST_KVER " SMP", "vmware", NULL, NULL);
  misc_before = mtd_test_listing (f->root, "lib/modules/" MTD_TEST_KVER "/misc");

  /* another tool's modules beside Modtune's keep updates/ */
  g_assert_no_errno (g_mkdir (dkms, 0755));

  g_assert_true (mtd_boot_load_enable (f->root, &error));
  g_assert_no_error (error);
  g_assert_true (mtd_boot_load_is_enabled (f->root));

  g_assert_true (mtd_installer_uninstall (f->root, MTD_TEST_KVER, NULL, &backup, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (backup, ==, f->old_backup);
  /* updates/modtune/ is gone, updates/ is not: it is not empty */
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (dkms, G_FILE_TEST_IS_DIR));
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autofree char *sha = target_sha (f->root, i);

      g_assert_cmpstr (sha, ==, none[i]);
    }
  g_assert_false (mtd_boot_load_is_enabled (f->root));
  g_assert_true (mtd_state_get (f->root, MTD_TEST_KVER, &installed, NULL, &error));
  g_assert_null (installed);
  store = mtd_backup_store_new (f->root, &error);
  g_assert_true (mtd_backup_store_verify (store, backup, &error));
  g_assert_no_error (error);
  misc_after = mtd_test_listing (f->root, "lib/modules/" MTD_TEST_KVER "/misc");
  g_assert_cmpstr (misc_before, ==, misc_after);

  /* GetStatus sees VMware's vmmon again, and no vmnet */
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autoptr (GVariant) status = NULL;
      const char *origin;
      const char *sha = NULL;

      status = mtd_installer_dup_module_status (f->root, MTD_TEST_KVER, i, &error);
      g_assert_no_error (error);
      g_variant_ref_sink (status);
      g_assert_true (g_variant_lookup (status, "origin", "&s", &origin));
      g_variant_lookup (status, "sha256", "&s", &sha);
      g_assert_false (g_variant_lookup (status, "backup-id", "&s", NULL));
      g_assert_cmpstr (origin, ==, i == MTD_MODULE_VMMON ? "vmware" : "none");
      g_assert_cmpstr (sha, ==, i == MTD_MODULE_VMMON ? vmware_sha : NULL);
    }

  /* again: nothing to uninstall */
  g_assert_false (mtd_installer_uninstall (f->root, MTD_TEST_KVER, NULL, NULL, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

/* SECURITY.md rule 26, through installs */
static void
test_cap_installs (Fixture *f, gconstpointer data)
{
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *installed = NULL;
  g_autofree char *known_good = NULL;
  gboolean have_installed = FALSE;
  gboolean have_known_good = FALSE;

  g_assert_true (mtd_installer_mark_known_good (f->root, MTD_TEST_KVER, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < MTD_BACKUP_STORE_DEFAULT_MAX_PER_KERNEL + 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("build-%u", i);
      g_autofree char *tag = g_strdup_printf ("3.%u", i);
      g_autofree char *dir = mtd_test_build_pair (f->root, name, tag);

      g_assert_true (
        mtd_installer_install_pair (f->root, MTD_TEST_KVER, dir, &info, NULL, NULL, &error));
      g_assert_no_error (error);
    }

  g_assert_true (mtd_state_get (f->root, MTD_TEST_KVER, &installed, &known_good, &error));
  g_assert_cmpstr (known_good, ==, f->old_backup);
  store = mtd_backup_store_new (f->root, &error);
  list = mtd_backup_store_list (store);
  g_assert_cmpuint (list->len, <=, MTD_BACKUP_STORE_DEFAULT_MAX_PER_KERNEL);
  for (guint i = 0; i < list->len; i++)
    {
      MtdBackupManifest *manifest = g_ptr_array_index (list, i);

      have_installed |= g_str_equal (manifest->id, installed);
      have_known_good |= g_str_equal (manifest->id, known_good);
    }
  g_assert_true (have_installed);
  g_assert_true (have_known_good);
}

static void
test_journal_parse (void)
{
  g_autoptr (MtdJournal) journal = NULL;
  g_autoptr (MtdJournal) parsed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *evil = NULL;
  const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  gsize len;

  journal = mtd_journal_new ("install", "6.12.0-1-amd64", NULL, "20260101T120000Z-0123abcd");
  journal->new_sha256[0] = g_strdup (sha);
  journal->new_sha256[1] = g_strdup (sha);
  json = mtd_journal_to_json (journal, &len);
  parsed = mtd_journal_parse (json, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->operation, ==, "install");
  g_assert_null (parsed->old_backup);
  g_assert_cmpstr (parsed->new_sha256[1], ==, sha);

  /* a path other than the one the helper writes */
  evil = g_strdup (json);
  memcpy (strstr (evil, "updates/modtune/vmmon.ko"), "updates/modtune/../..//", 23);
  g_clear_pointer (&parsed, mtd_journal_free);
  parsed = mtd_journal_parse (evil, strlen (evil), &error);
  g_assert_null (parsed);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* an install without a new hash */
  g_clear_pointer (&journal->new_sha256[1], g_free);
  g_free (json);
  json = mtd_journal_to_json (journal, &len);
  parsed = mtd_journal_parse (json, len, &error);
  g_assert_null (parsed);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* old hashes without an old backup */
  journal->new_sha256[1] = g_strdup (sha);
  journal->old_sha256[0] = g_strdup (sha);
  g_free (json);
  json = mtd_journal_to_json (journal, &len);
  parsed = mtd_journal_parse (json, len, &error);
  g_assert_null (parsed);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_clear_error (&error);

  parsed = mtd_journal_parse ("{\"version\": 1}", 14, &error);
  g_assert_null (parsed);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
}

static void
test_recover_nothing (Fixture *f, gconstpointer data)
{
  g_autofree char *before = mtd_test_listing_all (f->root);
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  MtdRecovery recovery = MTD_RECOVERY_ROLLED_BACK;

  g_assert_true (mtd_journal_recover (f->root, NULL, &recovery, &error));
  g_assert_no_error (error);
  g_assert_cmpint (recovery, ==, MTD_RECOVERY_NONE);
  after = mtd_test_listing_all (f->root);
  g_assert_cmpstr (before, ==, after);
}

/* --- crash injection (SECURITY.md rules 20, 21) -------------------------- */

typedef struct
{
  const char *step;
  gboolean new_after; /* whether recovery ends with the new pair */
  MtdRecovery recovery;
} CrashCase;

static const CrashCase crash_cases[] = {
  { "after-backup", FALSE, MTD_RECOVERY_NONE },
  { "after-temp-write", FALSE, MTD_RECOVERY_ROLLED_BACK },
  { "after-fsync", FALSE, MTD_RECOVERY_ROLLED_BACK },
  { "after-rename-vmmon", FALSE, MTD_RECOVERY_ROLLED_BACK },
  { "after-rename-vmnet", TRUE, MTD_RECOVERY_ROLLED_FORWARD },
  { "after-depmod", TRUE, MTD_RECOVERY_ROLLED_FORWARD },
};

static char *self_exe;

/* The child: installs @argv[2]'s pair into the root @argv[1], as nobody
 * when started as root (crash injection works only unprivileged). */
static int
crash_child (char **argv)
{
  g_autoptr (GError) error = NULL;

  if (getuid () == 0 && (setgroups (0, NULL) != 0 || setresgid (NOBODY, NOBODY, NOBODY) != 0 ||
                         setresuid (NOBODY, NOBODY, NOBODY) != 0))
    {
      g_printerr ("could not drop privileges\n");
      return 3;
    }
  if (!mtd_installer_install_pair (argv[2], MTD_TEST_KVER, argv[3], &info, NULL, NULL, &error))
    {
      g_printerr ("install failed: %s\n", error->message);
      return 1;
    }

  return 0;
}

static void
test_crash (Fixture *f, gconstpointer data)
{
  const CrashCase *c = data;
  const char *argv[] = { self_exe, "--crash-child", f->root, f->new_dir, NULL };
  g_auto (GStrv) envp = g_get_environ ();
  g_autoptr (GError) error = NULL;
  g_autofree char *err_out = NULL;
  g_autofree char *installed = NULL;
  gboolean as_root = getuid () == 0;
  MtdRecovery recovery;
  int status = 0;
  char **expected;

  envp = g_environ_setenv (envp, "MODTUNE_HELPER_CRASH_AT", c->step, TRUE);
  if (as_root)
    mtd_test_chown_tree (f->root, NOBODY, NOBODY);
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err_out, &status,
                &error);
  g_assert_no_error (error);
  if (as_root)
    mtd_test_chown_tree (f->root, 0, 0);
  if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGKILL)
    g_error ("the install did not die at %s (status %d): %s", c->step, status, err_out);

  /* each target is the old or the new file, never a partial one */
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autofree char *sha = target_sha (f->root, i);

      g_assert_true (g_strcmp0 (sha, f->old_sha[i]) == 0 || g_strcmp0 (sha, f->new_sha[i]) == 0);
    }

  if (g_str_equal (c->step, "after-backup"))
    {
      /* rule 21: both backups are durable before anything is renamed */
      g_autoptr (MtdBackupStore) store = mtd_backup_store_new (f->root, &error);
      g_autoptr (GPtrArray) list = NULL;
      gboolean have_new = FALSE;

      g_assert_no_error (error);
      list = mtd_backup_store_list (store);
      g_assert_cmpuint (list->len, ==, 2);
      for (guint i = 0; i < list->len; i++)
        {
          MtdBackupManifest *manifest = g_ptr_array_index (list, i);

          g_assert_true (mtd_backup_store_verify (store, manifest->id, &error));
          g_assert_no_error (error);
          if (g_str_equal (manifest->id, f->old_backup))
            for (guint m = 0; m < MTD_N_MODULES; m++)
              g_assert_cmpstr (manifest->sha256[m], ==, f->old_sha[m]);
          else
            {
              have_new = TRUE;
              for (guint m = 0; m < MTD_N_MODULES; m++)
                g_assert_cmpstr (manifest->sha256[m], ==, f->new_sha[m]);
            }
        }
      g_assert_true (have_new);
      assert_pair (f->root, f->old_sha);
    }

  g_assert_true (mtd_journal_recover (f->root, NULL, &recovery, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (mtd_recovery_to_string (recovery), ==, mtd_recovery_to_string (c->recovery));

  expected = c->new_after ? f->new_sha : f->old_sha;
  assert_pair (f->root, expected);
  g_assert_false (exists (f->root, TARGET_DIR "/.vmmon.ko.new"));
  g_assert_false (exists (f->root, TARGET_DIR "/.vmnet.ko.new"));
  g_assert_false (exists (f->root, "var/lib/modtune/journal/current.json"));

  /* the state names the backup of what is installed */
  g_assert_true (mtd_state_get (f->root, MTD_TEST_KVER, &installed, NULL, &error));
  if (!c->new_after)
    g_assert_cmpstr (installed, ==, f->old_backup);
  else
    g_assert_cmpstr (installed, !=, f->old_backup);

  /* and the helper works again */
  {
    g_autofree char *next = mtd_test_build_pair (f->root, "build-next", "4.0-next");
    char *next_sha[MTD_N_MODULES] = { sha_of (next, 0), sha_of (next, 1) };

    g_assert_true (
      mtd_installer_install_pair (f->root, MTD_TEST_KVER, next, &info, NULL, NULL, &error));
    g_assert_no_error (error);
    assert_pair (f->root, next_sha);
    g_free (next_sha[0]);
    g_free (next_sha[1]);
  }
}

int
main (int argc, char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--crash-child"))
    return crash_child (argv);

  g_test_init (&argc, &argv, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/helper/install/install-and-replace", test_install);
  ADD ("/helper/install/restore", test_restore);
  ADD ("/helper/install/restore-other-kernel", test_restore_other_kernel);
  ADD ("/helper/install/uninstall", test_uninstall);
  ADD ("/helper/journal/recover-nothing", test_recover_nothing);
  ADD ("/helper/rule-15/symlink-artifact", test_symlink_artifact);
  ADD ("/helper/rule-15/symlink-target", test_symlink_target);
  ADD ("/helper/rule-15/symlink-target-dir", test_symlink_target_dir);
  ADD ("/helper/rule-18/hardlink", test_hardlink);
  ADD ("/helper/rule-18/not-elf", test_not_elf);
  ADD ("/helper/rule-18/too-large", test_too_large);
  ADD ("/helper/rule-18/wrong-name", test_wrong_name);
  ADD ("/helper/rule-18/wrong-vermagic", test_wrong_vermagic);
  ADD ("/helper/rule-23/depmod-fails-rolls-back", test_depmod_fails);
  ADD ("/helper/rule-25/tampered-backup", test_tampered_restore);
  ADD ("/helper/rule-26/cap-installs", test_cap_installs);
#undef ADD
  g_test_add_func ("/helper/journal/parse", test_journal_parse);

  for (guint i = 0; i < G_N_ELEMENTS (crash_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/helper/rule-20/crash-%s", crash_cases[i].step);

      g_test_add (path, Fixture, &crash_cases[i], fixture_set_up, test_crash, fixture_tear_down);
    }
  /* rule 21: the backups exist, synced, before anything is renamed */
  g_test_add ("/helper/rule-21/backup-before-rename", Fixture, &crash_cases[0], fixture_set_up,
              test_crash, fixture_tear_down);

  return g_test_run ();
}
