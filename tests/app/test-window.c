/* test-window.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "mt-app-test.h"
#include "mt-preferences-dialog.h"
#include "mt-window-private.h"

/* The main window as a whole: detection on a recorded machine and its
 * failure, the read-only banner when no helper answers, page switching,
 * the report actions, the About, Preferences and shortcuts windows, and
 * the narrow layout. */

static GtkWidget *
child (MtWindow *window, const char *name)
{
  return mt_app_test_child (GTK_WIDGET (window), MT_TYPE_WINDOW, name);
}

static const char *
visible_page (MtWindow *window)
{
  return adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (child (window, "view_stack")));
}

static gboolean
client_settled (gpointer data)
{
  MtWindow *window = data;

  return mt_helper_client_get_unavailable_reason (mt_window_get_client (window)) != NULL;
}

static void
test_recorded_machine (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  g_autofree char *sysroot = mt_app_test_fixture_path ("kvm-amd-epyc", NULL);
  MtSystemInfo *info = mt_window_get_system_info (window);

  g_assert_nonnull (info);
  g_assert_cmpstr (mt_kernel_info_get_release (mt_system_info_get_kernel (info)), ==,
                   "6.18.44-fc-v669");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (window, "stack"))), ==,
                   "facts");
  g_assert_cmpstr (visible_page (window), ==, "overview");
  /* the title says this is not the running machine */
  g_assert_nonnull (strstr (
    adw_window_title_get_subtitle (ADW_WINDOW_TITLE (child (window, "window_title"))), sysroot));

  /* detect again through the action: same facts, not busy afterwards */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  while (mt_window_get_busy (window))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (mt_window_get_system_info (window));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_pages (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  const char *pages[] = { "hardware", "flags", "backups", "overview" };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", pages[i]));
      g_assert_cmpstr (visible_page (window), ==, pages[i]);
    }

  /* an unknown page name changes nothing */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "nope"));
  g_assert_cmpstr (visible_page (window), ==, "overview");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_missing_sysroot (void)
{
  MtWindow *window = mt_app_test_open_window ("/nonexistent/modtune-tree", NULL);
  GtkWidget *page = child (window, "error_page");

  g_assert_null (mt_window_get_system_info (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (window, "stack"))), ==,
                   "error");
  g_assert_nonnull (
    strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), "/nonexistent/modtune-tree"));
  /* nothing to export or copy: the clipboard stays as it was */
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-report", NULL);
  g_assert_null (gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (window))));

  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "error-page");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_this_machine (void)
{
  MtWindow *window = mt_app_test_open_window (NULL, NULL);

  g_assert_nonnull (mt_window_get_system_info (window));
  g_assert_cmpstr (
    adw_window_title_get_subtitle (ADW_WINDOW_TITLE (child (window, "window_title"))), ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The session bus of dbus-run-session stands in for the system bus: no
 * helper is there, so the window is read-only and says why. */
static void
test_read_only (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  MtHelperClient *client = mt_window_get_client (window);
  AdwBanner *banner = ADW_BANNER (child (window, "read_only_banner"));
  AdwDialog *dialog;

  g_assert_true (mt_app_test_wait (client_settled, window, 30));
  g_assert_false (mt_helper_client_get_available (client));
  g_assert_true (adw_banner_get_revealed (banner));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "win.optimize", NULL) &&
                  mt_helper_client_get_current_job (client) != NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.helper-details", NULL));
  mt_app_test_spin (300);
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  g_assert_true (ADW_IS_ALERT_DIALOG (dialog));
  g_assert_nonnull (strstr (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)),
                            mt_helper_client_get_unavailable_reason (client)));
  mt_app_test_screenshot (GTK_WIDGET (window), "helper-details.png");
  adw_dialog_force_close (dialog);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_report (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  g_autofree char *dir = g_dir_make_tmp ("modtune-report-XXXXXX", NULL);
  const char *names[] = { "r.md", "r.html", "r.json", "r.txt" };
  const char *starts[] = { "## Modtune", "<!DOCTYPE html>", "{", "Modtune" };

  g_assert_cmpint (mt_window_format_for_file_name ("a.MD"), ==, MT_REPORT_FORMAT_MARKDOWN);
  g_assert_cmpint (mt_window_format_for_file_name ("a.htm"), ==, MT_REPORT_FORMAT_HTML);
  g_assert_cmpint (mt_window_format_for_file_name ("a.json"), ==, MT_REPORT_FORMAT_JSON);
  g_assert_cmpint (mt_window_format_for_file_name ("a.txt"), ==, MT_REPORT_FORMAT_TEXT);
  g_assert_cmpint (mt_window_format_for_file_name ("report"), ==, MT_REPORT_FORMAT_MARKDOWN);

  /* the name offered follows the Preferences' format */
  {
    GSettings *settings = mt_application_get_settings (mt_app_test_get_app ());
    g_autofree char *md = NULL;
    g_autofree char *html = NULL;

    g_settings_set_string (settings, "report-format", "md");
    md = mt_window_dup_report_name (window);
    g_settings_set_string (settings, "report-format", "html");
    html = mt_window_dup_report_name (window);
    g_settings_reset (settings, "report-format");
    g_assert_true (g_str_has_prefix (md, "modtune-report-"));
    g_assert_true (g_str_has_suffix (md, ".md"));
    g_assert_true (g_str_has_suffix (html, ".html"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autofree char *contents = NULL;
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      mt_window_save_report (window, file);
      while (!g_file_test (path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      mt_app_test_spin (50);
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_test_message ("%s starts with %.20s", names[i], contents);
      g_assert_true (g_str_has_prefix (contents, starts[i]));
      g_assert_nonnull (strstr (contents, "6.18.44-fc-v669"));
      g_unlink (path);
    }
  g_rmdir (dir);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_copy_report (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  const GdkContentProvider *content;
  GValue value = G_VALUE_INIT;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-report", NULL));
  content = gdk_clipboard_get_content (clipboard);
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value ((GdkContentProvider *) content, &value, NULL));
  g_assert_true (g_str_has_prefix (g_value_get_string (&value), "## Modtune"));
  g_assert_nonnull (strstr (g_value_get_string (&value), "6.18.44-fc-v669"));
  g_value_unset (&value);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_accessibility (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  GtkWidget *refresh = child (window, "refresh_button");

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Detect again");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (child (window, "menu_button")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Main menu");

  /* the header, the view switcher and what the four pages show */
  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (window)), >=, 8);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_about (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  AdwDialog *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (mt_app_test_get_app ()), "about", NULL);
  mt_app_test_spin (200);
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  g_assert_true (ADW_IS_ABOUT_DIALOG (dialog));
  g_assert_cmpstr (adw_about_dialog_get_version (ADW_ABOUT_DIALOG (dialog)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_dialog_get_license_type (ADW_ABOUT_DIALOG (dialog)), ==,
                   GTK_LICENSE_GPL_2_0);
  mt_app_test_check_accessible (GTK_WIDGET (dialog));
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "about");
  adw_dialog_force_close (dialog);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_preferences (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  GSettings *settings = mt_application_get_settings (mt_app_test_get_app ());
  AdwStyleManager *style = adw_style_manager_get_default ();
  AdwDialog *dialog;
  AdwComboRow *style_row;

  g_assert_nonnull (settings);
  g_action_group_activate_action (G_ACTION_GROUP (mt_app_test_get_app ()), "preferences", NULL);
  mt_app_test_spin (200);
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  g_assert_true (MT_IS_PREFERENCES_DIALOG (dialog));
  mt_app_test_check_accessible (GTK_WIDGET (dialog));

  /* choosing Dark in the dialog is kept, and makes the app dark */
  style_row = ADW_COMBO_ROW (
    mt_app_test_child (GTK_WIDGET (dialog), MT_TYPE_PREFERENCES_DIALOG, "style_row"));
  adw_combo_row_set_selected (style_row, 2);
  g_assert_cmpstr (g_settings_get_string (settings, "color-scheme"), ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  mt_app_test_spin (300);
  mt_app_test_screenshot (GTK_WIDGET (window), "preferences-dark.png");
  g_settings_set_string (settings, "color-scheme", "default");
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  mt_app_test_spin (300);
  mt_app_test_screenshot (GTK_WIDGET (window), "preferences.png");

  adw_dialog_force_close (dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_shortcuts (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  GtkWindow *overlay;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  mt_app_test_spin (300);
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  mt_app_test_screenshot (GTK_WIDGET (overlay), "shortcuts.png");
  gtk_window_close (overlay);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* At 360 px the view switcher moves to the bottom bar. */
static void
test_narrow (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  mt_app_test_spin (500);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);
  g_assert_true (
    adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (child (window, "switcher_bar"))));
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "narrow");

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 720);
  mt_app_test_spin (500);
  g_assert_false (
    adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (child (window, "switcher_bar"))));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  /* no helper on this bus: see test_read_only() */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);

  mt_app_test_init (&argc, &argv);

  g_test_add_func ("/window/recorded-machine", test_recorded_machine);
  g_test_add_func ("/window/pages", test_pages);
  g_test_add_func ("/window/missing-sysroot", test_missing_sysroot);
  g_test_add_func ("/window/this-machine", test_this_machine);
  g_test_add_func ("/window/read-only", test_read_only);
  g_test_add_func ("/window/report", test_report);
  g_test_add_func ("/window/copy-report", test_copy_report);
  g_test_add_func ("/window/accessibility", test_accessibility);
  g_test_add_func ("/window/about", test_about);
  g_test_add_func ("/window/preferences", test_preferences);
  g_test_add_func ("/window/shortcuts", test_shortcuts);
  g_test_add_func ("/window/narrow", test_narrow);

  return mt_app_test_run ();
}
