/* mt-hypervisor-info.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-hypervisor-info"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-cpu-info.h"
#include "mt-hypervisor-info.h"
#include "mt-pci-device.h"
#include "mt-smbios.h"

/**
 * MtHypervisorInfo:
 *
 * Whether this machine is a virtual machine, and which hypervisor runs it;
 * whether it is a container, and which manager made it; whether it sees
 * VT-x/AMD-V (nested virtualization); and what it gets from its hypervisor
 * beyond emulation (#MtParavirt).
 *
 * The ids are systemd-detect-virt's, and so is the order in which evidence
 * is weighed (systemd's src/basic/virt.c, detect_vm() and
 * detect_container()):
 *
 * 1. DMI, for the hypervisors that may run on KVM or show Hyper-V's CPUID
 *    signature: VirtualBox (`oracle`), Xen, Amazon EC2, Parallels, Google;
 * 2. User-mode Linux (`/proc/cpuinfo`);
 * 3. Xen, through `/proc/xen` (dom0 counts as the host: id `none`);
 * 4. the CPUID hypervisor signature, at 0x40000000 and, behind Hyper-V's
 *    signature, at 0x40000100 where KVM and Xen put their own;
 * 5. the rest of DMI (QEMU, KVM, VMware, Hyper-V, bhyve, Bochs, Apple …);
 * 6. `/sys/hypervisor/type`, the device tree, `/proc/sysinfo` (z/VM);
 * 7. PCI vendor IDs that only one hypervisor uses (Modtune's addition);
 * 8. Hyper-V's signature alone gives `microsoft`, any other sign of a
 *    hypervisor `vm-other`.
 *
 * VMware is never concluded from anything QEMU also shows: QEMU answers
 * VMware's backdoor I/O port by default and can emulate VMware's SVGA,
 * VMXNET3 and PVSCSI devices.  The backdoor is never probed at all (it
 * would be an I/O port access, which a recorded tree cannot answer and an
 * unprivileged process cannot make), and of VMware's PCI devices only those
 * QEMU and VirtualBox do not emulate count.
 *
 * Every file is read through the #MtSysroot and every CPUID query goes
 * through #MtCpuid, so recorded trees of other machines replay exactly.
 */

typedef enum
{
  DMI_SYS_VENDOR,
  DMI_PRODUCT_NAME,
  DMI_PRODUCT_VERSION,
  DMI_PRODUCT_FAMILY,
  DMI_BOARD_VENDOR,
  DMI_BOARD_NAME,
  DMI_BIOS_VENDOR,
  DMI_BIOS_VERSION,
  DMI_CHASSIS_VENDOR,
  N_DMI,
} DmiField;

/* /sys/class/dmi/id file names, also the keys of the JSON "dmi" object */
static const char *const dmi_names[N_DMI] = {
  "sys_vendor", "product_name", "product_version", "product_family", "board_vendor",
  "board_name", "bios_vendor",  "bios_version",    "chassis_vendor",
};

struct _MtHypervisorInfo
{
  GObject parent_instance;

  const char *id;
  const char *container_id;
  char *name;
  gboolean xen_dom0;
  GPtrArray *evidence;
  gboolean nested;
  GPtrArray *nested_evidence;
  char *dmi[N_DMI];
  const char *dmi_source[N_DMI];
  MtParavirt *paravirt;
};

G_DEFINE_FINAL_TYPE (MtHypervisorInfo, mt_hypervisor_info, G_TYPE_OBJECT)

#define DMI_ID_DIR          "/sys/class/dmi/id"
#define CPUINFO_PATH        "/proc/cpuinfo"
#define XEN_PROC_PATH       "/proc/xen"
#define XEN_CAPS_PATH       "/proc/xen/capabilities"
#define XEN_FEATURES_PATH   "/sys/hypervisor/properties/features"
#define XEN_GUEST_TYPE_PATH "/sys/hypervisor/guest_type"
#define HYPERVISOR_PATH     "/sys/hypervisor/type"
#define DT_HYPERVISOR_PATH  "/proc/device-tree/hypervisor/compatible"
#define SYSINFO_PATH        "/proc/sysinfo"
#define OSRELEASE_PATH      "/proc/sys/kernel/osrelease"

/* xen/include/public/features.h */
#define XENFEAT_DOM0 11

/* Hyper-V's signature, which KVM and Xen show too when they offer Hyper-V
 * enlightenments (then with their own signature at 0x40000100) */
#define HYPERV_SIGNATURE "Microsoft Hv"

/* systemd's vm_table (detect_vm_cpuid) */
static const struct
{
  const char *signature;
  const char *id;
} cpuid_signatures[] = {
  { "XenVMMXenVMM", "xen" },   { "KVMKVMKVM", "kvm" },       { "Linux KVM Hv", "kvm" },
  { "TCGTCGTCGTCG", "qemu" },  { "VMwareVMware", "vmware" }, { HYPERV_SIGNATURE, "microsoft" },
  { "bhyve bhyve ", "bhyve" }, { "QNXQVMBSQG", "qnx" },      { "ACRNACRNACRN", "acrn" },
  { "SRESRESRESRE", "sre" },   { "Apple VZ", "apple" },
};

/* systemd's dmi_vendor_table (detect_vm_dmi_vendor): prefixes */
static const struct
{
  const char *prefix;
  const char *id;
} dmi_vendors[] = {
  { "KVM", "kvm" },
  { "OpenStack", "kvm" },
  { "KubeVirt", "kvm" },
  { "Amazon EC2", "amazon" },
  { "QEMU", "qemu" },
  { "VMware", "vmware" },
  { "VMW", "vmware" },
  { "innotek GmbH", "oracle" },
  { "VirtualBox", "oracle" },
  { "Xen", "xen" },
  { "Bochs", "bochs" },
  { "Parallels", "parallels" },
  { "BHYVE", "bhyve" },
  { "Hyper-V", "microsoft" },
  { "Apple Virtualization", "apple" },
  { "Google Compute Engine", "google" },
};

