/* mt-cpu-info.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cpu-info"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-cpu-info.h"
#include "mt-error.h"

/**
 * MtCpuInfo:
 *
 * The processor: vendor, family/model/stepping, model name, logical CPU
 * count and feature flags, each fact with the evidence it came from
 * (`/proc/cpuinfo` or a CPUID leaf).
 */
struct _MtCpuInfo
{
  GObject parent_instance;

  char *vendor_id;
  char *model_name;
  int family;
  int model;
  int stepping;
  guint logical_cpus;
  GStrv flags;
  GStrv vmx_flags;
  GHashTable *flag_set;
  GHashTable *evidence;
};

G_DEFINE_FINAL_TYPE (MtCpuInfo, mt_cpu_info, G_TYPE_OBJECT)

#define CPUINFO_PATH "/proc/cpuinfo"
#define ONLINE_PATH  "/sys/devices/system/cpu/online"

static void
mt_cpu_info_finalize (GObject *object)
{
  MtCpuInfo *self = (MtCpuInfo *) object;

  g_clear_pointer (&self->vendor_id, g_free);
  g_clear_pointer (&self->model_name, g_free);
  g_clear_pointer (&self->flags, g_strfreev);
  g_clear_pointer (&self->vmx_flags, g_strfreev);
  g_clear_pointer (&self->flag_set, g_hash_table_unref);
  g_clear_pointer (&self->evidence, g_hash_table_unref);

  G_OBJECT_CLASS (mt_cpu_info_parent_class)->finalize (object);
}

static void
mt_cpu_info_class_init (MtCpuInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_cpu_info_finalize;
}

static void
mt_cpu_info_init (MtCpuInfo *self)
{
  self->family = -1;
  self->model = -1;
  self->stepping = -1;
  self->flag_set = g_hash_table_new (g_str_hash, g_str_equal);
  self->evidence = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

static void set_evidence (MtCpuInfo *self, const char *fact, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

static void
set_evidence (MtCpuInfo *self, const char *fact, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_hash_table_replace (self->evidence, (gpointer) fact, g_strdup_vprintf (format, args));
  va_end (args);
}

static int
parse_int (const char *value)
{
  gint64 n;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 0, G_MAXINT, &n, NULL))
    return -1;

  return (int) n;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static GStrv
split_flags (const char *value)
{
  g_auto (GStrv) words = g_strsplit_set (value, " \t", -1);
  g_autoptr (GPtrArray) flags = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0' && g_hash_table_add (seen, words[i]))
      g_ptr_array_add (flags, g_strdup (words[i]));

  g_ptr_array_sort (flags, compare_strings);
  g_ptr_array_add (flags, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&flags), FALSE);
}

static void
set_flags (MtCpuInfo *self, const char *value)
{
  g_strfreev (self->flags);
  self->flags = split_flags (value);

  g_hash_table_remove_all (self->flag_set);
  for (guint i = 0; self->flags[i] != NULL; i++)
    g_hash_table_add (self->flag_set, self->flags[i]);
}

