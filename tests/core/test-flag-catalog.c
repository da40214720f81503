/* test-flag-catalog.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include "mt-core.h"
#include "mt-flag-catalog.h"
#include "mt-test-util.h"

/* The catalog of the source tree (data/catalog/flags.xml), as shipped. */
static MtFlagCatalog *
load_source_catalog (void)
{
  const char *path = g_getenv ("MT_TEST_CATALOG");
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = NULL;
  MtFlagCatalog *catalog;
  gsize len;

  g_assert_nonnull (path);
  g_file_get_contents (path, &xml, &len, &error);
  g_assert_no_error (error);
  catalog = mt_flag_catalog_new_from_data (xml, len, &error);
  g_assert_no_error (error);

  return catalog;
}

static MtSystemInfo *
probe_tree (const char *tree, const char *cpuid_dump)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, &error);
  g_autoptr (MtCpuid) cpuid = NULL;
  MtSystemInfo *info;

  g_assert_no_error (error);
  if (cpuid_dump != NULL)
    {
      cpuid = mt_cpuid_new_for_sysroot (root, cpuid_dump, &error);
      g_assert_no_error (error);
    }
  info = mt_system_info_probe (root, cpuid, &error);
  g_assert_no_error (error);

  return info;
}

static MtSystemInfo *
probe_fixture (const char *name)
{
  g_autofree char *tree = mt_test_fixture_path ("sysroots", name, NULL);
  g_autofree char *dump = mt_test_fixture_path ("sysroots", name, "cpuid.txt", NULL);

  return probe_tree (tree, dump);
}

static MtFlagCatalog *
parse (const char *xml, GError **error)
{
  return mt_flag_catalog_new_from_data (xml, -1, error);
}

/* The words that would claim a speed-up.  Allowed only right after "no"
 * or "not" ("No speed-up has been measured"); a percentage never. */
static const char *const claim_words[] = {
  "faster",
  "quicker",
  "speed-up",
  "speedup",
  "speed up",
  "speeds up",
  "boost",
  "accelerat",
  "outperform",
  "performance gain",
  "improves performance",
  "lower latency",
  "higher throughput",
};

static char *
find_speed_claim (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);

  if (strchr (lower, '%') != NULL)
    return g_strdup ("%");

  for (guint i = 0; i < G_N_ELEMENTS (claim_words); i++)
    {
      for (const char *hit = strstr (lower, claim_words[i]); hit != NULL;
           hit = strstr (hit + 1, claim_words[i]))
        {
          const char *end = hit;
          const char *start;
          g_autofree char *previous = NULL;

          while (end > lower && end[-1] == ' ')
            end--;
          for (start = end; start > lower && g_ascii_isalpha (start[-1]); start--)
            ;
          previous = g_strndup (start, end - start);
          if (!g_str_equal (previous, "no") && !g_str_equal (previous, "not"))
            return g_strdup (claim_words[i]);
        }
    }

  return NULL;
}

