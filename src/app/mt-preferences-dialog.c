/* mt-preferences-dialog.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-preferences-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-preferences-dialog.h"

/**
 * MtPreferencesDialog:
 *
 * The app's preferences: its style, and the format an exported report is
 * offered in first.  Each row is bound to its GSettings key, so a change
 * takes effect at once and is kept.
 */
struct _MtPreferencesDialog
{
  AdwPreferencesDialog parent_instance;

  GSettings *settings;

  /* template children */
  AdwComboRow *style_row;
  AdwComboRow *report_format_row;
};

G_DEFINE_FINAL_TYPE (MtPreferencesDialog, mt_preferences_dialog, ADW_TYPE_PREFERENCES_DIALOG)

/* the values of the keys, in the order of the rows' models */
static const char *const style_values[] = { "default", "light", "dark", NULL };
static const char *const report_format_values[] = { "md", "html", "json", "txt", NULL };

static gboolean
get_choice (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *const *values = user_data;
  const char *text = g_variant_get_string (variant, NULL);

  for (guint i = 0; values[i] != NULL; i++)
    if (g_str_equal (values[i], text))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
set_choice (const GValue *value, const GVariantType *expected_type, gpointer user_data)
{
  const char *const *values = user_data;
  guint position = g_value_get_uint (value);

  for (guint i = 0; values[i] != NULL; i++)
    if (i == position)
      return g_variant_new_string (values[i]);

  return NULL;
}

static void
bind_choice (MtPreferencesDialog *self,
             const char *key,
             AdwComboRow *row,
             const char *const *values)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                get_choice, set_choice, (gpointer) values, NULL);
}

/**
 * mt_preferences_dialog_new:
 * @settings: the app's settings (schema io.github.modtune.Modtune)
 */
MtPreferencesDialog *
mt_preferences_dialog_new (GSettings *settings)
{
  MtPreferencesDialog *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MT_TYPE_PREFERENCES_DIALOG, NULL);
  self->settings = g_object_ref (settings);
  bind_choice (self, "color-scheme", self->style_row, style_values);
  bind_choice (self, "report-format", self->report_format_row, report_format_values);

  return self;
}

static void
mt_preferences_dialog_dispose (GObject *object)
{
  MtPreferencesDialog *self = (MtPreferencesDialog *) object;

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_PREFERENCES_DIALOG);

  G_OBJECT_CLASS (mt_preferences_dialog_parent_class)->dispose (object);
}

static void
mt_preferences_dialog_class_init (MtPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mt_preferences_dialog_dispose;

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MtPreferencesDialog, style_row);
  gtk_widget_class_bind_template_child (widget_class, MtPreferencesDialog, report_format_row);
}

static void
mt_preferences_dialog_init (MtPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
