/* mt-compat-report.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-compat-report"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mt-compat-private.h"
#include "mt-error.h"
#include "mt-json.h"

/**
 * MtCompatReport:
 *
 * What mt_compat_apply() did to one module's sources for one kernel: the
 * outcome of every rule, and why (which probe said so, which file already
 * had the change, which pattern was not found), the probes' results, and
 * the compiler flags that force-include the generated compat header.
 */
struct _MtCompatReport
{
  GObject parent_instance;

  char *module;
  char *kernel_release;
  char *kernel_build_dir;
  int interface_version;
  char *header;
  GStrv ccflags;
  GPtrArray *results; /* (element-type MtCompatResult) */
  GHashTable *probes; /* (element-type utf8 MtCompatProbeResult) */
};

G_DEFINE_FINAL_TYPE (MtCompatReport, mt_compat_report, G_TYPE_OBJECT)

static void
mt_compat_report_finalize (GObject *object)
{
  MtCompatReport *self = (MtCompatReport *) object;

  g_clear_pointer (&self->module, g_free);
  g_clear_pointer (&self->kernel_release, g_free);
  g_clear_pointer (&self->kernel_build_dir, g_free);
  g_clear_pointer (&self->header, g_free);
  g_clear_pointer (&self->ccflags, g_strfreev);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->probes, g_hash_table_unref);

  G_OBJECT_CLASS (mt_compat_report_parent_class)->finalize (object);
}

static void
mt_compat_report_class_init (MtCompatReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_compat_report_finalize;
}

static void
mt_compat_report_init (MtCompatReport *self)
{
  self->results = g_ptr_array_new_with_free_func ((GDestroyNotify) _mt_compat_result_free);
  self->ccflags = g_new0 (char *, 1);
}

/* qsort() over an array of strings */
static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
_mt_compat_result_free (MtCompatResult *result)
{
  if (result == NULL)
    return;

  g_free (result->rule_id);
  g_free (result->kernel_change);
  g_free (result->since);
  g_free (result->probe);
  g_free (result->reason);
  g_strfreev (result->files);
  g_free (result);
}

MtCompatReport *
_mt_compat_report_new (const char *module,
                       const char *kernel_release,
                       const char *kernel_build_dir,
                       int interface_version)
{
  MtCompatReport *self = g_object_new (MT_TYPE_COMPAT_REPORT, NULL);

  self->module = g_strdup (module);
  self->kernel_release = g_strdup (kernel_release);
  self->kernel_build_dir = g_strdup (kernel_build_dir);
  self->interface_version = interface_version;

  return self;
}

/* @result: (transfer full) */
void
_mt_compat_report_add_result (MtCompatReport *self, MtCompatResult *result)
{
  g_ptr_array_add (self->results, result);
}

void
_mt_compat_report_set_probes (MtCompatReport *self, GHashTable *probes)
{
  g_clear_pointer (&self->probes, g_hash_table_unref);
  self->probes = probes != NULL ? g_hash_table_ref (probes) : NULL;
}

void
_mt_compat_report_set_header (MtCompatReport *self, const char *header, const char *const *ccflags)
{
  g_free (self->header);
  self->header = g_strdup (header);
  g_strfreev (self->ccflags);
  self->ccflags = g_strdupv ((GStrv) ccflags);
}

/**
 * mt_compat_kind_to_string:
 *
 * Returns: `compat`, `fixup` or `diff`, the words of the rule files
 */
