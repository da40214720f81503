/* test-hypervisor.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include "mt-core.h"
#include "mt-hypervisor-info.h"
#include "mt-paravirt.h"
#include "mt-pci-device.h"
#include "mt-test-util.h"

/* ------------------------------------------------------------------ helpers */

/* Detects a tree: its cpuid.txt when @with_cpuid (and it has one), its PCI
 * devices through libpci. */
static MtHypervisorInfo *
probe_tree (const char *path, gboolean with_cpuid)
{
  g_autofree char *dump = g_build_filename (path, "cpuid.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (path, &error);
  g_autoptr (MtCpuid) cpuid = NULL;
  g_autoptr (GPtrArray) pci = NULL;
  MtHypervisorInfo *info;

  g_assert_no_error (error);

  if (with_cpuid && g_file_test (dump, G_FILE_TEST_EXISTS))
    {
      cpuid = mt_cpuid_new_for_sysroot (root, dump, &error);
      g_assert_no_error (error);
    }

  pci = mt_pci_probe (root, &error);
  g_assert_no_error (error);

  info = mt_hypervisor_info_probe (root, cpuid, pci, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  return info;
}

static MtHypervisorInfo *
probe_fixture (const char *name, gboolean with_cpuid)
{
  g_autofree char *path = mt_test_fixture_path ("sysroots", name, NULL);

  return probe_tree (path, with_cpuid);
}

static gboolean
has_string (GPtrArray *strings, const char *prefix)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (strings, i), prefix))
      return TRUE;

  return FALSE;
}

static void
dump_strings (GPtrArray *strings)
{
  for (guint i = 0; i < strings->len; i++)
    g_test_message ("  %s", (const char *) g_ptr_array_index (strings, i));
}

#define assert_evidence(info, prefix)                                                \
  G_STMT_START                                                                       \
  {                                                                                  \
    if (!has_string (mt_hypervisor_info_get_evidence (info), prefix))                \
      {                                                                              \
        dump_strings (mt_hypervisor_info_get_evidence (info));                       \
        g_assert_true (has_string (mt_hypervisor_info_get_evidence (info), prefix)); \
      }                                                                              \
  }                                                                                  \
  G_STMT_END

#define assert_no_evidence(info, prefix) \
  g_assert_false (has_string (mt_hypervisor_info_get_evidence (info), prefix))

static void
assert_feature (MtHypervisorInfo *info, const char *id, gboolean present, const char *evidence)
{
  MtParavirt *pv = mt_hypervisor_info_get_paravirt (info);
  const MtParavirtFeature *feature = mt_paravirt_lookup_feature (pv, id);

  g_assert_nonnull (feature);
  g_assert_cmpint (feature->present, ==, present);
  g_assert_nonnull (feature->name);
  g_assert_nonnull (feature->description);
  if (evidence != NULL)
    g_assert_cmpstr (feature->evidence, ==, evidence);
}

static const MtParavirtDevice *
find_device (MtHypervisorInfo *info, const char *address)
{
  GPtrArray *devices = mt_paravirt_get_devices (mt_hypervisor_info_get_paravirt (info));

  for (guint i = 0; i < devices->len; i++)
    {
      const MtParavirtDevice *device = g_ptr_array_index (devices, i);

      if (g_str_equal (device->address, address))
        return device;
    }

  return NULL;
}

static void
assert_device (MtHypervisorInfo *info,
               const char *address,
               const char *name,
               MtParavirtDeviceKind kind,
               const char *note_part)
{
  const MtParavirtDevice *device = find_device (info, address);

  g_assert_nonnull (device);
  g_assert_cmpstr (device->name, ==, name);
  g_assert_cmpint (device->kind, ==, kind);
  g_assert_nonnull (device->note);
  if (note_part != NULL)
    g_assert_nonnull (strstr (device->note, note_part));
}

/* A tree of files in a temporary directory; @files alternates paths and
 * contents and ends with NULL. */
static char *
make_tree (const char *first_path, ...)
{
  char *tree = mt_test_tree_new ();
  const char *path;
  va_list args;

  va_start (args, first_path);
  for (path = first_path; path != NULL; path = va_arg (args, const char *))
    mt_test_tree_write (tree, path, va_arg (args, const char *), -1);
  va_end (args);

  return tree;
}

static char *
signature_line (guint32 leaf, guint32 max, const char *signature)
{
  guint32 regs[3] = { 0 };
  char padded[12] = { 0 };

  memcpy (padded, signature, MIN (strlen (signature), sizeof padded));
  memcpy (regs, padded, sizeof regs);

  return g_strdup_printf ("   0x%08x 0x00: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", leaf,
                          max, regs[0], regs[1], regs[2]);
}

/* A cpuid -r dump with the hypervisor bit and @signature at 0x40000000
 * (no signature: the bit alone); @signature2 at 0x40000100. */
static char *
cpuid_dump (const char *signature, const char *signature2)
{
  g_autoptr (GString) dump = g_string_new ("CPU:\n");

  g_string_append (dump, "   0x00000000 0x00: eax=0x0000000d ebx=0x68747541 ecx=0x444d4163 "
                         "edx=0x69746e65\n");
  g_string_append (dump, "   0x00000001 0x00: eax=0x00a60f12 ebx=0x00020800 ecx=0xfef83203 "
                         "edx=0x178bfbff\n");
  if (signature != NULL)
    {
      g_autofree char *line = signature_line (0x40000000, 0x40000001, signature);

      g_string_append (dump, line);
    }
  if (signature2 != NULL)
    {
      g_autofree char *line = signature_line (0x40000100, 0x40000101, signature2);

      g_string_append (dump, line);
      g_string_append (dump, "   0x40000101 0x00: eax=0x00000009 ebx=0x00000000 ecx=0x00000000 "
                             "edx=0x00000000\n");
    }

  return g_string_free (g_steal_pointer (&dump), FALSE);
}

/* Detects @tree with an optional CPUID dump and optional PCI devices. */
static MtHypervisorInfo *
probe_crafted (const char *tree, const char *dump, GPtrArray *pci)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (tree, &error);
  g_autoptr (MtCpuid) cpuid = NULL;
  MtHypervisorInfo *info;

  g_assert_no_error (error);
  if (dump != NULL)
    {
      cpuid = mt_cpuid_new_from_data (dump, "test dump", &error);
      g_assert_no_error (error);
    }

  info = mt_hypervisor_info_probe (root, cpuid, pci, &error);
  g_assert_no_error (error);

  return info;
}

/* Whether MtCpuid answers the second hypervisor block (0x40000100), where
 * KVM moves when it shows Hyper-V's interface. */
static gboolean
cpuid_answers_second_block (void)
{
  g_autofree char *dump = cpuid_dump ("Microsoft Hv", "KVMKVMKVM");
  g_autoptr (MtCpuid) cpuid = mt_cpuid_new_from_data (dump, "probe", NULL);
  MtCpuidRegs regs;

  return mt_cpuid_query (cpuid, 0x40000100, 0, &regs);
}

