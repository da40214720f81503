/* mt-compat-private.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-compat-diff.h"
#include "mt-compat.h"

G_BEGIN_DECLS

/* What one probe said about one kernel. */
typedef struct
{
  gboolean passed;
  char *detail; /* (nullable): the first error or objtool line of a failed probe */
} MtCompatProbeResult;

/* One fixup of a rule, as in its [Fixup N] group. */
typedef struct
{
  char *file;
  char *pattern;
  char *replacement;
  char *fixed_if; /* (nullable) */
} MtCompatFixup;

/* One rule file, parsed and checked. */
typedef struct
{
  char *id;
  GStrv modules;
  char *kernel_change;
  char *since;
  MtCompatKind kind;
  char *probe;
  GStrv requires;
  char *compat;       /* compat: the header lines */
  GPtrArray *fixups;  /* fixup: (element-type MtCompatFixup) */
  char *diff_name;    /* diff: the file in diffs/ */
  MtCompatDiff *diff; /* diff: (owned) */
  GArray *interfaces; /* diff: (element-type int) */
} MtCompatRule;

/* One probe: patches/probes/<id>.c, and the comment on its first line. */
typedef struct
{
  char *id;
  char *description;
  GBytes *source;
} MtCompatProbe;

/* One line of a report. */
typedef struct
{
  char *rule_id;
  MtCompatKind kind;
  char *kernel_change;
  char *since;
  char *probe;
  MtCompatOutcome outcome;
  char *reason;
  GStrv files; /* the files it changed, relative to the top of the sources */
} MtCompatResult;

void _mt_compat_probe_result_free (MtCompatProbeResult *result);
MtCompatProbeResult *_mt_compat_probe_result_new (gboolean passed, const char *detail);
void _mt_compat_result_free (MtCompatResult *result);

/* mt-compat-load.c */
void _mt_compat_rule_free (MtCompatRule *rule);
void _mt_compat_probe_free (MtCompatProbe *probe);
GHashTable *
_mt_compat_parse_manifest (const char *path, const char *text, gsize length, GError **error);
MtCompatRule *_mt_compat_parse_rule (const char *path,
                                     const char *id,
                                     const char *data,
                                     gsize length,
                                     GHashTable *probes,
                                     GHashTable *files,
                                     GError **error);
gboolean
_mt_compat_load (const char *patches_dir, GPtrArray *rules, GHashTable *probes, GError **error);

/* mt-compat-probe.c */
char *_mt_compat_read_kernel_release (const char *kernel_build_dir, GError **error);
GHashTable *
_mt_compat_probes_read_results (const char *work_dir, const char *const *ids, const char *log);
GHashTable *_mt_compat_probes_build (const char *kernel_build_dir,
                                     const char *work_dir,
                                     const char *home_dir,
                                     GHashTable *sources,
                                     GCancellable *cancellable,
                                     GError **error);

/* mt-compat.c: mt_compat_apply() with the probes' results given, for tests */
char *_mt_compat_probes_fingerprint (GHashTable *probes,
                                     const char *kernel_build_dir,
                                     const char *release);
GHashTable *_mt_compat_probes_cache_parse (const char *data,
                                           gsize len,
                                           GHashTable *probes,
                                           const char *fingerprint);
GHashTable *
_mt_compat_probes_cache_load (const char *path, GHashTable *probes, const char *fingerprint);
gboolean _mt_compat_probes_cache_save (const char *path,
                                       const char *fingerprint,
                                       const char *release,
                                       GHashTable *results,
                                       GError **error);

MtCompatReport *_mt_compat_apply_with_probes (MtCompatRules *rules,
                                              const char *module,
                                              const char *source_dir,
                                              const char *kernel_release,
                                              const char *kernel_build_dir,
                                              GHashTable *probes,
                                              GError **error);

/* mt-compat-report.c */
MtCompatReport *_mt_compat_report_new (const char *module,
                                       const char *kernel_release,
                                       const char *kernel_build_dir,
                                       int interface_version);
void _mt_compat_report_add_result (MtCompatReport *self, MtCompatResult *result);
void _mt_compat_report_set_probes (MtCompatReport *self, GHashTable *probes);
void
_mt_compat_report_set_header (MtCompatReport *self, const char *header, const char *const *ccflags);

G_END_DECLS
