/* mt-compat.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-compat"

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mt-compat-diff.h"
#include "mt-compat-private.h"
#include "mt-error.h"
#include "mt-fs.h"
#include "mt-vmware.h"

/* Sources are a few hundred KiB. */
#define MAX_SOURCE_FILE (8 * 1024 * 1024)

#define IOCONTROLS_PATH "vmmon-only/include/iocontrols.h"

static const char *const known_modules[] = { "vmmon", "vmnet" };

/* A file of the sources, read once and changed in memory. */
typedef struct
{
  char *content;
  guint mode;
  gboolean changed;
} SourceFile;

/**
 * MtCompatRules:
 *
 * The compatibility rules of `patches/` (see `patches/README.md`), loaded
 * and checked: only files whose SHA-256 the patch manifest lists are read
 * (SECURITY.md rule 14), and a rule with an unknown key, a missing probe,
 * a fixup outside its module or an unsafe diff is an error.  It also
 * caches the probes' results for each kernel it was applied for: in
 * memory, and on disk when given a cache directory (see
 * mt_compat_rules_set_cache_dir()).  The probes are built in a directory
 * made for the purpose inside the cache directory, or else beside the
 * sources, and removed right after: never in a shared temporary directory
 * (SECURITY.md rule 16).
 */
struct _MtCompatRules
{
  GObject parent_instance;

  GPtrArray *rules;   /* (element-type MtCompatRule), sorted by id */
  GHashTable *probes; /* (element-type utf8 MtCompatProbe) */

  GMutex lock;             /* guards what follows */
  char *cache_dir;         /* (nullable) */
  GHashTable *probe_cache; /* (element-type filename GHashTable) */
};

G_DEFINE_FINAL_TYPE (MtCompatRules, mt_compat_rules, G_TYPE_OBJECT)

static void
source_file_free (SourceFile *file)
{
  g_free (file->content);
  g_free (file);
}

static void
mt_compat_rules_finalize (GObject *object)
{
  MtCompatRules *self = (MtCompatRules *) object;

  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->probes, g_hash_table_unref);
  g_clear_pointer (&self->cache_dir, g_free);
  g_clear_pointer (&self->probe_cache, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (mt_compat_rules_parent_class)->finalize (object);
}

static void
mt_compat_rules_class_init (MtCompatRulesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_compat_rules_finalize;
}

static void
mt_compat_rules_init (MtCompatRules *self)
{
  g_mutex_init (&self->lock);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) _mt_compat_rule_free);
  self->probes =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _mt_compat_probe_free);
  self->probe_cache =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
}

static gboolean
is_known_module (const char *module)
{
  return g_strv_contains (known_modules, module);
}

/**
 * mt_compat_rules_load:
 * @patches_dir: Modtune's `patches` directory
 * @error: a location for a #GError
 *
 * Reads `MANIFEST`, then every file of `rules/`, `probes/` and `diffs/`,
 * and accepts them only if each is listed in the manifest with its SHA-256
 * and the manifest lists nothing else.  Then parses the rules strictly:
 * any unknown key or group, missing key, probe or diff that does not
 * exist, fixup outside the rule's modules, module-wide objtool exclusion,
 * or diff that is not a plain unified diff of existing files is an error,
 * as is a probe or diff no rule uses.
 *
 * Returns: (transfer full): the rules, or %NULL with @error set
 */
MtCompatRules *
mt_compat_rules_load (const char *patches_dir, GError **error)
{
  g_autoptr (MtCompatRules) self = NULL;

  g_return_val_if_fail (patches_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_COMPAT_RULES, NULL);
  if (!_mt_compat_load (patches_dir, self->rules, self->probes, error))
    return NULL;

  return g_steal_pointer (&self);
}

guint
mt_compat_rules_get_n_rules (MtCompatRules *self)
{
  g_return_val_if_fail (MT_IS_COMPAT_RULES (self), 0);

  return self->rules->len;
}

/**
 * mt_compat_rules_get_id:
 *
 * Returns: the id of the rule at @index; rules are sorted by id
 */
const char *
mt_compat_rules_get_id (MtCompatRules *self, guint index)
{
  g_return_val_if_fail (MT_IS_COMPAT_RULES (self), NULL);
  g_return_val_if_fail (index < self->rules->len, NULL);

  return ((MtCompatRule *) self->rules->pdata[index])->id;
}

