// SPDX-License-Identifier: GPL-2.0

//! Modules: what `module!` needs from the kernel crate.
//!
//! C header: [`include/linux/module.h`](../../../include/linux/module.h)

use crate::error::Result;

/// A Rust module, built in or loadable.
///
/// The `module!` macro calls [`Module::init`] when the module is loaded
/// (or, built in, at boot), and drops the value when it is unloaded: what
/// the module set up is torn down in its `Drop`.
pub trait Module: Sized + Sync {
    /// Sets the module up; an error fails the load (or is reported at
    /// boot) and nothing is dropped.
    fn init(module: &'static ThisModule) -> Result<Self>;
}

/// The C `struct module` of the module being built: `THIS_MODULE`.
///
/// Built in, there is none and the pointer is null, as in C.
pub struct ThisModule(*mut bindings::module);

// SAFETY: the module structure is only used through C functions that do
// their own locking.
unsafe impl Sync for ThisModule {}

impl ThisModule {
    /// Wraps a pointer to the `struct module` of the current module.
    ///
    /// # Safety
    ///
    /// `ptr` must be `&__this_module` in a loadable module, or null in
    /// built-in code.
    pub const unsafe fn from_ptr(ptr: *mut bindings::module) -> ThisModule {
        ThisModule(ptr)
    }

    /// The raw pointer, for C functions that take a `struct module *`.
    pub const fn as_ptr(&self) -> *mut bindings::module {
        self.0
    }
}
