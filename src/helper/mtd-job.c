/* mtd-job.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-job"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "mt-error.h"
#include "mtd-job.h"

/**
 * MtdJob:
 *
 * One long operation of the helper, exported as `io.github.modtune.Job1`.
 * Its body runs in a worker thread; what the body reports (stage,
 * progress, cancelable, the backup it made) reaches the D-Bus object in the
 * main thread, as PropertiesChanged.  The build log goes to the file
 * descriptor the caller passed, never over the bus.  The job is cancelled
 * by Job1.Cancel (handled by the daemon) or when its caller leaves the bus,
 * but only while it is cancelable: from the install stage on, it finishes.
 * The end is both the final State and the Completed signal.
 */
struct _MtdJob
{
  GObject parent_instance;

  MtDbusObjectSkeleton *object;
  MtDbusJob1 *iface;
  GDBusConnection *connection;
  char *caller;
  guint watch_id;
  int log_fd;
  GMutex log_lock;
  GCancellable *cancellable;
  gboolean running;
  gboolean cancelable; /* as the worker last said; read under log_lock */
};

G_DEFINE_FINAL_TYPE (MtdJob, mtd_job, G_TYPE_OBJECT)

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
mtd_job_finalize (GObject *object)
{
  MtdJob *self = (MtdJob *) object;

  if (self->watch_id != 0)
    g_bus_unwatch_name (self->watch_id);
  if (self->log_fd >= 0)
    close (self->log_fd);
  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_free (self->caller);
  g_mutex_clear (&self->log_lock);

  G_OBJECT_CLASS (mtd_job_parent_class)->finalize (object);
}

static void
mtd_job_class_init (MtdJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mtd_job_finalize;

  /**
   * MtdJob::finished:
   *
   * The job ended, in the main thread, after Completed was emitted.
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mtd_job_init (MtdJob *self)
{
  g_mutex_init (&self->log_lock);
  self->log_fd = -1;
  self->cancellable = g_cancellable_new ();
  self->cancelable = TRUE;
}

static void
caller_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  MtdJob *self = user_data;

  g_info ("The caller %s of %s left the bus; cancelling it if it still can be", name,
          mtd_job_get_object_path (self));
  g_mutex_lock (&self->log_lock);
  if (self->cancelable)
    g_cancellable_cancel (self->cancellable);
  g_mutex_unlock (&self->log_lock);
}

/**
 * mtd_job_new:
 * @connection: the bus
 * @object_path: where the job is exported
 * @operation: "apply", "restore" or "uninstall"
 * @kernel_release: the kernel it works on
 * @caller: the unique bus name of the caller; the job is cancelled if it
 *   leaves
 * @caller_uid: the caller's uid
 * @log_fd: (transfer full): where the log goes, or -1
 */
MtdJob *
mtd_job_new (GDBusConnection *connection,
             const char *object_path,
             const char *operation,
             const char *kernel_release,
             const char *caller,
             guint caller_uid,
             int log_fd)
{
  MtdJob *self = g_object_new (MTD_TYPE_JOB, NULL);

  self->connection = g_object_ref (connection);
  self->caller = g_strdup (caller);
  self->log_fd = log_fd;
  self->object = mt_dbus_object_skeleton_new (object_path);
  self->iface = mt_dbus_job1_skeleton_new ();
  mt_dbus_job1_set_operation (self->iface, operation);
  mt_dbus_job1_set_kernel_release (self->iface, kernel_release);
  mt_dbus_job1_set_state (self->iface, "running");
  /* Apply begins by detecting; Restore and Uninstall by checking */
  mt_dbus_job1_set_stage (self->iface, g_str_equal (operation, "apply") ? "detect" : "verify");
  mt_dbus_job1_set_progress (self->iface, 0.0);
  mt_dbus_job1_set_cancelable (self->iface, TRUE);
  mt_dbus_job1_set_started_by_uid (self->iface, caller_uid);
  mt_dbus_job1_set_start_time (self->iface, (guint64) (g_get_real_time () / G_USEC_PER_SEC));
  mt_dbus_job1_set_backup_id (self->iface, "");
  mt_dbus_job1_set_error_name (self->iface, "");
  mt_dbus_job1_set_error_message (self->iface, "");
  mt_dbus_object_skeleton_set_job1 (self->object, self->iface);

  return self;
}

MtDbusObjectSkeleton *
mtd_job_get_object (MtdJob *self)
{
  g_return_val_if_fail (MTD_IS_JOB (self), NULL);
  return self->object;
}

const char *
mtd_job_get_object_path (MtdJob *self)
{
  g_return_val_if_fail (MTD_IS_JOB (self), NULL);
  return g_dbus_object_get_object_path (G_DBUS_OBJECT (self->object));
}

gboolean
mtd_job_is_running (MtdJob *self)
{
  g_return_val_if_fail (MTD_IS_JOB (self), FALSE);
  return self->running;
}

/**
 * mtd_job_cancel:
 *
 * Returns: %FALSE with @error set if the job can no longer be cancelled
 */
gboolean
mtd_job_cancel (MtdJob *self, GError **error)
{
  gboolean cancelable;

  g_return_val_if_fail (MTD_IS_JOB (self), FALSE);

  g_mutex_lock (&self->log_lock);
  cancelable = self->cancelable && self->running;
  if (cancelable)
    g_cancellable_cancel (self->cancellable);
  g_mutex_unlock (&self->log_lock);

  if (!cancelable)
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED,
                           _ ("The job can no longer be cancelled: it is installing the modules "
                              "or has ended"));
      return FALSE;
    }

  return TRUE;
}

