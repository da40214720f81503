/* mt-system-info.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-system-info"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-json.h"
#include "mt-system-info.h"

/**
 * MtSystemInfo:
 *
 * Everything detection learned about one machine (or one recorded tree):
 * the result that the CLI prints, the app shows and the report exports.
 */
struct _MtSystemInfo
{
  GObject parent_instance;

  MtSysroot *sysroot;
  MtCpuInfo *cpu;
  GPtrArray *cpu_features;
  MtKernelInfo *kernel;
  MtKernelFeatures *kernel_features;
  MtSecureBoot *secure_boot;
  MtDistro *distro;
  GPtrArray *pci;  /* of MtPciDevice */
  GPtrArray *gpus; /* of MtPciDevice */
  MtHypervisorInfo *hypervisor;
  MtStorageInfo *storage;
  MtModulesInfo *modules;
  MtVmwareInfo *vmware;
  GPtrArray *problems; /* of Problem: what could not be detected, and why */
};

typedef struct
{
  char *area;
  char *message;
} Problem;

G_DEFINE_FINAL_TYPE (MtSystemInfo, mt_system_info, G_TYPE_OBJECT)

/* The JSON layout; bump when a key changes meaning or disappears. */
#define MT_SYSTEM_INFO_SCHEMA_VERSION 1

/* /proc/cpuinfo names of the features that matter for building and running
 * VMware's modules, in the order they are shown. */
static const char *const notable_flags[] = {
  "sse4_2", "avx", "avx2", "avx512f", "aes", "sha_ni", "bmi1", "bmi2", "vmx", "svm",
};

static void
mt_system_info_finalize (GObject *object)
{
  MtSystemInfo *self = (MtSystemInfo *) object;

  g_clear_object (&self->sysroot);
  g_clear_object (&self->cpu);
  g_clear_pointer (&self->cpu_features, g_ptr_array_unref);
  g_clear_object (&self->kernel);
  g_clear_object (&self->kernel_features);
  g_clear_object (&self->secure_boot);
  g_clear_object (&self->distro);
  g_clear_pointer (&self->pci, g_ptr_array_unref);
  g_clear_pointer (&self->gpus, g_ptr_array_unref);
  g_clear_object (&self->hypervisor);
  g_clear_object (&self->storage);
  g_clear_object (&self->modules);
  g_clear_object (&self->vmware);
  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_system_info_parent_class)->finalize (object);
}

static void
mt_system_info_class_init (MtSystemInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_system_info_finalize;
}

static void
problem_free (gpointer data)
{
  Problem *problem = data;

  g_free (problem->area);
  g_free (problem->message);
  g_free (problem);
}

static void
mt_system_info_init (MtSystemInfo *self)
{
  self->problems = g_ptr_array_new_with_free_func (problem_free);
}

/* A detector that failed leaves its part of the report empty; the rest of
 * the report stands, and says what is missing and why. */
static void
add_problem (MtSystemInfo *self, const char *area, GError *error_owned)
{
  g_autoptr (GError) error = error_owned;
  Problem *problem = g_new0 (Problem, 1);

  problem->area = g_strdup (area);
  problem->message = g_strdup (error->message);
  g_ptr_array_add (self->problems, problem);
  g_debug ("%s: %s", area, error->message);
}

/* Everything but the processor and the kernel release: a detector that
 * fails here leaves a problem in the report, not a failed detection. */
static void
probe_devices (MtSystemInfo *self, MtSysroot *sysroot, MtCpuid *cpuid)
{
  const char *release = mt_kernel_info_get_release (self->kernel);
  GError *error = NULL;

  self->distro = mt_distro_probe (sysroot, release, &error);
  if (self->distro == NULL)
    add_problem (self, "distribution", g_steal_pointer (&error));

  self->pci = mt_pci_probe (sysroot, &error);
  if (self->pci == NULL)
    {
      add_problem (self, "PCI devices", g_steal_pointer (&error));
      self->pci = g_ptr_array_new_with_free_func (g_object_unref);
    }
  self->gpus = mt_gpu_list (self->pci);

  self->hypervisor = mt_hypervisor_info_probe (sysroot, cpuid, self->pci, &error);
  if (self->hypervisor == NULL)
    add_problem (self, "hypervisor", g_steal_pointer (&error));

  self->storage = mt_storage_info_probe (sysroot, &error);
  if (self->storage == NULL)
    add_problem (self, "storage", g_steal_pointer (&error));

  /* the configuration the kernel detector read already */
  self->modules =
    mt_modules_info_probe (sysroot, release, mt_kernel_info_get_config (self->kernel), &error);
  if (self->modules == NULL)
    add_problem (self, "kernel modules", g_steal_pointer (&error));

  self->vmware = mt_vmware_info_probe (sysroot, &error);
  if (self->vmware == NULL)
    add_problem (self, "VMware Workstation", g_steal_pointer (&error));
}

