// SPDX-License-Identifier: GPL-2.0

//! Rust misc device sample: `/dev/rust_miscdev`, a small buffer shared by
//! everyone who opens it.
//!
//! Writing replaces the contents of the buffer (at most [`CAPACITY`]
//! bytes, all or nothing); reading returns them. The `ioctl`
//! [`GET_WRITES`] returns how many writes have been made. The device is
//! always writable, and readable (for `poll()`) when the buffer is not
//! empty; an empty write empties it.

use kernel::file::{poll, File, Operations, PollCondVar, PollTable};
use kernel::miscdev::Registration;
use kernel::prelude::*;
use kernel::sync::{Mutex, Ref, RefBorrow};
use kernel::user_ptr::{UserSlicePtrReader, UserSlicePtrWriter};
use kernel::{c_str, new_mutex, new_poll_condvar};

module! {
    type: RustMiscdev,
    name: "rust_miscdev",
    author: "Seed 856bdcbd maintainers",
    description: "Rust misc device sample",
    license: "GPL",
}

/// The size of the buffer.
const CAPACITY: usize = 256;

/// The `ioctl` returning the number of writes: `_IO('r', 1)`.
const GET_WRITES: u32 = (b'r' as u32) << 8 | 1;

/// What all the open files share.
struct Contents {
    buffer: [u8; CAPACITY],
    len: usize,
    writes: u32,
}

/// The device's state, shared by all the open files.
struct Shared {
    contents: Ref<Mutex<Contents>>,
    /// Notified on every write.
    changed: Ref<PollCondVar>,
}

struct SharedFile;

#[vtable]
impl Operations for SharedFile {
    type OpenData = Ref<Shared>;
    type Data = Ref<Shared>;

    fn open(shared: &Ref<Shared>, _file: &File) -> Result<Ref<Shared>> {
        Ok(shared.clone())
    }

    fn read(
        shared: RefBorrow<'_, Shared>,
        _file: &File,
        writer: &mut UserSlicePtrWriter,
        offset: u64,
    ) -> Result<usize> {
        let contents = shared.contents.lock();
        let offset = usize::try_from(offset)?;
        if offset >= contents.len {
            return Ok(0);
        }
        let available = &contents.buffer[offset..contents.len];
        let len = available.len().min(writer.len());
        writer.write_slice(&available[..len])?;
        Ok(len)
    }

    fn write(
        shared: RefBorrow<'_, Shared>,
        _file: &File,
        reader: &mut UserSlicePtrReader,
        _offset: u64,
    ) -> Result<usize> {
        let len = reader.len();
        if len > CAPACITY {
            return Err(EFBIG);
        }
        // Copy from user space first: a fault leaves the contents as they
        // were, and the lock is not held while faulting pages in.
        let mut data = [0u8; CAPACITY];
        reader.read_slice(&mut data[..len])?;

        let mut contents = shared.contents.lock();
        contents.buffer[..len].copy_from_slice(&data[..len]);
        contents.len = len;
        contents.writes = contents.writes.saturating_add(1);
        drop(contents);
        shared.changed.notify_all();
        Ok(len)
    }

    fn ioctl(shared: RefBorrow<'_, Shared>, _file: &File, cmd: u32, _arg: usize) -> Result<i32> {
        match cmd {
            GET_WRITES => Ok(i32::try_from(shared.contents.lock().writes)?),
            _ => Err(ENOTTY),
        }
    }

    fn poll(shared: RefBorrow<'_, Shared>, file: &File, table: &PollTable<'_>) -> Result<u32> {
        table.register_wait(file, &shared.changed);
        let mut events = poll::EPOLLOUT | poll::EPOLLWRNORM;
        if shared.contents.lock().len > 0 {
            events |= poll::EPOLLIN | poll::EPOLLRDNORM;
        }
        Ok(events)
    }
}

struct RustMiscdev {
    _dev: Pin<Box<Registration<SharedFile>>>,
}

impl kernel::Module for RustMiscdev {
    fn init(module: &'static ThisModule) -> Result<Self> {
        pr_info!("Rust misc device sample (init)\n");

        let shared = Ref::try_new(Shared {
            contents: Ref::pin_init(new_mutex!(
                Contents {
                    buffer: [0; CAPACITY],
                    len: 0,
                    writes: 0,
                },
                "rust_miscdev::contents"
            ))?,
            changed: Ref::pin_init(new_poll_condvar!("rust_miscdev::changed"))?,
        })?;

        Ok(RustMiscdev {
            _dev: Registration::new_pinned(c_str!("rust_miscdev"), shared, module)?,
        })
    }
}

impl Drop for RustMiscdev {
    fn drop(&mut self) {
        pr_info!("Rust misc device sample (exit)\n");
    }
}
