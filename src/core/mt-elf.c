/* mt-elf.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-elf"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mt-elf.h"
#include "mt-error.h"

/* From the ELF specification and the kernel's <linux/module_signature.h>;
 * spelled out here so that the reader does not depend on <elf.h>. */
#define ELF_IDENT_SIZE      16
#define ELF_CLASS_32        1
#define ELF_CLASS_64        2
#define ELF_DATA_LSB        1
#define ELF_DATA_MSB        2
#define ELF_TYPE_REL        1
#define SHT_NULL            0
#define SHT_STRTAB          3
#define SHT_NOBITS          8
#define SHN_UNDEF           0
#define SHN_XINDEX          0xffff
#define PKEY_ID_PKCS7       2
#define SIGNATURE_INFO_SIZE 12

/* Hostile files may claim anything; no kernel module comes near this. */
#define MAX_SECTIONS    (1u << 20)
#define MAX_MODINFO_KEY 128

typedef struct
{
  const char *name; /* in the section name table, NUL-terminated inside it */
  guint32 type;
  guint64 offset;
  guint64 size;
} Section;

/**
 * MtElf:
 *
 * A little-endian ELF file (ELF32 or ELF64) read from memory, such as a
 * kernel module (`.ko`).  Everything the file claims is checked against its
 * size before it is used: a damaged or hostile file gives an error, never a
 * read outside the buffer.  A module signature appended by the kernel's
 * `sign-file` is recognised and kept apart from the ELF image.
 */
struct _MtElf
{
  GObject parent_instance;

  GBytes *bytes;
  gsize elf_size; /* the ELF image: the file without its signature */
  guint elf_class;
  guint16 type;
  guint16 machine;
  Section *sections;
  guint n_sections;
  gboolean is_signed;
  gsize signature_size;
};

G_DEFINE_FINAL_TYPE (MtElf, mt_elf, G_TYPE_OBJECT)

static void
mt_elf_finalize (GObject *object)
{
  MtElf *self = (MtElf *) object;

  g_clear_pointer (&self->sections, g_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (mt_elf_parent_class)->finalize (object);
}

static void
mt_elf_class_init (MtElfClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_elf_finalize;
}

static void
mt_elf_init (MtElf *self)
{
}

/* Unaligned little-endian reads; callers have checked the bounds. */
static guint16
read_u16 (const guint8 *p)
{
  guint16 v;

  memcpy (&v, p, sizeof v);
  return GUINT16_FROM_LE (v);
}

static guint32
read_u32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static guint64
read_u64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

/* An address-sized field: 4 bytes in ELF32, 8 in ELF64. */
static guint64
read_word (MtElf *self, const guint8 *p)
{
  return self->elf_class == 64 ? read_u64 (p) : read_u32 (p);
}

static gboolean
set_damaged (GError **error, const char *what)
{
  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
               _ ("Not a valid ELF file: %s; the file is damaged or not a kernel module"), what);
  return FALSE;
}

/* The layout sign-file appends: PKCS#7 blob, struct module_signature
 * (12 bytes, big-endian length last), then the marker. */
static gboolean
split_signature (MtElf *self, const guint8 *data, gsize len, GError **error)
{
  const gsize marker_len = strlen (MT_MODULE_SIGNATURE_MARKER);
  const guint8 *info;
  guint32 sig_len;

  self->elf_size = len;

  if (len < marker_len ||
      memcmp (data + len - marker_len, MT_MODULE_SIGNATURE_MARKER, marker_len) != 0)
    return TRUE;

  if (len - marker_len < SIGNATURE_INFO_SIZE)
    return set_damaged (error, _ ("the module signature is cut short"));

  info = data + len - marker_len - SIGNATURE_INFO_SIZE;
  memcpy (&sig_len, info + 8, sizeof sig_len);
  sig_len = GUINT32_FROM_BE (sig_len);

  if (info[2] != PKEY_ID_PKCS7)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED,
                   _ ("The module signature is of type %u; the kernel accepts only PKCS#7 "
                      "signatures. Sign the module again with the kernel’s sign-file"),
                   info[2]);
      return FALSE;
    }

  for (guint i = 0; i < 8; i++)
    if (i != 2 && info[i] != 0)
      return set_damaged (error, _ ("the module signature header has unexpected fields"));

  if (sig_len == 0 || sig_len > len - marker_len - SIGNATURE_INFO_SIZE)
    return set_damaged (error, _ ("the module signature is longer than the file"));

  self->elf_size = len - marker_len - SIGNATURE_INFO_SIZE - sig_len;
  self->is_signed = TRUE;
  self->signature_size = sig_len;

  return TRUE;
}

