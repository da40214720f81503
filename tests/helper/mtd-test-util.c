/* mtd-test-util.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/* nftw () */
#define _GNU_SOURCE

#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mtd-test-util.h"

/* A test root: lib/modules/MTD_TEST_KVER with its build directory, var/lib
 * and etc, everything 0755 and owned by the user running the tests. */
char *
mtd_test_root_new (void)
{
  g_autoptr (GError) error = NULL;
  char *root = g_dir_make_tmp ("mtd-test-XXXXXX", &error);
  g_autofree char *build = NULL;
  g_autofree char *var_lib = NULL;
  g_autofree char *etc = NULL;

  g_assert_no_error (error);
  g_assert_no_errno (chmod (root, 0755));

  build = g_build_filename (root, "lib/modules", MTD_TEST_KVER, "build", NULL);
  var_lib = g_build_filename (root, "var/lib", NULL);
  etc = g_build_filename (root, "etc", NULL);
  g_assert_no_errno (g_mkdir_with_parents (build, 0755));
  g_assert_no_errno (g_mkdir_with_parents (var_lib, 0755));
  g_assert_no_errno (g_mkdir_with_parents (etc, 0755));

  return root;
}

static int
remove_cb (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove (path);
}

void
mtd_test_root_free (char *root)
{
  if (root == NULL)
    return;
  nftw (root, remove_cb, 16, FTW_DEPTH | FTW_PHYS);
  g_free (root);
}

char *
mtd_test_path (const char *root, const char *rel_path)
{
  return g_build_filename (root, rel_path, NULL);
}

/* Builds @dir/@name.ko with the host compiler: a relocatable ELF file
 * whose .modinfo has name, vermagic and (to tell versions apart) version
 * @tag; it exports @exports and calls @uses when not NULL, so that depmod
 * sees the dependency.  Returns its SHA-256. */
