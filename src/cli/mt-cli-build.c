/* mt-cli-build.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cli-build"

#include "config.h"

#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mt-build.h"
#include "mt-cli.h"

void
mt_cli_build_options_clear (MtCliBuildOptions *options)
{
  g_clear_pointer (&options->preset, g_free);
  g_clear_pointer (&options->enable, g_strfreev);
  g_clear_pointer (&options->disable, g_strfreev);
  g_clear_pointer (&options->kernel, g_free);
  g_clear_pointer (&options->kernel_build, g_free);
  g_clear_pointer (&options->sources, g_free);
  g_clear_pointer (&options->out, g_free);
}

/* --kernel, --kernel-build, --sources: what to build for and from */
void
mt_cli_add_target_options (GOptionContext *context, MtCliBuildOptions *options)
{
  /* g_option_context_add_main_entries() copies the entries. */
  const GOptionEntry entries[] = {
    { "kernel", 0, 0, G_OPTION_ARG_STRING, &options->kernel,
      N_ ("Build for kernel KVER (default: the running one)"), N_ ("KVER") },
      { "kernel-build", 0, 0, G_OPTION_ARG_FILENAME, &options->kernel_build,
        N_ ("Use the kernel build tree DIR (default: /lib/modules/KVER/build)"), N_ ("DIR") },
        { "sources", 0, 0, G_OPTION_ARG_FILENAME, &options->sources,
          N_ ("Take vmmon.tar and vmnet.tar from DIR instead of the installed Workstation"),
             N_ ("DIR") },
          { NULL } };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

/* --preset, --enable, --disable: which catalog flags to build with; also
 * read by "apply", which hands the ids to the helper */
void
mt_cli_add_flag_options (GOptionContext *context, MtCliBuildOptions *options)
{
  const GOptionEntry entries[] = {
    { "preset", 0, 0, G_OPTION_ARG_STRING, &options->preset,
      N_ ("Start from the flags of PRESET: vanilla (the default) or optimized"), N_ ("PRESET") },
      { "enable", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->enable,
        N_ ("Add the catalog flag ID (see “modtunectl flags”)"), N_ ("ID") },
        { "disable", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->disable,
          N_ ("Leave out the catalog flag ID"), N_ ("ID") }, { NULL } };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

/**
 * mt_cli_parse_build_options:
 * @command: the command's name, for messages
 *
 * Parses a building command's options (and the global ones) with
 * @context, which holds its entries; refuses any other argument.  --out
 * becomes an absolute path, as kbuild needs one.
 *
 * Returns: %FALSE with *@exit_status set when the command must stop
 */
gboolean
mt_cli_parse_build_options (GOptionContext *context,
                            MtCliGlobal *global,
                            MtCliBuildOptions *options,
                            const char *command,
                            int argc,
                            char **argv,
                            int *exit_status)
{
  g_autoptr (GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  mt_cli_add_global_options (context, global);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      *exit_status = mt_cli_usage_error (error->message);
      return FALSE;
    }
  if (argc > 1)
    {
      g_autofree char *message =
        g_strdup_printf (_ ("“%s” takes no argument, but was given “%s”"), command, argv[1]);

      *exit_status = mt_cli_usage_error (message);
      return FALSE;
    }

  if (options->out != NULL)
    {
      char *absolute = g_canonicalize_filename (options->out, NULL);

      g_free (options->out);
      options->out = absolute;
    }

  return TRUE;
}

static gboolean
parse (MtCliGlobal *global,
       MtCliBuildOptions *options,
       gboolean build,
       int argc,
       char **argv,
       int *exit_status)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  const GOptionEntry plan_entries[] = { { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
                                          N_ ("Print JSON instead of text"), NULL },
                                          { NULL } };
  const GOptionEntry build_entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &options->out,
      N_ ("Write the modules, build.log and manifest.json to DIR"), N_ ("DIR") }, { NULL } };

  g_option_context_set_summary (context, build
                                           ? _ ("Build vmmon and vmnet as this user, without root.")
                                           : _ ("Show what a build would do, and why."));
  mt_cli_add_target_options (context, options);
  mt_cli_add_flag_options (context, options);
  g_option_context_add_main_entries (context, build ? build_entries : plan_entries,
                                     GETTEXT_PACKAGE);

  if (!mt_cli_parse_build_options (context, global, options, argv[0], argc, argv, exit_status))
    return FALSE;
  if (build && options->out == NULL)
    {
      *exit_status = mt_cli_usage_error (_ ("“build” needs --out DIR: where to write the modules"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_flag_ids (MtFlagCatalog *catalog, const char *const *ids, GError **error)
{
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (mt_flag_catalog_lookup (catalog, ids[i]) == NULL)
      {
        g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                     _ ("There is no flag “%s”; “modtunectl flags” lists them"), ids[i]);
        return FALSE;
      }

  return TRUE;
}

/* The preset's ids, plus --enable, minus --disable, in catalog order of
 * appearance; the catalog checks every id and expands it. */
static GStrv
choose_flags (const MtCliBuildOptions *options,
              MtFlagCatalog *catalog,
              MtSystemInfo *info,
              GError **error)
{
  g_auto (GStrv) preset = NULL;
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *preset_name = options->preset != NULL ? options->preset : "vanilla";
  const char *const no_ids[] = { NULL };
  const char *const *disable =
    options->disable != NULL ? (const char *const *) options->disable : no_ids;

  /* the optimized preset depends on the machine */
  preset = mt_flag_catalog_get_preset (catalog, preset_name, info, error);
  if (preset == NULL || !check_flag_ids (catalog, (const char *const *) options->enable, error) ||
      !check_flag_ids (catalog, disable, error))
    return NULL;

  for (guint i = 0; preset[i] != NULL; i++)
    if (!g_strv_contains (disable, preset[i]) && g_hash_table_add (seen, preset[i]))
      g_strv_builder_add (ids, preset[i]);

  for (guint i = 0; options->enable != NULL && options->enable[i] != NULL; i++)
    if (g_hash_table_add (seen, options->enable[i]))
      g_strv_builder_add (ids, options->enable[i]);

  return g_strv_builder_end (ids);
}

/**
 * mt_cli_choose_flags:
 * @info: (inout): the detected machine, which the presets depend on;
 *   detected and stored here when it points to %NULL
 *
 * Returns: (transfer full): the catalog ids of --preset, --enable and
 *   --disable, each checked against @catalog, in the order every building
 *   command uses
 */
GStrv
mt_cli_choose_flags (MtCliGlobal *global,
                     const MtCliBuildOptions *options,
                     MtFlagCatalog *catalog,
                     MtSystemInfo **info,
                     GError **error)
{
  g_return_val_if_fail (info != NULL, NULL);

  if (*info == NULL)
    {
      *info = mt_cli_detect_system (global, error);
      if (*info == NULL)
        return NULL;
    }

  return choose_flags (options, catalog, *info, error);
}

/**
 * mt_cli_make_plan:
 * @info: (inout) (optional): the detected machine, which the presets
 *   depend on; detected and stored here when it points to %NULL, so that
 *   several plans detect once
 *
 * Returns: (transfer full): the plan of --preset, --enable and --disable
 *   for --kernel or --kernel-build and --sources
 */
MtBuildPlan *
mt_cli_make_plan (MtCliGlobal *global,
                  const MtCliBuildOptions *options,
                  MtSystemInfo **info,
                  GError **error)
{
  g_autoptr (MtSysroot) sysroot = mt_sysroot_new (global->sysroot, error);
  g_autoptr (MtFlagCatalog) catalog = NULL;
  g_autoptr (MtSystemInfo) own_info = NULL;
  g_auto (GStrv) ids = NULL;
  g_auto (GStrv) cflags = NULL;
  g_auto (GStrv) make_vars = NULL;

  if (sysroot == NULL)
    return NULL;

  catalog = mt_flag_catalog_new_default (error);
  if (catalog == NULL)
    return NULL;

  if (info == NULL)
    info = &own_info;

  ids = mt_cli_choose_flags (global, options, catalog, info, error);
  if (ids == NULL ||
      !mt_flag_catalog_expand (catalog, (const char *const *) ids, &cflags, &make_vars, error))
    return NULL;

  return mt_build_plan_new (sysroot, options->kernel, options->kernel_build, options->sources,
                            (const char *const *) cflags, (const char *const *) make_vars,
                            (const char *const *) ids, error);
}

/* modtunectl plan [--json] [--kernel KVER] [--kernel-build DIR] [--sources DIR] */
int
mt_cli_plan (MtCliGlobal *global, int argc, char **argv)
{
  g_auto (MtCliBuildOptions) options = { 0 };
  g_autoptr (MtBuildPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  int status = MT_CLI_EXIT_OK;

  if (!parse (global, &options, FALSE, argc, argv, &status))
    return status;

  plan = mt_cli_make_plan (global, &options, NULL, &error);
  if (plan == NULL)
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  if (options.json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      mt_build_plan_to_json (plan, builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else
    {
      GPtrArray *steps = mt_build_plan_get_steps (plan);

      g_print (_ ("Build plan for kernel %s\n"), mt_build_plan_get_kernel_release (plan));
      for (guint i = 0; i < steps->len; i++)
        g_print ("  %u. %s\n", i + 1, (const char *) g_ptr_array_index (steps, i));
      if (mt_build_plan_get_interface_version (plan) >= 0)
        g_print (_ ("vmmon interface version of the sources: %d\n"),
                 mt_build_plan_get_interface_version (plan));
    }

  return MT_CLI_EXIT_OK;
}

/* modtunectl build --out DIR [--kernel KVER | --kernel-build DIR] [--sources DIR] */
int
mt_cli_build (MtCliGlobal *global, int argc, char **argv)
{
  g_auto (MtCliBuildOptions) options = { 0 };
  g_autoptr (MtBuildPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  gboolean reused = FALSE;
  gint64 started;
  int status = MT_CLI_EXIT_OK;

  if (!parse (global, &options, TRUE, argc, argv, &status))
    return status;

  plan = mt_cli_make_plan (global, &options, NULL, &error);
  started = g_get_real_time () / G_USEC_PER_SEC;
  if (plan == NULL || !mt_build_run (plan, options.out, &reused, NULL, &error))
    {
      g_autofree char *log = g_build_filename (options.out, "build.log", NULL);
      GStatBuf st;

      mt_cli_print_error (error);
      /* only a log this build wrote (kbuild ran); the helper's builds have
       * no such file: it streams their log */
      if (plan != NULL && g_stat (log, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0 &&
          st.st_mtime >= started)
        g_printerr (_ ("The full log is in %s.\n"), log);
      return MT_CLI_EXIT_FAILURE;
    }

  if (reused)
    g_print (_ ("vmmon.ko and vmnet.ko for kernel %s are up to date in %s (same plan as before)\n"),
             mt_build_plan_get_kernel_release (plan), options.out);
  else
    g_print (_ ("Built vmmon.ko and vmnet.ko for kernel %s in %s\n"),
             mt_build_plan_get_kernel_release (plan), options.out);

  return MT_CLI_EXIT_OK;
}
