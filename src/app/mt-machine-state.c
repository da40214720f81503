/* mt-machine-state.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-machine-state"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-machine-state.h"

/* What the Overview says: one sentence on the state of VMware on this
 * machine, and whether Optimize can fix it.  Detection gives the facts of
 * the kernel, Workstation and Secure Boot; the helper's GetStatus, when it
 * answers, says which vmmon and vmnet are installed for the running kernel
 * (its own, VMware's or none) and whether they are loaded, and is trusted
 * over the app's own reading of /lib/modules. */

typedef enum
{
  MODULE_MISSING,
  MODULE_INSTALLED,
  MODULE_LOADED,
} ModuleState;

static ModuleState
module_state_from_status (GVariant *status, const char *name, gboolean *known)
{
  g_autoptr (GVariant) module = NULL;
  const char *origin = NULL;
  gboolean loaded = FALSE;

  module = g_variant_lookup_value (status, name, G_VARIANT_TYPE_VARDICT);
  if (module == NULL || !g_variant_lookup (module, "origin", "&s", &origin))
    return MODULE_MISSING;

  *known = TRUE;
  g_variant_lookup (module, "loaded", "b", &loaded);
  if (g_str_equal (origin, "none"))
    return MODULE_MISSING;

  return loaded ? MODULE_LOADED : MODULE_INSTALLED;
}

static ModuleState
module_state_from_info (MtSystemInfo *info, const char *name)
{
  MtModulesInfo *modules = mt_system_info_get_modules (info);
  const MtModule *module = modules != NULL ? mt_modules_info_lookup (modules, name) : NULL;

  if (module == NULL)
    return MODULE_MISSING;

  switch (module->state)
    {
    case MT_MODULE_STATE_LOADED:
    case MT_MODULE_STATE_BUILTIN:
      return MODULE_LOADED;

    case MT_MODULE_STATE_AVAILABLE:
      return MODULE_INSTALLED;

    case MT_MODULE_STATE_MISSING:
    default:
      return MODULE_MISSING;
    }
}

/* the lesser state of vmmon and vmnet */
static ModuleState
modules_state (MtSystemInfo *info, GVariant *status)
{
  const char *names[] = { "vmmon", "vmnet" };
  ModuleState state = MODULE_LOADED;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gboolean known = FALSE;
      ModuleState one = MODULE_MISSING;

      if (status != NULL)
        one = module_state_from_status (status, names[i], &known);
      if (!known)
        one = module_state_from_info (info, names[i]);
      state = MIN (state, one);
    }

  return state;
}

static void
set (MtMachineSummary *summary,
     MtMachineState state,
     const char *icon_name,
     char *title,
     char *description)
{
  summary->state = state;
  summary->icon_name = icon_name;
  summary->title = title;
  summary->description = description;
}

/**
 * mt_machine_summary_new:
 * @info: (nullable): what detection found
 * @status: (nullable): the helper's GetStatus for the running kernel
 *
 * Returns: (transfer full): the state in words
 */
