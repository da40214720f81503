/* mtd-job.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mt-dbus-generated.h"

G_BEGIN_DECLS

#define MTD_TYPE_JOB (mtd_job_get_type ())

G_DECLARE_FINAL_TYPE (MtdJob, mtd_job, MTD, JOB, GObject)

/**
 * MtdJobFunc:
 * @job: the job
 * @user_data: what was given to mtd_job_start()
 * @cancellable: cancelled by Job1.Cancel or when the caller leaves the bus
 * @error: a location for a #GError
 *
 * The body of a job, run in a worker thread.
 *
 * Returns: %TRUE on success
 */
typedef gboolean (*MtdJobFunc) (MtdJob *job,
                                gpointer user_data,
                                GCancellable *cancellable,
                                GError **error);

MtdJob *mtd_job_new (GDBusConnection *connection,
                     const char *object_path,
                     const char *operation,
                     const char *kernel_release,
                     const char *caller,
                     guint caller_uid,
                     int log_fd);
MtDbusObjectSkeleton *mtd_job_get_object (MtdJob *self);
const char *mtd_job_get_object_path (MtdJob *self);
gboolean mtd_job_is_running (MtdJob *self);
gboolean mtd_job_cancel (MtdJob *self, GError **error);
void mtd_job_start (MtdJob *self, MtdJobFunc func, gpointer user_data, GDestroyNotify destroy);
void mtd_job_set_stage (MtdJob *self, const char *stage, double progress);
void mtd_job_set_cancelable (MtdJob *self, gboolean cancelable);
void mtd_job_set_backup_id (MtdJob *self, const char *backup_id);
void mtd_job_log (MtdJob *self, const char *format, ...) G_GNUC_PRINTF (2, 3);
void mtd_job_log_text (MtdJob *self, const char *text, gssize length);

G_END_DECLS
