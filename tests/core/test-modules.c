/* test-modules.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "mt-error.h"
#include "mt-modules.h"
#include "mt-test-util.h"

static MtModulesInfo *
probe_tree (const char *tree, const char *release, GError **error)
{
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, NULL);

  g_assert_nonnull (root);

  return mt_modules_info_probe (root, release, NULL, error);
}

/* The fixture's kernels, read from the tree: make-module-fixtures.sh names
 * them after the headers it was run with. */
static char *
fixture_kernel (const char *series)
{
  g_autofree char *dir =
    mt_test_fixture_path ("sysroots", "workstation-17.6-host", "lib", "modules", NULL);
  g_autoptr (GDir) modules = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (modules);
  while ((name = g_dir_read_name (modules)) != NULL)
    if (g_str_has_prefix (name, series))
      return g_strdup (name);

  g_assert_not_reached ();
}

static JsonNode *
to_json (MtModulesInfo *modules)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  mt_modules_info_to_json (modules, builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
assert_state (MtModulesInfo *modules, const char *name, MtModuleState state)
{
  const MtModule *module = mt_modules_info_lookup (modules, name);

  g_test_message ("%s", name);
  g_assert_nonnull (module);
  g_assert_cmpstr (mt_module_state_to_string (module->state), ==,
                   mt_module_state_to_string (state));
}

static void
test_running_kernel (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "workstation-17.6-host", NULL);
  g_autofree char *release = fixture_kernel ("6.12.");
  g_autofree char *vmmon_file = g_strdup_printf ("/lib/modules/%s/misc/vmmon.ko", release);
  g_autofree char *kvm_amd_file =
    g_strdup_printf ("/lib/modules/%s/kernel/arch/x86/kvm/kvm-amd.ko", release);
  g_autofree char *vermagic = g_strconcat (release, " SMP ", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtModulesInfo) modules = probe_tree (fixture, NULL, &error);
  const MtModule *m;

  g_assert_no_error (error);
  g_assert_cmpstr (mt_modules_info_get_kernel_release (modules), ==, release);
  g_assert_true (mt_modules_info_is_running_kernel (modules));
  g_assert_cmpint (mt_modules_info_get_support (modules), ==, MT_MODULE_SUPPORT_LOADABLE);
  g_assert_cmpstr (mt_modules_info_get_support_evidence (modules), ==, "/proc/modules");
  g_assert_true (g_str_has_suffix (mt_modules_info_get_directory (modules), release));
  g_assert_cmpuint (g_strv_length ((GStrv) mt_modules_info_get_names (modules)), ==, 11);

  /* vmmon: loaded, signed with the fixture's throw-away key */
  m = mt_modules_info_lookup (modules, "vmmon");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_LOADED);
  g_assert_cmpstr (m->file, ==, vmmon_file);
  g_assert_cmpstr (m->version, ==, "417.0-fixture");
  g_assert_true (g_str_has_prefix (m->vermagic, vermagic));
  g_assert_false (g_str_has_suffix (m->vermagic, " "));
  g_assert_cmpstr (m->signer, ==, "Modtune fixture signing key");
  g_assert_cmpstr (m->sig_hashalgo, ==, "sha256");
  g_assert_cmpstr (m->license, ==, "GPL");
  g_assert_nonnull (m->srcversion);
  g_assert_cmpstr (m->srcversion, ==, m->loaded_srcversion);
  g_assert_cmpint (m->refcount, ==, 0);
  g_assert_cmpuint (g_strv_length (m->holders), ==, 0);
  g_assert_true (g_str_has_suffix (m->evidence, "/sys/module/vmmon/initstate: live"));

  /* vmnet: loaded, unsigned, and the file on disk is not what was loaded */
  m = mt_modules_info_lookup (modules, "vmnet");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_LOADED);
  g_assert_null (m->signer);
  g_assert_cmpstr (m->loaded_srcversion, ==, "0123456789ABCDEF0123456");
  g_assert_cmpstr (m->srcversion, !=, m->loaded_srcversion);

  /* holders from /sys/module/<name>/holders */
  m = mt_modules_info_lookup (modules, "vmw_vmci");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_LOADED);
  g_assert_cmpint (m->refcount, ==, 1);
  g_assert_cmpuint (g_strv_length (m->holders), ==, 1);
  g_assert_cmpstr (m->holders[0], ==, "vmw_vsock_vmci_transport");
  m = mt_modules_info_lookup (modules, "kvm");
  g_assert_cmpstr (m->holders[0], ==, "kvm_amd");

  /* a file name with a dash, a module name with an underscore */
  m = mt_modules_info_lookup (modules, "kvm_amd");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_LOADED);
  g_assert_cmpstr (m->file, ==, kvm_amd_file);

  /* built in: modules.builtin, information from modules.builtin.modinfo */
  m = mt_modules_info_lookup (modules, "vsock");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_BUILTIN);
  g_assert_null (m->file);
  g_assert_cmpstr (m->version, ==, "1.0.2.0-k");
  g_assert_cmpstr (m->license, ==, "GPL v2");
  g_assert_true (g_str_has_suffix (m->evidence, "/modules.builtin"));
  g_assert_cmpint (m->refcount, ==, -1);

  assert_state (modules, "vsock_loopback", MT_MODULE_STATE_AVAILABLE);
  assert_state (modules, "kvm_intel", MT_MODULE_STATE_AVAILABLE);
  assert_state (modules, "vmw_vsock_vmci_transport", MT_MODULE_STATE_LOADED);
  assert_state (modules, "hv_sock", MT_MODULE_STATE_MISSING);
  assert_state (modules, "vmw_vsock_virtio_transport", MT_MODULE_STATE_MISSING);

  m = mt_modules_info_lookup (modules, "kvm_intel");
  g_assert_null (m->loaded_srcversion);
  g_assert_cmpint (m->refcount, ==, -1);
  m = mt_modules_info_lookup (modules, "hv_sock");
  g_assert_null (m->file);
  g_assert_null (m->evidence);

  g_assert_null (mt_modules_info_lookup (modules, "ext4"));
}

