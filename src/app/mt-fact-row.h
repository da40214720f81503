/* mt-fact-row.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-core.h"

G_BEGIN_DECLS

#define MT_TYPE_FACT_ROW (mt_fact_row_get_type ())

G_DECLARE_FINAL_TYPE (MtFactRow, mt_fact_row, MT, FACT_ROW, AdwActionRow)

GtkWidget *mt_fact_row_new (const char *title, const char *value, const char *const *evidence);
const char *mt_fact_row_get_value (MtFactRow *self);
void mt_fact_row_set_value (MtFactRow *self, const char *value);
const char *const *mt_fact_row_get_evidence (MtFactRow *self);
void mt_fact_row_set_evidence (MtFactRow *self, const char *const *evidence);
void mt_fact_row_add_evidence (MtFactRow *self, const char *line);
void mt_fact_row_add_evidence_lines (MtFactRow *self, GPtrArray *lines, const char *const *needles);
void
mt_fact_row_add_kconfig_evidence (MtFactRow *self, MtKconfig *config, const char *const *options);
const char *mt_fact_row_get_tree (MtFactRow *self);
void mt_fact_row_set_tree (MtFactRow *self, const char *tree);

G_END_DECLS
