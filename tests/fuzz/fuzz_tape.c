/* fuzz_tape.c — the input stream (see fuzz_tape.h).  Little-endian multi-byte reads. */
#include "fuzz_tape.h"

static const uint8_t *tape;
static size_t tape_size, tape_pos;       /* device decisions: tape[tape_pos .. tape_size) */
static size_t step_size, step_pos;       /* steps, after tape_split(): tape[step_pos .. step_size) */

void tape_load(const uint8_t *data, size_t size)
{
    tape = data;
    tape_size = step_size = step_pos = size;
    tape_pos = 0;
}

void tape_split(void)
{
    size_t n = tape_u16();

    step_pos = tape_pos + (n < tape_size - tape_pos ? n : tape_size - tape_pos);
    step_size = tape_size;
    tape_size = step_pos;
}

bool tape_step_empty(void)
{
    return step_pos >= step_size;
}

uint8_t tape_step_u8(void)
{
    return step_pos < step_size ? tape[step_pos++] : 0;
}

uint16_t tape_step_u16(void)
{
    uint16_t lo = tape_step_u8();
    return (uint16_t)(lo | (uint16_t)tape_step_u8() << 8);
}

bool tape_empty(void)
{
    return tape_pos >= tape_size;
}

uint8_t tape_u8(void)
{
    return tape_pos < tape_size ? tape[tape_pos++] : 0;
}

uint16_t tape_u16(void)
{
    uint16_t lo = tape_u8();
    return (uint16_t)(lo | (uint16_t)tape_u8() << 8);
}

uint32_t tape_u32(void)
{
    uint32_t lo = tape_u16();
    return lo | (uint32_t)tape_u16() << 16;
}

uint64_t tape_u64(void)
{
    uint64_t lo = tape_u32();
    return lo | (uint64_t)tape_u32() << 32;
}

void tape_fill(void *dst, size_t n)
{
    uint8_t *d = dst;
    for (size_t i = 0; i < n && !tape_empty(); i++)
        d[i] = tape_u8();
}
