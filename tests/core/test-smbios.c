/* test-smbios.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-smbios.h"
#include "mt-test-util.h"

/* A structure: formatted area (type, length, handle, @fields) and string
 * set (@strings, NUL-separated, or NULL for none). */
static void
append_structure (GByteArray *table,
                  guint8 type,
                  const guint8 *fields,
                  gsize n_fields,
                  const char *const *strings)
{
  guint8 header[4] = { type, (guint8) (4 + n_fields), (guint8) table->len, 0 };

  g_byte_array_append (table, header, sizeof header);
  g_byte_array_append (table, fields, (guint) n_fields);
  if (strings == NULL || strings[0] == NULL)
    g_byte_array_append (table, (const guint8 *) "\0\0", 2);
  else
    {
      for (guint i = 0; strings[i] != NULL; i++)
        g_byte_array_append (table, (const guint8 *) strings[i], (guint) strlen (strings[i]) + 1);
      g_byte_array_append (table, (const guint8 *) "", 1);
    }
}

/* type 0 with BIOS characteristics extension byte 2 at offset 0x13 */
static void
append_bios (GByteArray *table, const char *vendor, const char *version, gboolean vm)
{
  guint8 fields[0x14 - 4] = { 0 };
  const char *strings[] = { vendor, version, NULL };

  fields[0x04 - 4] = 1; /* vendor */
  fields[0x05 - 4] = 2; /* version */
  fields[0x13 - 4] = vm ? 0x18 : 0x08;
  append_structure (table, 0, fields, sizeof fields, strings);
}

static void
append_system (GByteArray *table, const char *manufacturer, const char *product)
{
  guint8 fields[0x1b - 4] = { 0 };
  const char *strings[] = { manufacturer, product, "1.2", "Family", NULL };

  fields[0x04 - 4] = 1;
  fields[0x05 - 4] = 2;
  fields[0x06 - 4] = 3;
  fields[0x1a - 4] = 4;
  append_structure (table, 1, fields, sizeof fields, strings);
}

static void
append_end (GByteArray *table)
{
  append_structure (table, 127, NULL, 0, NULL);
}

static GByteArray *
build_table (void)
{
  GByteArray *table = g_byte_array_new ();
  guint8 board[0x0f - 4] = { 1, 2 };
  guint8 chassis[0x09 - 4] = { 1, 0x01 };
  const char *board_strings[] = { "Board Vendor", "Board Name", NULL };
  const char *chassis_strings[] = { "Chassis Vendor", NULL };

  append_bios (table, "BIOS Vendor", "1.0.3", TRUE);
  append_system (table, "System Vendor", "Product");
  append_structure (table, 2, board, sizeof board, board_strings);
  append_structure (table, 3, chassis, sizeof chassis, chassis_strings);
  append_end (table);

  return table;
}

static void
test_parse (void)
{
  g_autoptr (GByteArray) table = build_table ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSmbios) smbios = mt_smbios_new_from_data (table->data, table->len, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (mt_smbios_get_n_structures (smbios), ==, 5);
  g_assert_cmpstr (mt_smbios_get_bios_vendor (smbios), ==, "BIOS Vendor");
  g_assert_cmpstr (mt_smbios_get_bios_version (smbios), ==, "1.0.3");
  g_assert_cmpint (mt_smbios_get_vm_bit (smbios), ==, MT_SMBIOS_VM_BIT_SET);
  g_assert_cmpstr (mt_smbios_get_system_manufacturer (smbios), ==, "System Vendor");
  g_assert_cmpstr (mt_smbios_get_system_product_name (smbios), ==, "Product");
  g_assert_cmpstr (mt_smbios_get_system_version (smbios), ==, "1.2");
  g_assert_cmpstr (mt_smbios_get_system_family (smbios), ==, "Family");
  g_assert_cmpstr (mt_smbios_get_board_vendor (smbios), ==, "Board Vendor");
  g_assert_cmpstr (mt_smbios_get_board_name (smbios), ==, "Board Name");
  g_assert_cmpstr (mt_smbios_get_chassis_vendor (smbios), ==, "Chassis Vendor");
}

