/* test-backups-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-app-test.h"
#include "mt-backup-row.h"
#include "mt-backups-page.h"
#include "mt-restore-dialog.h"

/* The Backups page without a helper, a backup's row, and the restore
 * dialog built from dictionaries with the helper's own keys: ListBackups'
 * (mtd_backup_manifest_to_variant()) and GetStatus' (handle_get_status()
 * and mtd_installer_dup_module_status()). */

#define KERNEL          "6.12.48+deb13-amd64"
#define OTHER_KERNEL    "6.16.3+deb13-amd64"
#define BACKUP_ID       "20260301T101500Z-0a1b2c3d"
#define INSTALLED_ID    "20260302T120000Z-deadbeef"
#define VMMON_SHA256    "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"
#define VMNET_SHA256    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define VMWARE_SHA256   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define WORKSTATION     "17.6.3"
#define CREATED_SECONDS G_GUINT64_CONSTANT (1772360100)

/* one backup of ListBackups, every key the helper sends */
static GVariant *
make_backup (const char *id,
             const char *kernel,
             const char *workstation,
             const char *const *flags,
             gboolean installed,
             gboolean known_good)
{
  const char *const none[] = { NULL };
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string (id));
  g_variant_builder_add (&builder, "{sv}", "created", g_variant_new_uint64 (CREATED_SECONDS));
  g_variant_builder_add (&builder, "{sv}", "kernel-release", g_variant_new_string (kernel));
  g_variant_builder_add (&builder, "{sv}", "workstation-version",
                         g_variant_new_string (workstation));
  g_variant_builder_add (&builder, "{sv}", "interface-version", g_variant_new_int32 (417));
  g_variant_builder_add (&builder, "{sv}", "flag-ids",
                         g_variant_new_strv (flags != NULL ? flags : none, -1));
  g_variant_builder_add (&builder, "{sv}", "origin", g_variant_new_string ("modtune"));
  g_variant_builder_add (&builder, "{sv}", "installed", g_variant_new_boolean (installed));
  g_variant_builder_add (&builder, "{sv}", "known-good", g_variant_new_boolean (known_good));
  g_variant_builder_add (&builder, "{sv}", "size", g_variant_new_uint64 (245760));

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* one module of GetStatus: origin, sha256 (not with "none"), backup-id
 * (only when the file is the installed backup's), loaded */
static GVariant *
make_module (const char *origin, const char *sha256, const char *backup_id, gboolean loaded)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "origin", g_variant_new_string (origin));
  if (sha256 != NULL)
    g_variant_builder_add (&builder, "{sv}", "sha256", g_variant_new_string (sha256));
  if (backup_id != NULL)
    g_variant_builder_add (&builder, "{sv}", "backup-id", g_variant_new_string (backup_id));
  g_variant_builder_add (&builder, "{sv}", "loaded", g_variant_new_boolean (loaded));

  return g_variant_builder_end (&builder);
}

static GVariant *
make_status (const char *kernel, GVariant *vmmon, GVariant *vmnet)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "kernel-release", g_variant_new_string (kernel));
  g_variant_builder_add (&builder, "{sv}", "workstation-version",
                         g_variant_new_string (WORKSTATION));
  g_variant_builder_add (&builder, "{sv}", "vmmon", vmmon);
  g_variant_builder_add (&builder, "{sv}", "vmnet", vmnet);
  g_variant_builder_add (&builder, "{sv}", "recovered", g_variant_new_boolean (FALSE));

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static const char *
body_of (MtRestoreDialog *dialog)
{
  return adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog));
}

static const char *
row_subtitle (MtRestoreDialog *dialog, const char *name)
{
  return adw_action_row_get_subtitle (
    ADW_ACTION_ROW (mt_app_test_child (GTK_WIDGET (dialog), MT_TYPE_RESTORE_DIALOG, name)));
}

static const char *
notes_of (MtRestoreDialog *dialog)
{
  return gtk_label_get_label (
    GTK_LABEL (mt_app_test_child (GTK_WIDGET (dialog), MT_TYPE_RESTORE_DIALOG, "notes_label")));
}

/* The usual case: Modtune's modules installed, from another backup, and
 * a backup built with a flag. */
