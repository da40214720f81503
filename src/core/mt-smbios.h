/* mt-smbios.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "mt-sysroot.h"

G_BEGIN_DECLS

/* Where Linux exposes the raw table (readable by root only). */
#define MT_SMBIOS_TABLE_PATH "/sys/firmware/dmi/tables/DMI"

/**
 * MtSmbiosVmBit:
 * @MT_SMBIOS_VM_BIT_UNKNOWN: the table has no BIOS Information structure
 *   long enough to hold BIOS Characteristics Extension Byte 2
 * @MT_SMBIOS_VM_BIT_SET: the firmware says this is a virtual machine
 * @MT_SMBIOS_VM_BIT_UNSET: the firmware does not say so (which does not
 *   prove bare metal: SeaBIOS never sets the bit)
 */
typedef enum
{
  MT_SMBIOS_VM_BIT_UNKNOWN,
  MT_SMBIOS_VM_BIT_SET,
  MT_SMBIOS_VM_BIT_UNSET,
} MtSmbiosVmBit;

#define MT_TYPE_SMBIOS (mt_smbios_get_type ())

G_DECLARE_FINAL_TYPE (MtSmbios, mt_smbios, MT, SMBIOS, GObject)

MtSmbios *mt_smbios_new_from_data (const guint8 *data, gsize len, GError **error);
MtSmbios *mt_smbios_new_for_sysroot (MtSysroot *sysroot, GError **error);
guint mt_smbios_get_n_structures (MtSmbios *self);

/* type 0, BIOS Information */
const char *mt_smbios_get_bios_vendor (MtSmbios *self);
const char *mt_smbios_get_bios_version (MtSmbios *self);
MtSmbiosVmBit mt_smbios_get_vm_bit (MtSmbios *self);
/* type 1, System Information */
const char *mt_smbios_get_system_manufacturer (MtSmbios *self);
const char *mt_smbios_get_system_product_name (MtSmbios *self);
const char *mt_smbios_get_system_version (MtSmbios *self);
const char *mt_smbios_get_system_family (MtSmbios *self);
/* type 2, Baseboard Information */
const char *mt_smbios_get_board_vendor (MtSmbios *self);
const char *mt_smbios_get_board_name (MtSmbios *self);
/* type 3, System Enclosure */
const char *mt_smbios_get_chassis_vendor (MtSmbios *self);

G_END_DECLS
