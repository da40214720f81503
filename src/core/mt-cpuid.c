/* mt-cpuid.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cpuid"

#include "config.h"

#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define MT_HAVE_CPUID_INSN 1
#endif

#include <glib/gi18n-lib.h>

#include "mt-cpuid.h"
#include "mt-error.h"

/**
 * MtCpuid:
 *
 * The one way the core library asks the processor about itself: either the
 * real `CPUID` instruction, or a recorded dump in the format printed by
 * `cpuid -r` (Debian package `cpuid`), so that detection can be replayed on
 * the recordings of other machines.
 *
 * mt_cpuid_query() behaves the same for both: a leaf above the maximum of
 * its range (basic, hypervisor, extended) is reported as absent, and the
 * hypervisor range exists only when leaf 1 sets the hypervisor bit.
 */
struct _MtCpuid
{
  GObject parent_instance;

  char *source;
  /* (leaf << 32 | subleaf) -> MtCpuidRegs; NULL for the native instruction */
  GHashTable *leaves;
  /* leaf 1 ECX bit 31, asked once: -1 until then */
  int hypervisor_bit;
};

G_DEFINE_FINAL_TYPE (MtCpuid, mt_cpuid, G_TYPE_OBJECT)

/* Dumps hold at most a few hundred leaves; this bounds a hostile file. */
#define MT_CPUID_MAX_LEAVES 4096

static void
mt_cpuid_finalize (GObject *object)
{
  MtCpuid *self = (MtCpuid *) object;

  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->leaves, g_hash_table_unref);

  G_OBJECT_CLASS (mt_cpuid_parent_class)->finalize (object);
}

static void
mt_cpuid_class_init (MtCpuidClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_cpuid_finalize;
}

static void
mt_cpuid_init (MtCpuid *self)
{
  self->hypervisor_bit = -1;
}

/**
 * mt_cpuid_new_native:
 *
 * Returns: (transfer full): a source that runs the `CPUID` instruction, or
 *   %NULL on processors that have none
 */
MtCpuid *
mt_cpuid_new_native (GError **error)
{
#ifdef MT_HAVE_CPUID_INSN
  MtCpuid *self = g_object_new (MT_TYPE_CPUID, NULL);

  self->source = g_strdup ("CPUID instruction");

  return self;
#else
  g_set_error (error, MT_ERROR, MT_ERROR_NOT_SUPPORTED,
               _ ("This processor has no CPUID instruction"));
  return NULL;
#endif
}

static guint64
leaf_key (guint32 leaf, guint32 subleaf)
{
  return ((guint64) leaf << 32) | subleaf;
}

static gboolean
parse_hex32 (const char *str, const char *prefix, guint32 *out, const char **end)
{
  guint64 value;
  char *endptr = NULL;
  gsize plen = strlen (prefix);

  if (strncmp (str, prefix, plen) != 0)
    return FALSE;
  str += plen;

  if (!g_ascii_isxdigit (*str))
    return FALSE;

  value = g_ascii_strtoull (str, &endptr, 16);
  if (endptr == str || value > G_MAXUINT32)
    return FALSE;

  *out = (guint32) value;
  *end = endptr;

  return TRUE;
}

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* "   0x00000007 0x00: eax=0x00000001 ebx=0xf1bf07ab ecx=0x00405fc6 edx=0x00000010" */
static gboolean
parse_leaf_line (const char *line, guint32 *leaf, guint32 *subleaf, MtCpuidRegs *regs)
{
  const char *p = skip_spaces (line);

  if (!parse_hex32 (p, "0x", leaf, &p))
    return FALSE;
  p = skip_spaces (p);
  if (!parse_hex32 (p, "0x", subleaf, &p))
    return FALSE;
  if (*p++ != ':')
    return FALSE;
  p = skip_spaces (p);
  if (!parse_hex32 (p, "eax=0x", &regs->eax, &p))
    return FALSE;
  p = skip_spaces (p);
  if (!parse_hex32 (p, "ebx=0x", &regs->ebx, &p))
    return FALSE;
  p = skip_spaces (p);
  if (!parse_hex32 (p, "ecx=0x", &regs->ecx, &p))
    return FALSE;
  p = skip_spaces (p);
  if (!parse_hex32 (p, "edx=0x", &regs->edx, &p))
    return FALSE;
  p = skip_spaces (p);

  return *p == '\0' || *p == '\r';
}

/**
 * mt_cpuid_new_from_data:
 * @text: a dump as printed by `cpuid -r` (all CPUs or `-1`)
 * @source: (nullable): where the dump came from, for evidence
 *
 * Reads the leaves of the first CPU in @text.
 *
 * Returns: (transfer full): a source that answers from the dump
 */