/* Parses the first processor block fully and counts the "processor" lines. */
static void
parse_cpuinfo (MtCpuInfo *self, const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean first_block = TRUE;
  gboolean seen_processor = FALSE;
  int processors_line = -1;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      const char *colon;
      const char *value;

      colon = strchr (lines[i], ':');
      if (colon == NULL)
        {
          if (seen_processor && *g_strstrip (lines[i]) == '\0')
            first_block = FALSE;
          continue;
        }

      key = g_strstrip (g_strndup (lines[i], colon - lines[i]));
      value = colon + 1;
      while (*value == ' ' || *value == '\t')
        value++;

      if (g_str_equal (key, "processor"))
        {
          self->logical_cpus++;
          seen_processor = TRUE;
          continue;
        }

      /* s390x: "# processors    : 4" */
      if (g_str_equal (key, "# processors"))
        {
          processors_line = parse_int (value);
          continue;
        }

      if (!first_block)
        continue;

      if (g_str_equal (key, "vendor_id") && self->vendor_id == NULL)
        {
          self->vendor_id = g_strdup (value);
          set_evidence (self, "vendor", "%s: vendor_id", CPUINFO_PATH);
        }
      else if (g_str_equal (key, "model name") && self->model_name == NULL)
        {
          self->model_name = g_strdup (value);
          set_evidence (self, "model-name", "%s: model name", CPUINFO_PATH);
        }
      /* other architectures name the model differently: "cpu" (POWER),
       * "cpu model" (MIPS), "uarch" (RISC-V), "Processor" (32-bit ARM) */
      else if ((g_str_equal (key, "cpu") || g_str_equal (key, "cpu model") ||
                g_str_equal (key, "uarch") || g_str_equal (key, "Processor")) &&
               self->model_name == NULL && *value != '\0')
        {
          self->model_name = g_strdup (value);
          set_evidence (self, "model-name", "%s: %s", CPUINFO_PATH, key);
        }
      else if (g_str_equal (key, "cpu family"))
        {
          self->family = parse_int (value);
          set_evidence (self, "family", "%s: cpu family", CPUINFO_PATH);
        }
      else if (g_str_equal (key, "model"))
        {
          self->model = parse_int (value);
          set_evidence (self, "model", "%s: model", CPUINFO_PATH);
        }
      else if (g_str_equal (key, "stepping"))
        {
          self->stepping = parse_int (value);
          set_evidence (self, "stepping", "%s: stepping", CPUINFO_PATH);
        }
      else if (g_str_equal (key, "vmx flags"))
        {
          g_strfreev (self->vmx_flags);
          self->vmx_flags = split_flags (value);
          set_evidence (self, "vmx-flags", "%s: vmx flags", CPUINFO_PATH);
        }
      else if (g_str_equal (key, "flags") || g_str_equal (key, "Features"))
        {
          set_flags (self, value);
          set_evidence (self, "flags", "%s: %s", CPUINFO_PATH, key);
        }
    }

  if (self->logical_cpus == 0 && processors_line > 0)
    {
      self->logical_cpus = (guint) processors_line;
      set_evidence (self, "logical-cpus", "%s: # processors", CPUINFO_PATH);
    }
  else if (self->logical_cpus > 0)
    set_evidence (self, "logical-cpus", "%s: %u “processor” entries", CPUINFO_PATH,
                  self->logical_cpus);
}

/* "0-3,6,8-11" -> 10; 0 for anything malformed */
static guint
count_cpu_list (const char *list)
{
  g_auto (GStrv) ranges = g_strsplit (list, ",", -1);
  guint count = 0;

  for (guint i = 0; ranges[i] != NULL; i++)
    {
      g_auto (GStrv) ends = g_strsplit (ranges[i], "-", 2);
      guint64 first, last;

      if (!g_ascii_string_to_unsigned (ends[0], 10, 0, 65535, &first, NULL))
        return 0;
      last = first;
      if (ends[1] != NULL && !g_ascii_string_to_unsigned (ends[1], 10, first, 65535, &last, NULL))
        return 0;
      count += (guint) (last - first + 1);
    }

  return count;
}

static void
append_regs (GString *str, const MtCpuidRegs *regs)
{
  const guint32 words[] = { regs->eax, regs->ebx, regs->ecx, regs->edx };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    for (guint b = 0; b < 4; b++)
      {
        char c = (char) ((words[i] >> (8 * b)) & 0xff);
        if (c != '\0')
          g_string_append_c (str, c);
      }
}

