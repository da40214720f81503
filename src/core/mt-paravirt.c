/* mt-paravirt.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-paravirt"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-json.h"
#include "mt-paravirt.h"
#include "mt-pci-device.h"

/**
 * MtParavirt:
 *
 * What a guest gets from its hypervisor beyond plain emulation: the
 * paravirtual CPU features of the KVM and Hyper-V interfaces (read from
 * their CPUID leaves), the clocksource the kernel chose, and the PCI
 * devices that are paravirtual, or emulated where a paravirtual
 * alternative exists.
 *
 * Bit numbers are those of the Linux kernel headers
 * `arch/x86/include/uapi/asm/kvm_para.h` (KVM, leaf base + 1) and
 * `arch/x86/include/asm/hyperv-tlfs.h` (Hyper-V TLFS, leaves base + 3 and
 * base + 4).  KVM and Hyper-V interfaces are looked for at every base of
 * the hypervisor range, as the kernel's hypervisor_cpuid_base() does: KVM
 * moves its own leaves to 0x40000100 when it shows Hyper-V's at 0x40000000.
 */
struct _MtParavirt
{
  GObject parent_instance;

  guint32 kvm_base;
  guint32 hyperv_base;
  GPtrArray *features;
  char *clocksource;
  GPtrArray *devices;
};

G_DEFINE_FINAL_TYPE (MtParavirt, mt_paravirt, G_TYPE_OBJECT)

#define CLOCKSOURCE_PATH "/sys/devices/system/clocksource/clocksource0/current_clocksource"

#define KVM_SIGNATURE    "KVMKVMKVM"
#define HYPERV_SIGNATURE "Microsoft Hv"
/* KVM's own implementation of the Hyper-V interface */
#define KVM_HV_SIGNATURE "Linux KVM Hv"

typedef enum
{
  REG_EAX,
  REG_EBX,
  REG_ECX,
  REG_EDX,
} Register;

static const char *const register_names[] = { "EAX", "EBX", "ECX", "EDX" };

/* A feature is present when any of its bits is set.  Names and
 * descriptions are in feature_text(). */
typedef struct
{
  const char *id;
  guint32 leaf_offset; /* from the interface's base leaf */
  Register reg;
  int bit;
  const char *bit_name;
  int bit2; /* -1 when the feature has one bit */
  const char *bit2_name;
} FeatureSpec;

/* kvm_para.h: KVM_CPUID_FEATURES (base + 1), EAX; KVM_HINTS in EDX */
static const FeatureSpec kvm_features[] = {
  { "kvmclock", 1, REG_EAX, 0, "KVM_FEATURE_CLOCKSOURCE", 3, "KVM_FEATURE_CLOCKSOURCE2" },
  { "kvm-nopiodelay", 1, REG_EAX, 1, "KVM_FEATURE_NOP_IO_DELAY", -1, NULL },
  { "kvm-asyncpf", 1, REG_EAX, 4, "KVM_FEATURE_ASYNC_PF", -1, NULL },
  { "kvm-steal-time", 1, REG_EAX, 5, "KVM_FEATURE_STEAL_TIME", -1, NULL },
  { "kvm-pv-eoi", 1, REG_EAX, 6, "KVM_FEATURE_PV_EOI", -1, NULL },
  { "kvm-pv-unhalt", 1, REG_EAX, 7, "KVM_FEATURE_PV_UNHALT", -1, NULL },
  { "kvm-pv-tlb-flush", 1, REG_EAX, 9, "KVM_FEATURE_PV_TLB_FLUSH", -1, NULL },
  { "kvm-asyncpf-vmexit", 1, REG_EAX, 10, "KVM_FEATURE_ASYNC_PF_VMEXIT", -1, NULL },
  { "kvm-pv-ipi", 1, REG_EAX, 11, "KVM_FEATURE_PV_SEND_IPI", -1, NULL },
  { "kvm-poll-control", 1, REG_EAX, 12, "KVM_FEATURE_POLL_CONTROL", -1, NULL },
  { "kvm-pv-sched-yield", 1, REG_EAX, 13, "KVM_FEATURE_PV_SCHED_YIELD", -1, NULL },
  { "kvm-asyncpf-int", 1, REG_EAX, 14, "KVM_FEATURE_ASYNC_PF_INT", -1, NULL },
  { "kvm-msi-ext-dest-id", 1, REG_EAX, 15, "KVM_FEATURE_MSI_EXT_DEST_ID", -1, NULL },
  { "kvm-hc-map-gpa-range", 1, REG_EAX, 16, "KVM_FEATURE_HC_MAP_GPA_RANGE", -1, NULL },
  { "kvm-migration-control", 1, REG_EAX, 17, "KVM_FEATURE_MIGRATION_CONTROL", -1, NULL },
  { "kvmclock-stable-bit", 1, REG_EAX, 24, "KVM_FEATURE_CLOCKSOURCE_STABLE_BIT", -1, NULL },
  { "kvm-hint-dedicated", 1, REG_EDX, 0, "KVM_HINTS_REALTIME", -1, NULL },
};

/* hyperv-tlfs.h: HYPERV_CPUID_FEATURES (base + 3) EAX and EDX,
 * HYPERV_CPUID_ENLIGHTMENT_INFO (base + 4) EAX */