/* The D-Bus name of @error: ours (MtError, cancellation) or GDBus's. */
static char *
dup_error_name (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup ("io.github.modtune.Error.Cancelled");
  if (error->domain == MT_ERROR || error->domain == G_DBUS_ERROR)
    return g_dbus_error_encode_gerror (error);

  return g_strdup ("io.github.modtune.Error.Failed");
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MtdJob *self = MTD_JOB (source);
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  g_autofree char *name = NULL;

  self->running = FALSE;
  if (self->watch_id != 0)
    {
      g_bus_unwatch_name (self->watch_id);
      self->watch_id = 0;
    }

  if (ok)
    {
      mt_dbus_job1_set_state (self->iface, "succeeded");
      mt_dbus_job1_set_stage (self->iface, "done");
      mt_dbus_job1_set_progress (self->iface, 1.0);
      mtd_job_log (self, "%s", _ ("Done."));
    }
  else
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      /* a job is cancelable only until it changes something */
      if (cancelled)
        {
          g_clear_error (&error);
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _ ("The job was cancelled before it changed anything"));
        }
      name = dup_error_name (error);
      mt_dbus_job1_set_state (self->iface, cancelled ? "cancelled" : "failed");
      mt_dbus_job1_set_error_name (self->iface, name);
      mt_dbus_job1_set_error_message (self->iface, error->message);
      mtd_job_log (self, "%s", error->message);
    }
  mt_dbus_job1_set_cancelable (self->iface, FALSE);

  /* the log ends with the job: the reader sees end of file */
  g_mutex_lock (&self->log_lock);
  if (self->log_fd >= 0)
    close (self->log_fd);
  self->log_fd = -1;
  g_mutex_unlock (&self->log_lock);

  /* the final properties go out before Completed, so that a client that
   * reacts to Completed reads them */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
  mt_dbus_job1_emit_completed (self->iface, ok, ok ? "" : name, ok ? "" : error->message);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

typedef struct
{
  MtdJobFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} Body;

static void
body_free (Body *body)
{
  if (body->destroy != NULL)
    body->destroy (body->user_data);
  g_free (body);
}

