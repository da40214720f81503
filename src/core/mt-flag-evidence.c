/* mt-flag-evidence.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-flag-evidence"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-flag-evidence-private.h"
#include "mt-json.h"
#include "mt-fs.h"
#include "mt-tar.h"

/**
 * MtFlagEvidence:
 *
 * What a set of compiler flags did to the modules: two results of
 * mt_build_run() from the same kernel and sources, one vanilla and one
 * with the flags, compared module by module.  For each module, the size
 * of `.text` and of every executable section, the instruction count and
 * the mnemonics whose counts changed most (from `objdump -d` of the
 * kernel's toolchain), the instructions that name a vector register, and
 * whether the two files, or at least their code and relocations, are the
 * same.  For the flags that define a macro, the lines of the sources that
 * name it.  Immutable once made.
 */
struct _MtFlagEvidence
{
  GObject parent_instance;

  char *kernel_release;
  char *objdump;
  GStrv flag_ids;
  char *dirs[2];
  GPtrArray *modules; /* (element-type MtModuleEvidence) */
  GPtrArray *macros;  /* (element-type MtMacroEvidence) */
};

G_DEFINE_FINAL_TYPE (MtFlagEvidence, mt_flag_evidence, G_TYPE_OBJECT)

static const char *const modules[] = { "vmmon", "vmnet" };

/* mt_build_run() writes a few kilobytes. */
#define MAX_MANIFEST_SIZE (16 * 1024 * 1024)

static void
module_measure_clear (MtModuleMeasure *measure)
{
  g_clear_pointer (&measure->sha256, g_free);
  g_clear_pointer (&measure->code_sha256, g_free);
}

static void
mnemonic_change_free (MtMnemonicChange *change)
{
  g_free (change->mnemonic);
  g_free (change);
}

static void
module_evidence_free (MtModuleEvidence *evidence)
{
  g_free (evidence->module);
  module_measure_clear (&evidence->vanilla);
  module_measure_clear (&evidence->flagged);
  g_clear_pointer (&evidence->changes, g_ptr_array_unref);
  g_free (evidence);
}

static void
macro_evidence_free (MtMacroEvidence *evidence)
{
  g_free (evidence->flag_id);
  g_strfreev (evidence->macros);
  g_strfreev (evidence->references);
  g_free (evidence);
}

static void
mt_flag_evidence_finalize (GObject *object)
{
  MtFlagEvidence *self = (MtFlagEvidence *) object;

  g_clear_pointer (&self->kernel_release, g_free);
  g_clear_pointer (&self->objdump, g_free);
  g_clear_pointer (&self->flag_ids, g_strfreev);
  for (guint i = 0; i < G_N_ELEMENTS (self->dirs); i++)
    g_clear_pointer (&self->dirs[i], g_free);
  g_clear_pointer (&self->modules, g_ptr_array_unref);
  g_clear_pointer (&self->macros, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_flag_evidence_parent_class)->finalize (object);
}

static void
mt_flag_evidence_class_init (MtFlagEvidenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_flag_evidence_finalize;
}

static void
mt_flag_evidence_init (MtFlagEvidence *self)
{
  self->modules = g_ptr_array_new_with_free_func ((GDestroyNotify) module_evidence_free);
  self->macros = g_ptr_array_new_with_free_func ((GDestroyNotify) macro_evidence_free);
}

/* The comparison. */

/* Reads a whole file of at most @max_size bytes. */
static char *
read_small_file (const char *path, gsize max_size, gsize *length, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, error);
  g_autofree char *data = NULL;
  gsize got = 0;

  if (stream == NULL)
    return NULL;

  data = g_malloc (max_size + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), data, max_size + 1, &got, NULL, error))
    return NULL;
  if (got > max_size)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s is larger than any manifest Modtune writes"), path);
      return NULL;
    }

  data[got] = '\0';
  *length = got;
  return g_steal_pointer (&data);
}

static JsonObject *
get_object (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
get_string (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_boolean (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* The strings of an array member; non-strings are left out. */
static GStrv
get_strv (JsonObject *object, const char *member)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  JsonArray *array =
    node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);
}

static const char *
module_sha256 (JsonObject *manifest, const char *section, const char *module)
{
  return get_string (get_object (get_object (manifest, section), module), "sha256");
}

static gboolean
is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;
  return TRUE;
}

