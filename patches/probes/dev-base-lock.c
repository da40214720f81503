/* Builds if the kernel still has dev_base_lock (removed in 6.9). */
#include <linux/module.h>
#include <linux/netdevice.h>

void modtune_probe (void);

void
modtune_probe (void)
{
  read_lock (&dev_base_lock);
  read_unlock (&dev_base_lock);
}

MODULE_LICENSE ("GPL");
