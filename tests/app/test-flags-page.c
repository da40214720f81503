/* test-flags-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-app-test.h"
#include "mt-flag-row.h"
#include "mt-flags-page.h"

/* The Flags page on recorded machines: a row per catalog flag in its
 * category's group, the presets, switches and groups of flags, the command
 * line against the core's own expansion, the choice kept in GSettings, the
 * flags that cannot be switched, copying, accessibility and screenshots. */

/* A catalog with one flag that needs AVX2, which kvm-amd-epyc has and
 * qemu-tcg lacks. */
static const char needs_catalog[] =
  "<flag-catalog version=\"1\">"
  "  <flag id=\"kernel-compiler\" category=\"toolchain\" effect=\"toolchain\" portable=\"true\""
  "        required=\"true\">"
  "    <label>Kernel compiler</label><description>Always on.</description>"
  "  </flag>"
  "  <flag id=\"needs-avx2\" category=\"cpu-tuning\" effect=\"code\" portable=\"false\""
  "        needs=\"avx2\">"
  "    <label>Needs AVX2</label><arg>-march=native</arg><description>A test.</description>"
  "  </flag>"
  "  <preset id=\"vanilla\"><label>Vanilla</label><description>None.</description></preset>"
  "  <preset id=\"optimized\"><label>Optimized</label><description>Some.</description>"
  "    <include flag=\"needs-avx2\"/></preset>"
  "</flag-catalog>";

static MtSystemInfo *
probe (const char *machine)
{
  g_autofree char *path = mt_app_test_fixture_path (machine, NULL);
  g_autofree char *dump = mt_app_test_fixture_path (machine, "cpuid.txt");
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtCpuid) cpuid = NULL;
  g_autoptr (GError) error = NULL;
  MtSystemInfo *info;

  sysroot = mt_sysroot_new (path, &error);
  g_assert_no_error (error);
  cpuid = mt_cpuid_new_for_sysroot (sysroot, g_file_test (dump, G_FILE_TEST_EXISTS) ? dump : NULL,
                                    &error);
  g_assert_no_error (error);
  info = mt_system_info_probe (sysroot, cpuid, &error);
  g_assert_no_error (error);

  return info;
}

static MtFlagCatalog *
default_catalog (void)
{
  g_autoptr (GError) error = NULL;
  MtFlagCatalog *catalog = mt_flag_catalog_new_default (&error);

  g_assert_no_error (error);
  return catalog;
}

/* A page on @machine with the default catalog, owned by the caller. */
static MtFlagsPage *
new_page (const char *machine, GSettings *settings)
{
  g_autoptr (MtSystemInfo) info = probe (machine);
  g_autoptr (MtFlagCatalog) catalog = default_catalog ();
  MtFlagsPage *page = g_object_ref_sink (g_object_new (MT_TYPE_FLAGS_PAGE, NULL));

  mt_flags_page_set_settings (page, settings);
  mt_flags_page_set_catalog (page, catalog);
  mt_flags_page_set_system_info (page, info);

  return page;
}

static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new ("io.github.modtune.Modtune");

  g_settings_reset (settings, "enabled-flags");
  g_settings_reset (settings, "flags-initialized");
  return settings;
}

static void
collect_rows (GtkWidget *widget, GPtrArray *rows)
{
  if (MT_IS_FLAG_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

static GPtrArray *
rows_of (MtFlagsPage *page)
{
  GPtrArray *rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (page), rows);
  return rows;
}

static MtFlagRow *
find_row (MtFlagsPage *page, const char *id)
{
  g_autoptr (GPtrArray) rows = rows_of (page);

  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (mt_flag_get_id (mt_flag_row_get_flag (rows->pdata[i])), id))
      return rows->pdata[i];

  g_error ("no row for flag %s", id);
}

static GtkSwitch *
switch_of (MtFlagsPage *page, const char *id)
{
  return GTK_SWITCH (
    mt_app_test_child (GTK_WIDGET (find_row (page, id)), MT_TYPE_FLAG_ROW, "toggle"));
}