guint
mt_compat_rules_get_n_probes (MtCompatRules *self)
{
  g_return_val_if_fail (MT_IS_COMPAT_RULES (self), 0);

  return g_hash_table_size (self->probes);
}

/**
 * mt_compat_rules_set_cache_dir:
 * @self: the rules
 * @cache_dir: (nullable): a directory only the caller can write, made if
 *   missing, or %NULL
 *
 * Keeps the probes' results in @cache_dir between runs, under a
 * fingerprint of the probes and of the kernel's build tree, and builds
 * the probes there.  Without one, the probes are built beside the sources
 * once per object and kernel.
 */
void
mt_compat_rules_set_cache_dir (MtCompatRules *self, const char *cache_dir)
{
  g_return_if_fail (MT_IS_COMPAT_RULES (self));

  g_mutex_lock (&self->lock);
  g_free (self->cache_dir);
  self->cache_dir = g_strdup (cache_dir);
  g_mutex_unlock (&self->lock);
}

/* --- applying ---------------------------------------------------------- */

/* Reads @rel under @source_dir once, refusing symbolic links on the way. */
static SourceFile *
get_source_file (GHashTable *files, const char *source_dir, const char *rel, GError **error)
{
  SourceFile *file = g_hash_table_lookup (files, rel);
  g_auto (GStrv) parts = NULL;
  g_autofree char *path = g_strdup (source_dir);
  g_autofree char *contents = NULL;
  GStatBuf st = { 0 };
  gsize len;

  if (file != NULL)
    return file;

  parts = g_strsplit (rel, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      gboolean last = parts[i + 1] == NULL;
      char *next = g_build_filename (path, parts[i], NULL);

      g_free (path);
      path = next;
      if (g_lstat (path, &st) != 0 || (last ? !S_ISREG (st.st_mode) : !S_ISDIR (st.st_mode)))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                       _ ("%s is not in the sources, or is not a plain file"), rel);
          return NULL;
        }
    }

  if (st.st_size > MAX_SOURCE_FILE || !g_file_get_contents (path, &contents, &len, NULL) ||
      memchr (contents, '\0', len) != NULL)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("%s cannot be read as a source file"),
                   rel);
      return NULL;
    }

  file = g_new0 (SourceFile, 1);
  file->content = g_steal_pointer (&contents);
  file->mode = st.st_mode & 0777;
  g_hash_table_insert (files, g_strdup (rel), file);

  return file;
}

/* The first line of a pattern, for people: "\nint\ninit_module(void)" -> "int…" */
static char *
describe_pattern (const char *pattern)
{
  g_auto (GStrv) lines = g_strsplit (pattern, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      gboolean more = FALSE;

      if (line[0] == '\0')
        continue;
      for (guint j = i + 1; lines[j] != NULL; j++)
        more |= g_strstrip (lines[j])[0] != '\0';
      if (g_utf8_strlen (line, -1) > 60 || more)
        {
          g_autofree char *cut = g_utf8_substring (line, 0, MIN (g_utf8_strlen (line, -1), 60));

          return g_strdup_printf ("%s…", cut);
        }
      return g_steal_pointer (&line);
    }

  return g_strdup (pattern);
}

static guint
replace_all (char **content, const char *pattern, const char *replacement)
{
  g_autoptr (GString) out = g_string_new (NULL);
  const char *p = *content;
  const char *match;
  guint count = 0;

  while ((match = strstr (p, pattern)) != NULL)
    {
      g_string_append_len (out, p, match - p);
      g_string_append (out, replacement);
      p = match + strlen (pattern);
      count++;
    }

  if (count > 0)
    {
      g_string_append (out, p);
      g_free (*content);
      *content = g_string_free (g_steal_pointer (&out), FALSE);
    }

  return count;
}

/* The state of the files a rule touched, to undo a rule that half failed. */
typedef struct
{
  GHashTable *before; /* (element-type utf8 utf8): path -> content before the rule */
  GHashTable *changed_before;
} Snapshot;

static void
snapshot_take (Snapshot *snap, const char *rel, SourceFile *file)
{
  if (g_hash_table_contains (snap->before, rel))
    return;
  g_hash_table_insert (snap->before, g_strdup (rel), g_strdup (file->content));
  g_hash_table_insert (snap->changed_before, g_strdup (rel), GINT_TO_POINTER (file->changed));
}

