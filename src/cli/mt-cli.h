/* mt-cli.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-build-plan.h"
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

/* The options of the commands that plan or build (mt-cli-build.c). */
typedef struct
{
  char *preset;
  GStrv enable;
  GStrv disable;
  char *kernel;
  char *kernel_build;
  char *sources;
  char *out;
  gboolean json;
} MtCliBuildOptions;

void mt_cli_build_options_clear (MtCliBuildOptions *options);
void mt_cli_add_target_options (GOptionContext *context, MtCliBuildOptions *options);
gboolean mt_cli_parse_build_options (GOptionContext *context,
                                     MtCliGlobal *global,
                                     MtCliBuildOptions *options,
                                     const char *command,
                                     int argc,
                                     char **argv,
                                     int *exit_status);
MtBuildPlan *mt_cli_make_plan (MtCliGlobal *global,
                               const MtCliBuildOptions *options,
                               MtSystemInfo **info,
                               GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MtCliBuildOptions, mt_cli_build_options_clear)

int mt_cli_detect (MtCliGlobal *global, int argc, char **argv);
int mt_cli_report (MtCliGlobal *global, int argc, char **argv);
int mt_cli_flags (MtCliGlobal *global, int argc, char **argv);
int mt_cli_plan (MtCliGlobal *global, int argc, char **argv);
int mt_cli_build (MtCliGlobal *global, int argc, char **argv);
int mt_cli_evidence (MtCliGlobal *global, int argc, char **argv);

G_END_DECLS
