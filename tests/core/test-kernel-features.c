/* test-kernel-features.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-test-util.h"

#define DEBIAN_VERSION                                                                          \
  "Linux version 6.12.48+deb13-amd64 (debian-kernel@lists.debian.org) "                         \
  "(x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0, GNU ld (GNU Binutils for Debian) 2.44) " \
  "#1 SMP PREEMPT_DYNAMIC Debian 6.12.48-1 (2025-09-20)\n"

static MtKernelFeatures *
probe_tree (const char *tree)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, &error);
  g_autoptr (MtKernelInfo) kernel = mt_kernel_info_probe (root, &error);
  MtKernelFeatures *features;

  g_assert_no_error (error);
  features = mt_kernel_features_probe (root, kernel, &error);
  g_assert_no_error (error);

  return features;
}

static void
test_recorded (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autoptr (MtKernelFeatures) f = probe_tree (fixture);

  g_assert_cmpstr (mt_kernel_features_get_compiler_kind (f), ==, "gcc");
  g_assert_cmpstr (mt_kernel_features_get_compiler_version (f), ==, "15.3.0");
  g_assert_cmpstr (mt_kernel_features_get_linker (f), ==, "GNU ld (GNU Binutils) 2.46");
  g_assert_cmpstr (mt_kernel_features_get_lto (f), ==, "none");
  g_assert_cmpstr (mt_kernel_features_get_unwinder (f), ==, "orc");
  g_assert_cmpint (mt_kernel_features_get_objtool (f), ==, 1);
  /* built without loadable modules */
  g_assert_cmpint (mt_kernel_features_get_modules (f), ==, 0);
  g_assert_cmpstr (mt_kernel_features_get_iommu (f), ==, "none");
  g_assert_false (mt_kernel_features_get_headers_present (f));
  g_assert_cmpstr (mt_kernel_features_get_headers_path (f), ==,
                   "/lib/modules/6.18.44-fc-v669/build");
}

static void
test_clang_lto_signed (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtKernelFeatures) f = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  JsonObject *obj;

  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.17.8-2-cachyos\n", -1);
  mt_test_tree_write (tree, "proc/cmdline", "root=/dev/nvme0n1p2 iommu=pt quiet\n", -1);
  mt_test_tree_write (tree, "sys/class/iommu/dmar0/uevent", "", 0);
  mt_test_tree_write (tree, "boot/config-6.17.8-2-cachyos",
                      "CONFIG_CC_VERSION_TEXT=\"clang version 20.1.8\"\n"
                      "CONFIG_CC_IS_CLANG=y\nCONFIG_CLANG_VERSION=200108\n"
                      "CONFIG_LD_IS_LLD=y\nCONFIG_LD_VERSION=200108\n"
                      "CONFIG_LTO_CLANG_THIN=y\nCONFIG_UNWINDER_FRAME_POINTER=y\n"
                      "CONFIG_MODULES=y\nCONFIG_MODULE_SIG=y\nCONFIG_MODULE_SIG_FORCE=y\n"
                      "CONFIG_MODULE_SIG_ALL=y\nCONFIG_MODULE_SIG_HASH=\"sha512\"\n"
                      "CONFIG_MODULE_COMPRESS_ZSTD=y\nCONFIG_OBJTOOL=y\n",
                      -1);
  /* headers for another installed kernel only */
  mt_test_tree_write (tree, "lib/modules/6.12.58-1-lts/build/Makefile", "", 0);
  mt_test_tree_write (tree, "lib/modules/6.17.8-2-cachyos/modules.dep", "", 0);

  f = probe_tree (tree);
  g_assert_cmpstr (mt_kernel_features_get_compiler_kind (f), ==, "clang");
  g_assert_cmpstr (mt_kernel_features_get_compiler_version (f), ==, "20.1.8");
  g_assert_cmpstr (mt_kernel_features_get_linker (f), ==, "LLD 20.1.8");
  g_assert_cmpstr (mt_kernel_features_get_lto (f), ==, "clang-thin");
  g_assert_cmpstr (mt_kernel_features_get_unwinder (f), ==, "frame-pointer");
  g_assert_cmpint (mt_kernel_features_get_module_sig (f), ==, 1);
  g_assert_cmpint (mt_kernel_features_get_module_sig_force (f), ==, 1);
  g_assert_cmpstr (mt_kernel_features_get_module_sig_hash (f), ==, "sha512");
  g_assert_cmpstr (mt_kernel_features_get_iommu (f), ==, "passthrough");
  g_assert_true (
    g_str_has_prefix (mt_kernel_features_get_iommu_evidence (f), "/sys/class/iommu: 1 unit(s)"));
  g_assert_false (mt_kernel_features_get_headers_present (f));

  json_builder_begin_object (builder);
  mt_kernel_features_to_json (f, builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (obj, "module_compression"), ==, "zstd");
  g_assert_cmpstr (mt_kernel_features_get_module_compression (f), ==, "zstd");
  {
    JsonArray *kernels = json_object_get_array_member (
      json_object_get_object_member (obj, "headers"), "installed_kernels");
    JsonObject *lts = json_array_get_object_element (kernels, 0);
    JsonObject *cachy = json_array_get_object_element (kernels, 1);

    g_assert_cmpuint (json_array_get_length (kernels), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (lts, "release"), ==, "6.12.58-1-lts");
    g_assert_true (json_object_get_boolean_member (lts, "headers"));
    g_assert_false (json_object_get_boolean_member (cachy, "headers"));
  }

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_no_config (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtKernelFeatures) f = NULL;

  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.12.48+deb13-amd64\n", -1);
  mt_test_tree_write (tree, "proc/version", DEBIAN_VERSION, -1);
  mt_test_tree_write (tree, "proc/cmdline", "intel_iommu=off\n", -1);
  mt_test_tree_write (tree, "sys/class/iommu/dmar0/uevent", "", 0);

  f = probe_tree (tree);
  /* without a configuration only /proc/version speaks */
  g_assert_null (mt_kernel_features_get_compiler_kind (f));
  g_assert_cmpstr (mt_kernel_features_get_linker (f), ==, "GNU ld (GNU Binutils for Debian) 2.44");
  g_assert_cmpint (mt_kernel_features_get_modules (f), ==, -1);
  g_assert_cmpint (mt_kernel_features_get_module_sig (f), ==, -1);
  g_assert_null (mt_kernel_features_get_lto (f));
  g_assert_cmpstr (mt_kernel_features_get_iommu (f), ==, "off");

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kernel-features/recorded", test_recorded);
  g_test_add_func ("/kernel-features/clang-lto-signed", test_clang_lto_signed);
  g_test_add_func ("/kernel-features/no-config", test_no_config);

  return g_test_run ();
}
