/* mt-flag-evidence-objdump.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-flag-evidence-objdump"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-flag-evidence-private.h"

/* Running objdump on a module and summarizing what it prints, for
 * MtFlagEvidence. */

/* Limits on objdump's output: a real vmmon disassembles to a few
 * megabytes with lines below 200 characters and a few hundred distinct
 * mnemonics. */
#define MAX_LINE_LENGTH    4096
#define MAX_MNEMONIC_LEN   64
#define MAX_MNEMONICS      4096
#define MAX_SECTIONS       65536
#define MAX_OBJDUMP_OUTPUT (512 * 1024 * 1024)
#define MAX_OBJDUMP_ERRORS 4096

/* Where a mnemonic too many goes, once MAX_MNEMONICS are known. */
#define OTHER_MNEMONIC "(other)"

/* The parser of objdump's output.  One line at a time, never more than
 * MAX_LINE_LENGTH bytes of it kept: a longer line is counted as not
 * understood and skipped to its end. */

typedef enum
{
  PART_NONE,
  PART_SECTIONS,      /* after "Sections:", before the column header */
  PART_SECTIONS_GNU,  /* Idx Name Size VMA LMA File off Algn, then flags */
  PART_SECTIONS_LLVM, /* Idx Name Size VMA Type */
  PART_DISASSEMBLY,
} Part;

struct _MtDisassemblySummary
{
  GString *line;
  gboolean overlong;
  gboolean finished;
  Part part;

  /* a GNU section line, waiting for its flags line */
  gboolean pending;
  gboolean pending_is_text;
  guint64 pending_size;

  guint n_sections;
  gint64 text_size;
  guint64 exec_size;
  guint n_exec_sections;

  guint64 instructions;
  guint64 vector_instructions;
  guint64 unparsed_lines;
  GHashTable *mnemonics; /* (element-type utf8 guint64*) */
  GChecksum *code;
  char *code_sha256;
};

/* Prefixes objdump prints before the mnemonic, as separate words. */
static const char *const prefixes[] = {
  "lock",   "rep",    "repz",     "repnz",    "repe",  "repne",  "notrack", "bnd",
  "data16", "data32", "addr16",   "addr32",   "cs",    "ds",     "es",      "fs",
  "gs",     "ss",     "xacquire", "xrelease", "{vex}", "{vex3}", "{evex}",  "{rex}",
};

/**
 * mt_disassembly_summary_new:
 *
 * Returns: (transfer full): an empty summary, to feed with the output of
 *   `objdump -h -d -r --no-show-raw-insn` (GNU binutils or LLVM)
 */
MtDisassemblySummary *
mt_disassembly_summary_new (void)
{
  MtDisassemblySummary *self = g_new0 (MtDisassemblySummary, 1);

  self->line = g_string_sized_new (256);
  self->text_size = -1;
  self->mnemonics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->code = g_checksum_new (G_CHECKSUM_SHA256);

  return self;
}

void
mt_disassembly_summary_free (MtDisassemblySummary *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_hash_table_unref (self->mnemonics);
  g_clear_pointer (&self->code, g_checksum_free);
  g_free (self->code_sha256);
  g_free (self);
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t';
}

/* Splits @line at blanks into at most @max words; returns how many there
 * were, or max + 1 when there were more. */
static guint
split_words (const char *line, gsize len, const char **words, gsize *lens, guint max)
{
  guint n = 0;
  gsize i = 0;

  for (;;)
    {
      gsize start;

      while (i < len && is_space (line[i]))
        i++;
      if (i == len)
        return n;
      if (n == max)
        return max + 1;
      start = i;
      while (i < len && !is_space (line[i]))
        i++;
      words[n] = line + start;
      lens[n] = i - start;
      n++;
    }
}

static gboolean
is_hex (const char *word, gsize len)
{
  if (len == 0 || len > 16)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (word[i]))
      return FALSE;
  return TRUE;
}

static guint64
parse_hex (const char *word, gsize len)
{
  guint64 value = 0;

  for (gsize i = 0; i < len; i++)
    value = (value << 4) | (guint64) g_ascii_xdigit_value (word[i]);

  return value;
}

static gboolean
is_decimal (const char *word, gsize len)
{
  if (len == 0 || len > 9)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (word[i]))
      return FALSE;
  return TRUE;
}

static gboolean
word_equal (const char *word, gsize len, const char *literal)
{
  return strlen (literal) == len && memcmp (word, literal, len) == 0;
}

