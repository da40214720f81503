/* mt-report.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-report.h"

/* A report is made in two steps: the detection result's JSON (the one
 * source of truth, see docs/report-schema.md) becomes a list of sections
 * of facts, notes and tables; each format then renders those sections.
 * A part of the JSON that is absent is left out, never made up. */

typedef struct
{
  char *label;
  char *value;
  char *evidence;
} Row;

typedef struct
{
  char *title;
  GStrv columns;
  GPtrArray *cells; /* of GStrv */
} Table;

typedef struct
{
  char *title;
  char *summary;
  GPtrArray *rows;
  GPtrArray *notes;
  GPtrArray *tables;
} Section;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_free (row->label);
  g_free (row->value);
  g_free (row->evidence);
  g_free (row);
}

static void
table_free (gpointer data)
{
  Table *table = data;

  g_free (table->title);
  g_strfreev (table->columns);
  g_ptr_array_unref (table->cells);
  g_free (table);
}

static void
section_free (gpointer data)
{
  Section *section = data;

  g_free (section->title);
  g_free (section->summary);
  g_ptr_array_unref (section->rows);
  g_ptr_array_unref (section->notes);
  g_ptr_array_unref (section->tables);
  g_free (section);
}

static Section *
add_section (GPtrArray *sections, const char *title)
{
  Section *section = g_new0 (Section, 1);

  section->title = g_strdup (title);
  section->rows = g_ptr_array_new_with_free_func (row_free);
  section->notes = g_ptr_array_new_with_free_func (g_free);
  section->tables = g_ptr_array_new_with_free_func (table_free);
  g_ptr_array_add (sections, section);

  return section;
}

static void
add_row (Section *section, const char *label, const char *value, const char *evidence)
{
  Row *row = g_new0 (Row, 1);

  row->label = g_strdup (label);
  row->value = g_strdup (value != NULL && *value != '\0' ? value : _ ("unknown"));
  row->evidence = g_strdup (evidence);
  g_ptr_array_add (section->rows, row);
}

static Table *
add_table (Section *section, const char *title, const char *const *columns)
{
  Table *table = g_new0 (Table, 1);

  table->title = g_strdup (title);
  table->columns = g_strdupv ((GStrv) columns);
  table->cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_ptr_array_add (section->tables, table);

  return table;
}

static void
table_add (Table *table, ...)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  guint n = g_strv_length (table->columns);
  va_list args;

  va_start (args, table);
  for (guint i = 0; i < n; i++)
    {
      const char *cell = va_arg (args, const char *);

      g_strv_builder_add (builder, cell != NULL && *cell != '\0' ? cell : "—");
    }
  va_end (args);

  g_ptr_array_add (table->cells, g_strv_builder_end (builder));
}

/* --- reading the JSON ------------------------------------------------------------------------ */

static JsonObject *
get_object (JsonObject *obj, const char *key)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, key) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *obj, const char *key)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, key) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Any JSON value as a person reads it; NULL for null or absent. */
static char *
describe (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr (GString) out = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = describe (json_array_get_element (array, i));

          if (item != NULL)
            g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", item);
        }
      return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : g_strdup (_ ("none"));
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? _ ("yes") : _ ("no"));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%g", json_node_get_double (node));
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    default:
      return NULL;
    }
}

static char *
get (JsonObject *obj, const char *key)
{
  return obj != NULL ? describe (json_object_get_member (obj, key)) : NULL;
}

static const char *
get_str (JsonObject *obj, const char *key)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, key) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
             json_node_get_value_type (node) == G_TYPE_STRING
           ? json_node_get_string (node)
           : NULL;
}

static void
add_json_row (Section *section,
              JsonObject *obj,
              const char *key,
              const char *label,
              const char *evidence)
{
  g_autofree char *value = get (obj, key);

  add_row (section, label, value, evidence);
}

static void
add_notes_from_array (Section *section, JsonArray *array)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *note = describe (json_array_get_element (array, i));

      if (note != NULL)
        g_ptr_array_add (section->notes, g_steal_pointer (&note));
    }
}

/* --- sections -------------------------------------------------------------------------------- */

