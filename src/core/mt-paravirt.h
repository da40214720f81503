/* mt-paravirt.h
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

/* The hypervisor CPUID range: one interface per block of 0x100 leaves. */
#define MT_CPUID_HYPERVISOR_BASE  0x40000000u
#define MT_CPUID_HYPERVISOR_LIMIT 0x40010000u
#define MT_CPUID_HYPERVISOR_STEP  0x100u

/**
 * MtParavirtFeature:
 * @id: a stable identifier; QEMU's `-cpu` flag name where it has one
 *   (`kvmclock`, `kvm-pv-unhalt`, `hv-stimer` …)
 * @name: a short name for a person (translated)
 * @present: whether the hypervisor offers it
 * @description: one sentence on what it does (translated)
 * @evidence: the CPUID leaf, register and bit it was read from, and their
 *   state
 */
typedef struct
{
  const char *id;
  const char *name;
  gboolean present;
  const char *description;
  char *evidence;
} MtParavirtFeature;

typedef enum
{
  MT_PARAVIRT_DEVICE_PARAVIRTUAL,
  MT_PARAVIRT_DEVICE_EMULATED,
} MtParavirtDeviceKind;

/**
 * MtParavirtDevice:
 * @address: the PCI address
 * @id: `vendor:device`
 * @name: what the device is (`virtio-net`, `VMware VMXNET3` …)
 * @kind: paravirtual, or emulated with a faster paravirtual choice
 * @driver: (nullable): the bound driver
 * @note: one sentence for a person (translated)
 */
typedef struct
{
  char *address;
  char *id;
  char *name;
  MtParavirtDeviceKind kind;
  char *driver;
  char *note;
} MtParavirtDevice;

#define MT_TYPE_PARAVIRT (mt_paravirt_get_type ())

G_DECLARE_FINAL_TYPE (MtParavirt, mt_paravirt, MT, PARAVIRT, GObject)

char *mt_paravirt_dup_cpuid_signature (MtCpuid *cpuid, guint32 base);
guint32 mt_paravirt_find_cpuid_base (MtCpuid *cpuid, const char *signature);

/* @pci_devices: (element-type MtPciDevice) (nullable);
 * @hypervisor_id: the systemd-detect-virt id of the machine, which decides
 *   whether emulated devices are worth a note and what to suggest instead */
MtParavirt *mt_paravirt_probe (MtSysroot *sysroot,
                               MtCpuid *cpuid,
                               GPtrArray *pci_devices,
                               const char *hypervisor_id);
guint32 mt_paravirt_get_kvm_base (MtParavirt *self);
guint32 mt_paravirt_get_hyperv_base (MtParavirt *self);
/* (element-type MtParavirtFeature) */
GPtrArray *mt_paravirt_get_features (MtParavirt *self);
const MtParavirtFeature *mt_paravirt_lookup_feature (MtParavirt *self, const char *id);
const char *mt_paravirt_get_clocksource (MtParavirt *self);
/* (element-type MtParavirtDevice) */
GPtrArray *mt_paravirt_get_devices (MtParavirt *self);
void mt_paravirt_features_to_json (MtParavirt *self, JsonBuilder *builder);
void mt_paravirt_devices_to_json (MtParavirt *self, JsonBuilder *builder);

G_END_DECLS
