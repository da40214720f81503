/* test-tar.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "mt-error.h"
#include "mt-tar.h"
#include "mt-test-util.h"

#define MEMBER "vmmon-only/include/iocontrols.h"

static GBytes *
read_fixture (const char *name)
{
  g_autofree char *path = mt_test_fixture_path ("tar", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

static void
write_checksum (guint8 *header)
{
  guint sum = 0;

  memset (header + 148, ' ', 8);
  for (guint i = 0; i < 512; i++)
    sum += header[i];
  g_snprintf ((char *) header + 148, 8, "%06o", sum);
  header[155] = ' ';
}

/* Appends one entry in POSIX ustar form, its data and padding. */
static void
add_entry (GByteArray *tar, const char *name, char type, const char *data, gsize len)
{
  guint8 header[512] = { 0 };
  static const guint8 zeros[512] = { 0 };

  g_assert_cmpuint (strlen (name), <, 100);
  memcpy (header, name, strlen (name));
  memcpy (header + 100, "0000644", 7);
  memcpy (header + 108, "0000000", 7);
  memcpy (header + 116, "0000000", 7);
  g_snprintf ((char *) header + 124, 12, "%011o", (guint) len);
  memcpy (header + 136, "00000000000", 11);
  header[156] = (guint8) type;
  memcpy (header + 257,
          "ustar\0"
          "00",
          8);
  write_checksum (header);

  g_byte_array_append (tar, header, sizeof header);
  if (data != NULL)
    {
      g_byte_array_append (tar, (const guint8 *) data, len);
      g_byte_array_append (tar, zeros, (512 - len % 512) % 512);
    }
}

static void
add_end (GByteArray *tar)
{
  static const guint8 zeros[1024] = { 0 };

  g_byte_array_append (tar, zeros, sizeof zeros);
}

static GBytes *
find (GByteArray *tar, const char *name, gsize max_size, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (tar->data, tar->len);

  return mt_tar_find_member (bytes, name, max_size, error);
}

static void
assert_member_has (GBytes *member, const char *text)
{
  g_autofree char *contents = NULL;

  g_assert_nonnull (member);
  contents = g_strndup (g_bytes_get_data (member, NULL), g_bytes_get_size (member));
  g_assert_nonnull (strstr (contents, text));
}

static void
test_formats (void)
{
  const char *const formats[] = { "gnu", "ustar", "pax", "v7" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("iocontrols-%s.tar", formats[i]);
      g_autoptr (GBytes) tar = read_fixture (name);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) member = NULL;
      g_autoptr (GBytes) dotted = NULL;

      g_test_message ("%s", name);
      member = mt_tar_find_member (tar, MEMBER, MT_TAR_DEFAULT_MAX_MEMBER_SIZE, &error);
      g_assert_no_error (error);
      assert_member_has (member, "#define VMMON_VERSION           (418 << 16 | 0)");

      /* "./" and "/" in front name the same member */
      dotted = mt_tar_find_member (tar, "./" MEMBER, MT_TAR_DEFAULT_MAX_MEMBER_SIZE, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (member, dotted));
    }
}

static void
test_long_names (void)
{
  const char *const formats[] = { "gnu", "ustar", "pax" };
  const char *long_name = "vmmon-only/include/a-directory-name-long-enough-to-need-more-than-one-"
                          "hundred-bytes/and-another-one/iocontrols.h";

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("long-name-%s.tar", formats[i]);
      g_autoptr (GBytes) tar = read_fixture (name);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) member = NULL;

      g_test_message ("%s", name);
      member = mt_tar_find_member (tar, long_name, MT_TAR_DEFAULT_MAX_MEMBER_SIZE, &error);
      g_assert_no_error (error);
      assert_member_has (member, "(416 << 16 | 0)");

      /* the first hundred bytes alone are not the name */
      g_clear_pointer (&member, g_bytes_unref);
      member = mt_tar_find_member (tar, "iocontrols.h", MT_TAR_DEFAULT_MAX_MEMBER_SIZE, &error);
      g_assert_null (member);
      g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
    }
}

