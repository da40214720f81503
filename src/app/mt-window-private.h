/* mt-window-private.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-report.h"
#include "mt-window.h"

G_BEGIN_DECLS

/* mt-window-actions.c: exporting and copying the report */
void mt_window_class_actions_init (GtkWidgetClass *widget_class);
MtReportFormat mt_window_format_for_file_name (const char *name);
void mt_window_save_report (MtWindow *self, GFile *file);
char *mt_window_dup_report_name (MtWindow *self);

G_END_DECLS
