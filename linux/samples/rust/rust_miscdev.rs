// SPDX-License-Identifier: GPL-2.0

//! Rust misc device sample: `/dev/rust_miscdev`, a small buffer shared by
//! everyone who opens it.
//!
//! Writing replaces the contents of the buffer (at most [`CAPACITY`]
//! bytes, all or nothing); reading returns them. The `ioctl`
//! [`GET_WRITES`] returns how many writes have been made.

use kernel::file::{File, Operations};
use kernel::miscdev::Registration;
use kernel::prelude::*;
use kernel::sync::{Mutex, Ref, RefBorrow};
use kernel::user_ptr::{UserSlicePtrReader, UserSlicePtrWriter};
use kernel::{c_str, new_mutex};

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

type Shared = Ref<Mutex<Contents>>;

struct SharedFile;

#[vtable]
impl Operations for SharedFile {
    type OpenData = Shared;
    type Data = Shared;

    fn open(shared: &Shared, _file: &File) -> Result<Shared> {
        Ok(shared.clone())
    }

    fn read(
        shared: RefBorrow<'_, Mutex<Contents>>,
        _file: &File,
        writer: &mut UserSlicePtrWriter,
        offset: u64,
    ) -> Result<usize> {
        let contents = shared.lock();
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
        shared: RefBorrow<'_, Mutex<Contents>>,
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

        let mut contents = shared.lock();
        contents.buffer[..len].copy_from_slice(&data[..len]);
        contents.len = len;
        contents.writes = contents.writes.saturating_add(1);
        Ok(len)
    }

    fn ioctl(
        shared: RefBorrow<'_, Mutex<Contents>>,
        _file: &File,
        cmd: u32,
        _arg: usize,
    ) -> Result<i32> {
        match cmd {
            GET_WRITES => Ok(i32::try_from(shared.lock().writes)?),
            _ => Err(ENOTTY),
        }
    }
}

struct RustMiscdev {
    _dev: Pin<Box<Registration<SharedFile>>>,
}

impl kernel::Module for RustMiscdev {
    fn init(module: &'static ThisModule) -> Result<Self> {
        pr_info!("Rust misc device sample (init)\n");

        let shared = Ref::pin_init(new_mutex!(
            Contents {
                buffer: [0; CAPACITY],
                len: 0,
                writes: 0,
            },
            "rust_miscdev::contents"
        ))?;

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
