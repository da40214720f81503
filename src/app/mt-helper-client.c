/* mt-helper-client.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-helper-client"

#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "mt-core.h"
#include "mt-helper-client.h"
#include "mt-job-private.h"

#define HELPER_BUS_NAME    "io.github.modtune.Helper"
#define HELPER_OBJECT_PATH "/io/github/modtune/Helper"

/**
 * MtHelperClient:
 *
 * The app's side of the helper (`io.github.modtune.Helper1` on the system
 * bus).  It keeps the helper's status and backups, refreshed by
 * mt_helper_client_refresh_async() and after every job; whether the
 * helper answers at all (#MtHelperClient:available, false when it is not
 * installed, with a reason to show); and starts jobs, each followed by an
 * #MtJob announced with #MtHelperClient::job-started.  While a privileged
 * call waits, possibly for the polkit password dialog,
 * #MtHelperClient:authorizing is true.
 */
struct _MtHelperClient
{
  GObject parent_instance;

  MtDbusHelper1 *proxy;
  GVariant *status;
  GVariant *backups;
  MtJob *current_job;
  char *unavailable_reason;
  guint n_authorizing;
  gboolean available;
  gboolean installed; /* FALSE once the bus said the helper is not there */
};

G_DEFINE_FINAL_TYPE (MtHelperClient, mt_helper_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_AVAILABLE,
  PROP_AUTHORIZING,
  PROP_STATUS,
  PROP_BACKUPS,
  PROP_CURRENT_JOB,
  N_PROPS
};

enum
{
  SIGNAL_JOB_STARTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

MtHelperClient *
mt_helper_client_new (void)
{
  return g_object_new (MT_TYPE_HELPER_CLIENT, NULL);
}

/* whether the helper answered the last refresh */
gboolean
mt_helper_client_get_available (MtHelperClient *self)
{
  g_return_val_if_fail (MT_IS_HELPER_CLIENT (self), FALSE);

  return self->available;
}

/**
 * mt_helper_client_get_unavailable_reason:
 *
 * Returns: (nullable): why the helper cannot be used, in a sentence that
 *   says what to do; %NULL while it is available or before a refresh ended
 */
const char *
mt_helper_client_get_unavailable_reason (MtHelperClient *self)
{
  g_return_val_if_fail (MT_IS_HELPER_CLIENT (self), NULL);

  return self->unavailable_reason;
}

/* FALSE when the bus says the helper is not installed at all, rather
 * than that it failed to answer */
gboolean
mt_helper_client_get_installed (MtHelperClient *self)
{
  g_return_val_if_fail (MT_IS_HELPER_CLIENT (self), FALSE);

  return self->installed;
}

/* whether a privileged call waits for its answer (polkit may be asking) */
gboolean
mt_helper_client_get_authorizing (MtHelperClient *self)
{
  g_return_val_if_fail (MT_IS_HELPER_CLIENT (self), FALSE);

  return self->n_authorizing > 0;
}

/**
 * mt_helper_client_get_status:
 *
 * Returns: (transfer none) (nullable): GetStatus("") of the last refresh,
 *   an `a{sv}`
 */
GVariant *
mt_helper_client_get_status (MtHelperClient *self)
{
  g_return_val_if_fail (MT_IS_HELPER_CLIENT (self), NULL);

  return self->status;
}

/**
 * mt_helper_client_get_backups:
 *
 * Returns: (transfer none) (nullable): ListBackups() of the last refresh,
 *   an `aa{sv}`
 */
GVariant *
mt_helper_client_get_backups (MtHelperClient *self)
{
  g_return_val_if_fail (MT_IS_HELPER_CLIENT (self), NULL);

  return self->backups;
}

/**
 * mt_helper_client_get_current_job:
 *
 * Returns: (transfer none) (nullable): the job this client started last,
 *   until it has finished
 */
MtJob *
mt_helper_client_get_current_job (MtHelperClient *self)
{
  g_return_val_if_fail (MT_IS_HELPER_CLIENT (self), NULL);

  return self->current_job;
}

static void
set_authorizing (MtHelperClient *self, gboolean authorizing)
{
  gboolean was = self->n_authorizing > 0;

  if (authorizing)
    self->n_authorizing++;
  else if (self->n_authorizing > 0)
    self->n_authorizing--;

  if (was != (self->n_authorizing > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORIZING]);
}

static void
set_available (MtHelperClient *self, gboolean available, const char *reason)
{
  /* "available" starts false: the first failed refresh changes only the
   * reason, which is notified with "available" too */
  gboolean changed = self->available != available ||
                     g_strcmp0 (self->unavailable_reason, available ? NULL : reason) != 0;

  g_free (self->unavailable_reason);
  self->unavailable_reason = available ? NULL : g_strdup (reason);

  if (changed)
    {
      self->available = available;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
    }
}

static gboolean
is_spawn_error (const GError *error)
{
  return error->domain == G_DBUS_ERROR && error->code >= G_DBUS_ERROR_SPAWN_EXEC_FAILED &&
         error->code <= G_DBUS_ERROR_SPAWN_NO_MEMORY;
}

/* Whether @error says the helper is not there at all (rather than that
 * one call failed), and if so why, in words for the banner. */
static char *
describe_unavailable (const GError *error, gboolean *installed)
{
  *installed = TRUE;
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD))
    {
      *installed = FALSE;
      return g_strdup (_ ("The Modtune helper is not installed on this system."));
    }

  if (is_spawn_error (error))
    return g_strdup_printf (_ ("The Modtune helper could not be started: %s. "
                               "“journalctl -u modtune-helper” may say why."),
                            error->message);

  return NULL;
}

