// SPDX-License-Identifier: GPL-2.0

//! Assertions checked while compiling.

/// Fails the build if a condition on constants does not hold.
///
/// Like C's `static_assert()` (or `BUILD_BUG_ON()` negated); the condition
/// is evaluated by the compiler and must be a constant expression.
///
/// # Examples
///
/// ```
/// static_assert!(core::mem::size_of::<u32>() == 4);
/// static_assert!(usize::BITS >= 32, "usize must hold a u32");
/// ```
#[macro_export]
macro_rules! static_assert {
    ($condition:expr $(,$message:literal)? $(,)?) => {
        const _: () = ::core::assert!($condition $(,$message)?);
    };
}