/**
 * mt_system_info_probe:
 * @sysroot: the tree to detect
 * @cpuid: (nullable): where to ask CPUID (see mt_cpuid_new_for_sysroot())
 *
 * Returns: (transfer full): what was detected, or %NULL with @error set when
 *   a file that must exist cannot be read
 */
MtSystemInfo *
mt_system_info_probe (MtSysroot *sysroot, MtCpuid *cpuid, GError **error)
{
  g_autoptr (MtSystemInfo) self = NULL;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (cpuid == NULL || MT_IS_CPUID (cpuid), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_SYSTEM_INFO, NULL);
  self->sysroot = g_object_ref (sysroot);

  self->cpu = mt_cpu_info_probe (sysroot, cpuid, error);
  if (self->cpu == NULL)
    return NULL;

  self->kernel = mt_kernel_info_probe (sysroot, error);
  if (self->kernel == NULL)
    return NULL;

  self->cpu_features = mt_cpu_features_detect (self->cpu, cpuid);
  self->kernel_features = mt_kernel_features_probe (sysroot, self->kernel, NULL);
  self->secure_boot =
    mt_secure_boot_probe (sysroot, mt_kernel_features_get_module_sig_force (self->kernel_features));

  probe_devices (self, sysroot, cpuid);

  return g_steal_pointer (&self);
}

static void
probe_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  MtSysroot *sysroot = g_object_get_data (G_OBJECT (task), "sysroot");
  MtCpuid *cpuid = g_object_get_data (G_OBJECT (task), "cpuid");
  g_autoptr (GError) error = NULL;
  MtSystemInfo *info;

  info = mt_system_info_probe (sysroot, cpuid, &error);
  if (info == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, info, g_object_unref);
}

/**
 * mt_system_info_probe_async:
 *
 * Runs mt_system_info_probe() in a worker thread.
 */
void
mt_system_info_probe_async (MtSysroot *sysroot,
                            MtCpuid *cpuid,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (MT_IS_SYSROOT (sysroot));
  g_return_if_fail (cpuid == NULL || MT_IS_CPUID (cpuid));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mt_system_info_probe_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_object_set_data_full (G_OBJECT (task), "sysroot", g_object_ref (sysroot), g_object_unref);
  if (cpuid != NULL)
    g_object_set_data_full (G_OBJECT (task), "cpuid", g_object_ref (cpuid), g_object_unref);
  g_task_run_in_thread (task, probe_thread);
}

MtSystemInfo *
mt_system_info_probe_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mt_system_info_probe_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

MtSysroot *
mt_system_info_get_sysroot (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->sysroot;
}

MtCpuInfo *
mt_system_info_get_cpu (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->cpu;
}

MtKernelInfo *
mt_system_info_get_kernel (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->kernel;
}

/**
 * mt_system_info_get_cpu_features:
 *
 * Returns: (transfer none) (element-type MtCpuFeature): the named features
 */
GPtrArray *
mt_system_info_get_cpu_features (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->cpu_features;
}

MtKernelFeatures *
mt_system_info_get_kernel_features (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->kernel_features;
}

MtSecureBoot *
mt_system_info_get_secure_boot (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->secure_boot;
}

/**
 * mt_system_info_get_distro:
 *
 * Returns: (transfer none) (nullable): the distribution, or %NULL if its
 *   os-release could not be parsed (see the problems)
 */
MtDistro *
mt_system_info_get_distro (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->distro;
}

/**
 * mt_system_info_get_hypervisor:
 *
 * Returns: (transfer none) (nullable): the hypervisor and container, or
 *   %NULL if they could not be detected
 */
