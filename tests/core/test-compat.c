/* test-compat.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mt-compat-diff.h"
#include "mt-compat-private.h"
#include "mt-error.h"
#include "mt-test-util.h"

/* --- a small, valid patches directory, and its variants ----------------- */

#define PROBE_OLD "/* Builds if the kernel still has old_api(). */\nint x;\n"
#define PROBE_NEW "/* Builds if the kernel has new_api(). */\nint y;\n"

#define COMPAT_RULE                                \
  "[Rule]\n"                                       \
  "Id=compat-rule\n"                               \
  "Modules=vmmon;\n"                               \
  "KernelChange=old_api() was renamed new_api()\n" \
  "Since=6.15\n"                                   \
  "Kind=compat\n"                                  \
  "Probe=old-api\n"                                \
  "Requires=new-api;\n"                            \
  "Compat=#define old_api(x) new_api(x)\n"

#define FIXUP_RULE                    \
  "[Rule]\n"                          \
  "Id=fixup-rule\n"                   \
  "Modules=vmmon;vmnet;\n"            \
  "KernelChange=old_lock() is gone\n" \
  "Since=6.9\n"                       \
  "Kind=fixup\n"                      \
  "Probe=old-api\n"                   \
  "\n"                                \
  "[Fixup 1]\n"                       \
  "File=vmmon-only/driver.c\n"        \
  "Pattern=old_lock()\n"              \
  "Replacement=new_lock()\n"          \
  "FixedIf=new_lock()\n"              \
  "\n"                                \
  "[Fixup 2]\n"                       \
  "File=vmnet-only/driver.c\n"        \
  "Pattern=\\n   old_lock();\\n\n"    \
  "Replacement=\\n   new_lock();\\n\n"

#define DIFF_RULE                    \
  "[Rule]\n"                         \
  "Id=diff-rule\n"                   \
  "Modules=vmmon;\n"                 \
  "KernelChange=walking is unsafe\n" \
  "Since=6.5\n"                      \
  "Kind=diff\n"                      \
  "Probe=old-api\n"                  \
  "Interfaces=416;\n"                \
  "Diff=vmmon-416-walk.diff\n"

#define DIFF                                  \
  "# vmmon 416: look up instead of walking\n" \
  "--- a/vmmon-only/pgtbl.h\n"                \
  "+++ b/vmmon-only/pgtbl.h\n"                \
  "@@ -2,3 +2,3 @@\n"                         \
  " line2\n"                                  \
  "-walk();\n"                                \
  "+lookup();\n"                              \
  " line4\n"

static const char *const base_files[][2] = {
  { "probes/old-api.c", PROBE_OLD },         { "probes/new-api.c", PROBE_NEW },
  { "rules/compat-rule.rule", COMPAT_RULE }, { "rules/fixup-rule.rule", FIXUP_RULE },
  { "rules/diff-rule.rule", DIFF_RULE },     { "diffs/vmmon-416-walk.diff", DIFF },
};

typedef enum
{
  MANIFEST_FRESH,         /* computed after the change */
  MANIFEST_BEFORE_CHANGE, /* computed before it */
  MANIFEST_WITHOUT_FILE,  /* the changed file is not listed */
  MANIFEST_NONE,          /* no manifest at all */
} ManifestMode;

static void
write_manifest (const char *tree, GHashTable *files, const char *skip)
{
  g_autoptr (GString) manifest = g_string_new ("# test manifest\n");
  g_autoptr (GList) names = g_list_sort (g_hash_table_get_keys (files), (GCompareFunc) g_strcmp0);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *content = g_hash_table_lookup (files, l->data);
      g_autofree char *sha = NULL;

      if (g_strcmp0 (l->data, skip) == 0 || g_str_equal (l->data, "MANIFEST"))
        continue;
      sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, content, -1);
      g_string_append_printf (manifest, "%s  %s\n", sha, (const char *) l->data);
    }

  mt_test_tree_write (tree, "MANIFEST", manifest->str, -1);
}

/* Writes the valid set, with @file's content replaced by @content (or
 * removed if it is %NULL). */
static char *
write_patches (const char *file, const char *content, ManifestMode mode)
{
  g_autoptr (GHashTable) files = g_hash_table_new (g_str_hash, g_str_equal);
  char *tree = mt_test_tree_new ();
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < G_N_ELEMENTS (base_files); i++)
    g_hash_table_insert (files, (gpointer) base_files[i][0], (gpointer) base_files[i][1]);

  if (mode == MANIFEST_BEFORE_CHANGE)
    write_manifest (tree, files, NULL);

  if (file != NULL && content != NULL)
    g_hash_table_insert (files, (gpointer) file, (gpointer) content);
  else if (file != NULL)
    g_hash_table_remove (files, file);

  if (mode == MANIFEST_FRESH)
    write_manifest (tree, files, NULL);
  else if (mode == MANIFEST_WITHOUT_FILE)
    write_manifest (tree, files, file);

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    mt_test_tree_write (tree, key, value, -1);

  return tree;
}

static void
test_load_valid (void)
{
  g_autofree char *tree = write_patches (NULL, NULL, MANIFEST_FRESH);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatRules) rules = mt_compat_rules_load (tree, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (mt_compat_rules_get_n_rules (rules), ==, 3);
  g_assert_cmpuint (mt_compat_rules_get_n_probes (rules), ==, 2);
  /* sorted by id */
  g_assert_cmpstr (mt_compat_rules_get_id (rules, 0), ==, "compat-rule");
  g_assert_cmpstr (mt_compat_rules_get_id (rules, 1), ==, "diff-rule");
  g_assert_cmpstr (mt_compat_rules_get_id (rules, 2), ==, "fixup-rule");

  mt_test_tree_free (g_steal_pointer (&tree));
}