static gboolean
parse_header (MtElf *self,
              const guint8 *data,
              guint64 *shoff,
              guint *shentsize,
              guint *shnum,
              guint *shstrndx,
              GError **error)
{
  gsize header_size;

  if (self->elf_size < ELF_IDENT_SIZE)
    return set_damaged (error, _ ("it is shorter than an ELF header"));

  if (memcmp (data, "\177ELF", 4) != 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("Not an ELF file: it does not start with the ELF magic number"));
      return FALSE;
    }

  switch (data[4])
    {
    case ELF_CLASS_32:
      self->elf_class = 32;
      header_size = 52;
      break;
    case ELF_CLASS_64:
      self->elf_class = 64;
      header_size = 64;
      break;
    default:
      return set_damaged (error, _ ("its class is neither 32-bit nor 64-bit"));
    }

  if (data[5] == ELF_DATA_MSB)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED,
                   _ ("The ELF file is big-endian; Modtune reads only little-endian files "
                      "(x86 kernel modules)"));
      return FALSE;
    }
  if (data[5] != ELF_DATA_LSB)
    return set_damaged (error, _ ("its byte order is unknown"));

  if (data[6] != 1)
    return set_damaged (error, _ ("its ELF version is unknown"));

  if (self->elf_size < header_size)
    return set_damaged (error, _ ("it is shorter than an ELF header"));

  self->type = read_u16 (data + 16);
  self->machine = read_u16 (data + 18);

  if (self->elf_class == 64)
    {
      *shoff = read_u64 (data + 0x28);
      *shentsize = read_u16 (data + 0x3a);
      *shnum = read_u16 (data + 0x3c);
      *shstrndx = read_u16 (data + 0x3e);
    }
  else
    {
      *shoff = read_u32 (data + 0x20);
      *shentsize = read_u16 (data + 0x2e);
      *shnum = read_u16 (data + 0x30);
      *shstrndx = read_u16 (data + 0x32);
    }

  return TRUE;
}

static gboolean
parse_sections (MtElf *self, const guint8 *data, GError **error)
{
  gsize shdr_size;
  gsize off_offset;
  gsize size_offset;
  gsize link_offset;
  guint64 shoff = 0;
  guint shentsize = 0;
  guint shnum = 0;
  guint shstrndx = 0;
  guint64 n_sections;
  guint64 strndx;
  const Section *strtab;

  if (!parse_header (self, data, &shoff, &shentsize, &shnum, &shstrndx, error))
    return FALSE;

  /* section header layout: ELF64 or ELF32 */
  shdr_size = self->elf_class == 64 ? 64 : 40;
  off_offset = self->elf_class == 64 ? 24 : 16;
  size_offset = self->elf_class == 64 ? 32 : 20;
  link_offset = self->elf_class == 64 ? 40 : 24;

  if (shoff == 0)
    {
      if (shnum != 0)
        return set_damaged (error, _ ("it counts sections but has no section table"));
      return TRUE;
    }

  if (shentsize != shdr_size)
    return set_damaged (error, _ ("its section headers have the wrong size"));

  if (shoff > self->elf_size || self->elf_size - shoff < shdr_size)
    return set_damaged (error, _ ("its section table lies outside the file"));

  /* Extended numbering: the real values live in section 0. */
  n_sections = shnum;
  strndx = shstrndx;
  if (shnum == 0)
    n_sections = read_word (self, data + shoff + size_offset);
  if (shstrndx == SHN_XINDEX)
    strndx = read_u32 (data + shoff + link_offset);

  if (n_sections > MAX_SECTIONS)
    return set_damaged (error, _ ("it claims more sections than any module has"));

  if ((self->elf_size - shoff) / shdr_size < n_sections)
    return set_damaged (error, _ ("its section table runs past the end of the file"));

  self->n_sections = (guint) n_sections;
  self->sections = g_new0 (Section, MAX (self->n_sections, 1));

  for (guint i = 0; i < self->n_sections; i++)
    {
      const guint8 *shdr = data + shoff + (guint64) i * shdr_size;
      Section *section = &self->sections[i];

      section->name = "";
      section->type = read_u32 (shdr + 4);
      section->offset = read_word (self, shdr + off_offset);
      section->size = read_word (self, shdr + size_offset);

      if (section->type != SHT_NOBITS && section->size > 0 &&
          (section->offset > self->elf_size || section->size > self->elf_size - section->offset))
        return set_damaged (error, _ ("one of its sections lies outside the file"));
    }

  if (strndx == SHN_UNDEF)
    return TRUE;

  if (strndx >= self->n_sections)
    return set_damaged (error, _ ("its section name table does not exist"));

  strtab = &self->sections[strndx];
  if (strtab->type != SHT_STRTAB)
    return set_damaged (error, _ ("its section name table is not a string table"));

  for (guint i = 0; i < self->n_sections; i++)
    {
      const guint8 *shdr = data + shoff + (guint64) i * shdr_size;
      guint32 name = read_u32 (shdr);
      const char *start;

      if (name >= strtab->size)
        return set_damaged (error, _ ("a section name lies outside the name table"));

      start = (const char *) data + strtab->offset + name;
      if (memchr (start, '\0', strtab->size - name) == NULL)
        return set_damaged (error, _ ("a section name is not terminated"));

      self->sections[i].name = start;
    }

  return TRUE;
}

