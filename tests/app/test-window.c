/* test-window.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-application.h"
#include "mt-window.h"

static MtApplication *app;

static char *
fixture_path (const char *rel)
{
  return g_build_filename (g_getenv ("MT_TEST_FIXTURES"), "sysroots", "kvm-amd-epyc", rel, NULL);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static MtWindow *
open_window (const char *sysroot, const char *cpuid)
{
  MtWindow *window = mt_window_new (app, sysroot, cpuid);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), 760, 720);
  gtk_window_present (GTK_WINDOW (window));

  while ((mt_window_get_busy (window) || !gtk_widget_get_mapped (GTK_WIDGET (window))) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (mt_window_get_busy (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  /* let the transition finish and a frame be drawn */
  spin (400);

  return window;
}

static GtkWidget *
child (MtWindow *window, const char *name)
{
  GtkWidget *widget =
    GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), MT_TYPE_WINDOW, name));

  g_assert_nonnull (widget);

  return widget;
}

static void
save_screenshot (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  dir = g_strdup (g_getenv ("MT_TEST_SCREENSHOT_DIR"));
  if (dir == NULL)
    dir = g_strdup (g_get_tmp_dir ());
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static const char *
subtitle (MtWindow *window, const char *row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (child (window, row)));
}

static void
test_recorded_machine (void)
{
  g_autofree char *sysroot = fixture_path (NULL);
  g_autofree char *cpuid = fixture_path ("cpuid.txt");
  MtWindow *window = open_window (sysroot, cpuid);
  MtSystemInfo *info = mt_window_get_system_info (window);

  g_assert_nonnull (info);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (window, "stack"))), ==,
                   "facts");
  g_assert_cmpstr (subtitle (window, "vendor_row"), ==, "AMD (AuthenticAMD)");
  g_assert_cmpstr (subtitle (window, "model_row"), ==, "AMD EPYC");
  g_assert_cmpstr (subtitle (window, "fms_row"), ==, "25 / 17 / 1");
  g_assert_cmpstr (subtitle (window, "cpus_row"), ==, "2");
  g_assert_cmpstr (subtitle (window, "features_row"), ==,
                   "sse4_2 avx avx2 avx512f aes sha_ni bmi1 bmi2");
  g_assert_cmpstr (subtitle (window, "release_row"), ==, "6.18.44-fc-v669");
  g_assert_cmpstr (subtitle (window, "compiler_row"), ==, "gcc (GCC) 15.3.0");
  g_assert_true (g_str_has_prefix (subtitle (window, "config_row"), "/proc/config.gz, "));
  g_assert_true (g_str_has_prefix (subtitle (window, "version_row"), "Linux version 6.18.44"));
  g_assert_nonnull (
    strstr (gtk_label_get_label (GTK_LABEL (child (window, "flags_label"))), "avx512vl"));
  /* the title says this is not the running machine */
  g_assert_nonnull (strstr (
    adw_window_title_get_subtitle (ADW_WINDOW_TITLE (child (window, "window_title"))), sysroot));

  save_screenshot (GTK_WIDGET (window), "main-window.png");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  spin (300);
  save_screenshot (GTK_WIDGET (window), "main-window-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* detect again through the action: same facts, not busy afterwards */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  while (mt_window_get_busy (window))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (subtitle (window, "release_row"), ==, "6.18.44-fc-v669");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_missing_sysroot (void)
{
  MtWindow *window = open_window ("/nonexistent/modtune-tree", NULL);
  GtkWidget *page = child (window, "error_page");

  g_assert_null (mt_window_get_system_info (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (window, "stack"))), ==,
                   "error");
  g_assert_nonnull (
    strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), "/nonexistent/modtune-tree"));

  save_screenshot (GTK_WIDGET (window), "error-page.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_this_machine (void)
{
  MtWindow *window = open_window (NULL, NULL);
  MtSystemInfo *info = mt_window_get_system_info (window);

  g_assert_nonnull (info);
  g_assert_cmpstr (
    adw_window_title_get_subtitle (ADW_WINDOW_TITLE (child (window, "window_title"))), ==, "");
  g_assert_cmpstr (subtitle (window, "release_row"), ==,
                   mt_kernel_info_get_release (mt_system_info_get_kernel (info)));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every button a person can reach has a name a screen reader can say. */
static void
check_accessible_names (GtkWidget *widget, guint *n_checked)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));

      if (label == NULL || *label == '\0')
        {
          if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL))
            g_error ("%s %p (%s) has no accessible name", G_OBJECT_TYPE_NAME (widget), widget,
                     gtk_widget_get_tooltip_text (widget));
        }
      (*n_checked)++;
    }

  if (GTK_IS_MENU_BUTTON (widget))
    {
      g_assert_true (
        gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL));
      (*n_checked)++;
    }

  if (ADW_IS_ACTION_ROW (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, "");
      (*n_checked)++;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    check_accessible_names (c, n_checked);
}

static void
test_accessibility (void)
{
  g_autofree char *sysroot = fixture_path (NULL);
  MtWindow *window = open_window (sysroot, NULL);
  GtkWidget *refresh = child (window, "refresh_button");
  guint n_checked = 0;

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Detect again");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (child (window, "menu_button")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Main menu");

  check_accessible_names (GTK_WIDGET (window), &n_checked);
  /* the two header buttons, the window controls and ten fact rows */
  g_assert_cmpuint (n_checked, >=, 12);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_about (void)
{
  g_autofree char *sysroot = fixture_path (NULL);
  MtWindow *window = open_window (sysroot, NULL);
  AdwDialog *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  spin (200);
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  g_assert_true (ADW_IS_ABOUT_DIALOG (dialog));
  g_assert_cmpstr (adw_about_dialog_get_version (ADW_ABOUT_DIALOG (dialog)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_dialog_get_license_type (ADW_ABOUT_DIALOG (dialog)), ==,
                   GTK_LICENSE_GPL_2_0);
  adw_dialog_force_close (dialog);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = mt_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/window/recorded-machine", test_recorded_machine);
  g_test_add_func ("/window/missing-sysroot", test_missing_sysroot);
  g_test_add_func ("/window/this-machine", test_this_machine);
  g_test_add_func ("/window/accessibility", test_accessibility);
  g_test_add_func ("/window/about", test_about);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}
