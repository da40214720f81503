/* mtd-state.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Below the root prefix */
#define MTD_STATE_DIR   "var/lib/modtune"
#define MTD_BACKUPS_DIR "backups"
#define MTD_JOURNAL_DIR "journal"
#define MTD_STATE_FILE  "state.json"

int mtd_state_dir_open (const char *root, GError **error);
gboolean mtd_state_dir_check (const char *root, GError **error);
int mtd_state_open_subdir (int state_fd, const char *name, GError **error);
GHashTable *mtd_state_parse (const char *data, gsize len, GError **error);

gboolean mtd_state_get (const char *root,
                        const char *kver,
                        char **out_installed,
                        char **out_known_good,
                        GError **error);
gboolean
mtd_state_set_installed (const char *root, const char *kver, const char *backup_id, GError **error);
gboolean mtd_state_set_known_good (const char *root,
                                   const char *kver,
                                   const char *backup_id,
                                   GError **error);
GStrv mtd_state_dup_installed_kernels (const char *root, GError **error);
GHashTable *mtd_state_dup_protected_ids (const char *root, GError **error);

G_END_DECLS
