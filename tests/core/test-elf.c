/* test-elf.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "mt-elf.h"
#include "mt-error.h"
#include "mt-test-util.h"

#define SHT_PROGBITS 1
#define SHT_STRTAB   3
#define SHT_NOBITS   8

typedef struct
{
  const char *name;
  guint32 type;
  const char *data;
  gsize len;
} TestSection;

/* Field offsets of the headers the tests patch */
typedef struct
{
  gsize shoff;     /* e_shoff in the ELF header */
  gsize shentsize; /* e_shentsize */
  gsize shnum;
  gsize shstrndx;
  gsize shdr_size;
  gsize sh_offset; /* in a section header */
  gsize sh_size;
  gsize sh_link;
} Layout;

static const Layout layout64 = { 0x28, 0x3a, 0x3c, 0x3e, 64, 24, 32, 40 };
static const Layout layout32 = { 0x20, 0x2e, 0x30, 0x32, 40, 16, 20, 24 };

static void
put (GByteArray *out, gsize offset, guint64 value, guint size)
{
  g_assert_cmpuint (offset + size, <=, out->len);
  for (guint i = 0; i < size; i++)
    out->data[offset + i] = (guint8) (value >> (8 * i));
}

static guint64
get (GByteArray *out, gsize offset, guint size)
{
  guint64 value = 0;

  for (guint i = 0; i < size; i++)
    value |= (guint64) out->data[offset + i] << (8 * i);

  return value;
}

/* An ELF relocatable file: header, section contents, the section name
 * table, then the section headers (null, @sections…, .shstrtab). */
static GByteArray *
build_elf (guint elf_class, const TestSection *sections, guint n)
{
  const Layout *l = elf_class == 64 ? &layout64 : &layout32;
  guint word = elf_class == 64 ? 8 : 4;
  gsize ehdr_size = elf_class == 64 ? 64 : 52;
  GByteArray *out = g_byte_array_new ();
  g_autoptr (GString) strtab = g_string_new ("");
  g_autofree gsize *offsets = g_new0 (gsize, n + 1);
  g_autofree gsize *names = g_new0 (gsize, n + 1);
  gsize strtab_offset;
  gsize shoff;
  static const guint8 zeros[64] = { 0 };

  g_byte_array_append (out, zeros, ehdr_size);
  memcpy (out->data, "\177ELF", 4);
  out->data[4] = elf_class == 64 ? 2 : 1;
  out->data[5] = 1;
  out->data[6] = 1;
  put (out, 16, 1, 2);                        /* ET_REL */
  put (out, 18, elf_class == 64 ? 62 : 3, 2); /* x86-64, i386 */
  put (out, 20, 1, 4);

  g_string_append_c (strtab, '\0');
  for (guint i = 0; i < n; i++)
    {
      offsets[i] = out->len;
      if (sections[i].type != SHT_NOBITS)
        g_byte_array_append (out, (const guint8 *) sections[i].data, sections[i].len);
      names[i] = strtab->len;
      g_string_append (strtab, sections[i].name);
      g_string_append_c (strtab, '\0');
    }
  names[n] = strtab->len;
  g_string_append (strtab, ".shstrtab");
  g_string_append_c (strtab, '\0');
  strtab_offset = out->len;
  g_byte_array_append (out, (const guint8 *) strtab->str, strtab->len);

  while (out->len % 8 != 0)
    g_byte_array_append (out, zeros, 1);
  shoff = out->len;

  g_byte_array_append (out, zeros, l->shdr_size); /* the null section */
  for (guint i = 0; i <= n; i++)
    {
      gsize shdr = out->len;

      g_byte_array_append (out, zeros, l->shdr_size);
      put (out, shdr, names[i], 4);
      put (out, shdr + 4, i < n ? sections[i].type : SHT_STRTAB, 4);
      put (out, shdr + l->sh_offset, i < n ? offsets[i] : strtab_offset, word);
      put (out, shdr + l->sh_size, i < n ? sections[i].len : strtab->len, word);
    }

  put (out, l->shoff, shoff, word);
  put (out, l->shentsize, l->shdr_size, 2);
  put (out, l->shnum, n + 2, 2);
  put (out, l->shstrndx, n + 1, 2);

  return out;
}

static const char modinfo_text[] = "name=fake\0vermagic=6.12.0 SMP mod_unload \0alias=a\0alias=b";

