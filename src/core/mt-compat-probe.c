/* mt-compat-probe.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-compat-probe"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mt-compat-private.h"
#include "mt-error.h"
#include "mt-subprocess.h"

/**
 * SECTION:mt-compat-probe
 *
 * Builds the probes of the compatibility rules against a kernel's headers,
 * like a configure step: every probe is its own one-file module in one
 * kbuild directory, and one `make -k` compiles them all (objects only, no
 * modpost).  A probe passes if its object was built and objtool said
 * nothing about it; objtool's warnings are how some kernel changes show.
 */

/* A probe run prints a few KiB; more is kept but not searched. */
#define MAX_LOG_SIZE (4 * 1024 * 1024)

/* Lines of make's output quoted when no probe builds at all. */
#define TAIL_LINES 8

#define MAX_RELEASE_FILE 4096

/* The probes build in a few seconds; a make that runs for minutes is stuck. */
#define PROBE_TIMEOUT_SECONDS 600

/* How far an error in a header may follow the probe's "In file included
 * from" line. */
#define MAX_INCLUDE_DEPTH 12

/* qsort() over an array of strings */
static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
_mt_compat_probe_result_free (MtCompatProbeResult *result)
{
  if (result == NULL)
    return;

  g_free (result->detail);
  g_free (result);
}

MtCompatProbeResult *
_mt_compat_probe_result_new (gboolean passed, const char *detail)
{
  MtCompatProbeResult *result = g_new0 (MtCompatProbeResult, 1);

  result->passed = passed;
  result->detail = g_strdup (detail);

  return result;
}

/* SECURITY.md rule 8's form of a release, without the directory checks. */
static gboolean
is_release (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > 64 || !g_ascii_isalnum (text[0]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("._+-", text[i]) == NULL)
      return FALSE;

  return TRUE;
}

/* `#define UTS_RELEASE "6.12.118+deb13-amd64"` */
static char *
parse_utsrelease (const char *text)
{
  const char *p = strstr (text, "#define UTS_RELEASE \"");
  const char *end;

  if (p == NULL)
    return NULL;
  p += strlen ("#define UTS_RELEASE \"");
  end = strchr (p, '"');

  return end != NULL ? g_strndup (p, end - p) : NULL;
}

/**
 * _mt_compat_read_kernel_release:
 * @kernel_build_dir: a kernel's build directory (`/lib/modules/<release>/build`)
 *
 * Returns: (transfer full): the release the headers were made for, from
 *   `include/config/kernel.release` or `include/generated/utsrelease.h`
 */
char *
_mt_compat_read_kernel_release (const char *kernel_build_dir, GError **error)
{
  const char *const files[] = { "include/config/kernel.release", "include/generated/utsrelease.h" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (kernel_build_dir, files[i], NULL);
      g_autofree char *text = NULL;
      g_autofree char *release = NULL;
      gsize len;

      if (!g_file_get_contents (path, &text, &len, NULL) || len > MAX_RELEASE_FILE)
        continue;

      release = i == 0 ? g_strdup (g_strstrip (text)) : parse_utsrelease (text);
      if (release != NULL && is_release (release))
        return g_steal_pointer (&release);
    }

  g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
               _ ("%s is not a prepared kernel build directory (it has no readable "
                  "include/generated/utsrelease.h); install the kernel's headers package"),
               kernel_build_dir);
  return NULL;
}

/* Whether @line names @file ("probe.c:", "probe.o:") as a whole file name:
 * at the start of the line or after a slash.  Returns where, or NULL. */
static const char *
find_file_name (const char *line, const char *file)
{
  const char *p = line;

  while ((p = strstr (p, file)) != NULL)
    {
      if (p == line || p[-1] == '/')
        return p;
      p++;
    }

  return NULL;
}

