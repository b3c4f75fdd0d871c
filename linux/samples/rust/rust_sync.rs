// SPDX-License-Identifier: GPL-2.0

//! Rust synchronisation sample: every lock type, a static lock, a condition
//! variable handshake between two kernel threads, and a revocable object.

use kernel::kthread::Thread;
use kernel::prelude::*;
use kernel::sync::{CondVar, LockedBy, Mutex, Ref, Revocable, StaticMutex};
use kernel::{c_str, new_condvar, new_mutex, new_raw_spinlock, new_spinlock, new_static_mutex};

module! {
    type: RustSync,
    name: "rust_sync",
    author: "Seed 856bdcbd maintainers",
    description: "Rust synchronisation sample",
    license: "GPL",
}

/// How many times the module was initialised, in a statically allocated
/// lock.
static INIT_COUNT: StaticMutex<u32> = new_static_mutex!(0, "rust_sync::INIT_COUNT");

/// The state of the handshake between the module and its thread.
#[derive(Default)]
struct Handshake {
    ping: bool,
    pong: bool,
}

struct RustSync {
    counter: Ref<Mutex<u64>>,
}

/// The thread side of the handshake: waits for the ping, answers with a
/// pong.
fn answer(state: Ref<Mutex<Handshake>>, cv: Ref<CondVar>) {
    let mut guard = state.lock();
    while !guard.ping {
        cv.wait(&mut guard);
    }
    pr_info!("thread: got the ping, sending the pong\n");
    guard.pong = true;
    cv.notify_all();
}

/// Plays the handshake with a kernel thread.
fn handshake() -> Result {
    let state = Ref::pin_init(new_mutex!(Handshake::default(), "rust_sync::handshake"))?;
    let cv = Ref::pin_init(new_condvar!("rust_sync::handshake_cv"))?;

    let thread = {
        let state = state.clone();
        let cv = cv.clone();
        Thread::spawn(c_str!("rust_sync"), move || answer(state, cv))?
    };

    let mut guard = state.lock();
    pr_info!("module: sending the ping\n");
    guard.ping = true;
    cv.notify_all();
    while !guard.pong {
        if cv.wait_interruptible(&mut guard) {
            // The thread is joined anyway when `thread` is dropped.
            pr_info!("module: interrupted while waiting for the pong\n");
            break;
        }
    }
    drop(guard);
    thread.join();
    pr_info!("module: got the pong, thread joined\n");
    Ok(())
}

impl kernel::Module for RustSync {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("Rust synchronisation sample (init)\n");

        *INIT_COUNT.lock() += 1;
        pr_info!("static mutex: initialised {} time(s)\n", *INIT_COUNT.lock());

        let counter = Ref::pin_init(new_mutex!(0u64, "rust_sync::counter"))?;
        *counter.lock() += 10;
        pr_info!("mutex: counter is {}\n", *counter.lock());

        let spin = Ref::pin_init(new_spinlock!((0u32, 0u32), "rust_sync::spin"))?;
        spin.lock().0 += 1;
        spin.lock_irqsave().1 += 2;
        pr_info!("spinlock: values are {:?}\n", *spin.lock());

        let raw = Ref::pin_init(new_raw_spinlock!(5u32, "rust_sync::raw"))?;
        *raw.lock() *= 2;
        pr_info!("raw spinlock: value is {}\n", *raw.lock());

        let extra = LockedBy::new(&counter, 1u64);
        {
            let mut guard = counter.lock();
            *extra.access_mut(&mut guard) += 1;
            *guard += *extra.access(&guard);
            pr_info!("locked by: counter is now {}\n", *guard);
        }

        handshake()?;

        let resource = Revocable::new(42u32);
        if let Some(value) = resource.try_access() {
            pr_info!("revocable: value is {}\n", *value);
        }
        resource.revoke();
        pr_info!(
            "revocable: available after revoke: {}\n",
            resource.try_access().is_some()
        );

        Ok(RustSync { counter })
    }
}

impl Drop for RustSync {
    fn drop(&mut self) {
        pr_info!("mutex: counter was {}\n", *self.counter.lock());
        pr_info!("Rust synchronisation sample (exit)\n");
    }
}
