/* mt-backups-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-backups-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-backup-row.h"
#include "mt-backups-page.h"
#include "mt-restore-dialog.h"
#include "mt-window.h"

/**
 * MtBackupsPage:
 *
 * The Backups page: the module pairs the helper keeps (#MtHelperClient's
 * `backups`, newest first), each an #MtBackupRow whose buttons activate
 * `backups.restore` and `backups.delete` with the backup's id.  Restore
 * asks with an #MtRestoreDialog, Delete with an alert; both then only
 * start the helper's call: the window follows a job the client announces,
 * and the client refreshes its backups afterwards, which rebuilds the
 * list.  Without the helper the page says backups need it; while a call
 * waits for polkit it says so and the actions are off.  Errors go to the
 * window's toasts, or to a banner on the page when it has no window.
 */
struct _MtBackupsPage
{
  AdwBin parent_instance;

  MtHelperClient *client;
  MtFlagCatalog *catalog;

  /* template children */
  AdwBanner *error_banner;
  GtkRevealer *authorizing_revealer;
  GtkStack *stack;
  AdwStatusPage *unavailable_page;
  GtkListBox *list_box;
};

G_DEFINE_FINAL_TYPE (MtBackupsPage, mt_backups_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

MtHelperClient *
mt_backups_page_get_client (MtBackupsPage *self)
{
  g_return_val_if_fail (MT_IS_BACKUPS_PAGE (self), NULL);

  return self->client;
}

/* An error of a call the page made: the window's toast, or the banner. */
static void
show_error (MtBackupsPage *self, const char *prefix, const GError *error)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), MT_TYPE_WINDOW);
  g_autoptr (GError) copy = NULL;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (window != NULL)
    {
      mt_window_show_error_toast (MT_WINDOW (window), prefix, error);
      return;
    }

  copy = g_error_copy (error);
  g_dbus_error_strip_remote_error (copy);
  /* TRANSLATORS: "Could not restore the backup: <reason>" */
  message = g_strdup_printf (_ ("%s: %s"), prefix, copy->message);
  adw_banner_set_title (self->error_banner, message);
  adw_banner_set_revealed (self->error_banner, TRUE);
}

static void
error_banner_button_clicked_cb (MtBackupsPage *self)
{
  adw_banner_set_revealed (self->error_banner, FALSE);
}

static void
show_toast (MtBackupsPage *self, const char *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), MT_TYPE_WINDOW);

  if (window != NULL)
    mt_window_show_toast (MT_WINDOW (window), message);
}

/* The backup @id of the client's last refresh, or %NULL. */
static GVariant *
dup_backup (MtBackupsPage *self, const char *id)
{
  GVariant *backups = self->client != NULL ? mt_helper_client_get_backups (self->client) : NULL;

  for (gsize i = 0; backups != NULL && i < g_variant_n_children (backups); i++)
    {
      g_autoptr (GVariant) backup = g_variant_get_child_value (backups, i);

      if (g_strcmp0 (mt_backup_lookup_string (backup, "id"), id) == 0)
        return g_steal_pointer (&backup);
    }

  return NULL;
}

static void
update_actions (MtBackupsPage *self)
{
  gboolean enabled = self->client != NULL && mt_helper_client_get_available (self->client) &&
                     !mt_helper_client_get_authorizing (self->client) &&
                     mt_helper_client_get_current_job (self->client) == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.restore", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.delete", enabled);
  gtk_revealer_set_reveal_child (self->authorizing_revealer,
                                 self->client != NULL &&
                                   mt_helper_client_get_authorizing (self->client));
}

static int
compare_created (gconstpointer a, gconstpointer b)
{
  GVariant *left = *(GVariant **) a;
  GVariant *right = *(GVariant **) b;
  guint64 l = 0;
  guint64 r = 0;

  g_variant_lookup (left, "created", "t", &l);
  g_variant_lookup (right, "created", "t", &r);

  /* newest first */
  return (l < r) - (l > r);
}

static void
update_backups (MtBackupsPage *self)
{
  GVariant *backups = NULL;
  g_autoptr (GPtrArray) sorted = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_autofree char *description = NULL;
  const char *reason = NULL;

  if (self->client != NULL)
    {
      backups = mt_helper_client_get_backups (self->client);
      reason = mt_helper_client_get_unavailable_reason (self->client);
    }

  /* the rows are made again each time: no stale or duplicate row stays */
  gtk_list_box_remove_all (self->list_box);

  if (self->client == NULL || !mt_helper_client_get_available (self->client))
    {
      g_autofree char *escaped = NULL;

      if (reason == NULL)
        {
          /* before the first answer, or after an error that is not the
           * helper's absence: the page waits for the next refresh */
          gtk_stack_set_visible_child_name (self->stack, "loading");
          return;
        }

      escaped = g_markup_escape_text (reason, -1);
      description = g_strdup_printf (
        "%s\n\n%s", escaped,
        _ ("Modtune keeps and restores backups of the modules through its system helper "
           "(modtune-helper). Install Modtune from your distribution, or install the helper "
           "as root, then detect again."));
      adw_status_page_set_description (self->unavailable_page, description);
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      return;
    }

  for (gsize i = 0; backups != NULL && i < g_variant_n_children (backups); i++)
    g_ptr_array_add (sorted, g_variant_get_child_value (backups, i));
  g_ptr_array_sort (sorted, compare_created);

  for (guint i = 0; i < sorted->len; i++)
    gtk_list_box_append (self->list_box, mt_backup_row_new (sorted->pdata[i], self->catalog));

  gtk_stack_set_visible_child_name (self->stack, sorted->len > 0 ? "list" : "empty");
}

