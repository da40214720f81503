/* mt-sysroot.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-sysroot"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mt-error.h"
#include "mt-sysroot.h"

/* Every file the detectors read is small (cpuinfo of a 512-CPU machine is
 * about 1 MiB); anything larger than this is not what we expect. */
#define MT_SYSROOT_MAX_FILE_SIZE     (16 * 1024 * 1024)
#define MT_SYSROOT_MAX_INFLATED_SIZE (64 * 1024 * 1024)

/**
 * MtSysroot:
 *
 * The root directory every detector reads through.  On a real machine it is
 * `/`; in tests and with `modtunectl --sysroot` it is a recorded tree, so
 * the same code can be run on the files of other machines.
 *
 * Paths given to the `mt_sysroot_*` functions are absolute paths as seen on
 * the machine (`/proc/cpuinfo`), never relative to the working directory.
 */
struct _MtSysroot
{
  GObject parent_instance;

  char *path;
};

G_DEFINE_FINAL_TYPE (MtSysroot, mt_sysroot, G_TYPE_OBJECT)

static void
mt_sysroot_finalize (GObject *object)
{
  MtSysroot *self = (MtSysroot *) object;

  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (mt_sysroot_parent_class)->finalize (object);
}

static void
mt_sysroot_class_init (MtSysrootClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_sysroot_finalize;
}

static void
mt_sysroot_init (MtSysroot *self)
{
}

/**
 * mt_sysroot_new:
 * @path: (nullable): the root directory, or %NULL for `/`
 * @error: a location for a #GError
 *
 * Returns: (transfer full): a new sysroot, or %NULL if @path is not an
 *   existing directory
 */
MtSysroot *
mt_sysroot_new (const char *path, GError **error)
{
  g_autoptr (MtSysroot) self = NULL;
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL || *path == '\0')
    path = "/";

  canonical = g_canonicalize_filename (path, NULL);

  if (!g_file_test (canonical, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("The system root “%s” does not exist or is not a directory"), path);
      return NULL;
    }

  self = g_object_new (MT_TYPE_SYSROOT, NULL);
  self->path = g_steal_pointer (&canonical);

  return g_steal_pointer (&self);
}

const char *
mt_sysroot_get_path (MtSysroot *self)
{
  g_return_val_if_fail (MT_IS_SYSROOT (self), NULL);

  return self->path;
}

/**
 * mt_sysroot_is_host:
 *
 * Returns: %TRUE if this sysroot is the running machine's own `/`
 */
gboolean
mt_sysroot_is_host (MtSysroot *self)
{
  g_return_val_if_fail (MT_IS_SYSROOT (self), FALSE);

  return g_str_equal (self->path, "/");
}

/**
 * mt_sysroot_resolve:
 * @rel_path: an absolute path on the machine, such as `/proc/cpuinfo`
 *
 * Returns: (transfer full): the path of @rel_path inside the sysroot
 */
char *
mt_sysroot_resolve (MtSysroot *self, const char *rel_path)
{
  g_return_val_if_fail (MT_IS_SYSROOT (self), NULL);
  g_return_val_if_fail (rel_path != NULL, NULL);

  return g_build_filename (self->path, rel_path, NULL);
}

gboolean
mt_sysroot_test (MtSysroot *self, const char *rel_path, GFileTest test)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (MT_IS_SYSROOT (self), FALSE);
  g_return_val_if_fail (rel_path != NULL, FALSE);

  path = mt_sysroot_resolve (self, rel_path);

  return g_file_test (path, test);
}

static void
set_io_error (MtSysroot *self, GError **error, int saved_errno, const char *rel_path)
{
  if (mt_sysroot_is_host (self))
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), _ ("Cannot read %s: %s"),
                 rel_path, g_strerror (saved_errno));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _ ("Cannot read %s in %s: %s"), rel_path, self->path, g_strerror (saved_errno));
}

/**
 * mt_sysroot_read:
 * @rel_path: an absolute path on the machine
 * @error: a location for a #GError
 *
 * Reads a whole file.  Works for files in `/proc` and `/sys`, whose size is
 * not known in advance.
 *
 * Returns: (transfer full): the contents, or %NULL with @error set
 */
