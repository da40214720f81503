/* Builds if get_user_pages_unlocked() takes (start, nr_pages, pages, gup_flags) (since 4.10). */
#include <linux/module.h>
#include <linux/mm.h>

long modtune_probe (unsigned long addr, struct page **page);

long
modtune_probe (unsigned long addr, struct page **page)
{
  return get_user_pages_unlocked (addr, 1, page, 0);
}

MODULE_LICENSE ("GPL");
