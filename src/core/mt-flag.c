/* mt-flag.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-flag"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-flag-private.h"
#include "mt-json.h"

/**
 * MtFlag:
 *
 * One entry of the compiler-flag catalog (`data/catalog/flags.xml`): the
 * compiler arguments (placed after the kernel's own flags) and make
 * variables it stands for, its category, the detected facts it needs,
 * whether the module stays portable to other processors, and an honest
 * description of its effect.  Made only by #MtFlagCatalog, which has
 * checked every field; immutable.
 */
struct _MtFlag
{
  GObject parent_instance;

  char *id;
  char *label;
  char *description;
  char *category;
  char *effect;
  char *group;
  GStrv args;
  GStrv make_vars;
  GStrv needs;
  gboolean portable;
  gboolean required;
  gboolean refused;
};

G_DEFINE_FINAL_TYPE (MtFlag, mt_flag, G_TYPE_OBJECT)

/* Limits of mt_flag_find_macro_references(): a VMware module tree has a
 * few hundred files, none above a megabyte, four directories deep. */
#define SEARCH_MAX_DEPTH     32
#define SEARCH_MAX_FILES     100000
#define SEARCH_MAX_FILE_SIZE (16 * 1024 * 1024)

#define ARGUMENT_MAX_LENGTH 128

/* SECURITY.md rule 10.  Every argument the helper passes to make or the
 * compiler is one of these, or of the few parameterised forms that
 * argument_is_on_allowlist() accepts; anything else is refused. */
static const char *const allowed_exact[] = {
  "-O2",
  "-O3",
  "-Os",
  "-ffast-math",
  "-funroll-loops",
  "-fomit-frame-pointer",
  "-fno-strict-aliasing",
  "-fno-strict-overflow",
  "-fno-delete-null-pointer-checks",
  "LLVM=1",
  "W=1",
  "W=2",
  "W=3",
};

/* Kernel facts a flag can need, and the values they take. */
static const struct
{
  const char *key;
  const char *const values[4];
} kernel_facts[] = {
  { "compiler", { "gcc", "clang", NULL } },
  { "unwinder", { "orc", "frame-pointer", "guess", NULL } },
};

static void
mt_flag_finalize (GObject *object)
{
  MtFlag *self = (MtFlag *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->effect, g_free);
  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->args, g_strfreev);
  g_clear_pointer (&self->make_vars, g_strfreev);
  g_clear_pointer (&self->needs, g_strfreev);

  G_OBJECT_CLASS (mt_flag_parent_class)->finalize (object);
}

static void
mt_flag_class_init (MtFlagClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_flag_finalize;
}

static void
mt_flag_init (MtFlag *self)
{
}

static GStrv
strv_copy_or_empty (const char *const *strv)
{
  return strv != NULL ? g_strdupv ((char **) strv) : g_new0 (char *, 1);
}

/* Private: only MtFlagCatalog makes flags, from fields it has checked. */
MtFlag *
_mt_flag_new (const MtFlagFields *fields)
{
  MtFlag *self;

  g_return_val_if_fail (fields != NULL && fields->id != NULL, NULL);

  self = g_object_new (MT_TYPE_FLAG, NULL);
  self->id = g_strdup (fields->id);
  self->label = g_strdup (fields->label);
  self->description = g_strdup (fields->description);
  self->category = g_strdup (fields->category);
  self->effect = g_strdup (fields->effect);
  self->group = g_strdup (fields->group);
  self->args = strv_copy_or_empty (fields->args);
  self->make_vars = strv_copy_or_empty (fields->make_vars);
  self->needs = strv_copy_or_empty (fields->needs);
  self->portable = fields->portable;
  self->required = fields->required;
  self->refused = fields->refused;

  return self;
}

/* Client text in a message: printable, and short. */
char *
_mt_flag_escape_for_message (const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);

  if (g_utf8_strlen (escaped, -1) > 64)
    {
      g_autofree char *head = g_utf8_substring (escaped, 0, 64);

      return g_strconcat (head, "…", NULL);
    }

  return g_steal_pointer (&escaped);
}

