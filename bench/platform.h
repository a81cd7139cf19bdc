/*
 * platform.h — the unit-test platform (tests/unit/host_os.c + sim/) as the benchmark's OS.
 */
#ifndef BENCH_PLATFORM_H
#define BENCH_PLATFORM_H

/* An `os` context for vgpu_os_zalloc/free: a software device, created once, never opened. */
void *bench_os(void);

#endif /* BENCH_PLATFORM_H */
