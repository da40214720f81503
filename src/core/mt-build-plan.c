/* mt-build-plan.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-build-plan"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-build-plan.h"
#include "mt-compat.h"
#include "mt-error.h"
#include "mt-json.h"
#include "mt-fs.h"
#include "mt-kconfig.h"
#include "mt-tar.h"
#include "mt-vmware.h"

/**
 * MtBuildPlan:
 *
 * What a build of vmmon and vmnet will do, decided before anything runs:
 * which kernel's build tree, which compiler (the one that built the
 * kernel, named by its configuration), which module sources (the
 * Workstation's own tarballs, hashed), which extra compiler flags, and a
 * cache key over all of it, so that an identical plan reuses its result.
 */
struct _MtBuildPlan
{
  GObject parent_instance;

  char *release;
  char *build_dir;
  char *compiler;
  gboolean llvm;
  char *sources[2];
  char *sha256[2];
  int interface_version;
  GStrv cflags;
  GStrv make_vars;
  GStrv flag_ids;
  char *cache_key;
  char *patches_dir;
  char *patches_sha256;
  char *probe_cache_dir;
  guint n_rules;
  GPtrArray *steps;
};

G_DEFINE_FINAL_TYPE (MtBuildPlan, mt_build_plan, G_TYPE_OBJECT)

static const char *const modules[] = { "vmmon", "vmnet" };

static void
mt_build_plan_finalize (GObject *object)
{
  MtBuildPlan *self = (MtBuildPlan *) object;

  g_free (self->release);
  g_free (self->build_dir);
  g_free (self->compiler);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_free (self->sources[i]);
      g_free (self->sha256[i]);
    }
  g_strfreev (self->cflags);
  g_strfreev (self->make_vars);
  g_strfreev (self->flag_ids);
  g_free (self->cache_key);
  g_free (self->patches_dir);
  g_free (self->patches_sha256);
  g_free (self->probe_cache_dir);
  g_ptr_array_unref (self->steps);

  G_OBJECT_CLASS (mt_build_plan_parent_class)->finalize (object);
}

static void
mt_build_plan_class_init (MtBuildPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mt_build_plan_finalize;
}

static void
mt_build_plan_init (MtBuildPlan *self)
{
  self->interface_version = -1;
  self->steps = g_ptr_array_new_with_free_func (g_free);
}

static void add_step (MtBuildPlan *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
add_step (MtBuildPlan *self, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->steps, g_strdup_vprintf (format, args));
  va_end (args);
}

/* The kernel build tree's configuration says which compiler built it:
 * CONFIG_CC_VERSION_TEXT="x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0". */
static gboolean
choose_compiler (MtBuildPlan *self, GError **error)
{
  g_autofree char *config_path = g_build_filename (self->build_dir, ".config", NULL);
  g_autofree char *text = NULL;
  g_autoptr (MtKconfig) config = NULL;
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) words = NULL;
  const char *version_text;
  gsize len;

  if (!g_file_get_contents (config_path, &text, &len, &local_error))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("The kernel build tree %s has no configuration (%s); install the kernel's "
                      "headers package"),
                   self->build_dir, local_error->message);
      return FALSE;
    }

  config = mt_kconfig_new_from_data (text, len, config_path, error);
  if (config == NULL)
    return FALSE;

  self->llvm = mt_kconfig_is_enabled (config, "CONFIG_CC_IS_CLANG");
  version_text = mt_kconfig_lookup (config, "CONFIG_CC_VERSION_TEXT");
  words = g_strsplit (version_text != NULL ? version_text : "", " ", 2);

  /* the compiler's own command when it is installed, else its plain name */
  if (words[0] != NULL && words[0][0] != '\0' && strchr (words[0], '/') == NULL)
    {
      g_autofree char *found = g_find_program_in_path (words[0]);

      if (found != NULL)
        self->compiler = g_strdup (words[0]);
    }
  if (self->compiler == NULL)
    self->compiler = g_strdup (self->llvm ? "clang" : "gcc");

  add_step (self, _ ("Compile with %s, the compiler named by the kernel’s configuration (%s)%s"),
            self->compiler, version_text != NULL ? version_text : _ ("not stated"),
            self->llvm ? _ (", with LLVM=1") : "");

  return TRUE;
}

