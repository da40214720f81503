/* Builds if pte_offset_map() is still a macro that cannot fail (before 6.5). */
#include <linux/module.h>
#include <linux/pgtable.h>

#ifndef pte_offset_map
#error "pte_offset_map() may fail, and page tables may be freed under RCU, since 6.5"
#endif

MODULE_LICENSE ("GPL");
