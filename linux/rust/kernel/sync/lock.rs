// SPDX-License-Identifier: GPL-2.0

//! Locks protecting data, generic over the C lock behind them.
//!
//! [`Lock`] holds the data and a C lock chosen by a [`Backend`]: a mutex
//! ([`super::Mutex`]), a spinlock ([`super::SpinLock`]) or a raw spinlock
//! ([`super::RawSpinLock`]). Locking returns a [`Guard`], which gives
//! access to the data and unlocks when dropped. [`StaticLock`] is the
//! variant for `static` items.

use core::cell::UnsafeCell;
use core::ffi::c_char;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU8, Ordering};

use crate::error::Result;
use crate::pinned::{pin_init_from_closure, PinInit};
use crate::str::CStr;
use crate::sync::LockClassKey;
use crate::types::Opaque;

pub mod mutex;
pub mod spinlock;

/// A C lock, as used by [`Lock`].
///
/// # Safety
///
/// Implementers must make sure that [`Backend::lock`] excludes every
/// other holder of the lock until the matching [`Backend::unlock`].
///
/// # Examples
///
/// A lock on a flag, for data whose users never sleep:
///
/// ```
/// use core::ffi::c_char;
/// use core::sync::atomic::{AtomicBool, Ordering};
/// use kernel::bindings;
/// use kernel::pinned::InPlaceInit;
/// use kernel::sync::lock::{Backend, Lock};
///
/// /// A lock that spins on a flag, without lockdep.
/// struct FlagBackend;
///
/// // SAFETY: `lock` only returns once it has changed the flag from false to
/// // true, and only `unlock` sets it back to false.
/// unsafe impl Backend for FlagBackend {
///     type State = AtomicBool;
///     type GuardState = ();
///
///     unsafe fn init(
///         ptr: *mut AtomicBool,
///         _name: *const c_char,
///         _key: *mut bindings::lock_class_key,
///     ) {
///         // SAFETY: the caller guarantees that `ptr` is valid for writes.
///         unsafe { ptr.write(AtomicBool::new(false)) };
///     }
///
///     unsafe fn lock(ptr: *mut AtomicBool) {
///         // SAFETY: the caller guarantees that the lock is initialised.
///         let flag = unsafe { &*ptr };
///         while flag
///             .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
///             .is_err()
///         {
///             core::hint::spin_loop();
///         }
///     }
///
///     unsafe fn unlock(ptr: *mut AtomicBool, _guard_state: &()) {
///         // SAFETY: the caller guarantees that the lock is initialised (it
///         // holds it).
///         unsafe { &*ptr }.store(false, Ordering::Release);
///     }
///
///     unsafe fn relock(ptr: *mut AtomicBool, _guard_state: &mut ()) {
///         // SAFETY: the caller guarantees that the lock is initialised.
///         unsafe { Self::lock(ptr) };
///     }
/// }
///
///
/// let lock = Box::pin_init(Lock::<u32, FlagBackend>::new(
///     5,
///     kernel::c_str!("flag"),
///     kernel::static_lock_class!(),
/// ))?;
/// *lock.lock() += 1;
/// assert_eq!(*lock.lock(), 6);
/// # Ok::<(), Error>(())
/// ```
pub unsafe trait Backend {
    /// The C lock, e.g. `struct mutex`.
    type State;

    /// What a guard keeps between locking and unlocking, e.g. the saved
    /// interrupt flags.
    type GuardState;

