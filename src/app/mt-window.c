/* mt-window.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-window.h"

/**
 * MtWindow:
 *
 * The main window: the detected processor and kernel of this machine, or
 * of the recorded tree given with `--sysroot`.
 */
struct _MtWindow
{
  AdwApplicationWindow parent_instance;

  char *sysroot_path;
  char *cpuid_path;
  GCancellable *cancellable;
  MtSystemInfo *info;
  guint busy : 1;

  /* template children */
  GtkButton *refresh_button;
  GtkMenuButton *menu_button;
  GtkStack *stack;
  AdwWindowTitle *window_title;
  AdwStatusPage *error_page;
  AdwActionRow *vendor_row;
  AdwActionRow *model_row;
  AdwActionRow *fms_row;
  AdwActionRow *cpus_row;
  AdwActionRow *features_row;
  AdwExpanderRow *flags_row;
  GtkLabel *flags_label;
  AdwActionRow *release_row;
  AdwActionRow *compiler_row;
  AdwActionRow *config_row;
  AdwActionRow *version_row;
};

G_DEFINE_FINAL_TYPE (MtWindow, mt_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SYSROOT_PATH,
  PROP_CPUID_PATH,
  PROP_BUSY,
  PROP_SYSTEM_INFO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * mt_window_new:
 * @sysroot_path: (nullable): a recorded tree to show, or %NULL for this machine
 * @cpuid_path: (nullable): a `cpuid -r` dump to use
 */
MtWindow *
mt_window_new (MtApplication *application, const char *sysroot_path, const char *cpuid_path)
{
  return g_object_new (MT_TYPE_WINDOW, "application", application, "sysroot-path", sysroot_path,
                       "cpuid-path", cpuid_path, NULL);
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
set_row (AdwActionRow *row, const char *value)
{
  adw_action_row_set_subtitle (row, value != NULL && *value != '\0' ? value : _ ("Unknown"));
}

static void
show_info (MtWindow *self)
{
  MtCpuInfo *cpu = mt_system_info_get_cpu (self->info);
  MtKernelInfo *kernel = mt_system_info_get_kernel (self->info);
  MtKconfig *config = mt_kernel_info_get_config (kernel);
  const char *const *flags = mt_cpu_info_get_flags (cpu);
  g_autofree char *vendor = NULL;
  g_autofree char *fms = NULL;
  g_autofree char *cpus = NULL;
  g_autofree char *notable = NULL;
  g_autofree char *all_flags = NULL;
  g_autofree char *flags_summary = NULL;
  g_autofree char *config_text = NULL;
  MtSysroot *sysroot = mt_system_info_get_sysroot (self->info);
  guint n_flags = g_strv_length ((GStrv) flags);

  vendor = mt_cpu_info_dup_vendor_label (cpu);
  fms = mt_cpu_info_dup_signature (cpu);
  cpus = g_strdup_printf ("%u", mt_cpu_info_get_logical_cpus (cpu));
  notable = mt_system_info_dup_notable_flags (self->info);
  all_flags = g_strjoinv (" ", (GStrv) flags);
  flags_summary =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u flag", "%u flags", n_flags), n_flags);

  if (config != NULL)
    config_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u option", "%s, %u options",
                                                mt_kconfig_get_size (config)),
                                   mt_kconfig_get_source (config), mt_kconfig_get_size (config));
  else
    config_text = g_strdup (_ ("Not found in /proc/config.gz, /boot or /lib/modules"));

  set_row (self->vendor_row, vendor);
  set_row (self->model_row, mt_cpu_info_get_model_name (cpu));
  set_row (self->fms_row, fms);
  set_row (self->cpus_row, cpus);
  set_row (self->features_row,
           notable != NULL ? notable : _ ("None of SSE4.2, AVX, AES, SHA, BMI, VT-x or AMD-V"));
  adw_expander_row_set_subtitle (self->flags_row, flags_summary);
  gtk_label_set_label (self->flags_label, n_flags > 0 ? all_flags : _ ("No flags listed"));
  set_row (self->release_row, mt_kernel_info_get_release (kernel));
  set_row (self->compiler_row, mt_kernel_info_get_compiler (kernel));
  set_row (self->config_row, config_text);
  set_row (self->version_row, mt_kernel_info_get_version (kernel));

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
}

static void
show_error (MtWindow *self, const GError *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
probe_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSystemInfo) info = NULL;

  info = mt_system_info_probe_finish (result, &error);

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
  set_busy (self, FALSE);
}

/**
 * mt_window_refresh:
 *
 * Detects the machine again.  Notifies `busy` when done.
 */
void
mt_window_refresh (MtWindow *self)
{
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtCpuid) cpuid = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (MT_IS_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, TRUE);

  sysroot = mt_sysroot_new (self->sysroot_path, &error);
  if (sysroot != NULL)
    cpuid = mt_cpuid_new_for_sysroot (sysroot, self->cpuid_path, &error);

  if (error != NULL)
    {
      g_clear_object (&self->info);
      show_error (self, error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYSTEM_INFO]);
      set_busy (self, FALSE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  mt_system_info_probe_async (sysroot, cpuid, self->cancellable, probe_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  mt_window_refresh (MT_WINDOW (widget));
}

static void
mt_window_constructed (GObject *object)
{
  MtWindow *self = (MtWindow *) object;
  GtkApplication *app;

  G_OBJECT_CLASS (mt_window_parent_class)->constructed (object);

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (MT_IS_APPLICATION (app) && mt_application_get_settings (MT_APPLICATION (app)) != NULL)
    {
      GSettings *settings = mt_application_get_settings (MT_APPLICATION (app));

      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  mt_window_refresh (self);
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

  object_class->constructed = mt_window_constructed;
  object_class->dispose = mt_window_dispose;
  object_class->finalize = mt_window_finalize;
  object_class->get_property = mt_window_get_property;
  object_class->set_property = mt_window_set_property;

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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/modtune/ui/mt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MtWindow, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, vendor_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, fms_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, cpus_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, features_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, flags_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, flags_label);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, release_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, compiler_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, config_row);
  gtk_widget_class_bind_template_child (widget_class, MtWindow, version_row);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
}

static void
mt_window_init (MtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