/**
 * mt_elf_new_from_bytes:
 * @bytes: the whole file
 * @error: a location for a #GError
 *
 * Reads the ELF header and the section table of @bytes, checking every
 * offset and size against the file.  A module signature at the end of the
 * file (see %MT_MODULE_SIGNATURE_MARKER) is accepted and excluded from the
 * ELF image.
 *
 * Returns: (transfer full): the file, or %NULL with @error set
 *   (%MT_ERROR_INVALID_DATA, or %MT_ERROR_NOT_SUPPORTED for big-endian
 *   files and signatures the kernel would not accept)
 */
MtElf *
mt_elf_new_from_bytes (GBytes *bytes, GError **error)
{
  g_autoptr (MtElf) self = NULL;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_ELF, NULL);
  self->bytes = g_bytes_ref (bytes);

  data = g_bytes_get_data (bytes, &len);
  if (data == NULL)
    data = (const guint8 *) "";

  if (!split_signature (self, data, len, error))
    return NULL;

  if (!parse_sections (self, data, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * mt_elf_get_class:
 *
 * Returns: 32 or 64
 */
guint
mt_elf_get_class (MtElf *self)
{
  g_return_val_if_fail (MT_IS_ELF (self), 0);

  return self->elf_class;
}

/**
 * mt_elf_get_machine:
 *
 * Returns: the `e_machine` field (62 for x86-64, 3 for i386)
 */
guint16
mt_elf_get_machine (MtElf *self)
{
  g_return_val_if_fail (MT_IS_ELF (self), 0);

  return self->machine;
}

/**
 * mt_elf_is_relocatable:
 *
 * Returns: %TRUE if the file is a relocatable object (`ET_REL`), as every
 *   kernel module is
 */
gboolean
mt_elf_is_relocatable (MtElf *self)
{
  g_return_val_if_fail (MT_IS_ELF (self), FALSE);

  return self->type == ELF_TYPE_REL;
}

guint
mt_elf_get_n_sections (MtElf *self)
{
  g_return_val_if_fail (MT_IS_ELF (self), 0);

  return self->n_sections;
}

/**
 * mt_elf_get_section:
 * @name: a section name, such as `.modinfo`
 *
 * Returns: (transfer full) (nullable): the contents of the first section
 *   called @name (a view of the file, not a copy), or %NULL if there is
 *   none or it has no contents in the file (`SHT_NOBITS`)
 */
GBytes *
mt_elf_get_section (MtElf *self, const char *name)
{
  g_return_val_if_fail (MT_IS_ELF (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->n_sections; i++)
    {
      const Section *section = &self->sections[i];

      if (section->type == SHT_NULL || !g_str_equal (section->name, name))
        continue;
      if (section->type == SHT_NOBITS)
        return NULL;
      if (section->size == 0)
        return g_bytes_new (NULL, 0);
      return g_bytes_new_from_bytes (self->bytes, section->offset, section->size);
    }

  return NULL;
}

/**
 * mt_elf_is_signed:
 *
 * Returns: %TRUE if a module signature is appended to the file.  Whether it
 *   is valid, and who signed it, is for the kernel and libkmod to say.
 */
gboolean
mt_elf_is_signed (MtElf *self)
{
  g_return_val_if_fail (MT_IS_ELF (self), FALSE);

  return self->is_signed;
}

/**
 * mt_elf_get_signature_size:
 *
 * Returns: the size of the PKCS#7 signature in bytes, 0 if unsigned
 */
gsize
mt_elf_get_signature_size (MtElf *self)
{
  g_return_val_if_fail (MT_IS_ELF (self), 0);

  return self->signature_size;
}

/**
 * mt_elf_dup_modinfo:
 *
 * Parses the `.modinfo` section with mt_modinfo_parse().
 *
 * Returns: (transfer full): the module information, or %NULL with
 *   %MT_ERROR_NOT_FOUND if the file has no `.modinfo` section
 */
GHashTable *
mt_elf_dup_modinfo (MtElf *self, GError **error)
{
  g_autoptr (GBytes) section = NULL;
  gconstpointer data;
  gsize len;

  g_return_val_if_fail (MT_IS_ELF (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  section = mt_elf_get_section (self, ".modinfo");
  if (section == NULL)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                   _ ("The file has no .modinfo section; it is not a kernel module"));
      return NULL;
    }

  data = g_bytes_get_data (section, &len);

  return mt_modinfo_parse (len > 0 ? data : "", len, error);
}

static gboolean
is_modinfo_key (const char *key, gsize len)
{
  if (len == 0 || len > MAX_MODINFO_KEY)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]) && strchr ("_.-", key[i]) == NULL)
      return FALSE;

  return TRUE;
}

