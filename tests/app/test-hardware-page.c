/* test-hardware-page.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "mt-app-test.h"
#include "mt-evidence-dialog.h"
#include "mt-fact-row.h"
#include "mt-hardware-page.h"

/* The Hardware page on recorded machines: the facts each group shows, the
 * groups that hide, the evidence behind a fact, detection problems, and
 * rows rebuilt (not added again) when the facts change. */

static MtSystemInfo *
probe_tree (const char *sysroot_path, const char *cpuid_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) sysroot = mt_sysroot_new (sysroot_path, &error);
  g_autoptr (MtCpuid) cpuid = NULL;
  MtSystemInfo *info;

  g_assert_no_error (error);
  cpuid = mt_cpuid_new_for_sysroot (sysroot, cpuid_path, &error);
  g_assert_no_error (error);
  info = mt_system_info_probe (sysroot, cpuid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  return info;
}

/* tests/fixtures/sysroots/@machine, with its cpuid.txt when it has one */
static MtSystemInfo *
probe_machine (const char *machine)
{
  g_autofree char *sysroot = mt_app_test_fixture_path (machine, NULL);
  g_autofree char *cpuid = mt_app_test_fixture_path (machine, "cpuid.txt");

  return probe_tree (sysroot, g_file_test (cpuid, G_FILE_TEST_EXISTS) ? cpuid : NULL);
}

static GtkWidget *
new_page (const char *machine)
{
  g_autoptr (MtSystemInfo) info = probe_machine (machine);

  return g_object_new (MT_TYPE_HARDWARE_PAGE, "system-info", info, NULL);
}

static GtkWidget *
group (GtkWidget *page, const char *name)
{
  return mt_app_test_child (page, MT_TYPE_HARDWARE_PAGE, name);
}

static GtkWidget *
row (GtkWidget *root, const char *title)
{
  GtkWidget *found = mt_app_test_find (root, ADW_TYPE_PREFERENCES_ROW, title);

  if (found == NULL)
    g_error ("no row “%s”", title);

  return found;
}

/* The subtitle of the row titled @title under @root: what the page says. */
static const char *
value (GtkWidget *root, const char *title)
{
  GtkWidget *found = row (root, title);

  g_assert_true (ADW_IS_ACTION_ROW (found));

  return adw_action_row_get_subtitle (ADW_ACTION_ROW (found));
}

static guint
count_rows (GtkWidget *root)
{
  guint n = ADW_IS_PREFERENCES_ROW (root) && gtk_widget_get_visible (root) ? 1 : 0;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n += count_rows (c);

  return n;
}

static GtkLabel *
find_label_containing (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), text) != NULL)
    return GTK_LABEL (root);

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *found = find_label_containing (c, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Clicks the evidence button of the row titled @title and returns the
 * dialog it opened on @window. */
static MtEvidenceDialog *
open_evidence (GtkWindow *window, GtkWidget *root, const char *title)
{
  GtkWidget *fact = row (root, title);
  GtkWidget *button = mt_app_test_find (fact, GTK_TYPE_BUTTON, NULL);
  g_autofree char *label = g_strdup_printf ("Evidence for %s", title);
  AdwDialog *dialog;

  g_assert_true (MT_IS_FACT_ROW (fact));
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Show Evidence");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       label);

  g_signal_emit_by_name (button, "clicked");
  mt_app_test_spin (300);
  dialog = adw_window_get_visible_dialog (ADW_WINDOW (window));
  g_assert_true (MT_IS_EVIDENCE_DIALOG (dialog));
  g_assert_cmpstr (mt_evidence_dialog_get_fact (MT_EVIDENCE_DIALOG (dialog)), ==, title);

  return MT_EVIDENCE_DIALOG (dialog);
}

/* Scrolls the page so that @widget is at the top. */
static void
scroll_to (GtkWidget *page, GtkWidget *widget)
{
  GtkWidget *scrolled = mt_app_test_find (page, GTK_TYPE_SCROLLED_WINDOW, NULL);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, content, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, point.y - 12);
  mt_app_test_spin (200);
}

