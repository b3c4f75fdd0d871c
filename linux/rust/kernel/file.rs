// SPDX-License-Identifier: GPL-2.0

//! Files and their operations.
//!
//! C header: [`include/linux/fs.h`](../../../include/linux/fs.h)
//!
//! A driver implements [`Operations`] for the files it provides (through a
//! registration such as [`crate::miscdev::Registration`]); this module
//! owns the `extern "C"` functions put in the C `struct file_operations`,
//! which call the driver's methods with safe arguments: the [`File`], the
//! per-file data (kept as the file's `private_data` through
//! [`ForeignOwnable`]) and user buffers.

use core::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};
use core::marker::PhantomData;
use core::ptr::NonNull;

use crate::error::{code::*, from_result, Result};
use crate::pinned::{pin_init_from_closure, PinInit};
use crate::str::CStr;
use crate::sync::{CondVar, LockClassKey};
use crate::types::{AlwaysRefCounted, ForeignOwnable, Opaque};
use crate::user_ptr::{UserSlicePtr, UserSlicePtrReader, UserSlicePtrWriter};

/// File flags, as in the `flags` argument of `open(2)`.
///
/// # Examples
///
/// ```
/// use kernel::file::flags::O_NONBLOCK;
///
/// // A single bit, tested in [`File::flags`](kernel::file::File::flags).
/// assert_eq!(O_NONBLOCK.count_ones(), 1);
/// assert_eq!(O_NONBLOCK, 0o4000);
/// ```
pub mod flags {
    /// Non-blocking mode: operations that would wait fail with `EAGAIN`.
    pub const O_NONBLOCK: u32 = bindings::O_NONBLOCK;
}

/// An open file, as C's `struct file`.
///
/// # Invariants
///
/// Instances are only reachable through references whose holder keeps the
/// file alive: a file operation in progress, or an
/// [`ARef`](crate::types::ARef) holding a reference count.
///
/// # Examples
///
/// ```
/// use kernel::file::{flags, File};
///
/// fn is_nonblocking(file: &File) -> bool {
///     file.flags() & flags::O_NONBLOCK != 0
/// }
/// # let _ = is_nonblocking;
/// ```
#[repr(transparent)]
pub struct File(Opaque<bindings::file>);

// SAFETY: files are shared between threads by C; the methods here read
// fields that are fixed after open, or read atomically by C.
unsafe impl Sync for File {}

// SAFETY: the reference count of a file may be dropped from any thread.
unsafe impl Send for File {}

impl File {
    /// Wraps a pointer to a file.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a file that stays alive for `'a`.
    pub(crate) unsafe fn from_ptr<'a>(ptr: *mut bindings::file) -> &'a File {
        // SAFETY: the caller guarantees `ptr` is valid for `'a`, and `File`
        // is a transparent wrapper of `struct file`.
        unsafe { &*ptr.cast::<File>() }
    }

    fn as_ptr(&self) -> *mut bindings::file {
        self.0.get()
    }

    /// The flags the file was opened with (`O_*`), as changed by
    /// `fcntl(F_SETFL)`.
    ///
    /// # Examples
    ///
    /// A read that would wait fails instead for a file opened with
    /// `O_NONBLOCK`:
    ///
    /// ```
    /// use kernel::file::{flags, File, Operations};
    /// use kernel::user_ptr::UserSlicePtrWriter;
    ///
    /// struct NothingYet;
    ///
    /// #[vtable]
    /// impl Operations for NothingYet {
    ///     type OpenData = ();
    ///     type Data = ();
    ///
    ///     fn open(_context: &(), _file: &File) -> Result {
    ///         Ok(())
    ///     }
    ///
    ///     fn read(
    ///         _data: (),
    ///         file: &File,
    ///         _writer: &mut UserSlicePtrWriter,
    ///         _offset: u64,
    ///     ) -> Result<usize> {
    ///         if file.flags() & flags::O_NONBLOCK != 0 {
    ///             return Err(EAGAIN);
    ///         }
    ///         // A blocking read has nothing to wait for here: end of file.
    ///         Ok(0)
    ///     }
    /// }
    ///
    /// assert!(NothingYet::HAS_READ);
    /// ```
    pub fn flags(&self) -> u32 {
        // SAFETY: the file is valid by the type invariant; `f_flags` is an
        // `unsigned int`, read at once.
        unsafe { core::ptr::addr_of!((*self.as_ptr()).f_flags).read_volatile() }
    }
}

