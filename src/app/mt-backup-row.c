/* mt-backup-row.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-backup-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-backup-row.h"

/**
 * MtBackupRow:
 *
 * One backup of the helper on the Backups page: when it was made, the
 * kernel and Workstation version its modules were built for, the flags
 * they were built with, whether they are installed now or the last pair
 * known to load, and buttons that activate `backups.restore` and
 * `backups.delete` with the backup's id.  The installed and the last
 * known-good backups cannot be deleted (the helper refuses it), so their
 * Delete button is off and says why.
 */
struct _MtBackupRow
{
  AdwActionRow parent_instance;

  GVariant *backup;
  MtFlagCatalog *catalog;

  /* template children */
  GtkLabel *installed_tag;
  GtkLabel *known_good_tag;
  GtkButton *restore_button;
  GtkButton *delete_button;
};

G_DEFINE_FINAL_TYPE (MtBackupRow, mt_backup_row, ADW_TYPE_ACTION_ROW)

enum
{
  PROP_0,
  PROP_BACKUP,
  PROP_CATALOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * mt_backup_lookup_string:
 * @dict: (nullable): an `a{sv}`
 *
 * Returns: (nullable): the string under @key, or %NULL
 */
const char *
mt_backup_lookup_string (GVariant *dict, const char *key)
{
  const char *value = NULL;

  if (dict == NULL || !g_variant_lookup (dict, key, "&s", &value))
    return NULL;

  return value;
}

static gboolean
lookup_boolean (GVariant *dict, const char *key)
{
  gboolean value = FALSE;

  return dict != NULL && g_variant_lookup (dict, key, "b", &value) && value;
}

/* whether the helper refuses to delete it: the installed or the last
 * known-good backup of a kernel */
gboolean
mt_backup_is_protected (GVariant *backup)
{
  return lookup_boolean (backup, "installed") || lookup_boolean (backup, "known-good");
}

/**
 * mt_backup_format_date:
 *
 * Returns: (transfer full): when the backup was made, in local time and
 *   the locale's format
 */
char *
mt_backup_format_date (GVariant *backup)
{
  g_autoptr (GDateTime) created = NULL;
  guint64 seconds = 0;

  if (backup != NULL && g_variant_lookup (backup, "created", "t", &seconds))
    created = g_date_time_new_from_unix_local ((gint64) MIN (seconds, (guint64) G_MAXINT64));
  if (created == NULL)
    /* TRANSLATORS: a backup whose date is missing */
    return g_strdup (_ ("Unknown date"));

  /* TRANSLATORS: the date and time a backup was made, a
   * g_date_time_format() string; %x and %X are the locale's date and time */
  return g_date_time_format (created, _ ("%x %X"));
}

/**
 * mt_backup_format_flags:
 * @catalog: (nullable): the flag catalog, to name the flags by their labels
 *
 * Returns: (transfer full): the flags the backup's modules were built
 *   with, or that there were none, or that this was not recorded
 */
char *
mt_backup_format_flags (GVariant *backup, MtFlagCatalog *catalog)
{
  g_autofree const char **ids = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  const char *version = mt_backup_lookup_string (backup, "workstation-version");

  if (g_strcmp0 (mt_backup_lookup_string (backup, "origin"), "vmware") == 0)
    return g_strdup (_ ("VMware’s own modules"));

  if (backup != NULL)
    g_variant_lookup (backup, "flag-ids", "^a&s", &ids);
  if (ids == NULL || ids[0] == NULL)
    {
      /* the helper records no version for modules it found installed
       * without a record of how they were built */
      if (version == NULL || *version == '\0')
        return g_strdup (_ ("Build flags not recorded"));
      return g_strdup (_ ("Vanilla (no extra flags)"));
    }

  for (guint i = 0; ids[i] != NULL; i++)
    {
      MtFlag *flag = catalog != NULL ? mt_flag_catalog_lookup (catalog, ids[i]) : NULL;

      if (i > 0)
        /* TRANSLATORS: separates the flags of a backup */
        g_string_append (text, _ (", "));
      g_string_append (text, flag != NULL ? mt_flag_get_label (flag) : ids[i]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

GtkWidget *
mt_backup_row_new (GVariant *backup, MtFlagCatalog *catalog)
{
  g_return_val_if_fail (backup != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (backup, G_VARIANT_TYPE_VARDICT), NULL);

  return g_object_new (MT_TYPE_BACKUP_ROW, "catalog", catalog, "backup", backup, NULL);
}

/**
 * mt_backup_row_get_backup:
 *
 * Returns: (transfer none): the backup, an `a{sv}` of ListBackups
 */
GVariant *
mt_backup_row_get_backup (MtBackupRow *self)
{
  g_return_val_if_fail (MT_IS_BACKUP_ROW (self), NULL);

  return self->backup;
}

const char *
mt_backup_row_get_id (MtBackupRow *self)
{
  g_return_val_if_fail (MT_IS_BACKUP_ROW (self), NULL);

  return mt_backup_lookup_string (self->backup, "id");
}

static void
set_label (GtkWidget *widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
update (MtBackupRow *self)
{
  const char *id = mt_backup_lookup_string (self->backup, "id");
  const char *kernel = mt_backup_lookup_string (self->backup, "kernel-release");
  const char *version = mt_backup_lookup_string (self->backup, "workstation-version");
  gboolean installed = lookup_boolean (self->backup, "installed");
  gboolean known_good = lookup_boolean (self->backup, "known-good");
  g_autofree char *date = mt_backup_format_date (self->backup);
  g_autofree char *flags = mt_backup_format_flags (self->backup, self->catalog);
  g_autofree char *built = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *restore_label = NULL;
  g_autofree char *delete_label = NULL;

  if (version != NULL && *version != '\0')
    /* TRANSLATORS: first line of a backup's row: the kernel release and
     * the VMware Workstation version its modules were built for */
    built =
      g_strdup_printf (_ ("Kernel %s · VMware Workstation %s"), kernel ? kernel : "?", version);
  else
    /* TRANSLATORS: first line of a backup's row: the kernel release */
    built = g_strdup_printf (_ ("Kernel %s"), kernel ? kernel : "?");
  subtitle = g_strdup_printf ("%s\n%s", built, flags);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), date);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->installed_tag), installed);
  gtk_widget_set_visible (GTK_WIDGET (self->known_good_tag), known_good);

  /* TRANSLATORS: what a screen reader says for a backup's Restore button */
  restore_label = g_strdup_printf (_ ("Restore backup from %s"), date);
  set_label (GTK_WIDGET (self->restore_button), restore_label);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->restore_button),
                                          g_variant_new_string (id ? id : ""));

  /* TRANSLATORS: what a screen reader says for a backup's Delete button */
  delete_label = g_strdup_printf (_ ("Delete backup from %s"), date);
  set_label (GTK_WIDGET (self->delete_button), delete_label);
  if (mt_backup_is_protected (self->backup))
    {
      /* the helper refuses it: the button stays off and says why */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->delete_button), NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (self->delete_button), FALSE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->delete_button),
                                   installed
                                     ? _ ("The installed modules’ backup cannot be deleted")
                                     : _ ("The last backup known to load cannot be deleted"));
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->delete_button), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->delete_button), "backups.delete");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->delete_button),
                                              g_variant_new_string (id ? id : ""));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->delete_button), _ ("Delete"));
    }
}