#define HYPERVISOR_FLAGS "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu hypervisor\n"
#define BARE_FLAGS       "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu svm\n"

/* ----------------------------------------------------------------- fixtures */

static void
test_recorded (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("kvm-amd-epyc", TRUE);
  MtParavirt *pv = mt_hypervisor_info_get_paravirt (info);
  const char *const virtio[][2] = {
    { "0000:00:01.0", "virtio-balloon" }, { "0000:00:02.0", "virtio-blk" },
    { "0000:00:03.0", "virtio-net" },     { "0000:00:04.0", "virtio-vsock" },
    { "0000:00:05.0", "virtio-rng" },
  };

  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "kvm");
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (info), ==, "docker");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "KVM");
  g_assert_false (mt_hypervisor_info_get_xen_dom0 (info));
  g_assert_false (mt_hypervisor_info_get_nested (info));
  assert_evidence (info, "CPUID 0x40000000: \"KVMKVMKVM\"");
  assert_evidence (info, "CPUID 0x1 ECX bit 31 (hypervisor): set");
  assert_evidence (info, "conclusion: kvm (CPUID");
  assert_evidence (info, "/.dockerenv: exists");
  /* the decision stops at CPUID: nothing weighed later is evidence */
  assert_no_evidence (info, "PCI ");
  g_assert_null (mt_hypervisor_info_get_dmi (info, "sys_vendor"));

  /* EAX 0x01007efb */
  g_assert_cmphex (mt_paravirt_get_kvm_base (pv), ==, 0x40000000);
  g_assert_cmphex (mt_paravirt_get_hyperv_base (pv), ==, 0);
  assert_feature (info, "kvmclock", TRUE,
                  "CPUID 0x40000001 EAX bit 0 (KVM_FEATURE_CLOCKSOURCE): set, bit 3 "
                  "(KVM_FEATURE_CLOCKSOURCE2): set");
  assert_feature (info, "kvm-nopiodelay", TRUE, NULL);
  assert_feature (info, "kvm-asyncpf", TRUE, NULL);
  assert_feature (info, "kvm-steal-time", TRUE, NULL);
  assert_feature (info, "kvm-pv-eoi", TRUE, NULL);
  assert_feature (info, "kvm-pv-unhalt", TRUE,
                  "CPUID 0x40000001 EAX bit 7 (KVM_FEATURE_PV_UNHALT): set");
  assert_feature (info, "kvm-pv-tlb-flush", TRUE, NULL);
  assert_feature (info, "kvm-pv-ipi", TRUE, NULL);
  assert_feature (info, "kvm-pv-sched-yield", TRUE, NULL);
  assert_feature (info, "kvm-asyncpf-int", TRUE, NULL);
  assert_feature (info, "kvm-msi-ext-dest-id", FALSE,
                  "CPUID 0x40000001 EAX bit 15 (KVM_FEATURE_MSI_EXT_DEST_ID): clear");
  assert_feature (info, "kvmclock-stable-bit", TRUE, NULL);
  assert_feature (info, "kvm-hint-dedicated", FALSE, NULL);
  g_assert_null (mt_paravirt_lookup_feature (pv, "hv-time"));
  g_assert_cmpstr (mt_paravirt_get_clocksource (pv), ==, "tsc");

  /* the host bridge is neither paravirtual nor emulated with a better choice */
  g_assert_cmpuint (mt_paravirt_get_devices (pv)->len, ==, G_N_ELEMENTS (virtio));
  g_assert_null (find_device (info, "0000:00:00.0"));
  for (guint i = 0; i < G_N_ELEMENTS (virtio); i++)
    {
      const MtParavirtDevice *device = find_device (info, virtio[i][0]);

      assert_device (info, virtio[i][0], virtio[i][1], MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
      g_assert_cmpstr (device->driver, ==, "virtio-pci");
    }
}

static void
test_recorded_files_only (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("kvm-amd-epyc", FALSE);

  /* Without CPUID only the hypervisor flag and virtio devices show: some
   * hypervisor, but not which. */
  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "vm-other");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "An unidentified hypervisor");
  assert_evidence (info, "/proc/cpuinfo flags: hypervisor");
  assert_evidence (info, "PCI 0000:00:01.0: 1af4:1045 (virtio)");
  g_assert_cmpuint (mt_paravirt_get_features (mt_hypervisor_info_get_paravirt (info))->len, ==, 0);
}

static void
test_json (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("kvm-amd-epyc", TRUE);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;
  JsonObject *feature;
  JsonObject *device;

  json_builder_begin_object (builder);
  mt_hypervisor_info_to_json (info, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  object = json_node_get_object (root);

  g_assert_cmpuint (json_object_get_size (object), ==, 11);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "kvm");
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "KVM");
  g_assert_cmpstr (json_object_get_string_member (object, "container"), ==, "docker");
  g_assert_false (json_object_get_boolean_member (object, "xen_dom0"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "evidence")), >,
                    2);
  g_assert_false (json_object_get_boolean_member (object, "nested"));
  g_assert_cmpuint (
    json_array_get_length (json_object_get_array_member (object, "nested_evidence")), ==, 1);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "dmi")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "clocksource"), ==, "tsc");

  feature = json_array_get_object_element (json_object_get_array_member (object, "paravirt"), 0);
  g_assert_cmpuint (json_object_get_size (feature), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (feature, "id"), ==, "kvmclock");
  g_assert_true (json_object_get_boolean_member (feature, "present"));
  g_assert_nonnull (json_object_get_string_member (feature, "name"));
  g_assert_nonnull (json_object_get_string_member (feature, "description"));
  g_assert_nonnull (json_object_get_string_member (feature, "evidence"));

  device = json_array_get_object_element (json_object_get_array_member (object, "devices"), 0);
  g_assert_cmpuint (json_object_get_size (device), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (device, "address"), ==, "0000:00:01.0");
  g_assert_cmpstr (json_object_get_string_member (device, "id"), ==, "1af4:1045");
  g_assert_cmpstr (json_object_get_string_member (device, "name"), ==, "virtio-balloon");
  g_assert_cmpstr (json_object_get_string_member (device, "kind"), ==, "paravirtual");
  g_assert_cmpstr (json_object_get_string_member (device, "driver"), ==, "virtio-pci");
  g_assert_nonnull (json_object_get_string_member (device, "note"));
}

