/* mt-storage.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-storage"

#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-json.h"
#include "mt-storage.h"

#define NVME_CLASS_DIR "/sys/class/nvme"
#define BLOCK_DIR      "/sys/block"
#define PCI_DEVICE_DIR "/sys/bus/pci/devices"

/* /sys/block/<dev>/size counts 512-byte sectors, whatever the device's. */
#define SECTOR_SIZE 512

/**
 * MtStorageInfo:
 *
 * The NVMe controllers of a machine and their namespaces, from
 * `/sys/class/nvme` and `/sys/block`, with the PCI Express link of each
 * PCIe controller.  Serial numbers are never read.
 */
struct _MtStorageInfo
{
  GObject parent_instance;

  GPtrArray *controllers; /* (element-type MtNvmeController) */
};

G_DEFINE_FINAL_TYPE (MtStorageInfo, mt_storage_info, G_TYPE_OBJECT)

static void
nvme_namespace_free (MtNvmeNamespace *ns)
{
  g_free (ns->name);
  g_free (ns);
}

static void
pcie_link_free (MtPcieLink *link)
{
  g_free (link->speed);
  g_free (link->max_speed);
  g_free (link);
}

static void
nvme_controller_free (MtNvmeController *controller)
{
  g_free (controller->name);
  g_free (controller->model);
  g_free (controller->firmware);
  g_free (controller->transport);
  g_free (controller->address);
  g_free (controller->state);
  g_clear_pointer (&controller->link, pcie_link_free);
  g_free (controller->link_note);
  g_clear_pointer (&controller->namespaces, g_ptr_array_unref);
  g_free (controller);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtNvmeController, nvme_controller_free)

static void
mt_storage_info_finalize (GObject *object)
{
  MtStorageInfo *self = (MtStorageInfo *) object;

  g_clear_pointer (&self->controllers, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_storage_info_parent_class)->finalize (object);
}

static void
mt_storage_info_class_init (MtStorageInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_storage_info_finalize;
}

static void
mt_storage_info_init (MtStorageInfo *self)
{
  self->controllers = g_ptr_array_new_with_free_func ((GDestroyNotify) nvme_controller_free);
}

/* Reads a one-line attribute.  A missing file is not an error: *value
 * stays %NULL, as it does for an empty one. */
static gboolean
read_attribute (MtSysroot *sysroot, const char *path, char **value, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *line = mt_sysroot_read_line (sysroot, path, &local_error);

  *value = NULL;

  if (line == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (line[0] != '\0' && g_utf8_validate (line, -1, NULL))
    *value = g_steal_pointer (&line);

  return TRUE;
}

static gboolean
read_number_attribute (MtSysroot *sysroot, const char *path, guint64 *value, GError **error)
{
  g_autofree char *text = NULL;

  *value = 0;
  if (!read_attribute (sysroot, path, &text, error))
    return FALSE;

  /* "x4" in some older kernels' link widths */
  if (text != NULL && !g_ascii_string_to_unsigned (text[0] == 'x' ? text + 1 : text, 10, 0,
                                                   G_MAXUINT64, value, NULL))
    *value = 0;

  return TRUE;
}

/* "nvme12" -> 12; -1 if @name is not nvme<digits> */
static gint64
controller_number (const char *name)
{
  guint64 number;

  if (!g_str_has_prefix (name, "nvme") ||
      !g_ascii_string_to_unsigned (name + 4, 10, 0, G_MAXINT32, &number, NULL))
    return -1;

  return (gint64) number;
}

static int
compare_controllers (gconstpointer a, gconstpointer b)
{
  const MtNvmeController *ca = *(const MtNvmeController *const *) a;
  const MtNvmeController *cb = *(const MtNvmeController *const *) b;
  gint64 na = controller_number (ca->name);
  gint64 nb = controller_number (cb->name);

  return na < nb ? -1 : na > nb;
}

static guint64
namespace_number (const char *name)
{
  const char *n = strrchr (name, 'n');
  guint64 number = 0;

  if (n != NULL)
    g_ascii_string_to_unsigned (n + 1, 10, 0, G_MAXUINT32, &number, NULL);

  return number;
}

static int
compare_namespaces (gconstpointer a, gconstpointer b)
{
  const MtNvmeNamespace *na = *(const MtNvmeNamespace *const *) a;
  const MtNvmeNamespace *nb = *(const MtNvmeNamespace *const *) b;
  guint64 ia = namespace_number (na->name);
  guint64 ib = namespace_number (nb->name);

  return ia < ib ? -1 : ia > ib;
}

/* Splits "nvme<A>n<B>" or "nvme<A>c<C>n<B>"; the block device is nvme<A>n<B>. */
static char *
block_name_of (const char *entry, gint64 *subsystem)
{
  const char *p = entry + 4;
  char *end;
  guint64 a;
  guint64 b;

  if (!g_str_has_prefix (entry, "nvme") || !g_ascii_isdigit (*p))
    return NULL;

  a = g_ascii_strtoull (p, &end, 10);
  p = end;
  if (*p == 'c')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return NULL;
      g_ascii_strtoull (p, &end, 10);
      p = end;
    }
  if (*p != 'n' || !g_ascii_isdigit (p[1]))
    return NULL;
  b = g_ascii_strtoull (p + 1, &end, 10);
  if (*end != '\0' || a > G_MAXINT32 || b > G_MAXUINT32)
    return NULL;

  if (subsystem != NULL)
    *subsystem = (gint64) a;

  return g_strdup_printf ("nvme%" G_GUINT64_FORMAT "n%" G_GUINT64_FORMAT, a, b);
}