    /// Initialises the lock.
    ///
    /// # Safety
    ///
    /// `ptr` must be valid for writes and stay at its address until
    /// dropped; `name` and `key` must be valid for as long as the lock.
    ///
    /// # Examples
    ///
    /// [`Lock::new`] calls it; the `FlagBackend` of [`Backend`] makes its
    /// flag clear:
    ///
    /// ```
    /// # use core::ffi::c_char;
    /// # use core::sync::atomic::{AtomicBool, Ordering};
    /// # use kernel::bindings;
    /// # use kernel::sync::lock::{Backend, Lock};
    /// #
    /// # /// A lock that spins on a flag, without lockdep.
    /// # struct FlagBackend;
    /// #
    /// # // SAFETY: `lock` only returns once it has changed the flag from false to
    /// # // true, and only `unlock` sets it back to false.
    /// # unsafe impl Backend for FlagBackend {
    /// #     type State = AtomicBool;
    /// #     type GuardState = ();
    /// #
    /// #     unsafe fn init(
    /// #         ptr: *mut AtomicBool,
    /// #         _name: *const c_char,
    /// #         _key: *mut bindings::lock_class_key,
    /// #     ) {
    /// #         // SAFETY: the caller guarantees that `ptr` is valid for writes.
    /// #         unsafe { ptr.write(AtomicBool::new(false)) };
    /// #     }
    /// #
    /// #     unsafe fn lock(ptr: *mut AtomicBool) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised.
    /// #         let flag = unsafe { &*ptr };
    /// #         while flag
    /// #             .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
    /// #             .is_err()
    /// #         {
    /// #             core::hint::spin_loop();
    /// #         }
    /// #     }
    /// #
    /// #     unsafe fn unlock(ptr: *mut AtomicBool, _guard_state: &()) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised (it
    /// #         // holds it).
    /// #         unsafe { &*ptr }.store(false, Ordering::Release);
    /// #     }
    /// #
    /// #     unsafe fn relock(ptr: *mut AtomicBool, _guard_state: &mut ()) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised.
    /// #         unsafe { Self::lock(ptr) };
    /// #     }
    /// # }
    /// #
    /// let mut state = AtomicBool::new(true);
    /// let key = kernel::static_lock_class!() as *const _ as *mut bindings::lock_class_key;
    /// // SAFETY: `state` is valid for writes and not moved afterwards; the
    /// // name and key are static.
    /// unsafe { FlagBackend::init(&mut state, kernel::c_str!("flag").as_char_ptr(), key) };
    /// assert!(!state.load(Ordering::Relaxed));
    /// ```
    unsafe fn init(ptr: *mut Self::State, name: *const c_char, key: *mut bindings::lock_class_key);

    /// Takes the lock, waiting for it as needed.
    ///
    /// # Safety
    ///
    /// `ptr` must point to an initialised lock.
    ///
    /// # Examples
    ///
    /// [`Lock::lock`] calls it; with the `FlagBackend` of [`Backend`]:
    ///
    /// ```
    /// # use core::ffi::c_char;
    /// # use core::sync::atomic::{AtomicBool, Ordering};
    /// # use kernel::bindings;
    /// # use kernel::sync::lock::{Backend, Lock};
    /// #
    /// # /// A lock that spins on a flag, without lockdep.
    /// # struct FlagBackend;
    /// #
    /// # // SAFETY: `lock` only returns once it has changed the flag from false to
    /// # // true, and only `unlock` sets it back to false.
    /// # unsafe impl Backend for FlagBackend {
    /// #     type State = AtomicBool;
    /// #     type GuardState = ();
    /// #
    /// #     unsafe fn init(
    /// #         ptr: *mut AtomicBool,
    /// #         _name: *const c_char,
    /// #         _key: *mut bindings::lock_class_key,
    /// #     ) {
    /// #         // SAFETY: the caller guarantees that `ptr` is valid for writes.
    /// #         unsafe { ptr.write(AtomicBool::new(false)) };
    /// #     }
    /// #
    /// #     unsafe fn lock(ptr: *mut AtomicBool) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised.
    /// #         let flag = unsafe { &*ptr };
    /// #         while flag
    /// #             .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
    /// #             .is_err()
    /// #         {
    /// #             core::hint::spin_loop();
    /// #         }
    /// #     }
    /// #
    /// #     unsafe fn unlock(ptr: *mut AtomicBool, _guard_state: &()) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised (it
    /// #         // holds it).
    /// #         unsafe { &*ptr }.store(false, Ordering::Release);
    /// #     }
    /// #
    /// #     unsafe fn relock(ptr: *mut AtomicBool, _guard_state: &mut ()) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised.
    /// #         unsafe { Self::lock(ptr) };
    /// #     }
    /// # }
    /// #
    /// let state = AtomicBool::new(false);
    /// let ptr = core::ptr::from_ref(&state).cast_mut();
    /// // SAFETY: `state` is an initialised (clear) flag.
    /// unsafe { FlagBackend::lock(ptr) };
    /// assert!(state.load(Ordering::Relaxed));
    /// // SAFETY: the lock was taken just above.
    /// unsafe { FlagBackend::unlock(ptr, &()) };
    /// ```
    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState;

