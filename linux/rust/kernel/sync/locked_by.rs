// SPDX-License-Identifier: GPL-2.0

//! Data protected by a lock that is elsewhere.

use core::cell::UnsafeCell;
use core::ptr;

use crate::sync::lock::{Backend, Lock};

/// Data protected by a lock that does not contain it, e.g. the lock of the
/// object that owns the data, when the data cannot move into the lock.
///
/// Access requires a reference to the data of the owner lock, which is
/// only available while the lock is held: a shared one for shared access,
/// a mutable one for mutable access. The owner is checked at run time.
///
/// # Invariants
///
/// `owner` is the address of the data of the lock that protects `data`.
///
/// # Examples
///
/// ```
/// use kernel::sync::{LockedBy, Mutex, Ref};
///
/// struct Inventory {
///     total: u32,
/// }
///
/// let inventory = Ref::pin_init(kernel::new_mutex!(Inventory { total: 0 }))?;
/// let item = LockedBy::new(&inventory, 5u32);
///
/// let mut guard = inventory.lock();
/// *item.access_mut(&mut guard) += 1;
/// guard.total += *item.access(&guard);
/// assert_eq!(guard.total, 6);
/// # Ok::<(), Error>(())
/// ```
pub struct LockedBy<T, U> {
    owner: *const U,
    data: UnsafeCell<T>,
}

// SAFETY: the data may move to another thread with its `LockedBy`.
unsafe impl<T: Send, U> Send for LockedBy<T, U> {}

// SAFETY: shared access needs the owner lock (`T: Send` is enough for
// mutable access under it) or a shared reference to its data, which any
// thread may hold at once, hence `T: Sync` too.
unsafe impl<T: Send + Sync, U> Sync for LockedBy<T, U> {}

impl<T, U> LockedBy<T, U> {
    /// Makes data protected by the lock `owner`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::{LockedBy, Ref};
    ///
    /// // The owner's data must not be zero-sized, for the check of the
    /// // owner to be meaningful.
    /// let owner = Ref::pin_init(kernel::new_spinlock!(0u32))?;
    /// let data = LockedBy::new(&owner, 7u8);
    /// assert_eq!(*data.access(&owner.lock()), 7);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new<B: Backend>(owner: &Lock<U, B>, data: T) -> Self {
        // INVARIANT: the owner is the lock given.
        Self {
            owner: owner.data_ptr(),
            data: UnsafeCell::new(data),
        }
    }

    fn check_owner(&self, owner: &U) {
        // Zero-sized types may share an address, which would defeat the
        // check.
        crate::build_assert!(core::mem::size_of::<U>() > 0);
        if !ptr::eq(owner, self.owner) {
            panic!("LockedBy accessed with the wrong owner");
        }
    }

    /// Shared access to the data, given shared access to the owner's.
    ///
    /// # Panics
    ///
    /// Panics if `owner` is not the data of the lock given to
    /// [`LockedBy::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::{LockedBy, Ref};
    ///
    /// let owner = Ref::pin_init(kernel::new_mutex!(1u32))?;
    /// let data = LockedBy::new(&owner, 2u32);
    /// let guard = owner.lock();
    /// assert_eq!(*data.access(&guard), 2);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn access<'a>(&'a self, owner: &'a U) -> &'a T
    where
        T: Sync,
    {
        self.check_owner(owner);
        // SAFETY: `owner` is the data of the owner lock, so the lock is
        // held, or `owner` is otherwise shared: no mutable access to the
        // data can exist for `'a`.
        unsafe { &*self.data.get() }
    }

    /// Mutable access to the data, given mutable access to the owner's.
    ///
    /// # Panics
    ///
    /// Panics if `owner` is not the data of the lock given to
    /// [`LockedBy::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::{LockedBy, Ref};
    ///
    /// let owner = Ref::pin_init(kernel::new_mutex!(1u32))?;
    /// let data = LockedBy::new(&owner, 2u32);
    /// let mut guard = owner.lock();
    /// *data.access_mut(&mut guard) = 3;
    /// assert_eq!(*data.access(&guard), 3);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn access_mut<'a>(&'a self, owner: &'a mut U) -> &'a mut T {
        self.check_owner(owner);
        // SAFETY: `owner` is the data of the owner lock, held mutably for
        // `'a`, so no other access to the data can exist for `'a`.
        unsafe { &mut *self.data.get() }
    }
}
