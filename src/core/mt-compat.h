/* mt-compat.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The generated header, written into `<module>-only/` of the sources. */
#define MT_COMPAT_HEADER_NAME "modtune-compat.h"

/**
 * MtCompatKind:
 * @MT_COMPAT_KIND_COMPAT: a line of the generated compat header
 * @MT_COMPAT_KIND_FIXUP: exact-pattern textual changes
 * @MT_COMPAT_KIND_DIFF: a unified diff, for one vmmon interface version
 */
typedef enum
{
  MT_COMPAT_KIND_COMPAT,
  MT_COMPAT_KIND_FIXUP,
  MT_COMPAT_KIND_DIFF,
} MtCompatKind;

/**
 * MtCompatOutcome:
 * @MT_COMPAT_OUTCOME_APPLIED: the rule changed the sources or the compat header
 * @MT_COMPAT_OUTCOME_NOT_NEEDED: the rule is for another module or interface,
 *   its probe builds (the kernel still has the old API), or the sources
 *   already carry the change
 * @MT_COMPAT_OUTCOME_NOT_MATCHED: the rule is needed but its pattern or diff
 *   does not match the sources: the build must not go on
 * @MT_COMPAT_OUTCOME_UNSUPPORTED: the rule is needed but the kernel lacks
 *   what its replacement needs: the build must not go on
 */
typedef enum
{
  MT_COMPAT_OUTCOME_APPLIED,
  MT_COMPAT_OUTCOME_NOT_NEEDED,
  MT_COMPAT_OUTCOME_NOT_MATCHED,
  MT_COMPAT_OUTCOME_UNSUPPORTED,
} MtCompatOutcome;

#define MT_TYPE_COMPAT_RULES (mt_compat_rules_get_type ())

G_DECLARE_FINAL_TYPE (MtCompatRules, mt_compat_rules, MT, COMPAT_RULES, GObject)

#define MT_TYPE_COMPAT_REPORT (mt_compat_report_get_type ())

G_DECLARE_FINAL_TYPE (MtCompatReport, mt_compat_report, MT, COMPAT_REPORT, GObject)

const char *mt_compat_kind_to_string (MtCompatKind kind);
const char *mt_compat_outcome_to_string (MtCompatOutcome outcome);

MtCompatRules *mt_compat_rules_load (const char *patches_dir, GError **error);
guint mt_compat_rules_get_n_rules (MtCompatRules *self);
const char *mt_compat_rules_get_id (MtCompatRules *self, guint index);
guint mt_compat_rules_get_n_probes (MtCompatRules *self);
void mt_compat_rules_set_cache_dir (MtCompatRules *self, const char *cache_dir);

MtCompatReport *mt_compat_apply (MtCompatRules *rules,
                                 const char *module,
                                 const char *source_dir,
                                 const char *kernel_build_dir,
                                 GCancellable *cancellable,
                                 GError **error);

const char *mt_compat_report_get_module (MtCompatReport *self);
const char *mt_compat_report_get_kernel_release (MtCompatReport *self);
int mt_compat_report_get_interface_version (MtCompatReport *self);
const char *const *mt_compat_report_get_ccflags (MtCompatReport *self);
guint mt_compat_report_get_n_results (MtCompatReport *self);
const char *mt_compat_report_get_rule_id (MtCompatReport *self, guint index);
MtCompatOutcome mt_compat_report_get_outcome (MtCompatReport *self, guint index);
const char *mt_compat_report_get_reason (MtCompatReport *self, guint index);
int mt_compat_report_find (MtCompatReport *self, const char *rule_id);
gboolean mt_compat_report_check (MtCompatReport *self, GError **error);
JsonNode *mt_compat_report_to_json (MtCompatReport *self);

G_END_DECLS