static const FeatureSpec hyperv_features[] = {
  { "hv-time", 3, REG_EAX, 9, "HV_MSR_REFERENCE_TSC_AVAILABLE", -1, NULL },
  { "hv-time-ref-count", 3, REG_EAX, 1, "HV_MSR_TIME_REF_COUNT_AVAILABLE", -1, NULL },
  { "hv-synic", 3, REG_EAX, 2, "HV_X64_MSR_SYNIC_AVAILABLE", -1, NULL },
  { "hv-stimer", 3, REG_EAX, 3, "HV_MSR_SYNTIMER_AVAILABLE", -1, NULL },
  { "hv-stimer-direct", 3, REG_EDX, 19, "HV_STIMER_DIRECT_MODE_AVAILABLE", -1, NULL },
  { "hv-vapic", 3, REG_EAX, 4, "HV_X64_MSR_APIC_ACCESS_AVAILABLE", -1, NULL },
  { "hv-hypercall", 3, REG_EAX, 5, "HV_X64_MSR_HYPERCALL_AVAILABLE", -1, NULL },
  { "hv-vpindex", 3, REG_EAX, 6, "HV_X64_MSR_VP_INDEX_AVAILABLE", -1, NULL },
  { "hv-runtime", 3, REG_EAX, 0, "HV_X64_MSR_VP_RUNTIME_AVAILABLE", -1, NULL },
  { "hv-reset", 3, REG_EAX, 7, "HV_X64_MSR_RESET_AVAILABLE", -1, NULL },
  { "hv-frequencies", 3, REG_EAX, 11, "HV_X64_ACCESS_FREQUENCY_MSRS", -1, NULL },
  { "hv-reenlightenment", 3, REG_EAX, 13, "HV_X64_ACCESS_REENLIGHTENMENT", -1, NULL },
  { "hv-crash", 3, REG_EDX, 10, "HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE", -1, NULL },
  { "hv-xmm-input", 3, REG_EDX, 4, "HV_X64_HYPERCALL_PARAMS_XMM_AVAILABLE", -1, NULL },
  { "hv-relaxed", 4, REG_EAX, 5, "HV_X64_RELAXED_TIMING_RECOMMENDED", -1, NULL },
  { "hv-tlbflush", 4, REG_EAX, 2, "HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED", -1, NULL },
  { "hv-ipi", 4, REG_EAX, 10, "HV_X64_CLUSTER_IPI_RECOMMENDED", -1, NULL },
  { "hv-ex-processor-masks", 4, REG_EAX, 11, "HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED", -1, NULL },
  { "hv-evmcs", 4, REG_EAX, 14, "HV_X64_ENLIGHTENED_VMCS_RECOMMENDED", -1, NULL },
};

/* What an emulated device is, to choose the suggestion. */
typedef enum
{
  CATEGORY_NONE,
  CATEGORY_NETWORK,
  CATEGORY_STORAGE,
  CATEGORY_DISPLAY,
} Category;

/* Notes of paravirtual devices are in paravirtual_note(), by name. */
typedef struct
{
  guint16 vendor_id;
  guint16 device_id;
  MtParavirtDeviceKind kind;
  const char *name;
  Category category; /* emulated devices only */
} DeviceSpec;

#define PV       MT_PARAVIRT_DEVICE_PARAVIRTUAL
#define EMULATED MT_PARAVIRT_DEVICE_EMULATED

/* IDs from pci.ids; virtio's modern IDs are 0x1040 + the device type of the
 * virtio specification (section 5), its transitional ones 0x1000–0x103f. */
