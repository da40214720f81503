/* mt-cli-helper.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cli-helper"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-cli.h"

/* The commands that ask modtune-helper, on the system bus, to look at or
 * change the installed modules: status, backups, apply, restore,
 * uninstall, load, unload, delete-backup.  The helper works on this
 * machine (or on its test root), so --sysroot and --cpuid do not apply.
 * The jobs are followed by mt-cli-job.c. */

/* Read-only calls: long enough for a helper that bus activation started
 * and that first recovers an interrupted install (depmod takes half a
 * minute on a slow machine).  The calls that start a job wait without a
 * timeout, as polkit may be asking for a password. */
#define CALL_TIMEOUT_MS (5 * 60 * 1000)

/* Width of the labels of "modtunectl status", in characters. */
#define LABEL_WIDTH 22

/**
 * mt_cli_helper_connect:
 *
 * Returns: (transfer full): a proxy for the helper on the system bus
 *   (which starts it, by bus activation, at the first call), or %NULL if
 *   the system bus cannot be reached
 */
MtDbusHelper1 *
mt_cli_helper_connect (GError **error)
{
  MtDbusHelper1 *helper;

  /* registers io.github.modtune.Error.*, which then arrive as MtError */
  (void) MT_ERROR;

  helper = mt_dbus_helper1_proxy_new_for_bus_sync (
    G_BUS_TYPE_SYSTEM,
    G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS |
      G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
    MT_CLI_HELPER_BUS_NAME, MT_CLI_HELPER_OBJECT_PATH, NULL, error);
  if (helper == NULL)
    g_prefix_error (error, _ ("Cannot reach the system bus: "));
  else
    g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (helper), CALL_TIMEOUT_MS);

  return helper;
}

static gboolean
is_spawn_error (const GError *error)
{
  return error->domain == G_DBUS_ERROR && error->code >= G_DBUS_ERROR_SPAWN_EXEC_FAILED &&
         error->code <= G_DBUS_ERROR_SPAWN_NO_MEMORY;
}

/**
 * mt_cli_helper_print_error:
 *
 * Prints an error of a call to the helper on one line, without the
 * remote error prefix, and says what to do when the helper is missing or
 * polkit said no.  Cancellation prints nothing.
 */
void
mt_cli_helper_print_error (const GError *error)
{
  g_autoptr (GError) copy = NULL;

  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  copy = g_error_copy (error);
  g_dbus_error_strip_remote_error (copy);

  if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    g_printerr ("modtunectl: %s\n",
                _ ("the Modtune helper is not installed (modtune-helper, D-Bus service "
                   "io.github.modtune.Helper): install Modtune with --prefix=/usr, as D-Bus and "
                   "polkit look only in /usr/share and /etc"));
  else if (is_spawn_error (copy))
    g_printerr (_ ("modtunectl: the Modtune helper could not be started: %s; “journalctl -u "
                   "modtune-helper” may say why\n"),
                copy->message);
  else if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
           g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    g_printerr (_ ("modtunectl: not authorized: %s\n"), copy->message);
  else if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
           g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
           g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT) ||
           g_error_matches (copy, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_printerr (_ ("modtunectl: the Modtune helper did not answer: %s\n"), copy->message);
  else
    g_printerr ("modtunectl: %s\n", copy->message);
}

/* Parses a helper command: its entries, then @n_args arguments named
 * @args_name (0 or 1). */
