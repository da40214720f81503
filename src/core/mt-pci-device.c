/* mt-pci-device.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-pci-device"

#include "config.h"

#include <setjmp.h>
#include <stdio.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <pci/pci.h>

#include "mt-json.h"
#include "mt-error.h"
#include "mt-pci-device.h"
#include "mt-pci-ids.h"

/**
 * MtPciDevice:
 *
 * One PCI function as libpci sees it through the sysfs tree of a sysroot:
 * its address, vendor/device and subsystem ids, 24-bit class code, the
 * names of its vendor and device in the system's `pci.ids`, and the driver
 * bound to it.
 */
struct _MtPciDevice
{
  GObject parent_instance;

  char *address;
  guint domain;
  guint8 bus;
  guint8 dev;
  guint8 func;
  guint16 vendor_id;
  guint16 device_id;
  guint16 subsystem_vendor_id;
  guint16 subsystem_device_id;
  guint32 class_code;
  guint8 revision;
  char *vendor_name;
  char *device_name;
  char *driver;
};

G_DEFINE_FINAL_TYPE (MtPciDevice, mt_pci_device, G_TYPE_OBJECT)

#define PCI_BUS_PATH     "/sys/bus/pci"
#define PCI_DEVICES_PATH "/sys/bus/pci/devices"

/* A machine has at most a few hundred functions; this bounds a hostile tree
 * (libpci allocates per entry, and we look each one up). */
#define MAX_DEVICES 4096

static void
mt_pci_device_finalize (GObject *object)
{
  MtPciDevice *self = (MtPciDevice *) object;

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->vendor_name, g_free);
  g_clear_pointer (&self->device_name, g_free);
  g_clear_pointer (&self->driver, g_free);

  G_OBJECT_CLASS (mt_pci_device_parent_class)->finalize (object);
}

static void
mt_pci_device_class_init (MtPciDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_pci_device_finalize;
}

static void
mt_pci_device_init (MtPciDevice *self)
{
}

/*
 * libpci reports fatal errors through pacc->error, which must not return
 * (the default prints and calls exit()).  Ours records the message and
 * jumps back to the guard set up around every libpci call, so that a
 * missing or hostile tree becomes a GError.  The guard is per thread, as
 * detection runs in worker threads.
 */
typedef struct
{
  jmp_buf env;
  char *message;
} PciGuard;

static _Thread_local PciGuard *current_guard;

static void fail_guarded (char *message) G_GNUC_NORETURN;
static void pci_error_cb (char *msg, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;
static void pci_warning_cb (char *msg, ...) G_GNUC_PRINTF (1, 2);
static void pci_debug_cb (char *msg, ...) G_GNUC_PRINTF (1, 2);

/* Takes @message and jumps back to the guard. */
static void
fail_guarded (char *message)
{
  PciGuard *guard = current_guard;

  if (guard == NULL)
    {
      /* Every libpci call is guarded; reaching this is a bug of ours. */
      g_critical ("libpci failed outside a guarded call: %s", message);
      abort ();
    }

  g_free (guard->message);
  guard->message = message;
  longjmp (guard->env, 1);
}

static void
pci_error_cb (char *msg, ...)
{
  char *message;
  va_list args;

  va_start (args, msg);
  message = g_strdup_vprintf (msg, args);
  va_end (args);

  fail_guarded (message);
}

static void
pci_warning_cb (char *msg, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, msg);
  text = g_strdup_vprintf (msg, args);
  va_end (args);

  g_debug ("libpci: %s", text);
}

static void
pci_debug_cb (char *msg, ...)
{
}

static int
compare_devices (gconstpointer a, gconstpointer b)
{
  const MtPciDevice *da = *(MtPciDevice *const *) a;
  const MtPciDevice *db = *(MtPciDevice *const *) b;

  if (da->domain != db->domain)
    return da->domain < db->domain ? -1 : 1;
  if (da->bus != db->bus)
    return da->bus < db->bus ? -1 : 1;
  if (da->dev != db->dev)
    return da->dev < db->dev ? -1 : 1;
  return (int) da->func - (int) db->func;
}

