/* mt-flag-catalog.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-flag-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-core-resources.h"
#include "mt-error.h"
#include "mt-flag-catalog.h"
#include "mt-flag-private.h"
#include "mt-json.h"

/**
 * MtFlagCatalog:
 *
 * The compiler-flag catalog (`data/catalog/flags.xml`, compiled into the
 * core library; format in `data/catalog/README.md`): every flag a user may
 * choose, as #MtFlag items of a #GListModel in catalog order, and the
 * presets.  The helper accepts flag ids only and expands them here, so the
 * loader is strict: an unknown element or attribute, a duplicate id, or an
 * argument outside mt_flag_argument_is_allowed() fails the whole catalog,
 * with the line.
 */
struct _MtFlagCatalog
{
  GObject parent_instance;

  GPtrArray *flags;        /* of MtFlag, in catalog order */
  GHashTable *flags_by_id; /* id -> MtFlag (borrowed from flags) */
  GPtrArray *presets;      /* of Preset */
};

typedef struct
{
  char *id;
  char *label;
  char *description;
  GPtrArray *includes; /* of char*: flag ids */
  GArray *lines;       /* of int: the line of each include */
} Preset;

static void mt_flag_catalog_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MtFlagCatalog,
                               mt_flag_catalog,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      mt_flag_catalog_list_model_init))

#define CATALOG_MAX_SIZE       (1024 * 1024)
#define LABEL_MAX_LENGTH       200
#define DESCRIPTION_MAX_LENGTH 4000
#define ID_MAX_LENGTH          64

static const char *const categories[] = {
  "optimization", "cpu-tuning", "safety", "diagnostics", "toolchain", "vmware-macros", NULL,
};

static const char *const effects[] = { "none", "code", "log", "toolchain", NULL };

static void
preset_free (gpointer data)
{
  Preset *preset = data;

  g_free (preset->id);
  g_free (preset->label);
  g_free (preset->description);
  g_ptr_array_unref (preset->includes);
  g_array_unref (preset->lines);
  g_free (preset);
}

static void
mt_flag_catalog_finalize (GObject *object)
{
  MtFlagCatalog *self = (MtFlagCatalog *) object;

  g_clear_pointer (&self->flags_by_id, g_hash_table_unref);
  g_clear_pointer (&self->flags, g_ptr_array_unref);
  g_clear_pointer (&self->presets, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_flag_catalog_parent_class)->finalize (object);
}

static void
mt_flag_catalog_class_init (MtFlagCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_flag_catalog_finalize;
}

static void
mt_flag_catalog_init (MtFlagCatalog *self)
{
  self->flags = g_ptr_array_new_with_free_func (g_object_unref);
  self->flags_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->presets = g_ptr_array_new_with_free_func (preset_free);
}

static GType
mt_flag_catalog_get_item_type (GListModel *model)
{
  return MT_TYPE_FLAG;
}

static guint
mt_flag_catalog_get_n_items (GListModel *model)
{
  return MT_FLAG_CATALOG (model)->flags->len;
}

static gpointer
mt_flag_catalog_get_item (GListModel *model, guint position)
{
  MtFlagCatalog *self = MT_FLAG_CATALOG (model);

  if (position >= self->flags->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->flags, position));
}

static void
mt_flag_catalog_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mt_flag_catalog_get_item_type;
  iface->get_n_items = mt_flag_catalog_get_n_items;
  iface->get_item = mt_flag_catalog_get_item;
}

/* The <flag> being read. */
typedef struct
{
  int line;
  char *id;
  char *category;
  char *effect;
  char *group;
  char *label;
  char *description;
  GStrv needs;
  GPtrArray *args;      /* of char* */
  GPtrArray *make_vars; /* of char* */
  gboolean portable;
  gboolean required;
  gboolean refused;
} FlagDraft;

static void
flag_draft_free (FlagDraft *draft)
{
  g_free (draft->id);
  g_free (draft->category);
  g_free (draft->effect);
  g_free (draft->group);
  g_free (draft->label);
  g_free (draft->description);
  g_strfreev (draft->needs);
  g_ptr_array_unref (draft->args);
  g_ptr_array_unref (draft->make_vars);
  g_free (draft);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlagDraft, flag_draft_free)

