/* mtd-daemon.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-daemon"

#include "config.h"

#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "mt-core.h"
#include "mt-dbus-generated.h"
#include "mtd-authority.h"
#include "mtd-backup-store.h"
#include "mtd-daemon.h"
#include "mtd-installer.h"
#include "mtd-journal.h"
#include "mtd-kmod.h"
#include "mtd-operations.h"
#include "mtd-state.h"
#include "mtd-validate.h"

#define MTD_BUS_NAME    "io.github.modtune.Helper"
#define MTD_OBJECT_PATH "/io/github/modtune/Helper"

/* How long an ended job stays exported, so that a late client sees it. */
#define JOB_LINGER_SECONDS 60

/* SECURITY.md rule 28: at most this many mutating calls per uid in a
 * window; more are refused before any work, so one user cannot flood the
 * helper or polkit. */
#define RATE_WINDOW_SECONDS 10
#define MAX_KNOWN_CALLERS   1024

/* Test-only (honoured only when not root): the recovery waits while the
 * file this variable names exists. */
#define RECOVERY_GATE_VARIABLE "MODTUNE_HELPER_RECOVERY_GATE"

/* Calls held during the recovery come before validation, rate limits and
 * polkit (rule 28): at most this many in all, and per caller; more get
 * `Busy`. */
#define MAX_HELD_CALLS            64
#define MAX_HELD_CALLS_PER_CALLER 4

/* Where the recovery of an interrupted install (mtd_journal_recover())
 * stands.  Until it is done, Helper1 calls are held. */
typedef enum
{
  RECOVERY_NOT_STARTED, /* until the bus name is ours */
  RECOVERY_RUNNING,     /* in a worker thread */
  RECOVERY_FAILED,      /* the helper is stopping */
  RECOVERY_DONE,
} RecoveryState;

/**
 * MtdDaemon:
 *
 * The helper service: owns `io.github.modtune.Helper` on the system bus,
 * exports `io.github.modtune.Helper1` and, through an ObjectManager, one
 * `io.github.modtune.Job1` object per job.  Every call is validated first
 * (ids, enum tokens, descriptors: never paths), then every mutating call
 * is authorized with polkit (MtdAuthority), and only then does a job
 * exist.  One job runs at a time; a second gets `Busy`.  At start it
 * checks its state directory (SECURITY.md rule 17), owns its name, and
 * then, in a worker thread, finishes or undoes an install a crash
 * interrupted (mtd_journal_recover(), which runs depmod and can take
 * longer than the bus's activation timeout).  Every Helper1 call that
 * arrives meanwhile is held, then dispatched in arrival order when the
 * recovery has ended, or answered with its error if it failed.  It exits
 * when idle with no job, or when it loses its name.
 */
struct _MtdDaemon
{
  GObject parent_instance;

  char *root; /* "/" or a test root */
  GMainLoop *loop;
  GDBusConnection *connection;
  MtDbusHelper1 *skeleton;
  GDBusObjectManagerServer *manager;
  MtdAuthority *authority;
  MtdJob *job; /* the running job, if any */
  guint n_jobs;
  guint pending;     /* calls waiting for authorization */
  guint max_calls;   /* per uid and RATE_WINDOW_SECONDS */
  GHashTable *uids;  /* unique bus name -> uid + 1 */
  GHashTable *rates; /* uid -> Rate */
  RecoveryState recovery_state;
  GQueue held;        /* GDBusMethodInvocation: calls held during the recovery */
  gboolean recovered; /* an interrupted install was recovered at start */
  guint owner_id;
  guint idle_timeout;
  guint idle_source;
  int exit_status;
  GError *error;
};

G_DEFINE_FINAL_TYPE (MtdDaemon, mtd_daemon, G_TYPE_OBJECT)

typedef enum
{
  OPERATION_APPLY,
  OPERATION_RESTORE,
  OPERATION_UNINSTALL,
  OPERATION_DELETE_BACKUP,
  OPERATION_LOAD,
  OPERATION_UNLOAD,
} Operation;

static const struct
{
  const char *name;
  const char *action;
} operations[] = {
  [OPERATION_APPLY] = { "apply", "io.github.modtune.install-modules" },
  [OPERATION_RESTORE] = { "restore", "io.github.modtune.restore-backup" },
  [OPERATION_UNINSTALL] = { "uninstall", "io.github.modtune.uninstall-modules" },
  [OPERATION_DELETE_BACKUP] = { "delete-backup", "io.github.modtune.delete-backup" },
  [OPERATION_LOAD] = { "load", "io.github.modtune.load-modules" },
  [OPERATION_UNLOAD] = { "unload", "io.github.modtune.load-modules" },
};

