/* mtd-fs.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-fs"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mt-error.h"
#include "mtd-fs.h"

/**
 * SECTION:mtd-fs
 *
 * The file primitives every root-side operation of the helper goes
 * through (SECURITY.md rules 15, 17, 21): directories and files are
 * opened relative to a directory descriptor with %O_NOFOLLOW, so a
 * symbolic link planted anywhere in the helper's directories makes the
 * operation fail instead of being followed; new files are written with
 * %O_EXCL, synced, and renamed into place, and the directory is synced
 * after the rename.
 */

#define MAX_TREE_DEPTH 8
#define ESCAPE_MAX     64
#define MAX_JSON_DEPTH 8

static const char *const module_names[MTD_N_MODULES] = { "vmmon", "vmnet" };
static const char *const module_file_names[MTD_N_MODULES] = { "vmmon.ko", "vmnet.ko" };

/**
 * mtd_module_name:
 * @module: a #MtdModule
 *
 * Returns: "vmmon" or "vmnet"
 */
const char *
mtd_module_name (MtdModule module)
{
  g_return_val_if_fail (module < MTD_N_MODULES, NULL);

  return module_names[module];
}

/**
 * mtd_module_file_name:
 * @module: a #MtdModule
 *
 * Returns: "vmmon.ko" or "vmnet.ko"
 */
const char *
mtd_module_file_name (MtdModule module)
{
  g_return_val_if_fail (module < MTD_N_MODULES, NULL);

  return module_file_names[module];
}

static gboolean
is_single_component (const char *name)
{
  return name != NULL && *name != '\0' && strchr (name, '/') == NULL && strcmp (name, ".") != 0 &&
         strcmp (name, "..") != 0;
}

/**
 * mtd_fs_owner_is_trusted:
 * @uid: the owner of a file
 *
 * Returns: whether @uid may own the helper's files: root, or, when the
 *   helper runs unprivileged (in tests), the user it runs as
 */
gboolean
mtd_fs_owner_is_trusted (uid_t uid)
{
  return uid == 0 || uid == getuid ();
}

/**
 * mtd_fs_check_trusted_dir:
 * @st: the result of fstat() on a directory
 * @what: the directory's name for the message
 * @error: a location for a #GError
 *
 * Checks SECURITY.md rule 17: a directory, owned by root (see
 * mtd_fs_owner_is_trusted()), not group- or world-writable.
 *
 * Returns: %TRUE if it is
 */
gboolean
mtd_fs_check_trusted_dir (const struct stat *st, const char *what, GError **error)
{
  g_return_val_if_fail (st != NULL, FALSE);
  g_return_val_if_fail (what != NULL, FALSE);

  if (!S_ISDIR (st->st_mode))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                   _ ("%s is not a directory; remove it and try again"), what);
      return FALSE;
    }
  if (!mtd_fs_owner_is_trusted (st->st_uid) || (st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                   _ ("%s is owned by uid %u with mode %04o; it must be owned by root and not "
                      "writable by group or others (chown root:root and chmod go-w it)"),
                   what, (guint) st->st_uid, (guint) (st->st_mode & 07777));
      return FALSE;
    }

  return TRUE;
}

static void
set_open_error (int errsv, int dirfd, const char *name, const char *what, GError **error)
{
  struct stat st;

  if ((errsv == ELOOP || errsv == ENOTDIR || errsv == EMLINK) &&
      fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                   _ ("%s is a symbolic link; the helper never follows links in its "
                      "directories: remove the link and try again"),
                   what);
      return;
    }

  g_set_error (error, errsv == ENOENT ? MT_ERROR : G_IO_ERROR,
               errsv == ENOENT ? MT_ERROR_NOT_FOUND : g_io_error_from_errno (errsv),
               _ ("Could not open %s: %s"), what, g_strerror (errsv));
}

/**
 * mtd_fs_open_dir_at:
 * @dirfd: an open directory
 * @name: one path component below it
 * @create: whether to create the directory (with @mode) if it is missing
 * @mode: the mode of a new directory
 * @what: its name for messages
 * @error: a location for a #GError
 *
 * Opens a directory of the helper's without following a link, and checks
 * that it is trusted (mtd_fs_check_trusted_dir()).
 *
 * Returns: a descriptor to close, or -1
 */
