/* mt-cli-job.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cli-job"

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "mt-cli.h"

/* Starts one of the helper's jobs (Apply, Restore, Uninstall) and follows
 * it in the terminal: the log from the pipe the job writes to, one line per
 * stage, and the end, read from Job1's State (and its Completed signal).
 * Ctrl-C asks the job to cancel and keeps waiting for its end. */

/* The helper closes the log as the job ends; how long to wait for the end
 * of the log after that, in case a copy of the descriptor lingers. */
#define LOG_GRACE_SECONDS 5

typedef struct
{
  GMainLoop *loop;
  GCancellable *cancellable; /* the call, the log reads, Cancel */
  GDataInputStream *log;
  MtDbusJob1 *job;
  char *last_stage;
  char *end_state; /* "succeeded", "failed", "cancelled"; NULL while running */
  char *end_message;
  guint pending; /* asynchronous operations that point at this struct */
  guint grace_id;
  guint n_interrupts;
  gboolean interrupted; /* Ctrl-C asked the job to cancel */
  gboolean log_done;
  gboolean done;
  int exit_status;
} Follower;

static void
finish (Follower *f, int exit_status)
{
  if (f->done)
    return;

  f->done = TRUE;
  f->exit_status = exit_status;
  if (f->job != NULL)
    g_signal_handlers_disconnect_by_data (f->job, f);
  g_main_loop_quit (f->loop);
}

static void
print_line (const char *text)
{
  g_print ("%s\n", text);
  fflush (stdout);
}

/* One line per stage: "[ 40%] build: building …" */
static void
print_stage_line (Follower *f, const char *stage, double progress)
{
  const char *text = mt_helper_job_describe_stage (mt_dbus_job1_get_operation (f->job), stage);

  g_free (f->last_stage);
  f->last_stage = g_strdup (stage);
  progress = CLAMP (progress, 0.0, 1.0);
  if (text != NULL)
    /* TRANSLATORS: a job's progress, its stage name and what it does:
     * "[ 40%] build: building vmmon and vmnet as the build user" */
    g_print (_ ("[%3.0f%%] %s: %s\n"), progress * 100.0, stage, text);
  else
    g_print ("[%3.0f%%] %s\n", progress * 100.0, stage);
  fflush (stdout);
}

static void
print_stage (Follower *f)
{
  const char *stage = mt_dbus_job1_get_stage (f->job);

  if (!f->done && stage != NULL && g_strcmp0 (stage, f->last_stage) != 0)
    print_stage_line (f, stage, mt_dbus_job1_get_progress (f->job));
}

static void
print_success (Follower *f)
{
  const char *operation = mt_dbus_job1_get_operation (f->job);
  const char *kernel = mt_dbus_job1_get_kernel_release (f->job);
  const char *backup = mt_dbus_job1_get_backup_id (f->job);

  if (g_strcmp0 (operation, "apply") == 0)
    g_print (_ ("vmmon and vmnet are installed for kernel %s.\n"), kernel);
  else if (g_strcmp0 (operation, "restore") == 0)
    g_print (_ ("The backup is installed for kernel %s.\n"), kernel);
  else if (g_strcmp0 (operation, "uninstall") == 0)
    g_print (_ ("Modtune’s modules are removed for kernel %s.\n"), kernel);

  if (backup != NULL && backup[0] != '\0')
    g_print (_ ("The modules it replaced are kept as backup %s (“modtunectl restore %s” puts them "
                "back).\n"),
             backup, backup);
}

/* The end: once the job has ended and its log is read to the end. */
static void
maybe_finish (Follower *f)
{
  if (f->done || f->end_state == NULL || !f->log_done)
    return;

  if (g_str_equal (f->end_state, "succeeded"))
    {
      /* the last stage may still be on its way, after Completed */
      if (g_strcmp0 (f->last_stage, "done") != 0)
        print_stage_line (f, "done", 1.0);
      print_success (f);
      finish (f, MT_CLI_EXIT_OK);
    }
  else if (g_str_equal (f->end_state, "cancelled") && f->interrupted)
    {
      g_printerr ("modtunectl: %s\n", _ ("cancelled"));
      finish (f, MT_CLI_EXIT_INTERRUPTED);
    }
  else
    {
      const char *message = f->end_message;

      if (message == NULL || message[0] == '\0')
        message = g_str_equal (f->end_state, "cancelled") ? _ ("the job was cancelled")
                                                          : _ ("the job failed");
      g_printerr ("modtunectl: %s\n", message);
      finish (f, MT_CLI_EXIT_FAILURE);
    }
}

static gboolean
log_grace_cb (gpointer user_data)
{
  Follower *f = user_data;

  f->grace_id = 0;
  f->log_done = TRUE;
  maybe_finish (f);

  return G_SOURCE_REMOVE;
}

