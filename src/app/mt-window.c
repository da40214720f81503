/* mt-window.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-backups-page.h"
#include "mt-build-page.h"
#include "mt-flags-page.h"
#include "mt-hardware-page.h"
#include "mt-overview-page.h"
#include "mt-window-private.h"

/**
 * MtWindow:
 *
 * The main window: four pages (Overview, Hardware, Flags, Backups) over
 * what detection found on this machine, or on the recorded tree given with
 * `--sysroot`, and over the helper's status.  A job the helper starts is
 * followed on an #MtBuildPage pushed on top.  Without the helper the window
 * is read-only and says so in a banner.
 */
struct _MtWindow
{
  AdwApplicationWindow parent_instance;

  char *sysroot_path;
  char *cpuid_path;
  GCancellable *cancellable;
  MtSystemInfo *info;
  MtFlagCatalog *catalog;
  MtHelperClient *client;
  guint busy : 1;
  guint pages_stale : 1;
  guint optimize_pending : 1;
  guint close_confirmed : 1;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwNavigationView *navigation_view;
  AdwHeaderBar *header_bar;
  GtkButton *refresh_button;
  GtkMenuButton *menu_button;
  AdwViewSwitcherBar *switcher_bar;
  AdwBanner *read_only_banner;
  GtkStack *stack;
  AdwViewStack *view_stack;
  AdwWindowTitle *window_title;
  AdwStatusPage *error_page;
  MtOverviewPage *overview_page;
  MtHardwarePage *hardware_page;
  MtFlagsPage *flags_page;
  MtBackupsPage *backups_page;
};

G_DEFINE_FINAL_TYPE (MtWindow, mt_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SYSROOT_PATH,
  PROP_CPUID_PATH,
  PROP_BUSY,
  PROP_SYSTEM_INFO,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fill_pages (MtWindow *self);

/**
 * mt_window_new:
 * @sysroot_path: (nullable): a recorded tree to show, or %NULL for this machine
 * @cpuid_path: (nullable): a `cpuid -r` dump to use
 */
MtWindow *
mt_window_new (MtApplication *application, const char *sysroot_path, const char *cpuid_path)
{
  MtWindow *self;
  GSettings *settings;

  g_return_val_if_fail (MT_IS_APPLICATION (application), NULL);

  /* GtkWindow:application is not a construct property: what needs the
   * application is done here, once it is set */
  self = g_object_new (MT_TYPE_WINDOW, "application", application, "sysroot-path", sysroot_path,
                       "cpuid-path", cpuid_path, NULL);

  settings = mt_application_get_settings (application);
  if (settings != NULL)
    {
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }
  mt_flags_page_set_settings (self->flags_page, settings);

  mt_window_refresh (self);

  return self;
}

gboolean
mt_window_get_busy (MtWindow *self)
{
  g_return_val_if_fail (MT_IS_WINDOW (self), FALSE);

  return self->busy;
}

/**
 * mt_window_get_system_info:
 *
 * Returns: (transfer none) (nullable): what the last detection found
 */
MtSystemInfo *
mt_window_get_system_info (MtWindow *self)
{
  g_return_val_if_fail (MT_IS_WINDOW (self), NULL);

  return self->info;
}

/**
 * mt_window_get_client:
 *
 * Returns: (transfer none): the window's connection to the helper
 */
MtHelperClient *
mt_window_get_client (MtWindow *self)
{
  g_return_val_if_fail (MT_IS_WINDOW (self), NULL);

  return self->client;
}

/**
 * mt_window_show_toast:
 *
 * Shows a short message over the window, for an error the user can
 * recover from or a confirmation.
 */
void
mt_window_show_toast (MtWindow *self, const char *message)
{
  AdwToast *toast;

  g_return_if_fail (MT_IS_WINDOW (self));

  toast = adw_toast_new (message);
  /* the message may hold a path with "&" or "<" */
  adw_toast_set_use_markup (toast, FALSE);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
set_busy (MtWindow *self, gboolean busy)
{
  if (self->busy == !!busy)
    return;

  self->busy = !!busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
bench_after_paint_cb (GdkFrameClock *clock, MtWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  g_print ("modtune: first frame with real data\n");
  g_application_quit (g_application_get_default ());
}

static gboolean
bench_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (bench_after_paint_cb), widget, 0);

  return G_SOURCE_REMOVE;
}

static void
show_info (MtWindow *self)
{
  MtSysroot *sysroot = mt_system_info_get_sysroot (self->info);

  if (mt_sysroot_is_host (sysroot))
    adw_window_title_set_subtitle (self->window_title, NULL);
  else
    {
      /* TRANSLATORS: subtitle when showing a tree recorded from another machine */
      g_autofree char *subtitle =
        g_strdup_printf (_ ("Recorded system: %s"), mt_sysroot_get_path (sysroot));
      adw_window_title_set_subtitle (self->window_title, subtitle);
    }

  gtk_stack_set_visible_child_name (self->stack, "facts");

  /* bench/app-start.py: the app ends once the first frame that shows what
   * detection found has been painted */
  if (g_getenv ("MODTUNE_BENCH_FIRST_FRAME") != NULL)
    gtk_widget_add_tick_callback (GTK_WIDGET (self), bench_tick_cb, NULL, NULL);
}

static void
show_error (MtWindow *self, const GError *error)
{
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);

  adw_status_page_set_description (self->error_page, escaped);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
probe_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSystemInfo) info = NULL;

  info = mt_application_probe_finish (MT_APPLICATION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);

  if (info == NULL)
    {
      g_clear_object (&self->info);
      show_error (self, error);
    }
  else
    {
      g_set_object (&self->info, info);
      show_info (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYSTEM_INFO]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-report", self->info != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-report", self->info != NULL);
  set_busy (self, FALSE);
}

