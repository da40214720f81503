/* test-pci.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include "mt-core.h"
#include "mt-gpu.h"
#include "mt-pci-device.h"
#include "mt-test-util.h"

static MtSysroot *
fixture_root (const char *name)
{
  g_autofree char *path = mt_test_fixture_path ("sysroots", name, NULL);
  g_autoptr (GError) error = NULL;
  MtSysroot *root = mt_sysroot_new (path, &error);

  g_assert_no_error (error);

  return root;
}

static GPtrArray *
probe_fixture (const char *name)
{
  g_autoptr (MtSysroot) root = fixture_root (name);
  g_autoptr (GError) error = NULL;
  GPtrArray *devices = mt_pci_probe (root, &error);

  g_assert_no_error (error);
  g_assert_nonnull (devices);

  return devices;
}

static MtPciDevice *
find_device (GPtrArray *devices, const char *address)
{
  for (guint i = 0; i < devices->len; i++)
    if (g_str_equal (mt_pci_device_get_address (g_ptr_array_index (devices, i)), address))
      return g_ptr_array_index (devices, i);

  return NULL;
}

/* A device directory as libpci's sysfs method reads it. */
static void
write_device (const char *tree,
              const char *address,
              guint16 vendor_id,
              guint16 device_id,
              guint32 class_code,
              const char *driver)
{
  g_autofree char *dir = g_build_filename ("sys/bus/pci/devices", address, NULL);
  g_autofree char *vendor = g_strdup_printf ("0x%04x\n", vendor_id);
  g_autofree char *device = g_strdup_printf ("0x%04x\n", device_id);
  g_autofree char *class_text = g_strdup_printf ("0x%06x\n", class_code);
  g_autofree char *vendor_path = g_build_filename (dir, "vendor", NULL);
  g_autofree char *device_path = g_build_filename (dir, "device", NULL);
  g_autofree char *class_path = g_build_filename (dir, "class", NULL);

  mt_test_tree_write (tree, vendor_path, vendor, -1);
  mt_test_tree_write (tree, device_path, device, -1);
  mt_test_tree_write (tree, class_path, class_text, -1);

  if (driver != NULL)
    {
      g_autofree char *link = g_build_filename (tree, dir, "driver", NULL);
      g_autofree char *target = g_build_filename ("../../../bus/pci/drivers", driver, NULL);

      g_assert_cmpint (symlink (target, link), ==, 0);
    }
}

static void
test_recorded (void)
{
  g_autoptr (GPtrArray) devices = probe_fixture ("kvm-amd-epyc");
  const char *const addresses[] = {
    "0000:00:00.0", "0000:00:01.0", "0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:05.0",
  };
  MtPciDevice *bridge;
  MtPciDevice *net;
  g_autofree char *id = NULL;

  /* sorted by address */
  g_assert_cmpuint (devices->len, ==, G_N_ELEMENTS (addresses));
  for (guint i = 0; i < devices->len; i++)
    g_assert_cmpstr (mt_pci_device_get_address (g_ptr_array_index (devices, i)), ==, addresses[i]);

  bridge = find_device (devices, "0000:00:00.0");
  g_assert_cmphex (mt_pci_device_get_vendor_id (bridge), ==, 0x8086);
  g_assert_cmphex (mt_pci_device_get_device_id (bridge), ==, 0x0d57);
  g_assert_cmphex (mt_pci_device_get_class (bridge), ==, 0x060000);
  g_assert_null (mt_pci_device_get_driver (bridge));

  net = find_device (devices, "0000:00:03.0");
  id = mt_pci_device_dup_id (net);
  g_assert_cmpstr (id, ==, "1af4:1041");
  g_assert_cmphex (mt_pci_device_get_class (net), ==, 0x020000);
  g_assert_cmphex (mt_pci_device_get_subsystem_vendor_id (net), ==, 0x1af4);
  g_assert_cmpuint (mt_pci_device_get_revision (net), ==, 1);
  /* the recorded link points to a directory that was not copied */
  g_assert_cmpstr (mt_pci_device_get_driver (net), ==, "virtio-pci");
  /* names from the system's pci.ids (Debian package pci.ids) */
  g_assert_cmpstr (mt_pci_device_get_vendor_name (net), ==, "Red Hat, Inc.");
  g_assert_cmpstr (mt_pci_device_get_device_name (net), ==, "Virtio 1.0 network device");
}

