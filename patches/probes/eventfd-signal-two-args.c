/* Builds if eventfd_signal() still takes a count (before 6.8). */
#include <linux/module.h>
#include <linux/eventfd.h>

void modtune_probe (struct eventfd_ctx *ctx);

void
modtune_probe (struct eventfd_ctx *ctx)
{
  eventfd_signal (ctx, 1);
}

MODULE_LICENSE ("GPL");