static void
test_vmware (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("vmware-guest", TRUE);
  g_autoptr (MtHypervisorInfo) files = probe_fixture ("vmware-guest", FALSE);
  GPtrArray *nested;

  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "vmware");
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (info), ==, "none");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "VMware");
  assert_evidence (info, "CPUID 0x40000000: \"VMwareVMware\"");
  assert_evidence (info, "/sys/class/dmi/id/product_name: \"VMware20,1\"");
  assert_evidence (info, "conclusion: vmware (CPUID");
  g_assert_cmpstr (mt_hypervisor_info_get_dmi (info, "bios_vendor"), ==, "VMware, Inc.");
  g_assert_cmpstr (mt_hypervisor_info_get_dmi (info, "board_name"), ==,
                   "440BX Desktop Reference Platform");

  /* VT-x passed through to the guest */
  g_assert_true (mt_hypervisor_info_get_nested (info));
  nested = mt_hypervisor_info_get_nested_evidence (info);
  g_assert_true (has_string (nested, "/proc/cpuinfo flags: vmx"));
  g_assert_true (has_string (nested, "CPUID 0x1 ECX bit 5 (VMX): set"));

  /* no KVM or Hyper-V interface */
  g_assert_cmpuint (mt_paravirt_get_features (mt_hypervisor_info_get_paravirt (info))->len, ==, 0);

  assert_device (info, "0000:00:07.7", "VMware VMCI", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
  assert_device (info, "0000:00:0f.0", "VMware SVGA II", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
  assert_device (info, "0000:03:00.0", "VMware PVSCSI", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
  assert_device (info, "0000:0b:00.0", "VMware VMXNET3", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
  assert_device (info, "0000:02:01.0", "Intel e1000 (82545EM)", MT_PARAVIRT_DEVICE_EMULATED,
                 "VMXNET3");
  assert_device (info, "0000:02:05.0", "VMware SATA AHCI", MT_PARAVIRT_DEVICE_EMULATED, "PVSCSI");
  assert_device (info, "0000:00:07.1", "Intel PIIX4 IDE", MT_PARAVIRT_DEVICE_EMULATED, "PVSCSI");
  g_assert_null (find_device (info, "0000:00:00.0"));

  /* without CPUID, DMI decides */
  g_assert_cmpstr (mt_hypervisor_info_get_id (files), ==, "vmware");
  assert_evidence (files, "conclusion: vmware (DMI vendor)");
  g_assert_true (mt_hypervisor_info_get_nested (files));
}

static void
test_hyperv (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("hyperv-guest", TRUE);
  MtParavirt *pv = mt_hypervisor_info_get_paravirt (info);

  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "microsoft");
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (info), ==, "none");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "Microsoft Hyper-V");
  assert_evidence (info, "CPUID 0x40000000: \"Microsoft Hv\"");
  assert_evidence (info, "/sys/class/dmi/id/product_version: \"Hyper-V UEFI Release v4.1\"");
  assert_evidence (info, "conclusion: microsoft (DMI vendor)");

  g_assert_cmphex (mt_paravirt_get_hyperv_base (pv), ==, 0x40000000);
  g_assert_cmphex (mt_paravirt_get_kvm_base (pv), ==, 0);
  /* 0x40000003 EAX 0x2e7f, EDX 0xe7b76; 0x40000004 EAX 0xe2c */
  assert_feature (info, "hv-time", TRUE,
                  "CPUID 0x40000003 EAX bit 9 (HV_MSR_REFERENCE_TSC_AVAILABLE): set");
  assert_feature (info, "hv-synic", TRUE, NULL);
  assert_feature (info, "hv-stimer", TRUE, NULL);
  assert_feature (info, "hv-vapic", TRUE, NULL);
  assert_feature (info, "hv-vpindex", TRUE, NULL);
  assert_feature (info, "hv-reset", FALSE, NULL);
  assert_feature (info, "hv-stimer-direct", TRUE,
                  "CPUID 0x40000003 EDX bit 19 (HV_STIMER_DIRECT_MODE_AVAILABLE): set");
  assert_feature (info, "hv-crash", FALSE, NULL);
  assert_feature (info, "hv-relaxed", TRUE,
                  "CPUID 0x40000004 EAX bit 5 (HV_X64_RELAXED_TIMING_RECOMMENDED): set");
  assert_feature (info, "hv-tlbflush", TRUE, NULL);
  assert_feature (info, "hv-ipi", TRUE, NULL);
  assert_feature (info, "hv-evmcs", FALSE, NULL);
  g_assert_null (mt_paravirt_lookup_feature (pv, "kvmclock"));
  g_assert_cmpstr (mt_paravirt_get_clocksource (pv), ==, "hyperv_clocksource_tsc_page");

  /* Generation 2: no PCI bus */
  g_assert_cmpuint (mt_paravirt_get_devices (pv)->len, ==, 0);
}

static void
test_xen_hvm (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("xen-hvm-guest", TRUE);

  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "xen");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "Xen (HVM guest)");
  g_assert_false (mt_hypervisor_info_get_xen_dom0 (info));
  assert_evidence (info, "/sys/class/dmi/id/sys_vendor: \"Xen\"");
  assert_evidence (info, "conclusion: xen (DMI vendor, trusted before CPUID)");
  assert_evidence (info, "CPUID 0x40000000: \"XenVMMXenVMM\"");
  assert_evidence (info, "/sys/hypervisor/guest_type: \"HVM\"");

  assert_device (info, "0000:00:03.0", "Xen platform device", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
  assert_device (info, "0000:00:01.1", "Intel PIIX3 IDE", MT_PARAVIRT_DEVICE_EMULATED, "blkfront");
  assert_device (info, "0000:00:02.0", "Cirrus Logic GD 5446", MT_PARAVIRT_DEVICE_EMULATED,
                 "xen-fbfront");
  g_assert_cmpstr (mt_paravirt_get_clocksource (mt_hypervisor_info_get_paravirt (info)), ==, "xen");
}

static void
test_xen_dom0 (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("xen-dom0", TRUE);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  /* like systemd-detect-virt: dom0 is the host */
  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "none");
  g_assert_true (mt_hypervisor_info_get_xen_dom0 (info));
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "Xen dom0 (privileged domain)");
  assert_evidence (info, "/proc/xen: exists");
  assert_evidence (info, "/proc/xen/capabilities: \"control_d\"");
  assert_evidence (info, "conclusion: none (Xen dom0");
  g_assert_false (mt_hypervisor_info_get_nested (info));
  /* real hardware: nothing is "emulated" */
  g_assert_cmpuint (mt_paravirt_get_devices (mt_hypervisor_info_get_paravirt (info))->len, ==, 0);

  json_builder_begin_object (builder);
  mt_hypervisor_info_to_json (info, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "xen_dom0"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "id"), ==, "none");
}

static void
test_virtualbox (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("virtualbox-kvm-paravirt", TRUE);

  /* KVMKVMKVM in CPUID and VMware's SVGA on the bus, but VirtualBox */
  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "oracle");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==,
                   "Oracle VirtualBox (KVM paravirtualization interface)");
  assert_evidence (info, "/sys/class/dmi/id/product_name: \"VirtualBox\"");
  assert_evidence (info, "CPUID 0x40000000: \"KVMKVMKVM\"");
  assert_evidence (info, "conclusion: oracle (DMI vendor, trusted before CPUID)");

  /* EAX 0x01000009 */
  assert_feature (info, "kvmclock", TRUE, NULL);
  assert_feature (info, "kvmclock-stable-bit", TRUE, NULL);
  assert_feature (info, "kvm-pv-unhalt", FALSE, NULL);

  assert_device (info, "0000:00:02.0", "VMware SVGA II", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
  assert_device (info, "0000:00:04.0", "VirtualBox guest service", MT_PARAVIRT_DEVICE_PARAVIRTUAL,
                 NULL);
  assert_device (info, "0000:00:03.0", "Intel e1000 (82540EM)", MT_PARAVIRT_DEVICE_EMULATED,
                 "virtio-net");
  assert_device (info, "0000:00:0d.0", "Intel ICH8M AHCI", MT_PARAVIRT_DEVICE_EMULATED,
                 "virtio-scsi");
  g_assert_cmpstr (mt_paravirt_get_clocksource (mt_hypervisor_info_get_paravirt (info)), ==,
                   "kvm-clock");
}