/* A validated call waiting for polkit. */
typedef struct
{
  MtdDaemon *daemon;
  GDBusMethodInvocation *invocation;
  Operation operation;
  MtdRequest *request;
  int log_fd;
} Pending;

static void
pending_free (Pending *pending)
{
  pending->daemon->pending--;
  g_object_unref (pending->daemon);
  g_object_unref (pending->invocation);
  mtd_request_free (pending->request);
  if (pending->log_fd >= 0)
    close (pending->log_fd);
  g_free (pending);
}

static void
mtd_daemon_finalize (GObject *object)
{
  MtdDaemon *self = (MtdDaemon *) object;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_queue_clear_full (&self->held, g_object_unref);
  if (self->owner_id != 0)
    g_bus_unown_name (self->owner_id);
  if (self->skeleton != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  g_clear_object (&self->skeleton);
  g_clear_object (&self->manager);
  g_clear_object (&self->authority);
  g_clear_object (&self->job);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->uids, g_hash_table_unref);
  g_clear_pointer (&self->rates, g_hash_table_unref);
  g_clear_error (&self->error);
  g_free (self->root);

  G_OBJECT_CLASS (mtd_daemon_parent_class)->finalize (object);
}

static void
mtd_daemon_class_init (MtdDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mtd_daemon_finalize;
}

static void
mtd_daemon_init (MtdDaemon *self)
{
  self->loop = g_main_loop_new (NULL, FALSE);
  self->uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rates = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_queue_init (&self->held);
}

/**
 * mtd_daemon_new:
 * @root: "/", or a test root (the caller makes sure it is honoured only
 *   when not running as root)
 * @idle_timeout_seconds: exit after this long without a call or a job; 0
 *   never exits
 * @authorization_timeout_seconds: how long to wait for polkit
 * @max_calls: how many mutating calls one uid may make in ten seconds
 */
MtdDaemon *
mtd_daemon_new (const char *root,
                guint idle_timeout_seconds,
                guint authorization_timeout_seconds,
                guint max_calls)
{
  MtdDaemon *self = g_object_new (MTD_TYPE_DAEMON, NULL);

  self->max_calls = MAX (max_calls, 1);
  self->root = g_strdup (root);
  self->idle_timeout = idle_timeout_seconds;
  self->authority = mtd_authority_new (authorization_timeout_seconds);

  return self;
}

static gboolean
idle_timeout_cb (gpointer user_data)
{
  MtdDaemon *self = user_data;

  self->idle_source = 0;
  /* recovery_done_cb() restarts the timer */
  if (self->job != NULL || self->pending > 0 || self->recovery_state != RECOVERY_DONE ||
      !g_queue_is_empty (&self->held))
    return G_SOURCE_REMOVE;

  g_info ("Idle for %u s, exiting", self->idle_timeout);
  g_main_loop_quit (self->loop);

  return G_SOURCE_REMOVE;
}

static void
reset_idle_timer (MtdDaemon *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->idle_timeout > 0)
    self->idle_source = g_timeout_add_seconds (self->idle_timeout, idle_timeout_cb, self);
}

static gboolean
is_test_root (MtdDaemon *self)
{
  return g_strcmp0 (self->root, "/") != 0;
}

/* The running kernel's release, from the root's /proc. */
static char *
dup_running_release (MtdDaemon *self)
{
  g_autofree char *path = g_build_filename (self->root, "proc/sys/kernel/osrelease", NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;

  return g_strdup (g_strstrip (text));
}

/* "" means the running kernel; anything else must pass rule 8. */
static char *
resolve_kernel (MtdDaemon *self, const char *kernel_release, GError **error)
{
  g_autofree char *release = NULL;

  if (kernel_release[0] == '\0')
    {
      release = dup_running_release (self);
      if (release == NULL)
        {
          g_set_error_literal (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                               _ ("Cannot tell which kernel is running"));
          return NULL;
        }
    }
  else
    release = g_strdup (kernel_release);

  if (!mtd_validate_kernel_release (self->root, release, error))
    return NULL;

  return g_steal_pointer (&release);
}

static gboolean
check_not_busy (MtdDaemon *self, GError **error)
{
  if (self->job == NULL)
    return TRUE;

  g_set_error (error, MT_ERROR, MT_ERROR_BUSY,
               _ ("Another operation is running (%s); wait for it to end"),
               mtd_job_get_object_path (self->job));
  return FALSE;
}

typedef struct
{
  gint64 window_start;
  guint calls;
} Rate;

static guint
get_caller_uid (MtdDaemon *self, const char *sender, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  gpointer known;
  guint uid;

  /* a unique name is never reused, and keeps its uid */
  known = g_hash_table_lookup (self->uids, sender);
  if (known != NULL)
    return GPOINTER_TO_UINT (known) - 1;

  reply = g_dbus_connection_call_sync (
    self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
    "GetConnectionUnixUser", g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(u)"),
    G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
  if (reply == NULL)
    return G_MAXUINT;

  g_variant_get (reply, "(u)", &uid);
  if (g_hash_table_size (self->uids) >= MAX_KNOWN_CALLERS)
    g_hash_table_remove_all (self->uids);
  g_hash_table_insert (self->uids, g_strdup (sender), GUINT_TO_POINTER (uid + 1));

  return uid;
}

/* Counts a mutating call against its caller's uid (rule 28). */
static gboolean
check_rate (MtdDaemon *self, GDBusMethodInvocation *invocation, GError **error)
{
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  guint uid = get_caller_uid (self, g_dbus_method_invocation_get_sender (invocation), error);
  Rate *rate;

  if (uid == G_MAXUINT)
    return FALSE;

  rate = g_hash_table_lookup (self->rates, GUINT_TO_POINTER (uid));
  if (rate == NULL)
    {
      rate = g_new0 (Rate, 1);
      g_hash_table_insert (self->rates, GUINT_TO_POINTER (uid), rate);
    }
  if (now - rate->window_start >= RATE_WINDOW_SECONDS)
    {
      rate->window_start = now;
      rate->calls = 0;
    }

  if (++rate->calls > self->max_calls)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_BUSY,
                   _ ("Too many requests: wait %d seconds and try again"), RATE_WINDOW_SECONDS);
      return FALSE;
    }

  return TRUE;
}

