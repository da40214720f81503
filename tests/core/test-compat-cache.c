/* test-compat-cache.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mt-compat-private.h"
#include "mt-test-util.h"

#define RELEASE "6.12.118+deb13-amd64"

static void
add_probe (GHashTable *probes, const char *id, const char *source)
{
  MtCompatProbe *probe = g_new0 (MtCompatProbe, 1);

  probe->id = g_strdup (id);
  probe->description = g_strdup ("a probe");
  probe->source = g_bytes_new (source, strlen (source));
  g_hash_table_replace (probes, probe->id, probe);
}

static GHashTable *
make_probes (void)
{
  GHashTable *probes =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _mt_compat_probe_free);

  add_probe (probes, "old-api", "/* old */\nint x;\n");
  add_probe (probes, "new-api", "/* new */\nint y;\n");
  return probes;
}

static GHashTable *
make_results (void)
{
  GHashTable *results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) _mt_compat_probe_result_free);

  g_hash_table_insert (results, g_strdup ("old-api"),
                       _mt_compat_probe_result_new (FALSE, "old-api.c:2:5: error: gone"));
  g_hash_table_insert (results, g_strdup ("new-api"), _mt_compat_probe_result_new (TRUE, NULL));
  return results;
}

static char *
make_kernel_tree (void)
{
  char *tree = mt_test_tree_new ();

  mt_test_tree_write (tree, ".config", "CONFIG_CC_VERSION_TEXT=\"gcc-14 14.2.0\"\n", -1);
  mt_test_tree_write (tree, "Module.symvers", "0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n", -1);
  mt_test_tree_write (tree, "Makefile", "VERSION = 6\n", -1);
  mt_test_tree_write (tree, "include/generated/utsrelease.h",
                      "#define UTS_RELEASE \"" RELEASE "\"\n", -1);
  mt_test_tree_write (tree, "tools/objtool/objtool", "ELF", -1);
  return tree;
}

