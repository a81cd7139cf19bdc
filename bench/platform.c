/*
 * platform.c — one host and one unopened device serve every allocation the engine makes.
 */
#include "platform.h"

#include <stdlib.h>

#include "host_os.h"

void *bench_os(void)
{
    static struct host_dev *dev;

    if (dev == NULL) {
        struct sim_config cfg;
        sim_default_config(&cfg);
        dev = host_dev_new(host_new(), &cfg);
        if (dev == NULL)
            abort();
    }
    return dev;
}
