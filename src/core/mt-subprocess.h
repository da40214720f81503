/* mt-subprocess.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean mt_subprocess_communicate (GSubprocess *process,
                                    guint timeout_seconds,
                                    GCancellable *cancellable,
                                    GBytes **stdout_buf,
                                    GError **error);
gboolean mt_subprocess_wait (GSubprocess *process,
                             guint timeout_seconds,
                             GCancellable *cancellable,
                             GError **error);

G_END_DECLS
