/* mt-job-private.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-dbus-generated.h"
#include "mt-job.h"

G_BEGIN_DECLS

MtJob *_mt_job_new (MtDbusJob1 *proxy, GInputStream *log);

G_END_DECLS
