/* fuzz-flag-catalog.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-flag-catalog.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The flag catalog: whatever it parses must expand, resolve its presets
 * and serialize, and every argument it hands out must pass the allowlist.
 * The input is also tried as one argument token. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtFlagCatalog) catalog =
    mt_flag_catalog_new_from_data ((const char *) data, size, &error);
  g_autofree char *token = g_strndup ((const char *) data, MIN (size, 256));

  (void) mt_flag_argument_is_allowed (token, NULL);

  g_assert ((catalog == NULL) == (error != NULL));
  if (catalog != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));
      g_autoptr (GPtrArray) ids = g_ptr_array_new ();
      g_auto (GStrv) presets = mt_flag_catalog_dup_preset_ids (catalog);
      g_autoptr (JsonNode) node = mt_flag_catalog_to_json (catalog, NULL);

      g_assert (n > 0);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (MtFlag) flag = g_list_model_get_item (G_LIST_MODEL (catalog), i);
          g_auto (GStrv) cflags = NULL;
          g_auto (GStrv) make_vars = NULL;
          const char *one[] = { mt_flag_get_id (flag), NULL };

          g_assert (mt_flag_catalog_lookup (catalog, one[0]) == flag);
          if (mt_flag_catalog_expand (catalog, one, &cflags, &make_vars, NULL))
            {
              g_assert (!mt_flag_get_refused (flag));
              for (guint j = 0; cflags[j] != NULL; j++)
                g_assert (mt_flag_argument_is_allowed (cflags[j], NULL));
              for (guint j = 0; make_vars[j] != NULL; j++)
                g_assert (mt_flag_argument_is_allowed (make_vars[j], NULL));
            }
          else
            {
              g_assert (mt_flag_get_refused (flag));
            }
          (void) mt_flag_get_label (flag);
          g_ptr_array_add (ids, (gpointer) one[0]);
        }
      g_ptr_array_add (ids, NULL);
      /* all at once: may fail on two flags of one group or a refused one */
      (void) mt_flag_catalog_expand (catalog, (const char *const *) ids->pdata, NULL, NULL, NULL);

      for (guint i = 0; presets[i] != NULL; i++)
        {
          g_auto (GStrv) resolved = mt_flag_catalog_get_preset (catalog, presets[i], NULL, NULL);

          g_assert (resolved != NULL);
          g_assert (
            mt_flag_catalog_expand (catalog, (const char *const *) resolved, NULL, NULL, NULL));
        }
      g_assert (node != NULL);
    }

  return 0;
}
