/*
 * edid_dump.c — print what core/gpu/edid.c makes of an EDID file, one mode a line, for
 * check-with-edid-decode.sh:   "<w> <h> <refresh_mhz> <0|1 preferred>"
 * A first line "ok <nmodes>" or "error <status>" says whether the parse succeeded.
 */
#include <stdio.h>

#include "gpu/edid.h"

int main(int argc, char **argv)
{
    static uint8_t buf[VGPU_EDID_MAX_LEN + 1];
    struct vgpu_edid_info info;
    FILE *f;
    size_t len;
    int rc;

    if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: edid_dump FILE\n");
        return 2;
    }
    len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    rc = vgpu_edid_parse(buf, len, &info);
    if (rc != 0) {
        printf("error %d\n", rc);
        return 0;
    }
    printf("ok %u\n", (unsigned)info.nmodes);
    for (uint32_t i = 0; i < info.nmodes; i++)
        printf("%u %u %u %d\n", (unsigned)info.modes[i].width, (unsigned)info.modes[i].height,
               (unsigned)info.modes[i].refresh_mhz, info.modes[i].preferred);
    return 0;
}
