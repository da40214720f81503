/* Builds if the kernel still has rdmsrl_safe() (renamed rdmsrq_safe() in 6.16). */
#include <linux/module.h>
#include <asm/msr.h>

int modtune_probe (unsigned int msr, u64 *value);

int
modtune_probe (unsigned int msr, u64 *value)
{
  return rdmsrl_safe (msr, value);
}

MODULE_LICENSE ("GPL");
