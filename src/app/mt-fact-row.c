/* mt-fact-row.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-fact-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-evidence-dialog.h"
#include "mt-fact-row.h"

/**
 * MtFactRow:
 *
 * One detected fact: its name as the title, its value as the subtitle
 * ("Unknown" when detection could not tell), and, when the detector kept
 * the evidence, a button that shows where the value came from in an
 * #MtEvidenceDialog.
 */
struct _MtFactRow
{
  AdwActionRow parent_instance;

  char *value;
  GStrv evidence;
  char *tree;

  /* template children */
  GtkButton *evidence_button;
};

G_DEFINE_FINAL_TYPE (MtFactRow, mt_fact_row, ADW_TYPE_ACTION_ROW)

enum
{
  PROP_0,
  PROP_VALUE,
  PROP_EVIDENCE,
  PROP_TREE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mt_fact_row_finalize (GObject *object)
{
  MtFactRow *self = (MtFactRow *) object;

  g_clear_pointer (&self->value, g_free);
  g_clear_pointer (&self->evidence, g_strfreev);
  g_clear_pointer (&self->tree, g_free);

  G_OBJECT_CLASS (mt_fact_row_parent_class)->finalize (object);
}

static void
mt_fact_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MT_TYPE_FACT_ROW);

  G_OBJECT_CLASS (mt_fact_row_parent_class)->dispose (object);
}

static void
mt_fact_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtFactRow *self = MT_FACT_ROW (object);

  switch (prop_id)
    {
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
mt_fact_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MtFactRow *self = MT_FACT_ROW (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      mt_fact_row_set_value (self, g_value_get_string (value));
      break;

    case PROP_EVIDENCE:
      mt_fact_row_set_evidence (self, g_value_get_boxed (value));
      break;

    case PROP_TREE:
      mt_fact_row_set_tree (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
show_evidence_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtFactRow *self = MT_FACT_ROW (widget);
  MtEvidenceDialog *dialog =
    mt_evidence_dialog_new (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self)),
                            adw_action_row_get_subtitle (ADW_ACTION_ROW (self)),
                            (const char *const *) self->evidence, self->tree);

  adw_dialog_present (ADW_DIALOG (dialog), widget);
}

static void
mt_fact_row_class_init (MtFactRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mt_fact_row_finalize;
  object_class->dispose = mt_fact_row_dispose;
  object_class->get_property = mt_fact_row_get_property;
  object_class->set_property = mt_fact_row_set_property;

  /**
   * MtFactRow:value: (nullable)
   *
   * The detected value, or %NULL when it is unknown.
   */
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MtFactRow:evidence: (nullable)
   *
   * Where the value came from, one line per file or register read.
   */
  properties[PROP_EVIDENCE] =
    g_param_spec_boxed ("evidence", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MtFactRow:tree: (nullable)
   *
   * The recorded tree the evidence's paths are in, or %NULL for this
   * machine.
   */
  properties[PROP_TREE] = g_param_spec_string (
    "tree", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-fact-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MtFactRow, evidence_button);

  gtk_widget_class_install_action (widget_class, "fact-row.show-evidence", NULL, show_evidence_cb);
}

static void
update_evidence_label (MtFactRow *self)
{
  /* TRANSLATORS: the accessible name of the button that shows where a
   * fact came from; %s is the fact, such as “Secure Boot” */
  g_autofree char *label = g_strdup_printf (
    _ ("Evidence for %s"), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self)));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->evidence_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
title_changed_cb (MtFactRow *self)
{
  update_evidence_label (self);
}

static void
mt_fact_row_init (MtFactRow *self)
{
  const char *icons[] = { "info-outline-symbolic", "help-about-symbolic", NULL };
  g_autoptr (GIcon) icon = g_themed_icon_new_from_names ((char **) icons, -1);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* an “i” in a circle, by its newer name first */
  gtk_button_set_child (self->evidence_button, gtk_image_new_from_gicon (icon));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _ ("Unknown"));
  update_evidence_label (self);
  g_signal_connect (self, "notify::title", G_CALLBACK (title_changed_cb), NULL);
}