static void
test_restore_dialog (void)
{
  const char *const flags[] = { "unroll-loops", NULL };
  g_autoptr (GVariant) backup = make_backup (BACKUP_ID, KERNEL, WORKSTATION, flags, FALSE, FALSE);
  g_autoptr (GVariant) status =
    make_status (KERNEL, make_module ("modtune", VMMON_SHA256, INSTALLED_ID, TRUE),
                 make_module ("modtune", VMNET_SHA256, INSTALLED_ID, TRUE));
  GtkWindow *window = mt_app_test_present (adw_status_page_new (), 900, 720);
  MtRestoreDialog *dialog = mt_restore_dialog_new (backup, status);
  const char *body = body_of (dialog);

  g_test_message ("%s", body);
  g_assert_cmpstr (mt_restore_dialog_get_backup_id (dialog), ==, BACKUP_ID);
  /* what the backup puts back, and for which kernel; what it replaces */
  mt_app_test_assert_contains (body, KERNEL);
  mt_app_test_assert_contains (body, "VMware Workstation " WORKSTATION);
  mt_app_test_assert_contains (body, "Unroll loops (-funroll-loops)");
  mt_app_test_assert_contains (body, "It replaces Modtune’s vmmon and vmnet installed now");
  /* each module: what is installed now (its hash's start, its backup) → the backup's */
  mt_app_test_assert_contains (row_subtitle (dialog, "vmmon_row"),
                               "Modtune’s module (SHA-256 1a2b3c4d5e6f…, backup " INSTALLED_ID
                               ", loaded) → this backup’s vmmon");
  mt_app_test_assert_contains (row_subtitle (dialog, "vmnet_row"),
                               "Modtune’s module (SHA-256 ffeeddccbbaa…, backup " INSTALLED_ID
                               ", loaded) → this backup’s vmnet");
  /* what the helper does around it */
  mt_app_test_assert_contains (notes_of (dialog), "kept as a backup before they are replaced");
  mt_app_test_assert_contains (notes_of (dialog), "the restored ones load at the next boot");

  g_assert_cmpstr (adw_alert_dialog_get_default_response (ADW_ALERT_DIALOG (dialog)), ==, "cancel");
  g_assert_cmpstr (adw_alert_dialog_get_close_response (ADW_ALERT_DIALOG (dialog)), ==, "cancel");
  g_assert_true (adw_alert_dialog_has_response (ADW_ALERT_DIALOG (dialog), "restore"));
  g_assert_cmpint (adw_alert_dialog_get_response_appearance (ADW_ALERT_DIALOG (dialog), "restore"),
                   ==, ADW_RESPONSE_SUGGESTED);

  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  mt_app_test_spin (400);
  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (dialog)), >=, 2);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "restore-dialog");

  /* on a phone's width it still fits */
  gtk_window_set_default_size (window, 360, 720);
  mt_app_test_spin (500);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, 360);
  mt_app_test_screenshot (GTK_WIDGET (window), "restore-dialog-narrow.png");

  adw_dialog_force_close (ADW_DIALOG (dialog));
  gtk_window_destroy (window);
}

/* VMware's own modules, or none, installed now: nothing of Modtune's is
 * backed up first, and VMware's files stay. */
static void
test_restore_dialog_over_vmware (void)
{
  g_autoptr (GVariant) backup = make_backup (BACKUP_ID, KERNEL, WORKSTATION, NULL, TRUE, TRUE);
  g_autoptr (GVariant) status =
    make_status (KERNEL, make_module ("vmware", VMWARE_SHA256, NULL, FALSE),
                 make_module ("none", NULL, NULL, FALSE));
  g_autoptr (MtRestoreDialog) dialog = g_object_ref_sink (mt_restore_dialog_new (backup, status));
  const char *body = body_of (dialog);

  g_test_message ("%s", body);
  mt_app_test_assert_contains (body, "no extra flags (vanilla)");
  mt_app_test_assert_contains (body, "It replaces the vmmon and vmnet installed now");
  mt_app_test_assert_contains (row_subtitle (dialog, "vmmon_row"),
                               "VMware’s own module (SHA-256 0123456789ab…) → this backup’s vmmon");
  mt_app_test_assert_contains (row_subtitle (dialog, "vmnet_row"),
                               "none installed now → this backup’s vmnet");
  mt_app_test_assert_contains (notes_of (dialog), "nothing to back up first");
  mt_app_test_assert_contains (notes_of (dialog), "VMware’s own modules, if any, are not touched");
  g_assert_null (strstr (notes_of (dialog), "kept as a backup"));
}

