/* host_writes.c — the commands whose effect reads or lands in guest memory (virgl_protocol.h numbers). */
#include "host_writes.h"

#define CCMD_GET_QUERY_RESULT     21u
#define CCMD_TRANSFER3D           43u   /* handle level usage stride layer_stride x y z w h d offset direction */
#define CCMD_COPY_TRANSFER3D      45u   /* dst level usage strides box(6) src src_offset flags */
#define TRANSFER3D_WORDS          13u
#define COPY_TRANSFER3D_WORDS     14u
#define TRANSFER_TO_HOST          1u
#define TRANSFER_FROM_HOST        2u
#define COPY_FLAG_FROM_HOST       (1u << 1)

void host_access_scan(const uint32_t *s, uint32_t words, host_access_fn fn, void *arg)
{
    for (uint32_t i = 0; i < words;) {
        uint32_t cmd = s[i] & 0xffu, len = s[i] >> 16;
        if (len >= words - i)
            return;
        if (cmd == CCMD_TRANSFER3D && len >= TRANSFER3D_WORDS && s[i + 13] == TRANSFER_TO_HOST)
            fn(arg, s[i + 1], HOST_READS);
        else if (cmd == CCMD_TRANSFER3D && len >= TRANSFER3D_WORDS && s[i + 13] == TRANSFER_FROM_HOST)
            fn(arg, s[i + 1], HOST_WRITES);
        else if (cmd == CCMD_COPY_TRANSFER3D && len >= COPY_TRANSFER3D_WORDS)
            fn(arg, s[i + 12], (s[i + 14] & COPY_FLAG_FROM_HOST) ? HOST_WRITES : HOST_READS);
        else if (cmd == CCMD_GET_QUERY_RESULT)
            fn(arg, 0, HOST_WRITES);
        i += len + 1;
    }
}
