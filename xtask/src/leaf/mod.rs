//! Layer 1, the leaves: helpers that know nothing of how the project is laid
//! out beyond the paths in `Ctx`. They run programs, parse text formats and
//! hold plain data; they import nothing from the layers above.
//!
//! The layers, lowest first: `leaf`, `host` (what is installed on the
//! machine), `source` (the base and the series applied to it), `tree`
//! (build/tree and the exported series), `kernel` (kernel builds), `guest`
//! (booting a kernel in QEMU), `checks` (what a scenario is judged on) and
//! `commands` (one module per `cargo xtask` command). A module uses only the
//! layers below its own, and modules of one layer use each other without
//! cycles; the test in `layers.rs` holds every module to that.

/// Which architecture and which rustc a kernel is for.
pub mod arch;
/// The guest's console protocol and KUnit's TAP output.
pub mod console;
/// The cpio archives an initramfs is made of.
pub mod cpio;
/// Where the repository, build directory and cache are.
pub mod ctx;
/// Kconfig fragments and `.config` files.
pub mod kconfig;
/// Which kernel messages are trouble.
pub mod klog;
/// `series.toml`, the series manifest.
pub mod manifest;
/// The result of one check: passed, failed or skipped.
pub mod outcome;
/// Running programs and logging them.
pub mod process;