const char *
mt_compat_kind_to_string (MtCompatKind kind)
{
  switch (kind)
    {
    case MT_COMPAT_KIND_COMPAT:
      return "compat";
    case MT_COMPAT_KIND_FIXUP:
      return "fixup";
    case MT_COMPAT_KIND_DIFF:
      return "diff";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * mt_compat_outcome_to_string:
 *
 * Returns: `applied`, `not-needed`, `not-matched` or `unsupported`
 */
const char *
mt_compat_outcome_to_string (MtCompatOutcome outcome)
{
  switch (outcome)
    {
    case MT_COMPAT_OUTCOME_APPLIED:
      return "applied";
    case MT_COMPAT_OUTCOME_NOT_NEEDED:
      return "not-needed";
    case MT_COMPAT_OUTCOME_NOT_MATCHED:
      return "not-matched";
    case MT_COMPAT_OUTCOME_UNSUPPORTED:
      return "unsupported";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
mt_compat_report_get_module (MtCompatReport *self)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), NULL);

  return self->module;
}

const char *
mt_compat_report_get_kernel_release (MtCompatReport *self)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), NULL);

  return self->kernel_release;
}

/**
 * mt_compat_report_get_interface_version:
 *
 * Returns: the vmmon interface version of the sources (such as 417), or
 *   -1 for vmnet and for sources whose `iocontrols.h` could not be read
 */
int
mt_compat_report_get_interface_version (MtCompatReport *self)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), -1);

  return self->interface_version;
}

/**
 * mt_compat_report_get_ccflags:
 *
 * The compiler flags that force-include the generated compat header, to
 * be added to the module build (as kbuild's `KCFLAGS`): `-include` and the
 * header's absolute path.
 *
 * Returns: (transfer none): the flags, one per element
 */
const char *const *
mt_compat_report_get_ccflags (MtCompatReport *self)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), NULL);

  return (const char *const *) self->ccflags;
}

/**
 * mt_compat_report_get_n_results:
 *
 * Returns: the number of rules reported: every rule loaded, in the order
 *   of their ids
 */
guint
mt_compat_report_get_n_results (MtCompatReport *self)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), 0);

  return self->results->len;
}

static MtCompatResult *
get_result (MtCompatReport *self, guint index)
{
  return self->results->pdata[index];
}

const char *
mt_compat_report_get_rule_id (MtCompatReport *self, guint index)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), NULL);
  g_return_val_if_fail (index < self->results->len, NULL);

  return get_result (self, index)->rule_id;
}

MtCompatOutcome
mt_compat_report_get_outcome (MtCompatReport *self, guint index)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), MT_COMPAT_OUTCOME_NOT_MATCHED);
  g_return_val_if_fail (index < self->results->len, MT_COMPAT_OUTCOME_NOT_MATCHED);

  return get_result (self, index)->outcome;
}

/**
 * mt_compat_report_get_reason:
 *
 * Returns: one or two sentences for people: why the rule was or was not
 *   applied, with the probe and its evidence
 */
const char *
mt_compat_report_get_reason (MtCompatReport *self, guint index)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), NULL);
  g_return_val_if_fail (index < self->results->len, NULL);

  return get_result (self, index)->reason;
}

/**
 * mt_compat_report_find:
 *
 * Returns: the index of the rule @rule_id in the report, or -1
 */
int
mt_compat_report_find (MtCompatReport *self, const char *rule_id)
{
  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), -1);
  g_return_val_if_fail (rule_id != NULL, -1);

  for (guint i = 0; i < self->results->len; i++)
    if (g_str_equal (get_result (self, i)->rule_id, rule_id))
      return (int) i;

  return -1;
}

static gboolean
is_failure (MtCompatOutcome outcome)
{
  return outcome == MT_COMPAT_OUTCOME_NOT_MATCHED || outcome == MT_COMPAT_OUTCOME_UNSUPPORTED;
}

/**
 * mt_compat_report_check:
 * @error: a location for a #GError
 *
 * A rule that was needed but did not match the sources, or that the kernel
 * cannot support, makes the whole report fail: the module must not be built.
 *
 * Returns: %TRUE if no rule failed; otherwise %FALSE with @error
 *   (%MT_ERROR_NOT_SUPPORTED) naming the rules and the first reason
 */
