/* mt-app-test.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-application.h"
#include "mt-window.h"

G_BEGIN_DECLS

/* What the app's GUI tests share: one MtApplication, a main loop to spin,
 * windows opened on a recorded machine, screenshots, and the accessibility
 * walk.  Run under Xvfb with GTK_A11Y=test and G_DEBUG=fatal-criticals. */

void mt_app_test_init (int *argc, char ***argv);
MtApplication *mt_app_test_get_app (void);
int mt_app_test_run (void);

char *mt_app_test_fixture_path (const char *machine, const char *relative);
const char *mt_app_test_getenv (const char *name);
void mt_app_test_assert_contains (const char *text, const char *needle);

void mt_app_test_spin (guint ms);
gboolean mt_app_test_wait (gboolean (*done) (gpointer data), gpointer data, guint timeout_seconds);

MtWindow *mt_app_test_open_window (const char *sysroot, const char *cpuid);
MtWindow *mt_app_test_open_machine (const char *machine);
GtkWindow *mt_app_test_present (GtkWidget *content, int width, int height);
GtkWidget *mt_app_test_child (GtkWidget *widget, GType template_type, const char *name);
GtkWidget *mt_app_test_find (GtkWidget *root, GType type, const char *accessible_label);
GtkWidget *mt_app_test_find_label (GtkWidget *root, const char *text);
gboolean mt_app_test_wait_for_label (GtkWidget *root, const char *text, guint timeout_seconds);

void mt_app_test_screenshot (GtkWidget *widget, const char *name);
void mt_app_test_screenshot_light_dark (GtkWidget *widget, const char *basename);

guint mt_app_test_check_accessible (GtkWidget *root);

G_END_DECLS
