/* Builds if the kernel still has pgd_large() … pmd_large() (replaced by pXd_leaf() in 6.9). */
#include <linux/module.h>
#include <linux/pgtable.h>

int modtune_probe (pgd_t pgd, p4d_t p4d, pud_t pud, pmd_t pmd);

int
modtune_probe (pgd_t pgd, p4d_t p4d, pud_t pud, pmd_t pmd)
{
  return pgd_large (pgd) + p4d_large (p4d) + pud_large (pud) + pmd_large (pmd);
}

MODULE_LICENSE ("GPL");