// SAFETY: `get_file()` and `fput()` take and drop a reference that keeps
// the file alive.
unsafe impl AlwaysRefCounted for File {
    fn inc_ref(&self) {
        // SAFETY: the file is valid by the type invariant.
        unsafe { bindings::get_file(self.as_ptr()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: the caller owns a reference, which is dropped here.
        unsafe { bindings::fput(obj.as_ptr().cast()) };
    }
}

/// The poll table given to [`Operations::poll`], as C's `poll_table`.
///
/// # Invariants
///
/// `ptr` is null or a poll table valid for `'a`.
///
/// # Examples
///
/// ```
/// use kernel::file::PollTable;
///
/// fn readable(_table: &PollTable<'_>) -> u32 {
///     kernel::file::poll::EPOLLIN | kernel::file::poll::EPOLLRDNORM
/// }
/// # let _ = readable;
/// ```
pub struct PollTable<'a> {
    ptr: *mut bindings::poll_table,
    _p: PhantomData<&'a ()>,
}

impl PollTable<'_> {
    /// Registers the caller to be woken when `cv` is notified, as C's
    /// `poll_wait()`.
    ///
    /// The registration may outlive this call (`epoll` keeps it until the
    /// file is released or leaves the `epoll` set); a [`PollCondVar`]
    /// removes the registrations on it when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::file::{File, PollCondVar, PollTable};
    ///
    /// fn wait_on(table: &PollTable<'_>, file: &File, cv: &PollCondVar) {
    ///     table.register_wait(file, cv);
    /// }
    /// # let _ = wait_on;
    /// ```
    pub fn register_wait(&self, file: &File, cv: &PollCondVar) {
        // SAFETY: the file and the poll table (or null) are valid by the
        // type invariants; the wait queue is initialised, and `PollCondVar`
        // takes every registration off it before it is freed.
        unsafe { bindings::poll_wait(file.as_ptr(), cv.wait_list(), self.ptr) };
    }
}

/// Makes an initialiser of a [`PollCondVar`], with a lockdep class of its
/// own and an optional name (by default the file and line).
///
/// # Examples
///
/// ```
/// use kernel::sync::Ref;
///
/// let changed = Ref::pin_init(kernel::new_poll_condvar!("my_device::changed"))?;
/// changed.notify_all();
/// # Ok::<(), Error>(())
/// ```
#[macro_export]
macro_rules! new_poll_condvar {
    ($($name:literal)? $(,)?) => {
        $crate::file::PollCondVar::new(
            $crate::__static_lock_name!($($name)?),
            $crate::static_lock_class!(),
        )
    };
}

/// A condition variable that files can be polled on, with
/// [`PollTable::register_wait`]; otherwise a [`CondVar`], which it
/// dereferences to.
///
/// `poll()` and `select()` take their entries off the wait queue before
/// returning, but `epoll` keeps its entry until the file is released or
/// leaves the `epoll` set, which may be after the condition variable is
/// dropped (a device removed while a file is open, say). So dropping a
/// `PollCondVar` first takes every entry off with `wake_up_pollfree()`,
/// then waits for an RCU grace period, since `epoll` may still be looking
/// at the wait queue under `rcu_read_lock()`. Dropping it may sleep.
///
/// # Examples
///
/// ```
/// use kernel::file::PollCondVar;
/// use kernel::sync::{Mutex, Ref};
///
/// let len = Ref::pin_init(kernel::new_mutex!(0usize))?;
/// let changed: Ref<PollCondVar> = Ref::pin_init(kernel::new_poll_condvar!())?;
/// *len.lock() = 4;
/// // Wakes pollers and waiters alike.
/// changed.notify_all();
/// drop(changed);
/// # Ok::<(), Error>(())
/// ```
pub struct PollCondVar {
    inner: CondVar,
}