MtCpuid *
mt_cpuid_new_from_data (const char *text, const char *source, GError **error)
{
  g_autoptr (MtCpuid) self = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean in_first_cpu = FALSE;
  gboolean seen_cpu = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  self = g_object_new (MT_TYPE_CPUID, NULL);
  self->source = g_strdup (source != NULL ? source : "CPUID dump");
  self->leaves = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *p = skip_spaces (line);
      MtCpuidRegs regs;
      guint32 leaf, subleaf;
      guint64 *key;

      if (*p == '\0' || *p == '\r')
        continue;

      /* "CPU:" (cpuid -r -1) or "CPU 3:" */
      if (g_str_has_prefix (p, "CPU"))
        {
          if (seen_cpu)
            {
              in_first_cpu = FALSE;
              break;
            }
          seen_cpu = TRUE;
          in_first_cpu = TRUE;
          continue;
        }

      if (!parse_leaf_line (line, &leaf, &subleaf, &regs))
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s, line %u: not a line of “cpuid -r” output"), self->source, i + 1);
          return NULL;
        }

      if (!in_first_cpu)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s, line %u: a leaf before the first “CPU” header"), self->source,
                       i + 1);
          return NULL;
        }

      if (g_hash_table_size (self->leaves) >= MT_CPUID_MAX_LEAVES)
        {
          g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                       _ ("%s has more than %u leaves per CPU"), self->source, MT_CPUID_MAX_LEAVES);
          return NULL;
        }

      key = g_new (guint64, 1);
      *key = leaf_key (leaf, subleaf);
      g_hash_table_replace (self->leaves, key, g_memdup2 (&regs, sizeof regs));
    }

  if (g_hash_table_size (self->leaves) == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s holds no CPUID leaves; record one with “cpuid -r -1”"), self->source);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * mt_cpuid_new_from_file:
 * @path: a file holding the output of `cpuid -r`
 *
 * Returns: (transfer full): a source that answers from the dump
 */
MtCpuid *
mt_cpuid_new_from_file (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, _ ("Cannot read the CPUID dump: %s"),
                   local_error->message);
      return NULL;
    }

  return mt_cpuid_new_from_data (text, path, error);
}

/**
 * mt_cpuid_new_for_sysroot:
 * @sysroot: the tree being detected
 * @dump_path: (nullable): a `cpuid -r` dump to use instead of the processor
 *
 * Chooses where CPUID answers come from: the dump when one is given, the
 * real instruction when @sysroot is the running machine, and nothing when
 * @sysroot is a recorded tree (its processor is not this one).
 *
 * Returns: (transfer full) (nullable): the source, or %NULL with @error
 *   unset when there is none to use
 */
MtCpuid *
mt_cpuid_new_for_sysroot (MtSysroot *sysroot, const char *dump_path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  MtCpuid *cpuid;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);

  if (dump_path != NULL)
    return mt_cpuid_new_from_file (dump_path, error);

  if (!mt_sysroot_is_host (sysroot))
    return NULL;

  /* No instruction on this architecture is not an error: /proc/cpuinfo
   * still answers. */
  cpuid = mt_cpuid_new_native (&local_error);
  if (cpuid == NULL)
    g_debug ("%s", local_error->message);

  return cpuid;
}

const char *
mt_cpuid_get_source (MtCpuid *self)
{
  g_return_val_if_fail (MT_IS_CPUID (self), NULL);

  return self->source;
}

static gboolean
raw_query (MtCpuid *self, guint32 leaf, guint32 subleaf, MtCpuidRegs *regs)
{
  if (self->leaves != NULL)
    {
      guint64 key = leaf_key (leaf, subleaf);
      const MtCpuidRegs *found = g_hash_table_lookup (self->leaves, &key);

      /* cpuid -r prints only sub-leaf 0 of leaves that ignore ECX */
      if (found == NULL && subleaf != 0)
        {
          key = leaf_key (leaf, 0);
          found = g_hash_table_lookup (self->leaves, &key);
          if (found != NULL &&
              g_hash_table_contains (self->leaves, &(guint64) { leaf_key (leaf, 1) }))
            found = NULL; /* an indexed leaf: the sub-leaf really is absent */
        }

      if (found == NULL)
        return FALSE;

      *regs = *found;
      return TRUE;
    }

#ifdef MT_HAVE_CPUID_INSN
  __cpuid_count (leaf, subleaf, regs->eax, regs->ebx, regs->ecx, regs->edx);
  return TRUE;
#else
  return FALSE;
#endif
}

/**
 * mt_cpuid_query:
 * @leaf: the leaf (EAX)
 * @subleaf: the sub-leaf (ECX)
 * @regs: (out caller-allocates): the registers
 *
 * Returns: %TRUE if the leaf exists on this processor (or in this dump)
 */
gboolean
mt_cpuid_query (MtCpuid *self, guint32 leaf, guint32 subleaf, MtCpuidRegs *regs)
{
  MtCpuidRegs range;
  guint32 base;

  g_return_val_if_fail (MT_IS_CPUID (self), FALSE);
  g_return_val_if_fail (regs != NULL, FALSE);

  memset (regs, 0, sizeof *regs);

  if (leaf < 0x40000000)
    base = 0;
  else if (leaf < 0x80000000)
    base = leaf & 0xffffff00; /* each hypervisor interface has a block of 0x100 leaves */
  else
    base = 0x80000000;

  if (base >= 0x40000000 && base < 0x80000000)
    {
      /* The hypervisor range exists only under a hypervisor.  Detection
       * scans that range leaf by leaf: ask leaf 1 once. */
      if (self->hypervisor_bit < 0)
        {
          MtCpuidRegs l1;

          self->hypervisor_bit = raw_query (self, 1, 0, &l1) && (l1.ecx & (1u << 31)) != 0;
        }
      if (!self->hypervisor_bit)
        return FALSE;
    }

  if (!raw_query (self, base, 0, &range))
    return FALSE;

  if (leaf == base)
    {
      *regs = range;
      return TRUE;
    }

  /* Out of range; the hypervisor range reports 0 for "up to 0x40000001". */
  if (leaf > range.eax &&
      !(base >= 0x40000000 && base < 0x80000000 && range.eax == 0 && leaf == base + 1))
    return FALSE;

  return raw_query (self, leaf, subleaf, regs);
}
