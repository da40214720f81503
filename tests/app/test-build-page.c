/* test-build-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "mt-app-test.h"
#include "mt-build-page.h"
#include "mt-job-private.h"
#include "mt-log-view.h"

/* The build page on a job of a helper this test plays itself: a Job1
 * skeleton exported under io.github.modtune.Helper on a connection of its
 * own to the session bus (dbus-run-session's, private to this test), the
 * MtJob following it through a proxy on a second connection, and its log
 * the read end of a pipe the test writes lines into. */

#define HELPER_NAME "io.github.modtune.Helper"
#define JOB_PATH    "/io/github/modtune/Helper/jobs/1"
#define KERNEL      "6.12.48-amd64"

typedef struct
{
  GDBusConnection *server;
  GDBusConnection *client;
  MtDbusJob1 *skeleton;
  guint n_cancel_calls;
  gboolean cancel_fails;
  int log_fd;
  MtJob *job;
  GtkWindow *window;
  AdwNavigationView *view;
  MtBuildPage *page;
} Fixture;

static GDBusConnection *
connect_to_bus (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

static void
close_log (Fixture *f)
{
  if (f->log_fd >= 0)
    close (f->log_fd);
  f->log_fd = -1;
}

static void
write_line (Fixture *f, const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  g_assert_cmpint (write (f->log_fd, text, strlen (text)), ==, (gssize) strlen (text));
}

/* The helper's side of Cancel: refused once the job installs, otherwise
 * the job ends as cancelled, its log closed. */
static gboolean
handle_cancel_cb (MtDbusJob1 *skeleton,
                  GDBusMethodInvocation *invocation,
                  GVariant *options,
                  Fixture *f)
{
  f->n_cancel_calls++;

  if (f->cancel_fails)
    {
      g_dbus_method_invocation_return_dbus_error (
        invocation, "io.github.modtune.Error.NotSupported",
        "The job is installing the modules and can no longer be cancelled.");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  mt_dbus_job1_complete_cancel (skeleton, invocation);
  mt_dbus_job1_set_cancelable (skeleton, FALSE);
  mt_dbus_job1_set_error_name (skeleton, "io.github.modtune.Error.Cancelled");
  mt_dbus_job1_set_error_message (skeleton, "The job was cancelled.");
  mt_dbus_job1_set_state (skeleton, "cancelled");
  mt_dbus_job1_emit_completed (skeleton, FALSE, "io.github.modtune.Error.Cancelled",
                               "The job was cancelled.");
  close_log (f);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
proxy_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MtDbusJob1 **proxy = user_data;
  g_autoptr (GError) error = NULL;

  *proxy = mt_dbus_job1_proxy_new_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* The helper's job (@state "running" unless the job ended before anyone
 * followed it) and the MtJob that follows it. */
static void
start_job (Fixture *f, const char *operation, const char *state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (MtDbusJob1) proxy = NULL;
  g_autoptr (GInputStream) log = NULL;
  int fds[2];

  f->server = connect_to_bus ();
  f->client = connect_to_bus ();
  reply = g_dbus_connection_call_sync (
    f->server, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
    "RequestName", g_variant_new ("(su)", HELPER_NAME, 0x4), G_VARIANT_TYPE ("(u)"),
    G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  f->skeleton = mt_dbus_job1_skeleton_new ();
  mt_dbus_job1_set_operation (f->skeleton, operation);
  mt_dbus_job1_set_kernel_release (f->skeleton, KERNEL);
  mt_dbus_job1_set_state (f->skeleton, state);
  mt_dbus_job1_set_stage (f->skeleton, "detect");
  mt_dbus_job1_set_progress (f->skeleton, 0.0);
  mt_dbus_job1_set_cancelable (f->skeleton, g_str_equal (state, "running"));
  mt_dbus_job1_set_backup_id (f->skeleton, "");
  mt_dbus_job1_set_error_name (f->skeleton, "");
  mt_dbus_job1_set_error_message (f->skeleton, "");
  g_signal_connect (f->skeleton, "handle-cancel", G_CALLBACK (handle_cancel_cb), f);
  g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (f->skeleton), f->server, JOB_PATH,
                                    &error);
  g_assert_no_error (error);

  /* asynchronously: the skeleton answers in this same main context */
  mt_dbus_job1_proxy_new (f->client, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, HELPER_NAME, JOB_PATH,
                          NULL, proxy_ready_cb, &proxy);
  g_assert_true (mt_app_test_wait (is_set, &proxy, 10));

  g_assert_true (g_unix_open_pipe (fds, O_CLOEXEC, &error));
  g_assert_no_error (error);
  log = g_unix_input_stream_new (fds[0], TRUE);
  f->log_fd = fds[1];
  f->job = _mt_job_new (proxy, log);
}

/* The page pushed on top of a main page, in a window of 900×720. */
static void
show_page (Fixture *f)
{
  GtkWidget *main_page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (main_page), "Main");
  f->view = ADW_NAVIGATION_VIEW (adw_navigation_view_new ());
  /* the window's background behind the page: the screenshots are of the
   * view alone */
  gtk_widget_add_css_class (GTK_WIDGET (f->view), "background");
  adw_navigation_view_add (f->view, adw_navigation_page_new_with_tag (main_page, "Main", "main"));
  f->page = g_object_ref_sink (mt_build_page_new (f->job));
  adw_navigation_view_push (f->view, ADW_NAVIGATION_PAGE (f->page));
  f->window = mt_app_test_present (GTK_WIDGET (f->view), 900, 720);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  g_assert_true (adw_navigation_view_get_visible_page (f->view) == ADW_NAVIGATION_PAGE (f->page));
}

static void
setup (Fixture *f, const char *operation)
{
  f->log_fd = -1;
  start_job (f, operation, "running");
  show_page (f);
}

static void
teardown (Fixture *f)
{
  close_log (f);
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  g_clear_object (&f->page);
  g_clear_object (&f->job);
  if (f->skeleton != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (f->skeleton));
  g_clear_object (&f->skeleton);
  if (f->server != NULL)
    g_dbus_connection_close_sync (f->server, NULL, NULL);
  if (f->client != NULL)
    g_dbus_connection_close_sync (f->client, NULL, NULL);
  g_clear_object (&f->server);
  g_clear_object (&f->client);
  /* let the windows and the bus settle before the next test */
  mt_app_test_spin (100);
}

static GtkWidget *
child (Fixture *f, const char *name)
{
  return mt_app_test_child (GTK_WIDGET (f->page), MT_TYPE_BUILD_PAGE, name);
}

static MtLogView *
log_view (Fixture *f)
{
  return MT_LOG_VIEW (child (f, "log_view"));
}

static GtkWidget *
log_child (Fixture *f, const char *name)
{
  return mt_app_test_child (GTK_WIDGET (log_view (f)), MT_TYPE_LOG_VIEW, name);
}

/* -- waiting ------------------------------------------------------------ */

typedef struct
{
  GtkLabel *label;
  const char *text;
} LabelWait;

static gboolean
label_is (gpointer data)
{
  LabelWait *w = data;

  return g_strcmp0 (gtk_label_get_label (w->label), w->text) == 0;
}

static void
wait_label (GtkWidget *label, const char *text)
{
  LabelWait w = { GTK_LABEL (label), text };

  if (!mt_app_test_wait (label_is, &w, 10))
    g_error ("label says “%s”, not “%s”", gtk_label_get_label (GTK_LABEL (label)), text);
}

typedef struct
{
  Fixture *f;
  const char *text;
} LogWait;

static gboolean
log_ends_with (gpointer data)
{
  LogWait *w = data;
  g_autofree char *text = mt_log_view_dup_text (log_view (w->f));

  return g_str_has_suffix (text, w->text);
}

/* Writes @line and waits until the page shows it. */
static void
add_line (Fixture *f, const char *line)
{
  g_autofree char *end = g_strconcat (line, "\n", NULL);
  LogWait w = { f, end };

  write_line (f, line);
  g_assert_true (mt_app_test_wait (log_ends_with, &w, 10));
}

static gboolean
job_finished (gpointer data)
{
  Fixture *f = data;

  return mt_job_get_finished (f->job);
}

static gboolean
cancel_enabled (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_sensitive (child (f, "cancel_button"));
}

static gboolean
cancel_disabled (gpointer data)
{
  return !cancel_enabled (data);
}

static void
set_stage (Fixture *f, const char *stage, double progress)
{
  mt_dbus_job1_set_stage (f->skeleton, stage);
  mt_dbus_job1_set_progress (f->skeleton, progress);
}

/* The helper's end of a job: final properties, Completed, the log closed. */
static void
end_job (Fixture *f, const char *state, const char *error_name, const char *message)
{
  gboolean success = g_str_equal (state, "succeeded");

  mt_dbus_job1_set_cancelable (f->skeleton, FALSE);
  mt_dbus_job1_set_stage (f->skeleton, success ? "done" : mt_dbus_job1_get_stage (f->skeleton));
  mt_dbus_job1_set_error_name (f->skeleton, error_name);
  mt_dbus_job1_set_error_message (f->skeleton, message);
  mt_dbus_job1_set_state (f->skeleton, state);
  /* as the helper does: the final properties, then Completed */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (f->skeleton));
  mt_dbus_job1_emit_completed (f->skeleton, success, error_name, message);
  close_log (f);
  g_assert_true (mt_app_test_wait (job_finished, f, 10));
  mt_app_test_spin (300);
}

