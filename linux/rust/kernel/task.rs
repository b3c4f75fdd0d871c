// SPDX-License-Identifier: GPL-2.0

//! Tasks (threads and processes).
//!
//! C header: [`include/linux/sched.h`](../../../include/linux/sched.h)

use core::marker::PhantomData;
use core::ops::Deref;
use core::ptr::NonNull;

use crate::types::{AlwaysRefCounted, Opaque};

/// A task, as C's `struct task_struct`.
///
/// # Invariants
///
/// Instances are only reachable through references whose holder keeps the
/// task alive: the current task while it runs, or an
/// [`ARef`](crate::types::ARef) holding a reference count.
///
/// # Examples
///
/// ```
/// use kernel::task::Task;
/// use kernel::types::ARef;
///
/// let current = Task::current();
/// pr_info!("pid {} has a signal pending: {}\n", current.pid(), current.signal_pending());
///
/// // A reference that may be kept, e.g. by another thread.
/// let kept: ARef<Task> = ARef::from(&*current);
/// assert_eq!(kept.pid(), current.pid());
/// ```
#[repr(transparent)]
pub struct Task(Opaque<bindings::task_struct>);

// SAFETY: a task can be referred to from any thread; the methods here use
// only fields that are fixed or read atomically by C.
unsafe impl Sync for Task {}

// SAFETY: the reference count of a task may be dropped from any thread.
unsafe impl Send for Task {}

impl Task {
    /// The task running this code.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::task::Task;
    ///
    /// // The examples run in a KUnit thread, a kernel thread.
    /// let current = Task::current();
    /// assert!(current.pid() > 0);
    /// assert_eq!(Task::current().pid(), current.pid());
    /// ```
    pub fn current() -> CurrentTask {
        // SAFETY: `get_current()` has no requirements.
        let ptr = unsafe { bindings::get_current() };
        // INVARIANT: `CurrentTask` cannot leave this thread, which is the
        // task itself, so the task is alive as long as it is.
        CurrentTask(ptr.cast(), PhantomData)
    }

    /// Wraps a pointer to a live task.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a task that stays alive for `'a`.
    pub(crate) unsafe fn from_ptr<'a>(ptr: *mut bindings::task_struct) -> &'a Task {
        // SAFETY: the caller guarantees `ptr` is valid for `'a`, and `Task`
        // is a transparent wrapper of `task_struct`.
        unsafe { &*ptr.cast::<Task>() }
    }

    /// The raw pointer to the C structure.
    pub(crate) fn as_ptr(&self) -> *mut bindings::task_struct {
        self.0.get()
    }

    /// The process id of the task, as seen from the initial namespace.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kernel::task::Task::current().pid() >= 0);
    /// ```
    pub fn pid(&self) -> i32 {
        // SAFETY: the task is valid by the type invariant; `pid` does not
        // change after the task is created.
        unsafe { (*self.as_ptr()).pid }
    }

    /// Whether a signal is pending for the task, as C's
    /// `signal_pending()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::task::Task;
    ///
    /// // Fail early, as a blocking system call would, rather than wait.
    /// fn check_signals() -> Result {
    ///     if Task::current().signal_pending() {
    ///         return Err(EINTR);
    ///     }
    ///     Ok(())
    /// }
    ///
    /// // Kernel threads, such as the one running the examples, ignore
    /// // signals.
    /// assert!(!Task::current().signal_pending());
    /// assert_eq!(check_signals(), Ok(()));
    /// ```
    pub fn signal_pending(&self) -> bool {
        // SAFETY: the task is valid by the type invariant.
        unsafe { bindings::signal_pending(self.as_ptr()) != 0 }
    }
}

// SAFETY: `get_task_struct()` and `put_task_struct()` take and drop a
// reference that keeps the task structure alive.
unsafe impl AlwaysRefCounted for Task {
    fn inc_ref(&self) {
        // SAFETY: the task is valid by the type invariant.
        unsafe { bindings::get_task_struct(self.as_ptr()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: the caller owns a reference, which is dropped here.
        unsafe { bindings::put_task_struct(obj.as_ptr().cast()) };
    }
}

/// The task running the code that holds this, as returned by
/// [`Task::current`].
///
/// # Invariants
///
/// The pointer is the current task. The type is neither `Send` nor
/// `Sync`, so it never leaves that task, which is alive while it runs.
///
/// # Examples
///
/// ```
/// use kernel::task::Task;
///
/// let current = Task::current();
/// let task: &Task = &current;
/// assert_eq!(task.pid(), current.pid());
/// ```
pub struct CurrentTask(*mut Task, PhantomData<*mut ()>);

impl Deref for CurrentTask {
    type Target = Task;

    fn deref(&self) -> &Task {
        // SAFETY: by the type invariant the current task is alive as long
        // as `self` is.
        unsafe { &*self.0 }
    }
}
