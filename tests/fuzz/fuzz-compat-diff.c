/* fuzz-compat-diff.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mt-compat-diff.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* What an accepted diff is applied to, in memory (the seed "small" is
 * written for it), with and without its final newline, and empty. */
static const char source_text[] = "#include <linux/module.h>\n"
                                  "\n"
                                  "static int\n"
                                  "init (void)\n"
                                  "{\n"
                                  "   return 0;\n"
                                  "}\n"
                                  "\n"
                                  "static void\n"
                                  "exit (void)\n"
                                  "{\n"
                                  "}\n";

static void
apply_to (MtCompatDiff *diff, guint index, const char *content)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *result = mt_compat_diff_apply_file (diff, index, content, &error);

  g_assert ((result == NULL) == (error != NULL));
}

/* The unified diffs of the compatibility rules: whatever the parser
 * accepts changes only safe relative paths, each once, and applies to any
 * text without crashing. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatDiff) diff =
    mt_compat_diff_parse ((const char *) data, size, "diffs/fuzz.diff", &error);
  g_autofree char *no_newline = g_strndup (source_text, strlen (source_text) - 1);
  guint n;

  g_assert ((diff == NULL) == (error != NULL));
  if (diff == NULL)
    return 0;

  n = mt_compat_diff_get_n_files (diff);
  g_assert (n > 0);
  for (guint i = 0; i < n; i++)
    {
      const char *path = mt_compat_diff_get_path (diff, i);

      g_assert (mt_compat_path_is_safe (path));
      for (guint j = 0; j < i; j++)
        g_assert (!g_str_equal (path, mt_compat_diff_get_path (diff, j)));

      apply_to (diff, i, source_text);
      apply_to (diff, i, no_newline);
      apply_to (diff, i, "");
    }

  return 0;
}