impl PollCondVar {
    /// An initialiser of a poll condition variable, with a lockdep class
    /// `key` and `name`; [`new_poll_condvar!`](crate::new_poll_condvar!)
    /// provides both.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::file::PollCondVar;
    /// use kernel::pinned::InPlaceInit;
    ///
    /// let cv = Box::pin_init(PollCondVar::new(
    ///     kernel::c_str!("cv"),
    ///     kernel::static_lock_class!(),
    /// ))?;
    /// cv.notify_one();
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self> {
        let inner = CondVar::new(name, key);
        let init = move |slot: *mut Self| -> Result {
            // SAFETY: `slot` is valid for writes and does not move once
            // initialised, by the requirements of `PinInit`; so is its only
            // field.
            unsafe { inner.__pinned_init(core::ptr::addr_of_mut!((*slot).inner)) }
        };
        // SAFETY: the closure initialises the only field, or fails having
        // initialised nothing, as `CondVar`'s initialiser does.
        unsafe { pin_init_from_closure(init) }
    }
}

impl core::ops::Deref for PollCondVar {
    type Target = CondVar;

    fn deref(&self) -> &CondVar {
        &self.inner
    }
}

impl Drop for PollCondVar {
    fn drop(&mut self) {
        // SAFETY: the wait queue is initialised. `__wake_up_pollfree()`
        // wakes the pollers with `POLLFREE`, which makes `epoll` take its
        // entries off the queue.
        unsafe { bindings::__wake_up_pollfree(self.inner.wait_list()) };
        // SAFETY: called in process context, as dropping may sleep; once
        // it returns, no `epoll` reader still sees the wait queue.
        unsafe { bindings::synchronize_rcu() };
    }
}

/// The events of [`Operations::poll`].
///
/// # Examples
///
/// ```
/// use kernel::file::poll::{EPOLLIN, EPOLLOUT, EPOLLRDNORM, EPOLLWRNORM};
///
/// // The events of a file that can be read and written, as a `poll`
/// // operation reports them: distinct bits, combined with `|`.
/// let events = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
/// assert_eq!(events.count_ones(), 4);
/// assert_eq!(EPOLLIN, 0x1);
/// assert_eq!(EPOLLOUT, 0x4);
/// ```
pub mod poll {
    /// There is data to read.
    pub const EPOLLIN: u32 = bindings::EPOLLIN;
    /// Writing would not block.
    pub const EPOLLOUT: u32 = bindings::EPOLLOUT;
    /// There is normal data to read.
    pub const EPOLLRDNORM: u32 = bindings::EPOLLRDNORM;
    /// Normal data can be written.
    pub const EPOLLWRNORM: u32 = bindings::EPOLLWRNORM;
}

/// The operations of a file.
///
/// Operations that are not implemented are left out of the C
/// `struct file_operations` (see `#[vtable]`), so the kernel does what it
/// does for C files without them (`EINVAL` for `read` and `write`,
/// `ENOTTY` for `ioctl`...).
///
/// # Examples
///
/// ```
/// use kernel::file::{File, Operations};
/// use kernel::user_ptr::UserSlicePtrWriter;
///
/// struct Zeroes;
///
/// #[vtable]
/// impl Operations for Zeroes {
///     type OpenData = ();
///     type Data = ();
///
///     fn open(_context: &(), _file: &File) -> Result {
///         Ok(())
///     }
///
///     fn read(_data: (), _file: &File, writer: &mut UserSlicePtrWriter, _offset: u64) -> Result<usize> {
///         let zeroes = [0u8; 64];
///         let len = writer.len().min(zeroes.len());
///         writer.write_slice(&zeroes[..len])?;
///         Ok(len)
///     }
/// }
///
/// assert!(Zeroes::HAS_READ);
/// assert!(!Zeroes::HAS_WRITE);
/// ```
#[macros::vtable]
pub trait Operations {
    /// What the registration gives [`Operations::open`].
    type OpenData: Sync;

    /// The data of each open file, made by [`Operations::open`] and given
    /// back to [`Operations::release`].
    type Data: ForeignOwnable + Send + Sync;

