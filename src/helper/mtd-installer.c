/* mtd-installer.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-installer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "mt-elf.h"
#include "mt-error.h"
#include "mt-subprocess.h"
#include "mtd-backup-store.h"
#include "mtd-boot.h"
#include "mtd-installer.h"
#include "mtd-journal.h"
#include "mtd-state.h"
#include "mtd-validate.h"

/**
 * SECTION:mtd-installer
 *
 * Installing, restoring and removing the module pair in
 * `lib/modules/<kver>/updates/modtune/` (SECURITY.md rules 15, 18–21, 23,
 * 25): the artifacts are checked and copied out once; what they replace
 * is backed up durably; a journal is written; the new files are staged
 * beside their targets with %O_EXCL and synced, renamed (vmmon, then
 * vmnet) and the directory synced; depmod runs; a depmod failure puts
 * the old files back.  Every directory is opened without following
 * links.
 *
 * Crash injection (tests of rule 20): when `MODTUNE_HELPER_CRASH_AT`
 * names a step (after-backup, after-temp-write, after-fsync,
 * after-rename-vmmon, after-rename-vmnet, after-depmod) and the helper
 * does not run as root, it kills itself there with %SIGKILL.
 */

#define DEPMOD_TIMEOUT_SECONDS 300
#define DEPMOD_OUTPUT_MAX      400

static const char *const depmod_dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin", NULL };

static char *
staging_name (MtdModule module)
{
  return g_strdup_printf (".%s.new", mtd_module_file_name (module));
}

/**
 * mtd_installer_check_module:
 * @bytes: a module file's contents
 * @module: which module it must be
 * @kver: the kernel it must be built for
 * @error: a location for a #GError
 *
 * Rule 18's checks of the contents: a relocatable ELF file whose modinfo
 * `name` is the module's and whose `vermagic` begins with @kver.
 *
 * Returns: %TRUE if it is the module expected
 */
gboolean
mtd_installer_check_module (GBytes *bytes, MtdModule module, const char *kver, GError **error)
{
  g_autoptr (MtElf) elf = NULL;
  g_autoptr (GHashTable) modinfo = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *first_word = NULL;
  g_autofree char *shown_name = NULL;
  g_autofree char *shown_vermagic = NULL;
  const char *name;
  const char *vermagic;
  const char *space;

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (module < MTD_N_MODULES, FALSE);
  g_return_val_if_fail (kver != NULL, FALSE);

  elf = mt_elf_new_from_bytes (bytes, &local_error);
  if (elf != NULL && !mt_elf_is_relocatable (elf))
    g_set_error_literal (&local_error, MT_ERROR, MT_ERROR_INVALID_DATA,
                         _ ("it is not a relocatable ELF file"));
  if (local_error == NULL)
    modinfo = mt_elf_dup_modinfo (elf, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("The built %s is not a kernel module (%s); build it again"),
                   mtd_module_file_name (module), local_error->message);
      return FALSE;
    }

  name = mt_modinfo_lookup (modinfo, "name");
  if (g_strcmp0 (name, mtd_module_name (module)) != 0)
    {
      shown_name = mtd_fs_escape (name != NULL ? name : "");
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("The built %s is the module “%s”, not %s; build it again"),
                   mtd_module_file_name (module), shown_name, mtd_module_name (module));
      return FALSE;
    }

  vermagic = mt_modinfo_lookup (modinfo, "vermagic");
  if (vermagic != NULL)
    {
      space = strchr (vermagic, ' ');
      first_word = space != NULL ? g_strndup (vermagic, space - vermagic) : g_strdup (vermagic);
    }
  if (g_strcmp0 (first_word, kver) != 0)
    {
      shown_vermagic = mtd_fs_escape (vermagic != NULL ? vermagic : "");
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("The built %s is for another kernel (vermagic “%s”), not %s; build it for "
                      "%s"),
                   mtd_module_file_name (module), shown_vermagic, kver, kver);
      return FALSE;
    }

  return TRUE;
}

