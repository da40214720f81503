/* mt-cpu-features.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-cpu-features"

#include "config.h"

#include "mt-cpu-features.h"
#include "mt-json.h"

typedef enum
{
  REG_NONE,
  REG_EAX,
  REG_EBX,
  REG_ECX,
  REG_EDX,
} Register;

/* Where each feature is announced.  CPUID bits are from the Intel SDM
 * vol. 2A (CPUID) and AMD APM vol. 3 appendix E; the names are those of
 * the kernel's arch/x86/include/asm/cpufeatures.h, as /proc/cpuinfo prints
 * them.  The VT-x capabilities (EPT, VPID, unrestricted guest, 1 GiB EPT
 * pages) come from VMX capability MSRs, not CPUID: only the `vmx flags`
 * line of /proc/cpuinfo reports them. */
static const struct
{
  const char *id;
  const char *name;
  const char *group;
  guint32 leaf;
  guint32 subleaf;
  Register reg;
  guint bit;
  gboolean vmx_flag;
} feature_table[] = {
  { "sse4_2", "SSE4.2", "simd", 0x1, 0, REG_ECX, 20 },
  { "avx", "AVX", "simd", 0x1, 0, REG_ECX, 28 },
  { "avx2", "AVX2", "simd", 0x7, 0, REG_EBX, 5 },
  { "avx512f", "AVX-512 Foundation", "simd", 0x7, 0, REG_EBX, 16 },
  { "avx512dq", "AVX-512 DQ", "simd", 0x7, 0, REG_EBX, 17 },
  { "avx512ifma", "AVX-512 IFMA", "simd", 0x7, 0, REG_EBX, 21 },
  { "avx512cd", "AVX-512 CD", "simd", 0x7, 0, REG_EBX, 28 },
  { "avx512bw", "AVX-512 BW", "simd", 0x7, 0, REG_EBX, 30 },
  { "avx512vl", "AVX-512 VL", "simd", 0x7, 0, REG_EBX, 31 },
  { "avx512vbmi", "AVX-512 VBMI", "simd", 0x7, 0, REG_ECX, 1 },
  { "avx512_vbmi2", "AVX-512 VBMI2", "simd", 0x7, 0, REG_ECX, 6 },
  { "avx512_vnni", "AVX-512 VNNI", "simd", 0x7, 0, REG_ECX, 11 },
  { "avx512_bitalg", "AVX-512 BITALG", "simd", 0x7, 0, REG_ECX, 12 },
  { "avx512_vpopcntdq", "AVX-512 VPOPCNTDQ", "simd", 0x7, 0, REG_ECX, 14 },
  { "avx512_fp16", "AVX-512 FP16", "simd", 0x7, 0, REG_EDX, 23 },
  { "avx512_bf16", "AVX-512 BF16", "simd", 0x7, 1, REG_EAX, 5 },
  { "aes", "AES-NI", "crypto", 0x1, 0, REG_ECX, 25 },
  { "sha_ni", "SHA extensions", "crypto", 0x7, 0, REG_EBX, 29 },
  { "bmi1", "BMI1", "bits", 0x7, 0, REG_EBX, 3 },
  { "bmi2", "BMI2", "bits", 0x7, 0, REG_EBX, 8 },
  { "vmx", "Intel VT-x", "virtualization", 0x1, 0, REG_ECX, 5 },
  { "svm", "AMD-V", "virtualization", 0x80000001, 0, REG_ECX, 2 },
  { "npt", "AMD nested page tables", "virtualization", 0x8000000a, 0, REG_EDX, 0 },
  { "ept", "Intel EPT", "virtualization", 0, 0, REG_NONE, 0, TRUE },
  { "vpid", "Intel VPID", "virtualization", 0, 0, REG_NONE, 0, TRUE },
  { "unrestricted_guest", "Unrestricted guest", "virtualization", 0, 0, REG_NONE, 0, TRUE },
  { "ept_1gb", "1 GiB EPT pages", "virtualization", 0, 0, REG_NONE, 0, TRUE },
};