static const char *
result_title (Fixture *f)
{
  return adw_status_page_get_title (ADW_STATUS_PAGE (child (f, "result_page")));
}

static const char *
result_description (Fixture *f)
{
  return adw_status_page_get_description (ADW_STATUS_PAGE (child (f, "result_page")));
}

static const char *const BUILD_LINES[] = {
  "make -C /lib/modules/" KERNEL "/build M=/var/cache/modtune/build-1/vmmon-only modules",
  "  CC [M]  /var/cache/modtune/build-1/vmmon-only/linux/driver.o",
  "  CC [M]  /var/cache/modtune/build-1/vmmon-only/linux/hostif.o",
  "/var/cache/modtune/build-1/vmmon-only/linux/hostif.c:1234:7: warning: unused variable ‘x’",
  "  CC [M]  /var/cache/modtune/build-1/vmmon-only/common/vmx86.o",
  "  CC [M]  /var/cache/modtune/build-1/vmmon-only/common/task.o",
  "  LD [M]  /var/cache/modtune/build-1/vmmon-only/vmmon.o",
  "  MODPOST /var/cache/modtune/build-1/vmmon-only/Module.symvers",
  "  CC [M]  /var/cache/modtune/build-1/vmnet-only/driver.o",
  "/var/cache/modtune/build-1/vmnet-only/driver.c:88:3: Warning: a second one, capitalised",
  "  CC [M]  /var/cache/modtune/build-1/vmnet-only/hub.o",
  "  LD [M]  /var/cache/modtune/build-1/vmnet-only/vmnet.ko",
};

