/* mt-restore-dialog.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-restore-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-backup-row.h"
#include "mt-restore-dialog.h"

/**
 * MtRestoreDialog:
 *
 * Asks before a backup is restored, and says exactly what will change.
 * The body: the backup's date, kernel, Workstation version and flags, and
 * what it replaces; a row each for vmmon and vmnet: what is installed now
 * (origin, the start of its SHA-256, its backup, whether it is loaded,
 * from the helper's GetStatus) → the backup's module; then what the
 * helper does around it: Modtune's modules installed now are backed up
 * first (mtd-installer's back_up_current()), a failed load puts the
 * previous pair back, and modules a running virtual machine holds stay
 * loaded while the restored ones load at the next boot (mtd-operations'
 * reload()).  The status is the running kernel's, so for a backup of
 * another kernel the rows are hidden.  Responses: "cancel" (the default
 * and the close response) and "restore".
 */
struct _MtRestoreDialog
{
  AdwAlertDialog parent_instance;

  GVariant *backup;
  GVariant *status;

  /* template children */
  GtkListBox *changes_list;
  AdwActionRow *vmmon_row;
  AdwActionRow *vmnet_row;
  GtkLabel *notes_label;
};

G_DEFINE_FINAL_TYPE (MtRestoreDialog, mt_restore_dialog, ADW_TYPE_ALERT_DIALOG)

static const char *const module_names[] = { "vmmon", "vmnet" };

static gboolean
lookup_boolean (GVariant *dict, const char *key)
{
  gboolean value = FALSE;

  return dict != NULL && g_variant_lookup (dict, key, "b", &value) && value;
}

/* What the backup holds: when it was made, for which kernel, how built. */
static char *
describe_backup (MtRestoreDialog *self)
{
  const char *kernel = mt_backup_lookup_string (self->backup, "kernel-release");
  const char *version = mt_backup_lookup_string (self->backup, "workstation-version");
  g_autofree char *date = mt_backup_format_date (self->backup);
  g_autofree const char **ids = NULL;
  g_autoptr (MtFlagCatalog) catalog = NULL;
  g_autofree char *flags = NULL;

  if (kernel == NULL)
    kernel = "?";
  if (g_strcmp0 (mt_backup_lookup_string (self->backup, "origin"), "vmware") == 0)
    /* TRANSLATORS: the date, the kernel release */
    return g_strdup_printf (_ ("This backup from %s holds VMware’s own vmmon and vmnet for "
                               "kernel %s."),
                            date, kernel);

  if (version == NULL || *version == '\0')
    /* TRANSLATORS: the date, the kernel release */
    return g_strdup_printf (_ ("This backup from %s holds vmmon and vmnet for kernel %s; how they "
                               "were built (the Workstation version and the flags) was not "
                               "recorded."),
                            date, kernel);

  g_variant_lookup (self->backup, "flag-ids", "^a&s", &ids);
  if (ids == NULL || ids[0] == NULL)
    /* TRANSLATORS: the date, the kernel release, the VMware Workstation version */
    return g_strdup_printf (_ ("This backup from %s holds vmmon and vmnet for kernel %s, built for "
                               "VMware Workstation %s with no extra flags (vanilla)."),
                            date, kernel, version);

  /* the flags by their labels, as the Flags page names them */
  catalog = mt_flag_catalog_new_default (NULL);
  flags = mt_backup_format_flags (self->backup, catalog);
  /* TRANSLATORS: the date, the kernel release, the VMware Workstation
   * version, then the list of compiler flags */
  return g_strdup_printf (_ ("This backup from %s holds vmmon and vmnet for kernel %s, built for "
                             "VMware Workstation %s with these flags: %s."),
                          date, kernel, version, flags);
}

