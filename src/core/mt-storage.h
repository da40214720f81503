/* mt-storage.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-sysroot.h"

G_BEGIN_DECLS

/* A PCI Express link as sysfs shows it; a width of 0 is unknown. */
typedef struct
{
  char *speed;     /* "16.0 GT/s PCIe" (nullable) */
  guint width;     /* lanes: 4 */
  char *max_speed; /* (nullable) */
  guint max_width;
  gboolean below_max; /* runs slower or narrower than it could */
} MtPcieLink;

typedef struct
{
  char *name; /* "nvme0n1" */
  guint64 size_bytes;
  guint logical_block_size; /* 0 if unknown */
} MtNvmeNamespace;

/* Everything but @name and @namespaces is nullable. */
typedef struct
{
  char *name; /* "nvme0" */
  char *model;
  char *firmware;
  char *transport; /* "pcie", "tcp", "rdma", "fc", "loop" */
  char *address;   /* "0000:01:00.0" for PCIe */
  char *state;     /* "live" */
  MtPcieLink *link;
  char *link_note;       /* for a person, when the link runs below its maximum */
  GPtrArray *namespaces; /* (element-type MtNvmeNamespace) */
} MtNvmeController;

#define MT_TYPE_STORAGE_INFO (mt_storage_info_get_type ())

G_DECLARE_FINAL_TYPE (MtStorageInfo, mt_storage_info, MT, STORAGE_INFO, GObject)

MtStorageInfo *mt_storage_info_probe (MtSysroot *sysroot, GError **error);
guint mt_storage_info_get_n_controllers (MtStorageInfo *self);
const MtNvmeController *mt_storage_info_get_controller (MtStorageInfo *self, guint index);
const MtNvmeController *mt_storage_info_lookup (MtStorageInfo *self, const char *name);
/* adds the member "nvme" (an array of controllers) into an open JSON object */
void mt_storage_info_to_json (MtStorageInfo *self, JsonBuilder *builder);

G_END_DECLS
