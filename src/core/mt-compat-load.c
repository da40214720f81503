/* mt-compat-load.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-compat-load"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mt-compat-diff.h"
#include "mt-compat-private.h"
#include "mt-error.h"

/**
 * SECTION:mt-compat-load
 *
 * Reads `patches/` for #MtCompatRules: the manifest, then every rule,
 * probe and diff, each checked against the manifest, then parsed strictly.
 */

/* Rule files, probes and diffs are a few KiB. */
#define MAX_PATCH_FILE (1024 * 1024)

#define MANIFEST_NAME "MANIFEST"

/* What is being loaded. */
typedef struct
{
  const char *patches_dir;
  GPtrArray *rules;   /* (element-type MtCompatRule) */
  GHashTable *probes; /* (element-type utf8 MtCompatProbe) */
} Loader;

static void
fixup_free (MtCompatFixup *fixup)
{
  g_free (fixup->file);
  g_free (fixup->pattern);
  g_free (fixup->replacement);
  g_free (fixup->fixed_if);
  g_free (fixup);
}

void
_mt_compat_rule_free (MtCompatRule *rule)
{
  g_free (rule->id);
  g_strfreev (rule->modules);
  g_free (rule->kernel_change);
  g_free (rule->since);
  g_free (rule->probe);
  g_strfreev (rule->requires);
  g_free (rule->compat);
  g_clear_pointer (&rule->fixups, g_ptr_array_unref);
  g_free (rule->diff_name);
  g_clear_pointer (&rule->diff, mt_compat_diff_free);
  g_clear_pointer (&rule->interfaces, g_array_unref);
  g_free (rule);
}

void
_mt_compat_probe_free (MtCompatProbe *probe)
{
  g_free (probe->id);
  g_free (probe->description);
  g_bytes_unref (probe->source);
  g_free (probe);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtCompatRule, _mt_compat_rule_free)

static const char *const known_modules[] = { "vmmon", "vmnet" };

static gboolean
is_known_module (const char *module)
{
  return g_strv_contains (known_modules, module);
}

/* Rule and probe ids: lower-case letters, digits and dashes. */
static gboolean
is_id (const char *text)
{
  if (text[0] == '\0' || !g_ascii_isalnum (text[0]) || strlen (text) > 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return FALSE;

  return TRUE;
}

static gboolean
set_bad_file (GError **error, const char *file, const char *what)
{
  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
               _ ("%s: %s; the format of the rules is in patches/README.md"), file, what);
  return FALSE;
}

/* qsort() over an array of strings */
static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* --- the manifest ------------------------------------------------------ */

static gboolean
is_sha256 (const char *text)
{
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      return FALSE;

  return TRUE;
}

/* "rules/x.rule", "probes/y.c", "diffs/z.diff" */
static gboolean
is_patch_path (const char *path)
{
  const char *slash = strchr (path, '/');

  if (slash == NULL || strchr (slash + 1, '/') != NULL || !mt_compat_path_is_safe (path))
    return FALSE;

  return g_str_has_prefix (path, "rules/") || g_str_has_prefix (path, "probes/") ||
         g_str_has_prefix (path, "diffs/");
}

/**
 * _mt_compat_parse_manifest:
 * @path: where @text came from, for messages
 * @text: the manifest (need not end in a NUL byte)
 * @length: its length
 *
 * Reads the lines "<SHA-256>  <rules|probes|diffs>/<file>" of a manifest.
 *
 * Returns: (transfer full) (element-type utf8 utf8): relative path -> SHA-256,
 *   or %NULL with @error set (%MT_ERROR_INVALID_DATA)
 */
GHashTable *
_mt_compat_parse_manifest (const char *path, const char *text, gsize length, GError **error)
{
  g_autoptr (GHashTable) manifest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *copy = NULL;
  g_auto (GStrv) lines = NULL;

  if (length > MAX_PATCH_FILE || (length > 0 && memchr (text, '\0', length) != NULL))
    {
      set_bad_file (error, path, _ ("not a text file of a sensible size"));
      return NULL;
    }

  copy = g_strndup (text, length);
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *file;

      if (line[0] == '\0' || line[0] == '#')
        continue;

      if (strlen (line) < 67 || !is_sha256 (line) || line[64] != ' ' || line[65] != ' ' ||
          !is_patch_path (line + 66))
        {
          g_autofree char *what =
            g_strdup_printf (_ ("line %u is not “<SHA-256>  <rules|probes|diffs>/<file>”"), i + 1);

          set_bad_file (error, path, what);
          return NULL;
        }
      file = line + 66;
      if (g_hash_table_contains (manifest, file))
        {
          g_autofree char *what = g_strdup_printf (_ ("line %u lists %s again"), i + 1, file);

          set_bad_file (error, path, what);
          return NULL;
        }

      g_hash_table_insert (manifest, g_strdup (file), g_strndup (line, 64));
    }

  return g_steal_pointer (&manifest);
}

