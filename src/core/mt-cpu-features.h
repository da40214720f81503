/* mt-cpu-features.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-cpu-info.h"
#include "mt-cpuid.h"

G_BEGIN_DECLS

/**
 * MtCpuFeature:
 * @id: the `/proc/cpuinfo` name, such as `avx2`
 * @name: the name people use, such as `AVX2`
 * @group: `simd`, `crypto`, `bits` or `virtualization`
 * @present: whether the processor has it, as far as the evidence says
 * @evidence: where @present came from
 *
 * One of the processor features that matter for building and running
 * VMware's modules, called out by name.
 */
typedef struct
{
  const char *id;
  const char *name;
  const char *group;
  gboolean present;
  char *evidence;
} MtCpuFeature;

GPtrArray *mt_cpu_features_detect (MtCpuInfo *cpu, MtCpuid *cpuid);
void mt_cpu_features_to_json (GPtrArray *features, JsonBuilder *builder);

G_END_DECLS
