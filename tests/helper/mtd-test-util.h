/* mtd-test-util.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

/* The kernel release of every test root */
#define MTD_TEST_KVER "6.12.99-modtune-test"

char *mtd_test_root_new (void);
void mtd_test_root_free (char *root);
char *mtd_test_path (const char *root, const char *rel_path);
char *mtd_test_build_module (const char *dir,
                             const char *name,
                             const char *vermagic,
                             const char *tag,
                             const char *exports,
                             const char *uses);
char *mtd_test_build_pair (const char *root, const char *dir_name, const char *tag);
char *mtd_test_sha256_file (const char *path);
char *mtd_test_listing (const char *root, const char *rel_path);
char *mtd_test_listing_all (const char *root);
gboolean mtd_test_depmod_resolves (const char *root, const char *name, const char *sha256);
void mtd_test_run_depmod (const char *root);
void mtd_test_chown_tree (const char *root, uid_t uid, gid_t gid);
void mtd_test_assert_no_control_chars (const char *text);

G_END_DECLS
