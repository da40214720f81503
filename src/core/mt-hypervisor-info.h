/* mt-hypervisor-info.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-cpuid.h"
#include "mt-sysroot.h"

G_BEGIN_DECLS

#define MT_TYPE_HYPERVISOR_INFO (mt_hypervisor_info_get_type ())

G_DECLARE_FINAL_TYPE (MtHypervisorInfo, mt_hypervisor_info, MT, HYPERVISOR_INFO, GObject)

/* @pci_devices: (element-type MtPciDevice) (nullable): from mt_pci_probe() */
MtHypervisorInfo *mt_hypervisor_info_probe (MtSysroot *sysroot,
                                            MtCpuid *cpuid,
                                            GPtrArray *pci_devices,
                                            GError **error);

/* systemd-detect-virt --vm vocabulary: none, kvm, qemu, vmware, microsoft, … */
const char *mt_hypervisor_info_get_id (MtHypervisorInfo *self);
/* systemd-detect-virt --container vocabulary: none, docker, podman, … */
const char *mt_hypervisor_info_get_container_id (MtHypervisorInfo *self);
/* for a person: "KVM", "Microsoft Hyper-V", "none" … (nullable when none) */
const char *mt_hypervisor_info_get_name (MtHypervisorInfo *self);
/* (element-type utf8): the evidence for the decision, in the order it was weighed */
GPtrArray *mt_hypervisor_info_get_evidence (MtHypervisorInfo *self);
/* whether VT-x/AMD-V is visible to this guest (nested virtualization) */
gboolean mt_hypervisor_info_get_nested (MtHypervisorInfo *self);
/* adds the members of the "hypervisor" object into an open JSON object */
void mt_hypervisor_info_to_json (MtHypervisorInfo *self, JsonBuilder *builder);

G_END_DECLS