static void
test_claim_checker (void)
{
  const char *claims[] = {
    "VM boot 37% faster",       "Makes the monitor faster.", "a 2x speed-up of guest networking",
    "boosts memory throughput", "It speeds up DMA.",         "accelerates VT-x exits",
  };
  const char *honest[] = {
    "No speed-up has been measured.",
    "Modtune has measured no speed-up from it.",
    "It is not faster.",
    "The kernel builds with -mno-sse.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (claims); i++)
    {
      g_autofree char *claim = find_speed_claim (claims[i]);

      g_assert_nonnull (claim);
    }
  for (guint i = 0; i < G_N_ELEMENTS (honest); i++)
    {
      g_autofree char *claim = find_speed_claim (honest[i]);

      g_assert_null (claim);
    }
}

static gboolean
is_feature_or_fact_known (MtSystemInfo *info, const char *need)
{
  GPtrArray *features = mt_system_info_get_cpu_features (info);

  if (g_str_has_prefix (need, "compiler=") || g_str_has_prefix (need, "unwinder="))
    return TRUE;

  for (guint i = 0; i < features->len; i++)
    if (g_str_equal (((MtCpuFeature *) g_ptr_array_index (features, i))->id, need))
      return TRUE;

  return FALSE;
}

static void
test_schema (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  g_autoptr (MtSystemInfo) epyc = probe_fixture ("kvm-amd-epyc");
  g_auto (GStrv) presets = mt_flag_catalog_dup_preset_ids (catalog);
  const char *const categories[] = {
    "optimization", "cpu-tuning", "safety", "diagnostics", "toolchain", "vmware-macros", NULL,
  };
  guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));
  guint required = 0;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (catalog)) == MT_TYPE_FLAG);
  g_assert_cmpuint (n, >=, 20);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MtFlag) flag = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      const char *const *args = mt_flag_get_args (flag);
      const char *const *make_vars = mt_flag_get_make_vars (flag);
      const char *const *needs = mt_flag_get_needs (flag);
      const char *label = mt_flag_get_untranslated_label (flag);
      const char *description = mt_flag_get_untranslated_description (flag);

      g_test_message ("flag %s", mt_flag_get_id (flag));
      g_assert_true (mt_flag_catalog_lookup (catalog, mt_flag_get_id (flag)) == flag);
      g_assert_cmpuint (strlen (label), >, 0);
      g_assert_cmpuint (strlen (description), >, 80);
      /* whitespace collapsed, as xgettext extracts the msgid */
      g_assert_null (strchr (description, '\n'));
      g_assert_null (strstr (description, "  "));
      g_assert_true (g_strv_contains (categories, mt_flag_get_category (flag)));
      g_assert_nonnull (mt_flag_get_effect (flag));

      if (mt_flag_get_required (flag))
        required++;
      else if (!mt_flag_get_refused (flag))
        g_assert_true (args[0] != NULL || make_vars[0] != NULL);

      for (guint j = 0; args[j] != NULL; j++)
        {
          g_autoptr (GError) error = NULL;

          g_assert_true (mt_flag_argument_is_allowed (args[j], &error));
          g_assert_no_error (error);
          g_assert_true (args[j][0] == '-');
        }
      for (guint j = 0; make_vars[j] != NULL; j++)
        {
          g_autoptr (GError) error = NULL;

          g_assert_true (mt_flag_argument_is_allowed (make_vars[j], &error));
          g_assert_no_error (error);
          g_assert_nonnull (strchr (make_vars[j], '='));
        }
      /* every need is something the detectors report */
      for (guint j = 0; needs[j] != NULL; j++)
        g_assert_true (is_feature_or_fact_known (epyc, needs[j]));

      /* a macro nobody reads cannot matter, and says so */
      if (g_str_equal (mt_flag_get_category (flag), "vmware-macros") && !mt_flag_get_refused (flag))
        {
          g_assert_cmpstr (mt_flag_get_effect (flag), ==, "none");
          g_assert_true (mt_flag_get_portable (flag));
          g_assert_nonnull (strstr (description, "cannot change the module"));
        }
    }

  g_assert_cmpuint (required, >=, 1);
  g_assert_true (mt_flag_get_required (mt_flag_catalog_lookup (catalog, "kernel-compiler")));
  g_assert_true (g_strv_contains ((const char *const *) presets, "vanilla"));
  g_assert_true (g_strv_contains ((const char *const *) presets, "optimized"));
}

/* Every flag the known optimizer scripts offer is in the catalog. */
static void
test_coverage (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  const char *const tokens[] = {
    "-march=native",
    "-mtune=native",
    "-O3",
    "-O2",
    "-ffast-math",
    "-funroll-loops",
    "-fomit-frame-pointer",
    "-fno-strict-aliasing",
    "-fno-strict-overflow",
    "-fno-delete-null-pointer-checks",
    "-DVMW_OPTIMIZE_MEMORY_ALLOC",
    "-DVMW_LOW_LATENCY_MODE",
    "-DVMW_USE_MODERN_MM",
    "-DVMW_DMA_OPTIMIZATIONS",
    "-DVMW_NVME_OPTIMIZATIONS",
    "-DVMWARE_VTX_EPT_OPTIMIZE=1",
    "-DVMWARE_AVX512_OPTIMIZE=1",
    "-DVMWARE_NVME_HINT=1",
    "-DHAS_1GB_PAGES=1",
    "-DCACHE_LINE_SIZE=64",
    "LLVM=1",
    "W=1",
  };
  guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));

  for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < n && !found; i++)
        {
          g_autoptr (MtFlag) flag = g_list_model_get_item (G_LIST_MODEL (catalog), i);

          found = g_strv_contains (mt_flag_get_args (flag), tokens[t]) ||
                  g_strv_contains (mt_flag_get_make_vars (flag), tokens[t]);
        }
      g_test_message ("token %s", tokens[t]);
      g_assert_true (found);
    }

  /* hand-defined CONFIG_ macros: listed to explain why they are refused */
  g_assert_true (mt_flag_get_refused (mt_flag_catalog_lookup (catalog, "hand-defined-config")));
  g_assert_cmpstr (mt_flag_get_needs (mt_flag_catalog_lookup (catalog, "llvm"))[0], ==,
                   "compiler=clang");
  g_assert_false (mt_flag_get_portable (mt_flag_catalog_lookup (catalog, "march-native")));
}

