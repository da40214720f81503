/* test-flag-evidence.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "mt-error.h"
#include "mt-flag-evidence.h"
#include "mt-test-util.h"

static char *
load_objdump_fixture (const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename (g_getenv ("MT_TEST_SRCDIR"), "objdump", name, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, len, &error);
  g_assert_no_error (error);

  return text;
}

static MtDisassemblySummary *
summarize (const char *text, gssize len)
{
  MtDisassemblySummary *summary = mt_disassembly_summary_new ();

  mt_disassembly_summary_feed (summary, text, len < 0 ? strlen (text) : (gsize) len);
  mt_disassembly_summary_finish (summary);

  return summary;
}

/* The same text cut into pieces of @step bytes. */
static MtDisassemblySummary *
summarize_in_pieces (const char *text, gsize len, gsize step)
{
  MtDisassemblySummary *summary = mt_disassembly_summary_new ();

  for (gsize i = 0; i < len; i += step)
    mt_disassembly_summary_feed (summary, text + i, MIN (step, len - i));
  mt_disassembly_summary_finish (summary);

  return summary;
}

/* Real output of GNU objdump 2.44 for the fixture vmmon.ko built for
 * Debian's 6.12 kernel (tests/core/objdump/README.md); the expected
 * numbers were counted with grep, uniq and the section list. */
static void
test_gnu (void)
{
  gsize len;
  g_autofree char *text = load_objdump_fixture ("vmmon-gnu.txt", &len);
  g_autoptr (MtDisassemblySummary) summary = summarize (text, len);
  g_autoptr (MtDisassemblySummary) bytewise = summarize_in_pieces (text, len, 1);
  g_autoptr (MtDisassemblySummary) chunked = summarize_in_pieces (text, len, 4093);

  g_assert_cmpint (mt_disassembly_summary_get_text_size (summary), ==, 0x326);
  /* .text and .altinstr_replacement */
  g_assert_cmpuint (mt_disassembly_summary_get_n_exec_sections (summary), ==, 2);
  g_assert_cmpuint (mt_disassembly_summary_get_exec_size (summary), ==, 0x326 + 0x12);
  g_assert_cmpuint (mt_disassembly_summary_get_instructions (summary), ==, 326);
  g_assert_cmpuint (mt_disassembly_summary_get_vector_instructions (summary), ==, 0);
  g_assert_cmpuint (mt_disassembly_summary_get_unparsed_lines (summary), ==, 0);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "nop"), ==, 179);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "mov"), ==, 32);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "call"), ==, 21);
  /* prefixes stay with their mnemonic */
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "cs nopw"), ==, 3);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "data16 cs nopw"), ==, 1);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "cs"), ==, 0);
  /* relocations are not instructions */
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "R_X86_64_PLT32"), ==, 0);
  g_assert_nonnull (mt_disassembly_summary_get_code_sha256 (summary));

  /* wherever the pipe cuts the output */
  g_assert_cmpstr (mt_disassembly_summary_get_code_sha256 (bytewise), ==,
                   mt_disassembly_summary_get_code_sha256 (summary));
  g_assert_cmpstr (mt_disassembly_summary_get_code_sha256 (chunked), ==,
                   mt_disassembly_summary_get_code_sha256 (summary));
  g_assert_cmpuint (mt_disassembly_summary_get_instructions (bytewise), ==, 326);
  g_assert_cmpuint (mt_disassembly_summary_get_exec_size (chunked), ==, 0x326 + 0x12);
  g_assert_cmpuint (mt_disassembly_summary_get_n_mnemonics (chunked), ==,
                    mt_disassembly_summary_get_n_mnemonics (summary));
}

/* llvm-objdump 19 on the same module: other columns, other names
 * (movq, callq), TEXT for executable sections. */
