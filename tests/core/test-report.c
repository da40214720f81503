/* test-report.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "mt-core.h"
#include "mt-report.h"
#include "mt-test-util.h"

/* Golden files: the reports of each recorded machine, with the fixture's
 * path replaced by @SYSROOT@.  Run with MT_UPDATE_GOLDEN=1 to rewrite them
 * after a deliberate change, and read the diff before committing it. */

static MtSystemInfo *
probe_fixture (const char *name)
{
  g_autofree char *path = mt_test_fixture_path ("sysroots", name, NULL);
  g_autofree char *dump = mt_test_fixture_path ("sysroots", name, "cpuid.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MtSysroot) root = mt_sysroot_new (path, &error);
  g_autoptr (MtCpuid) cpuid = NULL;
  MtSystemInfo *info;

  g_assert_no_error (error);
  if (g_file_test (dump, G_FILE_TEST_EXISTS))
    {
      cpuid = mt_cpuid_new_from_file (dump, &error);
      g_assert_no_error (error);
    }
  info = mt_system_info_probe (root, cpuid, &error);
  g_assert_no_error (error);

  return info;
}

static char *
replace_all (const char *text, const char *needle, const char *replacement)
{
  g_auto (GStrv) parts = g_strsplit (text, needle, -1);

  return g_strjoinv (replacement, parts);
}

typedef struct
{
  const char *machine;
  MtReportFormat format;
} GoldenCase;

static void
check_golden (gconstpointer data)
{
  const GoldenCase *golden_case = data;
  const char *machine = golden_case->machine;
  MtReportFormat format = golden_case->format;
  g_autoptr (MtSystemInfo) info = probe_fixture (machine);
  g_autofree char *fixture = mt_test_fixture_path ("sysroots", machine, NULL);
  g_autofree char *raw = mt_report_render (info, format);
  g_autofree char *escaped_fixture = g_markup_escape_text (fixture, -1);
  g_autofree char *tmp = replace_all (raw, fixture, "@SYSROOT@");
  g_autofree char *report = replace_all (tmp, escaped_fixture, "@SYSROOT@");
  g_autofree char *name =
    g_strdup_printf ("%s.%s", machine, mt_report_format_to_extension (format));
  g_autofree char *golden_path =
    g_build_filename (g_getenv ("MT_TEST_FIXTURES"), "..", "core", "golden", name, NULL);
  g_autofree char *golden = NULL;
  g_autoptr (GError) error = NULL;

  if (g_getenv ("MT_UPDATE_GOLDEN") != NULL)
    {
      g_file_set_contents (golden_path, report, -1, &error);
      g_assert_no_error (error);
      g_test_message ("rewrote %s", golden_path);
    }

  g_file_get_contents (golden_path, &golden, NULL, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (report, golden) != 0)
    {
      g_autofree char *actual = g_build_filename (g_get_tmp_dir (), name, NULL);

      g_file_set_contents (actual, report, -1, NULL);
      g_test_message ("the report differs from %s; it is in %s", golden_path, actual);
    }
  g_assert_cmpstr (report, ==, golden);
}

/* The honesty rule: no report claims a speed-up that nothing in bench/ has
 * measured.  These words and phrases would claim one, as in the catalog's
 * test (test-flag-catalog.c); each must start a word, and ends one unless it
 * ends in '*'.  Allowed only right after "no" or "not" ("It is not
 * faster").  "accelerat" is left out: reports name hardware features such
 * as "3D acceleration" or "cryptographic accelerators". */
static const char *const claim_words[] = {
  "fast",
  "faster",
  "fastest",
  "quicker",
  "quickest",
  "speed-up*",
  "speedup*",
  "speed up",
  "speeds up",
  "local speed",
  "native speed",
  "full speed",
  "boost*",
  "outperform*",
  "cheaper",
  "lighter",
  "performance gain*",
  "better performance",
  "improves performance",
  "lower latency",
  "higher throughput",
  "less overhead",
  "lower overhead",
};

static char *
find_speed_claim (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);

  for (guint i = 0; i < G_N_ELEMENTS (claim_words); i++)
    {
      gboolean stem = g_str_has_suffix (claim_words[i], "*");
      g_autofree char *word = g_strndup (claim_words[i], strlen (claim_words[i]) - (stem ? 1 : 0));

      for (const char *hit = strstr (lower, word); hit != NULL; hit = strstr (hit + 1, word))
        {
          const char *after = hit + strlen (word);
          const char *end = hit;
          const char *start;
          g_autofree char *previous = NULL;

          if (hit > lower && g_ascii_isalnum (hit[-1]))
            continue;
          if (!stem && g_ascii_isalnum (*after))
            continue;

          while (end > lower && end[-1] == ' ')
            end--;
          for (start = end; start > lower && g_ascii_isalpha (start[-1]); start--)
            ;
          previous = g_strndup (start, end - start);
          if (!g_str_equal (previous, "no") && !g_str_equal (previous, "not"))
            return g_strdup (claim_words[i]);
        }
    }

  return NULL;
}

