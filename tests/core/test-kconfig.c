/* test-kconfig.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"

static void
test_parse (void)
{
  const char *text =
    "#\n"
    "# Automatically generated file; DO NOT EDIT.\n"
    "# Linux/x86 6.12.48 Kernel Configuration\n"
    "#\n"
    "CONFIG_CC_VERSION_TEXT=\"x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0\"\n"
    "CONFIG_CC_IS_GCC=y\n"
    "CONFIG_GCC_VERSION=140200\n"
    "CONFIG_MODULE_SIG_HASH=\"sha256\"\n"
    "CONFIG_KVM=m\n"
    "# CONFIG_LTO_CLANG is not set\n"
    "CONFIG_ESCAPED=\"a \\\"quoted\\\" word\"\n"
    "\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MtKconfig) config =
    mt_kconfig_new_from_data (text, (gsize) -1, "/boot/config-x", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (mt_kconfig_get_size (config), ==, 7);
  g_assert_cmpstr (mt_kconfig_get_source (config), ==, "/boot/config-x");
  g_assert_cmpstr (mt_kconfig_lookup (config, "CONFIG_CC_VERSION_TEXT"), ==,
                   "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0");
  g_assert_cmpstr (mt_kconfig_lookup (config, "CONFIG_GCC_VERSION"), ==, "140200");
  g_assert_cmpstr (mt_kconfig_lookup (config, "CONFIG_LTO_CLANG"), ==, "n");
  g_assert_cmpstr (mt_kconfig_lookup (config, "CONFIG_ESCAPED"), ==, "a \"quoted\" word");
  g_assert_null (mt_kconfig_lookup (config, "CONFIG_ABSENT"));
  g_assert_true (mt_kconfig_is_enabled (config, "CONFIG_CC_IS_GCC"));
  g_assert_true (mt_kconfig_is_enabled (config, "CONFIG_KVM"));
  g_assert_false (mt_kconfig_is_enabled (config, "CONFIG_LTO_CLANG"));
  g_assert_false (mt_kconfig_is_enabled (config, "CONFIG_ABSENT"));
}

static void
test_malformed (void)
{
  const struct
  {
    const char *text;
    const char *needle;
  } cases[] = {
    { "", "holds no CONFIG_" },
    { "# only comments\n", "holds no CONFIG_" },
    { "CONFIG_A=y\nrandom text\n", "line 2" },
    { "CONFIG_A=y\nCONFIG_B=\"unterminated\n", "line 2" },
    { "CONFIG_=y\n", "line 1" },
    { "CONFIG_A B=y\n", "line 1" },
    { "CONFIG_A=\"bad\"quote\"\n", "line 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MtKconfig) config =
        mt_kconfig_new_from_data (cases[i].text, (gsize) -1, ".config", &error);

      g_test_message ("case %u", i);
      g_assert_null (config);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
}

static void
test_embedded_nul (void)
{
  const char text[] = "CONFIG_A=y\n\0CONFIG_B=y\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MtKconfig) config =
    mt_kconfig_new_from_data (text, sizeof text - 1, ".config", &error);

  /* a NUL inside the data ends that line's text; it never crashes */
  g_assert_no_error (error);
  g_assert_cmpstr (mt_kconfig_lookup (config, "CONFIG_A"), ==, "y");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kconfig/parse", test_parse);
  g_test_add_func ("/kconfig/malformed", test_malformed);
  g_test_add_func ("/kconfig/embedded-nul", test_embedded_nul);

  return g_test_run ();
}
