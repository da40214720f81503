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
#include "mt-application.h"
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
};

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

  return -1;
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

  gtk_window_set_default_icon_name (APP_ID);
}

static void
mt_application_finalize (GObject *object)
{
  MtApplication *self = (MtApplication *) object;

  g_clear_object (&self->settings);
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
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  MtApplication *self = MT_APPLICATION (user_data);
  const char *developers[] = { _ ("The Modtune developers"), NULL };
  AdwDialog *dialog;

  dialog = adw_about_dialog_new ();
  g_object_set (dialog, "application-name", _ ("Modtune"), "application-icon", APP_ID,
                "developer-name", _ ("The Modtune developers"), "version", PACKAGE_VERSION,
                "website", PACKAGE_WEBSITE, "issue-url", PACKAGE_WEBSITE "/issues", "license-type",
                GTK_LICENSE_GPL_2_0, "developers", developers,
                /* TRANSLATORS: your name(s), one per line, shown in the About dialog */
                "translator-credits", _ ("translator-credits"), NULL);
  adw_dialog_present (dialog,
                      GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

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

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}
