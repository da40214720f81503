/* mt-evidence-dialog.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-evidence-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-evidence-dialog.h"

/**
 * MtEvidenceDialog:
 *
 * Where one fact came from: the fact and its value, then each line of
 * evidence the detector kept (a file and what it held, a CPUID register
 * and bit, a kernel configuration option).  A file line is shown as its
 * path above what was read there.
 */
struct _MtEvidenceDialog
{
  AdwDialog parent_instance;

  char *fact;
  char *value;
  GStrv evidence;
  char *tree;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwActionRow *fact_row;
  AdwPreferencesGroup *sources_group;
};

G_DEFINE_FINAL_TYPE (MtEvidenceDialog, mt_evidence_dialog, ADW_TYPE_DIALOG)

enum
{
  PROP_0,
  PROP_FACT,
  PROP_VALUE,
  PROP_EVIDENCE,
  PROP_TREE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mt_evidence_dialog_finalize (GObject *object)
{
  MtEvidenceDialog *self = (MtEvidenceDialog *) object;

  g_clear_pointer (&self->fact, g_free);
  g_clear_pointer (&self->value, g_free);
  g_clear_pointer (&self->evidence, g_strfreev);
  g_clear_pointer (&self->tree, g_free);

  G_OBJECT_CLASS (mt_evidence_dialog_parent_class)->finalize (object);
}

static void
mt_evidence_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MT_TYPE_EVIDENCE_DIALOG);

  G_OBJECT_CLASS (mt_evidence_dialog_parent_class)->dispose (object);
}

static void
mt_evidence_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtEvidenceDialog *self = MT_EVIDENCE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FACT:
      g_value_set_string (value, self->fact);
      break;

    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;

    case PROP_EVIDENCE:
      g_value_set_boxed (value, self->evidence);
      break;

    case PROP_TREE:
      g_value_set_string (value, self->tree);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_evidence_dialog_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  MtEvidenceDialog *self = MT_EVIDENCE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FACT:
      self->fact = g_value_dup_string (value);
      break;

    case PROP_VALUE:
      self->value = g_value_dup_string (value);
      break;

    case PROP_EVIDENCE:
      self->evidence = g_value_dup_boxed (value);
      break;

    case PROP_TREE:
      self->tree = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* "/proc/cpuinfo: vendor_id" is a file and what was read there; any other
 * line ("CPUID 0x1.0 ECX bit 20 = 1", "conclusion: kvm (…)") stays whole. */
static GtkWidget *
create_source_row (const char *line)
{
  GtkWidget *row = adw_action_row_new ();
  const char *colon = strstr (line, ": ");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title_selectable (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle_selectable (ADW_ACTION_ROW (row), TRUE);

  if (line[0] == '/' && colon != NULL && colon[2] != '\0')
    {
      g_autofree char *path = g_strndup (line, colon - line);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), path);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), colon + 2);
      gtk_widget_add_css_class (row, "property");
    }
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), line);

  return row;
}

static void
mt_evidence_dialog_constructed (GObject *object)
{
  MtEvidenceDialog *self = MT_EVIDENCE_DIALOG (object);

  G_OBJECT_CLASS (mt_evidence_dialog_parent_class)->constructed (object);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->fact_row),
                                 self->fact != NULL ? self->fact : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->fact_row),
                               self->value != NULL && *self->value != '\0' ? self->value
                                                                           : _ ("Unknown"));

  if (self->tree != NULL)
    {
      /* TRANSLATORS: %s is the directory of a tree recorded from another machine */
      g_autofree char *note = g_strdup_printf (
        _ ("The system files named here were read inside the recorded tree %s, not on this "
           "computer."),
        self->tree);

      adw_preferences_group_set_description (self->sources_group, note);
    }

  for (guint i = 0; self->evidence != NULL && self->evidence[i] != NULL; i++)
    adw_preferences_group_add (self->sources_group, create_source_row (self->evidence[i]));

  if (self->evidence == NULL || self->evidence[0] == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _ ("The detector kept no evidence for this fact"));
      adw_preferences_group_add (self->sources_group, row);
    }
}

static void
copy_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtEvidenceDialog *self = MT_EVIDENCE_DIALOG (widget);
  g_autofree char *text = mt_evidence_dialog_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Evidence copied")));
}

static void
mt_evidence_dialog_class_init (MtEvidenceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mt_evidence_dialog_finalize;
  object_class->dispose = mt_evidence_dialog_dispose;
  object_class->constructed = mt_evidence_dialog_constructed;
  object_class->get_property = mt_evidence_dialog_get_property;
  object_class->set_property = mt_evidence_dialog_set_property;

  properties[PROP_FACT] = g_param_spec_string (
    "fact", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] = g_param_spec_string (
    "value", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVIDENCE] =
    g_param_spec_boxed ("evidence", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TREE] = g_param_spec_string (
    "tree", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-evidence-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MtEvidenceDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MtEvidenceDialog, fact_row);
  gtk_widget_class_bind_template_child (widget_class, MtEvidenceDialog, sources_group);

  gtk_widget_class_install_action (widget_class, "evidence.copy", NULL, copy_cb);
}

static void
mt_evidence_dialog_init (MtEvidenceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * mt_evidence_dialog_new:
 * @fact: what the fact is, such as “Secure Boot”
 * @value: (nullable): its value as the page shows it
 * @evidence: (nullable) (array zero-terminated=1): one line per source
 * @tree: (nullable): the recorded tree the paths are in, %NULL for this machine
 *
 * Returns: (transfer floating): a new dialog, to present with adw_dialog_present()
 */
MtEvidenceDialog *
mt_evidence_dialog_new (const char *fact,
                        const char *value,
                        const char *const *evidence,
                        const char *tree)
{
  return g_object_new (MT_TYPE_EVIDENCE_DIALOG, "fact", fact, "value", value, "evidence", evidence,
                       "tree", tree, NULL);
}

const char *
mt_evidence_dialog_get_fact (MtEvidenceDialog *self)
{
  g_return_val_if_fail (MT_IS_EVIDENCE_DIALOG (self), NULL);

  return self->fact;
}

/**
 * mt_evidence_dialog_dup_text:
 *
 * Returns: (transfer full): the fact, its value and its evidence as plain
 *   text, one source a line, as the Copy button puts it on the clipboard
 */
char *
mt_evidence_dialog_dup_text (MtEvidenceDialog *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (MT_IS_EVIDENCE_DIALOG (self), NULL);

  g_string_append_printf (text, "%s: %s\n", self->fact != NULL ? self->fact : "",
                          adw_action_row_get_subtitle (self->fact_row));
  if (self->tree != NULL)
    g_string_append_printf (text, "%s\n",
                            adw_preferences_group_get_description (self->sources_group));
  for (guint i = 0; self->evidence != NULL && self->evidence[i] != NULL; i++)
    g_string_append_printf (text, "- %s\n", self->evidence[i]);

  return g_string_free (g_steal_pointer (&text), FALSE);
}
