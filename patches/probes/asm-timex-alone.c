/* Builds if <asm/timex.h> can be included before <linux/timex.h> (before 6.8). */
#include <asm/timex.h>
#include <linux/module.h>

cycles_t modtune_probe (void);

cycles_t
modtune_probe (void)
{
  return get_cycles ();
}

MODULE_LICENSE ("GPL");
