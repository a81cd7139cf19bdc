/* host_writes.h — which resources' guest memory a virgl command stream makes the host read or
 * write (not only its own copy): those bytes must be current on the side that looks next. */
#ifndef HOST_WRITES_H
#define HOST_WRITES_H

#include <stdint.h>

enum host_access { HOST_READS, HOST_WRITES };

/* Called per resource handle the stream makes the host read or write in guest memory.  Query
 * results land in every query buffer: handle 0 with HOST_WRITES means "all query buffers", since
 * the query object's resource is named elsewhere. */
typedef void (*host_access_fn)(void *arg, uint32_t handle, enum host_access how);
/* Walk `words` dwords of stream; a command running past the end stops the walk. */
void host_access_scan(const uint32_t *stream, uint32_t words, host_access_fn fn, void *arg);

#endif /* HOST_WRITES_H */