static gboolean
parse (MtCliGlobal *global,
       const char *parameter,
       const char *summary,
       const GOptionEntry *entries,
       int argc,
       char **argv,
       const char *missing,
       char **out_arg,
       int *exit_status)
{
  g_autoptr (GOptionContext) context = g_option_context_new (parameter);
  g_autoptr (GError) error = NULL;
  const char *command = argv[0];
  int n_args = out_arg != NULL ? 1 : 0;

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      *exit_status = mt_cli_usage_error (error->message);
      return FALSE;
    }

  if (global->sysroot != NULL || global->cpuid != NULL)
    {
      g_autofree char *message = g_strdup_printf (
        _ ("“%s” asks the helper about this machine: --sysroot and --cpuid do not apply"), command);

      *exit_status = mt_cli_usage_error (message);
      return FALSE;
    }

  if (argc - 1 < n_args)
    {
      *exit_status = mt_cli_usage_error (missing);
      return FALSE;
    }
  if (argc - 1 > n_args)
    {
      g_autofree char *message =
        g_strdup_printf (n_args == 0 ? _ ("“%s” takes no argument, but was given “%s”")
                                     : _ ("“%s” takes one argument, but was also given “%s”"),
                         command, argv[n_args + 1]);

      *exit_status = mt_cli_usage_error (message);
      return FALSE;
    }

  if (out_arg != NULL)
    *out_arg = g_strdup (argv[1]);

  return TRUE;
}

static void
print_json (GVariant *value)
{
  g_autoptr (JsonNode) root = json_gvariant_serialize (value);
  g_autofree char *text = json_to_string (root, TRUE);

  g_print ("%s\n", text);
}

/* "label:" padded to LABEL_WIDTH characters (translations included) */
static void
print_field (int indent, const char *label, const char *value)
{
  g_autofree char *with_colon = g_strdup_printf ("%*s%s:", indent, "", label);
  glong width = g_utf8_strlen (with_colon, -1);

  g_print ("%s%*s %s\n", with_colon, (int) MAX (LABEL_WIDTH - width, 0), "",
           value != NULL ? value : "?");
}

static const char *
lookup_string (GVariant *dict, const char *key)
{
  const char *value = NULL;

  if (dict == NULL || !g_variant_lookup (dict, key, "&s", &value))
    return NULL;

  return value;
}

static const char *
describe_origin (const char *origin)
{
  if (g_strcmp0 (origin, "modtune") == 0)
    return _ ("modtune (built and installed by Modtune)");
  if (g_strcmp0 (origin, "vmware") == 0)
    return _ ("vmware (VMware’s own module)");
  if (g_strcmp0 (origin, "none") == 0)
    return _ ("none (not installed)");

  return origin != NULL ? origin : _ ("unknown");
}

static void
print_module (GVariant *status, const char *name)
{
  g_autoptr (GVariant) module = g_variant_lookup_value (status, name, G_VARIANT_TYPE_VARDICT);
  const char *sha256 = lookup_string (module, "sha256");
  const char *backup = lookup_string (module, "backup-id");
  gboolean loaded;

  g_print ("%s\n", name);
  print_field (2, _ ("origin"), describe_origin (lookup_string (module, "origin")));
  if (module != NULL && g_variant_lookup (module, "loaded", "b", &loaded))
    print_field (2, _ ("loaded"), loaded ? _ ("yes") : _ ("no"));
  else
    print_field (2, _ ("loaded"), _ ("unknown"));
  if (backup != NULL)
    print_field (2, _ ("backup"), backup);
  if (sha256 != NULL)
    {
      /* the first 12 hex digits name a file well enough for a person */
      g_autofree char *shortened =
        strlen (sha256) > 12 ? g_strdup_printf ("%.12s…", sha256) : g_strdup (sha256);

      print_field (2, _ ("sha256"), shortened);
    }
}