static void
client_notify_cb (MtBackupsPage *self, GParamSpec *pspec, MtHelperClient *client)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "backups") || g_str_equal (name, "available"))
    update_backups (self);
  update_actions (self);
}

void
mt_backups_page_set_client (MtBackupsPage *self, MtHelperClient *client)
{
  g_return_if_fail (MT_IS_BACKUPS_PAGE (self));
  g_return_if_fail (client == NULL || MT_IS_HELPER_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect_object (client, "notify", G_CALLBACK (client_notify_cb), self,
                             G_CONNECT_SWAPPED);

  update_backups (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

/* -- restore ------------------------------------------------------------- */

static void
restore_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtBackupsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtJob) job = NULL;

  /* on success the window follows the job (MtHelperClient::job-started) */
  job = mt_helper_client_restore_finish (MT_HELPER_CLIENT (source), result, &error);
  if (job == NULL)
    show_error (self, _ ("Could not restore the backup"), error);
}

static void
restore_response_cb (MtBackupsPage *self, const char *response, MtRestoreDialog *dialog)
{
  if (!g_str_equal (response, "restore") || self->client == NULL)
    return;

  adw_banner_set_revealed (self->error_banner, FALSE);
  mt_helper_client_restore_async (self->client, mt_restore_dialog_get_backup_id (dialog), NULL,
                                  restore_cb, g_object_ref (self));
}

static void
restore_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtBackupsPage *self = MT_BACKUPS_PAGE (widget);
  g_autoptr (GVariant) backup = dup_backup (self, g_variant_get_string (parameter, NULL));
  MtRestoreDialog *dialog;

  if (backup == NULL)
    return;

  dialog = mt_restore_dialog_new (backup, mt_helper_client_get_status (self->client));
  g_signal_connect_object (dialog, "response", G_CALLBACK (restore_response_cb), self,
                           G_CONNECT_SWAPPED);
  adw_dialog_present (ADW_DIALOG (dialog), widget);
}

/* -- delete -------------------------------------------------------------- */

static void
delete_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtBackupsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  /* the client refreshes its backups, and the list follows */
  if (mt_helper_client_delete_backup_finish (MT_HELPER_CLIENT (source), result, &error))
    show_toast (self, _ ("Backup deleted"));
  else
    show_error (self, _ ("Could not delete the backup"), error);
}

static void
delete_response_cb (MtBackupsPage *self, const char *response, AdwAlertDialog *dialog)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "backup-id");

  if (!g_str_equal (response, "delete") || self->client == NULL || id == NULL)
    return;

  adw_banner_set_revealed (self->error_banner, FALSE);
  mt_helper_client_delete_backup_async (self->client, id, NULL, delete_cb, g_object_ref (self));
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtBackupsPage *self = MT_BACKUPS_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr (GVariant) backup = dup_backup (self, id);
  g_autofree char *date = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *body = NULL;
  const char *kernel;
  AdwDialog *dialog;

  /* the helper refuses these; the row's button is off for them */
  if (backup == NULL || mt_backup_is_protected (backup))
    return;

  date = mt_backup_format_date (backup);
  flags = mt_backup_format_flags (backup, self->catalog);
  kernel = mt_backup_lookup_string (backup, "kernel-release");
  body = g_strdup_printf (
    /* TRANSLATORS: the date, the kernel release, then the flags the
     * modules were built with (or "Vanilla (no extra flags)") */
    _ ("The vmmon and vmnet kept on %s for kernel %s are removed for good and cannot be restored "
       "afterwards. The modules installed now are not changed.\n\nBuilt with: %s"),
    date, kernel != NULL ? kernel : "?", flags);

  dialog = adw_alert_dialog_new (_ ("Delete This Backup?"), body);
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                  _ ("_Delete"), NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "delete",
                                            ADW_RESPONSE_DESTRUCTIVE);
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "cancel");
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "backup-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self,
                           G_CONNECT_SWAPPED);
  adw_dialog_present (dialog, widget);
}

/* -- object -------------------------------------------------------------- */

static void
mt_backups_page_dispose (GObject *object)
{
  MtBackupsPage *self = (MtBackupsPage *) object;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->catalog);

  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_BACKUPS_PAGE);

  G_OBJECT_CLASS (mt_backups_page_parent_class)->dispose (object);
}

static void
mt_backups_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtBackupsPage *self = MT_BACKUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_backups_page_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  MtBackupsPage *self = MT_BACKUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      mt_backups_page_set_client (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_backups_page_class_init (MtBackupsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mt_backups_page_dispose;
  object_class->get_property = mt_backups_page_get_property;
  object_class->set_property = mt_backups_page_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, MT_TYPE_HELPER_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MT_TYPE_BACKUP_ROW);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-backups-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtBackupsPage, error_banner);
  gtk_widget_class_bind_template_child (widget_class, MtBackupsPage, authorizing_revealer);
  gtk_widget_class_bind_template_child (widget_class, MtBackupsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MtBackupsPage, unavailable_page);
  gtk_widget_class_bind_template_child (widget_class, MtBackupsPage, list_box);
  gtk_widget_class_bind_template_callback (widget_class, error_banner_button_clicked_cb);

  /* the parameter is a backup id of ListBackups */
  gtk_widget_class_install_action (widget_class, "backups.restore", "s", restore_action);
  gtk_widget_class_install_action (widget_class, "backups.delete", "s", delete_action);
}

static void
mt_backups_page_init (MtBackupsPage *self)
{
  g_autoptr (GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* to name the flags of each backup as the Flags page does; without the
   * catalog the rows show the flags' ids */
  self->catalog = mt_flag_catalog_new_default (&error);
  if (self->catalog == NULL)
    g_warning ("No flag catalog: %s", error->message);

  update_backups (self);
  update_actions (self);
}