static void
write_build_lines (Fixture *f)
{
  for (guint i = 0; i < G_N_ELEMENTS (BUILD_LINES); i++)
    add_line (f, BUILD_LINES[i]);
}

/* Runs what the page's own key binding for @keyval does, as a key press
 * would; FALSE when it does nothing (and the key goes on to the parent). */
static gboolean
press_key (Fixture *f, guint keyval, GdkModifierType modifiers)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->page));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_action_activate (
              gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
              GTK_WIDGET (f->page), gtk_shortcut_get_arguments (shortcut));
        }
    }

  g_error ("the page has no key binding for %s", gdk_keyval_name (keyval));
}

/* -- tests -------------------------------------------------------------- */

static void
test_running (void)
{
  Fixture f = { 0 };
  GtkProgressBar *bar;
  GtkAdjustment *vadjustment;
  g_autofree char *shown = NULL;
  g_autofree char *log = NULL;

  setup (&f, "apply");
  bar = GTK_PROGRESS_BAR (child (&f, "progress_bar"));

  g_assert_cmpstr (adw_navigation_page_get_title (ADW_NAVIGATION_PAGE (f.page)), ==,
                   "Building and Installing");
  g_assert_cmpstr (adw_navigation_page_get_tag (ADW_NAVIGATION_PAGE (f.page)), ==, "build");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (&f, "stack"))), ==,
                   "progress");
  wait_label (child (&f, "stage_label"), "Detecting the kernel and VMware Workstation…");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (&f, "kernel_label"))), ==,
                   "For kernel " KERNEL);
  /* it cannot be left while the job runs */
  g_assert_false (adw_navigation_page_get_can_pop (ADW_NAVIGATION_PAGE (f.page)));

  set_stage (&f, "plan", 0.1);
  wait_label (child (&f, "stage_label"), "Planning the build…");
  set_stage (&f, "build", 0.4);
  wait_label (child (&f, "stage_label"), "Building vmmon and vmnet as the build user…");
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (bar), 0.4, 1e-9);

  /* the log, live, line by line, the same text the job keeps */
  write_build_lines (&f);
  shown = mt_log_view_dup_text (log_view (&f));
  log = mt_job_dup_log (f.job);
  g_assert_cmpstr (shown, ==, log);
  mt_app_test_assert_contains (shown,
                               "CC [M]  /var/cache/modtune/build-1/vmmon-only/linux/driver.o\n");

  /* enough lines to scroll: the view follows the end */
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *line = g_strdup_printf ("  CC [M]  vmnet-only/filler-%02u.o", i);

      write_line (&f, line);
    }
  add_line (&f, "  LD [M]  vmnet-only/vmnet.o");
  mt_app_test_spin (500);
  vadjustment =
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (log_child (&f, "scrolled_window")));
  g_assert_true (mt_log_view_get_following (log_view (&f)));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), >,
                     gtk_adjustment_get_page_size (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >=,
                     gtk_adjustment_get_upper (vadjustment) -
                       gtk_adjustment_get_page_size (vadjustment) - 8);

  /* scrolled up by the reader: new lines no longer move the view */
  gtk_adjustment_set_value (vadjustment, 0);
  add_line (&f, "  CC [M]  vmnet-only/userif.o");
  mt_app_test_spin (300);
  g_assert_false (mt_log_view_get_following (log_view (&f)));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
  /* back at the end, it follows again */
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  add_line (&f, "  CC [M]  vmnet-only/netif.o");
  mt_app_test_spin (300);
  g_assert_true (mt_log_view_get_following (log_view (&f)));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >=,
                     gtk_adjustment_get_upper (vadjustment) -
                       gtk_adjustment_get_page_size (vadjustment) - 8);

  /* Cancel only while the helper says the job can be cancelled */
  g_assert_true (mt_app_test_wait (cancel_enabled, &f, 10));
  set_stage (&f, "install", 0.7);
  mt_dbus_job1_set_cancelable (f.skeleton, FALSE);
  g_assert_true (mt_app_test_wait (cancel_disabled, &f, 10));
  gtk_widget_activate_action (GTK_WIDGET (f.page), "build.cancel", NULL);
  mt_app_test_spin (300);
  g_assert_cmpuint (f.n_cancel_calls, ==, 0);
  wait_label (child (&f, "stage_label"), "Installing the modules…");
  set_stage (&f, "build", 0.45);
  mt_dbus_job1_set_cancelable (f.skeleton, TRUE);
  g_assert_true (mt_app_test_wait (cancel_enabled, &f, 10));
  wait_label (child (&f, "stage_label"), "Building vmmon and vmnet as the build user…");

  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (f.page)), >=, 5);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (child (&f, "copy_button")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Copy the log");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (log_child (&f, "text_view")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Build log");
  mt_app_test_screenshot_light_dark (GTK_WIDGET (f.view), "build-running");

  end_job (&f, "succeeded", "", "");
  teardown (&f);
}