static JsonParser *
not_a_manifest (GError **error, const char *dir, const char *member)
{
  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
               _ ("%s/manifest.json is not the manifest of a build by “modtunectl build”: it has "
                  "no valid “%s”; build again into %s"),
               dir, member, dir);
  return NULL;
}

/* The manifest mt_build_run() wrote, checked for what the comparison
 * reads. */
static JsonParser *
load_manifest (const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;
  gsize len;

  text = read_small_file (path, MAX_MANIFEST_SIZE, &len, &local_error);
  if (text == NULL)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("%s holds no build to compare (%s); build into it first"), dir,
                   local_error->message);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, text, len, &local_error) ||
      (root = mt_json_get_root_object (parser)) == NULL)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s is not valid JSON (%s); build again into %s"), path,
                   local_error != NULL ? local_error->message : _ ("not an object"), dir);
      return NULL;
    }

  if (get_string (root, "kernel_release") == NULL)
    return not_a_manifest (error, dir, "kernel_release");
  if (get_string (root, "compiler") == NULL)
    return not_a_manifest (error, dir, "compiler");
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autofree char *output = g_strdup_printf ("outputs.%s.sha256", modules[i]);
      g_autofree char *source = g_strdup_printf ("sources.%s.sha256", modules[i]);

      if (!is_sha256 (module_sha256 (root, "outputs", modules[i])))
        return not_a_manifest (error, dir, output);
      if (!is_sha256 (module_sha256 (root, "sources", modules[i])))
        return not_a_manifest (error, dir, source);
    }

  return g_steal_pointer (&parser);
}

static const char *
or_null (const char *text)
{
  return text != NULL ? text : "null";
}

/* Comparing builds makes sense only for the same kernel, toolchain and
 * sources. */
static gboolean
check_comparable (JsonObject *const *manifests, const char *const *dirs, GError **error)
{
  static const char *const same[] = { "kernel_release", "kernel_build_dir", "compiler" };

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    if (g_strcmp0 (get_string (manifests[0], same[i]), get_string (manifests[1], same[i])) != 0)
      {
        g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                     _ ("The builds in %s and %s differ in “%s” (%s and %s): only builds for the "
                        "same kernel with the same compiler can be compared"),
                     dirs[0], dirs[1], same[i], or_null (get_string (manifests[0], same[i])),
                     or_null (get_string (manifests[1], same[i])));
        return FALSE;
      }

  if (get_boolean (manifests[0], "llvm") != get_boolean (manifests[1], "llvm"))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("One of the builds in %s and %s used LLVM and the other did not: only "
                      "builds for the same kernel with the same compiler can be compared"),
                   dirs[0], dirs[1]);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (!g_str_equal (module_sha256 (manifests[0], "sources", modules[i]),
                      module_sha256 (manifests[1], "sources", modules[i])))
      {
        g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                     _ ("The builds in %s and %s were made from different %s sources: only "
                        "builds of the same sources can be compared"),
                     dirs[0], dirs[1], modules[i]);
        return FALSE;
      }

  return TRUE;
}

/* The module file must still be the one its manifest names. */
static gboolean
check_module_file (const char *dir, const char *module, const char *expected, GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s.ko", module);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *sha = mt_sha256_file (path, error);

  if (sha == NULL)
    return FALSE;

  if (!g_str_equal (sha, expected))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s is not the module its manifest.json records; build again into %s"), path,
                   dir);
      return FALSE;
    }

  return TRUE;
}

static void
fill_measure (MtModuleMeasure *out, const char *sha256, MtDisassemblySummary *summary)
{
  out->sha256 = g_strdup (sha256);
  out->text_size = mt_disassembly_summary_get_text_size (summary);
  out->exec_size = mt_disassembly_summary_get_exec_size (summary);
  out->instructions = mt_disassembly_summary_get_instructions (summary);
  out->vector_instructions = mt_disassembly_summary_get_vector_instructions (summary);
  out->unparsed_lines = mt_disassembly_summary_get_unparsed_lines (summary);
  out->code_sha256 = g_strdup (mt_disassembly_summary_get_code_sha256 (summary));
}

static guint64
count_difference (const MtMnemonicChange *change)
{
  return change->vanilla > change->flagged ? change->vanilla - change->flagged
                                           : change->flagged - change->vanilla;
}

