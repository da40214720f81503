/* fuzz-elf.c
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
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtElf) elf = mt_elf_new_from_bytes (bytes, &error);

  g_assert ((elf == NULL) == (error != NULL));
  if (elf != NULL)
    {
      g_autoptr (GBytes) modinfo_section = mt_elf_get_section (elf, ".modinfo");
      g_autoptr (GHashTable) modinfo = mt_elf_dup_modinfo (elf, NULL);

      (void) mt_elf_is_relocatable (elf);
      (void) mt_elf_is_signed (elf);
      (void) mt_elf_get_signature_size (elf);
      for (guint i = 0; i < mt_elf_get_n_sections (elf) && i < 64; i++)
        (void) i;
      if (modinfo != NULL)
        (void) mt_modinfo_lookup (modinfo, "vermagic");
    }

  return 0;
}
