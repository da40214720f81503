/* mtd-operations.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mtd-operations"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mt-build-plan.h"
#include "mt-build.h"
#include "mt-core.h"
#include "mt-subprocess.h"
#include "mtd-backup-store.h"
#include "mtd-boot.h"
#include "mtd-fs.h"
#include "mtd-installer.h"
#include "mtd-kmod.h"
#include "mtd-operations.h"

/* The bodies of the helper's jobs, run in a worker thread: Apply (detect,
 * plan, build as the build user, then install, load and make them load at
 * boot), Restore and Uninstall.  The steps that change the system are
 * libmtd's (mtd-installer: verification, backup, journal, atomic install,
 * depmod, rollback); this file orders them and reports the stages. */

#define BUILD_USER "modtune-build"
#define CACHE_DIR  "var/cache/modtune"

/* The worker's own time limit is in mt-build; this only bounds a worker
 * that stopped printing and never exits. */
#define WORKER_EXIT_TIMEOUT_SECONDS 60

/* Takes a gpointer: it is also a GDestroyNotify, called as one. */
void
mtd_request_free (gpointer data)
{
  MtdRequest *request = data;

  if (request == NULL)
    return;

  g_free (request->root);
  g_free (request->kernel_release);
  g_free (request->running_release);
  g_strfreev (request->flag_ids);
  g_free (request->backup_id);
  g_free (request->self_exe);
  g_free (request);
}

static gboolean
is_test_root (MtdRequest *request)
{
  return g_strcmp0 (request->root, "/") != 0;
}

/* --- the build, as the build user ------------------------------------ */

typedef struct
{
  uid_t uid;
  gid_t gid;
} Drop;

/* In the child, between fork and exec: async-signal-safe calls only.  The
 * worker leads a process group of its own, so that stopping it stops make
 * and the compilers too; then it becomes the build user, for good. */
static void
setup_worker (gpointer user_data)
{
  Drop *drop = user_data;

  if (setsid () < 0)
    _exit (126);
  if (drop != NULL && (setgroups (0, NULL) != 0 || setgid (drop->gid) != 0 ||
                       setuid (drop->uid) != 0 || setuid (0) == 0))
    _exit (126);
}

/* Kills the worker and everything it started. */
static void
kill_worker (GSubprocess *process)
{
  const char *id = g_subprocess_get_identifier (process);

  if (id != NULL)
    kill (-(pid_t) g_ascii_strtoll (id, NULL, 10), SIGKILL);
  g_subprocess_force_exit (process);
}

/* Removes a build directory and what a stopped build left among the
 * probes.  The build user owns both, so root works below a descriptor and
 * never follows a link (SECURITY.md rule 15). */
