/* mt-elf.h
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The marker the kernel's sign-file appends after a module's signature. */
#define MT_MODULE_SIGNATURE_MARKER "~Module signature appended~\n"

#define MT_TYPE_ELF (mt_elf_get_type ())

G_DECLARE_FINAL_TYPE (MtElf, mt_elf, MT, ELF, GObject)

MtElf *mt_elf_new_from_bytes (GBytes *bytes, GError **error);
guint mt_elf_get_class (MtElf *self); /* 32 or 64 */
guint16 mt_elf_get_machine (MtElf *self);
gboolean mt_elf_is_relocatable (MtElf *self);
guint mt_elf_get_n_sections (MtElf *self);
GBytes *mt_elf_get_section (MtElf *self, const char *name);
gboolean mt_elf_is_signed (MtElf *self);
gsize mt_elf_get_signature_size (MtElf *self);
GHashTable *mt_elf_dup_modinfo (MtElf *self, GError **error);

/* @modinfo: from mt_modinfo_parse(); the first value of @key, or %NULL */
GHashTable *mt_modinfo_parse (const char *data, gsize len, GError **error);
const char *mt_modinfo_lookup (GHashTable *modinfo, const char *key);

G_END_DECLS
