/* mt-log-view.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-log-view"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-application.h"
#include "mt-log-view.h"

#define SEARCH_FLAGS (GTK_TEXT_SEARCH_TEXT_ONLY | GTK_TEXT_SEARCH_CASE_INSENSITIVE)
/* how close to the end, in pixels, still counts as "at the end" */
#define FOLLOW_SLACK 8.0

/**
 * MtLogView:
 *
 * A job's log as it grows: read-only monospace text that keeps showing the
 * end while the reader has not scrolled up, with a search bar that
 * highlights every match, counts them and steps from one to the next
 * (Enter and Shift+Enter, Ctrl+G and Shift+Ctrl+G, or the arrow buttons).
 */
struct _MtLogView
{
  GtkWidget parent_instance;

  GtkTextTag *match_tag;
  GtkTextTag *current_tag;
  GtkTextMark *end_mark;
  GtkTextMark *match_start;
  GtkTextMark *match_end;
  char *needle;
  guint n_matches;
  double last_value;
  gboolean has_current;
  gboolean following;

  /* template children */
  GtkWidget *frame;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkLabel *match_label;
  GtkScrolledWindow *scrolled_window;
  GtkTextView *text_view;
  GtkTextBuffer *buffer;
};

G_DEFINE_FINAL_TYPE (MtLogView, mt_log_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SEARCH_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
mt_log_view_new (void)
{
  return g_object_new (MT_TYPE_LOG_VIEW, NULL);
}

static void
scroll_to_end (MtLogView *self)
{
  gtk_text_view_scroll_to_mark (self->text_view, self->end_mark, 0.0, TRUE, 0.0, 1.0);
}

/* whether the view follows the end of the log: the reader has not scrolled
 * up, or has come back to the end */
gboolean
mt_log_view_get_following (MtLogView *self)
{
  g_return_val_if_fail (MT_IS_LOG_VIEW (self), FALSE);

  return self->following;
}

static void
value_changed_cb (MtLogView *self, GtkAdjustment *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  /* at the end it follows again; only a move up (the reader, or a search
   * match) stops it, not the text growing below */
  if (value >= bottom - FOLLOW_SLACK)
    self->following = TRUE;
  else if (value < self->last_value)
    self->following = FALSE;
  self->last_value = value;
}

/* The text view measures the lines it shows lazily, so the end moves
 * after the text was added: while following, the view goes with it. */
static void
bounds_changed_cb (MtLogView *self, GParamSpec *pspec, GtkAdjustment *adjustment)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (self->following && gtk_adjustment_get_value (adjustment) < bottom)
    gtk_adjustment_set_value (adjustment, bottom);
}

/* -- search ------------------------------------------------------------- */

static void
update_matches_label (MtLogView *self)
{
  g_autofree char *text = NULL;

  if (self->needle == NULL)
    text = g_strdup ("");
  else if (self->n_matches == 0)
    text = g_strdup (_ ("No matches"));
  else
    /* TRANSLATORS: how often the search text occurs in the log */
    text = g_strdup_printf (ngettext ("%u match", "%u matches", self->n_matches), self->n_matches);

  gtk_label_set_label (self->match_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.next-match", self->n_matches > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.previous-match", self->n_matches > 0);
}

/* Tags every match from @from to the end; returns how many. */
static guint
tag_matches_from (MtLogView *self, const GtkTextIter *from)
{
  GtkTextIter iter = *from;
  GtkTextIter start;
  GtkTextIter end;
  guint n = 0;

  while (gtk_text_iter_forward_search (&iter, self->needle, SEARCH_FLAGS, &start, &end, NULL) &&
         !gtk_text_iter_equal (&start, &end))
    {
      gtk_text_buffer_apply_tag (self->buffer, self->match_tag, &start, &end);
      iter = end;
      n++;
    }

  return n;
}

static void
set_current (MtLogView *self, const GtkTextIter *start, const GtkTextIter *end)
{
  GtkTextIter buffer_start;
  GtkTextIter buffer_end;

  gtk_text_buffer_get_bounds (self->buffer, &buffer_start, &buffer_end);
  gtk_text_buffer_remove_tag (self->buffer, self->current_tag, &buffer_start, &buffer_end);
  gtk_text_buffer_apply_tag (self->buffer, self->current_tag, start, end);
  gtk_text_buffer_move_mark (self->buffer, self->match_start, start);
  gtk_text_buffer_move_mark (self->buffer, self->match_end, end);
  self->has_current = TRUE;
  gtk_text_view_scroll_to_mark (self->text_view, self->match_start, 0.0, TRUE, 0.0, 0.5);
}