/* The files systemd looks in, in its order: product_name before sys_vendor
 * to tell KVM from QEMU. */
static const DmiField dmi_vendor_fields[] = {
  DMI_PRODUCT_NAME, DMI_SYS_VENDOR, DMI_BOARD_VENDOR, DMI_BIOS_VENDOR, DMI_PRODUCT_VERSION,
};

/* PCI vendors that only one hypervisor shows (and, for VMware, devices
 * that QEMU and VirtualBox do not emulate).  virtio proves only that some
 * hypervisor is there. */
static const struct
{
  guint16 vendor_id;
  gint32 device_id; /* -1: any device of the vendor */
  const char *id;
  const char *label;
} pci_vendors[] = {
  { MT_PCI_VENDOR_VIRTUALBOX, -1, "oracle", "VirtualBox" },
  { MT_PCI_VENDOR_PARALLELS, -1, "parallels", "Parallels" },
  { MT_PCI_VENDOR_MICROSOFT, 0x5353, "microsoft", "Hyper-V" },
  { MT_PCI_VENDOR_MICROSOFT, 0x008c, "microsoft", "Hyper-V" },
  { MT_PCI_VENDOR_MICROSOFT, 0x008e, "microsoft", "Hyper-V" },
  { MT_PCI_VENDOR_XEN, -1, "xen", "Xen" },
  { MT_PCI_VENDOR_VMWARE, 0x0740, "vmware", "VMware VMCI" },
  { MT_PCI_VENDOR_VMWARE, 0x0790, "vmware", "VMware PCI bridge" },
  { MT_PCI_VENDOR_VMWARE, 0x07a0, "vmware", "VMware PCI Express root port" },
  { MT_PCI_VENDOR_VIRTIO, -1, "vm-other", "virtio" },
  { MT_PCI_VENDOR_REDHAT, -1, "vm-other", "QEMU" },
};

/* systemd's container_table; names outside our vocabulary become
 * container-other */
static const char *const container_names[] = {
  "lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "wsl", "proot",
};

static void
mt_hypervisor_info_finalize (GObject *object)
{
  MtHypervisorInfo *self = (MtHypervisorInfo *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->evidence, g_ptr_array_unref);
  g_clear_pointer (&self->nested_evidence, g_ptr_array_unref);
  for (guint i = 0; i < N_DMI; i++)
    g_clear_pointer (&self->dmi[i], g_free);
  g_clear_object (&self->paravirt);

  G_OBJECT_CLASS (mt_hypervisor_info_parent_class)->finalize (object);
}

static void
mt_hypervisor_info_class_init (MtHypervisorInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_hypervisor_info_finalize;
}

static void
mt_hypervisor_info_init (MtHypervisorInfo *self)
{
  self->id = "none";
  self->container_id = "none";
  self->evidence = g_ptr_array_new_with_free_func (g_free);
  self->nested_evidence = g_ptr_array_new_with_free_func (g_free);
}

/* What one detection pass has seen so far. */
typedef struct
{
  MtHypervisorInfo *self;
  MtSysroot *sysroot;
  MtCpuid *cpuid;
  GPtrArray *pci_devices;
  MtCpuInfo *cpu;
  MtSmbios *smbios;
  char *signature;  /* CPUID 0x40000000 */
  char *signature2; /* CPUID 0x40000100 */
} Probe;

static void
probe_clear (Probe *p)
{
  g_clear_object (&p->cpu);
  g_clear_object (&p->smbios);
  g_clear_pointer (&p->signature, g_free);
  g_clear_pointer (&p->signature2, g_free);
}

static void add_evidence (MtHypervisorInfo *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
add_evidence (MtHypervisorInfo *self, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->evidence, g_strdup_vprintf (format, args));
  va_end (args);
}

/* One line of a /proc or /sys file, made safe to show; NULL if absent,
 * unreadable or empty. */
static char *
read_value (MtSysroot *sysroot, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = mt_sysroot_read_line (sysroot, path, &error);
  g_autofree char *valid = NULL;

  if (line == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_debug ("%s", error->message);
      return NULL;
    }

  valid = g_utf8_make_valid (line, -1);
  for (char *c = valid; *c != '\0'; c++)
    if ((guchar) *c < 0x20)
      *c = ' ';
  g_strstrip (valid);
  if (*valid == '\0')
    return NULL;

  return g_steal_pointer (&valid);
}

