/* flow-optimize.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-app-test.h"
#include "mt-overview-page.h"
#include "mt-build-page.h"
#include "mt-flags-page.h"
#include "mt-log-view.h"

/* The one-click flow against the real helper (tests/app/test_optimize.py
 * starts the helper on a test root and checks the root after):
 * win.optimize, polkit, the build page pushed, a real build of the fixture
 * modules, and the result.  The GLib test path says which case:
 *
 *   /flow/optimize  polkit allows it: the modules are built and installed
 *   /flow/denied    polkit refuses: a toast says so, no job, no page
 *   /flow/cancel    Cancel while building: the job ends as cancelled
 *
 *   MT_TEST_KERNEL  the test root's kernel, which the helper builds for
 */

static GtkWidget *
window_child (MtWindow *window, const char *name)
{
  return mt_app_test_child (GTK_WIDGET (window), MT_TYPE_WINDOW, name);
}

static GtkWidget *
page_child (MtBuildPage *page, const char *name)
{
  return mt_app_test_child (GTK_WIDGET (page), MT_TYPE_BUILD_PAGE, name);
}

static AdwNavigationPage *
visible_page (MtWindow *window)
{
  return adw_navigation_view_get_visible_page (
    ADW_NAVIGATION_VIEW (window_child (window, "navigation_view")));
}

/* What the flow saw of the job as it ran. */
typedef struct
{
  MtWindow *window;
  MtJob *job;
  GPtrArray *stages;
  gint64 started;
  gboolean running_page_could_pop;
  gboolean cancel_enabled_in_build;
} Watch;

static void
job_stage_cb (MtJob *job, GParamSpec *pspec, Watch *watch)
{
  const char *stage = mt_job_get_stage (job);
  AdwNavigationPage *page = visible_page (watch->window);

  if (stage == NULL)
    return;
  if (watch->stages->len == 0 ||
      !g_str_equal (g_ptr_array_index (watch->stages, watch->stages->len - 1), stage))
    {
      g_test_message ("%5.1f s: stage %s, %3.0f%%",
                      (g_get_monotonic_time () - watch->started) / (double) G_USEC_PER_SEC, stage,
                      mt_job_get_progress (job) * 100);
      g_ptr_array_add (watch->stages, g_strdup (stage));
    }
  if (MT_IS_BUILD_PAGE (page) && !mt_job_get_finished (job))
    {
      watch->running_page_could_pop |= adw_navigation_page_get_can_pop (page);
      if (g_str_equal (stage, "build") && mt_job_get_cancelable (job))
        watch->cancel_enabled_in_build |=
          gtk_widget_is_sensitive (page_child (MT_BUILD_PAGE (page), "cancel_button"));
    }
}

static void
job_started_cb (MtHelperClient *client, MtJob *job, Watch *watch)
{
  g_assert_null (watch->job);
  watch->job = g_object_ref (job);
  g_signal_connect (job, "notify::stage", G_CALLBACK (job_stage_cb), watch);
  job_stage_cb (job, NULL, watch);
}

static void
watch_init (Watch *watch, MtWindow *window)
{
  watch->window = window;
  watch->stages = g_ptr_array_new_with_free_func (g_free);
  watch->started = g_get_monotonic_time ();
  g_signal_connect (mt_window_get_client (window), "job-started", G_CALLBACK (job_started_cb),
                    watch);
}

static void
watch_clear (Watch *watch)
{
  g_signal_handlers_disconnect_by_data (mt_window_get_client (watch->window), watch);
  if (watch->job != NULL)
    g_signal_handlers_disconnect_by_data (watch->job, watch);
  g_clear_object (&watch->job);
  g_clear_pointer (&watch->stages, g_ptr_array_unref);
}

static double
seconds (Watch *watch)
{
  return (g_get_monotonic_time () - watch->started) / (double) G_USEC_PER_SEC;
}

static gboolean
has_stage (Watch *watch, const char *stage)
{
  for (guint i = 0; i < watch->stages->len; i++)
    if (g_str_equal (g_ptr_array_index (watch->stages, i), stage))
      return TRUE;

  return FALSE;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = strchr (text, '\n'); p != NULL; p = strchr (p + 1, '\n'))
    n++;

  return n;
}

static gboolean
client_available (gpointer data)
{
  MtHelperClient *client = mt_window_get_client (MT_WINDOW (data));

  return mt_helper_client_get_available (client) && mt_helper_client_get_status (client) != NULL;
}

