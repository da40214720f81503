/* fuzz-tar.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-tar.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) archive = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) member =
    mt_tar_find_member (archive, "vmmon-only/include/iocontrols.h", 1024 * 1024, &error);

  g_assert ((member == NULL) == (error != NULL));
  if (member != NULL)
    g_assert (g_bytes_get_size (member) <= 1024 * 1024);

  return 0;
}