static void
build_cpu (GPtrArray *sections, JsonObject *cpu)
{
  JsonObject *evidence = get_object (cpu, "evidence");
  JsonArray *features = get_array (cpu, "features");
  JsonArray *flags = get_array (cpu, "flags");
  Section *section = add_section (sections, _ ("Processor"));
  g_autofree char *vendor = NULL;
  g_autofree char *fms = NULL;
  g_autofree char *family = get (cpu, "family");
  g_autofree char *model = get (cpu, "model");
  g_autofree char *stepping = get (cpu, "stepping");
  g_autofree char *nflags = NULL;
  g_autofree char *vmx = get (cpu, "vmx_flags");
  const char *vendor_id = get_str (cpu, "vendor_id");

  if (vendor_id != NULL && g_strcmp0 (vendor_id, get_str (cpu, "vendor")) != 0)
    vendor = g_strdup_printf ("%s (%s)", get_str (cpu, "vendor"), vendor_id);
  else
    vendor = g_strdup (vendor_id);
  if (family != NULL)
    fms = g_strdup_printf ("%s / %s / %s", family, model != NULL ? model : "?",
                           stepping != NULL ? stepping : "?");
  nflags = g_strdup_printf ("%u", flags != NULL ? json_array_get_length (flags) : 0);

  add_row (section, _ ("Vendor"), vendor, get_str (evidence, "vendor"));
  add_row (section, _ ("Model"), get_str (cpu, "model_name"), get_str (evidence, "model-name"));
  add_row (section, _ ("Family / model / stepping"), fms, get_str (evidence, "family"));
  add_json_row (section, cpu, "logical_cpus", _ ("Logical CPUs"),
                get_str (evidence, "logical-cpus"));
  add_row (section, _ ("Flags"), nflags, get_str (evidence, "flags"));
  add_row (section, _ ("VT-x capabilities"), vmx, get_str (evidence, "vmx-flags"));

  if (features != NULL)
    {
      const char *columns[] = { _ ("Feature"), _ ("Present"), _ ("Evidence"), NULL };
      Table *table = add_table (section, _ ("Features that matter here"), columns);

      for (guint i = 0; i < json_array_get_length (features); i++)
        {
          JsonObject *f = json_array_get_object_element (features, i);
          g_autofree char *present = get (f, "present");

          table_add (table, get_str (f, "name"), present, get_str (f, "evidence"));
        }
    }
}

static void
build_hypervisor (GPtrArray *sections, JsonObject *hv)
{
  Section *section;
  JsonArray *paravirt = get_array (hv, "paravirt");
  JsonArray *devices = get_array (hv, "devices");
  g_autofree char *name = NULL;
  g_autofree char *nested_evidence = NULL;

  if (hv == NULL)
    return;

  section = add_section (sections, _ ("Virtualization"));
  if (g_strcmp0 (get_str (hv, "id"), "none") == 0)
    name = g_strdup_printf ("%s (none)",
                            get_str (hv, "name") != NULL ? get_str (hv, "name") : _ ("bare metal"));
  else
    name = g_strdup_printf (
      "%s (%s)", get_str (hv, "name") != NULL ? get_str (hv, "name") : get_str (hv, "id"),
      get_str (hv, "id"));
  add_row (section, _ ("Hypervisor"), name, NULL);
  add_json_row (section, hv, "container", _ ("Container"), NULL);
  nested_evidence = get (hv, "nested_evidence");
  add_json_row (section, hv, "nested", _ ("VT-x/AMD-V visible to this guest"), nested_evidence);
  if (json_object_has_member (hv, "clocksource"))
    add_json_row (section, hv, "clocksource", _ ("Clock source"),
                  "/sys/devices/system/clocksource");
  add_notes_from_array (section, get_array (hv, "evidence"));

  if (paravirt != NULL && json_array_get_length (paravirt) > 0)
    {
      const char *columns[] = { _ ("Paravirtual feature"), _ ("Present"), _ ("What it does"),
                                _ ("Evidence"), NULL };
      Table *table = add_table (section, _ ("Paravirtual features"), columns);

      for (guint i = 0; i < json_array_get_length (paravirt); i++)
        {
          JsonObject *f = json_array_get_object_element (paravirt, i);
          g_autofree char *present = get (f, "present");

          table_add (table, get_str (f, "name"), present, get_str (f, "description"),
                     get_str (f, "evidence"));
        }
    }

  if (devices != NULL && json_array_get_length (devices) > 0)
    {
      const char *columns[] = { _ ("Address"), _ ("Device"), _ ("Kind"),
                                _ ("Driver"),  _ ("Note"),   NULL };
      Table *table = add_table (section, _ ("Virtual devices"), columns);

      for (guint i = 0; i < json_array_get_length (devices); i++)
        {
          JsonObject *d = json_array_get_object_element (devices, i);
          g_autofree char *device =
            g_strdup_printf ("%s [%s]", get_str (d, "name") != NULL ? get_str (d, "name") : "?",
                             get_str (d, "id") != NULL ? get_str (d, "id") : "?");

          table_add (table, get_str (d, "address"), device, get_str (d, "kind"),
                     get_str (d, "driver"), get_str (d, "note"));
        }
    }
}