typedef struct
{
  MtFlagCatalog *self;
  gboolean seen_root;
  FlagDraft *flag; /* inside a <flag> */
  Preset *preset;  /* inside a <preset>, not yet in self->presets */
  GString *text;   /* inside a <label>, <description>, <arg> or <make> */
  int line;
} ParseState;

static void
parse_state_clear (ParseState *state)
{
  g_clear_pointer (&state->flag, flag_draft_free);
  g_clear_pointer (&state->preset, preset_free);
  if (state->text != NULL)
    g_string_free (g_steal_pointer (&state->text), TRUE);
}

/* The line being parsed: the catalog is fed to GMarkup one line at a
 * time, as its own position is one line late after a tag that ends a
 * line. */
static int
current_line (GMarkupParseContext *context)
{
  const ParseState *state = g_markup_parse_context_get_user_data (context);

  return state->line;
}

static gboolean set_line_error_valist (GError **error, int line, const char *format, va_list args)
  G_GNUC_PRINTF (3, 0);

static gboolean
set_line_error_valist (GError **error, int line, const char *format, va_list args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("line %d: %s"), line, message);
  return FALSE;
}

static gboolean set_line_error (GError **error, int line, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

static gboolean
set_line_error (GError **error, int line, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  set_line_error_valist (error, line, format, args);
  va_end (args);

  return FALSE;
}

static gboolean
set_parse_error (GMarkupParseContext *context, GError **error, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

/* An error at the parser's position. */
static gboolean
set_parse_error (GMarkupParseContext *context, GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  set_line_error_valist (error, current_line (context), format, args);
  va_end (args);

  return FALSE;
}

static gboolean
is_kebab_id (const char *str)
{
  gsize len = strlen (str);

  if (len == 0 || len > ID_MAX_LENGTH || str[0] == '-' || str[len - 1] == '-')
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (str[i] == '-' && str[i + 1] == '-')
        return FALSE;
      if (!g_ascii_islower (str[i]) && !g_ascii_isdigit (str[i]) && str[i] != '-')
        return FALSE;
    }

  return TRUE;
}

/* What xgettext's ITS extraction does with an element's text: runs of
 * whitespace become one space, leading and trailing whitespace goes.  The
 * msgid and the string looked up at run time must be the same. */
static char *
collapse_whitespace (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static gboolean
parse_bool (GMarkupParseContext *context,
            const char *name,
            const char *value,
            gboolean *out,
            GError **error)
{
  if (value == NULL || g_str_equal (value, "false"))
    *out = FALSE;
  else if (g_str_equal (value, "true"))
    *out = TRUE;
  else
    return set_parse_error (context, error, _ ("%s must be “true” or “false”, not “%s”"), name,
                            value);

  return TRUE;
}

/* g_markup_collect_attributes()'s error, with the line */
static gboolean
check_attributes (GMarkupParseContext *context,
                  gboolean ok,
                  const GError *local_error,
                  GError **error)
{
  if (!ok)
    return set_parse_error (context, error, "%s", local_error->message);

  return TRUE;
}

static gboolean
start_root (GMarkupParseContext *context,
            ParseState *state,
            const char *element,
            const char **names,
            const char **values,
            GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *version = NULL;
  gboolean ok;

  if (!g_str_equal (element, "flag-catalog") || state->seen_root)
    return set_parse_error (context, error, _ ("expected one <flag-catalog> element, found <%s>"),
                            element);
  state->seen_root = TRUE;

  ok = g_markup_collect_attributes (element, names, values, &local_error, G_MARKUP_COLLECT_STRING,
                                    "version", &version, G_MARKUP_COLLECT_INVALID);
  if (!check_attributes (context, ok, local_error, error))
    return FALSE;

  if (!g_str_equal (version, "1"))
    return set_parse_error (context, error,
                            _ ("catalog version “%s” is not supported; this Modtune reads "
                               "version 1"),
                            version);

  return TRUE;
}

static gboolean
start_flag (GMarkupParseContext *context,
            ParseState *state,
            const char **names,
            const char **values,
            GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (FlagDraft) draft = g_new0 (FlagDraft, 1);
  const char *id = NULL;
  const char *category = NULL;
  const char *effect = NULL;
  const char *portable = NULL;
  const char *required = NULL;
  const char *refused = NULL;
  const char *needs = NULL;
  const char *group = NULL;
  gboolean ok;

  draft->args = g_ptr_array_new_with_free_func (g_free);
  draft->make_vars = g_ptr_array_new_with_free_func (g_free);
  draft->line = current_line (context);

  ok = g_markup_collect_attributes (
    "flag", names, values, &local_error, G_MARKUP_COLLECT_STRING, "id", &id,
    G_MARKUP_COLLECT_STRING, "category", &category, G_MARKUP_COLLECT_STRING, "effect", &effect,
    G_MARKUP_COLLECT_STRING, "portable", &portable,
    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "required", &required,
    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "refused", &refused,
    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "needs", &needs,
    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "group", &group, G_MARKUP_COLLECT_INVALID);
  if (!check_attributes (context, ok, local_error, error))
    return FALSE;

  if (!is_kebab_id (id))
    return set_parse_error (context, error,
                            _ ("flag id “%s” is not lower-case words joined by “-”"), id);
  if (g_hash_table_contains (state->self->flags_by_id, id))
    return set_parse_error (context, error, _ ("a flag with the id “%s” exists already"), id);
  if (!g_strv_contains (categories, category))
    return set_parse_error (context, error, _ ("flag “%s” has an unknown category “%s”"), id,
                            category);
  if (!g_strv_contains (effects, effect))
    return set_parse_error (context, error, _ ("flag “%s” has an unknown effect “%s”"), id, effect);
  if (group != NULL && !is_kebab_id (group))
    return set_parse_error (context, error, _ ("group “%s” is not lower-case words joined by “-”"),
                            group);

  if (!parse_bool (context, "portable", portable, &draft->portable, error) ||
      !parse_bool (context, "required", required, &draft->required, error) ||
      !parse_bool (context, "refused", refused, &draft->refused, error))
    return FALSE;

  if (needs != NULL)
    {
      draft->needs = g_strsplit (needs, " ", -1);
      for (guint i = 0; draft->needs[i] != NULL; i++)
        if (!_mt_flag_need_is_valid (draft->needs[i]))
          return set_parse_error (context, error,
                                  _ ("flag “%s” needs “%s”, which is neither a processor feature "
                                     "id nor compiler=gcc|clang or unwinder=orc|frame-pointer|"
                                     "guess"),
                                  id, draft->needs[i]);
    }

  draft->id = g_strdup (id);
  draft->category = g_strdup (category);
  draft->effect = g_strdup (effect);
  draft->group = g_strdup (group);
  state->flag = g_steal_pointer (&draft);

  return TRUE;
}

static gboolean
start_preset (GMarkupParseContext *context,
              ParseState *state,
              const char **names,
              const char **values,
              GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *id = NULL;
  gboolean ok;

  ok = g_markup_collect_attributes ("preset", names, values, &local_error, G_MARKUP_COLLECT_STRING,
                                    "id", &id, G_MARKUP_COLLECT_INVALID);
  if (!check_attributes (context, ok, local_error, error))
    return FALSE;

  if (!is_kebab_id (id))
    return set_parse_error (context, error,
                            _ ("preset id “%s” is not lower-case words joined by “-”"), id);
  for (guint i = 0; i < state->self->presets->len; i++)
    if (g_str_equal (((Preset *) g_ptr_array_index (state->self->presets, i))->id, id))
      return set_parse_error (context, error, _ ("a preset with the id “%s” exists already"), id);

  state->preset = g_new0 (Preset, 1);
  state->preset->id = g_strdup (id);
  state->preset->includes = g_ptr_array_new_with_free_func (g_free);
  state->preset->lines = g_array_new (FALSE, FALSE, sizeof (int));

  return TRUE;
}

static gboolean
start_include (GMarkupParseContext *context,
               ParseState *state,
               const char **names,
               const char **values,
               GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *flag = NULL;
  int line = current_line (context);
  gboolean ok;

  ok = g_markup_collect_attributes ("include", names, values, &local_error, G_MARKUP_COLLECT_STRING,
                                    "flag", &flag, G_MARKUP_COLLECT_INVALID);
  if (!check_attributes (context, ok, local_error, error))
    return FALSE;

  if (!is_kebab_id (flag))
    return set_parse_error (context, error,
                            _ ("flag id “%s” is not lower-case words joined by “-”"), flag);
  for (guint i = 0; i < state->preset->includes->len; i++)
    if (g_str_equal (g_ptr_array_index (state->preset->includes, i), flag))
      return set_parse_error (context, error, _ ("preset “%s” includes “%s” twice"),
                              state->preset->id, flag);

  g_ptr_array_add (state->preset->includes, g_strdup (flag));
  g_array_append_val (state->preset->lines, line);

  return TRUE;
}

/* <label>, <description>, <arg>, <make>: text only, no attribute */
static gboolean
start_text (GMarkupParseContext *context,
            ParseState *state,
            const char *element,
            const char **names,
            const char **values,
            GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean ok;
  char **slot = NULL;

  ok = g_markup_collect_attributes (element, names, values, &local_error, G_MARKUP_COLLECT_INVALID,
                                    NULL);
  if (!check_attributes (context, ok, local_error, error))
    return FALSE;

  if (g_str_equal (element, "label"))
    slot = state->flag != NULL ? &state->flag->label : &state->preset->label;
  else if (g_str_equal (element, "description"))
    slot = state->flag != NULL ? &state->flag->description : &state->preset->description;

  if (slot != NULL && *slot != NULL)
    return set_parse_error (context, error, _ ("a second <%s>"), element);

  state->text = g_string_new (NULL);

  return TRUE;
}

static void
start_element_cb (GMarkupParseContext *context,
                  const char *element,
                  const char **names,
                  const char **values,
                  gpointer user_data,
                  GError **error)
{
  ParseState *state = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  guint depth = g_slist_length ((GSList *) stack);
  const char *parent = depth > 1 ? stack->next->data : NULL;

  if (depth == 1)
    start_root (context, state, element, names, values, error);
  else if (depth == 2 && g_str_equal (element, "flag"))
    start_flag (context, state, names, values, error);
  else if (depth == 2 && g_str_equal (element, "preset"))
    start_preset (context, state, names, values, error);
  else if (depth == 3 && g_str_equal (parent, "preset") && g_str_equal (element, "include"))
    start_include (context, state, names, values, error);
  else if (depth == 3 && (g_str_equal (element, "label") || g_str_equal (element, "description")))
    start_text (context, state, element, names, values, error);
  else if (depth == 3 && g_str_equal (parent, "flag") &&
           (g_str_equal (element, "arg") || g_str_equal (element, "make")))
    start_text (context, state, element, names, values, error);
  else
    set_parse_error (context, error, _ ("unknown element <%s> in <%s>"), element,
                     parent != NULL ? parent : "");
}

static gboolean
end_arg (GMarkupParseContext *context,
         FlagDraft *flag,
         gboolean make,
         const char *token,
         GError **error)
{
  g_autoptr (GError) local_error = NULL;
  GPtrArray *list = make ? flag->make_vars : flag->args;

  if (!mt_flag_argument_is_allowed (token, &local_error))
    return set_parse_error (context, error, _ ("flag “%s”: %s"), flag->id, local_error->message);

  if (make && (token[0] == '-' || strchr (token, '=') == NULL))
    return set_parse_error (context, error,
                            _ ("flag “%s”: <make> holds a make variable (NAME=VALUE), not “%s”"),
                            flag->id, token);
  if (!make && token[0] != '-')
    return set_parse_error (
      context, error, _ ("flag “%s”: <arg> holds a compiler option, not “%s”"), flag->id, token);

  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (g_ptr_array_index (list, i), token))
      return set_parse_error (context, error, _ ("flag “%s” has “%s” twice"), flag->id, token);

  g_ptr_array_add (list, g_strdup (token));

  return TRUE;
}

static gboolean
end_text (GMarkupParseContext *context, ParseState *state, const char *element, GError **error)
{
  g_autoptr (GString) content = g_steal_pointer (&state->text);
  g_autofree char *collapsed = collapse_whitespace (content->str);
  glong length = g_utf8_strlen (collapsed, -1);
  gboolean is_label = g_str_equal (element, "label");

  if (collapsed[0] == '\0')
    return set_parse_error (context, error, _ ("<%s> is empty"), element);

  if (g_str_equal (element, "arg") || g_str_equal (element, "make"))
    return end_arg (context, state->flag, g_str_equal (element, "make"), collapsed, error);

  if (length > (is_label ? LABEL_MAX_LENGTH : DESCRIPTION_MAX_LENGTH))
    return set_parse_error (context, error, _ ("<%s> is longer than %d characters"), element,
                            is_label ? LABEL_MAX_LENGTH : DESCRIPTION_MAX_LENGTH);

  if (state->flag != NULL && is_label)
    state->flag->label = g_steal_pointer (&collapsed);
  else if (state->flag != NULL)
    state->flag->description = g_steal_pointer (&collapsed);
  else if (is_label)
    state->preset->label = g_steal_pointer (&collapsed);
  else
    state->preset->description = g_steal_pointer (&collapsed);

  return TRUE;
}

static gboolean
end_flag (GMarkupParseContext *context, ParseState *state, GError **error)
{
  g_autoptr (FlagDraft) draft = g_steal_pointer (&state->flag);
  gboolean has_args = draft->args->len > 0 || draft->make_vars->len > 0;
  MtFlagFields fields = { 0 };
  MtFlag *flag;

  if (draft->label == NULL || draft->description == NULL)
    return set_line_error (error, draft->line, _ ("flag “%s” needs a <label> and a <description>"),
                           draft->id);
  if (draft->required && draft->refused)
    return set_line_error (error, draft->line, _ ("flag “%s” cannot be both required and refused"),
                           draft->id);
  if (draft->refused && has_args)
    return set_line_error (error, draft->line,
                           _ ("flag “%s” is refused, so it has no <arg> or <make>"), draft->id);
  if (!draft->required && !draft->refused && !has_args)
    return set_line_error (error, draft->line, _ ("flag “%s” has no <arg> and no <make>"),
                           draft->id);

  g_ptr_array_add (draft->args, NULL);
  g_ptr_array_add (draft->make_vars, NULL);

  fields.id = draft->id;
  fields.label = draft->label;
  fields.description = draft->description;
  fields.category = draft->category;
  fields.effect = draft->effect;
  fields.group = draft->group;
  fields.args = (const char *const *) draft->args->pdata;
  fields.make_vars = (const char *const *) draft->make_vars->pdata;
  fields.needs = (const char *const *) draft->needs;
  fields.portable = draft->portable;
  fields.required = draft->required;
  fields.refused = draft->refused;

  flag = _mt_flag_new (&fields);
  g_ptr_array_add (state->self->flags, flag);
  g_hash_table_insert (state->self->flags_by_id, (gpointer) mt_flag_get_id (flag), flag);

  return TRUE;
}

static void
end_element_cb (GMarkupParseContext *context,
                const char *element,
                gpointer user_data,
                GError **error)
{
  ParseState *state = user_data;

  if (state->text != NULL)
    {
      end_text (context, state, element, error);
    }
  else if (g_str_equal (element, "flag"))
    {
      end_flag (context, state, error);
    }
  else if (g_str_equal (element, "preset"))
    {
      if (state->preset->label == NULL || state->preset->description == NULL)
        set_parse_error (context, error, _ ("preset “%s” needs a <label> and a <description>"),
                         state->preset->id);
      else
        g_ptr_array_add (state->self->presets, g_steal_pointer (&state->preset));
    }
}

static void
text_cb (GMarkupParseContext *context,
         const char *text,
         gsize text_len,
         gpointer user_data,
         GError **error)
{
  ParseState *state = user_data;

  if (state->text != NULL)
    {
      g_string_append_len (state->text, text, text_len);
      return;
    }

  for (gsize i = 0; i < text_len; i++)
    if (!g_ascii_isspace (text[i]))
      {
        set_parse_error (context, error,
                         _ ("text outside of <label>, <description>, <arg> and "
                            "<make>"));
        return;
      }
}

static const GMarkupParser parser = {
  start_element_cb, end_element_cb, text_cb, NULL, NULL,
};

/* What cannot be checked until every flag is known. */
static gboolean
check_presets (MtFlagCatalog *self, GError **error)
{
  if (self->flags->len == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("it holds no <flag>"));
      return FALSE;
    }

  for (guint i = 0; i < self->presets->len; i++)
    {
      const Preset *preset = g_ptr_array_index (self->presets, i);
      g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint j = 0; j < preset->includes->len; j++)
        {
          const char *id = g_ptr_array_index (preset->includes, j);
          int line = g_array_index (preset->lines, int, j);
          MtFlag *flag = g_hash_table_lookup (self->flags_by_id, id);
          const char *group;
          const char *problem = NULL;

          if (flag == NULL)
            problem = _ ("there is no such flag");
          else if (mt_flag_get_refused (flag))
            problem = _ ("the flag is refused");
          else if (mt_flag_get_required (flag))
            problem = _ ("required flags are part of every preset already");

          group = flag != NULL ? mt_flag_get_group (flag) : NULL;
          if (problem == NULL && group != NULL && g_hash_table_contains (groups, group))
            problem = _ ("the preset has another flag of its group already");
          if (group != NULL)
            g_hash_table_add (groups, (gpointer) group);

          if (problem != NULL)
            {
              g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                           _ ("line %d: preset “%s” includes “%s”: %s"), line, preset->id, id,
                           problem);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/**
 * mt_flag_catalog_new_from_data:
 * @xml: the catalog
 * @length: its length, or -1 if NUL-terminated
 *
 * Returns: (transfer full): the catalog, or %NULL if anything in it is
 *   not exactly as `data/catalog/README.md` describes
 */
MtFlagCatalog *
mt_flag_catalog_new_from_data (const char *xml, gsize length, GError **error)
{
  g_autoptr (MtFlagCatalog) self = NULL;
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) local_error = NULL;
  ParseState state = { 0 };
  const char *nul;
  gboolean ok;

  g_return_val_if_fail (xml != NULL, NULL);

  if (length == (gsize) -1)
    length = strlen (xml);

  if (length > CATALOG_MAX_SIZE)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("Cannot read the flag catalog: it is larger than %d bytes"),
                   CATALOG_MAX_SIZE);
      return NULL;
    }

  nul = memchr (xml, '\0', length);
  if (nul != NULL)
    {
      guint line = 1;

      for (const char *p = xml; p < nul; p++)
        line += *p == '\n';
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("Cannot read the flag catalog: line %u: a NUL byte"), line);
      return NULL;
    }

  self = g_object_new (MT_TYPE_FLAG_CATALOG, NULL);
  state.self = self;

  context = g_markup_parse_context_new (&parser, 0, &state, NULL);
  ok = TRUE;
  for (const char *p = xml, *end = xml + length; ok && p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *next = nl != NULL ? nl + 1 : end;

      state.line++;
      ok = g_markup_parse_context_parse (context, p, next - p, &local_error);
      p = next;
    }
  ok = ok && g_markup_parse_context_end_parse (context, &local_error);
  parse_state_clear (&state);

  if (ok && !state.seen_root)
    {
      g_set_error (&local_error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("it is empty"));
      ok = FALSE;
    }

  if (!ok || !check_presets (self, &local_error))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, _ ("Cannot read the flag catalog: %s"),
                   local_error->message);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * mt_flag_catalog_new_default:
 *
 * Reads the catalog compiled into the core library.
 *
 * Returns: (transfer full): the catalog
 */