static void
test_amd_epyc (void)
{
  GtkWidget *page = new_page ("kvm-amd-epyc");
  GtkWindow *window = mt_app_test_present (page, 900, 720);
  GtkWidget *cpu = group (page, "processor_group");
  GtkWidget *kernel = group (page, "kernel_group");
  GtkWidget *flags = row (cpu, "All Flags");

  g_assert_cmpstr (value (cpu, "Vendor"), ==, "AMD (AuthenticAMD)");
  g_assert_cmpstr (value (cpu, "Model"), ==, "AMD EPYC");
  g_assert_cmpstr (value (cpu, "Family / Model / Stepping"), ==, "25 / 17 / 1");
  g_assert_cmpstr (value (cpu, "Logical CPUs"), ==, "2");
  g_assert_cmpstr (value (cpu, "Notable Features"), ==,
                   "sse4_2 avx avx2 avx512f aes sha_ni bmi1 bmi2");
  g_assert_cmpstr (value (cpu, "VT-x / AMD-V"), ==, "Not available");
  g_assert_cmpstr (value (cpu, "AVX-512 VL"), ==, "Present");
  g_assert_cmpstr (value (cpu, "AVX-512 FP16"), ==, "Not present");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (flags)), ==, "105 flags");
  g_assert_nonnull (find_label_containing (flags, "avx512vl"));
  g_assert_null (mt_app_test_find (cpu, ADW_TYPE_PREFERENCES_ROW, "VT-x Capabilities"));

  g_assert_cmpstr (value (kernel, "Release"), ==, "6.18.44-fc-v669");
  g_assert_cmpstr (value (kernel, "Compiler"), ==, "gcc (GCC) 15.3.0");
  g_assert_true (g_str_has_prefix (value (kernel, "Configuration"), "/proc/config.gz, "));
  g_assert_cmpstr (value (kernel, "Configuration"), ==, "/proc/config.gz, 3051 options");
  g_assert_cmpstr (value (kernel, "Toolchain"), ==, "gcc 15.3.0");
  g_assert_cmpstr (value (kernel, "Linker"), ==, "GNU ld (GNU Binutils) 2.46");
  g_assert_cmpstr (value (kernel, "Link-Time Optimization"), ==, "None");
  g_assert_cmpstr (value (kernel, "Unwinder"), ==, "ORC");
  g_assert_cmpstr (value (kernel, "objtool Checks Modules"), ==, "Yes");
  g_assert_cmpstr (value (kernel, "Loadable Modules"), ==, "No");
  g_assert_cmpstr (value (kernel, "Module Signing"), ==, "No");
  g_assert_cmpstr (value (kernel, "Module Compression"), ==, "None");
  g_assert_cmpstr (value (kernel, "Headers for This Kernel"), ==,
                   "Not installed: no /lib/modules/6.18.44-fc-v669/build");

  g_assert_cmpstr (value (page, "Booted With UEFI"), ==, "No");
  g_assert_cmpstr (value (page, "Secure Boot"), ==, "Off");
  g_assert_cmpstr (value (page, "Kernel Lockdown"), ==, "Unknown");
  g_assert_cmpstr (value (page, "Signatures Enforced"), ==, "No");
  g_assert_cmpstr (value (page, "Unsigned Modules Load"), ==, "Yes");
  g_assert_true (g_str_has_prefix (adw_preferences_group_get_description (
                                     ADW_PREFERENCES_GROUP (group (page, "secure_boot_group"))),
                                   "This machine did not boot with UEFI"));

  g_assert_cmpstr (value (page, "NVMe Drives"), ==, "None found");
  g_assert_cmpstr (value (page, "Display Controllers"), ==, "None found");
  g_assert_cmpstr (value (page, "Hypervisor"), ==, "KVM (kvm)");
  g_assert_cmpstr (value (page, "Container"), ==, "docker");
  g_assert_cmpstr (value (page, "Nested Virtualization"), ==, "Not available");
  g_assert_cmpstr (value (page, "Clock Source"), ==, "tsc");
  g_assert_cmpstr (value (group (page, "distro_group"), "Name"), ==,
                   "Debian GNU/Linux 12 (bookworm)");
  g_assert_cmpstr (value (page, "Install the Headers With"), ==,
                   "sudo apt install linux-headers-6.18.44-fc-v669");

  /* nothing failed, so no problem is shown; a KVM guest shows its paravirtual side */
  g_assert_false (gtk_widget_get_visible (group (page, "problems_group")));
  g_assert_true (gtk_widget_get_visible (group (page, "paravirt_group")));
  g_assert_cmpstr (value (page, "virtio-net [1af4:1041]"), ==,
                   "Paravirtual device at 0000:00:03.0, driver virtio-pci\n"
                   "A paravirtual network card: packets travel through queues in shared memory "
                   "instead of an emulated card.");

  g_assert_cmpuint (mt_app_test_check_accessible (page), >=, 40);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "hardware-page");

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (flags), TRUE);
  scroll_to (page, flags);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "hardware-page-flags");

  gtk_window_destroy (window);
}