static MtNvmeNamespace *
read_namespace (MtSysroot *sysroot, const char *block_name, GError **error)
{
  g_autofree char *size_path = g_strdup_printf (BLOCK_DIR "/%s/size", block_name);
  g_autofree char *lbs_path =
    g_strdup_printf (BLOCK_DIR "/%s/queue/logical_block_size", block_name);
  MtNvmeNamespace *ns;
  guint64 sectors;
  guint64 lbs;

  if (!read_number_attribute (sysroot, size_path, &sectors, error) ||
      !read_number_attribute (sysroot, lbs_path, &lbs, error))
    return NULL;

  ns = g_new0 (MtNvmeNamespace, 1);
  ns->name = g_strdup (block_name);
  ns->size_bytes = sectors <= G_MAXUINT64 / SECTOR_SIZE ? sectors * SECTOR_SIZE : G_MAXUINT64;
  ns->logical_block_size = lbs <= G_MAXUINT32 ? (guint) lbs : 0;

  return ns;
}

/* The namespaces of a controller: the entries of its sysfs directory
 * (nvme0n1, or nvme0c0n1 with native multipath), or, in a recorded tree
 * that keeps only files, the block devices named after it. */
static gboolean
read_namespaces (MtSysroot *sysroot,
                 MtNvmeController *controller,
                 char **block_devices,
                 GError **error)
{
  g_autofree char *dir = g_strdup_printf (NVME_CLASS_DIR "/%s", controller->name);
  g_auto (GStrv) entries = mt_sysroot_list_dir (sysroot, dir, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gint64 number = controller_number (controller->name);

  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    {
      char *block_name = block_name_of (entries[i], NULL);

      if (block_name != NULL &&
          !g_ptr_array_find_with_equal_func (names, block_name, g_str_equal, NULL))
        g_ptr_array_add (names, block_name);
      else
        g_free (block_name);
    }

  if (names->len == 0)
    for (guint i = 0; block_devices != NULL && block_devices[i] != NULL; i++)
      {
        gint64 subsystem = -1;
        char *block_name = block_name_of (block_devices[i], &subsystem);

        if (block_name != NULL && subsystem == number && g_str_equal (block_name, block_devices[i]))
          g_ptr_array_add (names, block_name);
        else
          g_free (block_name);
      }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *block_dir = g_strdup_printf (BLOCK_DIR "/%s", (char *) names->pdata[i]);
      MtNvmeNamespace *ns;

      if (!mt_sysroot_test (sysroot, block_dir, G_FILE_TEST_IS_DIR))
        continue;

      ns = read_namespace (sysroot, names->pdata[i], error);
      if (ns == NULL)
        return FALSE;
      g_ptr_array_add (controller->namespaces, ns);
    }

  g_ptr_array_sort (controller->namespaces, compare_namespaces);

  return TRUE;
}

/* "0000:01:00.0": domain, bus, device, function in hex; nothing that could
 * leave /sys/bus/pci/devices. */
static gboolean
is_pci_address (const char *address)
{
  const char *p = address;
  guint digits = 0;

  for (; g_ascii_isxdigit (*p); p++)
    digits++;
  if (digits < 4 || digits > 8 || *p++ != ':')
    return FALSE;
  if (!g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1]) || p[2] != ':')
    return FALSE;
  p += 3;
  if (!g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1]) || p[2] != '.')
    return FALSE;
  p += 3;

  return *p >= '0' && *p <= '7' && p[1] == '\0';
}

