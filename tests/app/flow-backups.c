/* flow-backups.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-app-test.h"
#include "mt-backup-row.h"
#include "mt-backups-page.h"
#include "mt-build-page.h"
#include "mt-restore-dialog.h"

/* The Backups page against the real helper (tests/app/test_backups.py
 * made the backups with two Apply jobs and checks the test root after):
 *
 *   MT_TEST_KERNEL        the test root's kernel
 *   MT_TEST_BACKUPS       the ListBackups ids, newest first, one per line:
 *                         "id installed|- vanilla|flag-id,…"
 *   MT_TEST_BACKUP_ID     the backup to restore or delete (not installed)
 *   MT_TEST_INSTALLED_ID  the installed backup
 */

static GtkWidget *
backups_page (MtWindow *window)
{
  return mt_app_test_child (GTK_WIDGET (window), MT_TYPE_WINDOW, "backups_page");
}

static GtkWidget *
page_child (MtWindow *window, const char *name)
{
  return mt_app_test_child (backups_page (window), MT_TYPE_BACKUPS_PAGE, name);
}

static GPtrArray *
dup_rows (MtWindow *window)
{
  GPtrArray *rows = g_ptr_array_new ();
  GtkWidget *list = page_child (window, "list_box");

  for (GtkWidget *c = gtk_widget_get_first_child (list); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (MT_IS_BACKUP_ROW (c))
      g_ptr_array_add (rows, c);

  return rows;
}

static MtBackupRow *
find_row (MtWindow *window, const char *id)
{
  g_autoptr (GPtrArray) rows = dup_rows (window);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (mt_backup_row_get_id (rows->pdata[i]), id) == 0)
      return rows->pdata[i];

  return NULL;
}

static GtkWidget *
row_child (MtBackupRow *row, const char *name)
{
  return mt_app_test_child (GTK_WIDGET (row), MT_TYPE_BACKUP_ROW, name);
}

static gboolean
client_has_backups (gpointer data)
{
  MtHelperClient *client = mt_window_get_client (MT_WINDOW (data));

  return mt_helper_client_get_available (client) && mt_helper_client_get_backups (client) != NULL;
}

/* A window on a recorded machine whose client talks to the real helper,
 * on its Backups page once the helper has answered. */
static MtWindow *
open_page (const char *expected_state)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");

  g_assert_true (mt_app_test_wait (client_has_backups, window, 60));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "backups"));
  mt_app_test_spin (400);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (page_child (window, "stack"))), ==,
                   expected_state);

  return window;
}

static MtWindow *
open_backups (void)
{
  return open_page ("list");
}

static AdwDialog *
visible_dialog (MtWindow *window)
{
  return adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
}

/* Presses the dialog's response button labelled @label. */
static void
respond (AdwDialog *dialog, const char *label)
{
  GtkWidget *button = mt_app_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);
}

/* No backup yet: the page says what backups are and where they come from. */
static void
test_empty (void)
{
  MtWindow *window = open_page ("empty");

  g_assert_cmpuint (
    g_variant_n_children (mt_helper_client_get_backups (mt_window_get_client (window))), ==, 0);
  g_assert_null (gtk_widget_get_first_child (page_child (window, "list_box")));
  mt_app_test_check_accessible (backups_page (window));
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "backups-page-empty");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The rows are the helper's backups, in its order, each with its kernel,
 * its flags and its tags; the installed one cannot be deleted. */