static void
test_evidence (void)
{
  GtkWidget *page = new_page ("kvm-amd-epyc");
  GtkWindow *window = mt_app_test_present (page, 900, 720);
  g_autofree char *tree = mt_app_test_fixture_path ("kvm-amd-epyc", NULL);
  MtEvidenceDialog *dialog;
  g_autofree char *text = NULL;

  /* a file and what was read there */
  dialog = open_evidence (window, page, "Signatures Enforced");
  text = mt_evidence_dialog_dup_text (dialog);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Signatures Enforced: No\n"));
  g_assert_nonnull (strstr (text, "- CONFIG_MODULE_SIG_FORCE: n\n"));
  /* the other lines of Secure Boot's evidence are not this fact's */
  g_assert_null (strstr (text, "/sys/firmware/efi"));
  /* the paths are the recorded tree's, and the dialog says so */
  g_assert_nonnull (strstr (text, tree));
  g_assert_cmpuint (mt_app_test_check_accessible (GTK_WIDGET (dialog)), >=, 2);
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_clear_pointer (&text, g_free);

  /* a path and the value in it: the path is a row, the value under it */
  dialog = open_evidence (window, page, "Logical CPUs");
  g_assert_cmpstr (value (GTK_WIDGET (dialog), "/sys/devices/system/cpu/online"), ==, "0-1");
  g_assert_cmpstr (value (GTK_WIDGET (dialog), "Logical CPUs"), ==, "2");
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "hardware-evidence");
  adw_dialog_force_close (ADW_DIALOG (dialog));

  /* kernel configuration options decide a fact: each one is shown */
  dialog = open_evidence (window, page, "Loadable Modules");
  text = mt_evidence_dialog_dup_text (dialog);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "- /proc/config.gz: CONFIG_MODULES is not set\n"));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_clear_pointer (&text, g_free);

  dialog = open_evidence (window, page, "Hypervisor");
  text = mt_evidence_dialog_dup_text (dialog);
  g_assert_nonnull (strstr (text, "- CPUID 0x40000000: \"KVMKVMKVM\"\n"));
  g_assert_nonnull (strstr (text, "- conclusion: kvm (CPUID hypervisor signature)\n"));
  adw_dialog_force_close (ADW_DIALOG (dialog));

  /* facts no detector kept evidence for have no button */
  g_assert_false (gtk_widget_get_visible (
    mt_app_test_find (row (page, "Headers Package"), GTK_TYPE_BUTTON, NULL)));

  gtk_window_destroy (window);
}

