/* test-kernel-info.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "mt-core.h"
#include "mt-test-util.h"

#define DEBIAN_VERSION                                                                          \
  "Linux version 6.12.48+deb13-amd64 (debian-kernel@lists.debian.org) "                         \
  "(x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0, GNU ld (GNU Binutils for Debian) 2.44) " \
  "#1 SMP PREEMPT_DYNAMIC Debian 6.12.48-1 (2025-09-20)\n"

static MtKernelInfo *
probe_tree (const char *tree, GError **error)
{
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, NULL);

  g_assert_nonnull (root);

  return mt_kernel_info_probe (root, error);
}

static void
test_recorded (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtKernelInfo) kernel = probe_tree (fixture, &error);
  MtKconfig *config;

  g_assert_no_error (error);
  g_assert_cmpstr (mt_kernel_info_get_release (kernel), ==, "6.18.44-fc-v669");
  g_assert_true (
    g_str_has_prefix (mt_kernel_info_get_version (kernel), "Linux version 6.18.44-fc-v669 "));
  g_assert_cmpstr (mt_kernel_info_get_compiler (kernel), ==, "gcc (GCC) 15.3.0");
  g_assert_cmpstr (mt_kernel_info_get_evidence (kernel, "compiler"), ==,
                   "/proc/config.gz: CONFIG_CC_VERSION_TEXT");
  g_assert_cmpstr (mt_kernel_info_get_evidence (kernel, "release"), ==,
                   "/proc/sys/kernel/osrelease");

  config = mt_kernel_info_get_config (kernel);
  g_assert_nonnull (config);
  g_assert_cmpstr (mt_kconfig_get_source (config), ==, "/proc/config.gz");
  g_assert_cmpuint (mt_kconfig_get_size (config), >, 1000);
  g_assert_true (mt_kconfig_is_enabled (config, "CONFIG_X86_64"));
  /* this recorded kernel was built without loadable module support */
  g_assert_cmpstr (mt_kconfig_lookup (config, "CONFIG_MODULES"), ==, "n");
}

static void
test_boot_config_and_version_compiler (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtKernelInfo) kernel = NULL;

  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.12.48+deb13-amd64\n", -1);
  mt_test_tree_write (tree, "proc/version", DEBIAN_VERSION, -1);
  /* an older config without CONFIG_CC_VERSION_TEXT */
  mt_test_tree_write (tree, "boot/config-6.12.48+deb13-amd64", "CONFIG_MODULES=y\n", -1);
  mt_test_tree_write (tree, "boot/config-6.1.0-9-amd64", "CONFIG_WRONG=y\n", -1);

  kernel = probe_tree (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_kconfig_get_source (mt_kernel_info_get_config (kernel)), ==,
                   "/boot/config-6.12.48+deb13-amd64");
  g_assert_cmpstr (mt_kernel_info_get_compiler (kernel), ==,
                   "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0");
  g_assert_cmpstr (mt_kernel_info_get_evidence (kernel, "compiler"), ==, "/proc/version");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_build_config (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtKernelInfo) kernel = NULL;

  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.17.1-arch1-1\n", -1);
  mt_test_tree_write (tree, "lib/modules/6.17.1-arch1-1/build/.config",
                      "CONFIG_CC_VERSION_TEXT=\"clang version 20.1.8\"\nCONFIG_CC_IS_CLANG=y\n",
                      -1);

  kernel = probe_tree (tree, &error);
  g_assert_no_error (error);
  g_assert_null (mt_kernel_info_get_version (kernel));
  g_assert_cmpstr (mt_kernel_info_get_compiler (kernel), ==, "clang version 20.1.8");
  g_assert_cmpstr (mt_kernel_info_get_evidence (kernel, "config"), ==,
                   "/lib/modules/6.17.1-arch1-1/build/.config");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_no_config (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtKernelInfo) kernel = NULL;

  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.12.0\n", -1);
  kernel = probe_tree (tree, &error);

  /* no configuration anywhere is a fact, not a failure */
  g_assert_no_error (error);
  g_assert_null (mt_kernel_info_get_config (kernel));
  g_assert_null (mt_kernel_info_get_compiler (kernel));
  g_assert_null (mt_kernel_info_get_evidence (kernel, "config"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_errors (void)
{
  const struct
  {
    const char *release;
    const char *config_gz;
    int code;
  } cases[] = {
    { NULL, NULL, G_IO_ERROR_NOT_FOUND },
    { "../../etc\n", NULL, MT_ERROR_INVALID_DATA },
    { "\n", NULL, MT_ERROR_INVALID_DATA },
    { "6.12 amd64\n", NULL, MT_ERROR_INVALID_DATA },
    { "6.12.0\n", "not gzip", MT_ERROR_INVALID_DATA },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tree = mt_test_tree_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (MtKernelInfo) kernel = NULL;

      g_test_message ("case %u", i);
      if (cases[i].release != NULL)
        mt_test_tree_write (tree, "proc/sys/kernel/osrelease", cases[i].release, -1);
      if (cases[i].config_gz != NULL)
        mt_test_tree_write (tree, "proc/config.gz", cases[i].config_gz, -1);

      kernel = probe_tree (tree, &error);
      g_assert_null (kernel);
      g_assert_nonnull (error);
      g_assert_cmpint (error->code, ==, cases[i].code);
      g_assert_true (error->domain ==
                     (cases[i].code == G_IO_ERROR_NOT_FOUND ? G_IO_ERROR : MT_ERROR));

      mt_test_tree_free (g_steal_pointer (&tree));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kernel-info/recorded", test_recorded);
  g_test_add_func ("/kernel-info/boot-config-and-version-compiler",
                   test_boot_config_and_version_compiler);
  g_test_add_func ("/kernel-info/build-config", test_build_config);
  g_test_add_func ("/kernel-info/no-config", test_no_config);
  g_test_add_func ("/kernel-info/errors", test_errors);

  return g_test_run ();
}