static GtkWidget *
page_child (MtFlagsPage *page, const char *name)
{
  return mt_app_test_child (GTK_WIDGET (page), MT_TYPE_FLAGS_PAGE, name);
}

/* What mt_flag_catalog_expand() gives for @ids, written as the page
 * writes what the build passes to make: KCFLAGS, then make variables. */
static char *
expected_command_line (MtFlagsPage *page, const char *const *ids)
{
  g_auto (GStrv) cflags = NULL;
  g_auto (GStrv) make_vars = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) line = g_string_new (NULL);

  g_assert_true (
    mt_flag_catalog_expand (mt_flags_page_get_catalog (page), ids, &cflags, &make_vars, &error));
  g_assert_no_error (error);
  if (cflags[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", cflags);
      g_autofree char *quoted = g_shell_quote (joined);

      g_string_append_printf (line, "KCFLAGS=%s", quoted);
    }
  for (guint i = 0; make_vars[i] != NULL; i++)
    g_string_append_printf (line, "%s%s", line->len > 0 ? " " : "", make_vars[i]);

  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* The command line shown is the core's expansion of the enabled flags. */
static void
assert_command_line (MtFlagsPage *page)
{
  g_auto (GStrv) enabled = mt_flags_page_dup_enabled_flags (page);
  g_autofree char *expected = expected_command_line (page, (const char *const *) enabled);
  GtkLabel *label = GTK_LABEL (page_child (page, "command_line_label"));
  GtkWidget *empty = page_child (page, "command_line_empty_label");

  g_assert_cmpstr (mt_flags_page_get_command_line (page), ==, expected);
  g_assert_cmpstr (gtk_label_get_text (label), ==, expected);
  g_assert_true (gtk_label_get_selectable (label));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "command-line"));
  g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (label)), ==, *expected != '\0');
  g_assert_cmpint (gtk_widget_get_visible (empty), ==, *expected == '\0');
  /* Copy follows its action, which a button tracks once it is in a window */
  if (gtk_widget_get_root (GTK_WIDGET (page)) != NULL)
    g_assert_cmpint (gtk_widget_get_sensitive (page_child (page, "copy_button")), ==,
                     *expected != '\0');
}

/* The switches show exactly the enabled flags. */
static void
assert_switches (MtFlagsPage *page)
{
  g_auto (GStrv) enabled = mt_flags_page_dup_enabled_flags (page);
  g_autoptr (GPtrArray) rows = rows_of (page);

  for (guint i = 0; i < rows->len; i++)
    {
      const char *id = mt_flag_get_id (mt_flag_row_get_flag (rows->pdata[i]));

      g_assert_cmpint (mt_flag_row_get_active (rows->pdata[i]), ==,
                       g_strv_contains ((const char *const *) enabled, id));
    }
}

static const char *
preset_label (MtFlagsPage *page)
{
  return gtk_label_get_text (GTK_LABEL (page_child (page, "preset_label")));
}

