/* mt-test-util.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mt-test-util.h"

/* A path under tests/fixtures of the source tree. */
char *
mt_test_fixture_path (const char *first, ...)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list args;

  g_ptr_array_add (parts, (gpointer) g_getenv ("MT_TEST_FIXTURES"));
  g_assert_nonnull (parts->pdata[0]);

  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

/* A fresh directory to build a hostile or partial sysroot in. */
char *
mt_test_tree_new (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("mt-test-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

void
mt_test_tree_write (const char *tree, const char *rel_path, const char *contents, gssize length)
{
  g_autofree char *path = g_build_filename (tree, rel_path, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

/* Never follows a symlink: a test tree may hold links that point out of it
 * (sysfs-style driver links), and their targets are not ours to delete. */
static void
remove_recursive (GFile *file)
{
  g_autoptr (GFileEnumerator) children = NULL;

  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) !=
      G_FILE_TYPE_DIRECTORY)
    {
      g_file_delete (file, NULL, NULL);
      return;
    }

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr (GFile) child = g_file_get_child (file, g_file_info_get_name (info));

          remove_recursive (child);
          g_object_unref (info);
        }
    }

  g_file_delete (file, NULL, NULL);
}

void
mt_test_tree_free (char *tree)
{
  g_autoptr (GFile) file = g_file_new_for_path (tree);

  remove_recursive (file);
  g_free (tree);
}
