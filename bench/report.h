/*
 * report.h — the tables `make bench` prints and the matching parts of out/bench.json.
 */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include "engine.h"
#include "hash.h"
#include "json.h"

/* One frame size: per case ms, ratios to memcmp / memcpy / both, and the target verdict. */
void report_frame(struct json *j, const char *what, const struct frame_result *r);
/* Tile-size candidates side by side (all at one frame size). */
void report_tiles(struct json *j, const struct frame_result *r, unsigned n);

void report_idle(struct json *j, const struct idle_result *r, unsigned n);
void report_hash(struct json *j, uint32_t width, uint32_t height, double scan_ms,
                 const struct hash_result *h, unsigned n);

#endif /* BENCH_REPORT_H */
