/* bench-detect.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "bench-detect"

#include "config.h"

#include <stdlib.h>

#include "mt-core.h"

/* In-process detection of this machine (or of --sysroot), timed: what
 * modtunectl, the app and the helper do, without starting a process.
 *
 *   bench-detect [--iterations N] [--warmup N] [--json] [--sysroot DIR] [--cpuid FILE]
 *
 * Each iteration opens the sysroot, chooses the CPUID source and runs
 * mt_system_info_probe(); with --json it also renders the report as
 * `modtunectl detect --json` does.  Prints min, median, p95 and max in ms.
 * Run by bench/detect.py; never by `meson test`. */

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gboolean
detect_once (const char *sysroot_path, const char *cpuid_path, gboolean json, GError **error)
{
  g_autoptr (MtSysroot) sysroot = NULL;
  g_autoptr (MtCpuid) cpuid = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  g_autoptr (GError) local_error = NULL;

  sysroot = mt_sysroot_new (sysroot_path, error);
  if (sysroot == NULL)
    return FALSE;

  cpuid = mt_cpuid_new_for_sysroot (sysroot, cpuid_path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  info = mt_system_info_probe (sysroot, cpuid, error);
  if (info == NULL)
    return FALSE;

  if (json)
    {
      g_autoptr (JsonNode) root = mt_system_info_to_json (info);
      g_autofree char *text = json_to_string (root, TRUE);

      if (text == NULL || text[0] != '{')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "empty JSON report");
          return FALSE;
        }
    }

  return TRUE;
}

static double
percentile_ms (const gint64 *sorted_us, guint n, double p)
{
  guint i = (guint) (p * (n - 1) + 0.5);

  return sorted_us[MIN (i, n - 1)] / 1000.0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gint64 *samples = NULL;
  g_autofree char *sysroot_path = NULL;
  g_autofree char *cpuid_path = NULL;
  int iterations = 200;
  int warmup = 10;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations, "Timed iterations (200)", "N" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "Untimed iterations first (10)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Also render the JSON report", NULL },
    { "sysroot", 0, 0, G_OPTION_ARG_FILENAME, &sysroot_path, "Detect a recorded tree", "DIR" },
    { "cpuid", 0, 0, G_OPTION_ARG_FILENAME, &cpuid_path, "Read CPUID from a dump", "FILE" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Times in-process detection (mt_system_info_probe).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-detect: %s\n", error->message);
      return 2;
    }
  if (iterations < 1 || warmup < 0)
    {
      g_printerr ("bench-detect: --iterations must be at least 1, --warmup at least 0\n");
      return 2;
    }

  for (int i = 0; i < warmup; i++)
    if (!detect_once (sysroot_path, cpuid_path, json, &error))
      {
        g_printerr ("bench-detect: %s\n", error->message);
        return 1;
      }

  samples = g_new (gint64, iterations);
  for (int i = 0; i < iterations; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!detect_once (sysroot_path, cpuid_path, json, &error))
        {
          g_printerr ("bench-detect: %s\n", error->message);
          return 1;
        }
      samples[i] = g_get_monotonic_time () - start;
    }

  qsort (samples, iterations, sizeof *samples, compare_gint64);
  g_print ("%s%s: %d runs after %d warm-up: min %.3f ms, median %.3f ms, p95 %.3f ms, "
           "max %.3f ms\n",
           "mt_system_info_probe", json ? " + JSON" : "", iterations, warmup, samples[0] / 1000.0,
           percentile_ms (samples, iterations, 0.5), percentile_ms (samples, iterations, 0.95),
           samples[iterations - 1] / 1000.0);

  return 0;
}
