/*
 * fake_userclient.cpp — IOUserClient of the stand-in kernel, and the kernel side of IOKitLib's
 * calls into a user client (XNU iokit/Kernel/IOUserClient.cpp is the model for the checks).
 */
#include <algorithm>

#include "fake_world.hpp"

/* ---- IOUserClient ---- */

bool IOUserClient::initWithTask(task_t owningTask, void *securityToken, UInt32 type,
                                OSDictionary *properties)
{
    (void)securityToken;
    (void)type;
    fakeTask = owningTask;
    return IOService::init(properties);
}

bool IOUserClient::initWithTask(task_t owningTask, void *securityToken, UInt32 type)
{
    return initWithTask(owningTask, securityToken, type, NULL);
}

IOReturn IOUserClient::clientClose(void) { return kIOReturnUnsupported; }
IOReturn IOUserClient::clientDied(void) { return clientClose(); }

IOReturn IOUserClient::clientMemoryForType(UInt32, IOOptionBits *, IOMemoryDescriptor **)
{
    return kIOReturnUnsupported;
}

/* With a dispatch entry: the counts and sizes must match exactly unless marked variable; a struct
 * that came out of line is measured by its descriptor. */
static bool sizeMatches(uint32_t check, uint64_t actual)
{
    return check == (uint32_t)kIOUCVariableStructureSize || check == actual;
}

IOReturn IOUserClient::externalMethod(uint32_t selector, IOExternalMethodArguments *args,
                                      IOExternalMethodDispatch *dispatch, OSObject *target,
                                      void *reference)
{
    (void)selector;
    if (!dispatch)
        return kIOReturnUnsupported;   /* no old-style method table here */
    uint64_t in = args->structureInputDescriptor ? args->structureInputDescriptor->getLength()
                                                 : args->structureInputSize;
    uint64_t out = args->structureOutputDescriptor ? args->structureOutputDescriptor->getLength()
                                                   : args->structureOutputSize;
    if (!sizeMatches(dispatch->checkScalarInputCount, args->scalarInputCount) ||
        !sizeMatches(dispatch->checkStructureInputSize, in) ||
        !sizeMatches(dispatch->checkScalarOutputCount, args->scalarOutputCount) ||
        !sizeMatches(dispatch->checkStructureOutputSize, out))
        return kIOReturnBadArgument;
    return dispatch->function ? dispatch->function(target, reference, args) : kIOReturnUnsupported;
}

/* The first mapping of `memory`, taken out of the set: the caller gets the set's reference. */
IOMemoryMap *IOUserClient::removeMappingForDescriptor(IOMemoryDescriptor *memory)
{
    for (auto it = fakeMappings.begin(); it != fakeMappings.end(); ++it) {
        if ((*it)->getMemoryDescriptor() == memory) {
            IOMemoryMap *map = *it;
            fakeMappings.erase(it);
            return map;
        }
    }
    return NULL;
}

void IOUserClient::free()
{
    for (IOMemoryMap *map : fakeMappings)
        map->release();
    fakeMappings.clear();
    IOService::free();
}

/* ---- who the caller is ---- */
namespace fake {

static struct fake_task rootProcess = { 0 };
task_t userTask = &rootProcess;
static std::vector<ConsoleSession> consoleUsers;

void setConsoleUsers(const std::vector<ConsoleSession> &sessions) { consoleUsers = sessions; }

/* xnu's CopyConsoleUser: the first IOConsoleUsers entry whose session uid is `uid`. */
static const ConsoleSession *consoleUser(uint32_t uid)
{
    for (const ConsoleSession &s : consoleUsers)
        if (s.uid == uid)
            return &s;
    return NULL;
}

}  // namespace fake

/*
 * As xnu's IOUserClient::clientHasPrivilege (iokit/Kernel/IOUserClient.cpp:1291-1384 in
 * 6153.11.26, 1390-1483 in 10002.1.13; CopyConsoleUser at 1225-1247 / 1324-1346): the token is
 * the task; task_info(TASK_SECURITY_TOKEN) fails for no task; "root" wants uid 0; "local" wants
 * the uid to have a login session; "console" wants that session to be the one on the console
 * (OnConsole true); other names are unsupported.  "foreground", "consolesession" and
 * "secureprocess" look at things not modelled here, so a call with them is a test-rig violation.
 */
IOReturn IOUserClient::clientHasPrivilege(void *securityToken, const char *privilegeName)
{
    static const kern_return_t kKernInvalidArgument = 4;   /* task_info(TASK_NULL) */
    const struct fake_task *task = static_cast<const struct fake_task *>(securityToken);
    if (!strcmp(privilegeName, kIOClientPrivilegeForeground) || !strcmp(privilegeName, "consolesession") ||
        !strcmp(privilegeName, "secureprocess")) {
        fake::violation("clientHasPrivilege: a privilege the stand-in does not model");
        return kIOReturnUnsupported;
    }
    if (!task)
        return kKernInvalidArgument;
    const fake::ConsoleSession *user = fake::consoleUser(task->uid);
    if (!strcmp(privilegeName, kIOClientPrivilegeAdministrator))
        return task->uid == 0 ? kIOReturnSuccess : kIOReturnNotPrivileged;
    if (!strcmp(privilegeName, kIOClientPrivilegeLocalUser))
        return user ? kIOReturnSuccess : kIOReturnNotPrivileged;
    if (!strcmp(privilegeName, "console"))
        return user && user->onConsole ? kIOReturnSuccess : kIOReturnNotPrivileged;
    return kIOReturnUnsupported;
}