char *
mtd_test_build_module (const char *dir,
                       const char *name,
                       const char *vermagic,
                       const char *tag,
                       const char *exports,
                       const char *uses)
{
  g_autoptr (GString) source = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *src_path = NULL;
  g_autofree char *ko_path = NULL;
  g_autofree char *ko_name = g_strdup_printf ("%s.ko", name);
  g_autofree char *src_name = g_strdup_printf (".%s-src.c", name);
  g_autofree char *err_out = NULL;
  int status = 0;

  if (uses != NULL)
    g_string_append_printf (source, "extern void %s (void);\n", uses);
  if (exports != NULL)
    {
      g_string_append_printf (source, "void %s (void);\nvoid %s (void) { %s%s }\n", exports,
                              exports, uses != NULL ? uses : "", uses != NULL ? " ();" : "");
      g_string_append_printf (
        source,
        "static const char ksymtab_strings[] "
        "__attribute__ ((section (\"__ksymtab_strings\"), used, aligned (1))) "
        "= \"%s\";\n",
        exports);
    }
  else if (uses != NULL)
    g_string_append_printf (source, "void use_it (void);\nvoid use_it (void) { %s (); }\n", uses);
  g_string_append_printf (source,
                          "static const char modinfo[] "
                          "__attribute__ ((section (\".modinfo\"), used, aligned (1))) = "
                          "\"name=%s\\0vermagic=%s\\0version=%s\\0license=GPL\";\n",
                          name, vermagic, tag);

  src_path = g_build_filename (dir, src_name, NULL);
  ko_path = g_build_filename (dir, ko_name, NULL);
  g_file_set_contents (src_path, source->str, -1, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { "cc", "-c", "-O0", "-o", ko_path, src_path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &err_out,
                  &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("cc failed on %s: %s", src_path, err_out);
  g_unlink (src_path);

  return mtd_test_sha256_file (ko_path);
}

/* A pair for MTD_TEST_KVER in @root/@dir_name, told apart by @tag; returns
 * the directory */
char *
mtd_test_build_pair (const char *root, const char *dir_name, const char *tag)
{
  g_autofree char *vermagic =
    g_strdup_printf ("%s SMP preempt mod_unload modversions", MTD_TEST_KVER);
  char *dir = g_build_filename (root, dir_name, NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_no_errno (g_mkdir_with_parents (dir, 0755));
  a = mtd_test_build_module (dir, "vmmon", vermagic, tag, NULL, NULL);
  b = mtd_test_build_module (dir, "vmnet", vermagic, tag, NULL, NULL);

  return dir;
}

char *
mtd_test_sha256_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static void
list_into (GPtrArray *lines, const char *base, const char *rel)
{
  g_autofree char *path = rel[0] != '\0' ? g_build_filename (base, rel, NULL) : g_strdup (base);
  struct stat st;

  if (lstat (path, &st) != 0)
    {
      g_ptr_array_add (lines, g_strdup_printf ("%s missing", rel));
      return;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_ptr_array_add (lines, g_strdup_printf ("%s/ dir %04o %u:%u", rel, st.st_mode & 07777,
                                               (guint) st.st_uid, (guint) st.st_gid));
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child =
            rel[0] != '\0' ? g_build_filename (rel, name, NULL) : g_strdup (name);

          list_into (lines, base, child);
        }
    }
  else if (S_ISLNK (st.st_mode))
    {
      g_autofree char *target = g_file_read_link (path, NULL);

      g_ptr_array_add (lines, g_strdup_printf ("%s link %s", rel, target));
    }
  else if (S_ISREG (st.st_mode))
    {
      g_autofree char *sha = mtd_test_sha256_file (path);

      g_ptr_array_add (lines, g_strdup_printf ("%s file %04o %u:%u %s", rel, st.st_mode & 07777,
                                               (guint) st.st_uid, (guint) st.st_gid, sha));
    }
  else
    g_ptr_array_add (lines, g_strdup_printf ("%s other %o", rel, st.st_mode));
}

/* "Nothing changed" (SECURITY.md): a sorted recursive listing of
 * @root/@rel_path with each file's type, mode, owner and SHA-256. */
char *
mtd_test_listing (const char *root, const char *rel_path)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = g_build_filename (root, rel_path, NULL);

  list_into (lines, base, "");
  g_ptr_array_sort_values (lines, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (lines, NULL);

  return g_strjoinv ("\n", (char **) lines->pdata);
}

/* The listings of lib/modules/<kver>, the state directory and etc. */
char *
mtd_test_listing_all (const char *root)
{
  g_autofree char *modules = mtd_test_listing (root, "lib/modules/" MTD_TEST_KVER);
  g_autofree char *state = mtd_test_listing (root, "var/lib/modtune");
  g_autofree char *etc = mtd_test_listing (root, "etc");

  return g_strdup_printf ("== modules\n%s\n== state\n%s\n== etc\n%s\n", modules, state, etc);
}

/* Whether modules.dep names @name.ko at a path that exists and has
 * @sha256. */
gboolean
mtd_test_depmod_resolves (const char *root, const char *name, const char *sha256)
{
  g_autofree char *dir = g_build_filename (root, "lib/modules", MTD_TEST_KVER, NULL);
  g_autofree char *dep_path = g_build_filename (dir, "modules.dep", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *suffix = g_strdup_printf ("/%s.ko", name);
  g_auto (GStrv) lines = NULL;
  guint found = 0;
  gboolean ok = FALSE;

  if (!g_file_get_contents (dep_path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *path = NULL;

      if (colon == NULL)
        continue;
      *colon = '\0';
      if (!g_str_has_suffix (lines[i], suffix))
        continue;
      found++;
      path = g_build_filename (dir, lines[i], NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *sha = mtd_test_sha256_file (path);

          ok = g_strcmp0 (sha, sha256) == 0;
        }
    }

  return found == 1 && ok;
}

void
mtd_test_run_depmod (const char *root)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err_out = NULL;
  const char *argv[] = { "depmod", "-b", root, MTD_TEST_KVER, NULL };
  const char *envp[] = { "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C", NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_SEARCH_PATH_FROM_ENVP, NULL, NULL,
                NULL, &err_out, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("depmod failed: %s", err_out);
}

static uid_t chown_uid;
static gid_t chown_gid;

static int
chown_cb (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return lchown (path, chown_uid, chown_gid);
}

void
mtd_test_chown_tree (const char *root, uid_t uid, gid_t gid)
{
  chown_uid = uid;
  chown_gid = gid;
  g_assert_no_errno (nftw (root, chown_cb, 16, FTW_PHYS));
}

/* SECURITY.md rule 35: no byte below 0x20 but tab */
void
mtd_test_assert_no_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\t')
      g_error ("control character 0x%02x in “%s”", (guchar) *p, text);
}
