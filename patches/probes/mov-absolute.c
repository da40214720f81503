/* Builds without objtool warning when an absolute address is loaded with mov instead of lea. */
#include <linux/module.h>
#include <linux/objtool.h>

void modtune_probe (void);

void
modtune_probe (void)
{
  asm volatile ("movq $%c[addr] + %c[offset], %%rsp\n"
                :
                : [addr] "i"(-0x3600000L), [offset] "i"(0x2b0));
}
STACK_FRAME_NON_STANDARD (modtune_probe);

MODULE_LICENSE ("GPL");