/* Hashes @line with its blanks collapsed, so that the hash covers what
 * objdump said and not how it aligned it. */
static void
hash_line (MtDisassemblySummary *self, const char *line, gsize len)
{
  gboolean first = TRUE;
  gsize i = 0;

  for (;;)
    {
      gsize start;

      while (i < len && is_space (line[i]))
        i++;
      if (i == len)
        break;
      start = i;
      while (i < len && !is_space (line[i]))
        i++;
      if (!first)
        g_checksum_update (self->code, (const guchar *) " ", 1);
      g_checksum_update (self->code, (const guchar *) line + start, i - start);
      first = FALSE;
    }
  g_checksum_update (self->code, (const guchar *) "\n", 1);
}

static void
add_exec_section (MtDisassemblySummary *self, guint64 size)
{
  self->n_exec_sections++;
  self->exec_size =
    self->exec_size + size >= self->exec_size ? self->exec_size + size : G_MAXUINT64;
}

static void
flush_pending_section (MtDisassemblySummary *self, gboolean executable)
{
  if (!self->pending)
    return;

  if (self->pending_is_text && self->text_size < 0)
    self->text_size = (gint64) MIN (self->pending_size, (guint64) G_MAXINT64);
  if (executable)
    add_exec_section (self, self->pending_size);
  self->pending = FALSE;
}

/* "                  CONTENTS, ALLOC, LOAD, RELOC, READONLY, CODE" */
static gboolean
parse_gnu_section_flags (MtDisassemblySummary *self, const char *line, gsize len)
{
  gboolean code = FALSE;
  gsize i = 0;

  for (;;)
    {
      gsize start;
      gsize end;

      while (i < len && is_space (line[i]))
        i++;
      if (i == len)
        break;
      start = i;
      while (i < len && !is_space (line[i]))
        i++;
      end = line[i - 1] == ',' ? i - 1 : i;
      if (end == start)
        return FALSE;
      for (gsize j = start; j < end; j++)
        if (!g_ascii_isupper (line[j]) && line[j] != '_')
          return FALSE;
      code |= word_equal (line + start, end - start, "CODE");
    }

  flush_pending_section (self, code);
  return TRUE;
}

/* "  1 .text         0000a2c1  0000000000000000  0000000000000000  00000070  2**4"
 * "                  CONTENTS, ALLOC, LOAD, RELOC, READONLY, CODE" */
static gboolean
parse_gnu_section_line (MtDisassemblySummary *self, const char *line, gsize len)
{
  const char *words[8];
  gsize lens[8];
  guint n = split_words (line, len, words, lens, G_N_ELEMENTS (words));

  if (n == 7 && is_decimal (words[0], lens[0]) && is_hex (words[2], lens[2]) &&
      is_hex (words[3], lens[3]) && is_hex (words[4], lens[4]) && is_hex (words[5], lens[5]))
    {
      flush_pending_section (self, FALSE);
      if (++self->n_sections > MAX_SECTIONS)
        return FALSE;
      self->pending = TRUE;
      self->pending_is_text = word_equal (words[1], lens[1], ".text");
      self->pending_size = parse_hex (words[2], lens[2]);
      return TRUE;
    }

  /* the flags of the section above */
  if (self->pending && is_space (line[0]))
    return parse_gnu_section_flags (self, line, len);

  return FALSE;
}

/* "  1 .text                  00000a3e 0000000000000000 TEXT"
 * "  0                        00000000 0000000000000000" */
static gboolean
parse_llvm_section_line (MtDisassemblySummary *self, const char *line, gsize len)
{
  const char *words[8];
  gsize lens[8];
  guint n = split_words (line, len, words, lens, G_N_ELEMENTS (words));
  gboolean executable = FALSE;
  guint64 size;

  if (n < 3 || n > G_N_ELEMENTS (words) || !is_decimal (words[0], lens[0]))
    return FALSE;

  if (n == 3)
    {
      /* the null section has no name */
      if (!is_hex (words[1], lens[1]) || !is_hex (words[2], lens[2]))
        return FALSE;
      return ++self->n_sections <= MAX_SECTIONS;
    }

  if (!is_hex (words[2], lens[2]) || !is_hex (words[3], lens[3]))
    return FALSE;
  for (guint i = 4; i < n; i++)
    {
      if (!word_equal (words[i], lens[i], "TEXT") && !word_equal (words[i], lens[i], "DATA") &&
          !word_equal (words[i], lens[i], "BSS") && !word_equal (words[i], lens[i], "DEBUG"))
        return FALSE;
      executable |= word_equal (words[i], lens[i], "TEXT");
    }

  if (++self->n_sections > MAX_SECTIONS)
    return FALSE;
  size = parse_hex (words[2], lens[2]);
  if (word_equal (words[1], lens[1], ".text") && self->text_size < 0)
    self->text_size = (gint64) MIN (size, (guint64) G_MAXINT64);
  if (executable)
    add_exec_section (self, size);

  return TRUE;
}

