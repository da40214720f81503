/* Builds if the kernel does not check array bounds at run time (CONFIG_UBSAN_BOUNDS). */
#include <linux/module.h>

#ifdef CONFIG_UBSAN_BOUNDS
#error "the kernel checks array bounds: any index into a [0] array is reported"
#endif

MODULE_LICENSE ("GPL");
