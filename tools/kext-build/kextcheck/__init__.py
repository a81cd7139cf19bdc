"""Checks a kext bundle built on Linux against what macOS 10.15's kernel will accept."""
