/* test-pci-ids.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <pci/pci.h>
#include <stdarg.h>

#include "mt-pci-ids.h"
#include "mt-test-util.h"

/* A small pci.ids with every kind of line a reader meets, valid or not. */
static const char crafted[] =
  "#\n"
  "#\tList of PCI ID's\n"
  "#\n"
  "# Vendors, devices and subsystems. Please keep sorted.\n"
  "\n"
  "0001  First Vendor\n"
  "# a vendor block without devices, then one whose devices are looked up\n"
  "0a00  Alpha Corp\n"
  "\t0001  Alpha One\n"
  "\t\t0a00 0002  Alpha One subsystem, never a device\n"
  "\t\t1af4 1041  Another subsystem line\n"
  "\t0002  Alpha Two \n"
  "\t0003  Alpha Three  \n"
  "# a comment inside the block\n"
  "\t0010\tTabbed\n"
  "\n"
  "\t0020  Alpha Twenty\n"
  "\t  # an indented comment\n"
  "\t   \n"
  "\tzzzz  Not hexadecimal\n"
  "\t0021Glued to its id\n"
  "\t0022  \n"
  "\t0030 One blank\n"
  "\t00ff  Alpha Middle\r\n"
  "\t0100  Alpha CR\rand what follows it\n"
  "\tBEEF  Upper Case\n"
  "not a vendor line\n"
  " 0b00  Leading blank, not a vendor\n"
  "1af4  Red Hat, Inc.\r\n"
  "\t1041  Virtio 1.0 network device\r\n"
  "\t\t1af4 1100  QEMU\r\n"
  "\t1042  Virtio 1.0 block device\r\n"
  "\t1043  Virtio 1.0 console\r\n"
  "8086  Intel Corporation\n"
  "\t0d57  Device in the middle\n"
  "ABCD  Upper Case Vendor\n"
  "\tabcd  Its device\n"
  "fffe  Reserved\n"
  "X 01  A reserved block: nested lines are not devices\n"
  "\t0001  Not a device of fffe\n"
  "ffff  Last Vendor\n"
  "\t0000  Device zero\n"
  "\tffff  Last Device\n"
  "C 00  Unclassified device\n"
  "\t00  Non-VGA unclassified device\n"
  "\tbeef  Not a device of ffff either\n"
  "C 03  Display controller\n"
  "\t00  VGA compatible controller\n"
  "\t\t00  VGA controller\n";

static MtPciIds *
ids_for_text (const char *text, gssize len)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, len < 0 ? strlen (text) : (gsize) len);

  return mt_pci_ids_new (bytes);
}

static void
test_crafted (void)
{
  g_autoptr (MtPciIds) ids = ids_for_text (crafted, -1);

  g_assert_null (mt_pci_ids_get_path (ids));

  /* the first and the last vendor */
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, 0x0001), ==, "First Vendor");
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, 0xffff), ==, "Last Vendor");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0xffff, 0x0000), ==, "Device zero");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0xffff, 0xffff), ==, "Last Device");

  /* a vendor without devices, and unknown vendors */
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x0001, 0x0001));
  g_assert_null (mt_pci_ids_lookup_vendor (ids, 0x0000));
  g_assert_null (mt_pci_ids_lookup_vendor (ids, 0x1234));
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x1234, 0x1111));

  /* a device in the middle of its block, and an unknown one of a known
   * vendor */
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, 0x8086), ==, "Intel Corporation");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x8086, 0x0d57), ==, "Device in the middle");
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x8086, 0x0d58));
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0020), ==, "Alpha Twenty");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0001), ==, "Alpha One");

  /* subsystem lines are not devices, of this vendor or of another */
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0a00));
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x0a00, 0x1af4));
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x1af4, 0x1af4));

  /* one trailing blank goes, as in libpci, not two; a tab is a blank */
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0002), ==, "Alpha Two");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0003), ==, "Alpha Three ");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0010), ==, "Tabbed");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0030), ==, "One blank");

  /* malformed lines are skipped: no blank after the id, no name */
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0021));
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0022));
  g_assert_null (mt_pci_ids_lookup_vendor (ids, 0x0b00));

  /* CRLF, and a CR that ends the line early */
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0x00ff), ==, "Alpha Middle");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0100), ==, "Alpha CR");
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, 0x1af4), ==, "Red Hat, Inc.");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x1af4, 0x1041), ==, "Virtio 1.0 network device");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x1af4, 0x1043), ==, "Virtio 1.0 console");

  /* hexadecimal in capitals, as libpci accepts it */
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0a00, 0xbeef), ==, "Upper Case");
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, 0xabcd), ==, "Upper Case Vendor");
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0xabcd, 0xabcd), ==, "Its device");

  /* a block of another kind ends the vendor's block */
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, 0xfffe), ==, "Reserved");
  g_assert_null (mt_pci_ids_lookup_device (ids, 0xfffe, 0x0001));
  g_assert_null (mt_pci_ids_lookup_device (ids, 0xffff, 0xbeef));

  /* cached answers are the same strings */
  g_assert_true (mt_pci_ids_lookup_vendor (ids, 0x8086) == mt_pci_ids_lookup_vendor (ids, 0x8086));
  g_assert_true (mt_pci_ids_lookup_device (ids, 0x0a00, 0x0020) ==
                 mt_pci_ids_lookup_device (ids, 0x0a00, 0x0020));
  g_assert_null (mt_pci_ids_lookup_device (ids, 0x8086, 0x0d58));
}

