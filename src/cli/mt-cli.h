/* mt-cli.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-core.h"

G_BEGIN_DECLS

/* Exit statuses of modtunectl. */
enum
{
  MT_CLI_EXIT_OK = 0,
  MT_CLI_EXIT_FAILURE = 1,
  MT_CLI_EXIT_USAGE = 2,
};

/* Options every command understands, before or after its name. */
typedef struct
{
  char *sysroot;
  char *cpuid;
} MtCliGlobal;

void mt_cli_add_global_options (GOptionContext *context, MtCliGlobal *global);
int mt_cli_usage_error (const char *message);
void mt_cli_print_error (const GError *error);

MtSystemInfo *mt_cli_detect_system (MtCliGlobal *global, GError **error);

int mt_cli_detect (MtCliGlobal *global, int argc, char **argv);
int mt_cli_report (MtCliGlobal *global, int argc, char **argv);
int mt_cli_flags (MtCliGlobal *global, int argc, char **argv);
int mt_cli_plan (MtCliGlobal *global, int argc, char **argv);
int mt_cli_build (MtCliGlobal *global, int argc, char **argv);

G_END_DECLS