static void
test_domains (void)
{
  g_autoptr (GPtrArray) devices = probe_fixture ("wsl2");
  MtPciDevice *gpu;

  /* pci-hyperv gives each device a domain of its own */
  g_assert_cmpuint (devices->len, ==, 3);
  g_assert_cmpstr (mt_pci_device_get_address (g_ptr_array_index (devices, 0)), ==, "1c77:00:00.0");
  g_assert_cmpstr (mt_pci_device_get_address (g_ptr_array_index (devices, 2)), ==, "6bb1:00:00.0");
  gpu = g_ptr_array_index (devices, 1);
  g_assert_cmpstr (mt_pci_device_get_address (gpu), ==, "4e7f:00:00.0");
  g_assert_cmphex (mt_pci_device_get_class (gpu), ==, 0x030200);
  g_assert_cmpstr (mt_pci_device_get_driver (gpu), ==, "dxgkrnl");
  g_assert_cmpstr (mt_pci_device_get_device_name (gpu), ==, "Basic Render Driver");
}

static void
test_unknown_names (void)
{
  g_autoptr (GPtrArray) devices = probe_fixture ("kvm-hyperv-enlightened");
  MtPciDevice *vga = find_device (devices, "0000:00:01.0");

  /* QEMU's standard VGA, 1234:1111, is not in pci.ids */
  g_assert_nonnull (vga);
  g_assert_cmphex (mt_pci_device_get_vendor_id (vga), ==, 0x1234);
  g_assert_null (mt_pci_device_get_vendor_name (vga));
  g_assert_null (mt_pci_device_get_device_name (vga));
  g_assert_cmpstr (mt_pci_device_get_driver (vga), ==, "bochs-drm");
}

static void
test_no_bus (void)
{
  g_autoptr (GPtrArray) gen2 = probe_fixture ("hyperv-guest");
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtSysroot) root = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GError) error = NULL;

  /* a Generation 2 Hyper-V VM has no PCI bus at all */
  g_assert_cmpuint (gen2->len, ==, 0);

  /* nor has a tree whose devices "directory" is a file */
  mt_test_tree_write (tree, "sys/bus/pci/devices", "", 0);
  root = mt_sysroot_new (tree, &error);
  devices = mt_pci_probe (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 0);

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_hostile (void)
{
  const char *const broken[] = { "missing-vendor", "bad-name", "odd-values" };

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autofree char *tree = mt_test_tree_new ();
      g_autoptr (MtSysroot) root = NULL;
      g_autoptr (GPtrArray) devices = NULL;
      g_autoptr (GError) error = NULL;

      write_device (tree, "0000:00:01.0", 0x1af4, 0x1041, 0x020000, "virtio-pci");
      if (g_str_equal (broken[i], "missing-vendor"))
        mt_test_tree_write (tree, "sys/bus/pci/devices/0000:00:02.0/device", "0x1042\n", -1);
      else if (g_str_equal (broken[i], "bad-name"))
        mt_test_tree_write (tree, "sys/bus/pci/devices/garbage/vendor", "0x1af4\n", -1);
      else
        {
          g_autofree char *link =
            g_build_filename (tree, "sys/bus/pci/devices/0000:00:02.0/driver", NULL);

          /* empty, huge, negative and non-numeric values; a driver link
           * whose name is "." (dangling: mt_test_tree_free() follows links
           * to directories) */
          mt_test_tree_write (tree, "sys/bus/pci/devices/0000:00:02.0/vendor", "", 0);
          mt_test_tree_write (tree, "sys/bus/pci/devices/0000:00:02.0/device", "0xffffffffff\n",
                              -1);
          mt_test_tree_write (tree, "sys/bus/pci/devices/0000:00:02.0/class", "-7\n", -1);
          mt_test_tree_write (tree, "sys/bus/pci/devices/0000:00:02.0/revision", "zz", -1);
          mt_test_tree_write (tree, "sys/bus/pci/devices/0000:00:02.0/subsystem_vendor", "x", -1);
          mt_test_tree_write (tree, "sys/bus/pci/devices/0000:00:02.0/config", "\x01", 1);
          g_assert_cmpint (symlink ("/nonexistent/.", link), ==, 0);
        }

      root = mt_sysroot_new (tree, &error);
      devices = mt_pci_probe (root, &error);

      if (g_str_equal (broken[i], "odd-values"))
        {
          MtPciDevice *odd;

          g_assert_no_error (error);
          g_assert_cmpuint (devices->len, ==, 2);
          odd = g_ptr_array_index (devices, 1);
          g_assert_cmphex (mt_pci_device_get_vendor_id (odd), ==, 0);
          g_assert_cmphex (mt_pci_device_get_class (odd) & ~0xffffffu, ==, 0);
          g_assert_null (mt_pci_device_get_driver (odd));
        }
      else
        {
          /* libpci's fatal error is a GError that names the tree, never an
           * exit() */
          g_assert_null (devices);
          g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
          g_assert_nonnull (strstr (error->message, tree));
        }

      mt_test_tree_free (g_steal_pointer (&tree));
    }
}

