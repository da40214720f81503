/* fuzz-kconfig.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtKconfig) config =
    mt_kconfig_new_from_data ((const char *) data, size, "fuzz", &error);

  g_assert ((config == NULL) == (error != NULL));
  if (config != NULL)
    {
      g_assert (mt_kconfig_get_size (config) > 0);
      (void) mt_kconfig_is_enabled (config, "CONFIG_MODULES");
    }

  return 0;
}
