/*
 * pci.h — PCI configuration access and BAR discovery.
 *
 * Configuration space goes through ECAM when the q35 MCH reports one (PCIEXBAR at 00:00.0
 * offset 0x60), otherwise through ports 0xCF8/0xCFC (first 256 bytes only).
 * BARs: SeaBIOS has assigned addresses; the guest sizes each BAR at boot by the usual
 * write-all-ones probe with decoding switched off around it, i.e. before the driver ever
 * enables the device, and keeps the assigned address.
 */
#ifndef GUEST_PCI_H
#define GUEST_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_BDF(b, d, f) ((uint32_t)(b) << 8 | (uint32_t)(d) << 3 | (uint32_t)(f))
#define PCI_NUM_BARS 6

struct pci_bar {
    uint64_t base, size;    /* size 0: absent (or the upper half of a 64-bit BAR) */
    bool io, is64, prefetch;
};

void     pci_init(void);
bool     pci_has_ecam(void);
bool     pci_host_is_q35(void);      /* host bridge 8086:29c0 (q35 MCH) */
uint32_t pci_read32(uint32_t bdf, uint16_t off);
uint16_t pci_read16(uint32_t bdf, uint16_t off);
uint8_t  pci_read8(uint32_t bdf, uint16_t off);
void     pci_write32(uint32_t bdf, uint16_t off, uint32_t v);
void     pci_write16(uint32_t bdf, uint16_t off, uint16_t v);
/* First function with this vendor:device, searching behind bridges too. */
bool     pci_find(uint16_t vendor, uint16_t device, uint32_t *bdf);
void     pci_probe_bars(uint32_t bdf, struct pci_bar bars[PCI_NUM_BARS]);
/* Offset of the first capability with this id, or 0. */
uint8_t  pci_find_cap(uint32_t bdf, uint8_t id);

#endif /* GUEST_PCI_H */
