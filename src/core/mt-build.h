/* mt-build.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mt-build-plan.h"

G_BEGIN_DECLS

/**
 * MtBuildLogFunc:
 * @module: (nullable): "vmmon" or "vmnet" for a line of make's output, or
 *   %NULL for a step of the engine
 * @line: one line, without its newline
 * @user_data: what was given to mt_build_run_full()
 *
 * Receives the build log while it is written; called from another thread.
 */
typedef void (*MtBuildLogFunc) (const char *module, const char *line, gpointer user_data);

gboolean mt_build_run (MtBuildPlan *plan,
                       const char *out_dir,
                       gboolean *reused,
                       GCancellable *cancellable,
                       GError **error);
gboolean mt_build_run_full (MtBuildPlan *plan,
                            const char *out_dir,
                            gboolean *reused,
                            MtBuildLogFunc log_func,
                            gpointer user_data,
                            GCancellable *cancellable,
                            GError **error);

G_END_DECLS