/* The basename of the `driver` link, read directly: libpci resolves the
 * link with realpath(), which fails on recorded trees (the link's target is
 * not copied). */
static char *
read_driver_link (MtSysroot *sysroot, const char *address)
{
  g_autofree char *rel = g_build_filename (PCI_DEVICES_PATH, address, "driver", NULL);
  g_autofree char *path = mt_sysroot_resolve (sysroot, rel);
  g_autofree char *target = g_file_read_link (path, NULL);
  g_autofree char *base = NULL;

  if (target == NULL)
    return NULL;

  base = g_path_get_basename (target);
  if (*base == '\0' || g_str_equal (base, ".") || g_str_equal (base, "/"))
    return NULL;

  return g_utf8_make_valid (base, -1);
}

/* Adds the device to @devices first, so that it is freed with them if a
 * later libpci call jumps out. */
static void
add_device (MtSysroot *sysroot, struct pci_dev *d, GPtrArray *devices)
{
  MtPciDevice *self;
  unsigned int known;

  /* not PCI_FILL_DRIVER: see read_driver_link() */
  known = pci_fill_info (d, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS);

  self = g_object_new (MT_TYPE_PCI_DEVICE, NULL);
  g_ptr_array_add (devices, self);

  self->domain = (guint) d->domain;
  self->bus = d->bus;
  self->dev = d->dev;
  self->func = d->func;
  self->address =
    g_strdup_printf ("%04x:%02x:%02x.%u", self->domain, self->bus, self->dev, (guint) self->func);
  self->vendor_id = d->vendor_id;
  self->device_id = d->device_id;
  self->class_code = ((guint32) d->device_class << 8) | d->prog_if;
  self->revision = d->rev_id;
  if (known & PCI_FILL_SUBSYS)
    {
      self->subsystem_vendor_id = d->subsys_vendor_id;
      self->subsystem_device_id = d->subsys_id;
    }

  self->driver = read_driver_link (sysroot, self->address);
}

/* Everything that touches libpci; a libpci error jumps out of it. */
static void
scan (MtSysroot *sysroot, struct pci_access *pacc, const char *bus_path, GPtrArray *devices)
{
  guint count = 0;

  if (pci_set_param (pacc, (char *) "sysfs.path", (char *) bus_path) != 0)
    fail_guarded (g_strdup ("libpci has no sysfs.path parameter"));

  pci_init (pacc);
  pci_scan_bus (pacc);

  for (struct pci_dev *d = pacc->devices; d != NULL; d = d->next)
    {
      if (++count > MAX_DEVICES)
        fail_guarded (g_strdup_printf ("more than %u PCI devices", MAX_DEVICES));
      add_device (sysroot, d, devices);
    }
}

/* Runs scan() under @guard: FALSE with guard->message set if libpci
 * failed.  Nothing of this frame but @guard is used after a longjmp. */
static gboolean
scan_guarded (MtSysroot *sysroot,
              struct pci_access *pacc,
              const char *bus_path,
              GPtrArray *devices,
              PciGuard *guard)
{
  current_guard = guard;
  if (setjmp (guard->env) != 0)
    {
      current_guard = NULL;
      return FALSE;
    }

  scan (sysroot, pacc, bus_path, devices);
  current_guard = NULL;

  return TRUE;
}

/* The names in the system's pci.ids, read once for all the devices.  Not
 * libpci's pci_lookup_name(): it parses the whole file (~5 ms) to name a
 * few devices.  mt-pci-ids gives the same names; never the udev hwdb, which
 * differs between machines (names in a report should not depend on where
 * it was made). */
