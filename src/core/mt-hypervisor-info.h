/* mt-hypervisor-info.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-cpuid.h"
#include "mt-paravirt.h"
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
/* whether this is Xen's dom0 (the id is then "none", as systemd-detect-virt says) */
gboolean mt_hypervisor_info_get_xen_dom0 (MtHypervisorInfo *self);
/* (element-type utf8): what showed VT-x/AMD-V, or its absence */
GPtrArray *mt_hypervisor_info_get_nested_evidence (MtHypervisorInfo *self);
/* a DMI string by its /sys/class/dmi/id name ("sys_vendor" …), or NULL */
const char *mt_hypervisor_info_get_dmi (MtHypervisorInfo *self, const char *key);
/* paravirtual features, clocksource and devices */
MtParavirt *mt_hypervisor_info_get_paravirt (MtHypervisorInfo *self);
/* adds the members of the "hypervisor" object into an open JSON object */
void mt_hypervisor_info_to_json (MtHypervisorInfo *self, JsonBuilder *builder);

G_END_DECLS