static void
snapshot_restore (Snapshot *snap, GHashTable *files)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, snap->before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SourceFile *file = g_hash_table_lookup (files, key);

      g_free (file->content);
      file->content = g_strdup (value);
      file->changed = GPOINTER_TO_INT (g_hash_table_lookup (snap->changed_before, key));
    }
}

/* Applies @rule's fixups for @module; returns the outcome and says what
 * was done in @what (files changed) or why not. */
static MtCompatOutcome
apply_fixups (MtCompatRule *rule,
              const char *module,
              const char *source_dir,
              GHashTable *files,
              GPtrArray *changed,
              GString *what)
{
  Snapshot snap = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
                    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  g_autofree char *prefix = g_strdup_printf ("%s-only/", module);
  g_autoptr (GString) fixed = g_string_new (NULL);
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autoptr (GString) done = g_string_new (NULL);
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  MtCompatOutcome outcome = MT_COMPAT_OUTCOME_NOT_NEEDED;

  for (guint i = 0; i < rule->fixups->len; i++)
    {
      MtCompatFixup *fixup = rule->fixups->pdata[i];
      g_autoptr (GError) local_error = NULL;
      const char *before;
      SourceFile *file;
      guint count;

      if (!g_str_has_prefix (fixup->file, prefix))
        continue;

      file = get_source_file (files, source_dir, fixup->file, &local_error);
      if (file == NULL)
        {
          g_string_append_printf (missing, " %s.", local_error->message);
          continue;
        }
      snapshot_take (&snap, fixup->file, file);
      before = g_hash_table_lookup (snap.before, fixup->file);

      if (fixup->fixed_if != NULL && strstr (before, fixup->fixed_if) != NULL)
        {
          g_autofree char *text = describe_pattern (fixup->fixed_if);

          g_string_append_printf (fixed, _ (" %s already has “%s”."), fixup->file, text);
          continue;
        }

      count = replace_all (&file->content, fixup->pattern, fixup->replacement);
      if (count == 0)
        {
          g_autofree char *text = describe_pattern (fixup->pattern);

          g_string_append_printf (missing, _ (" “%s” is not in %s."), text, fixup->file);
          continue;
        }

      file->changed = TRUE;
      if (!g_ptr_array_find_with_equal_func (changed, fixup->file, g_str_equal, NULL))
        g_ptr_array_add (changed, g_strdup (fixup->file));
      g_hash_table_insert (
        counts, fixup->file,
        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, fixup->file)) + count));
    }

  for (guint i = 0; i < changed->len; i++)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, changed->pdata[i]));

      g_string_append_printf (done,
                              g_dngettext (GETTEXT_PACKAGE, " Changed %s in %u place.",
                                           " Changed %s in %u places.", count),
                              (const char *) changed->pdata[i], count);
    }

  if (missing->len > 0)
    {
      snapshot_restore (&snap, files);
      g_ptr_array_set_size (changed, 0);
      g_string_append (what, missing->str);
      g_string_append (what, _ (" These sources are not ones the rule knows: report it, with "
                                "their Workstation version."));
      outcome = MT_COMPAT_OUTCOME_NOT_MATCHED;
    }
  else if (done->len > 0)
    {
      g_string_append (what, done->str);
      g_string_append (what, fixed->str);
      outcome = MT_COMPAT_OUTCOME_APPLIED;
    }
  else
    {
      g_string_append (what, fixed->str);
    }

  g_hash_table_unref (snap.before);
  g_hash_table_unref (snap.changed_before);

  return outcome;
}