static void
test_other_kernel (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "workstation-17.6-host", NULL);
  g_autofree char *release = fixture_kernel ("7.3.");
  g_autofree char *vmmon_file =
    g_strdup_printf ("/lib/modules/%s/updates/dkms/vmmon.ko.xz", release);
  g_autofree char *vmnet_file =
    g_strdup_printf ("/lib/modules/%s/updates/dkms/vmnet.ko.zst", release);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtModulesInfo) modules = probe_tree (fixture, release, &error);
  const MtModule *m;

  g_assert_no_error (error);
  g_assert_false (mt_modules_info_is_running_kernel (modules));
  g_assert_cmpint (mt_modules_info_get_support (modules), ==, MT_MODULE_SUPPORT_LOADABLE);
  g_assert_true (g_str_has_suffix (mt_modules_info_get_support_evidence (modules), "/modules.dep"));

  /* compressed files, read by libkmod; nothing is loaded in a kernel
   * that does not run, whatever /sys/module says */
  m = mt_modules_info_lookup (modules, "vmmon");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_AVAILABLE);
  g_assert_cmpstr (m->file, ==, vmmon_file);
  g_assert_true (g_str_has_prefix (m->vermagic, release));
  g_assert_cmpint (m->refcount, ==, -1);
  g_assert_null (m->loaded_srcversion);
  m = mt_modules_info_lookup (modules, "vmnet");
  g_assert_cmpstr (m->file, ==, vmnet_file);
  g_assert_cmpstr (m->version, ==, "417.0-fixture");

  assert_state (modules, "kvm", MT_MODULE_STATE_MISSING);
  assert_state (modules, "vsock", MT_MODULE_STATE_MISSING);
}

