// SPDX-License-Identifier: GPL-2.0

//! Bit and mask helpers.
//!
//! C header: [`include/linux/bits.h`](../../../include/linux/bits.h)
//!
//! Rust counterparts of `BIT()` and `GENMASK()`. They are `const fn`s, so
//! in constants (register fields, flags) an out-of-range bit number is a
//! build error; called at run time with such a number they panic, and the
//! `checked_*` variants return `None` instead.

/// A `u64` with bit `n` set, as C's `BIT_ULL(n)`.
///
/// # Panics
///
/// Panics if `n >= 64`; in a `const` context this fails the build.
///
/// # Examples
///
/// ```
/// use kernel::bits::bit;
///
/// const ENABLE: u64 = bit(3);
/// assert_eq!(ENABLE, 0b1000);
/// ```
pub const fn bit(n: u32) -> u64 {
    match checked_bit(n) {
        Some(value) => value,
        None => panic!("bit number out of range"),
    }
}

/// A `u64` with bit `n` set, or `None` if `n >= 64`.
///
/// # Examples
///
/// ```
/// use kernel::bits::checked_bit;
///
/// assert_eq!(checked_bit(63), Some(1 << 63));
/// assert_eq!(checked_bit(64), None);
/// ```
pub const fn checked_bit(n: u32) -> Option<u64> {
    if n >= u64::BITS {
        return None;
    }
    Some(1 << n)
}

/// A `u64` with bits `low` to `high` (both included) set, as C's
/// `GENMASK_ULL(high, low)`.
///
/// # Panics
///
/// Panics if `high >= 64` or `low > high`; in a `const` context this
/// fails the build.
///
/// # Examples
///
/// ```
/// use kernel::bits::genmask;
///
/// const FIELD: u64 = genmask(7, 4);
/// assert_eq!(FIELD, 0xf0);
/// assert_eq!(genmask(63, 0), u64::MAX);
/// ```
pub const fn genmask(high: u32, low: u32) -> u64 {
    match checked_genmask(high, low) {
        Some(value) => value,
        None => panic!("invalid bit range"),
    }
}

/// A `u64` with bits `low` to `high` (both included) set, or `None` if
/// `high >= 64` or `low > high`.
///
/// # Examples
///
/// ```
/// use kernel::bits::checked_genmask;
///
/// assert_eq!(checked_genmask(3, 0), Some(0xf));
/// assert_eq!(checked_genmask(2, 3), None);
/// assert_eq!(checked_genmask(64, 0), None);
/// ```
pub const fn checked_genmask(high: u32, low: u32) -> Option<u64> {
    if high >= u64::BITS || low > high {
        return None;
    }
    // Ones from bit `high` down, with the bits below `low` cleared.
    Some((u64::MAX >> (u64::BITS - 1 - high)) & (u64::MAX << low))
}
