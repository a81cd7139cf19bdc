/*
 * fake_types.hpp — stand-in for the kernel basics the kext shell uses: IOKit scalar types and
 * return codes, OSObject with reference counting, the metaclass macros, IOLog/IOMalloc/IOLock and
 * mach time.  Same names and signatures as Kernel.framework (MacKernelSDK); kext-compile-check
 * compiles the same sources against the real headers, which keeps these honest.
 */
#ifndef FAKE_TYPES_HPP
#define FAKE_TYPES_HPP

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

typedef uint8_t  UInt8;
typedef uint16_t UInt16;
typedef uint32_t UInt32;
typedef uint64_t UInt64;   /* the same type as uint64_t, as in Kernel.framework */
typedef int32_t  SInt32;
typedef int      kern_return_t;
typedef kern_return_t IOReturn;
typedef UInt32   IOOptionBits;
typedef UInt32   IOItemCount;
typedef UInt64   IOByteCount;
typedef UInt64   IOPhysicalAddress;
typedef UInt64   IOPhysicalLength;
typedef uint64_t mach_vm_address_t;
typedef uint64_t mach_vm_size_t;
typedef uintptr_t vm_size_t;
typedef uintptr_t vm_offset_t;
typedef mach_vm_address_t IOVirtualAddress;
typedef uint64_t addr64_t;
typedef UInt64   AbsoluteTime;
typedef struct fake_task *task_t;
typedef UInt32   IODirection;

#define iokit_common_err(code) ((IOReturn)(0xe0000000u | (code)))
#define kIOReturnSuccess         0
#define kIOReturnError           iokit_common_err(0x2bc)
#define kIOReturnNoMemory        iokit_common_err(0x2bd)
#define kIOReturnNoResources     iokit_common_err(0x2be)
#define kIOReturnIPCError        iokit_common_err(0x2bf)
#define kIOReturnNoDevice        iokit_common_err(0x2c0)
#define kIOReturnBadArgument     iokit_common_err(0x2c2)
#define kIOReturnUnsupported     iokit_common_err(0x2c7)
#define kIOReturnInternalError   iokit_common_err(0x2c9)
#define kIOReturnIOError         iokit_common_err(0x2ca)
#define kIOReturnBusy            iokit_common_err(0x2d5)
#define kIOReturnTimeout         iokit_common_err(0x2d6)
#define kIOReturnNotReady        iokit_common_err(0x2d8)
#define kIOReturnNotAttached     iokit_common_err(0x2d9)
#define kIOReturnNoSpace         iokit_common_err(0x2db)
#define kIOReturnUnsupportedMode iokit_common_err(0x2e6)
#define kIOReturnAborted         iokit_common_err(0x2eb)
#define kIOReturnNotFound        iokit_common_err(0x2f0)

#define THREAD_AWAKENED  0
#define THREAD_TIMED_OUT 1
#define THREAD_UNINT     0

/* ---- OSObject: reference counted, zero-filled on allocation like kalloc'd kernel objects ---- */
class OSObject {
public:
    static void *operator new(size_t size);
    static void operator delete(void *p);
    OSObject();
    virtual ~OSObject();
    virtual bool init() { return true; }
    void retain() const { refs++; }
    void release() const;
    int  getRetainCount() const { return refs; }

protected:
    virtual void free();

private:
    mutable int refs;
};

#define OSDeclareDefaultStructors(cls) \
public:                                \
    cls() {}                           \
                                       \
private:
/* Each class registers its name as OSMetaClass does when its kext loads (see fake::loadClass);
 * FAKE_STR expands the argument first, so a name #defined to a longer one registers the long one. */
#define FAKE_STR2(x) #x
#define FAKE_STR(x)  FAKE_STR2(x)
#define FAKE_CAT2(a, b) a##b
#define FAKE_CAT(a, b)  FAKE_CAT2(a, b)
namespace fake { bool loadClass(const char *name); }
#define OSDefineMetaClassAndStructors(cls, superclass) \
    static const bool FAKE_CAT(fakeClassLoaded_, __LINE__) = fake::loadClass(FAKE_STR(cls));