MtFlagCatalog *
mt_flag_catalog_new_default (GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  MtFlagCatalog *self;
  gsize size;
  const char *data;

  bytes = g_resource_lookup_data (mt_core_get_resource (), MT_FLAG_CATALOG_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    {
      g_prefix_error (error, _ ("Modtune was built without its flag catalog (reinstall it): "));
      return NULL;
    }

  data = g_bytes_get_data (bytes, &size);
  self = mt_flag_catalog_new_from_data (data, size, error);
  if (self == NULL)
    g_prefix_error (error, _ ("Modtune’s built-in flag catalog is broken (reinstall it): "));

  return self;
}

/**
 * mt_flag_catalog_lookup:
 *
 * Returns: (transfer none) (nullable): the flag with that id
 */
MtFlag *
mt_flag_catalog_lookup (MtFlagCatalog *self, const char *id)
{
  g_return_val_if_fail (MT_IS_FLAG_CATALOG (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->flags_by_id, id);
}

static GStrv
strv_from_array (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (GStrv) g_ptr_array_free (array, FALSE);
}

/**
 * mt_flag_catalog_expand:
 * @ids: (array zero-terminated=1) (nullable): flag ids, as a client sends
 *   them
 * @cflags: (out) (optional) (transfer full): the compiler arguments for
 *   the module's files (mt_build_plan_new()'s @cflags)
 * @make_vars: (out) (optional) (transfer full): the make variables
 *
 * Turns flag ids into arguments: what the helper does with the ids a
 * client sends, and the only way an argument reaches a build.  Fails on an
 * unknown or refused id and on two flags of one group.  Arguments come
 * out in catalog order, whatever the order of @ids, each checked again
 * with mt_flag_argument_is_allowed().  Required flags are not added:
 * presets hold them.
 */
gboolean
mt_flag_catalog_expand (MtFlagCatalog *self,
                        const char *const *ids,
                        GStrv *cflags,
                        GStrv *make_vars,
                        GError **error)
{
  g_autoptr (GHashTable) chosen = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) vars = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (MT_IS_FLAG_CATALOG (self), FALSE);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      MtFlag *flag = g_hash_table_lookup (self->flags_by_id, ids[i]);
      g_autofree char *shown = _mt_flag_escape_for_message (ids[i]);
      const char *group;

      if (flag == NULL)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                       _ ("Unknown flag “%s”: it is not in Modtune’s flag catalog"), shown);
          return FALSE;
        }
      if (mt_flag_get_refused (flag))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                       _ ("The flag “%s” is never passed: the catalog lists it only to explain "
                          "why"),
                       shown);
          return FALSE;
        }

      group = mt_flag_get_group (flag);
      if (group != NULL && g_hash_table_contains (groups, group) &&
          g_hash_table_lookup (groups, group) != flag)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
                       _ ("The flags “%s” and “%s” cannot be chosen together: choose one"),
                       mt_flag_get_id (g_hash_table_lookup (groups, group)), shown);
          return FALSE;
        }
      if (group != NULL)
        g_hash_table_insert (groups, (gpointer) group, flag);

      g_hash_table_add (chosen, flag);
    }

  for (guint i = 0; i < self->flags->len; i++)
    {
      MtFlag *flag = g_ptr_array_index (self->flags, i);
      const char *const *flag_args = mt_flag_get_args (flag);
      const char *const *flag_vars = mt_flag_get_make_vars (flag);

      if (!g_hash_table_contains (chosen, flag))
        continue;

      for (guint j = 0; flag_args[j] != NULL; j++)
        {
          if (!mt_flag_argument_is_allowed (flag_args[j], error))
            return FALSE;
          g_ptr_array_add (args, g_strdup (flag_args[j]));
        }
      for (guint j = 0; flag_vars[j] != NULL; j++)
        {
          if (!mt_flag_argument_is_allowed (flag_vars[j], error))
            return FALSE;
          g_ptr_array_add (vars, g_strdup (flag_vars[j]));
        }
    }

  if (cflags != NULL)
    *cflags = strv_from_array (g_steal_pointer (&args));
  if (make_vars != NULL)
    *make_vars = strv_from_array (g_steal_pointer (&vars));

  return TRUE;
}