/* One line for a report: no control characters, a bounded length. */
static char *
clean_detail (const char *text)
{
  g_autofree char *copy = g_utf8_make_valid (text, MIN (strlen (text), 300));

  for (char *p = copy; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';

  return g_strdup (g_strstrip (copy));
}

/* "/usr/src/linux-headers-6.12/arch/x86/include/asm/timex.h:12:24: error: …"
 * -> "asm/timex.h:12:24: error: …" */
static const char *
shorten_header_path (const char *line)
{
  const char *colon = strchr (line, ':');
  const char *include = strstr (line, "/include/");

  if (include != NULL && colon != NULL && include < colon)
    return include + strlen ("/include/");

  return line;
}

/* The first line of @lines that shows @id failed: an objtool complaint about
 * its object, or a compiler error in its source. */
static char *
find_failure (char **lines, const char *id, gboolean objtool_only)
{
  g_autofree char *object = g_strdup_printf ("%s.o: ", id);
  g_autofree char *source = g_strdup_printf ("%s.c:", id);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *at = find_file_name (lines[i], object);

      if (at != NULL && strstr (at, "objtool") != NULL)
        return clean_detail (at);
    }

  if (objtool_only)
    return NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *at = find_file_name (lines[i], source);

      if (at == NULL)
        continue;
      if (strstr (at, "error") != NULL)
        return clean_detail (at);

      /* "In file included from …/probe.c:2:", then the error in a header */
      for (guint j = i + 1; lines[j] != NULL && j <= i + MAX_INCLUDE_DEPTH; j++)
        if (strstr (lines[j], "error:") != NULL)
          return clean_detail (shorten_header_path (lines[j]));
    }

  return g_strdup (_ ("it does not compile"));
}

/**
 * _mt_compat_probes_read_results:
 * @work_dir: where the probes were built
 * @ids: the probes' ids
 * @log: what make printed
 *
 * Returns: (transfer full) (element-type utf8 MtCompatProbeResult): for
 *   each id, whether `<id>.o` exists without an objtool warning or error
 */
GHashTable *
_mt_compat_probes_read_results (const char *work_dir, const char *const *ids, const char *log)
{
  g_autoptr (GHashTable) results = g_hash_table_new_full (
    g_str_hash, g_str_equal, g_free, (GDestroyNotify) _mt_compat_probe_result_free);
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *object_name = g_strdup_printf ("%s.o", ids[i]);
      g_autofree char *object = g_build_filename (work_dir, object_name, NULL);
      gboolean built = g_file_test (object, G_FILE_TEST_IS_REGULAR);
      g_autofree char *failure = find_failure (lines, ids[i], built);

      g_hash_table_insert (results, g_strdup (ids[i]),
                           _mt_compat_probe_result_new (built && failure == NULL, failure));
    }

  return g_steal_pointer (&results);
}

static char *
log_tail (const char *log)
{
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);
  g_autoptr (GString) tail = g_string_new (NULL);
  guint n = g_strv_length (lines);
  guint first = n > TAIL_LINES ? n - TAIL_LINES : 0;

  for (guint i = first; i < n; i++)
    {
      g_autofree char *line = clean_detail (lines[i]);

      if (line[0] == '\0')
        continue;
      if (tail->len > 0)
        g_string_append (tail, " | ");
      g_string_append (tail, line);
    }

  return g_string_free (g_steal_pointer (&tail), FALSE);
}

static gboolean
write_sources (const char *work_dir,
               GHashTable *sources,
               const char *const *ids,
               GString *kbuild,
               GError **error)
{
  for (guint i = 0; ids[i] != NULL; i++)
    {
      GBytes *source = g_hash_table_lookup (sources, ids[i]);
      g_autofree char *name = g_strdup_printf ("%s.c", ids[i]);
      g_autofree char *path = g_build_filename (work_dir, name, NULL);
      gsize len;
      const char *data = g_bytes_get_data (source, &len);

      if (!g_file_set_contents (path, data != NULL ? data : "", len, error))
        return FALSE;
      g_string_append_printf (kbuild, " %s.o", ids[i]);
    }

  return TRUE;
}

/* CONFIG_CC_IS_CLANG=y in the kernel's configuration */
static gboolean
kernel_uses_clang (const char *kernel_build_dir)
{
  g_autofree char *path = g_build_filename (kernel_build_dir, ".config", NULL);
  g_autofree char *config = NULL;

  if (!g_file_get_contents (path, &config, NULL, NULL))
    return FALSE;

  return g_str_has_prefix (config, "CONFIG_CC_IS_CLANG=y\n") ||
         strstr (config, "\nCONFIG_CC_IS_CLANG=y\n") != NULL;
}

/**
 * _mt_compat_probes_build:
 * @kernel_build_dir: the target kernel's build directory
 * @work_dir: an empty directory for this kernel's probes
 * @home_dir: the value of HOME for make
 * @sources: (element-type utf8 GBytes): each probe's C source, by id
 *
 * Builds every probe in @sources against @kernel_build_dir with one `make
 * -k` (stopped after PROBE_TIMEOUT_SECONDS), started from an argv (never a shell) with only PATH,
 * LC_ALL and HOME in its environment, and `LLVM=1` if the kernel was built with clang.  The probe
 * Kbuild sets `EXTRA_CFLAGS` and `ccflags-y` so that two probes can tell whether kbuild still reads
 * them.
 *
 * Returns: (transfer full) (element-type utf8 MtCompatProbeResult): the
 *   results; %NULL with @error set if make could not run, was cancelled,
 *   or no probe built at all (the headers are broken or incomplete)
 */
