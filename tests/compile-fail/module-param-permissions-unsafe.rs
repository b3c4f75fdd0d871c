// SPDX-License-Identifier: GPL-2.0

//! Proves that the `permissions` of a parameter given to `module!` are not
//! expanded inside an `unsafe` block of the macro: dereferencing a raw
//! pointer in them is refused (E0133), even in a crate that forbids unsafe
//! code.

#![forbid(unsafe_code)]

use kernel::prelude::*;

module! {
    type: ParamPermissionsUnsafe,
    name: "module_param_permissions_unsafe",
    author: "Seed 856bdcbd maintainers",
    description: "module! parameter permissions are not unsafe code",
    license: "GPL",
    params: {
        level: u32 {
            default: 1,
            // 0o644, with the owner's write bit read through a raw pointer.
            permissions:
                *(&0o200u16 as *const u16) | // must-not-compile: E0133
                0o444,
            description: "A level",
        },
    },
}

struct ParamPermissionsUnsafe;

impl kernel::Module for ParamPermissionsUnsafe {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("level is {}\n", module_parameters::level.read());
        Ok(ParamPermissionsUnsafe)
    }
}