static void
test_claim_checker (void)
{
  /* the notes of mt-paravirt.c before they were reworded */
  const char *claims[] = {
    "A hypervisor inside this guest can use the enlightened VMCS, which makes nested "
    "virtualization much faster.",
    "Shares directories of the host with the guest at nearly local speed (virtiofs).",
    "VMware's paravirtual network card, the fastest one a VMware virtual machine can have.",
    "VMware's paravirtual SCSI controller, faster and lighter on the CPU than the emulated LSI "
    "Logic ones.",
    "VMware's Virtual Machine Communication Interface: fast channels between guest and host, "
    "used by VMware Tools and vsock.",
    "An emulated network card, where every packet costs several exits to the hypervisor; "
    "virtio-net would be faster.",
    "An emulated disk controller, where every request costs several exits to the hypervisor; "
    "PVSCSI would be faster.",
    "An emulated graphics card without acceleration; virtio-gpu would be faster.",
    "Timers that the hypervisor fires directly, cheaper than an emulated local APIC timer.",
    "It speeds up DMA.",
    "a 2x speed-up of guest networking",
    "Boosts memory throughput.",
  };
  const char *honest[] = {
    "An emulated network card: every packet goes through the hypervisor's device emulation; "
    "virtio-net is the paravirtual alternative.",
    "VMware's paravirtual graphics adapter (driver vmwgfx), with 3D acceleration when the host "
    "offers it.",
    "Lets the guest use the host's cryptographic accelerators.",
    "The guest acknowledges interrupts by writing to memory instead of the emulated APIC, saving "
    "a VM exit per interrupt.",
    "The drive’s link runs at 8.0 GT/s PCIe, below the 16.0 GT/s PCIe it supports.",
    "No speed-up has been measured.",
    "It is not faster.",
    "breakfast, steadfast",
  };

  for (guint i = 0; i < G_N_ELEMENTS (claims); i++)
    {
      g_autofree char *claim = find_speed_claim (claims[i]);

      g_test_message ("claim: %s", claims[i]);
      g_assert_nonnull (claim);
    }
  for (guint i = 0; i < G_N_ELEMENTS (honest); i++)
    {
      g_autofree char *claim = find_speed_claim (honest[i]);

      g_test_message ("honest: %s (%s)", honest[i], claim);
      g_assert_null (claim);
    }
}

/* No report of any recorded machine, in any format, claims a speed-up.
 * Trees that are not whole machines (no /proc/cpuinfo, such as
 * nvme-pcie-host) cannot be reported on and are skipped. */
