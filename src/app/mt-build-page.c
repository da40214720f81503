/* mt-build-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-build-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-build-page.h"
#include "mt-log-view.h"

/**
 * MtBuildPage:
 *
 * A helper job as it runs: what it does now, its progress and its live
 * log (searchable and copyable), a Cancel button while the job can still
 * be cancelled, and at the end its result, with the log kept below.  The
 * page cannot be left while the job runs; "Done" pops it.
 */
struct _MtBuildPage
{
  AdwNavigationPage parent_instance;

  MtJob *job;
  GBinding *progress_binding;
  GCancellable *cancellable;
  gboolean cancelling;

  /* template children */
  AdwToastOverlay *toast_overlay;
  GtkToggleButton *search_button;
  GtkButton *copy_button;
  AdwBanner *banner;
  GtkStack *stack;
  GtkLabel *stage_label;
  GtkProgressBar *progress_bar;
  GtkLabel *kernel_label;
  GtkButton *cancel_button;
  AdwStatusPage *result_page;
  GtkToggleButton *log_toggle;
  GtkButton *done_button;
  MtLogView *log_view;
};

G_DEFINE_FINAL_TYPE (MtBuildPage, mt_build_page, ADW_TYPE_NAVIGATION_PAGE)

enum
{
  PROP_0,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

MtBuildPage *
mt_build_page_new (MtJob *job)
{
  return g_object_new (MT_TYPE_BUILD_PAGE, "job", job, NULL);
}

MtJob *
mt_build_page_get_job (MtBuildPage *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PAGE (self), NULL);

  return self->job;
}

static const char *
describe_operation (const char *operation)
{
  if (g_strcmp0 (operation, "restore") == 0)
    /* TRANSLATORS: the title of the page that follows a Restore job */
    return _ ("Restoring");
  if (g_strcmp0 (operation, "uninstall") == 0)
    /* TRANSLATORS: the title of the page that follows an Uninstall job */
    return _ ("Uninstalling");

  /* TRANSLATORS: the title of the page that follows the one-click job */
  return _ ("Building and Installing");
}

/* The stage in words, as modtunectl shows it, as a label: "Building vmmon
 * and vmnet as the build user…" */
static char *
describe_stage (const char *operation, const char *stage)
{
  const char *text = mt_helper_job_describe_stage (operation, stage);

  if (stage == NULL || *stage == '\0')
    return g_strdup (_ ("Starting…"));
  if (text == NULL)
    return g_strdup (stage);

  /* TRANSLATORS: a stage of a job in progress, "Building vmmon and vmnet as
   * the build user…" */
  return g_strdup_printf (_ ("%s…"), text);
}

static void
update_stage (MtBuildPage *self)
{
  if (self->cancelling)
    gtk_label_set_label (self->stage_label, _ ("Cancelling…"));
  else
    {
      g_autofree char *text =
        describe_stage (mt_job_get_operation (self->job), mt_job_get_stage (self->job));

      gtk_label_set_label (self->stage_label, text);
    }
}

static void
update_cancel (MtBuildPage *self)
{
  gboolean can_cancel = self->job != NULL && mt_job_get_cancelable (self->job) &&
                        !mt_job_get_finished (self->job) && !self->cancelling;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "build.cancel", can_cancel);
}

static gboolean
is_not_authorized (const char *error_name)
{
  return g_strcmp0 (error_name, "io.github.modtune.Error.NotAuthorized") == 0 ||
         g_strcmp0 (error_name, "org.freedesktop.DBus.Error.AccessDenied") == 0;
}

