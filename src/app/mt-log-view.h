/* mt-log-view.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MT_TYPE_LOG_VIEW (mt_log_view_get_type ())

G_DECLARE_FINAL_TYPE (MtLogView, mt_log_view, MT, LOG_VIEW, GtkWidget)

GtkWidget *mt_log_view_new (void);
void mt_log_view_set_text (MtLogView *self, const char *text);
void mt_log_view_append_line (MtLogView *self, const char *line);
char *mt_log_view_dup_text (MtLogView *self);
gboolean mt_log_view_get_following (MtLogView *self);

gboolean mt_log_view_get_search_mode (MtLogView *self);
void mt_log_view_set_search_mode (MtLogView *self, gboolean search_mode);
void mt_log_view_start_search (MtLogView *self);
guint mt_log_view_get_n_matches (MtLogView *self);
gboolean mt_log_view_get_current_match (MtLogView *self, int *line, int *line_offset);

G_END_DECLS
