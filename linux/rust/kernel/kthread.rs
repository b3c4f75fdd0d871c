// SPDX-License-Identifier: GPL-2.0

//! Kernel threads.
//!
//! C header: [`include/linux/kthread.h`](../../../include/linux/kthread.h)

use alloc::boxed::Box;
use core::ffi::{c_int, c_void};

use crate::error::{from_err_ptr, Result};
use crate::str::CStr;
use crate::sync::{CondVar, Mutex, Ref};
use crate::task::Task;
use crate::types::{ARef, ForeignOwnable};

/// A kernel thread running a closure, joined when dropped.
///
/// # Invariants
///
/// `task` is a kernel thread created by [`Thread::spawn`], not stopped
/// yet, which sets `started` (and notifies `started_cv`) before it runs
/// the closure.
///
/// # Examples
///
/// ```
/// use kernel::kthread::Thread;
/// use kernel::sync::Ref;
///
/// let count = Ref::pin_init(kernel::new_mutex!(0u32))?;
/// let count2 = count.clone();
/// let thread = Thread::spawn(kernel::c_str!("rust_example"), move || {
///     *count2.lock() += 1;
/// })?;
/// thread.join();
/// assert_eq!(*count.lock(), 1);
/// # Ok::<(), Error>(())
/// ```
pub struct Thread {
    task: ARef<Task>,
    started: Ref<Mutex<bool>>,
    started_cv: Ref<CondVar>,
}

/// Runs the closure of a thread.
///
/// # Safety
///
/// `data` must come from `Box::<F>::into_foreign`, and be taken back only
/// here.
unsafe extern "C" fn trampoline<F: FnOnce() + Send + 'static>(data: *mut c_void) -> c_int {
    // SAFETY: the caller guarantees that `data` holds a boxed `F`, owned
    // by this call.
    let f = unsafe { <Box<F>>::from_foreign(data) };
    f();
    0
}

impl Thread {
    /// Starts a kernel thread, named `name`, running `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::kthread::Thread;
    /// use kernel::sync::Ref;
    /// use kernel::task::Task;
    ///
    /// let seen = Ref::pin_init(kernel::new_mutex!(None))?;
    /// let seen2 = seen.clone();
    /// let t = Thread::spawn(kernel::c_str!("rust_hello"), move || {
    ///     pr_info!("hello from a kernel thread\n");
    ///     *seen2.lock() = Some(Task::current().pid());
    /// })?;
    /// let pid = t.task().pid();
    /// drop(t);
    /// // The closure ran in the new thread.
    /// assert_eq!(*seen.lock(), Some(pid));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn spawn<F: FnOnce() + Send + 'static>(name: &CStr, f: F) -> Result<Self> {
        let started = Ref::pin_init(crate::new_mutex!(false, "kthread::started"))?;
        let started_cv = Ref::pin_init(crate::new_condvar!("kthread::started_cv"))?;
        let run = {
            let started = started.clone();
            let started_cv = started_cv.clone();
            move || {
                *started.lock() = true;
                started_cv.notify_all();
                drop((started, started_cv));
                f();
            }
        };
        Self::spawn_inner(name, run, started, started_cv)
    }

    fn spawn_inner<F: FnOnce() + Send + 'static>(
        name: &CStr,
        run: F,
        started: Ref<Mutex<bool>>,
        started_cv: Ref<CondVar>,
    ) -> Result<Self> {
        let data = Box::try_new(run)?.into_foreign();
        // SAFETY: the trampoline matches the data; the format string takes
        // one string argument, `name`, which is valid during the call.
        let ptr = unsafe {
            bindings::kthread_create_on_node(
                Some(trampoline::<F>),
                data as *mut c_void,
                // `NUMA_NO_NODE`: no preference.
                -1,
                crate::c_str!("%s").as_char_ptr(),
                name.as_char_ptr(),
            )
        };
        let ptr = match from_err_ptr(ptr) {
            Ok(ptr) => ptr,
            Err(e) => {
                // SAFETY: the thread was not created, so `data` is still
                // owned here, and taken back once.
                drop(unsafe { <Box<F>>::from_foreign(data) });
                return Err(e);
            }
        };
        // SAFETY: a created thread that has not been woken up yet cannot
        // exit, so the task is alive; the reference taken keeps it so.
        let task = ARef::from(unsafe { Task::from_ptr(ptr) });
        // SAFETY: the task is alive (a reference is held).
        unsafe { bindings::wake_up_process(task.as_ptr()) };
        // INVARIANT: the thread was created and runs `run`, which sets
        // `started` first.
        Ok(Self {
            task,
            started,
            started_cv,
        })
    }

    /// The task of the thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = kernel::kthread::Thread::spawn(kernel::c_str!("rust_pid"), || {})?;
    /// assert!(t.task().pid() > 0);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn task(&self) -> &Task {
        &self.task
    }

    /// Waits for the closure to return. The same happens when the
    /// `Thread` is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::kthread::Thread;
    /// use kernel::sync::Ref;
    ///
    /// let sum = Ref::pin_init(kernel::new_mutex!(0u64))?;
    /// let sum2 = sum.clone();
    /// let t = Thread::spawn(kernel::c_str!("rust_join"), move || {
    ///     *sum2.lock() = (1..=100).sum();
    /// })?;
    /// t.join();
    /// assert_eq!(*sum.lock(), 5050);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn join(self) {}
}

impl Drop for Thread {
    fn drop(&mut self) {
        // `kthread_stop()` on a thread that has not started yet would make
        // it exit without running the closure: wait for it to start.
        let mut started = self.started.lock();
        while !*started {
            self.started_cv.wait(&mut started);
        }
        drop(started);
        // SAFETY: the task is alive (a reference is held) and, by the type
        // invariant, a kernel thread not stopped yet; it runs the closure,
        // which `kthread_stop()` waits for.
        unsafe { bindings::kthread_stop(self.task.as_ptr()) };
    }
}