static void
test_list (void)
{
  MtWindow *window = open_backups ();
  g_auto (GStrv) expected = g_strsplit (mt_app_test_getenv ("MT_TEST_BACKUPS"), "\n", -1);
  g_autoptr (GPtrArray) rows = dup_rows (window);
  g_autoptr (MtFlagCatalog) catalog = mt_flag_catalog_new_default (NULL);

  g_assert_cmpuint (rows->len, ==, g_strv_length (expected));
  for (guint i = 0; i < rows->len; i++)
    {
      g_auto (GStrv) fields = g_strsplit (expected[i], " ", 3);
      MtBackupRow *row = rows->pdata[i];
      const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
      gboolean installed = g_str_equal (fields[1], "installed");

      g_test_message ("%s: %s", fields[0], subtitle);
      g_assert_cmpstr (mt_backup_row_get_id (row), ==, fields[0]);
      mt_app_test_assert_contains (subtitle, mt_app_test_getenv ("MT_TEST_KERNEL"));
      if (g_str_equal (fields[2], "vanilla"))
        mt_app_test_assert_contains (subtitle, "Vanilla (no extra flags)");
      else
        {
          g_auto (GStrv) ids = g_strsplit (fields[2], ",", -1);

          for (guint j = 0; ids[j] != NULL; j++)
            mt_app_test_assert_contains (
              subtitle, mt_flag_get_label (mt_flag_catalog_lookup (catalog, ids[j])));
        }
      g_assert_cmpint (gtk_widget_get_visible (row_child (row, "installed_tag")), ==, installed);
      g_assert_true (gtk_widget_is_sensitive (row_child (row, "restore_button")));
      /* the helper refuses to delete the installed backup */
      g_assert_cmpint (gtk_widget_is_sensitive (row_child (row, "delete_button")), ==,
                       !installed && !gtk_widget_get_visible (row_child (row, "known_good_tag")));
    }

  g_assert_cmpuint (mt_app_test_check_accessible (backups_page (window)), >=, 2 * rows->len);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "backups-page");

  /* on a phone's width the rows still fit */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  mt_app_test_spin (500);
  mt_app_test_screenshot (GTK_WIDGET (window), "backups-page-narrow.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  MtJob *job;
  gboolean revealed_while_authorizing;
  gboolean restore_enabled_while_authorizing;
  GtkWidget *revealer;
  GtkWidget *restore_button;
} Watch;

static void
job_started_cb (MtHelperClient *client, MtJob *job, Watch *watch)
{
  g_set_object (&watch->job, job);
}

static void
authorizing_cb (MtHelperClient *client, GParamSpec *pspec, Watch *watch)
{
  if (!mt_helper_client_get_authorizing (client))
    return;

  watch->revealed_while_authorizing |=
    gtk_revealer_get_reveal_child (GTK_REVEALER (watch->revealer));
  watch->restore_enabled_while_authorizing |= gtk_widget_is_sensitive (watch->restore_button);
}

static gboolean
job_finished (gpointer data)
{
  Watch *watch = data;

  return watch->job != NULL && mt_job_get_finished (watch->job);
}

static gboolean
not_authorizing (gpointer data)
{
  return !mt_helper_client_get_authorizing (mt_window_get_client (MT_WINDOW (data)));
}

static gboolean
restored_is_installed (gpointer data)
{
  MtBackupRow *row = find_row (MT_WINDOW (data), mt_app_test_getenv ("MT_TEST_BACKUP_ID"));

  return row != NULL && gtk_widget_get_visible (row_child (row, "installed_tag"));
}

/* Restore… opens the dialog, which names what changes; its Restore
 * starts the job, which the window follows on the build page. */
static void
start_restore (MtWindow *window, Watch *watch)
{
  MtBackupRow *row = find_row (window, mt_app_test_getenv ("MT_TEST_BACKUP_ID"));
  MtHelperClient *client = mt_window_get_client (window);
  AdwDialog *dialog;

  g_assert_nonnull (row);
  watch->revealer = page_child (window, "authorizing_revealer");
  watch->restore_button = row_child (row, "restore_button");
  g_signal_connect (client, "job-started", G_CALLBACK (job_started_cb), watch);
  g_signal_connect (client, "notify::authorizing", G_CALLBACK (authorizing_cb), watch);

  gtk_widget_activate (watch->restore_button);
  mt_app_test_spin (400);
  dialog = visible_dialog (window);
  g_assert_true (MT_IS_RESTORE_DIALOG (dialog));
  g_assert_cmpstr (mt_restore_dialog_get_backup_id (MT_RESTORE_DIALOG (dialog)), ==,
                   mt_app_test_getenv ("MT_TEST_BACKUP_ID"));
  g_test_message ("%s", adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)));
  respond (dialog, "_Restore");
}

