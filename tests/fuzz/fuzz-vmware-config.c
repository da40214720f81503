/* fuzz-vmware-config.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-vmware.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* /etc/vmware/config and the VMMON_VERSION define of iocontrols.h */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GHashTable) config = mt_vmware_parse_config ((const char *) data, size);
  int major = -1, minor = -1;

  if (config != NULL)
    (void) g_hash_table_lookup (config, "player.product.version");
  if (mt_vmware_parse_vmmon_version ((const char *) data, size, &major, &minor))
    g_assert (major >= 0);
  (void) mt_vmware_versions_for_interface (major);

  return 0;
}
