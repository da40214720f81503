/* mt-helper-job.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-helper-job"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-helper-job.h"

/* What the helper's clients (modtunectl and the app) share about its jobs
 * (Apply, Restore, Uninstall): the arguments of a job call, the stages in
 * words, and the log made safe to show. */

/**
 * mt_helper_job_describe_stage:
 * @operation: (nullable): the job's Operation: "apply", "restore" or "uninstall"
 * @stage: (nullable): its Stage
 *
 * Returns: (nullable): what the stage does, as a sentence without a full
 *   stop ("Building vmmon and vmnet as the build user"), or %NULL for a
 *   stage this version does not know
 */
const char *
mt_helper_job_describe_stage (const char *operation, const char *stage)
{
  static const struct
  {
    const char *stage;
    const char *text;
  } stages[] = {
    /* TRANSLATORS: the stages of a job of the helper, shown in the
     * terminal as "[ 40%] build: Building vmmon and vmnet as the build
     * user" and in the app above the progress bar */
    { "detect", N_ ("Detecting the kernel and VMware Workstation") },
      { "plan", N_ ("Planning the build") },
        { "build", N_ ("Building vmmon and vmnet as the build user") },
          { "verify", N_ ("Checking the modules") },
            { "backup", N_ ("Backing up the installed modules") },
              { "install", N_ ("Installing the modules") },
                { "depmod", N_ ("Updating the module index") },
                  { "unload", N_ ("Unloading the old modules") },
                    { "load", N_ ("Loading the modules") },
                      { "check", N_ ("Checking the devices") },
                        { "boot", N_ ("Loading the modules at boot") },
                          { "done", N_ ("Finishing") },
                        };

  if (stage == NULL)
    return NULL;

  /* the same stages, the other way round */
  if (g_strcmp0 (operation, "uninstall") == 0)
    {
      if (g_str_equal (stage, "install"))
        return _ ("Removing the modules");
      if (g_str_equal (stage, "boot"))
        return _ ("No longer loading the modules at boot");
    }

  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    if (g_str_equal (stage, stages[i].stage))
      return _ (stages[i].text);

  return NULL;
}

/**
 * mt_helper_job_make_printable:
 * @line: a line of a job's log
 * @length: its length in bytes
 *
 * The helper already sends only valid UTF-8 without control characters
 * (SECURITY.md rule 35); a terminal or a text view is worth checking again.
 *
 * Returns: (transfer full): @line as valid UTF-8, each control character
 *   but the tab replaced by a space
 */
char *
mt_helper_job_make_printable (const char *line, gsize length)
{
  char *text = g_utf8_make_valid (line, length);

  for (char *p = text; *p != '\0'; p++)
    if (((guchar) *p < 0x20 && *p != '\t') || *p == 0x7f)
      *p = ' ';

  return text;
}

/**
 * mt_helper_job_parameters:
 * @args: (transfer floating): a tuple of the job method's arguments that
 *   come before the log descriptor
 * @log_handle: the index of the log's write end in the call's descriptor list
 *
 * Returns: (transfer floating): (args…, h, a{sv}): @args, then the log
 *   descriptor and no options
 */
GVariant *
mt_helper_job_parameters (GVariant *args, int log_handle)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (args);
  GVariantBuilder builder;

  g_return_val_if_fail (g_variant_is_of_type (owned, G_VARIANT_TYPE_TUPLE), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_TUPLE);
  for (gsize i = 0; i < g_variant_n_children (owned); i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (owned, i);

      g_variant_builder_add_value (&builder, child);
    }
  g_variant_builder_add (&builder, "h", log_handle);
  g_variant_builder_add_value (&builder, g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));

  return g_variant_builder_end (&builder);
}