static void
test_stages_in_words (void)
{
  Fixture f = { 0 };
  const char *stages[][2] = {
    { "verify", "Checking the modules…" },
    { "backup", "Backing up the installed modules…" },
    { "install", "Removing the modules…" },
    { "depmod", "Updating the module index…" },
    { "unload", "Unloading the old modules…" },
    { "load", "Loading the modules…" },
    { "check", "Checking the devices…" },
    { "boot", "No longer loading the modules at boot…" },
    { "done", "Finishing…" },
    { "something-new", "something-new" },
  };

  setup (&f, "uninstall");
  g_assert_cmpstr (adw_navigation_page_get_title (ADW_NAVIGATION_PAGE (f.page)), ==,
                   "Uninstalling");
  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      set_stage (&f, stages[i][0], i / 10.0);
      wait_label (child (&f, "stage_label"), stages[i][1]);
    }

  end_job (&f, "succeeded", "", "");
  g_assert_cmpstr (result_title (&f), ==, "Modules Removed");
  mt_app_test_assert_contains (result_description (&f), "removed for kernel " KERNEL);
  teardown (&f);
}

static gboolean
search_settled (gpointer data)
{
  Fixture *f = data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (log_child (f, "search_entry")));

  return mt_log_view_get_n_matches (log_view (f)) > 0 || *text == '\0' ||
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (log_child (f, "match_label"))), "No matches") ==
           0;
}

