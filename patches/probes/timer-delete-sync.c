/* Builds if the kernel has timer_delete_sync() (added in 6.2). */
#include <linux/module.h>
#include <linux/timer.h>

int modtune_probe (struct timer_list *t);

int
modtune_probe (struct timer_list *t)
{
  return timer_delete_sync (t);
}

MODULE_LICENSE ("GPL");
