/* mt-kernel-features.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-kernel-features"

#include "config.h"

#include <gio/gio.h>

#include "mt-json.h"
#include "mt-kernel-features.h"

/**
 * MtKernelFeatures:
 *
 * What about the kernel matters for building modules for it: the compiler
 * and linker it was built with, LTO, the unwinder and objtool, module
 * support and signing, the IOMMU, and whether headers are installed for it
 * and for every other installed kernel.  Tri-state facts are 1 (yes),
 * 0 (no) or -1 (unknown: no configuration was found).
 */
struct _MtKernelFeatures
{
  GObject parent_instance;

  char *compiler_kind;
  char *compiler_version;
  char *linker;
  const char *lto;
  const char *unwinder;
  int modules;
  int objtool;
  int module_sig;
  int module_sig_force;
  int module_sig_all;
  char *module_sig_hash;
  const char *module_compression;
  char *iommu;
  char *iommu_evidence;
  guint iommu_units;
  char *headers_path;
  gboolean headers_present;
  GPtrArray *installed; /* of InstalledKernel */
};

typedef struct
{
  char *release;
  gboolean headers;
} InstalledKernel;

G_DEFINE_FINAL_TYPE (MtKernelFeatures, mt_kernel_features, G_TYPE_OBJECT)

static void
installed_kernel_free (gpointer data)
{
  InstalledKernel *k = data;

  g_free (k->release);
  g_free (k);
}

static void
mt_kernel_features_finalize (GObject *object)
{
  MtKernelFeatures *self = (MtKernelFeatures *) object;

  g_clear_pointer (&self->compiler_kind, g_free);
  g_clear_pointer (&self->compiler_version, g_free);
  g_clear_pointer (&self->linker, g_free);
  g_clear_pointer (&self->module_sig_hash, g_free);
  g_clear_pointer (&self->iommu, g_free);
  g_clear_pointer (&self->iommu_evidence, g_free);
  g_clear_pointer (&self->headers_path, g_free);
  g_clear_pointer (&self->installed, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_kernel_features_parent_class)->finalize (object);
}

static void
mt_kernel_features_class_init (MtKernelFeaturesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_kernel_features_finalize;
}

static void
mt_kernel_features_init (MtKernelFeatures *self)
{
  self->modules = -1;
  self->objtool = -1;
  self->module_sig = -1;
  self->module_sig_force = -1;
  self->module_sig_all = -1;
  self->installed = g_ptr_array_new_with_free_func (installed_kernel_free);
}

static int
tristate (MtKconfig *config, const char *name)
{
  if (config == NULL)
    return -1;

  return mt_kconfig_is_enabled (config, name) ? 1 : 0;
}

/* CONFIG_GCC_VERSION=140200 -> 14.2.0 */
static char *
version_from_number (const char *number)
{
  guint64 n;

  if (number == NULL || !g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT32, &n, NULL))
    return NULL;

  return g_strdup_printf ("%u.%u.%u", (guint) (n / 10000), (guint) (n / 100 % 100),
                          (guint) (n % 100));
}

/* "… GNU ld (GNU Binutils for Debian) 2.44) #1 SMP …" -> "GNU ld (GNU Binutils for Debian) 2.44" */
static char *
linker_from_version (const char *version)
{
  const char *names[] = { "GNU ld ", "LLD " };

  for (guint i = 0; version != NULL && i < G_N_ELEMENTS (names); i++)
    {
      const char *start = strstr (version, names[i]);
      const char *end;
      int depth = 0;

      if (start == NULL)
        continue;

      for (end = start; *end != '\0'; end++)
        {
          if (*end == '(')
            depth++;
          else if (*end == ')' && depth-- == 0)
            break;
        }

      return g_strstrip (g_strndup (start, end - start));
    }

  return NULL;
}

