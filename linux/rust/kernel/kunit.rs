// SPDX-License-Identifier: GPL-2.0

//! KUnit, the kernel's unit testing framework, for Rust tests.
//!
//! C header: [`include/kunit/test.h`](../../../include/kunit/test.h)
//!
//! KUnit runs each test case in a thread of its own, and a case fails
//! either by marking itself failed and returning, or, as the C
//! `KUNIT_ASSERT_*()` macros do, by ending its thread. The documentation
//! examples of this crate are run as KUnit cases (see
//! `CONFIG_RUST_KERNEL_DOCTESTS`), and their assertions fail through
//! [`fail_and_abort`].
//!
//! The functions here are `#[inline]`: they are only compiled into the
//! test code that calls them, so this crate does not need KUnit to be
//! built in (or at all) unless such tests are.

use core::ffi::{c_char, c_void};
use core::fmt;
use core::ptr::addr_of_mut;

use crate::str::CStr;

/// The `printk()` format of the line saying where an assertion failed.
///
/// It is the one of the C `kunit_err()`: `KERN_ERR`, then the case's name,
/// indented as the case's own TAP lines.
const LOCATION_FMT: &CStr = crate::c_str!("\x013    # %s: ASSERTION FAILED at %s:%u\n");

/// The `printk()` format of the line explaining what failed.
const MESSAGE_FMT: &CStr = crate::c_str!("\x013    # %s: %pA\n");

/// The length of the `KERN_ERR` prefix of the formats, which the test's
/// own log does without.
const LEVEL_LEN: usize = 2;

/// Prints where an assertion failed, to the kernel log and to the test's
/// log.
///
/// `printk()` and `kunit_log_append()` are variadic, so each line has a
/// function of its own, which passes exactly the arguments its format
/// takes.
///
/// # Safety
///
/// `test` must be a valid test, whose name is set.
#[inline]
unsafe fn log_location(test: *mut bindings::kunit, file: &CStr, line: u32) {
    let fmt: *const c_char = LOCATION_FMT.as_char_ptr();
    // SAFETY: `test` is valid, by the safety requirements.
    let name: *const c_char = unsafe { (*test).name };
    // SAFETY: the format takes two C strings and an unsigned int: `name`,
    // set by KUnit, and `file` are NUL-terminated, and `line` is a `u32`.
    unsafe { bindings::printk(fmt, name, file.as_char_ptr(), line) };
    // SAFETY: `test` is valid; its `log` is a buffer of `KUNIT_LOG_SIZE`
    // bytes or NULL (when debugfs is not built), which
    // `kunit_log_append()` both take. The format starts with its level
    // prefix, so skipping it stays in bounds, and what follows it takes
    // the same arguments, which are valid as above.
    unsafe {
        bindings::kunit_log_append(
            (*test).log,
            fmt.add(LEVEL_LEN),
            name,
            file.as_char_ptr(),
            line,
        )
    };
}

/// Prints why an assertion failed, to the kernel log and to the test's
/// log.
///
/// # Safety
///
/// `test` must be a valid test, whose name is set.
#[inline]
unsafe fn log_message(test: *mut bindings::kunit, msg: &fmt::Arguments<'_>) {
    let fmt: *const c_char = MESSAGE_FMT.as_char_ptr();
    let msg: *const c_void = core::ptr::from_ref(msg).cast::<c_void>();
    // SAFETY: `test` is valid, by the safety requirements.
    let name: *const c_char = unsafe { (*test).name };
    // SAFETY: the format takes a C string and a `fmt::Arguments` (`%pA`):
    // `name`, set by KUnit, is NUL-terminated, and `msg` points to a
    // `fmt::Arguments` that outlives the call.
    unsafe { bindings::printk(fmt, name, msg) };
    // SAFETY: `test` is valid; its `log` is a buffer of `KUNIT_LOG_SIZE`
    // bytes or NULL (when debugfs is not built), which
    // `kunit_log_append()` both take. The format starts with its level
    // prefix, so skipping it stays in bounds, and what follows it takes
    // the same arguments, which are valid as above.
    unsafe { bindings::kunit_log_append((*test).log, fmt.add(LEVEL_LEN), name, msg) };
}

/// Fails the running KUnit test case, saying where and why, and ends it.
///
/// The report names `file` and `line`, the place in the source of the
/// failed check, followed by `msg`:
///
/// ```text
///     # rust_doctest_kernel_str_rs_42: ASSERTION FAILED at rust/kernel/str.rs:57
///     # rust_doctest_kernel_str_rs_42: assertion failed: s.is_empty()
/// ```
///
/// Like the C `KUNIT_ASSERT_*()` macros, this does not return: the case's
/// thread is ended, and KUnit goes on with the next case. Nothing on the
/// case's stack is dropped, so whatever it owns is leaked.
///
/// # Safety
///
/// `test` must be the test KUnit is running on the current thread (the
/// argument of the case's `run_case` function).
///
/// # Examples
///
/// A KUnit case checking a value; it is not run here, since it would fail
/// the running example:
///
/// ```no_run
/// use kernel::bindings;
/// use kernel::kunit::fail_and_abort;
///
/// /// Checks that the page size is a power of two.
/// ///
/// /// # Safety
/// ///
/// /// Only KUnit calls it, with the test it runs on this thread.
/// unsafe extern "C" fn page_size_test(test: *mut bindings::kunit) {
///     if !kernel::PAGE_SIZE.is_power_of_two() {
///         // SAFETY: KUnit runs the case on this thread, with `test`.
///         unsafe {
///             fail_and_abort(
///                 test,
///                 kernel::c_str!(file!()),
///                 line!(),
///                 format_args!("odd page size {}", kernel::PAGE_SIZE),
///             )
///         };
///     }
/// }
/// # let _ = page_size_test;
/// ```
#[inline]
pub unsafe fn fail_and_abort(
    test: *mut bindings::kunit,
    file: &CStr,
    line: u32,
    msg: fmt::Arguments<'_>,
) -> ! {
    // SAFETY: by the safety requirements, `test` is the running test,
    // whose name KUnit sets before running it.
    unsafe {
        log_location(test, file, line);
        log_message(test, &msg);
    }

    // SAFETY: `test` is valid; this is what `kunit_set_failure()` does,
    // which is not a function Rust can call.
    unsafe { addr_of_mut!((*test).success).write_volatile(false) };

    // SAFETY: `test` is the running test, so its `try_catch` is the one
    // its thread runs under; throwing ends this thread, and KUnit takes
    // over in its parent thread.
    unsafe { bindings::kunit_try_catch_throw(addr_of_mut!((*test).try_catch)) }
}
