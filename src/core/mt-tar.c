/* mt-tar.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-tar"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-tar.h"

/**
 * SECTION:mt-tar
 *
 * A small reader for tar archives (v7, POSIX ustar and pax, GNU) that finds
 * one member by name and returns its contents.  It never extracts anything
 * to disk.  Every header is checksummed, every size bounded, and a damaged
 * or hostile archive gives an error, never a read outside the data.
 */

#define BLOCK_SIZE 512

/* Names and pax headers are short in any real archive (PATH_MAX is 4096). */
#define MAX_LONG_NAME  (64 * 1024)
#define MAX_PAX_HEADER (1024 * 1024)
#define MAX_ENTRIES    (1u << 20)

/* ustar header fields: offset and length */
#define NAME_OFF     0
#define NAME_LEN     100
#define SIZE_OFF     124
#define SIZE_LEN     12
#define CHKSUM_OFF   148
#define CHKSUM_LEN   8
#define TYPEFLAG_OFF 156
#define MAGIC_OFF    257
#define PREFIX_OFF   345
#define PREFIX_LEN   155

typedef struct
{
  GInputStream *stream;
  GCancellable *cancellable;
  guint64 offset;
} Reader;

static gboolean
set_truncated (Reader *reader, GError **error)
{
  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
               _ ("The archive ends in the middle of an entry (at byte %" G_GUINT64_FORMAT
                  "); it is incomplete or damaged"),
               reader->offset);
  return FALSE;
}

static gboolean
set_damaged (Reader *reader, GError **error, const char *what)
{
  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
               _ ("The archive is damaged at byte %" G_GUINT64_FORMAT ": %s"), reader->offset,
               what);
  return FALSE;
}

/* Reads one block; *eof is set when the stream ends cleanly before it. */
static gboolean
read_block (Reader *reader, guint8 *block, gboolean *eof, GError **error)
{
  gsize n = 0;

  *eof = FALSE;
  if (!g_input_stream_read_all (reader->stream, block, BLOCK_SIZE, &n, reader->cancellable, error))
    return FALSE;

  if (n == 0)
    {
      *eof = TRUE;
      return TRUE;
    }
  if (n < BLOCK_SIZE)
    return set_truncated (reader, error);

  reader->offset += BLOCK_SIZE;

  return TRUE;
}

