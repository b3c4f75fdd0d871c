// SPDX-License-Identifier: GPL-2.0

//! Compiler intrinsics that `core` and `alloc` may refer to.
//!
//! LLVM lowers a few operations to calls into a runtime library
//! (`compiler-rt` or Rust's `compiler_builtins`), e.g. 128-bit division.
//! The kernel links neither: the C side is careful never to need them, and
//! so is the kernel's Rust code. The generic code in `core` still contains
//! such calls (when formatting a `u128`, for instance), so the objects need
//! something to link against.
//!
//! Each intrinsic here panics: reaching one is a bug to fix in the caller,
//! not something to quietly emulate. Kbuild renames the references in
//! `core` and `alloc` to these `__rust`-prefixed names, so that they can
//! never shadow a real implementation the C side may provide.
//!
//! This crate is also what `alloc` expects to find under the name
//! `compiler_builtins`.

#![compiler_builtins]
#![no_builtins]
#![no_std]
// Being `alloc`'s `compiler_builtins` takes the internal feature.
#![allow(internal_features)]
#![feature(compiler_builtins)]

macro_rules! define_panicking_intrinsics(
    ($reason: tt, { $($ident: ident, )* }) => {
        $(
            #[doc(hidden)]
            #[export_name = concat!("__rust", stringify!($ident))]
            pub extern "C" fn $ident() {
                panic!($reason);
            }
        )*
    }
);

define_panicking_intrinsics!("`u128` and `i128` arithmetic is not supported in the kernel", {
    __ashlti3,
    __ashrti3,
    __lshrti3,
    __multi3,
    __muloti4,
    __divti3,
    __modti3,
    __udivti3,
    __umodti3,
    __udivmodti4,
});