static void
remove_build_dir (const char *work, const char *probe_cache)
{
  g_autofree char *parent = g_path_get_dirname (work);
  g_autofree char *name = g_path_get_basename (work);
  int fd = open (parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *dir;
  struct dirent *entry;

  if (fd >= 0)
    {
      if (!mtd_fs_remove_tree_at (fd, name, NULL))
        g_warning ("Could not remove the build directory %s", work);
      close (fd);
    }

  if (probe_cache == NULL)
    return;
  fd = open (probe_cache, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return;
  dir = fdopendir (dup (fd));
  while (dir != NULL && (entry = readdir (dir)) != NULL)
    if (g_str_has_prefix (entry->d_name, "build-"))
      mtd_fs_remove_tree_at (fd, entry->d_name, NULL);
  if (dir != NULL)
    closedir (dir);
  close (fd);
}

/* A fresh directory for one build, owned by the build user. */
static char *
make_build_dir (MtdRequest *request, Drop *drop, char **probe_cache, GError **error)
{
  g_autofree char *cache = g_build_filename (request->root, CACHE_DIR, NULL);
  g_autofree char *template = g_build_filename (cache, "build-XXXXXX", NULL);
  g_autofree char *probes = g_build_filename (cache, "probes", NULL);

  if (g_mkdir_with_parents (cache, 0755) != 0 || g_mkdtemp_full (template, 0700) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Cannot make a build directory in %s: %s"), cache, g_strerror (saved_errno));
      return NULL;
    }
  g_mkdir (probes, 0700);

  if (drop != NULL &&
      (lchown (template, drop->uid, drop->gid) != 0 || lchown (probes, drop->uid, drop->gid) != 0))
    {
      int saved_errno = errno;

      remove_build_dir (template, NULL);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Cannot hand the build directory to %s: %s"), BUILD_USER,
                   g_strerror (saved_errno));
      return NULL;
    }

  *probe_cache = g_steal_pointer (&probes);
  return g_steal_pointer (&template);
}

static gboolean
run_build (MtdJob *job,
           MtdRequest *request,
           const char *out_dir,
           const char *probe_cache,
           Drop *drop,
           GCancellable *cancellable,
           GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  /* the strings outlive the spawn; the array only points at them */
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  /* the worker makes out_dir; it starts in the build directory above */
  g_autofree char *work = g_path_get_dirname (out_dir);
  g_autofree char *home = g_strdup_printf ("HOME=%s", work);
  g_autofree char *tmpdir = g_strdup_printf ("TMPDIR=%s", work);
  g_autofree char *last = NULL;
  const char *env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", home, tmpdir, NULL, NULL };
  const char *patches = g_getenv ("MODTUNE_PATCHES_DIR");
  g_autofree char *patches_env = NULL;
  guint n_lines = 0;

  /* the test suite's patches, honoured only for a test root */
  if (is_test_root (request) && patches != NULL)
    env[4] = patches_env = g_strdup_printf ("MODTUNE_PATCHES_DIR=%s", patches);

  g_ptr_array_add (argv, request->self_exe);
  g_ptr_array_add (argv, (char *) "--build-worker");
  g_ptr_array_add (argv, (char *) "--root");
  g_ptr_array_add (argv, request->root);
  g_ptr_array_add (argv, (char *) "--kernel");
  g_ptr_array_add (argv, request->kernel_release);
  g_ptr_array_add (argv, (char *) "--out");
  g_ptr_array_add (argv, (char *) out_dir);
  g_ptr_array_add (argv, (char *) "--probe-cache");
  g_ptr_array_add (argv, (char *) probe_cache);
  for (guint i = 0; request->flag_ids[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (char *) "--flag");
      g_ptr_array_add (argv, request->flag_ids[i]);
    }
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_environ (launcher, (char **) env);
  g_subprocess_launcher_set_cwd (launcher, work);
  g_subprocess_launcher_set_child_setup (launcher, setup_worker, drop, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  if (process == NULL)
    return FALSE;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  for (;;)
    {
      g_autoptr (GError) read_error = NULL;
      gsize length;
      /* bytes, not UTF-8: a compiler may quote a source line in any
       * encoding; the job's log makes it valid */
      g_autofree char *line =
        g_data_input_stream_read_line (lines, &length, cancellable, &read_error);

      if (line == NULL)
        {
          if (read_error != NULL)
            {
              kill_worker (process);
              g_propagate_error (error, g_steal_pointer (&read_error));
              return FALSE;
            }
          break;
        }
      mtd_job_log_text (job, line, length);
      mtd_job_log_text (job, "\n", 1);
      /* kbuild's "CC [M]" lines move the build stage along */
      if (strstr (line, "CC [M]") != NULL)
        mtd_job_set_stage (job, "build", MIN (0.1 + 0.02 * ++n_lines, 0.65));
      if (line[0] != '\0')
        {
          g_free (last);
          last = g_steal_pointer (&line);
        }
    }

  if (!mt_subprocess_wait (process, WORKER_EXIT_TIMEOUT_SECONDS, cancellable, error))
    {
      kill_worker (process);
      return FALSE;
    }

  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_FAILED, _ ("build: %s"),
                   last != NULL ? last : _ ("the build failed"));
      return FALSE;
    }

  return TRUE;
}

/* --- loading --------------------------------------------------------- */

