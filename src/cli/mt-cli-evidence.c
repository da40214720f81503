/* mt-cli-evidence.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cli-evidence"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-build.h"
#include "mt-cli.h"
#include "mt-flag-evidence.h"

/* How many source lines naming a macro are printed; the JSON has all. */
#define MAX_SHOWN_REFERENCES 20

static char *
format_count (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

/* "+214, +26.5%", "−3, −0.4%"; the percentage only when vanilla is not 0 */
static char *
format_difference (guint64 vanilla, guint64 flagged)
{
  gint64 difference = (gint64) flagged - (gint64) vanilla;

  if (vanilla == 0)
    return g_strdup_printf ("%+" G_GINT64_FORMAT, difference);

  return g_strdup_printf ("%+" G_GINT64_FORMAT ", %+.1f%%", difference,
                          100.0 * (double) difference / (double) vanilla);
}

/* "  .text: 806 → 1020 bytes (+214, +26.5%)", or "806 bytes, unchanged" */
static void
print_size (const char *label, guint64 vanilla, guint64 flagged)
{
  g_autofree char *from = format_count (vanilla);
  g_autofree char *to = format_count (flagged);

  if (vanilla == flagged)
    {
      /* TRANSLATORS: "  .text: 806 bytes, unchanged" */
      g_print (g_dngettext (GETTEXT_PACKAGE, "  %s: %s byte, unchanged\n",
                            "  %s: %s bytes, unchanged\n", flagged),
               label, to);
    }
  else
    {
      g_autofree char *difference = format_difference (vanilla, flagged);

      /* TRANSLATORS: "  .text: 806 → 1020 bytes (+214, +26.5%)": the vanilla
       * build, then the build with the flags */
      g_print (g_dngettext (GETTEXT_PACKAGE, "  %s: %s → %s byte (%s)\n",
                            "  %s: %s → %s bytes (%s)\n", flagged),
               label, from, to, difference);
    }
}

/* "  instructions: 300 → 350 (+50, +16.7%)", or "300, unchanged" */
static void
print_count (const char *label, guint64 vanilla, guint64 flagged)
{
  g_autofree char *from = format_count (vanilla);
  g_autofree char *to = format_count (flagged);

  if (vanilla == flagged)
    {
      /* TRANSLATORS: "  instructions: 300, unchanged" */
      g_print (_ ("  %s: %s, unchanged\n"), label, to);
    }
  else
    {
      g_autofree char *difference = format_difference (vanilla, flagged);

      /* TRANSLATORS: "  instructions: 300 → 350 (+50, +16.7%)" */
      g_print (_ ("  %s: %s → %s (%s)\n"), label, from, to, difference);
    }
}

static void
print_module (const MtModuleEvidence *module)
{
  if (module->identical)
    g_print (_ ("%s.ko: byte for byte the same as the vanilla build\n"), module->module);
  else if (module->code_identical)
    g_print (_ ("%s.ko: the same instructions and relocations as the vanilla build; the files "
                "differ outside the code\n"),
             module->module);
  else
    g_print (_ ("%s.ko: the code differs from the vanilla build\n"), module->module);

  if (module->vanilla.text_size >= 0 && module->flagged.text_size >= 0)
    print_size (".text", module->vanilla.text_size, module->flagged.text_size);
  print_size (_ ("all executable sections"), module->vanilla.exec_size, module->flagged.exec_size);
  print_count (_ ("instructions"), module->vanilla.instructions, module->flagged.instructions);
  print_count (_ ("instructions that use a vector register (xmm, ymm, zmm)"),
               module->vanilla.vector_instructions, module->flagged.vector_instructions);

  if (module->changes->len == 0 && !module->code_identical)
    g_print ("%s\n", _ ("  the same mnemonics, as many of each: the instructions differ in their "
                        "operands or their order"));
  else if (module->changes->len > 0)
    {
      g_print ("%s\n", _ ("  mnemonics whose counts changed most (vanilla → with the flags):"));
      for (guint i = 0; i < module->changes->len; i++)
        {
          const MtMnemonicChange *change = g_ptr_array_index (module->changes, i);
          g_autofree char *from = format_count (change->vanilla);
          g_autofree char *to = format_count (change->flagged);

          g_print ("    %-16s %s → %s\n", change->mnemonic, from, to);
        }
    }

  if (module->vanilla.unparsed_lines > 0 || module->flagged.unparsed_lines > 0)
    {
      g_autofree char *vanilla = format_count (module->vanilla.unparsed_lines);
      g_autofree char *flagged = format_count (module->flagged.unparsed_lines);

      g_print (_ ("  lines of objdump’s output not understood: %s and %s\n"), vanilla, flagged);
    }
}

static gboolean
all_code_identical (MtFlagEvidence *evidence)
{
  for (guint i = 0; i < mt_flag_evidence_get_n_modules (evidence); i++)
    if (!mt_flag_evidence_get_module (evidence, i)->code_identical)
      return FALSE;

  return TRUE;
}

static void
print_macro (MtFlagEvidence *evidence, const MtMacroEvidence *macro)
{
  g_autofree char *names = g_strjoinv (", ", macro->macros);
  guint n = g_strv_length (macro->references);

  if (n == 0 && all_code_identical (evidence))
    {
      g_print (_ ("%s: no source file references %s, and the code is the same: this flag cannot "
                  "change the modules\n"),
               macro->flag_id, names);
      return;
    }
  if (n == 0)
    {
      /* the kernel's own headers are not searched */
      g_print (_ ("%s: no source file of the modules references %s, but the code differs; it "
                  "may come from the other flags or from the kernel’s headers\n"),
               macro->flag_id, names);
      return;
    }

  g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %s is named on %u line of the sources:\n",
                        "%s: %s is named on %u lines of the sources:\n", n),
           macro->flag_id, names, n);
  for (guint i = 0; i < n && i < MAX_SHOWN_REFERENCES; i++)
    g_print ("  %s\n", macro->references[i]);
  if (n > MAX_SHOWN_REFERENCES)
    g_print (_ ("  … and %u more (--json lists them all)\n"), n - MAX_SHOWN_REFERENCES);
}