static void
step (MtLogView *self, gboolean forward)
{
  GtkTextIter from;
  GtkTextIter start;
  GtkTextIter end;
  gboolean found;

  if (self->n_matches == 0)
    return;

  if (forward)
    {
      if (self->has_current)
        gtk_text_buffer_get_iter_at_mark (self->buffer, &from, self->match_end);
      else
        gtk_text_buffer_get_start_iter (self->buffer, &from);
      found = gtk_text_iter_forward_search (&from, self->needle, SEARCH_FLAGS, &start, &end, NULL);
      if (!found)
        {
          /* from the top again */
          gtk_text_buffer_get_start_iter (self->buffer, &from);
          found =
            gtk_text_iter_forward_search (&from, self->needle, SEARCH_FLAGS, &start, &end, NULL);
        }
    }
  else
    {
      if (self->has_current)
        gtk_text_buffer_get_iter_at_mark (self->buffer, &from, self->match_start);
      else
        gtk_text_buffer_get_end_iter (self->buffer, &from);
      found = gtk_text_iter_backward_search (&from, self->needle, SEARCH_FLAGS, &start, &end, NULL);
      if (!found)
        {
          /* from the bottom again */
          gtk_text_buffer_get_end_iter (self->buffer, &from);
          found =
            gtk_text_iter_backward_search (&from, self->needle, SEARCH_FLAGS, &start, &end, NULL);
        }
    }

  if (found)
    set_current (self, &start, &end);
}

/* Searches the whole log again for @needle and shows the first match. */
static void
search (MtLogView *self, const char *needle)
{
  GtkTextIter start;
  GtkTextIter end;

  g_free (self->needle);
  self->needle = needle != NULL && *needle != '\0' ? g_strdup (needle) : NULL;
  self->n_matches = 0;
  self->has_current = FALSE;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->match_tag, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->current_tag, &start, &end);
  if (self->needle != NULL)
    self->n_matches = tag_matches_from (self, &start);

  update_matches_label (self);
  step (self, TRUE);
}