static gboolean
job_started (gpointer data)
{
  Watch *watch = data;

  return watch->job != NULL && MT_IS_BUILD_PAGE (visible_page (watch->window));
}

static gboolean
job_building (gpointer data)
{
  Watch *watch = data;

  return mt_job_get_finished (watch->job) ||
         (g_strcmp0 (mt_job_get_stage (watch->job), "build") == 0 &&
          mt_job_get_cancelable (watch->job));
}

static gboolean
log_has_compiler_lines (gpointer data)
{
  Watch *watch = data;
  g_autofree char *log = mt_job_dup_log (watch->job);

  return mt_job_get_finished (watch->job) || strstr (log, "CC [M]") != NULL;
}

static gboolean
job_finished (gpointer data)
{
  Watch *watch = data;

  return mt_job_get_finished (watch->job);
}

static gboolean
main_page_visible (gpointer data)
{
  return g_strcmp0 (adw_navigation_page_get_tag (visible_page (MT_WINDOW (data))), "main") == 0;
}

/* the first widget under @root whose action is @action_name */
static GtkWidget *
find_actionable (GtkWidget *root, const char *action_name)
{
  if (GTK_IS_ACTIONABLE (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)
    return root;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_actionable (c, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* whether win.optimize is enabled, as the Overview's Optimize button shows */
static gboolean
optimize_enabled (gpointer data)
{
  GtkWidget *button =
    find_actionable (window_child (MT_WINDOW (data), "overview_page"), "win.optimize");

  g_assert_nonnull (button);

  return gtk_widget_get_sensitive (button);
}

/* the client's status after the job says Modtune's modules are installed */
static gboolean
status_says_installed (gpointer data)
{
  GVariant *status = mt_helper_client_get_status (mt_window_get_client (MT_WINDOW (data)));
  g_autoptr (GVariant) vmmon = NULL;
  const char *origin = NULL;

  if (status == NULL || !g_variant_lookup (status, "vmmon", "@a{sv}", &vmmon))
    return FALSE;

  return g_variant_lookup (vmmon, "origin", "&s", &origin) && g_str_equal (origin, "modtune");
}

/* A window on a recorded machine (for what it shows) whose client talks to
 * the real helper on the private system bus, and win.optimize pressed. */
static MtWindow *
open_and_optimize (Watch *watch, gboolean photograph)
{
  MtWindow *window = mt_app_test_open_machine ("workstation-17.6-host");
  g_auto (GStrv) flags = NULL;
  g_autofree char *joined = NULL;

  g_assert_true (mt_app_test_wait (client_available, window, 60));
  g_assert_true (optimize_enabled (window));

  /* the pages as they look with the helper there (README, metainfo) */
  if (photograph)
    {
      const char *pages[] = { "hardware", "flags" };

      for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
        {
          g_autofree char *name = g_strdup_printf ("window-%s", pages[i]);

          g_assert_true (
            gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", pages[i]));
          mt_app_test_screenshot_light_dark (GTK_WIDGET (window), name);
        }
      g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "overview"));
    }
  flags = mt_flags_page_dup_enabled_flags (MT_FLAGS_PAGE (window_child (window, "flags_page")));
  joined = g_strjoinv (" ", flags);
  g_test_message ("the flags page asks for: %s", *joined != '\0' ? joined : "(vanilla)");

  watch_init (watch, window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.optimize", NULL));
  /* one job at a time: the action is off until the helper answered */
  g_assert_false (optimize_enabled (window));

  return window;
}

/* The job runs on the build page, which cannot be left meanwhile. */
static MtBuildPage *
wait_for_build_page (Watch *watch)
{
  MtBuildPage *page;

  g_assert_true (mt_app_test_wait (job_started, watch, 120));
  g_test_message ("%5.1f s: the job started: %s", seconds (watch),
                  mt_job_get_object_path (watch->job));
  page = MT_BUILD_PAGE (visible_page (watch->window));
  g_assert_true (mt_build_page_get_job (page) == watch->job);
  g_assert_cmpstr (mt_job_get_operation (watch->job), ==, "apply");
  g_assert_cmpstr (mt_job_get_kernel_release (watch->job), ==,
                   mt_app_test_getenv ("MT_TEST_KERNEL"));
  g_assert_cmpstr (adw_navigation_page_get_title (ADW_NAVIGATION_PAGE (page)), ==,
                   "Building and Installing");
  if (!mt_job_get_finished (watch->job))
    {
      g_assert_false (adw_navigation_page_get_can_pop (ADW_NAVIGATION_PAGE (page)));
      g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (page_child (page, "stack"))),
                       ==, "progress");
    }

  return page;
}

static void
press_done (MtWindow *window, MtBuildPage *page)
{
  GtkWidget *done = page_child (page, "done_button");

  g_assert_true (gtk_widget_get_visible (done));
  gtk_widget_activate (done);
  g_assert_true (mt_app_test_wait (main_page_visible, window, 10));
}

static void
test_optimize (void)
{
  Watch watch = { 0 };
  MtWindow *window = open_and_optimize (&watch, TRUE);
  MtBuildPage *page = wait_for_build_page (&watch);
  g_autofree char *kernel =
    g_strdup_printf ("for kernel %s", mt_app_test_getenv ("MT_TEST_KERNEL"));
  g_autofree char *log = NULL;
  g_autofree char *shown = NULL;
  const char *description;

  /* the compiler at work, live */
  g_assert_true (mt_app_test_wait (log_has_compiler_lines, &watch, 300));
  if (!mt_job_get_finished (watch.job))
    {
      AdwDialog *dialog;

      mt_app_test_spin (300);
      mt_app_test_screenshot (GTK_WIDGET (window), "optimize-running.png");

      /* while it runs: Optimize is off, Alt+2 does not pop the page, and
       * closing the window asks first */
      g_assert_false (optimize_enabled (window));
      g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "hardware"));
      g_assert_true (visible_page (window) == ADW_NAVIGATION_PAGE (page));
      gtk_window_close (GTK_WINDOW (window));
      mt_app_test_spin (200);
      dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
      g_assert_true (ADW_IS_ALERT_DIALOG (dialog));
      g_assert_cmpstr (adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)), ==,
                       "Stop Following the Job?");
      adw_dialog_force_close (dialog);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
    }

  g_assert_true (mt_app_test_wait (job_finished, &watch, 600));
  g_test_message ("%5.1f s: the job finished: %s", seconds (&watch),
                  mt_job_get_error_message (watch.job) ?: "succeeded");
  log = mt_job_dup_log (watch.job);
  if (mt_job_get_state (watch.job) != MT_JOB_STATE_SUCCEEDED)
    g_error ("the job failed: %s\n%s", mt_job_get_error_message (watch.job), log);

  /* the build and the end were seen (quick stages in between may come in
   * one PropertiesChanged with the next), and the page could not be left
   * meanwhile */
  g_assert_true (has_stage (&watch, "build"));
  g_assert_cmpstr (g_ptr_array_index (watch.stages, watch.stages->len - 1), ==, "done");
  g_assert_false (watch.running_page_could_pop);
  g_assert_true (watch.cancel_enabled_in_build);

  /* the result, and the real build's log below it */
  mt_app_test_spin (400);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (page_child (page, "stack"))), ==,
                   "result");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page_child (page, "result_page"))),
                   ==, "Modules Installed");
  description =
    adw_status_page_get_description (ADW_STATUS_PAGE (page_child (page, "result_page")));
  g_test_message ("result: %s", description);
  mt_app_test_assert_contains (description, "vmmon and vmnet are installed");
  mt_app_test_assert_contains (description, kernel);
  if (mt_job_get_backup_id (watch.job) != NULL)
    mt_app_test_assert_contains (description, "Backups page");
  mt_app_test_assert_contains (log, "CC [M]");
  mt_app_test_assert_contains (log, "vmmon");
  mt_app_test_assert_contains (log, "vmnet");
  mt_app_test_assert_contains (log, "Installed vmmon and vmnet");
  shown = mt_log_view_dup_text (MT_LOG_VIEW (page_child (page, "log_view")));
  g_assert_cmpstr (shown, ==, log);
  g_test_message ("the log: %zu bytes, %u lines", strlen (log), count_lines (log));
  g_assert_true (adw_navigation_page_get_can_pop (ADW_NAVIGATION_PAGE (page)));
  g_assert_false (gtk_widget_is_sensitive (page_child (page, "cancel_button")));
  mt_app_test_check_accessible (GTK_WIDGET (page));
  mt_app_test_screenshot (GTK_WIDGET (window), "optimize-done.png");

  /* the window knows too: the client refreshed after the job */
  g_assert_true (mt_app_test_wait (status_says_installed, window, 30));

  press_done (window, page);
  g_assert_true (mt_app_test_wait (optimize_enabled, window, 10));

  /* the Overview now reads the helper's status: Modtune's pair is
   * installed for the recorded host's kernel, which is the test root's;
   * a test root loads nothing */
  {
    MtOverviewPage *overview = MT_OVERVIEW_PAGE (window_child (window, "overview_page"));
    GtkWidget *vmmon_row =
      mt_app_test_child (GTK_WIDGET (overview), MT_TYPE_OVERVIEW_PAGE, "vmmon_row");

    g_assert_cmpint (mt_overview_page_get_state (overview), ==, MT_MACHINE_STATE_NOT_LOADED);
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vmmon_row)), ==,
                     "Built by Modtune, not loaded");
    mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "overview-helper");
  }

  watch_clear (&watch);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
