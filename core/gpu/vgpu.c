/* vgpu.c — device bring-up, interrupts, recovery and teardown. */
#include "gpu/vgpu.h"

#include "base/log.h"
#include "base/util.h"
#include "gpu/cmd.h"
#include "gpu/cursor.h"
#include "gpu/dev.h"
#include "gpu/display.h"
#include "virtio/virtio_pci_regs.h"

#define DEFAULT_TIMEOUT_MS 5000u
#define RESET_TIMEOUT_MS   1000u

/* Everything the core implements; a feature outside this set is never accepted. */
#define WANTED_FEATURES ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_INDIRECT_DESC) | \
                         (1ull << VIRTIO_F_EVENT_IDX) | (1ull << VIRTIO_GPU_F_EDID))

/* ---- configuration space ---- */

/* num_scanouts: 1..16 by the spec; more is clamped (we drive the first 16), zero is fatal. */
static int read_num_scanouts(struct vgpu_dev *dev)
{
    uint32_t n;
    int rc = vpci_device_read32(&dev->pci, VIRTIO_GPU_CFG_NUM_SCANOUTS, &n);

    if (rc != VGPU_OK)
        return rc;
    if (n == 0) {
        vgpu_err(dev->os, "device reports no scanouts");
        return VGPU_E_NODEV;
    }
    if (n > VGPU_MAX_SCANOUTS)
        vgpu_warn(dev->os, "device reports %u scanouts; using %u", n, VGPU_MAX_SCANOUTS);
    n = VGPU_MIN(n, VGPU_MAX_SCANOUTS);
    /* After a reset it must be the device we opened: per-scanout state (framebuffers, cursor
     * images) is kept for, and released over, the count it had. */
    if (dev->num_scanouts && n != dev->num_scanouts) {
        vgpu_err(dev->os, "device now reports %u scanouts, had %u", n, dev->num_scanouts);
        return VGPU_E_NODEV;
    }
    dev->num_scanouts = n;
    return VGPU_OK;
}

/* Acknowledge pending events; a display event means the layout changed (maybe before we came). */
static void take_config_events(struct vgpu_dev *dev)
{
    uint32_t ev;

    if (vpci_status(&dev->pci) & VIRTIO_STATUS_NEEDS_RESET)
        cmd_mark_broken(dev, "device asked for a reset");
    if (vpci_device_read32(&dev->pci, VIRTIO_GPU_CFG_EVENTS_READ, &ev) != VGPU_OK ||
        !(ev & VIRTIO_GPU_EVENT_DISPLAY))
        return;
    vpci_device_write32(&dev->pci, VIRTIO_GPU_CFG_EVENTS_CLEAR, VIRTIO_GPU_EVENT_DISPLAY);
    dev->display_event = true;
    vgpu_os_event(dev->os, VGPU_OS_EVENT_DISPLAY_CHANGED);
}

/* ---- bring-up ---- */

static int setup_queues(struct vgpu_dev *dev)
{
    uint16_t config_vec, queue_vec;
    int rc;

    if (vpci_num_queues(&dev->pci) < 2) {
        vgpu_err(dev->os, "device has %u queues, needs 2", vpci_num_queues(&dev->pci));
        return VGPU_E_NODEV;
    }
    vpci_pick_vectors(dev->params.irq_mode, dev->params.msix_vectors, &config_vec, &queue_vec);
    if (config_vec != VIRTIO_MSI_NO_VECTOR && (rc = vpci_set_config_vector(&dev->pci, config_vec)) != VGPU_OK)
        return rc;
    dev->ctrl.msix_vector = dev->cursorq.msix_vector = queue_vec;
    rc = gpu_queue_setup(dev, &dev->ctrl, VIRTIO_GPU_QUEUE_CONTROL, false);
    /* On failure the control queue is live (enabled) until the reset in device_teardown(). */
    if (rc == VGPU_OK)
        rc = gpu_queue_setup(dev, &dev->cursorq, VIRTIO_GPU_QUEUE_CURSOR, true);
    return rc;
}

/* The initialisation sequence of VIRTIO 1.2 §3.1.1; FAILED is set if any step fails. */
static int device_setup(struct vgpu_dev *dev)
{
    int rc = vpci_reset(&dev->pci, RESET_TIMEOUT_MS);

    if (rc != VGPU_OK)
        return rc;
    vpci_add_status(&dev->pci, VIRTIO_STATUS_ACKNOWLEDGE);
    vpci_add_status(&dev->pci, VIRTIO_STATUS_DRIVER);
    rc = vpci_negotiate(&dev->pci, WANTED_FEATURES | dev->extra_features,
                        &dev->features);
    if (rc == VGPU_OK)
        rc = read_num_scanouts(dev);
    if (rc == VGPU_OK)
        rc = setup_queues(dev);
    if (rc != VGPU_OK) {
        vpci_add_status(&dev->pci, VIRTIO_STATUS_FAILED);
        return rc;
    }
    vpci_add_status(&dev->pci, VIRTIO_STATUS_DRIVER_OK);
    idalloc_init(&dev->ids);
    dev->broken = dev->reset_reported = false;
    take_config_events(dev);
    return dev->broken ? VGPU_E_BROKEN : VGPU_OK;
}

