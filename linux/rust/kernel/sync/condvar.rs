// SPDX-License-Identifier: GPL-2.0

//! Condition variables.
//!
//! C header: [`include/linux/wait.h`](../../../../include/linux/wait.h)

use core::ptr;

use crate::error::Result;
use crate::pinned::{pin_init_from_closure, PinInit};
use crate::str::CStr;
use crate::sync::lock::{Backend, Guard};
use crate::sync::LockClassKey;
use crate::task::Task;
use crate::types::Opaque;

/// Makes an initialiser of a [`CondVar`], with a lockdep class of its own
/// and an optional name (by default the file and line).
///
/// # Examples
///
/// ```
/// use kernel::sync::Ref;
///
/// let named = Ref::pin_init(kernel::new_condvar!("my_condvar"))?;
/// let unnamed = Ref::pin_init(kernel::new_condvar!())?;
/// assert!(!Ref::ptr_eq(&named, &unnamed));
/// // No one waits yet: nothing to wake.
/// named.notify_one();
/// # Ok::<(), Error>(())
/// ```
#[macro_export]
macro_rules! new_condvar {
    ($($name:literal)? $(,)?) => {
        $crate::sync::CondVar::new(
            $crate::__static_lock_name!($($name)?),
            $crate::static_lock_class!(),
        )
    };
}

/// A condition variable: lets threads sleep until a condition on data
/// protected by a lock becomes true, as other threads change the data and
/// notify.
///
/// Built on a C wait queue (`wait_queue_head_t`). Waiters always check the
/// condition again after waking, in a loop: wake-ups may be spurious.
///
/// # Invariants
///
/// `wait_list` is an initialised wait queue head, which never moves.
///
/// # Examples
///
/// ```
/// use kernel::kthread::Thread;
/// use kernel::sync::{CondVar, Mutex, Ref};
///
/// let slot: Ref<Mutex<Option<u32>>> = Ref::pin_init(kernel::new_mutex!(None))?;
/// let filled: Ref<CondVar> = Ref::pin_init(kernel::new_condvar!())?;
///
/// // A consumer waits for a value, and doubles it.
/// let consumer = {
///     let (slot, filled) = (slot.clone(), filled.clone());
///     Thread::spawn(kernel::c_str!("rust_consumer"), move || {
///         let mut guard = slot.lock();
///         while guard.is_none() {
///             filled.wait(&mut guard);
///         }
///         *guard = guard.map(|v| v * 2);
///     })?
/// };
///
/// *slot.lock() = Some(21);
/// filled.notify_one();
/// consumer.join();
/// assert_eq!(*slot.lock(), Some(42));
/// # Ok::<(), Error>(())
/// ```
pub struct CondVar {
    wait_list: Opaque<bindings::wait_queue_head>,
}

// SAFETY: the wait queue may be used from any thread; it has its own lock.
unsafe impl Send for CondVar {}

// SAFETY: as for `Send`, all operations on the wait queue are locked.
unsafe impl Sync for CondVar {}

impl CondVar {
    /// An initialiser of a condition variable, with a lockdep class `key`
    /// and `name`; [`new_condvar!`](crate::new_condvar!) provides both.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::pinned::InPlaceInit;
    /// use kernel::sync::CondVar;
    ///
    /// let cv = Box::pin_init(CondVar::new(kernel::c_str!("cv"), kernel::static_lock_class!()))?;
    /// cv.notify_all();
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self> {
        let init = move |slot: *mut Self| -> Result {
            // INVARIANT: the wait queue head is initialised here and never
            // moves by the requirements of `PinInit`.
            // SAFETY: `slot` is valid for writes, and the name and key are
            // static.
            unsafe {
                bindings::__init_waitqueue_head(
                    Opaque::raw_get(ptr::addr_of!((*slot).wait_list)),
                    name.as_char_ptr(),
                    key.as_ptr(),
                )
            };
            Ok(())
        };
        // SAFETY: the closure initialises the only field and cannot fail.
        unsafe { pin_init_from_closure(init) }
    }

    fn wait_internal<T, B: Backend>(&self, task_state: u32, guard: &mut Guard<'_, T, B>) {
        let wait = Opaque::<bindings::wait_queue_entry>::uninit();

        // SAFETY: `wait` is valid for writes; it stays on this stack frame
        // until `finish_wait()` takes it off the queue below.
        unsafe { bindings::init_wait_entry(wait.get(), 0) };

        // SAFETY: the wait queue and the entry are both initialised.
        unsafe {
            bindings::prepare_to_wait_exclusive(self.wait_list.get(), wait.get(), task_state as _)
        };

        // SAFETY: `schedule()` may be called in process context, and the
        // lock is released while sleeping.
        guard.do_unlocked(|| unsafe { bindings::schedule() });

        // SAFETY: the wait queue and the entry are both initialised.
        unsafe { bindings::finish_wait(self.wait_list.get(), wait.get()) };
    }