/* Dry run of every file of the diff, then the change in memory. */
static MtCompatOutcome
apply_diff (MtCompatRule *rule,
            const char *source_dir,
            GHashTable *files,
            GPtrArray *changed,
            GString *what)
{
  guint n = mt_compat_diff_get_n_files (rule->diff);
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      const char *rel = mt_compat_diff_get_path (rule->diff, i);
      g_autoptr (GError) local_error = NULL;
      SourceFile *file = get_source_file (files, source_dir, rel, &local_error);
      char *result = NULL;

      if (file != NULL)
        result = mt_compat_diff_apply_file (rule->diff, i, file->content, &local_error);
      if (result == NULL)
        {
          g_string_append_printf (what, " %s. %s", local_error->message,
                                  _ ("These sources are not ones the rule knows: report it, "
                                     "with their Workstation version."));
          return MT_COMPAT_OUTCOME_NOT_MATCHED;
        }
      g_ptr_array_add (results, result);
    }

  for (guint i = 0; i < n; i++)
    {
      const char *rel = mt_compat_diff_get_path (rule->diff, i);
      SourceFile *file = g_hash_table_lookup (files, rel);

      g_free (file->content);
      file->content = g_steal_pointer (&results->pdata[i]);
      file->changed = TRUE;
      g_ptr_array_add (changed, g_strdup (rel));
      g_string_append_printf (what, _ (" Changed %s."), rel);
    }

  return MT_COMPAT_OUTCOME_APPLIED;
}

static gboolean
rule_has_interface (MtCompatRule *rule, int interface_version)
{
  for (guint i = 0; i < rule->interfaces->len; i++)
    if (g_array_index (rule->interfaces, int, i) == interface_version)
      return TRUE;

  return FALSE;
}

static char *
join_interfaces (MtCompatRule *rule)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < rule->interfaces->len; i++)
    g_string_append_printf (text, "%s%d", i > 0 ? ", " : "",
                            g_array_index (rule->interfaces, int, i));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static MtCompatProbeResult *
lookup_probe (GHashTable *probes, const char *id)
{
  static MtCompatProbeResult missing = { FALSE, NULL };
  MtCompatProbeResult *result = g_hash_table_lookup (probes, id);

  return result != NULL ? result : &missing;
}

/* "Probe “x” does not build against 7.3 (x.c:8: error: …)." */
static char *
describe_failed_probe (const char *id, MtCompatProbeResult *result, const char *release)
{
  return g_strdup_printf (_ ("Probe “%s” does not build against %s (%s)."), id, release,
                          result->detail != NULL ? result->detail : _ ("no detail"));
}

/* First pass: is @rule needed at all?  Returns %TRUE if it is; otherwise
 * fills in @result. */
static gboolean
rule_is_needed (MtCompatRules *self,
                MtCompatRule *rule,
                const char *module,
                int interface_version,
                const char *release,
                GHashTable *probes,
                MtCompatResult *result)
{
  MtCompatProbeResult *probe = lookup_probe (probes, rule->probe);

  if (!g_strv_contains ((const char *const *) rule->modules, module))
    {
      g_autofree char *modules = g_strjoinv (", ", rule->modules);

      result->outcome = MT_COMPAT_OUTCOME_NOT_NEEDED;
      result->reason = g_strdup_printf (_ ("The rule is for %s only."), modules);
      return FALSE;
    }

  if (rule->kind == MT_COMPAT_KIND_DIFF && !rule_has_interface (rule, interface_version))
    {
      g_autofree char *interfaces = join_interfaces (rule);

      result->outcome = MT_COMPAT_OUTCOME_NOT_NEEDED;
      result->reason =
        interface_version > 0
          ? g_strdup_printf (_ ("The rule is for vmmon interface %s; these sources are "
                                "interface %d."),
                             interfaces, interface_version)
          : g_strdup_printf (_ ("The rule is for vmmon interface %s; the interface of these "
                                "sources cannot be read from " IOCONTROLS_PATH "."),
                             interfaces);
      return FALSE;
    }

  if (probe->passed)
    {
      MtCompatProbe *source = g_hash_table_lookup (self->probes, rule->probe);

      result->outcome = MT_COMPAT_OUTCOME_NOT_NEEDED;
      result->reason = g_strdup_printf (_ ("Probe “%s” builds against %s: “%s”"), rule->probe,
                                        release, source->description);
      return FALSE;
    }

  for (guint i = 0; rule->requires[i] != NULL; i++)
    {
      MtCompatProbeResult *required = lookup_probe (probes, rule->requires[i]);

      if (!required->passed)
        {
          g_autofree char *first = describe_failed_probe (rule->probe, probe, release);
          g_autofree char *second = describe_failed_probe (rule->requires[i], required, release);

          result->outcome = MT_COMPAT_OUTCOME_UNSUPPORTED;
          result->reason =
            g_strdup_printf (_ ("%s %s The kernel has neither what the sources use nor what "
                                "the rule would replace it with."),
                             first, second);
          return FALSE;
        }
    }

  return TRUE;
}