/* What is installed now for one module, from its GetStatus dictionary. */
static char *
describe_installed (GVariant *module, const char *backup_id)
{
  const char *origin = mt_backup_lookup_string (module, "origin");
  const char *sha256 = mt_backup_lookup_string (module, "sha256");
  const char *from = mt_backup_lookup_string (module, "backup-id");
  g_autoptr (GString) details = g_string_new (NULL);

  if (g_strcmp0 (origin, "none") == 0)
    return g_strdup (_ ("none installed now"));

  /* the first 12 hex digits, as “modtunectl status” shows them */
  /* TRANSLATORS: %.12s is the start of a module file's SHA-256 */
  g_string_printf (details, _ ("SHA-256 %.12s…"), sha256 != NULL ? sha256 : "?");
  if (from != NULL && g_strcmp0 (from, backup_id) != 0)
    /* TRANSLATORS: %s is the id of the backup the installed module came from */
    g_string_append_printf (details, _ (", backup %s"), from);
  if (lookup_boolean (module, "loaded"))
    /* TRANSLATORS: the module is in the running kernel */
    g_string_append (details, _ (", loaded"));

  if (g_strcmp0 (origin, "vmware") == 0)
    /* TRANSLATORS: %s is "SHA-256 1a2b3c4d5e6f…" and maybe ", loaded" */
    return g_strdup_printf (_ ("VMware’s own module (%s)"), details->str);
  if (g_strcmp0 (origin, "modtune") == 0 && g_strcmp0 (from, backup_id) == 0)
    /* TRANSLATORS: %s is "SHA-256 1a2b3c4d5e6f…" and maybe ", loaded" */
    return g_strdup_printf (_ ("Modtune’s module from this same backup (%s)"), details->str);
  if (g_strcmp0 (origin, "modtune") == 0)
    /* TRANSLATORS: %s is "SHA-256 1a2b3c4d5e6f…", maybe ", backup <id>" and ", loaded" */
    return g_strdup_printf (_ ("Modtune’s module (%s)"), details->str);

  return g_strdup (_ ("unknown"));
}

/* One sentence that names what the backup replaces, from the origins of
 * the two modules installed now. */
static const char *
describe_replaced (const char *vmmon_origin, const char *vmnet_origin)
{
  if (g_strcmp0 (vmmon_origin, vmnet_origin) != 0)
    return _ ("It replaces the vmmon and vmnet installed now:");
  if (g_strcmp0 (vmmon_origin, "modtune") == 0)
    return _ ("It replaces Modtune’s vmmon and vmnet installed now:");
  if (g_strcmp0 (vmmon_origin, "vmware") == 0)
    return _ ("It takes the place of VMware’s own vmmon and vmnet, which stay on disk:");
  return _ ("No vmmon or vmnet is installed now:");
}