/* largest difference first, then by name */
static int
compare_changes (gconstpointer a, gconstpointer b)
{
  const MtMnemonicChange *x = *(const MtMnemonicChange *const *) a;
  const MtMnemonicChange *y = *(const MtMnemonicChange *const *) b;
  guint64 dx = count_difference (x);
  guint64 dy = count_difference (y);

  if (dx != dy)
    return dx > dy ? -1 : 1;
  return strcmp (x->mnemonic, y->mnemonic);
}

static GPtrArray *
compare_mnemonics (MtDisassemblySummary *vanilla, MtDisassemblySummary *flagged)
{
  g_autoptr (GPtrArray) changes =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mnemonic_change_free);
  MtDisassemblySummary *both[2] = { vanilla, flagged };
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (both); i++)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, _mt_disassembly_summary_get_mnemonics (both[i]));
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          MtMnemonicChange *change;

          if (!g_hash_table_add (seen, key))
            continue;

          change = g_new0 (MtMnemonicChange, 1);
          change->mnemonic = g_strdup (key);
          change->vanilla = mt_disassembly_summary_get_mnemonic_count (vanilla, key);
          change->flagged = mt_disassembly_summary_get_mnemonic_count (flagged, key);
          if (change->vanilla == change->flagged)
            mnemonic_change_free (change);
          else
            g_ptr_array_add (changes, change);
        }
    }

  g_ptr_array_sort (changes, compare_changes);
  if (changes->len > MT_FLAG_EVIDENCE_MAX_CHANGES)
    g_ptr_array_set_size (changes, MT_FLAG_EVIDENCE_MAX_CHANGES);

  return g_steal_pointer (&changes);
}

/* One build of @module, read with objdump. */
static MtDisassemblySummary *
summarize_module (MtFlagEvidence *self,
                  guint build,
                  const char *module,
                  GCancellable *cancellable,
                  GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s.ko", module);
  g_autofree char *path = g_build_filename (self->dirs[build], name, NULL);

  return _mt_objdump_run (self->objdump, path, cancellable, error);
}

static MtModuleEvidence *
compare_module (MtFlagEvidence *self,
                JsonObject *const *manifests,
                const char *module,
                GCancellable *cancellable,
                GError **error)
{
  const char *vanilla_sha = module_sha256 (manifests[0], "outputs", module);
  const char *flagged_sha = module_sha256 (manifests[1], "outputs", module);
  g_autoptr (MtDisassemblySummary) vanilla = NULL;
  g_autoptr (MtDisassemblySummary) flagged = NULL;
  MtModuleEvidence *evidence;

  vanilla = summarize_module (self, 0, module, cancellable, error);
  if (vanilla == NULL)
    return NULL;
  flagged = summarize_module (self, 1, module, cancellable, error);
  if (flagged == NULL)
    return NULL;

  evidence = g_new0 (MtModuleEvidence, 1);
  evidence->module = g_strdup (module);
  fill_measure (&evidence->vanilla, vanilla_sha, vanilla);
  fill_measure (&evidence->flagged, flagged_sha, flagged);
  evidence->identical = g_str_equal (vanilla_sha, flagged_sha);
  evidence->code_identical = g_str_equal (mt_disassembly_summary_get_code_sha256 (vanilla),
                                          mt_disassembly_summary_get_code_sha256 (flagged)) &&
                             mt_disassembly_summary_get_exec_size (vanilla) ==
                               mt_disassembly_summary_get_exec_size (flagged);
  evidence->changes = compare_mnemonics (vanilla, flagged);

  return evidence;
}

/* The macro names of the flag's -D arguments. */
static GStrv
dup_macro_names (MtFlag *flag)
{
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  const char *const *args = mt_flag_get_args (flag);

  for (guint i = 0; args[i] != NULL; i++)
    if (g_str_has_prefix (args[i], "-D"))
      g_strv_builder_take (names, g_strndup (args[i] + 2, strcspn (args[i] + 2, "=")));

  return g_strv_builder_end (names);
}

/* The sources of the build, as its manifest recorded them, extracted
 * afresh into @dest (the build removed its own copy). */
