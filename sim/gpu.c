/*
 * gpu.c — virtio-gpu command dispatch for both queues: read the header, apply injected faults,
 * run the command, answer with a response that echoes the fence (QEMU's
 * virtio_gpu_ctrl_response), and complete the element.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "../core/base/le.h"

static void count_command(struct sim *sim, uint32_t type)
{
    unsigned group = type >> 8, slot = type & 0xffu;

    if (slot < SIM_CMD_SLOTS && (group == 1 || group == 3))
        sim->cmd_counts[group == 1 ? 0 : 1][slot]++;
    else
        sim->cmd_counts[2][0]++;
}

static void finish(struct sim *sim, struct vdev_elem *e, uint32_t written)
{
    sim_vq_push(sim, e, written);
    free(e);
}

void sim_gpu_respond(struct sim *sim, struct vdev_elem *e, void *resp, size_t len)
{
    struct spec_gpu_ctrl_hdr req = { 0 }, *out = resp;
    size_t written;

    vdev_elem_read(e, 0, &req, sizeof(req));
    if (vgpu_from_le32(req.flags) & SPEC_GPU_FLAG_FENCE) {
        uint64_t fence = vgpu_from_le64(req.fence_id);

        sim->stats.fenced++;
        sim->stats.last_fence = fence;
        if (sim->fault.wrong_fence) {
            sim->fault.wrong_fence = false;
            fence++;
        }
        out->flags |= vgpu_le32(SPEC_GPU_FLAG_FENCE);
        out->fence_id = vgpu_le64(fence);
        out->ctx_id = req.ctx_id;
    }
    written = vdev_elem_write(e, 0, resp, len);
    if (written != len)
        sim_driver_error(sim, "response size incorrect: %zu of %zu bytes fit", written, len);
    sim->last_response = vgpu_from_le32(out->type);
    if (sim->last_response >= SPEC_GPU_RESP_ERR_UNSPEC)
        sim->stats.error_responses++;
    finish(sim, e, (uint32_t)written);
}

static void respond_nodata(struct sim *sim, struct vdev_elem *e, uint32_t type)
{
    struct spec_gpu_ctrl_hdr hdr = { .type = vgpu_le32(type) };

    sim_gpu_respond(sim, e, &hdr, sizeof(hdr));
}

static uint32_t dispatch(struct sim *sim, struct vdev_elem *e, uint32_t type)
{
    switch (type) {
    case SPEC_GPU_CMD_GET_DISPLAY_INFO:        return sim_cmd_display_info(sim, e);
    case SPEC_GPU_CMD_GET_EDID:                return sim_cmd_get_edid(sim, e);
    case SPEC_GPU_CMD_RESOURCE_CREATE_2D:      return sim_cmd_create_2d(sim, e);
    case SPEC_GPU_CMD_RESOURCE_UNREF:          return sim_cmd_unref(sim, e);
    case SPEC_GPU_CMD_RESOURCE_FLUSH:          return sim_cmd_flush(sim, e);
    case SPEC_GPU_CMD_TRANSFER_TO_HOST_2D:     return sim_cmd_transfer_2d(sim, e);
    case SPEC_GPU_CMD_SET_SCANOUT:             return sim_cmd_set_scanout(sim, e);
    case SPEC_GPU_CMD_RESOURCE_ATTACH_BACKING: return sim_cmd_attach_backing(sim, e);
    case SPEC_GPU_CMD_RESOURCE_DETACH_BACKING: return sim_cmd_detach_backing(sim, e);
    default:
        if (sim_is_3d_cmd(sim, type))
            return sim_cmd_3d(sim, e, type);
        sim_driver_error(sim, "unknown command 0x%x", type);
        return SPEC_GPU_RESP_ERR_UNSPEC;
    }
}

static uint32_t element_type(const struct vdev_elem *e)
{
    struct spec_gpu_ctrl_hdr hdr;

    if (vdev_elem_read(e, 0, &hdr, sizeof(hdr)) != sizeof(hdr))
        return 0;
    return vgpu_from_le32(hdr.type);
}

/* Run one element's command and complete it. */
void sim_gpu_complete(struct sim *sim, struct vdev_elem *e)
{
    uint32_t type = element_type(e), resp;

    if (e->queue == SPEC_GPU_CURSORQ) {
        sim_cursor_command(sim, e);
        finish(sim, e, 0);
        return;
    }
    sim->stats.commands++;
    resp = dispatch(sim, e, type);
    if (resp != SIM_RESP_SENT)
        respond_nodata(sim, e, resp);
}