int
mtd_fs_open_dir_at (int dirfd,
                    const char *name,
                    gboolean create,
                    mode_t mode,
                    const char *what,
                    GError **error)
{
  const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  struct stat st;
  gboolean created = FALSE;
  int fd;

  g_return_val_if_fail (dirfd >= 0, -1);
  g_return_val_if_fail (is_single_component (name), -1);
  g_return_val_if_fail (what != NULL, -1);

  fd = openat (dirfd, name, flags);
  if (fd < 0 && errno == ENOENT && create)
    {
      if (mkdirat (dirfd, name, mode) != 0 && errno != EEXIST)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _ ("Could not create %s: %s"), what, g_strerror (errsv));
          return -1;
        }
      created = TRUE;
      fd = openat (dirfd, name, flags);
    }
  if (fd < 0)
    {
      set_open_error (errno, dirfd, name, what, error);
      return -1;
    }

  /* mkdirat() is subject to the umask */
  if (created && fchmod (fd, mode) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Could not set the mode of %s: %s"), what, g_strerror (errsv));
      close (fd);
      return -1;
    }

  if (fstat (fd, &st) != 0 || !mtd_fs_check_trusted_dir (&st, what, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                     _ ("Could not read the attributes of %s: %s"), what, g_strerror (errno));
      close (fd);
      return -1;
    }

  return fd;
}

/**
 * mtd_fs_open_root_dir:
 * @root: the root prefix, "/" on a real system
 * @rel_path: a directory below it that the system owns, such as
 *   "lib/modules" (links of the system, such as /lib → usr/lib, are
 *   followed)
 * @error: a location for a #GError
 *
 * Returns: a descriptor to close, or -1
 */
int
mtd_fs_open_root_dir (const char *root, const char *rel_path, GError **error)
{
  g_autofree char *path = NULL;
  int fd;

  g_return_val_if_fail (root != NULL, -1);
  g_return_val_if_fail (rel_path != NULL, -1);

  path = g_build_filename (root, rel_path, NULL);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, errsv == ENOENT ? MT_ERROR : G_IO_ERROR,
                   errsv == ENOENT ? MT_ERROR_NOT_FOUND : g_io_error_from_errno (errsv),
                   _ ("Could not open the directory %s: %s"), path, g_strerror (errsv));
      return -1;
    }

  return fd;
}

/**
 * mtd_fs_read_file_at:
 * @dirfd: an open directory
 * @name: one path component below it
 * @max_size: the largest size accepted
 * @out_stat: (out) (optional): the file's attributes
 * @out_missing: (out) (optional): set to %TRUE, and %NULL returned without
 *   an error, when the file does not exist
 * @error: a location for a #GError
 *
 * Reads a regular file without following a link (rules 15, 18): a link, a
 * directory, a device or a FIFO is an error, and so is a file larger than
 * @max_size.
 *
 * Returns: (transfer full): its contents, or %NULL
 */
GBytes *
mtd_fs_read_file_at (int dirfd,
                     const char *name,
                     gsize max_size,
                     struct stat *out_stat,
                     gboolean *out_missing,
                     GError **error)
{
  g_autoptr (GByteArray) data = NULL;
  struct stat st;
  int fd;

  g_return_val_if_fail (dirfd >= 0, NULL);
  g_return_val_if_fail (is_single_component (name), NULL);

  if (out_missing != NULL)
    *out_missing = FALSE;

  fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;

      if (errsv == ENOENT && out_missing != NULL)
        {
          *out_missing = TRUE;
          return NULL;
        }
      set_open_error (errsv == ELOOP ? ENOTDIR : errsv, dirfd, name, name, error);
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                   _ ("%s is not a regular file; remove it and try again"), name);
      close (fd);
      return NULL;
    }
  if ((guint64) st.st_size > max_size)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s is larger than %" G_GSIZE_FORMAT " bytes"), name, max_size);
      close (fd);
      return NULL;
    }

  data = g_byte_array_sized_new ((guint) st.st_size);
  for (;;)
    {
      guint8 buf[65536];
      ssize_t n = read (fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _ ("Could not read %s: %s"), name, g_strerror (errsv));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      if (data->len + (gsize) n > max_size)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s is larger than %" G_GSIZE_FORMAT " bytes"), name, max_size);
          close (fd);
          return NULL;
        }
      g_byte_array_append (data, buf, (guint) n);
    }
  close (fd);

  if (out_stat != NULL)
    *out_stat = st;

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static gboolean
write_all (int fd, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }

  return TRUE;
}

