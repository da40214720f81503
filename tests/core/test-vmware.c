/* test-vmware.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "mt-error.h"
#include "mt-test-util.h"
#include "mt-vmware.h"

#define SOURCE_DIR "usr/lib/vmware/modules/source"

static MtVmwareInfo *
probe_tree (const char *tree, GError **error)
{
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, NULL);

  g_assert_nonnull (root);

  return mt_vmware_info_probe (root, error);
}

static JsonNode *
to_json (MtVmwareInfo *vmware)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  mt_vmware_info_to_json (vmware, builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
fixture_file (const char *rel_path)
{
  return mt_test_fixture_path ("sysroots", "workstation-17.6-host", rel_path, NULL);
}

static char *
read_fixture (const char *rel_path, gsize *len)
{
  g_autofree char *path = fixture_file (rel_path);
  g_autoptr (GError) error = NULL;
  char *contents;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);

  return contents;
}

static void
test_workstation_17_6 (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "workstation-17.6-host", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtVmwareInfo) vmware = probe_tree (fixture, &error);
  g_autofree char *tar = NULL;
  g_autofree char *sha256 = NULL;
  const MtVmwareSource *vmmon;
  const MtVmwareSource *vmnet;
  GPtrArray *installed;
  gboolean known = FALSE;
  gsize tar_len;
  const char *expected[][2] = {
    { "vmmon", "/misc/vmmon.ko" },
    { "vmnet", "/misc/vmnet.ko" },
    { "vmmon", "/updates/dkms/vmmon.ko.xz" },
    { "vmnet", "/updates/dkms/vmnet.ko.zst" },
  };

  g_assert_no_error (error);
  g_assert_true (mt_vmware_info_is_installed (vmware));
  g_assert_cmpstr (mt_vmware_info_get_product (vmware), ==, "VMware Workstation");
  g_assert_cmpstr (mt_vmware_info_get_version (vmware), ==, "17.6.3");
  g_assert_cmpstr (mt_vmware_info_get_build (vmware), ==, "24583834");
  g_assert_cmpstr (mt_vmware_info_get_config_file (vmware), ==, "/etc/vmware/config");
  g_assert_cmpint (mt_vmware_info_get_expected_interface (vmware), ==, 417);

  tar = read_fixture (SOURCE_DIR "/vmmon.tar", &tar_len);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) tar, tar_len);
  vmmon = mt_vmware_info_get_source (vmware, "vmmon");
  g_assert_true (vmmon->present);
  g_assert_cmpstr (vmmon->path, ==, "/usr/lib/vmware/modules/source/vmmon.tar");
  g_assert_cmpuint (vmmon->size, ==, tar_len);
  g_assert_cmpstr (vmmon->sha256, ==, sha256);
  g_assert_cmpint (vmmon->interface_version, ==, 417);
  g_assert_cmpint (vmmon->interface_minor, ==, 0);
  g_assert_null (vmmon->problem);

  vmnet = mt_vmware_info_get_source (vmware, "vmnet");
  g_assert_true (vmnet->present);
  g_assert_cmpuint (strlen (vmnet->sha256), ==, 64);
  g_assert_cmpint (vmnet->interface_version, ==, -1);
  g_assert_null (mt_vmware_info_get_source (vmware, "vmci"));

  g_assert_true (mt_vmware_info_interface_matches_product (vmware, &known));
  g_assert_true (known);
  g_assert_null (mt_vmware_info_get_warning (vmware));

  /* per kernel, sorted: the 6.12 pair in misc/, the 7.3 pair from DKMS */
  installed = mt_vmware_info_get_installed_modules (vmware);
  g_assert_cmpuint (installed->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < installed->len; i++)
    {
      const MtVmwareModuleFile *file = g_ptr_array_index (installed, i);
      g_autofree char *path = g_strdup_printf ("/lib/modules/%s%s", file->kernel, expected[i][1]);

      g_assert_cmpstr (file->module, ==, expected[i][0]);
      g_assert_cmpstr (file->path, ==, path);
      g_assert_true (g_str_has_prefix (file->kernel, i < 2 ? "6.12." : "7.3."));
    }
}

