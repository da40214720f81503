/* mt-pci-ids.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-pci-ids"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "mt-pci-ids.h"

/**
 * SECTION:mt-pci-ids
 *
 * The names of PCI vendors and devices in the system's `pci.ids`, exactly
 * as libpci's pci_lookup_name() gives them (with `PCI_LOOKUP_NO_NUMBERS |
 * PCI_LOOKUP_NO_HWDB`, into a 256-byte buffer), without loading the whole
 * database: libpci parses all 40 000 lines and hashes every entry, some
 * 5 ms, to name a handful of devices.
 *
 * The file is read once; a vendor is found by a binary search over its
 * vendor lines (`XXXX  name`, sorted by id as the file's own header asks),
 * then a device by a binary search over the device lines (`\tXXXX  name`)
 * of that vendor's block, which ends at the next top-level line.  Lines are
 * read as libpci's id_parse_list() reads them: up to the first CR or LF,
 * less one trailing blank; blank lines and `#` comments anywhere; the id,
 * one blank, more blanks, then a name that is not empty.  Subsystem lines
 * (two tabs) and the class, subsystem and reserved blocks (`C 03`, `S …`,
 * other capital letters) are never taken for vendors or devices.
 *
 * Every result is cached, so each vendor's block is walked at most once.
 * libpci rejects the whole file at the first malformed line (and Modtune
 * then had no PCI devices at all); here such a line is only skipped, and a
 * missing, unreadable, oversized or garbled file gives no names.  Every
 * read is bounded by the data; the cost of a lookup is bounded by the size
 * of the file, whatever it holds.
 */

const char *const mt_pci_ids_system_paths[] = {
  "/usr/share/misc/pci.ids",
  "/usr/share/hwdata/pci.ids",
  "/usr/share/pci.ids",
  NULL,
};

/* Cache keys: an id with this bit set, so that id 0 is not NULL. */
#define KEY(id) GUINT_TO_POINTER ((guint) (id) | 0x10000u)

typedef struct
{
  char *name;          /* NULL if the vendor is not listed */
  gsize block_start;   /* its device lines start here … */
  gsize block_end;     /* … and end here (once devices != NULL) */
  GHashTable *devices; /* KEY (device id) -> name, or NULL when not listed */
} Vendor;

struct _MtPciIds
{
  GBytes *contents;
  const char *data;
  gsize len;
  char *path;
  GHashTable *vendors; /* KEY (vendor id) -> Vendor */
};

typedef enum
{
  LINE_BLANK, /* empty, white space or a comment */
  LINE_ENTRY, /* an id and a name, at some nesting level */
  LINE_OTHER, /* anything else: a class or reserved block, or malformed */
} LineKind;

typedef struct
{
  gsize next; /* where the next line starts */
  guint nest; /* leading tabs */
  LineKind kind;
  guint id;
  gsize name_start;
  gsize name_end;
} Line;