    /// Releases the lock.
    ///
    /// # Safety
    ///
    /// The caller must hold the lock, taken with the `guard_state` given.
    ///
    /// # Examples
    ///
    /// Dropping a [`Guard`] calls it; with the `FlagBackend` of
    /// [`Backend`]:
    ///
    /// ```
    /// # use core::ffi::c_char;
    /// # use core::sync::atomic::{AtomicBool, Ordering};
    /// # use kernel::bindings;
    /// # use kernel::sync::lock::{Backend, Lock};
    /// #
    /// # /// A lock that spins on a flag, without lockdep.
    /// # struct FlagBackend;
    /// #
    /// # // SAFETY: `lock` only returns once it has changed the flag from false to
    /// # // true, and only `unlock` sets it back to false.
    /// # unsafe impl Backend for FlagBackend {
    /// #     type State = AtomicBool;
    /// #     type GuardState = ();
    /// #
    /// #     unsafe fn init(
    /// #         ptr: *mut AtomicBool,
    /// #         _name: *const c_char,
    /// #         _key: *mut bindings::lock_class_key,
    /// #     ) {
    /// #         // SAFETY: the caller guarantees that `ptr` is valid for writes.
    /// #         unsafe { ptr.write(AtomicBool::new(false)) };
    /// #     }
    /// #
    /// #     unsafe fn lock(ptr: *mut AtomicBool) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised.
    /// #         let flag = unsafe { &*ptr };
    /// #         while flag
    /// #             .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
    /// #             .is_err()
    /// #         {
    /// #             core::hint::spin_loop();
    /// #         }
    /// #     }
    /// #
    /// #     unsafe fn unlock(ptr: *mut AtomicBool, _guard_state: &()) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised (it
    /// #         // holds it).
    /// #         unsafe { &*ptr }.store(false, Ordering::Release);
    /// #     }
    /// #
    /// #     unsafe fn relock(ptr: *mut AtomicBool, _guard_state: &mut ()) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised.
    /// #         unsafe { Self::lock(ptr) };
    /// #     }
    /// # }
    /// #
    /// let state = AtomicBool::new(false);
    /// let ptr = core::ptr::from_ref(&state).cast_mut();
    /// // SAFETY: `state` is an initialised (clear) flag.
    /// let guard_state = unsafe { FlagBackend::lock(ptr) };
    /// // SAFETY: the lock was taken just above, giving `guard_state`.
    /// unsafe { FlagBackend::unlock(ptr, &guard_state) };
    /// assert!(!state.load(Ordering::Relaxed));
    /// ```
    unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState);

    /// Takes the lock again, the same way it was taken for `guard_state`,
    /// after [`Backend::unlock`].
    ///
    /// # Safety
    ///
    /// As for [`Backend::lock`]; the caller must not hold the lock.
    ///
    /// # Examples
    ///
    /// Waiting on a [`CondVar`](super::CondVar) calls it, after the lock
    /// was released; with the `FlagBackend` of [`Backend`]:
    ///
    /// ```
    /// # use core::ffi::c_char;
    /// # use core::sync::atomic::{AtomicBool, Ordering};
    /// # use kernel::bindings;
    /// # use kernel::sync::lock::{Backend, Lock};
    /// #
    /// # /// A lock that spins on a flag, without lockdep.
    /// # struct FlagBackend;
    /// #
    /// # // SAFETY: `lock` only returns once it has changed the flag from false to
    /// # // true, and only `unlock` sets it back to false.
    /// # unsafe impl Backend for FlagBackend {
    /// #     type State = AtomicBool;
    /// #     type GuardState = ();
    /// #
    /// #     unsafe fn init(
    /// #         ptr: *mut AtomicBool,
    /// #         _name: *const c_char,
    /// #         _key: *mut bindings::lock_class_key,
    /// #     ) {
    /// #         // SAFETY: the caller guarantees that `ptr` is valid for writes.
    /// #         unsafe { ptr.write(AtomicBool::new(false)) };
    /// #     }
    /// #
    /// #     unsafe fn lock(ptr: *mut AtomicBool) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised.
    /// #         let flag = unsafe { &*ptr };
    /// #         while flag
    /// #             .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
    /// #             .is_err()
    /// #         {
    /// #             core::hint::spin_loop();
    /// #         }
    /// #     }
    /// #
    /// #     unsafe fn unlock(ptr: *mut AtomicBool, _guard_state: &()) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised (it
    /// #         // holds it).
    /// #         unsafe { &*ptr }.store(false, Ordering::Release);
    /// #     }
    /// #
    /// #     unsafe fn relock(ptr: *mut AtomicBool, _guard_state: &mut ()) {
    /// #         // SAFETY: the caller guarantees that the lock is initialised.
    /// #         unsafe { Self::lock(ptr) };
    /// #     }
    /// # }
    /// #
    /// let state = AtomicBool::new(false);
    /// let ptr = core::ptr::from_ref(&state).cast_mut();
    /// // SAFETY: `state` is an initialised (clear) flag.
    /// let mut guard_state = unsafe { FlagBackend::lock(ptr) };
    /// // SAFETY: the lock was taken just above, giving `guard_state`.
    /// unsafe { FlagBackend::unlock(ptr, &guard_state) };
    /// // SAFETY: the lock is initialised, and was released above.
    /// unsafe { FlagBackend::relock(ptr, &mut guard_state) };
    /// assert!(state.load(Ordering::Relaxed));
    /// // SAFETY: the lock was taken again just above.
    /// unsafe { FlagBackend::unlock(ptr, &guard_state) };
    /// ```
    unsafe fn relock(ptr: *mut Self::State, guard_state: &mut Self::GuardState);
}

