/* mt-hardware-page-groups.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-hardware-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mt-fact-row.h"
#include "mt-hardware-page-private.h"

/* The Hardware page's groups: the rows each one gets from the #MtSystemInfo,
 * built by mt-hardware-page.c's rebuild() while self->tree and
 * self->problems are set. */

/* --- building rows ------------------------------------------------------------------------- */

static GtkWidget *
add_row (MtHardwarePage *self, AdwPreferencesGroup *group, GtkWidget *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, g_object_ref (row));

  return row;
}

/* A fact with one line of evidence (or none); more with mt_fact_row_add_evidence(). */
static MtFactRow *
create_fact (MtHardwarePage *self, const char *title, const char *value, const char *evidence)
{
  MtFactRow *row = MT_FACT_ROW (mt_fact_row_new (title, value, NULL));

  mt_fact_row_set_tree (row, self->tree);
  mt_fact_row_add_evidence (row, evidence);

  return row;
}

/* A fact that is one of a list: its title reads first, its value is the
 * smaller text under it. */
static MtFactRow *
create_item (MtHardwarePage *self, const char *title, const char *value, const char *evidence)
{
  MtFactRow *row = create_fact (self, title, value, evidence);

  gtk_widget_remove_css_class (GTK_WIDGET (row), "property");

  return row;
}

static MtFactRow *
add_fact (MtHardwarePage *self,
          AdwPreferencesGroup *group,
          const char *title,
          const char *value,
          const char *evidence)
{
  return MT_FACT_ROW (
    add_row (self, group, GTK_WIDGET (create_fact (self, title, value, evidence))));
}

/* A fact decided by kernel configuration options: what the configuration
 * says of each of them is its evidence. */
static void
add_kconfig_fact (MtHardwarePage *self,
                  const char *title,
                  const char *value,
                  MtKconfig *config,
                  const char *const *options)
{
  MtFactRow *row = add_fact (self, self->kernel_group, title, value, NULL);

  mt_fact_row_add_kconfig_evidence (row, config, options);
}

static AdwExpanderRow *
add_expander (MtHardwarePage *self, AdwPreferencesGroup *group, const char *title, const char *sub)
{
  GtkWidget *row = adw_expander_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), sub);

  return ADW_EXPANDER_ROW (add_row (self, group, row));
}

static const char *
yes_no (int tristate)
{
  return tristate < 0 ? NULL : tristate ? _ ("Yes") : _ ("No");
}

/* The detectors' tokens as a person reads them; any other is shown as it is. */
static const char *
describe (const char *token)
{
  /* clang-format off */
  static const char *const words[][2] = {
    { "none", N_ ("None") },
    { "clang-thin", N_ ("Clang ThinLTO") },
    { "clang-full", N_ ("Clang full LTO") },
    { "orc", N_ ("ORC") },
    { "frame-pointer", N_ ("Frame pointers") },
    { "guess", N_ ("Guess") },
    { "translated", N_ ("On, translating addresses") },
    { "passthrough", N_ ("On, passthrough") },
    { "off", N_ ("Turned off") },
    { "integrity", N_ ("Integrity") },
    { "confidentiality", N_ ("Confidentiality") },
  };
  /* clang-format on */

  for (guint i = 0; token != NULL && i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (token, words[i][0]))
      return _ (words[i][1]);

  return token;
}

static const char *
find_problem (MtHardwarePage *self, const char *area)
{
  gsize len = strlen (area);

  for (guint i = 0; self->problems[i] != NULL; i++)
    if (strncmp (self->problems[i], area, len) == 0 &&
        g_str_has_prefix (self->problems[i] + len, ": "))
      return self->problems[i] + len + 2;

  return NULL;
}

static GtkWidget *
create_problem (MtHardwarePage *self, const char *title, const char *message)
{
  MtFactRow *row = create_item (self, title, message, NULL);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  return GTK_WIDGET (row);
}

/* A part detection could not read: the problem it left, in its group. */
static void
add_problem (MtHardwarePage *self, AdwPreferencesGroup *group, const char *area)
{
  add_row (self, group,
           create_problem (self, _ ("Could Not Be Detected"), find_problem (self, area)));
}

/* --- the groups ---------------------------------------------------------------------------- */

