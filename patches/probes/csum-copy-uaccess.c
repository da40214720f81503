/* Builds without objtool warning if csum_partial_copy_nocheck() may run with UACCESS on. */
#include <linux/module.h>
#include <linux/uaccess.h>
#include <net/checksum.h>

__wsum modtune_probe (const void *src, void __user *dst, int len);

__wsum
modtune_probe (const void *src, void __user *dst, int len)
{
  __wsum csum = 0;

  if (user_access_begin (dst, len))
    {
      csum = csum_partial_copy_nocheck (src, (void __force *) dst, len);
      user_access_end ();
    }
  return csum;
}

MODULE_LICENSE ("GPL");
