/* mtd-authority.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-authority"

#include "config.h"

#include <glib/gi18n.h>
#include <polkit/polkit.h>

#include "mtd-authority.h"

/**
 * MtdAuthority:
 *
 * Asks polkit whether the sender of a method call may do an action, in
 * one place for every mutating method (SECURITY.md rules 1–4).  The
 * subject is always the caller's unique bus name
 * (polkit_system_bus_name_new()), never a PID or UID from the message.
 * Interaction (a password dialog) is allowed only when the message says
 * so.  It fails closed: a denial, an error from polkit, polkit missing
 * from the bus, no answer within the time limit, or the caller leaving the
 * bus before the answer all end in an AccessDenied error.
 */
struct _MtdAuthority
{
  GObject parent_instance;

  guint timeout_seconds;
};

G_DEFINE_FINAL_TYPE (MtdAuthority, mtd_authority, G_TYPE_OBJECT)

typedef struct
{
  GDBusConnection *connection;
  char *sender;
  GCancellable *cancellable;
  guint timeout_source;
  guint watch_id;
  gboolean timed_out;
  gboolean caller_vanished;
} Check;

static void
check_free (Check *check)
{
  g_clear_handle_id (&check->timeout_source, g_source_remove);
  if (check->watch_id != 0)
    g_bus_unwatch_name (check->watch_id);
  g_clear_object (&check->cancellable);
  g_clear_object (&check->connection);
  g_free (check->sender);
  g_free (check);
}

static void
mtd_authority_class_init (MtdAuthorityClass *klass)
{
}

static void
mtd_authority_init (MtdAuthority *self)
{
}

/**
 * mtd_authority_new:
 * @timeout_seconds: how long to wait for polkit's answer (a person may be
 *   typing a password)
 */
MtdAuthority *
mtd_authority_new (guint timeout_seconds)
{
  MtdAuthority *self = g_object_new (MTD_TYPE_AUTHORITY, NULL);

  self->timeout_seconds = MAX (timeout_seconds, 1);
  return self;
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Check *check = g_task_get_task_data (task);

  check->timeout_source = 0;
  check->timed_out = TRUE;
  g_cancellable_cancel (check->cancellable);

  return G_SOURCE_REMOVE;
}

static void
caller_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  GTask *task = user_data;
  Check *check = g_task_get_task_data (task);

  check->caller_vanished = TRUE;
  g_cancellable_cancel (check->cancellable);
}

static void
denied (GTask *task, const char *why)
{
  g_task_return_new_error (task, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED, "%s", why);
}

static void
check_authorization_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr (PolkitAuthorizationResult) answer = NULL;
  g_autoptr (GError) error = NULL;

  answer = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), result, &error);

  if (check->caller_vanished)
    denied (task, _ ("The caller left the bus before it was authorized"));
  else if (check->timed_out)
    denied (task, _ ("No authorization came in time; try again"));
  else if (answer == NULL)
    {
      g_autofree char *why = NULL;

      g_dbus_error_strip_remote_error (error);
      why = g_strdup_printf (_ ("Could not ask polkit for authorization: %s"), error->message);
      denied (task, why);
    }
  else if (!polkit_authorization_result_get_is_authorized (answer))
    denied (task, polkit_authorization_result_get_is_challenge (answer)
                    ? _ ("an administrator's password is needed, and no authentication "
                         "agent could ask for it")
                    : _ ("polkit's rules do not allow it"));
  else
    g_task_return_boolean (task, TRUE);
}

static void
authority_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr (PolkitAuthority) authority = NULL;
  g_autoptr (PolkitSubject) subject = NULL;
  g_autoptr (GError) error = NULL;
  PolkitDetails *details = g_object_get_data (G_OBJECT (task), "details");
  const char *action_id = g_object_get_data (G_OBJECT (task), "action-id");
  PolkitCheckAuthorizationFlags flags =
    GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "flags"));

  authority = polkit_authority_get_finish (result, &error);
  if (authority == NULL || polkit_authority_get_owner (authority) == NULL)
    {
      /* no polkitd on the bus: fail closed */
      denied (task, _ ("Cannot check authorization: polkit is not running"));
      return;
    }
  if (check->caller_vanished || check->timed_out)
    {
      denied (task, check->caller_vanished ? _ ("The caller left the bus before it was authorized")
                                           : _ ("No authorization came in time; try again"));
      return;
    }

  subject = polkit_system_bus_name_new (check->sender);
  polkit_authority_check_authorization (authority, subject, action_id, details, flags,
                                        check->cancellable, check_authorization_cb,
                                        g_steal_pointer (&task));
}

/**
 * mtd_authority_check_async:
 * @invocation: the method call to authorize
 * @action_id: a polkit action of data/polkit/
 * @kernel_release: (nullable): the `kernel` detail
 * @backup_id: (nullable): the `backup` detail
 *
 * Asks polkit whether the call's sender may do @action_id.  The `module`
 * detail is always "vmmon and vmnet".
 */
void
mtd_authority_check_async (MtdAuthority *self,
                           GDBusMethodInvocation *invocation,
                           const char *action_id,
                           const char *kernel_release,
                           const char *backup_id,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  PolkitDetails *details;
  Check *check;
  GDBusMessage *message;
  PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;

  g_return_if_fail (MTD_IS_AUTHORITY (self));
  g_return_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation));
  g_return_if_fail (action_id != NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, mtd_authority_check_async);

  check = g_new0 (Check, 1);
  check->connection = g_object_ref (g_dbus_method_invocation_get_connection (invocation));
  check->sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  check->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);

  if (check->sender == NULL)
    {
      denied (task, _ ("Only callers on a message bus can be authorized"));
      return;
    }

  details = polkit_details_new ();
  polkit_details_insert (details, "module", "vmmon and vmnet");
  if (kernel_release != NULL)
    polkit_details_insert (details, "kernel", kernel_release);
  if (backup_id != NULL)
    polkit_details_insert (details, "backup", backup_id);
  g_object_set_data_full (G_OBJECT (task), "details", details, g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "action-id", g_strdup (action_id), g_free);

  message = g_dbus_method_invocation_get_message (invocation);
  if (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;
  g_object_set_data (G_OBJECT (task), "flags", GUINT_TO_POINTER (flags));

  /* the answer must come in time, and only while the caller is there */
  check->timeout_source = g_timeout_add_seconds (self->timeout_seconds, timeout_cb, task);
  check->watch_id =
    g_bus_watch_name_on_connection (check->connection, check->sender, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                    NULL, caller_vanished_cb, task, NULL);

  polkit_authority_get_async (check->cancellable, authority_cb, g_steal_pointer (&task));
}

/**
 * mtd_authority_check_finish:
 *
 * Returns: %TRUE if authorized; otherwise %FALSE with @error set to
 *   %G_DBUS_ERROR_ACCESS_DENIED and a message that says why
 */
gboolean
mtd_authority_check_finish (MtdAuthority *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