static void
test_edges (void)
{
  g_autoptr (MtPciIds) empty = ids_for_text ("", 0);
  g_autoptr (MtPciIds) comments = ids_for_text ("# nothing\n\n#\n", -1);
  g_autoptr (MtPciIds) no_newline = ids_for_text ("0001  One\n\t0002  Two", -1);
  g_autoptr (MtPciIds) only_vendor = ids_for_text ("0001  One", -1);
  static const char with_nul[] = "0001  On\0e\n\t0002  T\0wo\n";
  g_autoptr (MtPciIds) nul = ids_for_text (with_nul, sizeof with_nul - 1);
  g_autoptr (MtPciIds) unsorted = ids_for_text ("ffff  Z\n0001  A\n\t0001  B\n8000  M\n", -1);

  g_assert_null (mt_pci_ids_lookup_vendor (empty, 0x0000));
  g_assert_null (mt_pci_ids_lookup_device (empty, 0x0000, 0x0000));
  g_assert_null (mt_pci_ids_lookup_vendor (comments, 0x0001));
  g_assert_cmpstr (mt_pci_ids_lookup_device (no_newline, 0x0001, 0x0002), ==, "Two");
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (only_vendor, 0x0001), ==, "One");
  g_assert_null (mt_pci_ids_lookup_device (only_vendor, 0x0001, 0x0001));

  /* a NUL ends a line, as in libpci's C strings */
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (nul, 0x0001), ==, "On");
  g_assert_cmpstr (mt_pci_ids_lookup_device (nul, 0x0001, 0x0002), ==, "T");

  /* not sorted: the search may miss, but never fails or loops */
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (unsorted, 0x8000), ==, "M");
  (void) mt_pci_ids_lookup_vendor (unsorted, 0x0001);
  (void) mt_pci_ids_lookup_device (unsorted, 0x0001, 0x0001);
  (void) mt_pci_ids_lookup_vendor (unsorted, 0xffff);
}

static void
test_long_names (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (MtPciIds) ids = NULL;
  g_autofree char *a255 = g_strnfill (255, 'a');
  g_autofree char *b256 = g_strnfill (256, 'b');
  g_autofree char *expected = NULL;
  const char *name;

  g_string_append_printf (text, "0001  %s\n", a255);
  g_string_append_printf (text, "\t0001  %s\n", b256);
  /* a two-byte character across the cut, and invalid UTF-8 */
  g_string_append (text, "\t0002  ");
  for (guint i = 0; i < 251; i++)
    g_string_append_c (text, 'c');
  g_string_append (text, "\xc3\xa9 and more, past the cut\n");
  g_string_append (text, "\t0003  Bad \xff byte\n");
  ids = ids_for_text (text->str, text->len);

  /* up to 255 bytes whole; longer, 252 bytes and "...", as libpci's
   * pci_lookup_name() into a 256-byte buffer */
  g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, 0x0001), ==, a255);
  expected = g_strdup_printf ("%.*s...", 252, b256);
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0001, 0x0001), ==, expected);
  g_assert_cmpuint (strlen (expected), ==, MT_PCI_IDS_MAX_NAME);

  name = mt_pci_ids_lookup_device (ids, 0x0001, 0x0002);
  g_assert_nonnull (name);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (g_str_has_suffix (name, "\xef\xbf\xbd..."));
  g_assert_cmpstr (mt_pci_ids_lookup_device (ids, 0x0001, 0x0003), ==, "Bad \xef\xbf\xbd byte");
}