static gboolean
is_prefix (const char *word, gsize len)
{
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (word_equal (word, len, prefixes[i]))
      return TRUE;

  /* rex, rex.W, rex.WRXB */
  return len >= 3 && memcmp (word, "rex", 3) == 0 && (len == 3 || word[3] == '.');
}

static gboolean
is_mnemonic_word (const char *word, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (word[i]) && strchr ("._{}()", word[i]) == NULL)
      return FALSE;
  return len > 0;
}

/* xmm0 … zmm31, with or without AT&T's %, as a whole register name */
static gboolean
names_vector_register (const char *operands, gsize len)
{
  for (gsize i = 0; i + 4 <= len; i++)
    {
      if ((operands[i] != 'x' && operands[i] != 'y' && operands[i] != 'z') ||
          operands[i + 1] != 'm' || operands[i + 2] != 'm' || !g_ascii_isdigit (operands[i + 3]))
        continue;
      if (i > 0 && (g_ascii_isalnum (operands[i - 1]) || operands[i - 1] == '_'))
        continue;
      return TRUE;
    }

  return FALSE;
}

static void
count_mnemonic (MtDisassemblySummary *self, const char *mnemonic)
{
  guint64 *count = g_hash_table_lookup (self->mnemonics, mnemonic);

  if (count == NULL && g_hash_table_size (self->mnemonics) >= MAX_MNEMONICS)
    {
      mnemonic = OTHER_MNEMONIC;
      count = g_hash_table_lookup (self->mnemonics, mnemonic);
    }
  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (self->mnemonics, g_strdup (mnemonic), count);
    }
  (*count)++;
}

/* "push   %rbp", "lock cmpxchg %ecx,(%rdx)", "callq\t0x19 <f+0x9>" */
static gboolean
parse_instruction (MtDisassemblySummary *self, const char *text, gsize len)
{
  const char *words[8];
  gsize lens[8];
  guint n = split_words (text, len, words, lens, G_N_ELEMENTS (words));
  g_autoptr (GString) mnemonic = g_string_new (NULL);
  const char *operands;
  const char *end = text + len;
  guint used = 0;

  n = MIN (n, G_N_ELEMENTS (words));
  if (n == 0)
    return FALSE;

  /* the prefixes and the mnemonic; a prefix alone is its own instruction */
  while (used < n)
    {
      gboolean prefix = is_prefix (words[used], lens[used]);

      if (!is_mnemonic_word (words[used], lens[used]) ||
          mnemonic->len + 1 + lens[used] > MAX_MNEMONIC_LEN)
        return FALSE;
      if (mnemonic->len > 0)
        g_string_append_c (mnemonic, ' ');
      g_string_append_len (mnemonic, words[used], lens[used]);
      used++;
      if (!prefix)
        break;
    }

  /* the operands, without the symbol in <> and the comment after # */
  operands = words[used - 1] + lens[used - 1];
  for (const char *p = operands; p < end; p++)
    if (*p == '<' || *p == '#')
      {
        end = p;
        break;
      }

  count_mnemonic (self, mnemonic->str);
  self->instructions++;
  if (names_vector_register (operands, end - operands))
    self->vector_instructions++;

  return TRUE;
}

/* "  14:\tcall   19 <f+0x9>", "      14:      \tcallq\t0x19 <f+0x9>",
 * "\t\t\t15: R_X86_64_PLT32\t__fentry__-0x4",
 * "\t\t0000000000000015:  R_X86_64_PLT32\t__fentry__-0x4" */
static gboolean
parse_code_line (MtDisassemblySummary *self, const char *line, gsize len)
{
  gsize i = 0;
  gsize start;
  const char *rest;
  gsize rest_len;

  while (i < len && is_space (line[i]))
    i++;
  start = i;
  while (i < len && g_ascii_isxdigit (line[i]))
    i++;
  if (!is_hex (line + start, i - start) || i == len || line[i] != ':')
    return FALSE;
  i++;
  if (i == len || !is_space (line[i]))
    return FALSE;
  while (i < len && is_space (line[i]))
    i++;
  if (i == len)
    return FALSE; /* an address and nothing else: cut short */

  rest = line + i;
  rest_len = len - i;
  if (rest_len > 2 && rest[0] == 'R' && rest[1] == '_')
    {
      /* a relocation: part of the code's identity, not an instruction */
      hash_line (self, line + start, len - start);
      return TRUE;
    }

  if (!parse_instruction (self, rest, rest_len))
    return FALSE;
  hash_line (self, line + start, len - start);

  return TRUE;
}

