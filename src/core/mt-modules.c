/* mt-modules.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-modules"

#include "config.h"

#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-json.h"
#include "mt-kconfig.h"
#include "mt-modules.h"

#define OSRELEASE_PATH    "/proc/sys/kernel/osrelease"
#define PROC_MODULES_PATH "/proc/modules"

typedef struct kmod_ctx KmodCtx;
typedef struct kmod_module KmodModule;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KmodCtx, kmod_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KmodModule, kmod_module_unref)

/* The modules VMware Workstation and its neighbours depend on, in the
 * order they are reported. */
static const char *const watched_modules[] = {
  "vmmon",
  "vmnet",
  "vmw_vmci",
  "vsock",
  "vmw_vsock_vmci_transport",
  "vmw_vsock_virtio_transport",
  "hv_sock",
  "vsock_loopback",
  "kvm",
  "kvm_intel",
  "kvm_amd",
  NULL,
};

/* The modules whose files' .modinfo (vermagic, signer) is read. */
static const char *const detailed_modules[] = {
  "vmmon", "vmnet", "vmw_vmci", "vmw_vsock_vmci_transport", NULL,
};

/**
 * MtModulesInfo:
 *
 * The state of the kernel modules VMware Workstation depends on (vmmon,
 * vmnet, VMCI and the vsock transports) and of KVM, for one kernel release:
 * loaded, built in, available as a file, or missing, with each module's
 * version, vermagic and signer.
 *
 * Files are found and read with libkmod in `<sysroot>/lib/modules/<release>`;
 * what is loaded is read from `<sysroot>/sys/module` and `/proc/modules`
 * (libkmod's own state functions would read this machine's `/sys`).
 */
struct _MtModulesInfo
{
  GObject parent_instance;

  char *release;
  gboolean running;
  MtModuleSupport support;
  char *support_evidence;
  char *directory;     /* /lib/modules/<release>, if it exists */
  GHashTable *modules; /* name -> MtModule */
};

G_DEFINE_FINAL_TYPE (MtModulesInfo, mt_modules_info, G_TYPE_OBJECT)

/* A line of /proc/modules */
typedef struct
{
  int refcount;
  GStrv holders;
} ProcModule;

static void
proc_module_free (ProcModule *pm)
{
  g_strfreev (pm->holders);
  g_free (pm);
}

static void
module_free (MtModule *module)
{
  g_free (module->name);
  g_free (module->file);
  g_free (module->version);
  g_free (module->vermagic);
  g_free (module->signer);
  g_free (module->sig_hashalgo);
  g_free (module->license);
  g_free (module->srcversion);
  g_free (module->loaded_srcversion);
  g_strfreev (module->holders);
  g_free (module->evidence);
  g_free (module);
}

static void
mt_modules_info_finalize (GObject *object)
{
  MtModulesInfo *self = (MtModulesInfo *) object;

  g_clear_pointer (&self->release, g_free);
  g_clear_pointer (&self->support_evidence, g_free);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->modules, g_hash_table_unref);

  G_OBJECT_CLASS (mt_modules_info_parent_class)->finalize (object);
}

static void
mt_modules_info_class_init (MtModulesInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_modules_info_finalize;
}

static void
mt_modules_info_init (MtModulesInfo *self)
{
  self->modules =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) module_free);
}

/* A release names a directory under /lib/modules; refuse anything that
 * could leave it. */
static gboolean
release_is_sane (const char *release)
{
  if (release[0] == '\0' || strlen (release) > 64 || g_str_equal (release, ".") ||
      g_str_equal (release, ".."))
    return FALSE;

  for (const char *p = release; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._+-~", *p) == NULL)
      return FALSE;

  return TRUE;
}

/* Reads a file that may be missing: %NULL without an error then. */
static char *
read_optional_line (MtSysroot *sysroot, const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  char *line = mt_sysroot_read_line (sysroot, path, &local_error);

  if (line == NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));

  return line;
}

static void kmod_log_cb (void *data,
                         int priority,
                         const char *file,
                         int line,
                         const char *fn,
                         const char *format,
                         va_list args) G_GNUC_PRINTF (6, 0);

static void
kmod_log_cb (void *data,
             int priority,
             const char *file,
             int line,
             const char *fn,
             const char *format,
             va_list args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_debug ("libkmod: %s", g_strchomp (message));
}

/* "vmmon 159744 0 - Live 0x0000000000000000 (OE)"
 * "kvm 1404928 1 kvm_amd, Live 0x0000000000000000" */
