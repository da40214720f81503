/* mtd-validate.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The longest kernel release SECURITY.md rule 8 accepts. */
#define MTD_KERNEL_RELEASE_MAX 64
/* The length of a backup id, "YYYYMMDDTHHMMSSZ-xxxxxxxx" (rule 9). */
#define MTD_BACKUP_ID_LEN 25
/* The most flag ids one request may name. */
#define MTD_FLAG_IDS_MAX 64

gboolean mtd_validate_kernel_release_form (const char *kver, GError **error);
gboolean mtd_validate_kernel_release (const char *root, const char *kver, GError **error);
gboolean mtd_validate_backup_id (const char *id, GError **error);
gboolean mtd_validate_options (GVariant *options, GError **error);
gboolean mtd_validate_log_fd (int fd, GError **error);
gboolean mtd_validate_flag_ids (const char *const *ids, GError **error);

G_END_DECLS