static GHashTable *
read_manifest (const char *patches_dir, GError **error)
{
  g_autofree char *path = g_build_filename (patches_dir, MANIFEST_NAME, NULL);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize len;

  if (!g_file_get_contents (path, &text, &len, &local_error))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("The patch manifest cannot be read, so no rule is trusted: %s"),
                   local_error->message);
      return NULL;
    }

  return _mt_compat_parse_manifest (path, text, len, error);
}

/* Reads every file of patches/@subdir into @files (relative path -> bytes),
 * checking each against the manifest. */
static gboolean
read_patch_dir (const char *patches_dir,
                const char *subdir,
                const char *suffix,
                gboolean required,
                GHashTable *manifest,
                GHashTable *files,
                GError **error)
{
  g_autofree char *dir_path = g_build_filename (patches_dir, subdir, NULL);
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GStatBuf st;
  const char *name;

  if (g_lstat (dir_path, &st) != 0 && errno == ENOENT && !required)
    return TRUE;
  if (g_lstat (dir_path, &st) != 0 || !S_ISDIR (st.st_mode))
    return set_bad_file (error, dir_path, _ ("not a directory"));

  dir = g_dir_open (dir_path, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort_values (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file_name = names->pdata[i];
      g_autofree char *rel = g_build_filename (subdir, file_name, NULL);
      g_autofree char *path = g_build_filename (dir_path, file_name, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *sha = NULL;
      const char *listed;
      gsize len;

      if (!g_str_has_suffix (file_name, suffix) || !is_patch_path (rel))
        {
          g_autofree char *what =
            g_strdup_printf (_ ("an unexpected file; only *%s files belong there"), suffix);

          return set_bad_file (error, path, what);
        }
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_PATCH_FILE)
        return set_bad_file (error, path, _ ("not a regular file of a sensible size"));
      if (!g_file_get_contents (path, &contents, &len, error))
        return FALSE;

      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
      listed = g_hash_table_lookup (manifest, rel);
      if (listed == NULL)
        return set_bad_file (error, path,
                             _ ("not listed in patches/MANIFEST, so it is not trusted; list its "
                                "SHA-256 there if it belongs to Modtune"));
      if (!g_str_equal (listed, sha))
        return set_bad_file (error, path,
                             _ ("its SHA-256 differs from the one in patches/MANIFEST: the file "
                                "was changed after the manifest was written"));

      g_hash_table_insert (files, g_steal_pointer (&rel),
                           g_bytes_new_take (g_steal_pointer (&contents), len));
    }

  return TRUE;
}

/* --- probes ------------------------------------------------------------ */

static MtCompatProbe *
parse_probe (const char *path, const char *id, GBytes *bytes, GError **error)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  const char *end_of_line = strchr (text, '\n');
  const char *comment_end;
  MtCompatProbe *probe;

  if (!is_id (id))
    {
      set_bad_file (error, path, _ ("a probe id has only lower-case letters, digits and dashes"));
      return NULL;
    }

  comment_end = strstr (text, " */");
  if (!g_str_has_prefix (text, "/* ") || comment_end == NULL ||
      (end_of_line != NULL && comment_end > end_of_line))
    {
      set_bad_file (error, path, _ ("a probe starts with a one-line comment saying what it shows"));
      return NULL;
    }

  probe = g_new0 (MtCompatProbe, 1);
  probe->id = g_strdup (id);
  probe->description = g_strndup (text + 3, comment_end - (text + 3));
  probe->source = g_bytes_ref (bytes);

  return probe;
}

/* --- rules ------------------------------------------------------------- */

static const char *const rule_keys[] = {
  "Id",    "Modules",  "KernelChange", "Since", "Kind",
  "Probe", "Requires", "Compat",       "Diff",  "Interfaces",
};

