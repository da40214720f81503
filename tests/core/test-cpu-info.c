/* test-cpu-info.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-test-util.h"

static MtSysroot *
fixture_root (void)
{
  g_autofree char *path = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autoptr (GError) error = NULL;
  MtSysroot *root = mt_sysroot_new (path, &error);

  g_assert_no_error (error);

  return root;
}

static void
test_recorded_with_cpuid (void)
{
  g_autoptr (MtSysroot) root = fixture_root ();
  g_autofree char *dump = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", "cpuid.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCpuid) cpuid = mt_cpuid_new_from_file (dump, &error);
  g_autoptr (MtCpuInfo) cpu = NULL;

  g_assert_no_error (error);
  cpu = mt_cpu_info_probe (root, cpuid, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (mt_cpu_info_get_vendor_id (cpu), ==, "AuthenticAMD");
  g_assert_cmpstr (mt_cpu_info_get_vendor (cpu), ==, "AMD");
  g_assert_cmpstr (mt_cpu_info_get_model_name (cpu), ==, "AMD EPYC");
  /* base family 0xf + extended 0xa; model 0x1 + extended 0x1 << 4 */
  g_assert_cmpint (mt_cpu_info_get_family (cpu), ==, 25);
  g_assert_cmpint (mt_cpu_info_get_model (cpu), ==, 17);
  g_assert_cmpint (mt_cpu_info_get_stepping (cpu), ==, 1);
  g_assert_cmpuint (mt_cpu_info_get_logical_cpus (cpu), ==, 2);

  g_assert_true (mt_cpu_info_has_flag (cpu, "avx2"));
  g_assert_true (mt_cpu_info_has_flag (cpu, "avx512f"));
  g_assert_true (mt_cpu_info_has_flag (cpu, "hypervisor"));
  g_assert_false (mt_cpu_info_has_flag (cpu, "vmx"));

  g_assert_nonnull (strstr (mt_cpu_info_get_evidence (cpu, "vendor"), "leaf 0x0"));
  g_assert_nonnull (strstr (mt_cpu_info_get_evidence (cpu, "model-name"), "0x80000002"));
  g_assert_cmpstr (mt_cpu_info_get_evidence (cpu, "flags"), ==, "/proc/cpuinfo: flags");
  g_assert_cmpstr (mt_cpu_info_get_evidence (cpu, "logical-cpus"), ==,
                   "/sys/devices/system/cpu/online: 0-1");
}

static void
test_recorded_files_only (void)
{
  g_autoptr (MtSysroot) root = fixture_root ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCpuInfo) cpu = mt_cpu_info_probe (root, NULL, &error);
  const char *const *flags;

  g_assert_no_error (error);
  g_assert_cmpstr (mt_cpu_info_get_vendor_id (cpu), ==, "AuthenticAMD");
  g_assert_cmpstr (mt_cpu_info_get_model_name (cpu), ==, "AMD EPYC");
  g_assert_cmpint (mt_cpu_info_get_family (cpu), ==, 25);
  g_assert_cmpstr (mt_cpu_info_get_evidence (cpu, "vendor"), ==, "/proc/cpuinfo: vendor_id");
  g_assert_cmpstr (mt_cpu_info_get_evidence (cpu, "family"), ==, "/proc/cpuinfo: cpu family");

  /* sorted, without duplicates */
  flags = mt_cpu_info_get_flags (cpu);
  g_assert_cmpuint (g_strv_length ((GStrv) flags), >, 100);
  for (guint i = 1; flags[i] != NULL; i++)
    g_assert_cmpstr (flags[i - 1], <, flags[i]);
}