static void
return_error (GDBusMethodInvocation *invocation, const GError *error)
{
  g_dbus_method_invocation_return_gerror (invocation, error);
}

/* --- jobs ------------------------------------------------------------ */

static gboolean
unexport_job_cb (gpointer user_data)
{
  g_autoptr (MtdJob) job = user_data;
  g_autoptr (GDBusObjectManagerServer) manager = g_object_steal_data (G_OBJECT (job), "manager");

  if (manager != NULL)
    g_dbus_object_manager_server_unexport (manager, mtd_job_get_object_path (job));

  return G_SOURCE_REMOVE;
}

static void
job_finished_cb (MtdJob *job, MtdDaemon *self)
{
  if (self->job == job)
    g_clear_object (&self->job);

  g_object_set_data_full (G_OBJECT (job), "manager", g_object_ref (self->manager), g_object_unref);
  g_timeout_add_seconds (JOB_LINGER_SECONDS, unexport_job_cb, g_object_ref (job));
  reset_idle_timer (self);
}

typedef struct
{
  MtdDaemon *daemon;
  MtdJob *job;
  GDBusMethodInvocation *invocation;
} CancelCall;

static void
cancel_authorized_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CancelCall *call = user_data;
  g_autoptr (GError) error = NULL;

  if (!mtd_authority_check_finish (MTD_AUTHORITY (source), result, &error) ||
      !mtd_job_cancel (call->job, &error))
    return_error (call->invocation, error);
  else
    g_dbus_method_invocation_return_value (call->invocation, NULL);

  g_object_unref (call->daemon);
  g_object_unref (call->job);
  g_object_unref (call->invocation);
  g_free (call);
}