static void
search_for (Fixture *f, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (log_child (f, "search_entry")), text);
  /* GtkSearchEntry waits a moment before it searches */
  mt_app_test_spin (400);
  g_assert_true (mt_app_test_wait (search_settled, f, 5));
}

static int
current_line (Fixture *f)
{
  int line = -1;

  g_assert_true (mt_log_view_get_current_match (log_view (f), &line, NULL));

  return line;
}

static void
test_search (void)
{
  Fixture f = { 0 };
  GtkWidget *entry;
  GtkTextBuffer *buffer;
  GtkTextTag *match_tag;
  GtkTextIter iter;
  GtkRoot *root;

  setup (&f, "apply");
  write_build_lines (&f);
  entry = log_child (&f, "search_entry");
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (log_child (&f, "text_view")));
  match_tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "search-match");
  g_assert_nonnull (match_tag);

  /* Ctrl+F's action opens the bar and puts the keyboard there */
  g_assert_false (mt_log_view_get_search_mode (log_view (&f)));
  g_assert_true (press_key (&f, GDK_KEY_f, GDK_CONTROL_MASK));
  mt_app_test_spin (300);
  g_assert_true (mt_log_view_get_search_mode (log_view (&f)));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (child (&f, "search_button"))));
  root = gtk_widget_get_root (GTK_WIDGET (f.page));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (root), entry));

  /* case-insensitive, every match highlighted and counted */
  search_for (&f, "warning");
  g_assert_cmpuint (mt_log_view_get_n_matches (log_view (&f)), ==, 2);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (log_child (&f, "match_label"))), ==,
                   "2 matches");
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 3, 0);
  g_assert_true (gtk_text_iter_forward_search (&iter, "warning", 0, &iter, NULL, NULL));
  g_assert_true (gtk_text_iter_has_tag (&iter, match_tag));
  g_assert_cmpint (current_line (&f), ==, 3);

  /* next and previous, with the buttons' actions and Enter, wrapping round */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (log_view (&f)), "log.next-match", NULL));
  g_assert_cmpint (current_line (&f), ==, 9);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (current_line (&f), ==, 3);
  g_assert_true (
    gtk_widget_activate_action (GTK_WIDGET (log_view (&f)), "log.previous-match", NULL));
  g_assert_cmpint (current_line (&f), ==, 9);
  g_signal_emit_by_name (entry, "previous-match");
  g_assert_cmpint (current_line (&f), ==, 3);

  /* a line that arrives while searching is searched too */
  add_line (&f, "modpost: WARNING: a third one");
  g_assert_cmpuint (mt_log_view_get_n_matches (log_view (&f)), ==, 3);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (log_child (&f, "match_label"))), ==,
                   "3 matches");
  mt_app_test_spin (300);
  mt_app_test_screenshot (GTK_WIDGET (f.view), "build-search.png");

  search_for (&f, "CC [M]  /var/cache/modtune/build-1/vmmon-only/linux/driver.o");
  g_assert_cmpuint (mt_log_view_get_n_matches (log_view (&f)), ==, 1);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (log_child (&f, "match_label"))), ==, "1 match");
  search_for (&f, "no such text");
  g_assert_cmpuint (mt_log_view_get_n_matches (log_view (&f)), ==, 0);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (log_child (&f, "match_label"))), ==,
                   "No matches");
  g_assert_false (mt_log_view_get_current_match (log_view (&f), NULL, NULL));

  /* closing the bar takes the highlights away */
  search_for (&f, "warning");
  g_assert_cmpuint (mt_log_view_get_n_matches (log_view (&f)), ==, 3);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (&f, "search_button")), FALSE);
  g_assert_false (mt_log_view_get_search_mode (log_view (&f)));
  g_assert_cmpuint (mt_log_view_get_n_matches (log_view (&f)), ==, 0);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 3, 0);
  g_assert_true (gtk_text_iter_forward_search (&iter, "warning", 0, &iter, NULL, NULL));
  g_assert_false (gtk_text_iter_has_tag (&iter, match_tag));

  end_job (&f, "succeeded", "", "");
  teardown (&f);
}

