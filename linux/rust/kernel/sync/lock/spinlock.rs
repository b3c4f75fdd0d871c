// SPDX-License-Identifier: GPL-2.0

//! Spinlocks.
//!
//! C header: [`include/linux/spinlock.h`](../../../../../include/linux/spinlock.h)

use core::ffi::{c_char, c_ulong};

use super::{Backend, Guard, Lock, StaticLock};

/// A lock that busy-waits, as C's `spinlock_t`.
///
/// Code holding it must not sleep. [`SpinLock::lock_irqsave`] also
/// disables interrupts on the local CPU, for data shared with interrupt
/// handlers. With `CONFIG_PREEMPT_RT` a `spinlock_t` is a sleeping lock,
/// use [`RawSpinLock`] where that matters.
///
/// # Examples
///
/// ```
/// use kernel::sync::{Ref, SpinLock};
///
/// let stats: Ref<SpinLock<(u32, u32)>> = Ref::pin_init(kernel::new_spinlock!((0, 0)))?;
/// stats.lock().0 += 1;
/// stats.lock_irqsave().1 += 1;
/// assert_eq!(*stats.lock(), (1, 1));
/// # Ok::<(), Error>(())
/// ```
pub type SpinLock<T> = Lock<T, SpinLockBackend>;

/// A [`SpinLock`] in a `static` item, see [`StaticLock`].
///
/// # Examples
///
/// ```
/// use kernel::sync::StaticSpinLock;
///
/// static EVENTS: StaticSpinLock<u32> = kernel::new_static_spinlock!(0, "EVENTS");
/// *EVENTS.lock() += 1;
/// assert_eq!(*EVENTS.lock_irqsave(), 1);
/// ```
pub type StaticSpinLock<T> = StaticLock<T, SpinLockBackend>;

/// A spinlock that stays a spinlock with `CONFIG_PREEMPT_RT`, as C's
/// `raw_spinlock_t`.
///
/// # Examples
///
/// ```
/// use kernel::sync::{RawSpinLock, Ref};
///
/// let lock: Ref<RawSpinLock<u32>> = Ref::pin_init(kernel::new_raw_spinlock!(7, "raw"))?;
/// assert_eq!(*lock.lock(), 7);
/// # Ok::<(), Error>(())
/// ```
pub type RawSpinLock<T> = Lock<T, RawSpinLockBackend>;

/// Makes an initialiser of a [`SpinLock`] holding a value, with a lockdep
/// class of its own and an optional name (by default the file and line).
///
/// # Examples
///
/// ```
/// use kernel::sync::Ref;
///
/// let s = Ref::pin_init(kernel::new_spinlock!(0u8, "my_spinlock"))?;
/// *s.lock() = 1;
/// assert_eq!(*s.lock(), 1);
/// # Ok::<(), Error>(())
/// ```
#[macro_export]
macro_rules! new_spinlock {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::SpinLock::new(
            $data,
            $crate::__static_lock_name!($($name)?),
            $crate::static_lock_class!(),
        )
    };
}

/// Makes an initialiser of a [`RawSpinLock`] holding a value, with a
/// lockdep class of its own and an optional name.
///
/// # Examples
///
/// ```
/// use kernel::sync::Ref;
///
/// let s = Ref::pin_init(kernel::new_raw_spinlock!(0u8))?;
/// *s.lock() = 1;
/// assert_eq!(*s.lock(), 1);
/// # Ok::<(), Error>(())
/// ```
#[macro_export]
macro_rules! new_raw_spinlock {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::RawSpinLock::new(
            $data,
            $crate::__static_lock_name!($($name)?),
            $crate::static_lock_class!(),
        )
    };
}

/// Makes a [`StaticSpinLock`] holding a value, for a `static` item, with
/// a lockdep class of its own and an optional name.
///
/// # Examples
///
/// ```
/// use kernel::sync::StaticSpinLock;
///
/// static HITS: StaticSpinLock<u32> = kernel::new_static_spinlock!(0);
/// *HITS.lock_irqsave() += 1;
/// assert_eq!(*HITS.lock(), 1);
/// ```
#[macro_export]
macro_rules! new_static_spinlock {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::StaticSpinLock::new(
            $data,
            $crate::optional_name!($($name)?),
            $crate::static_lock_class!(),
        )
    };
}

impl<T> SpinLock<T> {
    /// Takes the lock with interrupts disabled on the local CPU, as C's
    /// `spin_lock_irqsave()`; the guard restores them when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Ref;
    ///
    /// let s = Ref::pin_init(kernel::new_spinlock!(0u32))?;
    /// *s.lock_irqsave() += 1;
    /// assert_eq!(*s.lock(), 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn lock_irqsave(&self) -> Guard<'_, T, SpinLockBackend> {
        // SAFETY: the lock is initialised by the type invariant.
        let flags = unsafe { bindings::spin_lock_irqsave(self.state.get()) };
        // SAFETY: the lock was just taken, saving `flags`.
        unsafe { Guard::new(self, Some(flags)) }
    }
}

