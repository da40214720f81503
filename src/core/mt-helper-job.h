/* mt-helper-job.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *mt_helper_job_describe_stage (const char *operation, const char *stage);
char *mt_helper_job_make_printable (const char *line, gsize length);
GVariant *mt_helper_job_parameters (GVariant *args, int log_handle);

G_END_DECLS