static void
ensure_proxy_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MtHelperClient *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  MtDbusHelper1 *proxy;

  proxy = mt_dbus_helper1_proxy_new_for_bus_finish (result, &error);
  if (proxy == NULL)
    {
      g_prefix_error (&error, _ ("The system bus cannot be reached: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* the helper's calls may wait for polkit's password dialog */
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), G_MAXINT);
  if (self->proxy == NULL)
    self->proxy = proxy;
  else
    g_object_unref (proxy);
  g_task_return_boolean (task, TRUE);
}

/* Makes the proxy once; the helper itself starts by bus activation at the
 * first call. */
static void
ensure_proxy (MtHelperClient *self, GCancellable *cancellable, GTask *task)
{
  /* registers io.github.modtune.Error.*, which then arrive as MtError */
  (void) MT_ERROR;

  if (self->proxy != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  mt_dbus_helper1_proxy_new_for_bus (
    G_BUS_TYPE_SYSTEM,
    G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS |
      G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
    HELPER_BUS_NAME, HELPER_OBJECT_PATH, cancellable, ensure_proxy_cb, task);
}

/* -- refresh ------------------------------------------------------------ */

typedef struct
{
  GVariant *status;
  GVariant *backups;
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_pointer (&refresh->status, g_variant_unref);
  g_clear_pointer (&refresh->backups, g_variant_unref);
  g_free (refresh);
}

static void
refresh_fail (GTask *task, GError *error)
{
  MtHelperClient *self = g_task_get_source_object (task);
  g_autofree char *reason = NULL;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gboolean installed = TRUE;

      g_dbus_error_strip_remote_error (error);
      reason = describe_unavailable (error, &installed);
      if (reason == NULL && self->proxy == NULL)
        reason = g_strdup (error->message);
      else if (reason == NULL)
        /* TRANSLATORS: %s is the helper's own error message */
        reason = g_strdup_printf (_ ("The Modtune helper did not answer: %s. “journalctl -u "
                                     "modtune-helper” may say why."),
                                  error->message);
      self->installed = installed;
      set_available (self, FALSE, reason);
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
list_backups_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  MtHelperClient *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mt_dbus_helper1_call_list_backups_finish (MT_DBUS_HELPER1 (source), &refresh->backups,
                                                 result, &error))
    {
      refresh_fail (task, error);
      return;
    }

  g_clear_pointer (&self->status, g_variant_unref);
  self->status = g_steal_pointer (&refresh->status);
  g_clear_pointer (&self->backups, g_variant_unref);
  self->backups = g_steal_pointer (&refresh->backups);
  self->installed = TRUE;
  set_available (self, TRUE, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKUPS]);

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
get_status_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mt_dbus_helper1_call_get_status_finish (MT_DBUS_HELPER1 (source), &refresh->status, result,
                                               &error))
    {
      refresh_fail (task, error);
      return;
    }

  mt_dbus_helper1_call_list_backups (MT_DBUS_HELPER1 (source), g_task_get_cancellable (task),
                                     list_backups_cb, task);
}

