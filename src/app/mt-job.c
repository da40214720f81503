/* mt-job.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-job"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-core.h"
#include "mt-job-private.h"

/* The helper closes the log as the job ends; how long to wait for the end
 * of the log after that, in case a copy of the descriptor lingers. */
#define LOG_GRACE_SECONDS 5
/* The log kept for the build page; a build writes far less.  Beyond it the
 * oldest text is dropped, and the log says so. */
#define LOG_MAX_BYTES (8 * 1024 * 1024)

/**
 * MtJob:
 *
 * One of the helper's jobs (Apply, Restore, Uninstall) as the app follows
 * it: the `io.github.modtune.Job1` object's properties, mirrored with
 * notifications, and the log read line by line from the pipe whose write
 * end was handed to the helper.  #MtJob::finished is emitted once, when
 * the job has ended and its log has been read to the end; then
 * #MtJob:state is final.
 */
struct _MtJob
{
  GObject parent_instance;

  MtDbusJob1 *proxy;
  GDataInputStream *log_stream;
  GCancellable *cancellable;
  GString *log;
  gsize n_dropped;
  MtJobState state;
  char *error_name;
  char *error_message;
  guint grace_id;
  gboolean ended;
  gboolean log_done;
  gboolean finished;
};

G_DEFINE_ENUM_TYPE (MtJobState,
                    mt_job_state,
                    G_DEFINE_ENUM_VALUE (MT_JOB_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (MT_JOB_STATE_SUCCEEDED, "succeeded"),
                    G_DEFINE_ENUM_VALUE (MT_JOB_STATE_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (MT_JOB_STATE_CANCELLED, "cancelled"))

G_DEFINE_FINAL_TYPE (MtJob, mt_job, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_OPERATION,
  PROP_KERNEL_RELEASE,
  PROP_STATE,
  PROP_STAGE,
  PROP_PROGRESS,
  PROP_CANCELABLE,
  PROP_BACKUP_ID,
  PROP_ERROR_MESSAGE,
  PROP_FINISHED,
  N_PROPS
};

enum
{
  SIGNAL_LOG_LINE,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const char *
mt_job_get_object_path (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), NULL);

  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->proxy));
}

/* "apply", "restore" or "uninstall" */
const char *
mt_job_get_operation (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), NULL);

  return mt_dbus_job1_get_operation (self->proxy);
}

const char *
mt_job_get_kernel_release (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), NULL);

  return mt_dbus_job1_get_kernel_release (self->proxy);
}

MtJobState
mt_job_get_state (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), MT_JOB_STATE_FAILED);

  return self->state;
}

/* the helper's stage name: "detect", "plan", "build", … "done" */
const char *
mt_job_get_stage (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), NULL);

  return mt_dbus_job1_get_stage (self->proxy);
}

/* from 0 to 1 */
double
mt_job_get_progress (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), 0.0);

  if (self->state == MT_JOB_STATE_SUCCEEDED)
    return 1.0;

  return CLAMP (mt_dbus_job1_get_progress (self->proxy), 0.0, 1.0);
}

/* whether Cancel can still stop it; FALSE once installing has begun */
gboolean
mt_job_get_cancelable (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), FALSE);

  return !self->ended && mt_dbus_job1_get_cancelable (self->proxy);
}

/**
 * mt_job_get_backup_id:
 *
 * Returns: (nullable): the backup of the modules this job replaced
 */
const char *
mt_job_get_backup_id (MtJob *self)
{
  const char *id;

  g_return_val_if_fail (MT_IS_JOB (self), NULL);

  id = mt_dbus_job1_get_backup_id (self->proxy);

  return id != NULL && *id != '\0' ? id : NULL;
}

/**
 * mt_job_get_error_name:
 *
 * Returns: (nullable): the D-Bus name of the error it failed with
 */
const char *
mt_job_get_error_name (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), NULL);

  return self->error_name;
}

/**
 * mt_job_get_error_message:
 *
 * Returns: (nullable): why it failed or was cancelled, in one sentence
 */
const char *
mt_job_get_error_message (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), NULL);

  return self->error_message;
}

/* whether it has ended and its whole log has been read */
gboolean
mt_job_get_finished (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), FALSE);

  return self->finished;
}

/**
 * mt_job_dup_log:
 *
 * Returns: (transfer full): the log so far, one line per line
 */
char *
mt_job_dup_log (MtJob *self)
{
  g_return_val_if_fail (MT_IS_JOB (self), NULL);

  if (self->n_dropped > 0)
    return g_strdup_printf (_ ("[%zu bytes of the log’s beginning were dropped]\n%s"),
                            self->n_dropped, self->log->str);

  return g_strdup (self->log->str);
}