static gpointer
probe_thread (gpointer data)
{
  const char *tree = data;
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, NULL);
  gboolean ok = TRUE;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) devices = mt_pci_probe (root, &error);

      ok = ok && (devices != NULL) == (error == NULL);
    }

  return GINT_TO_POINTER (ok);
}

static void
test_threads (void)
{
  g_autofree char *good = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autofree char *bad = mt_test_tree_new ();
  GThread *threads[4];

  mt_test_tree_write (bad, "sys/bus/pci/devices/0000:00:01.0/device", "0x1042\n", -1);

  /* errors jump back to the guard of their own thread */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("probe", probe_thread, i % 2 == 0 ? good : bad);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));

  mt_test_tree_free (g_steal_pointer (&bad));
}

static void
test_gpus (void)
{
  g_autoptr (GPtrArray) devices = probe_fixture ("bare-metal-intel");
  g_autoptr (GPtrArray) gpus = mt_gpu_list (devices);
  g_autoptr (GPtrArray) none = mt_gpu_list (NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  JsonArray *array;
  JsonObject *nvidia;

  /* a VGA controller (0x0300) and a 3D controller (0x0302) */
  g_assert_cmpuint (gpus->len, ==, 2);
  g_assert_cmpstr (mt_pci_device_get_driver (g_ptr_array_index (gpus, 0)), ==, "i915");
  g_assert_cmpstr (mt_pci_device_get_driver (g_ptr_array_index (gpus, 1)), ==, "nvidia");
  g_assert_cmpuint (none->len, ==, 0);

  mt_gpu_list_to_json (gpus, builder);
  root = json_builder_get_root (builder);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  nvidia = json_array_get_object_element (array, 1);
  g_assert_cmpuint (json_object_get_size (nvidia), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (nvidia, "address"), ==, "0000:01:00.0");
  g_assert_cmpstr (json_object_get_string_member (nvidia, "id"), ==, "10de:28a0");
  g_assert_cmpstr (json_object_get_string_member (nvidia, "vendor"), ==, "NVIDIA Corporation");
  g_assert_nonnull (strstr (json_object_get_string_member (nvidia, "device"), "RTX 4060"));
  g_assert_cmpstr (json_object_get_string_member (nvidia, "driver"), ==, "nvidia");
  g_assert_cmpstr (json_object_get_string_member (nvidia, "class"), ==, "0x030200");
}

static void
test_json (void)
{
  g_autoptr (MtPciDevice) device =
    mt_pci_device_new ("0000:00:02.0", 0x1234, 0x1111, 0x030000, NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;

  mt_pci_device_to_json (device, builder);
  root = json_builder_get_root (builder);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "address"), ==, "0000:00:02.0");
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "1234:1111");
  g_assert_true (json_object_get_null_member (object, "vendor"));
  g_assert_true (json_object_get_null_member (object, "device"));
  g_assert_cmpstr (json_object_get_string_member (object, "subsystem"), ==, "0000:0000");
  g_assert_cmpstr (json_object_get_string_member (object, "class"), ==, "0x030000");
  g_assert_cmpint (json_object_get_int_member (object, "revision"), ==, 0);
  g_assert_true (json_object_get_null_member (object, "driver"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pci/recorded", test_recorded);
  g_test_add_func ("/pci/domains", test_domains);
  g_test_add_func ("/pci/unknown-names", test_unknown_names);
  g_test_add_func ("/pci/no-bus", test_no_bus);
  g_test_add_func ("/pci/hostile", test_hostile);
  g_test_add_func ("/pci/threads", test_threads);
  g_test_add_func ("/pci/gpus", test_gpus);
  g_test_add_func ("/pci/json", test_json);

  return g_test_run ();
}