static gboolean
is_lower_name (const char *str, gsize max_len, const char *extra)
{
  gsize len = strlen (str);

  if (len == 0 || len > max_len || !(g_ascii_islower (str[0]) || g_ascii_isdigit (str[0])))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (str[i]) && !g_ascii_isdigit (str[i]) && strchr (extra, str[i]) == NULL)
      return FALSE;

  return TRUE;
}

/* "compiler=clang", "unwinder=orc", or a feature id of mt-cpu-features
 * ("avx2", "avx512f", "ept_1gb"). */
gboolean
_mt_flag_need_is_valid (const char *need)
{
  const char *eq = strchr (need, '=');

  if (eq == NULL)
    return g_ascii_islower (need[0]) && is_lower_name (need, 32, "_");

  for (guint i = 0; i < G_N_ELEMENTS (kernel_facts); i++)
    if (strncmp (need, kernel_facts[i].key, eq - need) == 0 &&
        kernel_facts[i].key[eq - need] == '\0')
      return g_strv_contains (kernel_facts[i].values, eq + 1);

  return FALSE;
}

/* -DNAME or -DNAME=VALUE: NAME upper case, VALUE a plain word. */
static gboolean
is_macro_definition (const char *token)
{
  const char *p;

  if (!g_str_has_prefix (token, "-D") || !g_ascii_isupper (token[2]))
    return FALSE;

  for (p = token + 2; *p != '\0' && *p != '='; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;

  /* Kbuild defines MODULE for every module object itself */
  if (p - (token + 2) > 64 || (p - (token + 2) == 6 && strncmp (token + 2, "MODULE", 6) == 0))
    return FALSE;

  if (*p == '\0')
    return TRUE;

  p++;
  if (*p == '\0' || strlen (p) > 32)
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

static gboolean
argument_is_on_allowlist (const char *token)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed_exact); i++)
    if (strcmp (token, allowed_exact[i]) == 0)
      return TRUE;

  /* -march=native, -mtune=znver4, -march=x86-64-v3 */
  if (g_str_has_prefix (token, "-march=") || g_str_has_prefix (token, "-mtune="))
    return is_lower_name (strchr (token, '=') + 1, 32, "-_");

  return is_macro_definition (token);
}

/* Known-dangerous forms, checked first so that the error says why.  None
 * of them could pass the allowlist anyway. */
static const char *
denied_reason (const char *token)
{
  if (g_str_has_prefix (token, "-wrapper"))
    return _ ("it runs the compiler’s programs through another program");
  if (g_str_has_prefix (token, "-fplugin"))
    return _ ("it loads a plugin into the compiler");
  if (g_str_has_prefix (token, "-specs="))
    return _ ("it makes the compiler read a specs file, which can change every step");
  if (g_str_has_prefix (token, "-B"))
    return _ ("it makes the compiler look for its own programs in another directory");
  if (g_str_has_prefix (token, "-o"))
    return _ ("it names an output file");
  if (g_str_has_prefix (token, "-M"))
    return _ ("it makes the compiler write a dependency file");
  if (g_str_has_prefix (token, "-save-temps"))
    return _ ("it makes the compiler keep its intermediate files");
  if (g_str_has_prefix (token, "-dump"))
    return _ ("it makes the compiler write files into another directory");
  if (g_str_has_prefix (token, "-fdump-"))
    return _ ("it makes the compiler write its internal dumps");
  if (g_str_has_prefix (token, "-fprofile-"))
    return _ ("it makes the compiler read or write profile files");
  if (g_str_has_prefix (token, "-include") || g_str_has_prefix (token, "-imacros"))
    return _ ("it makes the compiler read another file");
  if (g_str_has_prefix (token, "-iplugindir="))
    return _ ("it makes the compiler load plugins from another directory");
  if (g_str_has_prefix (token, "-i") || g_str_has_prefix (token, "-I"))
    return _ ("it adds a directory or file to what the compiler reads");
  if (g_str_has_prefix (token, "--sysroot"))
    return _ ("it changes where the compiler reads headers and libraries");
  if (g_str_has_prefix (token, "-Wl,") || g_str_has_prefix (token, "-Xlinker"))
    return _ ("it passes options to the linker");
  if (g_str_has_prefix (token, "-Wa,") || g_str_has_prefix (token, "-Xassembler"))
    return _ ("it passes options to the assembler");
  if (g_str_has_prefix (token, "-Wp,") || g_str_has_prefix (token, "-Xpreprocessor"))
    return _ ("it passes options to the preprocessor");
  if (g_str_has_prefix (token, "-fuse-ld="))
    return _ ("it chooses another linker");
  if (g_str_has_prefix (token, "CC="))
    return _ ("it chooses another compiler; Modtune always uses the kernel’s");
  if (g_str_has_prefix (token, "--eval"))
    return _ ("it makes make run text as part of a makefile");
  if (g_str_equal (token, "-f"))
    return _ ("it makes make read another makefile");
  if (g_str_has_prefix (token, "-DCONFIG_"))
    return _ ("CONFIG_ macros come from the kernel’s configuration, never from the command line");
  if (g_str_has_prefix (token, "-DKBUILD_"))
    return _ ("Kbuild defines its KBUILD_ macros itself");

  return NULL;
}

