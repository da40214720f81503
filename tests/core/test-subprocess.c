/* test-subprocess.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <gio/gio.h>

#include "mt-error.h"
#include "mt-subprocess.h"

static GSubprocess *
spawn (GSubprocessFlags flags, const char *script)
{
  g_autoptr (GError) error = NULL;
  GSubprocess *process = g_subprocess_new (flags, &error, "/bin/sh", "-c", script, NULL);

  g_assert_no_error (error);
  return process;
}

static void
test_communicate_output (void)
{
  g_autoptr (GSubprocess) process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, "echo hello; exit 3");
  g_autoptr (GBytes) output = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (mt_subprocess_communicate (process, 60, NULL, &output, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (output, NULL), g_bytes_get_size (output), "hello\n", 6);
  /* a failing exit status is the caller's to judge */
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 3);
}

static void
test_communicate_timeout (void)
{
  g_autoptr (GSubprocess) process =
    spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, "echo started; exec sleep 600");
  g_autoptr (GBytes) output = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_false (mt_subprocess_communicate (process, 1, NULL, &output, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "did not finish within 1 second"));
  g_assert_null (output);

  /* the process was killed, not left running */
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_later (gpointer user_data)
{
  g_usleep (200 * 1000);
  cancel_cb (user_data);
  return NULL;
}

static void
test_wait_cancelled (void)
{
  g_autoptr (GSubprocess) process = spawn (G_SUBPROCESS_FLAGS_NONE, "exec sleep 600");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  GThread *thread = g_thread_new ("cancel", cancel_later, cancellable);

  /* cancelled from another thread while waiting */
  g_assert_false (mt_subprocess_wait (process, 600, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (thread);

  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (process));
}

static void
test_wait_already_cancelled (void)
{
  g_autoptr (GSubprocess) process = spawn (G_SUBPROCESS_FLAGS_NONE, "exec sleep 600");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (mt_subprocess_wait (process, 600, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (process));
}

static void
test_wait_exit (void)
{
  g_autoptr (GSubprocess) process = spawn (G_SUBPROCESS_FLAGS_NONE, "exit 0");
  g_autoptr (GError) error = NULL;

  g_assert_true (mt_subprocess_wait (process, 60, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/communicate/output", test_communicate_output);
  g_test_add_func ("/process/communicate/timeout", test_communicate_timeout);
  g_test_add_func ("/process/wait/exit", test_wait_exit);
  g_test_add_func ("/process/wait/cancelled", test_wait_cancelled);
  g_test_add_func ("/process/wait/already-cancelled", test_wait_already_cancelled);

  return g_test_run ();
}