static void
build_kernel (GPtrArray *sections, JsonObject *kernel)
{
  Section *section = add_section (sections, _ ("Kernel"));
  JsonObject *evidence = get_object (kernel, "evidence");
  JsonObject *toolchain = get_object (kernel, "toolchain");
  JsonObject *signing = get_object (kernel, "module_signing");
  JsonObject *iommu = get_object (kernel, "iommu");
  JsonObject *headers = get_object (kernel, "headers");
  JsonArray *installed = get_array (headers, "installed_kernels");
  g_autofree char *config = NULL;
  g_autofree char *sign = NULL;
  g_autofree char *headers_text = NULL;
  g_autofree char *options = get (kernel, "config_options");

  if (get_str (kernel, "config_source") != NULL)
    config = g_strdup_printf (_ ("%s, %s options"), get_str (kernel, "config_source"), options);
  else
    config = g_strdup (_ ("not found"));

  add_json_row (section, kernel, "release", _ ("Release"), get_str (evidence, "release"));
  add_json_row (section, kernel, "compiler", _ ("Compiler"), get_str (evidence, "compiler"));
  add_json_row (section, toolchain, "linker", _ ("Linker"), NULL);
  add_json_row (section, toolchain, "lto", _ ("Link-time optimization"), NULL);
  add_json_row (section, toolchain, "unwinder", _ ("Unwinder"), NULL);
  add_json_row (section, toolchain, "objtool", _ ("objtool checks modules"), NULL);
  add_json_row (section, kernel, "modules_supported", _ ("Loadable modules"), "CONFIG_MODULES");
  add_json_row (section, kernel, "module_compression", _ ("Module compression"), NULL);
  if (signing != NULL)
    {
      g_autofree char *enabled = get (signing, "enabled");
      g_autofree char *enforced = get (signing, "enforced");
      g_autofree char *hash = get (signing, "hash");

      sign = g_strdup_printf (
        _ ("%s (enforced: %s, hash: %s)"), enabled != NULL ? enabled : _ ("unknown"),
        enforced != NULL ? enforced : _ ("unknown"), hash != NULL ? hash : _ ("none"));
      add_row (section, _ ("Module signing"), sign, "CONFIG_MODULE_SIG*");
    }
  add_json_row (section, iommu, "state", _ ("IOMMU"), get_str (iommu, "evidence"));
  if (headers != NULL)
    {
      headers_text = g_strdup_printf (
        "%s (%s)",
        json_object_get_boolean_member_with_default (headers, "present", FALSE) ? _ ("installed")
                                                                                : _ ("missing"),
        get_str (headers, "path"));
      add_row (section, _ ("Headers for this kernel"), headers_text, NULL);
    }
  add_row (section, _ ("Configuration"), config, get_str (evidence, "config"));
  add_json_row (section, kernel, "version", _ ("Version"), get_str (evidence, "version"));

  if (installed != NULL && json_array_get_length (installed) > 0)
    {
      const char *columns[] = { _ ("Installed kernel"), _ ("Headers"), NULL };
      Table *table = add_table (section, _ ("Installed kernels"), columns);

      for (guint i = 0; i < json_array_get_length (installed); i++)
        {
          JsonObject *k = json_array_get_object_element (installed, i);
          g_autofree char *has = get (k, "headers");

          table_add (table, get_str (k, "release"), has);
        }
    }
}

