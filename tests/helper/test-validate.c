/* test-validate.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mt-error.h"
#include "mtd-state.h"
#include "mtd-test-util.h"
#include "mtd-validate.h"

/* SECURITY.md rule 7's injection corpus */
static const char *const injection[] = {
  "/etc/shadow", "../", "..",     "a/b",        "\n",           "\033[2J", "$(id)",
  "`id`",        ";id", "--help", "-fplugin=x", "@/etc/passwd", "",        ".",
};

static void
assert_invalid_argument (GError *error)
{
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  mtd_test_assert_no_control_chars (error->message);
  g_assert_cmpuint (strlen (error->message), <, 400);
}

static void
test_kernel_release (void)
{
  char *root = mtd_test_root_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *link = mtd_test_path (root, "lib/modules/6.0.0-link");
  g_autofree char *nobuild = mtd_test_path (root, "lib/modules/6.0.0-nobuild");
  g_autofree char *open_build = mtd_test_path (root, "lib/modules/6.0.0-open/build");
  g_autofree char *kver_dir = mtd_test_path (root, "lib/modules/" MTD_TEST_KVER);
  g_autofree char *long_kver = g_strnfill (65, 'a');
  g_autofree char *max_kver = g_strnfill (64, 'a');
  g_autofree char *huge = g_strnfill (65536, 'x');
  const char *const bad_forms[] = {
    "../../tmp/x", "6.8.0/../..", "",       ".",        "..",       "a b",     "6.8\n", "-6.8",
    ".hidden",     "6.8/",        "6.8;id", "6.8$(id)", "\xc3\xa9", long_kver, huge,
  };
  g_autoptr (GError) error = NULL;

  g_assert_true (mtd_validate_kernel_release (root, MTD_TEST_KVER, &error));
  g_assert_no_error (error);

  /* the form alone */
  g_assert_true (mtd_validate_kernel_release_form (max_kver, NULL));
  g_assert_true (mtd_validate_kernel_release_form ("6.12.0-1+deb13_x.y", NULL));

  before = mtd_test_listing (root, "");
  for (guint i = 0; i < G_N_ELEMENTS (bad_forms); i++)
    {
      g_clear_error (&error);
      g_assert_false (mtd_validate_kernel_release (root, bad_forms[i], &error));
      assert_invalid_argument (error);
    }
  g_clear_error (&error);
  g_assert_false (mtd_validate_kernel_release (root, NULL, &error));
  assert_invalid_argument (error);

  /* not installed */
  g_clear_error (&error);
  g_assert_false (mtd_validate_kernel_release (root, "6.8.0-not-installed", &error));
  assert_invalid_argument (error);
  after = mtd_test_listing (root, "");
  g_assert_cmpstr (before, ==, after);

  /* a link to an installed kernel */
  g_assert_no_errno (symlink (MTD_TEST_KVER, link));
  g_clear_error (&error);
  g_assert_false (mtd_validate_kernel_release (root, "6.0.0-link", &error));
  assert_invalid_argument (error);
  g_assert_nonnull (strstr (error->message, "symbolic link"));

  /* no build link */
  g_assert_no_errno (g_mkdir (nobuild, 0755));
  g_clear_error (&error);
  g_assert_false (mtd_validate_kernel_release (root, "6.0.0-nobuild", &error));
  assert_invalid_argument (error);

  /* a build directory anyone may write */
  g_assert_no_errno (g_mkdir_with_parents (open_build, 0755));
  g_assert_no_errno (chmod (open_build, 0777));
  g_clear_error (&error);
  g_assert_false (mtd_validate_kernel_release (root, "6.0.0-open", &error));
  assert_invalid_argument (error);

  /* a build link to such a directory */
  {
    g_autofree char *dir = mtd_test_path (root, "lib/modules/6.0.0-openlink");
    g_autofree char *build = mtd_test_path (root, "lib/modules/6.0.0-openlink/build");

    g_assert_no_errno (g_mkdir (dir, 0755));
    g_assert_no_errno (symlink (open_build, build));
    g_clear_error (&error);
    g_assert_false (mtd_validate_kernel_release (root, "6.0.0-openlink", &error));
    assert_invalid_argument (error);
  }

  /* owned by someone else (only root can make such a tree) */
  if (getuid () == 0)
    {
      g_assert_no_errno (lchown (kver_dir, 4242, 4242));
      g_clear_error (&error);
      g_assert_false (mtd_validate_kernel_release (root, MTD_TEST_KVER, &error));
      assert_invalid_argument (error);
      g_assert_no_errno (lchown (kver_dir, 0, 0));
    }

  mtd_test_root_free (root);
}

