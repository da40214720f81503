/* test-cpuid.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-test-util.h"

static MtCpuid *
load_fixture (void)
{
  g_autofree char *path = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", "cpuid.txt", NULL);
  g_autoptr (GError) error = NULL;
  MtCpuid *cpuid = mt_cpuid_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cpuid);

  return cpuid;
}

static void
test_dump (void)
{
  g_autoptr (MtCpuid) cpuid = load_fixture ();
  MtCpuidRegs r;
  char sig[13];

  g_assert_true (mt_cpuid_query (cpuid, 0, 0, &r));
  g_assert_cmphex (r.eax, ==, 0x1c);
  memcpy (sig, &r.ebx, 4);
  memcpy (sig + 4, &r.edx, 4);
  memcpy (sig + 8, &r.ecx, 4);
  sig[12] = '\0';
  g_assert_cmpstr (sig, ==, "AuthenticAMD");

  /* leaf 7 is indexed: sub-leaf 1 is recorded, sub-leaf 5 is not */
  g_assert_true (mt_cpuid_query (cpuid, 7, 1, &r));
  g_assert_cmphex (r.eax, ==, 0x20);
  g_assert_false (mt_cpuid_query (cpuid, 7, 5, &r));

  /* a non-indexed leaf answers any sub-leaf, as the instruction does */
  g_assert_true (mt_cpuid_query (cpuid, 1, 3, &r));
  g_assert_cmphex (r.eax, ==, 0x00a10f11);

  /* the recording is a KVM guest */
  g_assert_true (mt_cpuid_query (cpuid, 0x40000000, 0, &r));
  memcpy (sig, &r.ebx, 4);
  memcpy (sig + 4, &r.ecx, 4);
  memcpy (sig + 8, &r.edx, 4);
  sig[12] = '\0';
  g_assert_cmpstr (sig, ==, "KVMKVMKVM");

  /* beyond the maximum basic and extended leaves */
  g_assert_false (mt_cpuid_query (cpuid, 0x1d, 0, &r));
  g_assert_false (mt_cpuid_query (cpuid, 0x80000022, 0, &r));
  g_assert_cmphex (r.eax, ==, 0);

  g_assert_nonnull (strstr (mt_cpuid_get_source (cpuid), "cpuid.txt"));
}

static void
test_only_first_cpu (void)
{
  const char *text =
    "CPU 0:\n"
    "   0x00000000 0x00: eax=0x00000001 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n"
    "   0x00000001 0x00: eax=0x000906ea ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
    "CPU 1:\n"
    "   0x00000001 0x00: eax=0xdeadbeef ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCpuid) cpuid = mt_cpuid_new_from_data (text, "test", &error);
  MtCpuidRegs r;

  g_assert_no_error (error);
  g_assert_true (mt_cpuid_query (cpuid, 1, 0, &r));
  g_assert_cmphex (r.eax, ==, 0x000906ea);
  /* no hypervisor bit: the hypervisor range does not exist */
  g_assert_false (mt_cpuid_query (cpuid, 0x40000000, 0, &r));
}

static void
test_malformed (void)
{
  const struct
  {
    const char *text;
    const char *needle;
  } cases[] = {
    { "", "no CPUID leaves" },
    { "CPU:\n", "no CPUID leaves" },
    { "CPU:\n   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3\n", "line 2" },
    { "CPU:\n   0x00000000 0x00 eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\n", "line 2" },
    { "CPU:\n   0x00000000 0x00: eax=0x100000000 ebx=0x2 ecx=0x3 edx=0x4\n", "line 2" },
    { "CPU:\n   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4 extra\n", "line 2" },
    { "   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\n", "before the first" },
    { "<html>not a dump</html>\n", "line 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MtCpuid) cpuid = mt_cpuid_new_from_data (cases[i].text, "dump.txt", &error);

      g_test_message ("case %u", i);
      g_assert_null (cpuid);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_nonnull (strstr (error->message, "dump.txt"));
    }
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCpuid) cpuid = mt_cpuid_new_from_file ("/nonexistent/cpuid.txt", &error);

  g_assert_null (cpuid);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/cpuid.txt"));
}

static void
test_for_sysroot (void)
{
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) recorded = mt_sysroot_new (fixture, &error);
  g_autoptr (MtSysroot) host = mt_sysroot_new ("/", &error);
  g_autoptr (MtCpuid) none = NULL;
  g_autoptr (MtCpuid) native = NULL;

  g_assert_no_error (error);

  /* a recorded tree never borrows this processor's answers */
  none = mt_cpuid_new_for_sysroot (recorded, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (none);

#if defined(__x86_64__) || defined(__i386__)
  native = mt_cpuid_new_for_sysroot (host, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (native);
  g_assert_cmpstr (mt_cpuid_get_source (native), ==, "CPUID instruction");
  {
    MtCpuidRegs r;

    g_assert_true (mt_cpuid_query (native, 0, 0, &r));
    g_assert_cmphex (r.eax, >, 0);
  }
#endif
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cpuid/dump", test_dump);
  g_test_add_func ("/cpuid/only-first-cpu", test_only_first_cpu);
  g_test_add_func ("/cpuid/malformed", test_malformed);
  g_test_add_func ("/cpuid/missing-file", test_missing_file);
  g_test_add_func ("/cpuid/for-sysroot", test_for_sysroot);

  return g_test_run ();
}
