/* mt-kernel-info.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "mt-kconfig.h"
#include "mt-sysroot.h"

G_BEGIN_DECLS

#define MT_TYPE_KERNEL_INFO (mt_kernel_info_get_type ())

G_DECLARE_FINAL_TYPE (MtKernelInfo, mt_kernel_info, MT, KERNEL_INFO, GObject)

MtKernelInfo *mt_kernel_info_probe (MtSysroot *sysroot, GError **error);
const char *mt_kernel_info_get_release (MtKernelInfo *self);
const char *mt_kernel_info_get_version (MtKernelInfo *self);
const char *mt_kernel_info_get_compiler (MtKernelInfo *self);
MtKconfig *mt_kernel_info_get_config (MtKernelInfo *self);
const char *mt_kernel_info_get_evidence (MtKernelInfo *self, const char *fact);

G_END_DECLS