static bool armed_for(bool armed, uint32_t want, uint32_t type)
{
    return armed && (want == SIM_ANY_CMD || want == type);
}

/* Returns true when a fault consumed the element. */
bool sim_gpu_apply_faults(struct sim *sim, struct vdev_elem *e, uint32_t type)
{
    struct sim_faults *f = &sim->fault;

    if (armed_for(f->reset_armed, f->reset_cmd, type)) {
        f->reset_armed = false;
        free(e);
        sim_device_error(sim, "injected: needs reset on command 0x%x", type);
        return true;
    }
    if (armed_for(f->hold_armed, f->hold_cmd, type) && sim->nheld < SIM_MAX_HELD) {
        f->hold_armed = false;
        sim->held[sim->nheld++] = e;
        return true;
    }
    if (armed_for(f->error_armed, f->error_cmd, type)) {
        f->error_armed = false;
        if (e->queue == SPEC_GPU_CURSORQ)
            finish(sim, e, 0);
        else
            respond_nodata(sim, e, f->error_resp);
        return true;
    }
    return false;
}

static void handle_element(struct sim *sim, struct vdev_elem *e)
{
    uint32_t type = element_type(e);

    if (type == 0 && e->out_bytes < sizeof(struct spec_gpu_ctrl_hdr)) {
        sim_driver_error(sim, "request of %u bytes is shorter than a header", e->out_bytes);
        if (e->queue == SPEC_GPU_CURSORQ)
            finish(sim, e, 0);
        else
            respond_nodata(sim, e, SPEC_GPU_RESP_ERR_UNSPEC);
        return;
    }
    count_command(sim, type);
    if (!sim_gpu_apply_faults(sim, e, type))
        sim_gpu_complete(sim, e);
}

void sim_gpu_process_queue(struct sim *sim, unsigned q)
{
    struct vdev_elem *e;

    while ((e = sim_vq_pop(sim, q)) != NULL)
        handle_element(sim, e);
    vdev_ring_set_notification(&sim->vd, q, true);
}

unsigned sim_release_held(struct sim *sim)
{
    unsigned n = sim->nheld;

    sim->nheld = 0;
    for (unsigned i = 0; i < n; i++)
        sim_gpu_complete(sim, sim->held[i]);
    return n;
}

unsigned sim_held_count(const struct sim *sim)
{
    return sim->nheld;
}

void sim_gpu_reset(struct sim *sim)
{
    while (sim->resources)
        sim_res_destroy(sim, sim->resources);
    for (unsigned i = 0; i < SIM_MAX_SCANOUTS; i++) {
        sim_scanout_disable(sim, i);
        /* Stricter than QEMU (which keeps the cursor image): recovery must restore it. */
        memset(&sim->scanout[i].cursor, 0, sizeof(sim->scanout[i].cursor));
    }
    for (unsigned i = 0; i < sim->nheld; i++)
        free(sim->held[i]);
    sim->nheld = 0;
    sim_gpu3d_reset(sim);
}

/* Copy a whole request struct; a short request is a driver bug answered with ERR_UNSPEC. */
bool sim_read_cmd(struct sim *sim, const struct vdev_elem *e, void *cmd, size_t size)
{
    size_t got = vdev_elem_read(e, 0, cmd, size);

    if (got == size)
        return true;
    sim_driver_error(sim, "command size incorrect: %zu vs %zu", got, size);
    return false;
}