static void
read_dmi (Probe *p)
{
  MtHypervisorInfo *self = p->self;
  g_autoptr (GError) error = NULL;
  const char *from_table[N_DMI] = { NULL };

  for (guint i = 0; i < N_DMI; i++)
    {
      g_autofree char *path = g_build_filename (DMI_ID_DIR, dmi_names[i], NULL);

      self->dmi[i] = read_value (p->sysroot, path);
      if (self->dmi[i] != NULL)
        self->dmi_source[i] = g_intern_string (path);
    }

  /* The raw table is readable by root only; it fills in what sysfs lacks
   * and holds the "virtual machine" bit. */
  p->smbios = mt_smbios_new_for_sysroot (p->sysroot, &error);
  if (p->smbios == NULL)
    {
      g_debug ("No SMBIOS table: %s", error->message);
      return;
    }

  from_table[DMI_SYS_VENDOR] = mt_smbios_get_system_manufacturer (p->smbios);
  from_table[DMI_PRODUCT_NAME] = mt_smbios_get_system_product_name (p->smbios);
  from_table[DMI_PRODUCT_VERSION] = mt_smbios_get_system_version (p->smbios);
  from_table[DMI_PRODUCT_FAMILY] = mt_smbios_get_system_family (p->smbios);
  from_table[DMI_BOARD_VENDOR] = mt_smbios_get_board_vendor (p->smbios);
  from_table[DMI_BOARD_NAME] = mt_smbios_get_board_name (p->smbios);
  from_table[DMI_BIOS_VENDOR] = mt_smbios_get_bios_vendor (p->smbios);
  from_table[DMI_BIOS_VERSION] = mt_smbios_get_bios_version (p->smbios);
  from_table[DMI_CHASSIS_VENDOR] = mt_smbios_get_chassis_vendor (p->smbios);

  for (guint i = 0; i < N_DMI; i++)
    if (self->dmi[i] == NULL && from_table[i] != NULL)
      {
        self->dmi[i] = g_strdup (from_table[i]);
        self->dmi_source[i] = MT_SMBIOS_TABLE_PATH;
      }
}

static void
add_dmi_evidence (MtHypervisorInfo *self, DmiField field)
{
  if (g_strcmp0 (self->dmi_source[field], MT_SMBIOS_TABLE_PATH) == 0)
    add_evidence (self, "%s (%s): \"%s\"", MT_SMBIOS_TABLE_PATH, dmi_names[field],
                  self->dmi[field]);
  else
    add_evidence (self, "%s: \"%s\"", self->dmi_source[field], self->dmi[field]);
}

/* systemd's detect_vm_dmi(), with two refinements: "Oracle Corporation"
 * counts only on a board named VirtualBox (Oracle also sells servers), and
 * Microsoft's "Virtual Machine" product is Hyper-V whatever its version
 * string says. */
static const char *
detect_dmi (Probe *p)
{
  MtHypervisorInfo *self = p->self;
  MtSmbiosVmBit vm_bit =
    p->smbios != NULL ? mt_smbios_get_vm_bit (p->smbios) : MT_SMBIOS_VM_BIT_UNKNOWN;
  const char *id = NULL;

  for (guint f = 0; f < G_N_ELEMENTS (dmi_vendor_fields) && id == NULL; f++)
    {
      DmiField field = dmi_vendor_fields[f];
      const char *value = self->dmi[field];

      if (value == NULL)
        continue;

      for (guint i = 0; i < G_N_ELEMENTS (dmi_vendors); i++)
        if (g_str_has_prefix (value, dmi_vendors[i].prefix))
          {
            id = dmi_vendors[i].id;
            add_dmi_evidence (self, field);
            break;
          }

      if (id == NULL && field == DMI_BOARD_VENDOR &&
          g_str_has_prefix (value, "Oracle Corporation") &&
          g_strcmp0 (self->dmi[DMI_BOARD_NAME], "VirtualBox") == 0)
        {
          id = "oracle";
          add_dmi_evidence (self, DMI_BOARD_VENDOR);
          add_dmi_evidence (self, DMI_BOARD_NAME);
        }
    }

  if (id == NULL && g_strcmp0 (self->dmi[DMI_SYS_VENDOR], "Microsoft Corporation") == 0 &&
      g_strcmp0 (self->dmi[DMI_PRODUCT_NAME], "Virtual Machine") == 0)
    {
      id = "microsoft";
      add_dmi_evidence (self, DMI_SYS_VENDOR);
      add_dmi_evidence (self, DMI_PRODUCT_NAME);
    }

  if (vm_bit == MT_SMBIOS_VM_BIT_SET)
    add_evidence (self,
                  "%s: type 0 BIOS characteristics extension byte 2 bit 4 (virtual "
                  "machine): set",
                  MT_SMBIOS_TABLE_PATH);
  else if (vm_bit == MT_SMBIOS_VM_BIT_UNSET && g_strcmp0 (id, "amazon") == 0)
    add_evidence (self,
                  "%s: type 0 BIOS characteristics extension byte 2 bit 4 (virtual "
                  "machine): clear",
                  MT_SMBIOS_TABLE_PATH);

  /* EC2 bare-metal instances have the same DMI vendor as virtual ones. */
  if (g_strcmp0 (id, "amazon") == 0)
    {
      const char *product = self->dmi[DMI_PRODUCT_NAME];
      const char *metal = product != NULL ? strstr (product, ".metal") : NULL;

      if (vm_bit == MT_SMBIOS_VM_BIT_UNSET)
        id = NULL;
      else if (vm_bit == MT_SMBIOS_VM_BIT_UNKNOWN && metal != NULL &&
               (metal[6] == '\0' || metal[6] == '-'))
        {
          add_dmi_evidence (self, DMI_PRODUCT_NAME);
          id = NULL;
        }
    }

  if (id == NULL && vm_bit == MT_SMBIOS_VM_BIT_SET)
    id = "vm-other";

  return id;
}

static gboolean
detect_uml (Probe *p)
{
  const char *vendor = p->cpu != NULL ? mt_cpu_info_get_vendor_id (p->cpu) : NULL;

  if (vendor == NULL || !g_str_has_prefix (vendor, "User Mode Linux"))
    return FALSE;

  add_evidence (p->self, "%s vendor_id: \"%s\"", CPUINFO_PATH, vendor);
  return TRUE;
}

static gboolean
capabilities_have_control_d (const char *caps)
{
  g_auto (GStrv) words = g_strsplit (caps, ",", -1);

  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_equal (g_strstrip (words[i]), "control_d"))
      return TRUE;

  return FALSE;
}