static void
fill (MtRestoreDialog *self)
{
  const char *id = mt_backup_lookup_string (self->backup, "id");
  const char *kernel = mt_backup_lookup_string (self->backup, "kernel-release");
  const char *running = mt_backup_lookup_string (self->status, "kernel-release");
  AdwActionRow *rows[] = { self->vmmon_row, self->vmnet_row };
  const char *origins[G_N_ELEMENTS (module_names)] = { NULL, NULL };
  g_autoptr (GString) notes = g_string_new (NULL);
  g_autofree char *about = describe_backup (self);
  g_autofree char *body = NULL;
  gboolean any_modtune = FALSE;

  if (running == NULL || g_strcmp0 (kernel, running) != 0)
    {
      /* GetStatus("") is the running kernel's: nothing to list */
      gtk_widget_set_visible (GTK_WIDGET (self->changes_list), FALSE);
      adw_alert_dialog_set_body (ADW_ALERT_DIALOG (self), about);
      if (running != NULL)
        g_string_append_printf (
          notes,
          /* TRANSLATORS: the backup's kernel release, then the running one */
          _ ("Kernel %s is not the running kernel (%s), so what is installed for it now is not "
             "shown here. Modtune’s modules installed for it, if any, are kept as a backup "
             "before they are replaced."),
          kernel, running);
      else
        g_string_append (notes, _ ("What is installed now is not known. Modtune’s modules "
                                   "installed for that kernel, if any, are kept as a backup "
                                   "before they are replaced."));
      g_string_append (notes, "\n\n");
      /* TRANSLATORS: %s is a kernel release */
      g_string_append_printf (notes, _ ("The restored modules load when kernel %s boots."), kernel);
      gtk_label_set_label (self->notes_label, notes->str);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (module_names); i++)
    {
      g_autoptr (GVariant) module =
        g_variant_lookup_value (self->status, module_names[i], G_VARIANT_TYPE_VARDICT);
      g_autofree char *now = describe_installed (module, id);
      g_autofree char *change = NULL;

      origins[i] = mt_backup_lookup_string (module, "origin");
      any_modtune |= g_strcmp0 (origins[i], "modtune") == 0;
      /* TRANSLATORS: “<what is installed now> → this backup’s vmmon” */
      change = g_strdup_printf (_ ("%s → this backup’s %s"), now, module_names[i]);
      adw_action_row_set_subtitle (rows[i], change);
    }

  /* TRANSLATORS: what the backup holds, then what it replaces */
  body = g_strdup_printf (_ ("%s %s"), about, describe_replaced (origins[0], origins[1]));
  adw_alert_dialog_set_body (ADW_ALERT_DIALOG (self), body);

  if (any_modtune)
    g_string_append (notes, _ ("Modtune’s modules installed now are kept as a backup before they "
                               "are replaced, so you can go back to them."));
  else
    g_string_append (notes, _ ("No module of Modtune’s is installed for this kernel now, so there "
                               "is nothing to back up first; VMware’s own modules, if any, are "
                               "not touched."));
  g_string_append (notes, "\n\n");
  g_string_append (notes, _ ("Then vmmon and vmnet are unloaded and the restored ones loaded; if "
                             "they fail to load, the previous modules are put back. If a running "
                             "virtual machine uses vmmon or vmnet, the modules loaded now stay in "
                             "use and the restored ones load at the next boot."));
  gtk_label_set_label (self->notes_label, notes->str);
}

/**
 * mt_restore_dialog_new:
 * @backup: the backup, an `a{sv}` of ListBackups
 * @status: (nullable): the helper's GetStatus("") for the running kernel
 *
 * Returns: (transfer floating): the dialog, to present
 */
MtRestoreDialog *
mt_restore_dialog_new (GVariant *backup, GVariant *status)
{
  MtRestoreDialog *self;

  g_return_val_if_fail (backup != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (backup, G_VARIANT_TYPE_VARDICT), NULL);
  g_return_val_if_fail (status == NULL || g_variant_is_of_type (status, G_VARIANT_TYPE_VARDICT),
                        NULL);

  self = g_object_new (MT_TYPE_RESTORE_DIALOG, NULL);
  self->backup = g_variant_ref_sink (backup);
  self->status = status != NULL ? g_variant_ref_sink (status) : NULL;

  fill (self);

  return self;
}

/* the id of the backup to restore */
const char *
mt_restore_dialog_get_backup_id (MtRestoreDialog *self)
{
  g_return_val_if_fail (MT_IS_RESTORE_DIALOG (self), NULL);

  return mt_backup_lookup_string (self->backup, "id");
}

static void
mt_restore_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MT_TYPE_RESTORE_DIALOG);

  G_OBJECT_CLASS (mt_restore_dialog_parent_class)->dispose (object);
}

static void
mt_restore_dialog_finalize (GObject *object)
{
  MtRestoreDialog *self = (MtRestoreDialog *) object;

  g_clear_pointer (&self->backup, g_variant_unref);
  g_clear_pointer (&self->status, g_variant_unref);

  G_OBJECT_CLASS (mt_restore_dialog_parent_class)->finalize (object);
}

static void
mt_restore_dialog_class_init (MtRestoreDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mt_restore_dialog_dispose;
  object_class->finalize = mt_restore_dialog_finalize;

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-restore-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MtRestoreDialog, changes_list);
  gtk_widget_class_bind_template_child (widget_class, MtRestoreDialog, vmmon_row);
  gtk_widget_class_bind_template_child (widget_class, MtRestoreDialog, vmnet_row);
  gtk_widget_class_bind_template_child (widget_class, MtRestoreDialog, notes_label);
}

static void
mt_restore_dialog_init (MtRestoreDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
