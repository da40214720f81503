/* fuzz-backup-manifest.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mtd-backup-store.h"
#include "mtd-validate.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (MtdBackupManifest) again = NULL;
  g_autofree char *json = NULL;
  gsize len;

  manifest = mtd_backup_manifest_parse ((const char *) data, size, &error);
  g_assert ((manifest == NULL) == (error != NULL));
  if (manifest == NULL)
    return 0;

  /* what parses is valid, and survives a round trip */
  g_assert (mtd_validate_backup_id (manifest->id, NULL));
  g_assert (mtd_validate_kernel_release_form (manifest->kernel_release, NULL));
  g_assert (manifest->sha256[0] != NULL || manifest->sha256[1] != NULL);
  json = mtd_backup_manifest_to_json (manifest, &len);
  again = mtd_backup_manifest_parse (json, len, &error);
  g_assert (again != NULL);
  g_assert (g_str_equal (again->id, manifest->id));

  return 0;
}
