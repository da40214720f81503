/* mt-kernel-info.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-kernel-info"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-kernel-info.h"

/**
 * MtKernelInfo:
 *
 * The running kernel: release, version string, the compiler it was built
 * with, and its configuration, each with the file it was read from.
 */
struct _MtKernelInfo
{
  GObject parent_instance;

  char *release;
  char *version;
  char *compiler;
  MtKconfig *config;
  GHashTable *evidence;
};

G_DEFINE_FINAL_TYPE (MtKernelInfo, mt_kernel_info, G_TYPE_OBJECT)

#define OSRELEASE_PATH "/proc/sys/kernel/osrelease"
#define VERSION_PATH   "/proc/version"

static void
mt_kernel_info_finalize (GObject *object)
{
  MtKernelInfo *self = (MtKernelInfo *) object;

  g_clear_pointer (&self->release, g_free);
  g_clear_pointer (&self->version, g_free);
  g_clear_pointer (&self->compiler, g_free);
  g_clear_object (&self->config);
  g_clear_pointer (&self->evidence, g_hash_table_unref);

  G_OBJECT_CLASS (mt_kernel_info_parent_class)->finalize (object);
}

static void
mt_kernel_info_class_init (MtKernelInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_kernel_info_finalize;
}

static void
mt_kernel_info_init (MtKernelInfo *self)
{
  self->evidence = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

/* A release names a directory under /lib/modules and /boot; refuse
 * anything that could leave them. */
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

/* "Linux version 6.12.48+deb13-amd64 (debian-kernel@…) (x86_64-linux-gnu-gcc-14
 * (Debian 14.2.0-19) 14.2.0, GNU ld (GNU Binutils for Debian) 2.44) #1 SMP …"
 * -> "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0" */
static char *
compiler_from_version (const char *version)
{
  const char *start;
  const char *p;
  int depth = 0;

  /* the second parenthesised group */
  start = strchr (version, '(');
  if (start == NULL)
    return NULL;
  for (p = start; *p != '\0'; p++)
    {
      if (*p == '(')
        depth++;
      else if (*p == ')' && --depth == 0)
        break;
    }
  if (*p == '\0')
    return NULL;
  start = strchr (p, '(');
  if (start == NULL)
    return NULL;
  start++;

  /* up to the comma that separates the compiler from the linker, at depth 0 */
  depth = 0;
  for (p = start; *p != '\0'; p++)
    {
      if (*p == '(')
        depth++;
      else if (*p == ')')
        {
          if (depth == 0)
            break;
          depth--;
        }
      else if (*p == ',' && depth == 0)
        break;
    }

  if (p == start)
    return NULL;

  return g_strstrip (g_strndup (start, p - start));
}

static gboolean
load_config (MtKernelInfo *self, MtSysroot *sysroot, GError **error)
{
  g_autofree char *boot = g_strdup_printf ("/boot/config-%s", self->release);
  g_autofree char *build = g_strdup_printf ("/lib/modules/%s/build/.config", self->release);
  g_autofree char *modconf = g_strdup_printf ("/lib/modules/%s/config", self->release);
  const char *plain[] = { boot, modconf, build };
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *source = NULL;
  const char *data;
  gsize len;

  bytes = mt_sysroot_read_gzip (sysroot, "/proc/config.gz", &local_error);
  if (bytes != NULL)
    source = "/proc/config.gz";
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (guint i = 0; source == NULL && i < G_N_ELEMENTS (plain); i++)
    {
      g_clear_error (&local_error);
      bytes = mt_sysroot_read (sysroot, plain[i], &local_error);
      if (bytes != NULL)
        source = plain[i];
      else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  /* No configuration anywhere is a fact to report, not an error. */
  if (source == NULL)
    return TRUE;

  data = g_bytes_get_data (bytes, &len);
  self->config = mt_kconfig_new_from_data (data, len, source, error);
  if (self->config == NULL)
    return FALSE;

  g_hash_table_replace (self->evidence, (gpointer) "config", g_strdup (source));

  return TRUE;
}

/**
 * mt_kernel_info_probe:
 * @sysroot: where to read `/proc`, `/boot` and `/lib/modules`
 *
 * Reads the kernel release and version, and its configuration from the
 * first of `/proc/config.gz`, `/boot/config-<release>`,
 * `/lib/modules/<release>/config` and `/lib/modules/<release>/build/.config`.
 *
 * Returns: (transfer full): the kernel, or %NULL if its release cannot be
 *   read or a configuration that exists cannot be parsed
 */
MtKernelInfo *
mt_kernel_info_probe (MtSysroot *sysroot, GError **error)
{
  g_autoptr (MtKernelInfo) self = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *cc_text;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_KERNEL_INFO, NULL);

  self->release = mt_sysroot_read_line (sysroot, OSRELEASE_PATH, error);
  if (self->release == NULL)
    return NULL;

  if (!release_is_sane (self->release))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s holds “%s”, which is not a kernel release"), OSRELEASE_PATH,
                   self->release);
      return NULL;
    }
  g_hash_table_replace (self->evidence, (gpointer) "release", g_strdup (OSRELEASE_PATH));

  self->version = mt_sysroot_read_line (sysroot, VERSION_PATH, &local_error);
  if (self->version == NULL)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  else
    g_hash_table_replace (self->evidence, (gpointer) "version", g_strdup (VERSION_PATH));

  if (!load_config (self, sysroot, error))
    return NULL;

  cc_text =
    self->config != NULL ? mt_kconfig_lookup (self->config, "CONFIG_CC_VERSION_TEXT") : NULL;
  if (cc_text != NULL && cc_text[0] != '\0')
    {
      self->compiler = g_strdup (cc_text);
      g_hash_table_replace (
        self->evidence, (gpointer) "compiler",
        g_strdup_printf ("%s: CONFIG_CC_VERSION_TEXT", mt_kconfig_get_source (self->config)));
    }
  else if (self->version != NULL &&
           (self->compiler = compiler_from_version (self->version)) != NULL)
    {
      g_hash_table_replace (self->evidence, (gpointer) "compiler", g_strdup (VERSION_PATH));
    }

  return g_steal_pointer (&self);
}

const char *
mt_kernel_info_get_release (MtKernelInfo *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_INFO (self), NULL);

  return self->release;
}

/**
 * mt_kernel_info_get_version:
 *
 * Returns: (nullable): the first line of `/proc/version`
 */
const char *
mt_kernel_info_get_version (MtKernelInfo *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_INFO (self), NULL);

  return self->version;
}

/**
 * mt_kernel_info_get_compiler:
 *
 * Returns: (nullable): the compiler the kernel was built with, as the
 *   kernel names it
 */
const char *
mt_kernel_info_get_compiler (MtKernelInfo *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_INFO (self), NULL);

  return self->compiler;
}

/**
 * mt_kernel_info_get_config:
 *
 * Returns: (transfer none) (nullable): the configuration, or %NULL if none
 *   of the usual places holds one
 */
MtKconfig *
mt_kernel_info_get_config (MtKernelInfo *self)
{
  g_return_val_if_fail (MT_IS_KERNEL_INFO (self), NULL);

  return self->config;
}

/**
 * mt_kernel_info_get_evidence:
 * @fact: `release`, `version`, `compiler` or `config`
 *
 * Returns: (nullable): where the fact came from
 */
const char *
mt_kernel_info_get_evidence (MtKernelInfo *self, const char *fact)
{
  g_return_val_if_fail (MT_IS_KERNEL_INFO (self), NULL);

  return g_hash_table_lookup (self->evidence, fact);
}