    /// Called when a file is opened; returns its data.
    ///
    /// # Examples
    ///
    /// Each open file shares the registration's counter:
    ///
    /// ```
    /// use kernel::file::{File, Operations};
    /// use kernel::sync::{Mutex, Ref};
    ///
    /// struct Counted;
    ///
    /// #[vtable]
    /// impl Operations for Counted {
    ///     type OpenData = Ref<Mutex<u32>>;
    ///     type Data = Ref<Mutex<u32>>;
    ///
    ///     fn open(opens: &Ref<Mutex<u32>>, _file: &File) -> Result<Ref<Mutex<u32>>> {
    ///         *opens.lock() += 1;
    ///         Ok(opens.clone())
    ///     }
    /// }
    ///
    /// assert!(Counted::HAS_OPEN);
    /// assert!(!Counted::HAS_RELEASE);
    /// ```
    fn open(context: &Self::OpenData, file: &File) -> Result<Self::Data>;

    /// Called when the last reference to the file is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::file::{File, Operations};
    /// use kernel::sync::{Mutex, Ref};
    ///
    /// struct OpenCount;
    ///
    /// #[vtable]
    /// impl Operations for OpenCount {
    ///     type OpenData = Ref<Mutex<u32>>;
    ///     type Data = Ref<Mutex<u32>>;
    ///
    ///     fn open(count: &Ref<Mutex<u32>>, _file: &File) -> Result<Ref<Mutex<u32>>> {
    ///         *count.lock() += 1;
    ///         Ok(count.clone())
    ///     }
    ///
    ///     fn release(count: Ref<Mutex<u32>>, _file: &File) {
    ///         *count.lock() -= 1;
    ///     }
    /// }
    ///
    /// assert!(OpenCount::HAS_RELEASE);
    /// ```
    fn release(_data: Self::Data, _file: &File) {}

    /// Reads from the file at `offset` into `writer`; returns the number
    /// of bytes read, zero at the end.
    ///
    /// # Examples
    ///
    /// A file holding a fixed message:
    ///
    /// ```
    /// use kernel::file::{File, Operations};
    /// use kernel::user_ptr::UserSlicePtrWriter;
    ///
    /// struct Hello;
    ///
    /// const MESSAGE: &[u8] = b"hello\n";
    ///
    /// #[vtable]
    /// impl Operations for Hello {
    ///     type OpenData = ();
    ///     type Data = ();
    ///
    ///     fn open(_context: &(), _file: &File) -> Result {
    ///         Ok(())
    ///     }
    ///
    ///     fn read(
    ///         _data: (),
    ///         _file: &File,
    ///         writer: &mut UserSlicePtrWriter,
    ///         offset: u64,
    ///     ) -> Result<usize> {
    ///         let start = usize::try_from(offset)?.min(MESSAGE.len());
    ///         let len = writer.len().min(MESSAGE.len() - start);
    ///         writer.write_slice(&MESSAGE[start..start + len])?;
    ///         Ok(len)
    ///     }
    /// }
    ///
    /// assert!(Hello::HAS_READ);
    /// ```
    fn read(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _writer: &mut UserSlicePtrWriter,
        _offset: u64,
    ) -> Result<usize> {
        Err(EINVAL)
    }

    /// Writes to the file at `offset` from `reader`; returns the number of
    /// bytes written.
    ///
    /// # Examples
    ///
    /// A file that keeps the last byte written to it:
    ///
    /// ```
    /// use kernel::file::{File, Operations};
    /// use kernel::sync::{Mutex, Ref, RefBorrow};
    /// use kernel::user_ptr::UserSlicePtrReader;
    ///
    /// struct LastByte;
    ///
    /// #[vtable]
    /// impl Operations for LastByte {
    ///     type OpenData = ();
    ///     type Data = Ref<Mutex<u8>>;
    ///
    ///     fn open(_context: &(), _file: &File) -> Result<Ref<Mutex<u8>>> {
    ///         Ref::pin_init(kernel::new_mutex!(0))
    ///     }
    ///
    ///     fn write(
    ///         last: RefBorrow<'_, Mutex<u8>>,
    ///         _file: &File,
    ///         reader: &mut UserSlicePtrReader,
    ///         _offset: u64,
    ///     ) -> Result<usize> {
    ///         let mut buf = [0u8; 64];
    ///         let len = reader.len().min(buf.len());
    ///         reader.read_slice(&mut buf[..len])?;
    ///         if let Some(&byte) = buf[..len].last() {
    ///             *last.lock() = byte;
    ///         }
    ///         Ok(len)
    ///     }
    /// }
    ///
    /// assert!(LastByte::HAS_WRITE);
    /// assert!(!LastByte::HAS_READ);
    /// ```
    fn write(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _reader: &mut UserSlicePtrReader,
        _offset: u64,
    ) -> Result<usize> {
        Err(EINVAL)
    }