static void
test_copy_log (void)
{
  Fixture f = { 0 };
  GdkClipboard *clipboard;
  const GdkContentProvider *content;
  GValue value = G_VALUE_INIT;
  g_autofree char *log = NULL;

  setup (&f, "apply");
  write_build_lines (&f);
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f.page));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "build.copy-log", NULL));
  content = gdk_clipboard_get_content (clipboard);
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value ((GdkContentProvider *) content, &value, NULL));
  log = mt_job_dup_log (f.job);
  g_assert_cmpstr (g_value_get_string (&value), ==, log);
  mt_app_test_assert_contains (g_value_get_string (&value), BUILD_LINES[0]);
  mt_app_test_assert_contains (g_value_get_string (&value),
                               BUILD_LINES[G_N_ELEMENTS (BUILD_LINES) - 1]);
  g_value_unset (&value);

  end_job (&f, "succeeded", "", "");
  teardown (&f);
}

static gboolean
cancel_called (gpointer data)
{
  Fixture *f = data;

  return f->n_cancel_calls > 0;
}

static gboolean
banner_revealed (gpointer data)
{
  Fixture *f = data;

  return adw_banner_get_revealed (ADW_BANNER (child (f, "banner")));
}

static void
test_cancel (void)
{
  Fixture f = { 0 };

  setup (&f, "apply");
  set_stage (&f, "build", 0.3);
  write_build_lines (&f);
  g_assert_true (mt_app_test_wait (cancel_enabled, &f, 10));

  /* refused by the helper: said in a banner, and Cancel can be tried again */
  f.cancel_fails = TRUE;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "build.cancel", NULL));
  g_assert_true (mt_app_test_wait (banner_revealed, &f, 10));
  g_assert_cmpuint (f.n_cancel_calls, ==, 1);
  mt_app_test_assert_contains (adw_banner_get_title (ADW_BANNER (child (&f, "banner"))),
                               "can no longer be cancelled");
  g_assert_true (mt_app_test_wait (cancel_enabled, &f, 10));
  wait_label (child (&f, "stage_label"), "Building vmmon and vmnet as the build user…");

  /* accepted: the job ends as cancelled, and the page says nothing changed */
  f.cancel_fails = FALSE;
  f.n_cancel_calls = 0;
  /* with Escape this time */
  g_assert_true (press_key (&f, GDK_KEY_Escape, 0));
  /* one click is enough: Cancel is off until the helper answers */
  g_assert_false (gtk_widget_get_sensitive (child (&f, "cancel_button")));
  g_assert_false (adw_banner_get_revealed (ADW_BANNER (child (&f, "banner"))));
  g_assert_true (mt_app_test_wait (cancel_called, &f, 10));
  g_assert_true (mt_app_test_wait (job_finished, &f, 10));
  mt_app_test_spin (300);
  g_assert_cmpuint (f.n_cancel_calls, ==, 1);
  g_assert_cmpint (mt_job_get_state (f.job), ==, MT_JOB_STATE_CANCELLED);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (&f, "stack"))), ==,
                   "result");
  g_assert_cmpstr (result_title (&f), ==, "Cancelled");
  mt_app_test_assert_contains (result_description (&f), "Nothing was changed.");
  g_assert_true (adw_navigation_page_get_can_pop (ADW_NAVIGATION_PAGE (f.page)));
  g_assert_false (gtk_widget_get_sensitive (child (&f, "cancel_button")));
  /* the log is kept, behind Show Log */
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (child (&f, "log_toggle"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (log_view (&f))));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (&f, "log_toggle")), TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (log_view (&f))));
  mt_app_test_spin (300);
  mt_app_test_screenshot (GTK_WIDGET (f.view), "build-cancelled.png");

  teardown (&f);
}

