/*
 * bench.c — `make bench`: cost of the refresh engine per frame against memcmp/memcpy of the same
 * frame, the tile-size candidates, idle cost, and the hash alternative.  Prints tables and writes
 * out/bench.json (see bench/README.md for how to read them).
 *
 *   bench [--json PATH] [--rounds N] [--only pipeline|engine|tiles|idle|hash]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "damage_api.h"
#include "engine.h"
#include "hash.h"
#include "json.h"
#include "pipeline.h"
#include "refresh/refresh.h"
#include "report.h"

struct size { uint32_t w, h; };

static const struct size frame_sizes[] = { { 1920, 1080 }, { 3840, 2160 } };
#define NUM_SIZES (sizeof(frame_sizes) / sizeof(frame_sizes[0]))

/* Tile candidates; 100000 wide means full-row bands. */
static const struct size tile_sizes[] = {
    { 16, 16 }, { 32, 32 }, { 64, 16 }, { 64, 64 }, { 128, 32 }, { 128, 128 }, { 256, 16 },
    { 100000, 16 }, { 100000, 64 },
};
#define NUM_TILES (sizeof(tile_sizes) / sizeof(tile_sizes[0]))

static void engine_section(struct json *j, unsigned rounds)
{
    const struct damage_api *builds[] = { &damage_default, &damage_scalar };

    json_array(j, "engine");
    for (size_t b = 0; b < 2; b++)
        for (size_t s = 0; s < NUM_SIZES; s++) {
            struct frame_result r;
            char what[96];
            engine_measure(builds[b], frame_sizes[s].w, frame_sizes[s].h, VGPU_DAMAGE_TILE_W,
                           VGPU_DAMAGE_TILE_H, rounds, &r);
            snprintf(what, sizeof(what), "Damage engine alone (scan+merge), %s build",
                     builds[b]->build);
            report_frame(j, what, &r);
        }
    json_close(j);
}

static void pipeline_section(struct json *j, unsigned rounds)
{
    json_array(j, "pipeline");
    for (size_t s = 0; s < NUM_SIZES; s++) {
        struct frame_result r;
        pipeline_measure(frame_sizes[s].w, frame_sizes[s].h, rounds, &r);
        report_frame(j, "Driver per frame: vgpu_refresh_tick (scan + merge + core submit, sim device)", &r);
    }
    json_close(j);
}

static void tile_section(struct json *j, unsigned rounds)
{
    struct frame_result r[NUM_TILES];

    for (size_t t = 0; t < NUM_TILES; t++)
        engine_measure(&damage_default, 1920, 1080, tile_sizes[t].w, tile_sizes[t].h, rounds, &r[t]);
    report_tiles(j, r, NUM_TILES);
}

static void idle_section(struct json *j, unsigned rounds)
{
    struct idle_result r[NUM_SIZES];

    for (size_t s = 0; s < NUM_SIZES; s++)
        engine_idle(&damage_scalar, frame_sizes[s].w, frame_sizes[s].h, rounds / 2, &r[s]);
    report_idle(j, r, NUM_SIZES);
}

static void hash_section(struct json *j, unsigned rounds)
{
    json_array(j, "hash");
    for (size_t s = 0; s < NUM_SIZES; s++) {
        struct hash_result h[2];
        struct frame_result cmp;
        unsigned n = hash_measure(frame_sizes[s].w, frame_sizes[s].h, rounds, h, 2);
        engine_measure(&damage_default, frame_sizes[s].w, frame_sizes[s].h, VGPU_DAMAGE_TILE_W,
                       VGPU_DAMAGE_TILE_H, rounds, &cmp);
        report_hash(j, frame_sizes[s].w, frame_sizes[s].h, cmp.cases[SCENE_NONE].ms, h, n);
    }
    json_close(j);
}

static const struct {
    const char *name;
    void (*run)(struct json *j, unsigned rounds);
} sections[] = {
    { "pipeline", pipeline_section }, { "engine", engine_section }, { "tiles", tile_section },
    { "idle", idle_section }, { "hash", hash_section },
};
#define NUM_SECTIONS (sizeof(sections) / sizeof(sections[0]))

int main(int argc, char **argv)
{
    const char *json_path = "out/bench.json", *only = NULL;
    unsigned rounds = 40;
    struct json j;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
            json_path = argv[++i];
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--json PATH] [--rounds N] [--only SECTION]\n", argv[0]);
            return 2;
        }
    }
    FILE *f = fopen(json_path, "w");
    if (f == NULL) {
        perror(json_path);
        return 1;
    }
    json_begin(&j, f);
    json_int(&j, "rounds", rounds);
    json_str(&j, "compiler", __VERSION__);
    printf("virtio-gpu refresh benchmark: best of %u rounds, CLOCK_MONOTONIC\n", rounds);
    for (size_t i = 0; i < NUM_SECTIONS; i++)
        if (only == NULL || strcmp(only, sections[i].name) == 0)
            sections[i].run(&j, rounds);
    json_end(&j);
    fclose(f);
    printf("\nwrote %s\n", json_path);
    return 0;
}