/* No description claims a speed-up: nothing in this project measured one. */
static void
test_honesty (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  g_auto (GStrv) presets = mt_flag_catalog_dup_preset_ids (catalog);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MtFlag) flag = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      g_autofree char *in_label = find_speed_claim (mt_flag_get_untranslated_label (flag));
      g_autofree char *in_description =
        find_speed_claim (mt_flag_get_untranslated_description (flag));

      g_test_message ("flag %s: %s %s", mt_flag_get_id (flag), in_label, in_description);
      g_assert_null (in_label);
      g_assert_null (in_description);
    }

  for (guint i = 0; presets[i] != NULL; i++)
    {
      g_autofree char *in_label =
        find_speed_claim (mt_flag_catalog_get_preset_label (catalog, presets[i]));
      g_autofree char *in_description =
        find_speed_claim (mt_flag_catalog_get_preset_description (catalog, presets[i]));

      g_assert_null (in_label);
      g_assert_null (in_description);
    }

  g_assert_nonnull (strstr (mt_flag_catalog_get_preset_description (catalog, "optimized"),
                            "No speed-up has been measured"));
}

static void
test_default (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtFlagCatalog) builtin = mt_flag_catalog_new_default (&error);
  g_autoptr (MtFlagCatalog) source = load_source_catalog ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (source));

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (builtin)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MtFlag) a = g_list_model_get_item (G_LIST_MODEL (builtin), i);
      g_autoptr (MtFlag) b = g_list_model_get_item (G_LIST_MODEL (source), i);

      g_assert_cmpstr (mt_flag_get_id (a), ==, mt_flag_get_id (b));
      g_assert_cmpstr (mt_flag_get_untranslated_description (a), ==,
                       mt_flag_get_untranslated_description (b));
    }
}

/* SECURITY.md rule 10: each of these is refused on its own. */
static void
test_allowlist_rejects (void)
{
  g_autofree char *long_token = g_strnfill (200, 'A');
  g_autofree char *long_macro = g_strconcat ("-D", long_token, NULL);
  const char *const forbidden[] = {
    "-wrapper",
    "-wrapper=gdb,--args",
    "-fplugin=/tmp/evil.so",
    "-fplugin-arg-evil-x=1",
    "@file",
    "@/etc/passwd",
    "-specs=/tmp/evil.specs",
    "-B/tmp",
    "-Bprefix",
    "-o",
    "-o/tmp/x",
    "-MF",
    "-MF/tmp/deps",
    "-MD",
    "-MMD",
    "-save-temps",
    "-save-temps=obj",
    "-dumpdir",
    "-dumpdir=/tmp/",
    "-fdump-tree-all",
    "-fdump-rtl-expand",
    "-fprofile-generate",
    "-fprofile-use=/tmp/x",
    "-fprofile-arcs",
    "-include",
    "-include=/tmp/x.h",
    "-imacros",
    "-imacros/tmp/x.h",
    "-I/tmp",
    "-I.",
    "-isystem",
    "-isystem/tmp",
    "-iplugindir=/tmp",
    "--sysroot=/tmp",
    "--sysroot",
    "-Wl,-rpath,/tmp",
    "-Wa,--defsym,x=1",
    "-Xlinker",
    "-Xassembler",
    "-fuse-ld=gold",
    "CC=gcc",
    "CC=/tmp/evil",
    "--eval=all:",
    "-f",
    "-DCONFIG_SMP",
    "-DCONFIG_PREEMPT=1",
    "-DKBUILD_MODNAME=x",
    "-DMODULE",
    "-DMODULE=1",
    "-D__KERNEL__",
    "-Dinline=",
    "-DFOO=",
    "-DFOO=a-b",
    "-UFOO",
    "-mno-sse",
    "-march=/tmp/x",
    "-march=",
    "LD=ld.bfd",
    "KCFLAGS=-O3",
    "MAKEFLAGS=-j1",
    "CROSS_COMPILE=/tmp/",
    "LLVM=/usr/lib/llvm/bin/",
    "W=1e",
    /* characters: $ ( ) ` ; ' " \ @, whitespace, control, non-ASCII */
    "-DA$B",
    "-O2;id",
    "-D(X)",
    "-DX`id`",
    "-DX'",
    "-DX\"",
    "-DX\\",
    "-DX@Y",
    "-O2 -O3",
    "-O2\t",
    "-O2\n",
    "-march=native\x1b[2J",
    "-D\xc3\xa9",
    "",
    long_macro,
  };

  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("token %u: %s", i, forbidden[i]);
      g_assert_false (mt_flag_argument_is_allowed (forbidden[i], &error));
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
      /* the token is shown escaped: no control character reaches a terminal */
      for (const char *p = error->message; *p != '\0'; p++)
        g_assert_true ((guchar) *p >= ' ' || *p == '\n');
    }
}