static void
test_json (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "workstation-17.6-host", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtVmwareInfo) vmware = probe_tree (fixture, &error);
  g_autoptr (JsonNode) root = to_json (vmware);
  JsonObject *object;
  JsonObject *sources;
  JsonObject *vmmon;
  JsonObject *vmnet;
  JsonArray *installed;

  g_assert_no_error (error);
  object = json_object_get_object_member (json_node_get_object (root), "vmware");
  g_assert_true (json_object_get_boolean_member (object, "installed"));
  g_assert_cmpstr (json_object_get_string_member (object, "product"), ==, "VMware Workstation");
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==, "17.6.3");
  g_assert_cmpstr (json_object_get_string_member (object, "build"), ==, "24583834");
  g_assert_cmpstr (json_object_get_string_member (object, "config_file"), ==, "/etc/vmware/config");
  g_assert_cmpint (json_object_get_int_member (object, "expected_interface_version"), ==, 417);
  g_assert_true (json_object_get_boolean_member (object, "interface_matches_product"));
  g_assert_true (json_object_get_null_member (object, "warning"));

  sources = json_object_get_object_member (object, "sources");
  vmmon = json_object_get_object_member (sources, "vmmon");
  g_assert_true (json_object_get_boolean_member (vmmon, "present"));
  g_assert_cmpint (json_object_get_int_member (vmmon, "interface_version"), ==, 417);
  g_assert_cmpint (json_object_get_int_member (vmmon, "size"), >, 0);
  g_assert_cmpuint (strlen (json_object_get_string_member (vmmon, "sha256")), ==, 64);
  vmnet = json_object_get_object_member (sources, "vmnet");
  g_assert_true (json_object_get_null_member (vmnet, "interface_version"));

  installed = json_object_get_array_member (object, "installed_modules");
  g_assert_cmpuint (json_array_get_length (installed), ==, 4);
  g_assert_cmpstr (
    json_object_get_string_member (json_array_get_object_element (installed, 0), "module"), ==,
    "vmmon");
}

static void
test_not_installed (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtVmwareInfo) vmware = probe_tree (fixture, &error);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;
  gboolean known = TRUE;

  g_assert_no_error (error);
  g_assert_false (mt_vmware_info_is_installed (vmware));
  g_assert_null (mt_vmware_info_get_version (vmware));
  g_assert_null (mt_vmware_info_get_config_file (vmware));
  g_assert_false (mt_vmware_info_get_source (vmware, "vmmon")->present);
  g_assert_false (mt_vmware_info_interface_matches_product (vmware, &known));
  g_assert_false (known);
  g_assert_cmpuint (mt_vmware_info_get_installed_modules (vmware)->len, ==, 0);

  root = to_json (vmware);
  object = json_object_get_object_member (json_node_get_object (root), "vmware");
  g_assert_false (json_object_get_boolean_member (object, "installed"));
  g_assert_true (json_object_get_null_member (object, "interface_matches_product"));
  g_assert_true (json_object_get_null_member (
    json_object_get_object_member (json_object_get_object_member (object, "sources"), "vmmon"),
    "sha256"));
}

