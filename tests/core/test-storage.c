/* test-storage.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mt-error.h"
#include "mt-storage.h"
#include "mt-test-util.h"

static MtStorageInfo *
probe_tree (const char *tree, GError **error)
{
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, NULL);

  g_assert_nonnull (root);

  return mt_storage_info_probe (root, error);
}

static char *
to_json (MtStorageInfo *storage)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  mt_storage_info_to_json (storage, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static JsonObject *
json_controller (JsonNode *root, guint index)
{
  JsonArray *nvme = json_object_get_array_member (json_node_get_object (root), "nvme");

  return json_array_get_object_element (nvme, index);
}

static void
test_recorded (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "nvme-pcie-host", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtStorageInfo) storage = probe_tree (fixture, &error);
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  const MtNvmeController *c;
  const MtNvmeNamespace *ns;
  JsonObject *object;
  JsonObject *link;
  JsonArray *namespaces;

  g_assert_no_error (error);
  g_assert_cmpuint (mt_storage_info_get_n_controllers (storage), ==, 3);

  /* a PCIe 4.0 ×4 drive at full speed */
  c = mt_storage_info_get_controller (storage, 0);
  g_assert_cmpstr (c->name, ==, "nvme0");
  g_assert_cmpstr (c->model, ==, "Samsung SSD 980 PRO 1TB");
  g_assert_cmpstr (c->firmware, ==, "5B2QGXA7");
  g_assert_cmpstr (c->transport, ==, "pcie");
  g_assert_cmpstr (c->address, ==, "0000:01:00.0");
  g_assert_cmpstr (c->state, ==, "live");
  g_assert_nonnull (c->link);
  g_assert_cmpstr (c->link->speed, ==, "16.0 GT/s PCIe");
  g_assert_cmpuint (c->link->width, ==, 4);
  g_assert_cmpstr (c->link->max_speed, ==, "16.0 GT/s PCIe");
  g_assert_cmpuint (c->link->max_width, ==, 4);
  g_assert_false (c->link->below_max);
  g_assert_null (c->link_note);
  g_assert_cmpuint (c->namespaces->len, ==, 1);
  ns = g_ptr_array_index (c->namespaces, 0);
  g_assert_cmpstr (ns->name, ==, "nvme0n1");
  g_assert_cmpuint (ns->size_bytes, ==, G_GUINT64_CONSTANT (1953525168) * 512);
  g_assert_cmpuint (ns->logical_block_size, ==, 512);

  /* a PCIe 4.0 ×4 drive in a slot that gives it 8 GT/s on two lanes */
  c = mt_storage_info_lookup (storage, "nvme1");
  g_assert_nonnull (c);
  g_assert_cmpstr (c->link->speed, ==, "8.0 GT/s PCIe");
  g_assert_cmpuint (c->link->width, ==, 2);
  g_assert_true (c->link->below_max);
  g_assert_nonnull (c->link_note);
  g_assert_nonnull (strstr (c->link_note, "8.0 GT/s PCIe"));
  g_assert_nonnull (strstr (c->link_note, "16.0 GT/s PCIe"));
  g_assert_cmpuint (c->namespaces->len, ==, 2);
  ns = g_ptr_array_index (c->namespaces, 1);
  g_assert_cmpstr (ns->name, ==, "nvme1n2");
  g_assert_cmpuint (ns->logical_block_size, ==, 4096);

  /* NVMe over TCP: no PCIe link */
  c = mt_storage_info_get_controller (storage, 2);
  g_assert_cmpstr (c->transport, ==, "tcp");
  g_assert_null (c->link);
  g_assert_cmpuint (c->namespaces->len, ==, 1);

  g_assert_null (mt_storage_info_lookup (storage, "nvme9"));

  json = to_json (storage);
  root = json_from_string (json, &error);
  g_assert_no_error (error);
  object = json_controller (root, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "nvme1");
  g_assert_cmpstr (json_object_get_string_member (object, "firmware"), ==, "620311WD");
  link = json_object_get_object_member (object, "link");
  g_assert_cmpstr (json_object_get_string_member (link, "speed"), ==, "8.0 GT/s PCIe");
  g_assert_cmpint (json_object_get_int_member (link, "width"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (link, "max_speed"), ==, "16.0 GT/s PCIe");
  g_assert_cmpint (json_object_get_int_member (link, "max_width"), ==, 4);
  g_assert_true (json_object_get_boolean_member (link, "below_max"));
  g_assert_nonnull (json_object_get_string_member (link, "note"));
  namespaces = json_object_get_array_member (object, "namespaces");
  g_assert_cmpuint (json_array_get_length (namespaces), ==, 2);
  g_assert_cmpint (
    json_object_get_int_member (json_array_get_object_element (namespaces, 0), "size_bytes"), ==,
    G_GINT64_CONSTANT (3907029168) * 512);
  g_assert_true (json_object_get_null_member (json_controller (root, 2), "link"));
}

