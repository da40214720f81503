/* mt-cli-flags.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cli-flags"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-cli.h"
#include "mt-core.h"
#include "mt-flag-catalog.h"

#define WRAP_WIDTH 78

/* Appends @text word by word, each line indented by @indent spaces. */
static void
append_wrapped (GString *out, const char *text, guint indent)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  guint column = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint len = g_utf8_strlen (words[i], -1);

      if (len == 0)
        continue;
      if (column > 0 && column + 1 + len > WRAP_WIDTH)
        {
          g_string_append_c (out, '\n');
          column = 0;
        }
      if (column == 0)
        {
          for (guint j = 0; j < indent; j++)
            g_string_append_c (out, ' ');
          column = indent;
        }
      else
        {
          g_string_append_c (out, ' ');
          column++;
        }
      g_string_append (out, words[i]);
      column += len;
    }
  g_string_append_c (out, '\n');
}

static const char *
describe_effect (const char *effect)
{
  if (g_str_equal (effect, "none"))
    return _ ("cannot change the module");
  if (g_str_equal (effect, "code"))
    return _ ("changes the module’s code");
  if (g_str_equal (effect, "log"))
    return _ ("changes only the build log");
  if (g_str_equal (effect, "toolchain"))
    return _ ("chooses the compiler and tools");

  return effect;
}

static const char *
describe_met (int met)
{
  if (met > 0)
    /* TRANSLATORS: whether this machine has what a compiler flag needs */
    return _ ("yes");
  if (met == 0)
    /* TRANSLATORS: whether this machine has what a compiler flag needs */
    return _ ("no");

  /* TRANSLATORS: whether this machine has what a compiler flag needs */
  return _ ("unknown");
}

static void
append_flag (GString *out, MtFlag *flag, MtSystemInfo *info)
{
  const char *const *args = mt_flag_get_args (flag);
  const char *const *make_vars = mt_flag_get_make_vars (flag);
  const char *const *needs = mt_flag_get_needs (flag);
  g_autofree char *evidence = NULL;
  int met = mt_flag_check_needs (flag, info, &evidence);

  g_string_append_printf (out, "%s — %s\n", mt_flag_get_id (flag), mt_flag_get_label (flag));

  g_string_append_printf (out, "  %s %s · %s · %s %s", _ ("category:"), mt_flag_get_category (flag),
                          describe_effect (mt_flag_get_effect (flag)), _ ("portable:"),
                          mt_flag_get_portable (flag) ? _ ("yes") : _ ("no"));
  g_string_append_c (out, '\n');
  if (mt_flag_get_required (flag))
    g_string_append_printf (out, "  %s\n", _ ("required: always on where it applies"));
  if (mt_flag_get_refused (flag))
    g_string_append_printf (out, "  %s\n", _ ("refused: Modtune never passes it"));

  if (args[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", (char **) args);

      g_string_append_printf (out, "  %s %s\n", _ ("compiler:"), joined);
    }
  if (make_vars[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", (char **) make_vars);

      g_string_append_printf (out, "  %s %s\n", _ ("make:"), joined);
    }

  if (needs[0] == NULL)
    {
      g_string_append_printf (out, "  %s %s\n", _ ("needs:"), _ ("nothing"));
    }
  else
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) needs);

      g_string_append_printf (out, "  %s %s — %s %s (%s)\n", _ ("needs:"), joined,
                              _ ("this machine:"), describe_met (met), evidence);
    }

  append_wrapped (out, mt_flag_get_description (flag), 2);
}

static char *
render_text (MtFlagCatalog *catalog, const char *preset, GStrv preset_ids, MtSystemInfo *info)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));

  if (preset != NULL)
    {
      g_string_append_printf (out, _ ("Preset “%s” (%s)"),
                              mt_flag_catalog_get_preset_label (catalog, preset), preset);
      g_string_append_c (out, '\n');
      append_wrapped (out, mt_flag_catalog_get_preset_description (catalog, preset), 2);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MtFlag) flag = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      if (preset_ids != NULL &&
          !g_strv_contains ((const char *const *) preset_ids, mt_flag_get_id (flag)))
        continue;

      if (out->len > 0)
        g_string_append_c (out, '\n');
      append_flag (out, flag, info);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static JsonNode *
render_preset_json (MtFlagCatalog *catalog, const char *preset, GStrv ids, MtSystemInfo *info)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "preset");
  json_builder_add_string_value (builder, preset);
  json_builder_set_member_name (builder, "flags");
  json_builder_begin_array (builder);
  for (guint i = 0; ids[i] != NULL; i++)
    mt_flag_to_json (mt_flag_catalog_lookup (catalog, ids[i]), info, builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* modtunectl flags [--json] [--preset vanilla|optimized] */
int
mt_cli_flags (MtCliGlobal *global, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtFlagCatalog) catalog = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  g_autofree char *preset = NULL;
  g_auto (GStrv) preset_ids = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON instead of text"), NULL },
      { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset,
        N_ ("Show only the flags of a preset on this machine: vanilla or optimized"), N_ ("PRESET") },
        { NULL } };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (
    context, _ ("List the compiler flags Modtune can build VMware’s modules with: what each one "
                "changes, what it needs and whether this machine has it."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  mt_cli_add_global_options (context, global);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mt_cli_usage_error (error->message);

  if (argc > 1)
    {
      g_autofree char *message =
        g_strdup_printf (_ ("“flags” takes no argument, but was given “%s”"), argv[1]);

      return mt_cli_usage_error (message);
    }

  catalog = mt_flag_catalog_new_default (&error);
  if (catalog == NULL)
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  info = mt_cli_detect_system (global, &error);
  if (info == NULL)
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  if (preset != NULL)
    {
      preset_ids = mt_flag_catalog_get_preset (catalog, preset, info, &error);
      if (preset_ids == NULL)
        return mt_cli_usage_error (error->message);
    }

  if (json)
    {
      g_autoptr (JsonNode) root = preset != NULL
                                    ? render_preset_json (catalog, preset, preset_ids, info)
                                    : mt_flag_catalog_to_json (catalog, info);
      g_autofree char *text = json_to_string (root, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = render_text (catalog, preset, preset_ids, info);

      g_print ("%s", text);
    }

  return MT_CLI_EXIT_OK;
}
