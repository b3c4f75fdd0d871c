// SPDX-License-Identifier: GPL-2.0

//! Synchronisation primitives.
//!
//! C headers: [`include/linux/mutex.h`](../../../include/linux/mutex.h),
//! [`include/linux/spinlock.h`](../../../include/linux/spinlock.h),
//! [`include/linux/lockdep.h`](../../../include/linux/lockdep.h),
//! [`include/linux/wait.h`](../../../include/linux/wait.h).
//!
//! Locks and condition variables are initialised at their final address
//! (see [`crate::pinned`]), by macros such as
//! [`new_mutex!`](crate::new_mutex!). Each of these macros makes a lockdep
//! class for the place it is written, named after the name it is given or
//! else after its file and line, as the C initialisers do with their
//! `static struct lock_class_key`.

use crate::types::Opaque;

mod arc;
mod condvar;
pub mod lock;
mod locked_by;
mod revocable;

pub use arc::{Ref, RefBorrow, UniqueRef};
pub use condvar::CondVar;
pub use lock::mutex::{Mutex, StaticMutex};
pub use lock::spinlock::{RawSpinLock, SpinLock, StaticSpinLock};
pub use lock::{Guard, Lock, StaticLock};
pub use locked_by::LockedBy;
pub use revocable::{Revocable, RevocableGuard};

/// A lockdep class key, as C's `struct lock_class_key`.
///
/// Keys must be in static memory: they are made by
/// [`static_lock_class!`](crate::static_lock_class!).
///
/// # Examples
///
/// ```
/// use kernel::pinned::InPlaceInit;
/// use kernel::sync::{LockClassKey, Mutex};
///
/// // All the locks made here share one class, as lockdep sees them.
/// fn new_counter(start: u32) -> Result<Pin<Box<Mutex<u32>>>> {
///     let key: &'static LockClassKey = kernel::static_lock_class!();
///     Box::pin_init(Mutex::new(start, kernel::c_str!("counter"), key))
/// }
///
/// let a = new_counter(1)?;
/// let b = new_counter(2)?;
/// *a.lock() += 1;
/// // One at a time: lockdep would see taking both as recursive locking.
/// let a_value = *a.lock();
/// assert_eq!(a_value, *b.lock());
/// # Ok::<(), Error>(())
/// ```
#[repr(transparent)]
pub struct LockClassKey(Opaque<bindings::lock_class_key>);

// SAFETY: lockdep only uses the address of static keys, from any thread.
unsafe impl Sync for LockClassKey {}

impl LockClassKey {
    /// Makes a key; only for [`static_lock_class!`](crate::static_lock_class!).
    #[doc(hidden)]
    pub const fn new() -> Self {
        Self(Opaque::zeroed())
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::lock_class_key {
        self.0.get()
    }
}

/// Defines a lockdep class key in static memory, where it is written, and
/// evaluates to a `&'static` reference to it.
///
/// # Examples
///
/// ```
/// let a = kernel::static_lock_class!();
/// let b = kernel::static_lock_class!();
/// assert!(!core::ptr::eq(a, b));
/// ```
#[macro_export]
macro_rules! static_lock_class {
    () => {{
        static CLASS: $crate::sync::LockClassKey = $crate::sync::LockClassKey::new();
        &CLASS
    }};
}

/// The name of a lock: the given string literal, or else the file and line
/// where the macro is written.
///
/// # Examples
///
/// ```
/// assert_eq!(kernel::optional_name!("mine").to_str()?, "mine");
/// assert!(kernel::optional_name!().to_str()?.contains(".rs:"));
/// # Ok::<(), Error>(())
/// ```
#[macro_export]
macro_rules! optional_name {
    () => {
        $crate::c_str!(::core::concat!(::core::file!(), ":", ::core::line!()))
    };
    ($name:literal) => {
        $crate::c_str!($name)
    };
}

/// The name of a lock as [`optional_name!`](crate::optional_name!) makes
/// it, stored in a `static` where the macro is written, so that every
/// instance of the code (a generic or inlined function may be compiled
/// into several modules) gives lockdep the same pointer for the same class.
#[doc(hidden)]
#[macro_export]
macro_rules! __static_lock_name {
    ($($name:literal)?) => {{
        static NAME: &$crate::str::CStr = $crate::optional_name!($($name)?);
        NAME
    }};
}
