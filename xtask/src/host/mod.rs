//! Layer 2, the host: what is installed on this machine and how the kernel
//! build finds it. `packages` installs and fetches (called by `commands`
//! only); `toolchain` looks things up and never installs.

/// Debian packages, bindgen-cli and the downloads (tarball, busybox, the
/// oldest supported rustc).
pub mod packages;
/// The one toolchain environment of every `make`, and tool lookups.
pub mod toolchain;
