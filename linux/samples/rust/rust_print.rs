// SPDX-License-Identifier: GPL-2.0

//! Rust printing macros sample: every level, continuation lines, and the
//! formatting of common types.

use kernel::prelude::*;

module! {
    type: RustPrint,
    name: "rust_print",
    author: "Seed 856bdcbd maintainers",
    description: "Rust printing macros sample",
    license: "GPL",
}

struct RustPrint;

/// Formats values of a few common types, with a few format options.
fn formats() -> Result {
    let name = c_str!("rust_print");
    let owned = CString::try_from_fmt(format_args!("{}-{}", name, 2))?;
    let array = [1u16, 2, 3];
    let pair = (42u8, 'x');
    let missing: Option<u32> = None;
    let failed: Result<(), Error> = Err(EINVAL);

    pr_info!("integers: {} {} {} {}\n", -1i8, 255u8, i64::MIN, u64::MAX);
    pr_info!("radix: {:#x} {:#o} {:#b} {:08X}\n", 255, 8, 5, 0xabcdu32);
    pr_info!("padding: [{:>6}] [{:<6}] [{:^6}] [{:+}]\n", 1, 2, 3, 4);
    pr_info!("bool and char: {} {} {:?}\n", true, 'r', '\n');
    pr_info!("strings: {} {:?} {}\n", "str", "quoted", name);
    pr_info!("CString: {} (length {})\n", owned, owned.len());
    pr_info!("slices and tuples: {:?} {:?}\n", array, pair);
    pr_info!(
        "options and results: {:?} {:?} {:?}\n",
        Some(1),
        missing,
        failed
    );
    pr_info!("pretty: {:#?}\n", pair);
    Ok(())
}

impl kernel::Module for RustPrint {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("Rust printing macros sample (init)\n");

        pr_emerg!("Emergency message (level 0) without args\n");
        pr_alert!("Alert message (level 1) without args\n");
        pr_crit!("Critical message (level 2) without args\n");
        pr_err!("Error message (level 3) without args\n");
        pr_warn!("Warning message (level 4) without args\n");
        pr_notice!("Notice message (level 5) without args\n");
        pr_info!("Info message (level 6) without args\n");
        pr_debug!("Debug message (level 7) without args\n");

        pr_info!("A line that");
        pr_cont!(" is continued");
        pr_cont!(" with {}\n", "args");

        formats()?;

        Ok(RustPrint)
    }
}

impl Drop for RustPrint {
    fn drop(&mut self) {
        pr_info!("Rust printing macros sample (exit)\n");
    }
}