/* The result in words: a title, and a description in Pango markup. */
static void
describe_result (MtBuildPage *self,
                 const char **icon_name,
                 const char **title,
                 GString *description)
{
  const char *operation = mt_job_get_operation (self->job);
  const char *backup_id = mt_job_get_backup_id (self->job);
  const char *message = mt_job_get_error_message (self->job);
  g_autofree char *kernel = g_markup_escape_text (mt_job_get_kernel_release (self->job) ?: "", -1);
  gboolean uninstall = g_strcmp0 (operation, "uninstall") == 0;
  gboolean restore = g_strcmp0 (operation, "restore") == 0;

  switch (mt_job_get_state (self->job))
    {
    case MT_JOB_STATE_SUCCEEDED:
      *icon_name = "object-select-symbolic";
      if (uninstall)
        {
          *title = _ ("Modules Removed");
          /* TRANSLATORS: %s is a kernel release such as 6.12.48-amd64 */
          g_string_append_printf (description,
                                  _ ("Modtune’s vmmon and vmnet are removed for kernel %s; "
                                     "VMware’s own modules, if there are any, are used again."),
                                  kernel);
        }
      else
        {
          *title = restore ? _ ("Backup Restored") : _ ("Modules Installed");
          /* TRANSLATORS: %s is a kernel release such as 6.12.48-amd64 */
          g_string_append_printf (description, _ ("vmmon and vmnet are installed for kernel %s."),
                                  kernel);
        }
      if (backup_id != NULL)
        {
          g_string_append (description, "\n");
          g_string_append (description,
                           uninstall ? _ ("The removed modules are kept as a backup, which the "
                                          "Backups page can restore.")
                                     : _ ("The modules they replaced are kept as a backup, which "
                                          "the Backups page can restore."));
        }
      break;

    case MT_JOB_STATE_CANCELLED:
      *icon_name = "process-stop-symbolic";
      *title = _ ("Cancelled");
      g_string_append (description, _ ("Nothing was changed."));
      break;

    case MT_JOB_STATE_FAILED:
    case MT_JOB_STATE_RUNNING:
    default:
      *icon_name = "dialog-error-symbolic";
      if (uninstall)
        *title = _ ("Uninstalling Failed");
      else if (restore)
        *title = _ ("Restoring Failed");
      else
        *title = _ ("Building and Installing Failed");
      if (is_not_authorized (mt_job_get_error_name (self->job)))
        {
          g_string_append (description, _ ("Authorization was refused. Try again, and enter an "
                                           "administrator’s password when you are asked for it."));
        }
      else
        {
          g_autofree char *escaped = g_markup_escape_text (message ?: "", -1);

          g_string_append (description, escaped);
          g_string_append (description, "\n");
          g_string_append (description, _ ("The log below shows what went wrong. To ask for "
                                           "help, copy it with the Copy Log button at the top."));
        }
      break;
    }
}

static void
update_result (MtBuildPage *self)
{
  g_autoptr (GString) description = g_string_new (NULL);
  const char *icon_name = NULL;
  const char *title = NULL;

  describe_result (self, &icon_name, &title, description);
  adw_status_page_set_icon_name (self->result_page, icon_name);
  adw_status_page_set_title (self->result_page, title);
  adw_status_page_set_description (self->result_page, description->str);

  gtk_widget_remove_css_class (GTK_WIDGET (self->result_page), "build-succeeded");
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_page), "build-failed");
  if (mt_job_get_state (self->job) == MT_JOB_STATE_SUCCEEDED)
    gtk_widget_add_css_class (GTK_WIDGET (self->result_page), "build-succeeded");
  else if (mt_job_get_state (self->job) == MT_JOB_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->result_page), "build-failed");
}

