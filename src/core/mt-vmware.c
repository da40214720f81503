/* mt-vmware.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "mt-vmware"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mt-error.h"
#include "mt-json.h"
#include "mt-tar.h"
#include "mt-vmware.h"

#define CONFIG_PATH     "/etc/vmware/config"
#define DEFAULT_LIBDIR  "/usr/lib/vmware"
#define VMX_PATH        "bin/vmware-vmx"
#define IOCONTROLS_PATH "vmmon-only/include/iocontrols.h"

/* iocontrols.h is about 10 KiB */
#define MAX_IOCONTROLS_SIZE (1024 * 1024)

/* Walking a kernel's module tree stops here; a real misc/ or updates/
 * holds a handful of files. */
#define MAX_WALK_DEPTH   8
#define MAX_WALK_ENTRIES 20000

static const char *const source_modules[] = { "vmmon", "vmnet" };
static const char *const module_dirs[] = { "misc", "updates", "extra" };
static const char *const module_suffixes[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };

/**
 * MtVmwareInfo:
 *
 * VMware Workstation on a machine: whether it is installed, its product
 * version and build from `/etc/vmware/config`, the vmmon and vmnet source
 * tarballs it builds its modules from (with the vmmon interface version
 * read from `vmmon-only/include/iocontrols.h` inside the tarball), whether
 * that interface is the one the product needs, and the vmmon/vmnet module
 * files installed for each kernel.
 */
struct _MtVmwareInfo
{
  GObject parent_instance;

  gboolean installed;
  char *config_file;
  char *product;
  char *version;
  char *build;
  char *libdir;
  MtVmwareSource *sources[G_N_ELEMENTS (source_modules)];
  int expected_interface;
  char *warning;
  GPtrArray *installed_modules; /* (element-type MtVmwareModuleFile) */
};

G_DEFINE_FINAL_TYPE (MtVmwareInfo, mt_vmware_info, G_TYPE_OBJECT)

static void
source_free (MtVmwareSource *source)
{
  g_free (source->module);
  g_free (source->path);
  g_free (source->sha256);
  g_free (source->problem);
  g_free (source);
}

static void
module_file_free (MtVmwareModuleFile *file)
{
  g_free (file->kernel);
  g_free (file->module);
  g_free (file->path);
  g_free (file);
}

static void
mt_vmware_info_finalize (GObject *object)
{
  MtVmwareInfo *self = (MtVmwareInfo *) object;

  g_clear_pointer (&self->config_file, g_free);
  g_clear_pointer (&self->product, g_free);
  g_clear_pointer (&self->version, g_free);
  g_clear_pointer (&self->build, g_free);
  g_clear_pointer (&self->libdir, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->sources); i++)
    g_clear_pointer (&self->sources[i], source_free);
  g_clear_pointer (&self->warning, g_free);
  g_clear_pointer (&self->installed_modules, g_ptr_array_unref);

  G_OBJECT_CLASS (mt_vmware_info_parent_class)->finalize (object);
}

static void
mt_vmware_info_class_init (MtVmwareInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mt_vmware_info_finalize;
}

