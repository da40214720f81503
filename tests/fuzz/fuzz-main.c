/* fuzz-main.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/* Without libFuzzer (a gcc build): replays every file of the seed corpora
 * given on the command line through the target, plus every prefix of each
 * file and a fixed set of byte mutations, so the regression suite runs the
 * same targets under ASan/UBSan on every build. */

#include "config.h"

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint
run_one (const guint8 *data, gsize size)
{
  g_autofree guint8 *copy = g_memdup2 (data, size);
  GRand *rand = g_rand_new_with_seed (0x6d74 + (guint32) size);
  guint runs = 0;

  LLVMFuzzerTestOneInput (data, size);
  runs++;

  for (gsize len = 0; len < size && len < 4096; len++, runs++)
    LLVMFuzzerTestOneInput (data, len);

  for (guint i = 0; i < 512 && size > 0; i++, runs++)
    {
      gsize at = g_rand_int_range (rand, 0, (gint32) MIN (size, G_MAXINT32));
      guint8 old = copy[at];

      copy[at] = (guint8) g_rand_int (rand);
      LLVMFuzzerTestOneInput (copy, size);
      copy[at] = old;
    }

  g_rand_free (rand);

  return runs;
}

static guint
run_path (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;
  guint runs = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          runs += run_path (child);
        }
      return runs;
    }

  if (!g_file_get_contents (path, &contents, &len, NULL))
    g_error ("cannot read %s", path);

  return run_one ((const guint8 *) contents, len);
}

int
main (int argc, char *argv[])
{
  guint runs = 0;

  if (argc < 2)
    {
      g_printerr ("usage: %s CORPUS-DIR-OR-FILE…\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    runs += run_path (argv[i]);

  g_print ("%u inputs, no crash\n", runs);

  return runs > 0 ? 0 : 1;
}