/* Modtune's own rules load: the manifest is current and every rule valid. */
static void
test_load_project_rules (void)
{
  g_autofree char *patches = mt_test_fixture_path ("..", "..", "patches", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatRules) rules = mt_compat_rules_load (patches, &error);
  gboolean found = FALSE;

  g_assert_no_error (error);
  g_assert_cmpuint (mt_compat_rules_get_n_rules (rules), >=, 10);
  for (guint i = 0; i < mt_compat_rules_get_n_rules (rules); i++)
    found |= g_str_equal (mt_compat_rules_get_id (rules, i), "kbuild-ccflags");
  g_assert_true (found);
}

typedef struct
{
  const char *what;
  const char *file;
  const char *content;
  ManifestMode mode;
  const char *expected;
} BadCase;

#define RULE_HEAD(kind)                                                            \
  "[Rule]\nId=compat-rule\nModules=vmmon;\nKernelChange=x\nSince=6.15\nKind=" kind \
  "\nProbe=old-api\nRequires=new-api;\n"

#define FIXUP_HEAD "[Rule]\nId=fixup-rule\nModules=vmmon;\nKernelChange=x\nSince=6.9\nKind=fixup\n"
#define DIFF_HEAD                                                                \
  "[Rule]\nId=diff-rule\nModules=vmmon;\nKernelChange=x\nSince=6.5\nKind=diff\n" \
  "Probe=old-api\nInterfaces=416;\nDiff=vmmon-416-walk.diff\n"
#define DIFF_FILE "diffs/vmmon-416-walk.diff"
#define HUNK      "@@ -2,3 +2,3 @@\n line2\n-walk();\n+lookup();\n line4\n"