static char *
make_header (GPtrArray *compat_rules, const char *module, const char *release)
{
  g_autoptr (GString) header = g_string_new (NULL);

  g_string_append_printf (header,
                          "/* " MT_COMPAT_HEADER_NAME ": generated by Modtune for %s %s.\n"
                          " * Force-included into every file; do not edit. */\n"
                          "#ifndef MODTUNE_COMPAT_H\n"
                          "#define MODTUNE_COMPAT_H\n",
                          module, release);
  for (guint i = 0; i < compat_rules->len; i++)
    {
      MtCompatRule *rule = compat_rules->pdata[i];

      g_string_append_printf (header, "\n/* %s (Linux %s): %s */\n%s\n", rule->id, rule->since,
                              rule->kernel_change, rule->compat);
    }
  g_string_append (header, "\n#endif\n");

  return g_string_free (g_steal_pointer (&header), FALSE);
}

/* The header's path goes into a make variable and a compiler argument:
 * nothing there may be read as a separator or an expansion. */
static gboolean
is_plain_path (const char *path)
{
  for (const char *p = path; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/._+-", *p) == NULL)
      return FALSE;

  return TRUE;
}

static gboolean
write_sources (GHashTable *files, const char *source_dir, GError **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SourceFile *file = value;
      g_autofree char *path = NULL;

      if (!file->changed)
        continue;

      /* written to a new file and renamed over the old one, which replaces
       * the entry and never writes through a link */
      path = g_build_filename (source_dir, key, NULL);
      if (!g_file_set_contents_full (path, file->content, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                     (int) file->mode, error))
        return FALSE;
    }

  return TRUE;
}

static int
read_interface_version (GHashTable *files, const char *source_dir)
{
  g_autoptr (GError) local_error = NULL;
  SourceFile *file = get_source_file (files, source_dir, IOCONTROLS_PATH, &local_error);
  int major = -1;
  int minor = 0;

  if (file == NULL ||
      !mt_vmware_parse_vmmon_version (file->content, strlen (file->content), &major, &minor))
    return -1;

  return major;
}

static gboolean
check_module_dir (const char *source_dir, const char *module, GError **error)
{
  g_autofree char *dir_name = g_strdup_printf ("%s-only", module);
  g_autofree char *path = g_build_filename (source_dir, dir_name, NULL);
  GStatBuf st;

  if (g_lstat (path, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("%s has no %s directory: extract %s.tar there first"), source_dir, dir_name,
                   module);
      return FALSE;
    }

  return TRUE;
}

/**
 * _mt_compat_apply_with_probes:
 * @probes: (element-type utf8 MtCompatProbeResult): every probe's result
 *   for the target kernel
 *
 * mt_compat_apply() once the probes are known.
 */
