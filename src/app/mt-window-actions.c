/* mt-window-actions.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-window-private.h"

/* The report's actions: win.export-report writes it in the format the
 * chosen file's name asks for, through GtkFileDialog (the file chooser
 * portal when sandboxed); win.copy-report puts the Markdown form on the
 * clipboard, for bug reports.  The report is rendered here, in the app;
 * the helper never writes user files. */

typedef struct
{
  const char *extension;
  MtReportFormat format;
  const char *label;
  const char *mime_type;
} ReportFormat;

static const ReportFormat report_formats[] = {
  { "md", MT_REPORT_FORMAT_MARKDOWN, N_ ("Markdown"), "text/markdown" },
    { "html", MT_REPORT_FORMAT_HTML, N_ ("Web page (HTML)"), "text/html" },
      { "json", MT_REPORT_FORMAT_JSON, N_ ("JSON"), "application/json" },
        { "txt", MT_REPORT_FORMAT_TEXT, N_ ("Plain text"), "text/plain" },
      };

/**
 * mt_window_format_for_file_name:
 * @name: the name the user gave the report
 *
 * Returns: the format its extension names; Markdown for any other name
 */
MtReportFormat
mt_window_format_for_file_name (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (report_formats); i++)
      if (g_ascii_strcasecmp (dot + 1, report_formats[i].extension) == 0)
        return report_formats[i].format;

  if (dot != NULL && g_ascii_strcasecmp (dot + 1, "markdown") == 0)
    return MT_REPORT_FORMAT_MARKDOWN;
  if (dot != NULL && g_ascii_strcasecmp (dot + 1, "htm") == 0)
    return MT_REPORT_FORMAT_HTML;
  if (dot != NULL && g_ascii_strcasecmp (dot + 1, "text") == 0)
    return MT_REPORT_FORMAT_TEXT;

  return MT_REPORT_FORMAT_MARKDOWN;
}

static void
replace_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      mt_window_show_error_toast (self, _ ("The report could not be saved"), error);
      return;
    }

  name = g_file_get_parse_name (G_FILE (object));
  message = g_strdup_printf (_ ("Report saved to %s"), name);
  mt_window_show_toast (self, message);
}

/**
 * mt_window_save_report:
 * @file: where to write it; the format comes from its name
 *
 * Writes the report of the current detection to @file, replacing it
 * atomically, and says in a toast how that went.
 */
void
mt_window_save_report (MtWindow *self, GFile *file)
{
  MtSystemInfo *info = mt_window_get_system_info (self);
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr (GBytes) bytes = NULL;
  char *text;

  g_return_if_fail (info != NULL);

  text = mt_report_render (info, mt_window_format_for_file_name (basename));
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, replace_cb, g_object_ref (self));
}

static void
save_dialog_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;

  file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, &error);
  if (file == NULL)
    {
      if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
        mt_window_show_error_toast (self, _ ("The report could not be saved"), error);
      return;
    }

  mt_window_save_report (self, file);
}

/* the extension the Preferences ask for first, "md" without a schema */
static const char *
preferred_extension (MtWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings =
    MT_IS_APPLICATION (app) ? mt_application_get_settings (MT_APPLICATION (app)) : NULL;
  g_autofree char *extension =
    settings != NULL ? g_settings_get_string (settings, "report-format") : NULL;

  for (guint i = 0; extension != NULL && i < G_N_ELEMENTS (report_formats); i++)
    if (g_str_equal (extension, report_formats[i].extension))
      return report_formats[i].extension;

  return report_formats[0].extension;
}

/**
 * mt_window_dup_report_name:
 *
 * Returns: (transfer full): the name an exported report is offered under,
 *   with today's date and the extension the Preferences choose
 */
char *
mt_window_dup_report_name (MtWindow *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");

  /* TRANSLATORS: the default file name of an exported report, %s being
   * today's date; the extension that follows decides the format */
  g_autofree char *base = g_strdup_printf (_ ("modtune-report-%s"), date);

  return g_strdup_printf ("%s.%s", base, preferred_extension (self));
}

static void
export_report_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtWindow *self = MT_WINDOW (widget);
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr (GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autofree char *name = NULL;
  const char *extension = preferred_extension (self);

  if (mt_window_get_system_info (self) == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (report_formats); i++)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _ (report_formats[i].label));
      gtk_file_filter_add_mime_type (filter, report_formats[i].mime_type);
      gtk_file_filter_add_suffix (filter, report_formats[i].extension);
      g_list_store_append (filters, filter);
      if (g_str_equal (extension, report_formats[i].extension))
        gtk_file_dialog_set_default_filter (dialog, filter);
    }

  name = mt_window_dup_report_name (self);
  gtk_file_dialog_set_initial_name (dialog, name);
  gtk_file_dialog_set_title (dialog, _ ("Export Report"));
  gtk_file_dialog_set_accept_label (dialog, _ ("_Export"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_save (dialog, GTK_WINDOW (self), NULL, save_dialog_cb, g_object_ref (self));
}

static void
copy_report_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtWindow *self = MT_WINDOW (widget);
  MtSystemInfo *info = mt_window_get_system_info (self);
  g_autofree char *text = NULL;

  if (info == NULL)
    return;

  text = mt_report_render (info, MT_REPORT_FORMAT_MARKDOWN);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  mt_window_show_toast (self, _ ("Report copied as Markdown"));
}

void
mt_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export-report", NULL, export_report_action);
  gtk_widget_class_install_action (widget_class, "win.copy-report", NULL, copy_report_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.export-report", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.copy-report", NULL);
}
