/* Builds if the kernel has rdmsrq_safe() (the name since 6.16). */
#include <linux/module.h>
#include <asm/msr.h>

int modtune_probe (unsigned int msr, u64 *value);

int
modtune_probe (unsigned int msr, u64 *value)
{
  return rdmsrq_safe (msr, value);
}

MODULE_LICENSE ("GPL");