#define OSTypeAlloc(type)         (new type)
#define OSDynamicCast(type, inst) (dynamic_cast<type *>(inst))
#define OSSafeReleaseNULL(inst) \
    do { if ((inst) != NULL) (inst)->release(); (inst) = NULL; } while (0)

/* A number in a property table (what the shell reads from its personality). */
class OSNumber : public OSObject {
public:
    static OSNumber *withNumber(unsigned long long v, unsigned int bits)
    {
        (void)bits;
        OSNumber *n = new OSNumber;
        n->value = v;
        return n;
    }
    virtual unsigned int unsigned32BitValue() const { return (unsigned int)value; }
    virtual unsigned long long unsigned64BitValue() const { return value; }
    unsigned long long value = 0;
};

/* kOSBooleanTrue/False are shared constants in the kernel: never freed. */
class OSBoolean : public OSObject {
public:
    explicit OSBoolean(bool v) : value(v) {}
    bool isTrue() const { return value; }
    bool value;
};
extern OSBoolean *const kOSBooleanTrue;
extern OSBoolean *const kOSBooleanFalse;

/* Bytes copied in (OSData::withBytes). */
class OSData : public OSObject {
public:
    static OSData *withBytes(const void *bytes, unsigned int length);
    const void *getBytesNoCopy() const { return bytes_; }
    unsigned int getLength() const { return length_; }

protected:
    void free() override;

private:
    void *bytes_ = NULL;
    unsigned int length_ = 0;
};

/* An array holding a reference on each element (OSArray::withObjects). */
class OSArray : public OSObject {
public:
    static OSArray *withObjects(const OSObject *objects[], unsigned int count, unsigned int capacity);
    unsigned int getCount() const { return count_; }
    OSObject *getObject(unsigned int index) const { return index < count_ ? items_[index] : NULL; }

protected:
    void free() override;

private:
    OSObject *items_[32];
    unsigned int count_ = 0;
};

/* A dictionary holding a reference on each value (OSDictionary.cpp setObject). */
class OSDictionary : public OSObject {
public:
    static OSDictionary *withCapacity(unsigned int capacity);
    virtual bool setObject(const char *key, const OSObject *object);
    virtual OSObject *getObject(const char *key) const;

protected:
    void free() override;

private:
    struct Entry { const char *key; OSObject *value; };
    Entry entries_[16];
    unsigned count_ = 0;
};

/* ---- IOLib ---- */
#define PAGE_SIZE        4096u
#define round_page_64(x) (((uint64_t)(x) + 4095u) & ~(uint64_t)4095u)
/* IOLib.h has a min(a, b) macro; a macro would break the C++ library the tests use. */
template <class T> static inline T min(T a, T b) { return a < b ? a : b; }
extern task_t kernel_task;
void  IOLog(const char *format, ...) __attribute__((format(printf, 1, 2)));
void *IOMalloc(size_t size);
void  IOFree(void *p, size_t size);
void  IOSleep(unsigned milliseconds);   /* the clock moves on; other "threads" run (fake::setSleepHook) */

typedef struct fake_lock IOLock;
typedef struct fake_lock IOSimpleLock;   /* a spinlock: never blocks, never sleeps */
IOSimpleLock *IOSimpleLockAlloc(void);
void          IOSimpleLockFree(IOSimpleLock *lock);
void          IOSimpleLockLock(IOSimpleLock *lock);
void          IOSimpleLockUnlock(IOSimpleLock *lock);
IOLock *IOLockAlloc(void);
void    IOLockFree(IOLock *lock);
void    IOLockLock(IOLock *lock);
void    IOLockUnlock(IOLock *lock);

/* ---- mach time: the fake clock counts nanoseconds ---- */
extern "C" {
uint64_t mach_absolute_time(void);
void absolutetime_to_nanoseconds(uint64_t abstime, uint64_t *result);
void nanoseconds_to_absolutetime(uint64_t nanoseconds, uint64_t *result);
}

#endif /* FAKE_TYPES_HPP */