/**
 * mtd_installer_open_target_dir:
 * @root: the root prefix
 * @kver: a validated kernel release
 * @create: whether to create `updates/` and `updates/modtune/` (0755)
 * @error: a location for a #GError
 *
 * Opens `lib/modules/@kver/updates/modtune` without following a link at
 * any of its last three components, checking each is root's and not
 * writable by others.
 *
 * Returns: a descriptor to close, or -1 (%MT_ERROR_NOT_FOUND when it is
 *   missing and @create is %FALSE)
 */
int
mtd_installer_open_target_dir (const char *root, const char *kver, gboolean create, GError **error)
{
  g_autofree char *kver_what = NULL;
  g_autofree char *updates_what = NULL;
  g_autofree char *target_what = NULL;
  int modules_fd;
  int kver_fd;
  int updates_fd;
  int target_fd;

  g_return_val_if_fail (root != NULL, -1);
  g_return_val_if_fail (mtd_validate_kernel_release_form (kver, NULL), -1);

  kver_what = g_strdup_printf ("/lib/modules/%s", kver);
  updates_what = g_strdup_printf ("/lib/modules/%s/updates", kver);
  target_what = g_strdup_printf ("/lib/modules/%s/" MTD_INSTALL_SUBDIR, kver);

  modules_fd = mtd_fs_open_root_dir (root, "lib/modules", error);
  if (modules_fd < 0)
    return -1;
  kver_fd = mtd_fs_open_dir_at (modules_fd, kver, FALSE, 0, kver_what, error);
  close (modules_fd);
  if (kver_fd < 0)
    return -1;
  updates_fd = mtd_fs_open_dir_at (kver_fd, "updates", create, 0755, updates_what, error);
  close (kver_fd);
  if (updates_fd < 0)
    return -1;
  target_fd = mtd_fs_open_dir_at (updates_fd, "modtune", create, 0755, target_what, error);
  close (updates_fd);

  return target_fd;
}

static gboolean
stage_file (int target_fd, MtdModule module, GBytes *bytes, gboolean crash_points, GError **error)
{
  g_autofree char *name = staging_name (module);
  const guint8 *data;
  gsize len;
  int fd;

  if (!mtd_fs_unlink_at (target_fd, name, NULL, error))
    return FALSE;

  fd = openat (target_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Could not create %s: %s"),
                   name, g_strerror (errsv));
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &len);
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int errsv = errno;

          close (fd);
          unlinkat (target_fd, name, 0);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _ ("Could not write %s: %s"), name, g_strerror (errsv));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }

  if (crash_points)
    mtd_fs_crash_point ("after-temp-write");

  if (fchmod (fd, 0644) != 0 || fsync (fd) != 0 || close (fd) != 0)
    {
      int errsv = errno;

      unlinkat (target_fd, name, 0);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Could not write %s: %s"),
                   name, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

static gboolean
rename_staged (int target_fd, MtdModule module, GError **error)
{
  g_autofree char *name = staging_name (module);

  if (renameat (target_fd, name, target_fd, mtd_module_file_name (module)) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Could not rename %s into place: %s"), mtd_module_file_name (module),
                   g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/**
 * mtd_installer_place_file:
 * @target_fd: from mtd_installer_open_target_dir()
 * @module: which module
 * @bytes: its new contents
 * @error: a location for a #GError
 *
 * Stages @bytes as `.<module>.ko.new` (%O_EXCL, 0644, synced) and renames
 * it over the module.  The caller syncs the directory.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_installer_place_file (int target_fd, MtdModule module, GBytes *bytes, GError **error)
{
  g_return_val_if_fail (target_fd >= 0, FALSE);
  g_return_val_if_fail (module < MTD_N_MODULES, FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  return stage_file (target_fd, module, bytes, FALSE, error) &&
         rename_staged (target_fd, module, error);
}

/**
 * mtd_installer_remove_staging:
 * @target_fd: from mtd_installer_open_target_dir()
 * @error: a location for a #GError
 *
 * Removes files staged by an interrupted transaction.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_installer_remove_staging (int target_fd, GError **error)
{
  g_return_val_if_fail (target_fd >= 0, FALSE);

  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      g_autofree char *name = staging_name (i);

      if (!mtd_fs_unlink_at (target_fd, name, NULL, error))
        return FALSE;
    }

  return TRUE;
}

static char *
find_depmod (void)
{
  for (guint i = 0; depmod_dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (depmod_dirs[i], "depmod", NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&path);
    }

  return NULL;
}

/* What depmod said, one line without control characters: its ERROR lines
 * if it printed any, else the end of its output. */
static char *
summarize_output (GBytes *output)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) summary = g_string_new (NULL);
  const char *data;
  gsize len;

  data = output != NULL ? g_bytes_get_data (output, &len) : NULL;
  if (data == NULL || len == 0)
    return g_strdup (_ ("it printed nothing"));

  text = g_utf8_make_valid (data, (gssize) len);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "ERROR") != NULL)
      g_string_append_printf (summary, "%s%s", summary->len > 0 ? " " : "", g_strstrip (lines[i]));
  if (summary->len == 0)
    g_string_assign (summary, text);
  if (summary->len > DEPMOD_OUTPUT_MAX)
    g_string_erase (summary, 0, summary->len - DEPMOD_OUTPUT_MAX);

  for (gsize i = 0; i < summary->len; i++)
    if ((guchar) summary->str[i] < 0x20 || summary->str[i] == 0x7f)
      summary->str[i] = ' ';

  return g_strdup (g_strstrip (summary->str));
}