static void
test_paths (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *missing = g_build_filename (tree, "missing", "pci.ids", NULL);
  g_autofree char *first = g_build_filename (tree, "first", "pci.ids", NULL);
  g_autofree char *second = g_build_filename (tree, "second", "pci.ids", NULL);
  g_autofree char *dir = g_build_filename (tree, "dir", NULL);
  g_autofree char *file_as_dir = g_build_filename (tree, "first", "pci.ids", "pci.ids", NULL);

  mt_test_tree_write (tree, "first/pci.ids", "0001  From the first\n", -1);
  mt_test_tree_write (tree, "second/pci.ids", "0001  From the second\n", -1);
  mt_test_tree_write (tree, "dir/file", "", 0);

  /* the first that exists */
  {
    const char *const paths[] = { missing, file_as_dir, first, second, NULL };
    g_autoptr (MtPciIds) ids = mt_pci_ids_new_for_paths (paths);

    g_assert_cmpstr (mt_pci_ids_get_path (ids), ==, first);
    g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, 0x0001), ==, "From the first");
  }

  /* one that exists but is no file stops the search: no names */
  {
    const char *const paths[] = { dir, second, NULL };
    g_autoptr (MtPciIds) ids = mt_pci_ids_new_for_paths (paths);

    g_assert_cmpstr (mt_pci_ids_get_path (ids), ==, dir);
    g_assert_null (mt_pci_ids_lookup_vendor (ids, 0x0001));
  }

  /* none: no names, never an error */
  {
    const char *const paths[] = { missing, NULL };
    g_autoptr (MtPciIds) ids = mt_pci_ids_new_for_paths (paths);

    g_assert_null (mt_pci_ids_get_path (ids));
    g_assert_null (mt_pci_ids_lookup_vendor (ids, 0x0001));
    g_assert_null (mt_pci_ids_lookup_device (ids, 0x0001, 0x0001));
  }

  mt_test_tree_free (g_steal_pointer (&tree));
}

/* libpci itself, as mt-pci-device used it until mt-pci-ids replaced it:
 * the reference for every name. */
static void libpci_error (char *msg, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
libpci_error (char *msg, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, msg);
  text = g_strdup_vprintf (msg, args);
  va_end (args);

  g_error ("libpci: %s", text);
}

static char *
libpci_name (struct pci_access *pacc, int flags, guint16 vendor_id, guint16 device_id)
{
  char buf[256];
  const char *name =
    pci_lookup_name (pacc, buf, sizeof buf, flags | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
                     (int) vendor_id, (int) device_id);

  if (name == NULL || *name == '\0')
    return NULL;

  return g_utf8_make_valid (name, -1);
}

static struct pci_access *
libpci_for_file (char *path)
{
  struct pci_access *pacc = pci_alloc ();

  pacc->error = libpci_error;
  pacc->id_lookup_mode = 0;
  pci_set_name_list_path (pacc, path, 0);

  return pacc;
}

static guint
compare_with_libpci (char *path, GArray *vendors, GArray *devices)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (MtPciIds) ids = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  struct pci_access *pacc = libpci_for_file (path);
  gsize len;
  guint compared = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  ids = mt_pci_ids_new (bytes);

  for (guint i = 0; i < vendors->len; i++)
    {
      guint16 vendor_id = g_array_index (vendors, guint16, i);
      g_autofree char *expected = libpci_name (pacc, PCI_LOOKUP_VENDOR, vendor_id, 0);

      g_assert_cmpstr (mt_pci_ids_lookup_vendor (ids, vendor_id), ==, expected);
      compared++;
    }

  for (guint i = 0; i < devices->len; i += 2)
    {
      guint16 vendor_id = g_array_index (devices, guint16, i);
      guint16 device_id = g_array_index (devices, guint16, i + 1);
      g_autofree char *expected = libpci_name (pacc, PCI_LOOKUP_DEVICE, vendor_id, device_id);

      if (g_strcmp0 (mt_pci_ids_lookup_device (ids, vendor_id, device_id), expected) != 0)
        g_error ("%04x:%04x: “%s”, libpci “%s”", vendor_id, device_id,
                 mt_pci_ids_lookup_device (ids, vendor_id, device_id), expected);
      compared++;
    }

  pci_cleanup (pacc);

  return compared;
}

static void
add_vendor (GArray *vendors, guint vendor_id)
{
  guint16 id = (guint16) vendor_id;

  g_array_append_val (vendors, id);
}

static void
add_pair (GArray *devices, guint vendor_id, guint device_id)
{
  guint16 pair[2] = { (guint16) vendor_id, (guint16) device_id };

  g_array_append_vals (devices, pair, 2);
}

/* The id at the start of @text, four hexadecimal digits. */
static gboolean
parse_id (const char *text, guint *id)
{
  g_autofree char *hex = g_strndup (text, 4);
  guint64 value;

  if (strlen (hex) != 4 || !g_ascii_isxdigit (hex[3]) ||
      !g_ascii_string_to_unsigned (hex, 16, 0, 0xffff, &value, NULL))
    return FALSE;

  *id = (guint) value;
  return TRUE;
}

/* Every vendor and device the file lists, their neighbours, and ids it
 * does not list.  (Lines are cut with memchr(): g_strsplit() on 1.5 MiB is
 * quadratic under ASan, whose strstr() measures the haystack each time.) */
