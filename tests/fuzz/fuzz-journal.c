/* fuzz-journal.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mtd-journal.h"
#include "mtd-state.h"
#include "mtd-validate.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdJournal) journal = NULL;
  g_autoptr (MtdJournal) again = NULL;
  g_autoptr (GHashTable) state = NULL;
  g_autofree char *json = NULL;
  gsize len;

  journal = mtd_journal_parse ((const char *) data, size, &error);
  g_assert ((journal == NULL) == (error != NULL));
  if (journal != NULL)
    {
      g_assert (mtd_validate_kernel_release_form (journal->kernel_release, NULL));
      json = mtd_journal_to_json (journal, &len);
      again = mtd_journal_parse (json, len, NULL);
      g_assert (again != NULL);
    }
  g_clear_error (&error);

  /* state.json has the same bounds */
  state = mtd_state_parse ((const char *) data, size, &error);
  g_assert ((state == NULL) == (error != NULL));

  return 0;
}