static void
test_allowlist_accepts (void)
{
  const char *const allowed[] = {
    "-O2",           "-O3",   "-Os",         "-march=native",        "-march=x86-64-v3",
    "-mtune=znver4", "-DFOO", "-DFOO_BAR=1", "-DCACHE_LINE_SIZE=64", "LLVM=1",
    "W=1",           "W=2",
  };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_test_message ("token %s", allowed[i]);
      g_assert_true (mt_flag_argument_is_allowed (allowed[i], &error));
      g_assert_no_error (error);
    }

  g_assert_false (mt_flag_argument_is_allowed ("-fplugin=x", &error));
  g_assert_nonnull (strstr (error->message, "plugin"));
}

#define FLAG_OK                                                                     \
  "  <flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n" \
  "    <label>A</label><description>A flag.</description><arg>-O3</arg>\n"          \
  "  </flag>\n"

static void
test_parse_errors (void)
{
  const struct
  {
    const char *xml;
    const char *expected;
  } cases[] = {
    { "", "empty" },
    { "<flag-catalog version=\"2\">\n" FLAG_OK "</flag-catalog>", "version" },
    { "<flag-catalog version=\"1\">\n</flag-catalog>", "no <flag>" },
    { "<flag-catalog version=\"1\">\n" FLAG_OK "<flags/>\n</flag-catalog>", "line 5" },
    { "<flag-catalog version=\"1\" extra=\"x\">\n" FLAG_OK "</flag-catalog>", "line 1" },
    /* an unknown attribute */
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\" speed=\"9\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "line 2" },
    /* a duplicate id */
    { "<flag-catalog version=\"1\">\n" FLAG_OK FLAG_OK "</flag-catalog>", "line 5" },
    /* an argument outside the allowlist, with its line */
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><description>A.</description>\n"
      "<arg>-fplugin=/tmp/x.so</arg>\n"
      "</flag>\n</flag-catalog>",
      "line 4" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><description>A.</description>\n"
      "<make>CC=/tmp/evil</make>\n"
      "</flag>\n</flag-catalog>",
      "line 4" },
    /* a make variable as a compiler option, and the other way round */
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><description>A.</description><arg>W=1</arg></flag>\n</flag-catalog>",
      "compiler option" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><description>A.</description><make>-O2</make></flag>\n</flag-catalog>",
      "make variable" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><description>A.</description><arg>-O2</arg><arg>-O2</arg></flag>\n"
      "</flag-catalog>",
      "twice" },
    /* missing parts */
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "line 2" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><description>A.</description></flag>\n</flag-catalog>",
      "no <arg>" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "portable" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><label>B</label><description>A.</description><arg>-O3</arg></flag>\n"
      "</flag-catalog>",
      "second <label>" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label> </label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "empty" },
    /* bad values */
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"A_b\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "A_b" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"speed\" effect=\"code\" portable=\"true\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "category" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"magic\" portable=\"true\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "effect" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"yes\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "“true” or “false”" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\" "
      "needs=\"compiler=icc\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "compiler=icc" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\" "
      "needs=\"AVX2\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "AVX2" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\" "
      "required=\"true\" refused=\"true\">\n"
      "<label>A</label><description>A.</description></flag>\n</flag-catalog>",
      "both required and refused" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\" "
      "refused=\"true\">\n"
      "<label>A</label><description>A.</description><arg>-O3</arg></flag>\n</flag-catalog>",
      "refused" },
    /* structure */
    { "<flag-catalog version=\"1\">\n" FLAG_OK "hello\n</flag-catalog>", "text outside" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
      "<label>A <b>bold</b></label><description>A.</description><arg>-O3</arg></flag>\n"
      "</flag-catalog>",
      "unknown element <b>" },
    { "<flag-catalog version=\"1\">\n" FLAG_OK "</flag-catalog>\n<flag-catalog version=\"1\"/>",
      "" },
    /* presets */
    { "<flag-catalog version=\"1\">\n" FLAG_OK
      "<preset id=\"p\"><label>P</label><description>P.</description>\n"
      "<include flag=\"nope\"/></preset>\n</flag-catalog>",
      "line 6: preset “p” includes “nope”" },
    { "<flag-catalog version=\"1\">\n" FLAG_OK
      "<preset id=\"p\"><label>P</label><description>P.</description></preset>\n"
      "<preset id=\"p\"><label>P</label><description>P.</description></preset>\n"
      "</flag-catalog>",
      "line 6" },
    { "<flag-catalog version=\"1\">\n" FLAG_OK
      "<preset id=\"p\"><label>P</label></preset>\n</flag-catalog>",
      "<description>" },
    { "<flag-catalog version=\"1\">\n" FLAG_OK
      "<preset id=\"p\"><label>P</label><description>P.</description>\n"
      "<include flag=\"a\"/><include flag=\"a\"/></preset>\n</flag-catalog>",
      "twice" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"r\" category=\"toolchain\" effect=\"toolchain\" portable=\"true\" "
      "required=\"true\"><label>R</label><description>R.</description></flag>\n"
      "<preset id=\"p\"><label>P</label><description>P.</description>\n"
      "<include flag=\"r\"/></preset>\n</flag-catalog>",
      "required flags" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"x\" category=\"vmware-macros\" effect=\"code\" portable=\"true\" "
      "refused=\"true\"><label>X</label><description>X.</description></flag>\n"
      "<preset id=\"p\"><label>P</label><description>P.</description>\n"
      "<include flag=\"x\"/></preset>\n</flag-catalog>",
      "refused" },
    { "<flag-catalog version=\"1\">\n"
      "<flag id=\"o2\" category=\"optimization\" effect=\"code\" portable=\"true\" group=\"level\">"
      "<label>2</label><description>2.</description><arg>-O2</arg></flag>\n"
      "<flag id=\"o3\" category=\"optimization\" effect=\"code\" portable=\"true\" group=\"level\">"
      "<label>3</label><description>3.</description><arg>-O3</arg></flag>\n"
      "<preset id=\"p\"><label>P</label><description>P.</description>\n"
      "<include flag=\"o2\"/><include flag=\"o3\"/></preset>\n</flag-catalog>",
      "group" },
    /* not XML */
    { "<flag-catalog version=\"1\">\n" FLAG_OK, "" },
    { "<flag-catalog version=\"1\">\n<flag id=\"a\" &bogus;/>\n</flag-catalog>", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MtFlagCatalog) catalog = parse (cases[i].xml, &error);

      g_test_message ("case %u: %s", i, error != NULL ? error->message : "(no error)");
      g_assert_null (catalog);
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "Cannot read the flag catalog: "));
      g_assert_nonnull (strstr (error->message, cases[i].expected));
    }
}

