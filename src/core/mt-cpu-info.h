/* mt-cpu-info.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "mt-cpuid.h"
#include "mt-sysroot.h"

G_BEGIN_DECLS

#define MT_TYPE_CPU_INFO (mt_cpu_info_get_type ())

G_DECLARE_FINAL_TYPE (MtCpuInfo, mt_cpu_info, MT, CPU_INFO, GObject)

MtCpuInfo *mt_cpu_info_probe (MtSysroot *sysroot, MtCpuid *cpuid, GError **error);
MtCpuInfo *mt_cpu_info_new_from_text (const char *text, MtCpuid *cpuid, GError **error);
const char *mt_cpu_info_get_vendor_id (MtCpuInfo *self);
const char *mt_cpu_info_get_vendor (MtCpuInfo *self);
char *mt_cpu_info_dup_vendor_label (MtCpuInfo *self);
char *mt_cpu_info_dup_signature (MtCpuInfo *self);
const char *mt_cpu_info_get_model_name (MtCpuInfo *self);
int mt_cpu_info_get_family (MtCpuInfo *self);
int mt_cpu_info_get_model (MtCpuInfo *self);
int mt_cpu_info_get_stepping (MtCpuInfo *self);
guint mt_cpu_info_get_logical_cpus (MtCpuInfo *self);
const char *const *mt_cpu_info_get_flags (MtCpuInfo *self);
const char *const *mt_cpu_info_get_vmx_flags (MtCpuInfo *self);
gboolean mt_cpu_info_has_flag (MtCpuInfo *self, const char *flag);
const char *mt_cpu_info_get_evidence (MtCpuInfo *self, const char *fact);

G_END_DECLS
