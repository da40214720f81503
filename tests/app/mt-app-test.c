/* mt-app-test.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-app-test.h"

static MtApplication *app;

/**
 * mt_app_test_init:
 *
 * gtk_test_init() and adw_init(), then one registered, non-unique
 * MtApplication for the whole test program.
 */
void
mt_app_test_init (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  app = mt_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
}

MtApplication *
mt_app_test_get_app (void)
{
  return app;
}

int
mt_app_test_run (void)
{
  int ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}

/* A variable the test's Python side sets; fails the test without it. */
const char *
mt_app_test_getenv (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this through its Python test (tests/app/test_*.py)", name);

  return value;
}

void
mt_app_test_assert_contains (const char *text, const char *needle)
{
  if (text == NULL || strstr (text, needle) == NULL)
    g_error ("“%s” is not in:\n%s", needle, text);
}

char *
mt_app_test_fixture_path (const char *machine, const char *relative)
{
  return g_build_filename (g_getenv ("MT_TEST_FIXTURES"), "sysroots", machine, relative, NULL);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds: transitions end, frames draw. */
void
mt_app_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * mt_app_test_wait:
 *
 * Runs the main loop until @done returns %TRUE or @timeout_seconds pass.
 *
 * Returns: what @done said last
 */
gboolean
mt_app_test_wait (gboolean (*done) (gpointer data), gpointer data, guint timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (timeout_seconds, timeout_cb, &timed_out);

  while (!done (data) && g_get_monotonic_time () < deadline && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return done (data);
}

static gboolean
window_ready (gpointer data)
{
  MtWindow *window = data;

  return !mt_window_get_busy (window) && gtk_widget_get_mapped (GTK_WIDGET (window));
}

/**
 * mt_app_test_open_window:
 *
 * Opens a main window at 900×720 and waits until detection has ended and
 * a frame was drawn.
 */
MtWindow *
mt_app_test_open_window (const char *sysroot, const char *cpuid)
{
  MtWindow *window = mt_window_new (app, sysroot, cpuid);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 720);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (mt_app_test_wait (window_ready, window, 30));
  /* let the transition finish and a frame be drawn */
  mt_app_test_spin (400);

  return window;
}

/* A window on tests/fixtures/sysroots/@machine, with its cpuid.txt when it
 * has one. */
MtWindow *
mt_app_test_open_machine (const char *machine)
{
  g_autofree char *sysroot = mt_app_test_fixture_path (machine, NULL);
  g_autofree char *cpuid = mt_app_test_fixture_path (machine, "cpuid.txt");

  return mt_app_test_open_window (sysroot, g_file_test (cpuid, G_FILE_TEST_EXISTS) ? cpuid : NULL);
}

/**
 * mt_app_test_present:
 *
 * Shows @content alone in a window of the given size (a page or a row
 * under test) and draws a frame.
 */
GtkWindow *
mt_app_test_present (GtkWidget *content, int width, int height)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *view = adw_toolbar_view_new ();

  adw_toolbar_view_add_top_bar (ADW_TOOLBAR_VIEW (view), adw_header_bar_new ());
  adw_toolbar_view_set_content (ADW_TOOLBAR_VIEW (view), content);
  adw_window_set_content (ADW_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  mt_app_test_spin (300);

  return GTK_WINDOW (window);
}

GtkWidget *
mt_app_test_child (GtkWidget *widget, GType template_type, const char *name)
{
  GtkWidget *child = GTK_WIDGET (gtk_widget_get_template_child (widget, template_type, name));

  if (child == NULL)
    g_error ("%s has no template child %s", g_type_name (template_type), name);

  return child;
}

static gboolean
has_label (GtkWidget *widget, const char *label)
{
  g_autofree char *text = NULL;

  if (label == NULL)
    return TRUE;
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return TRUE;
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), label) == 0)
    return TRUE;

  return FALSE;
}