/* Replaces the running modules, if the job is for the running kernel. */
static gboolean
reload (MtdJob *job, MtdRequest *request, GError **error)
{
  g_autoptr (GError) unload_error = NULL;

  if (g_strcmp0 (request->kernel_release, request->running_release) != 0)
    {
      mtd_job_log (job, _ ("Kernel %s is not running: the modules load when it boots."),
                   request->kernel_release);
      return TRUE;
    }

  mtd_job_set_stage (job, "unload", 0.85);
  /* a test root never touches the running kernel's modules */
  if (!is_test_root (request))
    request->was_loaded = mtd_kmod_is_loaded ("vmmon") || mtd_kmod_is_loaded ("vmnet");
  if (!is_test_root (request) && !mtd_kmod_unload (&unload_error))
    {
      if (g_error_matches (unload_error, MT_ERROR, MT_ERROR_BUSY))
        {
          /* the old modules stay until the machines stop; the new ones
           * are installed and load at the next boot */
          mtd_job_log (job, "%s", unload_error->message);
          mtd_job_log (job, "%s", _ ("The new modules load at the next boot."));
          return TRUE;
        }
      g_propagate_prefixed_error (error, g_steal_pointer (&unload_error), "unload: ");
      return FALSE;
    }

  mtd_job_set_stage (job, "load", 0.9);
  if (!mtd_kmod_load (request->root, request->kernel_release, is_test_root (request), error))
    {
      g_prefix_error (error, "load: ");
      return FALSE;
    }

  /* vmmon makes /dev/vmmon; vmnet registers its character devices, whose
   * nodes VMware's own installation provides */
  mtd_job_set_stage (job, "check", 0.95);
  if (!is_test_root (request) && !g_file_test ("/dev/vmmon", G_FILE_TEST_EXISTS))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_FAILED,
                           _ ("check: vmmon is loaded but /dev/vmmon does not exist"));
      return FALSE;
    }
  if (!is_test_root (request) && !mtd_kmod_is_loaded ("vmnet"))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_FAILED,
                           _ ("check: vmnet did not stay loaded; see the kernel log (dmesg)"));
      return FALSE;
    }

  return TRUE;
}

/* The backup that the install of a pair that then failed to load made of
 * it: not worth keeping, as when the install itself fails.  The store
 * refuses an installed or known-good backup. */
static void
discard_failed_backup (MtdJob *job, MtdRequest *request, const char *failed_backup)
{
  g_autoptr (MtdBackupStore) store = NULL;
  g_autoptr (GError) error = NULL;

  store = mtd_backup_store_new (request->root, &error);
  if (store == NULL || !mtd_backup_store_delete (store, failed_backup, &error))
    mtd_job_log (job, _ ("Could not remove the backup %s of the modules that did not load: %s"),
                 failed_backup, error->message);
}

/* After a failed load: the previous pair back, loaded again.  With
 * @discard, the backup of the pair that failed goes too: an apply's own
 * build, but never a backup the user chose to restore. */
static void
roll_back (MtdJob *job, MtdRequest *request, const char *backup_id, gboolean discard)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *failed_backup = NULL;
  gboolean ok;

  mtd_job_log (job, "%s", _ ("Putting the previous modules back."));
  if (backup_id != NULL)
    ok = mtd_installer_restore (request->root, backup_id, NULL, &failed_backup, &error);
  else
    ok = mtd_installer_uninstall (request->root, request->kernel_release, NULL, &failed_backup,
                                  &error);
  if (ok && discard && failed_backup != NULL)
    discard_failed_backup (job, request, failed_backup);

  /* a half-loaded new pair (vmmon loaded, vmnet refused) goes first, or
   * loading the previous vmmon would find the new one and do nothing */
  if (ok && g_strcmp0 (request->kernel_release, request->running_release) == 0)
    {
      ok = is_test_root (request) || mtd_kmod_unload (&error);
      if (ok && backup_id != NULL)
        ok = mtd_kmod_load (request->root, request->kernel_release, is_test_root (request), &error);
      /* no earlier Modtune pair: the one loaded before, such as VMware's
       * own in misc/, is loaded again */
      else if (ok && request->was_loaded && !is_test_root (request))
        ok = mtd_kmod_load_previous (request->kernel_release, &error);
    }
  if (!ok)
    mtd_job_log (job, _ ("Rolling back failed too: %s"), error->message);
}

/* --- the operations -------------------------------------------------- */

/**
 * mtd_operation_apply:
 *
 * The one-click flow.  Cancelable until the install begins.
 */
