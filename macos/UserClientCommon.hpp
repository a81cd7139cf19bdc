/*
 * UserClientCommon.hpp — what the kext's user clients (VirtioGPUUserClient, VirtioConsoleUserClient)
 * and their providers do alike: start a client for newUserClient, and dispatch a selector through
 * the client's own method table, one call at a time.
 */
#ifndef USER_CLIENT_COMMON_HPP
#define USER_CLIENT_COMMON_HPP

#include <IOKit/IOLocks.h>
#include <IOKit/IOUserClient.h>

/* A user client of class UC for `provider`, initialised, attached and started; NULL (with every
 * step undone) when one of them fails. */
template <class UC>
inline UC *startUserClient(IOService *provider, task_t owningTask, void *securityID, UInt32 type,
                           OSDictionary *properties)
{
    UC *uc = OSTypeAlloc(UC);
    if (uc && uc->initWithTask(owningTask, securityID, type, properties) && uc->attach(provider)) {
        if (uc->start(provider))
            return uc;
        uc->detach(provider);
    }
    OSSafeReleaseNULL(uc);
    return NULL;
}

/* The client's table only, whatever dispatch the caller passed (IOUserClient checks the argument
 * shapes against it); under `lock`, and only while *open (not closed or stopped). */
inline IOReturn dispatchLocked(IOUserClient *uc, IOLock *lock, const bool *open,
                               const IOExternalMethodDispatch *table, uint32_t count, uint32_t selector,
                               IOExternalMethodArguments *args)
{
    if (selector >= count)
        return kIOReturnBadArgument;
    IOLockLock(lock);
    IOReturn ret = kIOReturnNotAttached;
    if (*open)
        ret = uc->IOUserClient::externalMethod(
            selector, args, const_cast<IOExternalMethodDispatch *>(&table[selector]), uc, NULL);
    IOLockUnlock(lock);
    return ret;
}

#endif /* USER_CLIENT_COMMON_HPP */