static const BadCase bad_cases[] = {
  /* the manifest (SECURITY.md rule 14) */
  { "no manifest", NULL, NULL, MANIFEST_NONE, "manifest cannot be read" },
  { "a rule not in the manifest", "rules/fixup-rule.rule", FIXUP_RULE, MANIFEST_WITHOUT_FILE,
    "not listed in patches/MANIFEST" },
  { "a probe changed after the manifest", "probes/old-api.c", PROBE_OLD "int z;\n",
    MANIFEST_BEFORE_CHANGE, "differs from the one in patches/MANIFEST" },
  { "a diff changed after the manifest", DIFF_FILE, DIFF " line5\n", MANIFEST_BEFORE_CHANGE,
    "differs from the one in patches/MANIFEST" },
  { "a listed file is missing", "probes/new-api.c", NULL, MANIFEST_BEFORE_CHANGE,
    "lists probes/new-api.c, which does not exist" },
  { "a malformed manifest", "MANIFEST", "abc  rules/fixup-rule.rule\n", MANIFEST_FRESH,
    "line 1 is not" },
  { "an unexpected file", "rules/README.md", "hello\n", MANIFEST_FRESH, "an unexpected file" },
  /* rule files */
  { "not a key file", "rules/compat-rule.rule", "garbage\n", MANIFEST_FRESH, "compat-rule.rule" },
  { "an unknown key", "rules/compat-rule.rule", COMPAT_RULE "Colour=blue\n", MANIFEST_FRESH,
    "unknown key “Colour” in [Rule]" },
  { "an unknown group", "rules/compat-rule.rule", COMPAT_RULE "[Extra]\nA=b\n", MANIFEST_FRESH,
    "unknown group [Extra]" },
  { "a missing key", "rules/compat-rule.rule",
    "[Rule]\nId=compat-rule\nModules=vmmon;\nSince=6.15\nKind=compat\nProbe=old-api\n"
    "Requires=new-api;\nCompat=#define a b\n",
    MANIFEST_FRESH, "[Rule] has no KernelChange" },
  { "an id that is not the file name", "rules/compat-rule.rule",
    "[Rule]\nId=other\nModules=vmmon;\nKernelChange=x\nSince=6.15\nKind=compat\nProbe=old-api\n"
    "Requires=new-api;\nCompat=#define a b\n",
    MANIFEST_FRESH, "its Id is its file name" },
  { "an unknown kind", "rules/compat-rule.rule", RULE_HEAD ("patch") "Compat=#define a b\n",
    MANIFEST_FRESH, "Kind is compat, fixup or diff" },
  { "a version that is not a release", "rules/compat-rule.rule",
    "[Rule]\nId=compat-rule\nModules=vmmon;\nKernelChange=x\nSince=6\nKind=compat\n"
    "Probe=old-api\nRequires=new-api;\nCompat=#define a b\n",
    MANIFEST_FRESH, "Since is a mainline release" },
  { "an unknown module", "rules/compat-rule.rule",
    "[Rule]\nId=compat-rule\nModules=vmci;\nKernelChange=x\nSince=6.15\nKind=compat\n"
    "Probe=old-api\nRequires=new-api;\nCompat=#define a b\n",
    MANIFEST_FRESH, "Modules lists vmmon, vmnet" },
  { "a probe that does not exist", "rules/compat-rule.rule",
    "[Rule]\nId=compat-rule\nModules=vmmon;\nKernelChange=x\nSince=6.15\nKind=compat\n"
    "Probe=no-such\nRequires=new-api;old-api;\nCompat=#define a b\n",
    MANIFEST_FRESH, "its Probe patches/probes/no-such.c does not exist" },
  { "a required probe that does not exist", "rules/compat-rule.rule",
    "[Rule]\nId=compat-rule\nModules=vmmon;\nKernelChange=x\nSince=6.15\nKind=compat\n"
    "Probe=old-api\nRequires=new-api;gone;\nCompat=#define a b\n",
    MANIFEST_FRESH, "its Requires names patches/probes/gone.c" },
  { "a compat line with an include", "rules/compat-rule.rule",
    RULE_HEAD ("compat") "Compat=#define a b\\n#include <linux/x.h>\n", MANIFEST_FRESH,
    "every Compat line" },
  { "a compat rule with a fixup", "rules/compat-rule.rule",
    COMPAT_RULE "[Fixup 1]\nFile=vmmon-only/a.c\nPattern=a\nReplacement=b\n", MANIFEST_FRESH,
    "only a rule of kind fixup" },
  { "a fixup outside the rule's modules", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\n[Fixup 1]\nFile=vmnet-only/driver.c\nPattern=a\nReplacement=b\n",
    MANIFEST_FRESH, "a fixup’s File is a plain relative path" },
  { "a fixup with ..", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\n[Fixup 1]\nFile=vmmon-only/../../etc/passwd\nPattern=a\n"
               "Replacement=b\n",
    MANIFEST_FRESH, "a fixup’s File is a plain relative path" },
  { "a fixup with an absolute path", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\n[Fixup 1]\nFile=/etc/passwd\nPattern=a\nReplacement=b\n",
    MANIFEST_FRESH, "a fixup’s File is a plain relative path" },
  { "a fixup without replacement", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\n[Fixup 1]\nFile=vmmon-only/driver.c\nPattern=a\n", MANIFEST_FRESH,
    "[Fixup 1] has no Replacement" },
  { "a fixup that changes nothing", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\n[Fixup 1]\nFile=vmmon-only/driver.c\nPattern=a\nReplacement=a\n",
    MANIFEST_FRESH, "Replacement is its Pattern" },
  { "a module-wide objtool exclusion", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\n[Fixup 1]\nFile=vmmon-only/Makefile.kernel\nPattern=obj-m\n"
               "Replacement=OBJECT_FILES_NON_STANDARD := y\\nobj-m\n",
    MANIFEST_FRESH, "never the whole module" },
  { "fixups with a gap", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\n[Fixup 2]\nFile=vmmon-only/driver.c\nPattern=a\nReplacement=b\n",
    MANIFEST_FRESH, "numbered 1, 2, 3" },
  { "a fixup rule without fixups", "rules/fixup-rule.rule", FIXUP_HEAD "Probe=old-api\n",
    MANIFEST_FRESH, "at least one [Fixup 1]" },
  { "a module without fixup", "rules/fixup-rule.rule",
    "[Rule]\nId=fixup-rule\nModules=vmmon;vmnet;\nKernelChange=x\nSince=6.9\nKind=fixup\n"
    "Probe=old-api\n[Fixup 1]\nFile=vmmon-only/driver.c\nPattern=a\nReplacement=b\n",
    MANIFEST_FRESH, "changes no file of vmnet-only/" },
  { "an unknown fixup key", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\n[Fixup 1]\nFile=vmmon-only/driver.c\nPattern=a\nReplacement=b\n"
               "Regex=.*\n",
    MANIFEST_FRESH, "unknown key “Regex” in [Fixup 1]" },
  { "a compat key in a fixup rule", "rules/fixup-rule.rule",
    FIXUP_HEAD "Probe=old-api\nCompat=#define a b\n[Fixup 1]\nFile=vmmon-only/driver.c\n"
               "Pattern=a\nReplacement=b\n",
    MANIFEST_FRESH, "Compat does not belong in a rule of kind fixup" },
  /* diffs */
  { "a diff for vmnet", "rules/diff-rule.rule",
    "[Rule]\nId=diff-rule\nModules=vmnet;\nKernelChange=x\nSince=6.5\nKind=diff\n"
    "Probe=old-api\nInterfaces=416;\nDiff=vmmon-416-walk.diff\n",
    MANIFEST_FRESH, "keyed by the vmmon interface version" },
  { "a diff without interfaces", "rules/diff-rule.rule",
    "[Rule]\nId=diff-rule\nModules=vmmon;\nKernelChange=x\nSince=6.5\nKind=diff\n"
    "Probe=old-api\nDiff=vmmon-416-walk.diff\n",
    MANIFEST_FRESH, "[Rule] has no Interfaces" },
  { "a diff that does not exist", "rules/diff-rule.rule",
    "[Rule]\nId=diff-rule\nModules=vmmon;\nKernelChange=x\nSince=6.5\nKind=diff\n"
    "Probe=old-api\nInterfaces=416;\nDiff=nothing.diff\n",
    MANIFEST_FRESH, "its diff patches/diffs/nothing.diff does not exist" },
  { "an ed-style hunk", DIFF_FILE, "1,2c\nrm -rf /\n.\n", MANIFEST_FRESH, "an ed-style hunk" },
  { "a shell escape", DIFF_FILE, "!id\n", MANIFEST_FRESH, "a shell escape" },
  { "a context diff", DIFF_FILE, "*** a/vmmon-only/pgtbl.h\n--- b/vmmon-only/pgtbl.h\n",
    MANIFEST_FRESH, "a context diff" },
  { "an absolute path", DIFF_FILE, "--- /etc/passwd\n+++ /etc/passwd\n" HUNK, MANIFEST_FRESH,
    "an absolute path" },
  { "a path with ..", DIFF_FILE, "--- a/vmmon-only/../../x\n+++ b/vmmon-only/../../x\n" HUNK,
    MANIFEST_FRESH, "a path with “..”" },
  { "a created file", DIFF_FILE, "--- /dev/null\n+++ b/vmmon-only/new.c\n@@ -0,0 +1 @@\n+x\n",
    MANIFEST_FRESH, "a file is created or deleted" },
  { "a renamed file", DIFF_FILE, "--- a/vmmon-only/a.h\n+++ b/vmmon-only/b.h\n" HUNK,
    MANIFEST_FRESH, "a file is renamed" },
  { "a git mode change", DIFF_FILE, "diff --git a/x b/x\nold mode 100644\nnew mode 100755\n",
    MANIFEST_FRESH, "made executable" },
  { "a hunk without context", DIFF_FILE,
    "--- a/vmmon-only/pgtbl.h\n+++ b/vmmon-only/pgtbl.h\n@@ -3,0 +4 @@\n+x\n", MANIFEST_FRESH,
    "a hunk without context lines" },
  { "wrong hunk counts", DIFF_FILE,
    "--- a/vmmon-only/pgtbl.h\n+++ b/vmmon-only/pgtbl.h\n@@ -2,1 +2,2 @@\n line2\n-walk();\n"
    "+lookup();\n",
    MANIFEST_FRESH, "line counts are wrong" },
  { "a hunk cut short", DIFF_FILE,
    "--- a/vmmon-only/pgtbl.h\n+++ b/vmmon-only/pgtbl.h\n@@ -2,5 +2,5 @@\n line2\n-walk();\n",
    MANIFEST_FRESH, "ends inside a hunk" },
  { "carriage returns", DIFF_FILE, "--- a/vmmon-only/pgtbl.h\r\n", MANIFEST_FRESH,
    "a carriage return" },
  { "no newline at the end", DIFF_FILE,
    "--- a/vmmon-only/pgtbl.h\n+++ b/vmmon-only/pgtbl.h\n@@ -2,1 +2,1 @@\n-walk();\n"
    "\\ No newline at end of file\n+x\n",
    MANIFEST_FRESH, "without a newline" },
  { "a file outside vmmon-only", DIFF_FILE,
    "--- a/vmnet-only/pgtbl.h\n+++ b/vmnet-only/pgtbl.h\n" HUNK, MANIFEST_FRESH,
    "outside vmmon-only/" },
  { "a file changed twice", DIFF_FILE,
    DIFF "--- a/vmmon-only/pgtbl.h\n+++ b/vmmon-only/pgtbl.h\n" HUNK, MANIFEST_FRESH,
    "a file is changed twice" },
  { "a hunk that changes nothing", DIFF_FILE,
    "--- a/vmmon-only/pgtbl.h\n+++ b/vmmon-only/pgtbl.h\n@@ -2,1 +2,1 @@\n line2\n", MANIFEST_FRESH,
    "changes nothing" },
  { "a diff no rule uses", "diffs/other.diff", DIFF, MANIFEST_FRESH, "no rule uses it" },
  /* probes */
  { "a probe without its comment", "probes/old-api.c", "int x;\n", MANIFEST_FRESH,
    "one-line comment" },
  { "a probe no rule uses", "probes/spare.c", PROBE_NEW, MANIFEST_FRESH, "no rule uses it" },
  { "a probe with an odd name", "probes/Odd.c", PROBE_NEW, MANIFEST_FRESH, "lower-case letters" },
};

