/* mt-tar.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The default limit on the size of a member to read: 16 MiB. */
#define MT_TAR_DEFAULT_MAX_MEMBER_SIZE (16 * 1024 * 1024)

GBytes *mt_tar_find_member (GBytes *archive, const char *name, gsize max_size, GError **error);
GBytes *mt_tar_find_member_in_stream (GInputStream *stream,
                                      const char *name,
                                      gsize max_size,
                                      GCancellable *cancellable,
                                      GError **error);
GBytes *mt_tar_find_member_in_file (GFile *file,
                                    const char *name,
                                    gsize max_size,
                                    GCancellable *cancellable,
                                    GError **error);

/* Caps on what mt_tar_extract_file() accepts: VMware's module tarballs hold
 * a few hundred files and a few MiB. */
#define MT_TAR_DEFAULT_MAX_ENTRIES    10000
#define MT_TAR_DEFAULT_MAX_TOTAL_SIZE (256 * 1024 * 1024)
#define MT_TAR_DEFAULT_MAX_FILE_SIZE  (64 * 1024 * 1024)

typedef struct
{
  guint max_entries;
  guint64 max_total_size;
  guint64 max_file_size;
} MtTarLimits;

gboolean mt_tar_extract_file (GFile *archive,
                              const char *dest_dir,
                              const MtTarLimits *limits,
                              GCancellable *cancellable,
                              GError **error);

G_END_DECLS