/* Job1.Cancel: free for the uid that started the job, authorized otherwise. */
static gboolean
handle_cancel (MtDbusJob1 *iface, GDBusMethodInvocation *invocation, GVariant *options, MtdJob *job)
{
  MtdDaemon *self = g_object_get_data (G_OBJECT (job), "daemon");
  g_autoptr (GError) error = NULL;
  guint uid;

  reset_idle_timer (self);
  if (!mtd_validate_options (options, &error))
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  uid = get_caller_uid (self, g_dbus_method_invocation_get_sender (invocation), &error);
  if (error != NULL)
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  if (uid == mt_dbus_job1_get_started_by_uid (iface))
    {
      if (mtd_job_cancel (job, &error))
        g_dbus_method_invocation_return_value (invocation, NULL);
      else
        return_error (invocation, error);
    }
  else
    {
      CancelCall *call = g_new0 (CancelCall, 1);

      call->daemon = g_object_ref (self);
      call->job = g_object_ref (job);
      call->invocation = g_object_ref (invocation);
      mtd_authority_check_async (
        self->authority, invocation, "io.github.modtune.cancel-job-other-user",
        mt_dbus_job1_get_kernel_release (iface), NULL, cancel_authorized_cb, call);
    }

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
start_job (MtdDaemon *self, Pending *pending)
{
  const char *sender = g_dbus_method_invocation_get_sender (pending->invocation);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  MtdJobFunc func;
  guint uid;

  uid = get_caller_uid (self, sender, &error);
  if (error != NULL)
    {
      return_error (pending->invocation, error);
      return;
    }

  path = g_strdup_printf (MTD_OBJECT_PATH "/jobs/%u", ++self->n_jobs);
  self->job = mtd_job_new (self->connection, path, operations[pending->operation].name,
                           pending->request->kernel_release, sender, uid, pending->log_fd);
  pending->log_fd = -1;
  g_object_set_data (G_OBJECT (self->job), "daemon", self);
  g_signal_connect_object (
    mt_dbus_object_get_job1 (MT_DBUS_OBJECT (mtd_job_get_object (self->job))), "handle-cancel",
    G_CALLBACK (handle_cancel), self->job, 0);
  g_signal_connect_object (self->job, "finished", G_CALLBACK (job_finished_cb), self, 0);
  g_dbus_object_manager_server_export (self->manager,
                                       G_DBUS_OBJECT_SKELETON (mtd_job_get_object (self->job)));

  switch (pending->operation)
    {
    case OPERATION_APPLY:
      func = mtd_operation_apply;
      break;
    case OPERATION_RESTORE:
      func = mtd_operation_restore;
      break;
    case OPERATION_UNINSTALL:
    default:
      func = mtd_operation_uninstall;
      break;
    }

  mtd_job_start (self->job, func, g_steal_pointer (&pending->request), mtd_request_free);
  g_dbus_method_invocation_return_value (pending->invocation, g_variant_new ("(o)", path));
}

static void
run_now (MtdDaemon *self, Pending *pending)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdBackupStore) store = NULL;
  gboolean ok = FALSE;

  switch (pending->operation)
    {
    case OPERATION_DELETE_BACKUP:
      store = mtd_backup_store_new (self->root, &error);
      ok = store != NULL && mtd_backup_store_delete (store, pending->request->backup_id, &error);
      break;
    case OPERATION_LOAD:
      ok =
        mtd_kmod_load (self->root, pending->request->kernel_release, is_test_root (self), &error);
      break;
    case OPERATION_UNLOAD:
      /* a test root never touches the running kernel's modules */
      ok = is_test_root (self) || mtd_kmod_unload (&error);
      break;
    case OPERATION_APPLY:
    case OPERATION_RESTORE:
    case OPERATION_UNINSTALL:
    default:
      g_assert_not_reached ();
    }

  if (ok)
    g_dbus_method_invocation_return_value (pending->invocation, NULL);
  else
    return_error (pending->invocation, error);
}

static void
authorized_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *pending = user_data;
  MtdDaemon *self = pending->daemon;
  g_autoptr (GError) error = NULL;

  /* fail closed: nothing happens without a yes */
  if (!mtd_authority_check_finish (MTD_AUTHORITY (source), result, &error) ||
      !check_not_busy (self, &error))
    return_error (pending->invocation, error);
  else if (pending->operation == OPERATION_APPLY || pending->operation == OPERATION_RESTORE ||
           pending->operation == OPERATION_UNINSTALL)
    start_job (self, pending);
  else
    run_now (self, pending);

  pending_free (pending);
  reset_idle_timer (self);
}

/* Authorizes a validated request, then runs it; takes @request and @log_fd. */
static void
authorize_and_run (MtdDaemon *self,
                   GDBusMethodInvocation *invocation,
                   Operation operation,
                   MtdRequest *request,
                   int log_fd)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->daemon = g_object_ref (self);
  pending->invocation = g_object_ref (invocation);
  pending->operation = operation;
  pending->request = request;
  pending->log_fd = log_fd;
  self->pending++;

  mtd_authority_check_async (self->authority, invocation, operations[operation].action,
                             request->kernel_release, request->backup_id, authorized_cb, pending);
}

static MtdRequest *
new_request (MtdDaemon *self, const char *kernel_release)
{
  MtdRequest *request = g_new0 (MtdRequest, 1);

  request->root = g_strdup (self->root);
  request->kernel_release = g_strdup (kernel_release);
  request->running_release = dup_running_release (self);
  request->self_exe = g_file_read_link ("/proc/self/exe", NULL);
  request->flag_ids = g_new0 (char *, 1);

  return request;
}

/* The descriptor behind an `h` argument, checked (a pipe or a socket). */
static int
get_log_fd (GUnixFDList *fd_list, GVariant *handle, GError **error)
{
  int fd;

  if (fd_list == NULL || g_variant_get_handle (handle) >= g_unix_fd_list_get_length (fd_list))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                           _ ("The log descriptor is missing"));
      return -1;
    }

  fd = g_unix_fd_list_get (fd_list, g_variant_get_handle (handle), error);
  if (fd < 0)
    return -1;
  if (!mtd_validate_log_fd (fd, error))
    {
      close (fd);
      return -1;
    }

  return fd;
}

/* --- Helper1 methods ------------------------------------------------- */

static void
add_string (GVariantBuilder *builder, const char *key, const char *value)
{
  if (value != NULL)
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_string (value));
}

