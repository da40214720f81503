/* mt-hardware-page-private.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-hardware-page.h"

G_BEGIN_DECLS

struct _MtHardwarePage
{
  AdwBin parent_instance;

  MtSystemInfo *system_info;
  GPtrArray *rows; /* (element-type GtkWidget): every row added to a group */

  /* only while the rows are built */
  const char *tree;
  GStrv problems;

  /* template children */
  AdwPreferencesGroup *problems_group;
  AdwPreferencesGroup *processor_group;
  AdwPreferencesGroup *kernel_group;
  AdwPreferencesGroup *secure_boot_group;
  AdwPreferencesGroup *storage_group;
  AdwPreferencesGroup *graphics_group;
  AdwPreferencesGroup *virtualization_group;
  AdwPreferencesGroup *paravirt_group;
  AdwPreferencesGroup *distro_group;
};

/* mt-hardware-page-groups.c: the rows of each group, from @info and the
 * members only set while the rows are built */
void _mt_hardware_page_build_problems (MtHardwarePage *self);
void _mt_hardware_page_build_processor (MtHardwarePage *self, MtSystemInfo *info);
void _mt_hardware_page_build_kernel (MtHardwarePage *self, MtSystemInfo *info);
void _mt_hardware_page_build_secure_boot (MtHardwarePage *self, MtSystemInfo *info);
void _mt_hardware_page_build_storage (MtHardwarePage *self, MtSystemInfo *info);
void _mt_hardware_page_build_graphics (MtHardwarePage *self, MtSystemInfo *info);
void _mt_hardware_page_build_virtualization (MtHardwarePage *self, MtSystemInfo *info);
void _mt_hardware_page_build_distro (MtHardwarePage *self, MtSystemInfo *info);

G_END_DECLS
