/* mt-flag-row.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-flag-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-flag-row.h"

/**
 * MtFlagRow:
 *
 * One flag of the catalog on the Flags page: its label and honest
 * description, a switch, and, one click away, the exact arguments, what
 * it changes, whether the modules stay portable, and what it needs with
 * the evidence of whether this machine has it.  Required and refused
 * flags, and flags whose need this machine lacks, cannot be switched; the
 * row says why.  Which flags are on is the page's decision.
 */
struct _MtFlagRow
{
  AdwExpanderRow parent_instance;

  MtFlagCatalog *catalog;
  MtFlag *flag;
  MtSystemInfo *system_info;
  int needs_met;

  /* template children */
  GtkLabel *status_label;
  GtkSwitch *toggle;
  AdwActionRow *args_row;
  AdwActionRow *make_row;
  AdwActionRow *effect_row;
  AdwActionRow *portable_row;
  AdwActionRow *needs_row;
  AdwActionRow *group_row;
};

G_DEFINE_FINAL_TYPE (MtFlagRow, mt_flag_row, ADW_TYPE_EXPANDER_ROW)

enum
{
  PROP_0,
  PROP_CATALOG,
  PROP_FLAG,
  PROP_SYSTEM_INFO,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * mt_flag_row_new:
 * @catalog: the catalog @flag is from, for the other flags of its group
 * @system_info: (nullable): the machine, or %NULL while it is not known
 */
GtkWidget *
mt_flag_row_new (MtFlagCatalog *catalog, MtFlag *flag, MtSystemInfo *system_info)
{
  g_return_val_if_fail (MT_IS_FLAG_CATALOG (catalog), NULL);
  g_return_val_if_fail (MT_IS_FLAG (flag), NULL);
  g_return_val_if_fail (system_info == NULL || MT_IS_SYSTEM_INFO (system_info), NULL);

  return g_object_new (MT_TYPE_FLAG_ROW, "catalog", catalog, "flag", flag, "system-info",
                       system_info, NULL);
}

MtFlag *
mt_flag_row_get_flag (MtFlagRow *self)
{
  g_return_val_if_fail (MT_IS_FLAG_ROW (self), NULL);

  return self->flag;
}

/**
 * mt_flag_row_get_needs_met:
 *
 * Returns: what mt_flag_check_needs() said for this machine: 1 when it
 *   has everything the flag needs, 0 when it lacks something, -1 when
 *   that is not known
 */
int
mt_flag_row_get_needs_met (MtFlagRow *self)
{
  g_return_val_if_fail (MT_IS_FLAG_ROW (self), -1);

  return self->needs_met;
}

/**
 * mt_flag_row_get_locked:
 *
 * Returns: whether the switch cannot be changed by hand: the flag is
 *   required or refused, or this machine lacks what it needs
 */
gboolean
mt_flag_row_get_locked (MtFlagRow *self)
{
  g_return_val_if_fail (MT_IS_FLAG_ROW (self), TRUE);

  return mt_flag_get_required (self->flag) || mt_flag_get_refused (self->flag) ||
         self->needs_met == 0;
}

gboolean
mt_flag_row_get_active (MtFlagRow *self)
{
  g_return_val_if_fail (MT_IS_FLAG_ROW (self), FALSE);

  return gtk_switch_get_active (self->toggle);
}

void
mt_flag_row_set_active (MtFlagRow *self, gboolean active)
{
  g_return_if_fail (MT_IS_FLAG_ROW (self));

  gtk_switch_set_active (self->toggle, active);
}

static const char *
describe_effect (const char *effect)
{
  if (g_str_equal (effect, "none"))
    /* TRANSLATORS: what a compiler flag changes; its description says why */
    return _ ("Cannot change the modules: the description says why");
  if (g_str_equal (effect, "code"))
    /* TRANSLATORS: what a compiler flag changes */
    return _ ("Changes the modules’ code");
  if (g_str_equal (effect, "log"))
    /* TRANSLATORS: what a compiler flag changes */
    return _ ("Changes only what the build log reports, not the modules");
  if (g_str_equal (effect, "toolchain"))
    /* TRANSLATORS: what a compiler flag changes */
    return _ ("Chooses the compiler and tools that build the modules");

  return effect;
}

static char *
describe_needs (MtFlagRow *self, const char *evidence)
{
  const char *const *needs = mt_flag_get_needs (self->flag);
  g_autofree char *joined = NULL;
  const char *answer;

  if (needs[0] == NULL)
    /* TRANSLATORS: what a compiler flag needs from the machine */
    return g_strdup (_ ("Nothing"));

  joined = g_strjoinv (", ", (char **) needs);
  if (self->needs_met > 0)
    /* TRANSLATORS: whether this machine has what a compiler flag needs */
    answer = _ ("this machine has it");
  else if (self->needs_met == 0)
    /* TRANSLATORS: whether this machine has what a compiler flag needs */
    answer = _ ("this machine does not have it");
  else
    /* TRANSLATORS: whether this machine has what a compiler flag needs */
    answer = _ ("not known whether this machine has it");

  /* TRANSLATORS: "compiler=clang — this machine does not have it (compiler: gcc …)" */
  return g_strdup_printf (_ ("%s — %s (%s)"), joined, answer, evidence != NULL ? evidence : "");
}

/* Why the switch cannot be changed, or %NULL when it can. */
static const char *
describe_lock (MtFlagRow *self)
{
  if (mt_flag_get_refused (self->flag))
    /* TRANSLATORS: a flag Modtune lists only to explain why it never passes it */
    return _ ("Never passed");
  if (mt_flag_get_required (self->flag) && self->needs_met > 0)
    /* TRANSLATORS: a flag that is always on and cannot be turned off */
    return _ ("Required");
  if (mt_flag_get_required (self->flag) && self->needs_met == 0)
    /* TRANSLATORS: a required flag whose need (a clang-built kernel) this
     * machine lacks; keep it short */
    return _ ("Not for this kernel");
  if (mt_flag_get_required (self->flag))
    /* TRANSLATORS: a required flag whose need (a clang-built kernel) could
     * not be detected; keep it short */
    return _ ("Not detected");
  if (self->needs_met == 0)
    /* TRANSLATORS: a flag whose need (a processor feature) this machine
     * lacks; keep it short */
    return _ ("Not on this machine");

  return NULL;
}

static void
fill (MtFlagRow *self)
{
  const char *const *args = mt_flag_get_args (self->flag);
  const char *const *make_vars = mt_flag_get_make_vars (self->flag);
  const char *group = mt_flag_get_group (self->flag);
  g_autofree char *evidence = NULL;
  g_autofree char *needs = NULL;
  const char *lock;

  self->needs_met = mt_flag_check_needs (self->flag, self->system_info, &evidence);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), mt_flag_get_label (self->flag));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), mt_flag_get_description (self->flag));

  if (args[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", (char **) args);

      adw_action_row_set_subtitle (self->args_row, joined);
    }
  else if (mt_flag_get_refused (self->flag))
    {
      adw_action_row_set_subtitle (self->args_row, _ ("None: Modtune never passes it"));
    }
  else
    {
      adw_action_row_set_subtitle (self->args_row, _ ("None"));
      gtk_widget_set_visible (GTK_WIDGET (self->args_row), make_vars[0] == NULL);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->make_row), make_vars[0] != NULL);
  if (make_vars[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", (char **) make_vars);

      adw_action_row_set_subtitle (self->make_row, joined);
    }

  adw_action_row_set_subtitle (self->effect_row, describe_effect (mt_flag_get_effect (self->flag)));
  adw_action_row_set_subtitle (
    self->portable_row,
    mt_flag_get_portable (self->flag)
      ? _ ("Portable: modules built with it still run correctly on other processors")
      : _ ("Tied to this processor: modules built with it may not run correctly on another one"));

  needs = describe_needs (self, evidence);
  adw_action_row_set_subtitle (self->needs_row, needs);

  if (group != NULL)
    {
      g_autoptr (GString) others = g_string_new (NULL);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->catalog));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (MtFlag) other = g_list_model_get_item (G_LIST_MODEL (self->catalog), i);

          if (other == self->flag || g_strcmp0 (mt_flag_get_group (other), group) != 0)
            continue;
          if (others->len > 0)
            g_string_append (others, ", ");
          g_string_append (others, mt_flag_get_label (other));
        }
      if (others->len > 0)
        {
          /* TRANSLATORS: %s lists the other flags of the same group */
          g_autofree char *text =
            g_strdup_printf (_ ("Switching it on turns off: %s"), others->str);

          adw_action_row_set_subtitle (self->group_row, text);
          gtk_widget_set_visible (GTK_WIDGET (self->group_row), TRUE);
        }
    }

  lock = describe_lock (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->toggle), lock == NULL);
  gtk_label_set_text (self->status_label, lock != NULL ? lock : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), lock != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->toggle), lock);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label),
                               lock != NULL && self->needs_met < 1 ? needs : NULL);
  gtk_accessible_update_property (
    GTK_ACCESSIBLE (self->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, mt_flag_get_label (self->flag),
    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, lock != NULL ? lock : "", -1);
}