static void
test_load_rejects (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autofree char *tree = write_patches (c->file, c->content, c->mode);
      g_autoptr (GError) error = NULL;
      g_autoptr (MtCompatRules) rules = NULL;

      g_test_message ("%s", c->what);
      rules = mt_compat_rules_load (tree, &error);
      g_assert_null (rules);
      g_assert_nonnull (error);
      g_assert_true (error->domain == MT_ERROR);
      g_test_message ("  %s", error->message);
      if (strstr (error->message, c->expected) == NULL)
        g_error ("%s: “%s” does not say “%s”", c->what, error->message, c->expected);
      mt_test_tree_free (g_steal_pointer (&tree));
    }
}

static void
test_load_rejects_symlink (void)
{
  g_autofree char *tree = write_patches (NULL, NULL, MANIFEST_FRESH);
  g_autofree char *link = g_build_filename (tree, "rules", "link.rule", NULL);
  g_autofree char *manifest_path = g_build_filename (tree, "MANIFEST", NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *longer = NULL;
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, FIXUP_RULE, -1);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatRules) rules = NULL;

  g_assert_cmpint (symlink ("fixup-rule.rule", link), ==, 0);
  g_file_get_contents (manifest_path, &manifest, NULL, &error);
  g_assert_no_error (error);
  longer = g_strconcat (manifest, sha, "  rules/link.rule\n", NULL);
  mt_test_tree_write (tree, "MANIFEST", longer, -1);

  rules = mt_compat_rules_load (tree, &error);
  g_assert_null (rules);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "link.rule: not a regular file"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

/* --- applying, with the probes' results given -------------------------- */

#define DRIVER_C   "int x;\n   old_lock();\n   old_lock();\n"
#define PGTBL_H    "line1\nline2\nwalk();\nline4\nline5\n"
#define IOCTL_416  "#define VMMON_VERSION           (416 << 16 | 0)\n"
#define IOCTL_417  "#define VMMON_VERSION           (417 << 16 | 0)\n"
#define VMNET_C    "int y;\n   old_lock();\n"
#define RELEASE    "7.3.4+deb13-amd64"
#define BUILD_DIR  "/lib/modules/" RELEASE "/build"
#define OLD_DETAIL "old-api.c:3:1: error: implicit declaration of function 'old_api'"