static const char *const fixup_keys[] = { "File", "Pattern", "Replacement", "FixedIf" };

static gboolean
check_keys (GKeyFile *key_file,
            const char *path,
            const char *group,
            const char *const *allowed,
            gsize n_allowed,
            GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (key_file, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      gboolean known = FALSE;

      for (gsize k = 0; k < n_allowed; k++)
        known |= g_str_equal (keys[i], allowed[k]);

      if (!known)
        {
          g_autofree char *what = g_strdup_printf (_ ("unknown key “%s” in [%s]"), keys[i], group);

          return set_bad_file (error, path, what);
        }
    }

  return TRUE;
}

/* A key that must be there, with a value. */
static char *
get_required (GKeyFile *key_file,
              const char *path,
              const char *group,
              const char *key,
              GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *value = g_key_file_get_string (key_file, group, key, &local_error);

  if (value == NULL || value[0] == '\0')
    {
      g_autofree char *what =
        local_error != NULL &&
            !g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND)
          ? g_strdup_printf (_ ("[%s] %s: %s"), group, key, local_error->message)
          : g_strdup_printf (_ ("[%s] has no %s"), group, key);

      set_bad_file (error, path, what);
      return NULL;
    }

  return g_steal_pointer (&value);
}

/* A key that may be absent: %NULL then, and no error. */
static gboolean
get_optional (GKeyFile *key_file,
              const char *path,
              const char *group,
              const char *key,
              char **value,
              GError **error)
{
  *value = NULL;
  if (!g_key_file_has_key (key_file, group, key, NULL))
    return TRUE;

  *value = get_required (key_file, path, group, key, error);
  return *value != NULL;
}

static GStrv
get_list (GKeyFile *key_file, const char *path, const char *key, gboolean required, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) list = NULL;

  if (!g_key_file_has_key (key_file, "Rule", key, NULL))
    {
      if (required)
        {
          g_autofree char *what = g_strdup_printf (_ ("[Rule] has no %s"), key);

          set_bad_file (error, path, what);
          return NULL;
        }
      return g_new0 (char *, 1);
    }

  list = g_key_file_get_string_list (key_file, "Rule", key, NULL, &local_error);
  if (list == NULL || list[0] == NULL)
    {
      g_autofree char *what = g_strdup_printf (_ ("[Rule] %s is empty"), key);

      set_bad_file (error, path, what);
      return NULL;
    }

  return g_steal_pointer (&list);
}

static gboolean
parse_kind (const char *text, MtCompatKind *kind)
{
  for (int k = MT_COMPAT_KIND_COMPAT; k <= MT_COMPAT_KIND_DIFF; k++)
    if (g_str_equal (text, mt_compat_kind_to_string (k)))
      {
        *kind = k;
        return TRUE;
      }

  return FALSE;
}

/* "6.15" */
static gboolean
is_kernel_version (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ".", -1);
  guint64 n;

  if (g_strv_length (parts) != 2)
    return FALSE;
  for (guint i = 0; i < 2; i++)
    if (!g_ascii_string_to_unsigned (parts[i], 10, 0, 99, &n, NULL) || parts[i][0] == '+')
      return FALSE;

  return TRUE;
}

/* Every line "#define NAME…", one line each: no include, no continuation. */
static gboolean
check_compat (const char *path, const char *compat, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (compat, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* not past the end of a shorter line */
      const char *name =
        g_str_has_prefix (lines[i], "#define ") ? lines[i] + strlen ("#define ") : "";
      gsize len = strlen (lines[i]);

      if (!g_str_has_prefix (lines[i], "#define ") ||
          !(g_ascii_isalpha (name[0]) || name[0] == '_') || lines[i][len - 1] == '\\' ||
          strstr (lines[i], "/*") != NULL || strstr (lines[i], "*/") != NULL)
        return set_bad_file (error, path,
                             _ ("every Compat line is one “#define NAME …”, without comments"));
    }

  return TRUE;
}

/* "vmnet-only/driver.c" is in one of @modules' trees. */
static const char *
module_of_path (const char *file, const char *const *modules)
{
  for (guint i = 0; modules[i] != NULL; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("%s-only/", modules[i]);

      if (g_str_has_prefix (file, prefix))
        return modules[i];
    }

  return NULL;
}