static void
test_fixtures (void)
{
  const struct
  {
    const char *tree;
    const char *product;
    MtSmbiosVmBit vm_bit;
  } cases[] = {
    { "amazon-ec2-nitro", "m6i.large", MT_SMBIOS_VM_BIT_SET },
    { "amazon-ec2-metal", "m6i.metal", MT_SMBIOS_VM_BIT_UNSET },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = mt_test_fixture_path ("sysroots", cases[i].tree, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (MtSysroot) root = mt_sysroot_new (path, &error);
      g_autoptr (MtSmbios) smbios = NULL;

      g_assert_no_error (error);
      smbios = mt_smbios_new_for_sysroot (root, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (mt_smbios_get_system_manufacturer (smbios), ==, "Amazon EC2");
      g_assert_cmpstr (mt_smbios_get_system_product_name (smbios), ==, cases[i].product);
      g_assert_cmpstr (mt_smbios_get_bios_vendor (smbios), ==, "Amazon EC2");
      g_assert_cmpstr (mt_smbios_get_bios_version (smbios), ==, "1.0");
      g_assert_cmpstr (mt_smbios_get_board_vendor (smbios), ==, "Amazon EC2");
      g_assert_null (mt_smbios_get_board_name (smbios));
      g_assert_null (mt_smbios_get_system_version (smbios));
      g_assert_cmpstr (mt_smbios_get_chassis_vendor (smbios), ==, "Amazon EC2");
      g_assert_cmpint (mt_smbios_get_vm_bit (smbios), ==, cases[i].vm_bit);
      g_assert_cmpuint (mt_smbios_get_n_structures (smbios), ==, 5);
    }
}

static void
test_old_layouts (void)
{
  g_autoptr (GByteArray) table = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSmbios) smbios = NULL;
  /* SMBIOS 2.0: BIOS Information without extension bytes, System
   * Information without family */
  guint8 bios[0x12 - 4] = { 1, 2 };
  guint8 system[0x08 - 4] = { 1, 2, 0, 0 };
  const char *bios_strings[] = { "Award", "6.00 PG", NULL };
  const char *system_strings[] = { "Old", "Board", NULL };

  append_structure (table, 0, bios, sizeof bios, bios_strings);
  append_structure (table, 1, system, sizeof system, system_strings);
  /* no end-of-table structure: the data simply ends */

  smbios = mt_smbios_new_from_data (table->data, table->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mt_smbios_get_vm_bit (smbios), ==, MT_SMBIOS_VM_BIT_UNKNOWN);
  g_assert_cmpstr (mt_smbios_get_bios_vendor (smbios), ==, "Award");
  g_assert_cmpstr (mt_smbios_get_system_product_name (smbios), ==, "Board");
  g_assert_null (mt_smbios_get_system_version (smbios));
  g_assert_null (mt_smbios_get_system_family (smbios));
  g_assert_null (mt_smbios_get_board_vendor (smbios));
}

static void
test_strings (void)
{
  g_autoptr (GByteArray) table = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSmbios) smbios = NULL;
  /* manufacturer: a string with control characters and invalid UTF-8;
   * product: index 9 of 2; version: index 0 (none); family: blank */
  guint8 system[0x1b - 4] = { 1, 9, 0, 0 };
  const char *system_strings[] = { "  Bad\tVendor\x01\xff\xfe  ", "   ", NULL };
  guint8 second[0x1b - 4] = { 1, 1 };
  const char *second_strings[] = { "Second", NULL };

  system[0x1a - 4] = 2;
  append_structure (table, 1, system, sizeof system, system_strings);
  /* a second System Information structure does not replace the first */
  append_structure (table, 1, second, sizeof second, second_strings);
  append_end (table);

  smbios = mt_smbios_new_from_data (table->data, table->len, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (mt_smbios_get_system_manufacturer (smbios), -1, NULL));
  g_assert_true (g_str_has_prefix (mt_smbios_get_system_manufacturer (smbios), "Bad Vendor"));
  for (const char *c = mt_smbios_get_system_manufacturer (smbios); *c != '\0'; c++)
    g_assert_cmpint ((guchar) *c, >=, 0x20);
  g_assert_null (mt_smbios_get_system_product_name (smbios));
  g_assert_null (mt_smbios_get_system_version (smbios));
  g_assert_null (mt_smbios_get_system_family (smbios));
}

