/* mt-application.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-core.h"

G_BEGIN_DECLS

#define MT_TYPE_APPLICATION (mt_application_get_type ())

G_DECLARE_FINAL_TYPE (MtApplication, mt_application, MT, APPLICATION, AdwApplication)

MtApplication *mt_application_new (void);
GSettings *mt_application_get_settings (MtApplication *self);
void mt_application_probe_async (MtApplication *self,
                                 const char *sysroot_path,
                                 const char *cpuid_path,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
MtSystemInfo *
mt_application_probe_finish (MtApplication *self, GAsyncResult *result, GError **error);

void _mt_app_resources_ensure (void);

G_END_DECLS