static void
vendor_free (gpointer data)
{
  Vendor *vendor = data;

  g_free (vendor->name);
  g_clear_pointer (&vendor->devices, g_hash_table_unref);
  g_free (vendor);
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The line that starts at @start (< len), as id_parse_list() sees it. */
static void
parse_line (MtPciIds *self, gsize start, Line *line)
{
  const char *d = self->data;
  const char *nl = memchr (d + start, '\n', self->len - start);
  gsize end = nl != NULL ? (gsize) (nl - d) : self->len;
  const char *cut;
  gsize content_end;
  gsize p;
  guint id = 0;

  line->next = nl != NULL ? end + 1 : self->len;
  line->nest = 0;
  line->kind = LINE_OTHER;
  line->id = 0;
  line->name_start = line->name_end = 0;

  /* libpci's line ends at the first CR (or NUL: a C string), less one
   * trailing blank */
  cut = memchr (d + start, '\r', end - start);
  content_end = cut != NULL ? (gsize) (cut - d) : end;
  cut = memchr (d + start, '\0', content_end - start);
  if (cut != NULL)
    content_end = (gsize) (cut - d);
  if (content_end > start && is_blank (d[content_end - 1]))
    content_end--;

  for (p = start; p < content_end && is_blank (d[p]); p++)
    ;
  if (p == content_end || d[p] == '#')
    {
      line->kind = LINE_BLANK;
      return;
    }

  for (p = start; p < content_end && d[p] == '\t'; p++)
    ;
  line->nest = (guint) MIN (p - start, G_MAXUINT);

  /* "C 03  Display controller", "S 1234", reserved blocks */
  if (line->nest == 0 && content_end - p >= 2 && d[p] >= 'A' && d[p] <= 'Z' && d[p + 1] == ' ')
    return;

  /* four hex digits, a blank, optional blanks, a name */
  if (content_end - p < 5)
    return;
  for (guint i = 0; i < 4; i++)
    {
      int v = hex_value (d[p + i]);

      if (v < 0)
        return;
      id = id * 16 + (guint) v;
    }
  if (!is_blank (d[p + 4]))
    return;
  for (p += 5; p < content_end && is_blank (d[p]); p++)
    ;
  if (p == content_end)
    return;

  line->kind = LINE_ENTRY;
  line->id = id;
  line->name_start = p;
  line->name_end = content_end;
}

/* The first line that starts at or after @pos (<= len). */
static gsize
line_start_from (MtPciIds *self, gsize pos)
{
  const char *nl;

  if (pos == 0 || self->data[pos - 1] == '\n')
    return pos;

  nl = memchr (self->data + pos, '\n', self->len - pos);

  return nl != NULL ? (gsize) (nl - self->data) + 1 : self->len;
}

/* Where the line after the one that starts at @pos (< len) starts. */
static gsize
next_line (MtPciIds *self, gsize pos)
{
  const char *nl = memchr (self->data + pos, '\n', self->len - pos);

  return nl != NULL ? (gsize) (nl - self->data) + 1 : self->len;
}

/* Whether the line at @pos (< len) can be an entry of @nest (0 or 1), from
 * its first bytes alone: most lines of a walk are passed over without
 * being parsed. */
static gboolean
may_have_nest (MtPciIds *self, gsize pos, guint nest)
{
  const char *d = self->data;

  if (nest == 0)
    return d[pos] != '\t';
  if (nest == 1)
    return d[pos] == '\t' && pos + 1 < self->len && d[pos + 1] != '\t';

  return TRUE;
}

/* Finds the entry of @nest with @id among the lines that start in
 * [lo, hi), whose entries of that nesting level are sorted by id; other
 * lines are stepped over.  Each round either ends, moves lo past the middle
 * or hi to it, and reads lines only between the middle and hi, so the
 * whole search reads at most about hi - lo bytes twice. */
static gboolean
find_entry (MtPciIds *self, gsize lo, gsize hi, guint nest, guint id, Line *found)
{
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      gsize pos = line_start_from (self, mid);
      gboolean keyed = FALSE;
      Line line = { 0 };

      while (pos < hi)
        {
          if (!may_have_nest (self, pos, nest))
            {
              pos = next_line (self, pos);
              continue;
            }

          parse_line (self, pos, &line);
          if (line.kind == LINE_ENTRY && line.nest == nest)
            {
              keyed = TRUE;
              break;
            }
          pos = line.next;
        }

      if (!keyed || line.id > id)
        hi = mid; /* nothing keyed in [mid, hi), or it is past @id */
      else if (line.id < id)
        lo = line.next;
      else
        {
          *found = line;
          return TRUE;
        }
    }

  return FALSE;
}

/* Where the block of device lines that starts at @pos ends: at the next
 * top-level line that is not blank. */
static gsize
find_block_end (MtPciIds *self, gsize pos)
{
  while (pos < self->len)
    {
      Line line;

      /* nested, or blank: never top-level */
      if (self->data[pos] == '\t')
        {
          pos = next_line (self, pos);
          continue;
        }

      parse_line (self, pos, &line);
      if (line.kind != LINE_BLANK)
        return pos;
      pos = line.next;
    }

  return self->len;
}

/* As pci_lookup_name() copies it into Modtune's 256-byte buffer, made
 * valid UTF-8. */
static char *
format_name (MtPciIds *self, gsize start, gsize end)
{
  char cut[MT_PCI_IDS_MAX_NAME + 1];

  if (end - start <= MT_PCI_IDS_MAX_NAME)
    return g_utf8_make_valid (self->data + start, (gssize) (end - start));

  memcpy (cut, self->data + start, MT_PCI_IDS_MAX_NAME - 3);
  memcpy (cut + MT_PCI_IDS_MAX_NAME - 3, "...", 4);

  return g_utf8_make_valid (cut, -1);
}

static Vendor *
get_vendor (MtPciIds *self, guint16 vendor_id)
{
  Vendor *vendor = g_hash_table_lookup (self->vendors, KEY (vendor_id));
  Line line;

  if (vendor != NULL)
    return vendor;

  vendor = g_new0 (Vendor, 1);
  if (find_entry (self, 0, self->len, 0, vendor_id, &line))
    {
      vendor->name = format_name (self, line.name_start, line.name_end);
      vendor->block_start = line.next;
    }
  g_hash_table_insert (self->vendors, KEY (vendor_id), vendor);

  return vendor;
}

/**
 * mt_pci_ids_new:
 * @contents: the text of a `pci.ids` file
 *
 * Contents larger than %MT_PCI_IDS_MAX_SIZE give no names.
 *
 * Returns: (transfer full): the database
 */
MtPciIds *
mt_pci_ids_new (GBytes *contents)
{
  MtPciIds *self;

  g_return_val_if_fail (contents != NULL, NULL);

  self = g_new0 (MtPciIds, 1);
  self->contents = g_bytes_ref (contents);
  self->data = g_bytes_get_data (contents, &self->len);
  if (self->data == NULL || self->len > MT_PCI_IDS_MAX_SIZE)
    self->len = 0;
  self->vendors = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, vendor_free);

  return self;
}

