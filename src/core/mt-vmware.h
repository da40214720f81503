/* mt-vmware.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-sysroot.h"

G_BEGIN_DECLS

/* One of the module source tarballs Workstation ships; strings nullable. */
typedef struct
{
  char *module; /* "vmmon" or "vmnet" */
  char *path;   /* as on the machine */
  gboolean present;
  guint64 size;
  char *sha256;
  int interface_version; /* vmmon only: 417 from VMMON_VERSION (417 << 16 | 0); -1 unknown */
  int interface_minor;   /* -1 unknown */
  char *problem;         /* why the tarball could not be understood */
} MtVmwareSource;

typedef struct
{
  char *kernel; /* a directory of /lib/modules */
  char *module; /* "vmmon" or "vmnet" */
  char *path;   /* as on the machine, /lib/modules/<kernel>/misc/vmmon.ko */
} MtVmwareModuleFile;

#define MT_TYPE_VMWARE_INFO (mt_vmware_info_get_type ())

G_DECLARE_FINAL_TYPE (MtVmwareInfo, mt_vmware_info, MT, VMWARE_INFO, GObject)

/* the parsers and tables the detector is built on */
GHashTable *mt_vmware_parse_config (const char *text, gsize length);
gboolean mt_vmware_parse_vmmon_version (const char *text, gsize length, int *major, int *minor);
int mt_vmware_interface_for_version (const char *product_version);
const char *mt_vmware_versions_for_interface (int interface_version);

MtVmwareInfo *mt_vmware_info_probe (MtSysroot *sysroot, GError **error);
gboolean mt_vmware_info_is_installed (MtVmwareInfo *self);
const char *mt_vmware_info_get_product (MtVmwareInfo *self);
const char *mt_vmware_info_get_version (MtVmwareInfo *self);
const char *mt_vmware_info_get_build (MtVmwareInfo *self);
const char *mt_vmware_info_get_config_file (MtVmwareInfo *self);
const MtVmwareSource *mt_vmware_info_get_source (MtVmwareInfo *self, const char *module);
int mt_vmware_info_get_expected_interface (MtVmwareInfo *self);
gboolean mt_vmware_info_interface_matches_product (MtVmwareInfo *self, gboolean *known);
const char *mt_vmware_info_get_warning (MtVmwareInfo *self);
GPtrArray *mt_vmware_info_get_installed_modules (MtVmwareInfo *self);
/* adds the member "vmware" (an object) into an open JSON object */
void mt_vmware_info_to_json (MtVmwareInfo *self, JsonBuilder *builder);

G_END_DECLS
