// SPDX-License-Identifier: GPL-2.0

//! Mutexes.
//!
//! C header: [`include/linux/mutex.h`](../../../../../include/linux/mutex.h)

use core::ffi::c_char;

use super::{Backend, Lock, StaticLock};

/// A mutual exclusion lock that sleeps while waiting, as C's `struct mutex`.
///
/// Only for process context; it may be held while sleeping.
///
/// # Examples
///
/// ```
/// use kernel::sync::{Mutex, Ref};
///
/// struct Counter {
///     hits: u64,
/// }
///
/// let counter: Ref<Mutex<Counter>> = Ref::pin_init(kernel::new_mutex!(Counter { hits: 0 }))?;
/// counter.lock().hits += 1;
/// assert_eq!(counter.lock().hits, 1);
/// # Ok::<(), Error>(())
/// ```
pub type Mutex<T> = Lock<T, MutexBackend>;

/// A [`Mutex`] in a `static` item, see [`StaticLock`].
///
/// # Examples
///
/// ```
/// use kernel::sync::StaticMutex;
///
/// static NAMES: StaticMutex<usize> = kernel::new_static_mutex!(0);
/// *NAMES.lock() += 1;
/// assert_eq!(*NAMES.lock(), 1);
/// ```
pub type StaticMutex<T> = StaticLock<T, MutexBackend>;

/// Makes an initialiser of a [`Mutex`] holding a value, with a lockdep
/// class of its own and an optional name (by default the file and line).
///
/// # Examples
///
/// ```
/// use kernel::sync::Ref;
///
/// let m = Ref::pin_init(kernel::new_mutex!(0u32, "my_mutex"))?;
/// *m.lock() = 3;
/// assert_eq!(*m.lock(), 3);
/// # Ok::<(), Error>(())
/// ```
#[macro_export]
macro_rules! new_mutex {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::Mutex::new(
            $data,
            $crate::__static_lock_name!($($name)?),
            $crate::static_lock_class!(),
        )
    };
}

/// Makes a [`StaticMutex`] holding a value, for a `static` item, with a
/// lockdep class of its own and an optional name.
///
/// # Examples
///
/// ```
/// use kernel::sync::StaticMutex;
///
/// static LIST_LEN: StaticMutex<u32> = kernel::new_static_mutex!(0, "LIST_LEN");
/// *LIST_LEN.lock() += 2;
/// assert_eq!(*LIST_LEN.lock(), 2);
/// ```
#[macro_export]
macro_rules! new_static_mutex {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::StaticMutex::new(
            $data,
            $crate::optional_name!($($name)?),
            $crate::static_lock_class!(),
        )
    };
}

/// The [`Backend`] of [`Mutex`].
///
/// # Examples
///
/// ```
/// use kernel::pinned::InPlaceInit;
/// use kernel::sync::lock::{mutex::MutexBackend, Lock};
///
/// // Sleeping in `f` is fine with this backend.
/// fn sleepy_update(lock: &Lock<u32, MutexBackend>, f: impl FnOnce(&mut u32)) {
///     f(&mut *lock.lock());
/// }
///
/// let m = Box::pin_init(kernel::new_mutex!(1u32))?;
/// sleepy_update(&m, |v| *v *= 10);
/// assert_eq!(*m.lock(), 10);
/// # Ok::<(), Error>(())
/// ```
pub struct MutexBackend;

// SAFETY: `mutex_lock()` and `mutex_unlock()` give mutual exclusion.
unsafe impl Backend for MutexBackend {
    type State = bindings::mutex;
    type GuardState = ();

    unsafe fn init(ptr: *mut Self::State, name: *const c_char, key: *mut bindings::lock_class_key) {
        // SAFETY: the caller guarantees that `ptr` is valid and stays in
        // place, and that `name` and `key` outlive the lock.
        unsafe { bindings::__mutex_init(ptr, name, key) };
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: the caller guarantees that the mutex is initialised.
        unsafe { bindings::mutex_lock(ptr) };
    }

    unsafe fn unlock(ptr: *mut Self::State, _guard_state: &Self::GuardState) {
        // SAFETY: the caller guarantees that it holds the mutex.
        unsafe { bindings::mutex_unlock(ptr) };
    }

    unsafe fn relock(ptr: *mut Self::State, _guard_state: &mut Self::GuardState) {
        // SAFETY: the caller guarantees that the mutex is initialised.
        unsafe { bindings::mutex_lock(ptr) };
    }
}