static char *
write_sources (const char *iocontrols, const char *driver, const char *vmnet)
{
  char *tree = mt_test_tree_new ();

  mt_test_tree_write (tree, "vmmon-only/driver.c", driver, -1);
  mt_test_tree_write (tree, "vmmon-only/pgtbl.h", PGTBL_H, -1);
  mt_test_tree_write (tree, "vmmon-only/include/iocontrols.h", iocontrols, -1);
  mt_test_tree_write (tree, "vmnet-only/driver.c", vmnet, -1);

  return tree;
}

static GHashTable *
make_probes (gboolean old_passes, gboolean new_passes)
{
  GHashTable *probes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) _mt_compat_probe_result_free);

  g_hash_table_insert (probes, g_strdup ("old-api"),
                       _mt_compat_probe_result_new (old_passes, old_passes ? NULL : OLD_DETAIL));
  g_hash_table_insert (probes, g_strdup ("new-api"),
                       _mt_compat_probe_result_new (new_passes, new_passes ? NULL : "no"));

  return probes;
}

static MtCompatRules *
load_valid_rules (char **patches)
{
  g_autoptr (GError) error = NULL;
  MtCompatRules *rules;

  *patches = write_patches (NULL, NULL, MANIFEST_FRESH);
  rules = mt_compat_rules_load (*patches, &error);
  g_assert_no_error (error);

  return rules;
}

