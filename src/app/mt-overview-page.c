/* mt-overview-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-overview-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-overview-page.h"

/**
 * MtOverviewPage:
 *
 * The Overview page: the state of VMware on this machine in one sentence
 * (mt_machine_summary_new()), the one action that fixes it (Optimize, the
 * window's `win.optimize`), and the facts behind the sentence.  It follows
 * the helper client: "Waiting for authorization…" while a privileged call
 * waits for polkit, "Building…" while a job runs.
 */
struct _MtOverviewPage
{
  AdwBin parent_instance;

  MtSystemInfo *system_info;
  MtHelperClient *client;
  GStrv enabled_flags;
  MtMachineState state;

  /* template children */
  AdwStatusPage *status_page;
  GtkButton *optimize_button;
  GtkLabel *optimize_label;
  AdwSpinner *spinner;
  AdwActionRow *kernel_row;
  AdwActionRow *workstation_row;
  AdwActionRow *vmmon_row;
  AdwActionRow *vmnet_row;
  AdwActionRow *secure_boot_row;
  AdwActionRow *flags_row;
};

G_DEFINE_FINAL_TYPE (MtOverviewPage, mt_overview_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_SYSTEM_INFO,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update (MtOverviewPage *self);

MtSystemInfo *
mt_overview_page_get_system_info (MtOverviewPage *self)
{
  g_return_val_if_fail (MT_IS_OVERVIEW_PAGE (self), NULL);

  return self->system_info;
}

void
mt_overview_page_set_system_info (MtOverviewPage *self, MtSystemInfo *system_info)
{
  g_return_if_fail (MT_IS_OVERVIEW_PAGE (self));

  if (g_set_object (&self->system_info, system_info))
    {
      update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYSTEM_INFO]);
    }
}

MtHelperClient *
mt_overview_page_get_client (MtOverviewPage *self)
{
  g_return_val_if_fail (MT_IS_OVERVIEW_PAGE (self), NULL);

  return self->client;
}

static void
client_notify_cb (MtOverviewPage *self, GParamSpec *pspec, MtHelperClient *client)
{
  update (self);
}

void
mt_overview_page_set_client (MtOverviewPage *self, MtHelperClient *client)
{
  g_return_if_fail (MT_IS_OVERVIEW_PAGE (self));

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);

  if (g_set_object (&self->client, client))
    {
      if (client != NULL)
        g_signal_connect_object (client, "notify", G_CALLBACK (client_notify_cb), self,
                                 G_CONNECT_SWAPPED);
      update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
    }
}

/* The flags Optimize will use, for the Compiler Flags row. */
void
mt_overview_page_set_enabled_flags (MtOverviewPage *self, const char *const *flags)
{
  g_return_if_fail (MT_IS_OVERVIEW_PAGE (self));

  g_strfreev (self->enabled_flags);
  self->enabled_flags = g_strdupv ((GStrv) flags);
  update (self);
}

/* what the page says, for tests */
MtMachineState
mt_overview_page_get_state (MtOverviewPage *self)
{
  g_return_val_if_fail (MT_IS_OVERVIEW_PAGE (self), MT_MACHINE_STATE_UNKNOWN);

  return self->state;
}

static void
set_subtitle (AdwActionRow *row, const char *text)
{
  adw_action_row_set_subtitle (row, text != NULL && *text != '\0' ? text : _ ("Unknown"));
}

/* Without the helper, what detection read in /lib/modules and /sys/module. */
static char *
describe_detected_module (MtSystemInfo *info, const char *name)
{
  MtModulesInfo *modules = mt_system_info_get_modules (info);
  const MtModule *module = modules != NULL ? mt_modules_info_lookup (modules, name) : NULL;

  if (module == NULL)
    return g_strdup (_ ("Unknown"));

  switch (module->state)
    {
    case MT_MODULE_STATE_LOADED:
    case MT_MODULE_STATE_BUILTIN:
      return g_strdup (_ ("Loaded"));

    case MT_MODULE_STATE_AVAILABLE:
      return g_strdup (_ ("Installed, not loaded"));

    case MT_MODULE_STATE_MISSING:
    default:
      return g_strdup (_ ("Not installed for this kernel"));
    }
}

static char *
describe_module (MtSystemInfo *info, GVariant *status, const char *name)
{
  g_autoptr (GVariant) module = NULL;
  const char *origin = NULL;
  gboolean loaded = FALSE;

  if (status == NULL)
    return describe_detected_module (info, name);

  module = g_variant_lookup_value (status, name, G_VARIANT_TYPE_VARDICT);
  if (module == NULL || !g_variant_lookup (module, "origin", "&s", &origin))
    return describe_detected_module (info, name);
  g_variant_lookup (module, "loaded", "b", &loaded);

  if (g_str_equal (origin, "modtune"))
    return g_strdup (loaded ? _ ("Built by Modtune, loaded") : _ ("Built by Modtune, not loaded"));
  if (g_str_equal (origin, "vmware"))
    return g_strdup (loaded ? _ ("VMware’s own build, loaded")
                            : _ ("VMware’s own build, not loaded"));

  return g_strdup (_ ("Not installed for this kernel"));
}

