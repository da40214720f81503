/* mt-secure-boot.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-secure-boot"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-json.h"
#include "mt-secure-boot.h"

/* The EFI global variable GUID (UEFI spec, "Globally Defined Variables"). */
#define EFI_GLOBAL "8be4df61-93ca-11d2-aa0d-e98c2ba7aa95"

/**
 * MtSecureBoot:
 *
 * Secure Boot, kernel lockdown and module signature enforcement, and what
 * they mean for loading modules that are not signed by a key the kernel
 * trusts.  Tri-state facts are 1, 0 or -1 (unknown).
 */
struct _MtSecureBoot
{
  GObject parent_instance;

  gboolean efi;
  int enabled;
  int setup_mode;
  char *lockdown;
  int sig_enforce;
  int unsigned_load;
  char *summary;
  GPtrArray *evidence;
};

G_DEFINE_FINAL_TYPE (MtSecureBoot, mt_secure_boot, G_TYPE_OBJECT)

static void
mt_secure_boot_finalize (GObject *object)
{
  MtSecureBoot *self = (MtSecureBoot *) object;

  g_clear_pointer (&self->lockdown, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->evidence, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_secure_boot_parent_class)->finalize (object);
}

static void
mt_secure_boot_class_init (MtSecureBootClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_secure_boot_finalize;
}

static void
mt_secure_boot_init (MtSecureBoot *self)
{
  self->enabled = -1;
  self->setup_mode = -1;
  self->sig_enforce = -1;
  self->unsigned_load = -1;
  self->evidence = g_ptr_array_new_with_free_func (g_free);
}

/* efivarfs files: 4 bytes of attributes, then the value (one byte here). */
static int
read_efi_bool (MtSecureBoot *self, MtSysroot *sysroot, const char *name)
{
  g_autofree char *path = g_strdup_printf ("/sys/firmware/efi/efivars/%s-" EFI_GLOBAL, name);
  g_autoptr (GBytes) bytes = mt_sysroot_read (sysroot, path, NULL);
  const guint8 *data;
  gsize len;

  if (bytes == NULL)
    return -1;

  data = g_bytes_get_data (bytes, &len);
  if (len < 5)
    {
      g_ptr_array_add (self->evidence, g_strdup_printf ("%s: too short (%zu bytes)", path, len));
      return -1;
    }

  g_ptr_array_add (self->evidence, g_strdup_printf ("%s: %u", path, data[4]));

  return data[4] == 1;
}

/* "none [integrity] confidentiality" -> "integrity" */
static char *
parse_lockdown (const char *text)
{
  const char *open = strchr (text, '[');
  const char *close = open != NULL ? strchr (open, ']') : NULL;

  if (close == NULL)
    return NULL;

  return g_strndup (open + 1, close - open - 1);
}

/**
 * mt_secure_boot_probe:
 * @module_sig_force: CONFIG_MODULE_SIG_FORCE: 1, 0 or -1 if unknown
 *
 * Never fails: what cannot be read stays unknown.
 *
 * Returns: (transfer full): the state
 */
MtSecureBoot *
mt_secure_boot_probe (MtSysroot *sysroot, int module_sig_force)
{
  g_autoptr (MtSecureBoot) self = g_object_new (MT_TYPE_SECURE_BOOT, NULL);
  g_autofree char *lockdown = NULL;
  g_autofree char *enforce = NULL;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);

  self->efi = mt_sysroot_test (sysroot, "/sys/firmware/efi", G_FILE_TEST_IS_DIR);
  g_ptr_array_add (self->evidence,
                   g_strdup (self->efi ? "/sys/firmware/efi exists: booted with UEFI"
                                       : "no /sys/firmware/efi: booted with BIOS or unknown"));
  if (self->efi)
    {
      self->enabled = read_efi_bool (self, sysroot, "SecureBoot");
      self->setup_mode = read_efi_bool (self, sysroot, "SetupMode");
    }
  else
    self->enabled = 0;

  lockdown = mt_sysroot_read_line (sysroot, "/sys/kernel/security/lockdown", NULL);
  if (lockdown != NULL)
    {
      self->lockdown = parse_lockdown (lockdown);
      g_ptr_array_add (self->evidence,
                       g_strdup_printf ("/sys/kernel/security/lockdown: %s", lockdown));
    }

  enforce = mt_sysroot_read_line (sysroot, "/sys/module/module/parameters/sig_enforce", NULL);
  if (enforce != NULL)
    {
      self->sig_enforce = g_str_equal (enforce, "Y");
      g_ptr_array_add (self->evidence,
                       g_strdup_printf ("/sys/module/module/parameters/sig_enforce: %s", enforce));
    }
  else if (module_sig_force >= 0)
    {
      self->sig_enforce = module_sig_force;
      g_ptr_array_add (self->evidence, g_strdup_printf ("CONFIG_MODULE_SIG_FORCE: %s",
                                                        module_sig_force ? "y" : "n"));
    }

  /* The kernel refuses unsigned modules when signatures are enforced, or
   * under lockdown (integrity or confidentiality); distribution kernels
   * turn lockdown on by themselves when Secure Boot is on. */
  if (self->sig_enforce == 1)
    {
      self->unsigned_load = 0;
      self->summary = g_strdup (
        _ ("The kernel enforces module signatures: modules must be signed with a key it trusts."));
    }
  else if (self->lockdown != NULL && !g_str_equal (self->lockdown, "none"))
    {
      self->unsigned_load = 0;
      self->summary = g_strdup_printf (
        _ ("Kernel lockdown (%s) is on: modules must be signed with a key the kernel trusts."),
        self->lockdown);
    }
  else if (self->enabled == 1 && self->lockdown == NULL)
    {
      self->unsigned_load = 0;
      self->summary = g_strdup (_ ("Secure Boot is on: most distribution kernels then refuse "
                                   "unsigned modules, so they must be signed."));
    }
  else if (self->enabled == 1)
    {
      self->unsigned_load = 1;
      self->summary = g_strdup (_ ("Secure Boot is on but this kernel does not lock down: unsigned "
                                   "modules load, and taint the kernel."));
    }
  else if (self->enabled == 0 && (self->lockdown != NULL || self->sig_enforce == 0))
    {
      self->unsigned_load = 1;
      if (self->efi)
        self->summary = g_strdup (_ ("Secure Boot is off and signatures are not enforced: unsigned "
                                     "modules load, and taint the kernel."));
      else
        self->summary =
          g_strdup (_ ("This machine did not boot with UEFI, so there is no Secure Boot, "
                       "and signatures are not enforced: unsigned modules load, and "
                       "taint the kernel."));
    }
  else
    {
      self->summary = g_strdup (_ ("Whether unsigned modules load is unknown: the lockdown and "
                                   "signature settings could not be read."));
    }

  return g_steal_pointer (&self);
}