static void
test_no_module_support (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtModulesInfo) modules = probe_tree (fixture, NULL, &error);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *support;
  JsonObject *vsock;
  const MtModule *m;

  /* a kernel built without CONFIG_MODULES: a fact, not an error */
  g_assert_no_error (error);
  g_assert_cmpint (mt_modules_info_get_support (modules), ==, MT_MODULE_SUPPORT_NONE);
  g_assert_cmpstr (mt_modules_info_get_support_evidence (modules), ==,
                   "/proc/config.gz: # CONFIG_MODULES is not set");
  g_assert_null (mt_modules_info_get_directory (modules));

  /* built-in modules with a version or parameters show in /sys/module */
  m = mt_modules_info_lookup (modules, "vsock");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_BUILTIN);
  g_assert_cmpstr (m->version, ==, "1.0.2.0-k");
  assert_state (modules, "kvm", MT_MODULE_STATE_BUILTIN);
  assert_state (modules, "vmw_vsock_virtio_transport", MT_MODULE_STATE_BUILTIN);
  assert_state (modules, "vmmon", MT_MODULE_STATE_MISSING);
  assert_state (modules, "kvm_amd", MT_MODULE_STATE_MISSING);

  root = to_json (modules);
  support = json_object_get_object_member (json_node_get_object (root), "module_support");
  g_assert_false (json_object_get_boolean_member (support, "loadable"));
  g_assert_true (json_object_get_null_member (support, "directory"));
  vsock = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (root), "modules"), "vsock");
  g_assert_cmpstr (json_object_get_string_member (vsock, "state"), ==, "builtin");
  g_assert_cmpstr (json_object_get_string_member (vsock, "version"), ==, "1.0.2.0-k");
  g_assert_true (json_object_get_null_member (vsock, "refcount"));
}

