// SPDX-License-Identifier: GPL-2.0

//! The kernel prelude.
//!
//! What most Rust code in the kernel uses, to be imported in one line:
//!
//! ```
//! use kernel::prelude::*;
//! ```

pub use core::pin::Pin;

pub use alloc::{boxed::Box, vec::Vec};

pub use macros::{module, vtable};

pub use super::build_assert;
pub use super::static_assert;
pub use super::{
    pr_alert, pr_cont, pr_crit, pr_debug, pr_emerg, pr_err, pr_info, pr_notice, pr_warn,
};

pub use super::c_str;
pub use super::error::{code::*, Error, Result};
pub use super::str::{CStr, CString};
pub use super::types::VecExt;
pub use super::{Module, ThisModule};
