/* fuzz-smbios.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-smbios.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSmbios) smbios = mt_smbios_new_from_data (data, size, &error);

  g_assert ((smbios == NULL) == (error != NULL));
  if (smbios != NULL)
    {
      const char *strings[] = {
        mt_smbios_get_bios_vendor (smbios),         mt_smbios_get_bios_version (smbios),
        mt_smbios_get_system_manufacturer (smbios), mt_smbios_get_system_product_name (smbios),
        mt_smbios_get_system_version (smbios),      mt_smbios_get_system_family (smbios),
        mt_smbios_get_board_vendor (smbios),        mt_smbios_get_board_name (smbios),
        mt_smbios_get_chassis_vendor (smbios),
      };

      /* everything that reaches a report is valid UTF-8 */
      for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
        g_assert (strings[i] == NULL || g_utf8_validate (strings[i], -1, NULL));
      (void) mt_smbios_get_vm_bit (smbios);
    }

  return 0;
}
