/* mt-smbios.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-smbios"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-smbios.h"

/**
 * MtSmbios:
 *
 * The few facts Modtune needs from the raw SMBIOS (DMI) table, the file
 * `/sys/firmware/dmi/tables/DMI`: the BIOS, system, baseboard and chassis
 * vendor strings, and the "virtual machine" bit of BIOS Characteristics
 * Extension Byte 2.  Layouts follow DMTF DSP0134 (SMBIOS 3.x), sections
 * 7.1–7.4.
 *
 * The table comes from firmware, or from a file anyone could have written:
 * every offset is checked against the structure and the buffer before it is
 * read, so any input gives a result or a #GError, never a read out of
 * bounds.  A table that breaks off after valid structures keeps what was
 * read before the break.
 */
struct _MtSmbios
{
  GObject parent_instance;

  guint n_structures;
  char *bios_vendor;
  char *bios_version;
  MtSmbiosVmBit vm_bit;
  char *system_manufacturer;
  char *system_product_name;
  char *system_version;
  char *system_family;
  char *board_vendor;
  char *board_name;
  char *chassis_vendor;
  gboolean seen_type[4];
};

G_DEFINE_FINAL_TYPE (MtSmbios, mt_smbios, G_TYPE_OBJECT)

#define HEADER_SIZE       4   /* type, length, handle */
#define END_OF_TABLE      127 /* type of the last structure */
#define MAX_STRING_LENGTH 1024
#define BIOS_EXT_BYTE2    0x13 /* offset in type 0 */
#define BIOS_EXT2_VM      (1u << 4)
#define SYSTEM_FAMILY     0x1a /* offset in type 1, SMBIOS 2.4+ */

static void
mt_smbios_finalize (GObject *object)
{
  MtSmbios *self = (MtSmbios *) object;

  g_clear_pointer (&self->bios_vendor, g_free);
  g_clear_pointer (&self->bios_version, g_free);
  g_clear_pointer (&self->system_manufacturer, g_free);
  g_clear_pointer (&self->system_product_name, g_free);
  g_clear_pointer (&self->system_version, g_free);
  g_clear_pointer (&self->system_family, g_free);
  g_clear_pointer (&self->board_vendor, g_free);
  g_clear_pointer (&self->board_name, g_free);
  g_clear_pointer (&self->chassis_vendor, g_free);

  G_OBJECT_CLASS (mt_smbios_parent_class)->finalize (object);
}

static void
mt_smbios_class_init (MtSmbiosClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_smbios_finalize;
}

static void
mt_smbios_init (MtSmbios *self)
{
  self->vm_bit = MT_SMBIOS_VM_BIT_UNKNOWN;
}

/* One structure: the formatted area [start, start + length) and the string
 * set [strings, end), where end is just past the terminating double NUL. */
typedef struct
{
  const guint8 *start;
  guint8 type;
  guint8 length;
  const guint8 *strings;
  const guint8 *end;
} Structure;

/* Reads the structure at @offset; FALSE if it does not fit in @len. */
static gboolean
read_structure (const guint8 *data, gsize len, gsize offset, Structure *s)
{
  gsize pos;

  if (offset > len || len - offset < HEADER_SIZE)
    return FALSE;

  s->start = data + offset;
  s->type = s->start[0];
  s->length = s->start[1];

  if (s->length < HEADER_SIZE || len - offset < s->length)
    return FALSE;

  /* The string set ends with two NUL bytes; with no strings it is just
   * those two. */
  pos = offset + s->length;
  s->strings = data + pos;
  for (;;)
    {
      if (len - pos < 2)
        return FALSE;
      if (data[pos] == 0 && data[pos + 1] == 0)
        break;
      pos++;
    }
  s->end = data + pos + 2;

  return TRUE;
}

static guint8
byte_at (const Structure *s, guint8 offset, gboolean *ok)
{
  *ok = offset < s->length;
  return *ok ? s->start[offset] : 0;
}

/* Copies string number @index (1-based; 0 means "none") of @s, made safe
 * for display: valid UTF-8, no control characters, trimmed, bounded. */
