/* Builds if kbuild still adds EXTRA_CFLAGS to the compiler's flags (dropped in 6.15). */
/* The probe Kbuild sets EXTRA_CFLAGS := -DMODTUNE_PROBE_EXTRA_CFLAGS. */
#include <linux/module.h>

#ifndef MODTUNE_PROBE_EXTRA_CFLAGS
#error "kbuild ignores EXTRA_CFLAGS"
#endif

MODULE_LICENSE ("GPL");
