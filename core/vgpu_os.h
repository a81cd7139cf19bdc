/*
 * vgpu_os.h — the only way the core reaches the world outside it.
 *
 * Each host (the macOS kext, the bare-metal test guest, the host unit tests with the software
 * device, the fuzz targets) implements these functions once.  The core never includes an OS
 * header; everything it needs from the platform is here.  `os` is the host's own context pointer,
 * handed to vgpu_init() and passed back unchanged on every call.
 *
 * Threading contract: the core calls these from the caller's context only, never from an
 * interrupt.  vgpu_handle_interrupt() may run in a different context than the command path;
 * vgpu_os_lock/unlock must exclude the two from each other (a spinlock with interrupts masked on
 * bare metal, a mutex or the command gate elsewhere).
 *
 * Before vgpu_open() the host maps the BARs and enables memory decoding and bus mastering in the
 * PCI command register (the core uses the device through them but leaves PCI setup to the host).
 */
#ifndef VGPU_OS_H
#define VGPU_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- PCI configuration space of the virtio-gpu function (offsets from 0) ---- */
uint8_t  vgpu_os_pci_read8(void *os, uint16_t off);
uint16_t vgpu_os_pci_read16(void *os, uint16_t off);
uint32_t vgpu_os_pci_read32(void *os, uint16_t off);
void     vgpu_os_pci_write16(void *os, uint16_t off, uint16_t val);

/*
 * ---- BAR memory-mapped I/O ----
 * vgpu_os_bar_size() returns the length of a memory BAR the host has mapped, or 0 when that BAR
 * is absent, is an I/O BAR, or could not be mapped.  The core checks every capability window
 * against it before touching the BAR, so the accessors may assume bar/off/width are in range.
 */
uint64_t vgpu_os_bar_size(void *os, uint8_t bar);
uint8_t  vgpu_os_mmio_read8(void *os, uint8_t bar, uint32_t off);
uint16_t vgpu_os_mmio_read16(void *os, uint8_t bar, uint32_t off);
uint32_t vgpu_os_mmio_read32(void *os, uint8_t bar, uint32_t off);
void     vgpu_os_mmio_write8(void *os, uint8_t bar, uint32_t off, uint8_t val);
void     vgpu_os_mmio_write16(void *os, uint8_t bar, uint32_t off, uint16_t val);
void     vgpu_os_mmio_write32(void *os, uint8_t bar, uint32_t off, uint32_t val);

/* ---- Plain (non-DMA) kernel memory, zero-filled; NULL on failure ---- */
void *vgpu_os_zalloc(void *os, size_t size);
void  vgpu_os_free(void *os, void *ptr, size_t size);

/*
 * ---- DMA memory ----
 * One physically contiguous, zero-filled, cache-coherent block the device can read and write.
 * `cpu` is the core's view, `addr` the device (bus) address, `host` is for the host's own
 * bookkeeping.  Blocks the core allocates are small (rings, command buffers, a cursor image,
 * a scatter list); framebuffers are owned by the caller and passed in as segment lists.
 */
struct vgpu_dma {
    void    *cpu;
    uint64_t addr;
    size_t   size;
    void    *host;
};
bool vgpu_os_dma_alloc(void *os, size_t size, struct vgpu_dma *out);
void vgpu_os_dma_free(void *os, struct vgpu_dma *dma);

/*
 * ---- Ordering ----
 * mb: full barrier; wmb: earlier stores before later stores; rmb: earlier loads before later
 * loads.  They order normal memory shared with the device and MMIO.
 */
void vgpu_os_mb(void *os);
void vgpu_os_wmb(void *os);
void vgpu_os_rmb(void *os);

/* ---- Mutual exclusion between the command path and vgpu_handle_interrupt() ---- */
void vgpu_os_lock(void *os);
void vgpu_os_unlock(void *os);

/*
 * ---- Time and waiting ----
 * vgpu_os_now_ns(): a monotonic clock.
 * vgpu_os_wait(): sleep until vgpu_os_wake() is called or the monotonic clock reaches
 * `deadline_ns`, whichever is first.  Spurious early returns are allowed: the core re-checks its
 * condition and the clock itself, and also polls the rings after every return, so a lost
 * interrupt costs latency, never correctness.  Called without the lock held.
 * vgpu_os_wake(): called by the core (under its lock, possibly from vgpu_handle_interrupt()).
 */
uint64_t vgpu_os_now_ns(void *os);
void     vgpu_os_wait(void *os, uint64_t deadline_ns);
void     vgpu_os_wake(void *os);

/*
 * ---- Events the core raises for the host to act on later, outside interrupt context ----
 * May be called with the core's lock held, from vgpu_handle_interrupt(): only record the event.
 */
enum vgpu_os_event {
    VGPU_OS_EVENT_DISPLAY_CHANGED = 1, /* host changed the display layout: re-query, mode set */
    VGPU_OS_EVENT_NEEDS_RESET     = 2, /* device broke or asked for reset: call vgpu_recover() */
};
void vgpu_os_event(void *os, enum vgpu_os_event ev);

/* ---- Logging: one finished line, without trailing newline, prefixed "[VirtIO-GPU] " ---- */
enum vgpu_log_level { VGPU_LOG_ERROR = 0, VGPU_LOG_WARN = 1, VGPU_LOG_INFO = 2, VGPU_LOG_DEBUG = 3 };
void vgpu_os_log(void *os, enum vgpu_log_level level, const char *line);

#endif /* VGPU_OS_H */
