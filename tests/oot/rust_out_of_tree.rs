// SPDX-License-Identifier: GPL-2.0

//! A Rust module built out of tree, against a built kernel.

use kernel::prelude::*;

module! {
    type: RustOutOfTree,
    name: "rust_out_of_tree",
    author: "Seed 856bdcbd maintainers",
    description: "Rust out-of-tree module test",
    license: "GPL",
}

struct RustOutOfTree {
    greeting: CString,
}

impl kernel::Module for RustOutOfTree {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let greeting =
            CString::try_from_fmt(format_args!("built out of tree, {} + {} = {}", 2, 3, 2 + 3))?;
        pr_info!("{}\n", greeting);
        Ok(RustOutOfTree { greeting })
    }
}

impl Drop for RustOutOfTree {
    fn drop(&mut self) {
        pr_info!("unloading ({})\n", self.greeting);
    }
}
