/* main.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "modtunectl"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "mt-cli.h"

typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (MtCliGlobal *global, int argc, char **argv);
} MtCliCommand;

static const MtCliCommand commands[] = {
  /* TRANSLATORS: summary of the "detect" command in modtunectl --help */
  { "detect", N_("Show what this machine is, with the evidence of each fact"), mt_cli_detect },
    /* TRANSLATORS: summary of the "report" command in modtunectl --help */
    { "report", N_("Write a hardware report (Markdown, HTML, JSON or text)"), mt_cli_report },
      /* TRANSLATORS: summary of the "flags" command in modtunectl --help */
      { "flags",
        N_("List the compiler flags, what each one changes and what it needs"), mt_cli_flags },
        /* TRANSLATORS: summary of the "plan" command in modtunectl --help */
        { "plan", N_("Show what a build of vmmon and vmnet would do, and why"), mt_cli_plan },
          /* TRANSLATORS: summary of the "build" command in modtunectl --help */
          { "build", N_("Build vmmon and vmnet as this user, into a directory"), mt_cli_build },
            /* TRANSLATORS: summary of the "evidence" command in modtunectl --help */
            { "evidence",
              N_("Build with and without flags and show what the flags changed"), mt_cli_evidence },
              /* TRANSLATORS: summary of the "apply" command in modtunectl --help */
              { "apply",
                N_ ("Build, install and load vmmon and vmnet with the helper"), mt_cli_apply },
                /* TRANSLATORS: summary of the "status" command in modtunectl --help */
                { "status",
                  N_ ("Show which vmmon and vmnet are installed and loaded"), mt_cli_status },
                  /* TRANSLATORS: summary of the "backups" command in modtunectl --help */
                  { "backups", N_ ("List the backups of installed modules"), mt_cli_backups },
                    /* TRANSLATORS: summary of the "restore" command in modtunectl --help */
                    { "restore", N_ ("Install the modules of a backup again"), mt_cli_restore },
                      /* TRANSLATORS: summary of the "delete-backup" command in modtunectl --help */
                      { "delete-backup", N_ ("Delete a backup"), mt_cli_delete_backup },
                        /* TRANSLATORS: summary of the "uninstall" command in modtunectl --help */
                        { "uninstall",
                          N_ ("Remove the modules Modtune installed"), mt_cli_uninstall },
                          /* TRANSLATORS: summary of the "load" command in modtunectl --help */
                          { "load",
                            N_ ("Load vmmon and vmnet into the running kernel"), mt_cli_load },
                            /* TRANSLATORS: summary of the "unload" command in modtunectl --help */
                            { "unload", N_ ("Unload vmnet and vmmon"), mt_cli_unload },
                          };

void
mt_cli_add_global_options (GOptionContext *context, MtCliGlobal *global)
{
  /* g_option_context_add_main_entries() copies the entries. */
  const GOptionEntry entries[] = {
    { "sysroot", 0, 0, G_OPTION_ARG_FILENAME, &global->sysroot,
      N_("Read a recorded system tree instead of /"), N_("DIR") },
      { "cpuid", 0, 0, G_OPTION_ARG_FILENAME, &global->cpuid,
        N_("Read CPUID from a “cpuid -r” dump instead of the processor"), N_("FILE") }, { NULL } };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

int
mt_cli_usage_error (const char *message)
{
  g_printerr ("modtunectl: %s\n", message);
  g_printerr (_ ("Run “%s --help” for usage.\n"), g_get_prgname ());
  return MT_CLI_EXIT_USAGE;
}

void
mt_cli_print_error (const GError *error)
{
  g_printerr ("modtunectl: %s\n", error->message);
}

static char *
commands_description (void)
{
  g_autoptr (GString) str = g_string_new (_ ("Commands:"));

  g_string_append_c (str, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (str, "  %-14s %s\n", commands[i].name, _ (commands[i].summary));
  g_string_append_printf (str, "\n%s",
                          _ ("Run “modtunectl COMMAND --help” for a command’s options."));

  return g_string_free (g_steal_pointer (&str), FALSE);
}

static int
run (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *message = NULL;
  gboolean version = FALSE;
  const GOptionEntry extra[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the program version"), NULL }, { NULL }
  };

  context = g_option_context_new (_ ("COMMAND [OPTIONS…]"));
  g_option_context_set_summary (context, _ ("Keep VMware Workstation’s kernel modules working."));
  description = commands_description ();
  g_option_context_set_description (context, description);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* Stop at the command name, so that its own options reach it. */
  g_option_context_set_strict_posix (context, TRUE);
  mt_cli_add_global_options (context, global);
  g_option_context_add_main_entries (context, extra, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mt_cli_usage_error (error->message);

  if (version)
    {
      g_print ("modtunectl %s\n", PACKAGE_VERSION);
      return MT_CLI_EXIT_OK;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return MT_CLI_EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (global, argc - 1, argv + 1);

  message = g_strdup_printf (_ ("Unknown command “%s”"), argv[1]);

  return mt_cli_usage_error (message);
}

int
main (int argc, char *argv[])
{
  MtCliGlobal global = { 0 };
  int ret;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("modtunectl");

  ret = run (&global, argc, argv);

  g_free (global.sysroot);
  g_free (global.cpuid);

  return ret;
}
