/* mt-build.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-build"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mt-build.h"
#include "mt-compat.h"
#include "mt-elf.h"
#include "mt-error.h"
#include "mt-json.h"
#include "mt-fs.h"
#include "mt-subprocess.h"
#include "mt-tar.h"

/* Runs a build plan as the calling user: extracts the module sources into
 * a fresh directory, builds vmmon and vmnet in parallel with kbuild from
 * an argv (never a shell) and a fixed environment, checks each module, and
 * writes the modules, the full log and a manifest to the output
 * directory.  A manifest with the same cache key and intact modules means
 * the same plan already ran: its result is reused. */

static const char *const modules[] = { "vmmon", "vmnet" };

/* Both modules build in well under a minute on a slow machine; a build
 * still running after this long is stuck, and is stopped. */
#define BUILD_TIMEOUT_SECONDS (30 * 60)

/* The previous result, if it came from the same plan and is intact. */
static gboolean
can_reuse (MtBuildPlan *plan, const char *out_dir)
{
  g_autofree char *manifest_path = g_build_filename (out_dir, "manifest.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonObject *outputs;

  if (!json_parser_load_from_file (parser, manifest_path, NULL) ||
      (root = mt_json_get_root_object (parser)) == NULL)
    return FALSE;

  if (g_strcmp0 (json_object_get_string_member_with_default (root, "cache_key", ""),
                 mt_build_plan_get_cache_key (plan)) != 0)
    return FALSE;

  outputs = json_object_get_object_member (root, "outputs");
  for (guint i = 0; outputs != NULL && i < G_N_ELEMENTS (modules); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.ko", modules[i]);
      g_autofree char *path = g_build_filename (out_dir, name, NULL);
      g_autofree char *sha = mt_sha256_file (path, NULL);
      JsonObject *output = json_object_get_object_member (outputs, modules[i]);

      if (output == NULL || sha == NULL ||
          g_strcmp0 (sha, json_object_get_string_member_with_default (output, "sha256", "")) != 0)
        return FALSE;
    }

  return outputs != NULL;
}

static GSubprocess *
spawn_kbuild (MtBuildPlan *plan,
              const char *work,
              const char *module,
              const char *const *compat_cflags,
              GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *log_path = g_strdup_printf ("%s/%s.log", work, module);
  g_autofree char *flag_cflags = g_strjoinv (" ", (GStrv) mt_build_plan_get_cflags (plan));
  g_autofree char *rule_cflags = g_strjoinv (" ", (GStrv) compat_cflags);
  /* the work directory's random name must not reach the module (__FILE__,
   * debug info): the same plan gives the same bytes */
  g_autofree char *cflags = g_strstrip (
    g_strdup_printf ("-ffile-prefix-map=%s/=modtune/ %s %s", work, rule_cflags, flag_cflags));
  g_autofree char *home = g_strdup_printf ("HOME=%s", work);
  g_autofree char *tmpdir = g_strdup_printf ("TMPDIR=%s", work);
  const char *env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", home, tmpdir, NULL };

  /* a fixed environment: nothing of the caller's (no MAKEFLAGS, KCFLAGS,
   * CCACHE*, LD_*) reaches the build; the compiler's and kbuild's
   * temporary files go to the build directory, not /tmp (SECURITY.md rule
   * 16) */
  g_subprocess_launcher_set_environ (launcher, (char **) env);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  g_subprocess_launcher_set_cwd (launcher, work);

  g_ptr_array_add (argv, g_strdup ("make"));
  g_ptr_array_add (argv, g_strdup_printf ("-j%u", MAX (g_get_num_processors (), 1)));
  g_ptr_array_add (argv, g_strdup ("-C"));
  g_ptr_array_add (argv, g_strdup (mt_build_plan_get_kernel_build_dir (plan)));
  g_ptr_array_add (argv, g_strdup_printf ("M=%s/%s-only", work, module));
  /* VMware's Makefile.kernel finds its headers through $(SRCROOT) */
  g_ptr_array_add (argv, g_strdup_printf ("SRCROOT=%s/%s-only", work, module));
  g_ptr_array_add (argv, g_strdup_printf ("CC=%s", mt_build_plan_get_compiler (plan)));
  if (mt_build_plan_get_llvm (plan))
    g_ptr_array_add (argv, g_strdup ("LLVM=1"));
  if (cflags[0] != '\0')
    g_ptr_array_add (argv, g_strdup_printf ("KCFLAGS=%s", cflags));
  for (const char *const *var = mt_build_plan_get_make_vars (plan); *var != NULL; var++)
    g_ptr_array_add (argv, g_strdup (*var));
  g_ptr_array_add (argv, g_strdup_printf ("VM_UNAME=%s", mt_build_plan_get_kernel_release (plan)));
  g_ptr_array_add (argv, g_strdup ("modules"));
  g_ptr_array_add (argv, NULL);

  return g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
}

/* The first line of the log that says what went wrong. */
static char *
summarize_failure (const char *log)
{
  g_auto (GStrv) lines = g_strsplit (log != NULL ? log : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "error:") != NULL || strstr (lines[i], "Error:") != NULL)
      return g_strdup (g_strstrip (lines[i]));

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "***") != NULL)
      return g_strdup (g_strstrip (lines[i]));

  return g_strdup (_ ("no error line in the log"));
}