static const Preset *
find_preset (MtFlagCatalog *self, const char *id)
{
  for (guint i = 0; i < self->presets->len; i++)
    {
      const Preset *preset = g_ptr_array_index (self->presets, i);

      if (g_str_equal (preset->id, id))
        return preset;
    }

  return NULL;
}

/**
 * mt_flag_catalog_dup_preset_ids:
 *
 * Returns: (transfer full): the presets' ids, in catalog order
 */
GStrv
mt_flag_catalog_dup_preset_ids (MtFlagCatalog *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MT_IS_FLAG_CATALOG (self), NULL);

  for (guint i = 0; i < self->presets->len; i++)
    g_strv_builder_add (builder, ((const Preset *) g_ptr_array_index (self->presets, i))->id);

  return g_strv_builder_end (builder);
}

/**
 * mt_flag_catalog_get_preset_label:
 *
 * Returns: (nullable): the preset's label, translated
 */
const char *
mt_flag_catalog_get_preset_label (MtFlagCatalog *self, const char *preset)
{
  const Preset *found;

  g_return_val_if_fail (MT_IS_FLAG_CATALOG (self), NULL);
  g_return_val_if_fail (preset != NULL, NULL);

  found = find_preset (self, preset);
  return found != NULL ? g_dgettext (GETTEXT_PACKAGE, found->label) : NULL;
}

