/* mtd-daemon.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MTD_TYPE_DAEMON (mtd_daemon_get_type ())

G_DECLARE_FINAL_TYPE (MtdDaemon, mtd_daemon, MTD, DAEMON, GObject)

MtdDaemon *mtd_daemon_new (const char *root,
                           guint idle_timeout_seconds,
                           guint authorization_timeout_seconds,
                           guint max_calls);
int mtd_daemon_run (MtdDaemon *self, GError **error);

G_END_DECLS
