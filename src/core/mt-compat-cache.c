/* mt-compat-cache.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-compat-cache"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mt-compat-private.h"
#include "mt-json.h"

/**
 * SECTION:mt-compat-cache
 *
 * The probes' results, kept on disk between builds.  Building the 23
 * probes costs more than building the modules themselves, and their
 * results can only change when the probes or the kernel's build tree do,
 * so the results are stored under a fingerprint of both: the probes'
 * sources, the kernel release and build directory, the contents of the
 * files that describe the kernel build (`.config` — which names the
 * compiler and its version —, `Module.symvers`, the generated headers,
 * the top Makefile) and the size and time of its build tools (objtool,
 * fixdep, modpost).  A stored file that does not parse, has another
 * fingerprint or lacks a probe is ignored, and the probes are built again.
 */

#define CACHE_FORMAT 1

/* Module.symvers of a distribution kernel is 1–2 MiB. */
#define MAX_HASHED_FILE (64 * 1024 * 1024)

/* A stored result file: 23 probes take ~3 KiB. */
#define MAX_CACHE_FILE (1024 * 1024)
#define MAX_DETAIL     1000

static const char *const hashed_files[] = {
  ".config",
  "Module.symvers",
  "Makefile",
  "include/config/kernel.release",
  "include/generated/autoconf.h",
  "include/generated/utsrelease.h",
};

static const char *const stated_files[] = {
  "tools/objtool/objtool",
  "scripts/basic/fixdep",
  "scripts/mod/modpost",
};

/* qsort() over an array of strings */
static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* A string and its terminating NUL, so that fields cannot run together. */
static void
update_string (GChecksum *checksum, const char *text)
{
  g_checksum_update (checksum, (const guchar *) text, strlen (text) + 1);
}

static void
update_file (GChecksum *checksum, const char *kernel_build_dir, const char *name)
{
  g_autofree char *path = g_build_filename (kernel_build_dir, name, NULL);
  g_autoptr (GMappedFile) file = NULL;
  GStatBuf st;

  update_string (checksum, name);
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_HASHED_FILE ||
      (file = g_mapped_file_new (path, FALSE, NULL)) == NULL)
    {
      update_string (checksum, "absent");
      return;
    }

  g_checksum_update (checksum, (const guchar *) g_mapped_file_get_contents (file),
                     g_mapped_file_get_length (file));
  update_string (checksum, "");
}

static void
update_stat (GChecksum *checksum, const char *kernel_build_dir, const char *name)
{
  g_autofree char *path = g_build_filename (kernel_build_dir, name, NULL);
  g_autofree char *line = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    line = g_strdup_printf ("%s absent", name);
  else
    line = g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, name, (gint64) st.st_size,
                            (gint64) st.st_mtime);
  update_string (checksum, line);
}

/**
 * _mt_compat_probes_fingerprint:
 * @probes: (element-type utf8 MtCompatProbe): the probes
 * @kernel_build_dir: the kernel's build directory, resolved
 * @release: the kernel release its headers are for
 *
 * Returns: (transfer full): the SHA-256, in hex, of everything the
 *   probes' results depend on
 */
char *
_mt_compat_probes_fingerprint (GHashTable *probes,
                               const char *kernel_build_dir,
                               const char *release)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree const char **ids = (const char **) g_hash_table_get_keys_as_array (probes, NULL);
  g_autofree char *format = g_strdup_printf ("modtune-probes %d", CACHE_FORMAT);

  qsort (ids, g_strv_length ((char **) ids), sizeof (char *), compare_names);

  update_string (checksum, format);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      MtCompatProbe *probe = g_hash_table_lookup (probes, ids[i]);
      gsize len;
      const guchar *data = g_bytes_get_data (probe->source, &len);
      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, len);

      update_string (checksum, ids[i]);
      update_string (checksum, size);
      if (len > 0)
        g_checksum_update (checksum, data, len);
    }

  update_string (checksum, release);
  update_string (checksum, kernel_build_dir);
  for (guint i = 0; i < G_N_ELEMENTS (hashed_files); i++)
    update_file (checksum, kernel_build_dir, hashed_files[i]);
  for (guint i = 0; i < G_N_ELEMENTS (stated_files); i++)
    update_stat (checksum, kernel_build_dir, stated_files[i]);

  return g_strdup (g_checksum_get_string (checksum));
}

