/* mt-flags-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-flags-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-flag-row.h"
#include "mt-flags-page.h"

/* What the page starts from until a choice has been stored. */
#define DEFAULT_PRESET "optimized"

/**
 * MtFlagsPage:
 *
 * The Flags page: the presets, one #MtFlagRow per catalog flag in a group
 * per category, and the command line the flags switched on add to the
 * build, exactly as mt_flag_catalog_expand() gives it.
 *
 * Which flags are on follows from the choice (the ids chosen by hand or by
 * a preset; until then the Optimized preset for this machine): required
 * flags are on exactly where the machine has what they need, refused flags
 * and flags whose need the machine lacks are off, and at most one flag of
 * a group is on.  With #MtFlagsPage:settings the choice is read from
 * `enabled-flags` once `flags-initialized` is set, and every change made
 * on the page is written back to both.
 */
struct _MtFlagsPage
{
  AdwBin parent_instance;

  MtSystemInfo *system_info;
  MtFlagCatalog *catalog;
  GSettings *settings;

  GHashTable *chosen; /* (nullable): set of ids; NULL follows DEFAULT_PRESET */
  GStrv enabled;      /* in catalog order */
  char *command_line;
  char *preset; /* (nullable): the preset the enabled flags equal */
  GPtrArray *rows;
  GPtrArray *groups;
  GPtrArray *preset_rows;
  guint copied_source;
  gboolean updating;
  gboolean writing;

  /* template children */
  GtkStack *stack;
  AdwPreferencesPage *preferences_page;
  AdwPreferencesGroup *preset_group;
  GtkLabel *preset_label;
  GtkLabel *command_line_label;
  GtkLabel *command_line_empty_label;
  GtkButton *copy_button;
  AdwButtonContent *copy_content;
};

G_DEFINE_FINAL_TYPE (MtFlagsPage, mt_flags_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_SYSTEM_INFO,
  PROP_CATALOG,
  PROP_SETTINGS,
  PROP_ENABLED_FLAGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GHashTable *
set_from_strv (const char *const *ids)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_hash_table_add (set, g_strdup (ids[i]));

  return set;
}

static GStrv
dup_preset (MtFlagsPage *self, const char *preset)
{
  g_autoptr (GError) error = NULL;
  GStrv ids;

  if (self->catalog == NULL)
    return NULL;

  ids = mt_flag_catalog_get_preset (self->catalog, preset, self->system_info, &error);
  if (ids == NULL)
    g_debug ("%s", error->message);

  return ids;
}

/* The flags on for @wanted, in catalog order. */
static GStrv
compute_enabled (MtFlagsPage *self, GHashTable *wanted)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->rows->len; i++)
    {
      MtFlagRow *row = g_ptr_array_index (self->rows, i);
      MtFlag *flag = mt_flag_row_get_flag (row);
      const char *group = mt_flag_get_group (flag);
      gboolean on;

      if (mt_flag_get_refused (flag))
        on = FALSE;
      else if (mt_flag_get_required (flag))
        on = mt_flag_row_get_needs_met (row) > 0;
      else
        on = !mt_flag_row_get_locked (row) &&
             g_hash_table_contains (wanted, mt_flag_get_id (flag)) &&
             (group == NULL || !g_hash_table_contains (groups, group));

      if (!on)
        continue;
      g_strv_builder_add (builder, mt_flag_get_id (flag));
      if (group != NULL)
        g_hash_table_add (groups, (gpointer) group);
    }

  return g_strv_builder_end (builder);
}

