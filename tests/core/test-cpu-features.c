/* test-cpu-features.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-test-util.h"

static const MtCpuFeature *
find (GPtrArray *features, const char *id)
{
  for (guint i = 0; i < features->len; i++)
    {
      const MtCpuFeature *feature = g_ptr_array_index (features, i);

      if (g_str_equal (feature->id, id))
        return feature;
    }
  g_assert_not_reached ();
}

static MtCpuInfo *
cpu_from_text (const char *cpuinfo, char **tree_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = NULL;
  char *tree = mt_test_tree_new ();
  MtCpuInfo *cpu;

  mt_test_tree_write (tree, "proc/cpuinfo", cpuinfo, -1);
  root = mt_sysroot_new (tree, &error);
  cpu = mt_cpu_info_probe (root, NULL, &error);
  g_assert_no_error (error);
  *tree_out = tree;

  return cpu;
}

static void
test_recorded_cpuid (void)
{
  g_autofree char *path = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autofree char *dump = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", "cpuid.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (path, &error);
  g_autoptr (MtCpuid) cpuid = mt_cpuid_new_from_file (dump, &error);
  g_autoptr (MtCpuInfo) cpu = mt_cpu_info_probe (root, cpuid, &error);
  g_autoptr (GPtrArray) features = NULL;

  g_assert_no_error (error);
  features = mt_cpu_features_detect (cpu, cpuid);

  /* AMD EPYC (Zen 4) under KVM: AVX-512 with BF16 (leaf 7 sub-leaf 1), no VT-x */
  g_assert_true (find (features, "avx2")->present);
  g_assert_cmpstr (find (features, "avx2")->evidence, ==, "CPUID 0x7.0 EBX bit 5 = 1");
  g_assert_true (find (features, "avx512f")->present);
  g_assert_true (find (features, "avx512_bf16")->present);
  g_assert_cmpstr (find (features, "avx512_bf16")->evidence, ==, "CPUID 0x7.1 EAX bit 5 = 1");
  g_assert_true (find (features, "sha_ni")->present);
  g_assert_true (find (features, "aes")->present);
  g_assert_false (find (features, "avx512_fp16")->present);
  g_assert_false (find (features, "vmx")->present);
  /* this guest is not given AMD-V, and leaf 0x8000000a reports no NPT */
  g_assert_false (find (features, "svm")->present);
  g_assert_false (find (features, "ept")->present);
}

static void
test_cpuinfo_only (void)
{
  g_autofree char *tree = NULL;
  g_autoptr (MtCpuInfo) cpu =
    cpu_from_text ("processor\t: 0\nvendor_id\t: GenuineIntel\n"
                   "flags\t\t: fpu sse4_2 avx avx2 aes vmx bmi1 bmi2\n"
                   "vmx flags\t: vnmi invvpid ept_x_only ept_ad ept_1gb flexpriority "
                   "tsc_offset vtpr mtf vapic ept vpid unrestricted_guest\n",
                   &tree);
  g_autoptr (GPtrArray) features = mt_cpu_features_detect (cpu, NULL);

  g_assert_true (find (features, "vmx")->present);
  g_assert_cmpstr (find (features, "vmx")->evidence, ==, "/proc/cpuinfo: flags");
  g_assert_false (find (features, "avx512f")->present);
  g_assert_cmpstr (find (features, "avx512f")->evidence, ==, "not in /proc/cpuinfo flags");
  g_assert_true (find (features, "ept")->present);
  g_assert_true (find (features, "vpid")->present);
  g_assert_true (find (features, "unrestricted_guest")->present);
  g_assert_true (find (features, "ept_1gb")->present);
  g_assert_cmpstr (find (features, "ept_1gb")->evidence, ==, "/proc/cpuinfo: vmx flags");
  g_assert_cmpstr (find (features, "ept")->group, ==, "virtualization");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_kernel_turned_off (void)
{
  /* CPUID has AVX2 and AVX-512, the kernel lists neither (clearcpuid=…) */
  const char *dump =
    "CPU:\n"
    "   0x00000000 0x00: eax=0x00000007 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n"
    "   0x00000001 0x00: eax=0x000906ea ebx=0x00000000 ecx=0x12000000 edx=0x00000000\n"
    "   0x00000007 0x00: eax=0x00000000 ebx=0x00010020 ecx=0x00000000 edx=0x00000000\n";
  g_autofree char *tree = NULL;
  g_autoptr (MtCpuInfo) cpu = cpu_from_text ("processor\t: 0\nflags\t\t: fpu avx aes\n", &tree);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCpuid) cpuid = mt_cpuid_new_from_data (dump, "dump", &error);
  g_autoptr (GPtrArray) features = NULL;

  g_assert_no_error (error);
  features = mt_cpu_features_detect (cpu, cpuid);
  g_assert_true (find (features, "avx2")->present);
  g_assert_nonnull (strstr (find (features, "avx2")->evidence, "turned off"));
  g_assert_true (find (features, "avx")->present);
  g_assert_null (strstr (find (features, "avx")->evidence, "turned off"));
  /* leaf 0x80000001 is not in the dump: fall back to the kernel's flags */
  g_assert_false (find (features, "svm")->present);
  g_assert_cmpstr (find (features, "svm")->evidence, ==, "not in /proc/cpuinfo flags");

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cpu-features/recorded-cpuid", test_recorded_cpuid);
  g_test_add_func ("/cpu-features/cpuinfo-only", test_cpuinfo_only);
  g_test_add_func ("/cpu-features/kernel-turned-off", test_kernel_turned_off);

  return g_test_run ();
}