static void
search_changed_cb (MtLogView *self, GtkSearchEntry *entry)
{
  search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* Enter: the next match, or the first one if the search text changed and
 * its delayed search has not run yet */
static void
search_activate_cb (MtLogView *self, GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (g_strcmp0 (self->needle, *text != '\0' ? text : NULL) != 0)
    search (self, text);
  else
    step (self, TRUE);
}

static void
next_match_cb (MtLogView *self)
{
  step (self, TRUE);
}

static void
previous_match_cb (MtLogView *self)
{
  step (self, FALSE);
}

/* Shift+Enter: the previous match */
static gboolean
search_key_pressed_cb (MtLogView *self,
                       guint keyval,
                       guint keycode,
                       GdkModifierType state,
                       GtkEventControllerKey *controller)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (state & GDK_MODIFIER_MASK) == GDK_SHIFT_MASK)
    {
      step (self, FALSE);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
search_mode_changed_cb (MtLogView *self)
{
  /* closing the bar takes the highlights away; opening it brings them back */
  if (gtk_search_bar_get_search_mode (self->search_bar))
    search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  else
    search (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

static void
next_match_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  step (MT_LOG_VIEW (widget), TRUE);
}

static void
previous_match_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  step (MT_LOG_VIEW (widget), FALSE);
}

gboolean
mt_log_view_get_search_mode (MtLogView *self)
{
  g_return_val_if_fail (MT_IS_LOG_VIEW (self), FALSE);

  return gtk_search_bar_get_search_mode (self->search_bar);
}

void
mt_log_view_set_search_mode (MtLogView *self, gboolean search_mode)
{
  g_return_if_fail (MT_IS_LOG_VIEW (self));

  gtk_search_bar_set_search_mode (self->search_bar, search_mode);
}

/* Opens the search bar and puts the keyboard in its entry. */
void
mt_log_view_start_search (MtLogView *self)
{
  g_return_if_fail (MT_IS_LOG_VIEW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/* how many times the search text occurs in the log, while searching */
guint
mt_log_view_get_n_matches (MtLogView *self)
{
  g_return_val_if_fail (MT_IS_LOG_VIEW (self), 0);

  return self->n_matches;
}

/**
 * mt_log_view_get_current_match:
 * @line: (out) (optional): the line of the match shown, from 0
 * @line_offset: (out) (optional): its first character in that line
 *
 * Returns: whether a match is shown
 */
gboolean
mt_log_view_get_current_match (MtLogView *self, int *line, int *line_offset)
{
  GtkTextIter iter;

  g_return_val_if_fail (MT_IS_LOG_VIEW (self), FALSE);

  if (!self->has_current)
    return FALSE;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, self->match_start);
  if (line != NULL)
    *line = gtk_text_iter_get_line (&iter);
  if (line_offset != NULL)
    *line_offset = gtk_text_iter_get_line_offset (&iter);

  return TRUE;
}

/* -- text --------------------------------------------------------------- */

/* Replaces the log with @text, lines each ending in a newline. */
void
mt_log_view_set_text (MtLogView *self, const char *text)
{
  g_return_if_fail (MT_IS_LOG_VIEW (self));

  gtk_text_buffer_set_text (self->buffer, text != NULL ? text : "", -1);
  search (self, self->needle);
  if (self->following)
    scroll_to_end (self);
}

/* Adds one line (without its newline) at the end of the log. */
void
mt_log_view_append_line (MtLogView *self, const char *line)
{
  g_autofree char *text = NULL;
  GtkTextIter iter;
  int offset;

  g_return_if_fail (MT_IS_LOG_VIEW (self));
  g_return_if_fail (line != NULL);

  text = g_strconcat (line, "\n", NULL);
  gtk_text_buffer_get_end_iter (self->buffer, &iter);
  offset = gtk_text_iter_get_offset (&iter);
  gtk_text_buffer_insert (self->buffer, &iter, text, -1);

  if (self->needle != NULL)
    {
      guint n;

      gtk_text_buffer_get_iter_at_offset (self->buffer, &iter, offset);
      n = tag_matches_from (self, &iter);
      if (n > 0)
        {
          self->n_matches += n;
          update_matches_label (self);
          if (!self->has_current)
            step (self, TRUE);
        }
    }

  if (self->following)
    scroll_to_end (self);
}

/* Returns: (transfer full): the text shown */
char *
mt_log_view_dup_text (MtLogView *self)
{
  GtkTextIter start;
  GtkTextIter end;

  g_return_val_if_fail (MT_IS_LOG_VIEW (self), NULL);

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);

  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

static void
mt_log_view_dispose (GObject *object)
{
  MtLogView *self = (MtLogView *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), MT_TYPE_LOG_VIEW);

  G_OBJECT_CLASS (mt_log_view_parent_class)->dispose (object);
}

static void
mt_log_view_finalize (GObject *object)
{
  MtLogView *self = (MtLogView *) object;

  g_free (self->needle);

  G_OBJECT_CLASS (mt_log_view_parent_class)->finalize (object);
}

static void
mt_log_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MtLogView *self = MT_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, mt_log_view_get_search_mode (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_log_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MtLogView *self = MT_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE:
      mt_log_view_set_search_mode (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mt_log_view_class_init (MtLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mt_log_view_dispose;
  object_class->finalize = mt_log_view_finalize;
  object_class->get_property = mt_log_view_get_property;
  object_class->set_property = mt_log_view_set_property;

  /* whether the search bar is open */
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode-enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mt_app_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/modtune/ui/mt-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MtLogView, frame);
  gtk_widget_class_bind_template_child (widget_class, MtLogView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, MtLogView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MtLogView, match_label);
  gtk_widget_class_bind_template_child (widget_class, MtLogView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, MtLogView, text_view);
  gtk_widget_class_bind_template_child (widget_class, MtLogView, buffer);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, previous_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_changed_cb);

  gtk_widget_class_install_action (widget_class, "log.next-match", NULL, next_match_action);
  gtk_widget_class_install_action (widget_class, "log.previous-match", NULL, previous_match_action);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mt_log_view_init (MtLogView *self)
{
  GtkAdjustment *vadjustment;
  GtkTextIter end;

  self->following = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* yellow and orange of the GNOME palette, see-through so that the text
   * stays readable in the light and the dark style */
  self->match_tag = gtk_text_buffer_create_tag (self->buffer, "search-match", "background-rgba",
                                                &(GdkRGBA) { 0.965, 0.827, 0.176, 0.45 }, NULL);
  self->current_tag = gtk_text_buffer_create_tag (self->buffer, "search-current", "background-rgba",
                                                  &(GdkRGBA) { 1.0, 0.471, 0.0, 0.75 }, NULL);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  self->end_mark = gtk_text_buffer_create_mark (self->buffer, "end", &end, FALSE);
  self->match_start = gtk_text_buffer_create_mark (self->buffer, "match-start", &end, TRUE);
  self->match_end = gtk_text_buffer_create_mark (self->buffer, "match-end", &end, FALSE);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  update_matches_label (self);

  vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (value_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (vadjustment, "notify::upper", G_CALLBACK (bounds_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (vadjustment, "notify::page-size", G_CALLBACK (bounds_changed_cb), self,
                           G_CONNECT_SWAPPED);
}
