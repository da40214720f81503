/* mt-cpuid.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "mt-sysroot.h"

G_BEGIN_DECLS

typedef struct
{
  guint32 eax;
  guint32 ebx;
  guint32 ecx;
  guint32 edx;
} MtCpuidRegs;

#define MT_TYPE_CPUID (mt_cpuid_get_type ())

G_DECLARE_FINAL_TYPE (MtCpuid, mt_cpuid, MT, CPUID, GObject)

MtCpuid *mt_cpuid_new_native (GError **error);
MtCpuid *mt_cpuid_new_from_data (const char *text, const char *source, GError **error);
MtCpuid *mt_cpuid_new_from_file (const char *path, GError **error);
MtCpuid *mt_cpuid_new_for_sysroot (MtSysroot *sysroot, const char *dump_path, GError **error);
const char *mt_cpuid_get_source (MtCpuid *self);
gboolean mt_cpuid_query (MtCpuid *self, guint32 leaf, guint32 subleaf, MtCpuidRegs *regs);

G_END_DECLS