static GByteArray *
build_module (guint elf_class)
{
  const TestSection sections[] = {
    { ".text", SHT_PROGBITS, "\xc3", 1 },
    { ".modinfo", SHT_PROGBITS, modinfo_text, sizeof modinfo_text },
    { ".bss", SHT_NOBITS, NULL, 0x100000 },
  };

  return build_elf (elf_class, sections, G_N_ELEMENTS (sections));
}

static MtElf *
parse (GByteArray *array, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (array->data, array->len);

  return mt_elf_new_from_bytes (bytes, error);
}

static void
assert_invalid (GByteArray *array, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtElf) elf = parse (array, &error);

  g_assert_null (elf);
  g_assert_error (error, MT_ERROR, code);
  g_test_message ("%s", error->message);
}

static GBytes *
read_fixture_module (const char *rel_path, char **release)
{
  g_autofree char *root = mt_test_fixture_path ("sysroots", "workstation-17.6-host", NULL);
  g_autofree char *osrelease = g_build_filename (root, "proc/sys/kernel/osrelease", NULL);
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize len;

  g_file_get_contents (osrelease, &text, NULL, &error);
  g_assert_no_error (error);
  g_strstrip (text);

  path = g_build_filename (root, "lib/modules", text, rel_path, NULL);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  if (release != NULL)
    *release = g_steal_pointer (&text);

  return g_bytes_new_take (contents, len);
}

static void
test_real_module (void)
{
  g_autofree char *release = NULL;
  g_autoptr (GBytes) bytes = read_fixture_module ("misc/vmnet.ko", &release);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtElf) elf = mt_elf_new_from_bytes (bytes, &error);
  g_autoptr (GHashTable) modinfo = NULL;
  g_autoptr (GBytes) text = NULL;
  g_autofree char *expected_vermagic = NULL;
  GPtrArray *aliases;

  g_assert_no_error (error);
  g_assert_nonnull (elf);
  g_assert_cmpuint (mt_elf_get_class (elf), ==, 64);
  g_assert_cmpuint (mt_elf_get_machine (elf), ==, 62);
  g_assert_true (mt_elf_is_relocatable (elf));
  g_assert_false (mt_elf_is_signed (elf));
  g_assert_cmpuint (mt_elf_get_signature_size (elf), ==, 0);
  g_assert_cmpuint (mt_elf_get_n_sections (elf), >, 10);

  text = mt_elf_get_section (elf, ".text");
  g_assert_nonnull (text);
  g_assert_null (mt_elf_get_section (elf, ".no-such-section"));
  g_assert_null (mt_elf_get_section (elf, ""));

  modinfo = mt_elf_dup_modinfo (elf, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "name"), ==, "vmnet");
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "license"), ==, "GPL");
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "version"), ==, "417.0-fixture");
  expected_vermagic = g_strconcat (release, " ", NULL);
  g_assert_true (g_str_has_prefix (mt_modinfo_lookup (modinfo, "vermagic"), expected_vermagic));
  aliases = g_hash_table_lookup (modinfo, "alias");
  g_assert_nonnull (aliases);
  g_assert_cmpuint (aliases->len, ==, 2);
  g_assert_null (mt_modinfo_lookup (modinfo, "signer"));
}

static void
test_signed_module (void)
{
  g_autoptr (GBytes) bytes = read_fixture_module ("misc/vmmon.ko", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtElf) elf = mt_elf_new_from_bytes (bytes, &error);
  g_autoptr (GHashTable) modinfo = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (data + len - strlen (MT_MODULE_SIGNATURE_MARKER),
                                   MT_MODULE_SIGNATURE_MARKER));
  g_assert_true (mt_elf_is_signed (elf));
  /* a 2048-bit RSA PKCS#7 signature */
  g_assert_cmpuint (mt_elf_get_signature_size (elf), >, 256);
  g_assert_cmpuint (mt_elf_get_signature_size (elf), <, 2048);
  g_assert_true (mt_elf_is_relocatable (elf));

  modinfo = mt_elf_dup_modinfo (elf, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "name"), ==, "vmmon");
}