static void
mt_vmware_info_init (MtVmwareInfo *self)
{
  self->expected_interface = -1;
  self->installed_modules = g_ptr_array_new_with_free_func ((GDestroyNotify) module_file_free);
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* A quoted VMware dictionary value: "…", with |XX escaping a byte. */
static char *
unquote_value (const char *start, const char *end)
{
  g_autoptr (GString) out = g_string_sized_new (end - start);
  const char *p = start + 1;

  for (; p < end && *p != '"'; p++)
    {
      if (*p == '|' && end - p >= 3 && hex_value (p[1]) >= 0 && hex_value (p[2]) >= 0)
        {
          g_string_append_c (out, (char) (hex_value (p[1]) * 16 + hex_value (p[2])));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_utf8_make_valid (out->str, out->len);
}

/**
 * mt_vmware_parse_config:
 * @text: the contents of `/etc/vmware/config`
 * @length: its length, or -1 if NUL-terminated
 *
 * Parses VMware's dictionary format: one `key = "value"` a line, `#`
 * comments, blank lines.  Keys are case-insensitive (stored in lower
 * case); values may be unquoted; a key given twice keeps its last value.
 * Lines that are not `key = value` are skipped: the file is VMware's, and
 * a line Modtune does not understand must not hide the others.
 *
 * Returns: (transfer full) (element-type utf8 utf8): key → value
 */
GHashTable *
mt_vmware_parse_config (const char *text, gsize length)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *p;
  const char *end;

  g_return_val_if_fail (text != NULL || length == 0, values);

  if (length == (gsize) -1)
    length = strlen (text);

  p = text;
  end = text + length;

  /* a UTF-8 byte order mark */
  if (length >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      const char *key_start = p;
      const char *key_end;
      const char *eq;
      const char *value_start;
      const char *value_end = line_end;
      char *value;

      p = nl != NULL ? nl + 1 : end;

      while (key_start < line_end && g_ascii_isspace (*key_start))
        key_start++;
      if (key_start == line_end || *key_start == '#')
        continue;

      eq = memchr (key_start, '=', line_end - key_start);
      if (eq == NULL)
        continue;

      key_end = eq;
      while (key_end > key_start && g_ascii_isspace (key_end[-1]))
        key_end--;
      if (key_end == key_start || memchr (key_start, '\0', key_end - key_start) != NULL)
        continue;

      value_start = eq + 1;
      while (value_start < line_end && g_ascii_isspace (*value_start))
        value_start++;
      while (value_end > value_start && g_ascii_isspace (value_end[-1]))
        value_end--;

      if (value_start < value_end && *value_start == '"')
        value = unquote_value (value_start, value_end);
      else
        value = g_utf8_make_valid (value_start, value_end - value_start);

      g_hash_table_replace (values, g_ascii_strdown (key_start, key_end - key_start), value);
    }

  return values;
}

static const char *
skip_spaces (const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

static const char *
parse_int (const char *p, const char *end, int *value)
{
  int v = 0;
  const char *start = p;

  for (; p < end && g_ascii_isdigit (*p) && p - start < 9; p++)
    v = v * 10 + (*p - '0');

  if (p == start || (p < end && g_ascii_isdigit (*p)))
    return NULL;

  *value = v;
  return p;
}

/* "(417 << 16 | 0)", with or without the parentheses, or a plain number */
static gboolean
parse_version_expression (const char *p, const char *end, int *major, int *minor)
{
  gboolean paren;
  int first;
  int second = 0;

  p = skip_spaces (p, end);
  paren = p < end && *p == '(';
  if (paren)
    p = skip_spaces (p + 1, end);

  p = parse_int (p, end, &first);
  if (p == NULL)
    return FALSE;
  p = skip_spaces (p, end);

  if (end - p >= 2 && p[0] == '<' && p[1] == '<')
    {
      int shift;

      p = parse_int (skip_spaces (p + 2, end), end, &shift);
      if (p == NULL || shift != 16)
        return FALSE;
      p = skip_spaces (p, end);
      if (p < end && *p == '|')
        {
          p = parse_int (skip_spaces (p + 1, end), end, &second);
          if (p == NULL)
            return FALSE;
          p = skip_spaces (p, end);
        }
      *major = first;
      *minor = second;
    }
  else
    {
      /* the value itself: interface << 16 | minor */
      *major = first >> 16;
      *minor = first & 0xffff;
    }

  if (paren)
    {
      if (p >= end || *p != ')')
        return FALSE;
      p = skip_spaces (p + 1, end);
    }

  return p == end || *p == '/' || *p == '\r';
}

/**
 * mt_vmware_parse_vmmon_version:
 * @text: the contents of vmmon's `include/iocontrols.h`
 * @length: its length
 * @major: (out): the interface version, such as 417
 * @minor: (out): its minor number, 0 in every release so far
 *
 * Finds `#define VMMON_VERSION (417 << 16 | 0)`.
 *
 * Returns: %TRUE if the define was found and understood
 */
gboolean
mt_vmware_parse_vmmon_version (const char *text, gsize length, int *major, int *minor)
{
  static const char name[] = "VMMON_VERSION";
  const char *p = text;
  const char *end = text + length;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (major != NULL && minor != NULL, FALSE);

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      const char *q = skip_spaces (p, line_end);

      p = nl != NULL ? nl + 1 : end;

      if (q >= line_end || *q != '#')
        continue;
      q = skip_spaces (q + 1, line_end);
      if (line_end - q < 7 || memcmp (q, "define", 6) != 0 || (q[6] != ' ' && q[6] != '\t'))
        continue;
      q = skip_spaces (q + 6, line_end);
      if ((gsize) (line_end - q) <= strlen (name) || memcmp (q, name, strlen (name)) != 0)
        continue;
      q += strlen (name);
      if (*q != ' ' && *q != '\t')
        continue; /* VMMON_VERSION_MAJOR(v) and the like */

      if (parse_version_expression (q, line_end, major, minor))
        return TRUE;
    }

  return FALSE;
}

/**
 * mt_vmware_interface_for_version:
 * @product_version: a Workstation or Player version, such as `17.6.3`
 *
 * The vmmon interface version each release's sources carry, as read in
 * VMware's tarballs: 410 for 16.2.x, 416 for 17.0 to 17.5.x, 417 for
 * 17.6.x, 418 for 25H2 (product version 25.0.x).
 *
 * Returns: the interface version, or -1 for a release Modtune does not know
 */
int
mt_vmware_interface_for_version (const char *product_version)
{
  guint64 major;
  guint64 minor;
  g_auto (GStrv) parts = NULL;

  g_return_val_if_fail (product_version != NULL, -1);

  if (g_str_has_prefix (product_version, "25H2"))
    return 418;

  parts = g_strsplit (product_version, ".", 3);
  if (g_strv_length (parts) < 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 1000, &major, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 1000, &minor, NULL))
    return -1;

  if (major == 16 && minor == 2)
    return 410;
  if (major == 17 && minor <= 5)
    return 416;
  if (major == 17 && minor == 6)
    return 417;
  if (major == 25 && minor == 0)
    return 418;

  return -1;
}

/**
 * mt_vmware_versions_for_interface:
 *
 * Returns: (nullable): the Workstation releases that use @interface_version,
 *   such as `17.6.x`
 */
const char *
mt_vmware_versions_for_interface (int interface_version)
{
  switch (interface_version)
    {
    case 410:
      return "16.2.x";
    case 416:
      return "17.0–17.5.x";
    case 417:
      return "17.6.x";
    case 418:
      return "25H2";
    default:
      return NULL;
    }
}

/* An absolute path without "..": the libdir the config names */
static gboolean
is_safe_dir (const char *path)
{
  g_auto (GStrv) parts = NULL;

  if (path == NULL || path[0] != '/' || strlen (path) > 256)
    return FALSE;

  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;

  return TRUE;
}

static gboolean
read_config (MtVmwareInfo *self, MtSysroot *sysroot, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GHashTable) values = NULL;
  const char *data;
  const char *libdir;
  gsize len;

  bytes = mt_sysroot_read (sysroot, CONFIG_PATH, &local_error);
  if (bytes == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->config_file = g_strdup (CONFIG_PATH);

  data = g_bytes_get_data (bytes, &len);
  values = mt_vmware_parse_config (len > 0 ? data : "", len);

  self->version = g_strdup (g_hash_table_lookup (values, "workstation.product.version"));
  if (self->version == NULL)
    self->version = g_strdup (g_hash_table_lookup (values, "product.version"));
  if (self->version == NULL)
    self->version = g_strdup (g_hash_table_lookup (values, "player.product.version"));

  self->product = g_strdup (g_hash_table_lookup (values, "product.name"));
  if (self->product == NULL && g_hash_table_contains (values, "workstation.product.version"))
    self->product = g_strdup ("VMware Workstation");
  else if (self->product == NULL && g_hash_table_contains (values, "player.product.version"))
    self->product = g_strdup ("VMware Workstation Player");

  self->build = g_strdup (g_hash_table_lookup (values, "product.buildnumber"));

  libdir = g_hash_table_lookup (values, "libdir");
  if (is_safe_dir (libdir))
    self->libdir = g_strdup (libdir);

  return TRUE;
}

static gboolean
read_source (MtSysroot *sysroot, MtVmwareSource *source, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) iocontrols = NULL;
  gconstpointer data;
  gsize len;

  bytes = mt_sysroot_read (sysroot, source->path, &local_error);
  if (bytes == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      if (g_error_matches (local_error, MT_ERROR, MT_ERROR_INVALID_DATA))
        {
          /* larger than any real tarball */
          source->present = TRUE;
          source->problem = g_strdup (local_error->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &len);
  source->present = TRUE;
  source->size = len;
  source->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  if (!g_str_equal (source->module, "vmmon"))
    return TRUE;

  iocontrols = mt_tar_find_member (bytes, IOCONTROLS_PATH, MAX_IOCONTROLS_SIZE, &local_error);
  if (iocontrols == NULL)
    {
      source->problem =
        g_strdup_printf (_ ("Cannot read %s in %s: %s. Reinstall VMware Workstation to restore "
                            "its module sources."),
                         IOCONTROLS_PATH, source->path, local_error->message);
      return TRUE;
    }

  data = g_bytes_get_data (iocontrols, &len);
  if (!mt_vmware_parse_vmmon_version (len > 0 ? data : "", len, &source->interface_version,
                                      &source->interface_minor))
    {
      source->interface_version = -1;
      source->interface_minor = -1;
      source->problem = g_strdup_printf (_ ("%s in %s does not define VMMON_VERSION as Modtune "
                                            "expects; the sources may have been altered."),
                                         IOCONTROLS_PATH, source->path);
    }

  return TRUE;
}

static gboolean
module_file_matches (const char *file_name, const char **module)
{
  for (guint i = 0; i < G_N_ELEMENTS (source_modules); i++)
    for (guint j = 0; j < G_N_ELEMENTS (module_suffixes); j++)
      {
        gsize len = strlen (source_modules[i]);

        if (g_str_has_prefix (file_name, source_modules[i]) &&
            g_str_equal (file_name + len, module_suffixes[j]))
          {
            *module = source_modules[i];
            return TRUE;
          }
      }

  return FALSE;
}

static void
add_module_file (MtVmwareInfo *self, const char *kernel, const char *module, const char *path)
{
  MtVmwareModuleFile *file;

  for (guint i = 0; i < self->installed_modules->len; i++)
    {
      MtVmwareModuleFile *other = g_ptr_array_index (self->installed_modules, i);

      if (g_str_equal (other->path, path))
        return;
    }

  file = g_new0 (MtVmwareModuleFile, 1);
  file->kernel = g_strdup (kernel);
  file->module = g_strdup (module);
  file->path = g_strdup (path);
  g_ptr_array_add (self->installed_modules, file);
}

/* Depth-first, without following symbolic links to directories. */
static void
walk_for_modules (MtVmwareInfo *self,
                  MtSysroot *sysroot,
                  const char *kernel,
                  const char *dir,
                  guint depth,
                  guint *budget)
{
  g_auto (GStrv) entries = NULL;

  if (depth > MAX_WALK_DEPTH)
    return;

  entries = mt_sysroot_list_dir (sysroot, dir, NULL);
  for (guint i = 0; entries != NULL && entries[i] != NULL && *budget > 0; i++)
    {
      g_autofree char *path = g_build_filename (dir, entries[i], NULL);
      const char *module;

      (*budget)--;

      if (module_file_matches (entries[i], &module))
        {
          if (mt_sysroot_test (sysroot, path, G_FILE_TEST_IS_REGULAR))
            add_module_file (self, kernel, module, path);
        }
      else if (!mt_sysroot_test (sysroot, path, G_FILE_TEST_IS_SYMLINK) &&
               mt_sysroot_test (sysroot, path, G_FILE_TEST_IS_DIR))
        walk_for_modules (self, sysroot, kernel, path, depth + 1, budget);
    }
}

/* Whether "vmmon.ko" or "vmnet.ko" is in the @len bytes at @s. */
static gboolean
names_source_module (const char *s, gsize len)
{
  const char *end = s + len;

  for (const char *v = memchr (s, 'v', len); v != NULL && end - v >= 8;
       v = memchr (v + 1, 'v', end - v - 1))
    if (memcmp (v, "vmmon.ko", 8) == 0 || memcmp (v, "vmnet.ko", 8) == 0)
      return TRUE;

  return FALSE;
}

/* modules.dep lines: "misc/vmmon.ko:" or "kernel/…/x.ko: deps".  A Debian
 * kernel's is 600 KiB: read in place (as text: up to a NUL), and each line
 * passed over with two memchr() unless it names a module before its colon. */
static gboolean
scan_modules_dep (MtVmwareInfo *self, MtSysroot *sysroot, const char *kernel, const char *moddir)
{
  g_autofree char *dep_path = g_strdup_printf ("%s/modules.dep", moddir);
  g_autoptr (GBytes) bytes = mt_sysroot_read (sysroot, dep_path, NULL);
  const char *text;
  const char *end;
  const char *nul;
  gsize len;

  if (bytes == NULL)
    return FALSE;

  text = g_bytes_get_data (bytes, &len);
  if (len == 0)
    return TRUE;
  nul = memchr (text, '\0', len);
  end = nul != NULL ? nul : text + len;

  for (const char *p = text; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize line_len = nl != NULL ? (gsize) (nl - p) : (gsize) (end - p);
      const char *colon = memchr (p, ':', line_len);

      /* most lines name neither module: skip them without a copy */
      if (colon != NULL && colon > p && names_source_module (p, colon - p))
        {
          g_autofree char *rel = g_strndup (p, colon - p);
          g_autofree char *base = g_path_get_basename (rel);
          const char *module;

          if (module_file_matches (base, &module))
            {
              g_autofree char *path =
                rel[0] == '/' ? g_strdup (rel) : g_build_filename (moddir, rel, NULL);

              if (mt_sysroot_test (sysroot, path, G_FILE_TEST_IS_REGULAR))
                add_module_file (self, kernel, module, path);
            }
        }

      p += line_len + (nl != NULL ? 1 : 0);
    }

  return TRUE;
}

static gboolean
kernel_name_is_sane (const char *name)
{
  if (name[0] == '\0' || name[0] == '.' || strlen (name) > 64)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._+-~", *p) == NULL)
      return FALSE;

  return TRUE;
}

static int
compare_module_files (gconstpointer a, gconstpointer b)
{
  const MtVmwareModuleFile *fa = *(const MtVmwareModuleFile *const *) a;
  const MtVmwareModuleFile *fb = *(const MtVmwareModuleFile *const *) b;
  int cmp = strcmp (fa->kernel, fb->kernel);

  return cmp != 0 ? cmp : strcmp (fa->path, fb->path);
}

static void
find_installed_modules (MtVmwareInfo *self, MtSysroot *sysroot)
{
  const char *root = mt_sysroot_test (sysroot, "/lib/modules", G_FILE_TEST_IS_DIR)
                       ? "/lib/modules"
                       : "/usr/lib/modules";
  g_auto (GStrv) kernels = mt_sysroot_list_dir (sysroot, root, NULL);
  guint budget = MAX_WALK_ENTRIES;

  for (guint i = 0; kernels != NULL && kernels[i] != NULL; i++)
    {
      g_autofree char *moddir = g_build_filename (root, kernels[i], NULL);

      if (!kernel_name_is_sane (kernels[i]) ||
          !mt_sysroot_test (sysroot, moddir, G_FILE_TEST_IS_DIR))
        continue;

      for (guint j = 0; j < G_N_ELEMENTS (module_dirs); j++)
        {
          g_autofree char *dir = g_build_filename (moddir, module_dirs[j], NULL);

          walk_for_modules (self, sysroot, kernels[i], dir, 0, &budget);
        }

      /* kernel/ is large: trust its index when there is one */
      if (!scan_modules_dep (self, sysroot, kernels[i], moddir))
        {
          g_autofree char *dir = g_build_filename (moddir, "kernel", NULL);

          walk_for_modules (self, sysroot, kernels[i], dir, 0, &budget);
        }
    }

  g_ptr_array_sort (self->installed_modules, compare_module_files);
}

static void
check_interface (MtVmwareInfo *self)
{
  const MtVmwareSource *vmmon = self->sources[0];
  const char *have;

  if (self->version != NULL)
    self->expected_interface = mt_vmware_interface_for_version (self->version);

  if (self->expected_interface < 0 || vmmon->interface_version < 0 ||
      vmmon->interface_version == self->expected_interface)
    return;

  have = mt_vmware_versions_for_interface (vmmon->interface_version);
  self->warning = g_strdup_printf (
    /* TRANSLATORS: the tarball's path, its vmmon interface version (417), the Workstation
       releases of that interface (17.6.x), the installed version (25.0.0), the interface it
       needs (418), the installed version again */
    _ ("The vmmon source in %s has interface version %d (Workstation %s), but Workstation %s "
       "needs version %d. Modules built from it will not load (“Version mismatch with vmmon "
       "module”). Reinstall Workstation %s to restore its own sources."),
    vmmon->path, vmmon->interface_version, have != NULL ? have : _ ("unknown"), self->version,
    self->expected_interface, self->version);
}

/**
 * mt_vmware_info_probe:
 * @sysroot: where to read `/etc/vmware`, `/usr/lib/vmware` and `/lib/modules`
 *
 * Returns: (transfer full): what was found (Workstation not installed is
 *   a fact, not an error), or %NULL if a file that exists cannot be read
 */
MtVmwareInfo *
mt_vmware_info_probe (MtSysroot *sysroot, GError **error)
{
  g_autoptr (MtVmwareInfo) self = NULL;
  g_autofree char *vmx = NULL;

  g_return_val_if_fail (MT_IS_SYSROOT (sysroot), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MT_TYPE_VMWARE_INFO, NULL);

  if (!read_config (self, sysroot, error))
    return NULL;
  if (self->libdir == NULL)
    self->libdir = g_strdup (DEFAULT_LIBDIR);

  vmx = g_build_filename (self->libdir, VMX_PATH, NULL);
  self->installed =
    self->config_file != NULL || mt_sysroot_test (sysroot, vmx, G_FILE_TEST_IS_REGULAR);

  for (guint i = 0; i < G_N_ELEMENTS (source_modules); i++)
    {
      MtVmwareSource *source = g_new0 (MtVmwareSource, 1);
      g_autofree char *file = g_strdup_printf ("%s.tar", source_modules[i]);

      source->module = g_strdup (source_modules[i]);
      source->path = g_build_filename (self->libdir, "modules", "source", file, NULL);
      source->interface_version = -1;
      source->interface_minor = -1;
      self->sources[i] = source;

      if (!read_source (sysroot, source, error))
        return NULL;
    }

  check_interface (self);
  find_installed_modules (self, sysroot);

  return g_steal_pointer (&self);
}

/**
 * mt_vmware_info_is_installed:
 *
 * Returns: %TRUE if `/etc/vmware/config` or `vmware-vmx` exists
 */
gboolean
mt_vmware_info_is_installed (MtVmwareInfo *self)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), FALSE);

  return self->installed;
}

