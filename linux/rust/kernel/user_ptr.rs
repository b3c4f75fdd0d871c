// SPDX-License-Identifier: GPL-2.0

//! Access to user-space memory.
//!
//! C header: [`include/linux/uaccess.h`](../../../include/linux/uaccess.h)
//!
//! A [`UserSlicePtr`] is a range of user-space addresses, as a system call
//! gives it; it is consumed by a [`UserSlicePtrReader`] or a
//! [`UserSlicePtrWriter`], which copy data out of it or into it from the
//! start onwards. Every user access can fail, as user space may pass any
//! address: a failed copy is `EFAULT`, and is never reported as a
//! partially successful one.

use alloc::vec::Vec;
use core::ffi::{c_ulong, c_void};

use crate::error::{code::EFAULT, Result};

/// A user-space buffer: a start address and a length.
///
/// # Invariants
///
/// The address is a user-space address, or at least was given as one.
///
/// # Examples
///
/// ```
/// use kernel::user_ptr::UserSlicePtr;
///
/// // A null user pointer: every access fails.
/// // SAFETY: the pointer is meant as a user-space address.
/// let slice = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 4) };
/// let mut buf = [0u8; 4];
/// assert_eq!(slice.reader().read_slice(&mut buf), Err(EFAULT));
/// ```
pub struct UserSlicePtr(*mut c_void, usize);

impl UserSlicePtr {
    /// Makes a user-space buffer of `length` bytes at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a user-space address given by user space (such as a
    /// system call argument): the copies check it with `access_ok()` and
    /// handle faults, but a kernel address that passes for a user one
    /// (with `set_fs(KERNEL_DS)`) would be accessed. The caller must also
    /// not make several `UserSlicePtr`s of overlapping ranges if it relies
    /// on data not changing between reads, as user space may change it.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let slice = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 0) };
    /// assert!(slice.reader().is_empty());
    /// ```
    pub unsafe fn new(ptr: *mut c_void, length: usize) -> Self {
        // INVARIANT: the caller guarantees the address is a user one.
        UserSlicePtr(ptr, length)
    }

    /// Reads the whole buffer into a new vector.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let slice = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 8) };
    /// assert_eq!(slice.read_all(), Err(EFAULT));
    /// ```
    pub fn read_all(self) -> Result<Vec<u8>> {
        self.reader().read_all()
    }

    /// Makes a reader of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let reader = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 8) }.reader();
    /// assert_eq!(reader.len(), 8);
    /// ```
    pub fn reader(self) -> UserSlicePtrReader {
        UserSlicePtrReader(self.0, self.1)
    }

    /// Makes a writer of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let mut writer = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 2) }.writer();
    /// assert_eq!(writer.write_slice(&[1, 2]), Err(EFAULT));
    /// ```
    pub fn writer(self) -> UserSlicePtrWriter {
        UserSlicePtrWriter(self.0, self.1)
    }

    /// Makes a reader and a writer of the same buffer, for operations that
    /// read their arguments and write back results (such as `ioctl`s).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let (reader, writer) = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 4) }.reader_writer();
    /// assert_eq!(reader.len(), writer.len());
    /// ```
    pub fn reader_writer(self) -> (UserSlicePtrReader, UserSlicePtrWriter) {
        (
            UserSlicePtrReader(self.0, self.1),
            UserSlicePtrWriter(self.0, self.1),
        )
    }
}

/// Reads a user-space buffer from its start onwards.
///
/// # Examples
///
/// ```
/// use kernel::user_ptr::{UserSlicePtr, UserSlicePtrReader};
///
/// fn first_byte(reader: &mut UserSlicePtrReader) -> Result<u8> {
///     let mut byte = [0u8];
///     reader.read_slice(&mut byte)?;
///     Ok(byte[0])
/// }
///
/// // SAFETY: the address is meant as a user-space one.
/// let mut reader = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 1) }.reader();
/// assert_eq!(first_byte(&mut reader), Err(EFAULT));
/// ```
pub struct UserSlicePtrReader(*mut c_void, usize);