static void
test_rows (void)
{
  g_autoptr (MtFlagsPage) page = new_page ("kvm-amd-epyc", NULL);
  g_autoptr (MtSystemInfo) other = probe ("qemu-tcg");
  g_autoptr (MtFlagCatalog) catalog = default_catalog ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (mt_flags_page_get_catalog (page)));

  g_assert_cmpuint (n, >, 20);
  /* again after the machine and the catalog change: rebuilt, not added */
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr (GPtrArray) rows = rows_of (page);
      g_autoptr (GHashTable) groups = g_hash_table_new (NULL, NULL);
      g_autoptr (GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_cmpuint (rows->len, ==, n);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (MtFlag) flag =
            g_list_model_get_item (G_LIST_MODEL (mt_flags_page_get_catalog (page)), i);
          MtFlagRow *row = rows->pdata[i];
          GtkWidget *group = gtk_widget_get_ancestor (GTK_WIDGET (row), ADW_TYPE_PREFERENCES_GROUP);

          /* in catalog order, titled and described as in the catalog */
          g_assert_cmpstr (mt_flag_get_id (mt_flag_row_get_flag (row)), ==, mt_flag_get_id (flag));
          g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                           mt_flag_get_label (flag));
          g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ==,
                           mt_flag_get_description (flag));
          /* in its category's group, one group per category */
          g_assert_nonnull (group);
          g_assert_cmpstr (gtk_widget_get_name (group), ==, mt_flag_get_category (flag));
          g_assert_nonnull (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)));
          if (g_hash_table_insert (categories, (gpointer) mt_flag_get_category (flag), group))
            g_assert_false (g_hash_table_contains (groups, group));
          else
            g_assert_true (g_hash_table_lookup (categories, mt_flag_get_category (flag)) == group);
          g_hash_table_add (groups, group);
        }
      g_assert_cmpuint (g_hash_table_size (groups), ==, g_hash_table_size (categories));

      if (round == 0)
        mt_flags_page_set_system_info (page, other);
      else if (round == 1)
        mt_flags_page_set_catalog (page, catalog);
    }
}

static void
test_details (void)
{
  g_autoptr (MtFlagsPage) page = new_page ("kvm-amd-epyc", NULL);
  MtFlagRow *row = find_row (page, "march-native");
  MtFlagRow *none = find_row (page, "fast-math");
  MtFlagRow *llvm = find_row (page, "llvm");
  g_autofree char *evidence = NULL;
  const char *needs;

  /* the exact argument, not portable, code */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                     mt_app_test_child (GTK_WIDGET (row), MT_TYPE_FLAG_ROW, "args_row"))),
                   ==, "-march=native");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (mt_app_test_child (
                                     GTK_WIDGET (row), MT_TYPE_FLAG_ROW, "portable_row"))),
                                   "Tied to this processor"));
  /* a flag that cannot change the modules says so */
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (mt_app_test_child (
                                     GTK_WIDGET (none), MT_TYPE_FLAG_ROW, "effect_row"))),
                                   "Cannot change the modules"));
  /* the need, and the evidence of whether this machine has it */
  g_assert_cmpint (mt_flag_check_needs (mt_flag_row_get_flag (llvm),
                                        mt_flags_page_get_system_info (page), &evidence),
                   ==, 0);
  needs = adw_action_row_get_subtitle (
    ADW_ACTION_ROW (mt_app_test_child (GTK_WIDGET (llvm), MT_TYPE_FLAG_ROW, "needs_row")));
  g_assert_true (g_str_has_prefix (needs, "compiler=clang"));
  g_assert_nonnull (strstr (needs, evidence));
  g_assert_nonnull (strstr (needs, "does not have"));
  /* LLVM=1 is a make variable */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                     mt_app_test_child (GTK_WIDGET (llvm), MT_TYPE_FLAG_ROW, "make_row"))),
                   ==, "LLVM=1");
}

