/* mt-compat-diff.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-compat-diff"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mt-compat-diff.h"
#include "mt-error.h"

/**
 * SECTION:mt-compat-diff
 *
 * The unified diffs of the compatibility rules (SECURITY.md rule 14), read
 * and applied by Modtune itself rather than by patch(1).  Only unified
 * hunks that change existing files are accepted: an ed-style or context
 * hunk, a file created or deleted, an absolute path, `..`, a hunk without
 * context, or counts that do not add up make the whole diff invalid.  A
 * hunk applies where its lines match exactly, at its line number or the
 * nearest place after the previous hunk; there is no fuzz.
 */

/* No source file comes near; line numbers and counts above are nonsense. */
#define MAX_LINE_NUMBER 10000000

typedef struct
{
  guint number; /* of its "@@" line in the diff, for messages */
  guint old_start;
  guint old_len;
  guint new_start;
  guint new_len;
  GPtrArray *lines; /* (element-type utf8): the type character, then the text */
} Hunk;

typedef struct
{
  char *path;
  GPtrArray *hunks; /* (element-type Hunk) */
} FilePatch;

struct _MtCompatDiff
{
  char *name;
  GPtrArray *files; /* (element-type FilePatch) */
};

static void
hunk_free (Hunk *hunk)
{
  g_ptr_array_unref (hunk->lines);
  g_free (hunk);
}

static void
file_patch_free (FilePatch *file)
{
  g_free (file->path);
  g_ptr_array_unref (file->hunks);
  g_free (file);
}

void
mt_compat_diff_free (MtCompatDiff *diff)
{
  if (diff == NULL)
    return;

  g_free (diff->name);
  g_ptr_array_unref (diff->files);
  g_free (diff);
}

/**
 * mt_compat_path_is_safe:
 * @path: a path inside a source tree, such as `vmmon-only/linux/driver.c`
 *
 * Returns: %TRUE if @path is relative, has no empty, `.` or `..`
 *   component, and uses only letters, digits and `._+-` in its components
 */
gboolean
mt_compat_path_is_safe (const char *path)
{
  const char *p = path;

  g_return_val_if_fail (path != NULL, FALSE);

  if (path[0] == '\0' || strlen (path) > 1024)
    return FALSE;

  while (*p != '\0')
    {
      const char *end = strchr (p, '/');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);

      if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
        return FALSE;

      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isalnum (p[i]) && strchr ("._+-", p[i]) == NULL)
          return FALSE;

      if (end == NULL)
        break;
      p = end + 1;
      if (*p == '\0')
        return FALSE; /* a trailing slash */
    }

  return TRUE;
}

static gboolean
set_invalid (GError **error, const char *name, guint line, const char *what)
{
  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
               _ ("%s, line %u: %s; only unified diffs of existing files are accepted"), name, line,
               what);
  return FALSE;
}

/* "12", "12,3", "12c", "12,3d4", "5a6,8": the commands of normal and ed diffs */
static gboolean
is_ed_command (const char *line)
{
  const char *p = line;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p) || *p == ',')
    p++;
  if (*p != 'a' && *p != 'c' && *p != 'd' && *p != 'i')
    return FALSE;
  p++;
  while (g_ascii_isdigit (*p) || *p == ',')
    p++;

  return *p == '\0';
}

static const char *const git_file_headers[] = {
  "new file mode", "deleted file mode", "old mode", "new mode",   "rename from",
  "rename to",     "copy from",         "copy to",  "similarity", "dissimilarity",
  "Binary files",  "GIT binary patch",  "literal ", "delta ",
};

/* Says why a line outside a hunk is not accepted. */
static gboolean
reject_line (const char *name, guint number, const char *line, GError **error)
{
  if (is_ed_command (line))
    return set_invalid (error, name, number, _ ("an ed-style hunk, which could run commands"));
  if (line[0] == '!')
    return set_invalid (error, name, number, _ ("a shell escape"));
  if (g_str_has_prefix (line, "*** ") || g_str_has_prefix (line, "***************"))
    return set_invalid (error, name, number, _ ("a context diff"));
  for (guint i = 0; i < G_N_ELEMENTS (git_file_headers); i++)
    if (g_str_has_prefix (line, git_file_headers[i]))
      return set_invalid (error, name, number,
                          _ ("a file is created, deleted, renamed or made executable"));

  return set_invalid (error, name, number, _ ("a line that is not part of a unified diff"));
}

/* Lines allowed between files: comments, blank lines, and "diff"/"index"
 * lines as git and diff(1) write them. */
