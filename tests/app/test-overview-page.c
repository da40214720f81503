/* test-overview-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "mt-app-test.h"
#include "mt-machine-state.h"
#include "mt-overview-page.h"

/* The Overview's one sentence (mt_machine_summary_new()) for the states a
 * machine can be in, from recorded machines and from statuses shaped like
 * the helper's GetStatus, and the page that shows it. */

static MtSystemInfo *
probe (const char *sysroot_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) sysroot = mt_sysroot_new (sysroot_path, &error);
  g_autoptr (MtCpuid) cpuid = NULL;
  MtSystemInfo *info;

  g_assert_no_error (error);
  cpuid = mt_cpuid_new_for_sysroot (sysroot, NULL, &error);
  g_assert_no_error (error);
  info = mt_system_info_probe (sysroot, cpuid, &error);
  g_assert_no_error (error);

  return info;
}

static MtSystemInfo *
probe_machine (const char *machine)
{
  g_autofree char *path = mt_app_test_fixture_path (machine, NULL);

  return probe (path);
}

/* GetStatus as the helper answers it: vmmon and vmnet of one origin */
static GVariant *
make_status (const char *origin, gboolean loaded)
{
  GVariantBuilder builder;
  const char *names[] = { "vmmon", "vmnet" };

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "kernel-release",
                         g_variant_new_string ("6.12.118+deb13-amd64"));
  g_variant_builder_add (&builder, "{sv}", "workstation-version", g_variant_new_string ("17.6.4"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "origin", "s", origin);
      g_variant_dict_insert (&dict, "loaded", "b", loaded);
      g_variant_builder_add (&builder, "{sv}", names[i], g_variant_dict_end (&dict));
    }
  g_variant_builder_add (&builder, "{sv}", "recovered", g_variant_new_boolean (FALSE));

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
test_summary_states (void)
{
  g_autoptr (MtSystemInfo) host = probe_machine ("workstation-17.6-host");
  g_autoptr (MtSystemInfo) guest = probe_machine ("kvm-amd-epyc");
  g_autoptr (GVariant) none = make_status ("none", FALSE);
  g_autoptr (GVariant) installed = make_status ("modtune", FALSE);
  g_autoptr (GVariant) loaded = make_status ("modtune", TRUE);
  g_autoptr (MtMachineSummary) unknown = mt_machine_summary_new (NULL, NULL);
  g_autoptr (MtMachineSummary) no_workstation = mt_machine_summary_new (guest, NULL);
  g_autoptr (MtMachineSummary) working = mt_machine_summary_new (host, NULL);
  g_autoptr (MtMachineSummary) no_headers = mt_machine_summary_new (host, none);
  g_autoptr (MtMachineSummary) not_loaded = mt_machine_summary_new (host, installed);
  g_autoptr (MtMachineSummary) working_status = mt_machine_summary_new (host, loaded);

  g_assert_cmpint (unknown->state, ==, MT_MACHINE_STATE_UNKNOWN);
  g_assert_false (unknown->can_optimize);

  g_assert_cmpint (no_workstation->state, ==, MT_MACHINE_STATE_NO_WORKSTATION);
  g_assert_cmpstr (no_workstation->title, ==, "VMware Workstation is not installed");
  g_assert_false (no_workstation->can_optimize);

  /* the recorded host has VMware's vmmon loaded: working, without a helper */
  g_assert_cmpint (working->state, ==, MT_MACHINE_STATE_WORKING);
  g_assert_true (g_str_has_prefix (working->title, "VMware Workstation 17.6"));
  g_assert_nonnull (strstr (working->title, "is ready on kernel 6.12.118+deb13-amd64"));
  g_assert_true (working->can_optimize);
  g_assert_cmpstr (working->action_label, ==, "_Rebuild");

  /* the helper is trusted over the app's reading: nothing installed, and
   * this host has no headers, so the sentence says how to get them */
  g_assert_cmpint (no_headers->state, ==, MT_MACHINE_STATE_NO_HEADERS);
  g_assert_cmpstr (no_headers->title, ==,
                   "Kernel 6.12.118+deb13-amd64 needs its headers before VMware can work");
  g_assert_nonnull (
    strstr (no_headers->description, "sudo apt install linux-headers-6.12.118+deb13-amd64"));
  g_assert_false (no_headers->can_optimize);

  g_assert_cmpint (not_loaded->state, ==, MT_MACHINE_STATE_NOT_LOADED);
  g_assert_true (not_loaded->can_optimize);
  g_assert_cmpint (working_status->state, ==, MT_MACHINE_STATE_WORKING);
}

/* A copy of the recorded host whose kernel enforces module signatures,
 * and one with its headers installed. */
static char *
copy_machine (const char *machine)
{
  g_autofree char *source = mt_app_test_fixture_path (machine, NULL);
  g_autofree char *scratch =
    g_build_filename (g_getenv ("MT_TEST_SCREENSHOT_DIR"), "..", "overview-scratch", NULL);
  g_autofree char *target = g_build_filename (scratch, machine, NULL);
  g_autoptr (GError) error = NULL;
  const char *rm[] = { "rm", "-rf", target, NULL };
  const char *cp[] = { "cp", "-a", source, target, NULL };

  g_assert_cmpint (g_mkdir_with_parents (scratch, 0755), ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, &error));
  g_assert_true (g_spawn_sync (NULL, (char **) cp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&target);
}