static gboolean
check_module (MtBuildPlan *plan, const char *module, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (MtElf) elf = NULL;
  g_autoptr (GHashTable) modinfo = NULL;
  g_autofree char *expected_prefix =
    g_strdup_printf ("%s ", mt_build_plan_get_kernel_release (plan));
  const char *name;
  const char *vermagic;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  elf = mt_elf_new_from_bytes (bytes, error);
  if (elf == NULL)
    return FALSE;
  modinfo = mt_elf_dup_modinfo (elf, error);
  if (modinfo == NULL)
    return FALSE;

  name = mt_modinfo_lookup (modinfo, "name");
  vermagic = mt_modinfo_lookup (modinfo, "vermagic");
  if (!mt_elf_is_relocatable (elf) || g_strcmp0 (name, module) != 0 || vermagic == NULL ||
      !g_str_has_prefix (vermagic, expected_prefix))
    {
      g_set_error (
        error, MT_ERROR, MT_ERROR_INVALID_DATA,
        _ ("The built %s.ko is not the module expected (name “%s”, vermagic “%s”, for kernel %s)"),
        module, name != NULL ? name : "", vermagic != NULL ? vermagic : "",
        mt_build_plan_get_kernel_release (plan));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_manifest (MtBuildPlan *plan,
                const char *out_dir,
                char **shas,
                MtCompatReport **reports,
                GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (out_dir, "manifest.json", NULL);

  json_builder_begin_object (builder);
  mt_json_add_string (builder, "modtune_version", PACKAGE_VERSION);
  mt_build_plan_to_json (plan, builder);
  json_builder_set_member_name (builder, "outputs");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s.ko", modules[i]);

      json_builder_set_member_name (builder, modules[i]);
      json_builder_begin_object (builder);
      mt_json_add_string (builder, "file", file);
      mt_json_add_string (builder, "sha256", shas[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  /* every rule's outcome: applied, not needed, and why */
  json_builder_set_member_name (builder, "rules");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      json_builder_set_member_name (builder, modules[i]);
      json_builder_add_value (builder, mt_compat_report_to_json (reports[i]));
    }
  json_builder_end_object (builder);
  mt_json_add_string (builder, "log", "build.log");
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);

  return g_file_set_contents (path, text, -1, error);
}

/* Forwards what make writes to the two module logs, line by line, while
 * it runs: a thread that reads whatever is new every 200 ms. */
typedef struct
{
  char *paths[G_N_ELEMENTS (modules)];
  goffset offsets[G_N_ELEMENTS (modules)];
  GString *partial[G_N_ELEMENTS (modules)];
  MtBuildLogFunc func;
  gpointer user_data;
  GThread *thread;
  gint stop;
} Tail;

static void
tail_read (Tail *tail)
{
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autoptr (GFile) file = g_file_new_for_path (tail->paths[i]);
      g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
      char buffer[8192];
      gssize n;

      if (stream == NULL ||
          !g_seekable_seek (G_SEEKABLE (stream), tail->offsets[i], G_SEEK_SET, NULL, NULL))
        continue;

      while (
        (n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, sizeof buffer, NULL, NULL)) > 0)
        {
          tail->offsets[i] += n;
          for (gssize j = 0; j < n; j++)
            {
              if (buffer[j] != '\n')
                {
                  /* a runaway line is cut, not buffered without end */
                  if (tail->partial[i]->len < 4096)
                    g_string_append_c (tail->partial[i], buffer[j]);
                  continue;
                }
              tail->func (modules[i], tail->partial[i]->str, tail->user_data);
              g_string_truncate (tail->partial[i], 0);
            }
        }
    }
}