static void
test_presets (void)
{
  g_autoptr (MtFlagsPage) page = new_page ("kvm-amd-epyc", NULL);
  GtkWindow *window = mt_app_test_present (GTK_WIDGET (page), 900, 720);
  MtFlagCatalog *catalog = mt_flags_page_get_catalog (page);
  MtSystemInfo *info = mt_flags_page_get_system_info (page);
  g_auto (GStrv) optimized = mt_flag_catalog_get_preset (catalog, "optimized", info, NULL);
  g_auto (GStrv) vanilla = mt_flag_catalog_get_preset (catalog, "vanilla", info, NULL);
  g_auto (GStrv) enabled = NULL;
  g_autofree char *before = NULL;

  /* without settings: the optimized preset, switches on */
  enabled = mt_flags_page_dup_enabled_flags (page);
  g_assert_true (g_strv_equal ((const char *const *) enabled, (const char *const *) optimized));
  g_assert_true (g_strv_contains ((const char *const *) enabled, "mtune-native"));
  g_assert_true (gtk_switch_get_active (switch_of (page, "mtune-native")));
  g_assert_true (gtk_switch_get_active (switch_of (page, "kernel-compiler")));
  assert_switches (page);
  assert_command_line (page);
  g_assert_cmpstr (mt_flags_page_get_command_line (page), ==, "KCFLAGS='-mtune=native'");
  g_assert_cmpstr (mt_flags_page_get_preset (page), ==, "optimized");
  g_assert_cmpstr (preset_label (page), ==, "Optimized");
  before = g_strdup (mt_flags_page_get_command_line (page));

  /* Vanilla: only the required flags; the command line follows */
  g_assert_true (
    gtk_widget_activate_action (GTK_WIDGET (page), "flags.apply-preset", "s", "vanilla"));
  g_clear_pointer (&enabled, g_strfreev);
  enabled = mt_flags_page_dup_enabled_flags (page);
  g_assert_true (g_strv_equal ((const char *const *) enabled, (const char *const *) vanilla));
  g_assert_false (gtk_switch_get_active (switch_of (page, "mtune-native")));
  g_assert_true (gtk_switch_get_active (switch_of (page, "kernel-compiler")));
  assert_switches (page);
  assert_command_line (page);
  g_assert_cmpstr (mt_flags_page_get_command_line (page), !=, before);
  g_assert_cmpstr (mt_flags_page_get_preset (page), ==, "vanilla");
  g_assert_cmpstr (preset_label (page), ==, "Vanilla");

  /* an unknown preset changes nothing */
  gtk_widget_activate_action (GTK_WIDGET (page), "flags.apply-preset", "s", "turbo");
  g_assert_cmpstr (mt_flags_page_get_preset (page), ==, "vanilla");

  g_assert_true (
    gtk_widget_activate_action (GTK_WIDGET (page), "flags.apply-preset", "s", "optimized"));
  g_assert_cmpstr (mt_flags_page_get_command_line (page), ==, before);
  g_assert_cmpstr (preset_label (page), ==, "Optimized");
  assert_command_line (page);

  gtk_window_destroy (window);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_toggle (void)
{
  g_autoptr (MtFlagsPage) page = new_page ("kvm-amd-epyc", NULL);
  g_auto (GStrv) enabled = NULL;
  guint notified = 0;

  g_signal_connect_swapped (page, "notify::enabled-flags", G_CALLBACK (count_cb), &notified);

  gtk_switch_set_active (switch_of (page, "optimize-o3"), TRUE);
  g_assert_cmpuint (notified, ==, 1);
  enabled = mt_flags_page_dup_enabled_flags (page);
  g_assert_true (g_strv_contains ((const char *const *) enabled, "optimize-o3"));
  g_assert_true (g_strv_contains ((const char *const *) enabled, "mtune-native"));
  assert_switches (page);
  assert_command_line (page);
  g_assert_cmpstr (mt_flags_page_get_command_line (page), ==, "KCFLAGS='-O3 -mtune=native'");
  g_assert_null (mt_flags_page_get_preset (page));
  g_assert_cmpstr (preset_label (page), ==, "Custom");

  /* one optimization level at a time */
  gtk_switch_set_active (switch_of (page, "optimize-o2"), TRUE);
  g_clear_pointer (&enabled, g_strfreev);
  enabled = mt_flags_page_dup_enabled_flags (page);
  g_assert_true (g_strv_contains ((const char *const *) enabled, "optimize-o2"));
  g_assert_false (g_strv_contains ((const char *const *) enabled, "optimize-o3"));
  g_assert_false (gtk_switch_get_active (switch_of (page, "optimize-o3")));
  assert_command_line (page);

  /* a make variable */
  gtk_switch_set_active (switch_of (page, "optimize-o2"), FALSE);
  gtk_switch_set_active (switch_of (page, "warnings-w1"), TRUE);
  assert_switches (page);
  assert_command_line (page);
  g_assert_cmpstr (mt_flags_page_get_command_line (page), ==, "KCFLAGS='-mtune=native' W=1");

  /* back to the preset's flags: its name again */
  gtk_switch_set_active (switch_of (page, "warnings-w1"), FALSE);
  g_assert_cmpstr (mt_flags_page_get_preset (page), ==, "optimized");
}

static void
test_settings (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  g_autoptr (MtFlagsPage) page = new_page ("kvm-amd-epyc", settings);
  g_autoptr (MtFlagsPage) again = NULL;
  g_auto (GStrv) stored = NULL;
  g_auto (GStrv) enabled = NULL;

  /* not chosen yet: the optimized preset, and nothing written */
  g_assert_cmpstr (mt_flags_page_get_preset (page), ==, "optimized");
  g_assert_false (g_settings_get_boolean (settings, "flags-initialized"));

  gtk_switch_set_active (switch_of (page, "unroll-loops"), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "flags-initialized"));
  stored = g_settings_get_strv (settings, "enabled-flags");
  enabled = mt_flags_page_dup_enabled_flags (page);
  g_assert_true (g_strv_equal ((const char *const *) stored, (const char *const *) enabled));
  g_assert_true (g_strv_contains ((const char *const *) stored, "unroll-loops"));

  /* a new page reads it back */
  again = new_page ("kvm-amd-epyc", settings);
  g_clear_pointer (&enabled, g_strfreev);
  enabled = mt_flags_page_dup_enabled_flags (again);
  g_assert_true (g_strv_equal ((const char *const *) stored, (const char *const *) enabled));
  g_assert_true (gtk_switch_get_active (switch_of (again, "unroll-loops")));
  g_assert_cmpstr (preset_label (again), ==, "Custom");
  assert_switches (again);
  assert_command_line (again);

  /* a preset chosen on one page is written, and the other page follows */
  g_assert_true (
    gtk_widget_activate_action (GTK_WIDGET (page), "flags.apply-preset", "s", "vanilla"));
  g_clear_pointer (&stored, g_strfreev);
  stored = g_settings_get_strv (settings, "enabled-flags");
  g_assert_true (
    g_strv_equal ((const char *const *) stored, mt_flags_page_get_enabled_flags (page)));
  mt_app_test_spin (50);
  g_assert_cmpstr (mt_flags_page_get_preset (again), ==, "vanilla");
  g_assert_false (gtk_switch_get_active (switch_of (again, "unroll-loops")));

  /* forgetting the choice goes back to the optimized preset */
  g_settings_reset (settings, "flags-initialized");
  mt_app_test_spin (50);
  g_assert_cmpstr (mt_flags_page_get_preset (again), ==, "optimized");

  /* without settings again: the choice stays in memory */
  mt_flags_page_set_settings (page, NULL);
  gtk_switch_set_active (switch_of (page, "unroll-loops"), TRUE);
  g_assert_false (g_settings_get_boolean (settings, "flags-initialized"));
}