/* ---- IOKitLib, as the kernel sees it ---- */
namespace fake {

static const size_t kInband = 4096;   /* sizeof(io_struct_inband_t) */
static const size_t kMaxScalars = 16;

IOReturn serviceOpen(IOService *service, UInt32 type, IOUserClient **out, task_t task)
{
    *out = NULL;
    return service->newUserClient(task, task, type, NULL, out);
}

void serviceClose(IOUserClient *client)
{
    client->clientClose();
    client->release();
}

/* An out-of-line buffer: a descriptor on the caller's memory, not prepared. */
static IOMemoryDescriptor *userRange(void *bytes, size_t len, IOOptionBits direction)
{
    return IOMemoryDescriptor::withAddressRange((mach_vm_address_t)(uintptr_t)bytes, len, direction,
                                                userTask);
}

/* What the kernel reports back: never more than the caller's buffer holds. */
static void takeOutput(IOExternalMethodArguments *args, const uint8_t *inband,
                       const std::vector<uint8_t> &ool, MethodCall *call)
{
    call->scalarsOut.assign(args->scalarOutput, args->scalarOutput + args->scalarOutputCount);
    size_t n = args->structureOutputDescriptor ? args->structureOutputDescriptorSize : args->structureOutputSize;
    if (n > call->structOutCapacity) {
        violation("a method reported more output than the caller's buffer holds");
        n = call->structOutCapacity;
    }
    const uint8_t *src = args->structureOutputDescriptor ? ool.data() : inband;
    call->structOut.assign(src, src + n);
}

IOReturn callMethod(IOUserClient *client, uint32_t selector, MethodCall *call)
{
    if (call->scalarsIn.size() > kMaxScalars || call->scalarsOutCount > kMaxScalars)
        return kIOReturnIPCError;   /* MIG refuses the message */
    uint64_t scalarOut[kMaxScalars] = { 0 };
    uint8_t inband[kInband];
    memset(inband, 0xCC, sizeof(inband));   /* the reply buffer is not zeroed either */
    std::vector<uint8_t> ool(call->structOutCapacity > kInband ? call->structOutCapacity : 0, 0xCC);
    IOExternalMethodArguments args;
    memset(&args, 0, sizeof(args));
    args.version = 2;
    args.selector = selector;
    args.scalarInput = call->scalarsIn.data();
    args.scalarInputCount = (uint32_t)call->scalarsIn.size();
    bool inlineIn = call->structIn.size() <= kInband;
    args.structureInput = inlineIn ? call->structIn.data() : NULL;
    args.structureInputSize = inlineIn ? (uint32_t)call->structIn.size() : 0;
    args.structureInputDescriptor = inlineIn ? NULL : userRange(call->structIn.data(), call->structIn.size(), kIODirectionOut);
    args.scalarOutput = scalarOut;
    args.scalarOutputCount = call->scalarsOutCount;
    bool inlineOut = call->structOutCapacity <= kInband;
    args.structureOutput = inband;
    args.structureOutputSize = inlineOut ? (uint32_t)call->structOutCapacity : 0;
    args.structureOutputDescriptor = inlineOut ? NULL : userRange(ool.data(), ool.size(), kIODirectionIn);
    args.structureOutputDescriptorSize = inlineOut ? 0 : (uint32_t)ool.size();
    IOReturn ret = client->externalMethod(selector, &args);
    call->scalarsOut.clear();
    call->structOut.clear();
    if (ret == kIOReturnSuccess)
        takeOutput(&args, inband, ool, call);
    OSSafeReleaseNULL(args.structureInputDescriptor);
    OSSafeReleaseNULL(args.structureOutputDescriptor);
    return ret;
}

/* The map goes into the client's set (the caller is the owning task), as XNU keeps it. */
void *mapMemory(IOUserClient *client, UInt32 type, IOByteCount *length, IOReturn *ret)
{
    IOOptionBits options = 0;
    IOMemoryDescriptor *memory = NULL;
    IOReturn r = client->clientMemoryForType(type, &options, &memory);
    if (r == kIOReturnSuccess && !memory)
        r = kIOReturnBadArgument;
    if (ret)
        *ret = r;
    if (r != kIOReturnSuccess)
        return NULL;
    IOMemoryMap *map = IOMemoryMap::fakeInTask(memory);
    memory->release();
    client->fakeMappings.push_back(map);
    if (length)
        *length = map->getLength();
    return reinterpret_cast<void *>(map->getVirtualAddress());
}

IOMemoryMap *findMapping(IOUserClient *client, const void *address)
{
    for (IOMemoryMap *map : client->fakeMappings)
        if (map->fakeMapped() && map->getVirtualAddress() == (IOVirtualAddress)(uintptr_t)address)
            return map;
    return NULL;
}

}  // namespace fake