/* TRUE in a Xen domain; *dom0 tells whether it is the privileged one. */
static gboolean
detect_xen (Probe *p, gboolean *dom0)
{
  MtHypervisorInfo *self = p->self;
  g_autofree char *features = NULL;
  g_autofree char *caps = NULL;

  *dom0 = FALSE;

  if (!mt_sysroot_test (p->sysroot, XEN_PROC_PATH, G_FILE_TEST_EXISTS))
    return FALSE;

  add_evidence (self, "%s: exists", XEN_PROC_PATH);

  features = read_value (p->sysroot, XEN_FEATURES_PATH);
  if (features != NULL)
    {
      guint64 value;
      char *end = NULL;

      value = g_ascii_strtoull (features, &end, 16);
      if (end != features && *end == '\0')
        {
          *dom0 = (value & (1u << XENFEAT_DOM0)) != 0;
          add_evidence (self, "%s: %s (XENFEAT_dom0, bit %d: %s)", XEN_FEATURES_PATH, features,
                        XENFEAT_DOM0, *dom0 ? "set" : "clear");
          return TRUE;
        }
    }

  caps = read_value (p->sysroot, XEN_CAPS_PATH);
  if (caps != NULL && capabilities_have_control_d (caps))
    {
      *dom0 = TRUE;
      add_evidence (self, "%s: \"%s\"", XEN_CAPS_PATH, caps);
    }

  return TRUE;
}

static const char *
signature_id (const char *signature)
{
  for (guint i = 0; i < G_N_ELEMENTS (cpuid_signatures); i++)
    if (g_strcmp0 (signature, cpuid_signatures[i].signature) == 0)
      return cpuid_signatures[i].id;

  return NULL;
}

/* The hypervisor bit, from CPUID leaf 1 or else from /proc/cpuinfo. */
static gboolean
detect_hypervisor_bit (Probe *p)
{
  MtCpuidRegs regs;

  if (p->cpuid != NULL && mt_cpuid_query (p->cpuid, 1, 0, &regs))
    {
      gboolean set = (regs.ecx & (1u << 31)) != 0;

      if (set)
        add_evidence (p->self, "CPUID 0x1 ECX bit 31 (hypervisor): set");
      return set;
    }

  if (p->cpu != NULL && mt_cpu_info_has_flag (p->cpu, "hypervisor"))
    {
      add_evidence (p->self, "%s flags: hypervisor", CPUINFO_PATH);
      return TRUE;
    }

  return FALSE;
}

/* systemd's detect_vm_cpuid(), looking behind Hyper-V's signature as
 * Linux's hypervisor_cpuid_base() does.  Sets *hyperv when only Hyper-V's
 * signature was seen (KVM and Xen show it too), *other when a hypervisor is
 * there but unnamed. */
static const char *
detect_cpuid (Probe *p, gboolean *hyperv, gboolean *other)
{
  MtHypervisorInfo *self = p->self;
  const char *id;

  if (!detect_hypervisor_bit (p))
    return NULL;

  if (p->cpuid == NULL)
    {
      *other = TRUE;
      return NULL;
    }

  p->signature = mt_paravirt_dup_cpuid_signature (p->cpuid, MT_CPUID_HYPERVISOR_BASE);
  if (p->signature == NULL)
    {
      add_evidence (self, "CPUID 0x%08x: no hypervisor signature", MT_CPUID_HYPERVISOR_BASE);
      *other = TRUE;
      return NULL;
    }

  add_evidence (self, "CPUID 0x%08x: \"%s\"", MT_CPUID_HYPERVISOR_BASE, p->signature);
  id = signature_id (p->signature);

  if (g_strcmp0 (id, "microsoft") == 0)
    {
      const char *id2;

      p->signature2 = mt_paravirt_dup_cpuid_signature (p->cpuid, MT_CPUID_HYPERVISOR_BASE +
                                                                   MT_CPUID_HYPERVISOR_STEP);
      id2 = signature_id (p->signature2);
      if (id2 != NULL && !g_str_equal (id2, "microsoft"))
        {
          add_evidence (self, "CPUID 0x%08x: \"%s\" (Hyper-V enlightenments offered by %s)",
                        MT_CPUID_HYPERVISOR_BASE + MT_CPUID_HYPERVISOR_STEP, p->signature2,
                        p->signature2);
          return id2;
        }

      *hyperv = TRUE;
      return NULL;
    }

  if (id == NULL)
    *other = TRUE;

  return id;
}

static const char *
detect_sys_hypervisor (Probe *p)
{
  g_autofree char *type = read_value (p->sysroot, HYPERVISOR_PATH);

  if (type == NULL)
    return NULL;

  add_evidence (p->self, "%s: \"%s\"", HYPERVISOR_PATH, type);

  return g_str_equal (type, "xen") ? "xen" : "vm-other";
}

/* systemd's detect_vm_device_tree() */
static const char *
detect_device_tree (Probe *p)
{
  MtHypervisorInfo *self = p->self;
  g_autofree char *compatible = read_value (p->sysroot, DT_HYPERVISOR_PATH);
  g_auto (GStrv) entries = NULL;

  if (compatible != NULL)
    {
      add_evidence (self, "%s: \"%s\"", DT_HYPERVISOR_PATH, compatible);
      if (g_str_equal (compatible, "linux,kvm"))
        return "kvm";
      if (strstr (compatible, "xen") != NULL)
        return "xen";
      if (strstr (compatible, "vmware") != NULL)
        return "vmware";
      return "vm-other";
    }

  if (mt_sysroot_test (p->sysroot, "/proc/device-tree/ibm,partition-name", G_FILE_TEST_EXISTS) &&
      mt_sysroot_test (p->sysroot, "/proc/device-tree/hmc-managed?", G_FILE_TEST_EXISTS) &&
      !mt_sysroot_test (p->sysroot, "/proc/device-tree/chosen/qemu,graphic-width",
                        G_FILE_TEST_EXISTS))
    {
      add_evidence (self, "/proc/device-tree: ibm,partition-name and hmc-managed? present");
      return "powervm";
    }

  entries = mt_sysroot_list_dir (p->sysroot, "/proc/device-tree", NULL);
  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    if (strstr (entries[i], "fw-cfg") != NULL)
      {
        add_evidence (self, "/proc/device-tree/%s: present (QEMU's fw-cfg)", entries[i]);
        return "qemu";
      }

  g_clear_pointer (&compatible, g_free);
  compatible = read_value (p->sysroot, "/proc/device-tree/compatible");
  if (g_strcmp0 (compatible, "qemu,pseries") == 0)
    {
      add_evidence (self, "/proc/device-tree/compatible: \"%s\"", compatible);
      return "qemu";
    }

  return NULL;
}

