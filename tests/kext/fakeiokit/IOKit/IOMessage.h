/* IOMessage.h — the message types the shell sends (values as in Kernel.framework). */
#include "../fake_types.hpp"
#define kIOMessageServicePropertyChange ((UInt32)0xe0000130)
