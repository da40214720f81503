/* mt-gpu.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-gpu"

#include "config.h"

#include "mt-json.h"
#include "mt-gpu.h"

/**
 * mt_gpu_list:
 * @pci_devices: (element-type MtPciDevice) (nullable): from mt_pci_probe()
 *
 * Picks the display controllers (PCI base class 0x03: VGA, XGA, 3D and
 * other display controllers) out of @pci_devices, in their order.
 *
 * Returns: (transfer container) (element-type MtPciDevice): the GPUs,
 *   possibly none
 */
GPtrArray *
mt_gpu_list (GPtrArray *pci_devices)
{
  GPtrArray *gpus = g_ptr_array_new_with_free_func (g_object_unref);

  if (pci_devices == NULL)
    return gpus;

  for (guint i = 0; i < pci_devices->len; i++)
    {
      MtPciDevice *dev = g_ptr_array_index (pci_devices, i);

      if ((mt_pci_device_get_class (dev) >> 16) == MT_PCI_CLASS_DISPLAY)
        g_ptr_array_add (gpus, g_object_ref (dev));
    }

  return gpus;
}

/**
 * mt_gpu_list_to_json:
 * @gpus: (element-type MtPciDevice): from mt_gpu_list()
 *
 * Adds an array of objects with `address`, `id` (`vendor:device`),
 * `vendor` and `device` (names from pci.ids, or null), `driver` (or null)
 * and `class` (`0x030000`).
 */
void
mt_gpu_list_to_json (GPtrArray *gpus, JsonBuilder *b)
{
  g_return_if_fail (gpus != NULL);
  g_return_if_fail (JSON_IS_BUILDER (b));

  json_builder_begin_array (b);
  for (guint i = 0; i < gpus->len; i++)
    {
      MtPciDevice *dev = g_ptr_array_index (gpus, i);
      g_autofree char *id = mt_pci_device_dup_id (dev);
      g_autofree char *class_code = g_strdup_printf ("0x%06x", mt_pci_device_get_class (dev));

      json_builder_begin_object (b);
      mt_json_add_string (b, "address", mt_pci_device_get_address (dev));
      mt_json_add_string (b, "id", id);
      mt_json_add_string (b, "vendor", mt_pci_device_get_vendor_name (dev));
      mt_json_add_string (b, "device", mt_pci_device_get_device_name (dev));
      mt_json_add_string (b, "driver", mt_pci_device_get_driver (dev));
      mt_json_add_string (b, "class", class_code);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}