MtHypervisorInfo *
mt_system_info_get_hypervisor (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->hypervisor;
}

/**
 * mt_system_info_get_pci_devices:
 *
 * Returns: (transfer none) (element-type MtPciDevice): every PCI device
 */
GPtrArray *
mt_system_info_get_pci_devices (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->pci;
}

/**
 * mt_system_info_get_gpus:
 *
 * Returns: (transfer none) (element-type MtPciDevice): the display controllers
 */
GPtrArray *
mt_system_info_get_gpus (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->gpus;
}

/**
 * mt_system_info_get_storage:
 *
 * Returns: (transfer none) (nullable): the NVMe storage
 */
MtStorageInfo *
mt_system_info_get_storage (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->storage;
}

/**
 * mt_system_info_get_modules:
 *
 * Returns: (transfer none) (nullable): the state of the modules that matter
 */
MtModulesInfo *
mt_system_info_get_modules (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->modules;
}

/**
 * mt_system_info_get_vmware:
 *
 * Returns: (transfer none) (nullable): VMware Workstation
 */
MtVmwareInfo *
mt_system_info_get_vmware (MtSystemInfo *self)
{
  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  return self->vmware;
}

/**
 * mt_system_info_dup_problems:
 *
 * Returns: (transfer full): one line per part that could not be
 *   detected, `area: message`; empty when everything was read
 */
GStrv
mt_system_info_dup_problems (MtSystemInfo *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  for (guint i = 0; i < self->problems->len; i++)
    {
      const Problem *problem = g_ptr_array_index (self->problems, i);

      g_strv_builder_take (builder, g_strdup_printf ("%s: %s", problem->area, problem->message));
    }

  return g_strv_builder_end (builder);
}

/**
 * mt_system_info_dup_notable_flags:
 *
 * Returns: (transfer full) (nullable): the features that matter for VMware
 *   that this processor has, space-separated, or %NULL if it has none
 */
char *
mt_system_info_dup_notable_flags (MtSystemInfo *self)
{
  g_autoptr (GString) str = g_string_new (NULL);

  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (notable_flags); i++)
    if (mt_cpu_info_has_flag (self->cpu, notable_flags[i]))
      g_string_append_printf (str, "%s%s", str->len > 0 ? " " : "", notable_flags[i]);

  if (str->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&str), FALSE);
}

typedef const char *(*EvidenceLookup) (gpointer object, const char *fact);

static void
add_evidence (JsonBuilder *builder,
              const char *const *facts,
              EvidenceLookup lookup,
              gpointer object)
{
  json_builder_set_member_name (builder, "evidence");
  json_builder_begin_object (builder);
  for (guint i = 0; facts[i] != NULL; i++)
    {
      const char *source = lookup (object, facts[i]);

      if (source != NULL)
        mt_json_add_string (builder, facts[i], source);
    }
  json_builder_end_object (builder);
}

/* Called through EvidenceLookup: the exact type, never a cast function. */
static const char *
cpu_evidence (gpointer object, const char *fact)
{
  return mt_cpu_info_get_evidence (MT_CPU_INFO (object), fact);
}

static const char *
kernel_evidence (gpointer object, const char *fact)
{
  return mt_kernel_info_get_evidence (MT_KERNEL_INFO (object), fact);
}

static void
add_cpu (MtSystemInfo *self, JsonBuilder *builder)
{
  static const char *const facts[] = { "vendor", "model-name", "family",
                                       "model",  "stepping",   "logical-cpus",
                                       "flags",  "vmx-flags",  NULL };
  MtCpuInfo *cpu = self->cpu;

  json_builder_set_member_name (builder, "cpu");
  json_builder_begin_object (builder);
  mt_json_add_string (builder, "vendor", mt_cpu_info_get_vendor (cpu));
  mt_json_add_string (builder, "vendor_id", mt_cpu_info_get_vendor_id (cpu));
  mt_json_add_string (builder, "model_name", mt_cpu_info_get_model_name (cpu));
  mt_json_add_int (builder, "family", mt_cpu_info_get_family (cpu),
                   mt_cpu_info_get_family (cpu) >= 0);
  mt_json_add_int (builder, "model", mt_cpu_info_get_model (cpu), mt_cpu_info_get_model (cpu) >= 0);
  mt_json_add_int (builder, "stepping", mt_cpu_info_get_stepping (cpu),
                   mt_cpu_info_get_stepping (cpu) >= 0);
  mt_json_add_int (builder, "logical_cpus", mt_cpu_info_get_logical_cpus (cpu), TRUE);
  mt_json_add_strv (builder, "flags", mt_cpu_info_get_flags (cpu));
  mt_json_add_strv (builder, "vmx_flags", mt_cpu_info_get_vmx_flags (cpu));
  mt_cpu_features_to_json (self->cpu_features, builder);
  add_evidence (builder, facts, cpu_evidence, cpu);
  json_builder_end_object (builder);
}