static void
test_parse_nul (void)
{
  static const char xml[] = "<flag-catalog version=\"1\">\n" FLAG_OK "\0</flag-catalog>\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MtFlagCatalog) catalog = mt_flag_catalog_new_from_data (xml, sizeof xml - 1, &error);

  g_assert_null (catalog);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 5: a NUL byte"));
}

static void
test_parse_minimal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtFlagCatalog) catalog =
    parse ("<?xml version=\"1.0\"?>\n<!-- a comment -->\n<flag-catalog version=\"1\">\n"
           "<flag id=\"a\" category=\"optimization\" effect=\"code\" portable=\"true\">\n"
           "  <label>\n  A   label\n  </label>\n"
           "  <description>Two\n   lines &amp; an entity.</description>\n"
           "  <arg> -O3 </arg>\n</flag>\n</flag-catalog>\n",
           &error);
  MtFlag *flag;

  g_assert_no_error (error);
  flag = mt_flag_catalog_lookup (catalog, "a");
  g_assert_cmpstr (mt_flag_get_untranslated_label (flag), ==, "A label");
  g_assert_cmpstr (mt_flag_get_label (flag), ==, "A label");
  g_assert_cmpstr (mt_flag_get_description (flag), ==, "Two lines & an entity.");
  g_assert_cmpstr (mt_flag_get_args (flag)[0], ==, "-O3");
  g_assert_null (mt_flag_get_args (flag)[1]);
  g_assert_null (mt_flag_get_make_vars (flag)[0]);
  g_assert_null (mt_flag_get_needs (flag)[0]);
  g_assert_null (mt_flag_get_group (flag));
  g_assert_null (mt_flag_catalog_lookup (catalog, "b"));
}

static void
test_expand (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) cflags = NULL;
  g_auto (GStrv) make_vars = NULL;
  const char *const ids[] = { "mtune-native", "warnings-w1", "optimize-o3", "mtune-native", NULL };
  const char *const expected_cflags[] = { "-O3", "-mtune=native", NULL };
  const char *const expected_vars[] = { "W=1", NULL };

  /* catalog order, whatever the order asked, and each flag once */
  g_assert_true (mt_flag_catalog_expand (catalog, ids, &cflags, &make_vars, &error));
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char *const *) cflags, expected_cflags));
  g_assert_true (g_strv_equal ((const char *const *) make_vars, expected_vars));
  g_clear_pointer (&cflags, g_strfreev);
  g_clear_pointer (&make_vars, g_strfreev);

  /* nothing asked, nothing passed */
  g_assert_true (mt_flag_catalog_expand (catalog, NULL, &cflags, &make_vars, &error));
  g_assert_no_error (error);
  g_assert_null (cflags[0]);
  g_assert_null (make_vars[0]);
  g_clear_pointer (&cflags, g_strfreev);
  g_clear_pointer (&make_vars, g_strfreev);

  /* an unknown id is named in the error, escaped */
  {
    const char *const unknown[] = { "mtune-native", "-fplugin=/tmp/x.so", NULL };
    const char *const hostile[] = { "\x1b[2J$(id)", NULL };

    g_assert_false (mt_flag_catalog_expand (catalog, unknown, &cflags, &make_vars, &error));
    g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "“-fplugin=/tmp/x.so”"));
    g_assert_null (cflags);
    g_clear_error (&error);

    g_assert_false (mt_flag_catalog_expand (catalog, hostile, NULL, NULL, &error));
    g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
    g_assert_null (strchr (error->message, '\x1b'));
    g_clear_error (&error);
  }

  /* refused, and two of one group */
  {
    const char *const refused[] = { "hand-defined-config", NULL };
    const char *const both[] = { "optimize-o2", "optimize-o3", NULL };

    g_assert_false (mt_flag_catalog_expand (catalog, refused, NULL, NULL, &error));
    g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);

    g_assert_false (mt_flag_catalog_expand (catalog, both, NULL, NULL, &error));
    g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "optimize-o2"));
    g_assert_nonnull (strstr (error->message, "optimize-o3"));
  }
}