/* systemd's detect_vm_zvm(): s390 guests name their control program. */
static const char *
detect_zvm (Probe *p)
{
  g_autofree char *text = mt_sysroot_read_text (p->sysroot, SYSINFO_PATH, NULL);
  g_auto (GStrv) lines = NULL;

  if (text == NULL)
    return NULL;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *value;

      if (!g_str_has_prefix (lines[i], "VM00 Control Program:"))
        continue;

      value = lines[i] + strlen ("VM00 Control Program:");
      while (*value == ' ' || *value == '\t')
        value++;
      if (*value == '\0')
        return NULL;

      add_evidence (p->self, "%s: \"%s\"", SYSINFO_PATH, g_strstrip (lines[i]));
      return g_str_has_prefix (value, "z/VM") ? "zvm" : "kvm";
    }

  return NULL;
}

/* The most specific hypervisor that the PCI devices name; one line of
 * evidence per vendor seen. */
static const char *
detect_pci (Probe *p)
{
  const char *best = NULL;
  guint best_rank = G_N_ELEMENTS (pci_vendors);
  gboolean seen[G_N_ELEMENTS (pci_vendors)] = { FALSE };

  if (p->pci_devices == NULL)
    return NULL;

  for (guint i = 0; i < p->pci_devices->len; i++)
    {
      MtPciDevice *dev = g_ptr_array_index (p->pci_devices, i);
      guint16 vendor_id = mt_pci_device_get_vendor_id (dev);
      guint16 device_id = mt_pci_device_get_device_id (dev);

      for (guint r = 0; r < G_N_ELEMENTS (pci_vendors); r++)
        {
          if (pci_vendors[r].vendor_id != vendor_id ||
              (pci_vendors[r].device_id >= 0 && pci_vendors[r].device_id != device_id))
            continue;

          if (!seen[r])
            {
              g_autofree char *id = mt_pci_device_dup_id (dev);

              seen[r] = TRUE;
              add_evidence (p->self, "PCI %s: %s (%s)", mt_pci_device_get_address (dev), id,
                            pci_vendors[r].label);
            }
          if (r < best_rank)
            {
              best_rank = r;
              best = pci_vendors[r].id;
            }
          break;
        }
    }

  return best;
}

static void
detect_nested (Probe *p, gboolean in_vm)
{
  MtHypervisorInfo *self = p->self;
  MtCpuidRegs regs;
  gboolean seen = FALSE;

  if (p->cpu != NULL)
    for (guint i = 0; i < 2; i++)
      {
        const char *flag = i == 0 ? "vmx" : "svm";

        if (mt_cpu_info_has_flag (p->cpu, flag))
          {
            g_ptr_array_add (self->nested_evidence,
                             g_strdup_printf ("%s flags: %s", CPUINFO_PATH, flag));
            seen = TRUE;
          }
      }

  if (p->cpuid != NULL)
    {
      if (mt_cpuid_query (p->cpuid, 1, 0, &regs) && (regs.ecx & (1u << 5)) != 0)
        {
          g_ptr_array_add (self->nested_evidence, g_strdup ("CPUID 0x1 ECX bit 5 (VMX): set"));
          seen = TRUE;
        }
      if (mt_cpuid_query (p->cpuid, 0x80000001, 0, &regs) && (regs.ecx & (1u << 2)) != 0)
        {
          g_ptr_array_add (self->nested_evidence,
                           g_strdup ("CPUID 0x80000001 ECX bit 2 (SVM): set"));
          seen = TRUE;
        }
    }

  self->nested = in_vm && seen;

  if (seen && !in_vm)
    g_ptr_array_add (self->nested_evidence,
                     g_strdup ("not a virtual machine: VT-x/AMD-V is the processor's own"));
  else if (!seen)
    g_ptr_array_add (self->nested_evidence,
                     g_strdup (p->cpu != NULL || p->cpuid != NULL
                                 ? "no vmx or svm flag, no VMX or SVM CPUID bit"
                                 : "no /proc/cpuinfo and no CPUID source"));
}

static const char *
container_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (container_names); i++)
    if (g_str_equal (name, container_names[i]))
      return container_names[i];

  return "container-other";
}

static const char *
container_from_files (Probe *p)
{
  if (mt_sysroot_test (p->sysroot, "/run/.containerenv", G_FILE_TEST_EXISTS))
    {
      add_evidence (p->self, "/run/.containerenv: exists");
      return "podman";
    }
  /* last: /.dockerenv can end up in any image */
  if (mt_sysroot_test (p->sysroot, "/.dockerenv", G_FILE_TEST_EXISTS))
    {
      add_evidence (p->self, "/.dockerenv: exists");
      return "docker";
    }

  return NULL;
}