/* "16.0 GT/s PCIe" -> 16.0; 0 for "Unknown" */
static double
speed_value (const char *speed)
{
  char *end;
  double value;

  if (speed == NULL)
    return 0;

  value = g_ascii_strtod (speed, &end);
  if (end == speed || value < 0)
    return 0;

  return value;
}

static char *
describe_link (const MtPcieLink *link)
{
  gboolean slower =
    speed_value (link->speed) > 0 && speed_value (link->speed) < speed_value (link->max_speed);
  gboolean narrower = link->width > 0 && link->width < link->max_width;

  if (slower && narrower)
    return g_strdup_printf (
      _ ("The drive’s link runs at %s on %u of its %u lanes, below the %s it supports: the "
         "slot is older or wired with fewer lanes, or the link is saving power."),
      link->speed, link->width, link->max_width, link->max_speed);
  if (slower)
    return g_strdup_printf (
      _ ("The drive’s link runs at %s, below the %s it supports: the slot or the processor "
         "offers an older PCIe generation, or the link is saving power."),
      link->speed, link->max_speed);
  if (narrower)
    return g_strdup_printf (
      _ ("The drive’s link uses %u of its %u lanes: the slot is wired with fewer lanes or "
         "shares them with another device."),
      link->width, link->max_width);

  return NULL;
}

static gboolean
read_link (MtSysroot *sysroot, MtNvmeController *controller, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *speed_path = NULL;
  g_autofree char *width_path = NULL;
  g_autofree char *max_speed_path = NULL;
  g_autofree char *max_width_path = NULL;
  MtPcieLink *link;
  guint64 width;
  guint64 max_width;

  if (controller->address == NULL || !is_pci_address (controller->address))
    return TRUE;

  dir = g_strdup_printf (PCI_DEVICE_DIR "/%s", controller->address);
  if (!mt_sysroot_test (sysroot, dir, G_FILE_TEST_IS_DIR))
    return TRUE;

  speed_path = g_strdup_printf ("%s/current_link_speed", dir);
  width_path = g_strdup_printf ("%s/current_link_width", dir);
  max_speed_path = g_strdup_printf ("%s/max_link_speed", dir);
  max_width_path = g_strdup_printf ("%s/max_link_width", dir);

  link = g_new0 (MtPcieLink, 1);
  controller->link = link;

  if (!read_attribute (sysroot, speed_path, &link->speed, error) ||
      !read_attribute (sysroot, max_speed_path, &link->max_speed, error) ||
      !read_number_attribute (sysroot, width_path, &width, error) ||
      !read_number_attribute (sysroot, max_width_path, &max_width, error))
    return FALSE;

  link->width = width <= 64 ? (guint) width : 0;
  link->max_width = max_width <= 64 ? (guint) max_width : 0;

  if (link->speed == NULL && link->max_speed == NULL && link->width == 0 && link->max_width == 0)
    {
      /* a PCI device without a PCIe link (or a tree that did not record it) */
      g_clear_pointer (&controller->link, pcie_link_free);
      return TRUE;
    }

  controller->link_note = describe_link (link);
  link->below_max = controller->link_note != NULL;

  return TRUE;
}

static MtNvmeController *
read_controller (MtSysroot *sysroot, const char *name, char **block_devices, GError **error)
{
  g_autoptr (MtNvmeController) controller = g_new0 (MtNvmeController, 1);
  const struct
  {
    const char *file;
    gsize offset;
  } attributes[] = {
    { "model", G_STRUCT_OFFSET (MtNvmeController, model) },
    { "firmware_rev", G_STRUCT_OFFSET (MtNvmeController, firmware) },
    { "transport", G_STRUCT_OFFSET (MtNvmeController, transport) },
    { "address", G_STRUCT_OFFSET (MtNvmeController, address) },
    { "state", G_STRUCT_OFFSET (MtNvmeController, state) },
  };

  controller->name = g_strdup (name);
  controller->namespaces = g_ptr_array_new_with_free_func ((GDestroyNotify) nvme_namespace_free);

  for (guint i = 0; i < G_N_ELEMENTS (attributes); i++)
    {
      g_autofree char *path = g_strdup_printf (NVME_CLASS_DIR "/%s/%s", name, attributes[i].file);

      if (!read_attribute (sysroot, path,
                           &G_STRUCT_MEMBER (char *, controller, attributes[i].offset), error))
        return NULL;
    }

  if (g_strcmp0 (controller->transport, "pcie") == 0 && !read_link (sysroot, controller, error))
    return NULL;

  if (!read_namespaces (sysroot, controller, block_devices, error))
    return NULL;

  return g_steal_pointer (&controller);
}

