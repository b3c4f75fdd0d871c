//! Layer 6, the guest: booting a built kernel in QEMU and reading what the
//! guest reports.

/// Runs a guest and judges its outcomes against its scenario.
pub mod boot;
/// The guest's initramfs.
pub mod initramfs;
/// The QEMU command line and monitor.
pub mod qemu;
/// The results file of a command.
pub mod results;
/// `tests/scenarios.toml`: what to boot and what to expect.
pub mod scenario;