/**
 * mtd_installer_run_depmod:
 * @root: the root prefix ("/" on a real system)
 * @kver: a validated kernel release
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Runs `depmod -b @root @kver` from an argv (never a shell) with the
 * environment `PATH=/usr/bin:/bin:/usr/sbin:/sbin LC_ALL=C`.
 *
 * Returns: %TRUE if depmod succeeded; otherwise the error says "depmod
 *   failed: " and what it printed
 */
gboolean
mtd_installer_run_depmod (const char *root,
                          const char *kver,
                          GCancellable *cancellable,
                          GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GBytes) output = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *depmod = NULL;
  g_autofree char *summary = NULL;
  const char *const env[] = { "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C", NULL };
  const char *argv[] = { NULL, "-b", root, kver, NULL };

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (mtd_validate_kernel_release_form (kver, NULL), FALSE);

  depmod = find_depmod ();
  if (depmod == NULL)
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED,
                           _ ("depmod failed: it is not installed; install kmod"));
      return FALSE;
    }
  argv[0] = depmod;

  launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_environ (launcher, (char **) env);
  g_subprocess_launcher_set_cwd (launcher, "/");
  process = g_subprocess_launcher_spawnv (launcher, argv, &local_error);
  if (process == NULL || !mt_subprocess_communicate (process, DEPMOD_TIMEOUT_SECONDS, cancellable,
                                                     &output, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED, _ ("depmod failed: %s"), local_error->message);
      return FALSE;
    }

  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      summary = summarize_output (output);
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED, _ ("depmod failed: %s"), summary);
      return FALSE;
    }

  return TRUE;
}

/* Reads the files in updates/modtune now: NULL entries where absent. */
static gboolean
read_current (int target_fd, GBytes **current, GError **error)
{
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      gboolean missing = FALSE;

      current[i] = mtd_fs_read_file_at (target_fd, mtd_module_file_name (i), MTD_MODULE_MAX_SIZE,
                                        NULL, &missing, error);
      if (current[i] == NULL && !missing)
        {
          if (i > 0)
            g_clear_pointer (&current[0], g_bytes_unref);
          return FALSE;
        }
    }

  return TRUE;
}

static void
clear_pair (GBytes **pair)
{
  for (guint i = 0; i < MTD_N_MODULES; i++)
    g_clear_pointer (&pair[i], g_bytes_unref);
}

/* The backup of what is installed now: the installed backup if it holds
 * exactly these files, otherwise a new one (rule 21).  NULL, without an
 * error, when nothing is installed. */
