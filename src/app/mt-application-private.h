/* mt-application-private.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-application.h"

G_BEGIN_DECLS

/* mt-application-actions.c: app.about, app.preferences, app.quit */
void _mt_application_add_actions (MtApplication *self);

G_END_DECLS