static void
test_fingerprint (void)
{
  g_autoptr (GHashTable) probes = make_probes ();
  g_autofree char *tree = make_kernel_tree ();
  g_autofree char *first = _mt_compat_probes_fingerprint (probes, tree, RELEASE);
  g_autofree char *again = _mt_compat_probes_fingerprint (probes, tree, RELEASE);
  g_autofree char *other_release = _mt_compat_probes_fingerprint (probes, tree, "6.12.119");
  g_autofree char *objtool = g_build_filename (tree, "tools/objtool/objtool", NULL);
  g_autofree char *after_config = NULL;
  g_autofree char *after_probe = NULL;
  g_autofree char *after_objtool = NULL;

  g_assert_cmpuint (strlen (first), ==, 64);
  g_assert_cmpstr (first, ==, again);
  g_assert_cmpstr (first, !=, other_release);

  /* the kernel's configuration (and with it its compiler) changed */
  mt_test_tree_write (tree, ".config", "CONFIG_CC_VERSION_TEXT=\"gcc-15 15.1.0\"\n", -1);
  after_config = _mt_compat_probes_fingerprint (probes, tree, RELEASE);
  g_assert_cmpstr (after_config, !=, first);

  /* a probe changed */
  add_probe (probes, "new-api", "/* new */\nint y, z;\n");
  after_probe = _mt_compat_probes_fingerprint (probes, tree, RELEASE);
  g_assert_cmpstr (after_probe, !=, after_config);

  /* objtool was rebuilt: another size */
  mt_test_tree_write (tree, "tools/objtool/objtool", "ELF, rebuilt", -1);
  after_objtool = _mt_compat_probes_fingerprint (probes, tree, RELEASE);
  g_assert_cmpstr (after_objtool, !=, after_probe);

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_round_trip (void)
{
  g_autoptr (GHashTable) probes = make_probes ();
  g_autoptr (GHashTable) results = make_results ();
  g_autoptr (GHashTable) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *path = g_build_filename (tree, "store.json", NULL);
  MtCompatProbeResult *old_api;

  g_assert_true (_mt_compat_probes_cache_save (path, "abc", RELEASE, results, &error));
  g_assert_no_error (error);

  loaded = _mt_compat_probes_cache_load (path, probes, "abc");
  g_assert_nonnull (loaded);
  g_assert_cmpuint (g_hash_table_size (loaded), ==, 2);
  old_api = g_hash_table_lookup (loaded, "old-api");
  g_assert_false (old_api->passed);
  g_assert_cmpstr (old_api->detail, ==, "old-api.c:2:5: error: gone");
  g_assert_true (((MtCompatProbeResult *) g_hash_table_lookup (loaded, "new-api"))->passed);
  g_assert_null (((MtCompatProbeResult *) g_hash_table_lookup (loaded, "new-api"))->detail);

  /* another fingerprint: not these results */
  g_assert_null (_mt_compat_probes_cache_load (path, probes, "abd"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_rejects (void)
{
  const struct
  {
    const char *what;
    const char *text;
  } cases[] = {
    { "not JSON", "{\"format\": 1, \"probes\": " },
    { "not an object", "[1, 2]" },
    { "another format", "{\"format\": 2, \"fingerprint\": \"abc\", \"probes\": {}}" },
    { "no fingerprint",
      "{\"format\": 1, \"probes\": {\"old-api\": {\"passed\": true, \"detail\": null}, "
      "\"new-api\": {\"passed\": true, \"detail\": null}}}" },
    { "a probe missing", "{\"format\": 1, \"fingerprint\": \"abc\", \"probes\": "
                         "{\"old-api\": {\"passed\": true, \"detail\": null}}}" },
    { "a probe too many", "{\"format\": 1, \"fingerprint\": \"abc\", \"probes\": "
                          "{\"old-api\": {\"passed\": true, \"detail\": null}, "
                          "\"new-api\": {\"passed\": true, \"detail\": null}, "
                          "\"gone-api\": {\"passed\": true, \"detail\": null}}}" },
    { "another probe", "{\"format\": 1, \"fingerprint\": \"abc\", \"probes\": "
                       "{\"old-api\": {\"passed\": true, \"detail\": null}, "
                       "\"gone-api\": {\"passed\": true, \"detail\": null}}}" },
    { "passed is not a boolean", "{\"format\": 1, \"fingerprint\": \"abc\", \"probes\": "
                                 "{\"old-api\": {\"passed\": 1, \"detail\": null}, "
                                 "\"new-api\": {\"passed\": true, \"detail\": null}}}" },
    { "detail is a number", "{\"format\": 1, \"fingerprint\": \"abc\", \"probes\": "
                            "{\"old-api\": {\"passed\": true, \"detail\": 3}, "
                            "\"new-api\": {\"passed\": true, \"detail\": null}}}" },
    { "an unknown key", "{\"format\": 1, \"fingerprint\": \"abc\", \"probes\": "
                        "{\"old-api\": {\"passed\": true, \"detail\": null, \"why\": 1}, "
                        "\"new-api\": {\"passed\": true, \"detail\": null}}}" },
  };
  g_autoptr (GHashTable) probes = make_probes ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GHashTable) loaded = NULL;

      g_test_message ("%s", cases[i].what);
      loaded = _mt_compat_probes_cache_parse (cases[i].text, strlen (cases[i].text), probes, "abc");
      g_assert_null (loaded);
    }
}

static void
test_rejects_long_detail (void)
{
  g_autoptr (GHashTable) probes = make_probes ();
  g_autofree char *detail = g_strnfill (1001, 'x');
  g_autofree char *text = g_strdup_printf ("{\"format\": 1, \"fingerprint\": \"abc\", \"probes\": "
                                           "{\"old-api\": {\"passed\": false, \"detail\": \"%s\"}, "
                                           "\"new-api\": {\"passed\": true, \"detail\": null}}}",
                                           detail);
  g_autoptr (GHashTable) loaded =
    _mt_compat_probes_cache_parse (text, strlen (text), probes, "abc");

  g_assert_null (loaded);
}

static void
test_rejects_symlink (void)
{
  g_autoptr (GHashTable) probes = make_probes ();
  g_autoptr (GHashTable) results = make_results ();
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *real = g_build_filename (tree, "real.json", NULL);
  g_autofree char *link = g_build_filename (tree, "link.json", NULL);

  g_assert_true (_mt_compat_probes_cache_save (real, "abc", RELEASE, results, NULL));
  g_assert_cmpint (symlink (real, link), ==, 0);
  g_assert_null (_mt_compat_probes_cache_load (link, probes, "abc"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/compat-cache/fingerprint", test_fingerprint);
  g_test_add_func ("/compat-cache/round-trip", test_round_trip);
  g_test_add_func ("/compat-cache/rejects", test_rejects);
  g_test_add_func ("/compat-cache/rejects-long-detail", test_rejects_long_detail);
  g_test_add_func ("/compat-cache/rejects-symlink", test_rejects_symlink);

  return g_test_run ();
}
