/* mt-cli-report.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cli-report"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-cli.h"
#include "mt-core.h"
#include "mt-report.h"

/* Detects the machine (or the recorded tree) of the global options. */
MtSystemInfo *
mt_cli_detect_system (MtCliGlobal *global, GError **error)
{
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtCpuid) cpuid = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  g_auto (GStrv) problems = NULL;

  sysroot = mt_sysroot_new (global->sysroot, error);
  if (sysroot == NULL)
    return NULL;

  cpuid = mt_cpuid_new_for_sysroot (sysroot, global->cpuid, error);
  if (cpuid == NULL && error != NULL && *error != NULL)
    return NULL;

  info = mt_system_info_probe (sysroot, cpuid, error);
  if (info == NULL)
    return NULL;

  problems = mt_system_info_dup_problems (info);
  for (guint i = 0; problems[i] != NULL; i++)
    g_printerr (_ ("modtunectl: warning: could not detect %s\n"), problems[i]);

  return g_steal_pointer (&info);
}

/* modtunectl report [--format FORMAT] [-o FILE] */
int
mt_cli_report (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *text = NULL;
  MtReportFormat format = MT_REPORT_FORMAT_MARKDOWN;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_ ("markdown (the default; reads well pasted into a bug report), html, json or text"),
         N_ ("FORMAT") },
      { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
        N_ ("Write to FILE instead of the terminal"), N_ ("FILE") }, { NULL } };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _ ("Write a report of this machine: hardware, kernel, hypervisor, "
                                   "Secure Boot and VMware, each fact with its evidence."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  mt_cli_add_global_options (context, global);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mt_cli_usage_error (error->message);

  if (argc > 1)
    {
      g_autofree char *message =
        g_strdup_printf (_ ("“report” takes no argument, but was given “%s”"), argv[1]);

      return mt_cli_usage_error (message);
    }

  if (format_name != NULL && !mt_report_format_from_string (format_name, &format, &error))
    return mt_cli_usage_error (error->message);

  info = mt_cli_detect_system (global, &error);
  if (info == NULL)
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  text = mt_report_render (info, format);

  if (output == NULL || g_str_equal (output, "-"))
    {
      g_print ("%s", text);
      return MT_CLI_EXIT_OK;
    }

  {
    g_autoptr (GFile) file = g_file_new_for_commandline_arg (output);

    /* written next to the target and renamed over it: never half a report */
    if (!g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                  NULL, &error))
      {
        g_printerr (_ ("modtunectl: cannot write the report to %s: %s\n"), output, error->message);
        return MT_CLI_EXIT_FAILURE;
      }
  }

  return MT_CLI_EXIT_OK;
}
