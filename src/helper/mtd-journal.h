/* mtd-journal.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mtd-fs.h"

G_BEGIN_DECLS

/* Below the state directory */
#define MTD_JOURNAL_FILE "current.json"

/**
 * MtdJournal:
 * @operation: "install", "restore" or "uninstall"
 * @kernel_release: the kernel whose modules change
 * @old_backup: the backup holding the files being replaced, or %NULL when
 *   there were none
 * @new_backup: the backup the new files come from, or %NULL (uninstall)
 * @old_sha256: each target's SHA-256 before, %NULL if it did not exist
 * @new_sha256: each target's SHA-256 after, %NULL if it is removed
 *
 * One transaction on `lib/modules/<kernel_release>/updates/modtune/`,
 * written to `journal/current.json` before anything there changes.
 */
typedef struct
{
  char *operation;
  char *kernel_release;
  char *old_backup;
  char *new_backup;
  char *old_sha256[MTD_N_MODULES];
  char *new_sha256[MTD_N_MODULES];
} MtdJournal;

/**
 * MtdRecovery:
 * @MTD_RECOVERY_NONE: there was no interrupted transaction
 * @MTD_RECOVERY_ROLLED_FORWARD: both targets were new: it was finished
 * @MTD_RECOVERY_ROLLED_BACK: the old files were put back
 *
 * What mtd_journal_recover() did.
 */
typedef enum
{
  MTD_RECOVERY_NONE,
  MTD_RECOVERY_ROLLED_FORWARD,
  MTD_RECOVERY_ROLLED_BACK,
} MtdRecovery;

MtdJournal *mtd_journal_new (const char *operation,
                             const char *kernel_release,
                             const char *old_backup,
                             const char *new_backup);
void mtd_journal_free (MtdJournal *journal);
char *mtd_journal_dup_target_path (const char *kernel_release, MtdModule module);
MtdJournal *mtd_journal_parse (const char *data, gsize len, GError **error);
char *mtd_journal_to_json (const MtdJournal *journal, gsize *out_len);
gboolean mtd_journal_write (const char *root, const MtdJournal *journal, GError **error);
MtdJournal *mtd_journal_read (const char *root, GError **error);
gboolean mtd_journal_remove (const char *root, GError **error);
gboolean mtd_journal_recover (const char *root,
                              GCancellable *cancellable,
                              MtdRecovery *out_recovery,
                              GError **error);
const char *mtd_recovery_to_string (MtdRecovery recovery);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtdJournal, mtd_journal_free)

G_END_DECLS