static void
refresh_proxy_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  MtHelperClient *self = MT_HELPER_CLIENT (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      refresh_fail (task, error);
      return;
    }

  mt_dbus_helper1_call_get_status (self->proxy, "", g_task_get_cancellable (task), get_status_cb,
                                   task);
}

/**
 * mt_helper_client_refresh_async:
 *
 * Asks the helper for its status (for the running kernel) and its
 * backups.  A helper that is not installed is not an error of the window:
 * #MtHelperClient:available becomes false and the operation fails.
 */
void
mt_helper_client_refresh_async (MtHelperClient *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MT_IS_HELPER_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mt_helper_client_refresh_async);
  g_task_set_task_data (task, g_new0 (Refresh, 1), (GDestroyNotify) refresh_free);
  ensure_proxy (self, cancellable, g_task_new (self, cancellable, refresh_proxy_cb, task));
}

gboolean
mt_helper_client_refresh_finish (MtHelperClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- jobs --------------------------------------------------------------- */

typedef struct
{
  char *method;
  GVariant *args; /* the method's arguments before the log descriptor */
  GInputStream *log;
} StartJob;

static void
start_job_free (StartJob *start)
{
  g_free (start->method);
  g_clear_pointer (&start->args, g_variant_unref);
  g_clear_object (&start->log);
  g_free (start);
}

static void
refresh_after_job_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!mt_helper_client_refresh_finish (MT_HELPER_CLIENT (source), result, &error))
    g_debug ("Refresh after a job: %s", error->message);
}

static void
job_finished_cb (MtHelperClient *self, MtJob *job)
{
  if (self->current_job == job)
    {
      g_clear_object (&self->current_job);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_JOB]);
    }

  mt_helper_client_refresh_async (self, NULL, refresh_after_job_cb, NULL);
}

static void
job_proxy_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MtHelperClient *self = g_task_get_source_object (task);
  StartJob *start = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtDbusJob1) proxy = NULL;
  g_autoptr (MtJob) job = NULL;

  proxy = mt_dbus_job1_proxy_new_finish (result, &error);
  if (proxy == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = _mt_job_new (proxy, start->log);
  g_signal_connect_object (job, "finished", G_CALLBACK (job_finished_cb), self, G_CONNECT_SWAPPED);
  g_set_object (&self->current_job, job);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_JOB]);
  g_signal_emit (self, signals[SIGNAL_JOB_STARTED], 0, job);

  g_task_return_pointer (task, g_steal_pointer (&job), g_object_unref);
}

static void
job_call_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MtHelperClient *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  GCancellable *cancellable;
  const char *path = NULL;

  set_authorizing (self, FALSE);
  reply = g_dbus_proxy_call_with_unix_fd_list_finish (G_DBUS_PROXY (source), NULL, result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_variant_get (reply, "(&o)", &path);
  /* (the task is read before it is stolen: arguments have no order) */
  cancellable = g_task_get_cancellable (task);
  mt_dbus_job1_proxy_new (g_dbus_proxy_get_connection (G_DBUS_PROXY (source)),
                          G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, HELPER_BUS_NAME, path, cancellable,
                          job_proxy_cb, g_steal_pointer (&task));
}