static char *
format_command_line (const char *const *cflags, const char *const *make_vars)
{
  g_autoptr (GString) line = g_string_new (NULL);

  /* as mt-build passes them: KCFLAGS, then the make variables */
  if (cflags[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", (char **) cflags);
      g_autofree char *quoted = g_shell_quote (joined);

      g_string_append_printf (line, "KCFLAGS=%s", quoted);
    }
  for (guint i = 0; make_vars[i] != NULL; i++)
    {
      if (line->len > 0)
        g_string_append_c (line, ' ');
      g_string_append (line, make_vars[i]);
    }

  return g_string_free (g_steal_pointer (&line), FALSE);
}

static void
update_command_line (MtFlagsPage *self)
{
  g_auto (GStrv) cflags = NULL;
  g_auto (GStrv) make_vars = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  if (self->catalog != NULL &&
      !mt_flag_catalog_expand (self->catalog, (const char *const *) self->enabled, &cflags,
                               &make_vars, &error))
    g_warning ("The flags switched on do not expand: %s", error->message);
  if (cflags != NULL && make_vars != NULL)
    line = format_command_line ((const char *const *) cflags, (const char *const *) make_vars);
  else
    line = g_strdup ("");

  gtk_label_set_text (self->command_line_label, line);
  gtk_widget_set_visible (GTK_WIDGET (self->command_line_label), *line != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->command_line_empty_label), *line == '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flags.copy-command-line", *line != '\0');

  g_free (self->command_line);
  self->command_line = g_steal_pointer (&line);
}

static void
update_preset (MtFlagsPage *self)
{
  g_autofree char *current = NULL;

  /* where presets give the same flags on this machine, each is checked */
  for (guint i = 0; i < self->preset_rows->len; i++)
    {
      GObject *row = g_ptr_array_index (self->preset_rows, i);
      const char *id = g_object_get_data (row, "preset");
      g_auto (GStrv) ids = dup_preset (self, id);
      gboolean equal = ids != NULL && g_strv_equal ((const char *const *) ids,
                                                    (const char *const *) self->enabled);

      gtk_widget_set_visible (g_object_get_data (row, "check"), equal);
      if (equal && current == NULL)
        current = g_strdup (id);
    }

  gtk_label_set_text (self->preset_label,
                      current != NULL ? mt_flag_catalog_get_preset_label (self->catalog, current)
                                      /* TRANSLATORS: the flags switched on equal no preset */
                                      : _ ("Custom"));

  g_free (self->preset);
  self->preset = g_steal_pointer (&current);
}

/* Shows what the choice gives on this machine. */
static void
update (MtFlagsPage *self)
{
  g_autoptr (GHashTable) preset = NULL;
  g_auto (GStrv) enabled = NULL;

  if (self->chosen == NULL)
    {
      g_auto (GStrv) ids = dup_preset (self, DEFAULT_PRESET);

      preset = set_from_strv ((const char *const *) ids);
    }
  enabled = compute_enabled (self, self->chosen != NULL ? self->chosen : preset);

  self->updating = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      MtFlagRow *row = g_ptr_array_index (self->rows, i);
      const char *id = mt_flag_get_id (mt_flag_row_get_flag (row));

      mt_flag_row_set_active (row, g_strv_contains ((const char *const *) enabled, id));
    }
  self->updating = FALSE;

  if (self->enabled == NULL ||
      !g_strv_equal ((const char *const *) enabled, (const char *const *) self->enabled))
    {
      g_strfreev (self->enabled);
      self->enabled = g_steal_pointer (&enabled);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED_FLAGS]);
    }

  update_command_line (self);
  update_preset (self);
}

/* A change made on the page: the flags now on become the choice, and are
 * stored. */
static void
commit (MtFlagsPage *self)
{
  update (self);
  g_clear_pointer (&self->chosen, g_hash_table_unref);
  self->chosen = set_from_strv ((const char *const *) self->enabled);

  if (self->settings == NULL)
    return;

  self->writing = TRUE;
  g_settings_set_strv (self->settings, "enabled-flags", (const char *const *) self->enabled);
  g_settings_set_boolean (self->settings, "flags-initialized", TRUE);
  self->writing = FALSE;
}

static void
load_choice (MtFlagsPage *self)
{
  g_clear_pointer (&self->chosen, g_hash_table_unref);

  if (self->settings != NULL && g_settings_get_boolean (self->settings, "flags-initialized"))
    {
      g_auto (GStrv) ids = g_settings_get_strv (self->settings, "enabled-flags");

      /* ids the catalog does not know match no row, and are dropped */
      self->chosen = set_from_strv ((const char *const *) ids);
    }
}

static void
settings_changed_cb (MtFlagsPage *self, const char *key, GSettings *settings)
{
  g_auto (GStrv) ids = NULL;

  if (self->writing ||
      (g_strcmp0 (key, "enabled-flags") != 0 && g_strcmp0 (key, "flags-initialized") != 0))
    return;

  /* our own change, told late */
  ids = g_settings_get_strv (settings, "enabled-flags");
  if (self->chosen != NULL && g_settings_get_boolean (settings, "flags-initialized") &&
      self->enabled != NULL &&
      g_strv_equal ((const char *const *) ids, (const char *const *) self->enabled))
    return;

  load_choice (self);
  update (self);
}

