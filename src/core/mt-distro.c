/* mt-distro.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-distro"

#include "config.h"

#include <gio/gio.h>

#include "mt-distro.h"
#include "mt-json.h"
#include "mt-os-release.h"

/**
 * MtDistro:
 *
 * The distribution, from os-release(5), and what it implies for building
 * modules: the family it belongs to, the package that holds the headers of
 * the running kernel, and the command that installs it.
 */
struct _MtDistro
{
  GObject parent_instance;

  char *id;
  char *id_like;
  char *pretty_name;
  char *version_id;
  const char *family;
  char *headers_package;
  char *install_command;
  char *evidence;
};

G_DEFINE_FINAL_TYPE (MtDistro, mt_distro, G_TYPE_OBJECT)

static void
mt_distro_finalize (GObject *object)
{
  MtDistro *self = (MtDistro *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->id_like, g_free);
  g_clear_pointer (&self->pretty_name, g_free);
  g_clear_pointer (&self->version_id, g_free);
  g_clear_pointer (&self->headers_package, g_free);
  g_clear_pointer (&self->install_command, g_free);
  g_clear_pointer (&self->evidence, g_free);

  G_OBJECT_CLASS (mt_distro_parent_class)->finalize (object);
}

static void
mt_distro_class_init (MtDistroClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_distro_finalize;
}

static void
mt_distro_init (MtDistro *self)
{
}

static const char *
family_for (const char *id)
{
  static const struct
  {
    const char *id;
    const char *family;
  } families[] = {
    { "debian", "debian" },
    { "ubuntu", "debian" },
    { "fedora", "fedora" },
    { "rhel", "fedora" },
    { "centos", "fedora" },
    { "arch", "arch" },
    { "opensuse", "opensuse" },
    { "suse", "opensuse" },
    { "sles", "opensuse" },
    { "gentoo", "gentoo" },
    { "opensuse-tumbleweed", "opensuse" },
    { "opensuse-leap", "opensuse" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    if (g_strcmp0 (id, families[i].id) == 0)
      return families[i].family;

  return NULL;
}

/* Arch names its header packages after the kernel package: linux,
 * linux-lts, linux-zen, linux-hardened; the release ends with the flavour. */
static char *
arch_headers (const char *release)
{
  const char *flavours[] = { "lts", "zen", "hardened", "rt" };

  for (guint i = 0; i < G_N_ELEMENTS (flavours); i++)
    {
      g_autofree char *suffix = g_strdup_printf ("-%s", flavours[i]);

      if (g_str_has_suffix (release, suffix) || strstr (release, suffix) != NULL)
        return g_strdup_printf ("linux-%s-headers", flavours[i]);
    }

  return g_strdup ("linux-headers");
}

static void
set_implications (MtDistro *self, const char *release)
{
  if (release == NULL)
    release = "";

  if (g_strcmp0 (self->family, "debian") == 0)
    {
      self->headers_package = g_strdup_printf ("linux-headers-%s", release);
      self->install_command = g_strdup_printf ("sudo apt install %s", self->headers_package);
    }
  else if (g_strcmp0 (self->family, "fedora") == 0)
    {
      self->headers_package = g_strdup_printf ("kernel-devel-%s", release);
      self->install_command = g_strdup_printf ("sudo dnf install %s", self->headers_package);
    }
  else if (g_strcmp0 (self->family, "arch") == 0)
    {
      self->headers_package = arch_headers (release);
      self->install_command = g_strdup_printf ("sudo pacman -S %s", self->headers_package);
    }
  else if (g_strcmp0 (self->family, "opensuse") == 0)
    {
      const char *dash = strrchr (release, '-');
      const char *flavour = dash != NULL && dash[1] != '\0' ? dash + 1 : "default";

      self->headers_package = g_strdup_printf ("kernel-%s-devel", flavour);
      self->install_command = g_strdup_printf ("sudo zypper install %s", self->headers_package);
    }
  else if (g_strcmp0 (self->family, "gentoo") == 0)
    {
      self->headers_package = g_strdup ("sys-kernel/gentoo-sources");
      self->install_command = g_strdup ("sudo emerge --ask sys-kernel/gentoo-sources");
    }
}

/**
 * mt_distro_probe:
 * @kernel_release: (nullable): the kernel the header package should match
 *
 * Reads `/etc/os-release`, else `/usr/lib/os-release`.  A tree with
 * neither is an unknown distribution, not an error; an os-release file
 * that cannot be parsed is.
 *
 * Returns: (transfer full): the distribution
 */
MtDistro *
mt_distro_probe (MtSysroot *sysroot, const char *kernel_release, GError **error)
{
  const char *paths[] = { "/etc/os-release", "/usr/lib/os-release" };
  g_autoptr (MtDistro) self = NULL;
  g_autoptr (GHashTable) values = NULL;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_DISTRO, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths) && values == NULL; i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GBytes) bytes = mt_sysroot_read (sysroot, paths[i], &local_error);
      gsize len;
      const char *data;

      if (bytes == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      data = g_bytes_get_data (bytes, &len);
      values = mt_os_release_parse (data != NULL ? data : "", len, paths[i], error);
      if (values == NULL)
        return NULL;
      self->evidence = g_strdup (paths[i]);
    }

  if (values == NULL)
    return g_steal_pointer (&self);

  self->id = g_strdup (g_hash_table_lookup (values, "ID"));
  self->id_like = g_strdup (g_hash_table_lookup (values, "ID_LIKE"));
  self->pretty_name = g_strdup (g_hash_table_lookup (values, "PRETTY_NAME"));
  self->version_id = g_strdup (g_hash_table_lookup (values, "VERSION_ID"));

  self->family = family_for (self->id);
  if (self->family == NULL && self->id_like != NULL)
    {
      g_auto (GStrv) likes = g_strsplit (self->id_like, " ", -1);

      for (guint i = 0; likes[i] != NULL && self->family == NULL; i++)
        self->family = family_for (likes[i]);
    }

  set_implications (self, kernel_release);

  return g_steal_pointer (&self);
}

