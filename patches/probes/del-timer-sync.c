/* Builds if the kernel still has del_timer_sync() (removed in 6.15). */
#include <linux/module.h>
#include <linux/timer.h>

int modtune_probe (struct timer_list *t);

int
modtune_probe (struct timer_list *t)
{
  return del_timer_sync (t);
}

MODULE_LICENSE ("GPL");
