/* mt-application-actions.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-application-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application-private.h"
#include "mt-preferences-dialog.h"

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
preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  MtApplication *self = MT_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* disabled at startup when the schema is not installed */
  if (mt_application_get_settings (self) == NULL)
    return;

  adw_dialog_present (ADW_DIALOG (mt_preferences_dialog_new (mt_application_get_settings (self))),
                      GTK_WIDGET (window));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

void
_mt_application_add_actions (MtApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
}