/* Module-wide objtool exclusions hide every object from objtool; only
 * OBJECT_FILES_NON_STANDARD_<object>.o is allowed. */
static gboolean
has_module_wide_objtool_exclusion (const char *text)
{
  const char *p = text;

  while ((p = strstr (p, "OBJECT_FILES_NON_STANDARD")) != NULL)
    {
      p += strlen ("OBJECT_FILES_NON_STANDARD");
      if (*p != '_')
        return TRUE;
    }

  return FALSE;
}

static gboolean
parse_fixups (MtCompatRule *rule, GKeyFile *key_file, const char *path, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (key_file, NULL);
  guint n_fixups = 0;

  for (guint i = 0; groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], "Fixup "))
      n_fixups++;

  rule->fixups = g_ptr_array_new_with_free_func ((GDestroyNotify) fixup_free);
  for (guint n = 1; n <= n_fixups; n++)
    {
      g_autofree char *group = g_strdup_printf ("Fixup %u", n);
      MtCompatFixup *fixup;

      if (!g_key_file_has_group (key_file, group))
        return set_bad_file (error, path,
                             _ ("the [Fixup N] groups are numbered 1, 2, 3 … without gaps"));
      if (!check_keys (key_file, path, group, fixup_keys, G_N_ELEMENTS (fixup_keys), error))
        return FALSE;

      fixup = g_new0 (MtCompatFixup, 1);
      g_ptr_array_add (rule->fixups, fixup);
      fixup->file = get_required (key_file, path, group, "File", error);
      if (fixup->file == NULL)
        return FALSE;
      fixup->pattern = get_required (key_file, path, group, "Pattern", error);
      if (fixup->pattern == NULL)
        return FALSE;
      if (!g_key_file_has_key (key_file, group, "Replacement", NULL))
        {
          g_autofree char *what = g_strdup_printf (_ ("[%s] has no Replacement"), group);

          return set_bad_file (error, path, what);
        }
      fixup->replacement = g_key_file_get_string (key_file, group, "Replacement", error);
      if (fixup->replacement == NULL)
        return FALSE;
      if (!get_optional (key_file, path, group, "FixedIf", &fixup->fixed_if, error))
        return FALSE;

      if (!mt_compat_path_is_safe (fixup->file) ||
          module_of_path (fixup->file, (const char *const *) rule->modules) == NULL)
        return set_bad_file (error, path,
                             _ ("a fixup’s File is a plain relative path inside the tree of "
                                "one of the rule’s Modules, such as vmmon-only/linux/driver.c"));
      if (g_str_equal (fixup->pattern, fixup->replacement))
        return set_bad_file (error, path, _ ("a fixup’s Replacement is its Pattern"));
      if (has_module_wide_objtool_exclusion (fixup->replacement))
        return set_bad_file (error, path,
                             _ ("a fixup may exclude named objects from objtool "
                                "(OBJECT_FILES_NON_STANDARD_<object>.o), never the whole module"));
    }

  if (n_fixups == 0)
    return set_bad_file (error, path, _ ("a fixup rule has at least one [Fixup 1] group"));

  for (guint m = 0; rule->modules[m] != NULL; m++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < rule->fixups->len; i++)
        found |= g_strcmp0 (module_of_path (((MtCompatFixup *) rule->fixups->pdata[i])->file,
                                            (const char *const *) rule->modules),
                            rule->modules[m]) == 0;
      if (!found)
        {
          g_autofree char *what =
            g_strdup_printf (_ ("the rule is for %s but changes no file of %s-only/"),
                             rule->modules[m], rule->modules[m]);

          return set_bad_file (error, path, what);
        }
    }

  return TRUE;
}

