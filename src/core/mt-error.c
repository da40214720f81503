/* mt-error.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-error"

#include "config.h"

#include <gio/gio.h>

#include "mt-error.h"

static const GDBusErrorEntry mt_error_entries[] = {
  { MT_ERROR_FAILED, "io.github.modtune.Error.Failed" },
  { MT_ERROR_NOT_FOUND, "io.github.modtune.Error.NotFound" },
  { MT_ERROR_INVALID_DATA, "io.github.modtune.Error.InvalidData" },
  { MT_ERROR_INVALID_ARGUMENT, "io.github.modtune.Error.InvalidArgument" },
  { MT_ERROR_NOT_SUPPORTED, "io.github.modtune.Error.NotSupported" },
  { MT_ERROR_BUSY, "io.github.modtune.Error.Busy" },
  { MT_ERROR_CANCELLED, "io.github.modtune.Error.Cancelled" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (mt_error_entries) == MT_ERROR_CANCELLED + 1);

GQuark
mt_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("mt-error-quark", &quark, mt_error_entries,
                                      G_N_ELEMENTS (mt_error_entries));
  return (GQuark) quark;
}