/**
 * mt_flag_catalog_get_preset_description:
 *
 * Returns: (nullable): the preset's description, translated
 */
const char *
mt_flag_catalog_get_preset_description (MtFlagCatalog *self, const char *preset)
{
  const Preset *found;

  g_return_val_if_fail (MT_IS_FLAG_CATALOG (self), NULL);
  g_return_val_if_fail (preset != NULL, NULL);

  found = find_preset (self, preset);
  return found != NULL ? g_dgettext (GETTEXT_PACKAGE, found->description) : NULL;
}

static gboolean
preset_includes (const Preset *preset, const char *id)
{
  for (guint i = 0; i < preset->includes->len; i++)
    if (g_str_equal (g_ptr_array_index (preset->includes, i), id))
      return TRUE;

  return FALSE;
}

static GStrv
resolve_preset (MtFlagCatalog *self, const Preset *preset, MtSystemInfo *info)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->flags->len; i++)
    {
      MtFlag *flag = g_ptr_array_index (self->flags, i);

      if (mt_flag_get_refused (flag))
        continue;
      if (!mt_flag_get_required (flag) && !preset_includes (preset, mt_flag_get_id (flag)))
        continue;
      /* only where the machine is known to have what the flag needs */
      if (mt_flag_check_needs (flag, info, NULL) != 1)
        continue;

      g_strv_builder_add (builder, mt_flag_get_id (flag));
    }

  return g_strv_builder_end (builder);
}

