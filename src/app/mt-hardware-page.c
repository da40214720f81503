/* mt-hardware-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-hardware-page"

#include "config.h"

#include "mt-application.h"
#include "mt-hardware-page-private.h"

/**
 * MtHardwarePage:
 *
 * The Hardware page: what detection found, each fact with its evidence.
 * The groups are the template's; their rows are built from the
 * #MtSystemInfo each time it is set, and removed again before the next.
 * A part detection could not read says so, in its group and at the top.
 */

G_DEFINE_FINAL_TYPE (MtHardwarePage, mt_hardware_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_SYSTEM_INFO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mt_hardware_page_dispose (GObject *object)
{
  MtHardwarePage *self = (MtHardwarePage *) object;

  g_clear_object (&self->system_info);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_HARDWARE_PAGE);

  G_OBJECT_CLASS (mt_hardware_page_parent_class)->dispose (object);
}

static void
mt_hardware_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtHardwarePage *self = MT_HARDWARE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYSTEM_INFO:
      g_value_set_object (value, self->system_info);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_hardware_page_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  MtHardwarePage *self = MT_HARDWARE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYSTEM_INFO:
      mt_hardware_page_set_system_info (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_hardware_page_class_init (MtHardwarePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mt_hardware_page_dispose;
  object_class->get_property = mt_hardware_page_get_property;
  object_class->set_property = mt_hardware_page_set_property;

  properties[PROP_SYSTEM_INFO] =
    g_param_spec_object ("system-info", NULL, NULL, MT_TYPE_SYSTEM_INFO,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-hardware-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, problems_group);
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, processor_group);
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, kernel_group);
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, secure_boot_group);
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, storage_group);
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, graphics_group);
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, virtualization_group);
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, paravirt_group);
  gtk_widget_class_bind_template_child (widget_class, MtHardwarePage, distro_group);
}

static void
mt_hardware_page_init (MtHardwarePage *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
rebuild (MtHardwarePage *self)
{
  AdwPreferencesGroup *groups[] = {
    self->processor_group, self->kernel_group, self->secure_boot_group,    self->storage_group,
    self->graphics_group,  self->distro_group, self->virtualization_group,
  };
  g_auto (GStrv) problems = NULL;
  MtSysroot *sysroot;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    gtk_widget_set_visible (GTK_WIDGET (groups[i]), self->system_info != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->paravirt_group), FALSE);

  if (self->system_info == NULL)
    return;

  sysroot = mt_system_info_get_sysroot (self->system_info);
  problems = mt_system_info_dup_problems (self->system_info);
  self->tree = mt_sysroot_is_host (sysroot) ? NULL : mt_sysroot_get_path (sysroot);
  self->problems = problems;

  _mt_hardware_page_build_problems (self);
  _mt_hardware_page_build_processor (self, self->system_info);
  _mt_hardware_page_build_kernel (self, self->system_info);
  _mt_hardware_page_build_secure_boot (self, self->system_info);
  _mt_hardware_page_build_storage (self, self->system_info);
  _mt_hardware_page_build_graphics (self, self->system_info);
  _mt_hardware_page_build_virtualization (self, self->system_info);
  _mt_hardware_page_build_distro (self, self->system_info);

  self->tree = NULL;
  self->problems = NULL;
}

/* --- public -------------------------------------------------------------------------------- */

/**
 * mt_hardware_page_get_system_info:
 *
 * Returns: (transfer none) (nullable): what the page shows
 */
MtSystemInfo *
mt_hardware_page_get_system_info (MtHardwarePage *self)
{
  g_return_val_if_fail (MT_IS_HARDWARE_PAGE (self), NULL);

  return self->system_info;
}

/**
 * mt_hardware_page_set_system_info:
 * @system_info: (nullable): what detection found
 *
 * Shows @system_info, replacing every row built for the one before.
 */
void
mt_hardware_page_set_system_info (MtHardwarePage *self, MtSystemInfo *system_info)
{
  g_return_if_fail (MT_IS_HARDWARE_PAGE (self));
  g_return_if_fail (system_info == NULL || MT_IS_SYSTEM_INFO (system_info));

  if (!g_set_object (&self->system_info, system_info))
    return;

  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYSTEM_INFO]);
}