static void
collect_ids (const char *text, GArray *vendors, GArray *devices)
{
  const char *end = text + strlen (text);
  guint vendor = 0x10000;

  for (guint v = 0; v <= 0xffff; v += 0x0101)
    add_vendor (vendors, v);

  for (const char *p = text; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      g_autofree char *line = g_strndup (p, nl != NULL ? (gsize) (nl - p) : (gsize) (end - p));
      guint id;

      p = nl != NULL ? nl + 1 : end;

      if (line[0] == '\0' || line[0] == '#')
        continue;

      if (line[0] != '\t')
        {
          vendor = parse_id (line, &id) ? id : 0x10000;
          if (vendor > 0xffff)
            continue;
          add_vendor (vendors, vendor);
          add_vendor (vendors, vendor + 1);
          add_pair (devices, vendor, 0x0000);
          add_pair (devices, vendor, 0xffff);
          add_pair (devices, vendor, vendor);
        }
      else if (line[1] != '\t' && vendor <= 0xffff && parse_id (line + 1, &id))
        {
          add_pair (devices, vendor, id);
          add_pair (devices, vendor, id + 1);
          add_pair (devices, vendor + 1, id);
        }
    }
}

/* A valid file (libpci stops at any malformed line) with what libpci
 * reads specially: CRLF and CR, blanks, comments, capitals, long names. */
static void
test_libpci_crafted (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *path = g_build_filename (tree, "pci.ids", NULL);
  g_autoptr (GString) text = g_string_new ("# header\n\n");
  g_autoptr (GArray) vendors = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autoptr (GArray) devices = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autofree char *long_name = g_strnfill (600, 'x');
  g_autofree char *name_255 = g_strnfill (255, 'y');
  g_autofree char *name_256 = g_strnfill (256, 'z');

  g_string_append (text, "0001  First\n"
                         "0a00  Alpha Corp\n"
                         "\t0001  Alpha One\n"
                         "\t\t0a00 0002  Subsystem\n"
                         "\t0002  Alpha Two \n"
                         "\t0003  Alpha Three  \n"
                         "#\tcomment\n"
                         "\t0010\tTabbed\n"
                         "\n"
                         "\t  # indented\n"
                         "\t0030 One blank\n"
                         "\t00ff  Alpha Middle\r\n"
                         "\t0100  Alpha CR\rtail\n"
                         "\tBEEF  Upper\n"
                         "1af4  Red Hat, Inc.\r\n"
                         "\t1041  Virtio 1.0 network device\r\n"
                         "\t\t1af4 1100  QEMU\r\n"
                         "\t1042  Virtio 1.0 block device\r\n"
                         "ABCD  Upper Vendor\n"
                         "\tabcd  Its device\n");
  g_string_append_printf (text, "b000  %s\n\t0001  %s\n\t0002  %s\n\t0003  \xc3\xa9t\xe9\n",
                          long_name, name_255, name_256);
  g_string_append (text, "fffe  Reserved\n"
                         "X 01  Reserved block\n"
                         "\t0001  Not a device\n"
                         "ffff  Last\n"
                         "\tffff  Last device\n"
                         "C 00  Unclassified device\n"
                         "\t00  Non-VGA unclassified device\n"
                         "C 03  Display controller\n"
                         "\t00  VGA compatible controller\n");
  mt_test_tree_write (tree, "pci.ids", text->str, text->len);

  collect_ids (text->str, vendors, devices);
  g_assert_cmpuint (compare_with_libpci (path, vendors, devices), >, 100);

  mt_test_tree_free (g_steal_pointer (&tree));
}

/* The system's own pci.ids, every vendor and device in it: the names in
 * the reports are exactly those libpci gave. */
static void
test_libpci_system (void)
{
  g_autoptr (MtPciIds) system = mt_pci_ids_new_for_system ();
  g_autoptr (GArray) vendors = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autoptr (GArray) devices = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  guint compared;

  if (mt_pci_ids_get_path (system) == NULL)
    {
      g_test_skip ("no pci.ids on this system");
      return;
    }

  path = g_strdup (mt_pci_ids_get_path (system));
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  collect_ids (contents, vendors, devices);

  compared = compare_with_libpci (path, vendors, devices);
  g_test_message ("%u names compared with libpci in %s", compared, path);
  g_assert_cmpuint (compared, >, 1000);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pci-ids/crafted", test_crafted);
  g_test_add_func ("/pci-ids/edges", test_edges);
  g_test_add_func ("/pci-ids/long-names", test_long_names);
  g_test_add_func ("/pci-ids/paths", test_paths);
  g_test_add_func ("/pci-ids/libpci-crafted", test_libpci_crafted);
  g_test_add_func ("/pci-ids/libpci-system", test_libpci_system);

  return g_test_run ();
}
