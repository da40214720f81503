/* mt-test-util.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *mt_test_fixture_path (const char *first, ...) G_GNUC_NULL_TERMINATED;
char *mt_test_tree_new (void);
void
mt_test_tree_write (const char *tree, const char *rel_path, const char *contents, gssize length);
void mt_test_tree_free (char *tree);

G_END_DECLS