static void
run_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Body *body = task_data;
  g_autoptr (GError) error = NULL;

  if (body->func (source, body->user_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * mtd_job_start:
 * @func: the body, run in a worker thread
 *
 * Starts the job; it emits MtdJob::finished in the main thread when done.
 */
void
mtd_job_start (MtdJob *self, MtdJobFunc func, gpointer user_data, GDestroyNotify destroy)
{
  g_autoptr (GTask) task = NULL;
  Body *body;

  g_return_if_fail (MTD_IS_JOB (self));
  g_return_if_fail (!self->running);

  self->running = TRUE;
  if (self->caller != NULL)
    self->watch_id =
      g_bus_watch_name_on_connection (self->connection, self->caller, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                      NULL, caller_vanished_cb, self, NULL);

  body = g_new0 (Body, 1);
  body->func = func;
  body->user_data = user_data;
  body->destroy = destroy;

  task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  g_task_set_source_tag (task, mtd_job_start);
  g_task_set_task_data (task, body, (GDestroyNotify) body_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_in_thread);
}

typedef struct
{
  MtdJob *job;
  char *stage;
  double progress;
  int cancelable; /* -1: unchanged */
  char *backup_id;
} Update;

static gboolean
apply_update_cb (gpointer user_data)
{
  Update *update = user_data;

  if (update->stage != NULL)
    {
      mt_dbus_job1_set_stage (update->job->iface, update->stage);
      mt_dbus_job1_set_progress (update->job->iface, CLAMP (update->progress, 0.0, 1.0));
    }
  if (update->cancelable >= 0)
    mt_dbus_job1_set_cancelable (update->job->iface, update->cancelable);
  if (update->backup_id != NULL)
    mt_dbus_job1_set_backup_id (update->job->iface, update->backup_id);

  g_object_unref (update->job);
  g_free (update->stage);
  g_free (update->backup_id);
  g_free (update);

  return G_SOURCE_REMOVE;
}

static void
post_update (MtdJob *self, const char *stage, double progress, int cancelable, const char *backup)
{
  Update *update = g_new0 (Update, 1);

  update->job = g_object_ref (self);
  update->stage = g_strdup (stage);
  update->progress = progress;
  update->cancelable = cancelable;
  update->backup_id = g_strdup (backup);
  g_main_context_invoke (NULL, apply_update_cb, update);
}

/**
 * mtd_job_set_stage:
 * @stage: one of the stages Job1.Stage documents
 * @progress: 0.0 to 1.0
 *
 * Callable from the worker thread, like the other setters.
 */
void
mtd_job_set_stage (MtdJob *self, const char *stage, double progress)
{
  g_return_if_fail (MTD_IS_JOB (self));
  g_return_if_fail (stage != NULL);

  post_update (self, stage, progress, -1, NULL);
}

/**
 * mtd_job_set_cancelable:
 *
 * A job that says it is not cancelable any more (install, depmod, load)
 * finishes whatever Cancel says; it cannot become cancelable again.
 */
void
mtd_job_set_cancelable (MtdJob *self, gboolean cancelable)
{
  g_return_if_fail (MTD_IS_JOB (self));

  g_mutex_lock (&self->log_lock);
  self->cancelable = self->cancelable && cancelable;
  cancelable = self->cancelable;
  g_mutex_unlock (&self->log_lock);

  post_update (self, NULL, 0.0, cancelable, NULL);
}

void
mtd_job_set_backup_id (MtdJob *self, const char *backup_id)
{
  g_return_if_fail (MTD_IS_JOB (self));

  post_update (self, NULL, 0.0, -1, backup_id != NULL ? backup_id : "");
}

/**
 * mtd_job_log_text:
 * @text: text for the log, such as compiler output
 * @length: its length, or -1
 *
 * Writes @text to the log descriptor as valid UTF-8 with no control
 * character but tab and newline (SECURITY.md rule 35).  A reader that went
 * away is not an error.
 */
void
mtd_job_log_text (MtdJob *self, const char *text, gssize length)
{
  g_autofree char *valid = NULL;
  gsize len;
  gsize done = 0;

  g_return_if_fail (MTD_IS_JOB (self));
  g_return_if_fail (text != NULL);

  valid = g_utf8_make_valid (text, length);
  len = strlen (valid);
  for (gsize i = 0; i < len; i++)
    if (((guchar) valid[i] < 0x20 && valid[i] != '\t' && valid[i] != '\n') || valid[i] == 0x7f)
      valid[i] = ' ';

  g_mutex_lock (&self->log_lock);
  while (self->log_fd >= 0 && done < len)
    {
      ssize_t n = write (self->log_fd, valid + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          /* the reader left: keep going without a log */
          close (self->log_fd);
          self->log_fd = -1;
          break;
        }
      done += n;
    }
  g_mutex_unlock (&self->log_lock);
}

/**
 * mtd_job_log:
 *
 * Writes one line to the log.
 */
void
mtd_job_log (MtdJob *self, const char *format, ...)
{
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  va_list args;

  g_return_if_fail (MTD_IS_JOB (self));

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  text = g_strdup_printf ("%s\n", line);
  mtd_job_log_text (self, text, -1);
}