static void
test_guest (void)
{
  GtkWidget *page = new_page ("kvm-hyperv-enlightened");
  GtkWindow *window = mt_app_test_present (page, 900, 720);
  GtkWidget *paravirt = group (page, "paravirt_group");
  GtkWidget *features = row (paravirt, "Paravirtual Features");
  g_autoptr (MtSystemInfo) hyperv = probe_machine ("hyperv-guest");
  MtEvidenceDialog *dialog;
  g_autofree char *text = NULL;

  g_assert_cmpstr (value (page, "Hypervisor"), ==, "KVM with Hyper-V enlightenments (kvm)");
  g_assert_cmpstr (value (page, "Clock Source"), ==, "hyperv_clocksource_tsc_page");
  g_assert_true (gtk_widget_get_visible (paravirt));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (features)), ==,
                   "27 of 36 offered");
  g_assert_true (g_str_has_prefix (value (paravirt, "Synthetic timers"), "Present. Timers that"));
  g_assert_true (g_str_has_prefix (value (paravirt, "Enlightened VMCS"), "Not present. "));
  g_assert_true (g_str_has_prefix (value (paravirt, "Intel ICH9 AHCI [8086:2922]"),
                                   "Emulated device at 0000:00:1f.2, driver ahci\n"));
  /* the Configuration could not be read: every fact it decides is unknown */
  g_assert_cmpstr (value (page, "Configuration"), ==, "Not found");
  g_assert_cmpstr (value (page, "Module Compression"), ==, "Unknown");
  g_assert_cmpstr (value (page, "Signatures Enforced"), ==, "Unknown");
  /* a GPU that pci.ids does not name */
  g_assert_cmpstr (value (page, "1234:1111"), ==,
                   "Unknown vendor, driver bochs-drm, at 0000:00:01.0");

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (features), TRUE);
  mt_app_test_spin (300);
  dialog = open_evidence (window, paravirt, "Synthetic timers");
  text = mt_evidence_dialog_dup_text (dialog);
  g_assert_nonnull (strstr (text, "CPUID 0x40000003 EAX bit 3 (HV_MSR_SYNTIMER_AVAILABLE): set"));
  adw_dialog_force_close (ADW_DIALOG (dialog));

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (features), FALSE);
  scroll_to (page, group (page, "virtualization_group"));
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "hardware-page-guest");

  /* Hyper-V itself */
  mt_hardware_page_set_system_info (MT_HARDWARE_PAGE (page), hyperv);
  g_assert_cmpstr (value (page, "Hypervisor"), ==, "Microsoft Hyper-V (microsoft)");
  g_assert_true (g_str_has_prefix (value (page, "Reference TSC page"), "Present. "));

  gtk_window_destroy (window);
}

static void
test_bare_metal (void)
{
  GtkWidget *page = new_page ("bare-metal-intel");
  GtkWindow *window = mt_app_test_present (page, 900, 720);
  GtkWidget *graphics = group (page, "graphics_group");

  g_assert_cmpstr (value (page, "Hypervisor"), ==, "None, bare metal");
  g_assert_cmpstr (value (page, "Container"), ==, "None");
  g_assert_null (mt_app_test_find (page, ADW_TYPE_PREFERENCES_ROW, "Nested Virtualization"));
  g_assert_false (gtk_widget_get_visible (group (page, "paravirt_group")));
  g_assert_cmpstr (value (graphics, "Raptor Lake-P [Iris Xe Graphics]"), ==,
                   "Intel Corporation, driver i915, at 0000:00:02.0");
  g_assert_cmpstr (value (graphics, "AD107M [GeForce RTX 4060 Max-Q / Mobile]"), ==,
                   "NVIDIA Corporation, driver nvidia, at 0000:01:00.0");
  /* detection could not tell: “Unknown”, never an empty row */
  g_assert_cmpstr (value (group (page, "distro_group"), "Name"), ==, "Unknown");
  g_assert_cmpstr (value (page, "Unsigned Modules Load"), ==, "Unknown");

  mt_app_test_check_accessible (page);
  gtk_window_destroy (window);
}

