/*
 * faults.c — arming injected faults.  Each one fires once (lost interrupts: a count) and is
 * consumed in gpu.c (command faults) or virtqueue.c (used-ring and interrupt faults).
 */
#include "sim_internal.h"

void sim_fault_error_next(struct sim *sim, uint32_t cmd_type, uint32_t resp_type)
{
    sim->fault.error_armed = true;
    sim->fault.error_cmd = cmd_type;
    sim->fault.error_resp = resp_type;
}

void sim_fault_hold_next(struct sim *sim, uint32_t cmd_type)
{
    sim->fault.hold_armed = true;
    sim->fault.hold_cmd = cmd_type;
}

void sim_fault_lose_interrupts(struct sim *sim, uint32_t count)
{
    sim->fault.lose_interrupts = count;
}

void sim_fault_used(struct sim *sim, enum sim_used_fault fault)
{
    sim->fault.used = fault;
}

void sim_fault_wrong_fence_next(struct sim *sim)
{
    sim->fault.wrong_fence = true;
}

void sim_fault_stuck_reset(struct sim *sim, bool stuck)
{
    sim->fault.stuck_reset = stuck;
}

void sim_fault_needs_reset_on(struct sim *sim, uint32_t cmd_type)
{
    sim->fault.reset_armed = true;
    sim->fault.reset_cmd = cmd_type;
}
