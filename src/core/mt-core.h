/* mt-core.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include "mt-cpu-info.h"
#include "mt-cpuid.h"
#include "mt-error.h"
#include "mt-flag-catalog.h"
#include "mt-flag-evidence.h"
#include "mt-helper-job.h"
#include "mt-kconfig.h"
#include "mt-kernel-info.h"
#include "mt-sysroot.h"
#include "mt-system-info.h"