static void
test_unknown_ids (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  const char *const stored[] = { "kernel-compiler",     "no-such-flag", "unroll-loops",
                                 "hand-defined-config", "llvm",         NULL };
  const char *const expected[] = { "kernel-compiler", "unroll-loops", NULL };
  g_autoptr (MtFlagsPage) page = NULL;
  g_auto (GStrv) written = NULL;

  g_settings_set_strv (settings, "enabled-flags", stored);
  g_settings_set_boolean (settings, "flags-initialized", TRUE);
  page = new_page ("kvm-amd-epyc", settings);

  /* unknown, refused, and needing what this machine lacks: dropped */
  g_assert_true (g_strv_equal (mt_flags_page_get_enabled_flags (page), expected));
  assert_switches (page);
  assert_command_line (page);
  g_assert_cmpstr (mt_flags_page_get_command_line (page), ==, "KCFLAGS='-funroll-loops'");

  /* and not written back with the next change */
  gtk_switch_set_active (switch_of (page, "mtune-native"), TRUE);
  written = g_settings_get_strv (settings, "enabled-flags");
  g_assert_false (g_strv_contains ((const char *const *) written, "no-such-flag"));
  g_assert_false (g_strv_contains ((const char *const *) written, "hand-defined-config"));
  g_assert_true (g_strv_contains ((const char *const *) written, "mtune-native"));
}