static gboolean
parse_diff_keys (MtCompatRule *rule,
                 GKeyFile *key_file,
                 const char *path,
                 GHashTable *files,
                 GError **error)
{
  g_auto (GStrv) interfaces = NULL;
  g_autofree char *diff_rel = NULL;
  GBytes *bytes;

  rule->diff_name = get_required (key_file, path, "Rule", "Diff", error);
  if (rule->diff_name == NULL)
    return FALSE;
  interfaces = get_list (key_file, path, "Interfaces", TRUE, error);
  if (interfaces == NULL)
    return FALSE;

  if (g_strv_length (rule->modules) != 1 || !g_str_equal (rule->modules[0], "vmmon"))
    return set_bad_file (error, path,
                         _ ("a diff is keyed by the vmmon interface version, so its Modules is "
                            "vmmon; vmnet takes fixups"));

  rule->interfaces = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; interfaces[i] != NULL; i++)
    {
      guint64 n;
      int version;

      if (!g_ascii_string_to_unsigned (interfaces[i], 10, 1, 65535, &n, NULL))
        return set_bad_file (error, path,
                             _ ("Interfaces lists vmmon interface versions, such as 416;"));
      version = (int) n; /* the array holds ints, not the guint64 */
      g_array_append_val (rule->interfaces, version);
    }

  diff_rel = g_strdup_printf ("diffs/%s", rule->diff_name);
  bytes = g_hash_table_lookup (files, diff_rel);
  if (!g_str_has_suffix (rule->diff_name, ".diff") || bytes == NULL)
    {
      g_autofree char *what = g_strdup_printf (_ ("its diff patches/%s does not exist"), diff_rel);

      return set_bad_file (error, path, what);
    }

  rule->diff = mt_compat_diff_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                     diff_rel, error);
  if (rule->diff == NULL)
    return FALSE;

  for (guint i = 0; i < mt_compat_diff_get_n_files (rule->diff); i++)
    if (!g_str_has_prefix (mt_compat_diff_get_path (rule->diff, i), "vmmon-only/"))
      {
        g_autofree char *what = g_strdup_printf (_ ("its diff changes %s, outside vmmon-only/"),
                                                 mt_compat_diff_get_path (rule->diff, i));

        return set_bad_file (error, path, what);
      }

  return TRUE;
}

/* Keys that belong to another kind of rule. */
static gboolean
check_kind_keys (MtCompatRule *rule, GKeyFile *key_file, const char *path, GError **error)
{
  const char *wrong = NULL;

  if (rule->kind != MT_COMPAT_KIND_COMPAT && g_key_file_has_key (key_file, "Rule", "Compat", NULL))
    wrong = "Compat";
  else if (rule->kind != MT_COMPAT_KIND_DIFF && g_key_file_has_key (key_file, "Rule", "Diff", NULL))
    wrong = "Diff";
  else if (rule->kind != MT_COMPAT_KIND_DIFF &&
           g_key_file_has_key (key_file, "Rule", "Interfaces", NULL))
    wrong = "Interfaces";

  if (wrong != NULL)
    {
      g_autofree char *what = g_strdup_printf (_ ("%s does not belong in a rule of kind %s"), wrong,
                                               mt_compat_kind_to_string (rule->kind));

      return set_bad_file (error, path, what);
    }

  if (rule->kind != MT_COMPAT_KIND_FIXUP)
    {
      g_auto (GStrv) groups = g_key_file_get_groups (key_file, NULL);

      for (guint i = 0; groups[i] != NULL; i++)
        if (g_str_has_prefix (groups[i], "Fixup "))
          return set_bad_file (error, path, _ ("only a rule of kind fixup has [Fixup N] groups"));
    }

  return TRUE;
}

static gboolean
check_groups (GKeyFile *key_file, const char *path, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (key_file, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      guint64 n;

      if (g_str_equal (groups[i], "Rule"))
        continue;
      if (g_str_has_prefix (groups[i], "Fixup ") &&
          g_ascii_string_to_unsigned (groups[i] + strlen ("Fixup "), 10, 1, 1000, &n, NULL))
        continue;

      {
        g_autofree char *what = g_strdup_printf (_ ("unknown group [%s]"), groups[i]);

        return set_bad_file (error, path, what);
      }
    }

  if (!g_key_file_has_group (key_file, "Rule"))
    return set_bad_file (error, path, _ ("there is no [Rule] group"));

  return TRUE;
}

static gboolean
check_probe_ids (GHashTable *probes, MtCompatRule *rule, const char *path, GError **error)
{
  if (g_hash_table_lookup (probes, rule->probe) == NULL)
    {
      g_autofree char *what =
        g_strdup_printf (_ ("its Probe patches/probes/%s.c does not exist"), rule->probe);

      return set_bad_file (error, path, what);
    }

  for (guint i = 0; rule->requires[i] != NULL; i++)
    if (g_hash_table_lookup (probes, rule->requires[i]) == NULL ||
        g_str_equal (rule->requires[i], rule->probe))
      {
        g_autofree char *what =
          g_strdup_printf (_ ("its Requires names patches/probes/%s.c, which does not exist or is "
                              "its own Probe"),
                           rule->requires[i]);

        return set_bad_file (error, path, what);
      }

  return TRUE;
}