static void
test_llvm (void)
{
  gsize len;
  g_autofree char *text = load_objdump_fixture ("vmmon-llvm.txt", &len);
  g_autoptr (MtDisassemblySummary) summary = summarize (text, len);
  g_autoptr (MtDisassemblySummary) bytewise = summarize_in_pieces (text, len, 1);

  g_assert_cmpint (mt_disassembly_summary_get_text_size (summary), ==, 0x326);
  g_assert_cmpuint (mt_disassembly_summary_get_n_exec_sections (summary), ==, 2);
  g_assert_cmpuint (mt_disassembly_summary_get_exec_size (summary), ==, 0x326 + 0x12);
  g_assert_cmpuint (mt_disassembly_summary_get_instructions (summary), ==, 326);
  g_assert_cmpuint (mt_disassembly_summary_get_vector_instructions (summary), ==, 0);
  g_assert_cmpuint (mt_disassembly_summary_get_unparsed_lines (summary), ==, 0);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "nop"), ==, 181);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "movq"), ==, 21);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "callq"), ==, 21);
  g_assert_cmpstr (mt_disassembly_summary_get_code_sha256 (bytewise), ==,
                   mt_disassembly_summary_get_code_sha256 (summary));
}

/* The code's hash covers the instructions and relocations, not the file's
 * name nor the alignment of the columns. */
static void
test_code_hash (void)
{
  gsize len;
  g_autofree char *text = load_objdump_fixture ("vmmon-gnu.txt", &len);
  g_autoptr (MtDisassemblySummary) original = summarize (text, len);
  g_autoptr (GString) renamed = g_string_new_len (text, len);
  g_autoptr (GString) realigned = g_string_new_len (text, len);
  g_autoptr (GString) operand = g_string_new_len (text, len);
  g_autoptr (GString) relocation = g_string_new_len (text, len);
  g_autoptr (MtDisassemblySummary) s_renamed = NULL;
  g_autoptr (MtDisassemblySummary) s_realigned = NULL;
  g_autoptr (MtDisassemblySummary) s_operand = NULL;
  g_autoptr (MtDisassemblySummary) s_relocation = NULL;

  g_assert_cmpuint (g_string_replace (renamed, "vmmon.ko:", "/some/other/dir/vmmon.ko:", 1), ==, 1);
  g_assert_cmpuint (g_string_replace (realigned, ":\t", ":        \t", 0), >, 300);
  g_assert_cmpuint (g_string_replace (operand, "cmp    $0x7d1,%esi", "cmp    $0x7d2,%esi", 1), ==,
                    1);
  g_assert_cmpuint (g_string_replace (relocation, "__fentry__-0x4", "__fentry__-0x8", 1), ==, 1);

  s_renamed = summarize (renamed->str, renamed->len);
  s_realigned = summarize (realigned->str, realigned->len);
  s_operand = summarize (operand->str, operand->len);
  s_relocation = summarize (relocation->str, relocation->len);

  g_assert_cmpstr (mt_disassembly_summary_get_code_sha256 (s_renamed), ==,
                   mt_disassembly_summary_get_code_sha256 (original));
  g_assert_cmpstr (mt_disassembly_summary_get_code_sha256 (s_realigned), ==,
                   mt_disassembly_summary_get_code_sha256 (original));
  g_assert_cmpstr (mt_disassembly_summary_get_code_sha256 (s_operand), !=,
                   mt_disassembly_summary_get_code_sha256 (original));
  g_assert_cmpstr (mt_disassembly_summary_get_code_sha256 (s_relocation), !=,
                   mt_disassembly_summary_get_code_sha256 (original));
  /* same mnemonics, as many of each */
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (s_operand, "cmp"), ==,
                    mt_disassembly_summary_get_mnemonic_count (original, "cmp"));
}

/* xmm, ymm and zmm registers in the operands count; in a symbol name or
 * a comment they do not. */
static void
test_vector_registers (void)
{
  const char *text = "\n"
                     "Disassembly of section .text:\n"
                     "\n"
                     "0000000000000000 <f>:\n"
                     "   0:\tmovaps %xmm0,%xmm1\n"
                     "   3:\tvpaddd %ymm2,%ymm3,%ymm4\n"
                     "   7:\tvmovdqu64 (%rdi),%zmm31{%k1}\n"
                     "   e:\tcall   13 <kernel_fpu_xmm0_save+0x3>\n"
                     "  13:\tmov    0x0(%rip),%rax        # 1a <xmm1_table>\n"
                     "  1a:\tmov    %rax,%rxmm0\n"
                     "      1e:      \tvmovaps\t%xmm0, %xmm1\n"
                     "  22:\tlock cmpxchg %ecx,(%rdx)\n"
                     "  26:\trep stos %rax,%es:(%rdi)\n"
                     "  29:\trex.W\n"
                     "  2a:\t(bad)\n";
  g_autoptr (MtDisassemblySummary) summary = summarize (text, -1);

  g_assert_cmpuint (mt_disassembly_summary_get_instructions (summary), ==, 11);
  g_assert_cmpuint (mt_disassembly_summary_get_vector_instructions (summary), ==, 4);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "vmovaps"), ==, 1);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "lock cmpxchg"), ==, 1);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "rep stos"), ==, 1);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "rex.W"), ==, 1);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "(bad)"), ==, 1);
  g_assert_cmpuint (mt_disassembly_summary_get_unparsed_lines (summary), ==, 0);
  /* no section list: no size known */
  g_assert_cmpint (mt_disassembly_summary_get_text_size (summary), ==, -1);
  g_assert_cmpuint (mt_disassembly_summary_get_exec_size (summary), ==, 0);
}

