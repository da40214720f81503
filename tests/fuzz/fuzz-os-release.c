/* fuzz-os-release.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-os-release.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) values = mt_os_release_parse ((const char *) data, size, "fuzz", &error);

  g_assert ((values == NULL) == (error != NULL));

  return 0;
}
