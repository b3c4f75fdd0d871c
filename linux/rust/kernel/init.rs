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
///
/// The value is made by `init` on the task that loads the module
/// (`insmod`, or the boot task when built in) and dropped on the task that
/// unloads it (`rmmod`): it moves from one task to another, so it must be
/// `Send`. A lock guard, for one, is not, since a lock is released by the
/// task that took it: a module cannot keep one from `init` to its `Drop`.
///
/// # Examples
///
/// A module keeping a list of numbers while it is loaded; `module!` names
/// the type (see `samples/rust/rust_minimal.rs`):
///
/// ```
/// use kernel::prelude::*;
///
/// struct Numbers {
///     numbers: Vec<u32>,
/// }
///
/// impl kernel::Module for Numbers {
///     fn init(_module: &'static ThisModule) -> Result<Self> {
///         let mut numbers = Vec::new();
///         numbers.try_push(72)?;
///         numbers.try_push(108)?;
///         Ok(Numbers { numbers })
///     }
/// }
///
/// # // SAFETY: null is what built-in code has, as the examples are.
/// # static THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
/// // What `module!` does when the module is loaded.
/// let module = Numbers::init(&THIS_MODULE)?;
/// assert_eq!(module.numbers, [72, 108]);
/// # Ok::<(), Error>(())
/// ```
pub trait Module: Sized + Send + Sync {
    /// Sets the module up; an error fails the load (or is reported at
    /// boot) and nothing is dropped.
    ///
    /// # Examples
    ///
    /// A module that refuses to load without a device to drive:
    ///
    /// ```
    /// use kernel::prelude::*;
    ///
    /// struct NeedsDevice;
    ///
    /// impl kernel::Module for NeedsDevice {
    ///     fn init(_module: &'static ThisModule) -> Result<Self> {
    ///         pr_info!("no device found\n");
    ///         Err(ENODEV)
    ///     }
    /// }
    ///
    /// # // SAFETY: null is what built-in code has, as the examples are.
    /// # static THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
    /// // The load fails with `ENODEV`.
    /// assert_eq!(NeedsDevice::init(&THIS_MODULE).err(), Some(ENODEV));
    /// ```
    fn init(module: &'static ThisModule) -> Result<Self>;
}

/// The C `struct module` of the module being built: `THIS_MODULE`.
///
/// Built in, there is none and the pointer is null, as in C.
///
/// # Examples
///
/// `module!` defines the `THIS_MODULE` of a module; the abstractions that
/// need it take a `&'static ThisModule`:
///
/// ```
/// fn owner_is_built_in(module: &'static ThisModule) -> bool {
///     module.as_ptr().is_null()
/// }
///
/// # // SAFETY: null is what built-in code has, as the examples are.
/// # static THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
/// assert!(owner_is_built_in(&THIS_MODULE));
/// ```
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
    ///
    /// # Examples
    ///
    /// What `module!` expands to in built-in code, as the examples are:
    ///
    /// ```
    /// // SAFETY: this code is built in, where there is no module structure.
    /// static THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
    /// assert!(THIS_MODULE.as_ptr().is_null());
    /// ```
    pub const unsafe fn from_ptr(ptr: *mut bindings::module) -> ThisModule {
        ThisModule(ptr)
    }

    /// The raw pointer, for C functions that take a `struct module *`.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::ptr;
    ///
    /// # // SAFETY: null is what built-in code has, as the examples are.
    /// # static THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(ptr::null_mut()) };
    /// // Built-in code has no `struct module`: C functions take null.
    /// assert_eq!(THIS_MODULE.as_ptr(), ptr::null_mut());
    /// ```
    pub const fn as_ptr(&self) -> *mut bindings::module {
        self.0
    }
}