static gpointer
tail_thread (gpointer data)
{
  Tail *tail = data;

  while (!g_atomic_int_get (&tail->stop))
    {
      tail_read (tail);
      g_usleep (200 * 1000);
    }

  return NULL;
}

static Tail *
tail_start (const char *work, MtBuildLogFunc func, gpointer user_data)
{
  Tail *tail;

  if (func == NULL)
    return NULL;

  tail = g_new0 (Tail, 1);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      tail->paths[i] = g_strdup_printf ("%s/%s.log", work, modules[i]);
      tail->partial[i] = g_string_new (NULL);
    }
  tail->func = func;
  tail->user_data = user_data;
  tail->thread = g_thread_new ("mt-build-log", tail_thread, tail);

  return tail;
}

static void
tail_stop (Tail *tail)
{
  if (tail == NULL)
    return;

  g_atomic_int_set (&tail->stop, 1);
  g_thread_join (tail->thread);
  tail_read (tail);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      if (tail->partial[i]->len > 0)
        tail->func (modules[i], tail->partial[i]->str, tail->user_data);
      g_string_free (tail->partial[i], TRUE);
      g_free (tail->paths[i]);
    }
  g_free (tail);
}

static void
say (MtBuildLogFunc func, gpointer user_data, const char *line)
{
  if (func != NULL)
    func (NULL, line, user_data);
}

/**
 * mt_build_run:
 * @out_dir_arg: where the modules, `build.log` and `manifest.json` go
 * @reused: (out) (optional): set to %TRUE when an earlier result of the
 *   same plan was reused
 *
 * Returns: %TRUE if both modules were built and checked
 */
gboolean
mt_build_run (MtBuildPlan *plan,
              const char *out_dir,
              gboolean *reused,
              GCancellable *cancellable,
              GError **error)
{
  return mt_build_run_full (plan, out_dir, reused, NULL, NULL, cancellable, error);
}

/**
 * mt_build_run_full:
 * @log_func: (nullable): receives the build log while it is written
 * @user_data: for @log_func
 *
 * Like mt_build_run(), and tells @log_func each step and each line make
 * prints.
 */