static void
test_truncated (void)
{
  g_autoptr (GBytes) unsigned_ko = read_fixture_module ("misc/vmnet.ko", NULL);
  g_autoptr (GBytes) signed_ko = read_fixture_module ("misc/vmmon.ko", NULL);
  g_autoptr (MtElf) whole = mt_elf_new_from_bytes (signed_ko, NULL);
  gsize len = g_bytes_get_size (unsigned_ko);
  gsize signed_len = g_bytes_get_size (signed_ko);
  gsize elf_len =
    signed_len - mt_elf_get_signature_size (whole) - 12 - strlen (MT_MODULE_SIGNATURE_MARKER);

  /* The section table is at the end: every cut loses part of it. */
  for (gsize cut = 0; cut < len; cut += cut < 256 ? 1 : 61)
    {
      g_autoptr (GBytes) part = g_bytes_new_from_bytes (unsigned_ko, 0, cut);
      g_autoptr (GError) error = NULL;
      g_autoptr (MtElf) elf = mt_elf_new_from_bytes (part, &error);

      g_assert_null (elf);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
    }

  /* A cut signature loses its marker: what is left is an unsigned ELF
   * file followed by junk. */
  for (gsize cut = elf_len; cut < signed_len; cut += 37)
    {
      g_autoptr (GBytes) part = g_bytes_new_from_bytes (signed_ko, 0, cut);
      g_autoptr (GError) error = NULL;
      g_autoptr (MtElf) elf = mt_elf_new_from_bytes (part, &error);

      g_assert_no_error (error);
      g_assert_false (mt_elf_is_signed (elf));
    }
}

static void
test_elf32 (void)
{
  g_autoptr (GByteArray) array = build_module (32);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtElf) elf = parse (array, &error);
  g_autoptr (GHashTable) modinfo = NULL;
  g_autoptr (GBytes) text = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (mt_elf_get_class (elf), ==, 32);
  g_assert_cmpuint (mt_elf_get_machine (elf), ==, 3);
  g_assert_true (mt_elf_is_relocatable (elf));
  g_assert_cmpuint (mt_elf_get_n_sections (elf), ==, 5);

  text = mt_elf_get_section (elf, ".text");
  g_assert_cmpmem (g_bytes_get_data (text, NULL), g_bytes_get_size (text), "\xc3", 1);
  /* SHT_NOBITS has no contents in the file, whatever its size */
  g_assert_null (mt_elf_get_section (elf, ".bss"));

  modinfo = mt_elf_dup_modinfo (elf, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "name"), ==, "fake");
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "vermagic"), ==, "6.12.0 SMP mod_unload ");
}

static void
test_not_a_module (void)
{
  const TestSection sections[] = { { ".text", SHT_PROGBITS, "\x90", 1 } };
  g_autoptr (GByteArray) array = build_elf (64, sections, 1);
  g_autoptr (MtElf) elf = parse (array, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) modinfo = NULL;

  g_assert_nonnull (elf);
  /* ET_EXEC */
  put (array, 16, 2, 2);
  g_clear_object (&elf);
  elf = parse (array, NULL);
  g_assert_false (mt_elf_is_relocatable (elf));

  modinfo = mt_elf_dup_modinfo (elf, &error);
  g_assert_null (modinfo);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

static void
test_wrong_ident (void)
{
  const struct
  {
    gsize offset;
    guint8 value;
    int code;
  } cases[] = {
    { 0, 0x7e, MT_ERROR_INVALID_DATA },                                  /* magic */
    { 3, 'f', MT_ERROR_INVALID_DATA },  { 4, 0, MT_ERROR_INVALID_DATA }, /* class none */
    { 4, 3, MT_ERROR_INVALID_DATA },                                     /* class unknown */
    { 5, 2, MT_ERROR_NOT_SUPPORTED },                                    /* big-endian */
    { 5, 0, MT_ERROR_INVALID_DATA },    { 6, 2, MT_ERROR_INVALID_DATA }, /* ELF version */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) array = build_module (64);

      g_test_message ("case %u", i);
      array->data[cases[i].offset] = cases[i].value;
      assert_invalid (array, cases[i].code);
    }

  /* a 64-bit file that says it is 32-bit, and the reverse: read with the
   * other layout, never out of bounds */
  for (guint elf_class = 32; elf_class <= 64; elf_class += 32)
    {
      g_autoptr (GByteArray) array = build_module (elf_class);
      g_autoptr (MtElf) elf = NULL;
      g_autoptr (GError) error = NULL;

      array->data[4] = elf_class == 64 ? 1 : 2;
      elf = parse (array, &error);
      g_assert_true ((elf == NULL) != (error == NULL));
    }

  /* shorter than the identification, and than the header */
  {
    g_autoptr (GByteArray) array = build_module (64);

    g_byte_array_set_size (array, 10);
    assert_invalid (array, MT_ERROR_INVALID_DATA);
    g_byte_array_set_size (array, 0);
    assert_invalid (array, MT_ERROR_INVALID_DATA);
  }
  {
    g_autoptr (GByteArray) array = build_module (64);

    g_byte_array_set_size (array, 40);
    assert_invalid (array, MT_ERROR_INVALID_DATA);
  }
}