static void
assert_preset (MtFlagCatalog *catalog,
               const char *preset,
               MtSystemInfo *info,
               const char *const *expected)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ids = mt_flag_catalog_get_preset (catalog, preset, info, &error);
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  joined = g_strjoinv (" ", ids);
  g_test_message ("preset %s: %s", preset, joined);
  g_assert_true (g_strv_equal ((const char *const *) ids, expected));
}

static void
test_presets (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  g_autoptr (MtSystemInfo) epyc = probe_fixture ("kvm-amd-epyc");
  g_autoptr (MtSystemInfo) intel = probe_fixture ("bare-metal-intel");
  g_autoptr (GError) error = NULL;
  const char *const vanilla[] = { "kernel-compiler", NULL };
  const char *const optimized[] = { "kernel-compiler", "mtune-native", NULL };
  MtSystemInfo *machines[] = { epyc, intel, NULL };
  g_auto (GStrv) ids = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (machines); i++)
    {
      g_auto (GStrv) cflags = NULL;
      g_auto (GStrv) make_vars = NULL;
      g_auto (GStrv) resolved = NULL;

      assert_preset (catalog, "vanilla", machines[i], vanilla);
      assert_preset (catalog, "optimized", machines[i], optimized);

      /* the preset expands to arguments that change the code, and stay portable */
      resolved = mt_flag_catalog_get_preset (catalog, "optimized", machines[i], &error);
      g_assert_no_error (error);
      g_assert_true (mt_flag_catalog_expand (catalog, (const char *const *) resolved, &cflags,
                                             &make_vars, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (cflags[0], ==, "-mtune=native");
      for (guint j = 0; resolved[j] != NULL; j++)
        {
          MtFlag *flag = mt_flag_catalog_lookup (catalog, resolved[j]);

          g_assert_true (mt_flag_get_portable (flag));
          g_assert_cmpstr (mt_flag_get_effect (flag), !=, "none");
        }
    }

  /* the Intel laptop has no kernel configuration: its compiler is unknown */
  g_assert_cmpint (mt_flag_check_needs (mt_flag_catalog_lookup (catalog, "llvm"), epyc, NULL), ==,
                   0);
  g_assert_cmpint (mt_flag_check_needs (mt_flag_catalog_lookup (catalog, "llvm"), intel, NULL), ==,
                   -1);

  ids = mt_flag_catalog_get_preset (catalog, "turbo", epyc, &error);
  g_assert_null (ids);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "vanilla, optimized"));
}

