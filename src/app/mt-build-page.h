/* mt-build-page.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mt-core.h"
#include "mt-helper-client.h"

G_BEGIN_DECLS

#define MT_TYPE_BUILD_PAGE (mt_build_page_get_type ())

G_DECLARE_FINAL_TYPE (MtBuildPage, mt_build_page, MT, BUILD_PAGE, AdwNavigationPage)

MtBuildPage *mt_build_page_new (MtJob *job);
MtJob *mt_build_page_get_job (MtBuildPage *self);
void mt_build_page_set_job (MtBuildPage *self, MtJob *job);

G_END_DECLS
