/* test-distro.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-os-release.h"
#include "mt-test-util.h"

static MtDistro *
probe (const char *os_release, const char *release, GError **error)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtSysroot) root = NULL;
  MtDistro *distro;

  if (os_release != NULL)
    mt_test_tree_write (tree, "usr/lib/os-release", os_release, -1);
  root = mt_sysroot_new (tree, NULL);
  distro = mt_distro_probe (root, release, error);
  mt_test_tree_free (g_steal_pointer (&tree));

  return distro;
}

static void
test_families (void)
{
  const struct
  {
    const char *os_release;
    const char *release;
    const char *family;
    const char *package;
  } cases[] = {
    { "ID=debian\nVERSION_ID=\"13\"\nPRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n",
      "6.12.48+deb13-amd64", "debian", "linux-headers-6.12.48+deb13-amd64" },
    { "ID=ubuntu\nID_LIKE=debian\n", "6.8.0-45-generic", "debian",
      "linux-headers-6.8.0-45-generic" },
    { "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", "6.8.0-45-generic", "debian",
      "linux-headers-6.8.0-45-generic" },
    { "ID=fedora\nVERSION_ID=43\n", "6.17.7-300.fc43.x86_64", "fedora",
      "kernel-devel-6.17.7-300.fc43.x86_64" },
    { "ID=arch\n", "6.17.8-arch1-1", "arch", "linux-headers" },
    { "ID=arch\n", "6.12.58-1-lts", "arch", "linux-lts-headers" },
    { "ID=cachyos\nID_LIKE=arch\n", "6.17.8-zen1-1-zen", "arch", "linux-zen-headers" },
    { "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n", "6.17.7-1-default", "opensuse",
      "kernel-default-devel" },
    { "ID=gentoo\n", "6.12.58-gentoo", "gentoo", "sys-kernel/gentoo-sources" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MtDistro) distro = probe (cases[i].os_release, cases[i].release, &error);

      g_test_message ("case %u", i);
      g_assert_no_error (error);
      g_assert_cmpstr (mt_distro_get_family (distro), ==, cases[i].family);
      g_assert_cmpstr (mt_distro_get_headers_package (distro), ==, cases[i].package);
      g_assert_nonnull (strstr (mt_distro_get_install_command (distro), cases[i].package));
      g_assert_cmpstr (mt_distro_get_evidence (distro), ==, "/usr/lib/os-release");
    }
}

static void
test_unknown (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtDistro) none = probe (NULL, "6.12", &error);
  g_autoptr (MtDistro) other = NULL;

  g_assert_no_error (error);
  g_assert_null (mt_distro_get_id (none));
  g_assert_null (mt_distro_get_family (none));
  g_assert_null (mt_distro_get_evidence (none));

  other = probe ("ID=nixos\nPRETTY_NAME=\"NixOS 25.11\"\n", "6.12", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_distro_get_pretty_name (other), ==, "NixOS 25.11");
  g_assert_null (mt_distro_get_family (other));
  g_assert_null (mt_distro_get_headers_package (other));
}

static void
test_os_release_syntax (void)
{
  const char *text = "# a comment\n"
                     "NAME='single quoted'\n"
                     "PRETTY_NAME=\"with \\\"escapes\\\" and \\$dollar\"\n"
                     "EMPTY=\n"
                     "  SPACED=yes  \n";
  const char *bad[] = {
    "no equals sign\n", "1KEY=x\n", "KEY=\"unterminated\n", "KEY=two words\n", "BAD-KEY=x\n",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) values = mt_os_release_parse (text, (gsize) -1, "os-release", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (values, "NAME"), ==, "single quoted");
  g_assert_cmpstr (g_hash_table_lookup (values, "PRETTY_NAME"), ==, "with \"escapes\" and $dollar");
  g_assert_cmpstr (g_hash_table_lookup (values, "EMPTY"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (values, "SPACED"), ==, "yes");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) bad_error = NULL;
      g_autoptr (GHashTable) parsed =
        mt_os_release_parse (bad[i], (gsize) -1, "os-release", &bad_error);

      g_test_message ("bad case %u", i);
      g_assert_null (parsed);
      g_assert_error (bad_error, MT_ERROR, MT_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (bad_error->message, "os-release, line 1"));
    }
}

static void
test_corrupt_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtDistro) distro = probe ("ID=debian\nthis is not os-release\n", "6.12", &error);

  g_assert_null (distro);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "/usr/lib/os-release, line 2"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/distro/families", test_families);
  g_test_add_func ("/distro/unknown", test_unknown);
  g_test_add_func ("/distro/os-release-syntax", test_os_release_syntax);
  g_test_add_func ("/distro/corrupt-file", test_corrupt_file);

  return g_test_run ();
}
