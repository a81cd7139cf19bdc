/* The kext's kmod_info record (what Xcode generates as <product>_info.c via KMOD_EXPLICIT_DECL).
 * The kernel reads the bundle id and version from it and enters the kext through libkmod's
 * _start/_stop, which run the C++ constructors/destructors and then _realmain/_antimain.
 * Build with -DKMOD_BUNDLE_ID='"id"' -DKMOD_VERSION='"x.y.z"'. */
#include <mach/mach_types.h>
#include <mach/kmod.h>

#if !defined(KMOD_BUNDLE_ID) || !defined(KMOD_VERSION)
#error "define KMOD_BUNDLE_ID and KMOD_VERSION as string literals"
#endif

/* The kernel copies these into fixed 64-byte fields; a longer string would be cut silently. */
_Static_assert(sizeof(KMOD_BUNDLE_ID) <= KMOD_MAX_NAME, "bundle id longer than KMOD_MAX_NAME");
_Static_assert(sizeof(KMOD_VERSION) <= KMOD_MAX_NAME, "version longer than KMOD_MAX_NAME");

extern kern_return_t _start(kmod_info_t *info, void *data);
extern kern_return_t _stop(kmod_info_t *info, void *data);

/* Spelled out rather than through KMOD_EXPLICIT_DECL, which stringifies its name argument and
 * so cannot take the bundle id from a macro. */
__attribute__((visibility("default"))) kmod_info_t kmod_info = {
    .next = 0,
    .info_version = KMOD_INFO_VERSION,
    .id = -1U,
    .name = KMOD_BUNDLE_ID,
    .version = KMOD_VERSION,
    .reference_count = -1,
    .reference_list = 0,
    .address = 0,
    .size = 0,
    .hdr_size = 0,
    .start = _start,
    .stop = _stop,
};

/* An IOKit-only kext has no C entry points: null tells libkmod to skip them. */
__private_extern__ kmod_start_func_t *_realmain = 0;
__private_extern__ kmod_stop_func_t *_antimain = 0;