static void
build_secure_boot (GPtrArray *sections, JsonObject *sb)
{
  Section *section;

  if (sb == NULL)
    return;

  section = add_section (sections, _ ("Secure Boot and module signatures"));
  section->summary = g_strdup (get_str (sb, "summary"));
  add_json_row (section, sb, "efi", _ ("Booted with UEFI"), NULL);
  add_json_row (section, sb, "enabled", _ ("Secure Boot"), NULL);
  add_json_row (section, sb, "lockdown", _ ("Kernel lockdown"), NULL);
  add_json_row (section, sb, "sig_enforce", _ ("Signatures enforced"), NULL);
  add_json_row (section, sb, "unsigned_modules_load", _ ("Unsigned modules load"), NULL);
  add_notes_from_array (section, get_array (sb, "evidence"));
}

static void
build_storage (GPtrArray *sections, JsonObject *storage)
{
  JsonArray *nvme = get_array (storage, "nvme");
  const char *columns[] = { _ ("Controller"), _ ("Model"),      _ ("Transport"),
                            _ ("PCIe link"),  _ ("Namespaces"), NULL };
  Section *section;
  Table *table;

  if (storage == NULL)
    return;

  section = add_section (sections, _ ("Storage"));
  if (nvme == NULL || json_array_get_length (nvme) == 0)
    {
      section->summary = g_strdup (_ ("No NVMe controller."));
      return;
    }

  table = add_table (section, _ ("NVMe"), columns);
  for (guint i = 0; i < json_array_get_length (nvme); i++)
    {
      JsonObject *c = json_array_get_object_element (nvme, i);
      JsonObject *link = get_object (c, "link");
      JsonArray *namespaces = get_array (c, "namespaces");
      g_autofree char *link_text = NULL;
      g_autoptr (GString) ns = g_string_new (NULL);

      if (get_str (link, "speed") != NULL)
        link_text =
          g_strdup_printf ("%s x%s (max %s x%s)", get_str (link, "speed"),
                           get_str (link, "width") != NULL ? get_str (link, "width") : "?",
                           get_str (link, "max_speed") != NULL ? get_str (link, "max_speed") : "?",
                           get_str (link, "max_width") != NULL ? get_str (link, "max_width") : "?");
      for (guint j = 0; namespaces != NULL && j < json_array_get_length (namespaces); j++)
        {
          JsonObject *n = json_array_get_object_element (namespaces, j);
          g_autofree char *size =
            g_format_size (json_object_get_int_member_with_default (n, "size_bytes", 0));

          g_string_append_printf (ns, "%s%s (%s)", ns->len > 0 ? ", " : "", get_str (n, "name"),
                                  size);
        }

      table_add (table, get_str (c, "name"), get_str (c, "model"), get_str (c, "transport"),
                 link_text, ns->str);
    }
}

static void
build_gpus (GPtrArray *sections, JsonArray *gpus)
{
  const char *columns[] = { _ ("Address"), _ ("Vendor"), _ ("Device"), _ ("Driver"), NULL };
  Section *section;
  Table *table;

  if (gpus == NULL)
    return;

  section = add_section (sections, _ ("Graphics"));
  if (json_array_get_length (gpus) == 0)
    {
      section->summary = g_strdup (_ ("No PCI display controller."));
      return;
    }

  table = add_table (section, _ ("GPUs"), columns);
  for (guint i = 0; i < json_array_get_length (gpus); i++)
    {
      JsonObject *g = json_array_get_object_element (gpus, i);

      table_add (table, get_str (g, "address"), get_str (g, "vendor"), get_str (g, "device"),
                 get_str (g, "driver"));
    }
}