/**
 * mt_flag_catalog_get_preset:
 * @preset: `vanilla`, `optimized`, or another id of the catalog
 * @info: (nullable): the machine; %NULL leaves out every flag that needs
 *   something, as nothing is known
 *
 * The preset for this machine: its required flags and the flags it
 * includes, each only where the machine is known to have what it needs.
 *
 * Returns: (transfer full): flag ids in catalog order, for
 *   mt_flag_catalog_expand()
 */
GStrv
mt_flag_catalog_get_preset (MtFlagCatalog *self,
                            const char *preset,
                            MtSystemInfo *info,
                            GError **error)
{
  const Preset *found;

  g_return_val_if_fail (MT_IS_FLAG_CATALOG (self), NULL);
  g_return_val_if_fail (preset != NULL, NULL);
  g_return_val_if_fail (info == NULL || MT_IS_SYSTEM_INFO (info), NULL);

  found = find_preset (self, preset);
  if (found == NULL)
    {
      g_auto (GStrv) ids = mt_flag_catalog_dup_preset_ids (self);
      g_autofree char *known = g_strjoinv (", ", ids);
      g_autofree char *shown = _mt_flag_escape_for_message (preset);

      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("There is no preset “%s”; choose one of: %s"), shown, known);
      return NULL;
    }

  return resolve_preset (self, found, info);
}