static void
test_section_table_out_of_bounds (void)
{
  for (guint elf_class = 32; elf_class <= 64; elf_class += 32)
    {
      const Layout *l = elf_class == 64 ? &layout64 : &layout32;
      guint word = elf_class == 64 ? 8 : 4;
      g_autoptr (GByteArray) probe = build_module (elf_class);
      const guint64 offsets[] = {
        probe->len - 10,
        probe->len,
        probe->len + 1000,
        G_MAXUINT32 - 10,
        elf_class == 64 ? G_MAXUINT64 - 10 : G_MAXUINT32,
      };

      for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
        {
          g_autoptr (GByteArray) array = build_module (elf_class);

          g_test_message ("ELF%u, shoff %" G_GUINT64_FORMAT, elf_class, offsets[i]);
          put (array, l->shoff, offsets[i], word);
          assert_invalid (array, MT_ERROR_INVALID_DATA);
        }

      {
        g_autoptr (GByteArray) array = build_module (elf_class);

        /* the right size is the only one accepted */
        put (array, l->shentsize, l->shdr_size + 8, 2);
        assert_invalid (array, MT_ERROR_INVALID_DATA);
      }
      {
        g_autoptr (GByteArray) array = build_module (elf_class);

        /* counts sections but has no table */
        put (array, l->shoff, 0, word);
        assert_invalid (array, MT_ERROR_INVALID_DATA);
      }
      {
        g_autoptr (GByteArray) array = build_module (elf_class);
        g_autoptr (MtElf) elf = NULL;

        /* no sections at all is a valid (useless) file */
        put (array, l->shoff, 0, word);
        put (array, l->shnum, 0, 2);
        put (array, l->shstrndx, 0, 2);
        elf = parse (array, NULL);
        g_assert_nonnull (elf);
        g_assert_cmpuint (mt_elf_get_n_sections (elf), ==, 0);
        g_assert_null (mt_elf_get_section (elf, ".modinfo"));
      }
    }
}

static void
test_section_data_out_of_bounds (void)
{
  for (guint elf_class = 32; elf_class <= 64; elf_class += 32)
    {
      const Layout *l = elf_class == 64 ? &layout64 : &layout32;
      guint word = elf_class == 64 ? 8 : 4;
      guint64 max = elf_class == 64 ? G_MAXUINT64 : G_MAXUINT32;
      const struct
      {
        guint64 offset;
        guint64 size;
      } cases[] = {
        { 0, 0 },       /* placeholders replaced below */
        { 8, max },     /* offset + size overflows */
        { max, 1 },     /* offset past the end */
        { max - 2, 4 }, /* wraps around */
      };

      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autoptr (GByteArray) array = build_module (elf_class);
          gsize shoff = get (array, l->shoff, word);
          gsize modinfo_shdr = shoff + 2 * l->shdr_size; /* null, .text, .modinfo */

          if (i == 0)
            {
              /* one byte too many */
              put (array, modinfo_shdr + l->sh_size, array->len, word);
              put (array, modinfo_shdr + l->sh_offset, 1, word);
            }
          else
            {
              put (array, modinfo_shdr + l->sh_offset, cases[i].offset, word);
              put (array, modinfo_shdr + l->sh_size, cases[i].size, word);
            }
          assert_invalid (array, MT_ERROR_INVALID_DATA);
        }

      {
        g_autoptr (GByteArray) array = build_module (elf_class);
        gsize shoff = get (array, l->shoff, word);
        gsize bss_shdr = shoff + 3 * l->shdr_size;
        g_autoptr (MtElf) elf = NULL;

        /* SHT_NOBITS may claim any size and offset */
        put (array, bss_shdr + l->sh_offset, max, word);
        put (array, bss_shdr + l->sh_size, max, word);
        elf = parse (array, NULL);
        g_assert_nonnull (elf);
        g_assert_null (mt_elf_get_section (elf, ".bss"));
      }
      {
        g_autoptr (GByteArray) array = build_module (elf_class);
        gsize shoff = get (array, l->shoff, word);
        gsize text_shdr = shoff + l->shdr_size;
        g_autoptr (MtElf) elf = NULL;
        g_autoptr (GBytes) text = NULL;

        /* an empty section anywhere is harmless */
        put (array, text_shdr + l->sh_offset, max, word);
        put (array, text_shdr + l->sh_size, 0, word);
        elf = parse (array, NULL);
        g_assert_nonnull (elf);
        text = mt_elf_get_section (elf, ".text");
        g_assert_nonnull (text);
        g_assert_cmpuint (g_bytes_get_size (text), ==, 0);
      }
    }
}

