/* mt-flag-evidence.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mt-flag-catalog.h"

G_BEGIN_DECLS

/* How many mnemonics, those whose counts changed most, a module's
 * evidence keeps. */
#define MT_FLAG_EVIDENCE_MAX_CHANGES 10

/* The parser of `objdump -h -d -r --no-show-raw-insn` output (GNU's or
 * LLVM's), fed in pieces of any size; public so that tests can feed it. */
typedef struct _MtDisassemblySummary MtDisassemblySummary;

MtDisassemblySummary *mt_disassembly_summary_new (void);
void mt_disassembly_summary_free (MtDisassemblySummary *self);
void mt_disassembly_summary_feed (MtDisassemblySummary *self, const char *data, gsize len);
void mt_disassembly_summary_finish (MtDisassemblySummary *self);
gint64 mt_disassembly_summary_get_text_size (MtDisassemblySummary *self);
guint64 mt_disassembly_summary_get_exec_size (MtDisassemblySummary *self);
guint mt_disassembly_summary_get_n_exec_sections (MtDisassemblySummary *self);
guint64 mt_disassembly_summary_get_instructions (MtDisassemblySummary *self);
guint64 mt_disassembly_summary_get_vector_instructions (MtDisassemblySummary *self);
guint64 mt_disassembly_summary_get_unparsed_lines (MtDisassemblySummary *self);
guint mt_disassembly_summary_get_n_mnemonics (MtDisassemblySummary *self);
guint64 mt_disassembly_summary_get_mnemonic_count (MtDisassemblySummary *self,
                                                   const char *mnemonic);
const char *mt_disassembly_summary_get_code_sha256 (MtDisassemblySummary *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtDisassemblySummary, mt_disassembly_summary_free)

/* One mnemonic whose count differs between the two builds. */
typedef struct
{
  char *mnemonic;
  guint64 vanilla;
  guint64 flagged;
} MtMnemonicChange;

/* What one build of one module measures. */
typedef struct
{
  char *sha256;      /* of the .ko file, as its manifest records it */
  gint64 text_size;  /* of .text; -1 when there is none */
  guint64 exec_size; /* of every executable section together */
  guint64 instructions;
  guint64 vector_instructions; /* naming an xmm, ymm or zmm register */
  guint64 unparsed_lines;      /* of objdump's output, not understood */
  char *code_sha256;           /* over the disassembly and relocations */
} MtModuleMeasure;

typedef struct
{
  char *module; /* vmmon, vmnet */
  MtModuleMeasure vanilla;
  MtModuleMeasure flagged;
  gboolean identical;      /* the same bytes */
  gboolean code_identical; /* the same instructions and relocations */
  GPtrArray *changes;      /* (element-type MtMnemonicChange) largest first */
} MtModuleEvidence;

/* The source lines that name the macros a flag defines. */
typedef struct
{
  char *flag_id;
  GStrv macros;
  GStrv references; /* "vmmon-only/linux/driver.c:12"; empty for none */
} MtMacroEvidence;

#define MT_TYPE_FLAG_EVIDENCE (mt_flag_evidence_get_type ())

G_DECLARE_FINAL_TYPE (MtFlagEvidence, mt_flag_evidence, MT, FLAG_EVIDENCE, GObject)

MtFlagEvidence *mt_flag_evidence_new (const char *vanilla_dir,
                                      const char *flagged_dir,
                                      MtFlagCatalog *catalog,
                                      GCancellable *cancellable,
                                      GError **error);
const char *mt_flag_evidence_get_kernel_release (MtFlagEvidence *self);
const char *mt_flag_evidence_get_objdump (MtFlagEvidence *self);
const char *const *mt_flag_evidence_get_flag_ids (MtFlagEvidence *self);
guint mt_flag_evidence_get_n_modules (MtFlagEvidence *self);
const MtModuleEvidence *mt_flag_evidence_get_module (MtFlagEvidence *self, guint index);
guint mt_flag_evidence_get_n_macros (MtFlagEvidence *self);
const MtMacroEvidence *mt_flag_evidence_get_macro (MtFlagEvidence *self, guint index);
JsonNode *mt_flag_evidence_to_json (MtFlagEvidence *self);

G_END_DECLS