/* nvme-pcie-host records only what storage reads; a processor and a
 * broken os-release are added beside it, in a temporary tree. */
static char *
make_nvme_tree (void)
{
  g_autofree char *dir = g_dir_make_tmp ("modtune-hw-XXXXXX", NULL);
  g_autofree char *sys = mt_app_test_fixture_path ("nvme-pcie-host", "sys");
  g_autofree char *proc_sys = mt_app_test_fixture_path ("nvme-pcie-host", "proc/sys");
  g_autofree char *cpuinfo = mt_app_test_fixture_path ("bare-metal-intel", "proc/cpuinfo");
  g_autofree char *proc = g_build_filename (dir, "proc", NULL);
  g_autofree char *etc = g_build_filename (dir, "etc", NULL);
  g_autofree char *link_sys = g_build_filename (dir, "sys", NULL);
  g_autofree char *link_proc_sys = g_build_filename (proc, "sys", NULL);
  g_autofree char *link_cpuinfo = g_build_filename (proc, "cpuinfo", NULL);
  g_autofree char *os_release = g_build_filename (etc, "os-release", NULL);

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir (proc, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (etc, 0755), ==, 0);
  g_assert_cmpint (symlink (sys, link_sys), ==, 0);
  g_assert_cmpint (symlink (proc_sys, link_proc_sys), ==, 0);
  g_assert_cmpint (symlink (cpuinfo, link_cpuinfo), ==, 0);
  g_assert_true (g_file_set_contents (os_release, "this is not an os-release file\n", -1, NULL));

  return g_steal_pointer (&dir);
}

static void
remove_nvme_tree (const char *dir)
{
  const char *const files[] = {
    "sys", "proc/sys", "proc/cpuinfo", "etc/os-release", "proc", "etc"
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_nvme_and_problems (void)
{
  g_autofree char *tree = make_nvme_tree ();
  g_autoptr (MtSystemInfo) info = probe_tree (tree, NULL);
  GtkWidget *page = g_object_new (MT_TYPE_HARDWARE_PAGE, "system-info", info, NULL);
  GtkWindow *window = mt_app_test_present (page, 900, 720);
  GtkWidget *storage = group (page, "storage_group");
  GtkWidget *problems = group (page, "problems_group");
  GtkWidget *samsung = row (storage, "Samsung SSD 980 PRO 1TB");

  g_assert_true (ADW_IS_EXPANDER_ROW (samsung));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (samsung)), ==,
                   "16.0 GT/s PCIe x4 (maximum 16.0 GT/s PCIe x4)");
  g_assert_cmpstr (value (samsung, "Controller"), ==, "nvme0");
  g_assert_cmpstr (value (samsung, "Transport"), ==, "pcie");
  g_assert_cmpstr (value (samsung, "Address"), ==, "0000:01:00.0");
  g_assert_nonnull (strstr (value (samsung, "Namespaces"), "nvme0n1 ("));
  g_assert_nonnull (row (storage, "WD_BLACK SN850X 2000GB"));

  /* the broken os-release is a problem: at the top and in its group */
  g_assert_true (gtk_widget_get_visible (problems));
  g_assert_nonnull (strstr (value (problems, "Distribution"), "os-release"));
  g_assert_nonnull (
    strstr (value (group (page, "distro_group"), "Could Not Be Detected"), "os-release"));

  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "hardware-page-problems");

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (samsung), TRUE);
  scroll_to (page, storage);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "hardware-page-nvme");
  mt_app_test_check_accessible (page);

  gtk_window_destroy (window);
  remove_nvme_tree (tree);
}