gboolean
mt_secure_boot_get_efi (MtSecureBoot *self)
{
  g_return_val_if_fail (MT_IS_SECURE_BOOT (self), FALSE);
  return self->efi;
}

/**
 * mt_secure_boot_get_enabled:
 *
 * Returns: 1 if Secure Boot is on, 0 if off (or not a UEFI boot), -1 if
 *   unknown
 */
int
mt_secure_boot_get_enabled (MtSecureBoot *self)
{
  g_return_val_if_fail (MT_IS_SECURE_BOOT (self), -1);
  return self->enabled;
}

/**
 * mt_secure_boot_get_lockdown:
 *
 * Returns: (nullable): `none`, `integrity` or `confidentiality`
 */
const char *
mt_secure_boot_get_lockdown (MtSecureBoot *self)
{
  g_return_val_if_fail (MT_IS_SECURE_BOOT (self), NULL);
  return self->lockdown;
}

/**
 * mt_secure_boot_get_sig_enforce:
 *
 * Returns: 1 if the kernel enforces module signatures
 *   (`/sys/module/module/parameters/sig_enforce`, else
 *   `CONFIG_MODULE_SIG_FORCE`), 0 if not, -1 if unknown
 */
int
mt_secure_boot_get_sig_enforce (MtSecureBoot *self)
{
  g_return_val_if_fail (MT_IS_SECURE_BOOT (self), -1);
  return self->sig_enforce;
}

/**
 * mt_secure_boot_get_unsigned_modules_load:
 *
 * Returns: 1 if unsigned modules load, 0 if they are refused, -1 if unknown
 */
int
mt_secure_boot_get_unsigned_modules_load (MtSecureBoot *self)
{
  g_return_val_if_fail (MT_IS_SECURE_BOOT (self), -1);
  return self->unsigned_load;
}

/**
 * mt_secure_boot_get_summary:
 *
 * Returns: one sentence on what this means for unsigned modules
 */
const char *
mt_secure_boot_get_summary (MtSecureBoot *self)
{
  g_return_val_if_fail (MT_IS_SECURE_BOOT (self), NULL);
  return self->summary;
}

/**
 * mt_secure_boot_get_evidence:
 *
 * Returns: (transfer none) (element-type utf8): what was read
 */
GPtrArray *
mt_secure_boot_get_evidence (MtSecureBoot *self)
{
  g_return_val_if_fail (MT_IS_SECURE_BOOT (self), NULL);
  return self->evidence;
}

/**
 * mt_secure_boot_to_json:
 *
 * Adds the members of the `secure_boot` object to an open JSON object.
 */
void
mt_secure_boot_to_json (MtSecureBoot *self, JsonBuilder *builder)
{
  g_return_if_fail (MT_IS_SECURE_BOOT (self));

  mt_json_add_bool (builder, "efi", self->efi);
  mt_json_add_tristate (builder, "enabled", self->enabled);
  mt_json_add_tristate (builder, "setup_mode", self->setup_mode);
  mt_json_add_string (builder, "lockdown", self->lockdown);
  mt_json_add_tristate (builder, "sig_enforce", self->sig_enforce);
  mt_json_add_tristate (builder, "unsigned_modules_load", self->unsigned_load);
  mt_json_add_string (builder, "summary", self->summary);
  json_builder_set_member_name (builder, "evidence");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->evidence->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->evidence, i));
  json_builder_end_array (builder);
}