static gboolean
set_not_allowed (GError **error, const char *token, const char *reason)
{
  g_autofree char *shown = _mt_flag_escape_for_message (token);

  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT, _ ("“%s” is not allowed: %s"), shown,
               reason);
  return FALSE;
}

/**
 * mt_flag_argument_is_allowed:
 * @token: one compiler argument (`-O2`, `-DNAME=1`) or make variable
 *   (`LLVM=1`)
 *
 * The allowlist of SECURITY.md rule 10, as a pure function: the catalog
 * checks every argument of every flag with it when it is loaded, and the
 * helper again before it starts make.  Accepts the exact tokens of a fixed
 * table, `-march=`/`-mtune=` with a processor name, and `-D` with an
 * upper-case macro name and a plain value; refuses everything else, and
 * says why for the known-dangerous forms (plugins, wrappers, output and
 * dump files, include paths, linker options, another compiler, …) and for
 * any shell or quoting character, whitespace or control character.
 *
 * Returns: %TRUE if the helper may pass @token
 */
gboolean
mt_flag_argument_is_allowed (const char *token, GError **error)
{
  const char *reason;

  g_return_val_if_fail (token != NULL, FALSE);

  if (token[0] == '\0')
    return set_not_allowed (error, token, _ ("an empty argument means nothing"));

  if (strlen (token) > ARGUMENT_MAX_LENGTH)
    return set_not_allowed (error, token, _ ("it is longer than 128 characters"));

  for (const char *p = token; *p != '\0'; p++)
    {
      if (strchr ("$()`;'\"\\@", *p) != NULL)
        {
          g_autofree char *why = g_strdup_printf (
            _ ("it contains “%c”, which a shell, make or the compiler treats specially"), *p);

          return set_not_allowed (error, token, why);
        }
      if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f)
        return set_not_allowed (
          error, token, _ ("it contains whitespace, a control character or a non-ASCII character"));
    }

  reason = denied_reason (token);
  if (reason != NULL)
    return set_not_allowed (error, token, reason);

  if (!argument_is_on_allowlist (token))
    return set_not_allowed (error, token,
                            _ ("it is not on Modtune’s list of compiler and make arguments"));

  return TRUE;
}

const char *
mt_flag_get_id (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return self->id;
}

/**
 * mt_flag_get_label:
 *
 * Returns: the label, translated
 */
const char *
mt_flag_get_label (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return g_dgettext (GETTEXT_PACKAGE, self->label);
}

/**
 * mt_flag_get_description:
 *
 * Returns: the description, translated
 */
const char *
mt_flag_get_description (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return g_dgettext (GETTEXT_PACKAGE, self->description);
}

/**
 * mt_flag_get_untranslated_label:
 *
 * Returns: the label as the catalog has it (English, whitespace collapsed:
 *   the msgid xgettext extracts)
 */
const char *
mt_flag_get_untranslated_label (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return self->label;
}

const char *
mt_flag_get_untranslated_description (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return self->description;
}

/**
 * mt_flag_get_category:
 *
 * Returns: `optimization`, `cpu-tuning`, `safety`, `diagnostics`,
 *   `toolchain` or `vmware-macros`
 */
const char *
mt_flag_get_category (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return self->category;
}

/**
 * mt_flag_get_effect:
 *
 * Returns: `none` (cannot change the module: the description says why),
 *   `code` (changes the generated code), `log` (changes only what the
 *   build reports) or `toolchain` (chooses the tools that build it)
 */