/**
 * mt_fact_row_new:
 * @title: what the fact is, such as “Secure Boot”
 * @value: (nullable): its value; %NULL or empty shows “Unknown”
 * @evidence: (nullable) (array zero-terminated=1): where it came from
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
mt_fact_row_new (const char *title, const char *value, const char *const *evidence)
{
  return g_object_new (MT_TYPE_FACT_ROW, "title", title, "value", value, "evidence", evidence,
                       NULL);
}

const char *
mt_fact_row_get_value (MtFactRow *self)
{
  g_return_val_if_fail (MT_IS_FACT_ROW (self), NULL);

  return self->value;
}

void
mt_fact_row_set_value (MtFactRow *self, const char *value)
{
  g_return_if_fail (MT_IS_FACT_ROW (self));

  if (!g_set_str (&self->value, value))
    return;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self),
                               value != NULL && *value != '\0' ? value : _ ("Unknown"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

/**
 * mt_fact_row_get_evidence:
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the evidence
 */
const char *const *
mt_fact_row_get_evidence (MtFactRow *self)
{
  g_return_val_if_fail (MT_IS_FACT_ROW (self), NULL);

  return (const char *const *) self->evidence;
}

void
mt_fact_row_set_evidence (MtFactRow *self, const char *const *evidence)
{
  g_return_if_fail (MT_IS_FACT_ROW (self));

  if (evidence == NULL && self->evidence == NULL)
    return;
  if (evidence != NULL && self->evidence != NULL &&
      g_strv_equal (evidence, (const char *const *) self->evidence))
    return;

  g_strfreev (self->evidence);
  self->evidence = evidence != NULL && evidence[0] != NULL ? g_strdupv ((GStrv) evidence) : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->evidence_button), self->evidence != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVIDENCE]);
}

/**
 * mt_fact_row_add_evidence:
 * @line: (nullable): one more source, such as “/proc/cpuinfo: vendor_id”
 *
 * Adds @line to the evidence, unless it is %NULL or there already.
 */
void
mt_fact_row_add_evidence (MtFactRow *self, const char *line)
{
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) evidence = NULL;

  g_return_if_fail (MT_IS_FACT_ROW (self));

  if (line == NULL ||
      (self->evidence != NULL && g_strv_contains ((const char *const *) self->evidence, line)))
    return;

  builder = g_strv_builder_new ();
  if (self->evidence != NULL)
    g_strv_builder_addv (builder, (const char **) self->evidence);
  g_strv_builder_add (builder, line);
  evidence = g_strv_builder_end (builder);
  mt_fact_row_set_evidence (self, (const char *const *) evidence);
}

/**
 * mt_fact_row_add_evidence_lines:
 * @lines: (element-type utf8) (nullable): a detector's evidence
 * @needles: (nullable) (array zero-terminated=1): keep only the lines that
 *   contain one of these, or %NULL for all of them
 *
 * Adds the lines of a detector's evidence that bear on this fact.
 */
void
mt_fact_row_add_evidence_lines (MtFactRow *self, GPtrArray *lines, const char *const *needles)
{
  g_return_if_fail (MT_IS_FACT_ROW (self));

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      gboolean wanted = needles == NULL;

      for (guint j = 0; !wanted && needles[j] != NULL; j++)
        wanted = strstr (line, needles[j]) != NULL;
      if (wanted)
        mt_fact_row_add_evidence (self, line);
    }
}

/**
 * mt_fact_row_add_kconfig_evidence:
 * @config: (nullable): the kernel configuration, %NULL when none was found
 * @options: (array zero-terminated=1): the options that decided this fact
 *
 * Adds what @config says of each of @options, as its file says it: set to
 * a value, “is not set”, or absent (not named at all).
 */
void
mt_fact_row_add_kconfig_evidence (MtFactRow *self, MtKconfig *config, const char *const *options)
{
  g_return_if_fail (MT_IS_FACT_ROW (self));
  g_return_if_fail (config == NULL || MT_IS_KCONFIG (config));

  for (guint i = 0; config != NULL && options[i] != NULL; i++)
    {
      const char *source = mt_kconfig_get_source (config);
      const char *value = mt_kconfig_lookup (config, options[i]);
      g_autofree char *line = NULL;

      if (value == NULL)
        line = g_strdup_printf ("%s: %s is absent", source, options[i]);
      else if (g_str_equal (value, "n"))
        line = g_strdup_printf ("%s: %s is not set", source, options[i]);
      else
        line = g_strdup_printf ("%s: %s=%s", source, options[i], value);

      mt_fact_row_add_evidence (self, line);
    }
}

const char *
mt_fact_row_get_tree (MtFactRow *self)
{
  g_return_val_if_fail (MT_IS_FACT_ROW (self), NULL);

  return self->tree;
}

void
mt_fact_row_set_tree (MtFactRow *self, const char *tree)
{
  g_return_if_fail (MT_IS_FACT_ROW (self));

  if (g_set_str (&self->tree, tree))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TREE]);
}