GBytes *
mt_sysroot_read (MtSysroot *self, const char *rel_path, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GByteArray) buf = NULL;
  int fd;

  g_return_val_if_fail (MT_IS_SYSROOT (self), NULL);
  g_return_val_if_fail (rel_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = mt_sysroot_resolve (self, rel_path);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      set_io_error (self, error, errno, rel_path);
      return NULL;
    }

  buf = g_byte_array_sized_new (4096);

  for (;;)
    {
      guint8 chunk[8192];
      gssize n = read (fd, chunk, sizeof chunk);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;

          set_io_error (self, error, saved_errno, rel_path);
          g_close (fd, NULL);
          return NULL;
        }

      if (n == 0)
        break;

      if (buf->len + (gsize) n > MT_SYSROOT_MAX_FILE_SIZE)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s is larger than %u MiB; this is not the file Modtune expects"),
                       rel_path, MT_SYSROOT_MAX_FILE_SIZE / (1024 * 1024));
          g_close (fd, NULL);
          return NULL;
        }

      g_byte_array_append (buf, chunk, (guint) n);
    }

  g_close (fd, NULL);

  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/**
 * mt_sysroot_read_text:
 *
 * Like mt_sysroot_read(), but returns a NUL-terminated string.  A file that
 * contains a NUL byte is cut at it.
 *
 * Returns: (transfer full): the contents
 */
char *
mt_sysroot_read_text (MtSysroot *self, const char *rel_path, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gsize len;
  const char *data;

  bytes = mt_sysroot_read (self, rel_path, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

/**
 * mt_sysroot_read_line:
 *
 * Reads the first line of a file, without surrounding white space.  Suits
 * one-value files such as `/proc/sys/kernel/osrelease`.
 *
 * Returns: (transfer full): the first line
 */
char *
mt_sysroot_read_line (MtSysroot *self, const char *rel_path, GError **error)
{
  g_autofree char *text = NULL;
  char *nl;

  text = mt_sysroot_read_text (self, rel_path, error);
  if (text == NULL)
    return NULL;

  nl = strchr (text, '\n');
  if (nl != NULL)
    *nl = '\0';

  return g_strdup (g_strstrip (text));
}

/**
 * mt_sysroot_read_gzip:
 *
 * Reads and decompresses a gzip file, such as `/proc/config.gz`.
 *
 * Returns: (transfer full): the decompressed contents
 */
GBytes *
mt_sysroot_read_gzip (MtSysroot *self, const char *rel_path, GError **error)
{
  g_autoptr (GBytes) compressed = NULL;
  g_autoptr (GByteArray) out = NULL;
  z_stream zs = { 0 };
  gsize len;
  int ret;

  compressed = mt_sysroot_read (self, rel_path, error);
  if (compressed == NULL)
    return NULL;

  zs.next_in = (Bytef *) g_bytes_get_data (compressed, &len);
  zs.avail_in = (uInt) len;

  /* 16 + MAX_WBITS: expect a gzip header */
  if (inflateInit2 (&zs, 16 + MAX_WBITS) != Z_OK)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED, _ ("Cannot initialize decompression for %s"),
                   rel_path);
      return NULL;
    }

  out = g_byte_array_sized_new (len * 4);

  do
    {
      guint8 chunk[16384];

      zs.next_out = chunk;
      zs.avail_out = sizeof chunk;
      ret = inflate (&zs, Z_NO_FLUSH);

      if (ret != Z_OK && ret != Z_STREAM_END)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s is not a valid gzip file (%s)"), rel_path,
                       zs.msg != NULL ? zs.msg : "truncated");
          inflateEnd (&zs);
          return NULL;
        }

      g_byte_array_append (out, chunk, sizeof chunk - zs.avail_out);

      if (out->len > MT_SYSROOT_MAX_INFLATED_SIZE)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s decompresses to more than %u MiB"), rel_path,
                       MT_SYSROOT_MAX_INFLATED_SIZE / (1024 * 1024));
          inflateEnd (&zs);
          return NULL;
        }

      /* Input ended before the stream did: a truncated file. */
      if (ret == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s is not a valid gzip file (truncated)"), rel_path);
          inflateEnd (&zs);
          return NULL;
        }
    }
  while (ret != Z_STREAM_END);

  inflateEnd (&zs);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/**
 * mt_sysroot_list_dir:
 *
 * Returns: (transfer full): the sorted names of the entries in a directory
 */
char **
mt_sysroot_list_dir (MtSysroot *self, const char *rel_path, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) names = NULL;
  struct dirent *entry;
  DIR *dir;

  g_return_val_if_fail (MT_IS_SYSROOT (self), NULL);
  g_return_val_if_fail (rel_path != NULL, NULL);

  path = mt_sysroot_resolve (self, rel_path);
  dir = opendir (path);
  if (dir == NULL)
    {
      set_io_error (self, error, errno, rel_path);
      return NULL;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  while ((entry = readdir (dir)) != NULL)
    {
      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, ".."))
        continue;
      g_ptr_array_add (names, g_strdup (entry->d_name));
    }
  closedir (dir);

  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