static gboolean
main_page_visible (gpointer data)
{
  Fixture *f = data;

  return f->window != NULL &&
         g_strcmp0 (adw_navigation_page_get_tag (adw_navigation_view_get_visible_page (f->view)),
                    "main") == 0;
}

static void
test_succeeded (void)
{
  Fixture f = { 0 };
  GtkWidget *done;

  setup (&f, "apply");
  set_stage (&f, "build", 0.4);
  write_build_lines (&f);
  add_line (&f, "Installed vmmon and vmnet for " KERNEL);
  mt_dbus_job1_set_backup_id (f.skeleton, "20260501-101500-" KERNEL);
  end_job (&f, "succeeded", "", "");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (&f, "stack"))), ==,
                   "result");
  g_assert_cmpstr (result_title (&f), ==, "Modules Installed");
  mt_app_test_assert_contains (result_description (&f),
                               "vmmon and vmnet are installed for kernel " KERNEL);
  mt_app_test_assert_contains (result_description (&f), "kept as a backup");
  mt_app_test_assert_contains (result_description (&f), "Backups page");
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (child (&f, "result_page"))), ==,
                   "object-select-symbolic");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (child (&f, "progress_bar"))),
                     ==, 1.0);
  g_assert_true (adw_navigation_page_get_can_pop (ADW_NAVIGATION_PAGE (f.page)));
  g_assert_false (gtk_widget_get_sensitive (child (&f, "cancel_button")));
  gtk_widget_activate_action (GTK_WIDGET (f.page), "build.cancel", NULL);
  /* Escape is left to the navigation view, which pops the page */
  g_assert_false (press_key (&f, GDK_KEY_Escape, 0));
  mt_app_test_spin (300);
  g_assert_cmpuint (f.n_cancel_calls, ==, 0);
  /* the whole log stays available */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (log_view (&f))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "build.search", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (log_view (&f))));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (&f, "search_button")), FALSE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (&f, "log_toggle")), FALSE);
  mt_app_test_spin (300);

  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (f.page)), >=, 3);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (f.view), "build-succeeded");

  /* Done goes back */
  done = child (&f, "done_button");
  g_assert_true (gtk_widget_get_visible (done));
  g_signal_emit_by_name (done, "clicked");
  g_assert_true (mt_app_test_wait (main_page_visible, &f, 10));

  teardown (&f);
}

typedef struct
{
  Fixture *f;
  const char *text;
} DescriptionWait;

static gboolean
description_contains (gpointer data)
{
  DescriptionWait *w = data;

  return strstr (result_description (w->f), w->text) != NULL;
}

