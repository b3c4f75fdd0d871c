// SPDX-License-Identifier: GPL-2.0

//! The `kernel` crate.
//!
//! Everything Rust code in the kernel uses to talk to the rest of the
//! kernel: printing, errors, memory allocation, strings, modules and their
//! parameters. Each module wraps one C interface; the raw bindings stay in
//! the `bindings` crate and are not meant for drivers.
//!
//! Built-in and loadable Rust modules link against this crate; its symbols
//! are exported to modules by `rust/exports.c`.

#![no_std]
// `rustc_attrs` gives the allocator functions the names `alloc` expects
// (see allocator.rs); it is internal to the compiler.
#![allow(internal_features)]
#![feature(allocator_api)]
#![feature(rustc_attrs)]
#![feature(vec_push_within_capacity)]

mod allocator;
pub mod bits;
mod build_assert;
pub mod error;
pub mod file;
pub mod init;
pub mod kthread;
pub mod kunit;
pub mod miscdev;
pub mod module_param;
pub mod pinned;
pub mod prelude;
pub mod print;
mod static_assert;
pub mod str;
pub mod sync;
pub mod task;
pub mod types;
pub mod user_ptr;

#[doc(hidden)]
pub use bindings;
#[doc(hidden)]
pub use build_error::build_error;
pub use macros;

pub use crate::init::{Module, ThisModule};

/// Page size, in bytes.
///
/// # Examples
///
/// ```
/// use kernel::PAGE_SIZE;
///
/// assert!(PAGE_SIZE.is_power_of_two());
/// assert!(PAGE_SIZE >= 4096);
///
/// // Pages needed for a buffer, as C's `DIV_ROUND_UP(len, PAGE_SIZE)`.
/// let pages = |len: usize| len.div_ceil(PAGE_SIZE);
/// assert_eq!(pages(1), 1);
/// assert_eq!(pages(PAGE_SIZE + 1), 2);
/// ```
pub const PAGE_SIZE: usize = bindings::PAGE_SIZE;

/// Prefix of the messages printed by this crate itself.
#[doc(hidden)]
pub const __LOG_PREFIX: &[u8] = b"rust_kernel\0";

/// Reports a Rust panic and stops the current task, like a C `BUG()`.
#[cfg(not(test))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    pr_emerg!("{}\n", info);
    // SAFETY: `BUG()` may be called from any context.
    unsafe { bindings::BUG() }
}