MtCompatReport *
_mt_compat_apply_with_probes (MtCompatRules *self,
                              const char *module,
                              const char *source_dir,
                              const char *kernel_release,
                              const char *kernel_build_dir,
                              GHashTable *probes,
                              GError **error)
{
  g_autoptr (MtCompatReport) report = NULL;
  g_autoptr (GHashTable) files =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) source_file_free);
  g_autoptr (GPtrArray) results = g_ptr_array_new ();
  g_autoptr (GPtrArray) compat_rules = g_ptr_array_new ();
  g_autofree char *top = NULL;
  g_autofree char *header_rel = NULL;
  g_autofree char *header_path = NULL;
  g_autofree char *header = NULL;
  const char *ccflags[3] = { "-include", NULL, NULL };
  int interface_version = -1;
  GStatBuf st;

  if (!is_known_module (module))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a module Modtune builds: vmmon or vmnet"), module);
      return NULL;
    }
  if (!check_module_dir (source_dir, module, error))
    return NULL;

  top = g_canonicalize_filename (source_dir, NULL);
  header_rel = g_strdup_printf ("%s-only/" MT_COMPAT_HEADER_NAME, module);
  header_path = g_build_filename (top, header_rel, NULL);
  if (!is_plain_path (header_path))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("The sources’ path %s has characters make would misread; extract them "
                      "under a plain path, such as /var/tmp/modtune-build"),
                   top);
      return NULL;
    }
  if (g_lstat (header_path, &st) == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("%s already exists: the rules are applied once, to a fresh copy of "
                      "the sources"),
                   header_path);
      return NULL;
    }

  if (g_str_equal (module, "vmmon"))
    interface_version = read_interface_version (files, top);

  report = _mt_compat_report_new (module, kernel_release, kernel_build_dir, interface_version);
  _mt_compat_report_set_probes (report, probes);

  /* which rules are needed, in the order of their ids */
  for (guint i = 0; i < self->rules->len; i++)
    {
      MtCompatRule *rule = self->rules->pdata[i];
      MtCompatResult *result = g_new0 (MtCompatResult, 1);

      result->rule_id = g_strdup (rule->id);
      result->kind = rule->kind;
      result->kernel_change = g_strdup (rule->kernel_change);
      result->since = g_strdup (rule->since);
      result->probe = g_strdup (rule->probe);
      result->outcome = MT_COMPAT_OUTCOME_APPLIED; /* until said otherwise */
      if (!rule_is_needed (self, rule, module, interface_version, kernel_release, probes, result))
        result->files = g_new0 (char *, 1);
      g_ptr_array_add (results, result);
    }

  /* diffs first, as they were written against the pristine sources, then
   * fixups, then the header */
  for (int kind = MT_COMPAT_KIND_DIFF; kind >= MT_COMPAT_KIND_COMPAT; kind--)
    for (guint i = 0; i < self->rules->len; i++)
      {
        MtCompatRule *rule = self->rules->pdata[i];
        MtCompatResult *result = results->pdata[i];
        g_autoptr (GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
        g_autoptr (GString) what = NULL;
        g_autofree char *evidence = NULL;

        /* the rules found not needed above already have their files */
        if ((int) rule->kind != kind || result->files != NULL)
          continue;

        evidence =
          describe_failed_probe (rule->probe, lookup_probe (probes, rule->probe), kernel_release);
        what = g_string_new (evidence);
        if (rule->kind == MT_COMPAT_KIND_DIFF)
          result->outcome = apply_diff (rule, top, files, changed, what);
        else if (rule->kind == MT_COMPAT_KIND_FIXUP)
          result->outcome = apply_fixups (rule, module, top, files, changed, what);
        else
          {
            g_ptr_array_add (compat_rules, rule);
            g_string_append_printf (what, _ (" Added to %s."), header_rel);
          }

        result->reason = g_strdup (what->str);
        g_ptr_array_add (changed, NULL);
        result->files = (GStrv) g_ptr_array_steal (changed, NULL);
      }

  for (guint i = 0; i < results->len; i++)
    _mt_compat_report_add_result (report, results->pdata[i]);

  if (!write_sources (files, top, error))
    return NULL;

  header = make_header (compat_rules, module, kernel_release);
  if (!g_file_set_contents_full (header_path, header, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 error))
    return NULL;

  ccflags[1] = header_path;
  _mt_compat_report_set_header (report, header_rel, ccflags);

  return g_steal_pointer (&report);
}

/* A fresh directory for building the probes in: inside the cache
 * directory if there is one that make can use, else beside the sources. */
static char *
make_probe_dir (MtCompatRules *self, const char *source_dir, GError **error)
{
  g_autofree char *template = NULL;
  char *dir;

  if (self->cache_dir != NULL && is_plain_path (self->cache_dir) &&
      g_mkdir_with_parents (self->cache_dir, 0700) == 0)
    {
      template = g_build_filename (self->cache_dir, "build-XXXXXX", NULL);
      dir = g_mkdtemp_full (template, 0700);
      if (dir != NULL)
        return g_steal_pointer (&template);
      g_debug ("Cannot use %s for the probes: %s", self->cache_dir, g_strerror (errno));
      g_clear_pointer (&template, g_free);
    }

  template = g_build_filename (source_dir, ".probes-XXXXXX", NULL);
  dir = g_mkdtemp_full (template, 0700);
  if (dir == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Could not make a directory for the compatibility probes in %s: %s"),
                   source_dir, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&template);
}

/* The probes' results for one kernel: from memory, from the cache
 * directory when its stored results match the fingerprint of the probes
 * and the kernel's build tree, or else built now (and stored). */