static void
test_parallels (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("parallels-over-kvm", TRUE);

  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "parallels");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==,
                   "Parallels (KVM paravirtualization interface)");
  assert_evidence (info, "/sys/class/dmi/id/product_name: \"Parallels Virtual Platform\"");
  assert_evidence (info, "CPUID 0x40000000: \"KVMKVMKVM\"");
  assert_evidence (info, "conclusion: parallels (DMI vendor, trusted before CPUID)");
  assert_feature (info, "kvmclock", TRUE, NULL);
  assert_device (info, "0000:00:03.0", "Parallels VM communication interface",
                 MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
  assert_device (info, "0000:00:05.0", "virtio-net", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
}

static void
test_kvm_hyperv (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("kvm-hyperv-enlightened", TRUE);
  MtParavirt *pv = mt_hypervisor_info_get_paravirt (info);

  /* the Hyper-V interface at 0x40000000, read the same either way */
  assert_evidence (info, "CPUID 0x40000000: \"Microsoft Hv\"");
  assert_feature (info, "hv-time", TRUE, NULL);
  assert_feature (info, "hv-reset", TRUE, NULL);
  assert_feature (info, "hv-tlbflush", TRUE, NULL);
  assert_feature (info, "hv-ipi", TRUE, NULL);
  assert_device (info, "0000:00:01.0", "QEMU standard VGA", MT_PARAVIRT_DEVICE_EMULATED,
                 "virtio-gpu");
  assert_device (info, "0000:00:1f.2", "Intel ICH9 AHCI", MT_PARAVIRT_DEVICE_EMULATED,
                 "virtio-blk or virtio-scsi");
  assert_device (info, "0000:00:03.0", "virtio-blk", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);

  if (!cpuid_answers_second_block ())
    {
      /* Until MtCpuid treats each 0x100 block of the hypervisor range as a
       * range of its own, KVM's leaves are invisible and this is "qemu". */
      g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "qemu");
      g_test_skip ("MtCpuid does not answer leaf 0x40000100 yet");
      return;
    }

  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "kvm");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "KVM with Hyper-V enlightenments");
  assert_evidence (info, "CPUID 0x40000100: \"KVMKVMKVM\"");
  assert_evidence (info, "conclusion: kvm (CPUID");
  g_assert_cmphex (mt_paravirt_get_kvm_base (pv), ==, 0x40000100);
  assert_feature (info, "kvmclock", TRUE,
                  "CPUID 0x40000101 EAX bit 0 (KVM_FEATURE_CLOCKSOURCE): set, bit 3 "
                  "(KVM_FEATURE_CLOCKSOURCE2): set");
}

static void
test_qemu_tcg (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("qemu-tcg", TRUE);

  /* VMware's SVGA on the bus (-vga vmware) does not make it VMware */
  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "qemu");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "QEMU (TCG, software emulation)");
  assert_evidence (info, "CPUID 0x40000000: \"TCGTCGTCGTCG\"");
  assert_evidence (info, "/sys/class/dmi/id/sys_vendor: \"QEMU\"");
  assert_evidence (info, "conclusion: qemu (CPUID");
  assert_no_evidence (info, "conclusion: vmware");
  g_assert_cmpuint (mt_paravirt_get_features (mt_hypervisor_info_get_paravirt (info))->len, ==, 0);
  assert_device (info, "0000:00:02.0", "VMware SVGA II", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
  assert_device (info, "0000:00:03.0", "Intel e1000 (82540EM)", MT_PARAVIRT_DEVICE_EMULATED,
                 "virtio-net");
  assert_device (info, "0000:00:01.1", "Intel PIIX3 IDE", MT_PARAVIRT_DEVICE_EMULATED,
                 "virtio-blk");
}

static void
test_bare_metal (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("bare-metal-intel", TRUE);
  GPtrArray *nested = mt_hypervisor_info_get_nested_evidence (info);

  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "none");
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (info), ==, "none");
  g_assert_null (mt_hypervisor_info_get_name (info));
  g_assert_false (mt_hypervisor_info_get_xen_dom0 (info));
  assert_evidence (info, "conclusion: none");
  assert_no_evidence (info, "CPUID 0x1 ECX bit 31");
  g_assert_cmpstr (mt_hypervisor_info_get_dmi (info, "product_name"), ==, "XPS 15 9530");

  /* VT-x of the processor itself is not nested virtualization */
  g_assert_false (mt_hypervisor_info_get_nested (info));
  g_assert_true (has_string (nested, "/proc/cpuinfo flags: vmx"));
  g_assert_true (has_string (nested, "not a virtual machine"));

  /* a real Intel GPU is not an "emulated" device */
  g_assert_cmpuint (mt_paravirt_get_devices (mt_hypervisor_info_get_paravirt (info))->len, ==, 0);
  g_assert_cmpuint (mt_paravirt_get_features (mt_hypervisor_info_get_paravirt (info))->len, ==, 0);
}

static void
test_wsl2 (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("wsl2", TRUE);

  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "microsoft");
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (info), ==, "wsl");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "Microsoft Hyper-V");
  assert_evidence (info, "CPUID 0x40000000: \"Microsoft Hv\"");
  assert_evidence (info, "PCI 4e7f:00:00.0: 1414:008e (Hyper-V)");
  assert_evidence (info, "/proc/sys/kernel/osrelease: \"5.15.167.4-microsoft-standard-WSL2\"");
  assert_evidence (info, "container: wsl");

  /* AMD-V offered to the guest */
  g_assert_true (mt_hypervisor_info_get_nested (info));
  g_assert_true (
    has_string (mt_hypervisor_info_get_nested_evidence (info), "/proc/cpuinfo flags: svm"));
  g_assert_true (has_string (mt_hypervisor_info_get_nested_evidence (info),
                             "CPUID 0x80000001 ECX bit 2 (SVM): set"));

  assert_feature (info, "hv-time", TRUE, NULL);
  assert_device (info, "4e7f:00:00.0", "Hyper-V GPU paravirtualization",
                 MT_PARAVIRT_DEVICE_PARAVIRTUAL, "dxgkrnl");
  assert_device (info, "1c77:00:00.0", "virtio-fs", MT_PARAVIRT_DEVICE_PARAVIRTUAL, "virtiofs");
  assert_device (info, "6bb1:00:00.0", "virtio-console", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);
}