static gboolean
back_up_current (MtdBackupStore *store,
                 const char *root,
                 const char *kver,
                 GBytes **current,
                 char **out_id,
                 GError **error)
{
  g_autoptr (MtdBackupManifest) meta = NULL;
  g_autoptr (MtdBackupManifest) installed_manifest = NULL;
  g_autofree char *installed = NULL;
  gboolean matches;

  *out_id = NULL;
  if (current[0] == NULL && current[1] == NULL)
    return TRUE;

  if (!mtd_state_get (root, kver, &installed, NULL, error))
    return FALSE;
  if (installed != NULL)
    installed_manifest = mtd_backup_store_lookup (store, installed, NULL);

  matches = installed_manifest != NULL &&
            g_strcmp0 (installed_manifest->kernel_release, kver) == 0 &&
            mtd_backup_store_verify (store, installed, NULL);
  for (guint i = 0; matches && i < MTD_N_MODULES; i++)
    {
      g_autofree char *sha = current[i] != NULL ? mtd_fs_sha256 (current[i]) : NULL;

      matches = g_strcmp0 (sha, installed_manifest->sha256[i]) == 0;
    }
  if (matches)
    {
      *out_id = g_steal_pointer (&installed);
      return TRUE;
    }

  meta = mtd_backup_manifest_new (kver, NULL, 0, NULL, "modtune");
  *out_id = mtd_backup_store_create (store, meta, current, error);

  return *out_id != NULL;
}

static gboolean
journal_exists (const char *root, GError **error)
{
  g_autoptr (MtdJournal) journal = NULL;
  g_autoptr (GError) local_error = NULL;

  journal = mtd_journal_read (root, &local_error);
  if (journal == NULL && local_error == NULL)
    return FALSE;

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                 _ ("An interrupted %s for kernel %s has not been recovered; restart the helper "
                    "to recover it first"),
                 journal->operation, journal->kernel_release);

  return TRUE;
}

/* Puts the old files back after a failed step, and runs depmod again. */
static gboolean
roll_back (MtdBackupStore *store,
           const char *root,
           const char *kver,
           int target_fd,
           const char *old_backup,
           GBytes **old,
           GError **error)
{
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      if (old[i] != NULL)
        {
          g_autoptr (GBytes) bytes = NULL;

          /* from the durable backup, as recovery would */
          bytes = mtd_backup_store_read_module (store, old_backup, i, error);
          if (bytes == NULL || !mtd_installer_place_file (target_fd, i, bytes, error))
            return FALSE;
        }
      else if (!mtd_fs_unlink_at (target_fd, mtd_module_file_name (i), NULL, error))
        return FALSE;
    }

  return mtd_fs_fsync_dir (target_fd, MTD_INSTALL_SUBDIR, error) &&
         mtd_installer_run_depmod (root, kver, NULL, error);
}

/* The transaction: journal, stage, rename vmmon then vmnet, sync, depmod,
 * state, end of journal.  @new entries are NULL for files to remove. */
static gboolean
transact (MtdBackupStore *store,
          const char *root,
          const char *kver,
          const char *operation,
          int target_fd,
          const char *old_backup,
          GBytes **old,
          const char *new_backup,
          GBytes **new_files,
          GError **error)
{
  g_autoptr (MtdJournal) journal = NULL;
  g_autoptr (GError) step_error = NULL;
  g_autoptr (GError) rollback_error = NULL;

  journal = mtd_journal_new (operation, kver, old_backup, new_backup);
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      journal->old_sha256[i] = old[i] != NULL ? mtd_fs_sha256 (old[i]) : NULL;
      journal->new_sha256[i] = new_files[i] != NULL ? mtd_fs_sha256 (new_files[i]) : NULL;
    }
  if (!mtd_journal_write (root, journal, error))
    return FALSE;

  for (guint i = 0; i < MTD_N_MODULES; i++)
    if (new_files[i] != NULL && !stage_file (target_fd, i, new_files[i], TRUE, &step_error))
      break;
  if (step_error == NULL)
    mtd_fs_crash_point ("after-fsync");

  for (guint i = 0; step_error == NULL && i < MTD_N_MODULES; i++)
    {
      if (new_files[i] != NULL)
        rename_staged (target_fd, i, &step_error);
      else
        mtd_fs_unlink_at (target_fd, mtd_module_file_name (i), NULL, &step_error);
      if (step_error == NULL)
        mtd_fs_crash_point (i == MTD_MODULE_VMMON ? "after-rename-vmmon" : "after-rename-vmnet");
    }
  if (step_error == NULL)
    mtd_fs_fsync_dir (target_fd, MTD_INSTALL_SUBDIR, &step_error);
  if (step_error == NULL)
    mtd_installer_run_depmod (root, kver, NULL, &step_error);

  if (step_error != NULL)
    {
      mtd_installer_remove_staging (target_fd, NULL);
      if (!roll_back (store, root, kver, target_fd, old_backup, old, &rollback_error))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                       _ ("%s; putting the previous modules back failed too (%s): restart the "
                          "helper to recover"),
                       step_error->message, rollback_error->message);
          return FALSE;
        }
      if (!mtd_journal_remove (root, &rollback_error))
        g_warning ("Could not remove the journal: %s", rollback_error->message);
      g_set_error (error, step_error->domain, step_error->code,
                   _ ("%s; the previous modules were put back"), step_error->message);
      return FALSE;
    }
  mtd_fs_crash_point ("after-depmod");

  if (!mtd_state_set_installed (root, kver, new_backup, error))
    return FALSE;

  return mtd_journal_remove (root, error);
}