static void
add_kernel (MtSystemInfo *self, JsonBuilder *builder)
{
  static const char *const facts[] = { "release", "version", "compiler", "config", NULL };
  MtKconfig *config = mt_kernel_info_get_config (self->kernel);

  json_builder_set_member_name (builder, "kernel");
  json_builder_begin_object (builder);
  mt_json_add_string (builder, "release", mt_kernel_info_get_release (self->kernel));
  mt_json_add_string (builder, "version", mt_kernel_info_get_version (self->kernel));
  mt_json_add_string (builder, "compiler", mt_kernel_info_get_compiler (self->kernel));
  mt_json_add_string (builder, "config_source",
                      config != NULL ? mt_kconfig_get_source (config) : NULL);
  mt_json_add_int (builder, "config_options", config != NULL ? mt_kconfig_get_size (config) : 0,
                   TRUE);
  mt_kernel_features_to_json (self->kernel_features, builder);
  add_evidence (builder, facts, kernel_evidence, self->kernel);
  json_builder_end_object (builder);
}

/* Starts the object @key, or writes null and returns FALSE when the
 * detector behind it failed. */
static gboolean
begin_object_or_null (JsonBuilder *builder, const char *key, gpointer object)
{
  json_builder_set_member_name (builder, key);
  if (object == NULL)
    {
      json_builder_add_null_value (builder);
      return FALSE;
    }
  json_builder_begin_object (builder);
  return TRUE;
}

static void
add_problems (MtSystemInfo *self, JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->problems->len; i++)
    {
      const Problem *problem = g_ptr_array_index (self->problems, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "area", problem->area);
      mt_json_add_string (builder, "message", problem->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * mt_system_info_to_json:
 *
 * The machine-readable form; its keys are documented in
 * `docs/report-schema.md` and stay stable.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
mt_system_info_to_json (MtSystemInfo *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MT_IS_SYSTEM_INFO (self), NULL);

  json_builder_begin_object (builder);
  mt_json_add_int (builder, "schema_version", MT_SYSTEM_INFO_SCHEMA_VERSION, TRUE);
  mt_json_add_string (builder, "sysroot", mt_sysroot_get_path (self->sysroot));
  add_cpu (self, builder);
  add_kernel (self, builder);
  if (begin_object_or_null (builder, "hypervisor", self->hypervisor))
    {
      mt_hypervisor_info_to_json (self->hypervisor, builder);
      json_builder_end_object (builder);
    }
  if (begin_object_or_null (builder, "secure_boot", self->secure_boot))
    {
      mt_secure_boot_to_json (self->secure_boot, builder);
      json_builder_end_object (builder);
    }
  if (begin_object_or_null (builder, "storage", self->storage))
    {
      mt_storage_info_to_json (self->storage, builder);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "gpus");
  mt_gpu_list_to_json (self->gpus, builder);
  json_builder_set_member_name (builder, "pci");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pci->len; i++)
    mt_pci_device_to_json (g_ptr_array_index (self->pci, i), builder);
  json_builder_end_array (builder);
  /* these add their own members: module_support and modules; vmware */
  if (self->modules != NULL)
    mt_modules_info_to_json (self->modules, builder);
  if (self->vmware != NULL)
    mt_vmware_info_to_json (self->vmware, builder);
  if (begin_object_or_null (builder, "distro", self->distro))
    {
      mt_distro_to_json (self->distro, builder);
      json_builder_end_object (builder);
    }
  add_problems (self, builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
