/* fuzz-cpuid-dump.c
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
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCpuid) cpuid = mt_cpuid_new_from_data (text, "fuzz", &error);

  g_assert ((cpuid == NULL) == (error != NULL));
  if (cpuid != NULL)
    {
      const guint32 leaves[] = {
        0, 1, 7, 0x40000000, 0x40000001, 0x40000100, 0x80000000, 0x80000004
      };
      g_autoptr (MtCpuInfo) cpu = mt_cpu_info_new_from_text ("processor : 0\n", cpuid, NULL);
      MtCpuidRegs regs;

      for (guint i = 0; i < G_N_ELEMENTS (leaves); i++)
        (void) mt_cpuid_query (cpuid, leaves[i], 1, &regs);
      g_assert (cpu != NULL);
    }

  return 0;
}