static void
prune (MtdBackupStore *store, const char *old_backup, const char *new_backup)
{
  g_autoptr (GError) error = NULL;
  const char *keep[] = { old_backup != NULL ? old_backup : new_backup, new_backup, NULL };

  if (!mtd_backup_store_prune (store, keep, &error))
    g_warning ("Could not remove old backups: %s", error->message);
}

static GBytes *
read_artifact (int dir_fd, MtdModule module, const char *kver, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  struct stat st;

  bytes = mtd_fs_read_file_at (dir_fd, mtd_module_file_name (module), MTD_MODULE_MAX_SIZE, &st,
                               NULL, error);
  if (bytes == NULL)
    return NULL;
  if (st.st_nlink != 1)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("The built %s has %u links; it must have exactly one: build it again"),
                   mtd_module_file_name (module), (guint) st.st_nlink);
      return NULL;
    }
  if (!mtd_installer_check_module (bytes, module, kver, error))
    return NULL;

  return g_steal_pointer (&bytes);
}

/**
 * mtd_installer_install_pair:
 * @root: the root prefix ("/" on a real system)
 * @kver: the kernel release, checked here (rule 8)
 * @built_dir: the build's output directory, holding vmmon.ko and vmnet.ko
 * @info: what to record about the new modules
 * @cancellable: (nullable): a #GCancellable, looked at only before
 *   anything changes
 * @out_backup_id: (out) (optional) (nullable): the backup of the modules
 *   replaced, or %NULL when none were installed
 * @error: a location for a #GError
 *
 * Installs a freshly built pair: checks both artifacts (rule 18: opened
 * with %O_NOFOLLOW, one link, at most 16 MiB, relocatable ELF, the right
 * name and vermagic) and works on that copy; backs up the pair it
 * replaces (rule 21) and stores the new pair as a backup too (it becomes
 * the "installed" one); then the transaction (journal, stage, rename,
 * depmod; rolled back if depmod fails, rule 23); then prunes old
 * backups.  Known-good is for the caller to set once the modules load
 * (mtd_installer_mark_known_good()).
 *
 * Returns: %TRUE if the new pair is installed
 */