static void
build_vmware (GPtrArray *sections, JsonObject *vmware)
{
  JsonObject *sources = get_object (vmware, "sources");
  JsonArray *installed = get_array (vmware, "installed_modules");
  Section *section;

  if (vmware == NULL)
    return;

  section = add_section (sections, _ ("VMware Workstation"));
  section->summary = g_strdup (get_str (vmware, "warning"));
  add_json_row (section, vmware, "installed", _ ("Installed"), get_str (vmware, "config_file"));
  if (!json_object_get_boolean_member_with_default (vmware, "installed", FALSE))
    return;

  add_json_row (section, vmware, "product", _ ("Product"), NULL);
  add_json_row (section, vmware, "version", _ ("Version"), NULL);
  add_json_row (section, vmware, "build", _ ("Build"), NULL);
  add_json_row (section, vmware, "interface_matches_product",
                _ ("Module sources match the product"), NULL);

  if (sources != NULL)
    {
      const char *columns[] = { _ ("Source"), _ ("Interface version"), _ ("SHA-256"), NULL };
      const char *names[] = { "vmmon", "vmnet" };
      Table *table = add_table (section, _ ("Module sources"), columns);

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          JsonObject *src = get_object (sources, names[i]);
          g_autofree char *iface = get (src, "interface_version");

          if (src != NULL)
            table_add (table, get_str (src, "path"), iface, get_str (src, "sha256"));
        }
    }

  if (installed != NULL && json_array_get_length (installed) > 0)
    {
      const char *columns[] = { _ ("Kernel"), _ ("Module"), _ ("File"), NULL };
      Table *table = add_table (section, _ ("Installed modules"), columns);

      for (guint i = 0; i < json_array_get_length (installed); i++)
        {
          JsonObject *m = json_array_get_object_element (installed, i);

          table_add (table, get_str (m, "kernel"), get_str (m, "module"), get_str (m, "path"));
        }
    }
}

static void
build_modules (GPtrArray *sections, JsonObject *modules, JsonObject *support)
{
  const char *columns[] = { _ ("Module"), _ ("State"),   _ ("Version"),
                            _ ("Signer"), _ ("Used by"), NULL };
  g_autoptr (GList) names = NULL;
  Section *section;
  Table *table;

  if (modules == NULL)
    return;

  section = add_section (sections, _ ("Kernel modules"));
  if (support != NULL && !json_object_get_boolean_member_with_default (support, "loadable", TRUE))
    section->summary = g_strdup_printf (
      _ ("This kernel cannot load modules (%s): VMware's modules cannot be used with it."),
      get_str (support, "evidence") != NULL ? get_str (support, "evidence") : "CONFIG_MODULES");
  table = add_table (section, NULL, columns);
  names = json_object_get_members (modules);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *m = get_object (modules, l->data);
      g_autofree char *holders = get (m, "holders");

      table_add (table, l->data, get_str (m, "state"), get_str (m, "version"),
                 get_str (m, "signer"), holders);
    }
}

static void
build_distro (GPtrArray *sections, JsonObject *distro)
{
  Section *section;

  if (distro == NULL)
    return;

  section = add_section (sections, _ ("Distribution"));
  add_json_row (section, distro, "name", _ ("Name"), get_str (distro, "evidence"));
  add_json_row (section, distro, "family", _ ("Family"), NULL);
  add_json_row (section, distro, "headers_package", _ ("Headers package"), NULL);
  add_json_row (section, distro, "install_headers", _ ("Install the headers with"), NULL);
}

static void
build_problems (GPtrArray *sections, JsonArray *problems)
{
  Section *section;

  if (problems == NULL || json_array_get_length (problems) == 0)
    return;

  section = add_section (sections, _ ("What could not be detected"));
  for (guint i = 0; i < json_array_get_length (problems); i++)
    {
      JsonObject *p = json_array_get_object_element (problems, i);

      g_ptr_array_add (section->notes,
                       g_strdup_printf ("%s: %s", get_str (p, "area"), get_str (p, "message")));
    }
}

static GPtrArray *
build_sections (JsonObject *root)
{
  GPtrArray *sections = g_ptr_array_new_with_free_func (section_free);

  build_cpu (sections, get_object (root, "cpu"));
  build_hypervisor (sections, get_object (root, "hypervisor"));
  build_kernel (sections, get_object (root, "kernel"));
  build_secure_boot (sections, get_object (root, "secure_boot"));
  build_vmware (sections, get_object (root, "vmware"));
  build_modules (sections, get_object (root, "modules"), get_object (root, "module_support"));
  build_storage (sections, get_object (root, "storage"));
  build_gpus (sections, get_array (root, "gpus"));
  build_distro (sections, get_object (root, "distro"));
  build_problems (sections, get_array (root, "problems"));

  return sections;
}