/**
 * mt_storage_info_probe:
 * @sysroot: where to read `/sys`
 *
 * Returns: (transfer full): the NVMe storage of the machine (none is an
 *   empty list, not an error), or %NULL if a file that exists cannot be read
 */
MtStorageInfo *
mt_storage_info_probe (MtSysroot *sysroot, GError **error)
{
  g_autoptr (MtStorageInfo) self = NULL;
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) names = NULL;
  g_auto (GStrv) block_devices = NULL;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_STORAGE_INFO, NULL);

  names = mt_sysroot_list_dir (sysroot, NVME_CLASS_DIR, &local_error);
  if (names == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  block_devices = mt_sysroot_list_dir (sysroot, BLOCK_DIR, NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      MtNvmeController *controller;

      if (controller_number (names[i]) < 0)
        continue;

      controller = read_controller (sysroot, names[i], block_devices, error);
      if (controller == NULL)
        return NULL;
      g_ptr_array_add (self->controllers, controller);
    }

  g_ptr_array_sort (self->controllers, compare_controllers);

  return g_steal_pointer (&self);
}

guint
mt_storage_info_get_n_controllers (MtStorageInfo *self)
{
  g_return_val_if_fail (MT_IS_STORAGE_INFO (self), 0);

  return self->controllers->len;
}

/**
 * mt_storage_info_get_controller:
 * @index: from 0, in the order of the controllers' numbers
 *
 * Returns: (transfer none): the controller
 */
const MtNvmeController *
mt_storage_info_get_controller (MtStorageInfo *self, guint index)
{
  g_return_val_if_fail (MT_IS_STORAGE_INFO (self), NULL);
  g_return_val_if_fail (index < self->controllers->len, NULL);

  return g_ptr_array_index (self->controllers, index);
}

/**
 * mt_storage_info_lookup:
 * @name: a controller name such as `nvme0`
 *
 * Returns: (transfer none) (nullable): the controller
 */
const MtNvmeController *
mt_storage_info_lookup (MtStorageInfo *self, const char *name)
{
  g_return_val_if_fail (MT_IS_STORAGE_INFO (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->controllers->len; i++)
    {
      const MtNvmeController *controller = g_ptr_array_index (self->controllers, i);

      if (g_str_equal (controller->name, name))
        return controller;
    }

  return NULL;
}

static void
add_link (JsonBuilder *builder, const MtNvmeController *controller)
{
  const MtPcieLink *link = controller->link;

  json_builder_set_member_name (builder, "link");
  if (link == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  mt_json_add_string (builder, "speed", link->speed);
  mt_json_add_int (builder, "width", link->width, link->width > 0);
  mt_json_add_string (builder, "max_speed", link->max_speed);
  mt_json_add_int (builder, "max_width", link->max_width, link->max_width > 0);
  mt_json_add_bool (builder, "below_max", link->below_max);
  mt_json_add_string (builder, "note", controller->link_note);
  json_builder_end_object (builder);
}

/**
 * mt_storage_info_to_json:
 * @builder: a builder inside an object
 *
 * Adds the member `nvme`: an array of controllers, each
 * `{name, model, firmware, transport, address, state, link, namespaces}`,
 * where `link` is `{speed, width, max_speed, max_width, below_max, note}` or
 * null, and each namespace is `{name, size_bytes, logical_block_size}`.
 */
void
mt_storage_info_to_json (MtStorageInfo *self, JsonBuilder *builder)
{
  g_return_if_fail (MT_IS_STORAGE_INFO (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, "nvme");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->controllers->len; i++)
    {
      const MtNvmeController *controller = g_ptr_array_index (self->controllers, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "name", controller->name);
      mt_json_add_string (builder, "model", controller->model);
      mt_json_add_string (builder, "firmware", controller->firmware);
      mt_json_add_string (builder, "transport", controller->transport);
      mt_json_add_string (builder, "address", controller->address);
      mt_json_add_string (builder, "state", controller->state);
      add_link (builder, controller);
      json_builder_set_member_name (builder, "namespaces");
      json_builder_begin_array (builder);
      for (guint j = 0; j < controller->namespaces->len; j++)
        {
          const MtNvmeNamespace *ns = g_ptr_array_index (controller->namespaces, j);

          json_builder_begin_object (builder);
          mt_json_add_string (builder, "name", ns->name);
          mt_json_add_int (builder, "size_bytes", (gint64) MIN (ns->size_bytes, G_MAXINT64), TRUE);
          mt_json_add_int (builder, "logical_block_size", ns->logical_block_size,
                           ns->logical_block_size > 0);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}
