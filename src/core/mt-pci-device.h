/* mt-pci-device.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-sysroot.h"

G_BEGIN_DECLS

/* PCI vendor ids that detection looks for */
#define MT_PCI_VENDOR_VMWARE     0x15ad
#define MT_PCI_VENDOR_VIRTIO     0x1af4
#define MT_PCI_VENDOR_REDHAT     0x1b36
#define MT_PCI_VENDOR_VIRTUALBOX 0x80ee
#define MT_PCI_VENDOR_MICROSOFT  0x1414
#define MT_PCI_VENDOR_XEN        0x5853
#define MT_PCI_VENDOR_PARALLELS  0x1ab8
#define MT_PCI_VENDOR_INTEL      0x8086
#define MT_PCI_VENDOR_AMD        0x1022
#define MT_PCI_VENDOR_ATI        0x1002
#define MT_PCI_VENDOR_NVIDIA     0x10de

#define MT_TYPE_PCI_DEVICE (mt_pci_device_get_type ())

G_DECLARE_FINAL_TYPE (MtPciDevice, mt_pci_device, MT, PCI_DEVICE, GObject)

/* All PCI devices of @sysroot (libpci, sysfs method on <sysroot>/sys/bus/pci),
 * sorted by address, named from this machine's pci.ids (mt-pci-ids.h).  A
 * machine without a PCI bus gives an empty array. */
GPtrArray *mt_pci_probe (MtSysroot *sysroot, GError **error);
MtPciDevice *mt_pci_device_new (const char *address,
                                guint16 vendor_id,
                                guint16 device_id,
                                guint32 class_code,
                                const char *driver);

const char *mt_pci_device_get_address (MtPciDevice *self); /* "0000:00:02.0" */
guint16 mt_pci_device_get_vendor_id (MtPciDevice *self);
guint16 mt_pci_device_get_device_id (MtPciDevice *self);
guint16 mt_pci_device_get_subsystem_vendor_id (MtPciDevice *self);
guint16 mt_pci_device_get_subsystem_device_id (MtPciDevice *self);
guint32 mt_pci_device_get_class (MtPciDevice *self); /* 24 bits: 0x030000 */
guint8 mt_pci_device_get_revision (MtPciDevice *self);
const char *mt_pci_device_get_vendor_name (MtPciDevice *self);        /* nullable, from pci.ids */
const char *mt_pci_device_get_device_name (MtPciDevice *self);        /* nullable, from pci.ids */
const char *mt_pci_device_get_driver (MtPciDevice *self);             /* nullable: bound driver */
char *mt_pci_device_dup_id (MtPciDevice *self);                       /* "1af4:1041" */
void mt_pci_device_to_json (MtPciDevice *self, JsonBuilder *builder); /* one object */

G_END_DECLS