impl<T> StaticSpinLock<T> {
    /// As [`SpinLock::lock_irqsave`], initialising the lock first if this
    /// is its first use.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::StaticSpinLock;
    ///
    /// static IRQ_COUNT: StaticSpinLock<u32> = kernel::new_static_spinlock!(0);
    /// *IRQ_COUNT.lock_irqsave() += 1;
    /// assert_eq!(*IRQ_COUNT.lock_irqsave(), 1);
    /// ```
    pub fn lock_irqsave(&'static self) -> Guard<'static, T, SpinLockBackend> {
        self.get().lock_irqsave()
    }
}

/// The [`Backend`] of [`SpinLock`].
///
/// The guard state holds the saved interrupt flags when the lock was
/// taken by [`SpinLock::lock_irqsave`].
///
/// # Examples
///
/// ```
/// use kernel::pinned::InPlaceInit;
/// use kernel::sync::lock::{spinlock::SpinLockBackend, Guard};
///
/// // Works with guards of `lock()` and `lock_irqsave()` alike.
/// fn bump(guard: &mut Guard<'_, u32, SpinLockBackend>) {
///     **guard += 1;
/// }
///
/// let s = Box::pin_init(kernel::new_spinlock!(0u32))?;
/// bump(&mut s.lock());
/// bump(&mut s.lock_irqsave());
/// assert_eq!(*s.lock(), 2);
/// # Ok::<(), Error>(())
/// ```
pub struct SpinLockBackend;

// SAFETY: `spin_lock()` and `spin_unlock()`, and their `irqsave` variants,
// give mutual exclusion.
unsafe impl Backend for SpinLockBackend {
    type State = bindings::spinlock_t;
    type GuardState = Option<c_ulong>;

    unsafe fn init(ptr: *mut Self::State, name: *const c_char, key: *mut bindings::lock_class_key) {
        // SAFETY: the caller guarantees that `ptr` is valid and stays in
        // place, and that `name` and `key` outlive the lock.
        unsafe { bindings::spin_lock_init(ptr, name, key) };
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: the caller guarantees that the lock is initialised.
        unsafe { bindings::spin_lock(ptr) };
        None
    }

    unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState) {
        match *guard_state {
            // SAFETY: the caller guarantees that it holds the lock, taken
            // with `spin_lock_irqsave()`, which saved `flags`.
            Some(flags) => unsafe { bindings::spin_unlock_irqrestore(ptr, flags) },
            // SAFETY: the caller guarantees that it holds the lock.
            None => unsafe { bindings::spin_unlock(ptr) },
        }
    }

    unsafe fn relock(ptr: *mut Self::State, guard_state: &mut Self::GuardState) {
        *guard_state = match guard_state {
            // SAFETY: the caller guarantees that the lock is initialised.
            Some(_) => Some(unsafe { bindings::spin_lock_irqsave(ptr) }),
            // SAFETY: the caller guarantees that the lock is initialised.
            None => unsafe { Self::lock(ptr) },
        };
    }
}

/// The [`Backend`] of [`RawSpinLock`].
///
/// # Examples
///
/// ```
/// use kernel::pinned::InPlaceInit;
/// use kernel::sync::lock::{spinlock::RawSpinLockBackend, Lock};
///
/// let r: Pin<Box<Lock<u8, RawSpinLockBackend>>> = Box::pin_init(kernel::new_raw_spinlock!(0))?;
/// *r.lock() = 9;
/// assert_eq!(*r.lock(), 9);
/// # Ok::<(), Error>(())
/// ```
pub struct RawSpinLockBackend;

// SAFETY: `raw_spin_lock()` and `raw_spin_unlock()` give mutual exclusion.
unsafe impl Backend for RawSpinLockBackend {
    type State = bindings::raw_spinlock_t;
    type GuardState = ();

    unsafe fn init(ptr: *mut Self::State, name: *const c_char, key: *mut bindings::lock_class_key) {
        // SAFETY: the caller guarantees that `ptr` is valid and stays in
        // place, and that `name` and `key` outlive the lock.
        unsafe { bindings::raw_spin_lock_init(ptr, name, key) };
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: the caller guarantees that the lock is initialised.
        unsafe { bindings::raw_spin_lock(ptr) };
    }

    unsafe fn unlock(ptr: *mut Self::State, _guard_state: &Self::GuardState) {
        // SAFETY: the caller guarantees that it holds the lock.
        unsafe { bindings::raw_spin_unlock(ptr) };
    }

    unsafe fn relock(ptr: *mut Self::State, _guard_state: &mut Self::GuardState) {
        // SAFETY: the caller guarantees that the lock is initialised.
        unsafe { bindings::raw_spin_lock(ptr) };
    }
}