/**
 * mt_vmware_info_get_product:
 *
 * Returns: (nullable): `product.name`, such as "VMware Workstation"
 */
const char *
mt_vmware_info_get_product (MtVmwareInfo *self)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), NULL);

  return self->product;
}

/**
 * mt_vmware_info_get_version:
 *
 * Returns: (nullable): the product version, such as "17.6.3"
 */
const char *
mt_vmware_info_get_version (MtVmwareInfo *self)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), NULL);

  return self->version;
}

/**
 * mt_vmware_info_get_build:
 *
 * Returns: (nullable): `product.buildNumber`, such as "24583834"
 */
const char *
mt_vmware_info_get_build (MtVmwareInfo *self)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), NULL);

  return self->build;
}

/**
 * mt_vmware_info_get_config_file:
 *
 * Returns: (nullable): `/etc/vmware/config` if it exists
 */
const char *
mt_vmware_info_get_config_file (MtVmwareInfo *self)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), NULL);

  return self->config_file;
}

/**
 * mt_vmware_info_get_source:
 * @module: "vmmon" or "vmnet"
 *
 * Returns: (transfer none) (nullable): the source tarball (which may not be
 *   present), or %NULL for another @module
 */
const MtVmwareSource *
mt_vmware_info_get_source (MtVmwareInfo *self, const char *module)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), NULL);
  g_return_val_if_fail (module != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (source_modules); i++)
    if (g_str_equal (module, source_modules[i]))
      return self->sources[i];

  return NULL;
}