/// Data protected by a C lock.
///
/// Made in place by [`Lock::new`], usually through a macro such as
/// [`new_mutex!`](crate::new_mutex!).
///
/// # Invariants
///
/// `state` is an initialised lock of the backend, which never moves.
///
/// # Examples
///
/// ```
/// use kernel::sync::{Mutex, Ref};
///
/// let lock: Ref<Mutex<Vec<u32>>> = Ref::pin_init(kernel::new_mutex!(Vec::new()))?;
/// lock.lock().try_push(1)?;
/// assert_eq!(lock.lock().len(), 1);
/// # Ok::<(), Error>(())
/// ```
pub struct Lock<T, B: Backend> {
    state: Opaque<B::State>,
    data: UnsafeCell<T>,
}

// SAFETY: the lock may be moved to another thread along with its data.
unsafe impl<T: Send, B: Backend> Send for Lock<T, B> {}

// SAFETY: the lock gives one thread at a time access to the data, which
// therefore only needs to be `Send`.
unsafe impl<T: Send, B: Backend> Sync for Lock<T, B> {}

impl<T, B: Backend> Lock<T, B> {
    /// An initialiser of a lock holding `data`, with a lockdep class
    /// `key` and `name`. The macros such as
    /// [`new_mutex!`](crate::new_mutex!) provide both.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::pinned::InPlaceInit;
    /// use kernel::sync::Mutex;
    ///
    /// let m = Box::pin_init(Mutex::new(0u8, kernel::c_str!("m"), kernel::static_lock_class!()))?;
    /// assert_eq!(*m.lock(), 0);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(data: T, name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self> {
        let init = move |slot: *mut Self| -> Result {
            // SAFETY: `slot` is valid for writes.
            unsafe { core::ptr::addr_of_mut!((*slot).data).write(UnsafeCell::new(data)) };
            // SAFETY: `slot` is valid for writes and never moves; the name
            // and key are static.
            unsafe {
                B::init(
                    Opaque::raw_get(core::ptr::addr_of!((*slot).state)),
                    name.as_char_ptr(),
                    key.as_ptr(),
                )
            };
            Ok(())
        };
        // SAFETY: the closure initialises both fields and cannot fail.
        unsafe { pin_init_from_closure(init) }
    }

    /// A pointer to the protected data.
    pub(crate) fn data_ptr(&self) -> *mut T {
        self.data.get()
    }

    /// Makes a lock whose C part is still to be initialised.
    const fn uninit(data: T) -> Self {
        Self {
            state: Opaque::uninit(),
            data: UnsafeCell::new(data),
        }
    }

    /// Takes the lock, waiting for it as needed.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Ref;
    ///
    /// let lock = Ref::pin_init(kernel::new_spinlock!(1u32))?;
    /// {
    ///     let mut guard = lock.lock();
    ///     *guard += 1;
    /// }
    /// assert_eq!(*lock.lock(), 2);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn lock(&self) -> Guard<'_, T, B> {
        // SAFETY: the lock is initialised by the type invariant.
        let state = unsafe { B::lock(self.state.get()) };
        // SAFETY: the lock was just taken.
        unsafe { Guard::new(self, state) }
    }
}

