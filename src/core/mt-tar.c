/* mt-tar.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-tar"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
#define MODE_OFF     100
#define MODE_LEN     8
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

/* One entry as the walker hands it over: the visitor reads or skips its
 * data (read_data()/skip_data()); what it leaves is skipped for it. */
typedef struct
{
  const char *name; /* as stored, not normalized */
  char type;
  guint32 mode;
  guint64 size; /* of its data in the archive: 0 for links, devices … */
} Entry;

typedef gboolean (*EntryVisitor) (Reader *reader,
                                  const Entry *entry,
                                  gpointer user_data,
                                  GError **error);

/* Walks every entry of the archive, following GNU long names and pax
 * headers, checking every checksum, and calls @visit for each. */
static gboolean
walk_entries (Reader *reader, EntryVisitor visit, gpointer user_data, GError **error)
{
  g_autofree char *long_name = NULL;
  guint64 pax_size = 0;
  gboolean has_pax_size = FALSE;

  for (guint entries = 0;; entries++)
    {
      guint8 block[BLOCK_SIZE];
      g_autofree char *entry_name = NULL;
      guint64 size;
      guint64 mode;
      guint64 data_start;
      gboolean eof;
      Entry entry;
      char type;

      if (g_cancellable_set_error_if_cancelled (reader->cancellable, error))
        return FALSE;

      if (entries >= MAX_ENTRIES)
        return set_damaged (reader, error, _ ("it holds more entries than Modtune reads"));

      if (!read_block (reader, block, &eof, error))
        return FALSE;
      if (eof || is_zero_block (block))
        return TRUE;

      if (!checksum_is_valid (block))
        return set_damaged (reader, error, _ ("a header checksum does not match"));

      if (!parse_number (block + SIZE_OFF, SIZE_LEN, &size))
        return set_damaged (reader, error, _ ("an entry size is not a number"));

      if (!parse_number (block + MODE_OFF, MODE_LEN, &mode))
        mode = 0;

      type = (char) block[TYPEFLAG_OFF];

      switch (type)
        {
        case 'L': /* GNU: the next entry's long name */
        case 'x': /* pax: the next entry's attributes */
          {
            g_autoptr (GBytes) data = NULL;

            if (size > (type == 'L' ? MAX_LONG_NAME : MAX_PAX_HEADER))
              return set_damaged (reader, error, _ ("a long name or pax header is too large"));
            data = read_data (reader, size, error);
            if (data == NULL)
              return FALSE;

            if (type == 'L')
              {
                g_free (long_name);
                long_name = g_strndup (g_bytes_get_data (data, NULL), size);
              }
            else if (!parse_pax (reader, data, &long_name, &pax_size, &has_pax_size, error))
              return FALSE;
            continue;
          }

        case 'K': /* GNU long link name */
        case 'g': /* pax global header */
          if (!skip_data (reader, size, error))
            return FALSE;
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

      entry.name = entry_name;
      entry.type = type;
      entry.mode = (guint32) (mode & 07777);
      entry.size = size;

      data_start = reader->offset;
      if (!visit (reader, &entry, user_data, error))
        return FALSE;

      /* the visitor did not touch the data: skip it */
      if (reader->offset == data_start && !skip_data (reader, size, error))
        return FALSE;
    }
}

typedef struct
{
  const char *wanted;
  gsize max_size;
  GBytes *found;
  gboolean found_other_type;
} FindState;

static gboolean
find_visit (Reader *reader, const Entry *entry, gpointer user_data, GError **error)
{
  FindState *state = user_data;

  if (!g_str_equal (normalize_name (entry->name), state->wanted))
    return TRUE;

  /* A later entry of the same name replaces an earlier one, as when the
   * archive is extracted. */
  g_clear_pointer (&state->found, g_bytes_unref);
  state->found_other_type = !is_regular_type (entry->type);
  if (state->found_other_type)
    return TRUE;

  if (entry->size > state->max_size)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("“%s” in the archive is %" G_GUINT64_FORMAT
                      " bytes, more than the %" G_GSIZE_FORMAT " bytes expected"),
                   state->wanted, entry->size, state->max_size);
      return FALSE;
    }

  state->found = read_data (reader, entry->size, error);

  return state->found != NULL;
}