static void
client_refresh_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* An unreachable helper is not an error here: the client's "available"
   * property turns the window read-only and the banner says why. */
  if (!mt_helper_client_refresh_finish (MT_HELPER_CLIENT (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Helper status: %s", error->message);
}

/**
 * mt_window_refresh:
 *
 * Detects the machine again.  Notifies `busy` when done.
 */
void
mt_window_refresh (MtWindow *self)
{
  GtkApplication *app;

  g_return_if_fail (MT_IS_WINDOW (self));

  app = gtk_window_get_application (GTK_WINDOW (self));
  g_return_if_fail (MT_IS_APPLICATION (app));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, TRUE);

  self->cancellable = g_cancellable_new ();
  mt_application_probe_async (MT_APPLICATION (app), self->sysroot_path, self->cpuid_path,
                              self->cancellable, probe_cb, g_object_ref (self));
  mt_helper_client_refresh_async (self->client, self->cancellable, client_refresh_cb, NULL);
}

static void
refresh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  mt_window_refresh (MT_WINDOW (widget));
}

static void
show_page_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtWindow *self = MT_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  AdwNavigationPage *visible = adw_navigation_view_get_visible_page (self->navigation_view);

  /* a running job's page stays: popping it in code would lose its log */
  if (visible != NULL && !adw_navigation_page_get_can_pop (visible) &&
      g_strcmp0 (adw_navigation_page_get_tag (visible), "main") != 0)
    return;

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    {
      adw_navigation_view_pop_to_tag (self->navigation_view, "main");
      adw_view_stack_set_visible_child_name (self->view_stack, name);
    }
}

/* Optimize needs the helper, and no other job of it running or about to */
static void
update_optimize (MtWindow *self)
{
  GVariant *status = mt_helper_client_get_status (self->client);
  g_autoptr (GVariant) other_job =
    status != NULL ? g_variant_lookup_value (status, "job", G_VARIANT_TYPE_OBJECT_PATH) : NULL;
  gboolean enabled = mt_helper_client_get_available (self->client) &&
                     !mt_helper_client_get_authorizing (self->client) &&
                     mt_helper_client_get_current_job (self->client) == NULL && other_job == NULL &&
                     !self->optimize_pending;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.optimize", enabled);
}

static void
apply_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtJob) job = NULL;

  job = mt_helper_client_apply_finish (MT_HELPER_CLIENT (object), result, &error);
  if (job == NULL)
    mt_window_show_error_toast (self, _ ("Could not start the build"), error);
  self->optimize_pending = FALSE;
  update_optimize (self);
}

static void
optimize_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtWindow *self = MT_WINDOW (widget);
  g_auto (GStrv) flags = NULL;

  /* the flags come from the Flags page, filled at the latest now */
  fill_pages (self);
  flags = mt_flags_page_dup_enabled_flags (self->flags_page);

  /* "" is the running kernel, as the helper sees it; the helper detects
   * again and never trusts the app's view. */
  self->optimize_pending = TRUE;
  update_optimize (self);
  mt_helper_client_apply_async (self->client, "", (const char *const *) flags, NULL, apply_cb,
                                g_object_ref (self));
}

static void
job_started_cb (MtWindow *self, MtJob *job, MtHelperClient *client)
{
  MtBuildPage *page = mt_build_page_new (job);

  if (adw_navigation_view_find_page (self->navigation_view, "build") != NULL)
    adw_navigation_view_pop_to_tag (self->navigation_view, "main");
  adw_navigation_view_push (self->navigation_view, ADW_NAVIGATION_PAGE (page));
}

/* The banner shows once the client knows why the helper cannot be used,
 * not while it is still being started. */