impl UserSlicePtrReader {
    /// The number of bytes left to read.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let reader = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 3) }.reader();
    /// assert_eq!(reader.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.1
    }

    /// Whether nothing is left to read.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let reader = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 0) }.reader();
    /// assert!(reader.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.1 == 0
    }

    /// Fills `data` with the next bytes of the buffer.
    ///
    /// Fails with `EFAULT` if the buffer has fewer bytes left than `data`
    /// holds, or if any of them cannot be read; the reader then has not
    /// advanced, and the contents of `data` are unspecified (the bytes
    /// that could not be copied are zeroed).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let mut reader = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 1) }.reader();
    /// let mut data = [0u8; 2];
    /// // More than the buffer holds.
    /// assert_eq!(reader.read_slice(&mut data), Err(EFAULT));
    /// ```
    pub fn read_slice(&mut self, data: &mut [u8]) -> Result {
        // SAFETY: `data` is valid for writes of its length.
        unsafe { self.read_raw(data.as_mut_ptr(), data.len()) }
    }

    /// Copies the next `len` bytes of the buffer to `dst`, as
    /// [`UserSlicePtrReader::read_slice`] does.
    ///
    /// # Safety
    ///
    /// `dst` must be valid for writes of `len` bytes.
    unsafe fn read_raw(&mut self, dst: *mut u8, len: usize) -> Result {
        if len > self.1 {
            return Err(EFAULT);
        }
        // SAFETY: the caller guarantees that `dst` is valid for writes of
        // `len` bytes; the source is a user address, checked and
        // fault-handled by `copy_from_user()`.
        let left = unsafe { bindings::copy_from_user(dst.cast(), self.0, len as c_ulong) };
        if left != 0 {
            return Err(EFAULT);
        }
        // The pointer is only used as a user address, never dereferenced.
        self.0 = self.0.wrapping_byte_add(len);
        self.1 -= len;
        Ok(())
    }

    /// Reads everything left into a new vector.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let reader = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 0) }.reader();
    /// assert!(reader.read_all()?.is_empty());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn read_all(mut self) -> Result<Vec<u8>> {
        let len = self.1;
        let mut data = Vec::new();
        data.try_reserve_exact(len)?;
        // SAFETY: the vector has room for `len` bytes.
        unsafe { self.read_raw(data.as_mut_ptr(), len)? };
        // SAFETY: the `len` bytes were all copied.
        unsafe { data.set_len(len) };
        Ok(data)
    }
}

/// Writes a user-space buffer from its start onwards.
///
/// # Examples
///
/// ```
/// use kernel::user_ptr::UserSlicePtr;
///
/// // SAFETY: the address is meant as a user-space one.
/// let mut writer = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 4) }.writer();
/// assert_eq!(writer.write_slice(b"abcd"), Err(EFAULT));
/// assert_eq!(writer.len(), 4);
/// ```
pub struct UserSlicePtrWriter(*mut c_void, usize);

impl UserSlicePtrWriter {
    /// The number of bytes left to write.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let writer = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 5) }.writer();
    /// assert_eq!(writer.len(), 5);
    /// ```
    pub fn len(&self) -> usize {
        self.1
    }

    /// Whether the buffer is full.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let writer = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 0) }.writer();
    /// assert!(writer.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.1 == 0
    }

    /// Copies `data` to the next bytes of the buffer.
    ///
    /// Fails with `EFAULT` if the buffer has less room than `data` needs,
    /// or if any byte cannot be written; the writer then has not advanced
    /// (though some bytes may have been written).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::user_ptr::UserSlicePtr;
    ///
    /// // SAFETY: the address is meant as a user-space one.
    /// let mut writer = unsafe { UserSlicePtr::new(core::ptr::null_mut(), 0) }.writer();
    /// // Writing nothing always works.
    /// writer.write_slice(&[])?;
    /// // Writing more than there is room for never does.
    /// assert_eq!(writer.write_slice(&[1]), Err(EFAULT));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn write_slice(&mut self, data: &[u8]) -> Result {
        let len = data.len();
        if len > self.1 {
            return Err(EFAULT);
        }
        if len == 0 {
            return Ok(());
        }
        // SAFETY: `data` is valid for reads of `len` bytes; the destination
        // is a user address, checked and fault-handled by
        // `copy_to_user()`.
        let left = unsafe { bindings::copy_to_user(self.0, data.as_ptr().cast(), len as c_ulong) };
        if left != 0 {
            return Err(EFAULT);
        }
        // The pointer is only used as a user address, never dereferenced.
        self.0 = self.0.wrapping_byte_add(len);
        self.1 -= len;
        Ok(())
    }
}