/* --- text ------------------------------------------------------------------------------------ */

static void
pad (GString *out, glong width)
{
  for (glong i = 0; i < width; i++)
    g_string_append_c (out, ' ');
}

static void
render_text_table (GString *out, const Table *table)
{
  guint n = g_strv_length (table->columns);
  g_autofree glong *widths = g_new0 (glong, n);

  for (guint c = 0; c < n; c++)
    widths[c] = g_utf8_strlen (table->columns[c], -1);
  for (guint r = 0; r < table->cells->len; r++)
    {
      GStrv cells = g_ptr_array_index (table->cells, r);

      for (guint c = 0; c < n; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (cells[c], -1));
    }

  if (table->title != NULL)
    g_string_append_printf (out, "\n  %s\n", table->title);
  for (guint r = 0; r <= table->cells->len; r++)
    {
      const char *const *cells =
        r == 0 ? (const char *const *) table->columns : g_ptr_array_index (table->cells, r - 1);

      g_string_append (out, "   ");
      for (guint c = 0; c < n; c++)
        {
          g_string_append_printf (out, " %s", cells[c]);
          if (c + 1 < n)
            pad (out, widths[c] - g_utf8_strlen (cells[c], -1) + 1);
        }
      g_string_append_c (out, '\n');
    }
}

static void
render_text (GString *out, const char *header, GPtrArray *sections)
{
  g_string_append_printf (out, "%s\n", header);

  for (guint s = 0; s < sections->len; s++)
    {
      const Section *section = g_ptr_array_index (sections, s);
      glong width = 0;

      g_string_append_printf (out, "\n%s\n", section->title);
      if (section->summary != NULL)
        g_string_append_printf (out, "  %s\n", section->summary);

      for (guint i = 0; i < section->rows->len; i++)
        width =
          MAX (width, g_utf8_strlen (((Row *) g_ptr_array_index (section->rows, i))->label, -1));
      for (guint i = 0; i < section->rows->len; i++)
        {
          const Row *row = g_ptr_array_index (section->rows, i);

          g_string_append_printf (out, "  %s", row->label);
          pad (out, width - g_utf8_strlen (row->label, -1) + 2);
          g_string_append_printf (out, "%s\n", row->value);
        }
      for (guint i = 0; i < section->notes->len; i++)
        g_string_append_printf (out, "  - %s\n",
                                (const char *) g_ptr_array_index (section->notes, i));
      for (guint i = 0; i < section->tables->len; i++)
        render_text_table (out, g_ptr_array_index (section->tables, i));
    }
}

/* --- Markdown -------------------------------------------------------------------------------- */

static void
append_md (GString *out, const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '|' || *p == '\\' || *p == '`' || *p == '*' || *p == '_' || *p == '<' ||
          *p == '[' || *p == ']')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "<br>");
      else
        g_string_append_c (out, *p);
    }
}

static void
render_md_row (GString *out, const char *const *cells, guint n)
{
  g_string_append (out, "|");
  for (guint c = 0; c < n; c++)
    {
      g_string_append_c (out, ' ');
      append_md (out, cells[c]);
      g_string_append (out, " |");
    }
  g_string_append_c (out, '\n');
}

static void
render_md_separator (GString *out, guint n)
{
  g_string_append (out, "|");
  for (guint c = 0; c < n; c++)
    g_string_append (out, "---|");
  g_string_append_c (out, '\n');
}