static void
client_notify_cb (MtWindow *self, GParamSpec *pspec, MtHelperClient *client)
{
  const char *reason = mt_helper_client_get_unavailable_reason (client);

  if (reason == NULL)
    adw_banner_set_revealed (self->read_only_banner, FALSE);
  else
    {
      adw_banner_set_title (self->read_only_banner,
                            mt_helper_client_get_installed (client)
                              ? _ ("Read-only: the Modtune helper cannot be used now")
                              : _ ("Read-only: the Modtune helper is not installed"));
      adw_banner_set_revealed (self->read_only_banner, TRUE);
    }
  update_optimize (self);
}

static void
helper_details_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtWindow *self = MT_WINDOW (widget);
  const char *reason = mt_helper_client_get_unavailable_reason (self->client);
  g_autofree char *body = NULL;
  AdwDialog *dialog;

  if (mt_helper_client_get_installed (self->client))
    {
      body = g_strdup_printf (
        "%s\n\n%s", reason != NULL ? reason : _ ("The helper did not answer."),
        _ ("Modtune shows this machine without it, but building, installing and restoring "
           "modules need the system helper. Detect again (Ctrl+R) to retry."));
      dialog = adw_alert_dialog_new (_ ("The Helper Cannot Be Used"), body);
    }
  else
    {
      body = g_strdup_printf (
        "%s\n\n%s", reason != NULL ? reason : _ ("The helper did not answer."),
        _ ("Modtune shows this machine without it, but building, installing and restoring "
           "modules need the system helper (modtune-helper, D-Bus service "
           "io.github.modtune.Helper). Install Modtune from your distribution, or build it "
           "with “meson setup --prefix=/usr” and install it as root, then detect again."));
      dialog = adw_alert_dialog_new (_ ("The Helper Is Not Installed"), body);
    }
  adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), "close", _ ("_Close"));
  adw_dialog_present (dialog, widget);
}

/**
 * mt_window_show_error_toast:
 * @prefix: what failed, for example "Could not start the build"
 *
 * Shows @error in a toast, unless it is a cancellation.  The remote part
 * of a D-Bus error's message is stripped first.
 */
void
mt_window_show_error_toast (MtWindow *self, const char *prefix, const GError *error)
{
  g_autoptr (GError) copy = NULL;
  g_autofree char *message = NULL;

  g_return_if_fail (MT_IS_WINDOW (self));

  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  copy = g_error_copy (error);
  g_dbus_error_strip_remote_error (copy);
  if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
      g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    /* TRANSLATORS: "Could not start the build: authorization was refused…" */
    message = g_strdup_printf (_ ("%s: authorization was refused. Try again, and give an "
                                  "administrator’s password when asked"),
                               prefix);
  else if (g_error_matches (copy, MT_ERROR, MT_ERROR_BUSY))
    message = g_strdup_printf (_ ("%s: the helper is busy with another job. Wait until it "
                                  "ends, then try again"),
                               prefix);
  else
    /* TRANSLATORS: "Could not start the build: <reason>" */
    message = g_strdup_printf (_ ("%s: %s"), prefix, copy->message);
  mt_window_show_toast (self, message);
}

/* The Hardware and Flags pages build hundreds of rows: while the Overview
 * is shown they get the new facts only after the frame that shows it has
 * been painted, or as soon as one of them is shown. */
static void
fill_pages (MtWindow *self)
{
  if (!self->pages_stale)
    return;

  self->pages_stale = FALSE;
  mt_hardware_page_set_system_info (self->hardware_page, self->info);
  mt_flags_page_set_catalog (self->flags_page, self->catalog);
  mt_flags_page_set_system_info (self->flags_page, self->info);
}

static void
fill_after_paint_cb (GdkFrameClock *clock, MtWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, fill_after_paint_cb, self);
  fill_pages (self);
}

static gboolean
fill_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (fill_after_paint_cb), widget, 0);

  return G_SOURCE_REMOVE;
}

static void
system_info_cb (MtWindow *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);

  self->pages_stale = TRUE;
  if (self->info == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      g_strcmp0 (page, "overview") != 0)
    fill_pages (self);
  else
    gtk_widget_add_tick_callback (GTK_WIDGET (self), fill_tick_cb, NULL, NULL);
}

/* the Overview says which flags Optimize will use */
static void
enabled_flags_cb (MtWindow *self)
{
  g_auto (GStrv) flags = mt_flags_page_dup_enabled_flags (self->flags_page);

  mt_overview_page_set_enabled_flags (self->overview_page, (const char *const *) flags);
}