/* modtunectl status [--kernel KVER] [--json] */
int
mt_cli_status (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (MtDbusHelper1) helper = NULL;
  g_autoptr (GVariant) status = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *kernel = NULL;
  const char *workstation;
  const char *job = NULL;
  gboolean recovered = FALSE;
  gboolean json = FALSE;
  int exit_status = MT_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "kernel", 0, 0, G_OPTION_ARG_STRING, &kernel,
      N_ ("Show kernel KVER (default: the running one)"), N_ ("KVER") },
      { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON instead of text"), NULL },
        { NULL } };

  if (!parse (global, NULL, _ ("Show which vmmon and vmnet are installed and loaded."), entries,
              argc, argv, NULL, NULL, &exit_status))
    return exit_status;

  helper = mt_cli_helper_connect (&error);
  if (helper == NULL || !mt_dbus_helper1_call_get_status_sync (helper, kernel != NULL ? kernel : "",
                                                               &status, NULL, &error))
    {
      mt_cli_helper_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      print_json (status);
      return MT_CLI_EXIT_OK;
    }

  workstation = lookup_string (status, "workstation-version");
  g_variant_lookup (status, "job", "&o", &job);
  g_variant_lookup (status, "recovered", "b", &recovered);

  print_field (0, _ ("Kernel"), lookup_string (status, "kernel-release"));
  print_field (0, _ ("VMware Workstation"),
               workstation != NULL ? workstation : _ ("not installed"));
  print_module (status, "vmmon");
  print_module (status, "vmnet");
  if (job != NULL)
    print_field (0, _ ("Running job"), job);
  if (recovered)
    print_field (0, _ ("Recovered"),
                 _ ("yes: the helper finished or undid an interrupted install when it started"));

  return MT_CLI_EXIT_OK;
}

/* Pads @text with spaces to @width characters. */
static void
append_cell (GString *line, const char *text, gsize width)
{
  glong length = g_utf8_strlen (text, -1);

  g_string_append (line, text);
  if (width > 0)
    for (glong i = length; i < (glong) width + 2; i++)
      g_string_append_c (line, ' ');
}

enum
{
  COLUMN_ID,
  COLUMN_CREATED,
  COLUMN_KERNEL,
  COLUMN_WORKSTATION,
  COLUMN_FLAGS,
  COLUMN_NOTES,
  N_COLUMNS
};

/* One row of "modtunectl backups", its cells as text. */
static GStrv
backup_row (GVariant *backup)
{
  g_autoptr (GStrvBuilder) row = g_strv_builder_new ();
  g_autoptr (GDateTime) created = NULL;
  g_autoptr (GString) notes = g_string_new (NULL);
  g_autofree const char **flags = NULL;
  g_autofree char *flag_text = NULL;
  guint64 seconds = 0;
  gboolean installed = FALSE;
  gboolean known_good = FALSE;
  const char *value;

  g_variant_lookup (backup, "created", "t", &seconds);
  g_variant_lookup (backup, "installed", "b", &installed);
  g_variant_lookup (backup, "known-good", "b", &known_good);
  g_variant_lookup (backup, "flag-ids", "^a&s", &flags);
  created = g_date_time_new_from_unix_local ((gint64) MIN (seconds, G_MAXINT64));

  value = lookup_string (backup, "id");
  g_strv_builder_add (row, value != NULL ? value : "?");
  g_strv_builder_take (row, created != NULL ? g_date_time_format (created, "%Y-%m-%d %H:%M:%S")
                                            : g_strdup ("?"));
  value = lookup_string (backup, "kernel-release");
  g_strv_builder_add (row, value != NULL ? value : "?");
  value = lookup_string (backup, "workstation-version");
  g_strv_builder_add (row, value != NULL && value[0] != '\0' ? value : "-");
  flag_text = flags != NULL && flags[0] != NULL ? g_strjoinv (",", (char **) flags) : NULL;
  g_strv_builder_add (row, flag_text != NULL ? flag_text : "-");

  if (installed)
    g_string_append (notes, _ ("installed"));
  if (known_good)
    g_string_append_printf (notes, "%s%s", notes->len > 0 ? ", " : "", _ ("known good"));
  if (g_strcmp0 (lookup_string (backup, "origin"), "vmware") == 0)
    g_string_append_printf (notes, "%s%s", notes->len > 0 ? ", " : "", _ ("VMware’s modules"));
  g_strv_builder_add (row, notes->str);

  return g_strv_builder_end (row);
}