/* A `container=` value names the manager; "oci" names none. */
static const char *
container_from_value (Probe *p, const char *value)
{
  const char *id;

  if (g_str_equal (value, "oci"))
    {
      id = container_from_files (p);
      return id != NULL ? id : "container-other";
    }

  return container_from_name (value);
}

static char *
pid1_container_variable (Probe *p)
{
  g_autoptr (GBytes) bytes = mt_sysroot_read (p->sysroot, "/proc/1/environ", NULL);
  const char *data;
  gsize len;
  gsize start = 0;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  for (gsize i = 0; i <= len; i++)
    {
      if (i < len && data[i] != '\0')
        continue;
      if (i - start > strlen ("container=") && strncmp (data + start, "container=", 10) == 0)
        {
          g_autofree char *value = g_strndup (data + start + 10, i - start - 10);

          return g_utf8_make_valid (value, -1);
        }
      start = i + 1;
    }

  return NULL;
}

/* proot traces the processes it runs; only meaningful for this machine. */
static gboolean
running_under_proot (Probe *p)
{
  g_autofree char *status = NULL;
  g_auto (GStrv) lines = NULL;

  if (!mt_sysroot_is_host (p->sysroot))
    return FALSE;

  status = mt_sysroot_read_text (p->sysroot, "/proc/self/status", NULL);
  if (status == NULL)
    return FALSE;

  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *comm_path = NULL;
      g_autofree char *comm = NULL;
      gint64 pid;

      if (!g_str_has_prefix (lines[i], "TracerPid:"))
        continue;
      if (!g_ascii_string_to_signed (g_strstrip (lines[i] + 10), 10, 1, G_MAXINT, &pid, NULL))
        return FALSE;

      comm_path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/comm", pid);
      comm = read_value (p->sysroot, comm_path);
      if (comm != NULL && g_str_has_prefix (comm, "proot"))
        {
          add_evidence (p->self, "%s: \"%s\" traces this process", comm_path, comm);
          return TRUE;
        }
      return FALSE;
    }

  return FALSE;
}

/* systemd's detect_container(), minus the cgroup namespace guess. */
static const char *
detect_container (Probe *p)
{
  MtHypervisorInfo *self = p->self;
  g_autofree char *osrelease = NULL;
  g_autofree char *value = NULL;
  const char *id;

  /* /proc/vz is inside and outside OpenVZ containers, /proc/bc only outside */
  if (mt_sysroot_test (p->sysroot, "/proc/vz", G_FILE_TEST_EXISTS) &&
      !mt_sysroot_test (p->sysroot, "/proc/bc", G_FILE_TEST_EXISTS))
    {
      add_evidence (self, "/proc/vz: exists, /proc/bc: absent");
      return "openvz";
    }

  /* Microsoft's documented way to recognize WSL */
  osrelease = read_value (p->sysroot, OSRELEASE_PATH);
  if (osrelease != NULL &&
      (strstr (osrelease, "Microsoft") != NULL || strstr (osrelease, "WSL") != NULL))
    {
      add_evidence (self, "%s: \"%s\"", OSRELEASE_PATH, osrelease);
      return "wsl";
    }

  if (running_under_proot (p))
    return "proot";

  value = read_value (p->sysroot, "/run/host/container-manager");
  if (value != NULL)
    {
      add_evidence (self, "/run/host/container-manager: \"%s\"", value);
      return container_from_value (p, value);
    }

  value = read_value (p->sysroot, "/run/systemd/container");
  if (value != NULL)
    {
      add_evidence (self, "/run/systemd/container: \"%s\"", value);
      return container_from_value (p, value);
    }

  value = pid1_container_variable (p);
  if (value != NULL && *value != '\0')
    {
      add_evidence (self, "/proc/1/environ: container=%s", value);
      return container_from_value (p, value);
    }

  id = container_from_files (p);
  return id != NULL ? id : "none";
}

static const char *
base_name (const char *id)
{
  if (g_str_equal (id, "kvm"))
    return _ ("KVM");
  if (g_str_equal (id, "qemu"))
    return _ ("QEMU");
  if (g_str_equal (id, "vmware"))
    return _ ("VMware");
  if (g_str_equal (id, "microsoft"))
    return _ ("Microsoft Hyper-V");
  if (g_str_equal (id, "xen"))
    return _ ("Xen");
  if (g_str_equal (id, "oracle"))
    return _ ("Oracle VirtualBox");
  if (g_str_equal (id, "parallels"))
    return _ ("Parallels");
  if (g_str_equal (id, "bhyve"))
    return _ ("bhyve");
  if (g_str_equal (id, "acrn"))
    return _ ("ACRN");
  if (g_str_equal (id, "qnx"))
    return _ ("QNX Hypervisor");
  if (g_str_equal (id, "apple"))
    return _ ("Apple Virtualization");
  if (g_str_equal (id, "sre"))
    return _ ("Lockheed Martin SRE");
  if (g_str_equal (id, "amazon"))
    return _ ("Amazon EC2");
  if (g_str_equal (id, "google"))
    return _ ("Google Compute Engine");
  if (g_str_equal (id, "bochs"))
    return _ ("Bochs");
  if (g_str_equal (id, "powervm"))
    return _ ("IBM PowerVM");
  if (g_str_equal (id, "zvm"))
    return _ ("IBM z/VM");
  if (g_str_equal (id, "uml"))
    return _ ("User-mode Linux");
  if (g_str_equal (id, "vm-other"))
    return _ ("An unidentified hypervisor");

  return NULL;
}