static const DeviceSpec device_specs[] = {
  { 0x1af4, 0x1000, PV, "virtio-net", CATEGORY_NONE },
  { 0x1af4, 0x1041, PV, "virtio-net", CATEGORY_NONE },
  { 0x1af4, 0x1001, PV, "virtio-blk", CATEGORY_NONE },
  { 0x1af4, 0x1042, PV, "virtio-blk", CATEGORY_NONE },
  { 0x1af4, 0x1004, PV, "virtio-scsi", CATEGORY_NONE },
  { 0x1af4, 0x1048, PV, "virtio-scsi", CATEGORY_NONE },
  { 0x1af4, 0x1002, PV, "virtio-balloon", CATEGORY_NONE },
  { 0x1af4, 0x1045, PV, "virtio-balloon", CATEGORY_NONE },
  { 0x1af4, 0x1003, PV, "virtio-console", CATEGORY_NONE },
  { 0x1af4, 0x1043, PV, "virtio-console", CATEGORY_NONE },
  { 0x1af4, 0x1005, PV, "virtio-rng", CATEGORY_NONE },
  { 0x1af4, 0x1044, PV, "virtio-rng", CATEGORY_NONE },
  { 0x1af4, 0x1009, PV, "virtio-9p", CATEGORY_NONE },
  { 0x1af4, 0x1049, PV, "virtio-9p", CATEGORY_NONE },
  { 0x1af4, 0x1050, PV, "virtio-gpu", CATEGORY_NONE },
  { 0x1af4, 0x1052, PV, "virtio-input", CATEGORY_NONE },
  { 0x1af4, 0x1053, PV, "virtio-vsock", CATEGORY_NONE },
  { 0x1af4, 0x1054, PV, "virtio-crypto", CATEGORY_NONE },
  { 0x1af4, 0x1057, PV, "virtio-iommu", CATEGORY_NONE },
  { 0x1af4, 0x1058, PV, "virtio-mem", CATEGORY_NONE },
  { 0x1af4, 0x1059, PV, "virtio-sound", CATEGORY_NONE },
  { 0x1af4, 0x105a, PV, "virtio-fs", CATEGORY_NONE },
  { 0x1af4, 0x105b, PV, "virtio-pmem", CATEGORY_NONE },
  { 0x1b36, 0x0100, PV, "QXL", CATEGORY_NONE },
  { 0x15ad, 0x07b0, PV, "VMware VMXNET3", CATEGORY_NONE },
  { 0x15ad, 0x07c0, PV, "VMware PVSCSI", CATEGORY_NONE },
  { 0x15ad, 0x0405, PV, "VMware SVGA II", CATEGORY_NONE },
  { 0x15ad, 0x0740, PV, "VMware VMCI", CATEGORY_NONE },
  { 0x1d0f, 0xec20, PV, "Amazon ENA", CATEGORY_NONE },
  { 0x1414, 0x5353, PV, "Hyper-V synthetic video", CATEGORY_NONE },
  { 0x1414, 0x008c, PV, "Hyper-V GPU paravirtualization", CATEGORY_NONE },
  { 0x1414, 0x008e, PV, "Hyper-V GPU paravirtualization", CATEGORY_NONE },
  { 0x5853, 0x0001, PV, "Xen platform device", CATEGORY_NONE },
  { 0x80ee, 0xcafe, PV, "VirtualBox guest service", CATEGORY_NONE },
  { 0x1ab8, 0x4000, PV, "Parallels VM communication interface", CATEGORY_NONE },
  { 0x1ab8, 0x4005, PV, "Parallels video adapter", CATEGORY_NONE },
  { 0x1ab8, 0x4006, PV, "Parallels memory balloon", CATEGORY_NONE },

  /* emulated, with a paravirtual alternative */
  { 0x8086, 0x100e, EMULATED, "Intel e1000 (82540EM)", CATEGORY_NETWORK },
  { 0x8086, 0x100f, EMULATED, "Intel e1000 (82545EM)", CATEGORY_NETWORK },
  { 0x8086, 0x10d3, EMULATED, "Intel e1000e (82574L)", CATEGORY_NETWORK },
  { 0x10ec, 0x8139, EMULATED, "Realtek RTL8139", CATEGORY_NETWORK },
  { 0x1022, 0x2000, EMULATED, "AMD PCnet32", CATEGORY_NETWORK },
  { 0x1011, 0x0009, EMULATED, "DEC 21140 (Hyper-V legacy network adapter)", CATEGORY_NETWORK },
  { 0x8086, 0x7010, EMULATED, "Intel PIIX3 IDE", CATEGORY_STORAGE },
  { 0x8086, 0x7111, EMULATED, "Intel PIIX4 IDE", CATEGORY_STORAGE },
  { 0x8086, 0x2922, EMULATED, "Intel ICH9 AHCI", CATEGORY_STORAGE },
  { 0x8086, 0x2829, EMULATED, "Intel ICH8M AHCI", CATEGORY_STORAGE },
  { 0x15ad, 0x07e0, EMULATED, "VMware SATA AHCI", CATEGORY_STORAGE },
  { 0x1000, 0x0030, EMULATED, "LSI Logic 53c1030 SCSI", CATEGORY_STORAGE },
  { 0x1000, 0x0054, EMULATED, "LSI Logic SAS1068", CATEGORY_STORAGE },
  { 0x104b, 0x1040, EMULATED, "BusLogic MultiMaster", CATEGORY_STORAGE },
  { 0x1013, 0x00b8, EMULATED, "Cirrus Logic GD 5446", CATEGORY_DISPLAY },
  { 0x1234, 0x1111, EMULATED, "QEMU standard VGA", CATEGORY_DISPLAY },
  { 0x80ee, 0xbeef, EMULATED, "VirtualBox VGA", CATEGORY_DISPLAY },
};

#undef PV
#undef EMULATED

/* The translated name and description of the feature @id.  (Kept out of
 * the tables: N_() inside an initializer list defeats clang-format.) */
