/* mt-secure-boot.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-sysroot.h"

G_BEGIN_DECLS

#define MT_TYPE_SECURE_BOOT (mt_secure_boot_get_type ())

G_DECLARE_FINAL_TYPE (MtSecureBoot, mt_secure_boot, MT, SECURE_BOOT, GObject)

MtSecureBoot *mt_secure_boot_probe (MtSysroot *sysroot, int module_sig_force);
gboolean mt_secure_boot_get_efi (MtSecureBoot *self);
int mt_secure_boot_get_enabled (MtSecureBoot *self);
const char *mt_secure_boot_get_lockdown (MtSecureBoot *self);
int mt_secure_boot_get_sig_enforce (MtSecureBoot *self);
int mt_secure_boot_get_unsigned_modules_load (MtSecureBoot *self);
const char *mt_secure_boot_get_summary (MtSecureBoot *self);
GPtrArray *mt_secure_boot_get_evidence (MtSecureBoot *self);
void mt_secure_boot_to_json (MtSecureBoot *self, JsonBuilder *builder);

G_END_DECLS
