/* Builds without objtool warning with entry points declared by module_init()/module_exit(). */
#include <linux/init.h>
#include <linux/module.h>

static int modtune_probe_init (void);
module_init (modtune_probe_init);

static int
modtune_probe_init (void)
{
  return 0;
}

static void
modtune_probe_exit (void)
{
}
module_exit (modtune_probe_exit);

MODULE_LICENSE ("GPL");