static void
probe_toolchain (MtKernelFeatures *self, MtKernelInfo *kernel, MtKconfig *config)
{
  if (config != NULL)
    {
      if (mt_kconfig_is_enabled (config, "CONFIG_CC_IS_CLANG"))
        {
          self->compiler_kind = g_strdup ("clang");
          self->compiler_version =
            version_from_number (mt_kconfig_lookup (config, "CONFIG_CLANG_VERSION"));
        }
      else if (mt_kconfig_is_enabled (config, "CONFIG_CC_IS_GCC"))
        {
          self->compiler_kind = g_strdup ("gcc");
          self->compiler_version =
            version_from_number (mt_kconfig_lookup (config, "CONFIG_GCC_VERSION"));
        }

      if (mt_kconfig_is_enabled (config, "CONFIG_LTO_CLANG_FULL"))
        self->lto = "clang-full";
      else if (mt_kconfig_is_enabled (config, "CONFIG_LTO_CLANG_THIN"))
        self->lto = "clang-thin";
      else
        self->lto = "none";

      if (mt_kconfig_is_enabled (config, "CONFIG_UNWINDER_ORC"))
        self->unwinder = "orc";
      else if (mt_kconfig_is_enabled (config, "CONFIG_UNWINDER_FRAME_POINTER"))
        self->unwinder = "frame-pointer";
      else if (mt_kconfig_is_enabled (config, "CONFIG_UNWINDER_GUESS"))
        self->unwinder = "guess";

      if (mt_kconfig_is_enabled (config, "CONFIG_MODULE_COMPRESS_ZSTD"))
        self->module_compression = "zstd";
      else if (mt_kconfig_is_enabled (config, "CONFIG_MODULE_COMPRESS_XZ"))
        self->module_compression = "xz";
      else if (mt_kconfig_is_enabled (config, "CONFIG_MODULE_COMPRESS_GZIP"))
        self->module_compression = "gzip";
      else
        self->module_compression = "none";
    }

  self->linker = linker_from_version (mt_kernel_info_get_version (kernel));
  if (self->linker == NULL && config != NULL)
    {
      const char *ld = mt_kconfig_is_enabled (config, "CONFIG_LD_IS_LLD") ? "LLD" : "GNU ld";
      g_autofree char *v = version_from_number (mt_kconfig_lookup (config, "CONFIG_LD_VERSION"));

      if (v != NULL)
        self->linker = g_strdup_printf ("%s %s", ld, v);
    }

  self->modules = tristate (config, "CONFIG_MODULES");
  /* objtool runs on every object when the architecture has it and a
   * feature needs it (ORC, retpolines, IBT…): CONFIG_OBJTOOL since 5.19,
   * CONFIG_STACK_VALIDATION before */
  if (config != NULL)
    self->objtool = mt_kconfig_is_enabled (config, "CONFIG_OBJTOOL") ||
                    mt_kconfig_is_enabled (config, "CONFIG_STACK_VALIDATION");
  self->module_sig = tristate (config, "CONFIG_MODULE_SIG");
  self->module_sig_force = tristate (config, "CONFIG_MODULE_SIG_FORCE");
  self->module_sig_all = tristate (config, "CONFIG_MODULE_SIG_ALL");
  if (config != NULL && mt_kconfig_lookup (config, "CONFIG_MODULE_SIG_HASH") != NULL)
    self->module_sig_hash = g_strdup (mt_kconfig_lookup (config, "CONFIG_MODULE_SIG_HASH"));
}

static const char *
cmdline_value (char **args, const char *key)
{
  gsize len = strlen (key);

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    if (strncmp (args[i], key, len) == 0 && args[i][len] == '=')
      return args[i] + len + 1;

  return NULL;
}

