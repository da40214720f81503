/* mt-modules.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-kconfig.h"
#include "mt-sysroot.h"

G_BEGIN_DECLS

typedef enum
{
  MT_MODULE_STATE_MISSING,   /* no file, not built in, not loaded */
  MT_MODULE_STATE_AVAILABLE, /* a file in /lib/modules/<release>, not loaded */
  MT_MODULE_STATE_BUILTIN,   /* part of the kernel image */
  MT_MODULE_STATE_LOADED,    /* loaded into the running kernel */
} MtModuleState;

typedef enum
{
  MT_MODULE_SUPPORT_UNKNOWN,
  MT_MODULE_SUPPORT_NONE,     /* a kernel without CONFIG_MODULES */
  MT_MODULE_SUPPORT_LOADABLE, /* the kernel can load modules */
} MtModuleSupport;

/* What is known of one module; every string is nullable. */
typedef struct
{
  char *name;
  MtModuleState state;
  char *file; /* the path on the machine, /lib/modules/<release>/… */
  char *version;
  char *vermagic;
  char *signer;
  char *sig_hashalgo;
  char *license;
  char *srcversion;        /* of the file (or of the built-in module) */
  char *loaded_srcversion; /* of the loaded module, from /sys/module */
  GStrv holders;           /* never NULL; the modules that use this one */
  int refcount;            /* -1 unless loaded */
  char *evidence;          /* where the state was read */
} MtModule;

#define MT_TYPE_MODULES_INFO (mt_modules_info_get_type ())

G_DECLARE_FINAL_TYPE (MtModulesInfo, mt_modules_info, MT, MODULES_INFO, GObject)

MtModulesInfo *mt_modules_info_probe (MtSysroot *sysroot,
                                      const char *kernel_release,
                                      MtKconfig *config,
                                      GError **error);
const char *mt_modules_info_get_kernel_release (MtModulesInfo *self);
gboolean mt_modules_info_is_running_kernel (MtModulesInfo *self);
MtModuleSupport mt_modules_info_get_support (MtModulesInfo *self);
const char *mt_modules_info_get_support_evidence (MtModulesInfo *self);
const char *mt_modules_info_get_directory (MtModulesInfo *self);
const char *const *mt_modules_info_get_names (MtModulesInfo *self);
const MtModule *mt_modules_info_lookup (MtModulesInfo *self, const char *name);
/* adds the members "module_support" and "modules" into an open JSON object */
void mt_modules_info_to_json (MtModulesInfo *self, JsonBuilder *builder);

const char *mt_module_state_to_string (MtModuleState state);

G_END_DECLS