/* Cut short, overlong, binary and foreign lines are counted, skipped, and
 * do not disturb the lines after them. */
static void
test_hostile (void)
{
  g_autoptr (MtDisassemblySummary) summary = mt_disassembly_summary_new ();
  g_autoptr (GString) huge = g_string_new ("   0:\tmov    ");
  const char *head = "Sections:\n"
                     "Idx Name          Size      VMA               LMA               File off  "
                     "Algn\n"
                     "  0 .text         00000010  0000000000000000  0000000000000000  00000040  "
                     "2**4\n"
                     "                  CONTENTS, ALLOC, LOAD, READONLY, CODE\n"
                     /* a size of 18 hex digits */
                     "  1 .init.text    100000000000000000  0000000000000000  0000000000000000  "
                     "00000040  2**4\n"
                     "                  CONTENTS, ALLOC, LOAD, READONLY, CODE\n"
                     /* cut in the middle */
                     "  2 .exit.text    0000\n"
                     "                  CONTENTS, ALLOC, LOAD, READONLY, CODE\n"
                     /* lower case flags are not GNU's */
                     "  3 .noinstr.text 00000004  0000000000000000  0000000000000000  00000040  "
                     "2**4\n"
                     "                  contents, code\n"
                     "\n"
                     "Disassembly of section .text:\n"
                     "\n"
                     "0000000000000000 <f>:\n"
                     "   0:\n"
                     "   1:\t\n"
                     "   2\tnop\n"
                     "zz:\tnop\n"
                     "   3:\tno%p\n"
                     "   4:\tnop\n";
  const char *nul = "   5:\tn\0p\n";
  const char *tail = "   6:\tret\n"
                     "objdump: warning: something\n"
                     "  10:\tmov    %eax,%ebx";

  mt_disassembly_summary_feed (summary, head, strlen (head));
  mt_disassembly_summary_feed (summary, nul, 10);
  /* 1 MiB in one line, fed in pieces */
  while (huge->len < 1024 * 1024)
    g_string_append (huge, "%xmm0,");
  for (gsize i = 0; i < huge->len; i += 65536)
    mt_disassembly_summary_feed (summary, huge->str + i, MIN (65536, huge->len - i));
  mt_disassembly_summary_feed (summary, "\n", 1);
  /* the last line has no newline */
  mt_disassembly_summary_feed (summary, tail, strlen (tail));
  mt_disassembly_summary_finish (summary);

  /* nop at 4, ret at 6, the last mov */
  g_assert_cmpuint (mt_disassembly_summary_get_instructions (summary), ==, 3);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "nop"), ==, 1);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "mov"), ==, 1);
  g_assert_cmpuint (mt_disassembly_summary_get_vector_instructions (summary), ==, 0);
  /* .init.text (18 digits) and .exit.text (cut), each with the flags line
   * that no longer has a section, and the lower-case flags; five
   * instruction lines; the NUL, the huge line and objdump's warning */
  g_assert_cmpuint (mt_disassembly_summary_get_unparsed_lines (summary), ==, 5 + 5 + 3);
  g_assert_cmpint (mt_disassembly_summary_get_text_size (summary), ==, 16);
  g_assert_cmpuint (mt_disassembly_summary_get_exec_size (summary), ==, 16);
  g_assert_cmpuint (mt_disassembly_summary_get_n_exec_sections (summary), ==, 1);
}