static void
test_huge_counts (void)
{
  for (guint elf_class = 32; elf_class <= 64; elf_class += 32)
    {
      const Layout *l = elf_class == 64 ? &layout64 : &layout32;
      guint word = elf_class == 64 ? 8 : 4;
      const guint64 counts[] = {
        6, 0xfeff, 0xffff, 1ull << 20, 1ull << 32, elf_class == 64 ? G_MAXUINT64 : G_MAXUINT32
      };

      for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
        {
          g_autoptr (GByteArray) array = build_module (elf_class);
          gsize shoff = get (array, l->shoff, word);

          g_test_message ("ELF%u, %" G_GUINT64_FORMAT " sections", elf_class, counts[i]);
          if (counts[i] <= 0xffff)
            put (array, l->shnum, counts[i], 2);
          else
            {
              /* extended numbering: the count is in section 0 */
              put (array, l->shnum, 0, 2);
              put (array, shoff + l->sh_size, counts[i], word);
            }
          assert_invalid (array, MT_ERROR_INVALID_DATA);
        }

      {
        g_autoptr (GByteArray) array = build_module (elf_class);
        gsize shoff = get (array, l->shoff, word);
        g_autoptr (MtElf) elf = NULL;
        g_autoptr (GHashTable) modinfo = NULL;

        /* valid extended numbering: count and name table in section 0 */
        put (array, l->shnum, 0, 2);
        put (array, shoff + l->sh_size, 5, word);
        put (array, l->shstrndx, 0xffff, 2);
        put (array, shoff + l->sh_link, 4, 4);
        elf = parse (array, NULL);
        g_assert_nonnull (elf);
        g_assert_cmpuint (mt_elf_get_n_sections (elf), ==, 5);
        modinfo = mt_elf_dup_modinfo (elf, NULL);
        g_assert_cmpstr (mt_modinfo_lookup (modinfo, "name"), ==, "fake");
      }

      for (guint i = 0; i < 3; i++)
        {
          const guint strndx[] = { 5, 0xff00, 0xfffe };
          g_autoptr (GByteArray) array = build_module (elf_class);

          g_test_message ("ELF%u, name table %u", elf_class, strndx[i]);
          put (array, l->shstrndx, strndx[i], 2);
          assert_invalid (array, MT_ERROR_INVALID_DATA);
        }
      {
        g_autoptr (GByteArray) array = build_module (elf_class);
        gsize shoff = get (array, l->shoff, word);

        put (array, l->shstrndx, 0xffff, 2);
        put (array, shoff + l->sh_link, G_MAXUINT32, 4);
        assert_invalid (array, MT_ERROR_INVALID_DATA);
      }
      {
        g_autoptr (GByteArray) array = build_module (elf_class);

        /* the name table is .text, not a string table */
        put (array, l->shstrndx, 1, 2);
        assert_invalid (array, MT_ERROR_INVALID_DATA);
      }
    }
}

