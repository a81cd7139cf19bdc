/*
 * os_glue.c — the core's OS interface (core/vgpu_os.h) on bare metal.  `os` is the
 * struct guest_gpu of the one device.  Memory is identity mapped below 4 GiB, so a DMA
 * block's device address is its physical address is its CPU address.
 */
#include "vgpu_os.h"

#include "arch.h"
#include "clock.h"
#include "gpu.h"
#include "heap.h"
#include "idt.h"
#include "lapic.h"
#include "libc.h"
#include "os_glue.h"
#include "pages.h"
#include "serial.h"

static enum vgpu_log_level log_level = VGPU_LOG_INFO;

void os_set_log_level(enum vgpu_log_level level) { log_level = level; }
enum vgpu_log_level os_log_level(void) { return log_level; }

static struct guest_gpu *gpu_of(void *os) { return os; }

uint8_t  vgpu_os_pci_read8(void *os, uint16_t off) { return pci_read8(gpu_of(os)->bdf, off); }
uint16_t vgpu_os_pci_read16(void *os, uint16_t off) { return pci_read16(gpu_of(os)->bdf, off); }
uint32_t vgpu_os_pci_read32(void *os, uint16_t off) { return pci_read32(gpu_of(os)->bdf, off); }
void vgpu_os_pci_write16(void *os, uint16_t off, uint16_t val) { pci_write16(gpu_of(os)->bdf, off, val); }

uint64_t vgpu_os_bar_size(void *os, uint8_t bar)
{
    const struct guest_gpu *gpu = gpu_of(os);
    return bar < PCI_NUM_BARS && gpu->bar_mapped[bar] ? gpu->bars[bar].size : 0;
}

/* Each accessor is a single load or store of exactly its width on an uncached mapping. */
uint8_t vgpu_os_mmio_read8(void *os, uint8_t bar, uint32_t off)
{
    return *(volatile uint8_t *)gpu_bar_ptr(gpu_of(os), bar, off);
}
uint16_t vgpu_os_mmio_read16(void *os, uint8_t bar, uint32_t off)
{
    return *(volatile uint16_t *)gpu_bar_ptr(gpu_of(os), bar, off);
}
uint32_t vgpu_os_mmio_read32(void *os, uint8_t bar, uint32_t off)
{
    return *(volatile uint32_t *)gpu_bar_ptr(gpu_of(os), bar, off);
}
void vgpu_os_mmio_write8(void *os, uint8_t bar, uint32_t off, uint8_t val)
{
    *(volatile uint8_t *)gpu_bar_ptr(gpu_of(os), bar, off) = val;
}
void vgpu_os_mmio_write16(void *os, uint8_t bar, uint32_t off, uint16_t val)
{
    *(volatile uint16_t *)gpu_bar_ptr(gpu_of(os), bar, off) = val;
}
void vgpu_os_mmio_write32(void *os, uint8_t bar, uint32_t off, uint32_t val)
{
    *(volatile uint32_t *)gpu_bar_ptr(gpu_of(os), bar, off) = val;
}

void *vgpu_os_zalloc(void *os, size_t size)
{
    void *p = heap_zalloc(size);
    if (p)
        gpu_of(os)->core_heap_bytes += size;
    return p;
}

void vgpu_os_free(void *os, void *ptr, size_t size)
{
    if (!ptr)
        return;
    heap_free(ptr, size);
    gpu_of(os)->core_heap_bytes -= size;
}

static size_t pages_for(size_t size) { return (size + PAGE_SIZE - 1) / PAGE_SIZE; }

bool vgpu_os_dma_alloc(void *os, size_t size, struct vgpu_dma *out)
{
    uint64_t phys = size ? pages_alloc(pages_for(size)) : 0;
    if (!phys)
        return false;
    memset((void *)(uintptr_t)phys, 0, pages_for(size) * PAGE_SIZE);
    *out = (struct vgpu_dma){ (void *)(uintptr_t)phys, phys, size, NULL };
    gpu_of(os)->core_dma_bytes += size;
    return true;
}

void vgpu_os_dma_free(void *os, struct vgpu_dma *dma)
{
    if (!dma->cpu)
        return;
    pages_free(dma->addr, pages_for(dma->size));
    gpu_of(os)->core_dma_bytes -= dma->size;
    *dma = (struct vgpu_dma){ 0 };
}

/*
 * x86 is TSO: stores become visible in program order and loads are not reordered with older
 * loads, for write-back RAM and uncached MMIO alike.  So "stores before stores" and "loads
 * before loads" only need the compiler held back.  The one reordering the CPU does make, a
 * later load passing an earlier store (store buffer), is what a full barrier must stop:
 * e.g. publish avail->idx, then read the device's event index.  That takes MFENCE.
 */
void vgpu_os_mb(void *os) { (void)os; __asm__ volatile("mfence" ::: "memory"); }
void vgpu_os_wmb(void *os) { (void)os; __asm__ volatile("" ::: "memory"); }
void vgpu_os_rmb(void *os) { (void)os; __asm__ volatile("" ::: "memory"); }

/* One CPU: excluding the interrupt handler means masking interrupts.  Nesting is allowed. */
static uint64_t lock_saved_flags;
static unsigned lock_depth;

void vgpu_os_lock(void *os)
{
    (void)os;
    uint64_t f = save_flags_cli();
    if (lock_depth++ == 0)
        lock_saved_flags = f;
}

void vgpu_os_unlock(void *os)
{
    (void)os;
    if (lock_depth && --lock_depth == 0)
        restore_flags(lock_saved_flags);
}

uint64_t vgpu_os_now_ns(void *os) { (void)os; return clock_now_ns(); }

/* HLT until a wake (device interrupt or vgpu_os_wake) or the LAPIC one-shot at the deadline. */
void vgpu_os_wait(void *os, uint64_t deadline_ns)
{
    struct guest_gpu *gpu = gpu_of(os);
    for (;;) {
        uint64_t seen = irq_events(), now = clock_now_ns();
        if (gpu->woken || now >= deadline_ns)
            break;
        lapic_timer_arm(deadline_ns - now);
        irq_sleep_since(seen);
    }
    lapic_timer_stop();
    uint64_t f = save_flags_cli();
    gpu->woken = false;
    restore_flags(f);
}

void vgpu_os_wake(void *os) { gpu_of(os)->woken = true; }

void vgpu_os_event(void *os, enum vgpu_os_event ev)
{
    struct guest_gpu *gpu = gpu_of(os);
    if (ev == VGPU_OS_EVENT_DISPLAY_CHANGED)
        gpu->display_event = true;
    else if (ev == VGPU_OS_EVENT_NEEDS_RESET)
        gpu->needs_reset = true;
    gpu->woken = true;
}

void vgpu_os_log(void *os, enum vgpu_log_level level, const char *line)
{
    (void)os;
    if (level > log_level)
        return;
    serial_puts(line);
    serial_putc('\n');
}