/* The job ended (State, Completed or the helper gone, whichever comes
 * first); the first word is kept. */
static void
end_job (Follower *f, const char *state, const char *message)
{
  if (f->end_state != NULL)
    return;

  f->end_state = g_strdup (state);
  f->end_message = g_strdup (message);
  if (!f->log_done)
    f->grace_id = g_timeout_add_seconds (LOG_GRACE_SECONDS, log_grace_cb, f);
  maybe_finish (f);
}

static gboolean
is_end_state (const char *state)
{
  return g_strcmp0 (state, "succeeded") == 0 || g_strcmp0 (state, "failed") == 0 ||
         g_strcmp0 (state, "cancelled") == 0;
}

static void
check_state (Follower *f)
{
  const char *state = mt_dbus_job1_get_state (f->job);

  if (is_end_state (state))
    end_job (f, state, mt_dbus_job1_get_error_message (f->job));
}

static void
notify_state_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  check_state (user_data);
}

static void
notify_stage_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  print_stage (user_data);
}

static void
completed_cb (MtDbusJob1 *job,
              gboolean success,
              const char *error_name,
              const char *message,
              gpointer user_data)
{
  const char *state = "failed";

  if (success)
    state = "succeeded";
  else if (g_strcmp0 (error_name, "io.github.modtune.Error.Cancelled") == 0)
    state = "cancelled";

  end_job (user_data, state, message);
}

static void
notify_name_owner_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Follower *f = user_data;
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (f->job));

  if (owner == NULL)
    end_job (f, "failed",
             _ ("the helper stopped before the job ended; “journalctl -u modtune-helper” may "
                "say why"));
}

static void read_next_line (Follower *f);

static void
read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Follower *f = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  f->pending--;
  line =
    g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, &length, &error);
  if (line == NULL)
    {
      /* the end of the log: the job closed it, or we stopped reading */
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr (_ ("modtunectl: cannot read the job’s log: %s\n"), error->message);
      f->log_done = TRUE;
      g_clear_handle_id (&f->grace_id, g_source_remove);
      maybe_finish (f);
      return;
    }

  {
    g_autofree char *text = mt_helper_job_make_printable (line, length);

    print_line (text);
  }
  read_next_line (f);
}

static void
read_next_line (Follower *f)
{
  if (f->done)
    return;

  f->pending++;
  g_data_input_stream_read_line_async (f->log, G_PRIORITY_DEFAULT, f->cancellable, read_line_cb, f);
}

static void
cancel_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Follower *f = user_data;
  g_autoptr (GError) error = NULL;

  f->pending--;
  if (!mt_dbus_job1_call_cancel_finish (MT_DBUS_JOB1 (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* most likely too late: the job is installing; wait for its end */
      f->interrupted = FALSE;
      mt_cli_helper_print_error (error);
    }
}

static gboolean
sigint_cb (gpointer user_data)
{
  Follower *f = user_data;

  f->n_interrupts++;

  if (f->end_state != NULL)
    {
      /* the job has ended: only its log is still awaited */
      f->log_done = TRUE;
      maybe_finish (f);
    }
  else if (f->job == NULL)
    {
      /* no job yet (authorization pending): leaving is enough, the helper
       * cancels a job whose caller has left */
      g_printerr ("\nmodtunectl: %s\n", _ ("interrupted before the job started"));
      finish (f, MT_CLI_EXIT_INTERRUPTED);
    }
  else if (f->n_interrupts == 1)
    {
      g_printerr ("\n%s\n", _ ("Cancelling the job… (press Ctrl-C again to stop waiting)"));
      f->interrupted = TRUE;
      f->pending++;
      mt_dbus_job1_call_cancel (f->job, g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                f->cancellable, cancel_done_cb, f);
    }
  else
    {
      g_printerr ("\nmodtunectl: %s\n",
                  _ ("stopped waiting: the helper cancels the job if it still can, or finishes "
                     "it; “modtunectl status” shows the outcome"));
      finish (f, MT_CLI_EXIT_INTERRUPTED);
    }

  return G_SOURCE_CONTINUE;
}

/* The job exists: follow it. */
static void
follow (Follower *f, GDBusConnection *connection, const char *path)
{
  g_autoptr (GError) error = NULL;

  /* the proxy subscribes to PropertiesChanged, then reads every property:
   * a job that ended before that is seen ended here */
  f->job = mt_dbus_job1_proxy_new_sync (connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                        MT_CLI_HELPER_BUS_NAME, path, f->cancellable, &error);
  if (f->job == NULL)
    {
      mt_cli_helper_print_error (error);
      finish (f, MT_CLI_EXIT_FAILURE);
      return;
    }

  if (mt_dbus_job1_get_state (f->job) == NULL)
    {
      g_printerr (_ ("modtunectl: the helper no longer knows the job %s\n"), path);
      finish (f, MT_CLI_EXIT_FAILURE);
      return;
    }

  g_signal_connect (f->job, "notify::state", G_CALLBACK (notify_state_cb), f);
  g_signal_connect (f->job, "notify::stage", G_CALLBACK (notify_stage_cb), f);
  g_signal_connect (f->job, "notify::g-name-owner", G_CALLBACK (notify_name_owner_cb), f);
  g_signal_connect (f->job, "completed", G_CALLBACK (completed_cb), f);

  /* TRANSLATORS: "Job /io/github/modtune/Helper/jobs/1: apply, kernel 6.12.48" */
  g_print (_ ("Job %s: %s, kernel %s\n"), path, mt_dbus_job1_get_operation (f->job),
           mt_dbus_job1_get_kernel_release (f->job));
  print_stage (f);

  read_next_line (f);
  check_state (f);
}

static void
call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Follower *f = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  const char *path = NULL;

  f->pending--;
  reply = g_dbus_proxy_call_with_unix_fd_list_finish (G_DBUS_PROXY (source), NULL, result, &error);
  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          mt_cli_helper_print_error (error);
          finish (f, MT_CLI_EXIT_FAILURE);
        }
      return;
    }
  if (f->done)
    return;

  g_variant_get (reply, "(&o)", &path);
  follow (f, g_dbus_proxy_get_connection (G_DBUS_PROXY (source)), path);
}