static void
test_locked (void)
{
  g_autoptr (MtFlagsPage) page = new_page ("kvm-amd-epyc", NULL);
  GtkSwitch *required = switch_of (page, "kernel-compiler");
  GtkSwitch *refused = switch_of (page, "hand-defined-config");
  GtkSwitch *llvm = switch_of (page, "llvm");
  g_autoptr (MtSystemInfo) unknown = probe ("qemu-tcg");
  GtkLabel *status;

  /* required: on and insensitive, and says so */
  g_assert_true (gtk_switch_get_active (required));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (required)));
  status = GTK_LABEL (mt_app_test_child (GTK_WIDGET (find_row (page, "kernel-compiler")),
                                         MT_TYPE_FLAG_ROW, "status_label"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (status)));
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Required");

  /* refused: off and insensitive, and says why */
  g_assert_false (gtk_switch_get_active (refused));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (refused)));
  status = GTK_LABEL (mt_app_test_child (GTK_WIDGET (find_row (page, "hand-defined-config")),
                                         MT_TYPE_FLAG_ROW, "status_label"));
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Never passed");

  /* required, but for a clang-built kernel, and this one was built with gcc */
  g_assert_false (gtk_switch_get_active (llvm));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (llvm)));
  g_assert_false (g_strv_contains (mt_flags_page_get_enabled_flags (page), "llvm"));

  /* forced by hand, they fall back */
  gtk_switch_set_active (required, FALSE);
  gtk_switch_set_active (refused, TRUE);
  gtk_switch_set_active (llvm, TRUE);
  g_assert_true (gtk_switch_get_active (required));
  g_assert_false (gtk_switch_get_active (refused));
  g_assert_false (gtk_switch_get_active (llvm));
  g_assert_true (g_strv_contains (mt_flags_page_get_enabled_flags (page), "kernel-compiler"));
  g_assert_false (g_strv_contains (mt_flags_page_get_enabled_flags (page), "hand-defined-config"));
  assert_command_line (page);

  /* where the kernel's compiler is not known, the required LLVM flag is
   * off too, and the row says so */
  mt_flags_page_set_system_info (page, unknown);
  llvm = switch_of (page, "llvm");
  g_assert_false (gtk_switch_get_active (llvm));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (llvm)));
  status = GTK_LABEL (
    mt_app_test_child (GTK_WIDGET (find_row (page, "llvm")), MT_TYPE_FLAG_ROW, "status_label"));
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Not detected");
  g_assert_true (gtk_switch_get_active (switch_of (page, "kernel-compiler")));
}