static const char *const register_names[] = { NULL, "EAX", "EBX", "ECX", "EDX" };

static void
feature_free (gpointer data)
{
  MtCpuFeature *feature = data;

  g_free (feature->evidence);
  g_free (feature);
}

static guint32
pick (const MtCpuidRegs *regs, Register reg)
{
  switch (reg)
    {
    case REG_EAX:
      return regs->eax;
    case REG_EBX:
      return regs->ebx;
    case REG_ECX:
      return regs->ecx;
    case REG_EDX:
      return regs->edx;
    case REG_NONE:
    default:
      return 0;
    }
}

static gboolean
strv_contains (const char *const *strv, const char *str)
{
  return strv != NULL && g_strv_contains (strv, str);
}

/**
 * mt_cpu_features_detect:
 * @cpuid: (nullable): the CPUID source, or %NULL to read only
 *   `/proc/cpuinfo`
 *
 * Decides each feature from CPUID when a source is given, else from the
 * flags the kernel prints.  When CPUID has a feature the kernel does not
 * list, the kernel has turned it off, and the evidence says so.
 *
 * Returns: (transfer full) (element-type MtCpuFeature): the features, in
 *   a fixed order
 */
GPtrArray *
mt_cpu_features_detect (MtCpuInfo *cpu, MtCpuid *cpuid)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (feature_free);

  g_return_val_if_fail (MT_IS_CPU_INFO (cpu), NULL);
  g_return_val_if_fail (cpuid == NULL || MT_IS_CPUID (cpuid), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (feature_table); i++)
    {
      MtCpuFeature *feature = g_new0 (MtCpuFeature, 1);
      gboolean in_cpuinfo;
      MtCpuidRegs regs;

      feature->id = feature_table[i].id;
      feature->name = feature_table[i].name;
      feature->group = feature_table[i].group;

      if (feature_table[i].vmx_flag)
        {
          feature->present = strv_contains (mt_cpu_info_get_vmx_flags (cpu), feature_table[i].id);
          feature->evidence = g_strdup (feature->present ? "/proc/cpuinfo: vmx flags"
                                                         : "not in /proc/cpuinfo “vmx flags”");
          g_ptr_array_add (out, feature);
          continue;
        }

      in_cpuinfo = mt_cpu_info_has_flag (cpu, feature_table[i].id);

      if (cpuid != NULL &&
          mt_cpuid_query (cpuid, feature_table[i].leaf, feature_table[i].subleaf, &regs))
        {
          gboolean in_cpuid = (pick (&regs, feature_table[i].reg) >> feature_table[i].bit) & 1;

          feature->present = in_cpuid;
          feature->evidence = g_strdup_printf (
            "CPUID 0x%x.%u %s bit %u = %d%s", feature_table[i].leaf, feature_table[i].subleaf,
            register_names[feature_table[i].reg], feature_table[i].bit, in_cpuid,
            in_cpuid && !in_cpuinfo ? " (the kernel does not list it: turned off)" : "");
        }
      else
        {
          feature->present = in_cpuinfo;
          feature->evidence =
            g_strdup (in_cpuinfo ? "/proc/cpuinfo: flags" : "not in /proc/cpuinfo flags");
        }

      g_ptr_array_add (out, feature);
    }

  return g_steal_pointer (&out);
}

/**
 * mt_cpu_features_to_json:
 * @features: (element-type MtCpuFeature): from mt_cpu_features_detect()
 *
 * Adds the `features` array to an open JSON object.
 */
void
mt_cpu_features_to_json (GPtrArray *features, JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  for (guint i = 0; i < features->len; i++)
    {
      const MtCpuFeature *feature = g_ptr_array_index (features, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "id", feature->id);
      mt_json_add_string (builder, "name", feature->name);
      mt_json_add_string (builder, "group", feature->group);
      mt_json_add_bool (builder, "present", feature->present);
      mt_json_add_string (builder, "evidence", feature->evidence);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}