static void
print_backups (GVariant *backups)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *headers[N_COLUMNS] = {
    /* TRANSLATORS: column headings of "modtunectl backups" */
    _ ("ID"), _ ("CREATED"), _ ("KERNEL"), _ ("VMWARE"), _ ("FLAGS"), _ ("NOTES"),
  };
  gsize widths[N_COLUMNS] = { 0 };

  if (g_variant_n_children (backups) == 0)
    {
      g_print ("%s\n", _ ("No backups yet: “modtunectl apply” makes one."));
      return;
    }

  for (gsize i = 0; i < g_variant_n_children (backups); i++)
    {
      g_autoptr (GVariant) backup = g_variant_get_child_value (backups, i);

      g_ptr_array_add (rows, backup_row (backup));
    }

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      widths[c] = g_utf8_strlen (headers[c], -1);
      for (guint r = 0; r < rows->len; r++)
        widths[c] = MAX (widths[c], (gsize) g_utf8_strlen (((char **) rows->pdata[r])[c], -1));
    }
  /* the last column is not padded */
  widths[N_COLUMNS - 1] = 0;

  for (guint r = 0; r <= rows->len; r++)
    {
      g_autoptr (GString) line = g_string_new (NULL);

      for (guint c = 0; c < N_COLUMNS; c++)
        append_cell (line, r == 0 ? headers[c] : ((char **) rows->pdata[r - 1])[c], widths[c]);
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_print ("%s\n", line->str);
    }
}

/* modtunectl backups [--json] */
int
mt_cli_backups (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (MtDbusHelper1) helper = NULL;
  g_autoptr (GVariant) backups = NULL;
  g_autoptr (GError) error = NULL;
  gboolean json = FALSE;
  int exit_status = MT_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON instead of text"), NULL }, { NULL }
  };

  if (!parse (global, NULL, _ ("List the backups of installed modules, newest first."), entries,
              argc, argv, NULL, NULL, &exit_status))
    return exit_status;

  helper = mt_cli_helper_connect (&error);
  if (helper == NULL || !mt_dbus_helper1_call_list_backups_sync (helper, &backups, NULL, &error))
    {
      mt_cli_helper_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  if (json)
    print_json (backups);
  else
    print_backups (backups);

  return MT_CLI_EXIT_OK;
}