static gboolean
handle_get_system_info (MtDbusHelper1 *skeleton, GDBusMethodInvocation *invocation, MtdDaemon *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtCpuid) cpuid = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  GVariantBuilder builder;
  MtCpuInfo *cpu;
  MtKernelInfo *kernel;

  reset_idle_timer (self);

  /* Always detect afresh: a client's view of the machine is never trusted. */
  sysroot = mt_sysroot_new (self->root, &error);
  if (sysroot != NULL)
    cpuid = mt_cpuid_new_for_sysroot (sysroot, NULL, &error);
  if (error == NULL)
    info = mt_system_info_probe (sysroot, cpuid, &error);

  if (info == NULL)
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  cpu = mt_system_info_get_cpu (info);
  kernel = mt_system_info_get_kernel (info);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  add_string (&builder, "cpu-vendor", mt_cpu_info_get_vendor (cpu));
  add_string (&builder, "cpu-model-name", mt_cpu_info_get_model_name (cpu));
  g_variant_builder_add (&builder, "{sv}", "cpu-logical-cpus",
                         g_variant_new_uint32 (mt_cpu_info_get_logical_cpus (cpu)));
  add_string (&builder, "kernel-release", mt_kernel_info_get_release (kernel));
  add_string (&builder, "kernel-compiler", mt_kernel_info_get_compiler (kernel));

  mt_dbus_helper1_complete_get_system_info (skeleton, invocation, g_variant_builder_end (&builder));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_status (MtDbusHelper1 *skeleton,
                   GDBusMethodInvocation *invocation,
                   const char *kernel_release,
                   MtdDaemon *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtVmwareInfo) vmware = NULL;
  g_autofree char *release = NULL;
  g_autofree char *running = NULL;
  GVariantBuilder builder;

  reset_idle_timer (self);

  release = resolve_kernel (self, kernel_release, &error);
  if (release == NULL)
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  add_string (&builder, "kernel-release", release);

  sysroot = mt_sysroot_new (self->root, NULL);
  if (sysroot != NULL)
    vmware = mt_vmware_info_probe (sysroot, NULL);
  if (vmware != NULL && mt_vmware_info_is_installed (vmware))
    add_string (&builder, "workstation-version", mt_vmware_info_get_version (vmware));

  running = dup_running_release (self);
  for (MtdModule m = 0; m < MTD_N_MODULES; m++)
    {
      g_autoptr (GVariant) status =
        mtd_installer_dup_module_status (self->root, release, m, &error);
      GVariantDict dict;

      if (status == NULL)
        {
          g_variant_builder_clear (&builder);
          return_error (invocation, error);
          return G_DBUS_METHOD_INVOCATION_HANDLED;
        }
      g_variant_ref_sink (status);

      /* what is loaded is the running kernel's; a test root loads nothing */
      g_variant_dict_init (&dict, status);
      g_variant_dict_insert (&dict, "loaded", "b",
                             !is_test_root (self) && g_strcmp0 (release, running) == 0 &&
                               mtd_kmod_is_loaded (mtd_module_name (m)));
      g_variant_builder_add (&builder, "{sv}", mtd_module_name (m), g_variant_dict_end (&dict));
    }

  if (self->job != NULL)
    g_variant_builder_add (&builder, "{sv}", "job",
                           g_variant_new_object_path (mtd_job_get_object_path (self->job)));
  g_variant_builder_add (&builder, "{sv}", "recovered", g_variant_new_boolean (self->recovered));

  mt_dbus_helper1_complete_get_status (skeleton, invocation, g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_list_backups (MtDbusHelper1 *skeleton, GDBusMethodInvocation *invocation, MtdDaemon *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdBackupStore) store = NULL;
  GVariant *backups = NULL;

  reset_idle_timer (self);

  store = mtd_backup_store_new (self->root, &error);
  if (store != NULL)
    backups = mtd_backup_store_list_variant (store, &error);
  if (backups == NULL)
    return_error (invocation, error);
  else
    mt_dbus_helper1_complete_list_backups (skeleton, invocation, backups);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_apply (MtDbusHelper1 *skeleton,
              GDBusMethodInvocation *invocation,
              GUnixFDList *fd_list,
              const char *kernel_release,
              const char *const *flag_ids,
              GVariant *log_fd,
              GVariant *options,
              MtdDaemon *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdRequest) request = NULL;
  g_autofree char *release = NULL;
  int fd = -1;

  reset_idle_timer (self);

  /* everything is checked before polkit is asked, and before a job exists */
  if (!check_rate (self, invocation, &error) || !mtd_validate_options (options, &error) ||
      !mtd_validate_flag_ids (flag_ids, &error) ||
      (release = resolve_kernel (self, kernel_release, &error)) == NULL ||
      !check_not_busy (self, &error) || (fd = get_log_fd (fd_list, log_fd, &error)) < 0)
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  request = new_request (self, release);
  g_strfreev (request->flag_ids);
  request->flag_ids = g_strdupv ((char **) flag_ids);
  authorize_and_run (self, invocation, OPERATION_APPLY, g_steal_pointer (&request), fd);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_restore (MtDbusHelper1 *skeleton,
                GDBusMethodInvocation *invocation,
                GUnixFDList *fd_list,
                const char *backup_id,
                GVariant *log_fd,
                GVariant *options,
                MtdDaemon *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autoptr (MtdRequest) request = NULL;
  g_autofree char *release = NULL;
  int fd = -1;

  reset_idle_timer (self);

  if (!check_rate (self, invocation, &error) || !mtd_validate_options (options, &error) ||
      !mtd_validate_backup_id (backup_id, &error) ||
      (store = mtd_backup_store_new (self->root, &error)) == NULL ||
      (manifest = mtd_backup_store_lookup (store, backup_id, &error)) == NULL ||
      (release = resolve_kernel (self, manifest->kernel_release, &error)) == NULL ||
      !check_not_busy (self, &error) || (fd = get_log_fd (fd_list, log_fd, &error)) < 0)
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  request = new_request (self, release);
  request->backup_id = g_strdup (backup_id);
  authorize_and_run (self, invocation, OPERATION_RESTORE, g_steal_pointer (&request), fd);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_delete_backup (MtDbusHelper1 *skeleton,
                      GDBusMethodInvocation *invocation,
                      const char *backup_id,
                      MtdDaemon *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (MtdBackupManifest) manifest = NULL;
  MtdRequest *request;

  reset_idle_timer (self);

  if (!check_rate (self, invocation, &error) || !mtd_validate_backup_id (backup_id, &error) ||
      (store = mtd_backup_store_new (self->root, &error)) == NULL ||
      (manifest = mtd_backup_store_lookup (store, backup_id, &error)) == NULL ||
      !check_not_busy (self, &error))
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  request = new_request (self, manifest->kernel_release);
  request->backup_id = g_strdup (backup_id);
  authorize_and_run (self, invocation, OPERATION_DELETE_BACKUP, request, -1);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_uninstall (MtDbusHelper1 *skeleton,
                  GDBusMethodInvocation *invocation,
                  GUnixFDList *fd_list,
                  const char *kernel_release,
                  GVariant *log_fd,
                  GVariant *options,
                  MtdDaemon *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *release = NULL;
  int fd = -1;

  reset_idle_timer (self);

  if (!check_rate (self, invocation, &error) || !mtd_validate_options (options, &error) ||
      (release = resolve_kernel (self, kernel_release, &error)) == NULL ||
      !check_not_busy (self, &error) || (fd = get_log_fd (fd_list, log_fd, &error)) < 0)
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  authorize_and_run (self, invocation, OPERATION_UNINSTALL, new_request (self, release), fd);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
handle_load_or_unload (MtdDaemon *self,
                       GDBusMethodInvocation *invocation,
                       GVariant *options,
                       Operation operation)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *release = NULL;

  reset_idle_timer (self);

  if (!check_rate (self, invocation, &error) || !mtd_validate_options (options, &error) ||
      (release = resolve_kernel (self, "", &error)) == NULL || !check_not_busy (self, &error))
    {
      return_error (invocation, error);
      return;
    }

  authorize_and_run (self, invocation, operation, new_request (self, release), -1);
}

static gboolean
handle_load (MtDbusHelper1 *skeleton,
             GDBusMethodInvocation *invocation,
             GVariant *options,
             MtdDaemon *self)
{
  handle_load_or_unload (self, invocation, options, OPERATION_LOAD);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_unload (MtDbusHelper1 *skeleton,
               GDBusMethodInvocation *invocation,
               GVariant *options,
               MtdDaemon *self)
{
  handle_load_or_unload (self, invocation, options, OPERATION_UNLOAD);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- recovery at start ----------------------------------------------- */

/* Whether one more call of its sender fits in the queue (the caps above). */
static gboolean
may_hold (MtdDaemon *self, GDBusMethodInvocation *invocation)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  guint of_sender = 0;

  if (g_queue_get_length (&self->held) >= MAX_HELD_CALLS)
    return FALSE;
  for (GList *l = self->held.head; l != NULL; l = l->next)
    if (g_strcmp0 (g_dbus_method_invocation_get_sender (l->data), sender) == 0)
      of_sender++;

  return of_sender < MAX_HELD_CALLS_PER_CALLER;
}

/* Answers every held call with @error: the helper is stopping. */
static void
answer_held_calls (MtdDaemon *self, const GError *error)
{
  GDBusMethodInvocation *invocation;

  while ((invocation = g_queue_pop_head (&self->held)) != NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      g_object_unref (invocation);
    }
}

/* The marshaller of a closure connected to every `handle-*` signal of
 * Helper1 before the handlers, so that they need no check of their own.
 * Once the recovery is done it returns FALSE, and the emission goes on to
 * the handler.  Until then it keeps the call (a reference in the queue;
 * the call is not returned yet) and stops the emission;
 * dispatch_held_call() dispatches it again later.  After a failed
 * recovery it answers with the error. */
static void
hold_call_marshal (GClosure *closure,
                   GValue *return_value,
                   guint n_param_values,
                   const GValue *param_values,
                   gpointer invocation_hint,
                   gpointer marshal_data)
{
  MtdDaemon *self = closure->data;
  GDBusMethodInvocation *invocation;

  g_return_if_fail (n_param_values >= 2 &&
                    G_VALUE_HOLDS (&param_values[1], G_TYPE_DBUS_METHOD_INVOCATION));

  if (self->recovery_state == RECOVERY_DONE)
    {
      g_value_set_boolean (return_value, FALSE);
      return;
    }

  invocation = g_value_get_object (&param_values[1]);
  if (self->recovery_state == RECOVERY_FAILED && self->error != NULL)
    g_dbus_method_invocation_return_gerror (invocation, self->error);
  else if (!may_hold (self, invocation))
    g_dbus_method_invocation_return_error_literal (
      invocation, MT_ERROR, MT_ERROR_BUSY,
      _ ("The helper is finishing an install a crash interrupted; try again in a minute"));
  else
    {
      /* the method is one of Helper1's, the sender a unique name: no
       * client text reaches the log (rule 35) */
      g_debug ("Holding a call to %s from %s until the recovery has ended",
               g_dbus_method_invocation_get_method_name (invocation),
               g_dbus_method_invocation_get_sender (invocation));
      g_queue_push_tail (&self->held, g_object_ref (invocation));
    }
  g_value_set_boolean (return_value, G_DBUS_METHOD_INVOCATION_HANDLED);
}

static void
hold_calls_during_recovery (MtdDaemon *self)
{
  g_autofree guint *ids = NULL;
  guint n_ids;

  ids = g_signal_list_ids (MT_DBUS_TYPE_HELPER1, &n_ids);
  for (guint i = 0; i < n_ids; i++)
    {
      GClosure *closure;

      if (!g_str_has_prefix (g_signal_name (ids[i]), "handle-"))
        continue;
      closure = g_closure_new_simple (sizeof (GClosure), self);
      g_closure_set_marshal (closure, hold_call_marshal);
      g_signal_connect_closure_by_id (self->skeleton, ids[i], 0, closure, FALSE);
    }
}

/* Dispatches a held call as GDBus would have: through the skeleton's own
 * vtable (whose user data is the skeleton), which emits its `handle-*`
 * signal.  The call's handler returns it. */
static void
dispatch_held_call (MtdDaemon *self, GDBusMethodInvocation *invocation)
{
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON (self->skeleton);

  g_dbus_interface_skeleton_get_vtable (skeleton)->method_call (
    g_dbus_method_invocation_get_connection (invocation),
    g_dbus_method_invocation_get_sender (invocation),
    g_dbus_method_invocation_get_object_path (invocation),
    g_dbus_method_invocation_get_interface_name (invocation),
    g_dbus_method_invocation_get_method_name (invocation),
    g_dbus_method_invocation_get_parameters (invocation), invocation, skeleton);
}

/* In a worker thread: it sees only its copy of the root, never the daemon. */
static void
recover_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *root = task_data;
  MtdRecovery recovery = MTD_RECOVERY_NONE;
  GError *error = NULL;

  mtd_fs_gate_point (RECOVERY_GATE_VARIABLE);
  if (mtd_journal_recover (root, NULL, &recovery, &error))
    g_task_return_int (task, recovery);
  else
    g_task_return_error (task, error);
}

static void
recovery_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MtdDaemon *self = MTD_DAEMON (source);
  g_autoptr (GError) error = NULL;
  GDBusMethodInvocation *invocation;
  gssize recovery;

  recovery = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      /* for the held calls and, through main(), the log */
      g_clear_error (&self->error);
      g_set_error (&self->error, MT_ERROR, MT_ERROR_FAILED,
                   _ ("Could not finish or undo an interrupted install: %s. The helper has "
                      "stopped and changed nothing else; fix the cause, then try again (the "
                      "recovery is retried when the helper next starts)"),
                   error->message);
      self->recovery_state = RECOVERY_FAILED;
      answer_held_calls (self, self->error);
      self->exit_status = 1;
      g_main_loop_quit (self->loop);
      return;
    }

  /* before any held GetStatus runs */
  self->recovered = recovery != MTD_RECOVERY_NONE;
  if (self->recovered)
    g_message ("An interrupted install was %s", mtd_recovery_to_string ((MtdRecovery) recovery));
  self->recovery_state = RECOVERY_DONE;

  /* in arrival order; a call that comes now waits for the next iteration */
  while ((invocation = g_queue_pop_head (&self->held)) != NULL)
    {
      dispatch_held_call (self, invocation);
      g_object_unref (invocation);
    }
  reset_idle_timer (self);
}

static void
start_recovery (MtdDaemon *self)
{
  g_autoptr (GTask) task = NULL;

  self->recovery_state = RECOVERY_RUNNING;
  task = g_task_new (self, NULL, recovery_done_cb, NULL);
  g_task_set_source_tag (task, start_recovery);
  g_task_set_task_data (task, g_strdup (self->root), g_free);
  g_task_run_in_thread (task, recover_in_thread);
}

/* --- the bus --------------------------------------------------------- */

static void
bus_acquired_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  MtdDaemon *self = user_data;
  g_autoptr (GError) error = NULL;

  self->connection = g_object_ref (connection);
  self->skeleton = mt_dbus_helper1_skeleton_new ();
  mt_dbus_helper1_set_daemon_version (self->skeleton, PACKAGE_VERSION);

  /* first, so that it runs before every handler */
  hold_calls_during_recovery (self);
  g_signal_connect (self->skeleton, "handle-get-system-info", G_CALLBACK (handle_get_system_info),
                    self);
  g_signal_connect (self->skeleton, "handle-get-status", G_CALLBACK (handle_get_status), self);
  g_signal_connect (self->skeleton, "handle-list-backups", G_CALLBACK (handle_list_backups), self);
  g_signal_connect (self->skeleton, "handle-apply", G_CALLBACK (handle_apply), self);
  g_signal_connect (self->skeleton, "handle-restore", G_CALLBACK (handle_restore), self);
  g_signal_connect (self->skeleton, "handle-delete-backup", G_CALLBACK (handle_delete_backup),
                    self);
  g_signal_connect (self->skeleton, "handle-uninstall", G_CALLBACK (handle_uninstall), self);
  g_signal_connect (self->skeleton, "handle-load", G_CALLBACK (handle_load), self);
  g_signal_connect (self->skeleton, "handle-unload", G_CALLBACK (handle_unload), self);

  self->manager = g_dbus_object_manager_server_new (MTD_OBJECT_PATH);
  g_dbus_object_manager_server_set_connection (self->manager, connection);

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                         MTD_OBJECT_PATH, &error))
    {
      g_warning ("Cannot export %s: %s", MTD_OBJECT_PATH, error->message);
      self->error = g_steal_pointer (&error);
      self->exit_status = 1;
      g_main_loop_quit (self->loop);
    }
}

