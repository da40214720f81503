/* main.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "modtune-helper"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "mtd-daemon.h"

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdDaemon) daemon = NULL;
  int idle_timeout = 120;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      "Exit after SECONDS without a request (0: never; default 120)", "SECONDS" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Show the program version", NULL },
    { NULL }
  };
  int ret;

  setlocale (LC_ALL, "");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "The Modtune system helper, started on demand by D-Bus.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "modtune-helper: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      printf ("modtune-helper %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (idle_timeout < 0)
    {
      fprintf (stderr, "modtune-helper: --idle-timeout must be 0 or more seconds\n");
      return 2;
    }

  daemon = mtd_daemon_new ((guint) idle_timeout);

  ret = mtd_daemon_run (daemon, &error);
  if (ret != 0)
    fprintf (stderr, "modtune-helper: %s\n", error != NULL ? error->message : "failed");

  return ret;
}