/**
 * mt_cli_job_run:
 * @helper: the helper
 * @method: "Apply", "Restore" or "Uninstall"
 * @args: (transfer floating): a tuple of the method's arguments that come
 *   before the log descriptor
 *
 * Calls @method with the write end of a new pipe (polkit may ask for a
 * password), then prints the job's log and stages until it ends.
 *
 * Returns: 0 if the job succeeded; 130 if Ctrl-C cancelled it; 1 with the
 *   reason on stderr otherwise
 */
int
mt_cli_job_run (MtDbusHelper1 *helper, const char *method, GVariant *args)
{
  g_autoptr (GVariant) owned_args = g_variant_ref_sink (args);
  g_autoptr (GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr (GInputStream) pipe_in = NULL;
  g_autoptr (GError) error = NULL;
  Follower f = { 0 };
  guint sigint_id;
  int fds[2];
  int handle;

  g_return_val_if_fail (MT_DBUS_IS_HELPER1 (helper), MT_CLI_EXIT_FAILURE);
  g_return_val_if_fail (method != NULL, MT_CLI_EXIT_FAILURE);
  g_return_val_if_fail (g_variant_is_of_type (owned_args, G_VARIANT_TYPE_TUPLE),
                        MT_CLI_EXIT_FAILURE);

  if (!g_unix_open_pipe (fds, O_CLOEXEC, &error))
    {
      g_printerr (_ ("modtunectl: cannot make a pipe for the job’s log: %s\n"), error->message);
      return MT_CLI_EXIT_FAILURE;
    }
  pipe_in = g_unix_input_stream_new (fds[0], TRUE);
  /* the list holds its own copy of the write end until the call is sent:
   * the job's end then closes the last one, and the log ends */
  handle = g_unix_fd_list_append (fd_list, fds[1], &error);
  close (fds[1]);
  if (handle < 0)
    {
      g_printerr (_ ("modtunectl: cannot make a pipe for the job’s log: %s\n"), error->message);
      return MT_CLI_EXIT_FAILURE;
    }

  f.loop = g_main_loop_new (NULL, FALSE);
  f.cancellable = g_cancellable_new ();
  f.log = g_data_input_stream_new (pipe_in);
  f.exit_status = MT_CLI_EXIT_FAILURE;
  sigint_id = g_unix_signal_add (SIGINT, sigint_cb, &f);

  f.pending++;
  g_dbus_proxy_call_with_unix_fd_list (G_DBUS_PROXY (helper), method,
                                       mt_helper_job_parameters (owned_args, handle),
                                       G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, G_MAXINT,
                                       fd_list, f.cancellable, call_done_cb, &f);
  g_clear_object (&fd_list);

  g_main_loop_run (f.loop);

  /* let every pending operation see the cancellation before f goes */
  g_cancellable_cancel (f.cancellable);
  while (f.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint_id);
  g_clear_handle_id (&f.grace_id, g_source_remove);
  g_clear_object (&f.job);
  g_clear_object (&f.log);
  g_clear_object (&f.cancellable);
  g_clear_pointer (&f.loop, g_main_loop_unref);
  g_free (f.last_stage);
  g_free (f.end_state);
  g_free (f.end_message);

  return f.exit_status;
}
