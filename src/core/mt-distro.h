/* mt-distro.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mt-sysroot.h"

G_BEGIN_DECLS

#define MT_TYPE_DISTRO (mt_distro_get_type ())

G_DECLARE_FINAL_TYPE (MtDistro, mt_distro, MT, DISTRO, GObject)

MtDistro *mt_distro_probe (MtSysroot *sysroot, const char *kernel_release, GError **error);
const char *mt_distro_get_id (MtDistro *self);
const char *mt_distro_get_pretty_name (MtDistro *self);
const char *mt_distro_get_version_id (MtDistro *self);
const char *mt_distro_get_family (MtDistro *self);
const char *mt_distro_get_headers_package (MtDistro *self);
const char *mt_distro_get_install_command (MtDistro *self);
const char *mt_distro_get_evidence (MtDistro *self);
void mt_distro_to_json (MtDistro *self, JsonBuilder *builder);

G_END_DECLS