static void
name_acquired_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  MtdDaemon *self = user_data;

  g_info ("Acquired %s", name);
  /* only once the name is ours: no other helper works on the root now */
  if (self->recovery_state == RECOVERY_NOT_STARTED)
    start_recovery (self);
  reset_idle_timer (self);
}

static void
name_lost_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  MtdDaemon *self = user_data;

  if (self->error == NULL)
    {
      if (connection == NULL)
        g_set_error (&self->error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                     "Cannot connect to the system bus");
      else
        g_set_error (&self->error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                     "Cannot own %s: another helper is running, or the bus policy forbids it",
                     name);
    }
  answer_held_calls (self, self->error);
  self->exit_status = 1;
  g_main_loop_quit (self->loop);
}

/**
 * mtd_daemon_run:
 *
 * Checks the state directory, owns the name, and once it is owned
 * recovers from an interrupted install in a worker thread, holding the
 * calls that arrive meanwhile; then serves until idle or until the name
 * is lost.  The recovery runs off the main loop because depmod can take
 * longer than the bus's activation timeout on a slow machine.
 *
 * Returns: 0 after an idle exit, 1 with @error set otherwise (the
 *   recovery failed, or the name could not be owned or was lost)
 */
int
mtd_daemon_run (MtdDaemon *self, GError **error)
{
  g_return_val_if_fail (MTD_IS_DAEMON (self), 1);

  /* SECURITY.md rule 17: a state directory others could write is refused */
  if (!mtd_state_dir_check (self->root, error))
    return 1;

  self->owner_id = g_bus_own_name (G_BUS_TYPE_SYSTEM, MTD_BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                   bus_acquired_cb, name_acquired_cb, name_lost_cb, self, NULL);
  g_main_loop_run (self->loop);

  /* the answers to held calls, when the recovery failed, must leave first */
  if (self->connection != NULL)
    g_dbus_connection_flush_sync (self->connection, NULL, NULL);

  if (self->exit_status != 0 && self->error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->error));

  return self->exit_status;
}