static void
stop_watching (MtWindow *window, Watch *watch)
{
  g_signal_handlers_disconnect_by_data (mt_window_get_client (window), watch);
  g_clear_object (&watch->job);
}

static void
test_restore (void)
{
  MtWindow *window = open_backups ();
  MtBackupRow *row = find_row (window, mt_app_test_getenv ("MT_TEST_BACKUP_ID"));
  g_autofree char *installed =
    g_strdup_printf ("backup %s", mt_app_test_getenv ("MT_TEST_INSTALLED_ID"));
  Watch watch = { 0 };
  AdwDialog *dialog;
  AdwNavigationPage *visible;

  /* the dialog first, as the person sees it */
  gtk_widget_activate (row_child (row, "restore_button"));
  mt_app_test_spin (400);
  dialog = visible_dialog (window);
  g_assert_true (MT_IS_RESTORE_DIALOG (dialog));
  mt_app_test_assert_contains (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)),
                               mt_app_test_getenv ("MT_TEST_KERNEL"));
  mt_app_test_assert_contains (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)),
                               "no extra flags (vanilla)");
  mt_app_test_assert_contains (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)),
                               "It replaces Modtune’s vmmon and vmnet installed now");
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "vmmon_row" : "vmnet_row";
      const char *subtitle = adw_action_row_get_subtitle (
        ADW_ACTION_ROW (mt_app_test_child (GTK_WIDGET (dialog), MT_TYPE_RESTORE_DIALOG, name)));

      g_test_message ("%s: %s", name, subtitle);
      mt_app_test_assert_contains (subtitle, "Modtune’s module (SHA-256 ");
      mt_app_test_assert_contains (subtitle, installed);
    }
  mt_app_test_check_accessible (GTK_WIDGET (dialog));
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "restore-dialog-helper");
  respond (dialog, "_Cancel");
  mt_app_test_spin (400);
  g_assert_null (visible_dialog (window));

  start_restore (window, &watch);
  g_assert_true (mt_app_test_wait (job_finished, &watch, 300));
  g_assert_cmpstr (mt_job_get_operation (watch.job), ==, "restore");
  g_assert_cmpint (mt_job_get_state (watch.job), ==, MT_JOB_STATE_SUCCEEDED);
  /* while polkit was asked, the page said so and Restore was off */
  g_assert_true (watch.revealed_while_authorizing);
  g_assert_false (watch.restore_enabled_while_authorizing);
  /* the window follows the job */
  visible = adw_navigation_view_get_visible_page (ADW_NAVIGATION_VIEW (
    mt_app_test_child (GTK_WIDGET (window), MT_TYPE_WINDOW, "navigation_view")));
  g_assert_true (MT_IS_BUILD_PAGE (visible));

  /* the client refreshes: the restored backup is the installed one now */
  g_assert_true (mt_app_test_wait (restored_is_installed, window, 30));
  stop_watching (window, &watch);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
backup_gone (gpointer data)
{
  return find_row (MT_WINDOW (data), mt_app_test_getenv ("MT_TEST_BACKUP_ID")) == NULL;
}

