/* mt-build-plan.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-sysroot.h"

G_BEGIN_DECLS

#define MT_TYPE_BUILD_PLAN (mt_build_plan_get_type ())

G_DECLARE_FINAL_TYPE (MtBuildPlan, mt_build_plan, MT, BUILD_PLAN, GObject)

MtBuildPlan *mt_build_plan_new (MtSysroot *sysroot,
                                const char *kernel_release,
                                const char *kernel_build_dir,
                                const char *sources_dir,
                                const char *const *cflags,
                                const char *const *make_vars,
                                const char *const *flag_ids,
                                GError **error);
const char *mt_build_plan_get_kernel_release (MtBuildPlan *self);
const char *mt_build_plan_get_kernel_build_dir (MtBuildPlan *self);
const char *mt_build_plan_get_compiler (MtBuildPlan *self);
gboolean mt_build_plan_get_llvm (MtBuildPlan *self);
const char *mt_build_plan_get_source (MtBuildPlan *self, const char *module);
const char *mt_build_plan_get_source_sha256 (MtBuildPlan *self, const char *module);
int mt_build_plan_get_interface_version (MtBuildPlan *self);
const char *const *mt_build_plan_get_cflags (MtBuildPlan *self);
const char *mt_build_plan_get_patches_dir (MtBuildPlan *self);
const char *const *mt_build_plan_get_make_vars (MtBuildPlan *self);
const char *const *mt_build_plan_get_flag_ids (MtBuildPlan *self);
const char *mt_build_plan_get_cache_key (MtBuildPlan *self);
const char *mt_build_plan_get_probe_cache_dir (MtBuildPlan *self);
void mt_build_plan_set_probe_cache_dir (MtBuildPlan *self, const char *cache_dir);
GPtrArray *mt_build_plan_get_steps (MtBuildPlan *self);
void mt_build_plan_to_json (MtBuildPlan *self, JsonBuilder *builder);

G_END_DECLS
