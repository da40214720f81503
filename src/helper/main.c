/* main.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "modtune-helper"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "mtd-daemon.h"
#include "mtd-operations.h"

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdDaemon) daemon = NULL;
  g_autofree char *test_root = NULL;
  int idle_timeout = 120;
  int authorization_timeout = 300;
  int max_calls = 20;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      "Exit after SECONDS without a request or a job (0: never; default 120)", "SECONDS" },
    { "authorization-timeout", 0, 0, G_OPTION_ARG_INT, &authorization_timeout,
      "Deny a call polkit has not answered within SECONDS (default 300)", "SECONDS" },
    { "max-calls", 0, 0, G_OPTION_ARG_INT, &max_calls,
      "Refuse a user's changes beyond N in ten seconds (default 20)", "N" },
    { "test-root", 0, 0, G_OPTION_ARG_FILENAME, &test_root,
      "Work on DIR instead of / (tests only; refused when running as root)", "DIR" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Show the program version", NULL },
    { NULL }
  };
  int ret;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  /* a log reader that goes away must not kill the helper */
  signal (SIGPIPE, SIG_IGN);

  /* the build, run by the helper itself as the build user */
  if (argc > 1 && strcmp (argv[1], "--build-worker") == 0)
    return mtd_build_worker_main (argc, argv);

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

  if (idle_timeout < 0 || authorization_timeout < 1 || max_calls < 1)
    {
      fprintf (stderr, "modtune-helper: --idle-timeout must be 0 or more seconds, "
                       "--authorization-timeout and --max-calls 1 or more\n");
      return 2;
    }

  /* a test root is for the test suite, which never runs the helper as root */
  if (test_root != NULL && getuid () == 0)
    {
      fprintf (stderr, "modtune-helper: --test-root is refused when running as root\n");
      return 2;
    }

  daemon = mtd_daemon_new (test_root != NULL ? test_root : "/", (guint) idle_timeout,
                           (guint) authorization_timeout, (guint) max_calls);

  ret = mtd_daemon_run (daemon, &error);
  if (ret != 0)
    fprintf (stderr, "modtune-helper: %s\n", error != NULL ? error->message : "failed");

  return ret;
}
