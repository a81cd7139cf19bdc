/* vtest_proto.h — the vtest wire protocol as Mesa 22.3's virgl winsys speaks it (protocol 2):
 * a header of two 32-bit words (length in dwords, command), then the arguments. */
#ifndef VTEST_PROTO_H
#define VTEST_PROTO_H

#define VTEST_VERSION_MAX            2u    /* shared-memory resources; Mesa 22.3 asks for no more */

#define VCMD_GET_CAPS                1u
#define VCMD_RESOURCE_CREATE         2u
#define VCMD_RESOURCE_UNREF          3u
#define VCMD_TRANSFER_GET            4u
#define VCMD_TRANSFER_PUT            5u
#define VCMD_SUBMIT_CMD              6u
#define VCMD_RESOURCE_BUSY_WAIT      7u
#define VCMD_CREATE_RENDERER         8u    /* its length counts bytes: the program's name */
#define VCMD_GET_CAPS2               9u
#define VCMD_PING_PROTOCOL_VERSION   10u
#define VCMD_PROTOCOL_VERSION        11u
#define VCMD_RESOURCE_CREATE2        12u
#define VCMD_TRANSFER_GET2           13u
#define VCMD_TRANSFER_PUT2           14u

#define VCMD_RES_CREATE2_WORDS       11u   /* handle target format bind w h d array last_level samples size */
#define VCMD_TRANSFER2_WORDS         10u   /* handle level x y z w h d data_size offset */
#define VCMD_BUSY_WAIT_WORDS         2u    /* handle flags */
#define VCMD_BUSY_WAIT_FLAG_WAIT     1u

#define VIRGL_CAPSET_V1              1u
#define VIRGL_CAPSET_V2              2u

#endif /* VTEST_PROTO_H */
