/* mt-subprocess.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-subprocess"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-subprocess.h"

/**
 * SECTION:mt-subprocess
 *
 * Waiting for a compiler or make with a time limit: a build that hangs
 * (a compiler stuck on a pathological input, make waiting on a lock) is
 * killed after the limit and reported, instead of holding the caller — and
 * in the helper the one job slot — forever.  Cancelling kills the process
 * too.  Both waits run a private main context, so they work from any
 * thread and never dispatch the caller's sources.
 */

typedef struct
{
  GAsyncResult *result;
  gboolean timed_out;
} Wait;

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *outer, GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/* Runs one of the two waits on a private context until it completes,
 * killing @process on timeout or cancellation.  Returns the result, and
 * in @timed_out and @cancelled whether the process was stopped, and why. */
static GAsyncResult *
run_wait (GSubprocess *process,
          gboolean communicate,
          guint timeout_seconds,
          GCancellable *cancellable,
          gboolean *timed_out,
          gboolean *cancelled)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GCancellable) inner = g_cancellable_new ();
  g_autoptr (GSource) timer = g_timeout_source_new_seconds (timeout_seconds);
  Wait wait = { NULL, FALSE };
  gboolean killed = FALSE;
  gulong handler = 0;

  g_main_context_push_thread_default (context);

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), inner, NULL);
  g_source_set_callback (timer, timeout_cb, &wait, NULL);
  g_source_attach (timer, context);

  if (communicate)
    g_subprocess_communicate_async (process, NULL, inner, done_cb, &wait);
  else
    g_subprocess_wait_async (process, inner, done_cb, &wait);

  /* A cancellable that was cancelled before the wait began is not seen by
   * it: kill the process, and the wait ends with it. */
  while (wait.result == NULL)
    {
      if ((wait.timed_out || g_cancellable_is_cancelled (inner)) && !killed)
        {
          g_cancellable_cancel (inner);
          g_subprocess_force_exit (process);
          killed = TRUE;
        }
      g_main_context_iteration (context, TRUE);
    }

  if (!killed && g_cancellable_is_cancelled (inner))
    g_subprocess_force_exit (process);

  g_source_destroy (timer);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  g_main_context_pop_thread_default (context);

  *timed_out = wait.timed_out;
  *cancelled = !wait.timed_out && g_cancellable_is_cancelled (inner);
  return wait.result;
}

static gboolean
finish (gboolean ok,
        gboolean timed_out,
        gboolean cancelled,
        guint timeout_seconds,
        GError *local_error,
        GError **error)
{
  g_autoptr (GError) owned = local_error;

  if (timed_out)
    {
      g_set_error (
        error, MT_ERROR, MT_ERROR_FAILED,
        g_dngettext (GETTEXT_PACKAGE, "it did not finish within %u second and was stopped",
                     "it did not finish within %u seconds and was stopped", timeout_seconds),
        timeout_seconds);
      return FALSE;
    }
  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Operation was cancelled"));
      return FALSE;
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&owned));
      return FALSE;
    }

  return TRUE;
}

/**
 * mt_subprocess_communicate:
 * @process: a process started with %G_SUBPROCESS_FLAGS_STDOUT_PIPE
 * @timeout_seconds: how long it may run
 * @cancellable: (nullable): a #GCancellable
 * @stdout_buf: (out) (optional): what it printed
 * @error: a location for a #GError
 *
 * Reads the output of @process until it exits.  If it runs longer than
 * @timeout_seconds, or @cancellable is cancelled, it is killed.
 *
 * Returns: %TRUE if it exited (whatever its status) in time
 */
gboolean
mt_subprocess_communicate (GSubprocess *process,
                           guint timeout_seconds,
                           GCancellable *cancellable,
                           GBytes **stdout_buf,
                           GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) output = NULL;
  GError *local_error = NULL;
  gboolean timed_out;
  gboolean cancelled;
  gboolean ok;

  g_return_val_if_fail (G_IS_SUBPROCESS (process), FALSE);
  g_return_val_if_fail (timeout_seconds > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = run_wait (process, TRUE, timeout_seconds, cancellable, &timed_out, &cancelled);
  ok = g_subprocess_communicate_finish (process, result, &output, NULL, &local_error);
  if (!finish (ok, timed_out, cancelled, timeout_seconds, local_error, error))
    return FALSE;

  if (stdout_buf != NULL)
    *stdout_buf = output != NULL ? g_steal_pointer (&output) : g_bytes_new (NULL, 0);
  return TRUE;
}

/**
 * mt_subprocess_wait:
 * @process: a process
 * @timeout_seconds: how long it may run
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Waits for @process to exit.  If it runs longer than @timeout_seconds, or
 * @cancellable is cancelled, it is killed.
 *
 * Returns: %TRUE if it exited (whatever its status) in time
 */
gboolean
mt_subprocess_wait (GSubprocess *process,
                    guint timeout_seconds,
                    GCancellable *cancellable,
                    GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  GError *local_error = NULL;
  gboolean timed_out;
  gboolean cancelled;
  gboolean ok;

  g_return_val_if_fail (G_IS_SUBPROCESS (process), FALSE);
  g_return_val_if_fail (timeout_seconds > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = run_wait (process, FALSE, timeout_seconds, cancellable, &timed_out, &cancelled);
  ok = g_subprocess_wait_finish (process, result, &local_error);

  return finish (ok, timed_out, cancelled, timeout_seconds, local_error, error);
}