/**
 * mt_distro_get_id:
 *
 * Returns: (nullable): os-release `ID`, such as `debian`
 */
const char *
mt_distro_get_id (MtDistro *self)
{
  g_return_val_if_fail (MT_IS_DISTRO (self), NULL);

  return self->id;
}

const char *
mt_distro_get_pretty_name (MtDistro *self)
{
  g_return_val_if_fail (MT_IS_DISTRO (self), NULL);

  return self->pretty_name;
}

const char *
mt_distro_get_version_id (MtDistro *self)
{
  g_return_val_if_fail (MT_IS_DISTRO (self), NULL);

  return self->version_id;
}

/**
 * mt_distro_get_family:
 *
 * Returns: (nullable): `debian`, `fedora`, `arch`, `opensuse` or `gentoo`
 */
const char *
mt_distro_get_family (MtDistro *self)
{
  g_return_val_if_fail (MT_IS_DISTRO (self), NULL);

  return self->family;
}

/**
 * mt_distro_get_headers_package:
 *
 * Returns: (nullable): the package with the running kernel's headers
 */
const char *
mt_distro_get_headers_package (MtDistro *self)
{
  g_return_val_if_fail (MT_IS_DISTRO (self), NULL);

  return self->headers_package;
}

const char *
mt_distro_get_install_command (MtDistro *self)
{
  g_return_val_if_fail (MT_IS_DISTRO (self), NULL);

  return self->install_command;
}

const char *
mt_distro_get_evidence (MtDistro *self)
{
  g_return_val_if_fail (MT_IS_DISTRO (self), NULL);

  return self->evidence;
}

/**
 * mt_distro_to_json:
 *
 * Adds the members of the `distro` object to an open JSON object.
 */
void
mt_distro_to_json (MtDistro *self, JsonBuilder *builder)
{
  g_return_if_fail (MT_IS_DISTRO (self));

  mt_json_add_string (builder, "id", self->id);
  mt_json_add_string (builder, "id_like", self->id_like);
  mt_json_add_string (builder, "name", self->pretty_name);
  mt_json_add_string (builder, "version_id", self->version_id);
  mt_json_add_string (builder, "family", self->family);
  mt_json_add_string (builder, "headers_package", self->headers_package);
  mt_json_add_string (builder, "install_headers", self->install_command);
  mt_json_add_string (builder, "evidence", self->evidence);
}