    /// Releases the lock of `guard` and sleeps until notified, then takes
    /// the lock again. Signals do not wake the thread.
    ///
    /// Must be called in process context.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::kthread::Thread;
    /// use kernel::sync::Ref;
    ///
    /// let items = Ref::pin_init(kernel::new_spinlock!(0u32))?;
    /// let cv = Ref::pin_init(kernel::new_condvar!())?;
    ///
    /// let producer = {
    ///     let (items, cv) = (items.clone(), cv.clone());
    ///     Thread::spawn(kernel::c_str!("rust_producer"), move || {
    ///         *items.lock() += 1;
    ///         cv.notify_one();
    ///     })?
    /// };
    ///
    /// // Waits for an item, and takes it.
    /// let mut guard = items.lock();
    /// while *guard == 0 {
    ///     cv.wait(&mut guard);
    /// }
    /// *guard -= 1;
    /// assert_eq!(*guard, 0);
    /// drop(guard);
    /// producer.join();
    /// # Ok::<(), Error>(())
    /// ```
    pub fn wait<T, B: Backend>(&self, guard: &mut Guard<'_, T, B>) {
        self.wait_internal(bindings::TASK_UNINTERRUPTIBLE as _, guard);
    }

    /// As [`CondVar::wait`], but a signal also wakes the thread; returns
    /// whether a signal is pending, in which case the caller usually gives
    /// up with `EINTR` (or `ERESTARTSYS`).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::kthread::Thread;
    /// use kernel::sync::Ref;
    ///
    /// let done = Ref::pin_init(kernel::new_mutex!(false))?;
    /// let cv = Ref::pin_init(kernel::new_condvar!())?;
    ///
    /// let worker = {
    ///     let (done, cv) = (done.clone(), cv.clone());
    ///     Thread::spawn(kernel::c_str!("rust_worker"), move || {
    ///         *done.lock() = true;
    ///         cv.notify_all();
    ///     })?
    /// };
    ///
    /// let mut guard = done.lock();
    /// while !*guard {
    ///     if cv.wait_interruptible(&mut guard) {
    ///         return Err(EINTR);
    ///     }
    /// }
    /// assert!(*guard);
    /// drop(guard);
    /// worker.join();
    /// # Ok::<(), Error>(())
    /// ```
    pub fn wait_interruptible<T, B: Backend>(&self, guard: &mut Guard<'_, T, B>) -> bool {
        self.wait_internal(bindings::TASK_INTERRUPTIBLE as _, guard);
        Task::current().signal_pending()
    }

    fn notify(&self, count: i32) {
        // SAFETY: the wait queue is initialised by the type invariant.
        unsafe {
            bindings::__wake_up(
                self.wait_list.get(),
                bindings::TASK_NORMAL as _,
                count,
                ptr::null_mut(),
            )
        };
    }

    /// Wakes one waiter, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::kthread::Thread;
    /// use kernel::sync::Ref;
    ///
    /// let go = Ref::pin_init(kernel::new_mutex!(false))?;
    /// let cv = Ref::pin_init(kernel::new_condvar!())?;
    ///
    /// let waiter = {
    ///     let (go, cv) = (go.clone(), cv.clone());
    ///     Thread::spawn(kernel::c_str!("rust_waiter"), move || {
    ///         let mut guard = go.lock();
    ///         while !*guard {
    ///             cv.wait(&mut guard);
    ///         }
    ///         // Acknowledge.
    ///         *guard = false;
    ///     })?
    /// };
    ///
    /// *go.lock() = true;
    /// cv.notify_one();
    /// waiter.join();
    /// assert!(!*go.lock());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn notify_one(&self) {
        self.notify(1);
    }

    /// Wakes all waiters.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::kthread::Thread;
    /// use kernel::sync::Ref;
    ///
    /// // `(go, woken)`.
    /// let state = Ref::pin_init(kernel::new_mutex!((false, 0u32)))?;
    /// let cv = Ref::pin_init(kernel::new_condvar!())?;
    ///
    /// let mut waiters = Vec::new();
    /// for _ in 0..2 {
    ///     let (state, cv) = (state.clone(), cv.clone());
    ///     waiters.try_push(Thread::spawn(kernel::c_str!("rust_waiter"), move || {
    ///         let mut guard = state.lock();
    ///         while !guard.0 {
    ///             cv.wait(&mut guard);
    ///         }
    ///         guard.1 += 1;
    ///     })?)?;
    /// }
    ///
    /// state.lock().0 = true;
    /// cv.notify_all();
    /// for waiter in waiters {
    ///     waiter.join();
    /// }
    /// assert_eq!(state.lock().1, 2);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn notify_all(&self) {
        self.notify(0);
    }

    /// The C wait queue, for C functions such as `poll_wait()`.
    pub(crate) fn wait_list(&self) -> *mut bindings::wait_queue_head {
        self.wait_list.get()
    }
}