    /// Handles an `ioctl(2)` command; `arg` is its argument, often a user
    /// pointer.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::file::{File, Operations};
    /// use kernel::sync::{Mutex, Ref, RefBorrow};
    ///
    /// /// Resets the value.
    /// const RESET: u32 = 0x7201;
    /// /// Sets the value to the argument.
    /// const SET: u32 = 0x7202;
    ///
    /// struct Value;
    ///
    /// #[vtable]
    /// impl Operations for Value {
    ///     type OpenData = ();
    ///     type Data = Ref<Mutex<usize>>;
    ///
    ///     fn open(_context: &(), _file: &File) -> Result<Ref<Mutex<usize>>> {
    ///         Ref::pin_init(kernel::new_mutex!(0))
    ///     }
    ///
    ///     fn ioctl(
    ///         value: RefBorrow<'_, Mutex<usize>>,
    ///         _file: &File,
    ///         cmd: u32,
    ///         arg: usize,
    ///     ) -> Result<i32> {
    ///         match cmd {
    ///             RESET => *value.lock() = 0,
    ///             SET => *value.lock() = arg,
    ///             _ => return Err(ENOTTY),
    ///         }
    ///         Ok(0)
    ///     }
    /// }
    ///
    /// assert!(Value::HAS_IOCTL);
    /// ```
    fn ioctl(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _cmd: u32,
        _arg: usize,
    ) -> Result<i32> {
        Err(ENOTTY)
    }

    /// Reports the events ready on the file, registering the caller in
    /// `table` for those it may wait for.
    ///
    /// # Examples
    ///
    /// A file that can always be written, and read once data is there;
    /// writers notify the condition variable:
    ///
    /// ```
    /// use kernel::file::{poll, File, Operations, PollCondVar, PollTable};
    /// use kernel::sync::{Mutex, Ref, RefBorrow};
    ///
    /// struct Shared {
    ///     len: Mutex<usize>,
    ///     changed: PollCondVar,
    /// }
    ///
    /// struct Pipe;
    ///
    /// #[vtable]
    /// impl Operations for Pipe {
    ///     type OpenData = Ref<Shared>;
    ///     type Data = Ref<Shared>;
    ///
    ///     fn open(shared: &Ref<Shared>, _file: &File) -> Result<Ref<Shared>> {
    ///         Ok(shared.clone())
    ///     }
    ///
    ///     fn poll(
    ///         shared: RefBorrow<'_, Shared>,
    ///         file: &File,
    ///         table: &PollTable<'_>,
    ///     ) -> Result<u32> {
    ///         table.register_wait(file, &shared.changed);
    ///         let mut events = poll::EPOLLOUT | poll::EPOLLWRNORM;
    ///         if *shared.len.lock() > 0 {
    ///             events |= poll::EPOLLIN | poll::EPOLLRDNORM;
    ///         }
    ///         Ok(events)
    ///     }
    /// }
    ///
    /// assert!(Pipe::HAS_POLL);
    /// ```
    fn poll(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _table: &PollTable<'_>,
    ) -> Result<u32> {
        Ok(0)
    }
}