static void
render_markdown (GString *out, const char *header, GPtrArray *sections)
{
  g_string_append (out, "## ");
  append_md (out, header);
  g_string_append (out, "\n");

  for (guint s = 0; s < sections->len; s++)
    {
      const Section *section = g_ptr_array_index (sections, s);

      g_string_append (out, "\n### ");
      append_md (out, section->title);
      g_string_append (out, "\n\n");
      if (section->summary != NULL)
        {
          append_md (out, section->summary);
          g_string_append (out, "\n\n");
        }

      if (section->rows->len > 0)
        {
          const char *columns[] = { _ ("Fact"), _ ("Value"), _ ("Evidence") };

          render_md_row (out, columns, 3);
          render_md_separator (out, 3);
          for (guint i = 0; i < section->rows->len; i++)
            {
              const Row *row = g_ptr_array_index (section->rows, i);
              const char *cells[] = { row->label, row->value,
                                      row->evidence != NULL ? row->evidence : "" };

              render_md_row (out, cells, 3);
            }
          g_string_append_c (out, '\n');
        }

      for (guint i = 0; i < section->notes->len; i++)
        {
          g_string_append (out, "- ");
          append_md (out, g_ptr_array_index (section->notes, i));
          g_string_append_c (out, '\n');
        }
      if (section->notes->len > 0)
        g_string_append_c (out, '\n');

      for (guint t = 0; t < section->tables->len; t++)
        {
          const Table *table = g_ptr_array_index (section->tables, t);
          guint n = g_strv_length (table->columns);

          if (table->title != NULL)
            {
              g_string_append (out, "**");
              append_md (out, table->title);
              g_string_append (out, "**\n\n");
            }
          render_md_row (out, (const char *const *) table->columns, n);
          render_md_separator (out, n);
          for (guint r = 0; r < table->cells->len; r++)
            render_md_row (out, g_ptr_array_index (table->cells, r), n);
          g_string_append_c (out, '\n');
        }
    }
}

/* --- HTML ------------------------------------------------------------------------------------ */

static void
append_html (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (out, escaped);
}

