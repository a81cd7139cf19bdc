"""The `clip gen` text of guest/PROTOCOL.md, computed here from its definition, and reply helpers."""

SYMBOLS = (list("abcdefghijklmnopqrstuvwxyz0123456789") + [" "] * 8 + ["\n"]
           + list("éüßøåçñöä") + list("€✓中文∑") + ["😀", "🎉", "🚀", "𝄞", "🙂"])
assert len(SYMBOLS) == 64


def gen_text(length, seed):
    """`length` bytes of UTF-8: xorshift32 from seed*2654435761+1, symbol = state % 64,
    'z' where a symbol's bytes would run past the end."""
    x = (seed * 2654435761 + 1) & 0xFFFFFFFF
    out = bytearray()
    while len(out) < length:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        sym = SYMBOLS[x % 64].encode()
        if len(sym) > length - len(out):
            sym = b"z"
        out += sym
    return bytes(out)


def hex_args(data, per_token=900):
    """`data` as hex tokens for `clip set` (the guest joins them)."""
    h = data.hex()
    return " ".join(h[i:i + 2 * per_token] for i in range(0, len(h), 2 * per_token))


def reply_bytes(reply):
    """The bytes of a `clip get` reply: its INFO hex lines in offset order."""
    parts = sorted((int(line["off"]), bytes.fromhex(line["hex"])) for line in reply.info)
    data = b"".join(p for _, p in parts)
    assert len(data) == reply.int("len"), f"hex lines carry {len(data)} bytes, reply says {reply.int('len')}"
    return data