static void
test_backup_id (void)
{
  const char *const good[] = {
    "20260101T120000Z-0123abcd",
    "19991231T235959Z-ffffffff",
  };
  const char *const bad[] = {
    "20260101T120000Z-0123ABCD",
    "20260101T120000Z-0123abc",
    "20260101T120000Z-0123abcde",
    "20260101T120000Z/0123abcd",
    "20260101T120000Z-0123ab/d",
    "../../../../etc/passwd",
    "20260101T120000Z-0123ab\n",
    "20260101T120000Z-0123ab d",
    " 20260101T120000Z-0123abc",
    "20261301T120000Z-0123abcd",
    "20260100T120000Z-0123abcd",
    "20260101T250000Z-0123abcd",
    "20260101 120000Z-0123abcd",
    "20260101T120000z-0123abcd",
    "2026010lT120000Z-0123abcd",
    "20260101T120000Z-0123abc\033",
    "..",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (mtd_validate_backup_id (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (mtd_validate_backup_id (bad[i], &error));
      assert_invalid_argument (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (injection); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (mtd_validate_backup_id (injection[i], &error));
      assert_invalid_argument (error);
    }

  /* an id with an embedded NUL is cut short, and so rejected */
  {
    const char with_nul[] = "20260101T120000Z-0123\0abcd";
    g_autoptr (GError) error = NULL;

    g_assert_false (mtd_validate_backup_id (with_nul, &error));
    assert_invalid_argument (error);
  }
}

static void
test_injection (void)
{
  char *root = mtd_test_root_new ();
  g_autofree char *huge = g_strnfill (65536, 'x');
  g_autofree char *long_one = g_strnfill (256, 'x');
  g_autofree char *before = mtd_test_listing (root, "");
  g_autofree char *after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (injection) + 2; i++)
    {
      const char *value = i < G_N_ELEMENTS (injection)    ? injection[i]
                          : i == G_N_ELEMENTS (injection) ? long_one
                                                          : huge;
      const char *ids[] = { value, NULL };
      g_autoptr (GError) error = NULL;

      g_assert_false (mtd_validate_kernel_release (root, value, &error));
      assert_invalid_argument (error);
      g_clear_error (&error);
      g_assert_false (mtd_validate_backup_id (value, &error));
      assert_invalid_argument (error);
      g_clear_error (&error);
      g_assert_false (mtd_validate_flag_ids (ids, &error));
      assert_invalid_argument (error);
    }

  after = mtd_test_listing (root, "");
  g_assert_cmpstr (before, ==, after);
  mtd_test_root_free (root);
}

static void
test_escaped (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (mtd_validate_backup_id ("\033[2J\r\n\x01", &error));
  assert_invalid_argument (error);
  g_assert_nonnull (strstr (error->message, "\\033[2J\\r\\n\\001"));
}

static void
test_options (void)
{
  g_autoptr (GVariant) empty = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  g_autoptr (GVariant) one = NULL;
  g_autoptr (GVariant) wrong = g_variant_ref_sink (g_variant_new_string ("x"));
  g_autoptr (GError) error = NULL;
  GVariantBuilder builder;

  g_assert_true (mtd_validate_options (NULL, &error));
  g_assert_true (mtd_validate_options (empty, &error));
  g_assert_no_error (error);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "force\n", g_variant_new_boolean (TRUE));
  one = g_variant_ref_sink (g_variant_builder_end (&builder));
  g_assert_false (mtd_validate_options (one, &error));
  assert_invalid_argument (error);
  g_assert_nonnull (strstr (error->message, "force\\n"));

  g_clear_error (&error);
  g_assert_false (mtd_validate_options (wrong, &error));
  assert_invalid_argument (error);
}

static void
test_log_fd (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  int pipe_fds[2];
  int socks[2];
  int file_fd;

  g_assert_no_errno (pipe (pipe_fds));
  g_assert_true (mtd_validate_log_fd (pipe_fds[1], &error));
  g_assert_no_error (error);
  g_assert_false (mtd_validate_log_fd (pipe_fds[0], &error));
  assert_invalid_argument (error);
  g_clear_error (&error);

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, socks));
  g_assert_true (mtd_validate_log_fd (socks[0], &error));
  g_assert_no_error (error);

  file_fd = g_file_open_tmp ("mtd-log-XXXXXX", &path, &error);
  g_assert_no_error (error);
  g_assert_false (mtd_validate_log_fd (file_fd, &error));
  assert_invalid_argument (error);
  g_clear_error (&error);

  g_assert_false (mtd_validate_log_fd (-1, &error));
  assert_invalid_argument (error);
  g_clear_error (&error);

  close (pipe_fds[0]);
  close (pipe_fds[1]);
  close (socks[0]);
  close (socks[1]);
  close (file_fd);
  g_unlink (path);
}

