/* mt-compat-apply.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/* The kbuild tests' driver of the compat engine:
 *
 *   mt-compat-apply PATCHES_DIR SOURCE_DIR KERNEL_BUILD_DIR MODULE…
 *
 * applies the rules to each module's sources in SOURCE_DIR and prints the
 * reports as a JSON array.  Exit status: 0 if every report checks, 1 if a
 * rule failed, 2 if the rules or the probes could not be used. */

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "mt-compat.h"

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatRules) rules = NULL;
  g_autoptr (JsonArray) reports = json_array_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;
  int status = 0;

  setlocale (LC_ALL, "");

  if (argc < 5)
    {
      g_printerr ("usage: %s PATCHES_DIR SOURCE_DIR KERNEL_BUILD_DIR MODULE…\n", argv[0]);
      return 2;
    }

  rules = mt_compat_rules_load (argv[1], &error);
  if (rules == NULL)
    {
      g_printerr ("mt-compat-apply: %s\n", error->message);
      return 2;
    }

  for (int i = 4; i < argc; i++)
    {
      g_autoptr (MtCompatReport) report = NULL;
      g_autoptr (GError) check_error = NULL;

      report = mt_compat_apply (rules, argv[i], argv[2], argv[3], NULL, &error);
      if (report == NULL)
        {
          g_printerr ("mt-compat-apply: %s\n", error->message);
          return 2;
        }
      if (!mt_compat_report_check (report, &check_error))
        {
          g_printerr ("mt-compat-apply: %s\n", check_error->message);
          status = 1;
        }
      json_array_add_element (reports, mt_compat_report_to_json (report));
    }

  json_node_set_array (root, reports);
  text = json_to_string (root, TRUE);
  /* UTF-8 as it is, whatever the locale */
  fputs (text, stdout);
  fputc ('\n', stdout);

  return status;
}