static void
show_result (MtBuildPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  update_result (self);

  /* the log stays, shown at once after a failure */
  gtk_toggle_button_set_active (self->log_toggle,
                                mt_job_get_state (self->job) == MT_JOB_STATE_FAILED);
  gtk_stack_set_visible_child_name (self->stack, "result");
  adw_banner_set_revealed (self->banner, FALSE);
  adw_navigation_page_set_can_pop (ADW_NAVIGATION_PAGE (self), TRUE);
  update_cancel (self);

  if (focus == NULL || focus == GTK_WIDGET (self->cancel_button))
    gtk_widget_grab_focus (GTK_WIDGET (self->done_button));
  gtk_accessible_announce (GTK_ACCESSIBLE (self), adw_status_page_get_title (self->result_page),
                           GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
}

static void
job_stage_cb (MtBuildPage *self)
{
  update_stage (self);
}

static void
job_cancelable_cb (MtBuildPage *self)
{
  update_cancel (self);
}

/* the backup id may arrive after the end */
static void
job_backup_id_cb (MtBuildPage *self)
{
  if (mt_job_get_finished (self->job))
    update_result (self);
}

static void
job_log_line_cb (MtBuildPage *self, const char *line)
{
  mt_log_view_append_line (self->log_view, line);
}

static void
job_finished_cb (MtBuildPage *self)
{
  show_result (self);
}

void
mt_build_page_set_job (MtBuildPage *self, MtJob *job)
{
  g_autofree char *log = NULL;
  g_autofree char *kernel = NULL;

  g_return_if_fail (MT_IS_BUILD_PAGE (self));
  g_return_if_fail (job == NULL || MT_IS_JOB (job));

  if (self->job == job)
    return;

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_pointer (&self->progress_binding, g_binding_unbind);
  g_set_object (&self->job, job);
  self->cancelling = FALSE;

  if (job != NULL)
    {
      g_signal_connect_object (job, "notify::stage", G_CALLBACK (job_stage_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "notify::cancelable", G_CALLBACK (job_cancelable_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "notify::backup-id", G_CALLBACK (job_backup_id_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "log-line", G_CALLBACK (job_log_line_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "finished", G_CALLBACK (job_finished_cb), self,
                               G_CONNECT_SWAPPED);
      self->progress_binding = g_object_bind_property (job, "progress", self->progress_bar,
                                                       "fraction", G_BINDING_SYNC_CREATE);

      adw_navigation_page_set_title (ADW_NAVIGATION_PAGE (self),
                                     describe_operation (mt_job_get_operation (job)));
      /* TRANSLATORS: %s is a kernel release such as 6.12.48-amd64 */
      kernel = g_strdup_printf (_ ("For kernel %s"), mt_job_get_kernel_release (job) ?: "");
      gtk_label_set_label (self->kernel_label, kernel);
      log = mt_job_dup_log (job);
      mt_log_view_set_text (self->log_view, log);
      update_stage (self);

      if (mt_job_get_finished (job))
        show_result (self);
      else
        {
          gtk_stack_set_visible_child_name (self->stack, "progress");
          adw_navigation_page_set_can_pop (ADW_NAVIGATION_PAGE (self), FALSE);
          gtk_toggle_button_set_active (self->log_toggle, TRUE);
        }
    }

  update_cancel (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

/* -- actions ------------------------------------------------------------ */

static void
cancel_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtBuildPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  if (mt_job_cancel_finish (MT_JOB (object), result, &error))
    return; /* the job ends as cancelled: its result follows */

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || MT_JOB (object) != self->job)
    return;

  self->cancelling = FALSE;
  update_stage (self);
  update_cancel (self);
  if (mt_job_get_finished (self->job))
    return;

  /* TRANSLATORS: %s says why, for example that the job is installing */
  title = g_strdup_printf (_ ("The job could not be cancelled: %s"), error->message);
  adw_banner_set_title (self->banner, title);
  adw_banner_set_revealed (self->banner, TRUE);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtBuildPage *self = MT_BUILD_PAGE (widget);

  if (self->job == NULL || self->cancelling)
    return;

  self->cancelling = TRUE;
  update_stage (self);
  update_cancel (self);
  adw_banner_set_revealed (self->banner, FALSE);
  mt_job_cancel_async (self->job, self->cancellable, cancel_cb, g_object_ref (self));
}

static void
copy_log_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtBuildPage *self = MT_BUILD_PAGE (widget);
  g_autofree char *log = NULL;

  if (self->job == NULL)
    return;

  log = mt_job_dup_log (self->job);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), log);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Log copied")));
}

static void
search_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtBuildPage *self = MT_BUILD_PAGE (widget);

  gtk_toggle_button_set_active (self->log_toggle, TRUE);
  mt_log_view_start_search (self->log_view);
}

/* -- object ------------------------------------------------------------- */

static void
mt_build_page_dispose (GObject *object)
{
  MtBuildPage *self = (MtBuildPage *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_pointer (&self->progress_binding, g_binding_unbind);
  g_clear_object (&self->job);

  /* the page's child is a template child: AdwNavigationPage lets go of it
   * first, so that it is unparented once */
  adw_navigation_page_set_child (ADW_NAVIGATION_PAGE (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_BUILD_PAGE);

  G_OBJECT_CLASS (mt_build_page_parent_class)->dispose (object);
}

static void
mt_build_page_finalize (GObject *object)
{
  MtBuildPage *self = (MtBuildPage *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mt_build_page_parent_class)->finalize (object);
}

static void
mt_build_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtBuildPage *self = MT_BUILD_PAGE (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_build_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MtBuildPage *self = MT_BUILD_PAGE (object);

  switch (prop_id)
    {
    case PROP_JOB:
      mt_build_page_set_job (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_build_page_class_init (MtBuildPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mt_build_page_dispose;
  object_class->finalize = mt_build_page_finalize;
  object_class->get_property = mt_build_page_get_property;
  object_class->set_property = mt_build_page_set_property;

  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, MT_TYPE_JOB,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MT_TYPE_LOG_VIEW);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-build-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, search_button);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, copy_button);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, banner);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, stage_label);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, kernel_label);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, result_page);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, log_toggle);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, done_button);
  gtk_widget_class_bind_template_child (widget_class, MtBuildPage, log_view);

  gtk_widget_class_install_action (widget_class, "build.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "build.copy-log", NULL, copy_log_action);
  gtk_widget_class_install_action (widget_class, "build.search", NULL, search_action);

  /* Escape cancels while the job can be cancelled; otherwise (the action
   * is disabled) it reaches AdwNavigationView, which pops the page once
   * the job has finished. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "build.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "build.search",
                                       NULL);
}

static void
mt_build_page_init (MtBuildPage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  update_cancel (self);
}
