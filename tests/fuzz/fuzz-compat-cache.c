/* fuzz-compat-cache.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mt-compat-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char *const ids[] = { "old-api", "new-api", "objtool-case" };

static GHashTable *
make_probes (void)
{
  GHashTable *probes =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _mt_compat_probe_free);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      MtCompatProbe *probe = g_new0 (MtCompatProbe, 1);

      probe->id = g_strdup (ids[i]);
      probe->description = g_strdup ("a probe");
      probe->source = g_bytes_new_static ("int x;\n", 7);
      g_hash_table_insert (probes, probe->id, probe);
    }

  return probes;
}

/* A stored file of probe results: whatever it accepts has exactly one
 * result for each probe, and a bounded detail. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static GHashTable *probes;
  g_autoptr (GHashTable) results = NULL;

  if (probes == NULL)
    probes = make_probes ();

  results = _mt_compat_probes_cache_parse ((const char *) data, size, probes, "fingerprint");
  if (results == NULL)
    return 0;

  g_assert_cmpuint (g_hash_table_size (results), ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      MtCompatProbeResult *result = g_hash_table_lookup (results, ids[i]);

      g_assert_nonnull (result);
      g_assert (result->detail == NULL || strlen (result->detail) <= 1000);
    }

  return 0;
}
