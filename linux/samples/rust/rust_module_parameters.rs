// SPDX-License-Identifier: GPL-2.0

//! Rust module parameters sample: one parameter of each supported type.
//!
//! Built in, they are given on the kernel command line as
//! `rust_module_parameters.my_i32=-5`; as a module, to `insmod` as
//! `my_i32=-5`. The writable ones can be changed in
//! `/sys/module/rust_module_parameters/parameters/`.

use kernel::module_param::ArrayParam;
use kernel::prelude::*;

module! {
    type: RustModuleParameters,
    name: "rust_module_parameters",
    author: "Seed 856bdcbd maintainers",
    description: "Rust module parameters sample",
    license: "GPL",
    alias: ["rust-module-parameters"],
    params: {
        my_bool: bool {
            default: true,
            permissions: 0o644,
            description: "Example of bool",
        },
        my_i8: i8 {
            default: -8,
            permissions: 0o644,
            description: "Example of i8",
        },
        my_u8: u8 {
            default: 8,
            permissions: 0o644,
            description: "Example of u8",
        },
        my_i16: i16 {
            default: -16,
            permissions: 0o644,
            description: "Example of i16",
        },
        my_u16: u16 {
            default: 16,
            permissions: 0o644,
            description: "Example of u16",
        },
        my_i32: i32 {
            default: 42,
            permissions: 0o644,
            description: "Example of i32",
        },
        my_u32: u32 {
            default: 32,
            permissions: 0o644,
            description: "Example of u32",
        },
        my_i64: i64 {
            default: -64,
            permissions: 0o644,
            description: "Example of i64",
        },
        my_u64: u64 {
            default: 64,
            permissions: 0o444,
            description: "Example of u64 (read-only)",
        },
        my_isize: isize {
            default: -1,
            permissions: 0o644,
            description: "Example of isize",
        },
        my_usize: usize {
            default: 1,
            permissions: 0o644,
            description: "Example of usize",
        },
        my_str: str {
            default: b"default str val",
            permissions: 0o444,
            description: "Example of a string (read-only)",
        },
        my_array: ArrayParam<i32, 4> {
            default: [1, 2, 3],
            permissions: 0o644,
            description: "Example of an array of up to 4 i32",
        },
    },
}

struct RustModuleParameters;

/// Prints the current values of all the parameters.
fn print_parameters() {
    use module_parameters::*;

    pr_info!("Parameters:\n");
    pr_info!("  my_bool:  {}\n", my_bool.read());
    pr_info!("  my_i8:    {}\n", my_i8.read());
    pr_info!("  my_u8:    {}\n", my_u8.read());
    pr_info!("  my_i16:   {}\n", my_i16.read());
    pr_info!("  my_u16:   {}\n", my_u16.read());
    pr_info!("  my_i32:   {}\n", my_i32.read());
    pr_info!("  my_u32:   {}\n", my_u32.read());
    pr_info!("  my_i64:   {}\n", my_i64.read());
    pr_info!("  my_u64:   {}\n", my_u64.read());
    pr_info!("  my_isize: {}\n", my_isize.read());
    pr_info!("  my_usize: {}\n", my_usize.read());
    pr_info!(
        "  my_str:   {}\n",
        core::str::from_utf8(my_str.read()).unwrap_or("(not UTF-8)")
    );
    let array: ArrayParam<i32, 4> = my_array.read();
    pr_info!("  my_array: ");
    for (i, value) in array.values().enumerate() {
        pr_cont!("{}{}", if i == 0 { "" } else { "," }, value);
    }
    pr_cont!(" ({} values)\n", array.len());
}

impl kernel::Module for RustModuleParameters {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("Rust module parameters sample (init)\n");
        print_parameters();
        Ok(RustModuleParameters)
    }
}

impl Drop for RustModuleParameters {
    fn drop(&mut self) {
        print_parameters();
        pr_info!("Rust module parameters sample (exit)\n");
    }
}