static void
feature_text (const char *id, const char **name, const char **description)
{
  *name = NULL;
  *description = NULL;

  if (g_str_equal (id, "kvmclock"))
    {
      *name = _ ("KVM clock");
      *description = _ ("The guest reads the time from a page the host keeps up to date, instead "
                        "of trapping on every timer read.");
    }
  else if (g_str_equal (id, "kvm-nopiodelay"))
    {
      *name = _ ("No I/O delay");
      *description = _ ("The guest skips the pauses after I/O port accesses that old hardware "
                        "needed and that cost a VM exit each.");
    }
  else if (g_str_equal (id, "kvm-asyncpf"))
    {
      *name = _ ("Asynchronous page faults");
      *description = _ ("While the host swaps in a page of the guest, the guest runs other tasks "
                        "instead of freezing the whole virtual CPU.");
    }
  else if (g_str_equal (id, "kvm-steal-time"))
    {
      *name = _ ("Steal time");
      *description = _ ("The guest learns how long its virtual CPUs waited for a real one, so its "
                        "scheduler and tools such as top can account for it.");
    }
  else if (g_str_equal (id, "kvm-pv-eoi"))
    {
      *name = _ ("Paravirtual end of interrupt");
      *description = _ ("The guest acknowledges interrupts by writing to memory instead of the "
                        "emulated APIC, saving a VM exit per interrupt.");
    }
  else if (g_str_equal (id, "kvm-pv-unhalt"))
    {
      *name = _ ("Paravirtual spinlocks");
      *description = _ ("A virtual CPU waiting for a lock sleeps until the holder wakes it, "
                        "instead of spinning while the holder is not even running.");
    }
  else if (g_str_equal (id, "kvm-pv-tlb-flush"))
    {
      *name = _ ("Paravirtual TLB flush");
      *description = _ ("TLB flushes for preempted virtual CPUs wait until they run again, "
                        "instead of interrupting them all.");
    }
  else if (g_str_equal (id, "kvm-asyncpf-vmexit"))
    {
      *name = _ ("Asynchronous page faults as VM exits");
      *description = _ ("A hypervisor running inside this guest receives asynchronous page "
                        "faults as VM exits.");
    }
  else if (g_str_equal (id, "kvm-pv-ipi"))
    {
      *name = _ ("Paravirtual IPIs");
      *description = _ ("One hypercall interrupts many virtual CPUs, instead of one VM exit per "
                        "target.");
    }
  else if (g_str_equal (id, "kvm-poll-control"))
    {
      *name = _ ("Poll control");
      *description = _ ("The guest can turn off the host's polling of idle virtual CPUs when it "
                        "polls itself.");
    }
  else if (g_str_equal (id, "kvm-pv-sched-yield"))
    {
      *name = _ ("Paravirtual yield");
      *description = _ ("A virtual CPU that waits for a preempted one hands its time to it with a "
                        "hypercall.");
    }
  else if (g_str_equal (id, "kvm-asyncpf-int"))
    {
      *name = _ ("Asynchronous page faults by interrupt");
      *description = _ ("Pages that become ready are announced with an ordinary interrupt, the "
                        "current form of asynchronous page faults.");
    }
  else if (g_str_equal (id, "kvm-msi-ext-dest-id"))
    {
      *name = _ ("Extended MSI destination ID");
      *description = _ ("Device interrupts can reach virtual CPUs numbered above 255 without an "
                        "emulated IOMMU.");
    }
  else if (g_str_equal (id, "kvm-hc-map-gpa-range"))
    {
      *name = _ ("Memory sharing hypercall");
      *description = _ ("A confidential guest (SEV, TDX) tells the host which of its memory it "
                        "shares.");
    }
  else if (g_str_equal (id, "kvm-migration-control"))
    {
      *name = _ ("Migration control");
      *description = _ ("A confidential guest tells the host when it can be live-migrated.");
    }
  else if (g_str_equal (id, "kvmclock-stable-bit"))
    {
      *name = _ ("Stable KVM clock");
      *description = _ ("The host guarantees that the KVM clock never goes backwards between "
                        "virtual CPUs, so the guest can skip its own checks.");
    }
  else if (g_str_equal (id, "kvm-hint-dedicated"))
    {
      *name = _ ("Dedicated CPUs hint");
      *description = _ ("The host says every virtual CPU has a real CPU to itself and is never "
                        "preempted.");
    }
  else if (g_str_equal (id, "hv-time"))
    {
      *name = _ ("Reference TSC page");
      *description = _ ("The guest computes the time from the processor's TSC with a scale and "
                        "offset the hypervisor publishes, without any VM exit.");
    }
  else if (g_str_equal (id, "hv-time-ref-count"))
    {
      *name = _ ("Partition reference counter");
      *description = _ ("A counter of 100 ns ticks since the virtual machine started, read from "
                        "an MSR.");
    }
  else if (g_str_equal (id, "hv-synic"))
    {
      *name = _ ("Synthetic interrupt controller");
      *description = _ ("SynIC carries the messages and events of VMBus, through which Hyper-V's "
                        "paravirtual devices talk to the host.");
    }
  else if (g_str_equal (id, "hv-stimer"))
    {
      *name = _ ("Synthetic timers");
      *description = _ ("Timers that the hypervisor fires directly, instead of an emulated "
                        "local APIC timer.");
    }
  else if (g_str_equal (id, "hv-stimer-direct"))
    {
      *name = _ ("Direct synthetic timers");
      *description = _ ("Synthetic timers raise an ordinary interrupt instead of a SynIC "
                        "message.");
    }
  else if (g_str_equal (id, "hv-vapic"))
    {
      *name = _ ("APIC access MSRs");
      *description = _ ("The guest reaches the APIC's EOI, ICR and TPR registers through MSRs "
                        "instead of emulated memory, saving VM exits.");
    }
  else if (g_str_equal (id, "hv-hypercall"))
    {
      *name = _ ("Hypercall page");
      *description = _ ("The page through which the guest calls the hypervisor directly.");
    }
  else if (g_str_equal (id, "hv-vpindex"))
    {
      *name = _ ("Virtual processor index");
      *description = _ ("Each virtual CPU knows the number the hypervisor gives it, which the TLB "
                        "flush and IPI hypercalls need.");
    }
  else if (g_str_equal (id, "hv-runtime"))
    {
      *name = _ ("Virtual processor run time");
      *description = _ ("The guest can read how much real CPU time each virtual CPU has had.");
    }
  else if (g_str_equal (id, "hv-reset"))
    {
      *name = _ ("Reset MSR");
      *description = _ ("The guest can reset the virtual machine through an MSR.");
    }
  else if (g_str_equal (id, "hv-frequencies"))
    {
      *name = _ ("Frequency MSRs");
      *description = _ ("The guest reads the TSC and APIC timer frequencies instead of measuring "
                        "them.");
    }
  else if (g_str_equal (id, "hv-reenlightenment"))
    {
      *name = _ ("Reenlightenment");
      *description = _ ("After a live migration to a host with another TSC frequency, the guest "
                        "is told to recalibrate its clock.");
    }
  else if (g_str_equal (id, "hv-crash"))
    {
      *name = _ ("Crash notification");
      *description = _ ("The guest can report a crash and its registers to the host.");
    }
  else if (g_str_equal (id, "hv-xmm-input"))
    {
      *name = _ ("XMM hypercall input");
      *description = _ ("Hypercalls can pass their parameters in XMM registers instead of "
                        "memory.");
    }
  else if (g_str_equal (id, "hv-relaxed"))
    {
      *name = _ ("Relaxed timing");
      *description = _ ("The hypervisor asks the guest not to treat late timer interrupts as a "
                        "hang, so watchdogs do not fire when the host is busy.");
    }
  else if (g_str_equal (id, "hv-tlbflush"))
    {
      *name = _ ("Remote TLB flush by hypercall");
      *description = _ ("TLB flushes on other virtual CPUs take one hypercall instead of "
                        "interrupting each of them.");
    }
  else if (g_str_equal (id, "hv-ipi"))
    {
      *name = _ ("Cluster IPI");
      *description = _ ("One hypercall sends an interrupt to many virtual CPUs.");
    }
  else if (g_str_equal (id, "hv-ex-processor-masks"))
    {
      *name = _ ("Extended processor masks");
      *description = _ ("The TLB flush and IPI hypercalls can address more than 64 virtual "
                        "CPUs.");
    }
  else if (g_str_equal (id, "hv-evmcs"))
    {
      *name = _ ("Enlightened VMCS");
      *description = _ ("A hypervisor inside this guest can use the enlightened VMCS (Hyper-V's "
                        "paravirtual interface for nested virtualization).");
    }
}