/**
 * mt_app_test_find:
 * @accessible_label: (nullable): a button's label or a row's title
 *
 * Returns: (transfer none) (nullable): the first widget under @root, in
 *   tree order, of @type (and with that label)
 */
GtkWidget *
mt_app_test_find (GtkWidget *root, GType type, const char *accessible_label)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type) && has_label (root, accessible_label))
    return root;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = mt_app_test_find (c, type, accessible_label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * mt_app_test_find_label:
 *
 * Returns: (transfer none) (nullable): the first label under @root whose
 *   text contains @text, such as a toast's
 */
GtkWidget *
mt_app_test_find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), text) != NULL)
    return root;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = mt_app_test_find_label (c, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GtkWidget *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return mt_app_test_find_label (wait->root, wait->text) != NULL;
}

/* Runs the main loop until a label under @root says @text. */
gboolean
mt_app_test_wait_for_label (GtkWidget *root, const char *text, guint timeout_seconds)
{
  LabelWait wait = { root, text };

  return mt_app_test_wait (label_shown, &wait, timeout_seconds);
}

/**
 * mt_app_test_screenshot:
 *
 * Renders @widget as it is now into `$MT_TEST_SCREENSHOT_DIR/@name`.
 */
void
mt_app_test_screenshot (GtkWidget *widget, const char *name)
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

/* `@basename.png` in the light style and `@basename-dark.png` in the dark. */
void
mt_app_test_screenshot_light_dark (GtkWidget *widget, const char *basename)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s.png", basename);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", basename);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  mt_app_test_spin (300);
  mt_app_test_screenshot (widget, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  mt_app_test_spin (300);
  mt_app_test_screenshot (widget, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  mt_app_test_spin (100);
}

static gboolean
has_text_child (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_LABEL (c) && *gtk_label_get_label (GTK_LABEL (c)) != '\0')
        return TRUE;
      if (has_text_child (c))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_named (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  return gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY) ||
         has_text_child (widget);
}

/**
 * mt_app_test_check_accessible:
 *
 * Every control a person can reach under @root (buttons, menu buttons,
 * switches, check and toggle buttons, entries, search entries, drop-downs,
 * text views) has a name a screen reader can say, and every row has a
 * title.  Fails the test on the first that does not.
 *
 * Returns: how many were checked
 */
guint
mt_app_test_check_accessible (GtkWidget *root)
{
  guint n_checked = 0;

  if (!gtk_widget_get_visible (root))
    return 0;

  if (ADW_IS_PREFERENCES_ROW (root))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));

      if (title == NULL || *title == '\0')
        g_error ("%s %p has no title", G_OBJECT_TYPE_NAME (root), root);
      n_checked++;
    }
  else if (GTK_IS_BUTTON (root) || GTK_IS_MENU_BUTTON (root) || GTK_IS_SWITCH (root) ||
           GTK_IS_CHECK_BUTTON (root) || GTK_IS_ENTRY (root) || GTK_IS_SEARCH_ENTRY (root) ||
           GTK_IS_TEXT_VIEW (root) || GTK_IS_DROP_DOWN (root))
    {
      GtkWidget *parent = gtk_widget_get_parent (root);
      gboolean named_by_owner = (parent != NULL && GTK_IS_MENU_BUTTON (parent)) ||
                                ((GTK_IS_SWITCH (root) || GTK_IS_CHECK_BUTTON (root)) &&
                                 gtk_widget_get_ancestor (root, ADW_TYPE_PREFERENCES_ROW) != NULL);

      /* a menu button's inner button and a row's own switch are named by
       * their owner; any other button in a row needs its own name */
      if (!named_by_owner && !is_named (root))
        g_error ("%s %p (tooltip “%s”) has no accessible name", G_OBJECT_TYPE_NAME (root), root,
                 gtk_widget_get_tooltip_text (root));
      n_checked++;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n_checked += mt_app_test_check_accessible (c);

  return n_checked;
}
