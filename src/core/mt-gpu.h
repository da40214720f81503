/* mt-gpu.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-pci-device.h"

G_BEGIN_DECLS

/* PCI base class 0x03: display controllers (VGA, XGA, 3D, other) */
#define MT_PCI_CLASS_DISPLAY 0x03

GPtrArray *mt_gpu_list (GPtrArray *pci_devices);
void mt_gpu_list_to_json (GPtrArray *gpus, JsonBuilder *b);

G_END_DECLS
