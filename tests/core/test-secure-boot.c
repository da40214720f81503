/* test-secure-boot.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-test-util.h"

#define SECURE_BOOT_VAR "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e98c2ba7aa95"

typedef struct
{
  const char *name;
  int secure_boot; /* -1: no EFI, 0/1: the variable's value, 2: EFI but no variable */
  const char *lockdown;
  const char *sig_enforce;
  int sig_force;
  int expect_enabled;
  int expect_load;
  const char *expect_lockdown;
  const char *needle;
} Case;

static void
test_cases (void)
{
  const Case cases[] = {
    { "bios, no lockdown LSM", -1, NULL, "N", 0, 0, 1, NULL, "did not boot with UEFI" },
    { "secure boot on, lockdown integrity", 1, "none [integrity] confidentiality", "N", 0, 1, 0,
      "integrity", "lockdown (integrity)" },
    { "secure boot on, no lockdown file", 1, NULL, NULL, -1, 1, 0, NULL,
      "most distribution kernels" },
    { "secure boot on, lockdown none", 1, "[none] integrity confidentiality", "N", 0, 1, 1, "none",
      "does not lock down" },
    { "secure boot off, sig_enforce Y", 0, "[none] integrity confidentiality", "Y", 0, 0, 0, "none",
      "enforces module signatures" },
    { "secure boot off", 0, "[none] integrity confidentiality", "N", 0, 0, 1, "none",
      "Secure Boot is off" },
    { "CONFIG_MODULE_SIG_FORCE without sysfs", -1, NULL, NULL, 1, 0, 0, NULL,
      "enforces module signatures" },
    { "efi without efivars, nothing else", 2, NULL, NULL, -1, -1, -1, NULL, "unknown" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autofree char *tree = mt_test_tree_new ();
      g_autoptr (MtSysroot) root = NULL;
      g_autoptr (MtSecureBoot) sb = NULL;

      g_test_message ("case: %s", c->name);
      if (c->secure_boot >= 0)
        mt_test_tree_write (tree, "sys/firmware/efi/fw_platform_size", "64\n", -1);
      if (c->secure_boot == 0 || c->secure_boot == 1)
        {
          /* 4 bytes of attributes (NV|BS|RT), then the value */
          const char var[5] = { 0x06, 0, 0, 0, (char) c->secure_boot };

          mt_test_tree_write (tree, SECURE_BOOT_VAR, var, sizeof var);
        }
      if (c->lockdown != NULL)
        mt_test_tree_write (tree, "sys/kernel/security/lockdown", c->lockdown, -1);
      if (c->sig_enforce != NULL)
        mt_test_tree_write (tree, "sys/module/module/parameters/sig_enforce", c->sig_enforce, -1);

      root = mt_sysroot_new (tree, NULL);
      sb = mt_secure_boot_probe (root, c->sig_force);

      g_assert_cmpint (mt_secure_boot_get_enabled (sb), ==, c->expect_enabled);
      g_assert_cmpint (mt_secure_boot_get_unsigned_modules_load (sb), ==, c->expect_load);
      g_assert_cmpstr (mt_secure_boot_get_lockdown (sb), ==, c->expect_lockdown);
      /* what sig_enforce said, else CONFIG_MODULE_SIG_FORCE */
      g_assert_cmpint (
        mt_secure_boot_get_sig_enforce (sb), ==,
        (c->sig_enforce != NULL ? g_str_has_prefix (c->sig_enforce, "Y") : c->sig_force));
      g_assert_nonnull (strstr (mt_secure_boot_get_summary (sb), c->needle));
      g_assert_cmpuint (mt_secure_boot_get_evidence (sb)->len, >=, 1);

      mt_test_tree_free (g_steal_pointer (&tree));
    }
}

static void
test_short_variable (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtSysroot) root = NULL;
  g_autoptr (MtSecureBoot) sb = NULL;
  GPtrArray *evidence;
  gboolean found = FALSE;

  mt_test_tree_write (tree, SECURE_BOOT_VAR, "\x06\x00", 2);
  root = mt_sysroot_new (tree, NULL);
  sb = mt_secure_boot_probe (root, -1);

  g_assert_true (mt_secure_boot_get_efi (sb));
  g_assert_cmpint (mt_secure_boot_get_enabled (sb), ==, -1);
  evidence = mt_secure_boot_get_evidence (sb);
  for (guint i = 0; i < evidence->len; i++)
    found |= strstr (g_ptr_array_index (evidence, i), "too short") != NULL;
  g_assert_true (found);

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secure-boot/cases", test_cases);
  g_test_add_func ("/secure-boot/short-variable", test_short_variable);

  return g_test_run ();
}
