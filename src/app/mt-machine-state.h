/* mt-machine-state.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-core.h"

G_BEGIN_DECLS

/**
 * MtMachineState:
 * @MT_MACHINE_STATE_UNKNOWN: nothing detected yet
 * @MT_MACHINE_STATE_NO_WORKSTATION: VMware Workstation is not installed
 * @MT_MACHINE_STATE_NO_MODULES: the kernel cannot load modules at all
 * @MT_MACHINE_STATE_SECURE_BOOT: Secure Boot refuses unsigned modules
 * @MT_MACHINE_STATE_NO_HEADERS: the kernel's headers are missing
 * @MT_MACHINE_STATE_NEEDS_BUILD: vmmon and vmnet are missing for the kernel
 * @MT_MACHINE_STATE_NOT_LOADED: they are installed but not loaded
 * @MT_MACHINE_STATE_WORKING: they are installed and loaded
 */
typedef enum
{
  MT_MACHINE_STATE_UNKNOWN,
  MT_MACHINE_STATE_NO_WORKSTATION,
  MT_MACHINE_STATE_NO_MODULES,
  MT_MACHINE_STATE_SECURE_BOOT,
  MT_MACHINE_STATE_NO_HEADERS,
  MT_MACHINE_STATE_NEEDS_BUILD,
  MT_MACHINE_STATE_NOT_LOADED,
  MT_MACHINE_STATE_WORKING,
} MtMachineState;

/* The state of VMware on a machine, in words for the Overview. */
typedef struct
{
  MtMachineState state;
  char *title;           /* one sentence */
  char *description;     /* why, and what to do */
  const char *icon_name; /* a symbolic icon */
  char *action_label;    /* the Optimize button's label */
  gboolean can_optimize; /* whether Optimize can help */
} MtMachineSummary;

MtMachineSummary *mt_machine_summary_new (MtSystemInfo *info, GVariant *status);
void mt_machine_summary_free (MtMachineSummary *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtMachineSummary, mt_machine_summary_free)

G_END_DECLS