void
_mt_hardware_page_build_problems (MtHardwarePage *self)
{
  for (guint i = 0; self->problems[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (self->problems[i], ": ", 2);

      /* the area as a title: “distribution” → “Distribution” */
      parts[0][0] = g_ascii_toupper (parts[0][0]);

      add_row (self, self->problems_group, create_problem (self, parts[0], parts[1]));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->problems_group), self->problems[0] != NULL);
}

static void
build_cpu_features (MtHardwarePage *self, GPtrArray *features)
{
  g_autofree char *subtitle = NULL;
  AdwExpanderRow *expander;
  guint n_present = 0;

  for (guint i = 0; i < features->len; i++)
    n_present += ((const MtCpuFeature *) g_ptr_array_index (features, i))->present;
  /* TRANSLATORS: how many of the processor features that matter here it has */
  subtitle = g_strdup_printf (ngettext ("%u of %u present", "%u of %u present", features->len),
                              n_present, features->len);
  expander = add_expander (self, self->processor_group, _ ("Features"), subtitle);

  for (guint i = 0; i < features->len; i++)
    {
      const MtCpuFeature *f = g_ptr_array_index (features, i);
      MtFactRow *row =
        create_item (self, f->name, f->present ? _ ("Present") : _ ("Not present"), f->evidence);

      adw_expander_row_add_row (expander, GTK_WIDGET (row));
    }
}

/* VT-x or AMD-V, from the features; its evidence is both bits. */
static void
add_virtualization_support (MtHardwarePage *self, GPtrArray *features)
{
  MtFactRow *row = add_fact (self, self->processor_group, _ ("VT-x / AMD-V"), NULL, NULL);

  for (guint i = 0; i < features->len; i++)
    {
      const MtCpuFeature *f = g_ptr_array_index (features, i);
      g_autofree char *line = NULL;

      if (!g_str_equal (f->id, "vmx") && !g_str_equal (f->id, "svm"))
        continue;

      line = g_strdup_printf ("%s: %s", f->name, f->evidence);
      mt_fact_row_add_evidence (row, line);
      if (f->present)
        mt_fact_row_set_value (row, f->name);
      else if (mt_fact_row_get_value (row) == NULL)
        mt_fact_row_set_value (row, _ ("Not available"));
    }
}