static void
test_bad_names (void)
{
  for (guint elf_class = 32; elf_class <= 64; elf_class += 32)
    {
      const Layout *l = elf_class == 64 ? &layout64 : &layout32;
      guint word = elf_class == 64 ? 8 : 4;

      {
        g_autoptr (GByteArray) array = build_module (elf_class);
        gsize shoff = get (array, l->shoff, word);

        /* a name offset past the table */
        put (array, shoff + l->shdr_size, 0x7fffffff, 4);
        assert_invalid (array, MT_ERROR_INVALID_DATA);
      }
      {
        g_autoptr (GByteArray) array = build_module (elf_class);
        gsize shoff = get (array, l->shoff, word);
        gsize strtab_shdr = shoff + 4 * l->shdr_size;
        guint64 strtab_size = get (array, strtab_shdr + l->sh_size, word);

        /* the table loses its last NUL: ".shstrtab" is not terminated */
        put (array, strtab_shdr + l->sh_size, strtab_size - 1, word);
        assert_invalid (array, MT_ERROR_INVALID_DATA);
      }
      {
        g_autoptr (GByteArray) array = build_module (elf_class);
        g_autoptr (MtElf) elf = NULL;

        /* no name table: sections have no names */
        put (array, l->shstrndx, 0, 2);
        elf = parse (array, NULL);
        g_assert_nonnull (elf);
        g_assert_null (mt_elf_get_section (elf, ".modinfo"));
      }
    }
}

static GByteArray *
sign (GByteArray *array, guint32 sig_len, guint8 id_type)
{
  guint8 info[12] = { 0 };
  guint32 be_len = GUINT32_TO_BE (sig_len);

  for (guint32 i = 0; i < sig_len && i < 300; i++)
    g_byte_array_append (array, (const guint8 *) "S", 1);
  info[2] = id_type;
  memcpy (info + 8, &be_len, 4);
  g_byte_array_append (array, info, sizeof info);
  g_byte_array_append (array, (const guint8 *) MT_MODULE_SIGNATURE_MARKER,
                       strlen (MT_MODULE_SIGNATURE_MARKER));

  return array;
}

static void
test_signature_trailer (void)
{
  {
    g_autoptr (GByteArray) array = sign (build_module (64), 300, 2);
    g_autoptr (GError) error = NULL;
    g_autoptr (MtElf) elf = parse (array, &error);

    g_assert_no_error (error);
    g_assert_true (mt_elf_is_signed (elf));
    g_assert_cmpuint (mt_elf_get_signature_size (elf), ==, 300);
  }

  /* the signature claims more bytes than the file has */
  {
    g_autoptr (GByteArray) array = build_module (64);
    guint32 too_long = GUINT32_TO_BE (array->len + 301);

    sign (array, 300, 2);
    memcpy (array->data + array->len - strlen (MT_MODULE_SIGNATURE_MARKER) - 4, &too_long, 4);
    assert_invalid (array, MT_ERROR_INVALID_DATA);
  }
  /* a zero length, a non-PKCS#7 type, stray header fields */
  {
    g_autoptr (GByteArray) array = sign (build_module (64), 0, 2);

    assert_invalid (array, MT_ERROR_INVALID_DATA);
  }
  {
    g_autoptr (GByteArray) array = sign (build_module (64), 300, 1);

    assert_invalid (array, MT_ERROR_NOT_SUPPORTED);
  }
  {
    g_autoptr (GByteArray) array = sign (build_module (64), 300, 2);

    array->data[array->len - strlen (MT_MODULE_SIGNATURE_MARKER) - 12] = 1; /* algo */
    assert_invalid (array, MT_ERROR_INVALID_DATA);
  }
  /* the marker alone, or with a cut header */
  for (gsize extra = 0; extra < 12; extra += 11)
    {
      g_autoptr (GByteArray) array = g_byte_array_new ();
      static const guint8 zeros[12] = { 0 };

      g_byte_array_append (array, zeros, extra);
      g_byte_array_append (array, (const guint8 *) MT_MODULE_SIGNATURE_MARKER,
                           strlen (MT_MODULE_SIGNATURE_MARKER));
      assert_invalid (array, MT_ERROR_INVALID_DATA);
    }
  /* a signature that leaves no ELF header */
  {
    g_autoptr (GByteArray) array = g_byte_array_new ();

    sign (array, 10, 2);
    assert_invalid (array, MT_ERROR_INVALID_DATA);
  }
}

