/* Builds if <linux/kernel.h> leaves MAX() undefined (<linux/minmax.h> defines it since 6.11). */
#include <linux/module.h>
#include <linux/kernel.h>

#ifdef MAX
#error "<linux/kernel.h> defines MAX()"
#endif

MODULE_LICENSE ("GPL");
