/* fuzz-pci-ids.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-pci-ids.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static int
hex_value (guint8 c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static void
check_name (const char *name)
{
  if (name == NULL)
    return;
  g_assert (g_utf8_validate (name, -1, NULL));
  g_assert (*name != '\0');
  /* cut to 255 bytes, then each invalid byte may become U+FFFD */
  g_assert (strlen (name) <= 3 * MT_PCI_IDS_MAX_NAME);
}

/* A system pci.ids: every id the input spells (four hexadecimal digits) is
 * looked up as a vendor, and as a device of the vendor spelled before it,
 * so that the searches reach the entries the input holds. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (MtPciIds) ids = mt_pci_ids_new (bytes);
  guint16 previous = 0;
  guint lookups = 0;

  check_name (mt_pci_ids_lookup_vendor (ids, 0x0000));
  check_name (mt_pci_ids_lookup_device (ids, 0xffff, 0xffff));

  for (size_t i = 0; i + 4 <= size && lookups < 256; i++)
    {
      guint id = 0;
      size_t j;

      for (j = 0; j < 4 && hex_value (data[i + j]) >= 0; j++)
        id = id * 16 + (guint) hex_value (data[i + j]);
      if (j < 4)
        continue;

      check_name (mt_pci_ids_lookup_vendor (ids, (guint16) id));
      check_name (mt_pci_ids_lookup_device (ids, previous, (guint16) id));
      check_name (mt_pci_ids_lookup_device (ids, (guint16) id, (guint16) id));
      /* a cached answer is the same */
      g_assert (mt_pci_ids_lookup_vendor (ids, (guint16) id) ==
                mt_pci_ids_lookup_vendor (ids, (guint16) id));
      previous = (guint16) id;
      lookups++;
      i += 3;
    }

  return 0;
}