static void
test_succeeded_variants (void)
{
  const struct
  {
    const char *operation;
    const char *backup_id;
    const char *title;
    const char *says;
    const char *backup_says;
  } cases[] = {
    { "apply", "", "Modules Installed", "vmmon and vmnet are installed for kernel " KERNEL, NULL },
    { "restore", "20260501-101500-" KERNEL, "Backup Restored",
      "vmmon and vmnet are installed for kernel " KERNEL, "The modules they replaced" },
    { "uninstall", "20260501-101500-" KERNEL, "Modules Removed",
      "vmmon and vmnet are removed for kernel " KERNEL, "The removed modules are kept" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Fixture f = { 0 };

      setup (&f, cases[i].operation);
      end_job (&f, "succeeded", "", "");
      g_assert_cmpstr (result_title (&f), ==, cases[i].title);
      mt_app_test_assert_contains (result_description (&f), cases[i].says);
      g_assert_null (strstr (result_description (&f), "backup"));
      /* a backup id that arrives after the end still shows */
      if (cases[i].backup_says != NULL)
        {
          DescriptionWait w = { &f, cases[i].backup_says };

          mt_dbus_job1_set_backup_id (f.skeleton, cases[i].backup_id);
          g_assert_true (mt_app_test_wait (description_contains, &w, 10));
        }
      teardown (&f);
    }
}

static void
test_failed (void)
{
  Fixture f = { 0 };
  const char *message =
    "The modules did not build: vmmon-only/linux/driver.c:42: error: <linux/foo.h> missing; "
    "see the log & install the headers.";
  g_autofree char *description = NULL;

  setup (&f, "apply");
  set_stage (&f, "build", 0.35);
  write_build_lines (&f);
  add_line (&f, "vmmon-only/linux/driver.c:42:10: fatal error: linux/foo.h: No such file or "
                "directory");
  add_line (&f, "make[2]: *** [scripts/Makefile.build:243: vmmon-only/linux/driver.o] Error 1");
  end_job (&f, "failed", "io.github.modtune.Error.Failed", message);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (&f, "stack"))), ==,
                   "result");
  g_assert_cmpstr (result_title (&f), ==, "Building and Installing Failed");
  /* the helper's sentence, as text even where it looks like markup */
  description = g_markup_escape_text (message, -1);
  mt_app_test_assert_contains (result_description (&f), description);
  mt_app_test_assert_contains (result_description (&f), "The log below shows what went wrong");
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (child (&f, "result_page"))), ==,
                   "dialog-error-symbolic");
  /* and the log is shown at once */
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (child (&f, "log_toggle"))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (log_view (&f))));
  g_assert_true (adw_navigation_page_get_can_pop (ADW_NAVIGATION_PAGE (f.page)));

  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (f.page)), >=, 5);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (f.view), "build-failed");
  teardown (&f);
}

static void
test_not_authorized (void)
{
  Fixture f = { 0 };

  setup (&f, "restore");
  end_job (&f, "failed", "io.github.modtune.Error.NotAuthorized",
           "Not authorized to restore the backup.");
  g_assert_cmpstr (result_title (&f), ==, "Restoring Failed");
  mt_app_test_assert_contains (result_description (&f), "Authorization was refused");
  teardown (&f);
}

/* The helper leaves the bus in the middle of the job. */
static void
test_helper_gone (void)
{
  Fixture f = { 0 };

  setup (&f, "apply");
  set_stage (&f, "build", 0.3);
  write_build_lines (&f);
  g_dbus_connection_close_sync (f.server, NULL, NULL);
  close_log (&f);
  g_assert_true (mt_app_test_wait (job_finished, &f, 15));
  mt_app_test_spin (300);
  g_assert_cmpint (mt_job_get_state (f.job), ==, MT_JOB_STATE_FAILED);
  g_assert_cmpstr (result_title (&f), ==, "Building and Installing Failed");
  mt_app_test_assert_contains (result_description (&f), "The helper stopped before the job ended");
  teardown (&f);
}

/* A job that had ended before the page was made shows its result at once. */
static void
test_ended_before (void)
{
  Fixture f = { 0 };

  f.log_fd = -1;
  start_job (&f, "apply", "succeeded");
  close_log (&f);
  g_assert_true (mt_app_test_wait (job_finished, &f, 10));
  show_page (&f);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (&f, "stack"))), ==,
                   "result");
  g_assert_cmpstr (result_title (&f), ==, "Modules Installed");
  g_assert_true (adw_navigation_page_get_can_pop (ADW_NAVIGATION_PAGE (f.page)));
  g_assert_false (gtk_widget_get_sensitive (child (&f, "cancel_button")));
  teardown (&f);
}

int
main (int argc, char *argv[])
{
  mt_app_test_init (&argc, &argv);

  g_test_add_func ("/build-page/running", test_running);
  g_test_add_func ("/build-page/stages-in-words", test_stages_in_words);
  g_test_add_func ("/build-page/search", test_search);
  g_test_add_func ("/build-page/copy-log", test_copy_log);
  g_test_add_func ("/build-page/cancel", test_cancel);
  g_test_add_func ("/build-page/succeeded", test_succeeded);
  g_test_add_func ("/build-page/succeeded-variants", test_succeeded_variants);
  g_test_add_func ("/build-page/failed", test_failed);
  g_test_add_func ("/build-page/not-authorized", test_not_authorized);
  g_test_add_func ("/build-page/helper-gone", test_helper_gone);
  g_test_add_func ("/build-page/ended-before", test_ended_before);

  return mt_app_test_run ();
}