MtMachineSummary *
mt_machine_summary_new (MtSystemInfo *info, GVariant *status)
{
  g_autoptr (MtMachineSummary) summary = g_new0 (MtMachineSummary, 1);
  MtKernelInfo *kernel;
  MtVmwareInfo *vmware;
  MtModulesInfo *modules;
  MtKernelFeatures *features;
  MtSecureBoot *secure_boot;
  MtDistro *distro;
  const char *release;
  const char *version;
  ModuleState state;
  gboolean unsigned_refused;

  g_return_val_if_fail (status == NULL || g_variant_is_of_type (status, G_VARIANT_TYPE_VARDICT),
                        NULL);

  summary->action_label = g_strdup (_ ("_Optimize"));

  if (info == NULL)
    {
      set (summary, MT_MACHINE_STATE_UNKNOWN, "content-loading-symbolic",
           g_strdup (_ ("Detecting this machine…")), g_strdup (""));
      return g_steal_pointer (&summary);
    }

  kernel = mt_system_info_get_kernel (info);
  vmware = mt_system_info_get_vmware (info);
  modules = mt_system_info_get_modules (info);
  features = mt_system_info_get_kernel_features (info);
  secure_boot = mt_system_info_get_secure_boot (info);
  distro = mt_system_info_get_distro (info);
  release = mt_kernel_info_get_release (kernel);
  version = vmware != NULL ? mt_vmware_info_get_version (vmware) : NULL;
  state = modules_state (info, status);
  unsigned_refused =
    secure_boot != NULL && mt_secure_boot_get_unsigned_modules_load (secure_boot) == 0;

  if (vmware == NULL || !mt_vmware_info_is_installed (vmware))
    {
      set (summary, MT_MACHINE_STATE_NO_WORKSTATION, "computer-fail-symbolic",
           g_strdup (_ ("VMware Workstation is not installed")),
           g_strdup (_ ("Modtune builds the modules that VMware Workstation ships as source. "
                        "Install Workstation first, then detect again.")));
      return g_steal_pointer (&summary);
    }

  if (modules != NULL && mt_modules_info_get_support (modules) == MT_MODULE_SUPPORT_NONE)
    {
      set (summary, MT_MACHINE_STATE_NO_MODULES, "computer-fail-symbolic",
           /* TRANSLATORS: %s is a kernel release such as 6.12.48-amd64 */
           g_strdup_printf (_ ("Kernel %s cannot load modules"), release),
           g_strdup (_ ("This kernel was built without module support, so vmmon and vmnet "
                        "cannot be used with it. Boot a kernel of your distribution.")));
      return g_steal_pointer (&summary);
    }

  if (state == MODULE_LOADED)
    {
      set (summary, MT_MACHINE_STATE_WORKING, "object-select-symbolic",
           version != NULL
             /* TRANSLATORS: "VMware Workstation 17.6.4 is ready on kernel 6.12.48-amd64" */
             ? g_strdup_printf (_ ("VMware Workstation %s is ready on kernel %s"), version, release)
             : g_strdup_printf (_ ("VMware Workstation is ready on kernel %s"), release),
           g_strdup (_ ("vmmon and vmnet are installed and loaded. Optimize rebuilds them with "
                        "the flags you chose; the modules it replaces are kept as a backup.")));
      summary->can_optimize = TRUE;
      g_free (summary->action_label);
      summary->action_label = g_strdup (_ ("_Rebuild"));
      return g_steal_pointer (&summary);
    }

  if (unsigned_refused)
    {
      set (summary, MT_MACHINE_STATE_SECURE_BOOT, "security-high-symbolic",
           g_strdup (_ ("Secure Boot will block unsigned modules")),
           g_strdup_printf (
             _ ("Kernel %s refuses modules that are not signed with a key it trusts, and Modtune "
                "does not sign the modules it builds. Enroll a Machine Owner Key and sign vmmon "
                "and vmnet with it, or turn Secure Boot off in the firmware settings."),
             release));
      return g_steal_pointer (&summary);
    }

  if (state == MODULE_INSTALLED)
    {
      set (
        summary, MT_MACHINE_STATE_NOT_LOADED, "dialog-warning-symbolic",
        g_strdup_printf (_ ("vmmon and vmnet are installed for kernel %s but not loaded"), release),
        g_strdup (_ ("VMware Workstation loads them when it starts a virtual machine. If it "
                     "cannot, Optimize builds them again, installs and loads them.")));
      summary->can_optimize = TRUE;
      return g_steal_pointer (&summary);
    }

  if (features != NULL && !mt_kernel_features_get_headers_present (features))
    {
      const char *package = distro != NULL ? mt_distro_get_headers_package (distro) : NULL;
      const char *command = distro != NULL ? mt_distro_get_install_command (distro) : NULL;

      set (
        summary, MT_MACHINE_STATE_NO_HEADERS, "dialog-warning-symbolic",
        g_strdup_printf (_ ("Kernel %s needs its headers before VMware can work"), release),
        command != NULL
          /* TRANSLATORS: %s is a command such as "sudo apt install linux-headers-…" */
          ? g_strdup_printf (_ ("vmmon and vmnet are built against the kernel’s headers, which "
                                "are not installed. Install them with “%s”, then detect "
                                "again."),
                             command)
          : package != NULL
              ? g_strdup_printf (_ ("vmmon and vmnet are built against the kernel’s headers, which "
                                    "are not installed. Install the package %s, then detect "
                                    "again."),
                                 package)
              : g_strdup (_ ("vmmon and vmnet are built against the kernel’s headers, which are "
                             "not installed. Install your distribution’s headers package for "
                             "this kernel, then detect again.")));
      return g_steal_pointer (&summary);
    }

  set (summary, MT_MACHINE_STATE_NEEDS_BUILD, "software-update-available-symbolic",
       /* TRANSLATORS: %s is a kernel release such as 6.12.48-amd64 */
       g_strdup_printf (_ ("VMware Workstation needs a rebuild for kernel %s"), release),
       g_strdup (_ ("vmmon and vmnet are missing for this kernel. Optimize builds them with the "
                    "flags you chose, installs and loads them; anything it replaces is kept as a "
                    "backup.")));
  summary->can_optimize = TRUE;

  return g_steal_pointer (&summary);
}

void
mt_machine_summary_free (MtMachineSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->title);
  g_free (summary->description);
  g_free (summary->action_label);
  g_free (summary);
}
