/* Builds if eventfd_signal() takes only the context (since 6.8). */
#include <linux/module.h>
#include <linux/eventfd.h>

void modtune_probe (struct eventfd_ctx *ctx);

void
modtune_probe (struct eventfd_ctx *ctx)
{
  eventfd_signal (ctx);
}

MODULE_LICENSE ("GPL");
