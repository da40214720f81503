/* mt-pci-ids.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where libpci and the distributions keep pci.ids, in the order they are
 * tried (a NULL-terminated list). */
extern const char *const mt_pci_ids_system_paths[];

/* Larger than any pci.ids (1.5 MiB in 2025) will be for decades. */
#define MT_PCI_IDS_MAX_SIZE (32 * 1024 * 1024)

/* Names are cut as libpci's pci_lookup_name() cuts them into Modtune's
 * 256-byte buffer: longer ones end in "...". */
#define MT_PCI_IDS_MAX_NAME 255

typedef struct _MtPciIds MtPciIds;

MtPciIds *mt_pci_ids_new (GBytes *contents);
MtPciIds *mt_pci_ids_new_for_paths (const char *const *paths);
MtPciIds *mt_pci_ids_new_for_system (void);
void mt_pci_ids_free (MtPciIds *self);

const char *mt_pci_ids_get_path (MtPciIds *self); /* nullable: the file read */
const char *mt_pci_ids_lookup_vendor (MtPciIds *self, guint16 vendor_id);
const char *mt_pci_ids_lookup_device (MtPciIds *self, guint16 vendor_id, guint16 device_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtPciIds, mt_pci_ids_free)

G_END_DECLS