static GBytes *
find_member (Reader *reader, const char *name, gsize max_size, GError **error)
{
  FindState state = { normalize_name (name), max_size, NULL, FALSE };

  if (!walk_entries (reader, find_visit, &state, error))
    {
      g_clear_pointer (&state.found, g_bytes_unref);
      return NULL;
    }

  if (state.found != NULL)
    return state.found;

  if (state.found_other_type)
    g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                 _ ("“%s” in the archive is not a regular file"), state.wanted);
  else
    g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, _ ("The archive has no member “%s”"),
                 state.wanted);

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

/* --- extraction (SECURITY.md rule 13) ------------------------------------------------------- */

typedef struct
{
  const MtTarLimits *limits;
  GHashTable *names; /* normalized name -> GINT_TO_POINTER (is_dir) */
  guint64 total;
  guint n_entries;
  int dest_fd; /* -1 while validating */
} ExtractState;

static gboolean
refuse (const Entry *entry, GError **error, const char *why)
{
  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
               _ ("The archive is refused whole: “%s” %s; nothing was extracted"), entry->name,
               why);
  return FALSE;
}

/* A relative path of plain components: no "/" at the start, no "." or
 * ".." component, no empty component, nothing that is not printable. */
static gboolean
name_is_safe (const char *name)
{
  g_auto (GStrv) parts = NULL;

  if (name[0] == '\0' || name[0] == '/' || strlen (name) > 4096)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '\\')
      return FALSE;

  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      /* a trailing "/" (directories) leaves one empty last part */
      if (parts[i][0] == '\0' && parts[i + 1] == NULL && i > 0)
        continue;
      if (parts[i][0] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        return FALSE;
    }

  return TRUE;
}

/* "./a" -> "a"; unlike normalize_name(), a leading "/" stays, to be refused */
static const char *
skip_dot_slash (const char *name)
{
  while (name[0] == '.' && name[1] == '/')
    name += 2;
  return name;
}

static char *
clean_name (const char *name)
{
  const char *n = normalize_name (name);
  gsize len = strlen (n);

  while (len > 0 && n[len - 1] == '/')
    len--;

  return g_strndup (n, len);
}

static gboolean
validate_visit (Reader *reader, const Entry *entry, gpointer user_data, GError **error)
{
  ExtractState *state = user_data;
  g_autofree char *name = clean_name (entry->name);
  gboolean is_dir = entry->type == '5';
  gpointer seen;

  if (++state->n_entries > state->limits->max_entries)
    return refuse (entry, error, _ ("is one entry more than the limit"));

  if (!name_is_safe (skip_dot_slash (entry->name)) || name[0] == '\0')
    return refuse (entry, error, _ ("is an absolute path or has a “..” component"));

  switch (entry->type)
    {
    case '1':
      return refuse (entry, error, _ ("is a hard link"));
    case '2':
      return refuse (entry, error, _ ("is a symbolic link"));
    case '3':
    case '4':
      return refuse (entry, error, _ ("is a device node"));
    case '6':
      return refuse (entry, error, _ ("is a FIFO"));
    default:
      if (!is_dir && !is_regular_type (entry->type))
        return refuse (entry, error, _ ("is of an unknown type"));
    }

  if (entry->mode & (04000 | 02000 | 01000))
    return refuse (entry, error, _ ("is setuid, setgid or sticky"));

  if (entry->size > state->limits->max_file_size)
    return refuse (entry, error, _ ("is larger than the limit for one file"));

  state->total += entry->size;
  if (state->total > state->limits->max_total_size)
    return refuse (entry, error, _ ("takes the archive past its size limit"));

  /* one name, one entry: no second copy, nothing inside a file, no file
   * where a directory is */
  for (char *slash = strchr (name, '/'); slash != NULL; slash = strchr (slash + 1, '/'))
    {
      g_autofree char *parent = g_strndup (name, slash - name);

      if (g_hash_table_lookup_extended (state->names, parent, NULL, &seen))
        {
          if (!GPOINTER_TO_INT (seen))
            return refuse (entry, error, _ ("appears twice (once as a file, once inside it)"));
        }
      else
        g_hash_table_insert (state->names, g_steal_pointer (&parent), GINT_TO_POINTER (TRUE));
    }
  if (g_hash_table_lookup_extended (state->names, name, NULL, &seen) &&
      !(is_dir && GPOINTER_TO_INT (seen)))
    return refuse (entry, error, _ ("appears twice"));
  g_hash_table_insert (state->names, g_steal_pointer (&name), GINT_TO_POINTER (is_dir));

  return TRUE;
}

/* Opens (creating it if needed) the directory @components[0..n) below
 * @dir_fd, never following a symlink.  Returns a new fd or -1. */