static gboolean
is_finalized (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_rebuild (void)
{
  g_autoptr (MtSystemInfo) epyc = probe_machine ("kvm-amd-epyc");
  g_autoptr (MtSystemInfo) bare = probe_machine ("bare-metal-intel");
  GtkWidget *page = g_object_new (MT_TYPE_HARDWARE_PAGE, "system-info", epyc, NULL);
  GtkWindow *window = mt_app_test_present (page, 900, 720);
  GtkWidget *old_row = row (page, "Vendor");
  guint n_epyc = count_rows (page);
  guint n_bare;

  g_object_add_weak_pointer (G_OBJECT (old_row), (gpointer *) &old_row);
  g_assert_cmpuint (n_epyc, >, 40);

  mt_hardware_page_set_system_info (MT_HARDWARE_PAGE (page), bare);
  n_bare = count_rows (page);
  g_assert_cmpuint (n_bare, !=, n_epyc);
  /* the rows of the first machine are gone, not hidden, once GTK lets go of them */
  g_assert_true (mt_app_test_wait (is_finalized, &old_row, 10));
  g_assert_cmpstr (value (page, "Vendor"), ==, "Intel (GenuineIntel)");

  /* the same machine again, as Detect Again gives it: the same rows, once */
  mt_hardware_page_set_system_info (MT_HARDWARE_PAGE (page), epyc);
  g_assert_cmpuint (count_rows (page), ==, n_epyc);
  g_object_set (page, "system-info", bare, NULL);
  g_object_set (page, "system-info", epyc, NULL);
  g_assert_cmpuint (count_rows (page), ==, n_epyc);
  g_assert_true (mt_hardware_page_get_system_info (MT_HARDWARE_PAGE (page)) == epyc);

  /* nothing to show: no group, no row */
  mt_hardware_page_set_system_info (MT_HARDWARE_PAGE (page), NULL);
  g_assert_cmpuint (count_rows (page), ==, 0);
  g_assert_false (gtk_widget_get_visible (group (page, "processor_group")));

  gtk_window_destroy (window);
}

static gboolean
page_ready (gpointer data)
{
  MtWindow *window = data;

  return !mt_window_get_busy (window);
}

/* The page inside the window, which hands it the facts, before and after
 * Detect Again. */
static void
test_in_window (void)
{
  MtWindow *window = mt_app_test_open_machine ("kvm-amd-epyc");
  GtkWidget *page = mt_app_test_find (GTK_WIDGET (window), MT_TYPE_HARDWARE_PAGE, NULL);
  guint n_rows;

  g_assert_nonnull (page);
  g_assert_true (
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "hardware"));
  mt_app_test_spin (300);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_true (mt_hardware_page_get_system_info (MT_HARDWARE_PAGE (page)) ==
                 mt_window_get_system_info (window));
  g_assert_cmpstr (value (page, "Release"), ==, "6.18.44-fc-v669");
  n_rows = count_rows (page);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  g_assert_true (mt_app_test_wait (page_ready, window, 30));
  mt_app_test_spin (100);
  g_assert_true (mt_hardware_page_get_system_info (MT_HARDWARE_PAGE (page)) ==
                 mt_window_get_system_info (window));
  g_assert_cmpuint (count_rows (page), ==, n_rows);

  g_assert_cmpuint (mt_app_test_check_accessible (page), >=, 40);
  mt_app_test_screenshot_light_dark (GTK_WIDGET (window), "hardware-page-window");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  mt_app_test_init (&argc, &argv);

  g_test_add_func ("/hardware-page/amd-epyc", test_amd_epyc);
  g_test_add_func ("/hardware-page/evidence", test_evidence);
  g_test_add_func ("/hardware-page/guest", test_guest);
  g_test_add_func ("/hardware-page/bare-metal", test_bare_metal);
  g_test_add_func ("/hardware-page/nvme-and-problems", test_nvme_and_problems);
  g_test_add_func ("/hardware-page/rebuild", test_rebuild);
  g_test_add_func ("/hardware-page/in-window", test_in_window);

  return mt_app_test_run ();
}
