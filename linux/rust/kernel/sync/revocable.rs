// SPDX-License-Identifier: GPL-2.0

//! Objects whose access can be revoked.
//!
//! C header: [`include/linux/rcupdate.h`](../../../../include/linux/rcupdate.h)

use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ops::Deref;
use core::sync::atomic::{AtomicBool, Ordering};

/// An object that users access while it is available, until its owner
/// revokes it, e.g. the resources of a device that goes away while files
/// still refer to it.
///
/// Readers access it under an RCU read-side section, so
/// [`Revocable::try_access`] is cheap and never sleeps; [`Revocable::revoke`]
/// waits for the readers with `synchronize_rcu()` and drops the object in
/// place.
///
/// # Invariants
///
/// `data` is initialised while `available` is true.
///
/// # Examples
///
/// ```
/// use kernel::sync::Revocable;
///
/// let regs = Revocable::new(0x1000u64);
/// if let Some(base) = regs.try_access() {
///     pr_info!("base: {:#x}\n", *base);
/// }
/// regs.revoke();
/// assert!(regs.try_access().is_none());
/// ```
pub struct Revocable<T> {
    available: AtomicBool,
    data: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: the object may be dropped by whichever thread revokes it or
// drops the `Revocable`, so `T` must be `Send`.
unsafe impl<T: Send> Send for Revocable<T> {}

// SAFETY: readers on several threads share `&T` (`T: Sync`), and any of
// them may revoke, hence drop, it (`T: Send`).
unsafe impl<T: Send + Sync> Sync for Revocable<T> {}

impl<T> Revocable<T> {
    /// Makes an available object.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = kernel::sync::Revocable::new(1u8);
    /// assert!(r.try_access().is_some());
    /// ```
    pub const fn new(data: T) -> Self {
        // INVARIANT: `data` is initialised and available.
        Self {
            available: AtomicBool::new(true),
            data: UnsafeCell::new(MaybeUninit::new(data)),
        }
    }

    /// Accesses the object if it is still available. The guard holds the
    /// RCU read lock: the caller must not sleep while holding it.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Revocable;
    ///
    /// let r = Revocable::new(3u32);
    /// let value = r.try_access().map(|v| *v);
    /// assert_eq!(value, Some(3));
    /// ```
    pub fn try_access(&self) -> Option<RevocableGuard<'_, T>> {
        let rcu = RcuReadGuard::new();
        if self.available.load(Ordering::Relaxed) {
            // SAFETY: the object is initialised by the type invariant, and
            // `revoke()` waits for this RCU read-side section to end
            // before dropping it.
            let data = unsafe { (*self.data.get()).assume_init_ref() };
            Some(RevocableGuard { data, _rcu: rcu })
        } else {
            None
        }
    }

    /// Makes the object unavailable, waits for current users to finish
    /// (with `synchronize_rcu()`, so this sleeps) and drops it. Returns
    /// whether this call revoked it; it may be revoked only once.
    ///
    /// Must not be called while holding a guard from
    /// [`Revocable::try_access`].
    ///
    /// # Examples
    ///
    /// ```
    /// let r = kernel::sync::Revocable::new(1u8);
    /// assert!(r.revoke());
    /// assert!(!r.revoke());
    /// ```
    pub fn revoke(&self) -> bool {
        if !self.available.swap(false, Ordering::Relaxed) {
            return false;
        }
        // SAFETY: `synchronize_rcu()` may sleep, which callers of `revoke()`
        // may do.
        unsafe { bindings::synchronize_rcu() };
        // SAFETY: the object was available, hence initialised; new readers
        // see it unavailable and old ones are gone, and only this call
        // changed `available`, so it is dropped once.
        unsafe { (*self.data.get()).assume_init_drop() };
        true
    }
}

impl<T> Drop for Revocable<T> {
    fn drop(&mut self) {
        if *self.available.get_mut() {
            // SAFETY: the object is available, hence initialised by the
            // type invariant, and no one else can access it (`&mut self`).
            unsafe { self.data.get_mut().assume_init_drop() };
        }
    }
}

/// Holds the RCU read lock.
struct RcuReadGuard(PhantomData<*mut ()>);

impl RcuReadGuard {
    fn new() -> Self {
        // SAFETY: `rcu_read_lock()` may be called in any context; the lock
        // is released when the guard is dropped, on this thread.
        unsafe { bindings::rcu_read_lock() };
        Self(PhantomData)
    }
}

impl Drop for RcuReadGuard {
    fn drop(&mut self) {
        // SAFETY: the RCU read lock was taken by this guard, on this
        // thread (the guard is not `Send`).
        unsafe { bindings::rcu_read_unlock() };
    }
}

/// Access to a [`Revocable`] object, within an RCU read-side section.
///
/// # Examples
///
/// ```
/// use kernel::sync::{Revocable, RevocableGuard};
///
/// let r = Revocable::new(5i32);
/// let guard: RevocableGuard<'_, i32> = r.try_access().ok_or(ENXIO)?;
/// assert_eq!(*guard, 5);
/// # Ok::<(), Error>(())
/// ```
pub struct RevocableGuard<'a, T> {
    data: &'a T,
    _rcu: RcuReadGuard,
}

impl<T> Deref for RevocableGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.data
    }
}