static void
maybe_finish (MtJob *self)
{
  if (self->finished || !self->ended || !self->log_done)
    return;

  self->finished = TRUE;
  g_clear_handle_id (&self->grace_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static gboolean
log_grace_cb (gpointer user_data)
{
  MtJob *self = user_data;

  self->grace_id = 0;
  self->log_done = TRUE;
  g_cancellable_cancel (self->cancellable);
  maybe_finish (self);

  return G_SOURCE_REMOVE;
}

/* The job ended (State, Completed or the helper gone, whichever comes
 * first); the first word is kept. */
static void
end_job (MtJob *self, MtJobState state, const char *error_name, const char *message)
{
  if (self->ended)
    return;

  self->ended = TRUE;
  self->state = state;
  if (state != MT_JOB_STATE_SUCCEEDED)
    {
      self->error_name = g_strdup (error_name != NULL && *error_name != '\0' ? error_name : NULL);
      if (message != NULL && *message != '\0')
        self->error_message = g_strdup (message);
      else if (state == MT_JOB_STATE_CANCELLED)
        self->error_message = g_strdup (_ ("The job was cancelled; nothing was changed."));
      else
        self->error_message = g_strdup (_ ("The job failed without saying why."));
    }

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCELABLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  g_object_thaw_notify (G_OBJECT (self));

  if (!self->log_done)
    self->grace_id = g_timeout_add_seconds (LOG_GRACE_SECONDS, log_grace_cb, self);
  maybe_finish (self);
}

static gboolean
parse_state (const char *text, MtJobState *state)
{
  if (g_strcmp0 (text, "succeeded") == 0)
    *state = MT_JOB_STATE_SUCCEEDED;
  else if (g_strcmp0 (text, "failed") == 0)
    *state = MT_JOB_STATE_FAILED;
  else if (g_strcmp0 (text, "cancelled") == 0)
    *state = MT_JOB_STATE_CANCELLED;
  else
    return FALSE;

  return TRUE;
}

static void
check_state (MtJob *self)
{
  MtJobState state;

  if (parse_state (mt_dbus_job1_get_state (self->proxy), &state))
    end_job (self, state, mt_dbus_job1_get_error_name (self->proxy),
             mt_dbus_job1_get_error_message (self->proxy));
}

static void
proxy_notify_cb (MtJob *self, GParamSpec *pspec, MtDbusJob1 *proxy)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "state"))
    check_state (self);
  else if (g_str_equal (name, "stage"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
  else if (g_str_equal (name, "progress"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  else if (g_str_equal (name, "cancelable"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCELABLE]);
  else if (g_str_equal (name, "backup-id"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKUP_ID]);
  else if (g_str_equal (name, "g-name-owner"))
    {
      g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));

      if (owner == NULL)
        end_job (self, MT_JOB_STATE_FAILED, NULL,
                 _ ("The helper stopped before the job ended; “journalctl -u modtune-helper” may "
                    "say why."));
    }
}

static void
completed_cb (MtJob *self,
              gboolean success,
              const char *error_name,
              const char *message,
              MtDbusJob1 *proxy)
{
  MtJobState state = MT_JOB_STATE_FAILED;

  if (success)
    state = MT_JOB_STATE_SUCCEEDED;
  else if (g_strcmp0 (error_name, "io.github.modtune.Error.Cancelled") == 0)
    state = MT_JOB_STATE_CANCELLED;

  end_job (self, state, error_name, message);
}

static void
append_line (MtJob *self, const char *text)
{
  gsize length = strlen (text) + 1;

  if (self->log->len + length > LOG_MAX_BYTES)
    {
      gsize drop = MIN (self->log->len, MAX (length, LOG_MAX_BYTES / 4));
      const char *newline = memchr (self->log->str + drop, '\n', self->log->len - drop);

      if (newline != NULL)
        drop = newline + 1 - self->log->str;
      self->n_dropped += drop;
      g_string_erase (self->log, 0, drop);
    }

  g_string_append (self->log, text);
  g_string_append_c (self->log, '\n');
}

static void read_next_line (MtJob *self);

static void
read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MtJob) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  line =
    g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, &length, &error);
  if (line == NULL)
    {
      /* the end of the log: the job closed it, or we stopped reading */
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the job’s log: %s", error->message);
      self->log_done = TRUE;
      maybe_finish (self);
      return;
    }

  text = mt_helper_job_make_printable (line, length);
  append_line (self, text);
  g_signal_emit (self, signals[SIGNAL_LOG_LINE], 0, text);
  read_next_line (self);
}