static void
test_podman (void)
{
  g_autoptr (MtHypervisorInfo) info = probe_fixture ("podman-container", TRUE);

  /* no cpuid.txt: /proc/cpuinfo has no hypervisor flag */
  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "none");
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (info), ==, "podman");
  g_assert_null (mt_hypervisor_info_get_name (info));
  assert_evidence (info, "/proc/1/environ: container=podman");
  assert_evidence (info, "container: podman");
  g_assert_false (mt_hypervisor_info_get_nested (info));
}

static void
test_amazon (void)
{
  g_autoptr (MtHypervisorInfo) nitro = probe_fixture ("amazon-ec2-nitro", TRUE);
  g_autoptr (MtHypervisorInfo) metal = probe_fixture ("amazon-ec2-metal", TRUE);

  g_assert_cmpstr (mt_hypervisor_info_get_id (nitro), ==, "amazon");
  g_assert_cmpstr (mt_hypervisor_info_get_name (nitro), ==,
                   "Amazon EC2 (KVM paravirtualization interface)");
  assert_evidence (nitro, "/sys/class/dmi/id/sys_vendor: \"Amazon EC2\"");
  assert_evidence (nitro, "/sys/firmware/dmi/tables/DMI: type 0 BIOS characteristics extension "
                          "byte 2 bit 4 (virtual machine): set");
  assert_device (nitro, "0000:00:05.0", "Amazon ENA", MT_PARAVIRT_DEVICE_PARAVIRTUAL, NULL);

  /* same DMI vendor, no virtual machine bit: a bare-metal instance */
  g_assert_cmpstr (mt_hypervisor_info_get_id (metal), ==, "none");
  g_assert_null (mt_hypervisor_info_get_name (metal));
  assert_evidence (metal, "/sys/firmware/dmi/tables/DMI: type 0 BIOS characteristics extension "
                          "byte 2 bit 4 (virtual machine): clear");
  assert_evidence (metal, "conclusion: none");
  g_assert_cmpuint (mt_paravirt_get_devices (mt_hypervisor_info_get_paravirt (metal))->len, ==, 1);
}

/* ----------------------------------------------------------------- ordering */