static void
test_needs (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtFlagCatalog) catalog =
    mt_flag_catalog_new_from_data (needs_catalog, sizeof needs_catalog - 1, &error);
  g_autoptr (MtSystemInfo) has = probe ("kvm-amd-epyc");
  g_autoptr (MtSystemInfo) lacks = probe ("qemu-tcg");
  g_autoptr (MtFlagsPage) page = g_object_ref_sink (g_object_new (MT_TYPE_FLAGS_PAGE, NULL));
  GtkLabel *status;

  g_assert_no_error (error);
  mt_flags_page_set_catalog (page, catalog);

  /* kvm-amd-epyc has AVX2: switchable, and on in the optimized preset */
  mt_flags_page_set_system_info (page, has);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (switch_of (page, "needs-avx2"))));
  g_assert_true (gtk_switch_get_active (switch_of (page, "needs-avx2")));
  g_assert_cmpstr (mt_flags_page_get_command_line (page), ==, "KCFLAGS='-march=native'");
  assert_command_line (page);

  /* qemu-tcg lacks it: off, insensitive, and the reason shown */
  mt_flags_page_set_system_info (page, lacks);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (switch_of (page, "needs-avx2"))));
  g_assert_false (gtk_switch_get_active (switch_of (page, "needs-avx2")));
  status = GTK_LABEL (mt_app_test_child (GTK_WIDGET (find_row (page, "needs-avx2")),
                                         MT_TYPE_FLAG_ROW, "status_label"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (status)));
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Not on this machine");
  g_assert_nonnull (
    strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (mt_app_test_child (
              GTK_WIDGET (find_row (page, "needs-avx2")), MT_TYPE_FLAG_ROW, "needs_row"))),
            "avx2: no"));
  assert_command_line (page);
  g_assert_cmpstr (mt_flags_page_get_command_line (page), ==, "");
  /* here the optimized preset is only the required flag, as vanilla: the
   * first preset that equals the choice is named */
  g_assert_cmpstr (mt_flags_page_get_preset (page), ==, "vanilla");

  /* no catalog: nothing to choose */
  mt_flags_page_set_catalog (page, NULL);
  g_assert_null (mt_flags_page_get_enabled_flags (page)[0]);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (page_child (page, "stack"))), ==,
                   "empty");
}

static void
test_copy (void)
{
  g_autoptr (MtFlagsPage) page = new_page ("kvm-amd-epyc", NULL);
  GtkWindow *window = mt_app_test_present (GTK_WIDGET (page), 900, 720);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (page));
  AdwButtonContent *content = ADW_BUTTON_CONTENT (page_child (page, "copy_content"));
  const GdkContentProvider *provider;
  GValue value = G_VALUE_INIT;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "flags.copy-command-line", NULL));
  provider = gdk_clipboard_get_content (clipboard);
  g_assert_nonnull (provider);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value ((GdkContentProvider *) provider, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, mt_flags_page_get_command_line (page));
  g_value_unset (&value);
  g_assert_cmpstr (adw_button_content_get_label (content), ==, "Copied");

  gtk_window_destroy (window);
}

/* Scrolls the page so that @widget is at the top. */
static void
scroll_to (GtkWidget *widget)
{
  GtkScrolledWindow *scrolled =
    GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW));
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (scrolled),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scrolled), point.y - 12);
  mt_app_test_spin (200);
}

static void
test_look (void)
{
  g_autoptr (MtFlagsPage) page = new_page ("kvm-amd-epyc", NULL);
  GtkWindow *window = mt_app_test_present (GTK_WIDGET (page), 900, 720);
  MtFlagRow *llvm = find_row (page, "llvm");

  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (page)), >, 30);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "flags-page");

  /* a flag's details: a required flag this gcc-built kernel does not take */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (llvm), TRUE);
  mt_app_test_spin (400);
  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (page)), >, 30);
  scroll_to (GTK_WIDGET (llvm));
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "flags-page-details");

  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  mt_app_test_init (&argc, &argv);

  g_test_add_func ("/flags-page/rows", test_rows);
  g_test_add_func ("/flags-page/details", test_details);
  g_test_add_func ("/flags-page/presets", test_presets);
  g_test_add_func ("/flags-page/toggle", test_toggle);
  g_test_add_func ("/flags-page/settings", test_settings);
  g_test_add_func ("/flags-page/unknown-ids", test_unknown_ids);
  g_test_add_func ("/flags-page/locked", test_locked);
  g_test_add_func ("/flags-page/needs", test_needs);
  g_test_add_func ("/flags-page/copy", test_copy);
  g_test_add_func ("/flags-page/look", test_look);

  return mt_app_test_run ();
}
