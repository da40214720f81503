/* mtd-validate.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-validate"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-flag-catalog.h"
#include "mtd-fs.h"
#include "mtd-validate.h"

/**
 * SECTION:mtd-validate
 *
 * The checks every client-supplied argument of the helper passes before
 * anything else happens (SECURITY.md rules 7–9, 35).  Each one fails with
 * %MT_ERROR_INVALID_ARGUMENT and a message that quotes the value escaped
 * and shortened, never raw.
 */

#define FLAG_ID_MAX 64

static gboolean
is_kernel_release_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '+' || c == '-';
}

/**
 * mtd_validate_kernel_release_form:
 * @kver: (nullable): a kernel release from a client
 * @error: a location for a #GError
 *
 * The form part of SECURITY.md rule 8, without looking at any file: @kver
 * matches `^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$` and is not "." or "..".
 *
 * Returns: %TRUE if it does
 */
gboolean
mtd_validate_kernel_release_form (const char *kver, GError **error)
{
  g_autofree char *shown = mtd_fs_escape (kver);
  gsize len;

  if (kver == NULL || *kver == '\0')
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                           _ ("No kernel release was given; name an installed kernel"));
      return FALSE;
    }

  len = strnlen (kver, MTD_KERNEL_RELEASE_MAX + 1);
  if (len > MTD_KERNEL_RELEASE_MAX)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("The kernel release “%s” is longer than %u characters"), shown,
                   MTD_KERNEL_RELEASE_MAX);
      return FALSE;
    }
  if (!g_ascii_isalnum (kver[0]))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("The kernel release “%s” must start with a letter or a digit"), shown);
      return FALSE;
    }
  for (gsize i = 1; i < len; i++)
    if (!is_kernel_release_char (kver[i]))
      {
        g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                     _ ("The kernel release “%s” may only contain letters, digits and . _ + -"),
                     shown);
        return FALSE;
      }
  /* unreachable given the first character, kept as the rule states it */
  if (strcmp (kver, ".") == 0 || strcmp (kver, "..") == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("The kernel release “%s” is not valid"), shown);
      return FALSE;
    }

  return TRUE;
}

/**
 * mtd_validate_kernel_release:
 * @root: the root prefix, "/" on a real system
 * @kver: (nullable): a kernel release from a client
 * @error: a location for a #GError
 *
 * SECURITY.md rule 8: the form of mtd_validate_kernel_release_form(), and
 * `@root/lib/modules/@kver` is an existing directory, not a link, owned by
 * root (or, unprivileged, by the user the helper runs as), whose `build`
 * link resolves to a directory with the same owner that neither its group
 * nor others may write.
 *
 * Returns: %TRUE if @kver names such an installed kernel
 */
gboolean
mtd_validate_kernel_release (const char *root, const char *kver, GError **error)
{
  g_autofree char *shown = NULL;
  struct stat st;
  int modules_fd;
  int kver_fd;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!mtd_validate_kernel_release_form (kver, error))
    return FALSE;

  shown = mtd_fs_escape (kver);
  modules_fd = mtd_fs_open_root_dir (root, "lib/modules", error);
  if (modules_fd < 0)
    return FALSE;

  kver_fd = openat (modules_fd, kver, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (kver_fd < 0)
    {
      int errsv = errno;
      gboolean is_link =
        fstatat (modules_fd, kver, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode);

      close (modules_fd);
      if (is_link)
        g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                     _ ("/lib/modules/%s is a symbolic link; name the kernel's real directory"),
                     shown);
      else
        g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                     _ ("The kernel %s is not installed (/lib/modules/%s: %s); name an installed "
                        "kernel"),
                     shown, shown, g_strerror (errsv));
      return FALSE;
    }
  close (modules_fd);

  if (fstat (kver_fd, &st) != 0 || !mtd_fs_owner_is_trusted (st.st_uid))
    {
      close (kver_fd);
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("/lib/modules/%s is not owned by root; the helper does not work on it"),
                   shown);
      return FALSE;
    }

  /* follows the build link, wherever it points */
  if (fstatat (kver_fd, "build", &st, 0) != 0)
    {
      int errsv = errno;

      close (kver_fd);
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("The kernel %s has no build directory (%s); install its headers package"),
                   shown, g_strerror (errsv));
      return FALSE;
    }
  close (kver_fd);

  if (!S_ISDIR (st.st_mode) || !mtd_fs_owner_is_trusted (st.st_uid) ||
      (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("The build directory of kernel %s is not a root-owned directory that only "
                      "root may write; reinstall its headers package"),
                   shown);
      return FALSE;
    }

  return TRUE;
}

/**
 * mtd_validate_backup_id:
 * @id: (nullable): a backup id from a client
 * @error: a location for a #GError
 *
 * The form part of SECURITY.md rule 9: `YYYYMMDDTHHMMSSZ-` and 8 lowercase
 * hex digits, as the helper makes them (so no `/`, `..`, whitespace or
 * control character can pass).  Whether the backup exists is
 * mtd_backup_store_lookup()'s question.
 *
 * Returns: %TRUE if @id has the form
 */