static void
test_file (void)
{
  g_autofree char *path = mt_test_fixture_path ("tar", "iocontrols-gnu.tar", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) missing = g_file_new_for_path ("/nonexistent/vmmon.tar");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) member = NULL;

  member = mt_tar_find_member_in_file (file, MEMBER, 4096, NULL, &error);
  g_assert_no_error (error);
  assert_member_has (member, "(418 << 16 | 0)");

  g_clear_pointer (&member, g_bytes_unref);
  member = mt_tar_find_member_in_file (missing, MEMBER, 4096, NULL, &error);
  g_assert_null (member);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_not_found (void)
{
  g_autoptr (GByteArray) tar = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) member = NULL;

  /* an empty archive, with and without its end blocks */
  member = find (tar, MEMBER, 4096, &error);
  g_assert_null (member);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  add_end (tar);
  member = find (tar, MEMBER, 4096, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* a directory of that name is not the file */
  g_byte_array_set_size (tar, 0);
  add_entry (tar, "vmmon-only/", '5', NULL, 0);
  add_entry (tar, MEMBER "/", '5', NULL, 0);
  add_end (tar);
  member = find (tar, MEMBER, 4096, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

static void
test_entries (void)
{
  g_autoptr (GByteArray) tar = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) member = NULL;
  g_autoptr (GBytes) empty = NULL;

  add_entry (tar, "vmmon-only/", '5', NULL, 0);
  add_entry (tar, "vmmon-only/Makefile", '0', "all:\n", 5);
  add_entry (tar, "vmmon-only/empty", '0', "", 0);
  add_entry (tar, MEMBER, '0', "first", 5);
  add_entry (tar, "vmmon-only/link", '2', NULL, 0);
  /* a later entry of the same name wins, as when extracted */
  add_entry (tar, MEMBER, '\0', "second", 6);
  add_end (tar);

  member = find (tar, MEMBER, 4096, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (member, NULL), g_bytes_get_size (member), "second", 6);

  empty = find (tar, "/vmmon-only/empty", 4096, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);

  /* too large for the caller */
  g_clear_pointer (&member, g_bytes_unref);
  member = find (tar, MEMBER, 5, &error);
  g_assert_null (member);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* a symbolic link is not followed */
  member = find (tar, "vmmon-only/link", 4096, &error);
  g_assert_null (member);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
}

static void
test_link_replaces_file (void)
{
  g_autoptr (GByteArray) tar = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) member = NULL;

  add_entry (tar, MEMBER, '0', "file", 4);
  add_entry (tar, MEMBER, '2', NULL, 0);
  add_end (tar);

  member = find (tar, MEMBER, 4096, &error);
  g_assert_null (member);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
}

static void
test_damaged_headers (void)
{
  /* byte offset in the first header, new value; each breaks the archive */
  const struct
  {
    gsize offset;
    const char *value;
  } cases[] = {
    { 148, "999999" }, /* checksum not octal */
    { 148, "000001" }, /* wrong checksum */
    { 124, "0000000001x" },
    { 124, "zzzzzzzzzzz" },
    { 124, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" }, /* negative base-256 */
    { 124, "\x80\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" }, /* base-256 overflow */
    { 124, "77777777777" },                                      /* 8 GiB: past the end */
    { 124, "\x80\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00" }, /* huge, valid */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) tar = g_byte_array_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) member = NULL;
      gsize len =
        cases[i].offset == 124 && (guint8) cases[i].value[0] >= 0x80 ? 12 : strlen (cases[i].value);

      g_test_message ("case %u", i);
      add_entry (tar, "other", '0', "x", 1);
      add_entry (tar, MEMBER, '0', "data", 4);
      add_end (tar);
      memcpy (tar->data + cases[i].offset, cases[i].value, len);
      if (cases[i].offset != 148)
        write_checksum (tar->data);

      member = find (tar, MEMBER, 4096, &error);
      g_assert_null (member);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
      g_test_message ("%s", error->message);
    }
}

