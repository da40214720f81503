/* mt-cli.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-build-plan.h"
#include "mt-core.h"
#include "mt-dbus-generated.h"

G_BEGIN_DECLS

/* Exit statuses of modtunectl. */
enum
{
  MT_CLI_EXIT_OK = 0,
  MT_CLI_EXIT_FAILURE = 1,
  MT_CLI_EXIT_USAGE = 2,
  /* a job that Ctrl-C cancelled, as a shell reports SIGINT */
  MT_CLI_EXIT_INTERRUPTED = 130,
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
void mt_cli_add_flag_options (GOptionContext *context, MtCliBuildOptions *options);
gboolean mt_cli_parse_build_options (GOptionContext *context,
                                     MtCliGlobal *global,
                                     MtCliBuildOptions *options,
                                     const char *command,
                                     int argc,
                                     char **argv,
                                     int *exit_status);
GStrv mt_cli_choose_flags (MtCliGlobal *global,
                           const MtCliBuildOptions *options,
                           MtFlagCatalog *catalog,
                           MtSystemInfo **info,
                           GError **error);
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

/* Talking to modtune-helper on the system bus (mt-cli-helper.c). */
#define MT_CLI_HELPER_BUS_NAME    "io.github.modtune.Helper"
#define MT_CLI_HELPER_OBJECT_PATH "/io/github/modtune/Helper"

MtDbusHelper1 *mt_cli_helper_connect (GError **error);
void mt_cli_helper_print_error (const GError *error);

int mt_cli_status (MtCliGlobal *global, int argc, char **argv);
int mt_cli_backups (MtCliGlobal *global, int argc, char **argv);
int mt_cli_apply (MtCliGlobal *global, int argc, char **argv);
int mt_cli_restore (MtCliGlobal *global, int argc, char **argv);
int mt_cli_uninstall (MtCliGlobal *global, int argc, char **argv);
int mt_cli_load (MtCliGlobal *global, int argc, char **argv);
int mt_cli_unload (MtCliGlobal *global, int argc, char **argv);
int mt_cli_delete_backup (MtCliGlobal *global, int argc, char **argv);

/* Starting a job and following it to its end (mt-cli-job.c). */
int mt_cli_job_run (MtDbusHelper1 *helper, const char *method, GVariant *args);

G_END_DECLS