/* A kernel built with clang gets LLVM=1 in every preset. */
static void
test_presets_clang (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *cpuinfo_path =
    mt_test_fixture_path ("sysroots", "bare-metal-intel", "proc", "cpuinfo", NULL);
  g_autofree char *cpuinfo = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *evidence = NULL;
  const char *const vanilla[] = { "kernel-compiler", "llvm", NULL };
  const char *const optimized[] = { "kernel-compiler", "llvm", "mtune-native", NULL };
  g_auto (GStrv) make_vars = NULL;

  g_file_get_contents (cpuinfo_path, &cpuinfo, NULL, &error);
  g_assert_no_error (error);
  mt_test_tree_write (tree, "proc/cpuinfo", cpuinfo, -1);
  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.17.8-2-cachyos\n", -1);
  mt_test_tree_write (tree, "boot/config-6.17.8-2-cachyos",
                      "CONFIG_CC_IS_CLANG=y\nCONFIG_CLANG_VERSION=200108\n"
                      "CONFIG_LTO_CLANG_THIN=y\nCONFIG_UNWINDER_ORC=y\nCONFIG_MODULES=y\n",
                      -1);
  info = probe_tree (tree, NULL);

  assert_preset (catalog, "vanilla", info, vanilla);
  assert_preset (catalog, "optimized", info, optimized);
  g_assert_cmpint (mt_flag_check_needs (mt_flag_catalog_lookup (catalog, "llvm"), info, &evidence),
                   ==, 1);
  g_assert_nonnull (strstr (evidence, "compiler: clang"));

  g_assert_true (mt_flag_catalog_expand (catalog, vanilla, NULL, &make_vars, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (make_vars[0], ==, "LLVM=1");

  mt_test_tree_free (g_steal_pointer (&tree));
}

/* A flag that needs a processor feature is in a preset only where the
 * processor has it, and only where that is known. */
static void
test_presets_features (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtFlagCatalog) catalog =
    parse ("<flag-catalog version=\"1\">\n"
           "<flag id=\"base\" category=\"toolchain\" effect=\"toolchain\" portable=\"true\" "
           "required=\"true\"><label>B</label><description>B.</description></flag>\n"
           "<flag id=\"wide\" category=\"cpu-tuning\" effect=\"code\" portable=\"false\" "
           "needs=\"avx512f\"><label>W</label><description>W.</description>"
           "<arg>-DWIDE</arg></flag>\n"
           "<flag id=\"two\" category=\"cpu-tuning\" effect=\"code\" portable=\"false\" "
           "needs=\"avx2 vmx\"><label>T</label><description>T.</description>"
           "<arg>-DTWO</arg></flag>\n"
           "<preset id=\"vanilla\"><label>V</label><description>V.</description></preset>\n"
           "<preset id=\"optimized\"><label>O</label><description>O.</description>"
           "<include flag=\"wide\"/><include flag=\"two\"/></preset>\n"
           "</flag-catalog>\n",
           &error);
  g_autoptr (MtSystemInfo) epyc = probe_fixture ("kvm-amd-epyc");
  g_autoptr (MtSystemInfo) intel = probe_fixture ("bare-metal-intel");
  g_autofree char *evidence = NULL;
  const char *const base[] = { "base", NULL };
  const char *const epyc_ids[] = { "base", "wide", NULL };
  const char *const intel_ids[] = { "base", "two", NULL };

  g_assert_no_error (error);

  /* the EPYC guest has AVX-512 but no VT-x (AMD); the Intel laptop the other way round */
  assert_preset (catalog, "optimized", epyc, epyc_ids);
  assert_preset (catalog, "optimized", intel, intel_ids);
  assert_preset (catalog, "optimized", NULL, base);
  assert_preset (catalog, "vanilla", epyc, base);

  g_assert_cmpint (mt_flag_check_needs (mt_flag_catalog_lookup (catalog, "wide"), intel, &evidence),
                   ==, 0);
  g_assert_true (g_str_has_prefix (evidence, "avx512f: no ("));
}

static void
test_macro_references (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *outside = mt_test_tree_new ();
  g_autofree char *target = g_build_filename (outside, "evil.h", NULL);
  g_autofree char *link = g_build_filename (tree, "vmmon-only", "link.h", NULL);
  g_autofree char *fifo = g_build_filename (tree, "vmmon-only", "fifo.c", NULL);
  g_autofree char *missing = g_build_filename (tree, "nope", NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) hits = NULL;
  const char *const expected[] = {
    "vmmon-only/include/basic.h:2",
    "vmmon-only/linux/driver.c:3",
    "vmmon-only/linux/driver.c:5",
    NULL,
  };

  mt_test_tree_write (tree, "vmmon-only/linux/driver.c",
                      "#include \"x.h\"\n\n#ifdef VMW_LOW_LATENCY_MODE\n"
                      "int VMW_LOW_LATENCY_MODE_X;\n/* VMW_LOW_LATENCY_MODE */\n#endif\n",
                      -1);
  mt_test_tree_write (tree, "vmmon-only/include/basic.h",
                      "#define CACHELINE_SIZE 64\n(VMW_LOW_LATENCY_MODE)\n", -1);
  /* not a C source or header */
  mt_test_tree_write (tree, "vmmon-only/Makefile", "CC_OPTS += -DVMW_LOW_LATENCY_MODE\n", -1);
  /* outside the tree, behind a symbolic link that is not followed */
  mt_test_tree_write (outside, "evil.h", "VMW_LOW_LATENCY_MODE\n", -1);
  g_assert_cmpint (symlink (target, link), ==, 0);
  /* a FIFO is not read (reading it would block) */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  hits = mt_flag_find_macro_references (mt_flag_catalog_lookup (catalog, "vmw-low-latency-mode"),
                                        tree, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char *const *) hits, expected));
  g_clear_pointer (&hits, g_strfreev);

  /* CACHELINE_SIZE is VMware's own, not CACHE_LINE_SIZE */
  hits = mt_flag_find_macro_references (mt_flag_catalog_lookup (catalog, "cache-line-size"), tree,
                                        &error);
  g_assert_no_error (error);
  g_assert_nonnull (hits);
  g_assert_null (hits[0]);
  g_clear_pointer (&hits, g_strfreev);

  /* no macro to look for */
  hits =
    mt_flag_find_macro_references (mt_flag_catalog_lookup (catalog, "optimize-o3"), tree, &error);
  g_assert_null (hits);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  hits = mt_flag_find_macro_references (mt_flag_catalog_lookup (catalog, "vmw-use-modern-mm"),
                                        missing, &error);
  g_assert_null (hits);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));

  mt_test_tree_free (g_steal_pointer (&tree));
  mt_test_tree_free (g_steal_pointer (&outside));
}

