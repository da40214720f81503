/* mt-report.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mt-system-info.h"

G_BEGIN_DECLS

typedef enum
{
  MT_REPORT_FORMAT_TEXT,
  MT_REPORT_FORMAT_MARKDOWN,
  MT_REPORT_FORMAT_HTML,
  MT_REPORT_FORMAT_JSON,
} MtReportFormat;

gboolean mt_report_format_from_string (const char *name, MtReportFormat *format, GError **error);
const char *mt_report_format_to_extension (MtReportFormat format);
char *mt_report_render (MtSystemInfo *info, MtReportFormat format);
gboolean mt_report_write (MtSystemInfo *info,
                          MtReportFormat format,
                          GOutputStream *stream,
                          GCancellable *cancellable,
                          GError **error);

G_END_DECLS