static MtCompatProbeResult *
parse_result (JsonNode *node)
{
  JsonObject *object;
  JsonNode *passed;
  JsonNode *detail;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  passed = json_object_get_member (object, "passed");
  detail = json_object_get_member (object, "detail");
  if (json_object_get_size (object) != 2 || passed == NULL || detail == NULL ||
      !JSON_NODE_HOLDS_VALUE (passed) || json_node_get_value_type (passed) != G_TYPE_BOOLEAN)
    return NULL;

  if (JSON_NODE_HOLDS_NULL (detail))
    return _mt_compat_probe_result_new (json_node_get_boolean (passed), NULL);
  if (!JSON_NODE_HOLDS_VALUE (detail) || json_node_get_value_type (detail) != G_TYPE_STRING ||
      strlen (json_node_get_string (detail)) > MAX_DETAIL)
    return NULL;

  return _mt_compat_probe_result_new (json_node_get_boolean (passed),
                                      json_node_get_string (detail));
}

/**
 * _mt_compat_probes_cache_parse:
 * @data: a stored result file
 * @len: its length
 * @probes: (element-type utf8 MtCompatProbe): the probes it must cover
 * @fingerprint: the fingerprint it must carry
 *
 * Returns: (transfer full) (nullable) (element-type utf8 MtCompatProbeResult):
 *   the results, or %NULL if the file is not a complete, matching store
 */
GHashTable *
_mt_compat_probes_cache_parse (const char *data,
                               gsize len,
                               GHashTable *probes,
                               const char *fingerprint)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GHashTable) results = NULL;
  JsonObject *root;
  JsonNode *members;
  JsonObject *stored;
  GHashTableIter iter;
  gpointer id;

  if (len > MAX_CACHE_FILE || !json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  root = mt_json_get_root_object (parser);
  if (root == NULL)
    return NULL;
  members = json_object_get_member (root, "probes");
  if (json_object_get_int_member_with_default (root, "format", 0) != CACHE_FORMAT ||
      g_strcmp0 (json_object_get_string_member_with_default (root, "fingerprint", ""),
                 fingerprint) != 0 ||
      members == NULL || !JSON_NODE_HOLDS_OBJECT (members))
    return NULL;

  stored = json_node_get_object (members);
  if (json_object_get_size (stored) != g_hash_table_size (probes))
    return NULL;

  results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) _mt_compat_probe_result_free);
  g_hash_table_iter_init (&iter, probes);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      JsonNode *node = json_object_get_member (stored, id);
      MtCompatProbeResult *result = node != NULL ? parse_result (node) : NULL;

      if (result == NULL)
        return NULL;
      g_hash_table_insert (results, g_strdup (id), result);
    }

  return g_steal_pointer (&results);
}

/**
 * _mt_compat_probes_cache_load:
 * @path: the stored file
 *
 * Returns: (transfer full) (nullable): as _mt_compat_probes_cache_parse(),
 *   or %NULL if @path cannot be read
 */
GHashTable *
_mt_compat_probes_cache_load (const char *path, GHashTable *probes, const char *fingerprint)
{
  g_autofree char *data = NULL;
  gsize len;
  GStatBuf st;

  if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_CACHE_FILE ||
      !g_file_get_contents (path, &data, &len, NULL))
    return NULL;

  return _mt_compat_probes_cache_parse (data, len, probes, fingerprint);
}

/**
 * _mt_compat_probes_cache_save:
 * @path: where to store the results
 * @fingerprint: their fingerprint
 * @release: the kernel release, for whoever reads the file
 * @results: (element-type utf8 MtCompatProbeResult): the results
 *
 * Writes the results atomically (a temporary file renamed over @path).
 */
gboolean
_mt_compat_probes_cache_save (const char *path,
                              const char *fingerprint,
                              const char *release,
                              GHashTable *results,
                              GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree const char **ids = (const char **) g_hash_table_get_keys_as_array (results, NULL);
  g_autofree char *text = NULL;

  qsort (ids, g_strv_length ((char **) ids), sizeof (char *), compare_names);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, CACHE_FORMAT);
  json_builder_set_member_name (builder, "fingerprint");
  json_builder_add_string_value (builder, fingerprint);
  json_builder_set_member_name (builder, "kernel_release");
  json_builder_add_string_value (builder, release);
  json_builder_set_member_name (builder, "probes");
  json_builder_begin_object (builder);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      MtCompatProbeResult *result = g_hash_table_lookup (results, ids[i]);

      json_builder_set_member_name (builder, ids[i]);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "passed");
      json_builder_add_boolean_value (builder, result->passed);
      json_builder_set_member_name (builder, "detail");
      if (result->detail != NULL)
        json_builder_add_string_value (builder, result->detail);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