/* A backup of another kernel: its modules load when that kernel boots,
 * and the running kernel's status says nothing about it. */
static void
test_restore_dialog_other_kernel (void)
{
  g_autoptr (GVariant) backup = make_backup (BACKUP_ID, OTHER_KERNEL, "", NULL, FALSE, FALSE);
  g_autoptr (GVariant) status =
    make_status (KERNEL, make_module ("modtune", VMMON_SHA256, INSTALLED_ID, FALSE),
                 make_module ("modtune", VMNET_SHA256, INSTALLED_ID, FALSE));
  g_autoptr (MtRestoreDialog) dialog = g_object_ref_sink (mt_restore_dialog_new (backup, status));
  const char *body = body_of (dialog);

  g_test_message ("%s", body);
  mt_app_test_assert_contains (body, OTHER_KERNEL);
  /* the helper recorded no version and no flags for this pair */
  mt_app_test_assert_contains (body, "was not recorded");
  mt_app_test_assert_contains (notes_of (dialog),
                               "Kernel " OTHER_KERNEL " is not the running kernel (" KERNEL ")");
  mt_app_test_assert_contains (notes_of (dialog), "load when kernel " OTHER_KERNEL " boots");
  /* the running kernel's modules are not what it replaces */
  g_assert_false (gtk_widget_get_visible (
    mt_app_test_child (GTK_WIDGET (dialog), MT_TYPE_RESTORE_DIALOG, "changes_list")));
  g_assert_null (strstr (body, "1a2b3c4d5e6f"));
}

/* A row: its date, kernel, version and flags; its buttons' actions and
 * names; the installed backup cannot be deleted. */
static void
test_rows (void)
{
  const char *const flags[] = { "unroll-loops", "no-such-flag", NULL };
  g_autoptr (GVariant) old = make_backup (BACKUP_ID, KERNEL, WORKSTATION, flags, FALSE, FALSE);
  g_autoptr (GVariant) current = make_backup (INSTALLED_ID, KERNEL, WORKSTATION, NULL, TRUE, TRUE);
  g_autoptr (MtFlagCatalog) catalog = mt_flag_catalog_new_default (NULL);
  g_autoptr (GDateTime) created = g_date_time_new_from_unix_local (CREATED_SECONDS);
  g_autofree char *date = g_date_time_format (created, "%x %X");
  g_autofree char *restore_label = g_strdup_printf ("Restore backup from %s", date);
  g_autofree char *delete_label = g_strdup_printf ("Delete backup from %s", date);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *old_row = mt_backup_row_new (old, catalog);
  GtkWidget *current_row = mt_backup_row_new (current, catalog);
  GtkWidget *restore;
  GtkWidget *delete;
  GtkWindow *window;
  const char *subtitle;

  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_valign (list, GTK_ALIGN_START);
  gtk_list_box_append (GTK_LIST_BOX (list), old_row);
  gtk_list_box_append (GTK_LIST_BOX (list), current_row);
  window = mt_app_test_present (list, 600, 300);

  g_assert_cmpstr (mt_backup_row_get_id (MT_BACKUP_ROW (old_row)), ==, BACKUP_ID);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (old_row)), ==, date);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (old_row));
  mt_app_test_assert_contains (subtitle, "Kernel " KERNEL " · VMware Workstation " WORKSTATION);
  /* a flag by its catalog label, an unknown one by its id */
  mt_app_test_assert_contains (subtitle, "Unroll loops (-funroll-loops), no-such-flag");
  mt_app_test_assert_contains (adw_action_row_get_subtitle (ADW_ACTION_ROW (current_row)),
                               "Vanilla (no extra flags)");

  restore = mt_app_test_child (old_row, MT_TYPE_BACKUP_ROW, "restore_button");
  delete = mt_app_test_child (old_row, MT_TYPE_BACKUP_ROW, "delete_button");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (restore)), ==,
                   "backups.restore");
  g_assert_cmpstr (
    g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (restore)), NULL),
    ==, BACKUP_ID);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (delete)), ==, "backups.delete");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (restore), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       restore_label);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (delete), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       delete_label);
  g_assert_false (
    gtk_widget_get_visible (mt_app_test_child (old_row, MT_TYPE_BACKUP_ROW, "installed_tag")));

  /* the helper refuses to delete the installed and the known-good backups */
  delete = mt_app_test_child (current_row, MT_TYPE_BACKUP_ROW, "delete_button");
  g_assert_null (gtk_actionable_get_action_name (GTK_ACTIONABLE (delete)));
  g_assert_false (gtk_widget_get_sensitive (delete));
  g_assert_true (
    gtk_widget_get_visible (mt_app_test_child (current_row, MT_TYPE_BACKUP_ROW, "installed_tag")));
  g_assert_true (
    gtk_widget_get_visible (mt_app_test_child (current_row, MT_TYPE_BACKUP_ROW, "known_good_tag")));

  g_assert_cmpuint (mt_app_test_check_accessible (list), >=, 6);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "backup-rows");
  gtk_window_destroy (window);
}