static gboolean
skip_bytes (Reader *reader, guint64 count, GError **error)
{
  while (count > 0)
    {
      gsize chunk = (gsize) MIN (count, (guint64) G_MAXINT32);
      gssize n = g_input_stream_skip (reader->stream, chunk, reader->cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        return set_truncated (reader, error);

      count -= n;
      reader->offset += n;
    }

  return TRUE;
}

static guint64
padding_of (guint64 size)
{
  return (BLOCK_SIZE - size % BLOCK_SIZE) % BLOCK_SIZE;
}

/* Reads @size bytes of entry data and the padding after them. */
static GBytes *
read_data (Reader *reader, gsize size, GError **error)
{
  g_autofree guint8 *data = g_malloc (MAX (size, 1));
  gsize n = 0;

  if (!g_input_stream_read_all (reader->stream, data, size, &n, reader->cancellable, error))
    return NULL;
  reader->offset += n;
  if (n < size)
    {
      set_truncated (reader, error);
      return NULL;
    }

  if (!skip_bytes (reader, padding_of (size), error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&data), size);
}

static gboolean
skip_data (Reader *reader, guint64 size, GError **error)
{
  return skip_bytes (reader, size, error) && skip_bytes (reader, padding_of (size), error);
}

/* Octal (leading spaces, ended by a space or NUL), or GNU base-256 when the
 * first byte has its high bit set. */
static gboolean
parse_number (const guint8 *field, gsize len, guint64 *value)
{
  gsize i = 0;

  *value = 0;

  if (field[0] & 0x80)
    {
      if (field[0] == 0xff)
        return FALSE; /* negative */
      *value = field[0] & 0x7f;
      for (i = 1; i < len; i++)
        {
          if (*value > (G_MAXUINT64 >> 8))
            return FALSE;
          *value = (*value << 8) | field[i];
        }
      return TRUE;
    }

  while (i < len && field[i] == ' ')
    i++;

  for (; i < len && field[i] != ' ' && field[i] != '\0'; i++)
    {
      if (field[i] < '0' || field[i] > '7' || *value > (G_MAXUINT64 >> 3))
        return FALSE;
      *value = (*value << 3) | (guint64) (field[i] - '0');
    }

  /* only spaces and NULs may follow */
  for (; i < len; i++)
    if (field[i] != ' ' && field[i] != '\0')
      return FALSE;

  return TRUE;
}

static gboolean
checksum_is_valid (const guint8 *block)
{
  guint64 stored;
  guint64 unsigned_sum = 0;
  gint64 signed_sum = 0;

  if (!parse_number (block + CHKSUM_OFF, CHKSUM_LEN, &stored))
    return FALSE;

  for (guint i = 0; i < BLOCK_SIZE; i++)
    {
      guint8 c = (i >= CHKSUM_OFF && i < CHKSUM_OFF + CHKSUM_LEN) ? ' ' : block[i];

      unsigned_sum += c;
      signed_sum += (gint8) c;
    }

  /* Some old writers summed signed chars. */
  return stored == unsigned_sum || (signed_sum >= 0 && stored == (guint64) signed_sum);
}

static gboolean
is_zero_block (const guint8 *block)
{
  for (guint i = 0; i < BLOCK_SIZE; i++)
    if (block[i] != 0)
      return FALSE;

  return TRUE;
}

static gsize
field_length (const guint8 *field, gsize max)
{
  const guint8 *nul = memchr (field, '\0', max);

  return nul != NULL ? (gsize) (nul - field) : max;
}

/* The name in the header itself: ustar splits long names into a prefix. */
static char *
header_name (const guint8 *block)
{
  gsize name_len = field_length (block + NAME_OFF, NAME_LEN);

  if (memcmp (block + MAGIC_OFF, "ustar\0", 6) == 0)
    {
      gsize prefix_len = field_length (block + PREFIX_OFF, PREFIX_LEN);

      if (prefix_len > 0)
        return g_strdup_printf ("%.*s/%.*s", (int) prefix_len, block + PREFIX_OFF, (int) name_len,
                                block + NAME_OFF);
    }

  return g_strndup ((const char *) block + NAME_OFF, name_len);
}

/* "./a/b" and "/a/b" name the same member as "a/b". */
static const char *
normalize_name (const char *name)
{
  for (;;)
    {
      if (name[0] == '/')
        name++;
      else if (name[0] == '.' && name[1] == '/')
        name += 2;
      else
        return name;
    }
}

/* pax extended header: records "<length> <key>=<value>\n" */
static gboolean
parse_pax (Reader *reader,
           GBytes *bytes,
           char **path,
           guint64 *size,
           gboolean *has_size,
           GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  gsize pos = 0;

  while (pos < len)
    {
      guint64 record_len = 0;
      gsize i = pos;
      const char *record;
      const char *key;
      const char *eq;
      const char *value_end;

      if (data[pos] == '\0')
        break; /* padding */

      for (; i < len && g_ascii_isdigit (data[i]); i++)
        {
          if (record_len > len)
            return set_damaged (reader, error, _ ("a pax record is longer than its header"));
          record_len = record_len * 10 + (guint64) (data[i] - '0');
        }

      if (i == pos || i >= len || data[i] != ' ' || record_len <= i - pos + 1 ||
          record_len > len - pos)
        return set_damaged (reader, error, _ ("a pax record is malformed"));

      record = data + pos;
      key = data + i + 1;
      value_end = record + record_len - 1;
      if (*value_end != '\n')
        return set_damaged (reader, error, _ ("a pax record is not terminated"));

      eq = memchr (key, '=', value_end - key);
      if (eq == NULL)
        return set_damaged (reader, error, _ ("a pax record has no value"));

      if (eq - key == 4 && memcmp (key, "path", 4) == 0)
        {
          g_free (*path);
          *path = g_strndup (eq + 1, value_end - (eq + 1));
        }
      else if (eq - key == 4 && memcmp (key, "size", 4) == 0)
        {
          g_autofree char *text = g_strndup (eq + 1, value_end - (eq + 1));

          if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, size, NULL))
            return set_damaged (reader, error, _ ("a pax size is not a number"));
          *has_size = TRUE;
        }

      pos += record_len;
    }

  return TRUE;
}

static gboolean
is_regular_type (char type)
{
  return type == '0' || type == '\0' || type == '7';
}

/* Entry types that have no data in the archive, whatever their size says. */
static gboolean
has_no_data (char type)
{
  return strchr ("123456", type) != NULL && type != '\0';
}

