/* test-sysroot.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "mt-core.h"
#include "mt-test-util.h"

static void
test_missing_root (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new ("/nonexistent/modtune-root", &error);

  g_assert_null (root);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/modtune-root"));
}

static void
test_root_is_a_file (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *file = g_build_filename (tree, "plain", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = NULL;

  mt_test_tree_write (tree, "plain", "x", -1);
  root = mt_sysroot_new (file, &error);
  g_assert_null (root);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_host (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (NULL, &error);
  g_autoptr (GBytes) status = NULL;

  g_assert_no_error (error);
  g_assert_true (mt_sysroot_is_host (root));
  g_assert_cmpstr (mt_sysroot_get_path (root), ==, "/");

  /* /proc files report size 0 but have contents */
  status = mt_sysroot_read (root, "/proc/self/status", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (status), >, 0);
}

static void
test_read (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = NULL;
  g_autofree char *line = NULL;
  g_autofree char *missing = NULL;
  g_auto (GStrv) names = NULL;

  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "  6.12.9-amd64 \nsecond\n", -1);
  mt_test_tree_write (tree, "dir/b", "", 0);
  mt_test_tree_write (tree, "dir/a", "", 0);

  /* a relative path is made absolute */
  root = mt_sysroot_new (tree, &error);
  g_assert_no_error (error);
  g_assert_false (mt_sysroot_is_host (root));

  line = mt_sysroot_read_line (root, "/proc/sys/kernel/osrelease", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "6.12.9-amd64");

  g_assert_true (mt_sysroot_test (root, "/dir/a", G_FILE_TEST_IS_REGULAR));
  g_assert_false (mt_sysroot_test (root, "/dir/c", G_FILE_TEST_EXISTS));

  names = mt_sysroot_list_dir (root, "/dir", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "a");
  g_assert_cmpstr (names[1], ==, "b");

  missing = mt_sysroot_read_text (root, "/proc/cpuinfo", &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  /* the message names the file and the tree it was looked for in */
  g_assert_nonnull (strstr (error->message, "/proc/cpuinfo"));
  g_assert_nonnull (strstr (error->message, tree));
  g_clear_error (&error);

  g_assert_null (mt_sysroot_list_dir (root, "/nodir", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_gzip (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = NULL;
  g_autoptr (MtSysroot) bad = NULL;
  g_autoptr (GBytes) config = NULL;
  g_autoptr (GBytes) garbage = NULL;
  g_autofree char *full = NULL;
  gsize len;
  g_autoptr (GBytes) truncated = NULL;

  root = mt_sysroot_new (fixture, &error);
  g_assert_no_error (error);
  config = mt_sysroot_read_gzip (root, "/proc/config.gz", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (config), >, 10000);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (config, NULL), g_bytes_get_size (config),
                                  "CONFIG_CC_VERSION_TEXT="));

  /* not gzip at all */
  mt_test_tree_write (tree, "proc/config.gz", "CONFIG_X=y\n", -1);
  bad = mt_sysroot_new (tree, &error);
  g_assert_no_error (error);
  garbage = mt_sysroot_read_gzip (bad, "/proc/config.gz", &error);
  g_assert_null (garbage);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* the first half of a real one */
  {
    g_autofree char *path = g_build_filename (fixture, "proc", "config.gz", NULL);

    g_file_get_contents (path, &full, &len, &error);
    g_assert_no_error (error);
  }
  mt_test_tree_write (tree, "proc/config.gz", full, len / 2);
  truncated = mt_sysroot_read_gzip (bad, "/proc/config.gz", &error);
  g_assert_null (truncated);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "truncated"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sysroot/missing-root", test_missing_root);
  g_test_add_func ("/sysroot/root-is-a-file", test_root_is_a_file);
  g_test_add_func ("/sysroot/host", test_host);
  g_test_add_func ("/sysroot/read", test_read);
  g_test_add_func ("/sysroot/gzip", test_gzip);

  return g_test_run ();
}