static gboolean
choose_sources (MtBuildPlan *self, MtSysroot *sysroot, const char *sources_dir, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.tar", modules[i]);

      if (sources_dir != NULL)
        self->sources[i] = g_build_filename (sources_dir, name, NULL);
      else
        {
          g_autofree char *rel = g_build_filename ("/usr/lib/vmware/modules/source", name, NULL);

          self->sources[i] = mt_sysroot_resolve (sysroot, rel);
        }

      if (!g_file_test (self->sources[i], G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (
            error, MT_ERROR, MT_ERROR_NOT_FOUND,
            _ ("The %s module source %s does not exist; is VMware Workstation installed?"),
            modules[i], self->sources[i]);
          return FALSE;
        }

      self->sha256[i] = mt_sha256_file (self->sources[i], error);
      if (self->sha256[i] == NULL)
        return FALSE;
    }

  {
    g_autoptr (GFile) vmmon = g_file_new_for_path (self->sources[0]);
    g_autoptr (GBytes) header = NULL;
    int major = -1, minor = -1;

    header = mt_tar_find_member_in_file (vmmon, "vmmon-only/include/iocontrols.h",
                                         MT_TAR_DEFAULT_MAX_MEMBER_SIZE, NULL, NULL);
    if (header != NULL && mt_vmware_parse_vmmon_version (g_bytes_get_data (header, NULL),
                                                         g_bytes_get_size (header), &major, &minor))
      self->interface_version = major;
  }

  add_step (
    self,
    _ ("Extract %s and %s into a fresh directory (links, devices and paths outside it refused)"),
    self->sources[0], self->sources[1]);

  return TRUE;
}

/* The compatibility rules: $MODTUNE_PATCHES_DIR (the source tree, in
 * tests and meson devenv), else the installed ones.  Loading them checks
 * every file against the manifest. */
static gboolean
choose_rules (MtBuildPlan *self, GError **error)
{
  g_autoptr (MtCompatRules) rules = NULL;
  g_autofree char *manifest = NULL;
  const char *dir = g_getenv ("MODTUNE_PATCHES_DIR");

  self->patches_dir = g_strdup (dir != NULL && dir[0] != '\0' ? dir : PATCHESDIR);
  rules = mt_compat_rules_load (self->patches_dir, error);
  if (rules == NULL)
    return FALSE;

  self->n_rules = mt_compat_rules_get_n_rules (rules);
  manifest = g_build_filename (self->patches_dir, "MANIFEST", NULL);
  self->patches_sha256 = mt_sha256_file (manifest, error);
  if (self->patches_sha256 == NULL)
    return FALSE;

  add_step (
    self,
    g_dngettext (
      GETTEXT_PACKAGE,
      "Probe the kernel’s headers and apply the %u compatibility rule of %s that is needed; "
      "report each one",
      "Probe the kernel’s headers and apply those of the %u compatibility rules of %s that are "
      "needed; report each one",
      self->n_rules),
    self->n_rules, self->patches_dir);

  return TRUE;
}

static void
compute_cache_key (MtBuildPlan *self)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *utsrelease_path =
    g_build_filename (self->build_dir, "include", "generated", "utsrelease.h", NULL);
  g_autofree char *utsrelease = NULL;

  g_file_get_contents (utsrelease_path, &utsrelease, NULL, NULL);

#define ADD(s)                                                            \
  do                                                                      \
    {                                                                     \
      const char *_s = (s) != NULL ? (s) : "";                            \
      g_checksum_update (checksum, (const guchar *) _s, strlen (_s) + 1); \
    }                                                                     \
  while (0)
  ADD (PACKAGE_VERSION);
  ADD (self->release);
  ADD (self->patches_sha256);
  ADD (self->build_dir);
  ADD (utsrelease);
  ADD (self->compiler);
  ADD (self->llvm ? "LLVM=1" : "");
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    ADD (self->sha256[i]);
  for (guint i = 0; self->cflags[i] != NULL; i++)
    ADD (self->cflags[i]);
  for (guint i = 0; self->make_vars[i] != NULL; i++)
    ADD (self->make_vars[i]);
#undef ADD

  self->cache_key = g_strdup (g_checksum_get_string (checksum));
}