/* "0000000000000010 <LinuxDriverTimer>:" */
static gboolean
is_symbol_line (const char *line, gsize len)
{
  const char *space = memchr (line, ' ', len);

  return space != NULL && is_hex (line, space - line) && len - (space - line) >= 4 &&
         space[1] == '<' && line[len - 2] == '>' && line[len - 1] == ':';
}

static gboolean
has_prefix (const char *line, gsize len, const char *prefix)
{
  gsize prefix_len = strlen (prefix);

  return len >= prefix_len && memcmp (line, prefix, prefix_len) == 0;
}

static gboolean
contains (const char *line, gsize len, const char *needle)
{
  gsize needle_len = strlen (needle);

  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (line + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_line (MtDisassemblySummary *self, const char *line, gsize len)
{
  gsize blank = 0;

  while (blank < len && is_space (line[blank]))
    blank++;
  if (blank == len)
    return TRUE;
  if (memchr (line, '\0', len) != NULL)
    return FALSE;

  /* "vmmon.ko:     file format elf64-x86-64": names the file, not hashed */
  if (contains (line, len, ":     file format ") || contains (line, len, ":\tfile format "))
    return TRUE;

  if (len == strlen ("Sections:") && has_prefix (line, len, "Sections:"))
    {
      self->part = PART_SECTIONS;
      return TRUE;
    }

  if (has_prefix (line, len, "Disassembly of section ") && line[len - 1] == ':')
    {
      flush_pending_section (self, FALSE);
      self->part = PART_DISASSEMBLY;
      hash_line (self, line, len);
      return TRUE;
    }

  switch (self->part)
    {
    case PART_SECTIONS:
      if (!has_prefix (line, len, "Idx Name"))
        return FALSE;
      if (contains (line, len, " LMA "))
        self->part = PART_SECTIONS_GNU;
      else if (contains (line, len, " Type"))
        self->part = PART_SECTIONS_LLVM;
      else
        return FALSE;
      return TRUE;

    case PART_SECTIONS_GNU:
      return parse_gnu_section_line (self, line, len);

    case PART_SECTIONS_LLVM:
      return parse_llvm_section_line (self, line, len);

    case PART_DISASSEMBLY:
      if (is_symbol_line (line, len))
        {
          hash_line (self, line, len);
          return TRUE;
        }
      /* GNU's mark for a run of zero bytes */
      if (len - blank == 3 && memcmp (line + blank, "...", 3) == 0)
        {
          hash_line (self, line, len);
          return TRUE;
        }
      return parse_code_line (self, line, len);

    case PART_NONE:
    default:
      return FALSE;
    }
}

static void
end_line (MtDisassemblySummary *self)
{
  if (self->overlong || !parse_line (self, self->line->str, self->line->len))
    self->unparsed_lines++;

  g_string_truncate (self->line, 0);
  self->overlong = FALSE;
}

/**
 * mt_disassembly_summary_feed:
 * @data: the next piece of objdump's output, cut anywhere
 *
 * Parses every line @data completes.  Lines longer than 4096 bytes, lines
 * with a NUL byte and lines that are not objdump's are counted as not
 * understood and skipped.
 */
void
mt_disassembly_summary_feed (MtDisassemblySummary *self, const char *data, gsize len)
{
  const char *p = data;
  const char *end = data + len;

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (!self->finished);

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *piece_end = nl != NULL ? nl : end;
      gsize piece = piece_end - p;

      if (!self->overlong)
        {
          if (self->line->len + piece > MAX_LINE_LENGTH)
            {
              self->overlong = TRUE;
              g_string_truncate (self->line, 0);
            }
          else
            g_string_append_len (self->line, p, piece);
        }

      if (nl == NULL)
        break;
      end_line (self);
      p = nl + 1;
    }
}

/**
 * mt_disassembly_summary_finish:
 *
 * Parses the last line, if it had no newline, and completes the summary.
 */
void
mt_disassembly_summary_finish (MtDisassemblySummary *self)
{
  g_return_if_fail (self != NULL);

  if (self->finished)
    return;

  if (self->line->len > 0 || self->overlong)
    end_line (self);
  flush_pending_section (self, FALSE);
  self->code_sha256 = g_strdup (g_checksum_get_string (self->code));
  g_clear_pointer (&self->code, g_checksum_free);
  self->finished = TRUE;
}

/**
 * mt_disassembly_summary_get_text_size:
 *
 * Returns: the size of the `.text` section, or -1 when there was none
 */
gint64
mt_disassembly_summary_get_text_size (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->text_size;
}

/**
 * mt_disassembly_summary_get_exec_size:
 *
 * Returns: the size of every executable section together (`CODE` in GNU
 *   objdump's section list, `TEXT` in LLVM's)
 */
guint64
mt_disassembly_summary_get_exec_size (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->exec_size;
}

guint
mt_disassembly_summary_get_n_exec_sections (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_exec_sections;
}

guint64
mt_disassembly_summary_get_instructions (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->instructions;
}

/**
 * mt_disassembly_summary_get_vector_instructions:
 *
 * Returns: how many instructions name an xmm, ymm or zmm register
 */
guint64
mt_disassembly_summary_get_vector_instructions (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->vector_instructions;
}

/**
 * mt_disassembly_summary_get_unparsed_lines:
 *
 * Returns: how many non-blank lines were not understood: too long, cut
 *   short, or not objdump's
 */
guint64
mt_disassembly_summary_get_unparsed_lines (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->unparsed_lines;
}

guint
mt_disassembly_summary_get_n_mnemonics (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->mnemonics);
}

