/* mt-job.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * MtJobState:
 * @MT_JOB_STATE_RUNNING: the job has not ended
 * @MT_JOB_STATE_SUCCEEDED: it ended well
 * @MT_JOB_STATE_FAILED: it ended with an error (see mt_job_get_error_message())
 * @MT_JOB_STATE_CANCELLED: it was cancelled, and nothing was changed
 */
typedef enum
{
  MT_JOB_STATE_RUNNING,
  MT_JOB_STATE_SUCCEEDED,
  MT_JOB_STATE_FAILED,
  MT_JOB_STATE_CANCELLED,
} MtJobState;

#define MT_TYPE_JOB_STATE (mt_job_state_get_type ())
GType mt_job_state_get_type (void);

#define MT_TYPE_JOB (mt_job_get_type ())

G_DECLARE_FINAL_TYPE (MtJob, mt_job, MT, JOB, GObject)

const char *mt_job_get_object_path (MtJob *self);
const char *mt_job_get_operation (MtJob *self);
const char *mt_job_get_kernel_release (MtJob *self);
MtJobState mt_job_get_state (MtJob *self);
const char *mt_job_get_stage (MtJob *self);
double mt_job_get_progress (MtJob *self);
gboolean mt_job_get_cancelable (MtJob *self);
const char *mt_job_get_backup_id (MtJob *self);
const char *mt_job_get_error_name (MtJob *self);
const char *mt_job_get_error_message (MtJob *self);
gboolean mt_job_get_finished (MtJob *self);
char *mt_job_dup_log (MtJob *self);

void mt_job_cancel_async (MtJob *self,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data);
gboolean mt_job_cancel_finish (MtJob *self, GAsyncResult *result, GError **error);

G_END_DECLS
