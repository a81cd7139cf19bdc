/*
 * fuzz_tape.h — the fuzz input as a stream of device decisions.
 *
 * Every place where the scripted device could misbehave takes its decision from the front of the
 * tape; when the tape runs out every read returns 0 (or leaves the caller's default in place),
 * and 0 always means "behave like QEMU".  So an empty input is an honest device, and each
 * mutation is one deviation.
 *
 * A session that picks its own steps (session_random) splits the tape first (tape_split): a
 * little-endian u16 N, then N bytes of device decisions, then the steps (tape_step_*).  So a
 * scenario is a 0 0 header and its step bytes, and the device part can change length without
 * touching the steps.
 */
#ifndef FUZZ_TAPE_H
#define FUZZ_TAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void     tape_load(const uint8_t *data, size_t size);
bool     tape_empty(void);
uint8_t  tape_u8(void);
uint16_t tape_u16(void);
uint32_t tape_u32(void);
uint64_t tape_u64(void);
/* Overwrite up to n bytes of dst with tape bytes; bytes past the end of the tape keep dst. */
void     tape_fill(void *dst, size_t n);

void     tape_split(void);
bool     tape_step_empty(void);
uint8_t  tape_step_u8(void);
uint16_t tape_step_u16(void);

#endif /* FUZZ_TAPE_H */