static GHashTable *
parse_proc_modules (const char *text)
{
  GHashTable *table =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) proc_module_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit_set (lines[i], " \t", -1);
      g_autoptr (GPtrArray) holders = g_ptr_array_new ();
      ProcModule *pm;
      gint64 refcount;
      guint64 value;

      if (g_strv_length (fields) < 4 || fields[0][0] == '\0')
        continue;

      refcount = g_ascii_string_to_unsigned (fields[2], 10, 0, G_MAXINT32, &value, NULL)
                   ? (gint64) value
                   : -1;

      if (!g_str_equal (fields[3], "-"))
        {
          g_auto (GStrv) names = g_strsplit (fields[3], ",", -1);

          for (guint j = 0; names[j] != NULL; j++)
            if (names[j][0] != '\0')
              g_ptr_array_add (holders, g_strdup (names[j]));
        }
      g_ptr_array_add (holders, NULL);

      pm = g_new0 (ProcModule, 1);
      pm->refcount = (int) refcount;
      pm->holders = (GStrv) g_ptr_array_free (g_steal_pointer (&holders), FALSE);
      g_hash_table_replace (table, g_strdup (fields[0]), pm);
    }

  return table;
}

/* "kernel/net/vmw_vsock/vsock.ko" -> "vsock"; dashes become underscores, as
 * in every module name the kernel uses. */
static char *
module_name_from_path (const char *path, gsize len)
{
  g_autofree char *line = g_strndup (path, len);
  const char *base = strrchr (line, '/');
  char *name = g_strdup (base != NULL ? base + 1 : line);
  char *dot = strstr (name, ".ko");

  if (dot != NULL)
    *dot = '\0';
  g_strdelimit (name, "-", '_');

  return name;
}

static GHashTable *
read_builtin_list (MtSysroot *sysroot, const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = mt_sysroot_read_text (sysroot, path, &local_error);
  GHashTable *names;

  if (text == NULL)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (const char *p = text; *p != '\0';)
    {
      const char *nl = strchr (p, '\n');
      gsize len = nl != NULL ? (gsize) (nl - p) : strlen (p);

      if (len > 0)
        g_hash_table_add (names, module_name_from_path (p, len));
      p += len + (nl != NULL ? 1 : 0);
    }

  return names;
}

static void
support_from_config (MtModulesInfo *self, MtKconfig *config)
{
  if (mt_kconfig_is_enabled (config, "CONFIG_MODULES"))
    {
      self->support = MT_MODULE_SUPPORT_LOADABLE;
      self->support_evidence =
        g_strdup_printf ("%s: CONFIG_MODULES=y", mt_kconfig_get_source (config));
    }
  else
    {
      self->support = MT_MODULE_SUPPORT_NONE;
      self->support_evidence =
        g_strdup_printf ("%s: # CONFIG_MODULES is not set", mt_kconfig_get_source (config));
    }
}