static void
toggle_active_cb (MtFlagRow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

static void
mt_flag_row_constructed (GObject *object)
{
  MtFlagRow *self = MT_FLAG_ROW (object);

  G_OBJECT_CLASS (mt_flag_row_parent_class)->constructed (object);

  g_return_if_fail (self->catalog != NULL && self->flag != NULL);
  fill (self);
}

static void
mt_flag_row_dispose (GObject *object)
{
  MtFlagRow *self = (MtFlagRow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_FLAG_ROW);

  g_clear_object (&self->catalog);
  g_clear_object (&self->flag);
  g_clear_object (&self->system_info);

  G_OBJECT_CLASS (mt_flag_row_parent_class)->dispose (object);
}

static void
mt_flag_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtFlagRow *self = MT_FLAG_ROW (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;

    case PROP_FLAG:
      g_value_set_object (value, self->flag);
      break;

    case PROP_SYSTEM_INFO:
      g_value_set_object (value, self->system_info);
      break;

    case PROP_ACTIVE:
      g_value_set_boolean (value, mt_flag_row_get_active (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_flag_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MtFlagRow *self = MT_FLAG_ROW (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;

    case PROP_FLAG:
      self->flag = g_value_dup_object (value);
      break;

    case PROP_SYSTEM_INFO:
      self->system_info = g_value_dup_object (value);
      break;

    case PROP_ACTIVE:
      mt_flag_row_set_active (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_flag_row_class_init (MtFlagRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mt_flag_row_constructed;
  object_class->dispose = mt_flag_row_dispose;
  object_class->get_property = mt_flag_row_get_property;
  object_class->set_property = mt_flag_row_set_property;

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, MT_TYPE_FLAG_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAG] =
    g_param_spec_object ("flag", NULL, NULL, MT_TYPE_FLAG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYSTEM_INFO] =
    g_param_spec_object ("system-info", NULL, NULL, MT_TYPE_SYSTEM_INFO,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-flag-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MtFlagRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, MtFlagRow, toggle);
  gtk_widget_class_bind_template_child (widget_class, MtFlagRow, args_row);
  gtk_widget_class_bind_template_child (widget_class, MtFlagRow, make_row);
  gtk_widget_class_bind_template_child (widget_class, MtFlagRow, effect_row);
  gtk_widget_class_bind_template_child (widget_class, MtFlagRow, portable_row);
  gtk_widget_class_bind_template_child (widget_class, MtFlagRow, needs_row);
  gtk_widget_class_bind_template_child (widget_class, MtFlagRow, group_row);
  gtk_widget_class_bind_template_callback (widget_class, toggle_active_cb);
}

static void
mt_flag_row_init (MtFlagRow *self)
{
  self->needs_met = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
}