static void
probe_iommu (MtKernelFeatures *self, MtSysroot *sysroot, MtKconfig *config)
{
  g_auto (GStrv) units = mt_sysroot_list_dir (sysroot, "/sys/class/iommu", NULL);
  g_autofree char *cmdline = mt_sysroot_read_line (sysroot, "/proc/cmdline", NULL);
  g_auto (GStrv) args = cmdline != NULL ? g_strsplit (cmdline, " ", -1) : NULL;
  const char *iommu = cmdline_value (args, "iommu");
  const char *intel = cmdline_value (args, "intel_iommu");
  const char *amd = cmdline_value (args, "amd_iommu");

  self->iommu_units = units != NULL ? g_strv_length (units) : 0;

  if (g_strcmp0 (intel, "off") == 0 || g_strcmp0 (amd, "off") == 0 || g_strcmp0 (iommu, "off") == 0)
    {
      self->iommu = g_strdup ("off");
      self->iommu_evidence = g_strdup ("/proc/cmdline");
    }
  else if (self->iommu_units > 0)
    {
      gboolean passthrough = g_strcmp0 (iommu, "pt") == 0 ||
                             g_strcmp0 (cmdline_value (args, "iommu.passthrough"), "1") == 0 ||
                             (iommu == NULL && config != NULL &&
                              mt_kconfig_is_enabled (config, "CONFIG_IOMMU_DEFAULT_PASSTHROUGH"));

      self->iommu = g_strdup (passthrough ? "passthrough" : "translated");
      self->iommu_evidence = g_strdup_printf (
        "/sys/class/iommu: %u unit(s)%s", self->iommu_units,
        passthrough ? "; passthrough from /proc/cmdline or CONFIG_IOMMU_DEFAULT_PASSTHROUGH" : "");
    }
  else
    {
      self->iommu = g_strdup ("none");
      self->iommu_evidence = g_strdup ("no unit in /sys/class/iommu");
    }
}

static gboolean
headers_installed (MtSysroot *sysroot, const char *release)
{
  g_autofree char *makefile = g_strdup_printf ("/lib/modules/%s/build/Makefile", release);

  return mt_sysroot_test (sysroot, makefile, G_FILE_TEST_IS_REGULAR);
}

static void
probe_headers (MtKernelFeatures *self, MtSysroot *sysroot, MtKernelInfo *kernel)
{
  const char *release = mt_kernel_info_get_release (kernel);
  g_auto (GStrv) releases = mt_sysroot_list_dir (sysroot, "/lib/modules", NULL);

  self->headers_path = g_strdup_printf ("/lib/modules/%s/build", release);
  self->headers_present = headers_installed (sysroot, release);

  for (guint i = 0; releases != NULL && releases[i] != NULL; i++)
    {
      g_autofree char *dir = g_strdup_printf ("/lib/modules/%s", releases[i]);
      InstalledKernel *k;

      if (!mt_sysroot_test (sysroot, dir, G_FILE_TEST_IS_DIR))
        continue;

      k = g_new0 (InstalledKernel, 1);
      k->release = g_strdup (releases[i]);
      k->headers = headers_installed (sysroot, releases[i]);
      g_ptr_array_add (self->installed, k);
    }
}

/**
 * mt_kernel_features_probe:
 * @kernel: the kernel whose configuration and release to read
 *
 * Returns: (transfer full): the facts; unknown ones stay unknown
 */
MtKernelFeatures *
mt_kernel_features_probe (MtSysroot *sysroot, MtKernelInfo *kernel, GError **error)
{
  g_autoptr (MtKernelFeatures) self = NULL;
  MtKconfig *config;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (MT_IS_KERNEL_INFO (kernel), NULL);

  self = g_object_new (MT_TYPE_KERNEL_FEATURES, NULL);
  config = mt_kernel_info_get_config (kernel);

  probe_toolchain (self, kernel, config);
  probe_iommu (self, sysroot, config);
  probe_headers (self, sysroot, kernel);

  return g_steal_pointer (&self);
}

/**
 * mt_kernel_features_get_compiler_kind:
 *
 * Returns: (nullable): `gcc` or `clang`
 */
const char *
mt_kernel_features_get_compiler_kind (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->compiler_kind;
}

const char *
mt_kernel_features_get_compiler_version (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->compiler_version;
}

const char *
mt_kernel_features_get_linker (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->linker;
}