/* The translated note of a paravirtual device, by its name in
 * device_specs. */
static const char *
paravirtual_note (const char *name)
{
  if (g_str_equal (name, "virtio-net"))
    return _ ("A paravirtual network card: packets travel through queues in shared memory "
              "instead of an emulated card.");
  if (g_str_equal (name, "virtio-blk"))
    return _ ("A paravirtual disk: requests travel through queues in shared memory instead of "
              "an emulated disk controller.");
  if (g_str_equal (name, "virtio-scsi"))
    return _ ("A paravirtual SCSI controller that carries many disks through queues in shared "
              "memory.");
  if (g_str_equal (name, "virtio-balloon") || g_str_equal (name, "Parallels memory balloon"))
    return _ ("Lets the host take memory back from the guest, and give it again, while the "
              "guest runs.");
  if (g_str_equal (name, "virtio-console"))
    return _ ("Paravirtual consoles and channels between guest and host, used by guest "
              "agents.");
  if (g_str_equal (name, "virtio-rng"))
    return _ ("Feeds the guest's random number generator from the host.");
  if (g_str_equal (name, "virtio-9p"))
    return _ ("Shares directories of the host with the guest over the 9P protocol.");
  if (g_str_equal (name, "virtio-gpu"))
    return _ ("A paravirtual display, with 3D acceleration when the host offers it, instead of "
              "an emulated graphics card.");
  if (g_str_equal (name, "virtio-input"))
    return _ ("A paravirtual keyboard, mouse or tablet.");
  if (g_str_equal (name, "virtio-vsock"))
    return _ ("Sockets between guest and host that need no network (AF_VSOCK).");
  if (g_str_equal (name, "virtio-crypto"))
    return _ ("Lets the guest use the host's cryptographic accelerators.");
  if (g_str_equal (name, "virtio-iommu"))
    return _ ("A paravirtual IOMMU that isolates the guest's devices from each other.");
  if (g_str_equal (name, "virtio-mem"))
    return _ ("Lets the host add memory to the guest or take it away in small blocks.");
  if (g_str_equal (name, "virtio-sound"))
    return _ ("A paravirtual sound card.");
  if (g_str_equal (name, "virtio-fs"))
    return _ ("Shares directories of the host with the guest (virtiofs).");
  if (g_str_equal (name, "virtio-pmem"))
    return _ ("Host memory or a host file that the guest uses as persistent memory.");
  if (g_str_equal (name, "QXL"))
    return _ ("SPICE's paravirtual graphics card; virtio-gpu is its successor.");
  if (g_str_equal (name, "VMware VMXNET3"))
    return _ ("VMware's paravirtual network card.");
  if (g_str_equal (name, "VMware PVSCSI"))
    return _ ("VMware's paravirtual SCSI controller, the paravirtual alternative to the "
              "emulated LSI Logic ones.");
  if (g_str_equal (name, "VMware SVGA II"))
    return _ ("VMware's paravirtual graphics adapter (driver vmwgfx), with 3D acceleration when "
              "the host offers it.");
  if (g_str_equal (name, "VMware VMCI"))
    return _ ("VMware's Virtual Machine Communication Interface: channels between guest and "
              "host, used by VMware Tools and vsock.");
  if (g_str_equal (name, "Amazon ENA"))
    return _ ("Amazon's Elastic Network Adapter, the network card of EC2 instances on the Nitro "
              "system.");
  if (g_str_equal (name, "Hyper-V synthetic video"))
    return _ ("Hyper-V's synthetic display of Generation 1 virtual machines.");
  if (g_str_equal (name, "Hyper-V GPU paravirtualization"))
    return _ ("Gives the guest the host's GPU through DirectX (driver dxgkrnl), as WSL 2 "
              "does.");
  if (g_str_equal (name, "Xen platform device"))
    return _ ("Lets the guest switch from emulated disks and network cards to Xen's "
              "paravirtual drivers.");
  if (g_str_equal (name, "VirtualBox guest service"))
    return _ ("The channel of VirtualBox's Guest Additions: shared folders, clipboard, time "
              "synchronization.");
  if (g_str_equal (name, "Parallels VM communication interface"))
    return _ ("The channel of Parallels Tools between guest and host.");
  if (g_str_equal (name, "Parallels video adapter"))
    return _ ("Parallels' paravirtual graphics adapter.");

  return _ ("A paravirtual device.");
}

static void
feature_free (gpointer data)
{
  MtParavirtFeature *feature = data;

  g_free (feature->evidence);
  g_free (feature);
}

static void
device_free (gpointer data)
{
  MtParavirtDevice *device = data;

  g_free (device->address);
  g_free (device->id);
  g_free (device->name);
  g_free (device->driver);
  g_free (device->note);
  g_free (device);
}