/**
 * mt_disassembly_summary_get_mnemonic_count:
 * @mnemonic: as objdump prints it, with its prefixes (`mov`, `lock
 *   cmpxchg`, `rep stos`); `(other)` for those past the 4096th
 */
guint64
mt_disassembly_summary_get_mnemonic_count (MtDisassemblySummary *self, const char *mnemonic)
{
  guint64 *count;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (mnemonic != NULL, 0);

  count = g_hash_table_lookup (self->mnemonics, mnemonic);
  return count != NULL ? *count : 0;
}

/**
 * mt_disassembly_summary_get_code_sha256:
 *
 * Returns: (nullable): a SHA-256 over the section and symbol names, the
 *   instructions and the relocations, blanks collapsed; %NULL before
 *   mt_disassembly_summary_finish()
 */
const char *
mt_disassembly_summary_get_code_sha256 (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->code_sha256;
}

/* (element-type utf8 guint64*): every mnemonic and its count */
GHashTable *
_mt_disassembly_summary_get_mnemonics (MtDisassemblySummary *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->mnemonics;
}

/* The objdump of the kernel's toolchain, from the fixed PATH the builds
 * use: LLVM's for a kernel built with clang (of clang's version when the
 * compiler is named clang-N and llvm-objdump-N exists), else GNU's. */
/**
 * _mt_objdump_find:
 *
 * Returns: (transfer full): the path of the objdump to read the modules
 *   with
 */
char *
_mt_objdump_find (gboolean llvm, const char *compiler, GError **error)
{
  static const char *const dirs[] = { "/usr/bin", "/bin" };
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (llvm)
    {
      if (g_str_has_prefix (compiler, "clang-") && compiler[6] != '\0' &&
          strspn (compiler + 6, "0123456789") == strlen (compiler + 6))
        g_ptr_array_add (names, g_strdup_printf ("llvm-objdump-%s", compiler + 6));
      g_ptr_array_add (names, g_strdup ("llvm-objdump"));
    }
  else
    g_ptr_array_add (names, g_strdup ("objdump"));

  for (guint i = 0; i < names->len; i++)
    for (guint j = 0; j < G_N_ELEMENTS (dirs); j++)
      {
        g_autofree char *path = g_build_filename (dirs[j], g_ptr_array_index (names, i), NULL);

        if (g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
            g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
          return g_steal_pointer (&path);
      }

  if (llvm)
    g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                 _ ("llvm-objdump is not installed in /usr/bin: the kernel was built with LLVM, "
                    "so its modules are read with LLVM’s objdump; install LLVM’s tools (the "
                    "“llvm” package on Debian)"));
  else
    g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
                 _ ("objdump is not installed in /usr/bin; install GNU binutils (the “binutils” "
                    "package)"));
  return NULL;
}