void
_mt_hardware_page_build_processor (MtHardwarePage *self, MtSystemInfo *info)
{
  AdwPreferencesGroup *group = self->processor_group;
  MtCpuInfo *cpu = mt_system_info_get_cpu (info);
  GPtrArray *features = mt_system_info_get_cpu_features (info);
  const char *const *flags = mt_cpu_info_get_flags (cpu);
  const char *const *vmx_flags = mt_cpu_info_get_vmx_flags (cpu);
  g_autofree char *vendor = mt_cpu_info_dup_vendor_label (cpu);
  g_autofree char *signature = mt_cpu_info_dup_signature (cpu);
  g_autofree char *notable = mt_system_info_dup_notable_flags (info);
  g_autofree char *cpus = NULL;
  g_autofree char *all_flags = NULL;
  g_autofree char *subtitle = NULL;
  guint n_flags = flags != NULL ? g_strv_length ((GStrv) flags) : 0;
  MtFactRow *row;
  GtkWidget *label;

  if (mt_cpu_info_get_logical_cpus (cpu) > 0)
    cpus = g_strdup_printf ("%u", mt_cpu_info_get_logical_cpus (cpu));

  add_fact (self, group, _ ("Vendor"), vendor, mt_cpu_info_get_evidence (cpu, "vendor"));
  add_fact (self, group, _ ("Model"), mt_cpu_info_get_model_name (cpu),
            mt_cpu_info_get_evidence (cpu, "model-name"));
  row = add_fact (self, group, _ ("Family / Model / Stepping"), signature,
                  mt_cpu_info_get_evidence (cpu, "family"));
  mt_fact_row_add_evidence (row, mt_cpu_info_get_evidence (cpu, "model"));
  mt_fact_row_add_evidence (row, mt_cpu_info_get_evidence (cpu, "stepping"));
  add_fact (self, group, _ ("Logical CPUs"), cpus, mt_cpu_info_get_evidence (cpu, "logical-cpus"));
  add_fact (self, group, _ ("Notable Features"), notable != NULL ? notable : _ ("None"),
            mt_cpu_info_get_evidence (cpu, "flags"));
  add_virtualization_support (self, features);
  if (vmx_flags != NULL && vmx_flags[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", (GStrv) vmx_flags);

      add_fact (self, group, _ ("VT-x Capabilities"), joined,
                mt_cpu_info_get_evidence (cpu, "vmx-flags"));
    }
  build_cpu_features (self, features);

  subtitle = g_strdup_printf (ngettext ("%u flag", "%u flags", n_flags), n_flags);
  all_flags = n_flags > 0 ? g_strjoinv (" ", (GStrv) flags) : g_strdup (_ ("None"));
  label = gtk_label_new (all_flags);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  adw_expander_row_add_row (add_expander (self, group, _ ("All Flags"), subtitle), label);
}

void
_mt_hardware_page_build_kernel (MtHardwarePage *self, MtSystemInfo *info)
{
  static const char *const cc[] = { "CONFIG_CC_IS_GCC", "CONFIG_GCC_VERSION", "CONFIG_CC_IS_CLANG",
                                    "CONFIG_CLANG_VERSION", NULL };
  static const char *const lto[] = { "CONFIG_LTO_CLANG_FULL", "CONFIG_LTO_CLANG_THIN", NULL };
  static const char *const unwinder[] = { "CONFIG_UNWINDER_ORC", "CONFIG_UNWINDER_FRAME_POINTER",
                                          "CONFIG_UNWINDER_GUESS", NULL };
  static const char *const objtool[] = { "CONFIG_OBJTOOL", "CONFIG_STACK_VALIDATION", NULL };
  static const char *const modules[] = { "CONFIG_MODULES", NULL };
  static const char *const sig[] = { "CONFIG_MODULE_SIG", "CONFIG_MODULE_SIG_FORCE",
                                     "CONFIG_MODULE_SIG_ALL", "CONFIG_MODULE_SIG_HASH", NULL };
  static const char *const compress[] = { "CONFIG_MODULE_COMPRESS_ZSTD",
                                          "CONFIG_MODULE_COMPRESS_XZ",
                                          "CONFIG_MODULE_COMPRESS_GZIP", NULL };
  AdwPreferencesGroup *group = self->kernel_group;
  MtKernelInfo *kernel = mt_system_info_get_kernel (info);
  MtKernelFeatures *features = mt_system_info_get_kernel_features (info);
  MtKconfig *config = mt_kernel_info_get_config (kernel);
  const char *version = mt_kernel_info_get_version (kernel);
  const char *linker = mt_kernel_features_get_linker (features);
  const char *headers = mt_kernel_features_get_headers_path (features);
  const char *hash = mt_kernel_features_get_module_sig_hash (features);
  int signing = mt_kernel_features_get_module_sig (features);
  g_autofree char *configuration = NULL;
  g_autofree char *toolchain = NULL;
  g_autofree char *signing_text = NULL;
  g_autofree char *headers_text = NULL;

  if (config != NULL)
    /* TRANSLATORS: where the kernel configuration was read, and how many options it sets */
    configuration =
      g_strdup_printf (ngettext ("%s, %u option", "%s, %u options", mt_kconfig_get_size (config)),
                       mt_kconfig_get_source (config), mt_kconfig_get_size (config));
  if (mt_kernel_features_get_compiler_kind (features) != NULL)
    toolchain = g_strjoin (" ", mt_kernel_features_get_compiler_kind (features),
                           mt_kernel_features_get_compiler_version (features), NULL);
  if (signing > 0)
    /* TRANSLATORS: module signing is on: whether it is enforced, and its hash */
    signing_text = g_strdup_printf (
      _ ("Yes, %s, hash %s"),
      mt_kernel_features_get_module_sig_force (features) > 0 ? _ ("enforced") : _ ("not enforced"),
      hash != NULL ? hash : _ ("unknown"));
  if (headers != NULL)
    headers_text = g_strdup_printf (mt_kernel_features_get_headers_present (features)
                                      ? _ ("Installed in %s")
                                      : _ ("Not installed: no %s"),
                                    headers);

  add_fact (self, group, _ ("Release"), mt_kernel_info_get_release (kernel),
            mt_kernel_info_get_evidence (kernel, "release"));
  add_fact (self, group, _ ("Version"), version, mt_kernel_info_get_evidence (kernel, "version"));
  add_fact (self, group, _ ("Compiler"), mt_kernel_info_get_compiler (kernel),
            mt_kernel_info_get_evidence (kernel, "compiler"));
  add_fact (self, group, _ ("Configuration"),
            configuration != NULL ? configuration : _ ("Not found"),
            mt_kernel_info_get_evidence (kernel, "config"));
  add_kconfig_fact (self, _ ("Toolchain"), toolchain, config, cc);
  add_fact (self, group, _ ("Linker"), linker,
            linker != NULL && version != NULL && strstr (version, linker) != NULL
              ? mt_kernel_info_get_evidence (kernel, "version")
              : NULL);
  add_kconfig_fact (self, _ ("Link-Time Optimization"),
                    describe (mt_kernel_features_get_lto (features)), config, lto);
  add_kconfig_fact (self, _ ("Unwinder"), describe (mt_kernel_features_get_unwinder (features)),
                    config, unwinder);
  add_kconfig_fact (self, _ ("objtool Checks Modules"),
                    yes_no (mt_kernel_features_get_objtool (features)), config, objtool);
  add_kconfig_fact (self, _ ("Loadable Modules"),
                    yes_no (mt_kernel_features_get_modules (features)), config, modules);
  add_kconfig_fact (self, _ ("Module Signing"), signing == 0 ? _ ("No") : signing_text, config,
                    sig);
  add_kconfig_fact (self, _ ("Module Compression"),
                    describe (mt_kernel_features_get_module_compression (features)), config,
                    compress);
  add_fact (self, group, _ ("IOMMU"), describe (mt_kernel_features_get_iommu (features)),
            mt_kernel_features_get_iommu_evidence (features));
  add_fact (self, group, _ ("Headers for This Kernel"), headers_text, NULL);
}

void
_mt_hardware_page_build_secure_boot (MtHardwarePage *self, MtSystemInfo *info)
{
  static const char *const efi[] = { "/sys/firmware/efi", NULL };
  static const char *const secure_boot[] = { "/sys/firmware/efi", "SecureBoot-", "SetupMode-",
                                             NULL };
  static const char *const lockdown[] = { "lockdown", NULL };
  static const char *const enforce[] = { "sig_enforce", "CONFIG_MODULE_SIG_FORCE", NULL };
  AdwPreferencesGroup *group = self->secure_boot_group;
  MtSecureBoot *sb = mt_system_info_get_secure_boot (info);
  GPtrArray *evidence = mt_secure_boot_get_evidence (sb);
  MtFactRow *row;

  adw_preferences_group_set_description (group, mt_secure_boot_get_summary (sb));

  row = add_fact (self, group, _ ("Booted With UEFI"), yes_no (mt_secure_boot_get_efi (sb)), NULL);
  mt_fact_row_add_evidence_lines (row, evidence, efi);
  row = add_fact (self, group, _ ("Secure Boot"),
                  mt_secure_boot_get_enabled (sb) < 0 ? NULL
                  : mt_secure_boot_get_enabled (sb)   ? _ ("On")
                                                      : _ ("Off"),
                  NULL);
  mt_fact_row_add_evidence_lines (row, evidence, secure_boot);
  row = add_fact (self, group, _ ("Kernel Lockdown"), describe (mt_secure_boot_get_lockdown (sb)),
                  NULL);
  mt_fact_row_add_evidence_lines (row, evidence, lockdown);
  row = add_fact (self, group, _ ("Signatures Enforced"),
                  yes_no (mt_secure_boot_get_sig_enforce (sb)), NULL);
  mt_fact_row_add_evidence_lines (row, evidence, enforce);
  /* the conclusion of all of the above */
  row = add_fact (self, group, _ ("Unsigned Modules Load"),
                  yes_no (mt_secure_boot_get_unsigned_modules_load (sb)), NULL);
  mt_fact_row_add_evidence_lines (row, evidence, NULL);
}

static void
build_controller (MtHardwarePage *self, const MtNvmeController *c)
{
  const char *const titles[] = { _ ("Controller"), _ ("Firmware"),  _ ("Transport"), _ ("Address"),
                                 _ ("State"),      _ ("PCIe Link"), _ ("Namespaces") };
  const char *values[G_N_ELEMENTS (titles)] = { c->name, c->firmware, c->transport, c->address,
                                                c->state };
  g_autoptr (GString) namespaces = g_string_new (NULL);
  g_autofree char *link = NULL;
  g_autofree char *link_text = NULL;
  AdwExpanderRow *expander;

  if (c->link != NULL && c->link->speed != NULL)
    /* TRANSLATORS: a PCIe link: its speed and lanes now, and at most */
    link = g_strdup_printf (_ ("%s x%u (maximum %s x%u)"), c->link->speed, c->link->width,
                            c->link->max_speed != NULL ? c->link->max_speed : _ ("unknown"),
                            c->link->max_width);
  link_text = link != NULL && c->link_note != NULL ? g_strdup_printf ("%s\n%s", link, c->link_note)
                                                   : g_strdup (link);
  for (guint i = 0; i < c->namespaces->len; i++)
    {
      const MtNvmeNamespace *ns = g_ptr_array_index (c->namespaces, i);
      g_autofree char *size = g_format_size (ns->size_bytes);

      g_string_append_printf (namespaces, "%s%s (%s)", namespaces->len > 0 ? ", " : "", ns->name,
                              size);
    }
  values[5] = link_text;
  values[6] = namespaces->len > 0 ? namespaces->str : _ ("None found");

  expander = add_expander (self, self->storage_group, c->model != NULL ? c->model : c->name,
                           link != NULL ? link : c->name);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (i != 5 || g_strcmp0 (c->transport, "pcie") == 0)
      adw_expander_row_add_row (expander,
                                GTK_WIDGET (create_fact (self, titles[i], values[i], NULL)));
}

void
_mt_hardware_page_build_storage (MtHardwarePage *self, MtSystemInfo *info)
{
  MtStorageInfo *storage = mt_system_info_get_storage (info);

  if (storage == NULL)
    add_problem (self, self->storage_group, "storage");
  else if (mt_storage_info_get_n_controllers (storage) == 0)
    add_fact (self, self->storage_group, _ ("NVMe Drives"), _ ("None found"), NULL);

  for (guint i = 0; storage != NULL && i < mt_storage_info_get_n_controllers (storage); i++)
    build_controller (self, mt_storage_info_get_controller (storage, i));
}

void
_mt_hardware_page_build_graphics (MtHardwarePage *self, MtSystemInfo *info)
{
  GPtrArray *gpus = mt_system_info_get_gpus (info);

  if (find_problem (self, "PCI devices") != NULL)
    add_problem (self, self->graphics_group, "PCI devices");
  else if (gpus == NULL || gpus->len == 0)
    add_fact (self, self->graphics_group, _ ("Display Controllers"), _ ("None found"), NULL);

  for (guint i = 0; gpus != NULL && i < gpus->len; i++)
    {
      MtPciDevice *gpu = g_ptr_array_index (gpus, i);
      g_autofree char *id = mt_pci_device_dup_id (gpu);
      const char *vendor = mt_pci_device_get_vendor_name (gpu);
      const char *driver = mt_pci_device_get_driver (gpu);
      const char *name = mt_pci_device_get_device_name (gpu);
      /* TRANSLATORS: a GPU: its vendor, the driver bound to it, its PCI address */
      g_autofree char *value =
        g_strdup_printf (_ ("%s, driver %s, at %s"), vendor != NULL ? vendor : _ ("Unknown vendor"),
                         driver != NULL ? driver : _ ("none"), mt_pci_device_get_address (gpu));

      add_row (self, self->graphics_group,
               GTK_WIDGET (create_item (self, name != NULL ? name : id, value, NULL)));
    }
}

static void
build_paravirt (MtHardwarePage *self, MtParavirt *paravirt, gboolean guest)
{
  AdwPreferencesGroup *group = self->paravirt_group;
  GPtrArray *features = mt_paravirt_get_features (paravirt);
  GPtrArray *devices = mt_paravirt_get_devices (paravirt);
  guint n_present = 0;

  gtk_widget_set_visible (GTK_WIDGET (group), guest || features->len > 0 || devices->len > 0);
  adw_preferences_group_set_description (
    group, guest
             ? _ ("What this guest uses to talk to its hypervisor instead of emulated hardware.")
             : _ ("Virtual devices found on this machine."));

  for (guint i = 0; i < features->len; i++)
    n_present += ((const MtParavirtFeature *) g_ptr_array_index (features, i))->present;
  if (features->len > 0)
    {
      /* TRANSLATORS: how many of the paravirtual features the hypervisor offers */
      g_autofree char *subtitle = g_strdup_printf (
        ngettext ("%u of %u offered", "%u of %u offered", features->len), n_present, features->len);
      AdwExpanderRow *expander = add_expander (self, group, _ ("Paravirtual Features"), subtitle);

      for (guint i = 0; i < features->len; i++)
        {
          const MtParavirtFeature *f = g_ptr_array_index (features, i);
          /* TRANSLATORS: whether a paravirtual feature is there, then what it does */
          g_autofree char *value = g_strdup_printf (
            _ ("%s. %s"), f->present ? _ ("Present") : _ ("Not present"), f->description);

          adw_expander_row_add_row (expander,
                                    GTK_WIDGET (create_item (self, f->name, value, f->evidence)));
        }
    }

  for (guint i = 0; i < devices->len; i++)
    {
      const MtParavirtDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *title = g_strdup_printf ("%s [%s]", d->name, d->id);
      /* TRANSLATORS: a virtual device: paravirtual or emulated, its PCI address, its driver */
      g_autofree char *value =
        g_strdup_printf (_ ("%s at %s, driver %s"),
                         d->kind == MT_PARAVIRT_DEVICE_PARAVIRTUAL ? _ ("Paravirtual device")
                                                                   : _ ("Emulated device"),
                         d->address, d->driver != NULL ? d->driver : _ ("none"));
      g_autofree char *text =
        d->note != NULL ? g_strdup_printf ("%s\n%s", value, d->note) : g_strdup (value);

      add_row (self, group, GTK_WIDGET (create_item (self, title, text, NULL)));
    }

  if (features->len == 0 && devices->len == 0)
    add_fact (self, group, _ ("Paravirtual Features and Devices"), _ ("None found"), NULL);
}

void
_mt_hardware_page_build_virtualization (MtHardwarePage *self, MtSystemInfo *info)
{
  AdwPreferencesGroup *group = self->virtualization_group;
  MtHypervisorInfo *hv = mt_system_info_get_hypervisor (info);
  g_autofree char *hypervisor = NULL;
  const char *id;
  const char *name;
  const char *container;
  gboolean guest;
  MtFactRow *row;

  if (hv == NULL)
    {
      add_problem (self, group, "hypervisor");
      return;
    }

  id = mt_hypervisor_info_get_id (hv);
  name = mt_hypervisor_info_get_name (hv);
  container = mt_hypervisor_info_get_container_id (hv);
  guest = g_strcmp0 (id, "none") != 0;
  if (guest)
    hypervisor = g_strdup_printf ("%s (%s)", name != NULL ? name : id, id);
  else
    hypervisor = g_strdup (name != NULL ? name : _ ("None, bare metal"));

  row = add_fact (self, group, _ ("Hypervisor"), hypervisor, NULL);
  mt_fact_row_add_evidence_lines (row, mt_hypervisor_info_get_evidence (hv), NULL);
  row = add_fact (self, group, _ ("Container"),
                  g_strcmp0 (container, "none") == 0 ? _ ("None") : container, NULL);
  mt_fact_row_add_evidence_lines (row, mt_hypervisor_info_get_evidence (hv), NULL);
  if (guest)
    {
      row = add_fact (self, group, _ ("Nested Virtualization"),
                      mt_hypervisor_info_get_nested (hv)
                        ? _ ("Available: this guest sees VT-x or AMD-V")
                        : _ ("Not available"),
                      NULL);
      mt_fact_row_add_evidence_lines (row, mt_hypervisor_info_get_nested_evidence (hv), NULL);
    }
  add_fact (self, group, _ ("Clock Source"),
            mt_paravirt_get_clocksource (mt_hypervisor_info_get_paravirt (hv)), NULL);

  build_paravirt (self, mt_hypervisor_info_get_paravirt (hv), guest);
}

void
_mt_hardware_page_build_distro (MtHardwarePage *self, MtSystemInfo *info)
{
  AdwPreferencesGroup *group = self->distro_group;
  MtDistro *distro = mt_system_info_get_distro (info);

  if (distro == NULL)
    {
      add_problem (self, group, "distribution");
      return;
    }

  add_fact (self, group, _ ("Name"), mt_distro_get_pretty_name (distro),
            mt_distro_get_evidence (distro));
  add_fact (self, group, _ ("Family"), mt_distro_get_family (distro),
            mt_distro_get_evidence (distro));
  add_fact (self, group, _ ("Headers Package"), mt_distro_get_headers_package (distro), NULL);
  add_fact (self, group, _ ("Install the Headers With"), mt_distro_get_install_command (distro),
            NULL);
}