static void
start_job_proxy_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MtHelperClient *self = MT_HELPER_CLIENT (source);
  StartJob *start = g_task_get_task_data (task);
  g_autoptr (GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;
  int fds[2];
  int handle;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!g_unix_open_pipe (fds, O_CLOEXEC, &error))
    {
      g_prefix_error (&error, _ ("Cannot make a pipe for the job’s log: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  start->log = g_unix_input_stream_new (fds[0], TRUE);
  /* the list holds its own copy of the write end until the call is sent:
   * the job's end then closes the last one, and the log ends */
  handle = g_unix_fd_list_append (fd_list, fds[1], &error);
  close (fds[1]);
  if (handle < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_authorizing (self, TRUE);
  cancellable = g_task_get_cancellable (task);
  g_dbus_proxy_call_with_unix_fd_list (G_DBUS_PROXY (self->proxy), start->method,
                                       mt_helper_job_parameters (start->args, handle),
                                       G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, G_MAXINT,
                                       fd_list, cancellable, job_call_cb, g_steal_pointer (&task));
}

static void
start_job (MtHelperClient *self,
           const char *method,
           GVariant *args,
           gpointer source_tag,
           GCancellable *cancellable,
           GAsyncReadyCallback callback,
           gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  StartJob *start = g_new0 (StartJob, 1);

  start->method = g_strdup (method);
  start->args = g_variant_ref_sink (args);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, start, (GDestroyNotify) start_job_free);
  ensure_proxy (self, cancellable, g_task_new (self, cancellable, start_job_proxy_cb, task));
}

static MtJob *
start_job_finish (MtHelperClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mt_helper_client_apply_async:
 * @kernel_release: the kernel to build for; "" for the running one
 * @flag_ids: catalog ids of the flags to build with
 *
 * Starts the helper's Apply job.  polkit may ask for a password first.
 */
void
mt_helper_client_apply_async (MtHelperClient *self,
                              const char *kernel_release,
                              const char *const *flag_ids,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  const char *const no_flags[] = { NULL };

  g_return_if_fail (MT_IS_HELPER_CLIENT (self));
  g_return_if_fail (kernel_release != NULL);

  start_job (self, "Apply",
             g_variant_new ("(s^as)", kernel_release, flag_ids != NULL ? flag_ids : no_flags),
             mt_helper_client_apply_async, cancellable, callback, user_data);
}

/**
 * mt_helper_client_apply_finish:
 *
 * Returns: (transfer full): the job, also announced by
 *   #MtHelperClient::job-started
 */
MtJob *
mt_helper_client_apply_finish (MtHelperClient *self, GAsyncResult *result, GError **error)
{
  return start_job_finish (self, result, error);
}

/* Starts the helper's Restore job for the backup @backup_id. */
void
mt_helper_client_restore_async (MtHelperClient *self,
                                const char *backup_id,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (MT_IS_HELPER_CLIENT (self));
  g_return_if_fail (backup_id != NULL);

  start_job (self, "Restore", g_variant_new ("(s)", backup_id), mt_helper_client_restore_async,
             cancellable, callback, user_data);
}

/**
 * mt_helper_client_restore_finish:
 *
 * Returns: (transfer full): the job
 */
MtJob *
mt_helper_client_restore_finish (MtHelperClient *self, GAsyncResult *result, GError **error)
{
  return start_job_finish (self, result, error);
}

/* Starts the helper's Uninstall job: Modtune's modules go, the ones they
 * replaced come back. */
void
mt_helper_client_uninstall_async (MtHelperClient *self,
                                  const char *kernel_release,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (MT_IS_HELPER_CLIENT (self));
  g_return_if_fail (kernel_release != NULL);

  start_job (self, "Uninstall", g_variant_new ("(s)", kernel_release),
             mt_helper_client_uninstall_async, cancellable, callback, user_data);
}

/**
 * mt_helper_client_uninstall_finish:
 *
 * Returns: (transfer full): the job
 */
MtJob *
mt_helper_client_uninstall_finish (MtHelperClient *self, GAsyncResult *result, GError **error)
{
  return start_job_finish (self, result, error);
}

static void
delete_backup_call_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MtHelperClient *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  set_authorizing (self, FALSE);
  if (!mt_dbus_helper1_call_delete_backup_finish (MT_DBUS_HELPER1 (source), result, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  mt_helper_client_refresh_async (self, NULL, refresh_after_job_cb, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
delete_backup_proxy_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MtHelperClient *self = MT_HELPER_CLIENT (source);
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;
  const char *backup_id;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_authorizing (self, TRUE);
  backup_id = g_task_get_task_data (task);
  cancellable = g_task_get_cancellable (task);
  mt_dbus_helper1_call_delete_backup (self->proxy, backup_id, cancellable, delete_backup_call_cb,
                                      g_steal_pointer (&task));
}

/* Deletes the backup @backup_id (polkit may ask first); the backups are
 * refreshed after it. */
void
mt_helper_client_delete_backup_async (MtHelperClient *self,
                                      const char *backup_id,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MT_IS_HELPER_CLIENT (self));
  g_return_if_fail (backup_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mt_helper_client_delete_backup_async);
  g_task_set_task_data (task, g_strdup (backup_id), g_free);
  ensure_proxy (self, cancellable, g_task_new (self, cancellable, delete_backup_proxy_cb, task));
}

gboolean
mt_helper_client_delete_backup_finish (MtHelperClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mt_helper_client_dispose (GObject *object)
{
  MtHelperClient *self = (MtHelperClient *) object;

  g_clear_object (&self->current_job);
  g_clear_object (&self->proxy);

  G_OBJECT_CLASS (mt_helper_client_parent_class)->dispose (object);
}

static void
mt_helper_client_finalize (GObject *object)
{
  MtHelperClient *self = (MtHelperClient *) object;

  g_clear_pointer (&self->status, g_variant_unref);
  g_clear_pointer (&self->backups, g_variant_unref);
  g_free (self->unavailable_reason);

  G_OBJECT_CLASS (mt_helper_client_parent_class)->finalize (object);
}

static void
mt_helper_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtHelperClient *self = MT_HELPER_CLIENT (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;

    case PROP_AUTHORIZING:
      g_value_set_boolean (value, self->n_authorizing > 0);
      break;

    case PROP_STATUS:
      g_value_set_variant (value, self->status);
      break;

    case PROP_BACKUPS:
      g_value_set_variant (value, self->backups);
      break;

    case PROP_CURRENT_JOB:
      g_value_set_object (value, self->current_job);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_helper_client_class_init (MtHelperClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = mt_helper_client_dispose;
  object_class->finalize = mt_helper_client_finalize;
  object_class->get_property = mt_helper_client_get_property;

  properties[PROP_AVAILABLE] = g_param_spec_boolean ("available", NULL, NULL, FALSE, flags);
  properties[PROP_AUTHORIZING] = g_param_spec_boolean ("authorizing", NULL, NULL, FALSE, flags);
  properties[PROP_STATUS] =
    g_param_spec_variant ("status", NULL, NULL, G_VARIANT_TYPE_VARDICT, NULL, flags);
  properties[PROP_BACKUPS] =
    g_param_spec_variant ("backups", NULL, NULL, G_VARIANT_TYPE ("aa{sv}"), NULL, flags);
  properties[PROP_CURRENT_JOB] =
    g_param_spec_object ("current-job", NULL, NULL, MT_TYPE_JOB, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MtHelperClient::job-started:
   * @job: the job
   *
   * A job this client asked for has started.
   */
  signals[SIGNAL_JOB_STARTED] =
    g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, MT_TYPE_JOB);
}

static void
mt_helper_client_init (MtHelperClient *self)
{
  self->installed = TRUE;
}
