/* Builds if the kernel has pgd_leaf() … pmd_leaf() (generic since 5.8). */
#include <linux/module.h>
#include <linux/pgtable.h>

int modtune_probe (pgd_t pgd, p4d_t p4d, pud_t pud, pmd_t pmd);

int
modtune_probe (pgd_t pgd, p4d_t p4d, pud_t pud, pmd_t pmd)
{
  return pgd_leaf (pgd) + p4d_leaf (p4d) + pud_leaf (pud) + pmd_leaf (pmd);
}

MODULE_LICENSE ("GPL");
