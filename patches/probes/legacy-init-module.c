/* Builds without objtool warning if entry points may be init_module()/cleanup_module(). */
#include <linux/module.h>

int init_module (void);
void cleanup_module (void);

int
init_module (void)
{
  return 0;
}

void
cleanup_module (void)
{
}

MODULE_LICENSE ("GPL");
