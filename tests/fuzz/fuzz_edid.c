/*
 * fuzz_edid.c — libFuzzer target for the EDID parser and the mode list built from its result.
 * Beyond "no crash": a parse either fails with a zeroed result or yields modes within the EDID
 * field limits, and the mode list always has exactly one preferred mode when it has any.
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Icore \
 *         tests/fuzz/fuzz_edid.c core/gpu/edid.c core/gpu/modes.c -o build/fuzz_edid
 * Input: one control byte, then the EDID.  Control bit 0 asks the target to repair the header and
 * base-block checksum first, so most inputs reach the field parsers instead of dying at the
 * checksum; bits 7-1 pick a host size.  Seed it with the EDID samples behind a control byte:
 *   mkdir -p build/fuzz/edid_corpus && for f in tests/unit/edid_samples/[a-z]*.bin; do
 *     { printf "\\001"; cat "$f"; } > "build/fuzz/edid_corpus/$(basename "$f")"; done
 *   build/fuzz_edid -max_total_time=60 -max_len=1026 build/fuzz/edid_corpus
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../core/gpu/edid.h"
#include "../../core/gpu/modes.h"

#define MODE_CAP 96

static void check_info(int rc, const struct vgpu_edid_info *info)
{
    if (rc != VGPU_OK) {
        const uint8_t *p = (const uint8_t *)info;
        for (size_t i = 0; i < sizeof(*info); i++)
            if (p[i] != 0)
                abort();   /* a failed parse must leave nothing behind */
        return;
    }
    if (!info->valid || info->nmodes > VGPU_EDID_MAX_MODES || info->extensions > 7)
        abort();
    for (uint32_t i = 0; i < info->nmodes; i++) {
        const struct vgpu_edid_mode *m = &info->modes[i];
        if (m->width == 0 || m->height == 0 || m->width > 4095 || m->height > 8190)
            abort();
        if (m->preferred && i != 0)
            abort();
    }
    if (info->name[13] != '\0')
        abort();
}

static void check_modes(const struct vgpu_mode *m, size_t n)
{
    size_t preferred = 0;
    for (size_t i = 0; i < n; i++)
        preferred += (m[i].flags & VGPU_MODE_PREFERRED) != 0;
    if (preferred != (n ? 1u : 0u))
        abort();
}

/* Make the base block pass the header and checksum tests. */
static void repair(uint8_t *b)
{
    static const uint8_t header[8] = { 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00 };
    uint8_t sum = 0;
    for (size_t i = 0; i < 8; i++)
        b[i] = header[i];
    for (size_t i = 0; i < 127; i++)
        sum = (uint8_t)(sum + b[i]);
    b[127] = (uint8_t)(0u - sum);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vgpu_edid_info info;
    struct vgpu_mode modes[MODE_CAP];
    uint8_t *edid;
    size_t len, n;

    if (size == 0 || size - 1 > VGPU_EDID_MAX_LEN + 1)
        return 0;   /* one byte over the limit is enough to test its rejection */
    len = size - 1;
    edid = malloc(len ? len : 1);   /* exactly len bytes: ASan flags any read past them */
    if (!edid)
        return 0;
    for (size_t i = 0; i < len; i++)
        edid[i] = data[1 + i];
    if ((data[0] & 1) && len >= VGPU_EDID_BLOCK)
        repair(edid);
    check_info(vgpu_edid_parse(edid, len, &info), &info);
    free(edid);
    /* host size 0 .. 16637 x 0 .. 8509: crosses the 16384 limit */
    n = vgpu_modes_build((data[0] >> 1) * 131u, (data[0] >> 1) * 67u, &info, 0, 0, modes, MODE_CAP);
    if (n > MODE_CAP)
        abort();
    check_modes(modes, n);
    return 0;
}
