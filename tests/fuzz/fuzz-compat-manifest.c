/* fuzz-compat-manifest.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mt-compat-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* patches/MANIFEST: whatever it accepts maps safe paths under rules/,
 * probes/ or diffs/ to 64 hex digits. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) manifest =
    _mt_compat_parse_manifest ("patches/MANIFEST", (const char *) data, size, &error);
  GHashTableIter iter;
  gpointer key, value;

  g_assert ((manifest == NULL) == (error != NULL));
  if (manifest == NULL)
    return 0;

  g_hash_table_iter_init (&iter, manifest);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *path = key;
      const char *sha = value;

      g_assert (mt_compat_path_is_safe (path));
      g_assert (g_str_has_prefix (path, "rules/") || g_str_has_prefix (path, "probes/") ||
                g_str_has_prefix (path, "diffs/"));
      g_assert_cmpuint (strlen (sha), ==, 64);
      for (guint i = 0; i < 64; i++)
        g_assert (g_ascii_isdigit (sha[i]) || (sha[i] >= 'a' && sha[i] <= 'f'));
    }

  return 0;
}