static gboolean
extract_sources (JsonObject *manifest, const char *dest, GCancellable *cancellable, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      JsonObject *source = get_object (get_object (manifest, "sources"), modules[i]);
      const char *path = get_string (source, "path");
      g_autoptr (GFile) archive = NULL;
      g_autofree char *sha = NULL;

      if (path == NULL)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("The build’s manifest does not say where its %s sources are"),
                       modules[i]);
          return FALSE;
        }

      sha = mt_sha256_file (path, error);
      if (sha == NULL)
        return FALSE;
      if (!g_str_equal (sha, get_string (source, "sha256")))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s has changed since the build; build again to search the sources "
                          "that were built"),
                       path);
          return FALSE;
        }

      archive = g_file_new_for_path (path);
      if (!mt_tar_extract_file (archive, dest, NULL, cancellable, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
search_macros (MtFlagEvidence *self,
               GPtrArray *flags,
               JsonObject *manifest,
               const char *tree,
               GCancellable *cancellable,
               GError **error)
{
  if (!extract_sources (manifest, tree, cancellable, error))
    return FALSE;

  for (guint i = 0; i < flags->len; i++)
    {
      MtFlag *flag = g_ptr_array_index (flags, i);
      g_auto (GStrv) references = mt_flag_find_macro_references (flag, tree, error);
      MtMacroEvidence *evidence;

      if (references == NULL)
        return FALSE;

      evidence = g_new0 (MtMacroEvidence, 1);
      evidence->flag_id = g_strdup (mt_flag_get_id (flag));
      evidence->macros = dup_macro_names (flag);
      evidence->references = g_steal_pointer (&references);
      g_ptr_array_add (self->macros, evidence);
    }

  return TRUE;
}

static gboolean
collect_macro_evidence (MtFlagEvidence *self,
                        MtFlagCatalog *catalog,
                        JsonObject *manifest,
                        GCancellable *cancellable,
                        GError **error)
{
  g_autoptr (GPtrArray) flags = g_ptr_array_new ();
  g_autofree char *tree = NULL;
  gboolean ok;

  for (guint i = 0; self->flag_ids[i] != NULL; i++)
    {
      MtFlag *flag = mt_flag_catalog_lookup (catalog, self->flag_ids[i]);
      g_auto (GStrv) names = flag != NULL ? dup_macro_names (flag) : NULL;

      if (names != NULL && names[0] != NULL)
        g_ptr_array_add (flags, flag);
    }

  if (flags->len == 0)
    return TRUE;

  tree = g_dir_make_tmp ("modtune-evidence-XXXXXX", error);
  if (tree == NULL)
    return FALSE;

  ok = search_macros (self, flags, manifest, tree, cancellable, error);
  mt_remove_tree (tree);

  return ok;
}

/**
 * mt_flag_evidence_new:
 * @vanilla_dir: the output directory of a build with the vanilla preset
 * @flagged_dir: the output directory of a build of the same kernel and
 *   sources with flags added
 * @catalog: (nullable): the catalog that tells which of the added flags
 *   define macros; %NULL to search for none
 *
 * Compares the two builds (each `vmmon.ko`, `vmnet.ko` and the
 * `manifest.json` that mt_build_run() wrote): runs the objdump of the
 * kernel's toolchain on each module, from an argv with a fixed
 * environment, and for the added flags that define a macro extracts the
 * sources again and searches them for it.
 *
 * Returns: (transfer full): the evidence, or %NULL if a build is missing
 *   or damaged, the two builds are not of the same kernel and sources, or
 *   objdump is missing or fails
 */
MtFlagEvidence *
mt_flag_evidence_new (const char *vanilla_dir,
                      const char *flagged_dir,
                      MtFlagCatalog *catalog,
                      GCancellable *cancellable,
                      GError **error)
{
  g_autoptr (MtFlagEvidence) self = NULL;
  g_autoptr (JsonParser) vanilla = NULL;
  g_autoptr (JsonParser) flagged = NULL;
  JsonObject *manifests[2];
  g_auto (GStrv) vanilla_flags = NULL;
  g_auto (GStrv) flagged_flags = NULL;
  g_autoptr (GStrvBuilder) added = g_strv_builder_new ();

  g_return_val_if_fail (vanilla_dir != NULL, NULL);
  g_return_val_if_fail (flagged_dir != NULL, NULL);
  g_return_val_if_fail (catalog == NULL || MT_IS_FLAG_CATALOG (catalog), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (MT_TYPE_FLAG_EVIDENCE, NULL);
  self->dirs[0] = g_strdup (vanilla_dir);
  self->dirs[1] = g_strdup (flagged_dir);

  vanilla = load_manifest (self->dirs[0], error);
  if (vanilla == NULL)
    return NULL;
  flagged = load_manifest (self->dirs[1], error);
  if (flagged == NULL)
    return NULL;
  manifests[0] = json_node_get_object (json_parser_get_root (vanilla));
  manifests[1] = json_node_get_object (json_parser_get_root (flagged));

  if (!check_comparable (manifests, (const char *const *) self->dirs, error))
    return NULL;

  self->kernel_release = g_strdup (get_string (manifests[0], "kernel_release"));

  /* the flags the second build adds */
  vanilla_flags = get_strv (manifests[0], "flags");
  flagged_flags = get_strv (manifests[1], "flags");
  for (guint i = 0; flagged_flags[i] != NULL; i++)
    if (!g_strv_contains ((const char *const *) vanilla_flags, flagged_flags[i]))
      g_strv_builder_add (added, flagged_flags[i]);
  self->flag_ids = g_strv_builder_end (added);

  /* the modules must be the ones the manifests record */
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    for (guint j = 0; j < G_N_ELEMENTS (manifests); j++)
      if (!check_module_file (self->dirs[j], modules[i],
                              module_sha256 (manifests[j], "outputs", modules[i]), error))
        return NULL;

  self->objdump = _mt_objdump_find (get_boolean (manifests[0], "llvm"),
                                    get_string (manifests[0], "compiler"), error);
  if (self->objdump == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      MtModuleEvidence *evidence = compare_module (self, manifests, modules[i], cancellable, error);

      if (evidence == NULL)
        return NULL;
      g_ptr_array_add (self->modules, evidence);
    }

  if (catalog != NULL && !collect_macro_evidence (self, catalog, manifests[1], cancellable, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
mt_flag_evidence_get_kernel_release (MtFlagEvidence *self)
{
  g_return_val_if_fail (MT_IS_FLAG_EVIDENCE (self), NULL);
  return self->kernel_release;
}

/**
 * mt_flag_evidence_get_objdump:
 *
 * Returns: the objdump the modules were read with (`/usr/bin/objdump`,
 *   `/usr/bin/llvm-objdump`)
 */
const char *
mt_flag_evidence_get_objdump (MtFlagEvidence *self)
{
  g_return_val_if_fail (MT_IS_FLAG_EVIDENCE (self), NULL);
  return self->objdump;
}

/**
 * mt_flag_evidence_get_flag_ids:
 *
 * Returns: (transfer none): the catalog ids of the flags the second build
 *   has and the vanilla one has not
 */
const char *const *
mt_flag_evidence_get_flag_ids (MtFlagEvidence *self)
{
  g_return_val_if_fail (MT_IS_FLAG_EVIDENCE (self), NULL);
  return (const char *const *) self->flag_ids;
}

guint
mt_flag_evidence_get_n_modules (MtFlagEvidence *self)
{
  g_return_val_if_fail (MT_IS_FLAG_EVIDENCE (self), 0);
  return self->modules->len;
}

/**
 * mt_flag_evidence_get_module:
 * @index: below mt_flag_evidence_get_n_modules(): vmmon, then vmnet
 *
 * Returns: (transfer none): the comparison of one module
 */
const MtModuleEvidence *
mt_flag_evidence_get_module (MtFlagEvidence *self, guint index)
{
  g_return_val_if_fail (MT_IS_FLAG_EVIDENCE (self), NULL);
  g_return_val_if_fail (index < self->modules->len, NULL);
  return g_ptr_array_index (self->modules, index);
}

/**
 * mt_flag_evidence_get_n_macros:
 *
 * Returns: how many of the added flags define a macro (and were
 *   searched for)
 */
guint
mt_flag_evidence_get_n_macros (MtFlagEvidence *self)
{
  g_return_val_if_fail (MT_IS_FLAG_EVIDENCE (self), 0);
  return self->macros->len;
}

const MtMacroEvidence *
mt_flag_evidence_get_macro (MtFlagEvidence *self, guint index)
{
  g_return_val_if_fail (MT_IS_FLAG_EVIDENCE (self), NULL);
  g_return_val_if_fail (index < self->macros->len, NULL);
  return g_ptr_array_index (self->macros, index);
}

static void
add_measure (JsonBuilder *builder, const char *key, const MtModuleMeasure *measure)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_object (builder);
  mt_json_add_string (builder, "sha256", measure->sha256);
  mt_json_add_int (builder, "text_size", measure->text_size, measure->text_size >= 0);
  mt_json_add_int (builder, "exec_size", (gint64) measure->exec_size, TRUE);
  mt_json_add_int (builder, "instructions", (gint64) measure->instructions, TRUE);
  mt_json_add_int (builder, "vector_instructions", (gint64) measure->vector_instructions, TRUE);
  mt_json_add_int (builder, "unparsed_lines", (gint64) measure->unparsed_lines, TRUE);
  mt_json_add_string (builder, "code_sha256", measure->code_sha256);
  json_builder_end_object (builder);
}

/* flagged − vanilla in bytes, and in percent of vanilla (null for 0) */
static void
add_change (JsonBuilder *builder, const char *key, gint64 vanilla, gint64 flagged, gboolean known)
{
  g_autofree char *percent_key = g_strdup_printf ("%s_percent", key);

  mt_json_add_int (builder, key, flagged - vanilla, known);
  json_builder_set_member_name (builder, percent_key);
  if (known && vanilla > 0)
    json_builder_add_double_value (builder, 100.0 * (double) (flagged - vanilla) / vanilla);
  else
    json_builder_add_null_value (builder);
}

static void
add_module (JsonBuilder *builder, const MtModuleEvidence *evidence)
{
  json_builder_set_member_name (builder, evidence->module);
  json_builder_begin_object (builder);
  mt_json_add_bool (builder, "identical", evidence->identical);
  mt_json_add_bool (builder, "code_identical", evidence->code_identical);
  add_measure (builder, "vanilla", &evidence->vanilla);
  add_measure (builder, "flagged", &evidence->flagged);
  add_change (builder, "text_size_change", evidence->vanilla.text_size, evidence->flagged.text_size,
              evidence->vanilla.text_size >= 0 && evidence->flagged.text_size >= 0);
  add_change (builder, "exec_size_change", (gint64) evidence->vanilla.exec_size,
              (gint64) evidence->flagged.exec_size, TRUE);
  add_change (builder, "instructions_change", (gint64) evidence->vanilla.instructions,
              (gint64) evidence->flagged.instructions, TRUE);
  json_builder_set_member_name (builder, "changed_mnemonics");
  json_builder_begin_array (builder);
  for (guint i = 0; i < evidence->changes->len; i++)
    {
      const MtMnemonicChange *change = g_ptr_array_index (evidence->changes, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "mnemonic", change->mnemonic);
      mt_json_add_int (builder, "vanilla", (gint64) change->vanilla, TRUE);
      mt_json_add_int (builder, "flagged", (gint64) change->flagged, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/**
 * mt_flag_evidence_to_json:
 *
 * Returns: (transfer full): the evidence as an object: `kernel_release`,
 *   `objdump`, `vanilla_dir`, `flagged_dir`, `flags` (the added ids),
 *   `modules` (by name: `identical`, `code_identical`, `vanilla` and
 *   `flagged` with `sha256`, `text_size`, `exec_size`, `instructions`,
 *   `vector_instructions`, `unparsed_lines`, `code_sha256`; the changes
 *   `text_size_change`, `exec_size_change`, `instructions_change`, each
 *   also as `…_percent`; and `changed_mnemonics`, each with `mnemonic`,
 *   `vanilla`, `flagged`) and `macros` (each with `flag`, `macros`,
 *   `references`)
 */
JsonNode *
mt_flag_evidence_to_json (MtFlagEvidence *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MT_IS_FLAG_EVIDENCE (self), NULL);

  json_builder_begin_object (builder);
  mt_json_add_string (builder, "kernel_release", self->kernel_release);
  mt_json_add_string (builder, "objdump", self->objdump);
  mt_json_add_string (builder, "vanilla_dir", self->dirs[0]);
  mt_json_add_string (builder, "flagged_dir", self->dirs[1]);
  mt_json_add_strv (builder, "flags", (const char *const *) self->flag_ids);

  json_builder_set_member_name (builder, "modules");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->modules->len; i++)
    add_module (builder, g_ptr_array_index (self->modules, i));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "macros");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->macros->len; i++)
    {
      const MtMacroEvidence *macro = g_ptr_array_index (self->macros, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "flag", macro->flag_id);
      mt_json_add_strv (builder, "macros", (const char *const *) macro->macros);
      mt_json_add_strv (builder, "references", (const char *const *) macro->references);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