gboolean
mtd_operation_apply (MtdJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  MtdRequest *request = data;
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtVmwareInfo) vmware = NULL;
  g_autoptr (MtFlagCatalog) catalog = NULL;
  g_autoptr (MtBuildPlan) plan = NULL;
  g_auto (GStrv) cflags = NULL;
  g_auto (GStrv) make_vars = NULL;
  g_autofree char *work = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *probe_cache = NULL;
  g_autofree char *backup_id = NULL;
  MtdInstallInfo info = { 0 };
  struct passwd *user = NULL;
  Drop drop = { 0 };
  gboolean ok;

  mtd_job_set_stage (job, "detect", 0.02);
  sysroot = mt_sysroot_new (request->root, error);
  if (sysroot == NULL)
    return FALSE;
  vmware = mt_vmware_info_probe (sysroot, error);
  if (vmware == NULL)
    return FALSE;
  if (!mt_vmware_info_is_installed (vmware))
    {
      g_set_error_literal (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                           _ ("detect: VMware Workstation is not installed; install it first"));
      return FALSE;
    }
  mtd_job_log (job, _ ("%s %s, kernel %s"), mt_vmware_info_get_product (vmware),
               mt_vmware_info_get_version (vmware), request->kernel_release);

  mtd_job_set_stage (job, "plan", 0.05);
  catalog = mt_flag_catalog_new_default (error);
  if (catalog == NULL || !mt_flag_catalog_expand (catalog, (const char *const *) request->flag_ids,
                                                  &cflags, &make_vars, error))
    return FALSE;
  plan = mt_build_plan_new (sysroot, request->kernel_release, NULL, NULL,
                            (const char *const *) cflags, (const char *const *) make_vars,
                            (const char *const *) request->flag_ids, error);
  if (plan == NULL)
    {
      g_prefix_error (error, "plan: ");
      return FALSE;
    }
  for (guint i = 0; i < mt_build_plan_get_steps (plan)->len; i++)
    mtd_job_log (job, "  %s", (const char *) mt_build_plan_get_steps (plan)->pdata[i]);

  mtd_job_set_stage (job, "build", 0.1);
  if (!is_test_root (request))
    {
      user = getpwnam (BUILD_USER);
      if (user == NULL)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                       _ ("build: the user %s does not exist; reinstall Modtune (its sysusers.d "
                          "file makes it)"),
                       BUILD_USER);
          return FALSE;
        }
      drop.uid = user->pw_uid;
      drop.gid = user->pw_gid;
    }
  work = make_build_dir (request, is_test_root (request) ? NULL : &drop, &probe_cache, error);
  if (work == NULL)
    return FALSE;
  out_dir = g_build_filename (work, "out", NULL);

  ok = run_build (job, request, out_dir, probe_cache, is_test_root (request) ? NULL : &drop,
                  cancellable, error);

  /* from here on the job cannot be cancelled; a Cancel that came first wins */
  if (ok)
    mtd_job_set_cancelable (job, FALSE);
  if (ok && !g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      mtd_job_set_stage (job, "install", 0.7);
      info.workstation_version = mt_vmware_info_get_version (vmware);
      info.interface_version = mt_build_plan_get_interface_version (plan);
      info.flag_ids = (const char *const *) request->flag_ids;
      ok = mtd_installer_install_pair (request->root, request->kernel_release, out_dir, &info, NULL,
                                       &backup_id, error);
      if (ok)
        {
          mtd_job_set_backup_id (job, backup_id);
          mtd_job_log (job, "%s", _ ("Installed vmmon and vmnet; depmod done."));
          ok = reload (job, request, error);
          if (!ok)
            roll_back (job, request, backup_id, TRUE);
        }
      if (ok)
        {
          mtd_job_set_stage (job, "boot", 0.98);
          ok = mtd_boot_load_enable (request->root, error) &&
               mtd_installer_mark_known_good (request->root, request->kernel_release, error);
        }
    }
  else
    ok = FALSE;

  remove_build_dir (work, probe_cache);
  return ok;
}

/**
 * mtd_operation_restore:
 */
gboolean
mtd_operation_restore (MtdJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  MtdRequest *request = data;
  g_autofree char *backup_id = NULL;

  mtd_job_set_stage (job, "verify", 0.1);
  mtd_job_set_cancelable (job, FALSE);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  mtd_job_set_stage (job, "install", 0.3);
  if (!mtd_installer_restore (request->root, request->backup_id, NULL, &backup_id, error))
    return FALSE;
  mtd_job_set_backup_id (job, backup_id);
  mtd_job_log (job, _ ("Restored backup %s; depmod done."), request->backup_id);

  if (!reload (job, request, error))
    {
      roll_back (job, request, backup_id, FALSE);
      return FALSE;
    }

  mtd_job_set_stage (job, "boot", 0.98);
  return mtd_boot_load_enable (request->root, error) &&
         mtd_installer_mark_known_good (request->root, request->kernel_release, error);
}

