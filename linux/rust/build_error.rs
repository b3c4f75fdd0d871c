// SPDX-License-Identifier: GPL-2.0

//! Errors at build time for conditions the compiler must prove.
//!
//! [`build_error()`] is what `build_assert!` calls when its condition does
//! not hold. In a constant context the call is a compile error. Anywhere
//! else it is a call to an external function, which the optimiser removes
//! when it can prove the condition true; when it cannot, the call stays and
//! the kernel or module fails to link, since this crate's object is not
//! linked in.
//!
//! With `CONFIG_RUST_BUILD_ASSERT_ALLOW` the object is linked in, and a
//! failed assertion panics at run time instead.

#![no_std]

/// Fails the build (or, with `CONFIG_RUST_BUILD_ASSERT_ALLOW`, panics) with
/// the given message.
///
/// # Panics
///
/// Always, when it is reached at run time with
/// `CONFIG_RUST_BUILD_ASSERT_ALLOW`; otherwise a run-time call cannot link.
#[inline(never)]
#[cold]
#[export_name = "rust_build_error"]
#[track_caller]
pub const fn build_error(msg: &'static str) -> ! {
    panic!("{}", msg);
}
