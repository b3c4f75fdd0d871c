// SPDX-License-Identifier: GPL-2.0

//! Miscellaneous devices.
//!
//! C header: [`include/linux/miscdevice.h`](../../../include/linux/miscdevice.h)
//!
//! A misc device is a character device with major number 10 and a minor
//! number chosen by the kernel; it appears as `/dev/<name>`.

use alloc::boxed::Box;
use core::marker::PhantomPinned;
use core::pin::Pin;

use crate::error::{to_result, Result};
use crate::file::{OpenAdapter, Operations, OperationsVtable};
use crate::str::CStr;
use crate::types::Opaque;
use crate::ThisModule;

/// A registered misc device, whose files have the operations `T`; it is
/// unregistered when dropped.
///
/// # Invariants
///
/// When `registered` is true, `mdev` is registered with `misc_register()`,
/// with `fops` as operations, and both stay in place until `Drop`
/// unregisters it.
///
/// # Examples
///
/// ```
/// use kernel::file::{File, Operations};
/// use kernel::miscdev::Registration;
///
/// struct Nothing;
///
/// #[vtable]
/// impl Operations for Nothing {
///     type OpenData = ();
///     type Data = ();
///
///     fn open(_context: &(), _file: &File) -> Result {
///         Ok(())
///     }
/// }
///
/// # fn example(module: &'static ThisModule) -> Result {
/// let reg = Registration::<Nothing>::new_pinned(kernel::c_str!("rust_nothing"), (), module)?;
/// drop(reg);
/// # Ok(())
/// # }
/// # // SAFETY: a null module is what built-in code has.
/// # static MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
/// # example(&MODULE)?;
/// # Ok::<(), Error>(())
/// ```
pub struct Registration<T: Operations> {
    mdev: Opaque<bindings::miscdevice>,
    fops: Opaque<bindings::file_operations>,
    open_data: T::OpenData,
    registered: bool,
    _pin: PhantomPinned,
}

// SAFETY: the registration may be dropped, hence unregistered, on any
// thread; the open data moves with it.
unsafe impl<T: Operations> Send for Registration<T> where T::OpenData: Send {}

// SAFETY: a shared registration only gives `&T::OpenData`, to `open` on any
// thread, which `T::OpenData: Sync` allows.
unsafe impl<T: Operations> Sync for Registration<T> {}

impl<T: Operations> Registration<T> {
    /// Registers a misc device named `name` (as in `/dev/<name>`), whose
    /// files get `open_data` in [`Operations::open`]. The files keep
    /// `module` loaded while open.
    ///
    /// # Examples
    ///
    /// A device whose files all read the same shared counter, given as
    /// the open data:
    ///
    /// ```
    /// use kernel::file::{File, Operations};
    /// use kernel::miscdev::Registration;
    /// use kernel::sync::{Mutex, Ref};
    ///
    /// struct Counter;
    ///
    /// #[vtable]
    /// impl Operations for Counter {
    ///     type OpenData = Ref<Mutex<u64>>;
    ///     type Data = Ref<Mutex<u64>>;
    ///
    ///     fn open(counter: &Ref<Mutex<u64>>, _file: &File) -> Result<Ref<Mutex<u64>>> {
    ///         *counter.lock() += 1;
    ///         Ok(counter.clone())
    ///     }
    /// }
    ///
    /// # // SAFETY: null is what built-in code has, as the examples are.
    /// # static THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
    /// let counter = Ref::pin_init(kernel::new_mutex!(0))?;
    /// let reg = Registration::<Counter>::new_pinned(
    ///     kernel::c_str!("rust_counter"),
    ///     counter.clone(),
    ///     &THIS_MODULE,
    /// )?;
    /// // `/dev/rust_counter` exists until `reg` is dropped; no one opened
    /// // it yet.
    /// assert_eq!(*counter.lock(), 0);
    /// drop(reg);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new_pinned(
        name: &'static CStr,
        open_data: T::OpenData,
        module: &'static ThisModule,
    ) -> Result<Pin<Box<Self>>> {
        let mut fops = OperationsVtable::<Self, T>::VTABLE;
        fops.owner = module.as_ptr();
        let reg = Box::try_new(Self {
            mdev: Opaque::zeroed(),
            fops: Opaque::new(fops),
            open_data,
            registered: false,
            _pin: PhantomPinned,
        })?;
        let mut reg = Box::into_pin(reg);
        let mdev = reg.mdev.get();
        // SAFETY: `mdev` is valid and not registered yet, so not shared.
        unsafe {
            (*mdev).minor = bindings::MISC_DYNAMIC_MINOR as _;
            (*mdev).name = name.as_char_ptr();
            (*mdev).fops = reg.fops.get();
        }
        // SAFETY: the device is filled in, and stays in place (pinned)
        // until `Drop`; the name is static.
        to_result(unsafe { bindings::misc_register(mdev) })?;
        // INVARIANT: the device was just registered.
        // SAFETY: only a flag is changed; nothing moves.
        unsafe { reg.as_mut().get_unchecked_mut().registered = true };
        Ok(reg)
    }
}

// SAFETY: `misc_open()` sets `private_data` to the `miscdevice` of the
// registration, which is in a `Registration<T>` alive while files are
// open (it is unregistered before being freed, and files hold the module).
unsafe impl<T: Operations> OpenAdapter<T::OpenData> for Registration<T> {
    unsafe fn convert(
        _inode: *mut bindings::inode,
        file: *mut bindings::file,
    ) -> *const T::OpenData {
        // SAFETY: the caller gives a file being opened, whose
        // `private_data` is the `miscdevice` inside a `Registration<T>`.
        unsafe {
            let mdev = (*file).private_data.cast::<u8>();
            let reg = mdev.sub(core::mem::offset_of!(Self, mdev)).cast::<Self>();
            core::ptr::addr_of!((*reg).open_data)
        }
    }
}

impl<T: Operations> Drop for Registration<T> {
    fn drop(&mut self) {
        if self.registered {
            // SAFETY: the device is registered by the type invariant.
            unsafe { bindings::misc_deregister(self.mdev.get()) };
        }
    }
}
