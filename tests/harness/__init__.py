"""Host-side harness of the QEMU suites (e2e, e2e3d, clipboard), the benchmarks and the demo: QEMU +
QMP + serial guest protocol + VNC, the guest's 3D commands (gl3d), the two GL lanes (lanes)."""