GHashTable *
_mt_compat_probes_build (const char *kernel_build_dir,
                         const char *work_dir,
                         const char *home_dir,
                         GHashTable *sources,
                         GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GBytes) output = NULL;
  g_autoptr (GHashTable) results = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) kbuild = g_string_new (NULL);
  g_autofree char *kbuild_path = g_build_filename (work_dir, "Kbuild", NULL);
  g_autofree char *home = g_strdup_printf ("HOME=%s", home_dir);
  g_autofree char *tmpdir = g_strdup_printf ("TMPDIR=%s", work_dir);
  g_autofree const char **ids = NULL;
  g_autofree char *log = NULL;
  /* temporary files in the probes' directory, not /tmp (rule 16) */
  const char *env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", home, tmpdir, NULL };
  GHashTableIter iter;
  gpointer passed;
  gboolean any_passed = FALSE;
  gsize len;

  ids = (const char **) g_hash_table_get_keys_as_array (sources, NULL);
  qsort (ids, g_strv_length ((char **) ids), sizeof (char *), compare_names);

  g_string_append (kbuild, "# Generated by Modtune: every probe is a module of its own.\n"
                           "EXTRA_CFLAGS := -DMODTUNE_PROBE_EXTRA_CFLAGS\n"
                           "ccflags-y := -DMODTUNE_PROBE_CCFLAGS_Y\n"
                           "obj-m :=");
  if (!write_sources (work_dir, sources, ids, kbuild, error))
    return NULL;
  g_string_append_c (kbuild, '\n');
  if (!g_file_set_contents (kbuild_path, kbuild->str, kbuild->len, error))
    return NULL;

  g_ptr_array_add (argv, g_strdup ("make"));
  g_ptr_array_add (argv, g_strdup ("-C"));
  g_ptr_array_add (argv, g_strdup (kernel_build_dir));
  g_ptr_array_add (argv, g_strdup_printf ("M=%s", work_dir));
  /* the compiler the kernel was built with: clang's kernels need LLVM=1 */
  if (kernel_uses_clang (kernel_build_dir))
    g_ptr_array_add (argv, g_strdup ("LLVM=1"));
  g_ptr_array_add (argv, g_strdup ("-k"));
  g_ptr_array_add (argv, g_strdup_printf ("-j%u", MAX (g_get_num_processors (), 1)));
  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup_printf ("%s.o", ids[i]));
  g_ptr_array_add (argv, NULL);

  /* stdin is /dev/null; no other descriptor is inherited */
  launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE |
                               G_SUBPROCESS_FLAGS_SEARCH_PATH_FROM_ENVP);
  g_subprocess_launcher_set_environ (launcher, (char **) env);
  g_subprocess_launcher_set_cwd (launcher, work_dir);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  if (process == NULL)
    {
      g_prefix_error (error, _ ("Could not run make to build the compatibility probes: "));
      return NULL;
    }

  if (!mt_subprocess_communicate (process, PROBE_TIMEOUT_SECONDS, cancellable, &output, error))
    {
      g_prefix_error (error, _ ("Building the compatibility probes against %s failed: "),
                      kernel_build_dir);
      return NULL;
    }

  len = MIN (g_bytes_get_size (output), MAX_LOG_SIZE);
  log = g_strndup (g_bytes_get_data (output, NULL), len);
  results = _mt_compat_probes_read_results (work_dir, ids, log);

  g_hash_table_iter_init (&iter, results);
  while (g_hash_table_iter_next (&iter, NULL, &passed))
    any_passed |= ((MtCompatProbeResult *) passed)->passed;

  if (!any_passed && ids[0] != NULL)
    {
      g_autofree char *tail = log_tail (log);

      g_set_error (error, MT_ERROR, MT_ERROR_FAILED,
                   _ ("No compatibility probe could be built against %s: are the kernel's "
                      "headers complete, and its compiler installed? make said: %s"),
                   kernel_build_dir, tail);
      return NULL;
    }

  return g_steal_pointer (&results);
}