/* Stop the device touching memory (reset), then free what it could have touched. */
static void device_teardown(struct vgpu_dev *dev)
{
    vpci_reset(&dev->pci, RESET_TIMEOUT_MS);
    gpu_queue_teardown(dev, &dev->ctrl);
    gpu_queue_teardown(dev, &dev->cursorq);
    if (dev->orphan.cpu)
        vgpu_os_dma_free(dev->os, &dev->orphan);
    dev->orphan.cpu = NULL;
}

int vgpu_open_with(void *os, const struct vgpu_params *params, uint64_t extra_features,
                   struct vgpu_dev **out)
{
    struct vgpu_dev *dev;
    int rc;

    if (!params || !out || (params->irq_mode == VGPU_IRQ_MSIX && params->msix_vectors == 0))
        return VGPU_E_INVAL;
    dev = vgpu_os_zalloc(os, sizeof(*dev));
    if (!dev)
        return VGPU_E_NOMEM;
    dev->os = os;
    dev->params = *params;
    dev->extra_features = extra_features;
    dev->timeout_ns = (uint64_t)(params->cmd_timeout_ms ? params->cmd_timeout_ms : DEFAULT_TIMEOUT_MS) * 1000000u;
    rc = vpci_probe(&dev->pci, os, VIRTIO_PCI_DEVICE_GPU);
    if (rc == VGPU_OK)
        rc = device_setup(dev);
    if (rc == VGPU_OK)
        rc = vgpu_query_displays(dev);
    if (rc != VGPU_OK) {
        vgpu_err(os, "bring-up failed: %s", VGPU_STR(vgpu_status_name(rc)));
        if (dev->pci.common.len)
            device_teardown(dev);
        vgpu_os_free(os, dev, sizeof(*dev));
        return rc;
    }
    vgpu_info(os, "ready: features 0x%x, %u scanouts", dev->features, dev->num_scanouts);
    *out = dev;
    return VGPU_OK;
}

int vgpu_open(void *os, const struct vgpu_params *params, struct vgpu_dev **out)
{
    return vgpu_open_with(os, params, 0, out);
}

void vgpu_close(struct vgpu_dev *dev)
{
    if (!dev)
        return;
    if (dev->on_lifetime)
        dev->on_lifetime(dev, VGPU_LIFETIME_CLOSE);
    cursor_release_all(dev);
    display_release_all(dev);
    device_teardown(dev);
    vgpu_os_free(dev->os, dev, sizeof(*dev));
}

/* ---- interrupts ---- */

uint32_t vgpu_intx_status(struct vgpu_dev *dev)
{
    return vpci_intx_causes(&dev->pci);
}

uint32_t vgpu_msix_causes(const struct vgpu_dev *dev, unsigned vector)
{
    return vpci_msix_causes(dev->params.irq_mode, dev->params.msix_vectors, vector);
}

void vgpu_handle_interrupt(struct vgpu_dev *dev, uint32_t causes)
{
    if (!causes)
        return;
    dev->stats.interrupts++;
    vgpu_os_lock(dev->os);
    if (causes & VGPU_CAUSE_QUEUE)
        cmd_harvest(dev, false);
    if (causes & VGPU_CAUSE_CONFIG)
        take_config_events(dev);
    vgpu_os_unlock(dev->os);
}

void vgpu_poll(struct vgpu_dev *dev)
{
    vgpu_os_lock(dev->os);
    cmd_harvest(dev, true);
    take_config_events(dev);
    vgpu_os_unlock(dev->os);
}

/* ---- recovery ---- */

bool vgpu_needs_reset(const struct vgpu_dev *dev)
{
    return dev->broken;
}

/*
 * After a reset the host has forgotten every resource; the guest memory behind them still holds
 * the pixels, so re-creating each resource and re-uploading restores the screen exactly.
 */
int vgpu_recover(struct vgpu_dev *dev)
{
    int rc;

    vgpu_info(dev->os, "recovering: resetting the device");
    device_teardown(dev);
    if (dev->on_lifetime)
        dev->on_lifetime(dev, VGPU_LIFETIME_RESET);
    rc = device_setup(dev);
    if (rc == VGPU_OK)
        rc = display_restore(dev);
    if (rc == VGPU_OK)
        rc = cursor_restore(dev);
    if (rc != VGPU_OK) {
        cmd_mark_broken(dev, "recovery failed");
        return rc;
    }
    vgpu_info(dev->os, "recovered");
    return VGPU_OK;
}

/* ---- introspection ---- */

unsigned vgpu_scanout_count(const struct vgpu_dev *dev)
{
    return dev->num_scanouts;
}

void vgpu_get_stats(const struct vgpu_dev *dev, struct vgpu_stats *out)
{
    *out = dev->stats;
    out->live_resources = dev->ids.live;
}

uint64_t vgpu_features(const struct vgpu_dev *dev)
{
    return dev->features;
}