static void
row_active_cb (MtFlagsPage *self, GParamSpec *pspec, MtFlagRow *row)
{
  MtFlag *flag = mt_flag_row_get_flag (row);
  const char *group = mt_flag_get_group (flag);

  if (self->updating)
    return;

  if (self->chosen == NULL)
    self->chosen = set_from_strv ((const char *const *) self->enabled);

  if (!mt_flag_row_get_active (row))
    {
      g_hash_table_remove (self->chosen, mt_flag_get_id (flag));
      commit (self);
      return;
    }

  /* switching on one flag of a group switches the others off */
  for (guint i = 0; group != NULL && i < self->rows->len; i++)
    {
      MtFlag *other = mt_flag_row_get_flag (g_ptr_array_index (self->rows, i));

      if (other != flag && g_strcmp0 (mt_flag_get_group (other), group) == 0)
        g_hash_table_remove (self->chosen, mt_flag_get_id (other));
    }
  g_hash_table_add (self->chosen, g_strdup (mt_flag_get_id (flag)));
  commit (self);
}

/* A group for the flags of @category.  (An if/else chain: N_() inside an
 * initializer list defeats clang-format, see mt-paravirt.c.) */
static GtkWidget *
new_category_group (const char *category)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  const char *title = category;
  const char *description = NULL;

  /* TRANSLATORS: the categories of compiler flags: group titles and descriptions */
  if (g_str_equal (category, "toolchain"))
    title = _ ("Toolchain"), description = _ ("Who compiles the modules");
  else if (g_str_equal (category, "optimization"))
    title = _ ("Optimization"), description = _ ("What the compiler does with the modules’ code");
  else if (g_str_equal (category, "cpu-tuning"))
    title = _ ("Processor"), description = _ ("The processor the code is generated for");
  else if (g_str_equal (category, "safety"))
    title = _ ("Safety"), description = _ ("Flags other tools add that the kernel passes already");
  else if (g_str_equal (category, "diagnostics"))
    title = _ ("Diagnostics"), description = _ ("What the build reports");
  else if (g_str_equal (category, "vmware-macros"))
    title = _ ("VMware Macros"), description = _ ("Macros other module builders define with -D");

  adw_preferences_group_set_title (group, title);
  adw_preferences_group_set_description (group, description);
  gtk_widget_set_name (GTK_WIDGET (group), category);

  return GTK_WIDGET (group);
}

static void
add_preset_row (MtFlagsPage *self, const char *id)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 mt_flag_catalog_get_preset_label (self->catalog, id));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               mt_flag_catalog_get_preset_description (self->catalog, id));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "flags.apply-preset");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", id);
  gtk_widget_set_visible (check, FALSE);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (check, "accent");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);

  g_object_set_data_full (G_OBJECT (row), "preset", g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (row), "check", check);
  adw_preferences_group_add (self->preset_group, row);
  g_ptr_array_add (self->preset_rows, row);
}

/* Builds the preset rows and the flags' groups anew for the catalog and
 * the machine. */
static void
rebuild (MtFlagsPage *self)
{
  g_autoptr (GHashTable) by_category = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto (GStrv) presets = NULL;
  guint n;

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->preferences_page, g_ptr_array_index (self->groups, i));
  for (guint i = 0; i < self->preset_rows->len; i++)
    adw_preferences_group_remove (self->preset_group, g_ptr_array_index (self->preset_rows, i));
  g_ptr_array_set_size (self->groups, 0);
  g_ptr_array_set_size (self->preset_rows, 0);
  g_ptr_array_set_size (self->rows, 0);

  gtk_stack_set_visible_child_name (self->stack, self->catalog != NULL ? "flags" : "empty");
  if (self->catalog == NULL)
    {
      update (self);
      return;
    }

  presets = mt_flag_catalog_dup_preset_ids (self->catalog);
  for (guint i = 0; presets[i] != NULL; i++)
    add_preset_row (self, presets[i]);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->catalog));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MtFlag) flag = g_list_model_get_item (G_LIST_MODEL (self->catalog), i);
      const char *category = mt_flag_get_category (flag);
      AdwPreferencesGroup *group = g_hash_table_lookup (by_category, category);
      GtkWidget *row;

      if (group == NULL)
        {
          group = ADW_PREFERENCES_GROUP (new_category_group (category));
          adw_preferences_page_add (self->preferences_page, group);
          g_hash_table_insert (by_category, (gpointer) category, group);
          g_ptr_array_add (self->groups, group);
        }

      row = mt_flag_row_new (self->catalog, flag, self->system_info);
      g_signal_connect_object (row, "notify::active", G_CALLBACK (row_active_cb), self,
                               G_CONNECT_SWAPPED);
      adw_preferences_group_add (group, row);
      g_ptr_array_add (self->rows, row);
    }

  update (self);
}