static void
test_flag_ids (void)
{
  const char *const good[] = { "optimize-o2", NULL };
  const char *const unknown[] = { "optimize-o2", "no-such-flag", NULL };
  const char *const twice[] = { "optimize-o2", "optimize-o2", NULL };
  const char *const argument[] = { "-O2", NULL };
  g_autoptr (GPtrArray) many = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (mtd_validate_flag_ids (NULL, &error));
  g_assert_true (mtd_validate_flag_ids (good, &error));
  g_assert_no_error (error);

  g_assert_false (mtd_validate_flag_ids (unknown, &error));
  assert_invalid_argument (error);
  g_clear_error (&error);
  g_assert_false (mtd_validate_flag_ids (twice, &error));
  assert_invalid_argument (error);
  g_clear_error (&error);
  g_assert_false (mtd_validate_flag_ids (argument, &error));
  assert_invalid_argument (error);
  g_clear_error (&error);

  for (guint i = 0; i <= MTD_FLAG_IDS_MAX; i++)
    g_ptr_array_add (many, (gpointer) "optimize-o2");
  g_ptr_array_add (many, NULL);
  g_assert_false (mtd_validate_flag_ids ((const char *const *) many->pdata, &error));
  assert_invalid_argument (error);
}

static void
test_state_dir (void)
{
  char *root = mtd_test_root_new ();
  g_autofree char *state = mtd_test_path (root, "var/lib/modtune");
  g_autofree char *backups = mtd_test_path (root, "var/lib/modtune/backups");
  g_autofree char *journal = mtd_test_path (root, "var/lib/modtune/journal");
  g_autofree char *elsewhere = mtd_test_path (root, "elsewhere");
  g_autoptr (GError) error = NULL;
  struct stat st;

  g_assert_true (mtd_state_dir_check (root, &error));
  g_assert_no_error (error);
  g_assert_no_errno (lstat (state, &st));
  g_assert_cmpint (st.st_mode & 07777, ==, 0755);
  g_assert_no_errno (lstat (backups, &st));
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  g_assert_no_errno (lstat (journal, &st));
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);

  /* group- or world-writable */
  g_assert_no_errno (chmod (backups, 0770));
  g_assert_false (mtd_state_dir_check (root, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_no_errno (chmod (backups, 0700));
  g_assert_no_errno (chmod (state, 0757));
  g_assert_false (mtd_state_dir_check (root, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_no_errno (chmod (state, 0755));

  /* owned by someone else */
  if (getuid () == 0)
    {
      g_assert_no_errno (lchown (journal, 4242, 0));
      g_assert_false (mtd_state_dir_check (root, &error));
      g_assert_error (error, MT_ERROR, MT_ERROR_FAILED);
      g_clear_error (&error);
      g_assert_no_errno (lchown (journal, 0, 0));
    }

  /* a link instead of the directory */
  g_assert_no_errno (g_rename (journal, elsewhere));
  g_assert_no_errno (symlink (elsewhere, journal));
  g_assert_false (mtd_state_dir_check (root, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);

  mtd_test_root_free (root);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/helper/rule-7/injection-corpus", test_injection);
  g_test_add_func ("/helper/rule-8/kernel-release", test_kernel_release);
  g_test_add_func ("/helper/rule-9/backup-id", test_backup_id);
  g_test_add_func ("/helper/rule-17/state-dir", test_state_dir);
  g_test_add_func ("/helper/rule-35/escaped", test_escaped);
  g_test_add_func ("/helper/validate/options", test_options);
  g_test_add_func ("/helper/validate/log-fd", test_log_fd);
  g_test_add_func ("/helper/validate/flag-ids", test_flag_ids);

  return g_test_run ();
}
