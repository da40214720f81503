/* mtd-kmod.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-kmod"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libkmod.h>

#include "mt-error.h"
#include "mtd-installer.h"
#include "mtd-kmod.h"

/* Loading and unloading vmmon and vmnet with libkmod.  Never forced
 * (SECURITY.md rule 24): a module a virtual machine holds is "busy".
 * Loading resolves each name through the target kernel's modules.dep,
 * which depmod wrote after the install, and refuses any file but the one
 * Modtune installed. */

static const char *const modules[] = { "vmmon", "vmnet" };

static void
clear_module (struct kmod_module **module)
{
  if (*module != NULL)
    kmod_module_unref (*module);
  *module = NULL;
}

typedef struct kmod_ctx KmodCtx;
typedef struct kmod_module KmodModule;
typedef struct kmod_list KmodList;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KmodCtx, kmod_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KmodModule, kmod_module_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KmodList, kmod_module_unref_list)

/**
 * mtd_kmod_is_loaded:
 * @name: a module name
 *
 * Returns: whether @name is loaded in the running kernel
 */
gboolean
mtd_kmod_is_loaded (const char *name)
{
  g_autoptr (KmodCtx) ctx = kmod_new (NULL, NULL);
  g_autoptr (KmodModule) module = NULL;

  if (ctx == NULL || kmod_module_new_from_name (ctx, name, &module) < 0)
    return FALSE;

  return kmod_module_get_initstate (module) >= 0;
}

/**
 * mtd_kmod_unload:
 *
 * Unloads vmnet, then vmmon, if loaded.  Fails with %MT_ERROR_BUSY, and
 * unloads nothing, if either is in use.
 */
gboolean
mtd_kmod_unload (GError **error)
{
  g_autoptr (KmodCtx) ctx = kmod_new (NULL, NULL);
  KmodModule *found[G_N_ELEMENTS (modules)] = { NULL };
  gboolean ok = TRUE;

  if (ctx == NULL)
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_FAILED, _ ("Could not start libkmod"));
      return FALSE;
    }

  /* first all the checks, then the changes */
  for (guint i = 0; ok && i < G_N_ELEMENTS (modules); i++)
    {
      if (kmod_module_new_from_name (ctx, modules[i], &found[i]) < 0)
        continue;
      if (kmod_module_get_initstate (found[i]) < 0)
        {
          clear_module (&found[i]);
          continue;
        }
      if (kmod_module_get_refcnt (found[i]) > 0)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_BUSY,
                       _ ("%s is in use, most likely by a running virtual machine: shut the "
                          "virtual machines down and try again"),
                       modules[i]);
          ok = FALSE;
        }
    }

  for (guint i = G_N_ELEMENTS (modules); ok && i-- > 0;)
    {
      int err;

      if (found[i] == NULL)
        continue;
      err = kmod_module_remove_module (found[i], 0);
      if (err < 0)
        {
          g_set_error (error, MT_ERROR, err == -EBUSY ? MT_ERROR_BUSY : MT_ERROR_FAILED,
                       _ ("Could not unload %s: %s"), modules[i], g_strerror (-err));
          ok = FALSE;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    clear_module (&found[i]);

  return ok;
}

static gboolean
set_load_error (GError **error, const char *name, int err)
{
  const char *why;

  switch (-err)
    {
    case EKEYREJECTED:
      why = _ ("the kernel rejected its signature key");
      break;
    case ENOKEY:
      why = _ ("it is not signed with a key the kernel trusts (Secure Boot): sign it and enroll "
               "the key");
      break;
    case EPERM:
      why = _ ("the kernel does not allow loading it (lockdown or Secure Boot)");
      break;
    case ENOEXEC:
      why = _ ("the kernel says it is not a valid module for it");
      break;
    default:
      why = g_strerror (-err);
      break;
    }

  g_set_error (error, MT_ERROR, MT_ERROR_FAILED, _ ("Loading %s failed: %s"), name, why);
  return FALSE;
}

/* Loads vmmon and vmnet as the module index of @kver resolves them, and
 * only from `updates/modtune/` if @only_modtune. */
static gboolean
load_pair (const char *root,
           const char *kver,
           gboolean dry_run,
           gboolean only_modtune,
           GError **error)
{
  g_autofree char *dirname = g_build_filename (root, "lib", "modules", kver, NULL);
  g_autoptr (KmodCtx) ctx = kmod_new (dirname, NULL);
  unsigned int flags = dry_run ? KMOD_PROBE_DRY_RUN : 0;

  if (ctx == NULL)
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_FAILED, _ ("Could not start libkmod"));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autoptr (KmodList) list = NULL;
      g_autoptr (KmodModule) module = NULL;
      g_autofree char *suffix = g_strdup_printf ("/" MTD_INSTALL_SUBDIR "/%s.ko", modules[i]);
      const char *path;
      int err;

      if (kmod_module_new_from_lookup (ctx, modules[i], &list) < 0 || list == NULL)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                       _ ("The module index of %s has no %s: run depmod %s"), kver, modules[i],
                       kver);
          return FALSE;
        }
      module = kmod_module_get_module (list);
      path = kmod_module_get_path (module);
      if (path == NULL || (only_modtune && !g_str_has_suffix (path, suffix)))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s resolves to %s, not to the module Modtune installed"), modules[i],
                       path != NULL ? path : _ ("a built-in module"));
          return FALSE;
        }

      err = kmod_module_probe_insert_module (module, flags, NULL, NULL, NULL, NULL);
      if (err < 0 && err != -EEXIST)
        return set_load_error (error, modules[i], err);
    }

  /* the VMCI driver of newer Workstation releases is the kernel's own */
  {
    g_autoptr (KmodList) list = NULL;

    if (kmod_module_new_from_lookup (ctx, "vmw_vmci", &list) == 0 && list != NULL)
      {
        g_autoptr (KmodModule) vmci = kmod_module_get_module (list);
        int err = kmod_module_probe_insert_module (vmci, flags, NULL, NULL, NULL, NULL);

        if (err < 0 && err != -EEXIST)
          g_info ("vmw_vmci did not load: %s", g_strerror (-err));
      }
  }

  return TRUE;
}

/**
 * mtd_kmod_load:
 * @root: "/" or a test root
 * @kver: the kernel whose modules.dep to read (the running one)
 * @dry_run: do everything but the load itself (KMOD_PROBE_DRY_RUN), for
 *   a test root
 *
 * Loads vmmon and vmnet as installed under `updates/modtune/`, with their
 * dependencies, and vmw_vmci where the kernel has it.
 */
gboolean
mtd_kmod_load (const char *root, const char *kver, gboolean dry_run, GError **error)
{
  return load_pair (root, kver, dry_run, TRUE, error);
}

/**
 * mtd_kmod_load_previous:
 * @kver: the running kernel
 *
 * After Modtune's modules were removed again, loads the vmmon and vmnet
 * that the module index now names: the pair that was loaded before, such
 * as VMware's own in `misc/`.
 */
gboolean
mtd_kmod_load_previous (const char *kver, GError **error)
{
  return load_pair ("/", kver, FALSE, FALSE, error);
}