static gboolean
decide_support (MtModulesInfo *self,
                MtSysroot *sysroot,
                MtKconfig *known_config,
                gboolean proc_recorded,
                GError **error)
{
  g_autofree char *boot = g_strdup_printf ("/boot/config-%s", self->release);
  g_autofree char *modconf = g_strdup_printf ("/lib/modules/%s/config", self->release);
  g_autofree char *build = g_strdup_printf ("/lib/modules/%s/build/.config", self->release);
  const char *candidates[] = { "/proc/config.gz", boot, modconf, build };
  g_autofree char *dep = NULL;

  if (self->running && mt_sysroot_test (sysroot, PROC_MODULES_PATH, G_FILE_TEST_IS_REGULAR))
    {
      self->support = MT_MODULE_SUPPORT_LOADABLE;
      self->support_evidence = g_strdup (PROC_MODULES_PATH);
      return TRUE;
    }

  /* Only a kernel with module support has the parameters of its module
   * loader (module.sig_enforce, module.async_probe …) */
  if (self->running && mt_sysroot_test (sysroot, "/sys/module/module", G_FILE_TEST_IS_DIR))
    {
      self->support = MT_MODULE_SUPPORT_LOADABLE;
      self->support_evidence = g_strdup ("/sys/module/module");
      return TRUE;
    }

  /* The configuration says it: the one the kernel detector already read,
   * else the first of the usual places (/proc/config.gz only for the
   * running kernel) */
  if (known_config != NULL)
    {
      support_from_config (self, known_config);
      return TRUE;
    }

  for (guint i = self->running ? 0 : 1; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (MtKconfig) config = NULL;
      const char *data;
      gsize len;

      if (i == 0)
        bytes = mt_sysroot_read_gzip (sysroot, candidates[i], &local_error);
      else
        bytes = mt_sysroot_read (sysroot, candidates[i], &local_error);

      if (bytes == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      data = g_bytes_get_data (bytes, &len);
      config = mt_kconfig_new_from_data (len > 0 ? data : "", len, candidates[i], error);
      if (config == NULL)
        return FALSE;

      support_from_config (self, config);
      return TRUE;
    }

  if (self->directory != NULL)
    {
      dep = g_strdup_printf ("%s/modules.dep", self->directory);
      if (mt_sysroot_test (sysroot, dep, G_FILE_TEST_IS_REGULAR))
        {
          self->support = MT_MODULE_SUPPORT_LOADABLE;
          self->support_evidence = g_steal_pointer (&dep);
          return TRUE;
        }
    }

  /* On the live machine, a /proc without /proc/modules settles it; a
   * recorded tree may simply not have copied the file. */
  if (self->running && proc_recorded && mt_sysroot_is_host (sysroot))
    {
      self->support = MT_MODULE_SUPPORT_NONE;
      self->support_evidence = g_strdup_printf (_ ("%s does not exist"), PROC_MODULES_PATH);
    }

  return TRUE;
}

/* The path on the machine of a file libkmod found in the sysroot. */
static char *
machine_path (MtSysroot *sysroot, const char *path)
{
  const char *root = mt_sysroot_get_path (sysroot);
  gsize root_len = strlen (root);

  if (!mt_sysroot_is_host (sysroot) && g_str_has_prefix (path, root) && path[root_len] == '/')
    return g_strdup (path + root_len);

  return g_strdup (path);
}

static void
set_once (char **field, const char *value)
{
  if (*field == NULL && value != NULL)
    *field = g_strdup (value);
}

/* File and .modinfo through libkmod: modules.dep and the builtin indexes. */
static void
read_with_kmod (struct kmod_ctx *ctx, MtSysroot *sysroot, MtModule *module, gboolean *in_kmod)
{
  g_autoptr (KmodModule) mod = NULL;
  struct kmod_list *info = NULL;
  struct kmod_list *entry;
  const char *path;
  int ret;

  *in_kmod = FALSE;

  ret = kmod_module_new_from_name_lookup (ctx, module->name, &mod);
  if (ret < 0 || mod == NULL)
    {
      if (ret < 0)
        g_debug ("libkmod cannot look up %s: %s", module->name, g_strerror (-ret));
      return;
    }

  *in_kmod = TRUE;

  path = kmod_module_get_path (mod);
  if (path != NULL)
    module->file = machine_path (sysroot, path);

  /* Reading .modinfo from a file means decompressing it: tens of
   * milliseconds for kvm.ko.xz alone.  Only VMware's modules need their
   * vermagic and signer; for the others the file, the state and the
   * version of the loaded module say enough.  Built-in modules are read
   * from modules.builtin.modinfo, which is cheap. */
  if (path != NULL && !g_strv_contains (detailed_modules, module->name))
    return;

  ret = kmod_module_get_info (mod, &info);
  if (ret < 0)
    {
      g_debug ("libkmod cannot read the information of %s: %s", module->name, g_strerror (-ret));
      return;
    }

  kmod_list_foreach (entry, info)
  {
    const char *key = kmod_module_info_get_key (entry);
    const char *value = kmod_module_info_get_value (entry);

    if (key == NULL || value == NULL || !g_utf8_validate (value, -1, NULL))
      continue;

    if (g_str_equal (key, "version"))
      set_once (&module->version, value);
    else if (g_str_equal (key, "vermagic"))
      {
        if (module->vermagic == NULL)
          module->vermagic = g_strstrip (g_strdup (value));
      }
    else if (g_str_equal (key, "signer"))
      set_once (&module->signer, value);
    else if (g_str_equal (key, "sig_hashalgo"))
      set_once (&module->sig_hashalgo, value);
    else if (g_str_equal (key, "license"))
      set_once (&module->license, value);
    else if (g_str_equal (key, "srcversion"))
      set_once (&module->srcversion, value);
  }

  kmod_module_info_free_list (info);
}

static gboolean
read_loaded_state (MtSysroot *sysroot, MtModule *module, GHashTable *proc_modules, GError **error)
{
  g_autofree char *dir = g_strdup_printf ("/sys/module/%s", module->name);
  g_autofree char *initstate_path = g_strdup_printf ("%s/initstate", dir);
  g_autofree char *refcnt_path = g_strdup_printf ("%s/refcnt", dir);
  g_autofree char *holders_path = g_strdup_printf ("%s/holders", dir);
  g_autofree char *srcversion_path = g_strdup_printf ("%s/srcversion", dir);
  g_autofree char *version_path = g_strdup_printf ("%s/version", dir);
  g_autofree char *initstate = NULL;
  g_autofree char *refcnt = NULL;
  g_autofree char *sys_version = NULL;
  ProcModule *pm = proc_modules != NULL ? g_hash_table_lookup (proc_modules, module->name) : NULL;
  GError *local_error = NULL;
  guint64 value;

  initstate = read_optional_line (sysroot, initstate_path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (initstate == NULL && pm == NULL)
    {
      /* Built-in modules with parameters or a version appear in
       * /sys/module too, without an initstate. */
      if (mt_sysroot_test (sysroot, dir, G_FILE_TEST_IS_DIR))
        {
          if (module->state != MT_MODULE_STATE_BUILTIN)
            {
              module->state = MT_MODULE_STATE_BUILTIN;
              g_free (module->evidence);
              module->evidence = g_strdup_printf (_ ("%s exists without initstate"), dir);
            }

          sys_version = read_optional_line (sysroot, version_path, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return FALSE;
            }
          set_once (&module->version, sys_version);
        }
      return TRUE;
    }

  module->state = MT_MODULE_STATE_LOADED;
  g_free (module->evidence);
  module->evidence = initstate != NULL ? g_strdup_printf ("%s: %s", initstate_path, initstate)
                                       : g_strdup (PROC_MODULES_PATH);

  refcnt = read_optional_line (sysroot, refcnt_path, &local_error);
  if (local_error == NULL)
    module->loaded_srcversion = read_optional_line (sysroot, srcversion_path, &local_error);
  /* the loaded module's own version, when its file's .modinfo was not read */
  if (local_error == NULL)
    sys_version = read_optional_line (sysroot, version_path, &local_error);
  if (local_error == NULL)
    set_once (&module->version, sys_version);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (refcnt != NULL && g_ascii_string_to_unsigned (refcnt, 10, 0, G_MAXINT32, &value, NULL))
    module->refcount = (int) value;
  else if (pm != NULL)
    module->refcount = pm->refcount;

  if (mt_sysroot_test (sysroot, holders_path, G_FILE_TEST_IS_DIR))
    {
      g_strfreev (module->holders);
      module->holders = mt_sysroot_list_dir (sysroot, holders_path, error);
      if (module->holders == NULL)
        return FALSE;
    }
  else if (pm != NULL)
    {
      g_strfreev (module->holders);
      module->holders = g_strdupv (pm->holders);
    }
  /* else: a recorded tree drops empty directories, so no holders */

  return TRUE;
}

static const char *const *
modprobe_config_paths (MtSysroot *sysroot, GPtrArray *storage)
{
  static const char *const dirs[] = {
    "/etc/modprobe.d", "/run/modprobe.d",     "/usr/local/lib/modprobe.d",
    "/lib/modprobe.d", "/usr/lib/modprobe.d",
  };

  if (mt_sysroot_is_host (sysroot))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    g_ptr_array_add (storage, mt_sysroot_resolve (sysroot, dirs[i]));
  g_ptr_array_add (storage, NULL);

  return (const char *const *) storage->pdata;
}

/**
 * mt_modules_info_probe:
 * @sysroot: where to read `/lib/modules`, `/sys/module` and `/proc`
 * @kernel_release: (nullable): the kernel to describe, or %NULL for the
 *   running one (`/proc/sys/kernel/osrelease`)
 * @config: (nullable): that kernel's configuration when the caller has
 *   read it already (see mt_kernel_info_get_config()); %NULL to look for it
 *
 * What is loaded is only read when @kernel_release is the running kernel
 * (or when the tree does not say which kernel runs).  A missing module
 * directory, or a kernel built without module support, is a fact to
 * report, not an error.
 *
 * Returns: (transfer full): the modules, or %NULL if @kernel_release is not
 *   a release, or a file that exists cannot be read
 */
MtModulesInfo *
mt_modules_info_probe (MtSysroot *sysroot,
                       const char *kernel_release,
                       MtKconfig *config,
                       GError **error)
{
  g_autoptr (MtModulesInfo) self = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GHashTable) proc_modules = NULL;
  g_autoptr (GHashTable) builtin = NULL;
  g_autoptr (KmodCtx) ctx = NULL;
  g_autoptr (GPtrArray) config_storage = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *running_release = NULL;
  g_autofree char *builtin_path = NULL;
  g_autofree char *proc_text = NULL;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_MODULES_INFO, NULL);

  running_release = read_optional_line (sysroot, OSRELEASE_PATH, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (kernel_release == NULL)
    {
      if (running_release == NULL)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                       _ ("Cannot tell which kernel runs: %s does not exist; name the kernel "
                          "release to look at"),
                       OSRELEASE_PATH);
          return NULL;
        }
      kernel_release = running_release;
    }

  if (!release_is_sane (kernel_release))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT, _ ("“%s” is not a kernel release"),
                   kernel_release);
      return NULL;
    }

  self->release = g_strdup (kernel_release);
  self->running = running_release == NULL || g_str_equal (running_release, kernel_release);

  for (guint i = 0; i < 2 && self->directory == NULL; i++)
    {
      g_autofree char *dir =
        g_strdup_printf ("%s/%s", i == 0 ? "/lib/modules" : "/usr/lib/modules", self->release);

      if (mt_sysroot_test (sysroot, dir, G_FILE_TEST_IS_DIR))
        self->directory = g_steal_pointer (&dir);
    }

  if (self->running)
    {
      proc_text = mt_sysroot_read_text (sysroot, PROC_MODULES_PATH, &local_error);
      if (proc_text != NULL)
        proc_modules = parse_proc_modules (proc_text);
      else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_clear_error (&local_error);
    }

  if (!decide_support (self, sysroot, config, running_release != NULL, error))
    return NULL;

  if (self->directory != NULL)
    {
      g_autofree char *resolved = mt_sysroot_resolve (sysroot, self->directory);

      builtin_path = g_strdup_printf ("%s/modules.builtin", self->directory);
      builtin = read_builtin_list (sysroot, builtin_path, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      ctx = kmod_new (resolved, modprobe_config_paths (sysroot, config_storage));
      if (ctx == NULL)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                       _ ("Cannot start libkmod for %s; is the system out of memory?"),
                       self->directory);
          return NULL;
        }
      kmod_set_log_fn (ctx, kmod_log_cb, NULL);
    }

  for (guint i = 0; watched_modules[i] != NULL; i++)
    {
      MtModule *module = g_new0 (MtModule, 1);
      gboolean in_kmod = FALSE;

      module->name = g_strdup (watched_modules[i]);
      module->refcount = -1;
      module->holders = g_new0 (char *, 1);
      g_hash_table_insert (self->modules, module->name, module);

      if (ctx != NULL)
        read_with_kmod (ctx, sysroot, module, &in_kmod);

      if (builtin != NULL && g_hash_table_contains (builtin, module->name))
        {
          module->state = MT_MODULE_STATE_BUILTIN;
          module->evidence = g_strdup (builtin_path);
        }
      else if (module->file != NULL)
        {
          module->state = MT_MODULE_STATE_AVAILABLE;
          module->evidence = g_strdup_printf ("%s/modules.dep", self->directory);
        }
      else if (in_kmod)
        {
          /* found by libkmod's builtin index alone */
          module->state = MT_MODULE_STATE_BUILTIN;
          module->evidence = g_strdup_printf ("%s/modules.builtin.bin", self->directory);
        }

      if (self->running && !read_loaded_state (sysroot, module, proc_modules, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
mt_modules_info_get_kernel_release (MtModulesInfo *self)
{
  g_return_val_if_fail (MT_IS_MODULES_INFO (self), NULL);

  return self->release;
}

/**
 * mt_modules_info_is_running_kernel:
 *
 * Returns: %TRUE if the release is the one the machine runs, so that what
 *   is loaded was looked at
 */
gboolean
mt_modules_info_is_running_kernel (MtModulesInfo *self)
{
  g_return_val_if_fail (MT_IS_MODULES_INFO (self), FALSE);

  return self->running;
}

/**
 * mt_modules_info_get_support:
 *
 * Returns: whether the kernel can load modules at all
 */
MtModuleSupport
mt_modules_info_get_support (MtModulesInfo *self)
{
  g_return_val_if_fail (MT_IS_MODULES_INFO (self), MT_MODULE_SUPPORT_UNKNOWN);

  return self->support;
}

/**
 * mt_modules_info_get_support_evidence:
 *
 * Returns: (nullable): what mt_modules_info_get_support() was decided on
 */
const char *
mt_modules_info_get_support_evidence (MtModulesInfo *self)
{
  g_return_val_if_fail (MT_IS_MODULES_INFO (self), NULL);

  return self->support_evidence;
}

/**
 * mt_modules_info_get_directory:
 *
 * Returns: (nullable): `/lib/modules/<release>` as on the machine, or %NULL
 *   if it does not exist
 */
const char *
mt_modules_info_get_directory (MtModulesInfo *self)
{
  g_return_val_if_fail (MT_IS_MODULES_INFO (self), NULL);

  return self->directory;
}

/**
 * mt_modules_info_get_names:
 *
 * Returns: (transfer none): the names of the modules looked at, in the
 *   order they are reported
 */
const char *const *
mt_modules_info_get_names (MtModulesInfo *self)
{
  g_return_val_if_fail (MT_IS_MODULES_INFO (self), NULL);

  return watched_modules;
}

/**
 * mt_modules_info_lookup:
 * @name: a module name from mt_modules_info_get_names()
 *
 * Returns: (transfer none) (nullable): the module, or %NULL if @name is not
 *   one of those looked at
 */
const MtModule *
mt_modules_info_lookup (MtModulesInfo *self, const char *name)
{
  g_return_val_if_fail (MT_IS_MODULES_INFO (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->modules, name);
}

/**
 * mt_modules_info_to_json:
 * @builder: a builder inside an object
 *
 * Adds two members: `module_support` (`{loadable, kernel_release,
 * running, directory, evidence}`, `loadable` null when unknown) and
 * `modules`, an object of module name → `{state, file, version, vermagic,
 * signer, sig_hashalgo, license, srcversion, loaded_srcversion, holders,
 * refcount, evidence}`, where `state` is `loaded`, `builtin`, `available`
 * or `missing` and `refcount` is null unless the module is loaded.
 */
void
mt_modules_info_to_json (MtModulesInfo *self, JsonBuilder *builder)
{
  g_return_if_fail (MT_IS_MODULES_INFO (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, "module_support");
  json_builder_begin_object (builder);
  mt_json_add_tristate (
    builder, "loadable",
    self->support == MT_MODULE_SUPPORT_UNKNOWN ? -1 : self->support == MT_MODULE_SUPPORT_LOADABLE);
  mt_json_add_string (builder, "kernel_release", self->release);
  mt_json_add_bool (builder, "running", self->running);
  mt_json_add_string (builder, "directory", self->directory);
  mt_json_add_string (builder, "evidence", self->support_evidence);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "modules");
  json_builder_begin_object (builder);
  for (guint i = 0; watched_modules[i] != NULL; i++)
    {
      const MtModule *module = g_hash_table_lookup (self->modules, watched_modules[i]);

      json_builder_set_member_name (builder, module->name);
      json_builder_begin_object (builder);
      mt_json_add_string (builder, "state", mt_module_state_to_string (module->state));
      mt_json_add_string (builder, "file", module->file);
      mt_json_add_string (builder, "version", module->version);
      mt_json_add_string (builder, "vermagic", module->vermagic);
      mt_json_add_string (builder, "signer", module->signer);
      mt_json_add_string (builder, "sig_hashalgo", module->sig_hashalgo);
      mt_json_add_string (builder, "license", module->license);
      mt_json_add_string (builder, "srcversion", module->srcversion);
      mt_json_add_string (builder, "loaded_srcversion", module->loaded_srcversion);
      mt_json_add_strv (builder, "holders", (const char *const *) module->holders);
      mt_json_add_int (builder, "refcount", module->refcount, module->refcount >= 0);
      mt_json_add_string (builder, "evidence", module->evidence);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

/**
 * mt_module_state_to_string:
 *
 * Returns: the JSON token: `loaded`, `builtin`, `available` or `missing`
 */
const char *
mt_module_state_to_string (MtModuleState state)
{
  switch (state)
    {
    case MT_MODULE_STATE_LOADED:
      return "loaded";
    case MT_MODULE_STATE_BUILTIN:
      return "builtin";
    case MT_MODULE_STATE_AVAILABLE:
      return "available";
    case MT_MODULE_STATE_MISSING:
    default:
      return "missing";
    }
}