static gboolean
is_preamble (const char *line)
{
  return line[0] == '\0' || line[0] == '#' || g_str_has_prefix (line, "diff ") ||
         g_str_has_prefix (line, "index ");
}

/* "--- a/dir/file.c\t2026-01-01 …" -> "dir/file.c", with @prefix "a/" */
static char *
parse_file_name (const char *name,
                 guint number,
                 const char *line,
                 const char *prefix,
                 GError **error)
{
  g_autofree char *path = NULL;
  const char *tab;

  line += 4;
  tab = strchr (line, '\t');
  path = tab != NULL ? g_strndup (line, tab - line) : g_strdup (line);

  if (g_str_equal (path, "/dev/null"))
    {
      set_invalid (error, name, number, _ ("a file is created or deleted"));
      return NULL;
    }
  if (path[0] == '/')
    {
      set_invalid (error, name, number, _ ("an absolute path"));
      return NULL;
    }
  if (!g_str_has_prefix (path, prefix))
    {
      g_autofree char *what = g_strdup_printf (_ ("the path does not start with “%s”"), prefix);

      set_invalid (error, name, number, what);
      return NULL;
    }
  if (!mt_compat_path_is_safe (path + strlen (prefix)))
    {
      set_invalid (error, name, number,
                   _ ("a path with “..”, “.”, an empty part or an unusual character"));
      return NULL;
    }

  return g_strdup (path + strlen (prefix));
}

static gboolean
parse_number (const char **p, guint *value)
{
  guint64 v = 0;
  const char *q = *p;

  if (!g_ascii_isdigit (*q))
    return FALSE;
  for (; g_ascii_isdigit (*q); q++)
    {
      v = v * 10 + (guint64) (*q - '0');
      if (v > MAX_LINE_NUMBER)
        return FALSE;
    }

  *value = (guint) v;
  *p = q;
  return TRUE;
}

/* "-12,5" or "-12" (a count of 1) */
static gboolean
parse_range (const char **p, char sign, guint *start, guint *len)
{
  if (**p != sign)
    return FALSE;
  (*p)++;
  if (!parse_number (p, start))
    return FALSE;
  *len = 1;
  if (**p == ',')
    {
      (*p)++;
      if (!parse_number (p, len))
        return FALSE;
    }
  return TRUE;
}

static Hunk *
parse_hunk_header (const char *name, guint number, const char *line, GError **error)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = line + 3;
  Hunk *hunk;
  guint old_start, old_len, new_start, new_len;

  if (!parse_range (&p, '-', &old_start, &old_len) || *p++ != ' ' ||
      !parse_range (&p, '+', &new_start, &new_len) || !g_str_has_prefix (p, " @@"))
    {
      set_invalid (error, name, number, _ ("a malformed “@@” line"));
      return NULL;
    }
  if (old_len == 0 || old_start == 0)
    {
      set_invalid (error, name, number,
                   _ ("a hunk without context lines, which cannot be placed safely"));
      return NULL;
    }

  hunk = g_new0 (Hunk, 1);
  hunk->number = number;
  hunk->old_start = old_start;
  hunk->old_len = old_len;
  hunk->new_start = new_start;
  hunk->new_len = new_len;
  hunk->lines = g_steal_pointer (&lines);

  return hunk;
}

/* Reads the body of @hunk from lines[*i + 1 …]; leaves *i on its last line. */
static gboolean
parse_hunk_body (const char *name,
                 char **lines,
                 guint n_lines,
                 guint *i,
                 Hunk *hunk,
                 GError **error)
{
  guint old_seen = 0;
  guint new_seen = 0;
  gboolean changes = FALSE;

  while (old_seen < hunk->old_len || new_seen < hunk->new_len)
    {
      const char *line;
      char type;

      (*i)++;
      if (*i >= n_lines)
        return set_invalid (error, name, *i, _ ("the diff ends inside a hunk"));

      line = lines[*i];
      type = line[0] != '\0' ? line[0] : ' '; /* an empty context line lost its space */
      switch (type)
        {
        case ' ':
          old_seen++;
          new_seen++;
          break;
        case '-':
          old_seen++;
          changes = TRUE;
          break;
        case '+':
          new_seen++;
          changes = TRUE;
          break;
        case '\\':
          return set_invalid (error, name, *i + 1,
                              _ ("a file without a newline at its end, which is not supported"));
        default:
          return set_invalid (error, name, *i + 1, _ ("a hunk line without “ ”, “-” or “+”"));
        }

      if (old_seen > hunk->old_len || new_seen > hunk->new_len)
        return set_invalid (error, name, hunk->number, _ ("a hunk whose line counts are wrong"));

      g_ptr_array_add (hunk->lines,
                       g_strdup_printf ("%c%s", type, line[0] != '\0' ? line + 1 : ""));
    }

  if (!changes)
    return set_invalid (error, name, hunk->number, _ ("a hunk that changes nothing"));

  return TRUE;
}