not_authorizing (gpointer data)
{
  return !mt_helper_client_get_authorizing (mt_window_get_client (MT_WINDOW (data)));
}

/* polkit says no: a toast says why, no job starts, no page is pushed. */
static void
test_denied (void)
{
  Watch watch = { 0 };
  MtWindow *window = open_and_optimize (&watch, FALSE);
  const char *toast = "Could not start the build";

  g_assert_true (mt_app_test_wait_for_label (GTK_WIDGET (window), toast, 60));
  g_assert_true (mt_app_test_wait (not_authorizing, window, 10));
  g_test_message (
    "%5.1f s: %s", seconds (&watch),
    gtk_label_get_label (GTK_LABEL (mt_app_test_find_label (GTK_WIDGET (window), toast))));
  mt_app_test_assert_contains (
    gtk_label_get_label (GTK_LABEL (mt_app_test_find_label (GTK_WIDGET (window), toast))),
    "authoriz");
  mt_app_test_spin (300);
  g_assert_null (watch.job);
  g_assert_null (mt_helper_client_get_current_job (mt_window_get_client (window)));
  g_assert_true (main_page_visible (window));
  /* and one can try again */
  g_assert_true (optimize_enabled (window));
  mt_app_test_screenshot (GTK_WIDGET (window), "optimize-denied.png");

  watch_clear (&watch);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Cancel as soon as the build runs: the job ends as cancelled. */
static void
test_cancel (void)
{
  Watch watch = { 0 };
  MtWindow *window = open_and_optimize (&watch, FALSE);
  MtBuildPage *page = wait_for_build_page (&watch);
  const char *description;

  g_assert_true (mt_app_test_wait (job_building, &watch, 300));
  g_assert_false (mt_job_get_finished (watch.job));
  g_test_message ("%5.1f s: cancelling in stage %s", seconds (&watch),
                  mt_job_get_stage (watch.job));
  g_assert_true (gtk_widget_is_sensitive (page_child (page, "cancel_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "build.cancel", NULL));
  /* no second click */
  g_assert_false (gtk_widget_is_sensitive (page_child (page, "cancel_button")));

  g_assert_true (mt_app_test_wait (job_finished, &watch, 120));
  g_test_message ("%5.1f s: the job finished: %s", seconds (&watch),
                  mt_job_get_error_message (watch.job) ?: "succeeded");
  g_assert_cmpint (mt_job_get_state (watch.job), ==, MT_JOB_STATE_CANCELLED);
  g_assert_false (has_stage (&watch, "install"));

  mt_app_test_spin (400);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (page_child (page, "stack"))), ==,
                   "result");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page_child (page, "result_page"))),
                   ==, "Cancelled");
  description =
    adw_status_page_get_description (ADW_STATUS_PAGE (page_child (page, "result_page")));
  mt_app_test_assert_contains (description, "Nothing was changed");
  g_assert_true (adw_navigation_page_get_can_pop (ADW_NAVIGATION_PAGE (page)));
  g_assert_false (adw_banner_get_revealed (ADW_BANNER (page_child (page, "banner"))));
  mt_app_test_screenshot (GTK_WIDGET (window), "optimize-cancelled.png");

  press_done (window, page);
  g_assert_true (mt_app_test_wait (optimize_enabled, window, 10));

  /* nothing was installed, and the Overview says so */
  {
    MtOverviewPage *overview = MT_OVERVIEW_PAGE (window_child (window, "overview_page"));
    GtkWidget *vmmon_row =
      mt_app_test_child (GTK_WIDGET (overview), MT_TYPE_OVERVIEW_PAGE, "vmmon_row");

    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vmmon_row)), ==,
                     "Not installed for this kernel");
  }

  watch_clear (&watch);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  mt_app_test_init (&argc, &argv);

  g_test_add_func ("/flow/optimize", test_optimize);
  g_test_add_func ("/flow/denied", test_denied);
  g_test_add_func ("/flow/cancel", test_cancel);

  return mt_app_test_run ();
}
