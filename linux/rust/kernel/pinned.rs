// SPDX-License-Identifier: GPL-2.0

//! In-place initialisation of pinned objects.
//!
//! Many C objects (locks, wait queues, list heads) must be initialised at
//! the address where they will stay: their initialiser records the
//! address of the object, in the object itself or in a lockdep table. In
//! Rust such objects are `!Unpin` and made by a [`PinInit`] initialiser
//! rather than returned by value; the initialiser runs on memory already
//! at its final place, given by [`InPlaceInit::pin_init`] for `Box` (and
//! by the `pin_init` constructors of other owners, such as
//! `kernel::sync::Ref`).

use alloc::boxed::Box;
use core::marker::PhantomData;
use core::pin::Pin;

use crate::error::Result;

/// An initialiser of a `T` in place, at an address it never leaves.
///
/// # Safety
///
/// [`PinInit::__pinned_init`] must either initialise the whole object at
/// `slot` and return `Ok`, or return an error and leave nothing at `slot`
/// to be dropped.
///
/// # Examples
///
/// ```
/// use kernel::pinned::{InPlaceInit, PinInit};
/// use kernel::types::Opaque;
///
/// fn zeroed_u64() -> impl PinInit<Opaque<u64>> {
///     Opaque::ffi_init(|p: *mut u64| {
///         // SAFETY: `p` points to the storage, valid for writes.
///         unsafe { p.write(0) };
///     })
/// }
///
/// let value = Box::pin_init(zeroed_u64())?;
/// // SAFETY: the storage was initialised and nothing else accesses it.
/// assert_eq!(unsafe { *value.get() }, 0);
/// # Ok::<(), Error>(())
/// ```
pub unsafe trait PinInit<T>: Sized {
    /// Initialises the object at `slot`.
    ///
    /// # Safety
    ///
    /// `slot` must be valid for writes and aligned, and the object must
    /// not move once initialised, until it is dropped in place.
    ///
    /// # Examples
    ///
    /// Owners such as `Box` call it on their memory; here the memory is on
    /// the stack, and is never moved:
    ///
    /// ```
    /// use core::mem::MaybeUninit;
    /// use kernel::pinned::PinInit;
    /// use kernel::types::Opaque;
    ///
    /// let init = Opaque::ffi_init(|p: *mut u32| {
    ///     // SAFETY: `p` points to the storage, valid for writes.
    ///     unsafe { p.write(5) };
    /// });
    /// let mut slot = MaybeUninit::<Opaque<u32>>::uninit();
    /// // SAFETY: `slot` is valid for writes and aligned, and is not moved
    /// // until the end of the example (an `Opaque` is not dropped).
    /// unsafe { init.__pinned_init(slot.as_mut_ptr())? };
    /// // SAFETY: `slot` was initialised just above.
    /// let value = unsafe { slot.assume_init_ref() };
    /// // SAFETY: the storage was initialised and nothing else accesses it.
    /// assert_eq!(unsafe { *value.get() }, 5);
    /// # Ok::<(), Error>(())
    /// ```
    unsafe fn __pinned_init(self, slot: *mut T) -> Result;
}

struct InitClosure<F, T>(F, PhantomData<fn(*mut T)>);

// SAFETY: `pin_init_from_closure` requires the closure to meet the
// requirements of `PinInit`.
unsafe impl<T, F: FnOnce(*mut T) -> Result> PinInit<T> for InitClosure<F, T> {
    unsafe fn __pinned_init(self, slot: *mut T) -> Result {
        (self.0)(slot)
    }
}

/// Makes a [`PinInit`] of a closure that initialises the object it is
/// given a pointer to.
///
/// # Safety
///
/// The closure must meet the requirements of [`PinInit::__pinned_init`]:
/// on `Ok` the object is fully initialised, on error nothing needs
/// dropping.
///
/// # Examples
///
/// ```
/// use kernel::pinned::{pin_init_from_closure, InPlaceInit};
///
/// // SAFETY: the closure initialises the whole `u32`.
/// let init = unsafe {
///     pin_init_from_closure(|slot: *mut u32| {
///         // SAFETY: `slot` is valid for writes.
///         unsafe { slot.write(9) };
///         Ok(())
///     })
/// };
/// assert_eq!(*Box::pin_init(init)?, 9);
/// # Ok::<(), Error>(())
/// ```
pub unsafe fn pin_init_from_closure<T, F: FnOnce(*mut T) -> Result>(f: F) -> impl PinInit<T> {
    InitClosure(f, PhantomData)
}

/// Smart pointers that can be allocated and initialised in place.
///
/// # Examples
///
/// Code generic over the owner of a lock:
///
/// ```
/// use kernel::pinned::InPlaceInit;
/// use kernel::sync::Mutex;
///
/// fn counter<P: InPlaceInit<Mutex<u32>>>(start: u32) -> Result<Pin<P>> {
///     P::pin_init(kernel::new_mutex!(start, "counter"))
/// }
///
/// let c: Pin<Box<Mutex<u32>>> = counter(10)?;
/// *c.lock() += 1;
/// assert_eq!(*c.lock(), 11);
/// # Ok::<(), Error>(())
/// ```
pub trait InPlaceInit<T>: Sized {
    /// Allocates memory and initialises a pinned `T` in it.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::pinned::InPlaceInit;
    /// use kernel::types::Opaque;
    ///
    /// let value = Box::pin_init(Opaque::ffi_init(|p: *mut i8| {
    ///     // SAFETY: `p` points to the storage, valid for writes.
    ///     unsafe { p.write(-1) };
    /// }))?;
    /// // SAFETY: the storage was initialised and nothing else accesses it.
    /// assert_eq!(unsafe { *value.get() }, -1);
    /// # Ok::<(), Error>(())
    /// ```
    fn pin_init(init: impl PinInit<T>) -> Result<Pin<Self>>;
}

impl<T> InPlaceInit<T> for Box<T> {
    fn pin_init(init: impl PinInit<T>) -> Result<Pin<Self>> {
        let mut slot = Box::try_new_uninit()?;
        // SAFETY: the memory is valid and aligned, and stays where it is:
        // the box is pinned below before any use.
        unsafe { init.__pinned_init(slot.as_mut_ptr())? };
        // SAFETY: the object was initialised just above.
        Ok(Box::into_pin(unsafe { slot.assume_init() }))
    }
}