/**
 * mt_kernel_features_get_lto:
 *
 * Returns: (nullable): `none`, `clang-thin` or `clang-full`
 */
const char *
mt_kernel_features_get_lto (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->lto;
}

/**
 * mt_kernel_features_get_unwinder:
 *
 * Returns: (nullable): `orc`, `frame-pointer` or `guess`
 */
const char *
mt_kernel_features_get_unwinder (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->unwinder;
}

int
mt_kernel_features_get_modules (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), -1);
  return self->modules;
}

int
mt_kernel_features_get_objtool (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), -1);
  return self->objtool;
}

int
mt_kernel_features_get_module_sig (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), -1);
  return self->module_sig;
}

int
mt_kernel_features_get_module_sig_force (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), -1);
  return self->module_sig_force;
}

const char *
mt_kernel_features_get_module_sig_hash (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->module_sig_hash;
}

/**
 * mt_kernel_features_get_iommu:
 *
 * Returns: `translated`, `passthrough`, `off` or `none` (no IOMMU unit)
 */
const char *
mt_kernel_features_get_iommu (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->iommu;
}

/**
 * mt_kernel_features_get_module_compression:
 *
 * Returns: (nullable): `zstd`, `xz`, `gzip` or `none`; %NULL without a
 *   configuration
 */
const char *
mt_kernel_features_get_module_compression (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->module_compression;
}

/**
 * mt_kernel_features_get_iommu_evidence:
 *
 * Returns: (nullable): where mt_kernel_features_get_iommu() was read
 */
const char *
mt_kernel_features_get_iommu_evidence (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->iommu_evidence;
}

gboolean
mt_kernel_features_get_headers_present (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), FALSE);
  return self->headers_present;
}

const char *
mt_kernel_features_get_headers_path (MtKernelFeatures *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_FEATURES (self), NULL);
  return self->headers_path;
}

/**
 * mt_kernel_features_to_json:
 *
 * Adds `toolchain`, `modules_supported`, `module_signing`, `iommu` and
 * `headers` to an open JSON object (the `kernel` object).
 */
void
mt_kernel_features_to_json (MtKernelFeatures *self, JsonBuilder *builder)
{
  g_return_if_fail (MT_IS_KERNEL_FEATURES (self));

  json_builder_set_member_name (builder, "toolchain");
  json_builder_begin_object (builder);
  mt_json_add_string (builder, "compiler", self->compiler_kind);
  mt_json_add_string (builder, "compiler_version", self->compiler_version);
  mt_json_add_string (builder, "linker", self->linker);
  mt_json_add_string (builder, "lto", self->lto);
  mt_json_add_string (builder, "unwinder", self->unwinder);
  mt_json_add_tristate (builder, "objtool", self->objtool);
  json_builder_end_object (builder);

  mt_json_add_tristate (builder, "modules_supported", self->modules);
  mt_json_add_string (builder, "module_compression", self->module_compression);

  json_builder_set_member_name (builder, "module_signing");
  json_builder_begin_object (builder);
  mt_json_add_tristate (builder, "enabled", self->module_sig);
  mt_json_add_tristate (builder, "enforced", self->module_sig_force);
  mt_json_add_tristate (builder, "sign_all", self->module_sig_all);
  mt_json_add_string (builder, "hash", self->module_sig_hash);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "iommu");
  json_builder_begin_object (builder);
  mt_json_add_string (builder, "state", self->iommu);
  mt_json_add_int (builder, "units", self->iommu_units, TRUE);
  mt_json_add_string (builder, "evidence", self->iommu_evidence);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "headers");
  json_builder_begin_object (builder);
  mt_json_add_string (builder, "path", self->headers_path);
  mt_json_add_bool (builder, "present", self->headers_present);
  json_builder_set_member_name (builder, "installed_kernels");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->installed->len; i++)
    {
      const InstalledKernel *k = g_ptr_array_index (self->installed, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "release", k->release);
      mt_json_add_bool (builder, "headers", k->headers);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}