static void
apply_cpuid (MtCpuInfo *self, MtCpuid *cpuid)
{
  const char *source = mt_cpuid_get_source (cpuid);
  MtCpuidRegs r;

  if (mt_cpuid_query (cpuid, 0, 0, &r))
    {
      char vendor[13];

      memcpy (vendor + 0, &r.ebx, 4);
      memcpy (vendor + 4, &r.edx, 4);
      memcpy (vendor + 8, &r.ecx, 4);
      vendor[12] = '\0';

      g_free (self->vendor_id);
      self->vendor_id = g_strdup (vendor);
      set_evidence (self, "vendor", "%s: leaf 0x0 EBX/EDX/ECX", source);
    }

  if (mt_cpuid_query (cpuid, 1, 0, &r))
    {
      guint base_family = (r.eax >> 8) & 0xf;
      guint base_model = (r.eax >> 4) & 0xf;
      guint ext_family = (r.eax >> 20) & 0xff;
      guint ext_model = (r.eax >> 16) & 0xf;

      self->stepping = (int) (r.eax & 0xf);
      self->family = (int) (base_family == 0xf ? base_family + ext_family : base_family);
      self->model =
        (int) ((base_family == 0x6 || base_family == 0xf) ? (ext_model << 4) + base_model
                                                          : base_model);
      set_evidence (self, "family", "%s: leaf 0x1 EAX", source);
      set_evidence (self, "model", "%s: leaf 0x1 EAX", source);
      set_evidence (self, "stepping", "%s: leaf 0x1 EAX", source);
    }

  if (mt_cpuid_query (cpuid, 0x80000004, 0, &r))
    {
      g_autoptr (GString) brand = g_string_new (NULL);

      for (guint32 leaf = 0x80000002; leaf <= 0x80000004; leaf++)
        if (mt_cpuid_query (cpuid, leaf, 0, &r))
          append_regs (brand, &r);

      g_strstrip (brand->str);
      if (brand->str[0] != '\0')
        {
          g_free (self->model_name);
          self->model_name = g_strdup (brand->str);
          set_evidence (self, "model-name", "%s: leaves 0x80000002–0x80000004", source);
        }
    }
}

/**
 * mt_cpu_info_probe:
 * @sysroot: where to read `/proc/cpuinfo`
 * @cpuid: (nullable): where to ask CPUID, or %NULL to use only files
 *
 * Returns: (transfer full): the processor, or %NULL if `/proc/cpuinfo`
 *   cannot be read
 */
MtCpuInfo *
mt_cpu_info_probe (MtSysroot *sysroot, MtCpuid *cpuid, GError **error)
{
  g_autoptr (MtCpuInfo) self = NULL;
  g_autofree char *text = NULL;
  g_autofree char *online = NULL;
  guint n_online;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (cpuid == NULL || MT_IS_CPUID (cpuid), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text = mt_sysroot_read_text (sysroot, CPUINFO_PATH, error);
  if (text == NULL)
    return NULL;

  self = mt_cpu_info_new_from_text (text, cpuid, error);
  if (self == NULL)
    return NULL;

  /* The kernel's own list of online CPUs is what lscpu counts; cpuinfo
   * agrees on x86 but not on every architecture or kernel. */
  online = mt_sysroot_read_line (sysroot, ONLINE_PATH, NULL);
  if (online != NULL && (n_online = count_cpu_list (online)) > 0)
    {
      self->logical_cpus = n_online;
      set_evidence (self, "logical-cpus", "%s: %s", ONLINE_PATH, online);
    }

  return g_steal_pointer (&self);
}

/**
 * mt_cpu_info_new_from_text:
 * @text: the contents of a `/proc/cpuinfo`
 * @cpuid: (nullable): where to ask CPUID, or %NULL to use only @text
 *
 * Returns: (transfer full): the processor, or %NULL if @text lists none
 */
MtCpuInfo *
mt_cpu_info_new_from_text (const char *text, MtCpuid *cpuid, GError **error)
{
  g_autoptr (MtCpuInfo) self = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (cpuid == NULL || MT_IS_CPUID (cpuid), NULL);

  self = g_object_new (MT_TYPE_CPU_INFO, NULL);
  parse_cpuinfo (self, text);

  if (self->logical_cpus == 0)
    {
      g_set_error (error, MT_ERROR, MT_ERROR_INVALID_DATA,
                   _ ("%s lists no processor; is it a real cpuinfo file?"), CPUINFO_PATH);
      return NULL;
    }

  if (self->flags == NULL)
    self->flags = g_new0 (char *, 1);
  if (self->vmx_flags == NULL)
    self->vmx_flags = g_new0 (char *, 1);

  if (cpuid != NULL)
    apply_cpuid (self, cpuid);

  return g_steal_pointer (&self);
}

/**
 * mt_cpu_info_get_vendor_id:
 *
 * Returns: (nullable): the CPUID vendor string, such as `GenuineIntel`
 */
const char *
mt_cpu_info_get_vendor_id (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), NULL);

  return self->vendor_id;
}

