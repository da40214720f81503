/* mt-application.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-application"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-app-resources.h"
#include "mt-application-private.h"
#include "mt-window.h"

/**
 * MtApplication:
 *
 * The Modtune app.  Understands `--sysroot DIR` and `--cpuid FILE`, so it
 * can show a recorded machine instead of this one.
 */
struct _MtApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  char *sysroot;
  char *cpuid;

  /* the first detection, in a thread started before GTK is initialised;
   * first_done, first_info and first_error are written under first_lock */
  GMutex first_lock;
  GCond first_cond;
  GThread *first_thread;
  MtSysroot *first_sysroot;
  MtCpuid *first_cpuid;
  MtSystemInfo *first_info;
  GError *first_error;
  GTask *first_waiter;
  gboolean first_started;
  gboolean first_done;
  gboolean first_taken;
};

/* How long the first window may wait for the first detection before it is
 * drawn: if detection ends by then, the first frame already shows its
 * facts instead of "Detecting…". */
#define FIRST_PROBE_WAIT_MS 250

G_DEFINE_FINAL_TYPE (MtApplication, mt_application, ADW_TYPE_APPLICATION)

void
_mt_app_resources_ensure (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      mt_app_register_resource ();
      g_once_init_leave (&once, 1);
    }
}

MtApplication *
mt_application_new (void)
{
  return g_object_new (MT_TYPE_APPLICATION, "application-id", APP_ID, "resource-base-path",
                       "/io/github/modtune", "flags", G_APPLICATION_DEFAULT_FLAGS, NULL);
}

/**
 * mt_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the app's settings, or %NULL when
 *   the schema is not installed (the app then forgets its window size)
 */
GSettings *
mt_application_get_settings (MtApplication *self)
{
  g_return_val_if_fail (MT_IS_APPLICATION (self), NULL);

  return self->settings;
}

static void
mt_application_activate (GApplication *app)
{
  MtApplication *self = MT_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (mt_window_new (self, self->sysroot, self->cpuid));

  gtk_window_present (window);
}

static void
return_first (MtApplication *self, GTask *task)
{
  if (self->first_info != NULL)
    g_task_return_pointer (task, g_steal_pointer (&self->first_info), g_object_unref);
  else
    g_task_return_error (task, g_steal_pointer (&self->first_error));
}

/* in the main thread, once the first detection has ended */
static gboolean
first_probe_done_cb (gpointer user_data)
{
  MtApplication *self = user_data;
  g_autoptr (GTask) waiter = g_steal_pointer (&self->first_waiter);

  if (waiter != NULL)
    return_first (self, waiter);

  return G_SOURCE_REMOVE;
}

static gpointer
first_probe_thread (gpointer user_data)
{
  MtApplication *self = user_data;
  GError *error = NULL;
  MtSystemInfo *info = mt_system_info_probe (self->first_sysroot, self->first_cpuid, &error);

  g_mutex_lock (&self->first_lock);
  self->first_info = info;
  self->first_error = error;
  self->first_done = TRUE;
  g_cond_broadcast (&self->first_cond);
  g_mutex_unlock (&self->first_lock);

  /* the thread's reference goes to the main thread with the idle */
  g_idle_add_full (G_PRIORITY_DEFAULT, first_probe_done_cb, self, g_object_unref);

  return NULL;
}

/* The tree and the CPUID to detect; a recorded tree without a CPUID dump
 * has no CPUID, and @cpuid stays %NULL. */