/**
 * mtd_fs_write_new_file_at:
 * @dirfd: an open directory
 * @name: one path component below it, which must not exist
 * @contents: what to write
 * @mode: the file's mode
 * @error: a location for a #GError
 *
 * Creates @name with %O_EXCL and %O_NOFOLLOW, writes @contents and syncs
 * it.  On failure the file is removed again.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_fs_write_new_file_at (int dirfd,
                          const char *name,
                          GBytes *contents,
                          mode_t mode,
                          GError **error)
{
  gsize len;
  const guint8 *data;
  int fd;

  g_return_val_if_fail (dirfd >= 0, FALSE);
  g_return_val_if_fail (is_single_component (name), FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  data = g_bytes_get_data (contents, &len);
  fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Could not create %s: %s"),
                   name, g_strerror (errsv));
      return FALSE;
    }

  if (fchmod (fd, mode) != 0 || !write_all (fd, data, len) || fsync (fd) != 0)
    {
      int errsv = errno;

      close (fd);
      unlinkat (dirfd, name, 0);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Could not write %s: %s"),
                   name, g_strerror (errsv));
      return FALSE;
    }
  if (close (fd) != 0)
    {
      int errsv = errno;

      unlinkat (dirfd, name, 0);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Could not write %s: %s"),
                   name, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/**
 * mtd_fs_replace_file_at:
 * @dirfd: an open directory
 * @name: one path component below it
 * @contents: what to write
 * @mode: the file's mode
 * @error: a location for a #GError
 *
 * Replaces @name atomically: writes and syncs `.<name>.tmp`, renames it
 * over @name and syncs the directory.  A link at @name is replaced, never
 * followed.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_fs_replace_file_at (int dirfd, const char *name, GBytes *contents, mode_t mode, GError **error)
{
  g_autofree char *tmp = NULL;

  g_return_val_if_fail (dirfd >= 0, FALSE);
  g_return_val_if_fail (is_single_component (name), FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  tmp = g_strdup_printf (".%s.tmp", name);
  if (!mtd_fs_unlink_at (dirfd, tmp, NULL, error))
    return FALSE;
  if (!mtd_fs_write_new_file_at (dirfd, tmp, contents, mode, error))
    return FALSE;
  if (renameat (dirfd, tmp, dirfd, name) != 0)
    {
      int errsv = errno;

      unlinkat (dirfd, tmp, 0);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Could not rename %s into place: %s"), name, g_strerror (errsv));
      return FALSE;
    }

  return mtd_fs_fsync_dir (dirfd, name, error);
}

/**
 * mtd_fs_unlink_at:
 * @dirfd: an open directory
 * @name: one path component below it
 * @out_removed: (out) (optional): whether something was removed
 * @error: a location for a #GError
 *
 * Removes a file or a link (never what it points to).  A missing file is
 * not an error; a directory is.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_fs_unlink_at (int dirfd, const char *name, gboolean *out_removed, GError **error)
{
  g_return_val_if_fail (dirfd >= 0, FALSE);
  g_return_val_if_fail (is_single_component (name), FALSE);

  if (out_removed != NULL)
    *out_removed = FALSE;

  if (unlinkat (dirfd, name, 0) != 0)
    {
      int errsv = errno;

      if (errsv == ENOENT)
        return TRUE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Could not remove %s: %s"),
                   name, g_strerror (errsv));
      return FALSE;
    }

  if (out_removed != NULL)
    *out_removed = TRUE;

  return TRUE;
}

/**
 * mtd_fs_fsync_dir:
 * @dirfd: an open directory
 * @what: its name for the message
 * @error: a location for a #GError
 *
 * Makes the names in @dirfd durable (after a rename, a create, a removal).
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_fs_fsync_dir (int dirfd, const char *what, GError **error)
{
  g_return_val_if_fail (dirfd >= 0, FALSE);

  if (fsync (dirfd) != 0 && errno != EINVAL)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Could not sync the directory of %s: %s"), what, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

static gboolean
remove_tree (int dirfd, const char *name, guint depth, GError **error)
{
  DIR *dir;
  struct dirent *entry;
  int fd;

  if (depth > MAX_TREE_DEPTH)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                   _ ("Could not remove %s: it is nested too deeply"), name);
      return FALSE;
    }

  fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      set_open_error (errno, dirfd, name, name, error);
      return FALSE;
    }
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      int errsv = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Could not read %s: %s"),
                   name, g_strerror (errsv));
      return FALSE;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (strcmp (entry->d_name, ".") == 0 || strcmp (entry->d_name, "..") == 0)
        continue;
      if (fstatat (fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
        {
          if (!remove_tree (fd, entry->d_name, depth + 1, error))
            {
              closedir (dir);
              return FALSE;
            }
        }
      else if (!mtd_fs_unlink_at (fd, entry->d_name, NULL, error))
        {
          closedir (dir);
          return FALSE;
        }
    }
  closedir (dir);

  if (unlinkat (dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Could not remove %s: %s"),
                   name, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/**
 * mtd_fs_remove_tree_at:
 * @dirfd: an open directory
 * @name: one path component below it: a directory
 * @error: a location for a #GError
 *
 * Removes a directory and everything in it, without following links.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_fs_remove_tree_at (int dirfd, const char *name, GError **error)
{
  g_return_val_if_fail (dirfd >= 0, FALSE);
  g_return_val_if_fail (is_single_component (name), FALSE);

  return remove_tree (dirfd, name, 0, error);
}

/**
 * mtd_fs_sha256:
 * @bytes: data
 *
 * Returns: (transfer full): the lowercase hex SHA-256 of @bytes
 */