gboolean
mtd_installer_install_pair (const char *root,
                            const char *kver,
                            const char *built_dir,
                            const MtdInstallInfo *info,
                            GCancellable *cancellable,
                            char **out_backup_id,
                            GError **error)
{
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (MtdBackupManifest) meta = NULL;
  g_autofree char *old_backup = NULL;
  g_autofree char *new_backup = NULL;
  GBytes *new_files[MTD_N_MODULES] = { NULL, NULL };
  GBytes *old[MTD_N_MODULES] = { NULL, NULL };
  gboolean ok = FALSE;
  int built_fd;
  int target_fd = -1;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (built_dir != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_backup_id != NULL)
    *out_backup_id = NULL;

  if (!mtd_validate_kernel_release (root, kver, error) || journal_exists (root, error))
    return FALSE;

  built_fd = open (built_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (built_fd < 0)
    {
      int errsv = errno;

      g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                   _ ("Could not open the build directory (%s); it must be a directory, not a "
                      "link: build again"),
                   g_strerror (errsv));
      return FALSE;
    }
  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      new_files[i] = read_artifact (built_fd, i, kver, error);
      if (new_files[i] == NULL)
        break;
    }
  close (built_fd);
  if (new_files[MTD_MODULE_VMNET] == NULL)
    {
      clear_pair (new_files);
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      clear_pair (new_files);
      return FALSE;
    }

  store = mtd_backup_store_new (root, error);
  if (store != NULL)
    target_fd = mtd_installer_open_target_dir (root, kver, TRUE, error);
  if (target_fd >= 0 && read_current (target_fd, old, error) &&
      back_up_current (store, root, kver, old, &old_backup, error))
    {
      meta = mtd_backup_manifest_new (kver, info->workstation_version, info->interface_version,
                                      info->flag_ids, "modtune");
      new_backup = mtd_backup_store_create (store, meta, new_files, error);
    }
  if (new_backup != NULL)
    {
      mtd_fs_crash_point ("after-backup");
      ok = transact (store, root, kver, "install", target_fd, old_backup, old, new_backup,
                     new_files, error);
      if (!ok && !journal_exists (root, NULL))
        {
          g_autoptr (GError) delete_error = NULL;

          /* rolled back: the pair that failed is not worth keeping */
          if (!mtd_backup_store_delete (store, new_backup, &delete_error))
            g_warning ("Could not remove the backup %s: %s", new_backup, delete_error->message);
        }
    }
  if (ok)
    {
      prune (store, old_backup, new_backup);
      g_message ("Installed vmmon and vmnet for kernel %s (backup %s)", kver, new_backup);
    }

  if (target_fd >= 0)
    close (target_fd);
  clear_pair (new_files);
  clear_pair (old);
  if (ok && out_backup_id != NULL)
    *out_backup_id = g_steal_pointer (&old_backup);

  return ok;
}

/**
 * mtd_installer_restore:
 * @root: the root prefix
 * @backup_id: (nullable): a backup id from a client
 * @cancellable: (nullable): a #GCancellable, looked at only before
 *   anything changes
 * @out_backup_id: (out) (optional) (nullable): the backup of the modules
 *   replaced, or %NULL
 * @error: a location for a #GError
 *
 * Installs a backup's modules for the kernel they were built for, with
 * the same steps as mtd_installer_install_pair().  The backup must exist
 * (rule 9), hold both modules, match its manifest (rule 25), and each
 * module must be built for the manifest's kernel: a pair is never mixed
 * across kernels.
 *
 * Returns: %TRUE if the backup's modules are installed
 */
gboolean
mtd_installer_restore (const char *root,
                       const char *backup_id,
                       GCancellable *cancellable,
                       char **out_backup_id,
                       GError **error)
{
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (MtdBackupManifest) manifest = NULL;
  g_autofree char *old_backup = NULL;
  GBytes *new_files[MTD_N_MODULES] = { NULL, NULL };
  GBytes *old[MTD_N_MODULES] = { NULL, NULL };
  const char *kver;
  gboolean ok = FALSE;
  int target_fd = -1;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_backup_id != NULL)
    *out_backup_id = NULL;

  store = mtd_backup_store_new (root, error);
  if (store == NULL)
    return FALSE;
  manifest = mtd_backup_store_lookup (store, backup_id, error);
  if (manifest == NULL)
    return FALSE;
  kver = manifest->kernel_release;
  if (!mtd_validate_kernel_release (root, kver, error) || journal_exists (root, error))
    return FALSE;
  if (manifest->sha256[MTD_MODULE_VMMON] == NULL || manifest->sha256[MTD_MODULE_VMNET] == NULL)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED,
                   _ ("The backup %s holds only one of vmmon and vmnet; restore another backup"),
                   backup_id);
      return FALSE;
    }

  for (guint i = 0; i < MTD_N_MODULES; i++)
    {
      new_files[i] = mtd_backup_store_read_module (store, backup_id, i, error);
      if (new_files[i] == NULL || !mtd_installer_check_module (new_files[i], i, kver, error))
        {
          clear_pair (new_files);
          return FALSE;
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      clear_pair (new_files);
      return FALSE;
    }

  target_fd = mtd_installer_open_target_dir (root, kver, TRUE, error);
  if (target_fd >= 0 && read_current (target_fd, old, error) &&
      back_up_current (store, root, kver, old, &old_backup, error))
    ok = transact (store, root, kver, "restore", target_fd, old_backup, old, backup_id, new_files,
                   error);
  if (ok)
    {
      prune (store, old_backup, backup_id);
      g_message ("Restored the backup %s for kernel %s", backup_id, kver);
    }

  if (target_fd >= 0)
    close (target_fd);
  clear_pair (new_files);
  clear_pair (old);
  if (ok && out_backup_id != NULL)
    *out_backup_id = g_steal_pointer (&old_backup);

  return ok;
}

