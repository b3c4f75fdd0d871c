//! Layer 5, kernels: building a kernel from a tree with the project's
//! toolchain.

/// `Spec`, `Kernel`, kernel builds and out-of-tree modules.
pub mod build;
