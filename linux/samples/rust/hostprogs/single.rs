// SPDX-License-Identifier: GPL-2.0

//! Rust host program sample: a program in one crate, built and run on the
//! build machine, with the standard library.

mod a;

fn main() {
    println!("Hello world from a Rust host program!");
    a::f(2);
}