static void
test_missing_directory (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "workstation-17.6-host", NULL);
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtModulesInfo) modules = NULL;
  g_autoptr (MtModulesInfo) empty = NULL;

  /* a kernel that is not installed: every module is missing */
  modules = probe_tree (fixture, "9.9.9-none", &error);
  g_assert_no_error (error);
  g_assert_null (mt_modules_info_get_directory (modules));
  g_assert_false (mt_modules_info_is_running_kernel (modules));
  g_assert_cmpint (mt_modules_info_get_support (modules), ==, MT_MODULE_SUPPORT_UNKNOWN);
  for (const char *const *name = mt_modules_info_get_names (modules); *name != NULL; name++)
    assert_state (modules, *name, MT_MODULE_STATE_MISSING);

  /* an empty tree, asked about a release */
  empty = probe_tree (tree, "6.12.0", &error);
  g_assert_no_error (error);
  g_assert_true (mt_modules_info_is_running_kernel (empty));
  g_assert_cmpint (mt_modules_info_get_support (empty), ==, MT_MODULE_SUPPORT_UNKNOWN);
  assert_state (empty, "vmmon", MT_MODULE_STATE_MISSING);

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_errors (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  const char *const bad[] = { "../../etc", "", "6.12 amd64", "a/b", ".." };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MtModulesInfo) modules = probe_tree (tree, bad[i], &error);

      g_test_message ("release “%s”", bad[i]);
      g_assert_null (modules);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
    }

  /* the running kernel cannot be named */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (MtModulesInfo) modules = probe_tree (tree, NULL, &error);

    g_assert_null (modules);
    g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  }

  /* a configuration that exists but is not one */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (MtModulesInfo) modules = NULL;

    mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.12.0\n", -1);
    mt_test_tree_write (tree, "boot/config-6.12.0", "garbage\n", -1);
    modules = probe_tree (tree, NULL, &error);
    g_assert_null (modules);
    g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  }

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_proc_modules_only (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtModulesInfo) modules = NULL;
  const MtModule *m;

  /* a tree that recorded /proc/modules but not /sys/module */
  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.12.0\n", -1);
  mt_test_tree_write (tree, "proc/modules",
                      "vmnet 73728 13 - Live 0x0000000000000000 (OE)\n"
                      "vmmon 159744 2 vmnet,other, Live 0x0000000000000000 (OE)\n"
                      "broken\n"
                      "\n"
                      "kvm x - - Live\n",
                      -1);
  /* and a kernel configuration that says modules exist */
  mt_test_tree_write (tree, "boot/config-6.12.0", "CONFIG_MODULES=y\n", -1);

  modules = probe_tree (tree, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mt_modules_info_get_support (modules), ==, MT_MODULE_SUPPORT_LOADABLE);

  m = mt_modules_info_lookup (modules, "vmmon");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_LOADED);
  g_assert_cmpstr (m->evidence, ==, "/proc/modules");
  g_assert_cmpint (m->refcount, ==, 2);
  g_assert_cmpuint (g_strv_length (m->holders), ==, 2);
  g_assert_cmpstr (m->holders[1], ==, "other");
  g_assert_null (m->file);

  m = mt_modules_info_lookup (modules, "vmnet");
  g_assert_cmpint (m->refcount, ==, 13);
  g_assert_cmpuint (g_strv_length (m->holders), ==, 0);

  /* a line it cannot read: loaded, count unknown */
  m = mt_modules_info_lookup (modules, "kvm");
  g_assert_cmpint (m->state, ==, MT_MODULE_STATE_LOADED);
  g_assert_cmpint (m->refcount, ==, -1);

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_config_decides_support (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtModulesInfo) running = NULL;
  g_autoptr (MtModulesInfo) other = NULL;

  /* a recorded tree without /proc/modules nor a configuration: the file
   * may just not have been recorded */
  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.18.0\n", -1);
  running = probe_tree (tree, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mt_modules_info_get_support (running), ==, MT_MODULE_SUPPORT_UNKNOWN);
  g_assert_null (mt_modules_info_get_support_evidence (running));

  /* the module loader's own parameters are enough */
  {
    g_autofree char *loader = g_build_filename (tree, "sys/module/module/parameters", NULL);
    g_autoptr (MtModulesInfo) with_loader = NULL;

    g_assert_cmpint (g_mkdir_with_parents (loader, 0755), ==, 0);
    with_loader = probe_tree (tree, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (mt_modules_info_get_support (with_loader), ==, MT_MODULE_SUPPORT_LOADABLE);
    g_assert_cmpstr (mt_modules_info_get_support_evidence (with_loader), ==, "/sys/module/module");
    assert_state (with_loader, "vmmon", MT_MODULE_STATE_MISSING);
  }

  /* another kernel: its /boot configuration says */
  mt_test_tree_write (tree, "boot/config-6.19.0", "# CONFIG_MODULES is not set\nCONFIG_X=y\n", -1);
  other = probe_tree (tree, "6.19.0", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mt_modules_info_get_support (other), ==, MT_MODULE_SUPPORT_NONE);
  g_assert_cmpstr (mt_modules_info_get_support_evidence (other), ==,
                   "/boot/config-6.19.0: # CONFIG_MODULES is not set");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_json (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "workstation-17.6-host", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtModulesInfo) modules = probe_tree (fixture, NULL, &error);
  g_autoptr (JsonNode) root = to_json (modules);
  JsonObject *object = json_node_get_object (root);
  JsonObject *all;
  JsonObject *vmmon;
  JsonObject *vmw_vmci;
  JsonObject *support;
  g_autoptr (GList) names = NULL;

  g_assert_no_error (error);
  support = json_object_get_object_member (object, "module_support");
  g_assert_true (json_object_get_boolean_member (support, "loadable"));
  g_assert_true (json_object_get_boolean_member (support, "running"));
  g_assert_cmpstr (json_object_get_string_member (support, "evidence"), ==, "/proc/modules");

  all = json_object_get_object_member (object, "modules");
  names = json_object_get_members (all);
  g_assert_cmpuint (g_list_length (names), ==, 11);
  g_assert_cmpstr (names->data, ==, "vmmon");

  vmmon = json_object_get_object_member (all, "vmmon");
  g_assert_cmpstr (json_object_get_string_member (vmmon, "state"), ==, "loaded");
  g_assert_cmpstr (json_object_get_string_member (vmmon, "signer"), ==,
                   "Modtune fixture signing key");
  g_assert_cmpint (json_object_get_int_member (vmmon, "refcount"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (vmmon, "holders")), ==, 0);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (vmmon, "file"), "/lib/modules/"));

  vmw_vmci = json_object_get_object_member (all, "vmw_vmci");
  g_assert_cmpstr (
    json_array_get_string_element (json_object_get_array_member (vmw_vmci, "holders"), 0), ==,
    "vmw_vsock_vmci_transport");

  g_assert_cmpstr (
    json_object_get_string_member (json_object_get_object_member (all, "hv_sock"), "state"), ==,
    "missing");
  g_assert_cmpstr (
    json_object_get_string_member (json_object_get_object_member (all, "vsock_loopback"), "state"),
    ==, "available");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/modules/running-kernel", test_running_kernel);
  g_test_add_func ("/modules/other-kernel", test_other_kernel);
  g_test_add_func ("/modules/no-module-support", test_no_module_support);
  g_test_add_func ("/modules/missing-directory", test_missing_directory);
  g_test_add_func ("/modules/errors", test_errors);
  g_test_add_func ("/modules/proc-modules-only", test_proc_modules_only);
  g_test_add_func ("/modules/config-decides-support", test_config_decides_support);
  g_test_add_func ("/modules/json", test_json);

  return g_test_run ();
}
