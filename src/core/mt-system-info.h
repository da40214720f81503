/* mt-system-info.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mt-cpu-features.h"
#include "mt-cpu-info.h"
#include "mt-cpuid.h"
#include "mt-distro.h"
#include "mt-gpu.h"
#include "mt-hypervisor-info.h"
#include "mt-kernel-features.h"
#include "mt-kernel-info.h"
#include "mt-modules.h"
#include "mt-pci-device.h"
#include "mt-secure-boot.h"
#include "mt-storage.h"
#include "mt-sysroot.h"
#include "mt-vmware.h"

G_BEGIN_DECLS

#define MT_TYPE_SYSTEM_INFO (mt_system_info_get_type ())

G_DECLARE_FINAL_TYPE (MtSystemInfo, mt_system_info, MT, SYSTEM_INFO, GObject)

MtSystemInfo *mt_system_info_probe (MtSysroot *sysroot, MtCpuid *cpuid, GError **error);
void mt_system_info_probe_async (MtSysroot *sysroot,
                                 MtCpuid *cpuid,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
MtSystemInfo *mt_system_info_probe_finish (GAsyncResult *result, GError **error);
MtSysroot *mt_system_info_get_sysroot (MtSystemInfo *self);
MtCpuInfo *mt_system_info_get_cpu (MtSystemInfo *self);
MtKernelInfo *mt_system_info_get_kernel (MtSystemInfo *self);
GPtrArray *mt_system_info_get_cpu_features (MtSystemInfo *self);
MtKernelFeatures *mt_system_info_get_kernel_features (MtSystemInfo *self);
MtSecureBoot *mt_system_info_get_secure_boot (MtSystemInfo *self);
MtDistro *mt_system_info_get_distro (MtSystemInfo *self);
MtHypervisorInfo *mt_system_info_get_hypervisor (MtSystemInfo *self);
GPtrArray *mt_system_info_get_pci_devices (MtSystemInfo *self);
GPtrArray *mt_system_info_get_gpus (MtSystemInfo *self);
MtStorageInfo *mt_system_info_get_storage (MtSystemInfo *self);
MtModulesInfo *mt_system_info_get_modules (MtSystemInfo *self);
MtVmwareInfo *mt_system_info_get_vmware (MtSystemInfo *self);
GStrv mt_system_info_dup_problems (MtSystemInfo *self);
char *mt_system_info_dup_notable_flags (MtSystemInfo *self);
JsonNode *mt_system_info_to_json (MtSystemInfo *self);

G_END_DECLS