/// Access to the data of a locked [`Lock`]; unlocks when dropped.
///
/// # Invariants
///
/// The lock is held, with `state`, for as long as the guard lives.
///
/// # Examples
///
/// ```
/// use kernel::sync::Ref;
///
/// let lock = Ref::pin_init(kernel::new_mutex!((0u32, 0u32)))?;
/// let mut guard = lock.lock();
/// guard.0 = 1;
/// guard.1 = 2;
/// drop(guard);
/// assert_eq!(*lock.lock(), (1, 2));
/// # Ok::<(), Error>(())
/// ```
pub struct Guard<'a, T, B: Backend> {
    pub(crate) lock: &'a Lock<T, B>,
    pub(crate) state: B::GuardState,
    // Locks are released by the thread that took them.
    _not_send: PhantomData<*mut ()>,
}

// SAFETY: a shared guard only gives `&T`, which needs `T: Sync`.
unsafe impl<T: Sync, B: Backend> Sync for Guard<'_, T, B> {}

impl<'a, T, B: Backend> Guard<'a, T, B> {
    /// Makes a guard for a lock that was just taken.
    ///
    /// # Safety
    ///
    /// The caller must hold `lock`, taken with `state`, and hand it over.
    pub(crate) unsafe fn new(lock: &'a Lock<T, B>, state: B::GuardState) -> Self {
        // INVARIANT: the caller hands over the held lock.
        Self {
            lock,
            state,
            _not_send: PhantomData,
        }
    }

    /// Releases the lock, runs `f`, and takes the lock again.
    pub(crate) fn do_unlocked<U>(&mut self, f: impl FnOnce() -> U) -> U {
        // SAFETY: the lock is held, with `self.state`, by the type
        // invariant.
        unsafe { B::unlock(self.lock.state.get(), &self.state) };
        let ret = f();
        // INVARIANT: the lock is taken again before returning.
        // SAFETY: the lock is initialised and was released above.
        unsafe { B::relock(self.lock.state.get(), &mut self.state) };
        ret
    }
}

impl<T, B: Backend> Deref for Guard<'_, T, B> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the lock is held by the type invariant, so no one else
        // accesses the data.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T, B: Backend> DerefMut for Guard<'_, T, B> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the lock is held by the type invariant, so no one else
        // accesses the data.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T, B: Backend> Drop for Guard<'_, T, B> {
    fn drop(&mut self) {
        // SAFETY: the lock is held, with `self.state`, by the type
        // invariant, and is released once, here.
        unsafe { B::unlock(self.lock.state.get(), &self.state) };
    }
}

