// SPDX-License-Identifier: GPL-2.0

//! Proves that the arguments of the `pr_*!` macros are not expanded inside
//! an `unsafe` block of the macro: dereferencing a raw pointer in them is
//! refused (E0133), even in a crate that forbids unsafe code.

#![forbid(unsafe_code)]

use kernel::prelude::*;

module! {
    type: PrArgUnsafe,
    name: "pr_arg_unsafe",
    author: "Seed 856bdcbd maintainers",
    description: "pr_info! arguments are not unsafe code",
    license: "GPL",
}

struct PrArgUnsafe;

impl kernel::Module for PrArgUnsafe {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let value = 42u32;
        let ptr: *const u32 = &value;
        pr_info!("value at {:p}\n", ptr);
        pr_info!("value is {}\n", *ptr); // must-not-compile: E0133
        Ok(PrArgUnsafe)
    }
}