/* After an uninstall: `updates/modtune/` goes when it is empty, and
 * `updates/` too, so that the kernel's tree is as it was before Modtune
 * (a directory that is not empty, or is not there, is left alone). */
static void
remove_empty_target_dirs (const char *root, const char *kver)
{
  g_autofree char *kver_what = g_strdup_printf ("/lib/modules/%s", kver);
  g_autofree char *updates_what = g_strdup_printf ("/lib/modules/%s/updates", kver);
  int modules_fd;
  int kver_fd;
  int updates_fd;

  modules_fd = mtd_fs_open_root_dir (root, "lib/modules", NULL);
  if (modules_fd < 0)
    return;
  kver_fd = mtd_fs_open_dir_at (modules_fd, kver, FALSE, 0, kver_what, NULL);
  close (modules_fd);
  if (kver_fd < 0)
    return;
  updates_fd = mtd_fs_open_dir_at (kver_fd, "updates", FALSE, 0, updates_what, NULL);
  if (updates_fd >= 0)
    {
      if (unlinkat (updates_fd, "modtune", AT_REMOVEDIR) == 0)
        unlinkat (kver_fd, "updates", AT_REMOVEDIR);
      close (updates_fd);
    }
  close (kver_fd);
}

/**
 * mtd_installer_uninstall:
 * @root: the root prefix
 * @kver: the kernel release, checked here (rule 8)
 * @cancellable: (nullable): a #GCancellable, looked at only before
 *   anything changes
 * @out_backup_id: (out) (optional) (nullable): the backup of the modules
 *   removed
 * @error: a location for a #GError
 *
 * Removes the modules Modtune installed for @kver, after a backup, runs
 * depmod, and removes the load-at-boot entry when no other kernel has
 * Modtune's modules installed.  VMware's own modules are never touched.
 *
 * Returns: %TRUE if they were removed; %MT_ERROR_NOT_FOUND if there were
 *   none
 */
gboolean
mtd_installer_uninstall (const char *root,
                         const char *kver,
                         GCancellable *cancellable,
                         char **out_backup_id,
                         GError **error)
{
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *old_backup = NULL;
  GBytes *new_files[MTD_N_MODULES] = { NULL, NULL };
  GBytes *old[MTD_N_MODULES] = { NULL, NULL };
  gboolean ok = FALSE;
  int target_fd;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_backup_id != NULL)
    *out_backup_id = NULL;

  if (!mtd_validate_kernel_release (root, kver, error) || journal_exists (root, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  store = mtd_backup_store_new (root, error);
  if (store == NULL)
    return FALSE;

  target_fd = mtd_installer_open_target_dir (root, kver, FALSE, &local_error);
  if (target_fd >= 0 && !read_current (target_fd, old, &local_error))
    {
      close (target_fd);
      target_fd = -1;
    }
  if (target_fd >= 0 && old[0] == NULL && old[1] == NULL)
    g_set_error_literal (&local_error, MT_ERROR, MT_ERROR_NOT_FOUND, "");
  if (local_error != NULL)
    {
      if (target_fd >= 0)
        close (target_fd);
      if (g_error_matches (local_error, MT_ERROR, MT_ERROR_NOT_FOUND))
        g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                     _ ("Modtune has not installed modules for kernel %s; there is nothing to "
                        "uninstall"),
                     kver);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (back_up_current (store, root, kver, old, &old_backup, error))
    ok =
      transact (store, root, kver, "uninstall", target_fd, old_backup, old, NULL, new_files, error);
  close (target_fd);
  clear_pair (old);

  if (ok)
    {
      g_auto (GStrv) kernels = mtd_state_dup_installed_kernels (root, error);

      ok = kernels != NULL && (kernels[0] != NULL || mtd_boot_load_disable (root, error));
    }
  if (ok)
    {
      remove_empty_target_dirs (root, kver);
      prune (store, old_backup, NULL);
      g_message ("Removed Modtune's vmmon and vmnet for kernel %s (backup %s)", kver, old_backup);
    }
  if (ok && out_backup_id != NULL)
    *out_backup_id = g_steal_pointer (&old_backup);

  return ok;
}

/**
 * mtd_installer_mark_known_good:
 * @root: the root prefix
 * @kver: a kernel release
 * @error: a location for a #GError
 *
 * Records the installed backup of @kver as known good; the caller does so
 * once the modules loaded and their devices work.
 *
 * Returns: %TRUE on success
 */
gboolean
mtd_installer_mark_known_good (const char *root, const char *kver, GError **error)
{
  g_autofree char *installed = NULL;

  g_return_val_if_fail (root != NULL, FALSE);

  if (!mtd_validate_kernel_release_form (kver, error) ||
      !mtd_state_get (root, kver, &installed, NULL, error))
    return FALSE;
  if (installed == NULL)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("Modtune has not installed modules for kernel %s"), kver);
      return FALSE;
    }

  return mtd_state_set_known_good (root, kver, installed, error);
}