/**
 * mt_flag_catalog_to_json:
 * @info: (nullable): the machine whose facts decide each flag's
 *   `needs_met` and each preset's `flags`
 *
 * Returns: (transfer full): `{"schema_version", "flags", "presets"}`
 */
JsonNode *
mt_flag_catalog_to_json (MtFlagCatalog *self, MtSystemInfo *info)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MT_IS_FLAG_CATALOG (self), NULL);
  g_return_val_if_fail (info == NULL || MT_IS_SYSTEM_INFO (info), NULL);

  json_builder_begin_object (builder);
  mt_json_add_int (builder, "schema_version", 1, TRUE);

  json_builder_set_member_name (builder, "flags");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->flags->len; i++)
    mt_flag_to_json (g_ptr_array_index (self->flags, i), info, builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "presets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->presets->len; i++)
    {
      const Preset *preset = g_ptr_array_index (self->presets, i);
      g_auto (GStrv) resolved = resolve_preset (self, preset, info);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "id", preset->id);
      mt_json_add_string (builder, "label", preset->label);
      json_builder_set_member_name (builder, "includes");
      json_builder_begin_array (builder);
      for (guint j = 0; j < preset->includes->len; j++)
        json_builder_add_string_value (builder, g_ptr_array_index (preset->includes, j));
      json_builder_end_array (builder);
      mt_json_add_strv (builder, "flags", (const char *const *) resolved);
      mt_json_add_string (builder, "description", preset->description);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
