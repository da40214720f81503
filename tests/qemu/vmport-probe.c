/* vmport-probe.c
 *
 * Copyright 2026 The Modtune developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define G_LOG_DOMAIN "vmport-probe"

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/io.h>

/* Asks the VMware backdoor I/O port for its version, as VMware Tools do, and
 * prints "answered …" or "silent …".  tests/qemu runs it as root inside qemu
 * guests to show that QEMU answers the backdoor unless the machine has
 * vmport=off, so that a detector trusting the backdoor alone is caught. */

#define BACKDOOR_MAGIC       0x564D5868u
#define BACKDOOR_PORT        0x5658
#define BACKDOOR_GET_VERSION 10

int
main (void)
{
  uint32_t eax = BACKDOOR_MAGIC;
  uint32_t ebx = ~BACKDOOR_MAGIC;
  uint32_t ecx = BACKDOOR_GET_VERSION;
  uint32_t edx = BACKDOOR_PORT;

  if (ioperm (BACKDOOR_PORT, 4, 1) != 0)
    {
      perror ("vmport-probe: ioperm");
      return 1;
    }

  __asm__ __volatile__ ("inl %%dx, %%eax" : "+a"(eax), "+b"(ebx), "+c"(ecx), "+d"(edx));

  if (ebx == BACKDOOR_MAGIC)
    printf ("answered version=%u product=%u\n", eax, ecx);
  else
    printf ("silent eax=0x%08x ebx=0x%08x\n", eax, ebx);

  return 0;
}