/* modtunectl apply [--kernel KVER] [--preset P] [--enable ID]… [--disable ID]… */
int
mt_cli_apply (MtCliGlobal *global, int argc, char **argv)
{
  g_auto (MtCliBuildOptions) options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (MtFlagCatalog) catalog = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  g_autoptr (MtDbusHelper1) helper = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ids = NULL;
  const GOptionEntry entries[] = {
    { "kernel", 0, 0, G_OPTION_ARG_STRING, &options.kernel,
      N_ ("Install for kernel KVER (default: the running one)"), N_ ("KVER") }, { NULL } };

  g_option_context_set_summary (
    context, _ ("Build vmmon and vmnet with the helper, then install and load them (polkit asks "
                "for authorization)."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  mt_cli_add_flag_options (context, &options);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mt_cli_usage_error (error->message);
  if (argc > 1)
    {
      g_autofree char *message =
        g_strdup_printf (_ ("“%s” takes no argument, but was given “%s”"), "apply", argv[1]);

      return mt_cli_usage_error (message);
    }
  if (global->sysroot != NULL || global->cpuid != NULL)
    return mt_cli_usage_error (
      _ ("“apply” builds for this machine: --sysroot and --cpuid do not apply"));

  /* the same flags as “modtunectl build” would use */
  catalog = mt_flag_catalog_new_default (&error);
  if (catalog != NULL)
    ids = mt_cli_choose_flags (global, &options, catalog, &info, &error);
  if (ids == NULL)
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  helper = mt_cli_helper_connect (&error);
  if (helper == NULL)
    {
      mt_cli_helper_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  return mt_cli_job_run (
    helper, "Apply", g_variant_new ("(s^as)", options.kernel != NULL ? options.kernel : "", ids));
}

/* modtunectl restore ID */
int
mt_cli_restore (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (MtDbusHelper1) helper = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  int exit_status = MT_CLI_EXIT_OK;

  if (!parse (global, _ ("ID"),
              _ ("Install the modules of a backup again (see “modtunectl backups”)."), NULL, argc,
              argv, _ ("“restore” needs the id of a backup: “modtunectl backups” lists them"), &id,
              &exit_status))
    return exit_status;

  helper = mt_cli_helper_connect (&error);
  if (helper == NULL)
    {
      mt_cli_helper_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  return mt_cli_job_run (helper, "Restore", g_variant_new ("(s)", id));
}

/* modtunectl uninstall [--kernel KVER] */
int
mt_cli_uninstall (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (MtDbusHelper1) helper = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *kernel = NULL;
  int exit_status = MT_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "kernel", 0, 0, G_OPTION_ARG_STRING, &kernel,
      N_ ("Uninstall for kernel KVER (default: the running one)"), N_ ("KVER") }, { NULL } };

  if (!parse (global, NULL,
              _ ("Remove the modules Modtune installed, so that VMware’s own are used again."),
              entries, argc, argv, NULL, NULL, &exit_status))
    return exit_status;

  helper = mt_cli_helper_connect (&error);
  if (helper == NULL)
    {
      mt_cli_helper_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  return mt_cli_job_run (helper, "Uninstall", g_variant_new ("(s)", kernel != NULL ? kernel : ""));
}

/* A mutating call that is not a job: polkit may ask for a password, which
 * may take a person a while. */
static gboolean
call_authorized (MtDbusHelper1 *helper, const char *method, GVariant *parameters, GError **error)
{
  g_autoptr (GVariant) reply = g_dbus_proxy_call_sync (
    G_DBUS_PROXY (helper), method, parameters, G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
    G_MAXINT, NULL, error);

  return reply != NULL;
}

static int
load_or_unload (MtCliGlobal *global, int argc, char **argv, gboolean load)
{
  g_autoptr (MtDbusHelper1) helper = NULL;
  g_autoptr (GError) error = NULL;
  int exit_status = MT_CLI_EXIT_OK;

  if (!parse (global, NULL,
              load ? _ ("Load vmmon and vmnet into the running kernel.")
                   : _ ("Unload vmnet and vmmon from the running kernel."),
              NULL, argc, argv, NULL, NULL, &exit_status))
    return exit_status;

  helper = mt_cli_helper_connect (&error);
  if (helper == NULL ||
      !call_authorized (
        helper, load ? "Load" : "Unload",
        g_variant_new ("(@a{sv})", g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)), &error))
    {
      mt_cli_helper_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  g_print ("%s\n", load ? _ ("Loaded vmmon and vmnet.") : _ ("Unloaded vmnet and vmmon."));
  return MT_CLI_EXIT_OK;
}

/* modtunectl load */
int
mt_cli_load (MtCliGlobal *global, int argc, char **argv)
{
  return load_or_unload (global, argc, argv, TRUE);
}

/* modtunectl unload */
int
mt_cli_unload (MtCliGlobal *global, int argc, char **argv)
{
  return load_or_unload (global, argc, argv, FALSE);
}

/* modtunectl delete-backup ID */
int
mt_cli_delete_backup (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (MtDbusHelper1) helper = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  int exit_status = MT_CLI_EXIT_OK;

  if (!parse (global, _ ("ID"),
              _ ("Delete a backup; the installed and the last known-good ones are kept."), NULL,
              argc, argv,
              _ ("“delete-backup” needs the id of a backup: “modtunectl backups” lists them"), &id,
              &exit_status))
    return exit_status;

  helper = mt_cli_helper_connect (&error);
  if (helper == NULL ||
      !call_authorized (helper, "DeleteBackup", g_variant_new ("(s)", id), &error))
    {
      mt_cli_helper_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  g_print (_ ("Deleted backup %s.\n"), id);
  return MT_CLI_EXIT_OK;
}