static void
test_errors (void)
{
  static const guint8 short_header[] = { 0x00, 0x18 };
  static const guint8 tiny_length[] = { 0x00, 0x02, 0x00, 0x00, 0x00, 0x00 };
  static const guint8 long_length[] = { 0x01, 0xff, 0x00, 0x00, 0x00, 0x00 };
  static const guint8 no_terminator[] = { 0x01, 0x05, 0x00, 0x00, 0x01, 'A', 'B', 'C' };
  const struct
  {
    const guint8 *data;
    gsize len;
  } bad[] = {
    { short_header, sizeof short_header },
    { tiny_length, sizeof tiny_length },
    { long_length, sizeof long_length },
    { no_terminator, sizeof no_terminator },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSmbios) empty = mt_smbios_new_from_data ((const guint8 *) "", 0, &error);

  g_assert_null (empty);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (MtSmbios) smbios = mt_smbios_new_from_data (bad[i].data, bad[i].len, &error);

      g_assert_null (smbios);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, "SMBIOS"));
      g_clear_error (&error);
    }
}

static void
test_truncated (void)
{
  g_autoptr (GByteArray) table = build_table ();

  /* Every prefix of a valid table: the structures before the cut, or an
   * error when even the first one is cut. */
  for (guint len = 0; len <= table->len; len++)
    {
      g_autofree guint8 *copy = g_memdup2 (table->data, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (MtSmbios) smbios = mt_smbios_new_from_data (copy, len, &error);

      if (smbios == NULL)
        g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
      else
        {
          g_assert_no_error (error);
          g_assert_cmpstr (mt_smbios_get_bios_vendor (smbios), ==, "BIOS Vendor");
        }
    }
}

static void
test_garbage (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261124);

  /* Random tables, and valid ones with random bytes flipped: the parser
   * must return something or an error, and never read out of bounds
   * (ASan and UBSan check that in CI). */
  for (guint round = 0; round < 2000; round++)
    {
      g_autoptr (GByteArray) table = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (MtSmbios) smbios = NULL;
      guint8 *copy;

      if (round % 2 == 0)
        {
          guint len = (guint) g_rand_int_range (rand, 0, 300);

          table = g_byte_array_sized_new (len);
          for (guint i = 0; i < len; i++)
            {
              guint8 byte = (guint8) g_rand_int_range (rand, 0, 256);

              g_byte_array_append (table, &byte, 1);
            }
        }
      else
        {
          table = build_table ();
          for (guint i = 0; i < 4; i++)
            table->data[g_rand_int_range (rand, 0, (gint32) table->len)] =
              (guint8) g_rand_int_range (rand, 0, 256);
        }

      /* an exact-size heap copy, so that ASan sees any overread */
      copy = g_memdup2 (table->data, table->len);
      smbios = mt_smbios_new_from_data (copy, table->len, &error);
      g_assert_true ((smbios == NULL) == (error != NULL));
      if (smbios != NULL)
        {
          const char *strings[] = {
            mt_smbios_get_bios_vendor (smbios),         mt_smbios_get_bios_version (smbios),
            mt_smbios_get_system_manufacturer (smbios), mt_smbios_get_system_product_name (smbios),
            mt_smbios_get_system_version (smbios),      mt_smbios_get_system_family (smbios),
            mt_smbios_get_board_vendor (smbios),        mt_smbios_get_board_name (smbios),
            mt_smbios_get_chassis_vendor (smbios),
          };

          for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
            g_assert_true (strings[i] == NULL || g_utf8_validate (strings[i], -1, NULL));
        }
      g_free (copy);
    }
}

static void
test_sysroot_errors (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, &error);
  g_autoptr (MtSmbios) missing = NULL;
  g_autoptr (MtSmbios) garbage = NULL;

  g_assert_no_error (error);
  missing = mt_smbios_new_for_sysroot (root, &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  mt_test_tree_write (tree, MT_SMBIOS_TABLE_PATH, "\x01\x02", 2);
  garbage = mt_smbios_new_for_sysroot (root, &error);
  g_assert_null (garbage);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, MT_SMBIOS_TABLE_PATH));

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/smbios/parse", test_parse);
  g_test_add_func ("/smbios/fixtures", test_fixtures);
  g_test_add_func ("/smbios/old-layouts", test_old_layouts);
  g_test_add_func ("/smbios/strings", test_strings);
  g_test_add_func ("/smbios/errors", test_errors);
  g_test_add_func ("/smbios/truncated", test_truncated);
  g_test_add_func ("/smbios/garbage", test_garbage);
  g_test_add_func ("/smbios/sysroot-errors", test_sysroot_errors);

  return g_test_run ();
}