const char *
mt_flag_get_effect (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return self->effect;
}

/**
 * mt_flag_get_args:
 *
 * Returns: (transfer none): the compiler arguments, possibly none
 */
const char *const *
mt_flag_get_args (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return (const char *const *) self->args;
}

/**
 * mt_flag_get_make_vars:
 *
 * Returns: (transfer none): the make variables (`LLVM=1`), possibly none
 */
const char *const *
mt_flag_get_make_vars (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return (const char *const *) self->make_vars;
}

/**
 * mt_flag_get_needs:
 *
 * Returns: (transfer none): what the machine must have, all of it: a
 *   processor feature id of mt-cpu-features (`avx2`) or a kernel fact
 *   (`compiler=clang`, `unwinder=frame-pointer`); empty for none
 */
const char *const *
mt_flag_get_needs (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return (const char *const *) self->needs;
}

/**
 * mt_flag_get_group:
 *
 * Returns: (nullable): the group of flags of which at most one may be
 *   chosen (`optimization-level`)
 */
const char *
mt_flag_get_group (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  return self->group;
}

/**
 * mt_flag_get_portable:
 *
 * Returns: whether a module built with the flag still runs correctly on
 *   other processors than this one
 */
gboolean
mt_flag_get_portable (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), FALSE);
  return self->portable;
}

/**
 * mt_flag_get_required:
 *
 * Returns: whether the flag is always on where the machine has what it
 *   needs; it cannot be turned off
 */
gboolean
mt_flag_get_required (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), FALSE);
  return self->required;
}

/**
 * mt_flag_get_refused:
 *
 * Returns: whether Modtune never passes the flag: the catalog lists it
 *   only to explain why
 */
gboolean
mt_flag_get_refused (MtFlag *self)
{
  g_return_val_if_fail (MT_IS_FLAG (self), FALSE);
  return self->refused;
}

static int
check_kernel_fact (MtSystemInfo *info, const char *key, const char *value, GString *evidence)
{
  MtKernelFeatures *features = mt_system_info_get_kernel_features (info);
  MtKconfig *config = mt_kernel_info_get_config (mt_system_info_get_kernel (info));
  const char *actual = NULL;

  if (features != NULL && g_str_equal (key, "compiler"))
    actual = mt_kernel_features_get_compiler_kind (features);
  else if (features != NULL && g_str_equal (key, "unwinder"))
    actual = mt_kernel_features_get_unwinder (features);

  if (actual == NULL)
    {
      g_string_append_printf (evidence, "%s: unknown (no kernel configuration)", key);
      return -1;
    }

  g_string_append_printf (evidence, "%s: %s", key, actual);
  if (config != NULL)
    g_string_append_printf (evidence, " (%s)", mt_kconfig_get_source (config));

  return g_str_equal (actual, value) ? 1 : 0;
}

static int
check_cpu_feature (MtSystemInfo *info, const char *id, GString *evidence)
{
  GPtrArray *features = mt_system_info_get_cpu_features (info);

  for (guint i = 0; features != NULL && i < features->len; i++)
    {
      const MtCpuFeature *feature = g_ptr_array_index (features, i);

      if (g_str_equal (feature->id, id))
        {
          g_string_append_printf (evidence, "%s: %s (%s)", id, feature->present ? "yes" : "no",
                                  feature->evidence);
          return feature->present ? 1 : 0;
        }
    }

  g_string_append_printf (evidence, "%s: unknown (not a feature Modtune detects)", id);
  return -1;
}

/**
 * mt_flag_check_needs:
 * @info: (nullable): the machine, or %NULL when it is not known
 * @evidence: (out) (optional) (nullable): what each need was decided
 *   from, or %NULL when the flag needs nothing
 *
 * Returns: 1 when the machine has everything the flag needs (or it needs
 *   nothing), 0 when it lacks something, -1 when that is not known
 */