static void
test_order_cpuid_before_dmi (void)
{
  g_autofree char *tree =
    make_tree ("proc/cpuinfo", HYPERVISOR_FLAGS, "sys/class/dmi/id/sys_vendor", "QEMU\n", NULL);
  g_autofree char *kvm = cpuid_dump ("KVMKVMKVM", NULL);
  g_autofree char *hv = cpuid_dump ("Microsoft Hv", NULL);
  g_autofree char *linux_hv = cpuid_dump ("Linux KVM Hv", NULL);
  g_autoptr (MtHypervisorInfo) with_kvm = probe_crafted (tree, kvm, NULL);
  g_autoptr (MtHypervisorInfo) with_hv = probe_crafted (tree, hv, NULL);
  g_autoptr (MtHypervisorInfo) with_linux_hv = probe_crafted (tree, linux_hv, NULL);

  /* QEMU's DMI with KVM's signature: KVM */
  g_assert_cmpstr (mt_hypervisor_info_get_id (with_kvm), ==, "kvm");
  assert_evidence (with_kvm, "/sys/class/dmi/id/sys_vendor: \"QEMU\"");
  /* Hyper-V's signature is what QEMU shows with enlightenments: DMI wins */
  g_assert_cmpstr (mt_hypervisor_info_get_id (with_hv), ==, "qemu");
  g_assert_cmpstr (mt_hypervisor_info_get_name (with_hv), ==,
                   "QEMU (Hyper-V paravirtualization interface)");
  /* KVM's own Hyper-V implementation */
  g_assert_cmpstr (mt_hypervisor_info_get_id (with_linux_hv), ==, "kvm");
  g_assert_cmpstr (mt_hypervisor_info_get_name (with_linux_hv), ==,
                   "KVM with Hyper-V enlightenments");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_order_hyperv_signature (void)
{
  g_autofree char *tree = make_tree ("proc/cpuinfo", HYPERVISOR_FLAGS, NULL);
  g_autofree char *hv = cpuid_dump ("Microsoft Hv", NULL);
  g_autofree char *hv_xen = cpuid_dump ("Microsoft Hv", "XenVMMXenVMM");
  g_autoptr (MtHypervisorInfo) alone = probe_crafted (tree, hv, NULL);
  g_autoptr (MtHypervisorInfo) xen = probe_crafted (tree, hv_xen, NULL);

  /* nothing else names a hypervisor: Hyper-V */
  g_assert_cmpstr (mt_hypervisor_info_get_id (alone), ==, "microsoft");
  assert_evidence (alone, "conclusion: microsoft (Hyper-V's CPUID signature");

  /* Xen with Viridian enlightenments puts its own signature behind */
  if (cpuid_answers_second_block ())
    {
      g_assert_cmpstr (mt_hypervisor_info_get_id (xen), ==, "xen");
      assert_evidence (xen, "CPUID 0x40000100: \"XenVMMXenVMM\"");
    }

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_order_signatures (void)
{
  const char *const cases[][2] = {
    { "bhyve bhyve ", "bhyve" }, { "QNXQVMBSQG", "qnx" }, { "ACRNACRNACRN", "acrn" },
    { "SRESRESRESRE", "sre" },   { "Apple VZ", "apple" }, { "XenVMMXenVMM", "xen" },
  };
  g_autofree char *tree = make_tree ("proc/cpuinfo", HYPERVISOR_FLAGS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dump = cpuid_dump (cases[i][0], NULL);
      g_autofree char *evidence = g_strdup_printf ("CPUID 0x40000000: \"%s\"", cases[i][0]);
      g_autoptr (MtHypervisorInfo) info = probe_crafted (tree, dump, NULL);

      g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, cases[i][1]);
      assert_evidence (info, evidence);
    }

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_order_unknown_signature (void)
{
  g_autofree char *tree = make_tree ("proc/cpuinfo", HYPERVISOR_FLAGS, NULL);
  g_autofree char *odd = cpuid_dump ("FooBarBazQux", NULL);
  g_autofree char *bit_only = cpuid_dump (NULL, NULL);
  g_autoptr (GPtrArray) vmci = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) svga = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (MtHypervisorInfo) unknown = probe_crafted (tree, odd, NULL);
  g_autoptr (MtHypervisorInfo) no_leaf = probe_crafted (tree, bit_only, NULL);
  g_autoptr (MtHypervisorInfo) with_vmci = NULL;
  g_autoptr (MtHypervisorInfo) with_svga = NULL;

  g_assert_cmpstr (mt_hypervisor_info_get_id (unknown), ==, "vm-other");
  assert_evidence (unknown, "CPUID 0x40000000: \"FooBarBazQux\"");
  g_assert_cmpstr (mt_hypervisor_info_get_id (no_leaf), ==, "vm-other");
  assert_evidence (no_leaf, "CPUID 0x40000000: no hypervisor signature");

  /* VMCI exists only in VMware; the SVGA adapter also in QEMU and
   * VirtualBox */
  g_ptr_array_add (vmci, mt_pci_device_new ("0000:00:07.7", 0x15ad, 0x0740, 0x088000, NULL));
  g_ptr_array_add (svga, mt_pci_device_new ("0000:00:0f.0", 0x15ad, 0x0405, 0x030000, NULL));
  with_vmci = probe_crafted (tree, odd, vmci);
  with_svga = probe_crafted (tree, odd, svga);
  g_assert_cmpstr (mt_hypervisor_info_get_id (with_vmci), ==, "vmware");
  assert_evidence (with_vmci, "conclusion: vmware (PCI vendor ID)");
  g_assert_cmpstr (mt_hypervisor_info_get_id (with_svga), ==, "vm-other");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_order_xen (void)
{
  g_autofree char *kvm = cpuid_dump ("KVMKVMKVM", NULL);
  g_autofree char *domu =
    make_tree ("proc/cpuinfo", HYPERVISOR_FLAGS, "proc/xen/capabilities", "", NULL);
  g_autofree char *dom0_features =
    make_tree ("proc/cpuinfo", HYPERVISOR_FLAGS, "proc/xen/capabilities", "",
               "sys/hypervisor/properties/features", "00000801\n", NULL);
  g_autofree char *domu_features =
    make_tree ("proc/cpuinfo", HYPERVISOR_FLAGS, "proc/xen/capabilities", "control_d\n",
               "sys/hypervisor/properties/features", "00000001\n", NULL);
  g_autofree char *nested_dom0 =
    make_tree ("proc/cpuinfo", HYPERVISOR_FLAGS, "proc/xen/capabilities", "control_d\n", NULL);
  g_autoptr (MtHypervisorInfo) a = probe_crafted (domu, kvm, NULL);
  g_autoptr (MtHypervisorInfo) b = probe_crafted (dom0_features, NULL, NULL);
  g_autoptr (MtHypervisorInfo) c = probe_crafted (domu_features, NULL, NULL);
  g_autoptr (MtHypervisorInfo) d = probe_crafted (nested_dom0, kvm, NULL);

  /* /proc/xen comes before CPUID */
  g_assert_cmpstr (mt_hypervisor_info_get_id (a), ==, "xen");
  assert_evidence (a, "conclusion: xen (Xen domain)");

  /* XENFEAT_dom0 (bit 11) in the features file decides before capabilities */
  g_assert_cmpstr (mt_hypervisor_info_get_id (b), ==, "none");
  g_assert_true (mt_hypervisor_info_get_xen_dom0 (b));
  assert_evidence (b, "/sys/hypervisor/properties/features: 00000801 (XENFEAT_dom0, bit 11: set)");
  g_assert_cmpstr (mt_hypervisor_info_get_id (c), ==, "xen");
  g_assert_false (mt_hypervisor_info_get_xen_dom0 (c));

  /* a dom0 inside another hypervisor is that hypervisor's guest */
  g_assert_cmpstr (mt_hypervisor_info_get_id (d), ==, "kvm");
  g_assert_true (mt_hypervisor_info_get_xen_dom0 (d));

  mt_test_tree_free (g_steal_pointer (&domu));
  mt_test_tree_free (g_steal_pointer (&dom0_features));
  mt_test_tree_free (g_steal_pointer (&domu_features));
  mt_test_tree_free (g_steal_pointer (&nested_dom0));
}

static void
test_order_uml (void)
{
  g_autofree char *tree = make_tree (
    "proc/cpuinfo",
    "processor\t: 0\nvendor_id\t: User Mode Linux\nmodel name\t: UML\nmode\t\t: skas\n", NULL);
  g_autofree char *kvm = cpuid_dump ("KVMKVMKVM", NULL);
  g_autoptr (MtHypervisorInfo) info = probe_crafted (tree, kvm, NULL);

  /* UML runs as a process, inside whatever VM: it comes before CPUID */
  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "uml");
  g_assert_cmpstr (mt_hypervisor_info_get_name (info), ==, "User-mode Linux");
  assert_evidence (info, "/proc/cpuinfo vendor_id: \"User Mode Linux\"");

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_order_late_sources (void)
{
  const char *const cases[][4] = {
    { "sys/hypervisor/type", "xen\n", "xen", "/sys/hypervisor/type: \"xen\"" },
    { "sys/hypervisor/type", "kvm\n", "vm-other", "/sys/hypervisor/type: \"kvm\"" },
    { "proc/device-tree/hypervisor/compatible", "linux,kvm", "kvm",
      "/proc/device-tree/hypervisor/compatible: \"linux,kvm\"" },
    { "proc/device-tree/hypervisor/compatible", "xen,xen-4.17", "xen",
      "/proc/device-tree/hypervisor/compatible" },
    { "proc/device-tree/hypervisor/compatible", "vmware", "vmware",
      "/proc/device-tree/hypervisor/compatible" },
    { "proc/device-tree/fw-cfg@9020000/compatible", "qemu,fw-cfg-mmio", "qemu",
      "/proc/device-tree/fw-cfg@9020000" },
    { "proc/sysinfo", "Manufacturer: IBM\nVM00 Control Program: z/VM    7.3.0\n", "zvm",
      "/proc/sysinfo: \"VM00 Control Program: z/VM    7.3.0\"" },
    { "proc/sysinfo", "VM00 Control Program: KVM/Linux\n", "kvm", "/proc/sysinfo" },
    { "sys/class/dmi/id/bios_vendor", "BHYVE\n", "bhyve", "/sys/class/dmi/id/bios_vendor" },
    { "sys/class/dmi/id/sys_vendor", "Google\n", "none", "conclusion: none" },
    { "sys/class/dmi/id/product_name", "Google Compute Engine\n", "google",
      "conclusion: google (DMI vendor, trusted before CPUID)" },
    { "sys/class/dmi/id/product_name", "Apple Virtualization Generic Platform\n", "apple",
      "conclusion: apple (DMI vendor)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tree =
        make_tree ("proc/cpuinfo", BARE_FLAGS, cases[i][0], cases[i][1], NULL);
      g_autoptr (MtHypervisorInfo) info = probe_crafted (tree, NULL, NULL);

      g_test_message ("%s: %s", cases[i][0], cases[i][1]);
      g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, cases[i][2]);
      assert_evidence (info, cases[i][3]);

      mt_test_tree_free (g_steal_pointer (&tree));
    }
}

static void
test_order_dmi_details (void)
{
  g_autofree char *oracle_server =
    make_tree ("sys/class/dmi/id/board_vendor", "Oracle Corporation\n",
               "sys/class/dmi/id/board_name", "ORACLE SERVER X8-2\n", NULL);
  g_autofree char *vbox_board = make_tree ("sys/class/dmi/id/board_vendor", "Oracle Corporation\n",
                                           "sys/class/dmi/id/board_name", "VirtualBox\n", NULL);
  g_autofree char *hyperv_dmi = make_tree ("sys/class/dmi/id/sys_vendor", "Microsoft Corporation\n",
                                           "sys/class/dmi/id/product_name", "Virtual Machine\n",
                                           "sys/class/dmi/id/product_version", "7.0\n", NULL);
  g_autofree char *surface =
    make_tree ("sys/class/dmi/id/sys_vendor", "Microsoft Corporation\n",
               "sys/class/dmi/id/product_name", "Surface Laptop 5\n", NULL);
  g_autofree char *ec2_metal = make_tree ("sys/class/dmi/id/sys_vendor", "Amazon EC2\n",
                                          "sys/class/dmi/id/product_name", "c5.metal\n", NULL);
  g_autofree char *ec2_vm = make_tree ("sys/class/dmi/id/sys_vendor", "Amazon EC2\n",
                                       "sys/class/dmi/id/product_name", "c5.large\n", NULL);
  g_autoptr (MtHypervisorInfo) a = probe_crafted (oracle_server, NULL, NULL);
  g_autoptr (MtHypervisorInfo) b = probe_crafted (vbox_board, NULL, NULL);
  g_autoptr (MtHypervisorInfo) c = probe_crafted (hyperv_dmi, NULL, NULL);
  g_autoptr (MtHypervisorInfo) d = probe_crafted (surface, NULL, NULL);
  g_autoptr (MtHypervisorInfo) e = probe_crafted (ec2_metal, NULL, NULL);
  g_autoptr (MtHypervisorInfo) f = probe_crafted (ec2_vm, NULL, NULL);

  /* Oracle also sells servers */
  g_assert_cmpstr (mt_hypervisor_info_get_id (a), ==, "none");
  g_assert_cmpstr (mt_hypervisor_info_get_id (b), ==, "oracle");
  /* Azure's product_version is "7.0"; Microsoft also sells laptops */
  g_assert_cmpstr (mt_hypervisor_info_get_id (c), ==, "microsoft");
  assert_evidence (c, "/sys/class/dmi/id/product_name: \"Virtual Machine\"");
  g_assert_cmpstr (mt_hypervisor_info_get_id (d), ==, "none");
  /* without the raw table, EC2 decides by the ".metal" suffix */
  g_assert_cmpstr (mt_hypervisor_info_get_id (e), ==, "none");
  g_assert_cmpstr (mt_hypervisor_info_get_id (f), ==, "amazon");

  mt_test_tree_free (g_steal_pointer (&oracle_server));
  mt_test_tree_free (g_steal_pointer (&vbox_board));
  mt_test_tree_free (g_steal_pointer (&hyperv_dmi));
  mt_test_tree_free (g_steal_pointer (&surface));
  mt_test_tree_free (g_steal_pointer (&ec2_metal));
  mt_test_tree_free (g_steal_pointer (&ec2_vm));
}

static void
test_smbios_fill_in (void)
{
  static const guint8 table[] = { /* type 0, length 0x14, VM bit set; "Firmware" */
                                  0x00, 0x14, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 'F', 'i',
                                  'r', 'm', 'w', 'a', 'r', 'e', 0x00, 0x00,
                                  /* type 1, length 0x08; "Maker", "Thing" */
                                  0x01, 0x08, 0x01, 0x00, 0x01, 0x02, 0x00, 0x00, 'M', 'a', 'k',
                                  'e', 'r', 0x00, 'T', 'h', 'i', 'n', 'g', 0x00, 0x00,
                                  /* end of table */
                                  0x7f, 0x04, 0x02, 0x00, 0x00, 0x00
  };
  g_autofree char *tree = make_tree ("sys/class/dmi/id/sys_vendor", "Sysfs Maker\n", NULL);
  g_autoptr (MtHypervisorInfo) info = NULL;

  mt_test_tree_write (tree, "sys/firmware/dmi/tables/DMI", (const char *) table, sizeof table);
  info = probe_crafted (tree, NULL, NULL);

  /* sysfs first, the raw table for what sysfs lacks */
  g_assert_cmpstr (mt_hypervisor_info_get_dmi (info, "sys_vendor"), ==, "Sysfs Maker");
  g_assert_cmpstr (mt_hypervisor_info_get_dmi (info, "product_name"), ==, "Thing");
  g_assert_cmpstr (mt_hypervisor_info_get_dmi (info, "bios_vendor"), ==, "Firmware");
  /* the firmware's word that this is a VM, with no name for the VM */
  g_assert_cmpstr (mt_hypervisor_info_get_id (info), ==, "vm-other");
  assert_evidence (info, "/sys/firmware/dmi/tables/DMI: type 0");

  mt_test_tree_free (g_steal_pointer (&tree));
}

/* --------------------------------------------------------------- containers */

static void
test_containers (void)
{
  const struct
  {
    const char *files[6];
    const char *id;
    const char *evidence;
  } cases[] = {
    { { "proc/vz/veinfo", "", NULL }, "openvz", "/proc/vz: exists, /proc/bc: absent" },
    { { "proc/vz/veinfo", "", "proc/bc/0/resources", "", NULL }, "none", NULL },
    { { "proc/sys/kernel/osrelease", "4.4.0-19041-Microsoft\n", NULL },
      "wsl",
      "/proc/sys/kernel/osrelease" },
    { { "run/host/container-manager", "systemd-nspawn\n", "run/.containerenv", "", NULL },
      "systemd-nspawn",
      "/run/host/container-manager: \"systemd-nspawn\"" },
    { { "run/systemd/container", "lxc\n", NULL }, "lxc", "/run/systemd/container: \"lxc\"" },
    { { "run/systemd/container", "lxc-libvirt\n", NULL }, "lxc-libvirt", NULL },
    { { "run/systemd/container", "rkt\n", NULL }, "container-other", NULL },
    { { "run/systemd/container", "oci\n", ".dockerenv", "", NULL }, "docker", "/.dockerenv" },
    { { "run/systemd/container", "oci\n", NULL }, "container-other", NULL },
    { { "run/systemd/container", "", ".dockerenv", "", NULL }, "docker", "/.dockerenv: exists" },
    { { "run/.containerenv", "", ".dockerenv", "", NULL }, "podman", "/run/.containerenv: exists" },
    { { ".dockerenv", "", NULL }, "docker", "/.dockerenv: exists" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tree = mt_test_tree_new ();
      g_autoptr (MtHypervisorInfo) info = NULL;

      for (guint f = 0; cases[i].files[f] != NULL; f += 2)
        mt_test_tree_write (tree, cases[i].files[f], cases[i].files[f + 1], -1);
      info = probe_crafted (tree, NULL, NULL);

      g_test_message ("case %u: %s", i, cases[i].files[0]);
      g_assert_cmpstr (mt_hypervisor_info_get_container_id (info), ==, cases[i].id);
      if (cases[i].evidence != NULL)
        assert_evidence (info, cases[i].evidence);

      mt_test_tree_free (g_steal_pointer (&tree));
    }
}

static void
test_container_environ (void)
{
  static const char environ[] = "HOME=/\0container=lxc-libvirt\0TERM=linux";
  static const char empty[] = "PATH=/bin\0container=\0";
  g_autofree char *tree = mt_test_tree_new ();
  g_autofree char *tree2 = mt_test_tree_new ();
  g_autoptr (MtHypervisorInfo) info = NULL;
  g_autoptr (MtHypervisorInfo) info2 = NULL;

  mt_test_tree_write (tree, "proc/1/environ", environ, sizeof environ - 1);
  info = probe_crafted (tree, NULL, NULL);
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (info), ==, "lxc-libvirt");
  assert_evidence (info, "/proc/1/environ: container=lxc-libvirt");

  mt_test_tree_write (tree2, "proc/1/environ", empty, sizeof empty - 1);
  info2 = probe_crafted (tree2, NULL, NULL);
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (info2), ==, "none");

  mt_test_tree_free (g_steal_pointer (&tree));
  mt_test_tree_free (g_steal_pointer (&tree2));
}

/* ------------------------------------------------------------------ hostile */

static void
test_hostile (void)
{
  g_autofree char *empty = mt_test_tree_new ();
  g_autofree char *blank = make_tree (
    "proc/cpuinfo", "", "sys/class/dmi/id/sys_vendor", "", "sys/class/dmi/id/product_name", "\n",
    "proc/sys/kernel/osrelease", "", "proc/1/environ", "", "proc/sysinfo",
    "VM00 Control Program:", "sys/hypervisor/type", "", "proc/device-tree/hypervisor/compatible",
    "", "sys/devices/system/clocksource/clocksource0/current_clocksource", "",
    "run/systemd/container", "", "sys/firmware/dmi/tables/DMI", "", NULL);
  g_autofree char *garbage = make_tree (
    "proc/cpuinfo", "\xff\xfe garbage : : :\n\n\nflags : vmx\n", "sys/class/dmi/id/sys_vendor",
    "\x01\x02\xff\xfeQEMU\n", "sys/class/dmi/id/product_name", "KVM\xff\xfe\x80\n",
    "proc/xen/capabilities", "control_d,control_d,,,", "sys/hypervisor/properties/features",
    "zzzz\n", "sys/firmware/dmi/tables/DMI", "\x7f\x01\x00", "proc/1/environ", "container=\xff\xfe",
    "sys/devices/system/clocksource/clocksource0/current_clocksource", "\xff\xfe\n", NULL);
  g_autoptr (MtHypervisorInfo) a = probe_crafted (empty, NULL, NULL);
  g_autoptr (MtHypervisorInfo) b = probe_crafted (blank, NULL, NULL);
  g_autoptr (MtHypervisorInfo) c = probe_crafted (garbage, NULL, NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;

  /* nothing at all */
  g_assert_cmpstr (mt_hypervisor_info_get_id (a), ==, "none");
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (a), ==, "none");
  g_assert_false (mt_hypervisor_info_get_nested (a));
  assert_evidence (a, "conclusion: none");
  g_assert_null (mt_paravirt_get_clocksource (mt_hypervisor_info_get_paravirt (a)));

  /* empty files say nothing */
  g_assert_cmpstr (mt_hypervisor_info_get_id (b), ==, "none");
  g_assert_cmpstr (mt_hypervisor_info_get_container_id (b), ==, "none");
  g_assert_null (mt_hypervisor_info_get_dmi (b, "sys_vendor"));
  g_assert_null (mt_paravirt_get_clocksource (mt_hypervisor_info_get_paravirt (b)));

  /* garbage: still a result, and valid UTF-8 everywhere */
  g_assert_nonnull (mt_hypervisor_info_get_id (c));
  g_assert_true (mt_hypervisor_info_get_xen_dom0 (c));
  g_assert_true (g_utf8_validate (mt_hypervisor_info_get_dmi (c, "sys_vendor"), -1, NULL));
  json_builder_begin_object (builder);
  mt_hypervisor_info_to_json (c, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  g_assert_true (g_utf8_validate (json, -1, NULL));

  mt_test_tree_free (g_steal_pointer (&empty));
  mt_test_tree_free (g_steal_pointer (&blank));
  mt_test_tree_free (g_steal_pointer (&garbage));
}

static void
test_paravirt_tables (void)
{
  g_autoptr (MtHypervisorInfo) kvm = probe_fixture ("kvm-amd-epyc", TRUE);
  g_autoptr (MtHypervisorInfo) hv = probe_fixture ("hyperv-guest", TRUE);
  GPtrArray *lists[] = {
    mt_paravirt_get_features (mt_hypervisor_info_get_paravirt (kvm)),
    mt_paravirt_get_features (mt_hypervisor_info_get_paravirt (hv)),
  };

  /* every feature has a name, a description and its leaf */
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      g_assert_cmpuint (lists[l]->len, >, 10);
      for (guint i = 0; i < lists[l]->len; i++)
        {
          const MtParavirtFeature *feature = g_ptr_array_index (lists[l], i);

          g_assert_nonnull (feature->name);
          g_assert_nonnull (feature->description);
          g_assert_true (g_str_has_suffix (feature->description, "."));
          g_assert_true (g_str_has_prefix (feature->evidence, "CPUID 0x4000000"));
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hypervisor/recorded", test_recorded);
  g_test_add_func ("/hypervisor/recorded-files-only", test_recorded_files_only);
  g_test_add_func ("/hypervisor/json", test_json);
  g_test_add_func ("/hypervisor/vmware", test_vmware);
  g_test_add_func ("/hypervisor/hyperv", test_hyperv);
  g_test_add_func ("/hypervisor/xen-hvm", test_xen_hvm);
  g_test_add_func ("/hypervisor/xen-dom0", test_xen_dom0);
  g_test_add_func ("/hypervisor/virtualbox", test_virtualbox);
  g_test_add_func ("/hypervisor/parallels", test_parallels);
  g_test_add_func ("/hypervisor/kvm-hyperv", test_kvm_hyperv);
  g_test_add_func ("/hypervisor/qemu-tcg", test_qemu_tcg);
  g_test_add_func ("/hypervisor/bare-metal", test_bare_metal);
  g_test_add_func ("/hypervisor/wsl2", test_wsl2);
  g_test_add_func ("/hypervisor/podman", test_podman);
  g_test_add_func ("/hypervisor/amazon", test_amazon);
  g_test_add_func ("/hypervisor/order/cpuid-before-dmi", test_order_cpuid_before_dmi);
  g_test_add_func ("/hypervisor/order/hyperv-signature", test_order_hyperv_signature);
  g_test_add_func ("/hypervisor/order/signatures", test_order_signatures);
  g_test_add_func ("/hypervisor/order/unknown-signature", test_order_unknown_signature);
  g_test_add_func ("/hypervisor/order/xen", test_order_xen);
  g_test_add_func ("/hypervisor/order/uml", test_order_uml);
  g_test_add_func ("/hypervisor/order/late-sources", test_order_late_sources);
  g_test_add_func ("/hypervisor/order/dmi-details", test_order_dmi_details);
  g_test_add_func ("/hypervisor/smbios-fill-in", test_smbios_fill_in);
  g_test_add_func ("/hypervisor/containers", test_containers);
  g_test_add_func ("/hypervisor/container-environ", test_container_environ);
  g_test_add_func ("/hypervisor/hostile", test_hostile);
  g_test_add_func ("/hypervisor/paravirt-tables", test_paravirt_tables);

  return g_test_run ();
}