/**
 * _mt_compat_parse_rule:
 * @path: where @data came from, for messages
 * @id: the rule's id, its file name without `.rule`
 * @data: the rule file
 * @length: its length
 * @probes: (element-type utf8 MtCompatProbe): the probes, by id
 * @files: (element-type utf8 GBytes): the files of `patches/` by relative
 *   path; only `diffs/…` are looked up
 *
 * Parses and checks one rule file; the part of _mt_compat_load() that reads
 * one rule.
 *
 * Returns: (transfer full): the rule, or %NULL with @error set
 *   (%MT_ERROR_INVALID_DATA, or a #GKeyFileError)
 */
MtCompatRule *
_mt_compat_parse_rule (const char *path,
                       const char *id,
                       const char *data,
                       gsize length,
                       GHashTable *probes,
                       GHashTable *files,
                       GError **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (MtCompatRule) rule = g_new0 (MtCompatRule, 1);
  g_autofree char *kind = NULL;

  if (!g_key_file_load_from_data (key_file, data, length, G_KEY_FILE_NONE, &local_error))
    {
      set_bad_file (error, path, local_error->message);
      return NULL;
    }
  if (!check_groups (key_file, path, error) ||
      !check_keys (key_file, path, "Rule", rule_keys, G_N_ELEMENTS (rule_keys), error))
    return NULL;

  if ((rule->id = get_required (key_file, path, "Rule", "Id", error)) == NULL ||
      (rule->kernel_change = get_required (key_file, path, "Rule", "KernelChange", error)) ==
        NULL ||
      (rule->since = get_required (key_file, path, "Rule", "Since", error)) == NULL ||
      (kind = get_required (key_file, path, "Rule", "Kind", error)) == NULL ||
      (rule->probe = get_required (key_file, path, "Rule", "Probe", error)) == NULL ||
      (rule->modules = get_list (key_file, path, "Modules", TRUE, error)) == NULL ||
      (rule->requires = get_list (key_file, path, "Requires", FALSE, error)) == NULL)
    return NULL;

  if (!g_str_equal (rule->id, id) || !is_id (id))
    {
      set_bad_file (error, path,
                    _ ("its Id is its file name without .rule, in lower-case letters, digits "
                       "and dashes"));
      return NULL;
    }
  for (guint i = 0; rule->modules[i] != NULL; i++)
    if (!is_known_module (rule->modules[i]) ||
        g_strv_contains ((const char *const *) rule->modules + i + 1, rule->modules[i]))
      {
        set_bad_file (error, path, _ ("Modules lists vmmon, vmnet or both, once each"));
        return NULL;
      }
  if (!is_kernel_version (rule->since))
    {
      set_bad_file (error, path, _ ("Since is a mainline release such as 6.15"));
      return NULL;
    }
  if (strchr (rule->kernel_change, '\n') != NULL || strstr (rule->kernel_change, "*/") != NULL)
    {
      set_bad_file (error, path, _ ("KernelChange is one line, without “*/”"));
      return NULL;
    }
  if (!parse_kind (kind, &rule->kind))
    {
      set_bad_file (error, path, _ ("Kind is compat, fixup or diff"));
      return NULL;
    }
  if (!check_probe_ids (probes, rule, path, error) ||
      !check_kind_keys (rule, key_file, path, error))
    return NULL;

  switch (rule->kind)
    {
    case MT_COMPAT_KIND_COMPAT:
      rule->compat = get_required (key_file, path, "Rule", "Compat", error);
      if (rule->compat == NULL || !check_compat (path, rule->compat, error))
        return NULL;
      break;
    case MT_COMPAT_KIND_FIXUP:
      if (!parse_fixups (rule, key_file, path, error))
        return NULL;
      break;
    case MT_COMPAT_KIND_DIFF:
      if (!parse_diff_keys (rule, key_file, path, files, error))
        return NULL;
      break;
    default:
      g_assert_not_reached ();
    }

  return g_steal_pointer (&rule);
}

