/* Builds without objtool warning if inline assembly may return with a plain ret (no RETHUNK). */
#include <linux/module.h>
#include <linux/objtool.h>

void modtune_probe (void);

void
modtune_probe (void)
{
  asm volatile ("jmp 1f\n"
                "2:\n"
                "ret\n"
                "1:\n"
                "call 2b\n"
                :
                :
                : "memory");
}
STACK_FRAME_NON_STANDARD (modtune_probe);

MODULE_LICENSE ("GPL");
