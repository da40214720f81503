/* mt-error.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MT_ERROR (mt_error_quark ())

/**
 * MtError:
 * @MT_ERROR_FAILED: generic failure
 * @MT_ERROR_NOT_FOUND: a file, directory or fact does not exist
 * @MT_ERROR_INVALID_DATA: a file or dump could not be parsed
 * @MT_ERROR_INVALID_ARGUMENT: a caller passed a bad value
 * @MT_ERROR_NOT_SUPPORTED: the operation is not possible on this machine
 * @MT_ERROR_BUSY: another operation is running, or a module is in use
 * @MT_ERROR_CANCELLED: a job was cancelled (a #G_IO_ERROR_CANCELLED inside
 *   the process)
 *
 * Error codes of the core library.  Each one crosses D-Bus as
 * `io.github.modtune.Error.<Name>`.
 */
typedef enum
{
  MT_ERROR_FAILED,
  MT_ERROR_NOT_FOUND,
  MT_ERROR_INVALID_DATA,
  MT_ERROR_INVALID_ARGUMENT,
  MT_ERROR_NOT_SUPPORTED,
  MT_ERROR_BUSY,
  MT_ERROR_CANCELLED,
} MtError;

GQuark mt_error_quark (void);

G_END_DECLS