/**
 * mt_modinfo_parse:
 * @data: the contents of a `.modinfo` section, or of `modules.builtin.modinfo`
 * @len: the length of @data
 * @error: a location for a #GError
 *
 * Parses NUL-separated `key=value` entries.  Empty entries (alignment
 * padding) are skipped; the last entry may lack its NUL.  Every key maps to
 * a #GPtrArray of its values in the order they appear, since keys such as
 * `alias`, `parm` and `firmware` repeat; `depends` is one entry with a
 * comma-separated list, as the kernel writes it.  Values that are not
 * UTF-8 are repaired with U+FFFD.
 *
 * Returns: (transfer full) (element-type utf8 GPtrArray): key → values, or
 *   %NULL with %MT_ERROR_INVALID_DATA if an entry is not `key=value`
 */
GHashTable *
mt_modinfo_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (GHashTable) table = NULL;
  const char *p;
  const char *end;
  guint index = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  table =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  /* an empty section: no arithmetic on a NULL pointer */
  if (len == 0)
    return g_steal_pointer (&table);

  for (p = data, end = data + len; p < end;)
    {
      const char *nul = memchr (p, '\0', end - p);
      gsize entry_len = nul != NULL ? (gsize) (nul - p) : (gsize) (end - p);
      const char *eq;
      GPtrArray *values;
      char *key;

      if (entry_len == 0)
        {
          p++;
          continue;
        }

      index++;
      eq = memchr (p, '=', entry_len);
      if (eq == NULL || !is_modinfo_key (p, eq - p))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("Module information entry %u is not “key=value”; the module is "
                          "damaged"),
                       index);
          return NULL;
        }

      key = g_strndup (p, eq - p);
      values = g_hash_table_lookup (table, key);
      if (values == NULL)
        {
          values = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (table, key, values);
        }
      else
        g_free (key);

      g_ptr_array_add (values, g_utf8_make_valid (eq + 1, entry_len - (eq - p) - 1));

      p += entry_len;
      if (p < end)
        p++; /* the NUL */
    }

  return g_steal_pointer (&table);
}

/**
 * mt_modinfo_lookup:
 * @modinfo: (element-type utf8 GPtrArray): from mt_modinfo_parse()
 * @key: a key such as `vermagic`
 *
 * Returns: (nullable): the first value of @key
 */
const char *
mt_modinfo_lookup (GHashTable *modinfo, const char *key)
{
  GPtrArray *values;

  g_return_val_if_fail (modinfo != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  values = g_hash_table_lookup (modinfo, key);
  if (values == NULL || values->len == 0)
    return NULL;

  return g_ptr_array_index (values, 0);
}
