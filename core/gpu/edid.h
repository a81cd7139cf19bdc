/*
 * edid.h — a parser for the EDID the host hands us (VESA E-EDID, base block).
 *
 * The EDID comes from the device and is untrusted: every field is range-checked, a malformed blob
 * is rejected whole (valid = false, nothing else set), never half-used.  Only the 128-byte base
 * block is read for modes; extension blocks are counted, not parsed.
 */
#ifndef VGPU_EDID_H
#define VGPU_EDID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gpu/timing.h"
#include "gpu/vgpu.h"

#define VGPU_EDID_BLOCK     128
#define VGPU_EDID_MAX_LEN   1024   /* the virtio-gpu GET_EDID buffer; longer is malformed */
#define VGPU_EDID_MAX_MODES 48     /* a base block holds at most 4 + 8 + 17 = 29 */

struct vgpu_edid_mode {
    uint32_t width, height;   /* 1..8190 (<= VGPU_MAX_DIMENSION); interlaced modes give the frame height */
    uint32_t refresh_mhz;     /* detailed: exact field rate; standard/established: nominal Hz * 1000 */
    bool     preferred;       /* only ever modes[0] */
};

struct vgpu_edid_info {
    bool     valid;            /* false: the parse failed and every other field is zero */
    uint16_t manufacturer;     /* PNP id packed as in bytes 8-9: byte 8 is the high byte */
    uint16_t product;          /* bytes 10-11, little-endian */
    uint8_t  version, revision;/* bytes 18-19: 1.x */
    char     name[14];         /* monitor name descriptor (0xFC), NUL-terminated, trimmed,
                                  non-printable bytes replaced by '?' */
    uint32_t nmodes;           /* <= VGPU_EDID_MAX_MODES */
    struct vgpu_edid_mode modes[VGPU_EDID_MAX_MODES]; /* no two equal (w,h,refresh); preferred
                                  first, then detailed, standard, established in EDID order */
    uint32_t extensions;       /* byte 126, capped by the whole blocks actually supplied */
};

/*
 * Parse `len` bytes of EDID into *out (always fully written).  Returns VGPU_OK, VGPU_E_INVAL for
 * NULL pointers, or VGPU_E_PROTO for a malformed blob: len outside 128..1024, bad header, bad
 * base-block checksum, version other than 1, or a detailed timing with a zero or oversized
 * active area.
 */
int vgpu_edid_parse(const uint8_t *edid, size_t len, struct vgpu_edid_info *out);

/*
 * The EDID's own timing for a width x height mode: the first progressive detailed timing
 * descriptor of the base block with that active size.  VGPU_E_INVAL for a malformed or missing
 * blob, VGPU_E_UNSUPPORTED when no descriptor has that size.
 */
int vgpu_edid_timing(const uint8_t *edid, size_t len, uint32_t width, uint32_t height,
                     struct vgpu_timing *out);

#endif /* VGPU_EDID_H */