static gboolean
load_probes (Loader *self, GHashTable *files, GError **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *rel = key;
      g_autofree char *path = NULL;
      g_autofree char *id = NULL;
      MtCompatProbe *probe;

      if (!g_str_has_prefix (rel, "probes/"))
        continue;

      path = g_build_filename (self->patches_dir, rel, NULL);
      id = g_strndup (rel + strlen ("probes/"), strlen (rel) - strlen ("probes/") - 2);
      probe = parse_probe (path, id, value, error);
      if (probe == NULL)
        return FALSE;
      g_hash_table_insert (self->probes, probe->id, probe);
    }

  return TRUE;
}

static gboolean
load_rules (Loader *self, GHashTable *files, GError **error)
{
  g_autofree const char **rels = (const char **) g_hash_table_get_keys_as_array (files, NULL);
  guint n = g_strv_length ((char **) rels);

  qsort (rels, n, sizeof (char *), compare_names);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *id = NULL;
      MtCompatRule *rule;
      GBytes *bytes;

      if (!g_str_has_prefix (rels[i], "rules/"))
        continue;

      path = g_build_filename (self->patches_dir, rels[i], NULL);
      id = g_strndup (rels[i] + strlen ("rules/"),
                      strlen (rels[i]) - strlen ("rules/") - strlen (".rule"));
      bytes = g_hash_table_lookup (files, rels[i]);
      rule = _mt_compat_parse_rule (path, id, g_bytes_get_data (bytes, NULL),
                                    g_bytes_get_size (bytes), self->probes, files, error);
      if (rule == NULL)
        return FALSE;
      g_ptr_array_add (self->rules, rule);
    }

  if (self->rules->len == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s holds no rule; is it Modtune’s patches directory?"), self->patches_dir);
      return FALSE;
    }

  return TRUE;
}

/* Every probe and diff serves a rule. */
static gboolean
check_all_used (Loader *self, GHashTable *files, GError **error)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *rel = key;
      gboolean used = g_str_has_prefix (rel, "rules/");

      for (guint i = 0; i < self->rules->len && !used; i++)
        {
          MtCompatRule *rule = self->rules->pdata[i];
          g_autofree char *probe = g_strdup_printf ("probes/%s.c", rule->probe);
          g_autofree char *diff = g_strdup_printf ("diffs/%s", rule->diff_name);

          used = g_str_equal (rel, probe) || (rule->diff_name != NULL && g_str_equal (rel, diff));
          for (guint r = 0; rule->requires[r] != NULL && !used; r++)
            {
              g_autofree char *required = g_strdup_printf ("probes/%s.c", rule->requires[r]);

              used = g_str_equal (rel, required);
            }
        }

      if (!used)
        {
          g_autofree char *path = g_build_filename (self->patches_dir, rel, NULL);

          return set_bad_file (error, path, _ ("no rule uses it"));
        }
    }

  return TRUE;
}

/**
 * _mt_compat_load:
 * @patches_dir: Modtune's `patches` directory
 * @rules: (element-type MtCompatRule): filled with the rules, sorted by id
 * @probes: (element-type utf8 MtCompatProbe): filled with the probes
 *
 * The work of mt_compat_rules_load().
 */
gboolean
_mt_compat_load (const char *patches_dir, GPtrArray *rules, GHashTable *probes, GError **error)
{
  Loader loader = { patches_dir, rules, probes };
  g_autoptr (GHashTable) manifest = NULL;
  g_autoptr (GHashTable) files = NULL;
  GHashTableIter iter;
  gpointer key;

  manifest = read_manifest (patches_dir, error);
  if (manifest == NULL)
    return FALSE;

  files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  if (!read_patch_dir (patches_dir, "rules", ".rule", TRUE, manifest, files, error) ||
      !read_patch_dir (patches_dir, "probes", ".c", TRUE, manifest, files, error) ||
      !read_patch_dir (patches_dir, "diffs", ".diff", FALSE, manifest, files, error))
    return FALSE;

  g_hash_table_iter_init (&iter, manifest);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (files, key))
      {
        g_autofree char *path = g_build_filename (patches_dir, MANIFEST_NAME, NULL);
        g_autofree char *what =
          g_strdup_printf (_ ("it lists %s, which does not exist"), (const char *) key);

        return set_bad_file (error, path, what);
      }

  return load_probes (&loader, files, error) && load_rules (&loader, files, error) &&
         check_all_used (&loader, files, error);
}