static gboolean
copied_timeout_cb (gpointer user_data)
{
  MtFlagsPage *self = user_data;

  self->copied_source = 0;
  adw_button_content_set_label (self->copy_content, _ ("_Copy"));

  return G_SOURCE_REMOVE;
}

static void
copy_command_line_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtFlagsPage *self = MT_FLAGS_PAGE (widget);

  if (self->command_line == NULL || *self->command_line == '\0')
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->command_line);
  /* TRANSLATORS: the Copy button's label for a moment after copying */
  adw_button_content_set_label (self->copy_content, _ ("Copied"));
  g_clear_handle_id (&self->copied_source, g_source_remove);
  self->copied_source = g_timeout_add_seconds (2, copied_timeout_cb, self);
}

static void
apply_preset_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MtFlagsPage *self = MT_FLAGS_PAGE (widget);
  g_auto (GStrv) ids = dup_preset (self, g_variant_get_string (parameter, NULL));

  if (ids == NULL)
    return;

  g_clear_pointer (&self->chosen, g_hash_table_unref);
  self->chosen = set_from_strv ((const char *const *) ids);
  commit (self);
}

MtSystemInfo *
mt_flags_page_get_system_info (MtFlagsPage *self)
{
  g_return_val_if_fail (MT_IS_FLAGS_PAGE (self), NULL);

  return self->system_info;
}

void
mt_flags_page_set_system_info (MtFlagsPage *self, MtSystemInfo *system_info)
{
  g_return_if_fail (MT_IS_FLAGS_PAGE (self));
  g_return_if_fail (system_info == NULL || MT_IS_SYSTEM_INFO (system_info));

  if (!g_set_object (&self->system_info, system_info))
    return;

  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYSTEM_INFO]);
}

MtFlagCatalog *
mt_flags_page_get_catalog (MtFlagsPage *self)
{
  g_return_val_if_fail (MT_IS_FLAGS_PAGE (self), NULL);

  return self->catalog;
}

void
mt_flags_page_set_catalog (MtFlagsPage *self, MtFlagCatalog *catalog)
{
  g_return_if_fail (MT_IS_FLAGS_PAGE (self));
  g_return_if_fail (catalog == NULL || MT_IS_FLAG_CATALOG (catalog));

  if (!g_set_object (&self->catalog, catalog))
    return;

  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

GSettings *
mt_flags_page_get_settings (MtFlagsPage *self)
{
  g_return_val_if_fail (MT_IS_FLAGS_PAGE (self), NULL);

  return self->settings;
}

/**
 * mt_flags_page_set_settings:
 * @settings: (nullable): settings of the `io.github.modtune.Modtune`
 *   schema, or %NULL to keep the choice in memory
 *
 * Reads the choice from `enabled-flags` when `flags-initialized` is set
 * (otherwise the page starts from the Optimized preset), and writes every
 * change made on the page back to both keys.
 */
void
mt_flags_page_set_settings (MtFlagsPage *self, GSettings *settings)
{
  g_return_if_fail (MT_IS_FLAGS_PAGE (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, settings_changed_cb, self);
  if (!g_set_object (&self->settings, settings))
    return;

  if (settings != NULL)
    g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                             G_CONNECT_SWAPPED);
  load_choice (self);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTINGS]);
}

/**
 * mt_flags_page_get_enabled_flags:
 *
 * Returns: (transfer none): the ids of the flags switched on, in catalog
 *   order
 */
