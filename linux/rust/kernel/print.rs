// SPDX-License-Identifier: GPL-2.0

//! Printing to the kernel log.
//!
//! C header: [`include/linux/printk.h`](../../../include/linux/printk.h)
//!
//! The `pr_*!` macros take Rust format strings. The formatting is done by
//! the `%pA` extension of `printk()` (see
//! `Documentation/core-api/printk-formats.rst`), which calls back into
//! `rust_fmt_argument()` to write the output straight into printk's buffer.

use core::ffi::{c_char, c_void};
use core::fmt;

use crate::str::RawFormatter;

/// Formats a `core::fmt::Arguments` for `%pA`; called by `vsprintf()`.
///
/// # Safety
///
/// `buf` and `end` must delimit a writable buffer (`end` may be below
/// `buf`, as `vsnprintf()` allows), and `ptr` must point to a valid
/// `fmt::Arguments`.
#[no_mangle]
unsafe extern "C" fn rust_fmt_argument(
    buf: *mut c_char,
    end: *mut c_char,
    ptr: *const c_void,
) -> *mut c_char {
    use fmt::Write;
    // SAFETY: the caller guarantees that `buf..end` may be written.
    let mut w = unsafe { RawFormatter::from_ptrs(buf.cast(), end.cast()) };
    // SAFETY: the caller guarantees that `ptr` points to a `fmt::Arguments`.
    let args = unsafe { &*ptr.cast::<fmt::Arguments<'_>>() };
    // `RawFormatter` never fails; it counts what does not fit.
    let _ = w.write_fmt(*args);
    w.pos().cast()
}

/// The `printk()` format strings used by the macros, one per level, plus
/// continuation.
///
/// Each prints the module name and a `fmt::Arguments` (`%pA`).
#[doc(hidden)]
pub mod format_strings {
    /// The length of the format strings, including the level prefix and the
    /// terminating NUL.
    pub const LENGTH: usize = 10;

    /// Builds the format string for a level (`KERN_*`, without its
    /// `KERN_SOH` byte).
    const fn generate(is_cont: bool, level: &[u8; 2]) -> [u8; LENGTH] {
        // `KERN_SOH` is "\001"; the level is "0".."7", or "c" for
        // continuation.
        let mut s = [0u8; LENGTH];
        s[0] = 1;
        s[1] = level[0];
        let rest: &[u8] = if is_cont { b"%pA\0" } else { b"%s: %pA\0" };
        let mut i = 0;
        while i < rest.len() {
            s[2 + i] = rest[i];
            i += 1;
        }
        s
    }

    /// `KERN_EMERG` format string.
    pub static EMERG: [u8; LENGTH] = generate(false, b"0\0");
    /// `KERN_ALERT` format string.
    pub static ALERT: [u8; LENGTH] = generate(false, b"1\0");
    /// `KERN_CRIT` format string.
    pub static CRIT: [u8; LENGTH] = generate(false, b"2\0");
    /// `KERN_ERR` format string.
    pub static ERR: [u8; LENGTH] = generate(false, b"3\0");
    /// `KERN_WARNING` format string.
    pub static WARNING: [u8; LENGTH] = generate(false, b"4\0");
    /// `KERN_NOTICE` format string.
    pub static NOTICE: [u8; LENGTH] = generate(false, b"5\0");
    /// `KERN_INFO` format string.
    pub static INFO: [u8; LENGTH] = generate(false, b"6\0");
    /// `KERN_DEBUG` format string.
    pub static DEBUG: [u8; LENGTH] = generate(false, b"7\0");
    /// `KERN_CONT` format string.
    pub static CONT: [u8; LENGTH] = generate(true, b"c\0");
}

/// Prints a message with `printk()`; used by the `pr_*!` macros.
///
/// # Safety
///
/// `format_string` must be one of [`format_strings`], and `module_name`
/// must be NUL-terminated.
#[doc(hidden)]
pub unsafe fn call_printk(
    format_string: &[u8; format_strings::LENGTH],
    module_name: &[u8],
    args: fmt::Arguments<'_>,
) {
    // SAFETY: the format string takes a C string and a `fmt::Arguments`
    // pointer (`%s: %pA`), which are what is passed, or only the latter
    // (`%pA`) for continuations, in which case the extra argument is
    // ignored by `printk()`, as for any variadic function.
    unsafe {
        bindings::printk(
            format_string.as_ptr().cast::<c_char>(),
            module_name.as_ptr().cast::<c_char>(),
            core::ptr::from_ref(&args).cast::<c_void>(),
        );
    }
}

/// Prints a continuation of the previous message; used by [`pr_cont!`].
///
/// [`pr_cont!`]: crate::pr_cont!
#[doc(hidden)]
pub fn call_printk_cont(args: fmt::Arguments<'_>) {
    // SAFETY: `CONT` takes one `fmt::Arguments` pointer (`%pA`), which is
    // what is passed.
    unsafe {
        bindings::printk(
            format_strings::CONT.as_ptr().cast::<c_char>(),
            core::ptr::from_ref(&args).cast::<c_void>(),
        );
    }
}

/// Prints at a level; the common part of the `pr_*!` macros.
///
/// `$level` names one of [`format_strings`], and the rest are the
/// arguments of [`core::format_args!`]. These are evaluated in a `match`
/// outside the `unsafe` block, so that the caller's code gets no
/// permission to do anything unsafe; the `match` also keeps the
/// temporaries of `format_args!` alive until `printk()` has returned.
///
/// The prefix is the one of the crate using the macro, defined by its
/// `module!`, hence `crate` rather than `$crate`.
#[doc(hidden)]
#[macro_export]
#[allow(clippy::crate_in_macro_def)]
macro_rules! print_macro (
    ($level:ident, $($arg:tt)+) => (
        match ::core::format_args!($($arg)+) {
            args => {
                let format_string: &'static [u8; $crate::print::format_strings::LENGTH] =
                    &$crate::print::format_strings::$level;
                // SAFETY: `format_string` is an item of `format_strings`
                // (the only module `$level` is looked up in) of type
                // `[u8; LENGTH]`, and the only such items are the format
                // strings; `__LOG_PREFIX`, defined by `module!`, is
                // NUL-terminated.
                unsafe { $crate::print::call_printk(format_string, crate::__LOG_PREFIX, args) };
            }
        }
    );
);

/// Prints an emergency-level message (level 0), like C's `pr_emerg()`.
///
/// Use when the system is unusable. The message is prefixed by the module
/// name; the arguments are those of [`core::format_args!`].
///
/// # Examples
///
/// Built but not run by the documentation tests, whose log should not
/// look like that of a failing machine:
///
/// ```no_run
/// pr_emerg!("something is very wrong: {}\n", 42);
/// ```
#[macro_export]
macro_rules! pr_emerg (
    ($($arg:tt)*) => (
        $crate::print_macro!(EMERG, $($arg)*)
    )
);

/// Prints an alert-level message (level 1), like C's `pr_alert()`.
///
/// # Examples
///
/// Built but not run by the documentation tests, whose log should not
/// look like that of a failing machine:
///
/// ```no_run
/// pr_alert!("action must be taken: {}\n", 42);
/// ```
#[macro_export]
macro_rules! pr_alert (
    ($($arg:tt)*) => (
        $crate::print_macro!(ALERT, $($arg)*)
    )
);

/// Prints a critical-level message (level 2), like C's `pr_crit()`.
///
/// # Examples
///
/// Built but not run by the documentation tests, whose log should not
/// look like that of a failing machine:
///
/// ```no_run
/// pr_crit!("critical condition: {}\n", 42);
/// ```
#[macro_export]
macro_rules! pr_crit (
    ($($arg:tt)*) => (
        $crate::print_macro!(CRIT, $($arg)*)
    )
);

/// Prints an error-level message (level 3), like C's `pr_err()`.
///
/// # Examples
///
/// ```
/// pr_err!("failed: {:?}\n", EINVAL);
/// ```
#[macro_export]
macro_rules! pr_err (
    ($($arg:tt)*) => (
        $crate::print_macro!(ERR, $($arg)*)
    )
);

/// Prints a warning-level message (level 4), like C's `pr_warn()`.
///
/// # Examples
///
/// ```
/// pr_warn!("unexpected value: {}\n", 42);
/// ```
#[macro_export]
macro_rules! pr_warn (
    ($($arg:tt)*) => (
        $crate::print_macro!(WARNING, $($arg)*)
    )
);

/// Prints a notice-level message (level 5), like C's `pr_notice()`.
///
/// # Examples
///
/// ```
/// pr_notice!("significant condition: {}\n", 42);
/// ```
#[macro_export]
macro_rules! pr_notice (
    ($($arg:tt)*) => (
        $crate::print_macro!(NOTICE, $($arg)*)
    )
);

/// Prints an info-level message (level 6), like C's `pr_info()`.
///
/// # Examples
///
/// ```
/// pr_info!("loaded, {} devices\n", 2);
/// ```
#[macro_export]
macro_rules! pr_info (
    ($($arg:tt)*) => (
        $crate::print_macro!(INFO, $($arg)*)
    )
);

/// Prints a debug-level message (level 7), like C's `pr_debug()` without
/// dynamic debug: only with `DEBUG` defined for the file, which for Rust
/// means `debug-assertions` (`CONFIG_RUST_DEBUG_ASSERTIONS`).
///
/// The arguments are always type-checked.
///
/// # Examples
///
/// ```
/// pr_debug!("state: {:?}\n", Some(1));
/// ```
#[macro_export]
macro_rules! pr_debug (
    ($($arg:tt)*) => (
        if cfg!(debug_assertions) {
            $crate::print_macro!(DEBUG, $($arg)*)
        }
    )
);

/// Continues the previous message, like C's `pr_cont()`.
///
/// # Examples
///
/// ```
/// pr_info!("counting:");
/// pr_cont!(" {}", 1);
/// pr_cont!(" {}\n", 2);
/// ```
#[macro_export]
macro_rules! pr_cont (
    ($($arg:tt)*) => (
        $crate::print::call_printk_cont(::core::format_args!($($arg)*))
    )
);