static void
mt_paravirt_finalize (GObject *object)
{
  MtParavirt *self = (MtParavirt *) object;

  g_clear_pointer (&self->features, g_ptr_array_unref);
  g_clear_pointer (&self->clocksource, g_free);
  g_clear_pointer (&self->devices, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_paravirt_parent_class)->finalize (object);
}

static void
mt_paravirt_class_init (MtParavirtClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_paravirt_finalize;
}

static void
mt_paravirt_init (MtParavirt *self)
{
  self->features = g_ptr_array_new_with_free_func (feature_free);
  self->devices = g_ptr_array_new_with_free_func (device_free);
}

static guint32
register_value (const MtCpuidRegs *regs, Register reg)
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
    default:
      return regs->edx;
    }
}

static void
add_features (MtParavirt *self,
              MtCpuid *cpuid,
              guint32 base,
              const FeatureSpec *specs,
              gsize n_specs)
{
  for (gsize i = 0; i < n_specs; i++)
    {
      const FeatureSpec *spec = &specs[i];
      guint32 leaf = base + spec->leaf_offset;
      MtParavirtFeature *feature;
      MtCpuidRegs regs;
      gboolean have_leaf;
      guint32 value;
      gboolean set1, set2 = FALSE;

      have_leaf = mt_cpuid_query (cpuid, leaf, 0, &regs);
      value = register_value (&regs, spec->reg);
      set1 = have_leaf && (value & (1u << spec->bit)) != 0;
      if (spec->bit2 >= 0)
        set2 = have_leaf && (value & (1u << spec->bit2)) != 0;

      feature = g_new0 (MtParavirtFeature, 1);
      feature->id = spec->id;
      feature_text (spec->id, &feature->name, &feature->description);
      feature->present = set1 || set2;
      if (!have_leaf)
        feature->evidence = g_strdup_printf ("CPUID 0x%08x: leaf absent (%s bit %d, %s)", leaf,
                                             register_names[spec->reg], spec->bit, spec->bit_name);
      else if (spec->bit2 < 0)
        feature->evidence =
          g_strdup_printf ("CPUID 0x%08x %s bit %d (%s): %s", leaf, register_names[spec->reg],
                           spec->bit, spec->bit_name, set1 ? "set" : "clear");
      else
        feature->evidence = g_strdup_printf ("CPUID 0x%08x %s bit %d (%s): %s, bit %d (%s): %s",
                                             leaf, register_names[spec->reg], spec->bit,
                                             spec->bit_name, set1 ? "set" : "clear", spec->bit2,
                                             spec->bit2_name, set2 ? "set" : "clear");

      g_ptr_array_add (self->features, feature);
    }
}

static const char *
suggestion (Category category, const char *hypervisor_id)
{
  switch (category)
    {
    case CATEGORY_NETWORK:
      if (g_strcmp0 (hypervisor_id, "vmware") == 0)
        return "VMXNET3";
      if (g_strcmp0 (hypervisor_id, "microsoft") == 0)
        return _ ("the synthetic network adapter (netvsc)");
      if (g_strcmp0 (hypervisor_id, "xen") == 0)
        return _ ("Xen's paravirtual network driver (netfront)");
      return "virtio-net";

    case CATEGORY_STORAGE:
      if (g_strcmp0 (hypervisor_id, "vmware") == 0)
        return "PVSCSI";
      if (g_strcmp0 (hypervisor_id, "microsoft") == 0)
        return _ ("the synthetic SCSI controller (storvsc)");
      if (g_strcmp0 (hypervisor_id, "xen") == 0)
        return _ ("Xen's paravirtual block driver (blkfront)");
      if (g_strcmp0 (hypervisor_id, "oracle") == 0)
        return "virtio-scsi";
      return _ ("virtio-blk or virtio-scsi");

    case CATEGORY_DISPLAY:
      if (g_strcmp0 (hypervisor_id, "vmware") == 0)
        return _ ("the SVGA II adapter (vmwgfx)");
      if (g_strcmp0 (hypervisor_id, "microsoft") == 0)
        return _ ("the synthetic video device (hyperv_drm)");
      if (g_strcmp0 (hypervisor_id, "oracle") == 0)
        return "VMSVGA";
      if (g_strcmp0 (hypervisor_id, "xen") == 0)
        return _ ("Xen's paravirtual framebuffer (xen-fbfront)");
      return "virtio-gpu";

    case CATEGORY_NONE:
    default:
      return NULL;
    }
}

static char *
emulated_note (Category category, const char *hypervisor_id)
{
  const char *better = suggestion (category, hypervisor_id);

  switch (category)
    {
    case CATEGORY_NETWORK:
      /* TRANSLATORS: %s is a paravirtual network card, such as virtio-net */
      return g_strdup_printf (_ ("An emulated network card: every packet goes through the "
                                 "hypervisor's device emulation; %s is the paravirtual "
                                 "alternative."),
                              better);
    case CATEGORY_STORAGE:
      /* TRANSLATORS: %s is a paravirtual disk controller, such as virtio-scsi */
      return g_strdup_printf (_ ("An emulated disk controller: every request goes through the "
                                 "hypervisor's device emulation; %s is the paravirtual "
                                 "alternative."),
                              better);
    case CATEGORY_DISPLAY:
      /* TRANSLATORS: %s is a paravirtual display, such as virtio-gpu */
      return g_strdup_printf (
        _ ("An emulated graphics card without acceleration; %s is the paravirtual "
           "alternative."),
        better);
    case CATEGORY_NONE:
    default:
      return NULL;
    }
}

static const DeviceSpec *
find_device_spec (guint16 vendor_id, guint16 device_id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (device_specs); i++)
    if (device_specs[i].vendor_id == vendor_id && device_specs[i].device_id == device_id)
      return &device_specs[i];

  return NULL;
}