static void
add_names (GPtrArray *devices)
{
  g_autoptr (MtPciIds) ids = NULL;

  if (devices->len == 0)
    return;

  ids = mt_pci_ids_new_for_system ();
  for (guint i = 0; i < devices->len; i++)
    {
      MtPciDevice *self = g_ptr_array_index (devices, i);

      self->vendor_name = g_strdup (mt_pci_ids_lookup_vendor (ids, self->vendor_id));
      self->device_name =
        g_strdup (mt_pci_ids_lookup_device (ids, self->vendor_id, self->device_id));
    }
}

static void
set_probe_error (MtSysroot *sysroot, GError **error, const char *what)
{
  if (mt_sysroot_is_host (sysroot))
    g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("Cannot list the PCI devices: %s"),
                 what);
  else
    g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                 _ ("Cannot list the PCI devices in %s: %s; is the tree complete?"),
                 mt_sysroot_get_path (sysroot), what);
}

/* libpci stops with a fatal error on an entry that is not an address, after
 * allocating memory it never frees; check the names before it sees them. */
static gboolean
check_entries (MtSysroot *sysroot, GError **error)
{
  g_auto (GStrv) names = NULL;
  g_autoptr (GError) local_error = NULL;
  guint count = 0;

  names = mt_sysroot_list_dir (sysroot, PCI_DEVICES_PATH, &local_error);
  if (names == NULL)
    {
      set_probe_error (sysroot, error, local_error->message);
      return FALSE;
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      unsigned int domain, bus, dev, func;
      int end = -1;

      if (names[i][0] == '.')
        continue;

      if (sscanf (names[i], "%x:%x:%x.%u%n", &domain, &bus, &dev, &func, &end) != 4 || end < 0 ||
          names[i][end] != '\0' || domain > 0x7fffffff || bus > 0xff || dev > 0x1f || func > 7)
        {
          g_autofree char *what =
            g_strdup_printf (_ ("“%s” in %s is not a PCI address"), names[i], PCI_DEVICES_PATH);

          set_probe_error (sysroot, error, what);
          return FALSE;
        }

      if (++count > MAX_DEVICES)
        {
          g_autofree char *what =
            g_strdup_printf (_ ("%s lists more than %u devices"), PCI_DEVICES_PATH, MAX_DEVICES);

          set_probe_error (sysroot, error, what);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * mt_pci_probe:
 * @sysroot: the tree whose `/sys/bus/pci` to read
 *
 * Lists the PCI functions of @sysroot with libpci's sysfs method, and
 * names them from the `pci.ids` of the machine Modtune runs on (see
 * mt_pci_ids_new_for_system()); without a readable `pci.ids` they have no
 * names.  A machine without a PCI bus (no `/sys/bus/pci/devices`) gives an
 * empty array.
 *
 * Returns: (transfer container) (element-type MtPciDevice): the devices,
 *   sorted by address, or %NULL with @error set when libpci cannot read the
 *   tree
 */
GPtrArray *
mt_pci_probe (MtSysroot *sysroot, GError **error)
{
  g_autoptr (GPtrArray) devices = NULL;
  g_autofree char *bus_path = NULL;
  struct pci_access *pacc;
  PciGuard guard = { 0 };
  gboolean ok;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  devices = g_ptr_array_new_with_free_func (g_object_unref);

  if (!mt_sysroot_test (sysroot, PCI_DEVICES_PATH, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&devices);

  if (!check_entries (sysroot, error))
    return NULL;

  bus_path = mt_sysroot_resolve (sysroot, PCI_BUS_PATH);

  pacc = pci_alloc ();
  pacc->error = pci_error_cb;
  pacc->warning = pci_warning_cb;
  pacc->debug = pci_debug_cb;
  pacc->method = PCI_ACCESS_SYS_BUS_PCI;
  /* names come from mt-pci-ids; should anything ask libpci, no
   * ~/.cache/pci-ids (libpci leaks the cache's file name) */
  pacc->id_lookup_mode = 0;

  ok = scan_guarded (sysroot, pacc, bus_path, devices, &guard);
  pci_cleanup (pacc);

  if (!ok)
    {
      set_probe_error (sysroot, error, guard.message);
      g_free (guard.message);
      return NULL;
    }

  g_ptr_array_sort (devices, compare_devices);
  add_names (devices);

  return g_steal_pointer (&devices);
}

/**
 * mt_pci_device_new:
 * @address: the address, such as `0000:00:02.0`
 * @driver: (nullable): the bound driver
 *
 * Makes a device by hand, without names; for tests and for callers that
 * know a device from elsewhere.
 *
 * Returns: (transfer full): the device
 */
MtPciDevice *
mt_pci_device_new (const char *address,
                   guint16 vendor_id,
                   guint16 device_id,
                   guint32 class_code,
                   const char *driver)
{
  MtPciDevice *self;

  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (MT_TYPE_PCI_DEVICE, NULL);
  self->address = g_strdup (address);
  self->vendor_id = vendor_id;
  self->device_id = device_id;
  self->class_code = class_code & 0xffffff;
  self->driver = g_strdup (driver);

  return self;
}

const char *
mt_pci_device_get_address (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), NULL);

  return self->address;
}

guint16
mt_pci_device_get_vendor_id (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), 0);

  return self->vendor_id;
}

