/*
 * test_dma.cpp — DmaBlock (macos/DmaBlock.cpp) against an IOMMU that hands out a contiguous
 * mapping as several segments that end where the next begins: they are merged, so a block the
 * core needs as one segment still works; and segments with gaps are never merged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

extern "C" {
#include <cmocka.h>
}

#include "rig.hpp"

static const size_t kPage = 4096;

static int setup(void **state)
{
    fake::setDmaChunksAdjacent(false);
    return rigTestSetup(state);
}

static int teardown(void **state)
{
    fake::setDmaChunksAdjacent(false);
    return rigTestTeardown(state);
}

/* Every segment reaches the block's own bytes, in order: the device sees what the CPU wrote. */
static void assertSegmentsCover(const DmaBlock *b)
{
    const uint8_t *cpu = static_cast<const uint8_t *>(b->mem->getBytesNoCopy());
    uint64_t off = 0;
    for (uint32_t i = 0; i < b->nsegs; i++) {
        assert_ptr_equal(fake::dmaMap(NULL, b->segs[i].addr, b->segs[i].len), cpu + off);
        off += b->segs[i].len;
    }
    assert_int_equal(off, b->size);
}

static void adjacent_segments_merge_and_separate_ones_do_not(void **state)
{
    (void)state;
    DmaBlock b;
    fake::setDmaChunkPages(1);
    fake::setDmaChunksAdjacent(true);
    /* 16 one-page segments back to back: one segment, so the core's one-segment block fits. */
    assert_int_equal(dmaBlockAlloc(16 * kPage, 1, &b), kIOReturnSuccess);
    assert_int_equal(b.nsegs, 1);
    assertSegmentsCover(&b);
    dmaBlockFree(&b);
    assert_int_equal(dmaBlockAllocShared(16 * kPage - 100, &b), kIOReturnSuccess);
    assert_int_equal(b.nsegs, 1);
    assertSegmentsCover(&b);
    dmaBlockFree(&b);
    /* The same blocks through an IOMMU that leaves gaps: one segment per page, none merged. */
    fake::setDmaChunksAdjacent(false);
    assert_int_equal(dmaBlockAlloc(16 * kPage, 1, &b), kIOReturnNoResources);
    assert_int_equal(dmaBlockAllocShared(16 * kPage, &b), kIOReturnSuccess);
    assert_int_equal(b.nsegs, 16);
    assertSegmentsCover(&b);
    dmaBlockFree(&b);
}

/* The whole driver on an IOMMU that splits every mapping into pages back to back: the core's
 * rings and commands are one segment each again, the display works. */
static void the_device_runs_on_page_sized_adjacent_segments(void **state)
{
    Rig *r = static_cast<Rig *>(*state);
    fake::setDmaChunkPages(1);
    fake::setDmaChunksAdjacent(true);
    r->cfg.display[0] = (struct sim_display){ 1024, 768, true };
    assert_true(rigBoot(r));
    assert_int_equal(rigFbCount(r), 1);
}

int runDmaTests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(adjacent_segments_merge_and_separate_ones_do_not, setup, teardown),
        cmocka_unit_test_setup_teardown(the_device_runs_on_page_sized_adjacent_segments, setup, teardown),
    };
    return cmocka_run_group_tests_name("kext DMA segments", tests, NULL, NULL);
}