gboolean
mt_compat_report_check (MtCompatReport *self, GError **error)
{
  g_autoptr (GPtrArray) failed = g_ptr_array_new ();
  const char *first_reason = NULL;
  g_autofree char *ids = NULL;

  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), FALSE);

  for (guint i = 0; i < self->results->len; i++)
    if (is_failure (get_result (self, i)->outcome))
      {
        g_ptr_array_add (failed, get_result (self, i)->rule_id);
        if (first_reason == NULL)
          first_reason = get_result (self, i)->reason;
      }

  if (failed->len == 0)
    return TRUE;

  g_ptr_array_add (failed, NULL);
  ids = g_strjoinv (", ", (GStrv) failed->pdata);
  /* TRANSLATORS: the module, the kernel release, the ids of the rules that
   * failed, then the first one's reason */
  g_set_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED,
               _ ("The %s sources cannot be made to build for %s (failed: %s). %s"), self->module,
               self->kernel_release, ids, first_reason);
  return FALSE;
}

static void
add_result (JsonBuilder *builder, MtCompatResult *result)
{
  json_builder_begin_object (builder);
  mt_json_add_string (builder, "id", result->rule_id);
  mt_json_add_string (builder, "kind", mt_compat_kind_to_string (result->kind));
  mt_json_add_string (builder, "kernel_change", result->kernel_change);
  mt_json_add_string (builder, "since", result->since);
  mt_json_add_string (builder, "probe", result->probe);
  mt_json_add_string (builder, "outcome", mt_compat_outcome_to_string (result->outcome));
  mt_json_add_string (builder, "reason", result->reason);
  mt_json_add_strv (builder, "files", (const char *const *) result->files);
  json_builder_end_object (builder);
}

static void
add_probes (JsonBuilder *builder, GHashTable *probes)
{
  g_autofree const char **ids = NULL;
  guint n = 0;

  json_builder_set_member_name (builder, "probes");
  json_builder_begin_array (builder);
  if (probes != NULL)
    {
      ids = (const char **) g_hash_table_get_keys_as_array (probes, &n);
      qsort (ids, n, sizeof (char *), compare_names);
    }
  for (guint i = 0; i < n; i++)
    {
      MtCompatProbeResult *probe = g_hash_table_lookup (probes, ids[i]);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "id", ids[i]);
      mt_json_add_bool (builder, "passed", probe->passed);
      mt_json_add_string (builder, "detail", probe->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * mt_compat_report_to_json:
 *
 * Returns: (transfer full): the report as an object: `module`,
 *   `kernel_release`, `kernel_build_dir`, `interface_version` (null if not
 *   known), `compat_header`, `ccflags`, `succeeded`, `rules` (each with
 *   `id`, `kind`, `kernel_change`, `since`, `probe`, `outcome`, `reason`,
 *   `files`) and `probes` (each with `id`, `passed`, `detail`)
 */
JsonNode *
mt_compat_report_to_json (MtCompatReport *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  gboolean succeeded = TRUE;

  g_return_val_if_fail (MT_IS_COMPAT_REPORT (self), NULL);

  for (guint i = 0; i < self->results->len; i++)
    succeeded &= !is_failure (get_result (self, i)->outcome);

  json_builder_begin_object (builder);
  mt_json_add_string (builder, "module", self->module);
  mt_json_add_string (builder, "kernel_release", self->kernel_release);
  mt_json_add_string (builder, "kernel_build_dir", self->kernel_build_dir);
  mt_json_add_int (builder, "interface_version", self->interface_version,
                   self->interface_version > 0);
  mt_json_add_string (builder, "compat_header", self->header);
  mt_json_add_strv (builder, "ccflags", (const char *const *) self->ccflags);
  mt_json_add_bool (builder, "succeeded", succeeded);

  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->results->len; i++)
    add_result (builder, get_result (self, i));
  json_builder_end_array (builder);

  add_probes (builder, self->probes);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