static gboolean
open_machine (const char *sysroot_path,
              const char *cpuid_path,
              MtSysroot **sysroot,
              MtCpuid **cpuid,
              GError **error)
{
  GError *local_error = NULL;

  *sysroot = mt_sysroot_new (sysroot_path, &local_error);
  if (*sysroot != NULL)
    *cpuid = mt_cpuid_new_for_sysroot (*sysroot, cpuid_path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

/* Starts the first detection in a thread of its own, before GTK starts. */
static void
start_first_probe (MtApplication *self)
{
  GError *error = NULL;

  self->first_started = TRUE;
  if (!open_machine (self->sysroot, self->cpuid, &self->first_sysroot, &self->first_cpuid, &error))
    {
      /* the window shows it */
      self->first_error = error;
      self->first_done = TRUE;
      return;
    }

  self->first_thread = g_thread_new ("modtune-detect", first_probe_thread, g_object_ref (self));
}

/* Waits at most FIRST_PROBE_WAIT_MS for the first detection. */
static gboolean
wait_first_probe (MtApplication *self)
{
  gint64 end = g_get_monotonic_time () + FIRST_PROBE_WAIT_MS * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  g_mutex_lock (&self->first_lock);
  while (!self->first_done && g_cond_wait_until (&self->first_cond, &self->first_lock, end))
    ;
  done = self->first_done;
  g_mutex_unlock (&self->first_lock);

  return done;
}

static void
probe_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  MtSystemInfo *info = mt_system_info_probe_finish (result, &error);

  if (info != NULL)
    g_task_return_pointer (task, info, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
start_probe (const char *sysroot_path,
             const char *cpuid_path,
             GCancellable *cancellable,
             GAsyncReadyCallback callback,
             gpointer user_data,
             GError **error)
{
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtCpuid) cpuid = NULL;

  if (open_machine (sysroot_path, cpuid_path, &sysroot, &cpuid, error))
    mt_system_info_probe_async (sysroot, cpuid, cancellable, callback, user_data);
}

/**
 * mt_application_probe_async:
 * @sysroot_path: (nullable): a recorded tree, or %NULL for this machine
 * @cpuid_path: (nullable): a `cpuid -r` dump
 *
 * Detects the machine in a worker thread.  The first call for the tree
 * given on the command line takes the detection the app started before
 * GTK was initialised, so that the first window shows its facts sooner.
 */
void
mt_application_probe_async (MtApplication *self,
                            const char *sysroot_path,
                            const char *cpuid_path,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (MT_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mt_application_probe_async);

  if (self->first_started && !self->first_taken && g_strcmp0 (sysroot_path, self->sysroot) == 0 &&
      g_strcmp0 (cpuid_path, self->cpuid) == 0)
    {
      self->first_taken = TRUE;
      if (wait_first_probe (self))
        return_first (self, task);
      else
        self->first_waiter = g_steal_pointer (&task);
      return;
    }

  start_probe (sysroot_path, cpuid_path, cancellable, probe_cb, g_object_ref (task), &error);
  if (error != NULL)
    {
      g_object_unref (task);
      g_task_return_error (task, error);
    }
}

/**
 * mt_application_probe_finish:
 *
 * Returns: (transfer full): what detection found, or %NULL with @error set
 */
MtSystemInfo *
mt_application_probe_finish (MtApplication *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static int
mt_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  MtApplication *self = MT_APPLICATION (app);
  g_autofree char *sysroot = NULL;
  g_autofree char *cpuid = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("modtune %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "sysroot", "^ay", &sysroot))
    {
      g_free (self->sysroot);
      self->sysroot = g_canonicalize_filename (sysroot, NULL);
    }

  if (g_variant_dict_lookup (options, "cpuid", "^ay", &cpuid))
    {
      g_free (self->cpuid);
      self->cpuid = g_canonicalize_filename (cpuid, NULL);
    }

  /* A recorded tree is not this machine: do not hand it to a running
   * instance that shows this machine. */
  if (self->sysroot != NULL || self->cpuid != NULL)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  /* detection runs while GTK starts; an error is the window's to show */
  start_first_probe (self);

  return -1;
}

static void
color_scheme_changed_cb (MtApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static void
mt_application_startup (GApplication *app)
{
  MtApplication *self = MT_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  _mt_app_resources_ensure ();

  G_APPLICATION_CLASS (mt_application_parent_class)->startup (app);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new (BASE_APP_ID);
  else
    g_debug ("Settings schema %s is not installed; window state will not be saved", BASE_APP_ID);

  if (self->settings == NULL)
    g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "preferences")), FALSE);
  else
    {
      g_signal_connect_object (self->settings, "changed::color-scheme",
                               G_CALLBACK (color_scheme_changed_cb), self, G_CONNECT_SWAPPED);
      color_scheme_changed_cb (self);
    }

  gtk_window_set_default_icon_name (APP_ID);
}

static void
mt_application_finalize (GObject *object)
{
  MtApplication *self = (MtApplication *) object;

  g_clear_object (&self->settings);
  if (self->first_thread != NULL)
    g_thread_join (self->first_thread);
  g_clear_object (&self->first_sysroot);
  g_clear_object (&self->first_cpuid);
  g_clear_object (&self->first_info);
  g_clear_error (&self->first_error);
  g_mutex_clear (&self->first_lock);
  g_cond_clear (&self->first_cond);
  g_clear_pointer (&self->sysroot, g_free);
  g_clear_pointer (&self->cpuid, g_free);

  G_OBJECT_CLASS (mt_application_parent_class)->finalize (object);
}

static void
mt_application_class_init (MtApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = mt_application_finalize;

  app_class->activate = mt_application_activate;
  app_class->startup = mt_application_startup;
  app_class->handle_local_options = mt_application_handle_local_options;
}

static void
mt_application_init (MtApplication *self)
{
  const GOptionEntry options[] = {
    { "sysroot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Show a recorded system tree instead of this machine"), N_("DIR") },
      { "cpuid", 0, 0, G_OPTION_ARG_FILENAME, NULL,
        N_("Read CPUID from a “cpuid -r” dump instead of the processor"), N_("FILE") },
        { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the program version"), NULL },
          { NULL } };
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };

  g_mutex_init (&self->first_lock);
  g_cond_init (&self->first_cond);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  _mt_application_add_actions (self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
}
