/* Builds if kbuild adds ccflags-y to the compiler's flags (every kernel since 2.6.24). */
/* The probe Kbuild sets ccflags-y := -DMODTUNE_PROBE_CCFLAGS_Y. */
#include <linux/module.h>

#ifndef MODTUNE_PROBE_CCFLAGS_Y
#error "kbuild ignores ccflags-y"
#endif

MODULE_LICENSE ("GPL");
