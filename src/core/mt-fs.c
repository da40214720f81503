/* mt-fs.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-fs"

#include "config.h"

#include <gio/gio.h>

#include "mt-fs.h"

/* Small file helpers shared by the build engine. */

/**
 * mt_sha256_file:
 * @path: a file
 * @error: a location for a #GError
 *
 * Reads @path in blocks, never whole into memory.
 *
 * Returns: (transfer full): its SHA-256 in lower-case hex, or %NULL with
 *   @error set
 */
char *
mt_sha256_file (const char *path, GError **error)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buffer[65536];
  gssize n;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return NULL;

  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, sizeof buffer, NULL, error)) >
         0)
    g_checksum_update (checksum, buffer, n);
  if (n < 0)
    return NULL;

  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * mt_remove_tree:
 * @path: a file or directory this process made
 *
 * Removes @path and, for a directory, everything below it, never
 * following a symbolic link (a link is removed, not its target).  Errors
 * are ignored: what cannot be removed stays.
 */
void
mt_remove_tree (const char *path)
{
  g_autoptr (GFile) file = NULL;

  g_return_if_fail (path != NULL);

  file = g_file_new_for_path (path);
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) ==
      G_FILE_TYPE_DIRECTORY)
    {
      g_autoptr (GFileEnumerator) children = g_file_enumerate_children (
        file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

      while (children != NULL)
        {
          g_autoptr (GFileInfo) info = g_file_enumerator_next_file (children, NULL, NULL);
          g_autofree char *child = NULL;

          if (info == NULL)
            break;
          child = g_build_filename (path, g_file_info_get_name (info), NULL);
          mt_remove_tree (child);
        }
    }

  g_file_delete (file, NULL, NULL);
}