static char *
make_name (Probe *p)
{
  MtHypervisorInfo *self = p->self;
  const char *name = base_name (self->id);
  const char *sig_id = signature_id (p->signature);

  if (self->xen_dom0 && g_str_equal (self->id, "none"))
    return g_strdup (_ ("Xen dom0 (privileged domain)"));

  if (name == NULL)
    return NULL;

  if (g_str_equal (self->id, "kvm") &&
      (g_strcmp0 (sig_id, "microsoft") == 0 || g_strcmp0 (p->signature, "Linux KVM Hv") == 0))
    return g_strdup (_ ("KVM with Hyper-V enlightenments"));

  if (g_str_equal (self->id, "qemu") && g_strcmp0 (sig_id, "qemu") == 0)
    return g_strdup (_ ("QEMU (TCG, software emulation)"));

  if (g_str_equal (self->id, "xen"))
    {
      g_autofree char *type = read_value (p->sysroot, XEN_GUEST_TYPE_PATH);

      if (type != NULL)
        {
          add_evidence (self, "%s: \"%s\"", XEN_GUEST_TYPE_PATH, type);
          /* TRANSLATORS: %s is HVM, PV or PVH */
          return g_strdup_printf (_ ("Xen (%s guest)"), type);
        }
    }

  /* VirtualBox, Parallels, Amazon … that show another hypervisor's
   * paravirtual interface */
  if (sig_id != NULL && !g_str_equal (sig_id, self->id) &&
      (g_str_equal (sig_id, "kvm") || g_str_equal (sig_id, "microsoft")))
    /* TRANSLATORS: "Oracle VirtualBox (KVM paravirtualization interface)" */
    return g_strdup_printf (_ ("%s (%s paravirtualization interface)"), name,
                            g_str_equal (sig_id, "kvm") ? "KVM" : "Hyper-V");

  return g_strdup (name);
}

static void
conclude (MtHypervisorInfo *self, const char *id, const char *reason)
{
  self->id = id;
  add_evidence (self, "conclusion: %s (%s)", id, reason);
}

static void
detect_vm (Probe *p)
{
  MtHypervisorInfo *self = p->self;
  gboolean hyperv = FALSE;
  gboolean other = FALSE;
  gboolean dom0 = FALSE;
  const char *dmi;
  const char *id;

  dmi = detect_dmi (p);
  if (dmi != NULL &&
      (g_str_equal (dmi, "oracle") || g_str_equal (dmi, "xen") || g_str_equal (dmi, "amazon") ||
       g_str_equal (dmi, "parallels") || g_str_equal (dmi, "google")))
    {
      /* still note the CPUID signature: it names the paravirtual interface */
      if (detect_hypervisor_bit (p) && p->cpuid != NULL)
        {
          p->signature = mt_paravirt_dup_cpuid_signature (p->cpuid, MT_CPUID_HYPERVISOR_BASE);
          if (p->signature != NULL)
            add_evidence (self, "CPUID 0x%08x: \"%s\"", MT_CPUID_HYPERVISOR_BASE, p->signature);
        }
      conclude (self, dmi, "DMI vendor, trusted before CPUID");
      return;
    }

  if (detect_uml (p))
    {
      conclude (self, "uml", "/proc/cpuinfo vendor");
      return;
    }

  if (detect_xen (p, &dom0))
    {
      if (!dom0)
        {
          conclude (self, "xen", "Xen domain");
          return;
        }
      /* dom0 is the host; only a hypervisor below Xen makes it a guest */
      self->xen_dom0 = TRUE;
    }

  id = detect_cpuid (p, &hyperv, &other);
  if (dom0)
    {
      if (id != NULL && !g_str_equal (id, "xen"))
        conclude (self, id, "CPUID: Xen dom0 nested in another hypervisor");
      else
        conclude (self, "none", "Xen dom0 counts as the host, as in systemd-detect-virt");
      return;
    }
  if (id != NULL)
    {
      conclude (self, id, "CPUID hypervisor signature");
      return;
    }

  if (dmi != NULL && !g_str_equal (dmi, "vm-other"))
    {
      conclude (self, dmi, "DMI vendor");
      return;
    }
  if (dmi != NULL)
    other = TRUE;

  id = detect_sys_hypervisor (p);
  if (id != NULL && !g_str_equal (id, "vm-other"))
    {
      conclude (self, id, HYPERVISOR_PATH);
      return;
    }
  if (id != NULL)
    other = TRUE;

  id = detect_device_tree (p);
  if (id != NULL && !g_str_equal (id, "vm-other"))
    {
      conclude (self, id, "device tree");
      return;
    }
  if (id != NULL)
    other = TRUE;

  id = detect_zvm (p);
  if (id != NULL)
    {
      conclude (self, id, SYSINFO_PATH);
      return;
    }

  id = detect_pci (p);
  if (id != NULL && !g_str_equal (id, "vm-other"))
    {
      conclude (self, id, "PCI vendor ID");
      return;
    }
  if (id != NULL)
    other = TRUE;

  if (hyperv)
    conclude (self, "microsoft", "Hyper-V's CPUID signature, and nothing names another hypervisor");
  else if (other)
    conclude (self, "vm-other", "a hypervisor is there, but nothing names it");
  else
    conclude (self, "none", "no hypervisor bit or signature, and no file names a hypervisor");
}

/**
 * mt_hypervisor_info_probe:
 * @sysroot: the tree to detect
 * @cpuid: (nullable): where to ask CPUID; without it, the `hypervisor` flag
 *   of `/proc/cpuinfo` stands in for the hypervisor bit
 * @pci_devices: (element-type MtPciDevice) (nullable): from mt_pci_probe()
 *
 * Every source is optional: a file that is missing or unreadable is a
 * source that says nothing.  The result never depends on the machine
 * Modtune runs on when @sysroot is a recorded tree.
 *
 * Returns: (transfer full): what was found; %NULL only on invalid arguments
 */