/**
 * mtd_installer_dup_module_status:
 * @root: the root prefix
 * @kver: a validated kernel release
 * @module: which module
 * @error: a location for a #GError
 *
 * A module's part of GetStatus, but for `loaded`, which the caller adds:
 * origin ("modtune" for `updates/modtune/`, "vmware" for VMware's
 * `misc/`, or "none"), sha256 (absent with "none") and backup-id (the
 * installed backup, when the file still matches it).
 *
 * Returns: (transfer floating): an `a{sv}`, or %NULL
 */
GVariant *
mtd_installer_dup_module_status (const char *root,
                                 const char *kver,
                                 MtdModule module,
                                 GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *installed = NULL;
  GVariantBuilder builder;
  const char *origin = "none";
  gboolean missing = TRUE;
  int fd;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (module < MTD_N_MODULES, NULL);

  if (!mtd_validate_kernel_release_form (kver, error) ||
      !mtd_state_get (root, kver, &installed, NULL, error))
    return NULL;

  fd = mtd_installer_open_target_dir (root, kver, FALSE, &local_error);
  if (fd >= 0)
    {
      bytes = mtd_fs_read_file_at (fd, mtd_module_file_name (module), MTD_MODULE_MAX_SIZE, NULL,
                                   &missing, error);
      close (fd);
      if (bytes == NULL && !missing)
        return NULL;
      origin = "modtune";
    }
  else if (!g_error_matches (local_error, MT_ERROR, MT_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (bytes == NULL)
    {
      g_autofree char *misc = g_strdup_printf ("lib/modules/%s/misc", kver);

      origin = "none";
      fd = mtd_fs_open_root_dir (root, misc, NULL);
      if (fd >= 0)
        {
          bytes = mtd_fs_read_file_at (fd, mtd_module_file_name (module), MTD_MODULE_MAX_SIZE, NULL,
                                       NULL, NULL);
          close (fd);
          if (bytes != NULL)
            origin = "vmware";
        }
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "origin", g_variant_new_string (origin));
  if (bytes != NULL)
    {
      sha = mtd_fs_sha256 (bytes);
      g_variant_builder_add (&builder, "{sv}", "sha256", g_variant_new_string (sha));
    }
  if (g_str_equal (origin, "modtune") && installed != NULL)
    {
      g_autoptr (MtdBackupStore) store = mtd_backup_store_new (root, NULL);
      g_autoptr (MtdBackupManifest) manifest =
        store != NULL ? mtd_backup_store_lookup (store, installed, NULL) : NULL;

      if (manifest != NULL && g_strcmp0 (manifest->sha256[module], sha) == 0)
        g_variant_builder_add (&builder, "{sv}", "backup-id", g_variant_new_string (installed));
    }

  return g_variant_builder_end (&builder);
}