static gboolean
parse_file (MtCompatDiff *diff, char **lines, guint n_lines, guint *i, GError **error)
{
  g_autofree char *old_path = NULL;
  g_autofree char *new_path = NULL;
  g_autoptr (GPtrArray) hunks = g_ptr_array_new_with_free_func ((GDestroyNotify) hunk_free);
  FilePatch *file;
  guint old_end = 0;

  old_path = parse_file_name (diff->name, *i + 1, lines[*i], "a/", error);
  if (old_path == NULL)
    return FALSE;

  (*i)++;
  if (*i >= n_lines || !g_str_has_prefix (lines[*i], "+++ "))
    return set_invalid (error, diff->name, *i, _ ("a “---” line without its “+++” line"));

  new_path = parse_file_name (diff->name, *i + 1, lines[*i], "b/", error);
  if (new_path == NULL)
    return FALSE;
  if (!g_str_equal (old_path, new_path))
    return set_invalid (error, diff->name, *i + 1, _ ("a file is renamed"));

  for (guint k = 0; k < diff->files->len; k++)
    if (g_str_equal (((FilePatch *) diff->files->pdata[k])->path, old_path))
      return set_invalid (error, diff->name, *i + 1, _ ("a file is changed twice"));

  while (*i + 1 < n_lines && g_str_has_prefix (lines[*i + 1], "@@ "))
    {
      Hunk *hunk;

      (*i)++;
      hunk = parse_hunk_header (diff->name, *i + 1, lines[*i], error);
      if (hunk == NULL)
        return FALSE;
      g_ptr_array_add (hunks, hunk);

      if (hunk->old_start < old_end)
        return set_invalid (error, diff->name, hunk->number,
                            _ ("hunks that overlap or are out of order"));
      if (!parse_hunk_body (diff->name, lines, n_lines, i, hunk, error))
        return FALSE;
      old_end = hunk->old_start + hunk->old_len;
    }

  if (hunks->len == 0)
    return set_invalid (error, diff->name, *i + 1, _ ("a file without a hunk"));

  (*i)++;
  file = g_new0 (FilePatch, 1);
  file->path = g_steal_pointer (&old_path);
  file->hunks = g_steal_pointer (&hunks);
  g_ptr_array_add (diff->files, file);

  return TRUE;
}

/**
 * mt_compat_diff_parse:
 * @text: the diff
 * @length: its length
 * @name: where it came from, for messages (`patches/diffs/x.diff`)
 * @error: a location for a #GError
 *
 * Reads a unified diff as `diff -u` and `git diff` write it, with paths
 * starting `a/` and `b/`.  Comment lines (`#`), blank lines, and `diff` or
 * `index` lines may stand between files.
 *
 * Returns: (transfer full): the diff, or %NULL with @error set
 *   (%MT_ERROR_INVALID_DATA) if anything in it is not accepted
 */
MtCompatDiff *
mt_compat_diff_parse (const char *text, gsize length, const char *name, GError **error)
{
  g_autoptr (MtCompatDiff) diff = NULL;
  g_autofree char *copy = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_lines;
  guint i = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (memchr (text, '\0', length) != NULL || memchr (text, '\r', length) != NULL)
    {
      set_invalid (error, name, 1, _ ("a NUL byte or a carriage return"));
      return NULL;
    }
  if (length == 0 || text[length - 1] != '\n')
    {
      set_invalid (error, name, 1, _ ("the diff is empty or its last line is cut short"));
      return NULL;
    }

  copy = g_strndup (text, length - 1);
  lines = g_strsplit (copy, "\n", -1);
  n_lines = g_strv_length (lines);

  diff = g_new0 (MtCompatDiff, 1);
  diff->name = g_strdup (name);
  diff->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_patch_free);

  while (i < n_lines)
    {
      if (g_str_has_prefix (lines[i], "--- "))
        {
          if (!parse_file (diff, lines, n_lines, &i, error))
            return NULL;
        }
      else if (is_preamble (lines[i]))
        {
          i++;
        }
      else
        {
          reject_line (name, i + 1, lines[i], error);
          return NULL;
        }
    }

  if (diff->files->len == 0)
    {
      set_invalid (error, name, n_lines, _ ("no file is changed"));
      return NULL;
    }

  return g_steal_pointer (&diff);
}