char *
mtd_fs_sha256 (GBytes *bytes)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/**
 * mtd_fs_is_sha256:
 * @text: (nullable): a string
 *
 * Returns: whether @text is 64 lowercase hex digits
 */
gboolean
mtd_fs_is_sha256 (const char *text)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      return FALSE;

  return text[64] == '\0';
}

/**
 * mtd_fs_escape:
 * @text: (nullable): a string from a client or a file
 *
 * Makes @text safe to put in a message or a log (SECURITY.md rule 35):
 * at most 64 bytes of it, with control characters, quotes and bytes
 * above 0x7e escaped as in C.
 *
 * Returns: (transfer full): the escaped text
 */
char *
mtd_fs_escape (const char *text)
{
  g_autofree char *head = NULL;
  g_autofree char *escaped = NULL;
  gsize len;

  if (text == NULL)
    return g_strdup ("(null)");

  len = strnlen (text, ESCAPE_MAX + 1);
  head = g_strndup (text, MIN (len, ESCAPE_MAX));
  escaped = g_strescape (head, NULL);
  if (len > ESCAPE_MAX)
    return g_strconcat (escaped, "…", NULL);

  return g_steal_pointer (&escaped);
}

/* Whether the JSON text nests objects and arrays at most @max deep (a
 * recursive parser must never see more). */
static gboolean
json_depth_ok (const char *data, gsize len, guint max)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}

/**
 * mtd_fs_parse_json_object:
 * @data: (array length=len): JSON text from one of the helper's files
 * @len: its length
 * @max_len: the largest length accepted
 * @what: the file's name for messages
 * @error: a location for a #GError
 *
 * Parses JSON text whose top level must be an object, with bounds: at
 * most @max_len bytes, valid UTF-8, no NUL, nested at most 8 deep.
 *
 * Returns: (transfer full): the object node, or %NULL with
 *   %MT_ERROR_INVALID_DATA
 */
JsonNode *
mtd_fs_parse_json_object (const char *data,
                          gsize len,
                          gsize max_len,
                          const char *what,
                          GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (what != NULL, NULL);

  if (len == 0 || len > max_len || memchr (data, '\0', len) != NULL ||
      !g_utf8_validate (data, (gssize) len, NULL) || !json_depth_ok (data, len, MAX_JSON_DEPTH))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("%s is empty, too large or not text"),
                   what);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("%s is not valid JSON: %s"), what,
                   local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("%s does not hold a JSON object"),
                   what);
      return NULL;
    }

  return json_node_ref (root);
}

/**
 * mtd_fs_crash_point:
 * @step: the name of a step of an install
 *
 * Crash injection for the tests of SECURITY.md rule 20: when the
 * environment variable `MODTUNE_HELPER_CRASH_AT` equals @step and the
 * process does not run as root, it kills itself with %SIGKILL here.  As
 * root it does nothing.
 */
void
mtd_fs_crash_point (const char *step)
{
  const char *want = g_getenv ("MODTUNE_HELPER_CRASH_AT");

  if (want != NULL && g_strcmp0 (want, step) == 0 && getuid () != 0)
    raise (SIGKILL);
}

/**
 * mtd_fs_gate_point:
 * @variable: the name of an environment variable
 *
 * A gate for the tests, in the spirit of mtd_fs_crash_point(): when the
 * environment variable @variable names a file and the process does not
 * run as root, it waits here while that file exists (ten minutes at
 * most).  As root it does nothing.  `MODTUNE_HELPER_RECOVERY_GATE` holds
 * the recovery at start (mtd_journal_recover(), run by the daemon in a
 * worker thread), so that a test can call the helper while the recovery
 * still runs.
 */
void
mtd_fs_gate_point (const char *variable)
{
  const char *path = g_getenv (variable);

  if (path == NULL || getuid () == 0)
    return;
  for (guint i = 0; i < 10 * 60 * 50 && g_file_test (path, G_FILE_TEST_EXISTS); i++)
    g_usleep (G_USEC_PER_SEC / 50);
}
