/* mtd-authority.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MTD_TYPE_AUTHORITY (mtd_authority_get_type ())

G_DECLARE_FINAL_TYPE (MtdAuthority, mtd_authority, MTD, AUTHORITY, GObject)

MtdAuthority *mtd_authority_new (guint timeout_seconds);
void mtd_authority_check_async (MtdAuthority *self,
                                GDBusMethodInvocation *invocation,
                                const char *action_id,
                                const char *kernel_release,
                                const char *backup_id,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean mtd_authority_check_finish (MtdAuthority *self, GAsyncResult *result, GError **error);

G_END_DECLS
