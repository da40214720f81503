/* fuzz-cpuinfo.c
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
  g_autoptr (MtCpuInfo) cpu = mt_cpu_info_new_from_text (text, NULL, NULL);

  if (cpu != NULL)
    {
      g_autoptr (GPtrArray) features = mt_cpu_features_detect (cpu, NULL);
      g_autofree char *vendor = mt_cpu_info_dup_vendor_label (cpu);
      g_autofree char *signature = mt_cpu_info_dup_signature (cpu);

      g_assert (features->len > 0);
      g_assert (mt_cpu_info_get_logical_cpus (cpu) > 0);
    }

  return 0;
}