const char *const *
mt_flags_page_get_enabled_flags (MtFlagsPage *self)
{
  g_return_val_if_fail (MT_IS_FLAGS_PAGE (self), NULL);

  return (const char *const *) self->enabled;
}

/**
 * mt_flags_page_dup_enabled_flags:
 *
 * Returns: (transfer full): the ids of the flags switched on, in catalog
 *   order, for the helper to expand
 */
GStrv
mt_flags_page_dup_enabled_flags (MtFlagsPage *self)
{
  g_return_val_if_fail (MT_IS_FLAGS_PAGE (self), NULL);

  return g_strdupv (self->enabled);
}

/**
 * mt_flags_page_get_command_line:
 *
 * Returns: what the flags switched on add to the build's make command
 *   (`KCFLAGS='-mtune=native' W=1`), or "" for nothing
 */
const char *
mt_flags_page_get_command_line (MtFlagsPage *self)
{
  g_return_val_if_fail (MT_IS_FLAGS_PAGE (self), NULL);

  return self->command_line;
}

/**
 * mt_flags_page_get_preset:
 *
 * Returns: (nullable): the id of the preset the flags switched on equal,
 *   or %NULL for a choice of one's own
 */
const char *
mt_flags_page_get_preset (MtFlagsPage *self)
{
  g_return_val_if_fail (MT_IS_FLAGS_PAGE (self), NULL);

  return self->preset;
}

static void
mt_flags_page_dispose (GObject *object)
{
  MtFlagsPage *self = (MtFlagsPage *) object;

  g_clear_handle_id (&self->copied_source, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, settings_changed_cb, self);

  /* the stack is the bin's child and a template child: the bin lets it
   * go first, then the template drops its reference */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_FLAGS_PAGE);

  g_clear_object (&self->system_info);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->chosen, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->preset_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_flags_page_parent_class)->dispose (object);
}

static void
mt_flags_page_finalize (GObject *object)
{
  MtFlagsPage *self = (MtFlagsPage *) object;

  g_strfreev (self->enabled);
  g_free (self->command_line);
  g_free (self->preset);

  G_OBJECT_CLASS (mt_flags_page_parent_class)->finalize (object);
}

static void
mt_flags_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtFlagsPage *self = MT_FLAGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYSTEM_INFO:
      g_value_set_object (value, self->system_info);
      break;

    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;

    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_ENABLED_FLAGS:
      g_value_set_boxed (value, self->enabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_flags_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MtFlagsPage *self = MT_FLAGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYSTEM_INFO:
      mt_flags_page_set_system_info (self, g_value_get_object (value));
      break;

    case PROP_CATALOG:
      mt_flags_page_set_catalog (self, g_value_get_object (value));
      break;

    case PROP_SETTINGS:
      mt_flags_page_set_settings (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_flags_page_class_init (MtFlagsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mt_flags_page_dispose;
  object_class->finalize = mt_flags_page_finalize;
  object_class->get_property = mt_flags_page_get_property;
  object_class->set_property = mt_flags_page_set_property;

  properties[PROP_SYSTEM_INFO] =
    g_param_spec_object ("system-info", NULL, NULL, MT_TYPE_SYSTEM_INFO,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, MT_TYPE_FLAG_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENABLED_FLAGS] = g_param_spec_boxed ("enabled-flags", NULL, NULL, G_TYPE_STRV,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-flags-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtFlagsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MtFlagsPage, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, MtFlagsPage, preset_group);
  gtk_widget_class_bind_template_child (widget_class, MtFlagsPage, preset_label);
  gtk_widget_class_bind_template_child (widget_class, MtFlagsPage, command_line_label);
  gtk_widget_class_bind_template_child (widget_class, MtFlagsPage, command_line_empty_label);
  gtk_widget_class_bind_template_child (widget_class, MtFlagsPage, copy_button);
  gtk_widget_class_bind_template_child (widget_class, MtFlagsPage, copy_content);

  gtk_widget_class_install_action (widget_class, "flags.apply-preset", "s", apply_preset_action);
  gtk_widget_class_install_action (widget_class, "flags.copy-command-line", NULL,
                                   copy_command_line_action);
}

static void
mt_flags_page_init (MtFlagsPage *self)
{
  self->rows = g_ptr_array_new ();
  self->groups = g_ptr_array_new ();
  self->preset_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  rebuild (self);
}