static void
read_next_line (MtJob *self)
{
  if (self->log_done)
    return;

  g_data_input_stream_read_line_async (self->log_stream, G_PRIORITY_DEFAULT, self->cancellable,
                                       read_line_cb, g_object_ref (self));
}

/**
 * _mt_job_new:
 * @proxy: the job's object
 * @log: (nullable): the read end of the pipe the job writes its log to
 *
 * Follows a job the helper started.  A job that ended before this is seen
 * ended at once.
 */
MtJob *
_mt_job_new (MtDbusJob1 *proxy, GInputStream *log)
{
  MtJob *self;

  g_return_val_if_fail (MT_DBUS_IS_JOB1 (proxy), NULL);

  self = g_object_new (MT_TYPE_JOB, NULL);
  self->proxy = g_object_ref (proxy);
  self->cancellable = g_cancellable_new ();

  g_signal_connect_object (proxy, "notify", G_CALLBACK (proxy_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (proxy, "completed", G_CALLBACK (completed_cb), self, G_CONNECT_SWAPPED);

  if (log != NULL)
    {
      self->log_stream = g_data_input_stream_new (log);
      read_next_line (self);
    }
  else
    self->log_done = TRUE;

  check_state (self);

  return self;
}

static void
cancel_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!mt_dbus_job1_call_cancel_finish (MT_DBUS_JOB1 (source), result, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * mt_job_cancel_async:
 *
 * Asks the helper to cancel the job.  It succeeds only while the job is
 * cancelable; the job then ends as %MT_JOB_STATE_CANCELLED.
 */
void
mt_job_cancel_async (MtJob *self,
                     GCancellable *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MT_IS_JOB (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mt_job_cancel_async);
  mt_dbus_job1_call_cancel (self->proxy, g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                            cancellable, cancel_cb, task);
}

gboolean
mt_job_cancel_finish (MtJob *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mt_job_dispose (GObject *object)
{
  MtJob *self = (MtJob *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->grace_id, g_source_remove);
  if (self->proxy != NULL)
    g_signal_handlers_disconnect_by_data (self->proxy, self);

  G_OBJECT_CLASS (mt_job_parent_class)->dispose (object);
}

static void
mt_job_finalize (GObject *object)
{
  MtJob *self = (MtJob *) object;

  g_clear_object (&self->proxy);
  g_clear_object (&self->log_stream);
  g_clear_object (&self->cancellable);
  g_string_free (self->log, TRUE);
  g_free (self->error_name);
  g_free (self->error_message);

  G_OBJECT_CLASS (mt_job_parent_class)->finalize (object);
}

static void
mt_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtJob *self = MT_JOB (object);

  switch (prop_id)
    {
    case PROP_OPERATION:
      g_value_set_string (value, mt_job_get_operation (self));
      break;

    case PROP_KERNEL_RELEASE:
      g_value_set_string (value, mt_job_get_kernel_release (self));
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_STAGE:
      g_value_set_string (value, mt_job_get_stage (self));
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, mt_job_get_progress (self));
      break;

    case PROP_CANCELABLE:
      g_value_set_boolean (value, mt_job_get_cancelable (self));
      break;

    case PROP_BACKUP_ID:
      g_value_set_string (value, mt_job_get_backup_id (self));
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_job_class_init (MtJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = mt_job_dispose;
  object_class->finalize = mt_job_finalize;
  object_class->get_property = mt_job_get_property;

  properties[PROP_OPERATION] = g_param_spec_string ("operation", NULL, NULL, NULL, flags);
  properties[PROP_KERNEL_RELEASE] = g_param_spec_string ("kernel-release", NULL, NULL, NULL, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MT_TYPE_JOB_STATE, MT_JOB_STATE_RUNNING, flags);
  properties[PROP_STAGE] = g_param_spec_string ("stage", NULL, NULL, NULL, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, flags);
  properties[PROP_CANCELABLE] = g_param_spec_boolean ("cancelable", NULL, NULL, FALSE, flags);
  properties[PROP_BACKUP_ID] = g_param_spec_string ("backup-id", NULL, NULL, NULL, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_FINISHED] = g_param_spec_boolean ("finished", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MtJob::log-line:
   * @line: one line of the log, printable UTF-8, without its newline
   */
  signals[SIGNAL_LOG_LINE] = g_signal_new ("log-line", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * MtJob::finished:
   *
   * The job has ended and its log has been read; emitted once.
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mt_job_init (MtJob *self)
{
  self->log = g_string_new (NULL);
  self->state = MT_JOB_STATE_RUNNING;
}
