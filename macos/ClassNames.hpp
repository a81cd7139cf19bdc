/*
 * ClassNames.hpp — the kext's C++ class names, reverse-DNS as Apple asks of third-party kexts.
 *
 * OSMetaClass keeps one global table of class names: a second loaded class with a name already
 * taken is refused and its kext fails to load (xnu libkern/c++/OSMetaClass.cpp, "duplicate class"
 * in OSMetaClass::postModLoad).  Another OSX-KVM project ships a virtio-gpu.kext too, so every
 * class gets the bundle's prefix; the sources keep the short names through these macros, and
 * Info.plist names the long ones (tests/kext/check_plist.py checks that they agree).
 */
#ifndef VIRTIO_CLASS_NAMES_HPP
#define VIRTIO_CLASS_NAMES_HPP

#define VirtioGPUDevice         com_osxkvm_driver_VirtioGPUDevice
#define VirtioGPUFramebuffer    com_osxkvm_driver_VirtioGPUFramebuffer
#define VirtioGPUUserClient     com_osxkvm_driver_VirtioGPUUserClient
#define VirtioConsoleDevice     com_osxkvm_driver_VirtioConsoleDevice
#define VirtioConsoleUserClient com_osxkvm_driver_VirtioConsoleUserClient
#define VirtioTransportClaim    com_osxkvm_driver_VirtioTransportClaim

#endif /* VIRTIO_CLASS_NAMES_HPP */