static void
add_devices (MtParavirt *self, GPtrArray *pci_devices, const char *hypervisor_id)
{
  gboolean in_vm = hypervisor_id != NULL && !g_str_equal (hypervisor_id, "none");

  for (guint i = 0; i < pci_devices->len; i++)
    {
      MtPciDevice *dev = g_ptr_array_index (pci_devices, i);
      guint16 vendor_id = mt_pci_device_get_vendor_id (dev);
      guint16 device_id = mt_pci_device_get_device_id (dev);
      const DeviceSpec *spec = find_device_spec (vendor_id, device_id);
      MtParavirtDevice *device;
      char *name = NULL;
      char *note = NULL;
      MtParavirtDeviceKind kind = MT_PARAVIRT_DEVICE_PARAVIRTUAL;

      if (spec != NULL && spec->kind == MT_PARAVIRT_DEVICE_PARAVIRTUAL)
        {
          name = g_strdup (spec->name);
          note = g_strdup (paravirtual_note (spec->name));
        }
      else if (spec != NULL && in_vm)
        {
          /* Emulated models are only worth a note inside a virtual machine:
           * on bare metal the same IDs are real hardware. */
          kind = MT_PARAVIRT_DEVICE_EMULATED;
          name = g_strdup (spec->name);
          note = emulated_note (spec->category, hypervisor_id);
        }
      else if (vendor_id == MT_PCI_VENDOR_VIRTIO && device_id >= 0x1000 && device_id <= 0x107f)
        {
          if (device_id >= 0x1040)
            name = g_strdup_printf ("virtio (device type %u)", (guint) (device_id - 0x1040));
          else
            name = g_strdup ("virtio (transitional)");
          note = g_strdup (_ ("A paravirtual virtio device."));
        }
      else
        continue;

      device = g_new0 (MtParavirtDevice, 1);
      device->address = g_strdup (mt_pci_device_get_address (dev));
      device->id = mt_pci_device_dup_id (dev);
      device->name = name;
      device->kind = kind;
      device->driver = g_strdup (mt_pci_device_get_driver (dev));
      device->note = note;
      g_ptr_array_add (self->devices, device);
    }
}

/**
 * mt_paravirt_dup_cpuid_signature:
 * @base: a base leaf of the hypervisor range (0x40000000, 0x40000100 …)
 *
 * Returns: (transfer full) (nullable): the 12-byte vendor signature in EBX,
 *   ECX, EDX of @base, up to its first NUL, with unprintable bytes replaced
 *   by `?`; %NULL if the leaf is absent or empty
 */
char *
mt_paravirt_dup_cpuid_signature (MtCpuid *cpuid, guint32 base)
{
  MtCpuidRegs regs;
  char sig[13];

  g_return_val_if_fail (MT_IS_CPUID (cpuid), NULL);

  if (!mt_cpuid_query (cpuid, base, 0, &regs))
    return NULL;

  memcpy (sig + 0, &regs.ebx, 4);
  memcpy (sig + 4, &regs.ecx, 4);
  memcpy (sig + 8, &regs.edx, 4);
  sig[12] = '\0';

  for (char *c = sig; *c != '\0'; c++)
    if (!g_ascii_isprint (*c))
      *c = '?';

  if (sig[0] == '\0')
    return NULL;

  return g_strdup (sig);
}

/**
 * mt_paravirt_find_cpuid_base:
 * @signature: such as `KVMKVMKVM`
 *
 * Looks for @signature at every base of the hypervisor range, as Linux's
 * hypervisor_cpuid_base() does.
 *
 * Returns: the base leaf, or 0 if no base has @signature
 */
guint32
mt_paravirt_find_cpuid_base (MtCpuid *cpuid, const char *signature)
{
  g_return_val_if_fail (MT_IS_CPUID (cpuid), 0);
  g_return_val_if_fail (signature != NULL, 0);

  for (guint32 base = MT_CPUID_HYPERVISOR_BASE; base < MT_CPUID_HYPERVISOR_LIMIT;
       base += MT_CPUID_HYPERVISOR_STEP)
    {
      g_autofree char *sig = mt_paravirt_dup_cpuid_signature (cpuid, base);

      if (g_strcmp0 (sig, signature) == 0)
        return base;
    }

  return 0;
}

/**
 * mt_paravirt_probe:
 * @sysroot: where to read the clocksource
 * @cpuid: (nullable): where to ask CPUID; without it no feature is listed
 * @pci_devices: (element-type MtPciDevice) (nullable): from mt_pci_probe()
 * @hypervisor_id: (nullable): the machine's systemd-detect-virt id
 *
 * Nothing here can fail: a missing source leaves its part empty.
 *
 * Returns: (transfer full): the paravirtual features and devices
 */