int
mt_flag_check_needs (MtFlag *self, MtSystemInfo *info, char **evidence)
{
  g_autoptr (GString) why = g_string_new (NULL);
  int result = 1;

  g_return_val_if_fail (MT_IS_FLAG (self), -1);
  g_return_val_if_fail (info == NULL || MT_IS_SYSTEM_INFO (info), -1);

  for (guint i = 0; self->needs[i] != NULL; i++)
    {
      const char *need = self->needs[i];
      const char *eq = strchr (need, '=');
      int met;

      if (why->len > 0)
        g_string_append (why, "; ");

      if (info == NULL)
        {
          g_string_append_printf (why, "%s: unknown (the machine was not detected)", need);
          met = -1;
        }
      else if (eq != NULL)
        {
          g_autofree char *key = g_strndup (need, eq - need);

          met = check_kernel_fact (info, key, eq + 1, why);
        }
      else
        {
          met = check_cpu_feature (info, need, why);
        }

      if (met == 0)
        result = 0;
      else if (met < 0 && result > 0)
        result = -1;
    }

  if (evidence != NULL)
    *evidence = why->len > 0 ? g_string_free (g_steal_pointer (&why), FALSE) : NULL;

  return result;
}

typedef struct
{
  const char *root;
  GPtrArray *names; /* of char*: the macro names */
  GPtrArray *hits;  /* of char*: "path:line" */
  guint files;
} Search;

static gboolean
set_search_error (GError **error, const Search *search, const char *rel, int saved_errno)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _ ("Cannot search the source tree %s: %s: %s"), search->root,
               rel != NULL ? rel : ".", g_strerror (saved_errno));
  return FALSE;
}

static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* @word as a whole C identifier in @line */
static gboolean
line_has_word (const char *line, gsize len, const char *word)
{
  gsize word_len = strlen (word);

  for (gsize i = 0; i + word_len <= len; i++)
    {
      if (line[i] != word[0] || memcmp (line + i, word, word_len) != 0)
        continue;
      if (i > 0 && is_identifier_char (line[i - 1]))
        continue;
      if (i + word_len < len && is_identifier_char (line[i + word_len]))
        continue;
      return TRUE;
    }

  return FALSE;
}

static void
search_text (Search *search, const char *rel, const char *text, gsize len)
{
  const char *p = text;
  const char *end = text + len;
  guint line_no = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;

      line_no++;
      for (guint i = 0; i < search->names->len; i++)
        if (line_has_word (p, line_end - p, g_ptr_array_index (search->names, i)))
          {
            g_ptr_array_add (search->hits, g_strdup_printf ("%s:%u", rel, line_no));
            break;
          }

      p = nl != NULL ? nl + 1 : end;
    }
}

static gboolean
search_file (Search *search, int dir_fd, const char *name, const char *rel, GError **error)
{
  g_autoptr (GByteArray) data = g_byte_array_new ();
  struct stat st;
  int fd;

  fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return set_search_error (error, search, rel, errno);

  /* checked again on the open file: it may have been swapped meanwhile */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return set_search_error (error, search, rel, EINVAL);
    }

  for (;;)
    {
      guint8 buf[16384];
      gssize n = read (fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          return set_search_error (error, search, rel, saved_errno);
        }
      if (n == 0)
        break;
      if (data->len + n > SEARCH_MAX_FILE_SIZE)
        {
          close (fd);
          return set_search_error (error, search, rel, EFBIG);
        }
      g_byte_array_append (data, buf, n);
    }

  close (fd);
  search_text (search, rel, (const char *) data->data, data->len);

  return TRUE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
search_dir (Search *search, int dir_fd, const char *rel, guint depth, GError **error);

static gboolean
search_entry (Search *search,
              int dir_fd,
              const char *name,
              const char *rel,
              guint depth,
              GError **error)
{
  g_autofree char *child_rel = rel != NULL ? g_build_filename (rel, name, NULL) : g_strdup (name);
  struct stat st;

  /* never follows a symbolic link: the tree is not ours to leave */
  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return set_search_error (error, search, child_rel, errno);

  if (S_ISDIR (st.st_mode))
    {
      int child_fd;

      if (depth >= SEARCH_MAX_DEPTH)
        return set_search_error (error, search, child_rel, ELOOP);

      child_fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child_fd < 0)
        return set_search_error (error, search, child_rel, errno);

      return search_dir (search, child_fd, child_rel, depth + 1, error);
    }

  if (S_ISREG (st.st_mode) && (g_str_has_suffix (name, ".c") || g_str_has_suffix (name, ".h")))
    {
      if (++search->files > SEARCH_MAX_FILES)
        return set_search_error (error, search, child_rel, EMFILE);

      return search_file (search, dir_fd, name, child_rel, error);
    }

  return TRUE;
}

