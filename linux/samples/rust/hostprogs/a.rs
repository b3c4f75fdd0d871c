// SPDX-License-Identifier: GPL-2.0

//! A module of the `single` crate, in a file of its own.

/// Prints its argument, doubled.
pub(crate) fn f(x: i32) {
    println!("The double of {x} is {}.", 2 * x);
}
