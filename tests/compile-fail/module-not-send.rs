// SPDX-License-Identifier: GPL-2.0

//! Proves that a module must be `Send`: it is made on the task that loads
//! it and dropped on the one that unloads it, so a module that could keep
//! a lock guard, which only the task that took the lock may release, is
//! refused (E0277).

use kernel::prelude::*;
use kernel::sync;

module! {
    type: ModuleNotSend,
    name: "module_not_send",
    author: "Seed 856bdcbd maintainers",
    description: "A module that is Sync but not Send",
    license: "GPL",
}

/// How many times the module was loaded.
static LOADS: sync::StaticMutex<u32> = kernel::new_static_mutex!(0, "module_not_send::LOADS");

/// The module: how many times it was loaded, and room for a guard of
/// `LOADS`, to keep it locked while the module is loaded. The guard is
/// `Sync`, but not `Send`.
#[derive(Default)]
struct ModuleNotSend {
    loads: u32,
    _held: Option<sync::Guard<'static, u32, sync::lock::mutex::MutexBackend>>, // must-not-compile: E0277
}

impl kernel::Module for ModuleNotSend {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let mut loads = LOADS.lock();
        *loads += 1;
        let mut module = ModuleNotSend::default();
        module.loads = *loads;
        Ok(module)
    }
}

impl Drop for ModuleNotSend {
    fn drop(&mut self) {
        pr_info!("unloading, loaded {} time(s)\n", self.loads);
    }
}