/**
 * mt_vmware_info_get_expected_interface:
 *
 * Returns: the vmmon interface version the installed product needs, or -1
 *   if unknown
 */
int
mt_vmware_info_get_expected_interface (MtVmwareInfo *self)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), -1);

  return self->expected_interface;
}

/**
 * mt_vmware_info_interface_matches_product:
 * @known: (out) (optional): whether both versions are known
 *
 * Returns: %TRUE if the vmmon tarball's interface version is the one the
 *   installed product needs; %FALSE if not, or if that is not known
 */
gboolean
mt_vmware_info_interface_matches_product (MtVmwareInfo *self, gboolean *known)
{
  int have;

  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), FALSE);

  have = self->sources[0]->interface_version;
  if (known != NULL)
    *known = self->expected_interface >= 0 && have >= 0;

  return self->expected_interface >= 0 && have == self->expected_interface;
}

/**
 * mt_vmware_info_get_warning:
 *
 * Returns: (nullable): for a person, what is wrong with the sources
 */
const char *
mt_vmware_info_get_warning (MtVmwareInfo *self)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), NULL);

  return self->warning;
}

/**
 * mt_vmware_info_get_installed_modules:
 *
 * Returns: (transfer none) (element-type MtVmwareModuleFile): the vmmon and
 *   vmnet files under `/lib/modules`, sorted by kernel and path
 */