/// Finds what [`Operations::open`] gets, for a registration type.
///
/// # Safety
///
/// Implementers must return a pointer valid while the file is open.
///
/// # Examples
///
/// A registration kind whose files all get the same static settings:
///
/// ```
/// use kernel::bindings;
/// use kernel::file::OpenAdapter;
///
/// struct Global;
///
/// static SETTINGS: u32 = 7;
///
/// // SAFETY: `SETTINGS` is static, so valid while any file is open.
/// unsafe impl OpenAdapter<u32> for Global {
///     unsafe fn convert(
///         _inode: *mut bindings::inode,
///         _file: *mut bindings::file,
///     ) -> *const u32 {
///         &SETTINGS
///     }
/// }
///
/// // SAFETY: `Global::convert` does not use its arguments.
/// let settings = unsafe { Global::convert(core::ptr::null_mut(), core::ptr::null_mut()) };
/// assert!(core::ptr::eq(settings, &SETTINGS));
/// ```
pub unsafe trait OpenAdapter<T: Sync> {
    /// The data of the registration of the file being opened.
    ///
    /// # Safety
    ///
    /// `inode` and `file` must be those of a file being opened through the
    /// registration.
    ///
    /// # Examples
    ///
    /// A registration kind whose open data follows the C structure that
    /// the file's `private_data` points to when it is opened, as
    /// [`crate::miscdev::Registration`] does:
    ///
    /// ```
    /// use kernel::bindings;
    /// use kernel::file::OpenAdapter;
    ///
    /// #[repr(C)]
    /// struct Device {
    ///     c_part: u64,
    ///     open_data: u32,
    /// }
    ///
    /// // SAFETY: the files of a `Device` registration have `private_data`
    /// // pointing to its `c_part`, and the device outlives its open files.
    /// unsafe impl OpenAdapter<u32> for Device {
    ///     unsafe fn convert(
    ///         _inode: *mut bindings::inode,
    ///         file: *mut bindings::file,
    ///     ) -> *const u32 {
    ///         // SAFETY: the caller gives a file of a `Device` registration
    ///         // being opened, whose `private_data` points to the start of
    ///         // the (`repr(C)`) `Device`.
    ///         unsafe {
    ///             let device = (*file).private_data.cast::<Device>();
    ///             core::ptr::addr_of!((*device).open_data)
    ///         }
    ///     }
    /// }
    ///
    /// let mut device = Device {
    ///     c_part: 0,
    ///     open_data: 42,
    /// };
    /// // A file being opened, as the VFS and `misc_open()` would set it up.
    /// // SAFETY: all zeroes is a valid `struct file`.
    /// let mut file: bindings::file = unsafe { core::mem::zeroed() };
    /// file.private_data = core::ptr::addr_of_mut!(device.c_part).cast();
    /// // SAFETY: `file` is being opened through `device`.
    /// let data = unsafe { Device::convert(core::ptr::null_mut(), &mut file) };
    /// // SAFETY: `data` points into `device`, which is alive.
    /// assert_eq!(unsafe { *data }, 42);
    /// ```
    unsafe fn convert(inode: *mut bindings::inode, file: *mut bindings::file) -> *const T;
}

/// The `extern "C"` file operations calling an [`Operations`]
/// implementation, for registrations of kind `A`.
pub(crate) struct OperationsVtable<A, T>(PhantomData<A>, PhantomData<T>);

impl<A: OpenAdapter<T::OpenData>, T: Operations> OperationsVtable<A, T> {
    /// # Safety
    ///
    /// Called by the VFS only, for a file of a registration of kind `A`.
    unsafe extern "C" fn open_callback(
        inode: *mut bindings::inode,
        file: *mut bindings::file,
    ) -> c_int {
        from_result((|| {
            // SAFETY: the VFS gives a file being opened through the
            // registration, with its inode.
            let context = unsafe { &*A::convert(inode, file) };
            // SAFETY: the file is alive during the call.
            let data = T::open(context, unsafe { File::from_ptr(file) })?;
            // SAFETY: the file is alive and its `private_data` is ours
            // until `release`.
            unsafe { (*file).private_data = data.into_foreign() as *mut c_void };
            Ok(0)
        })())
    }

    /// # Safety
    ///
    /// Called by the VFS only, once, for a file opened by
    /// `open_callback`.
    unsafe extern "C" fn release_callback(
        _inode: *mut bindings::inode,
        file: *mut bindings::file,
    ) -> c_int {
        // SAFETY: the file is alive, and `open_callback` stored data in
        // `private_data`, which is taken back once, here.
        let data = unsafe { T::Data::from_foreign((*file).private_data) };
        // SAFETY: the file is alive during the call.
        T::release(data, unsafe { File::from_ptr(file) });
        0
    }