/**
 * mt_cpu_info_get_vendor:
 *
 * Returns: (nullable): the vendor's usual name (`Intel`, `AMD` …), or the
 *   raw vendor string when it is not a known one
 */
const char *
mt_cpu_info_get_vendor (MtCpuInfo *self)
{
  static const struct
  {
    const char *id;
    const char *name;
  } vendors[] = {
    { "GenuineIntel", "Intel" },
    { "AuthenticAMD", "AMD" },
    { "HygonGenuine", "Hygon" },
    { "CentaurHauls", "Centaur" },
    { "  Shanghai  ", "Zhaoxin" },
    { "GenuineTMx86", "Transmeta" },
    { "Geode by NSC", "National Semiconductor" },
  };

  g_return_val_if_fail (MT_IS_CPU_INFO (self), NULL);

  if (self->vendor_id == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (vendors); i++)
    if (g_str_equal (self->vendor_id, vendors[i].id))
      return vendors[i].name;

  return self->vendor_id;
}

/**
 * mt_cpu_info_dup_vendor_label:
 *
 * Returns: (transfer full) (nullable): the vendor for a person, such as
 *   `AMD (AuthenticAMD)`, or %NULL if unknown
 */
char *
mt_cpu_info_dup_vendor_label (MtCpuInfo *self)
{
  const char *vendor;

  g_return_val_if_fail (MT_IS_CPU_INFO (self), NULL);

  vendor = mt_cpu_info_get_vendor (self);
  if (vendor != NULL && g_strcmp0 (vendor, self->vendor_id) != 0)
    return g_strdup_printf ("%s (%s)", vendor, self->vendor_id);

  return g_strdup (self->vendor_id);
}

/**
 * mt_cpu_info_dup_signature:
 *
 * Returns: (transfer full) (nullable): `family / model / stepping` in
 *   decimal, or %NULL if the family is unknown
 */
char *
mt_cpu_info_dup_signature (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), NULL);

  if (self->family < 0)
    return NULL;

  return g_strdup_printf ("%d / %d / %d", self->family, MAX (self->model, 0),
                          MAX (self->stepping, 0));
}

const char *
mt_cpu_info_get_model_name (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), NULL);

  return self->model_name;
}

/**
 * mt_cpu_info_get_family:
 *
 * Returns: the display family (base + extended), or -1 if unknown
 */
int
mt_cpu_info_get_family (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), -1);

  return self->family;
}

int
mt_cpu_info_get_model (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), -1);

  return self->model;
}

int
mt_cpu_info_get_stepping (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), -1);

  return self->stepping;
}

guint
mt_cpu_info_get_logical_cpus (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), 0);

  return self->logical_cpus;
}

/**
 * mt_cpu_info_get_flags:
 *
 * Returns: (transfer none): the sorted `/proc/cpuinfo` flag names
 */
const char *const *
mt_cpu_info_get_flags (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), NULL);

  return (const char *const *) self->flags;
}

/**
 * mt_cpu_info_get_vmx_flags:
 *
 * Returns: (transfer none): the sorted names of the `vmx flags` line of
 *   `/proc/cpuinfo` (Intel VT-x capabilities such as `ept`, `vpid`,
 *   `unrestricted_guest`, `ept_1gb`); empty when there is none
 */
const char *const *
mt_cpu_info_get_vmx_flags (MtCpuInfo *self)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), NULL);

  return (const char *const *) self->vmx_flags;
}

gboolean
mt_cpu_info_has_flag (MtCpuInfo *self, const char *flag)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), FALSE);
  g_return_val_if_fail (flag != NULL, FALSE);

  return g_hash_table_contains (self->flag_set, flag);
}

/**
 * mt_cpu_info_get_evidence:
 * @fact: `vendor`, `model-name`, `family`, `model`, `stepping`,
 *   `logical-cpus` or `flags`
 *
 * Returns: (nullable): where the fact came from
 */
const char *
mt_cpu_info_get_evidence (MtCpuInfo *self, const char *fact)
{
  g_return_val_if_fail (MT_IS_CPU_INFO (self), NULL);
  g_return_val_if_fail (fact != NULL, NULL);

  return g_hash_table_lookup (self->evidence, fact);
}