/* The whole file, or NULL; *exists tells whether there was one to read. */
static GBytes *
read_file (const char *path, gboolean *exists)
{
  g_autofree char *buf = NULL;
  struct stat st;
  gsize size = 0;
  gsize alloc;
  int fd;

  *exists = FALSE;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      *exists = saved_errno != ENOENT && saved_errno != ENOTDIR;
      if (*exists)
        g_debug ("Cannot open %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  *exists = TRUE;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size < 0 ||
      (guint64) st.st_size > MT_PCI_IDS_MAX_SIZE)
    {
      g_debug ("%s is not a regular file of at most %u MiB", path,
               MT_PCI_IDS_MAX_SIZE / (1024 * 1024));
      g_close (fd, NULL);
      return NULL;
    }

  /* one byte more than its size, to see the end in one read */
  alloc = (gsize) st.st_size + 1;
  buf = g_malloc (alloc);

  for (;;)
    {
      gssize n;

      if (size == alloc)
        {
          /* the file grew while being read */
          if (alloc > MT_PCI_IDS_MAX_SIZE)
            {
              g_debug ("%s is larger than %u MiB", path, MT_PCI_IDS_MAX_SIZE / (1024 * 1024));
              g_close (fd, NULL);
              return NULL;
            }
          alloc = MIN (alloc * 2, (gsize) MT_PCI_IDS_MAX_SIZE + 1);
          buf = g_realloc (buf, alloc);
        }

      n = read (fd, buf + size, alloc - size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_debug ("Cannot read %s: %s", path, g_strerror (errno));
          g_close (fd, NULL);
          return NULL;
        }
      if (n == 0)
        break;
      size += (gsize) n;
    }

  g_close (fd, NULL);

  if (size > MT_PCI_IDS_MAX_SIZE)
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&buf), size);
}

/**
 * mt_pci_ids_new_for_paths:
 * @paths: (array zero-terminated=1): where to look, in order
 *
 * Reads the first of @paths that exists.  If that file cannot be read, or
 * none exists, the database is empty: it names nothing.
 *
 * Returns: (transfer full): the database
 */
MtPciIds *
mt_pci_ids_new_for_paths (const char *const *paths)
{
  g_autoptr (GBytes) contents = NULL;
  MtPciIds *self;
  const char *path = NULL;

  g_return_val_if_fail (paths != NULL, NULL);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      gboolean exists;

      contents = read_file (paths[i], &exists);
      if (exists)
        {
          path = paths[i];
          break;
        }
    }

  if (contents == NULL)
    contents = g_bytes_new_static ("", 0);

  self = mt_pci_ids_new (contents);
  self->path = g_strdup (path);

  return self;
}

/**
 * mt_pci_ids_new_for_system:
 *
 * Reads the first of %mt_pci_ids_system_paths that exists: where Debian's
 * libpci looks (`/usr/share/misc`), then Fedora's and Arch's hwdata, then
 * openSUSE's `/usr/share`.  Always the machine Modtune runs on, never a
 * sysroot: the names are those lspci would show here.
 *
 * Returns: (transfer full): the database, empty if there is none
 */
MtPciIds *
mt_pci_ids_new_for_system (void)
{
  return mt_pci_ids_new_for_paths (mt_pci_ids_system_paths);
}

void
mt_pci_ids_free (MtPciIds *self)
{
  if (self == NULL)
    return;

  g_bytes_unref (self->contents);
  g_free (self->path);
  g_hash_table_unref (self->vendors);
  g_free (self);
}

/**
 * mt_pci_ids_get_path:
 *
 * Returns: (nullable): the file that was read (or that could not be), or
 *   %NULL if none of the paths existed or the contents were given
 */
const char *
mt_pci_ids_get_path (MtPciIds *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

/**
 * mt_pci_ids_lookup_vendor:
 *
 * Returns: (nullable): the vendor's name, valid as long as @self
 */
const char *
mt_pci_ids_lookup_vendor (MtPciIds *self, guint16 vendor_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_vendor (self, vendor_id)->name;
}

/**
 * mt_pci_ids_lookup_device:
 *
 * Returns: (nullable): the name of the device of this vendor, valid as long
 *   as @self
 */
const char *
mt_pci_ids_lookup_device (MtPciIds *self, guint16 vendor_id, guint16 device_id)
{
  Vendor *vendor;
  char *name = NULL;
  gpointer cached;
  Line line;

  g_return_val_if_fail (self != NULL, NULL);

  vendor = get_vendor (self, vendor_id);
  if (vendor->name == NULL)
    return NULL;

  if (vendor->devices == NULL)
    {
      vendor->block_end = find_block_end (self, vendor->block_start);
      vendor->devices = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    }

  if (g_hash_table_lookup_extended (vendor->devices, KEY (device_id), NULL, &cached))
    return cached;

  if (find_entry (self, vendor->block_start, vendor->block_end, 1, device_id, &line))
    name = format_name (self, line.name_start, line.name_end);
  g_hash_table_insert (vendor->devices, KEY (device_id), name);

  return name;
}