/**
 * mt_build_plan_new:
 * @kernel_release: (nullable): the kernel to build for; %NULL for the
 *   running one
 * @kernel_build_dir: (nullable): its build tree; %NULL for
 *   `/lib/modules/<release>/build` in @sysroot
 * @sources_dir: (nullable): a directory holding `vmmon.tar` and
 *   `vmnet.tar`; %NULL for the installed Workstation's
 * @cflags: (nullable): extra compiler arguments, already expanded from
 *   catalog ids and checked
 * @make_vars: (nullable): extra make variables (`W=1`), expanded from
 *   catalog ids; `LLVM=1` is decided here from the kernel's configuration
 * @flag_ids: (nullable): the catalog ids they came from, for the manifest
 *
 * Returns: (transfer full): the plan, or %NULL if a part of it is missing
 *   (no headers, no sources), with a message that says what to install
 */
MtBuildPlan *
mt_build_plan_new (MtSysroot *sysroot,
                   const char *kernel_release,
                   const char *kernel_build_dir,
                   const char *sources_dir,
                   const char *const *cflags,
                   const char *const *make_vars,
                   const char *const *flag_ids,
                   GError **error)
{
  g_autoptr (MtBuildPlan) self = g_object_new (MT_TYPE_BUILD_PLAN, NULL);

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);

  if (kernel_build_dir != NULL)
    {
      g_autofree char *release_path =
        g_build_filename (kernel_build_dir, "include", "config", "kernel.release", NULL);
      g_autofree char *release = NULL;

      self->build_dir = g_canonicalize_filename (kernel_build_dir, NULL);
      if (kernel_release == NULL && g_file_get_contents (release_path, &release, NULL, NULL))
        self->release = g_strdup (g_strstrip (release));
      else
        self->release = g_strdup (kernel_release);
    }
  else
    {
      g_autofree char *rel = NULL;

      if (kernel_release == NULL)
        self->release = mt_sysroot_read_line (sysroot, "/proc/sys/kernel/osrelease", error);
      else
        self->release = g_strdup (kernel_release);
      if (self->release == NULL)
        return NULL;
      rel = g_strdup_printf ("/lib/modules/%s/build", self->release);
      self->build_dir = mt_sysroot_resolve (sysroot, rel);
    }

  if (self->release == NULL || !g_file_test (self->build_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("No kernel build tree at %s: install the headers for kernel %s"),
                   self->build_dir, self->release != NULL ? self->release : _ ("(unknown)"));
      return NULL;
    }

  add_step (self, _ ("Build for kernel %s with its build tree %s"), self->release, self->build_dir);

  if (!choose_compiler (self, error) || !choose_sources (self, sysroot, sources_dir, error) ||
      !choose_rules (self, error))
    return NULL;

  self->cflags = g_strdupv ((GStrv) (cflags != NULL ? cflags : (const char *const[]) { NULL }));
  self->flag_ids =
    g_strdupv ((GStrv) (flag_ids != NULL ? flag_ids : (const char *const[]) { NULL }));
  {
    g_autoptr (GStrvBuilder) vars = g_strv_builder_new ();

    /* LLVM=1 follows the kernel's compiler, whatever the flags say */
    for (guint i = 0; make_vars != NULL && make_vars[i] != NULL; i++)
      if (!g_str_equal (make_vars[i], "LLVM=1"))
        g_strv_builder_add (vars, make_vars[i]);
    self->make_vars = g_strv_builder_end (vars);
  }
  if (self->make_vars[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", self->make_vars);

      add_step (self, _ ("Pass these make variables to kbuild: %s"), joined);
    }
  if (self->cflags[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", self->cflags);

      add_step (self, _ ("Add these compiler arguments: %s"), joined);
    }
  else
    add_step (self, _ ("Add no compiler argument of our own: the kernel’s flags only"));

  add_step (self, _ ("Build vmmon and vmnet in parallel with kbuild, as this user"));
  add_step (self, _ ("Check each module: a relocatable ELF file whose name and vermagic match"));

  compute_cache_key (self);
  self->probe_cache_dir = g_build_filename (g_get_user_cache_dir (), "modtune", "probes", NULL);

  return g_steal_pointer (&self);
}

const char *
mt_build_plan_get_kernel_release (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return self->release;
}

const char *
mt_build_plan_get_kernel_build_dir (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return self->build_dir;
}

const char *
mt_build_plan_get_compiler (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return self->compiler;
}

gboolean
mt_build_plan_get_llvm (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), FALSE);
  return self->llvm;
}