static void
mt_window_constructed (GObject *object)
{
  MtWindow *self = (MtWindow *) object;
  g_autoptr (GError) error = NULL;

  G_OBJECT_CLASS (mt_window_parent_class)->constructed (object);

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  /* The catalog is compiled in: failing to load it is a bug, shown as a
   * toast rather than a crash. */
  self->catalog = mt_flag_catalog_new_default (&error);
  if (self->catalog == NULL)
    mt_window_show_error_toast (self, _ ("The flag catalog could not be loaded"), error);
  /* given to the Flags page with the facts (fill_pages ()) */
  g_signal_connect_object (self->flags_page, "notify::enabled-flags", G_CALLBACK (enabled_flags_cb),
                           self, G_CONNECT_SWAPPED);

  self->client = mt_helper_client_new ();
  g_signal_connect_object (self->client, "job-started", G_CALLBACK (job_started_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify", G_CALLBACK (client_notify_cb), self,
                           G_CONNECT_SWAPPED);
  client_notify_cb (self, NULL, self->client);
  mt_overview_page_set_client (self->overview_page, self->client);
  mt_backups_page_set_client (self->backups_page, self->client);

  g_object_bind_property (self, "system-info", self->overview_page, "system-info",
                          G_BINDING_DEFAULT);
  g_signal_connect (self, "notify::system-info", G_CALLBACK (system_info_cb), NULL);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child", G_CALLBACK (fill_pages),
                            self);
}

static void
close_anyway_cb (MtWindow *self)
{
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* Closing while a job runs: the helper cancels a job whose caller leaves
 * the bus, until it has begun installing. */
static gboolean
mt_window_close_request (GtkWindow *window)
{
  MtWindow *self = MT_WINDOW (window);
  AdwDialog *dialog;

  if (self->close_confirmed || self->client == NULL ||
      mt_helper_client_get_current_job (self->client) == NULL)
    return GTK_WINDOW_CLASS (mt_window_parent_class)->close_request (window);

  dialog = adw_alert_dialog_new (
    _ ("Stop Following the Job?"),
    _ ("The helper is still working. Closing Modtune cancels the job if it can still be "
       "cancelled, and nothing is changed; once installing has begun, the helper finishes on "
       "its own and keeps what it replaced as a backup."));
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog), "keep", _ ("_Keep Open"), "close",
                                  _ ("_Close Anyway"), NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "close",
                                            ADW_RESPONSE_DESTRUCTIVE);
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "keep");
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response::close", G_CALLBACK (close_anyway_cb), self,
                           G_CONNECT_SWAPPED);
  adw_dialog_present (dialog, GTK_WIDGET (self));

  return TRUE;
}

static void
mt_window_dispose (GObject *object)
{
  MtWindow *self = (MtWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_WINDOW);

  G_OBJECT_CLASS (mt_window_parent_class)->dispose (object);
}

static void
mt_window_finalize (GObject *object)
{
  MtWindow *self = (MtWindow *) object;

  g_clear_object (&self->info);
  g_clear_object (&self->catalog);
  g_clear_object (&self->client);
  g_clear_pointer (&self->sysroot_path, g_free);
  g_clear_pointer (&self->cpuid_path, g_free);

  G_OBJECT_CLASS (mt_window_parent_class)->finalize (object);
}

static void
mt_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtWindow *self = MT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SYSROOT_PATH:
      g_value_set_string (value, self->sysroot_path);
      break;

    case PROP_CPUID_PATH:
      g_value_set_string (value, self->cpuid_path);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    case PROP_SYSTEM_INFO:
      g_value_set_object (value, self->info);
      break;

    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MtWindow *self = MT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SYSROOT_PATH:
      self->sysroot_path = g_value_dup_string (value);
      break;

    case PROP_CPUID_PATH:
      self->cpuid_path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_window_class_init (MtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  const char *pages[] = { "overview", "hardware", "flags", "backups" };

  object_class->constructed = mt_window_constructed;
  object_class->dispose = mt_window_dispose;
  object_class->finalize = mt_window_finalize;
  object_class->get_property = mt_window_get_property;
  object_class->set_property = mt_window_set_property;
  window_class->close_request = mt_window_close_request;

  properties[PROP_SYSROOT_PATH] =
    g_param_spec_string ("sysroot-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CPUID_PATH] =
    g_param_spec_string ("cpuid-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] = g_param_spec_boolean (
    "busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYSTEM_INFO] =
    g_param_spec_object ("system-info", NULL, NULL, MT_TYPE_SYSTEM_INFO,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] = g_param_spec_object ("client", NULL, NULL, MT_TYPE_HELPER_CLIENT,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MT_TYPE_OVERVIEW_PAGE);
  g_type_ensure (MT_TYPE_HARDWARE_PAGE);
  g_type_ensure (MT_TYPE_FLAGS_PAGE);
  g_type_ensure (MT_TYPE_BACKUPS_PAGE);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/modtune/ui/mt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MtWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, navigation_view);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, read_only_banner);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, hardware_page);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, flags_page);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, backups_page);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.optimize", NULL, optimize_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.helper-details", NULL, helper_details_action);
  mt_window_class_actions_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, "win.show-page",
                                         "s", pages[i]);
}

static void
mt_window_init (MtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
