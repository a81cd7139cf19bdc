/* host_writes.h — which resources a virgl command stream makes the host write into their guest
 * memory (not only into its own copy): the program must see those bytes before it reads them. */
#ifndef HOST_WRITES_H
#define HOST_WRITES_H

#include <stdint.h>

/* Called for each resource handle the host writes; query results land in every query buffer
 * (handle 0: "all query buffers"), since the query object's resource is named elsewhere. */
typedef void (*host_write_fn)(void *arg, uint32_t handle);
/* Walk `words` dwords of stream; a command running past the end stops the walk. */
void host_writes_scan(const uint32_t *stream, uint32_t words, host_write_fn fn, void *arg);

#endif /* HOST_WRITES_H */
