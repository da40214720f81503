/* mt-cli-detect.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cli-detect"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-cli.h"
#include "mt-core.h"
#include "mt-report.h"

/* modtunectl detect [--json] [--sysroot DIR] [--cpuid FILE] */
int
mt_cli_detect (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL }, { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (
    context, _ ("Show what Modtune detects on this machine, with the evidence of each fact."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  mt_cli_add_global_options (context, global);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mt_cli_usage_error (error->message);

  if (argc > 1)
    {
      g_autofree char *message =
        g_strdup_printf (_ ("“detect” takes no argument, but was given “%s”"), argv[1]);

      return mt_cli_usage_error (message);
    }

  info = mt_cli_detect_system (global, &error);
  if (info == NULL)
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr (JsonNode) root = mt_system_info_to_json (info);
      g_autofree char *text = json_to_string (root, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = mt_report_render (info, MT_REPORT_FORMAT_TEXT);

      g_print ("%s", text);
    }

  return MT_CLI_EXIT_OK;
}
