/* clipboard.c — the guest's pasteboard stand-in, `clip gen` text, CRC-32, hex. */
#include "clipboard.h"

#include "libc.h"

static uint64_t board_count(void *ctx)
{
    return ((struct guest_board *)ctx)->count;
}

static bool board_read(void *ctx, enum clip_kind kind, uint8_t *buf, size_t cap, size_t *len)
{
    struct guest_board *b = ctx;
    if (!b->present || b->kind != kind)
        return false;
    *len = b->len;
    if (cap)
        memcpy(buf, b->data, b->len < cap ? b->len : cap);
    return true;
}

static bool board_write(void *ctx, enum clip_kind kind, const uint8_t *data, size_t len)
{
    struct guest_board *b = ctx;
    if (len > BOARD_ITEM_MAX)
        return false;
    guest_board_set(b, kind, data, len);
    b->agent_writes++;
    return true;
}

struct clip_board guest_board_ops(struct guest_board *b)
{
    return (struct clip_board){ b, board_count, board_read, board_write };
}

void guest_board_set(struct guest_board *b, enum clip_kind kind, const uint8_t *data, size_t len)
{
    memcpy(b->data, data, len);
    b->len = len;
    b->kind = kind;
    b->present = len > 0;
    b->count++;
}

/* 64 symbols: letters, digits, spaces, a newline, then 2-, 3- and 4-byte UTF-8 characters. */
static const char *const gen_symbols[64] = {
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t", "u", "v", "w", "x", "y", "z", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    " ", " ", " ", " ", " ", " ", " ", " ", "\n",
    "\xc3\xa9", "\xc3\xbc", "\xc3\x9f", "\xc3\xb8", "\xc3\xa5", "\xc3\xa7", "\xc3\xb1", "\xc3\xb6", "\xc3\xa4",
    "\xe2\x82\xac", "\xe2\x9c\x93", "\xe4\xb8\xad", "\xe6\x96\x87", "\xe2\x88\x91",
    "\xf0\x9f\x98\x80", "\xf0\x9f\x8e\x89", "\xf0\x9f\x9a\x80", "\xf0\x9d\x84\x9e", "\xf0\x9f\x99\x82",
};

/* xorshift32 from seed*2654435761+1; symbol = state % 64; a symbol that would not fit is 'z'. */
void clip_gen_text(uint8_t *out, size_t len, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1u;
    size_t n = 0;

    while (n < len) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        const char *sym = gen_symbols[x % 64u];
        size_t k = strlen(sym);
        if (k > len - n) {
            sym = "z";
            k = 1;
        }
        memcpy(out + n, sym, k);
        n += k;
    }
}

/* CRC-32 as zlib computes it (reflected polynomial 0xEDB88320). */
uint32_t clip_crc32(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        return false;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return true;
}
