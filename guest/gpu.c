/* gpu.c — discovery of the virtio-gpu function and the two virtio registers the guest uses. */
#include "gpu.h"

#include "fmt.h"
#include "paging.h"
#include "virtio/virtio_pci_regs.h"

static void map_bars(struct guest_gpu *gpu)
{
    for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
        const struct pci_bar *b = &gpu->bars[i];
        if (!b->size || b->io)
            continue;
        gpu->bar_mapped[i] = paging_map_mmio(b->base, b->size);
        glog("BAR%u 0x%lx size 0x%lx%s%s%s", i, b->base, b->size, b->is64 ? " 64-bit" : "",
             b->prefetch ? " prefetchable" : "", gpu->bar_mapped[i] ? "" : " NOT MAPPED");
    }
}

/* The first vendor capability of a virtio cfg_type (VIRTIO 1.2 §4.1.4). */
static struct virtio_window find_virtio_cap(const struct guest_gpu *gpu, uint8_t type)
{
    struct virtio_window w = { 0, 0, false };
    uint8_t pos = pci_find_cap(gpu->bdf, PCI_CAP_ID_VENDOR);
    for (unsigned guard = 0; pos && guard < 48; guard++) {
        if (pci_read8(gpu->bdf, pos) == PCI_CAP_ID_VENDOR &&
            pci_read8(gpu->bdf, pos + VIRTIO_PCI_CAP_CFG_TYPE) == type) {
            w.bar = pci_read8(gpu->bdf, pos + VIRTIO_PCI_CAP_BAR);
            w.off = pci_read32(gpu->bdf, pos + VIRTIO_PCI_CAP_OFFSET);
            w.found = w.bar < PCI_NUM_BARS && gpu->bar_mapped[w.bar] &&
                      (uint64_t)w.off + 32 <= gpu->bars[w.bar].size;
            return w;
        }
        pos = pci_read8(gpu->bdf, pos + VIRTIO_PCI_CAP_NEXT) & 0xFC;
    }
    return w;
}

bool gpu_discover(struct guest_gpu *gpu)
{
    return gpu_discover_function(gpu, VIRTIO_PCI_DEVICE_GPU);
}

bool gpu_discover_function(struct guest_gpu *gpu, uint16_t device_id)
{
    if (!pci_find(VIRTIO_PCI_VENDOR_ID, device_id, &gpu->bdf))
        return false;
    glog("virtio 1af4:%04x at %02x:%02x.%x, class %06x, config via %s", device_id, gpu->bdf >> 8,
         gpu->bdf >> 3 & 31, gpu->bdf & 7, pci_read32(gpu->bdf, 8) >> 8,
         pci_has_ecam() ? "ECAM" : "ports 0xCF8/0xCFC");
    pci_probe_bars(gpu->bdf, gpu->bars);
    map_bars(gpu);
    gpu->common = find_virtio_cap(gpu, VIRTIO_PCI_CAP_COMMON_CFG);
    gpu->isr = find_virtio_cap(gpu, VIRTIO_PCI_CAP_ISR_CFG);
    return true;
}

volatile void *gpu_bar_ptr(const struct guest_gpu *gpu, uint8_t bar, uint32_t off)
{
    return (volatile void *)(uintptr_t)(gpu->bars[bar].base + off);
}

void gpu_write_status(struct guest_gpu *gpu, uint8_t status)
{
    if (gpu->common.found)
        *(volatile uint8_t *)gpu_bar_ptr(gpu, gpu->common.bar, gpu->common.off + VIRTIO_COMMON_STATUS) = status;
}

uint8_t gpu_read_status(struct guest_gpu *gpu)
{
    if (!gpu->common.found)
        return 0xFF;
    return *(volatile uint8_t *)gpu_bar_ptr(gpu, gpu->common.bar, gpu->common.off + VIRTIO_COMMON_STATUS);
}

uint8_t gpu_read_isr(struct guest_gpu *gpu)
{
    if (!gpu->isr.found)
        return 0;
    return *(volatile uint8_t *)gpu_bar_ptr(gpu, gpu->isr.bar, gpu->isr.off);
}