static int
open_dirs (int dir_fd, char **components, guint n, GError **error)
{
  int fd = dup (dir_fd);

  for (guint i = 0; fd >= 0 && i < n; i++)
    {
      int next;

      if (mkdirat (fd, components[i], 0755) < 0 && errno != EEXIST)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Cannot create %s: %s"),
                       components[i], g_strerror (saved));
          return -1;
        }
      next = openat (fd, components[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      close (fd);
      fd = next;
    }

  if (fd < 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 _ ("Cannot open a directory of the archive: %s"), g_strerror (errno));
  return fd;
}

static gboolean
extract_visit (Reader *reader, const Entry *entry, gpointer user_data, GError **error)
{
  ExtractState *state = user_data;
  g_autofree char *name = clean_name (entry->name);
  g_auto (GStrv) parts = g_strsplit (name, "/", -1);
  guint n = g_strv_length (parts);
  g_autoptr (GBytes) data = NULL;
  const guint8 *bytes;
  gsize len, written = 0;
  int dir_fd, fd;

  if (entry->type == '5')
    {
      dir_fd = open_dirs (state->dest_fd, parts, n, error);
      if (dir_fd < 0)
        return FALSE;
      close (dir_fd);
      return TRUE;
    }

  data = read_data (reader, entry->size, error);
  if (data == NULL)
    return FALSE;

  dir_fd = open_dirs (state->dest_fd, parts, n - 1, error);
  if (dir_fd < 0)
    return FALSE;

  /* a fresh file, never through a link; executable bits kept, nothing else */
  fd = openat (dir_fd, parts[n - 1], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
               (entry->mode & 0111) ? 0755 : 0644);
  close (dir_fd);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Cannot create %s: %s"),
                   name, g_strerror (saved));
      return FALSE;
    }

  bytes = g_bytes_get_data (data, &len);
  while (written < len)
    {
      gssize w = write (fd, bytes + written, len - written);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Cannot write %s: %s"),
                       name, g_strerror (saved));
          return FALSE;
        }
      written += w;
    }

  if (close (fd) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _ ("Cannot write %s: %s"),
                   name, g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
walk_file (GFile *archive,
           EntryVisitor visit,
           gpointer state,
           GCancellable *cancellable,
           GError **error)
{
  g_autoptr (GFileInputStream) stream = g_file_read (archive, cancellable, error);
  Reader reader = { 0 };

  if (stream == NULL)
    return FALSE;

  reader.stream = G_INPUT_STREAM (stream);
  reader.cancellable = cancellable;

  return walk_entries (&reader, visit, state, error);
}

/**
 * mt_tar_extract_file:
 * @archive: a tar archive
 * @dest_dir: an existing, empty directory to extract into
 * @limits: (nullable): caps on entries and sizes; %NULL for the defaults
 *
 * Extracts regular files and directories, and nothing else.  The whole
 * archive is checked first: an absolute path, a `..` component, a link of
 * either kind, a device node, a FIFO, a setuid, setgid or sticky file, a
 * name that appears twice, or more entries or bytes than @limits allow
 * refuse the whole archive before anything is written.  Files are then
 * created below @dest_dir only, with `O_EXCL | O_NOFOLLOW`, mode 0644 or
 * 0755.  The archive itself is only read.
 *
 * Returns: %TRUE if everything was extracted
 */
gboolean
mt_tar_extract_file (GFile *archive,
                     const char *dest_dir,
                     const MtTarLimits *limits,
                     GCancellable *cancellable,
                     GError **error)
{
  static const MtTarLimits defaults = { MT_TAR_DEFAULT_MAX_ENTRIES, MT_TAR_DEFAULT_MAX_TOTAL_SIZE,
                                        MT_TAR_DEFAULT_MAX_FILE_SIZE };
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ExtractState state = { 0 };
  gboolean ok;

  g_return_val_if_fail (G_IS_FILE (archive), FALSE);
  g_return_val_if_fail (dest_dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  state.limits = limits != NULL ? limits : &defaults;
  state.names = names;
  state.dest_fd = -1;

  if (!walk_file (archive, validate_visit, &state, cancellable, error))
    return FALSE;

  state.dest_fd = open (dest_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (state.dest_fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _ ("Cannot open %s: %s"),
                   dest_dir, g_strerror (errno));
      return FALSE;
    }

  ok = walk_file (archive, extract_visit, &state, cancellable, error);
  close (state.dest_fd);

  return ok;
}