/* Takes @dir_fd. */
static gboolean
search_dir (Search *search, int dir_fd, const char *rel, guint depth, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct dirent *entry;
  gboolean ok = TRUE;
  DIR *dir;

  dir = fdopendir (dir_fd);
  if (dir == NULL)
    {
      int saved_errno = errno;

      close (dir_fd);
      return set_search_error (error, search, rel, saved_errno);
    }

  errno = 0;
  while ((entry = readdir (dir)) != NULL)
    if (!g_str_equal (entry->d_name, ".") && !g_str_equal (entry->d_name, ".."))
      g_ptr_array_add (names, g_strdup (entry->d_name));

  if (errno != 0)
    {
      int saved_errno = errno;

      closedir (dir);
      return set_search_error (error, search, rel, saved_errno);
    }

  /* sorted, so that the same tree always gives the same list */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; ok && i < names->len; i++)
    ok = search_entry (search, dirfd (dir), g_ptr_array_index (names, i), rel, depth, error);

  closedir (dir);

  return ok;
}

/**
 * mt_flag_find_macro_references:
 * @source_dir: an extracted module source tree
 *
 * The evidence for a `-D` macro: every line of the tree's `.c` and `.h`
 * files where the name of a macro the flag defines appears as a whole
 * identifier, comments included (so an empty answer is never claimed
 * wrongly).  Symbolic links are not followed.  A file that cannot be read
 * fails the search rather than being skipped: the answer covers every
 * file or there is none.
 *
 * Returns: (transfer full): `path:line` entries, relative to @source_dir,
 *   in path order; empty when no source file reads the macro
 */
GStrv
mt_flag_find_macro_references (MtFlag *self, const char *source_dir, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  Search search = { source_dir, names, hits, 0 };
  int fd;

  g_return_val_if_fail (MT_IS_FLAG (self), NULL);
  g_return_val_if_fail (source_dir != NULL, NULL);

  for (guint i = 0; self->args[i] != NULL; i++)
    if (g_str_has_prefix (self->args[i], "-D"))
      g_ptr_array_add (names, g_strndup (self->args[i] + 2, strcspn (self->args[i] + 2, "=")));

  if (names->len == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                   _ ("The flag “%s” defines no macro to look for"), self->id);
      return NULL;
    }

  fd = open (source_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      set_search_error (error, &search, NULL, errno);
      return NULL;
    }

  if (!search_dir (&search, fd, NULL, 0, error))
    return NULL;

  g_ptr_array_add (hits, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&hits), FALSE);
}

/**
 * mt_flag_to_json:
 * @info: (nullable): the machine whose facts decide `needs_met`
 *
 * Adds the flag as an object to an open JSON array.  Labels and
 * descriptions are the catalog's (English), as every string of the
 * report's JSON is.
 */
void
mt_flag_to_json (MtFlag *self, MtSystemInfo *info, JsonBuilder *builder)
{
  g_autofree char *evidence = NULL;
  int met;

  g_return_if_fail (MT_IS_FLAG (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  met = mt_flag_check_needs (self, info, &evidence);

  json_builder_begin_object (builder);
  mt_json_add_string (builder, "id", self->id);
  mt_json_add_string (builder, "label", self->label);
  mt_json_add_string (builder, "category", self->category);
  mt_json_add_string (builder, "effect", self->effect);
  mt_json_add_strv (builder, "args", (const char *const *) self->args);
  mt_json_add_strv (builder, "make_vars", (const char *const *) self->make_vars);
  mt_json_add_bool (builder, "portable", self->portable);
  mt_json_add_bool (builder, "required", self->required);
  mt_json_add_bool (builder, "refused", self->refused);
  mt_json_add_string (builder, "group", self->group);
  mt_json_add_strv (builder, "needs", (const char *const *) self->needs);
  mt_json_add_tristate (builder, "needs_met", met);
  mt_json_add_string (builder, "needs_evidence", evidence);
  mt_json_add_string (builder, "description", self->description);
  json_builder_end_object (builder);
}
