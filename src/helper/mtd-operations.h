/* mtd-operations.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mtd-job.h"

G_BEGIN_DECLS

/* What a job works on, validated by the daemon before the job exists. */
typedef struct
{
  char *root;           /* "/" or the test root */
  char *kernel_release; /* validated */
  char *running_release;
  GStrv flag_ids;      /* apply: validated catalog ids */
  char *backup_id;     /* restore: validated, present */
  char *self_exe;      /* the helper's own binary, for the build worker */
  gboolean was_loaded; /* vmmon or vmnet was loaded before the job unloaded it */
} MtdRequest;

void mtd_request_free (gpointer request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtdRequest, mtd_request_free)

gboolean
mtd_operation_apply (MtdJob *job, gpointer request, GCancellable *cancellable, GError **error);
gboolean
mtd_operation_restore (MtdJob *job, gpointer request, GCancellable *cancellable, GError **error);
gboolean
mtd_operation_uninstall (MtdJob *job, gpointer request, GCancellable *cancellable, GError **error);

int mtd_build_worker_main (int argc, char **argv);

G_END_DECLS
