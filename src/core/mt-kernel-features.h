/* mt-kernel-features.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-kernel-info.h"
#include "mt-sysroot.h"

G_BEGIN_DECLS

#define MT_TYPE_KERNEL_FEATURES (mt_kernel_features_get_type ())

G_DECLARE_FINAL_TYPE (MtKernelFeatures, mt_kernel_features, MT, KERNEL_FEATURES, GObject)

MtKernelFeatures *
mt_kernel_features_probe (MtSysroot *sysroot, MtKernelInfo *kernel, GError **error);
const char *mt_kernel_features_get_compiler_kind (MtKernelFeatures *self);
const char *mt_kernel_features_get_compiler_version (MtKernelFeatures *self);
const char *mt_kernel_features_get_linker (MtKernelFeatures *self);
const char *mt_kernel_features_get_lto (MtKernelFeatures *self);
const char *mt_kernel_features_get_unwinder (MtKernelFeatures *self);
int mt_kernel_features_get_modules (MtKernelFeatures *self);
int mt_kernel_features_get_objtool (MtKernelFeatures *self);
int mt_kernel_features_get_module_sig (MtKernelFeatures *self);
int mt_kernel_features_get_module_sig_force (MtKernelFeatures *self);
const char *mt_kernel_features_get_module_sig_hash (MtKernelFeatures *self);
const char *mt_kernel_features_get_iommu (MtKernelFeatures *self);
const char *mt_kernel_features_get_iommu_evidence (MtKernelFeatures *self);
const char *mt_kernel_features_get_module_compression (MtKernelFeatures *self);
gboolean mt_kernel_features_get_headers_present (MtKernelFeatures *self);
const char *mt_kernel_features_get_headers_path (MtKernelFeatures *self);
void mt_kernel_features_to_json (MtKernelFeatures *self, JsonBuilder *builder);

G_END_DECLS
