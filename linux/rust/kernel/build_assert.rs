// SPDX-License-Identifier: GPL-2.0

//! Assertions the optimiser must be able to prove.

/// Fails the build unless the compiler can prove a condition.
///
/// Unlike [`static_assert!`], the condition need not be a constant
/// expression: it only has to become one after inlining and constant
/// propagation, e.g. a check of a `const` generic parameter or of an
/// argument that callers always pass as a literal. If the optimiser cannot
/// remove the check, linking fails on `rust_build_error`.
///
/// What happens then instead can be chosen in "Rust hacking": with
/// `CONFIG_RUST_BUILD_ASSERT_ALLOW` the check is kept and panics when it
/// fails. Use [`static_assert!`] where possible, and a run-time check where
/// the condition may really be false.
///
/// # Examples
///
/// ```
/// #[inline(always)]
/// fn register_offset(index: usize) -> usize {
///     build_assert!(index < 4, "the block has four registers");
///     index * 4
/// }
///
/// assert_eq!(register_offset(2), 8);
/// ```
///
/// [`static_assert!`]: crate::static_assert!
#[macro_export]
macro_rules! build_assert {
    ($condition:expr $(,)?) => {
        if !$condition {
            $crate::build_error(::core::concat!(
                "assertion failed: ",
                ::core::stringify!($condition)
            ));
        }
    };
    ($condition:expr, $message:expr $(,)?) => {
        if !$condition {
            $crate::build_error($message);
        }
    };
}