static void
test_modinfo_parse (void)
{
  static const char text[] = "\0\0name=vmmon\0alias=a\0\0\0alias=b=c\0depends=\0vermagic=6.12.0 ";
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) modinfo = mt_modinfo_parse (text, sizeof text - 1, &error);
  GPtrArray *aliases;

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (modinfo), ==, 4);
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "name"), ==, "vmmon");
  aliases = g_hash_table_lookup (modinfo, "alias");
  g_assert_cmpuint (aliases->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (aliases, 0), ==, "a");
  g_assert_cmpstr (g_ptr_array_index (aliases, 1), ==, "b=c");
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "depends"), ==, "");
  /* the last entry has no NUL */
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "vermagic"), ==, "6.12.0 ");
  g_assert_null (mt_modinfo_lookup (modinfo, "license"));

  g_clear_pointer (&modinfo, g_hash_table_unref);
  modinfo = mt_modinfo_parse (NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (modinfo), ==, 0);

  /* modules.builtin.modinfo keys carry the module name */
  g_clear_pointer (&modinfo, g_hash_table_unref);
  modinfo = mt_modinfo_parse ("vsock.license=GPL v2\0vsock.version=1.0.2.0-k", 44, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mt_modinfo_lookup (modinfo, "vsock.version"), ==, "1.0.2.0-k");

  /* not UTF-8: repaired, never passed on */
  g_clear_pointer (&modinfo, g_hash_table_unref);
  modinfo = mt_modinfo_parse ("description=caf\xe9", 16, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (mt_modinfo_lookup (modinfo, "description"), -1, NULL));
}

static void
test_modinfo_errors (void)
{
  const struct
  {
    const char *data;
    gsize len;
  } cases[] = {
    { "name", 4 },       { "name=a\0=value", 13 },      { "name=a\0bad key=1", 16 },
    { "\xff\xfe=1", 4 }, { "key\nwith newline=1", 18 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GHashTable) modinfo = mt_modinfo_parse (cases[i].data, cases[i].len, &error);

      g_test_message ("case %u", i);
      g_assert_null (modinfo);
      g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
    }

  {
    g_autofree char *long_key = g_strnfill (200, 'k');
    g_autofree char *entry = g_strconcat (long_key, "=1", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (GHashTable) modinfo = mt_modinfo_parse (entry, strlen (entry), &error);

    g_assert_null (modinfo);
    g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  }
}

/* Random damage to real and built files: errors, never a crash (run under
 * ASan and UBSan in CI). */
static void
test_random_damage (void)
{
  g_autoptr (GBytes) real = read_fixture_module ("misc/vmmon.ko", NULL);
  g_autoptr (GByteArray) built = build_module (32);

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr (GByteArray) copy = g_byte_array_new ();
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (MtElf) elf = NULL;
      g_autoptr (GError) error = NULL;
      gsize len;
      const guint8 *src;

      if (round % 2 == 0)
        src = g_bytes_get_data (real, &len);
      else
        {
          src = built->data;
          len = built->len;
        }
      g_byte_array_append (copy, src, len);

      for (guint flips = g_test_rand_int_range (1, 8); flips > 0; flips--)
        {
          /* mostly in the headers, where damage matters */
          gsize at = g_test_rand_bit () ? (gsize) g_test_rand_int_range (0, 64)
                                        : (gsize) g_test_rand_int_range (0, copy->len);

          copy->data[at] = (guint8) g_test_rand_int_range (0, 256);
        }

      bytes = g_bytes_new (copy->data, copy->len);
      elf = mt_elf_new_from_bytes (bytes, &error);
      if (elf != NULL)
        {
          g_autoptr (GHashTable) modinfo = mt_elf_dup_modinfo (elf, NULL);
          g_autoptr (GBytes) text = mt_elf_get_section (elf, ".text");

          g_assert_no_error (error);
        }
      else
        g_assert_nonnull (error);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/elf/real-module", test_real_module);
  g_test_add_func ("/elf/signed-module", test_signed_module);
  g_test_add_func ("/elf/truncated", test_truncated);
  g_test_add_func ("/elf/elf32", test_elf32);
  g_test_add_func ("/elf/not-a-module", test_not_a_module);
  g_test_add_func ("/elf/wrong-ident", test_wrong_ident);
  g_test_add_func ("/elf/section-table-out-of-bounds", test_section_table_out_of_bounds);
  g_test_add_func ("/elf/section-data-out-of-bounds", test_section_data_out_of_bounds);
  g_test_add_func ("/elf/huge-counts", test_huge_counts);
  g_test_add_func ("/elf/bad-names", test_bad_names);
  g_test_add_func ("/elf/signature-trailer", test_signature_trailer);
  g_test_add_func ("/elf/modinfo-parse", test_modinfo_parse);
  g_test_add_func ("/elf/modinfo-errors", test_modinfo_errors);
  g_test_add_func ("/elf/random-damage", test_random_damage);

  return g_test_run ();
}