MtParavirt *
mt_paravirt_probe (MtSysroot *sysroot,
                   MtCpuid *cpuid,
                   GPtrArray *pci_devices,
                   const char *hypervisor_id)
{
  MtParavirt *self;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (cpuid == NULL || MT_IS_CPUID (cpuid), NULL);

  self = g_object_new (MT_TYPE_PARAVIRT, NULL);

  if (cpuid != NULL)
    {
      MtCpuidRegs leaf1;
      /* Without the hypervisor bit, mt_cpuid_query() (which reads leaf 1 for
       * every leaf of the range) answers none of the range: do not ask 256
       * times on bare metal. */
      gboolean bare = mt_cpuid_query (cpuid, 1, 0, &leaf1) && (leaf1.ecx & (1u << 31)) == 0;

      /* one pass over the range: under a hypervisor every CPUID is an exit */
      for (guint32 base = MT_CPUID_HYPERVISOR_BASE; !bare && base < MT_CPUID_HYPERVISOR_LIMIT;
           base += MT_CPUID_HYPERVISOR_STEP)
        {
          g_autofree char *sig = mt_paravirt_dup_cpuid_signature (cpuid, base);

          if (sig == NULL)
            continue;
          if (self->kvm_base == 0 && g_str_equal (sig, KVM_SIGNATURE))
            self->kvm_base = base;
          if (self->hyperv_base == 0 &&
              (g_str_equal (sig, HYPERV_SIGNATURE) || g_str_equal (sig, KVM_HV_SIGNATURE)))
            self->hyperv_base = base;
          /* the rest of the range cannot change either */
          if (self->kvm_base != 0 && self->hyperv_base != 0)
            break;
        }

      if (self->kvm_base != 0)
        add_features (self, cpuid, self->kvm_base, kvm_features, G_N_ELEMENTS (kvm_features));
      if (self->hyperv_base != 0)
        add_features (self, cpuid, self->hyperv_base, hyperv_features,
                      G_N_ELEMENTS (hyperv_features));
    }

  self->clocksource = mt_sysroot_read_line (sysroot, CLOCKSOURCE_PATH, NULL);
  if (self->clocksource != NULL &&
      (*self->clocksource == '\0' || !g_utf8_validate (self->clocksource, -1, NULL)))
    g_clear_pointer (&self->clocksource, g_free);

  if (pci_devices != NULL)
    add_devices (self, pci_devices, hypervisor_id);

  return self;
}

/**
 * mt_paravirt_get_kvm_base:
 *
 * Returns: the base leaf of the KVM interface (0x40000000, or 0x40000100
 *   beside Hyper-V enlightenments), or 0 if there is none
 */
guint32
mt_paravirt_get_kvm_base (MtParavirt *self)
{
  g_return_val_if_fail (MT_IS_PARAVIRT (self), 0);

  return self->kvm_base;
}

/**
 * mt_paravirt_get_hyperv_base:
 *
 * Returns: the base leaf of the Hyper-V interface, or 0 if there is none
 */
guint32
mt_paravirt_get_hyperv_base (MtParavirt *self)
{
  g_return_val_if_fail (MT_IS_PARAVIRT (self), 0);

  return self->hyperv_base;
}

/**
 * mt_paravirt_get_features:
 *
 * Returns: (transfer none) (element-type MtParavirtFeature): every feature
 *   of the interfaces this hypervisor offers, present or not; KVM's first
 */
GPtrArray *
mt_paravirt_get_features (MtParavirt *self)
{
  g_return_val_if_fail (MT_IS_PARAVIRT (self), NULL);

  return self->features;
}

/**
 * mt_paravirt_lookup_feature:
 *
 * Returns: (nullable) (transfer none): the feature with @id, or %NULL when
 *   its interface is absent
 */
const MtParavirtFeature *
mt_paravirt_lookup_feature (MtParavirt *self, const char *id)
{
  g_return_val_if_fail (MT_IS_PARAVIRT (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->features->len; i++)
    {
      const MtParavirtFeature *feature = g_ptr_array_index (self->features, i);

      if (g_str_equal (feature->id, id))
        return feature;
    }

  return NULL;
}

/**
 * mt_paravirt_get_clocksource:
 *
 * Returns: (nullable): the kernel's current clocksource (`kvm-clock`,
 *   `tsc`, `hyperv_clocksource_tsc_page`, `xen` …)
 */
const char *
mt_paravirt_get_clocksource (MtParavirt *self)
{
  g_return_val_if_fail (MT_IS_PARAVIRT (self), NULL);

  return self->clocksource;
}

/**
 * mt_paravirt_get_devices:
 *
 * Returns: (transfer none) (element-type MtParavirtDevice): the paravirtual
 *   devices, and the emulated ones that have a paravirtual alternative,
 *   in PCI address order
 */
GPtrArray *
mt_paravirt_get_devices (MtParavirt *self)
{
  g_return_val_if_fail (MT_IS_PARAVIRT (self), NULL);

  return self->devices;
}

/**
 * mt_paravirt_features_to_json:
 *
 * Adds an array of objects with `id`, `name`, `present`, `description` and
 * `evidence`.
 */
void
mt_paravirt_features_to_json (MtParavirt *self, JsonBuilder *builder)
{
  g_return_if_fail (MT_IS_PARAVIRT (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_array (builder);
  for (guint i = 0; i < self->features->len; i++)
    {
      const MtParavirtFeature *feature = g_ptr_array_index (self->features, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "id", feature->id);
      mt_json_add_string (builder, "name", feature->name);
      json_builder_set_member_name (builder, "present");
      json_builder_add_boolean_value (builder, feature->present);
      mt_json_add_string (builder, "description", feature->description);
      mt_json_add_string (builder, "evidence", feature->evidence);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * mt_paravirt_devices_to_json:
 *
 * Adds an array of objects with `address`, `id`, `name`, `kind`
 * (`paravirtual` or `emulated`), `driver` (or null) and `note`.
 */
void
mt_paravirt_devices_to_json (MtParavirt *self, JsonBuilder *builder)
{
  g_return_if_fail (MT_IS_PARAVIRT (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_array (builder);
  for (guint i = 0; i < self->devices->len; i++)
    {
      const MtParavirtDevice *device = g_ptr_array_index (self->devices, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "address", device->address);
      mt_json_add_string (builder, "id", device->id);
      mt_json_add_string (builder, "name", device->name);
      mt_json_add_string (builder, "kind",
                          device->kind == MT_PARAVIRT_DEVICE_EMULATED ? "emulated" : "paravirtual");
      mt_json_add_string (builder, "driver", device->driver);
      mt_json_add_string (builder, "note", device->note);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}
