/* fuzz-helper-ids.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/* The helper's validators of client strings (SECURITY.md rules 8, 9, 35):
 * the kernel release form, the backup id and the escaping of both in
 * error messages. */

#include "config.h"

#include <string.h>

#include "mtd-fs.h"
#include "mtd-validate.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_message (const GError *error)
{
  g_assert (error != NULL);
  for (const char *p = error->message; *p != '\0'; p++)
    g_assert ((guchar) *p >= 0x20 || *p == '\t');
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *escaped = mtd_fs_escape (text);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  for (const char *p = escaped; *p != '\0'; p++)
    g_assert ((guchar) *p >= 0x20 && (guchar) *p < 0x7f);

  ok = mtd_validate_kernel_release_form (text, &error);
  g_assert (ok == (error == NULL));
  if (ok)
    {
      g_assert (strlen (text) <= MTD_KERNEL_RELEASE_MAX);
      g_assert (strchr (text, '/') == NULL && strcmp (text, "..") != 0);
    }
  else
    check_message (error);
  g_clear_error (&error);

  ok = mtd_validate_backup_id (text, &error);
  g_assert (ok == (error == NULL));
  if (ok)
    g_assert (strlen (text) == MTD_BACKUP_ID_LEN && strchr (text, '/') == NULL);
  else
    check_message (error);

  return 0;
}