static void
test_no_speed_claims (void)
{
  static const MtReportFormat formats[] = { MT_REPORT_FORMAT_TEXT, MT_REPORT_FORMAT_MARKDOWN,
                                            MT_REPORT_FORMAT_HTML, MT_REPORT_FORMAT_JSON };
  g_autofree char *sysroots = mt_test_fixture_path ("sysroots", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (sysroots, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint n_reported = 0;
  guint n_claims = 0;
  gboolean saw_vmware_guest = FALSE;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort_values (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *machine = names->pdata[i];
      g_autofree char *cpuinfo =
        mt_test_fixture_path ("sysroots", machine, "proc", "cpuinfo", NULL);
      g_autoptr (MtSystemInfo) info = NULL;

      if (!g_file_test (cpuinfo, G_FILE_TEST_IS_REGULAR))
        {
          g_test_message ("%s: not a whole machine, skipped", machine);
          continue;
        }

      info = probe_fixture (machine);
      for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
        {
          g_autofree char *report = mt_report_render (info, formats[f]);
          g_auto (GStrv) lines = g_strsplit (report, "\n", -1);

          for (guint l = 0; lines[l] != NULL; l++)
            {
              g_autofree char *claim = find_speed_claim (lines[l]);

              if (claim != NULL)
                {
                  g_test_message ("%s.%s line %u claims a speed-up (\"%s\"): %s", machine,
                                  mt_report_format_to_extension (formats[f]), l + 1, claim,
                                  lines[l]);
                  n_claims++;
                }
            }
        }
      n_reported++;
      saw_vmware_guest |= g_str_equal (machine, "vmware-guest");
    }

  g_assert_cmpuint (n_claims, ==, 0);
  g_assert_cmpuint (n_reported, >=, 10);
  g_assert_true (saw_vmware_guest);
}

static void
test_json_parses (void)
{
  g_autoptr (MtSystemInfo) info = probe_fixture ("kvm-amd-epyc");
  g_autofree char *text = mt_report_render (info, MT_REPORT_FORMAT_JSON);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (
    json_object_get_string_member (json_object_get_object_member (root, "cpu"), "vendor"), ==,
    "AMD");
  g_assert_true (json_object_has_member (root, "secure_boot"));
  g_assert_true (json_object_has_member (root, "problems"));
}

static void
test_html_escapes (void)
{
  g_autofree char *tree = mt_test_tree_new ();
  g_autoptr (MtSysroot) root = NULL;
  g_autoptr (MtSystemInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *html = NULL;
  g_autofree char *md = NULL;

  /* a hostile model name must not become markup */
  mt_test_tree_write (tree, "proc/cpuinfo",
                      "processor\t: 0\nmodel name\t: <script>alert(1)</script> | x\n", -1);
  mt_test_tree_write (tree, "proc/sys/kernel/osrelease", "6.12.0\n", -1);
  root = mt_sysroot_new (tree, &error);
  info = mt_system_info_probe (root, NULL, &error);
  g_assert_no_error (error);

  html = mt_report_render (info, MT_REPORT_FORMAT_HTML);
  g_assert_null (strstr (html, "<script>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_true (g_str_has_suffix (html, "</html>\n"));

  md = mt_report_render (info, MT_REPORT_FORMAT_MARKDOWN);
  g_assert_nonnull (strstr (md, "\\</script> \\| x"));
  {
    /* every < is escaped, so no tag survives */
    g_autofree char *unescaped = replace_all (md, "\\<", "");

    g_assert_null (strchr (unescaped, '<'));
  }

  mt_test_tree_free (g_steal_pointer (&tree));
}

static void
test_write_and_formats (void)
{
  g_autoptr (MtSystemInfo) info = probe_fixture ("kvm-amd-epyc");
  g_autoptr (GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  MtReportFormat format;

  g_assert_true (mt_report_write (info, MT_REPORT_FORMAT_TEXT, stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)), >, 500);

  g_assert_true (mt_report_format_from_string ("md", &format, NULL));
  g_assert_cmpint (format, ==, MT_REPORT_FORMAT_MARKDOWN);
  g_assert_true (mt_report_format_from_string ("html", &format, NULL));
  g_assert_cmpint (format, ==, MT_REPORT_FORMAT_HTML);
  g_assert_false (mt_report_format_from_string ("pdf", &format, &error));
  g_assert_error (error, MT_ERROR, MT_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "markdown, html, json or text"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  {
    /* the recorded development machine, a Workstation host, a VMware guest */
    static const char *const machines[] = { "kvm-amd-epyc", "workstation-17.6-host",
                                            "vmware-guest" };
    static const struct
    {
      const char *name;
      MtReportFormat format;
    } formats[] = {
      { "text", MT_REPORT_FORMAT_TEXT },
      { "markdown", MT_REPORT_FORMAT_MARKDOWN },
      { "html", MT_REPORT_FORMAT_HTML },
      { "json", MT_REPORT_FORMAT_JSON },
    };
    static GoldenCase cases[G_N_ELEMENTS (machines) * G_N_ELEMENTS (formats)];

    for (guint m = 0; m < G_N_ELEMENTS (machines); m++)
      for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
        {
          GoldenCase *c = &cases[m * G_N_ELEMENTS (formats) + f];
          g_autofree char *path =
            g_strdup_printf ("/report/golden/%s/%s", machines[m], formats[f].name);

          c->machine = machines[m];
          c->format = formats[f].format;
          g_test_add_data_func (path, c, check_golden);
        }
  }
  g_test_add_func ("/report/json-parses", test_json_parses);
  g_test_add_func ("/report/html-escapes", test_html_escapes);
  g_test_add_func ("/report/write-and-formats", test_write_and_formats);
  g_test_add_func ("/report/speed-claims/checker", test_claim_checker);
  g_test_add_func ("/report/speed-claims/fixtures", test_no_speed_claims);

  return g_test_run ();
}
