/* Builds without objtool warning if objtool accepts a lea from an absolute address. */
/* Since 6.13 objtool's IBT check takes it for a RIP-relative function pointer and warns
 * "corrupt function pointer reference". */
#include <linux/module.h>
#include <linux/objtool.h>

void modtune_probe (void);

void
modtune_probe (void)
{
  asm volatile ("leaq %c[addr] + %c[offset], %%rsp\n"
                :
                : [addr] "i"(-0x3600000L), [offset] "i"(0x2b0));
}
STACK_FRAME_NON_STANDARD (modtune_probe);

MODULE_LICENSE ("GPL");