MtHypervisorInfo *
mt_hypervisor_info_probe (MtSysroot *sysroot,
                          MtCpuid *cpuid,
                          GPtrArray *pci_devices,
                          GError **error)
{
  g_autoptr (MtHypervisorInfo) self = NULL;
  Probe p = { 0 };

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (cpuid == NULL || MT_IS_CPUID (cpuid), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_HYPERVISOR_INFO, NULL);

  p.self = self;
  p.sysroot = sysroot;
  p.cpuid = cpuid;
  p.pci_devices = pci_devices;
  p.cpu = mt_cpu_info_probe (sysroot, NULL, NULL);

  read_dmi (&p);
  detect_vm (&p);
  self->name = make_name (&p);
  self->container_id = detect_container (&p);
  if (!g_str_equal (self->container_id, "none"))
    add_evidence (self, "container: %s", self->container_id);
  detect_nested (&p, !g_str_equal (self->id, "none"));

  self->paravirt = mt_paravirt_probe (sysroot, cpuid, pci_devices, self->id);

  probe_clear (&p);

  return g_steal_pointer (&self);
}

const char *
mt_hypervisor_info_get_id (MtHypervisorInfo *self)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), NULL);

  return self->id;
}

const char *
mt_hypervisor_info_get_container_id (MtHypervisorInfo *self)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), NULL);

  return self->container_id;
}

/**
 * mt_hypervisor_info_get_name:
 *
 * Returns: (nullable): the hypervisor for a person (translated), such as
 *   `KVM with Hyper-V enlightenments`; %NULL on bare metal, except for
 *   Xen's dom0
 */
const char *
mt_hypervisor_info_get_name (MtHypervisorInfo *self)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), NULL);

  return self->name;
}

/**
 * mt_hypervisor_info_get_evidence:
 *
 * Returns: (transfer none) (element-type utf8): each thing seen, in the
 *   order it was weighed (`CPUID 0x40000000: "KVMKVMKVM"`,
 *   `/sys/class/dmi/id/sys_vendor: "QEMU"` …), then a line `conclusion: ID
 *   (why)`, then the container evidence
 */
GPtrArray *
mt_hypervisor_info_get_evidence (MtHypervisorInfo *self)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), NULL);

  return self->evidence;
}

gboolean
mt_hypervisor_info_get_nested (MtHypervisorInfo *self)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), FALSE);

  return self->nested;
}

gboolean
mt_hypervisor_info_get_xen_dom0 (MtHypervisorInfo *self)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), FALSE);

  return self->xen_dom0;
}

/**
 * mt_hypervisor_info_get_nested_evidence:
 *
 * Returns: (transfer none) (element-type utf8): the flags and CPUID bits
 *   that show VT-x or AMD-V, or a line saying there are none
 */
GPtrArray *
mt_hypervisor_info_get_nested_evidence (MtHypervisorInfo *self)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), NULL);

  return self->nested_evidence;
}

/**
 * mt_hypervisor_info_get_dmi:
 * @key: a `/sys/class/dmi/id` file name: `sys_vendor`, `product_name`,
 *   `product_version`, `product_family`, `board_vendor`, `board_name`,
 *   `bios_vendor`, `bios_version` or `chassis_vendor`
 *
 * Returns: (nullable): the string, from sysfs or else from the raw SMBIOS
 *   table
 */
const char *
mt_hypervisor_info_get_dmi (MtHypervisorInfo *self, const char *key)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < N_DMI; i++)
    if (g_str_equal (key, dmi_names[i]))
      return self->dmi[i];

  return NULL;
}

/**
 * mt_hypervisor_info_get_paravirt:
 *
 * Returns: (transfer none): the paravirtual features and devices
 */
MtParavirt *
mt_hypervisor_info_get_paravirt (MtHypervisorInfo *self)
{
  g_return_val_if_fail (MT_IS_HYPERVISOR_INFO (self), NULL);

  return self->paravirt;
}

static void
add_string_array (JsonBuilder *builder, const char *key, GPtrArray *strings)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
}

/**
 * mt_hypervisor_info_to_json:
 * @builder: a builder inside an object
 *
 * Adds `id`, `name`, `container`, `xen_dom0`, `evidence`, `nested`,
 * `nested_evidence`, `dmi` (the DMI strings found), `paravirt`,
 * `clocksource` and `devices`.
 */
void
mt_hypervisor_info_to_json (MtHypervisorInfo *self, JsonBuilder *builder)
{
  const char *clocksource;

  g_return_if_fail (MT_IS_HYPERVISOR_INFO (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "name");
  if (self->name != NULL)
    json_builder_add_string_value (builder, self->name);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "container");
  json_builder_add_string_value (builder, self->container_id);
  json_builder_set_member_name (builder, "xen_dom0");
  json_builder_add_boolean_value (builder, self->xen_dom0);
  add_string_array (builder, "evidence", self->evidence);
  json_builder_set_member_name (builder, "nested");
  json_builder_add_boolean_value (builder, self->nested);
  add_string_array (builder, "nested_evidence", self->nested_evidence);

  json_builder_set_member_name (builder, "dmi");
  json_builder_begin_object (builder);
  for (guint i = 0; i < N_DMI; i++)
    if (self->dmi[i] != NULL)
      {
        json_builder_set_member_name (builder, dmi_names[i]);
        json_builder_add_string_value (builder, self->dmi[i]);
      }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "paravirt");
  mt_paravirt_features_to_json (self->paravirt, builder);

  clocksource = mt_paravirt_get_clocksource (self->paravirt);
  json_builder_set_member_name (builder, "clocksource");
  if (clocksource != NULL)
    json_builder_add_string_value (builder, clocksource);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "devices");
  mt_paravirt_devices_to_json (self->paravirt, builder);
}