static GHashTable *
get_probe_results (MtCompatRules *self,
                   const char *kernel_build_dir,
                   const char *release,
                   const char *source_dir,
                   GCancellable *cancellable,
                   GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr (GHashTable) sources = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) results = NULL;
  g_autofree char *work = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *stored = NULL;
  GHashTableIter iter;
  gpointer key, value;

  results = g_hash_table_lookup (self->probe_cache, kernel_build_dir);
  if (results != NULL)
    return g_hash_table_ref (g_steal_pointer (&results));

  if (self->cache_dir != NULL)
    {
      g_autofree char *name = NULL;

      fingerprint = _mt_compat_probes_fingerprint (self->probes, kernel_build_dir, release);
      name = g_strdup_printf ("%s.json", fingerprint);
      stored = g_build_filename (self->cache_dir, name, NULL);
      results = _mt_compat_probes_cache_load (stored, self->probes, fingerprint);
    }

  if (results == NULL)
    {
      work = make_probe_dir (self, source_dir, error);
      if (work == NULL)
        return NULL;

      g_hash_table_iter_init (&iter, self->probes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (sources, key, ((MtCompatProbe *) value)->source);

      results = _mt_compat_probes_build (kernel_build_dir, work, work, sources, cancellable, error);
      mt_remove_tree (work);
      if (results == NULL)
        return NULL;

      if (stored != NULL)
        {
          g_autoptr (GError) local_error = NULL;

          if (!_mt_compat_probes_cache_save (stored, fingerprint, release, results, &local_error))
            g_debug ("Could not keep the probes' results: %s", local_error->message);
        }
    }

  g_hash_table_insert (self->probe_cache, g_strdup (kernel_build_dir), g_hash_table_ref (results));
  return g_steal_pointer (&results);
}

/**
 * mt_compat_apply:
 * @rules: the rules
 * @module: `vmmon` or `vmnet`
 * @source_dir: a writable copy of the extracted sources: the directory
 *   that holds `<module>-only/`
 * @kernel_build_dir: the target kernel's build directory, such as
 *   `/lib/modules/<release>/build`
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Builds every probe against @kernel_build_dir (once per kernel: the
 * results are kept in @rules), then decides each rule: not needed (for the
 * other module or another interface, its probe builds, or the sources
 * already carry the change), or needed, and then applied or failed.  Diffs
 * are applied first (after a dry run of all their hunks), then fixups;
 * the compat lines go into `<module>-only/modtune-compat.h`, which the
 * report's ccflags force-include.
 *
 * A rule that is needed but does not match the sources, or that the kernel
 * cannot support, is reported, not skipped: check the report with
 * mt_compat_report_check() before building.
 *
 * Returns: (transfer full): the report of every rule, or %NULL with @error
 *   set if the probes could not be built, the sources or the header could
 *   not be read or written, or the operation was cancelled
 */
MtCompatReport *
mt_compat_apply (MtCompatRules *rules,
                 const char *module,
                 const char *source_dir,
                 const char *kernel_build_dir,
                 GCancellable *cancellable,
                 GError **error)
{
  g_autoptr (GHashTable) probes = NULL;
  g_autofree char *release = NULL;
  g_autofree char *makefile = NULL;
  char resolved[PATH_MAX];

  g_return_val_if_fail (MT_IS_COMPAT_RULES (rules), NULL);
  g_return_val_if_fail (module != NULL, NULL);
  g_return_val_if_fail (source_dir != NULL, NULL);
  g_return_val_if_fail (kernel_build_dir != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_known_module (module))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a module Modtune builds: vmmon or vmnet"), module);
      return NULL;
    }
  if (!check_module_dir (source_dir, module, error))
    return NULL;

  makefile = g_build_filename (kernel_build_dir, "Makefile", NULL);
  if (realpath (kernel_build_dir, resolved) == NULL ||
      !g_file_test (makefile, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("%s is not a kernel build directory: install the headers of the kernel "
                      "to build for"),
                   kernel_build_dir);
      return NULL;
    }
  if (!is_plain_path (resolved))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("The kernel build directory %s has characters make would misread"), resolved);
      return NULL;
    }

  release = _mt_compat_read_kernel_release (resolved, error);
  if (release == NULL)
    return NULL;

  probes = get_probe_results (rules, resolved, release, source_dir, cancellable, error);
  if (probes == NULL)
    return NULL;

  return _mt_compat_apply_with_probes (rules, module, source_dir, release, resolved, probes, error);
}