gboolean
mtd_validate_backup_id (const char *id, GError **error)
{
  /* D: digit, T Z -: themselves, x: lowercase hex */
  static const char pattern[] = "DDDDDDDDTDDDDDDZ-xxxxxxxx";
  gboolean ok;

  G_STATIC_ASSERT (sizeof pattern - 1 == MTD_BACKUP_ID_LEN);

  ok = id != NULL;
  for (guint i = 0; ok && i < MTD_BACKUP_ID_LEN; i++)
    {
      char c = id[i];

      switch (pattern[i])
        {
        case 'D':
          ok = g_ascii_isdigit (c);
          break;
        case 'x':
          ok = g_ascii_isdigit (c) || (c >= 'a' && c <= 'f');
          break;
        default:
          ok = c == pattern[i];
          break;
        }
    }
  ok = ok && id[MTD_BACKUP_ID_LEN] == '\0';

  /* a plausible date: month 01-12, day 01-31, hour 00-23, minute and second 00-59 */
  if (ok)
    {
      int month = (id[4] - '0') * 10 + (id[5] - '0');
      int day = (id[6] - '0') * 10 + (id[7] - '0');
      int hour = (id[9] - '0') * 10 + (id[10] - '0');
      int minute = (id[11] - '0') * 10 + (id[12] - '0');
      int second = (id[13] - '0') * 10 + (id[14] - '0');

      ok = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 &&
           second <= 60;
    }

  if (!ok)
    {
      g_autofree char *shown = mtd_fs_escape (id);

      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a backup id; use an id that ListBackups returns"), shown);
      return FALSE;
    }

  return TRUE;
}

/**
 * mtd_validate_options:
 * @options: (nullable): the `a{sv}` options of a request
 * @error: a location for a #GError
 *
 * No option is defined yet, so any key is an error.
 *
 * Returns: %TRUE if @options is %NULL or empty
 */
gboolean
mtd_validate_options (GVariant *options, GError **error)
{
  g_autofree char *key = NULL;
  g_autofree char *shown = NULL;
  GVariantIter iter;

  if (options == NULL)
    return TRUE;

  if (!g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                           _ ("The options must be a dictionary of type a{sv}"));
      return FALSE;
    }
  if (g_variant_n_children (options) == 0)
    return TRUE;

  g_variant_iter_init (&iter, options);
  g_variant_iter_next (&iter, "{sv}", &key, NULL);
  shown = mtd_fs_escape (key);
  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
               _ ("Unknown option “%s”; this version of the helper defines no options"), shown);
  return FALSE;
}

/**
 * mtd_validate_log_fd:
 * @fd: a descriptor from a client
 * @error: a location for a #GError
 *
 * The build log goes to the write end of a pipe or to a socket, nothing
 * else: never a file the client could not otherwise write.
 *
 * Returns: %TRUE if @fd is a pipe or a socket open for writing
 */
gboolean
mtd_validate_log_fd (int fd, GError **error)
{
  struct stat st;
  int flags;

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                           _ ("The log descriptor is not open; pass the write end of a pipe"));
      return FALSE;
    }
  if (!S_ISFIFO (st.st_mode) && !S_ISSOCK (st.st_mode))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                           _ ("The log descriptor is not a pipe or a socket; pass the write end "
                              "of a pipe"));
      return FALSE;
    }

  flags = fcntl (fd, F_GETFL);
  if (flags < 0 || ((flags & O_ACCMODE) != O_WRONLY && (flags & O_ACCMODE) != O_RDWR))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                           _ ("The log descriptor is not open for writing; pass the write end "
                              "of a pipe"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_flag_id_form (const char *id)
{
  gsize len = strnlen (id, FLAG_ID_MAX + 1);

  if (len == 0 || len > FLAG_ID_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && strchr ("._-", id[i]) == NULL)
      return FALSE;

  return TRUE;
}

/**
 * mtd_validate_flag_ids:
 * @ids: (nullable): flag ids from a client
 * @error: a location for a #GError
 *
 * Every id names a flag of the shipped catalog, none twice, and there
 * are at most %MTD_FLAG_IDS_MAX of them (SECURITY.md rule 10: the client
 * names flags, never compiler arguments).
 *
 * Returns: %TRUE if they do
 */
gboolean
mtd_validate_flag_ids (const char *const *ids, GError **error)
{
  g_autoptr (MtFlagCatalog) catalog = NULL;
  g_autoptr (GHashTable) seen = NULL;
  guint n;

  if (ids == NULL || ids[0] == NULL)
    return TRUE;

  n = g_strv_length ((char **) ids);
  if (n > MTD_FLAG_IDS_MAX)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("%u flags were named; at most %u are allowed"), n, MTD_FLAG_IDS_MAX);
      return FALSE;
    }

  catalog = mt_flag_catalog_new_default (error);
  if (catalog == NULL)
    return FALSE;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      if (!is_flag_id_form (ids[i]) || mt_flag_catalog_lookup (catalog, ids[i]) == NULL)
        {
          g_autofree char *shown = mtd_fs_escape (ids[i]);

          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                       _ ("“%s” is not a flag of the catalog; see modtunectl flags"), shown);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) ids[i]))
        {
          g_autofree char *shown = mtd_fs_escape (ids[i]);

          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                       _ ("The flag “%s” was named twice"), shown);
          return FALSE;
        }
    }

  return TRUE;
}