static void
test_gnu_and_pax_headers (void)
{
  g_autoptr (GByteArray) tar = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) member = NULL;
  const char *pax = "29 path=vmmon-only/renamed.h\n10 size=3\n10 mtime=\n";

  /* pax: a path and a size that override the header's */
  add_entry (tar, "PaxHeader/x", 'x', pax, strlen (pax));
  add_entry (tar, "short", '0', "abc", 3);
  /* GNU: a long name for the next entry; a long link name is skipped */
  add_entry (tar, "././@LongLink", 'K', "target", 7);
  add_entry (tar, "././@LongLink", 'L', "vmmon-only/gnu-long-name.h", 27);
  add_entry (tar, "cut", '0', "gnu", 3);
  add_entry (tar, "pax_global_header", 'g', "9 a=b\nc\n", 8);
  add_end (tar);

  member = find (tar, "vmmon-only/renamed.h", 4096, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (member, NULL), g_bytes_get_size (member), "abc", 3);
  g_clear_pointer (&member, g_bytes_unref);

  member = find (tar, "vmmon-only/gnu-long-name.h", 4096, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (member, NULL), g_bytes_get_size (member), "gnu", 3);
  g_clear_pointer (&member, g_bytes_unref);

  /* the names the headers were given are gone */
  member = find (tar, "short", 4096, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

static void
test_bad_pax (void)
{
  const char *const records[] = {
    "x",
    "5 a=b\n",         /* length too short for the record */
    "99 path=a\n",     /* longer than the header */
    "12 path=abc\t",   /* not ended by a newline */
    "10 pathabc\n",    /* no value */
    "15 size=12x45\n", /* not a number */
    "29 size=99999999999999999999\n",
    "0 \n",
    " 7 a=b\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autoptr (GByteArray) tar = g_byte_array_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) member = NULL;

      g_test_message ("record %u: %s", i, records[i]);
      add_entry (tar, "PaxHeader/x", 'x', records[i], strlen (records[i]));
      add_entry (tar, MEMBER, '0', "abc", 3);
      add_end (tar);

      member = find (tar, MEMBER, 4096, &error);
      g_assert_null (member);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
    }

  /* headers too large to be real */
  for (char type = 'L'; type != 0; type = type == 'L' ? 'x' : 0)
    {
      g_autoptr (GByteArray) tar = g_byte_array_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) member = NULL;

      add_entry (tar, "big", type, NULL, 0);
      g_snprintf ((char *) tar->data + 124, 12, "%011o", 16 * 1024 * 1024);
      write_checksum (tar->data);
      add_end (tar);

      member = find (tar, MEMBER, 4096, &error);
      g_assert_null (member);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
    }
}

static void
test_truncated (void)
{
  g_autoptr (GBytes) whole = read_fixture ("long-name-pax.tar");
  gsize len;
  const guint8 *data = g_bytes_get_data (whole, &len);
  gsize end = 0;

  /* where the end-of-archive blocks start */
  while (end + 512 <= len)
    {
      gboolean zero = TRUE;

      for (guint i = 0; i < 512 && zero; i++)
        zero = data[end + i] == 0;
      if (zero)
        break;
      end += 512;
    }
  g_assert_cmpuint (end, >, 0);

  for (gsize cut = 0; cut < len; cut += cut < 1024 ? 7 : 101)
    {
      g_autoptr (GBytes) part = g_bytes_new_from_bytes (whole, 0, cut);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) member = mt_tar_find_member (part, "vmmon-only/include/x", 4096, &error);

      g_assert_null (member);
      g_assert_nonnull (error);
      g_assert_true (error->domain == MT_ERROR);
      g_assert_true (error->code == MT_ERROR_NOT_FOUND || error->code == MT_ERROR_INVALID_DATA);
      /* a cut inside a block before the end is always damage */
      if (cut % 512 != 0 && cut < end)
        g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
    }
}

/* Random damage: errors, never a crash (run under ASan and UBSan in CI). */
static void
test_random_damage (void)
{
  const char *const fixtures[] = { "long-name-gnu.tar", "long-name-pax.tar",
                                   "iocontrols-ustar.tar" };

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr (GBytes) original = read_fixture (fixtures[round % G_N_ELEMENTS (fixtures)]);
      g_autoptr (GByteArray) copy = g_byte_array_new ();
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GBytes) member = NULL;
      g_autoptr (GError) error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (original, &len);

      g_byte_array_append (copy, data, len);
      for (guint flips = g_test_rand_int_range (1, 6); flips > 0; flips--)
        copy->data[g_test_rand_int_range (0, copy->len)] = (guint8) g_test_rand_int_range (0, 256);
      /* keep the checksums right half of the time, so damage reaches the fields */
      if (g_test_rand_bit ())
        for (gsize block = 0; block + 512 <= copy->len; block += 512)
          if (copy->data[block + 257] == 'u')
            write_checksum (copy->data + block);

      bytes = g_bytes_new (copy->data, copy->len);
      member = mt_tar_find_member (bytes, MEMBER, 4096, &error);
      g_assert_true ((member == NULL) != (error == NULL));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tar/formats", test_formats);
  g_test_add_func ("/tar/long-names", test_long_names);
  g_test_add_func ("/tar/file", test_file);
  g_test_add_func ("/tar/not-found", test_not_found);
  g_test_add_func ("/tar/entries", test_entries);
  g_test_add_func ("/tar/link-replaces-file", test_link_replaces_file);
  g_test_add_func ("/tar/damaged-headers", test_damaged_headers);
  g_test_add_func ("/tar/gnu-and-pax-headers", test_gnu_and_pax_headers);
  g_test_add_func ("/tar/bad-pax", test_bad_pax);
  g_test_add_func ("/tar/truncated", test_truncated);
  g_test_add_func ("/tar/random-damage", test_random_damage);

  return g_test_run ();
}
