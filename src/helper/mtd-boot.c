/* mtd-boot.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-boot"

#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mtd-boot.h"
#include "mt-error.h"
#include "mtd-fs.h"

/**
 * SECTION:mtd-boot
 *
 * Loading vmmon and vmnet at boot: `etc/modules-load.d/modtune.conf`,
 * read by systemd-modules-load, written atomically (and synced) and
 * removed when the last of Modtune's modules is uninstalled.  The
 * directory is created if missing and never followed if it is a link.
 */

#define CONF_NAME "modtune.conf"

static const char conf_text[] = "# Written by Modtune: load VMware's modules at boot.\n"
                                "vmmon\n"
                                "vmnet\n";

static int
open_conf_dir (const char *root, gboolean create, GError **error)
{
  int etc_fd;
  int fd;

  etc_fd = mtd_fs_open_root_dir (root, "etc", error);
  if (etc_fd < 0)
    return -1;
  fd = mtd_fs_open_dir_at (etc_fd, "modules-load.d", create, 0755, "/etc/modules-load.d", error);
  close (etc_fd);

  return fd;
}

/**
 * mtd_boot_load_enable:
 * @root: the root prefix, "/" on a real system
 * @error: a location for a #GError
 *
 * Writes `etc/modules-load.d/modtune.conf` listing vmmon and vmnet.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_boot_load_enable (const char *root, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (root != NULL, FALSE);

  fd = open_conf_dir (root, TRUE, error);
  if (fd < 0)
    return FALSE;
  bytes = g_bytes_new_static (conf_text, sizeof conf_text - 1);
  ok = mtd_fs_replace_file_at (fd, CONF_NAME, bytes, 0644, error);
  close (fd);

  return ok;
}

/**
 * mtd_boot_load_disable:
 * @root: the root prefix
 * @error: a location for a #GError
 *
 * Removes `etc/modules-load.d/modtune.conf`; it is not an error if it is
 * not there.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_boot_load_disable (const char *root, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean removed = FALSE;
  gboolean ok;
  int fd;

  g_return_val_if_fail (root != NULL, FALSE);

  fd = open_conf_dir (root, FALSE, &local_error);
  if (fd < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, MT_ERROR, MT_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  ok = mtd_fs_unlink_at (fd, CONF_NAME, &removed, error) &&
       (!removed || mtd_fs_fsync_dir (fd, CONF_NAME, error));
  close (fd);

  return ok;
}

/**
 * mtd_boot_load_is_enabled:
 * @root: the root prefix
 *
 * Returns: whether `etc/modules-load.d/modtune.conf` exists
 */
gboolean
mtd_boot_load_is_enabled (const char *root)
{
  struct stat st;
  int fd;
  gboolean enabled;

  g_return_val_if_fail (root != NULL, FALSE);

  fd = open_conf_dir (root, FALSE, NULL);
  if (fd < 0)
    return FALSE;
  enabled = fstatat (fd, CONF_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode);
  close (fd);

  return enabled;
}
