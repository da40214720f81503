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

gboolean mt_build_run (MtBuildPlan *plan,
                       const char *out_dir,
                       gboolean *reused,
                       GCancellable *cancellable,
                       GError **error);

G_END_DECLS