/* The first line objdump wrote to its standard error, made printable. */
static char *
first_error_line (GString *errors)
{
  g_autofree char *valid = g_utf8_make_valid (errors->str, errors->len);
  g_auto (GStrv) lines = g_strsplit (valid, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        {
          for (char *p = lines[i]; *p != '\0'; p++)
            if ((guchar) *p < ' ')
              *p = ' ';
          return g_strdup (lines[i]);
        }
    }

  return g_strdup (_ ("no message"));
}

static void
stop_process (GSubprocess *process)
{
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

/* Reads objdump's standard output into @summary and its standard error
 * into @errors (the first 4 KiB of it) at the same time, so that neither
 * pipe can fill and stall it. */
static gboolean
read_objdump (GSubprocess *process,
              MtDisassemblySummary *summary,
              GString *errors,
              GCancellable *cancellable,
              GError **error)
{
  GInputStream *streams[2] = {
    g_subprocess_get_stdout_pipe (process),
    g_subprocess_get_stderr_pipe (process),
  };
  gboolean open[2] = { TRUE, TRUE };
  GPollFD cancel_fd = { -1, 0, 0 };
  gboolean have_cancel_fd =
    cancellable != NULL && g_cancellable_make_pollfd (cancellable, &cancel_fd);
  guint64 total = 0;
  gboolean ok = TRUE;

  while (ok && (open[0] || open[1]))
    {
      GPollFD fds[3];
      guint which[2];
      guint n = 0;

      for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
        if (open[i])
          {
            fds[n].fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (streams[i]));
            fds[n].events = G_IO_IN | G_IO_HUP | G_IO_ERR;
            fds[n].revents = 0;
            which[n++] = i;
          }
      if (have_cancel_fd)
        {
          cancel_fd.revents = 0;
          fds[n] = cancel_fd;
        }

      if (g_poll (fds, n + (have_cancel_fd ? 1 : 0), -1) < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _ ("Cannot read objdump’s output: %s"), g_strerror (saved_errno));
          ok = FALSE;
          break;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      for (guint k = 0; ok && k < n; k++)
        {
          char buffer[65536];
          gssize got;

          if (fds[k].revents == 0)
            continue;

          got = g_input_stream_read (streams[which[k]], buffer, sizeof buffer, NULL, error);
          if (got < 0)
            ok = FALSE;
          else if (got == 0)
            open[which[k]] = FALSE;
          else if (which[k] == 1)
            g_string_append_len (
              errors, buffer,
              MIN ((gsize) got, MAX_OBJDUMP_ERRORS - MIN (errors->len, MAX_OBJDUMP_ERRORS)));
          else if ((total += got) > MAX_OBJDUMP_OUTPUT)
            {
              g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                           _ ("objdump printed more than %u MiB; no module of VMware’s is that "
                              "large"),
                           MAX_OBJDUMP_OUTPUT / (1024 * 1024));
              ok = FALSE;
            }
          else
            mt_disassembly_summary_feed (summary, buffer, got);
        }
    }

  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);

  return ok;
}

/**
 * _mt_objdump_run:
 *
 * Runs `@objdump -h -d -r --no-show-raw-insn @path` from an argv with a
 * fixed environment and parses what it prints.
 *
 * Returns: (transfer full): the finished summary
 */
MtDisassemblySummary *
_mt_objdump_run (const char *objdump, const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (MtDisassemblySummary) summary = mt_disassembly_summary_new ();
  g_autoptr (GString) errors = g_string_new (NULL);
  g_autoptr (GSubprocess) process = NULL;
  const char *env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
  const char *argv[] = { objdump, "-h", "-d", "-r", "--no-show-raw-insn", path, NULL };

  /* a fixed environment, as for the build: nothing of the caller's */
  g_subprocess_launcher_set_environ (launcher, (char **) env);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return NULL;

  if (!read_objdump (process, summary, errors, cancellable, error))
    {
      stop_process (process);
      return NULL;
    }

  if (!g_subprocess_wait (process, cancellable, error))
    {
      stop_process (process);
      return NULL;
    }

  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_autofree char *message = first_error_line (errors);

      g_set_error (error, MT_ERROR, MT_ERROR_FAILED, _ ("%s could not read %s: %s"), objdump, path,
                   message);
      return NULL;
    }

  mt_disassembly_summary_finish (summary);

  if (summary->exec_size > 0 && summary->instructions == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s printed no instruction of %s, whose code is %" G_GUINT64_FORMAT
                      " bytes; its output is not in a form Modtune knows"),
                   objdump, path, summary->exec_size);
      return NULL;
    }

  return g_steal_pointer (&summary);
}