static void
print_build (const char *label, const char *dir, gboolean reused)
{
  if (reused)
    /* TRANSLATORS: "Vanilla build: /tmp/x/vanilla (up to date: the same plan as before)" */
    g_print (_ ("%s: %s (up to date: the same plan as before)\n"), label, dir);
  else
    /* TRANSLATORS: "Vanilla build: /tmp/x/vanilla (built now)" */
    g_print (_ ("%s: %s (built now)\n"), label, dir);
}

static void
print_text (MtFlagEvidence *evidence,
            const char *const *dirs,
            const gboolean *reused,
            const char *const *enabled)
{
  const char *const *added = mt_flag_evidence_get_flag_ids (evidence);
  g_autofree char *flags = g_strjoinv (", ", (char **) (added[0] != NULL ? added : enabled));

  g_print (_ ("Evidence for %s on kernel %s\n"), flags,
           mt_flag_evidence_get_kernel_release (evidence));
  print_build (_ ("Vanilla build"), dirs[0], reused[0]);
  print_build (_ ("Build with the flags"), dirs[1], reused[1]);
  g_print (_ ("Modules read with %s\n"), mt_flag_evidence_get_objdump (evidence));
  if (added[0] == NULL)
    g_print ("%s\n", _ ("The vanilla build has these flags already: both builds are the same."));

  for (guint i = 0; i < mt_flag_evidence_get_n_modules (evidence); i++)
    {
      g_print ("\n");
      print_module (mt_flag_evidence_get_module (evidence, i));
    }

  if (mt_flag_evidence_get_n_macros (evidence) > 0)
    g_print ("\n");
  for (guint i = 0; i < mt_flag_evidence_get_n_macros (evidence); i++)
    print_macro (evidence, mt_flag_evidence_get_macro (evidence, i));
}

/* modtunectl evidence --enable ID… --out DIR [--json] [--kernel KVER |
 * --kernel-build DIR] [--sources DIR] */
int
mt_cli_evidence (MtCliGlobal *global, int argc, char **argv)
{
  g_auto (MtCliBuildOptions) options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (MtSystemInfo) info = NULL;
  g_autoptr (MtFlagCatalog) catalog = NULL;
  g_autoptr (MtBuildPlan) vanilla_plan = NULL;
  g_autoptr (MtBuildPlan) flagged_plan = NULL;
  g_autoptr (MtFlagEvidence) evidence = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *vanilla_dir = NULL;
  g_autofree char *flagged_dir = NULL;
  MtCliBuildOptions vanilla = { 0 };
  gboolean reused[2] = { FALSE, FALSE };
  int status = MT_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "enable", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.enable,
      N_ ("Show the effect of the catalog flag ID (see “modtunectl flags”); repeat it to add "
          "several"),
         N_ ("ID") },
      { "out", 'o', 0, G_OPTION_ARG_FILENAME, &options.out,
        N_ ("Build into DIR/vanilla and DIR/flagged, reusing what an earlier run built there"),
           N_ ("DIR") },
        { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, N_ ("Print JSON instead of text"), NULL },
          { NULL } };

  g_option_context_set_summary (
    context, _ ("Build vmmon and vmnet twice, vanilla and with the flags given, and show what the "
                "flags changed: the size of the code, its instructions, and the source lines "
                "that read the macros they define."));
  mt_cli_add_target_options (context, &options);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!mt_cli_parse_build_options (context, global, &options, "evidence", argc, argv, &status))
    return status;
  if (options.enable == NULL)
    return mt_cli_usage_error (_ ("“evidence” needs --enable ID: the flag whose effect to show"));
  if (options.out == NULL)
    return mt_cli_usage_error (_ ("“evidence” needs --out DIR: where to build the modules"));

  /* the vanilla preset, for the same kernel and sources */
  vanilla.kernel = options.kernel;
  vanilla.kernel_build = options.kernel_build;
  vanilla.sources = options.sources;

  catalog = mt_flag_catalog_new_default (&error);
  if (catalog != NULL)
    vanilla_plan = mt_cli_make_plan (global, &vanilla, &info, &error);
  if (vanilla_plan != NULL)
    flagged_plan = mt_cli_make_plan (global, &options, &info, &error);
  if (flagged_plan == NULL)
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  vanilla_dir = g_build_filename (options.out, "vanilla", NULL);
  flagged_dir = g_build_filename (options.out, "flagged", NULL);
  if (!mt_build_run (vanilla_plan, vanilla_dir, &reused[0], NULL, &error) ||
      !mt_build_run (flagged_plan, flagged_dir, &reused[1], NULL, &error))
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  evidence = mt_flag_evidence_new (vanilla_dir, flagged_dir, catalog, NULL, &error);
  if (evidence == NULL)
    {
      mt_cli_print_error (error);
      return MT_CLI_EXIT_FAILURE;
    }

  if (options.json)
    {
      g_autoptr (JsonNode) root = mt_flag_evidence_to_json (evidence);
      g_autofree char *text = json_to_string (root, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      const char *const dirs[] = { vanilla_dir, flagged_dir };

      print_text (evidence, dirs, reused, (const char *const *) options.enable);
    }

  return MT_CLI_EXIT_OK;
}