GPtrArray *
mt_vmware_info_get_installed_modules (MtVmwareInfo *self)
{
  g_return_val_if_fail (MT_IS_VMWARE_INFO (self), NULL);

  return self->installed_modules;
}

/**
 * mt_vmware_info_to_json:
 * @builder: a builder inside an object
 *
 * Adds the member `vmware`: `{installed, product, version, build,
 * config_file, expected_interface_version, sources: {vmmon: {path,
 * present, size, sha256, interface_version, problem}, vmnet: {…}},
 * interface_matches_product, warning, installed_modules: [{kernel, module,
 * path}]}`; unknown values are null.
 */
void
mt_vmware_info_to_json (MtVmwareInfo *self, JsonBuilder *builder)
{
  gboolean known;
  gboolean matches;

  g_return_if_fail (MT_IS_VMWARE_INFO (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, "vmware");
  json_builder_begin_object (builder);
  mt_json_add_bool (builder, "installed", self->installed);
  mt_json_add_string (builder, "product", self->product);
  mt_json_add_string (builder, "version", self->version);
  mt_json_add_string (builder, "build", self->build);
  mt_json_add_string (builder, "config_file", self->config_file);
  mt_json_add_int (builder, "expected_interface_version", self->expected_interface,
                   self->expected_interface >= 0);

  json_builder_set_member_name (builder, "sources");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (source_modules); i++)
    {
      const MtVmwareSource *source = self->sources[i];

      json_builder_set_member_name (builder, source->module);
      json_builder_begin_object (builder);
      mt_json_add_string (builder, "path", source->path);
      mt_json_add_bool (builder, "present", source->present);
      mt_json_add_int (builder, "size", (gint64) MIN (source->size, G_MAXINT64),
                       source->sha256 != NULL);
      mt_json_add_string (builder, "sha256", source->sha256);
      mt_json_add_int (builder, "interface_version", source->interface_version,
                       source->interface_version >= 0);
      mt_json_add_string (builder, "problem", source->problem);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  matches = mt_vmware_info_interface_matches_product (self, &known);
  mt_json_add_tristate (builder, "interface_matches_product", known ? matches : -1);
  mt_json_add_string (builder, "warning", self->warning);

  json_builder_set_member_name (builder, "installed_modules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->installed_modules->len; i++)
    {
      const MtVmwareModuleFile *file = g_ptr_array_index (self->installed_modules, i);

      json_builder_begin_object (builder);
      mt_json_add_string (builder, "kernel", file->kernel);
      mt_json_add_string (builder, "module", file->module);
      mt_json_add_string (builder, "path", file->path);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}