/* More distinct mnemonics than any x86 has: the table stays bounded. */
static void
test_too_many_mnemonics (void)
{
  g_autoptr (MtDisassemblySummary) summary = mt_disassembly_summary_new ();
  const char *header = "Disassembly of section .text:\n";

  mt_disassembly_summary_feed (summary, header, strlen (header));
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *line = g_strdup_printf ("%x:\top%u %%eax\n", i, i);

      mt_disassembly_summary_feed (summary, line, strlen (line));
    }
  mt_disassembly_summary_finish (summary);

  g_assert_cmpuint (mt_disassembly_summary_get_instructions (summary), ==, 5000);
  g_assert_cmpuint (mt_disassembly_summary_get_n_mnemonics (summary), ==, 4096 + 1);
  g_assert_cmpuint (mt_disassembly_summary_get_mnemonic_count (summary, "(other)"), ==,
                    5000 - 4096);
}

static void
write_manifest (const char *dir, const char *kernel, const char *vmmon_source)
{
  g_autofree char *json = g_strdup_printf (
    "{\"kernel_release\": \"%s\", \"kernel_build_dir\": \"/k\", \"compiler\": \"gcc-14\","
    " \"llvm\": false, \"flags\": [\"kernel-compiler\"],"
    " \"sources\": {\"vmmon\": {\"path\": \"/s/vmmon.tar\", \"sha256\": \"%s\"},"
    "  \"vmnet\": {\"path\": \"/s/vmnet.tar\", \"sha256\": \"%064d\"}},"
    " \"outputs\": {\"vmmon\": {\"sha256\": \"%064d\"}, \"vmnet\": {\"sha256\": \"%064d\"}}}",
    kernel, vmmon_source, 2, 3, 4);

  mt_test_tree_write (dir, "manifest.json", json, -1);
}

/* Builds that cannot be compared are refused before objdump runs. */
static void
test_refused (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *vanilla = g_build_filename (tree, "vanilla", NULL);
  g_autofree char *flagged = g_build_filename (tree, "flagged", NULL);
  g_autofree char *missing = g_build_filename (tree, "missing", NULL);
  g_autofree char *source = g_strdup_printf ("%064d", 1);
  g_autofree char *other_source = g_strdup_printf ("%064d", 5);
  g_autoptr (MtFlagEvidence) evidence = NULL;
  g_autoptr (GError) error = NULL;

  write_manifest (vanilla, "6.12.1", source);

  evidence = mt_flag_evidence_new (vanilla, missing, NULL, NULL, &error);
  g_assert_null (evidence);
  g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  mt_test_tree_write (flagged, "manifest.json", "{\"kernel_release\": ", -1);
  evidence = mt_flag_evidence_new (vanilla, flagged, NULL, NULL, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_clear_error (&error);

  mt_test_tree_write (flagged, "manifest.json", "{\"kernel_release\": \"6.12.1\"}", -1);
  evidence = mt_flag_evidence_new (vanilla, flagged, NULL, NULL, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "compiler"));
  g_clear_error (&error);

  write_manifest (flagged, "7.3.4", source);
  evidence = mt_flag_evidence_new (vanilla, flagged, NULL, NULL, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "kernel_release"));
  g_clear_error (&error);

  write_manifest (flagged, "6.12.1", other_source);
  evidence = mt_flag_evidence_new (vanilla, flagged, NULL, NULL, &error);
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "vmmon"));
  g_clear_error (&error);

  /* comparable, but the modules are not there */
  write_manifest (flagged, "6.12.1", source);
  evidence = mt_flag_evidence_new (vanilla, flagged, NULL, NULL, &error);
  g_assert_null (evidence);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "vmmon.ko"));

  mt_test_tree_free (g_steal_pointer (&tree));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/flag-evidence/objdump/gnu", test_gnu);
  g_test_add_func ("/flag-evidence/objdump/llvm", test_llvm);
  g_test_add_func ("/flag-evidence/objdump/code-hash", test_code_hash);
  g_test_add_func ("/flag-evidence/objdump/vector-registers", test_vector_registers);
  g_test_add_func ("/flag-evidence/objdump/hostile", test_hostile);
  g_test_add_func ("/flag-evidence/objdump/too-many-mnemonics", test_too_many_mnemonics);
  g_test_add_func ("/flag-evidence/refused", test_refused);

  return g_test_run ();
}
