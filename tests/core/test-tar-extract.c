/* test-tar-extract.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mt-core.h"
#include "mt-tar.h"
#include "mt-test-util.h"

/* SECURITY.md rule 13: a hostile archive is refused whole, creates nothing
 * in the build directory nor outside it, and is never modified. */

typedef struct
{
  char *tree;
  char *archives;
  char *outside;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autofree char *script =
    g_build_filename (g_getenv ("MT_TEST_SRCDIR"), "make-hostile-tars.py", NULL);
  const char *argv[] = { "python3", script, NULL, NULL, NULL };
  g_autoptr (GError) error = NULL;
  int status;

  fx->tree = mt_test_tree_new ();
  fx->archives = g_build_filename (fx->tree, "archives", NULL);
  fx->outside = g_build_filename (fx->tree, "outside", NULL);
  g_assert_cmpint (g_mkdir (fx->archives, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (fx->outside, 0755), ==, 0);

  argv[2] = fx->archives;
  argv[3] = fx->outside;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_free (fx->archives);
  g_free (fx->outside);
  mt_test_tree_free (g_steal_pointer (&fx->tree));
}

static char *
sha256_of (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static guint
count_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_good (Fixture *fx, gconstpointer data)
{
  g_autofree char *archive_path = g_build_filename (fx->archives, "good.tar", NULL);
  g_autofree char *dest = g_build_filename (fx->tree, "build", NULL);
  g_autofree char *makefile = g_build_filename (dest, "vmmon-only", "Makefile", NULL);
  g_autofree char *configure = g_build_filename (dest, "vmmon-only", "configure", NULL);
  g_autofree char *iocontrols =
    g_build_filename (dest, "vmmon-only", "include", "iocontrols.h", NULL);
  g_autoptr (GFile) archive = g_file_new_for_path (archive_path);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GStatBuf st;

  g_assert_cmpint (g_mkdir (dest, 0700), ==, 0);
  g_assert_true (mt_tar_extract_file (archive, dest, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (makefile, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "obj-m := vmmon.o\n");
  g_assert_true (g_file_test (iocontrols, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (configure, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0755);
  g_assert_cmpint (g_stat (makefile, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
}

static void
test_hostile (Fixture *fx, gconstpointer data)
{
  const struct
  {
    const char *archive;
    const char *needle;
  } cases[] = {
    { "absolute.tar", "absolute path" },
    { "dotdot.tar", "“..”" },
    { "symlink.tar", "symbolic link" },
    { "hardlink.tar", "hard link" },
    { "device.tar", "device node" },
    { "fifo.tar", "FIFO" },
    { "setuid.tar", "setuid" },
    { "duplicate.tar", "appears twice" },
    { "file-over-dir.tar", "appears twice" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *archive_path = g_build_filename (fx->archives, cases[i].archive, NULL);
      g_autofree char *dest = g_build_filename (fx->tree, cases[i].archive, NULL);
      g_autoptr (GFile) archive = g_file_new_for_path (archive_path);
      g_autofree char *before = sha256_of (archive_path);
      g_autofree char *after = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("%s", cases[i].archive);
      g_assert_cmpint (g_mkdir (dest, 0700), ==, 0);
      g_assert_false (mt_tar_extract_file (archive, dest, NULL, NULL, &error));
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_nonnull (strstr (error->message, "nothing was extracted"));

      /* nothing in the build directory, nothing outside, archive intact */
      g_assert_cmpuint (count_entries (dest), ==, 0);
      g_assert_cmpuint (count_entries (fx->outside), ==, 0);
      after = sha256_of (archive_path);
      g_assert_cmpstr (before, ==, after);
    }
}

static void
test_limits (Fixture *fx, gconstpointer data)
{
  const MtTarLimits few = { 10, 1024 * 1024, 1024 * 1024 };
  const MtTarLimits small = { 100, 1024 * 1024, 65536 };
  const MtTarLimits tiny_total = { 100, 60000, 1024 * 1024 };
  const struct
  {
    const char *archive;
    const MtTarLimits *limits;
    const char *needle;
  } cases[] = {
    { "many.tar", &few, "limit" },
    { "big.tar", &small, "limit for one file" },
    { "big.tar", &tiny_total, "size limit" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *archive_path = g_build_filename (fx->archives, cases[i].archive, NULL);
      g_autofree char *dest = g_strdup_printf ("%s/limits-%u", fx->tree, i);
      g_autoptr (GFile) archive = g_file_new_for_path (archive_path);
      g_autoptr (GError) error = NULL;

      g_assert_cmpint (g_mkdir (dest, 0700), ==, 0);
      g_assert_false (mt_tar_extract_file (archive, dest, cases[i].limits, NULL, &error));
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_cmpuint (count_entries (dest), ==, 0);
    }
}

static void
test_existing_file_not_overwritten (Fixture *fx, gconstpointer data)
{
  g_autofree char *archive_path = g_build_filename (fx->archives, "good.tar", NULL);
  g_autofree char *dest = g_build_filename (fx->tree, "occupied", NULL);
  g_autofree char *victim = g_build_filename (fx->outside, "victim", NULL);
  g_autofree char *link = g_build_filename (dest, "vmmon-only", NULL);
  g_autoptr (GFile) archive = g_file_new_for_path (archive_path);
  g_autoptr (GError) error = NULL;

  /* a symlink planted in the build directory is never followed */
  g_assert_cmpint (g_mkdir (dest, 0700), ==, 0);
  g_assert_cmpint (symlink (fx->outside, link), ==, 0);
  g_assert_false (mt_tar_extract_file (archive, dest, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (victim, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (fx->outside), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tar-extract/good", Fixture, NULL, fixture_setup, test_good, fixture_teardown);
  g_test_add ("/tar-extract/hostile", Fixture, NULL, fixture_setup, test_hostile, fixture_teardown);
  g_test_add ("/tar-extract/limits", Fixture, NULL, fixture_setup, test_limits, fixture_teardown);
  g_test_add ("/tar-extract/planted-symlink", Fixture, NULL, fixture_setup,
              test_existing_file_not_overwritten, fixture_teardown);

  return g_test_run ();
}
