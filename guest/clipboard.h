/*
 * clipboard.h — the test guest's stand-in pasteboard for agent/clip_logic (one item of text or
 * PNG bytes and a change count, like macOS's), plus what the `clip` commands need around it:
 * the deterministic text of `clip gen` (guest/PROTOCOL.md), CRC-32 and hex decoding.
 */
#ifndef GUEST_CLIPBOARD_H
#define GUEST_CLIPBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clip_logic.h"

#define BOARD_ITEM_MAX (2u << 20)          /* 2 MiB: a 1 MiB text with room to spare */

struct guest_board {
    uint8_t *data;                         /* BOARD_ITEM_MAX bytes */
    size_t   len;
    bool     present;
    enum clip_kind kind;
    uint64_t count;                        /* change count: every write, local or from the agent */
    uint64_t agent_writes;                 /* writes that came from the host through the agent */
};

/* The clip_board view of `b` for clip_init(). */
struct clip_board guest_board_ops(struct guest_board *b);
/* A local change (a `clip set`); len 0 empties the board. */
void guest_board_set(struct guest_board *b, enum clip_kind kind, const uint8_t *data, size_t len);

/* `clip gen` text: `len` bytes of UTF-8 (1- to 4-byte characters) from `seed`. */
void clip_gen_text(uint8_t *out, size_t len, uint32_t seed);
uint32_t clip_crc32(const uint8_t *data, size_t len);
/* Decode hex digits; false on an odd count or a non-hex character. */
bool hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *len);

#endif /* GUEST_CLIPBOARD_H */
