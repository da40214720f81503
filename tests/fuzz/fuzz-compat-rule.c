/* fuzz-compat-rule.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mt-compat-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The probes of patches/probes/, so that the shipped rules (the seeds)
 * parse all the way. */
static const char *const probe_ids[] = {
  "asm-timex-alone",
  "csum-copy-uaccess",
  "csum-partial-copy-to-user",
  "del-timer-sync",
  "dev-base-lock",
  "eventfd-signal-one-arg",
  "eventfd-signal-two-args",
  "get-user-pages-unlocked",
  "kbuild-ccflags-y",
  "kbuild-extra-cflags",
  "kernel-h-no-max",
  "lea-absolute",
  "legacy-init-module",
  "module-init",
  "mov-absolute",
  "naked-ret",
  "no-ubsan-bounds",
  "pte-offset-map-macro",
  "pxd-large",
  "pxd-leaf",
  "rdmsrl-safe",
  "rdmsrq-safe",
  "timer-delete-sync",
};

/* Small diffs under the names of patches/diffs/, one outside vmmon-only/
 * and one the diff parser refuses. */
static const struct
{
  const char *rel;
  const char *text;
} diffs[] = {
  { "diffs/vmmon-416-crosspage-ret.diff",
    "--- a/vmmon-only/common/crosspage.c\n+++ b/vmmon-only/common/crosspage.c\n"
    "@@ -1,2 +1,2 @@\n a\n-b\n+c\n" },
  { "diffs/vmmon-416-user-va-to-mpn.diff",
    "--- a/vmmon-only/include/pgtbl.h\n+++ b/vmmon-only/include/pgtbl.h\n"
    "@@ -3,1 +3,2 @@\n x\n+y\n" },
  { "diffs/vmnet.diff",
    "--- a/vmnet-only/driver.c\n+++ b/vmnet-only/driver.c\n@@ -1 +1 @@\n-a\n+b\n" },
  { "diffs/ed.diff", "1c1\n< a\n---\n> b\n" },
};

static GHashTable *probes;
static GHashTable *files;

static void
make_tables (void)
{
  probes =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _mt_compat_probe_free);
  for (guint i = 0; i < G_N_ELEMENTS (probe_ids); i++)
    {
      MtCompatProbe *probe = g_new0 (MtCompatProbe, 1);

      probe->id = g_strdup (probe_ids[i]);
      probe->description = g_strdup (probe_ids[i]);
      probe->source = g_bytes_new_static ("", 0);
      g_hash_table_insert (probes, probe->id, probe);
    }

  files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < G_N_ELEMENTS (diffs); i++)
    g_hash_table_insert (files, (gpointer) diffs[i].rel,
                         g_bytes_new_static (diffs[i].text, strlen (diffs[i].text)));
}

/* The value of the first line "Id=…", so that most inputs get past the
 * check that the Id is the file name; "fuzz" without one. */
static char *
find_id (const char *data, gsize size)
{
  for (gsize i = 0; i + 3 <= size; i++)
    if ((i == 0 || data[i - 1] == '\n') && memcmp (data + i, "Id=", 3) == 0)
      {
        const char *start = data + i + 3;
        const char *end = memchr (start, '\n', size - i - 3);

        return g_strndup (start, end != NULL ? (gsize) (end - start) : size - i - 3);
      }

  return g_strdup ("fuzz");
}

static void
check_rule (MtCompatRule *rule, const char *id)
{
  g_assert_cmpstr (rule->id, ==, id);
  g_assert (rule->kernel_change != NULL && rule->since != NULL && rule->probe != NULL);
  g_assert (g_hash_table_contains (probes, rule->probe));
  g_assert (rule->modules != NULL && rule->modules[0] != NULL);
  for (guint i = 0; rule->modules[i] != NULL; i++)
    g_assert (g_str_equal (rule->modules[i], "vmmon") || g_str_equal (rule->modules[i], "vmnet"));
  g_assert (rule->requires != NULL);
  for (guint i = 0; rule->requires[i] != NULL; i++)
    g_assert (g_hash_table_contains (probes, rule->requires[i]));

  switch (rule->kind)
    {
    case MT_COMPAT_KIND_COMPAT:
      g_assert (rule->compat != NULL && g_str_has_prefix (rule->compat, "#define "));
      g_assert (rule->fixups == NULL && rule->diff == NULL);
      break;
    case MT_COMPAT_KIND_FIXUP:
      g_assert (rule->fixups != NULL && rule->fixups->len > 0);
      for (guint i = 0; i < rule->fixups->len; i++)
        {
          MtCompatFixup *fixup = rule->fixups->pdata[i];

          g_assert (mt_compat_path_is_safe (fixup->file));
          g_assert (fixup->pattern[0] != '\0');
          g_assert (!g_str_equal (fixup->pattern, fixup->replacement));
        }
      g_assert (rule->compat == NULL && rule->diff == NULL);
      break;
    case MT_COMPAT_KIND_DIFF:
      g_assert (rule->diff != NULL && rule->diff_name != NULL);
      g_assert (rule->interfaces != NULL && rule->interfaces->len > 0);
      for (guint i = 0; i < rule->interfaces->len; i++)
        {
          g_assert_cmpint (g_array_index (rule->interfaces, int, i), >=, 1);
          g_assert_cmpint (g_array_index (rule->interfaces, int, i), <=, 65535);
        }
      for (guint i = 0; i < mt_compat_diff_get_n_files (rule->diff); i++)
        g_assert (g_str_has_prefix (mt_compat_diff_get_path (rule->diff, i), "vmmon-only/"));
      g_assert (rule->compat == NULL && rule->fixups == NULL);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* One rule file of patches/rules/: whatever is accepted is complete and
 * consistent with its kind. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *id = find_id ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  MtCompatRule *rule;

  if (probes == NULL)
    make_tables ();

  rule = _mt_compat_parse_rule ("patches/rules/fuzz.rule", id, (const char *) data, size, probes,
                                files, &error);
  g_assert ((rule == NULL) == (error != NULL));
  if (rule != NULL)
    {
      check_rule (rule, id);
      _mt_compat_rule_free (rule);
    }

  return 0;
}