    /// # Safety
    ///
    /// Called by the VFS only, for a file opened by `open_callback`.
    unsafe extern "C" fn read_callback(
        file: *mut bindings::file,
        buf: *mut c_char,
        len: usize,
        offset: *mut bindings::loff_t,
    ) -> isize {
        from_result((|| {
            // SAFETY: `buf` is the user buffer of the system call.
            let mut writer = unsafe { UserSlicePtr::new(buf.cast(), len) }.writer();
            // SAFETY: the file is alive and its data is not taken back
            // before `release`, which cannot run during this call.
            let data = unsafe { T::Data::borrow((*file).private_data) };
            // SAFETY: the VFS gives a valid offset pointer.
            let pos = unsafe { *offset };
            // SAFETY: the file is alive during the call.
            let file = unsafe { File::from_ptr(file) };
            let read = T::read(data, file, &mut writer, pos.try_into()?)?;
            // SAFETY: the VFS gives a valid offset pointer.
            unsafe { *offset = pos.checked_add(read.try_into()?).ok_or(EOVERFLOW)? };
            Ok(read.try_into()?)
        })())
    }

    /// # Safety
    ///
    /// Called by the VFS only, for a file opened by `open_callback`.
    unsafe extern "C" fn write_callback(
        file: *mut bindings::file,
        buf: *const c_char,
        len: usize,
        offset: *mut bindings::loff_t,
    ) -> isize {
        from_result((|| {
            // SAFETY: `buf` is the user buffer of the system call.
            let mut reader = unsafe { UserSlicePtr::new(buf as *mut c_void, len) }.reader();
            // SAFETY: the file is alive and its data is not taken back
            // before `release`, which cannot run during this call.
            let data = unsafe { T::Data::borrow((*file).private_data) };
            // SAFETY: the VFS gives a valid offset pointer.
            let pos = unsafe { *offset };
            // SAFETY: the file is alive during the call.
            let file = unsafe { File::from_ptr(file) };
            let written = T::write(data, file, &mut reader, pos.try_into()?)?;
            // SAFETY: the VFS gives a valid offset pointer.
            unsafe { *offset = pos.checked_add(written.try_into()?).ok_or(EOVERFLOW)? };
            Ok(written.try_into()?)
        })())
    }

    /// # Safety
    ///
    /// Called by the VFS only, for a file opened by `open_callback`.
    unsafe extern "C" fn ioctl_callback(
        file: *mut bindings::file,
        cmd: c_uint,
        arg: c_ulong,
    ) -> c_long {
        from_result((|| {
            // SAFETY: the file is alive and its data is not taken back
            // before `release`, which cannot run during this call.
            let data = unsafe { T::Data::borrow((*file).private_data) };
            // SAFETY: the file is alive during the call.
            let ret = T::ioctl(data, unsafe { File::from_ptr(file) }, cmd, arg as usize)?;
            Ok(ret.into())
        })())
    }

    /// # Safety
    ///
    /// Called by the VFS only, for a file opened by `open_callback`.
    unsafe extern "C" fn poll_callback(
        file: *mut bindings::file,
        wait: *mut bindings::poll_table_struct,
    ) -> bindings::__poll_t {
        // SAFETY: the file is alive and its data is not taken back before
        // `release`, which cannot run during this call.
        let data = unsafe { T::Data::borrow((*file).private_data) };
        // INVARIANT: the VFS gives a valid poll table, or null.
        let table = PollTable {
            ptr: wait,
            _p: PhantomData,
        };
        // SAFETY: the file is alive during the call.
        match T::poll(data, unsafe { File::from_ptr(file) }, &table) {
            Ok(events) => events,
            Err(_) => bindings::EPOLLERR,
        }
    }

    /// The C operations, without `owner` (which the registration sets).
    pub(crate) const VTABLE: bindings::file_operations = bindings::file_operations {
        open: Some(Self::open_callback),
        release: Some(Self::release_callback),
        read: if T::HAS_READ {
            Some(Self::read_callback)
        } else {
            None
        },
        write: if T::HAS_WRITE {
            Some(Self::write_callback)
        } else {
            None
        },
        unlocked_ioctl: if T::HAS_IOCTL {
            Some(Self::ioctl_callback)
        } else {
            None
        },
        // On 64-bit architectures, compat user pointers are zero-extended
        // 32-bit values, as `arg` already is: the native callback serves.
        compat_ioctl: if T::HAS_IOCTL {
            Some(Self::ioctl_callback)
        } else {
            None
        },
        poll: if T::HAS_POLL {
            Some(Self::poll_callback)
        } else {
            None
        },
        // SAFETY: the other members are optional: null function pointers
        // and a null owner.
        ..unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
    };
}