static gboolean
client_settled (gpointer data)
{
  return mt_helper_client_get_unavailable_reason (MT_HELPER_CLIENT (data)) != NULL;
}

static void
refresh_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* no helper on this bus: the refresh fails, and says why */
  g_assert_false (mt_helper_client_refresh_finish (MT_HELPER_CLIENT (source), result, &error));
  g_assert_nonnull (error);
}

/* The session bus of dbus-run-session has no helper: the page says that
 * backups need it, and neither action does anything. */
static void
test_no_helper (void)
{
  g_autoptr (MtHelperClient) client = mt_helper_client_new ();
  MtBackupsPage *page = g_object_new (MT_TYPE_BACKUPS_PAGE, "client", client, NULL);
  GtkStack *stack =
    GTK_STACK (mt_app_test_child (GTK_WIDGET (page), MT_TYPE_BACKUPS_PAGE, "stack"));
  AdwStatusPage *status_page = ADW_STATUS_PAGE (
    mt_app_test_child (GTK_WIDGET (page), MT_TYPE_BACKUPS_PAGE, "unavailable_page"));
  GtkWindow *window = mt_app_test_present (GTK_WIDGET (page), 900, 720);

  g_assert_true (mt_backups_page_get_client (page) == client);
  /* before the first answer */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "loading");

  mt_helper_client_refresh_async (client, NULL, refresh_cb, NULL);
  g_assert_true (mt_app_test_wait (client_settled, client, 30));
  mt_app_test_spin (300);

  g_assert_false (mt_helper_client_get_available (client));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "unavailable");
  g_assert_cmpstr (adw_status_page_get_title (status_page), ==, "Backups Need the Helper");
  mt_app_test_assert_contains (adw_status_page_get_description (status_page),
                               mt_helper_client_get_unavailable_reason (client));
  /* no dialog opens: the actions are off */
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.restore", "s", BACKUP_ID);
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.delete", "s", BACKUP_ID);
  mt_app_test_spin (100);
  g_assert_null (adw_window_get_visible_dialog (ADW_WINDOW (window)));

  mt_app_test_check_accessible (GTK_WIDGET (window));
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "backups-page-no-helper");

  /* a client can be taken away */
  mt_backups_page_set_client (page, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "loading");
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  /* no helper on this bus: see test_no_helper() */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);

  mt_app_test_init (&argc, &argv);

  g_test_add_func ("/backups-page/restore-dialog", test_restore_dialog);
  g_test_add_func ("/backups-page/restore-dialog-over-vmware", test_restore_dialog_over_vmware);
  g_test_add_func ("/backups-page/restore-dialog-other-kernel", test_restore_dialog_other_kernel);
  g_test_add_func ("/backups-page/rows", test_rows);
  g_test_add_func ("/backups-page/no-helper", test_no_helper);

  return mt_app_test_run ();
}