/**
 * mtd_operation_uninstall:
 */
gboolean
mtd_operation_uninstall (MtdJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  MtdRequest *request = data;
  g_autofree char *backup_id = NULL;

  mtd_job_set_cancelable (job, FALSE);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  mtd_job_set_stage (job, "install", 0.3);
  if (!mtd_installer_uninstall (request->root, request->kernel_release, NULL, &backup_id, error))
    return FALSE;
  mtd_job_set_backup_id (job, backup_id);
  mtd_job_log (job, "%s", _ ("Removed the modules Modtune installed; depmod done."));

  /* the installer removed the load-at-boot entry unless another kernel
   * still has Modtune's modules */
  if (!is_test_root (request) &&
      g_strcmp0 (request->kernel_release, request->running_release) == 0 &&
      (mtd_kmod_is_loaded ("vmmon") || mtd_kmod_is_loaded ("vmnet")))
    mtd_job_log (job, "%s",
                 _ ("The modules stay loaded until the next boot or until they are unloaded."));

  return TRUE;
}

/* --- the build worker ------------------------------------------------ */

static void
print_line (const char *module, const char *line, gpointer user_data)
{
  printf ("%s\n", line);
  fflush (stdout);
}

/**
 * mtd_build_worker_main:
 *
 * `modtune-helper --build-worker …`: runs as the build user (the helper
 * dropped its privileges before exec), plans and builds into --out, and
 * prints the plan, then the build log.  Its arguments come from the
 * helper, never from a client.
 */
int
mtd_build_worker_main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtFlagCatalog) catalog = NULL;
  g_autoptr (MtBuildPlan) plan = NULL;
  g_auto (GStrv) cflags = NULL;
  g_auto (GStrv) make_vars = NULL;
  g_auto (GStrv) flags = NULL;
  g_autofree char *root = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *out = NULL;
  g_autofree char *probe_cache = NULL;
  gboolean worker = FALSE;
  gboolean reused = FALSE;
  gboolean ok;
  const GOptionEntry entries[] = { { "build-worker", 0, 0, G_OPTION_ARG_NONE, &worker, NULL, NULL },
                                   { "root", 0, 0, G_OPTION_ARG_FILENAME, &root, NULL, NULL },
                                   { "kernel", 0, 0, G_OPTION_ARG_STRING, &kernel, NULL, NULL },
                                   { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, NULL, NULL },
                                   { "probe-cache", 0, 0, G_OPTION_ARG_FILENAME, &probe_cache, NULL,
                                     NULL },
                                   { "flag", 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags, NULL, NULL },
                                   { NULL } };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || root == NULL || kernel == NULL ||
      out == NULL || probe_cache == NULL)
    {
      fprintf (stderr, "build worker: %s\n", error != NULL ? error->message : "missing options");
      return 2;
    }

  sysroot = mt_sysroot_new (root, &error);
  if (sysroot != NULL)
    catalog = mt_flag_catalog_new_default (&error);
  if (flags == NULL)
    flags = g_new0 (char *, 1);
  ok = catalog != NULL &&
       mt_flag_catalog_expand (catalog, (const char *const *) flags, &cflags, &make_vars, &error);
  if (ok)
    plan = mt_build_plan_new (sysroot, kernel, NULL, NULL, (const char *const *) cflags,
                              (const char *const *) make_vars, (const char *const *) flags, &error);
  if (plan == NULL)
    {
      printf ("%s\n", error->message);
      return 1;
    }
  mt_build_plan_set_probe_cache_dir (plan, probe_cache);

  /* the log as make writes it: the helper forwards each line to its client */
  ok = mt_build_run_full (plan, out, &reused, print_line, NULL, NULL, &error);
  if (!ok)
    {
      printf ("%s\n", error->message);
      return 1;
    }

  printf ("%s\n", _ ("Built and checked vmmon.ko and vmnet.ko."));
  return 0;
}