guint16
mt_pci_device_get_device_id (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), 0);

  return self->device_id;
}

guint16
mt_pci_device_get_subsystem_vendor_id (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), 0);

  return self->subsystem_vendor_id;
}

guint16
mt_pci_device_get_subsystem_device_id (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), 0);

  return self->subsystem_device_id;
}

/**
 * mt_pci_device_get_class:
 *
 * Returns: the 24-bit class code: base class, subclass, programming
 *   interface (`0x030000` for a VGA controller)
 */
guint32
mt_pci_device_get_class (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), 0);

  return self->class_code;
}

guint8
mt_pci_device_get_revision (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), 0);

  return self->revision;
}

const char *
mt_pci_device_get_vendor_name (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), NULL);

  return self->vendor_name;
}

const char *
mt_pci_device_get_device_name (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), NULL);

  return self->device_name;
}

const char *
mt_pci_device_get_driver (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), NULL);

  return self->driver;
}

/**
 * mt_pci_device_dup_id:
 *
 * Returns: (transfer full): `vendor:device` in hexadecimal, as lspci -n
 *   prints it (`1af4:1041`)
 */
char *
mt_pci_device_dup_id (MtPciDevice *self)
{
  g_return_val_if_fail (MT_IS_PCI_DEVICE (self), NULL);

  return g_strdup_printf ("%04x:%04x", self->vendor_id, self->device_id);
}

/**
 * mt_pci_device_to_json:
 *
 * Adds one object: `address`, `id`, `vendor`, `device` (names, or null),
 * `subsystem` (`vendor:device`), `class` (`0x030000`), `revision` and
 * `driver` (or null).
 */
void
mt_pci_device_to_json (MtPciDevice *self, JsonBuilder *builder)
{
  g_autofree char *id = NULL;
  g_autofree char *subsystem = NULL;
  g_autofree char *class_code = NULL;

  g_return_if_fail (MT_IS_PCI_DEVICE (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  id = mt_pci_device_dup_id (self);
  subsystem = g_strdup_printf ("%04x:%04x", self->subsystem_vendor_id, self->subsystem_device_id);
  class_code = g_strdup_printf ("0x%06x", self->class_code);

  json_builder_begin_object (builder);
  mt_json_add_string (builder, "address", self->address);
  mt_json_add_string (builder, "id", id);
  mt_json_add_string (builder, "vendor", self->vendor_name);
  mt_json_add_string (builder, "device", self->device_name);
  mt_json_add_string (builder, "subsystem", subsystem);
  mt_json_add_string (builder, "class", class_code);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_int_value (builder, self->revision);
  mt_json_add_string (builder, "driver", self->driver);
  json_builder_end_object (builder);
}