static void
test_mismatch (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *tar = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtVmwareInfo) vmware = NULL;
  gboolean known = FALSE;
  gsize len;

  /* Workstation 25H2 with the 17.6 sources left behind by a downgrade or
   * a builder that picked the wrong tarball */
  tar = read_fixture (SOURCE_DIR "/vmmon.tar", &len);
  mt_test_tree_write (tree, SOURCE_DIR "/vmmon.tar", tar, len);
  mt_test_tree_write (tree, "etc/vmware/config",
                      "player.product.version = \"25.0.0\"\n"
                      "product.buildNumber = \"24995812\"\n"
                      "product.name = \"VMware Workstation\"\n"
                      "workstation.product.version = \"25.0.0\"\n",
                      -1);

  vmware = probe_tree (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mt_vmware_info_get_expected_interface (vmware), ==, 418);
  g_assert_cmpint (mt_vmware_info_get_source (vmware, "vmmon")->interface_version, ==, 417);
  g_assert_false (mt_vmware_info_interface_matches_product (vmware, &known));
  g_assert_true (known);
  g_assert_nonnull (mt_vmware_info_get_warning (vmware));
  g_test_message ("%s", mt_vmware_info_get_warning (vmware));
  g_assert_nonnull (strstr (mt_vmware_info_get_warning (vmware), "417"));
  g_assert_nonnull (strstr (mt_vmware_info_get_warning (vmware), "418"));
  g_assert_nonnull (strstr (mt_vmware_info_get_warning (vmware), "25.0.0"));
  /* no vmnet.tar: not present, not an error */
  g_assert_false (mt_vmware_info_get_source (vmware, "vmnet")->present);

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_damaged_sources (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtVmwareInfo) vmware = NULL;
  const MtVmwareSource *vmmon;
  gboolean known = TRUE;

  mt_test_tree_write (tree, "etc/vmware/config", "player.product.version = \"17.5.2\"\n", -1);
  mt_test_tree_write (tree, SOURCE_DIR "/vmmon.tar", "this is not a tar archive", -1);

  vmware = probe_tree (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_vmware_info_get_product (vmware), ==, "VMware Workstation Player");
  g_assert_cmpstr (mt_vmware_info_get_version (vmware), ==, "17.5.2");
  g_assert_null (mt_vmware_info_get_build (vmware));
  g_assert_cmpint (mt_vmware_info_get_expected_interface (vmware), ==, 416);

  vmmon = mt_vmware_info_get_source (vmware, "vmmon");
  g_assert_true (vmmon->present);
  g_assert_cmpuint (vmmon->size, ==, strlen ("this is not a tar archive"));
  g_assert_nonnull (vmmon->sha256);
  g_assert_cmpint (vmmon->interface_version, ==, -1);
  g_assert_nonnull (vmmon->problem);
  g_test_message ("%s", vmmon->problem);
  g_assert_false (mt_vmware_info_interface_matches_product (vmware, &known));
  g_assert_false (known);
  g_assert_null (mt_vmware_info_get_warning (vmware));

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_libdir_and_vmx (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *config = g_build_filename (tree, "etc/vmware/config", NULL);
  g_autofree char *tar = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MtVmwareInfo) vmware = NULL;
  g_autoptr (MtVmwareInfo) bad = NULL;
  gsize len;

  /* Gentoo installs under /opt/vmware and says so in the config */
  tar = read_fixture (SOURCE_DIR "/vmmon.tar", &len);
  mt_test_tree_write (tree, "opt/vmware/lib/vmware/modules/source/vmmon.tar", tar, len);
  mt_test_tree_write (tree, "etc/vmware/config",
                      "libdir = \"/opt/vmware/lib/vmware\"\n"
                      "workstation.product.version = \"17.6.4\"\n",
                      -1);
  vmware = probe_tree (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_vmware_info_get_source (vmware, "vmmon")->path, ==,
                   "/opt/vmware/lib/vmware/modules/source/vmmon.tar");
  g_assert_cmpint (mt_vmware_info_get_source (vmware, "vmmon")->interface_version, ==, 417);
  g_assert_true (mt_vmware_info_interface_matches_product (vmware, NULL));

  /* without a config, vmware-vmx alone means installed */
  g_assert_cmpint (g_unlink (config), ==, 0);
  mt_test_tree_write (tree, "usr/lib/vmware/bin/vmware-vmx", "", 0);
  bad = probe_tree (tree, &error);
  g_assert_no_error (error);
  g_assert_true (mt_vmware_info_is_installed (bad));
  g_assert_null (mt_vmware_info_get_config_file (bad));
  g_assert_cmpstr (mt_vmware_info_get_source (bad, "vmmon")->path, ==,
                   "/usr/lib/vmware/modules/source/vmmon.tar");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_unsafe_libdir (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtVmwareInfo) vmware = NULL;

  mt_test_tree_write (tree, "etc/vmware/config", "libdir = \"/usr/../../x\"\n", -1);
  vmware = probe_tree (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_vmware_info_get_source (vmware, "vmmon")->path, ==,
                   "/usr/lib/vmware/modules/source/vmmon.tar");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_installed_modules_walk (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *loop = g_build_filename (tree, "lib/modules/6.1.0/misc/loop", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtVmwareInfo) vmware = NULL;
  GPtrArray *installed;

  /* no modules.dep: kernel/ is walked; misc/ has a link back to itself */
  mt_test_tree_write (tree, "lib/modules/6.1.0/kernel/drivers/misc/vmmon.ko.gz", "x", 1);
  mt_test_tree_write (tree, "lib/modules/6.1.0/misc/vmnet.ko", "x", 1);
  mt_test_tree_write (tree, "lib/modules/6.1.0/misc/vmnet.ko.bak", "x", 1);
  mt_test_tree_write (tree, "lib/modules/6.1.0/extra/deep/er/vmmon.ko.zst", "x", 1);
  g_assert_cmpint (symlink (".", loop), ==, 0);
  /* modules.dep names a file elsewhere, and one that is gone */
  mt_test_tree_write (tree, "lib/modules/6.2.0/modules.dep",
                      "weak-updates/vmmon.ko: kernel/foo.ko\nmisc/vmnet.ko:\n:\n\n", -1);
  mt_test_tree_write (tree, "lib/modules/6.2.0/weak-updates/vmmon.ko", "x", 1);
  mt_test_tree_write (tree, "lib/modules/6.2.0/kernel/vmnet.ko", "x", 1); /* not in the index */
  /* not kernels */
  mt_test_tree_write (tree, "lib/modules/.hidden/misc/vmmon.ko", "x", 1);
  mt_test_tree_write (tree, "lib/modules/README", "x", 1);

  vmware = probe_tree (tree, &error);
  g_assert_no_error (error);
  installed = mt_vmware_info_get_installed_modules (vmware);
  g_assert_cmpuint (installed->len, ==, 4);
  g_assert_cmpstr (((MtVmwareModuleFile *) installed->pdata[0])->path, ==,
                   "/lib/modules/6.1.0/extra/deep/er/vmmon.ko.zst");
  g_assert_cmpstr (((MtVmwareModuleFile *) installed->pdata[1])->path, ==,
                   "/lib/modules/6.1.0/kernel/drivers/misc/vmmon.ko.gz");
  g_assert_cmpstr (((MtVmwareModuleFile *) installed->pdata[2])->path, ==,
                   "/lib/modules/6.1.0/misc/vmnet.ko");
  g_assert_cmpstr (((MtVmwareModuleFile *) installed->pdata[3])->path, ==,
                   "/lib/modules/6.2.0/weak-updates/vmmon.ko");
  g_assert_cmpstr (((MtVmwareModuleFile *) installed->pdata[3])->kernel, ==, "6.2.0");
  g_assert_false (mt_vmware_info_is_installed (vmware));

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_parse_config (void)
{
  static const char text[] = "\xef\xbb\xbf.encoding = \"UTF-8\"\r\n"
                             "# player.product.version = \"1.0\"\n"
                             "   \n"
                             "Product.BuildNumber=\"123\"\n"
                             "product.name = \"VMware |22Workstation|22 |7C pipe |zz\"\n"
                             "unquoted =  plain value  \n"
                             "product.buildNumber = \"456\"\n"
                             "no equals sign here\n"
                             " = \"no key\"\n"
                             "unterminated = \"abc\n"
                             "empty = \"\"\n"
                             "bad.utf8 = \"\xff\"\n"
                             "last = \"no newline\"";
  g_autoptr (GHashTable) values = mt_vmware_parse_config (text, sizeof text - 1);

  g_assert_cmpstr (g_hash_table_lookup (values, ".encoding"), ==, "UTF-8");
  g_assert_false (g_hash_table_contains (values, "player.product.version"));
  /* keys are case-insensitive; the last one wins */
  g_assert_cmpstr (g_hash_table_lookup (values, "product.buildnumber"), ==, "456");
  g_assert_cmpstr (g_hash_table_lookup (values, "product.name"), ==,
                   "VMware \"Workstation\" | pipe |zz");
  g_assert_cmpstr (g_hash_table_lookup (values, "unquoted"), ==, "plain value");
  g_assert_cmpstr (g_hash_table_lookup (values, "unterminated"), ==, "abc");
  g_assert_cmpstr (g_hash_table_lookup (values, "empty"), ==, "");
  g_assert_true (g_utf8_validate (g_hash_table_lookup (values, "bad.utf8"), -1, NULL));
  g_assert_cmpstr (g_hash_table_lookup (values, "last"), ==, "no newline");
  g_assert_cmpuint (g_hash_table_size (values), ==, 8);

  g_clear_pointer (&values, g_hash_table_unref);
  values = mt_vmware_parse_config ("", 0);
  g_assert_cmpuint (g_hash_table_size (values), ==, 0);
  g_clear_pointer (&values, g_hash_table_unref);
  values = mt_vmware_parse_config ("a = \"b\"", -1);
  g_assert_cmpstr (g_hash_table_lookup (values, "a"), ==, "b");
}

static void
test_parse_vmmon_version (void)
{
  const struct
  {
    const char *text;
    int major;
    int minor;
  } cases[] = {
    { "#define VMMON_VERSION           (417 << 16 | 0)\n", 417, 0 },
    { "/* x */\n#define VMMON_VERSION_MAJOR(v)  ((uint32) (v) >> 16)\n"
      "  #  define\tVMMON_VERSION (418<<16|3) /* comment */\r\n",
      418, 3 },
    { "#define VMMON_VERSION 410 << 16\n", 410, 0 },
    { "#define VMMON_VERSION 27328512\n", 417, 0 },
    { "#define VMMON_VERSION_MAJOR(v) ((uint32) (v) >> 16)\n", -1, -1 },
    { "#define VMMON_VERSION\n", -1, -1 },
    { "#define VMMON_VERSION (417 << 8 | 0)\n", -1, -1 },
    { "#define VMMON_VERSION (417 << 16 | 0\n", -1, -1 },
    { "#define VMMON_VERSION (9999999999 << 16 | 0)\n", -1, -1 },
    { "#define VMMON_VERSION (abc)\n", -1, -1 },
    { "// #define VMMON_VERSION (417 << 16 | 0)\n", -1, -1 },
    { "#define VMMON_VERSIONS (417 << 16 | 0)\n", -1, -1 },
    { "#defineVMMON_VERSION (417 << 16 | 0)\n", -1, -1 },
    { "", -1, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int major = -1;
      int minor = -1;
      gboolean found =
        mt_vmware_parse_vmmon_version (cases[i].text, strlen (cases[i].text), &major, &minor);

      g_test_message ("case %u", i);
      g_assert_cmpint (found, ==, cases[i].major >= 0);
      if (found)
        {
          g_assert_cmpint (major, ==, cases[i].major);
          g_assert_cmpint (minor, ==, cases[i].minor);
        }
    }
}

static void
test_interface_for_version (void)
{
  const struct
  {
    const char *version;
    int interface;
  } cases[] = {
    { "16.2.5", 410 }, { "16.2.0", 410 }, { "16.1.2", -1 },  { "17.0.0", 416 },
    { "17.5.2", 416 }, { "17.6.0", 417 }, { "17.6.4", 417 }, { "25.0.0", 418 },
    { "25.0.1", 418 }, { "25H2", 418 },   { "25H2u1", 418 }, { "26.1.0", -1 },
    { "17", -1 },      { "", -1 },        { "x.y.z", -1 },   { "17.-1.0", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].version);
      g_assert_cmpint (mt_vmware_interface_for_version (cases[i].version), ==, cases[i].interface);
    }

  g_assert_cmpstr (mt_vmware_versions_for_interface (417), ==, "17.6.x");
  g_assert_cmpstr (mt_vmware_versions_for_interface (418), ==, "25H2");
  g_assert_null (mt_vmware_versions_for_interface (394));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vmware/workstation-17.6", test_workstation_17_6);
  g_test_add_func ("/vmware/json", test_json);
  g_test_add_func ("/vmware/not-installed", test_not_installed);
  g_test_add_func ("/vmware/mismatch", test_mismatch);
  g_test_add_func ("/vmware/damaged-sources", test_damaged_sources);
  g_test_add_func ("/vmware/libdir-and-vmx", test_libdir_and_vmx);
  g_test_add_func ("/vmware/unsafe-libdir", test_unsafe_libdir);
  g_test_add_func ("/vmware/installed-modules-walk", test_installed_modules_walk);
  g_test_add_func ("/vmware/parse-config", test_parse_config);
  g_test_add_func ("/vmware/parse-vmmon-version", test_parse_vmmon_version);
  g_test_add_func ("/vmware/interface-for-version", test_interface_for_version);

  return g_test_run ();
}