static int
module_index (const char *module)
{
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (g_strcmp0 (module, modules[i]) == 0)
      return (int) i;
  return -1;
}

/**
 * mt_build_plan_get_source:
 * @module: `vmmon` or `vmnet`
 */
const char *
mt_build_plan_get_source (MtBuildPlan *self, const char *module)
{
  int i = module_index (module);

  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  g_return_val_if_fail (i >= 0, NULL);
  return self->sources[i];
}

const char *
mt_build_plan_get_source_sha256 (MtBuildPlan *self, const char *module)
{
  int i = module_index (module);

  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  g_return_val_if_fail (i >= 0, NULL);
  return self->sha256[i];
}

/**
 * mt_build_plan_get_interface_version:
 *
 * Returns: the vmmon interface version of the sources, or -1 if unknown
 */
int
mt_build_plan_get_interface_version (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), -1);
  return self->interface_version;
}

const char *const *
mt_build_plan_get_cflags (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return (const char *const *) self->cflags;
}

/**
 * mt_build_plan_get_patches_dir:
 *
 * Returns: the directory of the compatibility rules the build applies
 */
const char *
mt_build_plan_get_patches_dir (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return self->patches_dir;
}

const char *const *
mt_build_plan_get_make_vars (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return (const char *const *) self->make_vars;
}

const char *const *
mt_build_plan_get_flag_ids (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return (const char *const *) self->flag_ids;
}

/**
 * mt_build_plan_get_cache_key:
 *
 * Returns: a SHA-256 over everything that decides the build's output
 */
const char *
mt_build_plan_get_cache_key (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return self->cache_key;
}

/**
 * mt_build_plan_get_probe_cache_dir:
 *
 * Returns: (nullable): where the compatibility probes' results are kept
 *   between builds: by default `$XDG_CACHE_HOME/modtune/probes`
 */
const char *
mt_build_plan_get_probe_cache_dir (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return self->probe_cache_dir;
}

/**
 * mt_build_plan_set_probe_cache_dir:
 * @cache_dir: (nullable): a directory only the caller can write, or %NULL
 *   to build the probes on every run
 */
void
mt_build_plan_set_probe_cache_dir (MtBuildPlan *self, const char *cache_dir)
{
  g_return_if_fail (MT_IS_BUILD_PLAN (self));

  g_free (self->probe_cache_dir);
  self->probe_cache_dir = g_strdup (cache_dir);
}

/**
 * mt_build_plan_get_steps:
 *
 * Returns: (transfer none) (element-type utf8): what will happen and why,
 *   one sentence a step
 */
GPtrArray *
mt_build_plan_get_steps (MtBuildPlan *self)
{
  g_return_val_if_fail (MT_IS_BUILD_PLAN (self), NULL);
  return self->steps;
}

/**
 * mt_build_plan_to_json:
 *
 * Adds the plan's members to an open JSON object.
 */
void
mt_build_plan_to_json (MtBuildPlan *self, JsonBuilder *builder)
{
  g_return_if_fail (MT_IS_BUILD_PLAN (self));

  mt_json_add_string (builder, "kernel_release", self->release);
  mt_json_add_string (builder, "kernel_build_dir", self->build_dir);
  mt_json_add_string (builder, "compiler", self->compiler);
  mt_json_add_bool (builder, "llvm", self->llvm);
  json_builder_set_member_name (builder, "sources");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      json_builder_set_member_name (builder, modules[i]);
      json_builder_begin_object (builder);
      mt_json_add_string (builder, "path", self->sources[i]);
      mt_json_add_string (builder, "sha256", self->sha256[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  mt_json_add_int (builder, "vmmon_interface_version", self->interface_version,
                   self->interface_version >= 0);
  mt_json_add_strv (builder, "flags", (const char *const *) self->flag_ids);
  mt_json_add_strv (builder, "cflags", (const char *const *) self->cflags);
  mt_json_add_strv (builder, "make_vars", (const char *const *) self->make_vars);
  mt_json_add_string (builder, "patches_dir", self->patches_dir);
  mt_json_add_string (builder, "patches_manifest_sha256", self->patches_sha256);
  mt_json_add_string (builder, "cache_key", self->cache_key);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->steps->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->steps, i));
  json_builder_end_array (builder);
}