static void
render_html_table (GString *out, const char *const *columns, GPtrArray *rows, guint n)
{
  g_string_append (out, "<table>\n<tr>");
  for (guint c = 0; c < n; c++)
    {
      g_string_append (out, "<th>");
      append_html (out, columns[c]);
      g_string_append (out, "</th>");
    }
  g_string_append (out, "</tr>\n");
  for (guint r = 0; r < rows->len; r++)
    {
      const char *const *cells = g_ptr_array_index (rows, r);

      g_string_append (out, "<tr>");
      for (guint c = 0; c < n; c++)
        {
          g_string_append (out, "<td>");
          append_html (out, cells[c]);
          g_string_append (out, "</td>");
        }
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</table>\n");
}

static void
render_html (GString *out, const char *header, GPtrArray *sections)
{
  g_string_append (
    out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  append_html (out, header);
  g_string_append (
    out, "</title>\n<style>\n"
         "body{font-family:Cantarell,system-ui,sans-serif;max-width:72rem;margin:2rem auto;"
         "padding:0 1rem;color:#241f31;background:#fafafa}\n"
         "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}\n"
         "table{border-collapse:collapse;width:100%;margin:0.5rem 0 1rem}\n"
         "th,td{border:1px solid #d0d0d5;padding:0.3rem 0.5rem;text-align:left;"
         "vertical-align:top}\n"
         "th{background:#ebebed}td.evidence{color:#5e5c64;font-size:0.9em}\n"
         "@media (prefers-color-scheme:dark){body{background:#242424;color:#fff}"
         "th{background:#303030}th,td{border-color:#444}td.evidence{color:#c0bfbc}}\n"
         "</style>\n</head>\n<body>\n<h1>");
  append_html (out, header);
  g_string_append (out, "</h1>\n");

  for (guint s = 0; s < sections->len; s++)
    {
      const Section *section = g_ptr_array_index (sections, s);

      g_string_append (out, "<section>\n<h2>");
      append_html (out, section->title);
      g_string_append (out, "</h2>\n");
      if (section->summary != NULL)
        {
          g_string_append (out, "<p>");
          append_html (out, section->summary);
          g_string_append (out, "</p>\n");
        }

      if (section->rows->len > 0)
        {
          g_string_append (out, "<table>\n");
          for (guint i = 0; i < section->rows->len; i++)
            {
              const Row *row = g_ptr_array_index (section->rows, i);

              g_string_append (out, "<tr><th>");
              append_html (out, row->label);
              g_string_append (out, "</th><td>");
              append_html (out, row->value);
              g_string_append (out, "</td><td class=\"evidence\">");
              append_html (out, row->evidence != NULL ? row->evidence : "");
              g_string_append (out, "</td></tr>\n");
            }
          g_string_append (out, "</table>\n");
        }

      if (section->notes->len > 0)
        {
          g_string_append (out, "<ul>\n");
          for (guint i = 0; i < section->notes->len; i++)
            {
              g_string_append (out, "<li>");
              append_html (out, g_ptr_array_index (section->notes, i));
              g_string_append (out, "</li>\n");
            }
          g_string_append (out, "</ul>\n");
        }

      for (guint t = 0; t < section->tables->len; t++)
        {
          const Table *table = g_ptr_array_index (section->tables, t);

          if (table->title != NULL)
            {
              g_string_append (out, "<h3>");
              append_html (out, table->title);
              g_string_append (out, "</h3>\n");
            }
          render_html_table (out, (const char *const *) table->columns, table->cells,
                             g_strv_length (table->columns));
        }
      g_string_append (out, "</section>\n");
    }

  g_string_append (out, "</body>\n</html>\n");
}

/* --- public ---------------------------------------------------------------------------------- */

/**
 * mt_report_format_from_string:
 * @name: `text`, `markdown` (or `md`), `html` or `json`
 *
 * Returns: %TRUE if @name is a format
 */
gboolean
mt_report_format_from_string (const char *name, MtReportFormat *format, GError **error)
{
  static const struct
  {
    const char *name;
    MtReportFormat format;
  } formats[] = {
    { "text", MT_REPORT_FORMAT_TEXT },   { "markdown", MT_REPORT_FORMAT_MARKDOWN },
    { "md", MT_REPORT_FORMAT_MARKDOWN }, { "html", MT_REPORT_FORMAT_HTML },
    { "json", MT_REPORT_FORMAT_JSON },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (formats); i++)
    if (g_str_equal (name, formats[i].name))
      {
        *format = formats[i].format;
        return TRUE;
      }

  g_set_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT,
               _ ("Unknown report format “%s”: use markdown, html, json or text"),
               name != NULL ? name : "");
  return FALSE;
}

/**
 * mt_report_format_to_extension:
 *
 * Returns: the usual file name extension, such as `md`
 */
const char *
mt_report_format_to_extension (MtReportFormat format)
{
  switch (format)
    {
    case MT_REPORT_FORMAT_MARKDOWN:
      return "md";
    case MT_REPORT_FORMAT_HTML:
      return "html";
    case MT_REPORT_FORMAT_JSON:
      return "json";
    case MT_REPORT_FORMAT_TEXT:
    default:
      return "txt";
    }
}

/**
 * mt_report_render:
 *
 * Returns: (transfer full): the report
 */
char *
mt_report_render (MtSystemInfo *info, MtReportFormat format)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) sections = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *header = NULL;
  MtSysroot *sysroot;

  g_return_val_if_fail (MT_IS_SYSTEM_INFO (info), NULL);

  root = mt_system_info_to_json (info);
  if (format == MT_REPORT_FORMAT_JSON)
    {
      g_autofree char *json = json_to_string (root, TRUE);

      return g_strconcat (json, "\n", NULL);
    }

  sysroot = mt_system_info_get_sysroot (info);
  if (mt_sysroot_is_host (sysroot))
    header = g_strdup_printf (_ ("Modtune %s report"), PACKAGE_VERSION);
  else
    header = g_strdup_printf (_ ("Modtune %s report of the recorded system at %s"), PACKAGE_VERSION,
                              mt_sysroot_get_path (sysroot));

  sections = build_sections (json_node_get_object (root));

  switch (format)
    {
    case MT_REPORT_FORMAT_MARKDOWN:
      render_markdown (out, header, sections);
      break;
    case MT_REPORT_FORMAT_HTML:
      render_html (out, header, sections);
      break;
    case MT_REPORT_FORMAT_TEXT:
    case MT_REPORT_FORMAT_JSON:
    default:
      render_text (out, header, sections);
      break;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * mt_report_write:
 * @stream: where to write the report
 *
 * Returns: %TRUE if the whole report was written
 */
gboolean
mt_report_write (MtSystemInfo *info,
                 MtReportFormat format,
                 GOutputStream *stream,
                 GCancellable *cancellable,
                 GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (MT_IS_SYSTEM_INFO (info), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  text = mt_report_render (info, format);

  return g_output_stream_write_all (stream, text, strlen (text), NULL, cancellable, error);
}