static GBytes *
find_member (Reader *reader, const char *name, gsize max_size, GError **error)
{
  g_autoptr (GBytes) found = NULL;
  g_autofree char *long_name = NULL;
  const char *wanted = normalize_name (name);
  gboolean found_other_type = FALSE;
  guint64 pax_size = 0;
  gboolean has_pax_size = FALSE;

  for (guint entries = 0;; entries++)
    {
      guint8 block[BLOCK_SIZE];
      g_autofree char *entry_name = NULL;
      gboolean eof;
      guint64 size;
      char type;

      if (g_cancellable_set_error_if_cancelled (reader->cancellable, error))
        return NULL;

      if (entries >= MAX_ENTRIES)
        {
          set_damaged (reader, error, _ ("it holds more entries than Modtune reads"));
          return NULL;
        }

      if (!read_block (reader, block, &eof, error))
        return NULL;
      if (eof || is_zero_block (block))
        break;

      if (!checksum_is_valid (block))
        {
          set_damaged (reader, error, _ ("a header checksum does not match"));
          return NULL;
        }

      if (!parse_number (block + SIZE_OFF, SIZE_LEN, &size))
        {
          set_damaged (reader, error, _ ("an entry size is not a number"));
          return NULL;
        }

      type = (char) block[TYPEFLAG_OFF];

      switch (type)
        {
        case 'L': /* GNU: the next entry's long name */
        case 'x': /* pax: the next entry's attributes */
          {
            g_autoptr (GBytes) data = NULL;

            if (size > (type == 'L' ? MAX_LONG_NAME : MAX_PAX_HEADER))
              {
                set_damaged (reader, error, _ ("a long name or pax header is too large"));
                return NULL;
              }
            data = read_data (reader, size, error);
            if (data == NULL)
              return NULL;

            if (type == 'L')
              {
                g_free (long_name);
                long_name = g_strndup (g_bytes_get_data (data, NULL), size);
              }
            else if (!parse_pax (reader, data, &long_name, &pax_size, &has_pax_size, error))
              return NULL;
            continue;
          }

        case 'K': /* GNU long link name */
        case 'g': /* pax global header */
          if (!skip_data (reader, size, error))
            return NULL;
          continue;

        default:
          break;
        }

      entry_name = long_name != NULL ? g_steal_pointer (&long_name) : header_name (block);
      if (has_pax_size)
        size = pax_size;
      has_pax_size = FALSE;
      if (has_no_data (type))
        size = 0;

      if (!g_str_equal (normalize_name (entry_name), wanted))
        {
          if (!skip_data (reader, size, error))
            return NULL;
          continue;
        }

      /* A later entry of the same name replaces an earlier one, as when
       * the archive is extracted. */
      g_clear_pointer (&found, g_bytes_unref);
      found_other_type = !is_regular_type (type);

      if (found_other_type)
        {
          if (!skip_data (reader, size, error))
            return NULL;
          continue;
        }

      if (size > max_size)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("“%s” in the archive is %" G_GUINT64_FORMAT
                          " bytes, more than the %" G_GSIZE_FORMAT " bytes expected"),
                       wanted, size, max_size);
          return NULL;
        }

      found = read_data (reader, size, error);
      if (found == NULL)
        return NULL;
    }

  if (found != NULL)
    return g_steal_pointer (&found);

  if (found_other_type)
    g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                 _ ("“%s” in the archive is not a regular file"), wanted);
  else
    g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, _ ("The archive has no member “%s”"), wanted);

  return NULL;
}

/**
 * mt_tar_find_member:
 * @archive: a whole tar archive
 * @name: the member's path inside the archive (`vmmon-only/include/iocontrols.h`);
 *   a leading `./` or `/` is ignored on both sides
 * @max_size: the largest member to accept
 * @error: a location for a #GError
 *
 * Finds a regular file in @archive.  If the archive holds several entries
 * of that name, the last one counts, as it would when extracted.
 *
 * Returns: (transfer full): its contents, or %NULL with @error set:
 *   %MT_ERROR_NOT_FOUND if there is no such member, %MT_ERROR_INVALID_DATA
 *   if the archive is damaged or the member too large or not a file
 */
GBytes *
mt_tar_find_member (GBytes *archive, const char *name, gsize max_size, GError **error)
{
  g_autoptr (GInputStream) stream = NULL;

  g_return_val_if_fail (archive != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stream = g_memory_input_stream_new_from_bytes (archive);

  return mt_tar_find_member_in_stream (stream, name, max_size, NULL, error);
}

/**
 * mt_tar_find_member_in_stream:
 * @stream: a stream positioned at the start of a tar archive
 *
 * Like mt_tar_find_member(), reading @stream once from its current position
 * and skipping the data of other members.
 */
GBytes *
mt_tar_find_member_in_stream (GInputStream *stream,
                              const char *name,
                              gsize max_size,
                              GCancellable *cancellable,
                              GError **error)
{
  Reader reader = { 0 };

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reader.stream = stream;
  reader.cancellable = cancellable;

  return find_member (&reader, name, max_size, error);
}

/**
 * mt_tar_find_member_in_file:
 * @file: a tar archive on disk; a caller that reads a machine's files
 *   resolves the path through its #MtSysroot first
 *
 * Like mt_tar_find_member(), without loading the whole archive.
 */
GBytes *
mt_tar_find_member_in_file (GFile *file,
                            const char *name,
                            gsize max_size,
                            GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (GFileInputStream) stream = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  return mt_tar_find_member_in_stream (G_INPUT_STREAM (stream), name, max_size, cancellable, error);
}