/* A file that cannot be read fails the search: an empty answer must mean
 * that no file reads the macro. */
static void
test_macro_references_unreadable (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *path = g_build_filename (tree, "secret.h", NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) hits = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root reads every file");
      mt_test_tree_free (g_steal_pointer (&tree));
      return;
    }

  mt_test_tree_write (tree, "secret.h", "VMW_USE_MODERN_MM\n", -1);
  g_assert_cmpint (chmod (path, 0), ==, 0);

  hits = mt_flag_find_macro_references (mt_flag_catalog_lookup (catalog, "vmw-use-modern-mm"), tree,
                                        &error);
  g_assert_null (hits);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "secret.h"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

static JsonObject *
find_object (JsonArray *array, const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (object, "id"), id))
        return object;
    }

  g_assert_not_reached ();
}

static void
test_json (void)
{
  g_autoptr (MtFlagCatalog) catalog = load_source_catalog ();
  g_autoptr (MtSystemInfo) epyc = probe_fixture ("kvm-amd-epyc");
  g_autoptr (JsonNode) node = mt_flag_catalog_to_json (catalog, epyc);
  g_autoptr (JsonNode) unknown = mt_flag_catalog_to_json (catalog, NULL);
  JsonObject *root = json_node_get_object (node);
  JsonArray *flags = json_object_get_array_member (root, "flags");
  JsonArray *presets = json_object_get_array_member (root, "presets");
  JsonObject *llvm = find_object (flags, "llvm");
  JsonObject *march = find_object (flags, "march-native");
  JsonObject *optimized = find_object (presets, "optimized");
  JsonArray *optimized_flags = json_object_get_array_member (optimized, "flags");

  g_assert_cmpint (json_object_get_int_member (root, "schema_version"), ==, 1);
  g_assert_cmpuint (json_array_get_length (flags), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (catalog)));

  g_assert_false (json_object_get_boolean_member (llvm, "needs_met"));
  g_assert_nonnull (strstr (json_object_get_string_member (llvm, "needs_evidence"), "gcc"));
  g_assert_true (json_object_get_boolean_member (llvm, "required"));
  g_assert_true (json_object_get_boolean_member (march, "needs_met"));
  g_assert_true (json_object_get_null_member (march, "needs_evidence"));
  g_assert_false (json_object_get_boolean_member (march, "portable"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (march, "args"), 0),
                   ==, "-march=native");

  g_assert_cmpuint (json_array_get_length (optimized_flags), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (optimized_flags, 1), ==, "mtune-native");
  g_assert_cmpstr (
    json_array_get_string_element (json_object_get_array_member (optimized, "includes"), 0), ==,
    "mtune-native");

  /* nothing known: what a flag needs is unknown, not missing */
  llvm =
    find_object (json_object_get_array_member (json_node_get_object (unknown), "flags"), "llvm");
  g_assert_true (json_object_get_null_member (llvm, "needs_met"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/flag-catalog/claim-checker", test_claim_checker);
  g_test_add_func ("/flag-catalog/schema", test_schema);
  g_test_add_func ("/flag-catalog/coverage", test_coverage);
  g_test_add_func ("/flag-catalog/honesty", test_honesty);
  g_test_add_func ("/flag-catalog/default", test_default);
  g_test_add_func ("/flag-catalog/allowlist/rejects", test_allowlist_rejects);
  g_test_add_func ("/flag-catalog/allowlist/accepts", test_allowlist_accepts);
  g_test_add_func ("/flag-catalog/parse/errors", test_parse_errors);
  g_test_add_func ("/flag-catalog/parse/nul", test_parse_nul);
  g_test_add_func ("/flag-catalog/parse/minimal", test_parse_minimal);
  g_test_add_func ("/flag-catalog/expand", test_expand);
  g_test_add_func ("/flag-catalog/presets", test_presets);
  g_test_add_func ("/flag-catalog/presets/clang", test_presets_clang);
  g_test_add_func ("/flag-catalog/presets/features", test_presets_features);
  g_test_add_func ("/flag-catalog/macro-references", test_macro_references);
  g_test_add_func ("/flag-catalog/macro-references/unreadable", test_macro_references_unreadable);
  g_test_add_func ("/flag-catalog/json", test_json);

  return g_test_run ();
}
