/* mt-flag-private.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-flag.h"

G_BEGIN_DECLS

/* What MtFlagCatalog's parser hands to a new MtFlag; every field is
 * validated before the flag is made. */
typedef struct
{
  const char *id;
  const char *label;
  const char *description;
  const char *category;
  const char *effect;
  const char *group;
  const char *const *args;
  const char *const *make_vars;
  const char *const *needs;
  gboolean portable;
  gboolean required;
  gboolean refused;
} MtFlagFields;

MtFlag *_mt_flag_new (const MtFlagFields *fields);
gboolean _mt_flag_need_is_valid (const char *need);
char *_mt_flag_escape_for_message (const char *text);

G_END_DECLS