static char *
read_tree_file (const char *tree, const char *rel)
{
  g_autofree char *path = g_build_filename (tree, rel, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

static void
assert_outcome (MtCompatReport *report, const char *id, MtCompatOutcome outcome, const char *reason)
{
  int index = mt_compat_report_find (report, id);

  g_assert_cmpint (index, >=, 0);
  g_test_message ("%s: %s: %s", id,
                  mt_compat_outcome_to_string (mt_compat_report_get_outcome (report, index)),
                  mt_compat_report_get_reason (report, index));
  g_assert_cmpstr (mt_compat_outcome_to_string (mt_compat_report_get_outcome (report, index)), ==,
                   mt_compat_outcome_to_string (outcome));
  if (strstr (mt_compat_report_get_reason (report, index), reason) == NULL)
    g_error ("the reason of %s, “%s”, does not say “%s”", id,
             mt_compat_report_get_reason (report, index), reason);
}

static void
test_apply_needed (void)
{
  g_autofree char *patches = NULL;
  g_autoptr (MtCompatRules) rules = load_valid_rules (&patches);
  g_autofree char *src = write_sources (IOCTL_416, DRIVER_C, VMNET_C);
  g_autoptr (GHashTable) probes = make_probes (FALSE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatReport) report = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *driver = NULL;
  g_autofree char *pgtbl = NULL;
  g_autofree char *header = NULL;
  g_autofree char *header_path = NULL;
  g_autofree char *text = NULL;
  const char *const *ccflags;

  report = _mt_compat_apply_with_probes (rules, "vmmon", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_compat_report_get_module (report), ==, "vmmon");
  g_assert_cmpstr (mt_compat_report_get_kernel_release (report), ==, RELEASE);
  g_assert_cmpint (mt_compat_report_get_interface_version (report), ==, 416);
  g_assert_cmpuint (mt_compat_report_get_n_results (report), ==, 3);

  /* each outcome says which probe decided, with its evidence */
  assert_outcome (report, "compat-rule", MT_COMPAT_OUTCOME_APPLIED, OLD_DETAIL);
  assert_outcome (report, "fixup-rule", MT_COMPAT_OUTCOME_APPLIED,
                  "Changed vmmon-only/driver.c in 2 places");
  assert_outcome (report, "diff-rule", MT_COMPAT_OUTCOME_APPLIED, "Changed vmmon-only/pgtbl.h");
  g_assert_true (mt_compat_report_check (report, &error));
  g_assert_no_error (error);

  /* every occurrence of the pattern is replaced; the diff applied */
  driver = read_tree_file (src, "vmmon-only/driver.c");
  g_assert_cmpstr (driver, ==, "int x;\n   new_lock();\n   new_lock();\n");
  pgtbl = read_tree_file (src, "vmmon-only/pgtbl.h");
  g_assert_cmpstr (pgtbl, ==, "line1\nline2\nlookup();\nline4\nline5\n");

  /* the header, and the flags that force-include it */
  header = read_tree_file (src, "vmmon-only/" MT_COMPAT_HEADER_NAME);
  g_assert_nonnull (strstr (header, "\n#define old_api(x) new_api(x)\n"));
  g_assert_nonnull (strstr (header, "compat-rule (Linux 6.15)"));
  ccflags = mt_compat_report_get_ccflags (report);
  header_path = g_build_filename (src, "vmmon-only", MT_COMPAT_HEADER_NAME, NULL);
  g_assert_cmpstr (ccflags[0], ==, "-include");
  g_assert_cmpstr (ccflags[1], ==, header_path);
  g_assert_null (ccflags[2]);

  json = mt_compat_report_to_json (report);
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"succeeded\":true"));
  g_assert_nonnull (strstr (text, "\"interface_version\":416"));
  g_assert_nonnull (
    strstr (text, "\"id\":\"fixup-rule\",\"kind\":\"fixup\",\"kernel_change\":\"old_lock() is "
                  "gone\",\"since\":\"6.9\",\"probe\":\"old-api\",\"outcome\":\"applied\""));
  g_assert_nonnull (strstr (text, "\"files\":[\"vmmon-only/driver.c\"]"));
  g_assert_nonnull (strstr (text, "{\"id\":\"old-api\",\"passed\":false,\"detail\":"));

  /* a second run on the same copy is refused */
  g_clear_object (&report);
  report = _mt_compat_apply_with_probes (rules, "vmmon", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_assert_null (report);

  mt_test_tree_free (g_steal_pointer (&src));
  mt_test_tree_free (g_steal_pointer (&patches));
}

static void
test_apply_not_needed (void)
{
  g_autofree char *patches = NULL;
  g_autoptr (MtCompatRules) rules = load_valid_rules (&patches);
  g_autofree char *src = write_sources (IOCTL_417, DRIVER_C, VMNET_C);
  g_autoptr (GHashTable) probes = make_probes (TRUE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatReport) report = NULL;
  g_autofree char *driver = NULL;
  g_autofree char *header = NULL;

  report = _mt_compat_apply_with_probes (rules, "vmmon", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_no_error (error);
  assert_outcome (report, "compat-rule", MT_COMPAT_OUTCOME_NOT_NEEDED,
                  "Probe “old-api” builds against " RELEASE
                  ": “Builds if the kernel still has old_api().”");
  assert_outcome (report, "fixup-rule", MT_COMPAT_OUTCOME_NOT_NEEDED, "Probe “old-api” builds");
  assert_outcome (report, "diff-rule", MT_COMPAT_OUTCOME_NOT_NEEDED,
                  "for vmmon interface 416; these sources are interface 417");
  g_assert_true (mt_compat_report_check (report, NULL));

  driver = read_tree_file (src, "vmmon-only/driver.c");
  g_assert_cmpstr (driver, ==, DRIVER_C);
  header = read_tree_file (src, "vmmon-only/" MT_COMPAT_HEADER_NAME);
  g_assert_null (strstr (header, "#define old_api"));

  mt_test_tree_free (g_steal_pointer (&src));
  mt_test_tree_free (g_steal_pointer (&patches));
}

/* The sources already carry the change (FixedIf), or the rule is for the
 * other module. */
static void
test_apply_fixed_in_sources (void)
{
  g_autofree char *patches = NULL;
  g_autoptr (MtCompatRules) rules = load_valid_rules (&patches);
  g_autofree char *src = write_sources (IOCTL_417, "int x;\n   new_lock();\n", VMNET_C);
  g_autoptr (GHashTable) probes = make_probes (FALSE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatReport) report = NULL;

  report = _mt_compat_apply_with_probes (rules, "vmmon", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_no_error (error);
  assert_outcome (report, "fixup-rule", MT_COMPAT_OUTCOME_NOT_NEEDED,
                  "vmmon-only/driver.c already has “new_lock()”");
  g_clear_object (&report);

  report = _mt_compat_apply_with_probes (rules, "vmnet", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_no_error (error);
  assert_outcome (report, "compat-rule", MT_COMPAT_OUTCOME_NOT_NEEDED, "for vmmon only");
  assert_outcome (report, "diff-rule", MT_COMPAT_OUTCOME_NOT_NEEDED, "for vmmon only");
  assert_outcome (report, "fixup-rule", MT_COMPAT_OUTCOME_APPLIED,
                  "Changed vmnet-only/driver.c in 1 place");
  g_assert_cmpint (mt_compat_report_get_interface_version (report), ==, -1);

  mt_test_tree_free (g_steal_pointer (&src));
  mt_test_tree_free (g_steal_pointer (&patches));
}

/* A needed rule whose pattern or diff does not match fails the report,
 * and leaves the files as they were. */
static void
test_apply_not_matched (void)
{
  g_autofree char *patches = NULL;
  g_autoptr (MtCompatRules) rules = load_valid_rules (&patches);
  g_autofree char *src = write_sources (IOCTL_416, "int x;\n", "int y;\n   other();\n");
  g_autoptr (GHashTable) probes = make_probes (FALSE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatReport) report = NULL;
  g_autofree char *driver = NULL;
  g_autofree char *pgtbl = NULL;

  mt_test_tree_write (src, "vmmon-only/pgtbl.h", "line1\nline2\nother();\nline4\n", -1);

  report = _mt_compat_apply_with_probes (rules, "vmmon", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_no_error (error);
  assert_outcome (report, "fixup-rule", MT_COMPAT_OUTCOME_NOT_MATCHED,
                  "“old_lock()” is not in vmmon-only/driver.c");
  assert_outcome (report, "diff-rule", MT_COMPAT_OUTCOME_NOT_MATCHED,
                  "Hunk 1 of diffs/vmmon-416-walk.diff (line 4 of the diff) does not match");
  g_assert_false (mt_compat_report_check (report, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "failed: diff-rule, fixup-rule"));
  g_clear_error (&error);

  driver = read_tree_file (src, "vmmon-only/driver.c");
  g_assert_cmpstr (driver, ==, "int x;\n");
  pgtbl = read_tree_file (src, "vmmon-only/pgtbl.h");
  g_assert_cmpstr (pgtbl, ==, "line1\nline2\nother();\nline4\n");
  g_clear_object (&report);

  /* a multi-line pattern must match with its indentation */
  report = _mt_compat_apply_with_probes (rules, "vmnet", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_no_error (error);
  assert_outcome (report, "fixup-rule", MT_COMPAT_OUTCOME_NOT_MATCHED,
                  "“old_lock();” is not in vmnet-only/driver.c");

  mt_test_tree_free (g_steal_pointer (&src));
  mt_test_tree_free (g_steal_pointer (&patches));
}

static void
test_apply_unsupported (void)
{
  g_autofree char *patches = NULL;
  g_autoptr (MtCompatRules) rules = load_valid_rules (&patches);
  g_autofree char *src = write_sources (IOCTL_417, DRIVER_C, VMNET_C);
  g_autoptr (GHashTable) probes = make_probes (FALSE, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatReport) report = NULL;

  report = _mt_compat_apply_with_probes (rules, "vmmon", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_no_error (error);
  assert_outcome (report, "compat-rule", MT_COMPAT_OUTCOME_UNSUPPORTED,
                  "Probe “new-api” does not build against " RELEASE " (no).");
  g_assert_false (mt_compat_report_check (report, NULL));

  mt_test_tree_free (g_steal_pointer (&src));
  mt_test_tree_free (g_steal_pointer (&patches));
}

/* A symbolic link in the sources is not followed, nor written through. */
static void
test_apply_symlink (void)
{
  g_autofree char *patches = NULL;
  g_autoptr (MtCompatRules) rules = load_valid_rules (&patches);
  g_autofree char *src = write_sources (IOCTL_417, DRIVER_C, VMNET_C);
  g_autofree char *outside = mt_test_tree_new ();
  g_autofree char *target = g_build_filename (outside, "victim.c", NULL);
  g_autofree char *link = g_build_filename (src, "vmmon-only", "driver.c", NULL);
  g_autoptr (GHashTable) probes = make_probes (FALSE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatReport) report = NULL;
  g_autofree char *victim = NULL;

  mt_test_tree_write (outside, "victim.c", DRIVER_C, -1);
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);

  report = _mt_compat_apply_with_probes (rules, "vmmon", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_no_error (error);
  assert_outcome (report, "fixup-rule", MT_COMPAT_OUTCOME_NOT_MATCHED,
                  "vmmon-only/driver.c is not in the sources, or is not a plain file");
  victim = read_tree_file (outside, "victim.c");
  g_assert_cmpstr (victim, ==, DRIVER_C);

  mt_test_tree_free (g_steal_pointer (&outside));
  mt_test_tree_free (g_steal_pointer (&src));
  mt_test_tree_free (g_steal_pointer (&patches));
}

static void
test_apply_bad_arguments (void)
{
  g_autofree char *patches = NULL;
  g_autoptr (MtCompatRules) rules = load_valid_rules (&patches);
  g_autofree char *src = write_sources (IOCTL_417, DRIVER_C, VMNET_C);
  g_autofree char *odd = g_build_filename (src, "a dir", NULL);
  g_autoptr (GHashTable) probes = make_probes (FALSE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatReport) report = NULL;

  report = _mt_compat_apply_with_probes (rules, "vmci", src, RELEASE, BUILD_DIR, probes, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  report = mt_compat_apply (rules, "vmmon", patches, BUILD_DIR, NULL, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "has no vmmon-only directory"));
  g_clear_error (&error);

  /* not a kernel build directory: refused before anything is built */
  report = mt_compat_apply (rules, "vmmon", src, src, NULL, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "is not a kernel build directory"));
  g_clear_error (&error);

  /* a path make would split or expand */
  mt_test_tree_write (odd, "vmmon-only/driver.c", DRIVER_C, -1);
  report = _mt_compat_apply_with_probes (rules, "vmmon", odd, RELEASE, BUILD_DIR, probes, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_assert_null (report);

  mt_test_tree_free (g_steal_pointer (&src));
  mt_test_tree_free (g_steal_pointer (&patches));
}

/* --- diffs on their own ------------------------------------------------- */

static void
test_diff_apply (void)
{
  static const char diff_text[] = "--- a/vmmon-only/a.c\n"
                                  "+++ b/vmmon-only/a.c\n"
                                  "@@ -2,3 +2,4 @@\n"
                                  " two\n"
                                  "-three\n"
                                  "+THREE\n"
                                  "+three and a half\n"
                                  " four\n"
                                  "@@ -8,2 +9,2 @@\n"
                                  " eight\n"
                                  "-nine\n"
                                  "+NINE\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MtCompatDiff) diff = mt_compat_diff_parse (diff_text, strlen (diff_text), "t", &error);
  g_autofree char *exact = NULL;
  g_autofree char *shifted = NULL;
  g_autofree char *no_newline = NULL;
  char *result;

  g_assert_no_error (error);
  g_assert_cmpuint (mt_compat_diff_get_n_files (diff), ==, 1);
  g_assert_cmpstr (mt_compat_diff_get_path (diff, 0), ==, "vmmon-only/a.c");

  exact = mt_compat_diff_apply_file (
    diff, 0, "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exact, ==,
                   "one\ntwo\nTHREE\nthree and a half\nfour\nfive\nsix\nseven\neight\nNINE\nten\n");

  /* lines added above: the hunks are found further down, without fuzz */
  shifted = mt_compat_diff_apply_file (
    diff, 0, "zero\nzero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (
    shifted, ==,
    "zero\nzero\none\ntwo\nTHREE\nthree and a half\nfour\nfive\nsix\nseven\neight\nNINE");

  /* a changed context line is a mismatch, not a guess */
  result = mt_compat_diff_apply_file (diff, 0, "one\ntwo\nthree\nFOUR\n", &error);
  g_assert_null (result);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "Hunk 1 of t (line 3 of the diff) does not match"));
  g_clear_error (&error);

  /* the second hunk may not match before the first */
  result = mt_compat_diff_apply_file (diff, 0, "eight\nnine\none\ntwo\nthree\nfour\n", &error);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "Hunk 2 of t"));
  g_clear_error (&error);

  no_newline = mt_compat_diff_apply_file (diff, 0, "", &error);
  g_assert_null (no_newline);
  g_clear_error (&error);
}

static void
test_diff_paths (void)
{
  const char *const safe[] = { "vmmon-only/linux/driver.c", "a", "a/b_c-d+e.f" };
  const char *const unsafe[] = { "",   "/etc/passwd", "a/../b", "..",   "a/./b",
                                 "a/", "a//b",        "a b",    "a\\b", "a/$(x)" };

  for (guint i = 0; i < G_N_ELEMENTS (safe); i++)
    g_assert_true (mt_compat_path_is_safe (safe[i]));
  for (guint i = 0; i < G_N_ELEMENTS (unsafe); i++)
    g_assert_false (mt_compat_path_is_safe (unsafe[i]));
}

/* --- probes' results from make's output ---------------------------------- */

static void
test_probe_log (void)
{
  g_autofree char *dir = mt_test_tree_new ();
  g_autofree char *log = NULL;
  const char *const ids[] = { "a", "b", "c", "d", "e", NULL };
  g_autoptr (GHashTable) results = NULL;
  MtCompatProbeResult *r;

  mt_test_tree_write (dir, "a.o", "", 0);
  mt_test_tree_write (dir, "b.o", "", 0);
  log = g_strdup_printf (
    "  CC [M]  %s/a.o\n"
    /* 6.12 prints absolute paths, 7.x relative ones; "xa.o" is not "a.o" */
    "%s/b.o: warning: objtool: f+0x2f: call to csum_partial_copy_nocheck() with UACCESS "
    "enabled\n"
    "xa.o: warning: objtool: other\n"
    "c.c:3:1: error: implicit declaration of function 'old_api'\n"
    "In file included from %s/d.c:2:\n"
    "/usr/src/linux-headers-6.12/arch/x86/include/asm/timex.h:12:24: error: implicit "
    "declaration of function 'random_get_entropy_fallback'\n"
    "e.o: error: objtool: init_module(): Magic init_module() function name is deprecated\x1b[0m\n",
    dir, dir, dir);

  results = _mt_compat_probes_read_results (dir, ids, log);
  r = g_hash_table_lookup (results, "a");
  g_assert_true (r->passed);
  g_assert_null (r->detail);
  r = g_hash_table_lookup (results, "b");
  g_assert_false (r->passed);
  g_assert_cmpstr (r->detail, ==,
                   "b.o: warning: objtool: f+0x2f: call to csum_partial_copy_nocheck() with "
                   "UACCESS enabled");
  r = g_hash_table_lookup (results, "c");
  g_assert_false (r->passed);
  g_assert_cmpstr (r->detail, ==, "c.c:3:1: error: implicit declaration of function 'old_api'");
  r = g_hash_table_lookup (results, "d");
  g_assert_false (r->passed);
  g_assert_cmpstr (r->detail, ==,
                   "asm/timex.h:12:24: error: implicit declaration of function "
                   "'random_get_entropy_fallback'");
  /* no control character reaches a report */
  r = g_hash_table_lookup (results, "e");
  g_assert_false (r->passed);
  g_assert_cmpstr (r->detail, ==,
                   "e.o: error: objtool: init_module(): Magic init_module() function name is "
                   "deprecated [0m");

  mt_test_tree_free (g_steal_pointer (&dir));
}

static void
test_kernel_release (void)
{
  g_autofree char *dir = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *release = NULL;

  release = _mt_compat_read_kernel_release (dir, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_assert_null (release);
  g_clear_error (&error);

  mt_test_tree_write (dir, "include/generated/utsrelease.h",
                      "#define UTS_RELEASE \"6.12.118+deb13-amd64\"\n", -1);
  release = _mt_compat_read_kernel_release (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (release, ==, "6.12.118+deb13-amd64");
  g_clear_pointer (&release, g_free);

  /* a release that could climb out of /lib/modules is not one */
  mt_test_tree_write (dir, "include/generated/utsrelease.h", "#define UTS_RELEASE \"../..\"\n", -1);
  release = _mt_compat_read_kernel_release (dir, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  mt_test_tree_write (dir, "include/config/kernel.release", "7.3.4+deb13-amd64\n", -1);
  release = _mt_compat_read_kernel_release (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (release, ==, "7.3.4+deb13-amd64");

  mt_test_tree_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/compat/load/valid", test_load_valid);
  g_test_add_func ("/compat/load/project-rules", test_load_project_rules);
  g_test_add_func ("/compat/load/rejects", test_load_rejects);
  g_test_add_func ("/compat/load/rejects-symlink", test_load_rejects_symlink);
  g_test_add_func ("/compat/apply/needed", test_apply_needed);
  g_test_add_func ("/compat/apply/not-needed", test_apply_not_needed);
  g_test_add_func ("/compat/apply/fixed-in-sources", test_apply_fixed_in_sources);
  g_test_add_func ("/compat/apply/not-matched", test_apply_not_matched);
  g_test_add_func ("/compat/apply/unsupported", test_apply_unsupported);
  g_test_add_func ("/compat/apply/symlink", test_apply_symlink);
  g_test_add_func ("/compat/apply/bad-arguments", test_apply_bad_arguments);
  g_test_add_func ("/compat/diff/apply", test_diff_apply);
  g_test_add_func ("/compat/diff/paths", test_diff_paths);
  g_test_add_func ("/compat/probes/log", test_probe_log);
  g_test_add_func ("/compat/probes/kernel-release", test_kernel_release);

  return g_test_run ();
}
