/* test-system-info.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-test-util.h"

static MtSystemInfo *
probe_fixture (void)
{
  g_autofree char *path = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", NULL);
  g_autofree char *dump = mt_test_fixture_path ("sysroots", "kvm-amd-epyc", "cpuid.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (path, &error);
  g_autoptr (MtCpuid) cpuid = mt_cpuid_new_for_sysroot (root, dump, &error);
  MtSystemInfo *info;

  g_assert_no_error (error);
  info = mt_system_info_probe (root, cpuid, &error);
  g_assert_no_error (error);

  return info;
}

static void
test_json (void)
{
  g_autoptr (MtSystemInfo) info = probe_fixture ();
  g_autoptr (JsonNode) node = mt_system_info_to_json (info);
  JsonObject *root = json_node_get_object (node);
  JsonObject *cpu = json_object_get_object_member (root, "cpu");
  JsonObject *kernel = json_object_get_object_member (root, "kernel");
  JsonArray *flags = json_object_get_array_member (cpu, "flags");
  gboolean found_avx2 = FALSE;

  g_assert_cmpint (json_object_get_int_member (root, "schema_version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (cpu, "vendor"), ==, "AMD");
  g_assert_cmpstr (json_object_get_string_member (cpu, "vendor_id"), ==, "AuthenticAMD");
  g_assert_cmpstr (json_object_get_string_member (cpu, "model_name"), ==, "AMD EPYC");
  g_assert_cmpint (json_object_get_int_member (cpu, "family"), ==, 25);
  g_assert_cmpint (json_object_get_int_member (cpu, "logical_cpus"), ==, 2);
  for (guint i = 0; i < json_array_get_length (flags); i++)
    found_avx2 |= g_str_equal (json_array_get_string_element (flags, i), "avx2");
  g_assert_true (found_avx2);
  g_assert_true (
    json_object_has_member (json_object_get_object_member (cpu, "evidence"), "vendor"));

  g_assert_cmpstr (json_object_get_string_member (kernel, "release"), ==, "6.18.44-fc-v669");
  g_assert_cmpstr (json_object_get_string_member (kernel, "compiler"), ==, "gcc (GCC) 15.3.0");
  g_assert_cmpstr (json_object_get_string_member (kernel, "config_source"), ==, "/proc/config.gz");
  g_assert_cmpint (json_object_get_int_member (kernel, "config_options"), >, 1000);
}

static void
probe_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtSysroot) root = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  g_autoptr (GError) error = NULL;

  /* an empty tree: the worker's error comes back to the caller */
  root = mt_sysroot_new (tree, &error);
  mt_system_info_probe_async (root, NULL, NULL, probe_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  info = mt_system_info_probe_finish (result, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/system-info/json", test_json);
  g_test_add_func ("/system-info/async", test_async);

  return g_test_run ();
}
