/* mt-window.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-application.h"
#include "mt-core.h"
#include "mt-helper-client.h"

G_BEGIN_DECLS

#define MT_TYPE_WINDOW (mt_window_get_type ())

G_DECLARE_FINAL_TYPE (MtWindow, mt_window, MT, WINDOW, AdwApplicationWindow)

MtWindow *
mt_window_new (MtApplication *application, const char *sysroot_path, const char *cpuid_path);
void mt_window_refresh (MtWindow *self);
gboolean mt_window_get_busy (MtWindow *self);
MtSystemInfo *mt_window_get_system_info (MtWindow *self);
MtHelperClient *mt_window_get_client (MtWindow *self);
void mt_window_show_toast (MtWindow *self, const char *message);
void mt_window_show_error_toast (MtWindow *self, const char *prefix, const GError *error);

G_END_DECLS