static void
mt_backup_row_dispose (GObject *object)
{
  MtBackupRow *self = (MtBackupRow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_BACKUP_ROW);

  G_OBJECT_CLASS (mt_backup_row_parent_class)->dispose (object);
}

static void
mt_backup_row_finalize (GObject *object)
{
  MtBackupRow *self = (MtBackupRow *) object;

  g_clear_pointer (&self->backup, g_variant_unref);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (mt_backup_row_parent_class)->finalize (object);
}

static void
mt_backup_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtBackupRow *self = MT_BACKUP_ROW (object);

  switch (prop_id)
    {
    case PROP_BACKUP:
      g_value_set_variant (value, self->backup);
      break;

    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_backup_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MtBackupRow *self = MT_BACKUP_ROW (object);

  switch (prop_id)
    {
    case PROP_BACKUP:
      self->backup = g_value_dup_variant (value);
      break;

    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_backup_row_constructed (GObject *object)
{
  MtBackupRow *self = (MtBackupRow *) object;

  G_OBJECT_CLASS (mt_backup_row_parent_class)->constructed (object);

  if (self->backup != NULL)
    update (self);
}

static void
mt_backup_row_class_init (MtBackupRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mt_backup_row_constructed;
  object_class->dispose = mt_backup_row_dispose;
  object_class->finalize = mt_backup_row_finalize;
  object_class->get_property = mt_backup_row_get_property;
  object_class->set_property = mt_backup_row_set_property;

  properties[PROP_BACKUP] =
    g_param_spec_variant ("backup", NULL, NULL, G_VARIANT_TYPE_VARDICT, NULL,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, MT_TYPE_FLAG_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-backup-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MtBackupRow, installed_tag);
  gtk_widget_class_bind_template_child (widget_class, MtBackupRow, known_good_tag);
  gtk_widget_class_bind_template_child (widget_class, MtBackupRow, restore_button);
  gtk_widget_class_bind_template_child (widget_class, MtBackupRow, delete_button);
}

static void
mt_backup_row_init (MtBackupRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
