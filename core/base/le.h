/*
 * le.h — little-endian conversion for memory shared with the device.  The wire is always
 * little-endian; these are identities on little-endian CPUs and byte swaps elsewhere.
 */
#ifndef VGPU_LE_H
#define VGPU_LE_H

#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
static inline uint16_t vgpu_le16(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t vgpu_le32(uint32_t v) { return __builtin_bswap32(v); }
static inline uint64_t vgpu_le64(uint64_t v) { return __builtin_bswap64(v); }
#else
static inline uint16_t vgpu_le16(uint16_t v) { return v; }
static inline uint32_t vgpu_le32(uint32_t v) { return v; }
static inline uint64_t vgpu_le64(uint64_t v) { return v; }
#endif

/* Loads are the same swap; separate names keep the direction readable at call sites. */
#define vgpu_from_le16 vgpu_le16
#define vgpu_from_le32 vgpu_le32
#define vgpu_from_le64 vgpu_le64

#endif /* VGPU_LE_H */