static void
update_button (MtOverviewPage *self, const MtMachineSummary *summary)
{
  gboolean available = self->client != NULL && mt_helper_client_get_available (self->client);
  gboolean authorizing = self->client != NULL && mt_helper_client_get_authorizing (self->client);
  MtJob *job = self->client != NULL ? mt_helper_client_get_current_job (self->client) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->optimize_button), summary->can_optimize);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), authorizing || job != NULL);

  if (authorizing)
    gtk_label_set_label (self->optimize_label, _ ("Waiting for authorization…"));
  else if (job != NULL && g_strcmp0 (mt_job_get_operation (job), "restore") == 0)
    gtk_label_set_label (self->optimize_label, _ ("Restoring…"));
  else if (job != NULL && g_strcmp0 (mt_job_get_operation (job), "uninstall") == 0)
    gtk_label_set_label (self->optimize_label, _ ("Uninstalling…"));
  else if (job != NULL)
    gtk_label_set_label (self->optimize_label, _ ("Building…"));
  else
    gtk_label_set_label (self->optimize_label, summary->action_label);

  if (!available && self->client != NULL &&
      mt_helper_client_get_unavailable_reason (self->client) != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->optimize_button),
                                 _ ("Building needs the Modtune helper, which is not installed"));
  else
    gtk_widget_set_tooltip_text (
      GTK_WIDGET (self->optimize_button),
      _ ("Build vmmon and vmnet with the chosen flags, then install and load them"));
}

static void
update_rows (MtOverviewPage *self, GVariant *status)
{
  MtKernelInfo *kernel = mt_system_info_get_kernel (self->system_info);
  MtVmwareInfo *vmware = mt_system_info_get_vmware (self->system_info);
  MtSecureBoot *secure_boot = mt_system_info_get_secure_boot (self->system_info);
  g_autofree char *vmmon = describe_module (self->system_info, status, "vmmon");
  g_autofree char *vmnet = describe_module (self->system_info, status, "vmnet");
  g_autofree char *flags = NULL;
  guint n_flags = self->enabled_flags != NULL ? g_strv_length (self->enabled_flags) : 0;

  set_subtitle (self->kernel_row, mt_kernel_info_get_release (kernel));
  if (vmware != NULL && mt_vmware_info_is_installed (vmware))
    set_subtitle (self->workstation_row, mt_vmware_info_get_version (vmware));
  else
    set_subtitle (self->workstation_row, _ ("Not installed"));
  set_subtitle (self->vmmon_row, vmmon);
  set_subtitle (self->vmnet_row, vmnet);
  set_subtitle (self->secure_boot_row,
                secure_boot != NULL ? mt_secure_boot_get_summary (secure_boot) : NULL);

  if (n_flags == 0)
    flags = g_strdup (_ ("None: the kernel’s own flags only"));
  else
    {
      g_autofree char *list = g_strjoinv (", ", self->enabled_flags);

      /* TRANSLATORS: "2 flags: unroll-loops, o3" */
      flags = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u flag: %s", "%u flags: %s", n_flags), n_flags, list);
    }
  adw_action_row_set_subtitle (self->flags_row, flags);
}

static void
update (MtOverviewPage *self)
{
  GVariant *status = NULL;
  g_autoptr (MtMachineSummary) summary = NULL;

  if (self->client != NULL && mt_helper_client_get_available (self->client))
    status = mt_helper_client_get_status (self->client);

  summary = mt_machine_summary_new (self->system_info, status);
  self->state = summary->state;
  adw_status_page_set_icon_name (self->status_page, summary->icon_name);
  adw_status_page_set_title (self->status_page, summary->title);
  adw_status_page_set_description (self->status_page, summary->description);
  update_button (self, summary);

  if (self->system_info != NULL)
    update_rows (self, status);
}

static void
mt_overview_page_dispose (GObject *object)
{
  MtOverviewPage *self = (MtOverviewPage *) object;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->system_info);
  g_clear_pointer (&self->enabled_flags, g_strfreev);

  /* the bin's child is a template child too: unparent it once */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_OVERVIEW_PAGE);

  G_OBJECT_CLASS (mt_overview_page_parent_class)->dispose (object);
}

static void
mt_overview_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtOverviewPage *self = MT_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYSTEM_INFO:
      g_value_set_object (value, self->system_info);
      break;

    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_overview_page_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  MtOverviewPage *self = MT_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYSTEM_INFO:
      mt_overview_page_set_system_info (self, g_value_get_object (value));
      break;

    case PROP_CLIENT:
      mt_overview_page_set_client (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_overview_page_class_init (MtOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mt_overview_page_dispose;
  object_class->get_property = mt_overview_page_get_property;
  object_class->set_property = mt_overview_page_set_property;

  properties[PROP_SYSTEM_INFO] =
    g_param_spec_object ("system-info", NULL, NULL, MT_TYPE_SYSTEM_INFO,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, MT_TYPE_HELPER_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, optimize_button);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, optimize_label);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, kernel_row);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, workstation_row);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, vmmon_row);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, vmnet_row);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, secure_boot_row);
  gtk_widget_class_bind_template_child (widget_class, MtOverviewPage, flags_row);
}

static void
mt_overview_page_init (MtOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}
