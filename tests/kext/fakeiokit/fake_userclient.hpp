/*
 * fake_userclient.hpp — stand-in IOUserClient (the parts of IOKit/IOUserClient.h the shell uses,
 * same signatures) and the kernel's side of the user-space calls that reach one, as XNU's
 * IOUserClient.cpp does them: IOServiceOpen (newUserClient, 5 arguments), IOConnectCallMethod
 * (arguments inline up to 4096 bytes, else out of line as user-memory descriptors; dispatch-table
 * checks in IOUserClient::externalMethod), IOConnectMapMemory (clientMemoryForType, a mapping the
 * client keeps) and IOServiceClose (clientClose).  Who the caller is (uid, console session) is
 * modelled only as far as IOUserClient::clientHasPrivilege reads it.
 */
#ifndef FAKE_USERCLIENT_HPP
#define FAKE_USERCLIENT_HPP

#include <vector>

#include "fake_memory.hpp"
#include "fake_service.hpp"

typedef struct fake_port *mach_port_t;
typedef uint64_t io_user_reference_t;

enum { kIOUCVariableStructureSize = 0xffffffff };

#define kIOReturnNotPrivileged iokit_common_err(0x2c1)   /* IOReturn.h: privilege violation */

/* The public privilege names (xnu iokit/IOKit/IOUserClient.h:106-108 in 6153.11.26, 107-109 in
 * 10002.1.13).  "console" is private (IOKitKeysPrivate.h) and not declared here, as in the SDK. */
#define kIOClientPrivilegeAdministrator "root"
#define kIOClientPrivilegeLocalUser     "local"
#define kIOClientPrivilegeForeground    "foreground"

/* A process as clientHasPrivilege sees it: its security token's val[0], the effective uid
 * (xnu bsd/kern/kern_prot.c:2071 in 6153.11.26, :1680 in 10002.1.13; cr_uid is the euid). */
struct fake_task {
    uint32_t uid;
};

struct IOExternalMethodArguments {
    uint32_t              version;
    uint32_t              selector;
    mach_port_t           asyncWakePort;
    io_user_reference_t  *asyncReference;
    uint32_t              asyncReferenceCount;
    const uint64_t       *scalarInput;
    uint32_t              scalarInputCount;
    const void           *structureInput;
    uint32_t              structureInputSize;
    IOMemoryDescriptor   *structureInputDescriptor;
    uint64_t             *scalarOutput;
    uint32_t              scalarOutputCount;
    void                 *structureOutput;
    uint32_t              structureOutputSize;
    IOMemoryDescriptor   *structureOutputDescriptor;
    uint32_t              structureOutputDescriptorSize;
    uint32_t              __reservedA;
    OSObject            **structureVariableOutputData;
    uint32_t              __reserved[30];
};

typedef IOReturn (*IOExternalMethodAction)(OSObject *target, void *reference,
                                           IOExternalMethodArguments *arguments);
struct IOExternalMethodDispatch {
    IOExternalMethodAction function;
    uint32_t               checkScalarInputCount;
    uint32_t               checkStructureInputSize;
    uint32_t               checkScalarOutputCount;
    uint32_t               checkStructureOutputSize;
};

class IOUserClient : public IOService {
public:
    virtual bool initWithTask(task_t owningTask, void *securityToken, UInt32 type,
                              OSDictionary *properties);
    virtual bool initWithTask(task_t owningTask, void *securityToken, UInt32 type);
    virtual IOReturn clientClose(void);
    virtual IOReturn clientDied(void);
    virtual IOReturn clientMemoryForType(UInt32 type, IOOptionBits *options, IOMemoryDescriptor **memory);
    virtual IOReturn externalMethod(uint32_t selector, IOExternalMethodArguments *arguments,
                                    IOExternalMethodDispatch *dispatch = NULL,
                                    OSObject *target = NULL, void *reference = NULL);
    IOMemoryMap *removeMappingForDescriptor(IOMemoryDescriptor *memory);
    static IOReturn clientHasPrivilege(void *securityToken, const char *privilegeName);

    std::vector<IOMemoryMap *> fakeMappings;   /* XNU's `mappings` set */
    task_t fakeTask = NULL;

protected:
    void free() override;
};

/* ---- what user space does through IOKitLib, as the kernel receives it ---- */
namespace fake {

extern task_t userTask;   /* the calling process by default: a root process (uid 0) */

/* One entry of the registry root's IOConsoleUsers array (loginwindow keeps it): a login session's
 * uid and whether that session is the one on the console (fast user switching keeps others). */
struct ConsoleSession {
    uint32_t uid;
    bool     onConsole;
};
void setConsoleUsers(const std::vector<ConsoleSession> &sessions);   /* empty: nobody logged in */

/* IOServiceOpen from `task`: newUserClient with 5 arguments, the task as owner and security token
 * (is_io_service_open_extended); *out holds the connection's reference. */
IOReturn serviceOpen(IOService *service, UInt32 type, IOUserClient **out, task_t task = userTask);
/* IOServiceClose: clientClose, then the connection's reference goes. */
void serviceClose(IOUserClient *client);

/* IOConnectCallMethod.  Struct input/output above 4096 bytes travels out of line. */
struct MethodCall {
    std::vector<uint64_t> scalarsIn;
    std::vector<uint8_t>  structIn;
    uint32_t              scalarsOutCount = 0;
    size_t                structOutCapacity = 0;
    /* filled in */
    std::vector<uint64_t> scalarsOut;
    std::vector<uint8_t>  structOut;   /* as many bytes as the kernel said it wrote */
};
IOReturn callMethod(IOUserClient *client, uint32_t selector, MethodCall *call);

/* IOConnectMapMemory (into the calling task): the address, NULL on failure. */
void *mapMemory(IOUserClient *client, UInt32 type, IOByteCount *length, IOReturn *ret = NULL);
/* The client's mapping at `address`, or NULL if there is none (any more). */
IOMemoryMap *findMapping(IOUserClient *client, const void *address);

}  // namespace fake

#endif /* FAKE_USERCLIENT_HPP */
