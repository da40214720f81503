/* mt-helper-client.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mt-job.h"

G_BEGIN_DECLS

#define MT_TYPE_HELPER_CLIENT (mt_helper_client_get_type ())

G_DECLARE_FINAL_TYPE (MtHelperClient, mt_helper_client, MT, HELPER_CLIENT, GObject)

MtHelperClient *mt_helper_client_new (void);

void mt_helper_client_refresh_async (MtHelperClient *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean
mt_helper_client_refresh_finish (MtHelperClient *self, GAsyncResult *result, GError **error);

gboolean mt_helper_client_get_available (MtHelperClient *self);
gboolean mt_helper_client_get_installed (MtHelperClient *self);
const char *mt_helper_client_get_unavailable_reason (MtHelperClient *self);
gboolean mt_helper_client_get_authorizing (MtHelperClient *self);
GVariant *mt_helper_client_get_status (MtHelperClient *self);
GVariant *mt_helper_client_get_backups (MtHelperClient *self);
MtJob *mt_helper_client_get_current_job (MtHelperClient *self);

void mt_helper_client_apply_async (MtHelperClient *self,
                                   const char *kernel_release,
                                   const char *const *flag_ids,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
MtJob *mt_helper_client_apply_finish (MtHelperClient *self, GAsyncResult *result, GError **error);

void mt_helper_client_restore_async (MtHelperClient *self,
                                     const char *backup_id,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
MtJob *mt_helper_client_restore_finish (MtHelperClient *self, GAsyncResult *result, GError **error);

void mt_helper_client_uninstall_async (MtHelperClient *self,
                                       const char *kernel_release,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
MtJob *
mt_helper_client_uninstall_finish (MtHelperClient *self, GAsyncResult *result, GError **error);

void mt_helper_client_delete_backup_async (MtHelperClient *self,
                                           const char *backup_id,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
gboolean
mt_helper_client_delete_backup_finish (MtHelperClient *self, GAsyncResult *result, GError **error);

G_END_DECLS