guint
mt_compat_diff_get_n_files (MtCompatDiff *diff)
{
  g_return_val_if_fail (diff != NULL, 0);

  return diff->files->len;
}

/**
 * mt_compat_diff_get_path:
 *
 * Returns: the path the diff changes, relative to the top of the sources
 *   (`vmmon-only/common/crosspage.c`)
 */
const char *
mt_compat_diff_get_path (MtCompatDiff *diff, guint index)
{
  g_return_val_if_fail (diff != NULL, NULL);
  g_return_val_if_fail (index < diff->files->len, NULL);

  return ((FilePatch *) diff->files->pdata[index])->path;
}

static gboolean
hunk_matches_at (Hunk *hunk, GPtrArray *lines, guint pos)
{
  guint k = 0;

  if (pos + hunk->old_len > lines->len)
    return FALSE;

  for (guint j = 0; j < hunk->lines->len; j++)
    {
      const char *line = hunk->lines->pdata[j];

      if (line[0] == '+')
        continue;
      if (!g_str_equal (line + 1, lines->pdata[pos + k]))
        return FALSE;
      k++;
    }

  return TRUE;
}

/* The place nearest to @expected, not before @min_pos, where @hunk matches. */
static gboolean
find_hunk (Hunk *hunk, GPtrArray *lines, gint64 expected, guint min_pos, guint *pos)
{
  gint64 n = lines->len;

  expected = CLAMP (expected, (gint64) min_pos, n);
  for (gint64 d = 0; d <= n; d++)
    {
      if (expected + d <= n && hunk_matches_at (hunk, lines, (guint) (expected + d)))
        {
          *pos = (guint) (expected + d);
          return TRUE;
        }
      if (d > 0 && expected - d >= min_pos && hunk_matches_at (hunk, lines, (guint) (expected - d)))
        {
          *pos = (guint) (expected - d);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * mt_compat_diff_apply_file:
 * @index: which file of the diff
 * @content: that file's contents
 * @error: a location for a #GError
 *
 * Applies the hunks of one file of @diff to @content, in memory: a dry run
 * that changes nothing on disk.
 *
 * Returns: (transfer full): the changed contents, or %NULL with @error set
 *   (%MT_ERROR_INVALID_DATA) if a hunk does not match
 */
char *
mt_compat_diff_apply_file (MtCompatDiff *diff, guint index, const char *content, GError **error)
{
  FilePatch *file;
  g_auto (GStrv) split = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new ();
  g_autoptr (GString) out = NULL;
  gboolean final_newline;
  gint64 offset = 0;
  guint min_pos = 0;
  gsize length;

  g_return_val_if_fail (diff != NULL, NULL);
  g_return_val_if_fail (index < diff->files->len, NULL);
  g_return_val_if_fail (content != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = diff->files->pdata[index];
  length = strlen (content);
  final_newline = length > 0 && content[length - 1] == '\n';
  split = g_strsplit (content, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (split[i + 1] != NULL || !final_newline)
      g_ptr_array_add (lines, split[i]);
  if (length == 0)
    g_ptr_array_set_size (lines, 0);

  for (guint h = 0; h < file->hunks->len; h++)
    {
      Hunk *hunk = file->hunks->pdata[h];
      guint pos;
      guint k = 0;

      if (!find_hunk (hunk, lines, (gint64) hunk->old_start - 1 + offset, min_pos, &pos))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("Hunk %u of %s (line %u of the diff) does not match %s: the diff "
                          "was written for other sources"),
                       h + 1, diff->name, hunk->number, file->path);
          return NULL;
        }

      g_ptr_array_remove_range (lines, pos, hunk->old_len);
      for (guint j = 0; j < hunk->lines->len; j++)
        {
          char *line = hunk->lines->pdata[j];

          if (line[0] != '-')
            g_ptr_array_insert (lines, (gint) (pos + k++), line + 1);
        }

      min_pos = pos + hunk->new_len;
      offset = (gint64) min_pos - (gint64) (hunk->old_start - 1 + hunk->old_len);
    }

  out = g_string_sized_new (length + 1024);
  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (out, lines->pdata[i]);
      if (i + 1 < lines->len || final_newline)
        g_string_append_c (out, '\n');
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