static void
write_file (const char *root, const char *relative, const char *contents)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_summary_secure_boot (void)
{
  g_autofree char *root = copy_machine ("workstation-17.6-host");
  g_autoptr (MtSystemInfo) info = NULL;
  g_autoptr (GVariant) none = make_status ("none", FALSE);
  g_autoptr (MtMachineSummary) summary = NULL;

  write_file (root, "sys/module/module/parameters/sig_enforce", "Y\n");
  info = probe (root);
  summary = mt_machine_summary_new (info, none);

  g_assert_cmpint (summary->state, ==, MT_MACHINE_STATE_SECURE_BOOT);
  g_assert_cmpstr (summary->title, ==, "Secure Boot will block unsigned modules");
  g_assert_nonnull (strstr (summary->description, "does not sign"));
  g_assert_false (summary->can_optimize);
}

static void
test_summary_needs_build (void)
{
  g_autofree char *root = copy_machine ("workstation-17.6-host");
  g_autoptr (MtSystemInfo) info = NULL;
  g_autoptr (GVariant) none = make_status ("none", FALSE);
  g_autoptr (MtMachineSummary) summary = NULL;

  /* headers installed: the kernel's build directory holds a Makefile */
  write_file (root, "lib/modules/6.12.118+deb13-amd64/build/Makefile", "# headers\n");
  info = probe (root);
  if (!mt_kernel_features_get_headers_present (mt_system_info_get_kernel_features (info)))
    {
      g_test_skip ("the recorded tree's headers are not seen as installed this way");
      return;
    }
  summary = mt_machine_summary_new (info, none);

  g_assert_cmpint (summary->state, ==, MT_MACHINE_STATE_NEEDS_BUILD);
  g_assert_cmpstr (summary->title, ==,
                   "VMware Workstation needs a rebuild for kernel 6.12.118+deb13-amd64");
  g_assert_true (summary->can_optimize);
  g_assert_cmpstr (summary->action_label, ==, "_Optimize");
}

static GtkWidget *
child (MtOverviewPage *page, const char *name)
{
  return mt_app_test_child (GTK_WIDGET (page), MT_TYPE_OVERVIEW_PAGE, name);
}

/* The page itself, in the real window on the recorded host. */
static void
test_page (void)
{
  MtWindow *window = mt_app_test_open_machine ("workstation-17.6-host");
  MtOverviewPage *page =
    MT_OVERVIEW_PAGE (mt_app_test_find (GTK_WIDGET (window), MT_TYPE_OVERVIEW_PAGE, NULL));
  const char *flags[] = { "o2", "unroll-loops", NULL };

  g_assert_nonnull (page);
  g_assert_cmpint (mt_overview_page_get_state (page), ==, MT_MACHINE_STATE_WORKING);
  g_assert_true (
    g_str_has_prefix (adw_status_page_get_title (ADW_STATUS_PAGE (child (page, "status_page"))),
                      "VMware Workstation 17.6"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (page, "kernel_row"))), ==,
                   "6.12.118+deb13-amd64");
  g_assert_true (gtk_widget_get_visible (child (page, "optimize_button")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (page, "optimize_label"))), ==,
                   "_Rebuild");
  /* without a helper the modules' rows say what detection read */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (page, "vmmon_row"))), ==,
                   "Loaded");
  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (page)), >=, 7);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "overview");

  mt_overview_page_set_enabled_flags (page, flags);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (page, "flags_row"))), ==,
                   "2 flags: o2, unroll-loops");
  mt_overview_page_set_enabled_flags (page, NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (page, "flags_row"))), ==,
                   "None: the kernel’s own flags only");

  /* the flags row leads to the Flags page */
  g_assert_true (gtk_widget_activate (child (page, "flags_row")));
  mt_app_test_spin (100);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (
                     mt_app_test_child (GTK_WIDGET (window), MT_TYPE_WINDOW, "view_stack"))),
                   ==, "flags");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "overview");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_page_no_workstation (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  MtOverviewPage *page =
    MT_OVERVIEW_PAGE (mt_app_test_find (GTK_WIDGET (window), MT_TYPE_OVERVIEW_PAGE, NULL));

  g_assert_cmpint (mt_overview_page_get_state (page), ==, MT_MACHINE_STATE_NO_WORKSTATION);
  /* nothing to optimize: the button is not offered */
  g_assert_false (gtk_widget_get_visible (child (page, "optimize_button")));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (page, "workstation_row"))),
                   ==, "Not installed");
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "overview-no-workstation");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The page alone, as the window builds it before detection ends. */
static void
test_page_alone (void)
{
  MtOverviewPage *page = g_object_new (MT_TYPE_OVERVIEW_PAGE, NULL);
  GtkWindow *window = mt_app_test_present (GTK_WIDGET (page), 600, 700);

  g_assert_cmpint (mt_overview_page_get_state (page), ==, MT_MACHINE_STATE_UNKNOWN);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (child (page, "status_page"))), ==,
                   "Detecting this machine…");
  g_assert_false (gtk_widget_get_visible (child (page, "optimize_button")));

  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  /* no helper on this bus: the page shows what detection alone knows */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);

  mt_app_test_init (&argc, &argv);

  g_test_add_func ("/overview/summary/states", test_summary_states);
  g_test_add_func ("/overview/summary/secure-boot", test_summary_secure_boot);
  g_test_add_func ("/overview/summary/needs-build", test_summary_needs_build);
  g_test_add_func ("/overview/page/alone", test_page_alone);
  g_test_add_func ("/overview/page", test_page);
  g_test_add_func ("/overview/page/no-workstation", test_page_no_workstation);

  return mt_app_test_run ();
}
