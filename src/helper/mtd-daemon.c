/* mtd-daemon.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-daemon"

#include "config.h"

#include "mt-core.h"
#include "mt-dbus-generated.h"
#include "mtd-daemon.h"

#define MTD_BUS_NAME    "io.github.modtune.Helper"
#define MTD_OBJECT_PATH "/io/github/modtune/Helper"

/**
 * MtdDaemon:
 *
 * The helper service: owns `io.github.modtune.Helper` on the system bus,
 * exports `io.github.modtune.Helper1`, and exits when it has been idle for
 * the configured time or loses its name.
 */
struct _MtdDaemon
{
  GObject parent_instance;

  GMainLoop *loop;
  GDBusConnection *connection;
  MtDbusHelper1 *skeleton;
  guint owner_id;
  guint idle_timeout;
  guint idle_source;
  int exit_status;
  GError *error;
};

G_DEFINE_FINAL_TYPE (MtdDaemon, mtd_daemon, G_TYPE_OBJECT)

static void
mtd_daemon_finalize (GObject *object)
{
  MtdDaemon *self = (MtdDaemon *) object;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->owner_id != 0)
    g_bus_unown_name (self->owner_id);
  if (self->skeleton != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  g_clear_object (&self->skeleton);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_error (&self->error);

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
}

/**
 * mtd_daemon_new:
 * @idle_timeout_seconds: exit after this long without a call; 0 never exits
 */
MtdDaemon *
mtd_daemon_new (guint idle_timeout_seconds)
{
  MtdDaemon *self = g_object_new (MTD_TYPE_DAEMON, NULL);

  self->idle_timeout = idle_timeout_seconds;

  return self;
}

static gboolean
idle_timeout_cb (gpointer user_data)
{
  MtdDaemon *self = user_data;

  g_info ("Idle for %u s, exiting", self->idle_timeout);
  self->idle_source = 0;
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
  sysroot = mt_sysroot_new ("/", &error);
  if (sysroot != NULL)
    cpuid = mt_cpuid_new_for_sysroot (sysroot, NULL, &error);
  if (error == NULL)
    info = mt_system_info_probe (sysroot, cpuid, &error);

  if (info == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
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

static void
bus_acquired_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  MtdDaemon *self = user_data;
  g_autoptr (GError) error = NULL;

  self->connection = g_object_ref (connection);
  self->skeleton = mt_dbus_helper1_skeleton_new ();
  mt_dbus_helper1_set_daemon_version (self->skeleton, PACKAGE_VERSION);
  g_signal_connect (self->skeleton, "handle-get-system-info", G_CALLBACK (handle_get_system_info),
                    self);

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
  self->exit_status = 1;
  g_main_loop_quit (self->loop);
}

/**
 * mtd_daemon_run:
 *
 * Serves until idle or until the name is lost.
 *
 * Returns: 0 after an idle exit, 1 with @error set otherwise
 */
int
mtd_daemon_run (MtdDaemon *self, GError **error)
{
  g_return_val_if_fail (MTD_IS_DAEMON (self), 1);

  self->owner_id = g_bus_own_name (G_BUS_TYPE_SYSTEM, MTD_BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                   bus_acquired_cb, name_acquired_cb, name_lost_cb, self, NULL);
  g_main_loop_run (self->loop);

  if (self->exit_status != 0 && self->error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->error));

  return self->exit_status;
}