static char *
dup_string (const Structure *s, guint8 offset)
{
  g_autofree char *raw = NULL;
  g_autofree char *valid = NULL;
  const guint8 *p = s->strings;
  gboolean ok;
  guint8 index = byte_at (s, offset, &ok);
  gsize n;

  if (!ok || index == 0)
    return NULL;

  /* skip to the string; a string set that starts with NUL has none */
  for (guint8 i = 1; i < index; i++)
    {
      if (*p == 0)
        return NULL;
      while (*p != 0)
        p++;
      p++;
      if (p >= s->end - 1)
        return NULL;
    }
  if (*p == 0)
    return NULL;

  n = strnlen ((const char *) p, (gsize) (s->end - p));
  raw = g_strndup ((const char *) p, MIN (n, MAX_STRING_LENGTH));
  for (char *c = raw; *c != '\0'; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      *c = ' ';

  valid = g_utf8_make_valid (raw, -1);
  g_strstrip (valid);
  if (*valid == '\0')
    return NULL;

  return g_steal_pointer (&valid);
}

static void
apply_structure (MtSmbios *self, const Structure *s)
{
  gboolean ok;
  guint8 ext2;

  /* the first structure of each type describes the machine */
  if (s->type >= G_N_ELEMENTS (self->seen_type) || self->seen_type[s->type])
    return;
  self->seen_type[s->type] = TRUE;

  switch (s->type)
    {
    case 0:
      self->bios_vendor = dup_string (s, 0x04);
      self->bios_version = dup_string (s, 0x05);
      ext2 = byte_at (s, BIOS_EXT_BYTE2, &ok);
      if (ok)
        self->vm_bit = (ext2 & BIOS_EXT2_VM) ? MT_SMBIOS_VM_BIT_SET : MT_SMBIOS_VM_BIT_UNSET;
      break;

    case 1:
      self->system_manufacturer = dup_string (s, 0x04);
      self->system_product_name = dup_string (s, 0x05);
      self->system_version = dup_string (s, 0x06);
      self->system_family = dup_string (s, SYSTEM_FAMILY);
      break;

    case 2:
      self->board_vendor = dup_string (s, 0x04);
      self->board_name = dup_string (s, 0x05);
      break;

    case 3:
      self->chassis_vendor = dup_string (s, 0x04);
      break;

    default:
      break;
    }
}

/**
 * mt_smbios_new_from_data:
 * @data: (array length=len): the structure table, without the entry point
 * @len: its size in bytes
 *
 * Returns: (transfer full): the parsed table, or %NULL with @error set when
 *   @data does not start with a valid SMBIOS structure
 */
MtSmbios *
mt_smbios_new_from_data (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (MtSmbios) self = NULL;
  gsize offset = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("The SMBIOS table is empty; the firmware provides no DMI data"));
      return NULL;
    }

  self = g_object_new (MT_TYPE_SMBIOS, NULL);

  while (offset < len)
    {
      Structure s;

      if (!read_structure (data, len, offset, &s))
        {
          if (self->n_structures == 0)
            {
              g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                           _ ("The SMBIOS table is not valid: its first structure is truncated or "
                              "malformed"));
              return NULL;
            }
          g_debug ("SMBIOS table breaks off at byte %" G_GSIZE_FORMAT
                   "; keeping the %u structures before it",
                   offset, self->n_structures);
          break;
        }

      self->n_structures++;
      if (s.type == END_OF_TABLE)
        break;

      apply_structure (self, &s);
      offset = (gsize) (s.end - data);
    }

  return g_steal_pointer (&self);
}

/**
 * mt_smbios_new_for_sysroot:
 *
 * Reads #MT_SMBIOS_TABLE_PATH.  The file is readable by root only; an
 * unprivileged caller gets a %G_IO_ERROR_PERMISSION_DENIED error.
 *
 * Returns: (transfer full): the parsed table, or %NULL with @error set
 */
MtSmbios *
mt_smbios_new_for_sysroot (MtSysroot *sysroot, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local_error = NULL;
  MtSmbios *self;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = mt_sysroot_read (sysroot, MT_SMBIOS_TABLE_PATH, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  self = mt_smbios_new_from_data (data, len, &local_error);
  if (self == NULL)
    g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA, "%s: %s", MT_SMBIOS_TABLE_PATH,
                 local_error->message);

  return self;
}

/**
 * mt_smbios_get_n_structures:
 *
 * Returns: how many structures were read, the end-of-table one included
 */
guint
mt_smbios_get_n_structures (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), 0);

  return self->n_structures;
}

const char *
mt_smbios_get_bios_vendor (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->bios_vendor;
}

const char *
mt_smbios_get_bios_version (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->bios_version;
}

/**
 * mt_smbios_get_vm_bit:
 *
 * Returns: whether BIOS Characteristics Extension Byte 2, bit 4 ("SMBIOS
 *   table describes a virtual machine") is set
 */
MtSmbiosVmBit
mt_smbios_get_vm_bit (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), MT_SMBIOS_VM_BIT_UNKNOWN);

  return self->vm_bit;
}

const char *
mt_smbios_get_system_manufacturer (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->system_manufacturer;
}

const char *
mt_smbios_get_system_product_name (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->system_product_name;
}

const char *
mt_smbios_get_system_version (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->system_version;
}

const char *
mt_smbios_get_system_family (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->system_family;
}

const char *
mt_smbios_get_board_vendor (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->board_vendor;
}

const char *
mt_smbios_get_board_name (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->board_name;
}

const char *
mt_smbios_get_chassis_vendor (MtSmbios *self)
{
  g_return_val_if_fail (MT_IS_SMBIOS (self), NULL);

  return self->chassis_vendor;
}
