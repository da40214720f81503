/* mt-evidence-dialog.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MT_TYPE_EVIDENCE_DIALOG (mt_evidence_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MtEvidenceDialog, mt_evidence_dialog, MT, EVIDENCE_DIALOG, AdwDialog)

MtEvidenceDialog *mt_evidence_dialog_new (const char *fact,
                                          const char *value,
                                          const char *const *evidence,
                                          const char *tree);
const char *mt_evidence_dialog_get_fact (MtEvidenceDialog *self);
char *mt_evidence_dialog_dup_text (MtEvidenceDialog *self);

G_END_DECLS
