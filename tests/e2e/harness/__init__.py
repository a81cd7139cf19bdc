"""Host-side harness for the QEMU end-to-end tests: QEMU + QMP + serial guest protocol + VNC."""