/* Delete asks first; the backup then goes from the helper and the list. */
static void
test_delete (void)
{
  MtWindow *window = open_backups ();
  MtBackupRow *row = find_row (window, mt_app_test_getenv ("MT_TEST_BACKUP_ID"));
  MtBackupRow *current = find_row (window, mt_app_test_getenv ("MT_TEST_INSTALLED_ID"));
  g_autoptr (GPtrArray) before = dup_rows (window);
  g_autoptr (GPtrArray) after = NULL;
  const char *toast = "Backup deleted";
  AdwDialog *dialog;

  g_assert_nonnull (row);
  /* the installed backup cannot be deleted */
  g_assert_false (gtk_widget_is_sensitive (row_child (current, "delete_button")));

  gtk_widget_activate (row_child (row, "delete_button"));
  mt_app_test_spin (400);
  dialog = visible_dialog (window);
  g_assert_true (ADW_IS_ALERT_DIALOG (dialog));
  g_assert_false (MT_IS_RESTORE_DIALOG (dialog));
  g_assert_cmpstr (adw_alert_dialog_get_default_response (ADW_ALERT_DIALOG (dialog)), ==, "cancel");
  g_assert_cmpint (adw_alert_dialog_get_response_appearance (ADW_ALERT_DIALOG (dialog), "delete"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  mt_app_test_assert_contains (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)),
                               mt_app_test_getenv ("MT_TEST_KERNEL"));
  mt_app_test_check_accessible (GTK_WIDGET (dialog));
  mt_app_test_screenshot (GTK_WIDGET (window), "delete-dialog-helper.png");
  respond (dialog, "_Delete");

  g_assert_true (mt_app_test_wait (backup_gone, window, 30));
  g_assert_true (mt_app_test_wait_for_label (GTK_WIDGET (window), toast, 10));
  after = dup_rows (window);
  g_assert_cmpuint (after->len, ==, before->len - 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* polkit says no: the window says why, no job starts, nothing changes. */
static void
test_restore_denied (void)
{
  MtWindow *window = open_backups ();
  const char *toast = "Could not restore the backup";
  Watch watch = { 0 };

  start_restore (window, &watch);
  g_assert_true (mt_app_test_wait_for_label (GTK_WIDGET (window), toast, 30));
  g_assert_true (mt_app_test_wait (not_authorizing, window, 30));
  g_test_message (
    "%s", gtk_label_get_label (GTK_LABEL (mt_app_test_find_label (GTK_WIDGET (window), toast))));
  g_assert_null (watch.job);
  g_assert_null (mt_helper_client_get_current_job (mt_window_get_client (window)));
  /* the page is usable again */
  g_assert_true (gtk_widget_is_sensitive (watch.restore_button));

  stop_watching (window, &watch);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
refreshed (gpointer data)
{
  MtHelperClient *client = data;

  return mt_helper_client_get_available (client) && mt_helper_client_get_backups (client) != NULL;
}

static gboolean
banner_revealed (gpointer data)
{
  return adw_banner_get_revealed (ADW_BANNER (data));
}

/* The same on a page without a window: the page's own banner says why. */
static void
test_restore_denied_page_only (void)
{
  g_autoptr (MtHelperClient) client = mt_helper_client_new ();
  MtBackupsPage *page = g_object_new (MT_TYPE_BACKUPS_PAGE, "client", client, NULL);
  AdwBanner *banner =
    ADW_BANNER (mt_app_test_child (GTK_WIDGET (page), MT_TYPE_BACKUPS_PAGE, "error_banner"));
  GtkWindow *window = mt_app_test_present (GTK_WIDGET (page), 900, 720);
  AdwDialog *dialog;

  mt_helper_client_refresh_async (client, NULL, NULL, NULL);
  g_assert_true (mt_app_test_wait (refreshed, client, 60));
  g_assert_false (adw_banner_get_revealed (banner));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backups.restore", "s",
                                             mt_app_test_getenv ("MT_TEST_BACKUP_ID")));
  mt_app_test_spin (400);
  dialog = adw_window_get_visible_dialog (ADW_WINDOW (window));
  g_assert_true (MT_IS_RESTORE_DIALOG (dialog));
  respond (dialog, "_Restore");

  g_assert_true (mt_app_test_wait (banner_revealed, banner, 30));
  g_test_message ("%s", adw_banner_get_title (banner));
  mt_app_test_assert_contains (adw_banner_get_title (banner), "Could not restore the backup: ");
  g_assert_null (mt_helper_client_get_current_job (client));
  /* the banner's transition ends, and a frame is drawn */
  mt_app_test_spin (500);
  mt_app_test_screenshot (GTK_WIDGET (window), "backups-page-error.png");
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  mt_app_test_init (&argc, &argv);

  g_test_add_func ("/flow/empty", test_empty);
  g_test_add_func ("/flow/list", test_list);
  g_test_add_func ("/flow/restore", test_restore);
  g_test_add_func ("/flow/delete", test_delete);
  g_test_add_func ("/flow/restore-denied", test_restore_denied);
  g_test_add_func ("/flow/restore-denied-page-only", test_restore_denied_page_only);

  return mt_app_test_run ();
}