/// The lock has not been initialised yet.
const UNINIT: u8 = 0;
/// A thread is initialising the lock.
const INITIALISING: u8 = 1;
/// The lock is ready for use.
const READY: u8 = 2;

/// A [`Lock`] for `static` items.
///
/// A `static` cannot run the C initialiser, so the lock is initialised on
/// its first use, once, with a lockdep class and name given at the
/// definition (see [`new_static_mutex!`](crate::new_static_mutex!)). The
/// C initialisers such as `DEFINE_MUTEX()` depend on the configuration in
/// ways Rust constants cannot follow; this costs one atomic load per
/// locking instead.
///
/// Locking needs a `&'static` reference, so the lock cannot move after
/// its initialisation.
///
/// # Examples
///
/// ```
/// use kernel::sync::StaticMutex;
///
/// static COUNTER: StaticMutex<u32> = kernel::new_static_mutex!(0, "COUNTER");
///
/// *COUNTER.lock() += 1;
/// assert!(*COUNTER.lock() >= 1);
/// ```
pub struct StaticLock<T, B: Backend> {
    lock: Lock<T, B>,
    ready: AtomicU8,
    name: &'static CStr,
    key: &'static LockClassKey,
}

impl<T, B: Backend> StaticLock<T, B> {
    /// Makes a lock, initialised on first use; use the macros such as
    /// [`new_static_mutex!`](crate::new_static_mutex!) instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::StaticSpinLock;
    ///
    /// static FLAG: StaticSpinLock<bool> = StaticSpinLock::new(
    ///     false,
    ///     kernel::c_str!("FLAG"),
    ///     kernel::static_lock_class!(),
    /// );
    /// *FLAG.lock() = true;
    /// assert!(*FLAG.lock());
    /// ```
    pub const fn new(data: T, name: &'static CStr, key: &'static LockClassKey) -> Self {
        Self {
            lock: Lock::uninit(data),
            ready: AtomicU8::new(UNINIT),
            name,
            key,
        }
    }

    /// Takes the lock, initialising it first if this is its first use.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::StaticSpinLock;
    ///
    /// static TOTAL: StaticSpinLock<u64> = kernel::new_static_spinlock!(0);
    /// *TOTAL.lock() += 5;
    /// assert_eq!(*TOTAL.lock(), 5);
    /// ```
    pub fn lock(&'static self) -> Guard<'static, T, B> {
        self.ensure_init();
        self.lock.lock()
    }

    /// The lock, initialised, for what takes a [`Lock`] rather than a
    /// [`StaticLock`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::{Mutex, StaticMutex};
    ///
    /// fn add(total: &Mutex<u32>, n: u32) {
    ///     *total.lock() += n;
    /// }
    ///
    /// static TOTAL: StaticMutex<u32> = kernel::new_static_mutex!(1, "TOTAL");
    /// add(TOTAL.get(), 2);
    /// assert_eq!(*TOTAL.lock(), 3);
    /// ```
    pub fn get(&'static self) -> &'static Lock<T, B> {
        self.ensure_init();
        &self.lock
    }

    fn ensure_init(&'static self) {
        if self.ready.load(Ordering::Acquire) == READY {
            return;
        }
        match self.ready.compare_exchange(
            UNINIT,
            INITIALISING,
            Ordering::Acquire,
            Ordering::Acquire,
        ) {
            Ok(_) => {
                // SAFETY: the lock is `'static` so never moves, and only
                // this thread initialises it (it won the exchange); the
                // name and key are static.
                unsafe {
                    B::init(
                        self.lock.state.get(),
                        self.name.as_char_ptr(),
                        self.key.as_ptr(),
                    )
                };
                self.ready.store(READY, Ordering::Release);
            }
            Err(_) => {
                // Another thread initialises it: the C initialisers are
                // short and do not sleep.
                while self.ready.load(Ordering::Acquire) != READY {
                    core::hint::spin_loop();
                }
            }
        }
    }
}
