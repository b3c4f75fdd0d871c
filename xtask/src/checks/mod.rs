//! Layer 7, the checks: what a scenario is judged on besides what its guest
//! reports, and the runner that boots a scenario and runs its checks.

/// Code that must not compile, built against a kernel.
pub mod compile_fail;
/// `make rustfmtcheck`, rustdoc, clippy, decode_stacktrace.sh and the
/// hardening of Rust objects.
pub mod devtargets;
/// The kernel crate's documentation examples as KUnit tests.
pub mod doctests;
/// A `CONFIG_RUST=n` kernel of the series against pristine 5.10.223.
pub mod equivalence;
/// The checks a scenario can declare.
pub mod registry;
/// Boots a scenario and runs its checks.
pub mod runner;
/// `make LLVM=1 rustavailable` against broken toolchains.
pub mod rustavailable;
