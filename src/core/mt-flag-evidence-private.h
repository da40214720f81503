/* mt-flag-evidence-private.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-flag-evidence.h"

G_BEGIN_DECLS

/* mt-flag-evidence-objdump.c, for mt-flag-evidence.c */
GHashTable *_mt_disassembly_summary_get_mnemonics (MtDisassemblySummary *self);
char *_mt_objdump_find (gboolean llvm, const char *compiler, GError **error);
MtDisassemblySummary *
_mt_objdump_run (const char *objdump, const char *path, GCancellable *cancellable, GError **error);

G_END_DECLS