static void
test_no_nvme (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autofree char *tree = mt_test_tree_new ();
  const char *const roots[] = { fixture, tree };

  mt_test_tree_write (tree, "sys/block/vda/size", "41943040\n", -1);

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MtStorageInfo) storage = probe_tree (roots[i], &error);
      g_autofree char *json = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (mt_storage_info_get_n_controllers (storage), ==, 0);
      json = to_json (storage);
      g_assert_cmpstr (json, ==, "{\"nvme\":[]}");
    }

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_never_serials (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtStorageInfo) storage = NULL;
  g_autofree char *json = NULL;

  mt_test_tree_write (tree, "sys/class/nvme/nvme0/model", "Some SSD\n", -1);
  mt_test_tree_write (tree, "sys/class/nvme/nvme0/serial", "S6B0NL0T123456X\n", -1);
  mt_test_tree_write (tree, "sys/class/nvme/nvme0/transport", "pcie\n", -1);
  mt_test_tree_write (tree, "sys/block/nvme0n1/size", "1000\n", -1);

  storage = probe_tree (tree, &error);
  g_assert_no_error (error);
  json = to_json (storage);
  g_assert_null (strstr (json, "S6B0NL0T123456X"));
  g_assert_nonnull (strstr (json, "Some SSD"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_multipath_and_order (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *ns_dir = g_build_filename (tree, "sys/class/nvme/nvme10/nvme10c10n2", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtStorageInfo) storage = NULL;
  const MtNvmeController *c;

  /* native multipath: the controller holds nvme10c10n2, the disk is nvme10n2 */
  mt_test_tree_write (tree, "sys/class/nvme/nvme10/transport", "pcie\n", -1);
  g_assert_cmpint (g_mkdir_with_parents (ns_dir, 0755), ==, 0);
  mt_test_tree_write (tree, "sys/block/nvme10n2/size", "8\n", -1);
  /* nvme2 sorts before nvme10 */
  mt_test_tree_write (tree, "sys/class/nvme/nvme2/transport", "pcie\n", -1);
  mt_test_tree_write (tree, "sys/block/nvme2n10/size", "16\n", -1);
  mt_test_tree_write (tree, "sys/block/nvme2n2/size", "16\n", -1);
  /* not controllers */
  mt_test_tree_write (tree, "sys/class/nvme/nvme-fabrics/dev", "10:125\n", -1);
  mt_test_tree_write (tree, "sys/class/nvme/nvmeX/model", "x\n", -1);

  storage = probe_tree (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mt_storage_info_get_n_controllers (storage), ==, 2);

  c = mt_storage_info_get_controller (storage, 0);
  g_assert_cmpstr (c->name, ==, "nvme2");
  g_assert_cmpuint (c->namespaces->len, ==, 2);
  g_assert_cmpstr (((MtNvmeNamespace *) g_ptr_array_index (c->namespaces, 0))->name, ==, "nvme2n2");
  g_assert_cmpstr (((MtNvmeNamespace *) g_ptr_array_index (c->namespaces, 1))->name, ==,
                   "nvme2n10");
  /* no address, no link; no logical block size recorded */
  g_assert_null (c->link);
  g_assert_cmpuint (((MtNvmeNamespace *) g_ptr_array_index (c->namespaces, 0))->logical_block_size,
                    ==, 0);

  c = mt_storage_info_get_controller (storage, 1);
  g_assert_cmpstr (c->name, ==, "nvme10");
  g_assert_cmpuint (c->namespaces->len, ==, 1);
  g_assert_cmpstr (((MtNvmeNamespace *) g_ptr_array_index (c->namespaces, 0))->name, ==,
                   "nvme10n2");
  g_assert_cmpuint (((MtNvmeNamespace *) g_ptr_array_index (c->namespaces, 0))->size_bytes, ==,
                    8 * 512);

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_hostile (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtStorageInfo) storage = NULL;
  g_autofree char *json = NULL;
  const MtNvmeController *c;

  /* an address that would leave /sys/bus/pci/devices */
  mt_test_tree_write (tree, "sys/class/nvme/nvme0/transport", "pcie\n", -1);
  mt_test_tree_write (tree, "sys/class/nvme/nvme0/address", "../../../../etc\n", -1);
  mt_test_tree_write (tree, "etc/current_link_speed", "2.5 GT/s\n", -1);
  /* garbage numbers, invalid UTF-8, a width only */
  mt_test_tree_write (tree, "sys/class/nvme/nvme1/transport", "pcie\n", -1);
  mt_test_tree_write (tree, "sys/class/nvme/nvme1/address", "0000:02:00.0\n", -1);
  mt_test_tree_write (tree, "sys/class/nvme/nvme1/model", "\xff\xfe\n", -1);
  mt_test_tree_write (tree, "sys/bus/pci/devices/0000:02:00.0/current_link_width", "x8\n", -1);
  mt_test_tree_write (tree, "sys/bus/pci/devices/0000:02:00.0/max_link_width", "lots\n", -1);
  mt_test_tree_write (tree, "sys/bus/pci/devices/0000:02:00.0/current_link_speed", "Unknown\n", -1);
  mt_test_tree_write (tree, "sys/block/nvme1n1/size", "99999999999999999999999\n", -1);
  mt_test_tree_write (tree, "sys/block/nvme1n1/queue/logical_block_size", "-1\n", -1);
  mt_test_tree_write (tree, "sys/block/nvme1n2/size", "18446744073709551615\n", -1);

  storage = probe_tree (tree, &error);
  g_assert_no_error (error);

  c = mt_storage_info_get_controller (storage, 0);
  g_assert_null (c->link);

  c = mt_storage_info_get_controller (storage, 1);
  g_assert_null (c->model);
  g_assert_nonnull (c->link);
  g_assert_cmpuint (c->link->width, ==, 8);
  g_assert_cmpuint (c->link->max_width, ==, 0);
  g_assert_false (c->link->below_max);
  g_assert_cmpuint (c->namespaces->len, ==, 2);
  g_assert_cmpuint (((MtNvmeNamespace *) g_ptr_array_index (c->namespaces, 0))->size_bytes, ==, 0);
  g_assert_cmpuint (((MtNvmeNamespace *) g_ptr_array_index (c->namespaces, 1))->size_bytes, ==,
                    G_MAXUINT64);

  json = to_json (storage);
  g_assert_true (g_utf8_validate (json, -1, NULL));

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_unreadable (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *model_dir = g_build_filename (tree, "sys/class/nvme/nvme0/model", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtStorageInfo) storage = NULL;

  /* a model that is a directory cannot be read: say so */
  g_assert_cmpint (g_mkdir_with_parents (model_dir, 0755), ==, 0);
  storage = probe_tree (tree, &error);
  g_assert_null (storage);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/sys/class/nvme/nvme0/model"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/storage/recorded", test_recorded);
  g_test_add_func ("/storage/no-nvme", test_no_nvme);
  g_test_add_func ("/storage/never-serials", test_never_serials);
  g_test_add_func ("/storage/multipath-and-order", test_multipath_and_order);
  g_test_add_func ("/storage/hostile", test_hostile);
  g_test_add_func ("/storage/unreadable", test_unreadable);

  return g_test_run ();
}
