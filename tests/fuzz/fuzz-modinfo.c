/* fuzz-modinfo.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-elf.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) modinfo = mt_modinfo_parse ((const char *) data, size, &error);

  g_assert ((modinfo == NULL) == (error != NULL));
  if (modinfo != NULL)
    {
      (void) mt_modinfo_lookup (modinfo, "name");
      (void) mt_modinfo_lookup (modinfo, "vermagic");
    }

  return 0;
}