gboolean
mt_build_run_full (MtBuildPlan *plan,
                   const char *out_dir_arg,
                   gboolean *reused,
                   MtBuildLogFunc log_func,
                   gpointer user_data,
                   GCancellable *cancellable,
                   GError **error)
{
  Tail *tail = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *work = NULL;
  g_autofree char *template = NULL;
  g_autofree char *log_path = NULL;
  g_autoptr (GString) log = g_string_new (NULL);
  GSubprocess *procs[G_N_ELEMENTS (modules)] = { NULL };
  MtCompatReport *reports[G_N_ELEMENTS (modules)] = { NULL };
  g_autoptr (MtCompatRules) rules = NULL;
  char *shas[G_N_ELEMENTS (modules)] = { NULL };
  gboolean ok = TRUE;
  gint64 deadline;
  gint64 remaining;

  g_return_val_if_fail (MT_IS_BUILD_PLAN (plan), FALSE);
  g_return_val_if_fail (out_dir_arg != NULL, FALSE);

  /* kbuild runs in the kernel's tree: M= must be absolute */
  out_dir = g_canonicalize_filename (out_dir_arg, NULL);

  if (reused != NULL)
    *reused = FALSE;

  if (g_mkdir_with_parents (out_dir, 0755) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _ ("Cannot create %s: %s"),
                   out_dir, g_strerror (errno));
      return FALSE;
    }

  if (can_reuse (plan, out_dir))
    {
      if (reused != NULL)
        *reused = TRUE;
      return TRUE;
    }

  template = g_build_filename (out_dir, ".work-XXXXXX", NULL);
  work = g_mkdtemp_full (g_steal_pointer (&template), 0700);
  if (work == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _ ("Cannot create a build directory in %s: %s"), out_dir, g_strerror (errno));
      return FALSE;
    }

  say (log_func, user_data, _ ("Extracting the module sources…"));
  for (guint i = 0; ok && i < G_N_ELEMENTS (modules); i++)
    {
      g_autoptr (GFile) archive = g_file_new_for_path (mt_build_plan_get_source (plan, modules[i]));

      ok = mt_tar_extract_file (archive, work, NULL, cancellable, error);
    }

  /* the compatibility rules, probed against the target's headers; a rule
   * whose pattern does not match stops the build, naming the rule */
  if (ok)
    {
      say (log_func, user_data,
           _ ("Probing the kernel’s headers and applying the compatibility rules…"));
      rules = mt_compat_rules_load (mt_build_plan_get_patches_dir (plan), error);
      ok = rules != NULL;
      if (ok)
        mt_compat_rules_set_cache_dir (rules, mt_build_plan_get_probe_cache_dir (plan));
    }
  for (guint i = 0; ok && i < G_N_ELEMENTS (modules); i++)
    {
      reports[i] = mt_compat_apply (rules, modules[i], work,
                                    mt_build_plan_get_kernel_build_dir (plan), cancellable, error);
      ok = reports[i] != NULL && mt_compat_report_check (reports[i], error);
    }

  /* both at once: kbuild runs one module's objects in parallel too */
  if (ok)
    {
      say (log_func, user_data, _ ("Building vmmon and vmnet…"));
      tail = tail_start (work, log_func, user_data);
    }
  for (guint i = 0; ok && i < G_N_ELEMENTS (modules); i++)
    {
      procs[i] =
        spawn_kbuild (plan, work, modules[i], mt_compat_report_get_ccflags (reports[i]), error);
      ok = procs[i] != NULL;
    }

  deadline = g_get_monotonic_time () / G_USEC_PER_SEC + BUILD_TIMEOUT_SECONDS;
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autoptr (GError) wait_error = NULL;
      g_autofree char *module_log_path = g_strdup_printf ("%s/%s.log", work, modules[i]);
      g_autofree char *module_log = NULL;

      if (procs[i] == NULL)
        continue;

      remaining = MAX (deadline - g_get_monotonic_time () / G_USEC_PER_SEC, 1);
      if (!mt_subprocess_wait (procs[i], remaining, cancellable, &wait_error))
        {
          g_prefix_error (&wait_error, _ ("Building %s for kernel %s: "), modules[i],
                          mt_build_plan_get_kernel_release (plan));
          if (ok)
            g_propagate_error (error, g_steal_pointer (&wait_error));
          ok = FALSE;
        }

      g_file_get_contents (module_log_path, &module_log, NULL, NULL);
      g_string_append_printf (log, "=== %s ===\n%s\n", modules[i],
                              module_log != NULL ? module_log : "");

      if (ok &&
          (!g_subprocess_get_if_exited (procs[i]) || g_subprocess_get_exit_status (procs[i]) != 0))
        {
          g_autofree char *summary = summarize_failure (module_log);

          g_set_error (error, MT_ERROR, MT_ERROR_FAILED, _ ("Building %s for kernel %s failed: %s"),
                       modules[i], mt_build_plan_get_kernel_release (plan), summary);
          ok = FALSE;
        }
      g_clear_object (&procs[i]);
    }

  tail_stop (tail);
  log_path = g_build_filename (out_dir, "build.log", NULL);
  g_file_set_contents (log_path, log->str, log->len, NULL);

  for (guint i = 0; ok && i < G_N_ELEMENTS (modules); i++)
    {
      g_autofree char *built = g_strdup_printf ("%s/%s-only/%s.ko", work, modules[i], modules[i]);
      g_autofree char *name = g_strdup_printf ("%s.ko", modules[i]);
      g_autofree char *dest = g_build_filename (out_dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      ok = check_module (plan, modules[i], built, error) &&
           g_file_get_contents (built, &contents, &len, error) &&
           g_file_set_contents (dest, contents, len, error);
      if (ok)
        shas[i] = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
    }

  if (ok)
    ok = write_manifest (plan, out_dir, shas, reports, error);

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_free (shas[i]);
      g_clear_object (&reports[i]);
    }
  mt_remove_tree (work);

  return ok;
}