static void
test_arm64 (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtSysroot) root = NULL;
  g_autoptr (MtCpuInfo) cpu = NULL;
  g_autoptr (GError) error = NULL;

  /* the layout of an arm64 /proc/cpuinfo: no vendor_id, no model name */
  mt_test_tree_write (tree, "proc/cpuinfo",
                      "processor\t: 0\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd evtstrm aes sha1\n"
                      "CPU implementer\t: 0x41\n\n"
                      "processor\t: 1\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd evtstrm aes sha1\n",
                      -1);
  root = mt_sysroot_new (tree, &error);
  cpu = mt_cpu_info_probe (root, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (mt_cpu_info_get_vendor (cpu));
  g_assert_null (mt_cpu_info_get_model_name (cpu));
  g_assert_cmpint (mt_cpu_info_get_family (cpu), ==, -1);
  g_assert_cmpuint (mt_cpu_info_get_logical_cpus (cpu), ==, 2);
  g_assert_true (mt_cpu_info_has_flag (cpu, "aes"));
  g_assert_cmpstr (mt_cpu_info_get_evidence (cpu, "flags"), ==, "/proc/cpuinfo: Features");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_other_architectures (void)
{
  const struct
  {
    const char *cpuinfo;
    const char *online;
    guint cpus;
    const char *model;
    const char *evidence;
  } cases[] = {
    /* s390x lists "# processors" and "processor N:" lines */
    { "vendor_id       : IBM/S390\n# processors    : 4\nbogomips per cpu: 3241.00\n"
      "processor 0: version = FF,  identification = 0133E8,  machine = 3906\n",
      NULL, 4, NULL, "/proc/cpuinfo: # processors" },
    { "processor\t: 0\ncpu\t\t: POWER9 (architected), altivec supported\n\nprocessor\t: 1\n"
      "cpu\t\t: POWER9 (architected), altivec supported\n",
      NULL, 2, "POWER9 (architected), altivec supported", "/proc/cpuinfo: 2 “processor” entries" },
    { "processor\t: 0\nhart\t\t: 1\nisa\t\t: rv64imafdc_zicsr\nuarch\t\t: sifive,u74-mc\n", "0-3",
      4, "sifive,u74-mc", "/sys/devices/system/cpu/online: 0-3" },
    /* the kernel's online list wins over cpuinfo; a malformed one is ignored */
    { "processor\t: 0\nprocessor\t: 1\n", "0-1,4,6-7", 5, NULL,
      "/sys/devices/system/cpu/online: 0-1,4,6-7" },
    { "processor\t: 0\nprocessor\t: 1\n", "3-1", 2, NULL, "/proc/cpuinfo: 2 “processor” entries" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tree = mt_test_tree_new ();
      g_autoptr (MtSysroot) root = NULL;
      g_autoptr (MtCpuInfo) cpu = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u", i);
      mt_test_tree_write (tree, "proc/cpuinfo", cases[i].cpuinfo, -1);
      if (cases[i].online != NULL)
        mt_test_tree_write (tree, "sys/devices/system/cpu/online", cases[i].online, -1);
      root = mt_sysroot_new (tree, &error);
      cpu = mt_cpu_info_probe (root, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (mt_cpu_info_get_logical_cpus (cpu), ==, cases[i].cpus);
      g_assert_cmpstr (mt_cpu_info_get_model_name (cpu), ==, cases[i].model);
      g_assert_cmpstr (mt_cpu_info_get_evidence (cpu, "logical-cpus"), ==, cases[i].evidence);

      mt_test_tree_free (g_steal_pointer (&tree));
    }
}

static void
test_errors (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtSysroot) root = NULL;
  g_autoptr (MtCpuInfo) missing = NULL;
  g_autoptr (MtCpuInfo) empty = NULL;
  g_autoptr (GError) error = NULL;

  root = mt_sysroot_new (tree, &error);
  missing = mt_cpu_info_probe (root, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/proc/cpuinfo"));
  g_clear_error (&error);

  mt_test_tree_write (tree, "proc/cpuinfo", "this is not cpuinfo\n", -1);
  empty = mt_cpu_info_probe (root, NULL, &error);
  g_assert_null (empty);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cpu-info/recorded-with-cpuid", test_recorded_with_cpuid);
  g_test_add_func ("/cpu-info/recorded-files-only", test_recorded_files_only);
  g_test_add_func ("/cpu-info/arm64", test_arm64);
  g_test_add_func ("/cpu-info/other-architectures", test_other_architectures);
  g_test_add_func ("/cpu-info/errors", test_errors);

  return g_test_run ();
}
