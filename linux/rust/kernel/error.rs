// SPDX-License-Identifier: GPL-2.0

//! Kernel errors.
//!
//! C header: [`include/uapi/asm-generic/errno-base.h`](../../../include/uapi/asm-generic/errno-base.h)
//!
//! C functions report failure as a negative `errno`, either as their `int`
//! result or encoded in a pointer (`ERR_PTR()`). On the Rust side a failure
//! is an [`Error`] in a [`Result`]; the helpers here convert between the
//! two at the boundary, and nowhere else.

use core::alloc::{AllocError, LayoutError};
use core::ffi::c_int;
use core::fmt;
use core::num::TryFromIntError;
use core::str::Utf8Error;

use alloc::collections::TryReserveError;

/// The largest `errno` value, as `MAX_ERRNO` in `include/linux/err.h`.
const MAX_ERRNO: c_int = 4095;

/// Error codes, with their C names.
///
/// Each is the negative of the C `errno` of the same name, which is the
/// same on all architectures with Rust support (`asm-generic` values).
///
/// # Examples
///
/// ```
/// use kernel::error::code::{EAGAIN, EINVAL, ENOENT, ENOTSUPP, EPERM};
///
/// assert_eq!(EPERM.to_errno(), -1);
/// assert_eq!(ENOENT.to_errno(), -2);
/// assert_eq!(EAGAIN.to_errno(), -11);
/// assert_eq!(EINVAL.to_errno(), -22);
/// // Kernel-internal codes too, as `include/linux/errno.h` has them.
/// assert_eq!(ENOTSUPP.to_errno(), -524);
/// ```
pub mod code {
    macro_rules! declare_err {
        ($name:ident, $doc:literal) => {
            #[doc = $doc]
            pub const $name: super::Error = super::Error(-(crate::bindings::$name as i32));
        };
    }

    declare_err!(EPERM, "Operation not permitted.");
    declare_err!(ENOENT, "No such file or directory.");
    declare_err!(ESRCH, "No such process.");
    declare_err!(EINTR, "Interrupted system call.");
    declare_err!(EIO, "I/O error.");
    declare_err!(ENXIO, "No such device or address.");
    declare_err!(E2BIG, "Argument list too long.");
    declare_err!(ENOEXEC, "Exec format error.");
    declare_err!(EBADF, "Bad file number.");
    declare_err!(ECHILD, "No child processes.");
    declare_err!(EAGAIN, "Try again.");
    declare_err!(ENOMEM, "Out of memory.");
    declare_err!(EACCES, "Permission denied.");
    declare_err!(EFAULT, "Bad address.");
    declare_err!(ENOTBLK, "Block device required.");
    declare_err!(EBUSY, "Device or resource busy.");
    declare_err!(EEXIST, "File exists.");
    declare_err!(EXDEV, "Cross-device link.");
    declare_err!(ENODEV, "No such device.");
    declare_err!(ENOTDIR, "Not a directory.");
    declare_err!(EISDIR, "Is a directory.");
    declare_err!(EINVAL, "Invalid argument.");
    declare_err!(ENFILE, "File table overflow.");
    declare_err!(EMFILE, "Too many open files.");
    declare_err!(ENOTTY, "Not a typewriter.");
    declare_err!(ETXTBSY, "Text file busy.");
    declare_err!(EFBIG, "File too large.");
    declare_err!(ENOSPC, "No space left on device.");
    declare_err!(ESPIPE, "Illegal seek.");
    declare_err!(EROFS, "Read-only file system.");
    declare_err!(EMLINK, "Too many links.");
    declare_err!(EPIPE, "Broken pipe.");
    declare_err!(EDOM, "Math argument out of domain of func.");
    declare_err!(ERANGE, "Math result not representable.");
    declare_err!(EOVERFLOW, "Value too large for defined data type.");
    declare_err!(ETIMEDOUT, "Connection timed out.");
    declare_err!(ENOSYS, "Invalid system call number.");
    declare_err!(ENOTSUPP, "Operation is not supported.");
}

/// A kernel error: a negative `errno`.
///
/// The errors C code uses are constants of [`code`], also in the prelude.
/// An error prints as its C name where it has a known one.
///
/// # Examples
///
/// ```
/// let err = ENOMEM;
/// assert_eq!(err.to_errno(), -12);
/// assert_ne!(err, EINVAL);
///
/// let name = CString::try_from_fmt(format_args!("{:?}", err))?;
/// assert_eq!(name.to_str()?, "ENOMEM");
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// The value is in `-MAX_ERRNO..=-1`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error(c_int);

impl Error {
    /// Makes an [`Error`] of a negative `errno` returned by C code.
    ///
    /// A value that is not a valid `errno` (zero, positive or below
    /// `-MAX_ERRNO`) is a bug in the caller; it is reported and turned into
    /// `EINVAL` rather than trusted.
    ///
    /// # Examples
    ///
    /// ```
    /// // What a C function returning `-EBUSY` gives.
    /// assert_eq!(Error::from_errno(-16), EBUSY);
    ///
    /// // Not an error: reported, and taken as `EINVAL`.
    /// assert_eq!(Error::from_errno(5), EINVAL);
    /// ```
    pub fn from_errno(errno: c_int) -> Error {
        if !(-MAX_ERRNO..0).contains(&errno) {
            crate::pr_warn!("attempted to create an Error from {}\n", errno);
            return code::EINVAL;
        }
        // INVARIANT: the range was checked above.
        Error(errno)
    }

    /// The negative `errno`, for returning to C code.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(EINVAL.to_errno(), -22);
    /// assert_eq!(Error::from_errno(-5).to_errno(), -5);
    /// ```
    pub fn to_errno(self) -> c_int {
        self.0
    }

    /// The error encoded as a pointer, as C's `ERR_PTR()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::error::from_err_ptr;
    ///
    /// let ptr = ENODEV.to_ptr::<u8>();
    /// assert_eq!(from_err_ptr(ptr), Err(ENODEV));
    /// ```
    pub fn to_ptr<T>(self) -> *mut T {
        // The top page of the address space is never mapped; an `errno`
        // cast to a pointer lands there (by the type invariant).
        self.0 as isize as *mut T
    }

    /// The C name of the error, where this crate knows it.
    fn name(self) -> Option<&'static str> {
        use code::*;
        let names = [
            (EPERM, "EPERM"),
            (ENOENT, "ENOENT"),
            (EINTR, "EINTR"),
            (EIO, "EIO"),
            (ENXIO, "ENXIO"),
            (E2BIG, "E2BIG"),
            (EAGAIN, "EAGAIN"),
            (ENOMEM, "ENOMEM"),
            (EACCES, "EACCES"),
            (EFAULT, "EFAULT"),
            (EBUSY, "EBUSY"),
            (EEXIST, "EEXIST"),
            (ENODEV, "ENODEV"),
            (EINVAL, "EINVAL"),
            (ENOSPC, "ENOSPC"),
            (ERANGE, "ERANGE"),
            (EOVERFLOW, "EOVERFLOW"),
            (ETIMEDOUT, "ETIMEDOUT"),
            (ENOSYS, "ENOSYS"),
            (ENOTSUPP, "ENOTSUPP"),
        ];
        names
            .iter()
            .find(|(e, _)| *e == self)
            .map(|(_, name)| *name)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Error({})", self.0),
        }
    }
}

impl From<AllocError> for Error {
    fn from(_: AllocError) -> Error {
        code::ENOMEM
    }
}

impl From<TryReserveError> for Error {
    fn from(_: TryReserveError) -> Error {
        code::ENOMEM
    }
}

impl From<LayoutError> for Error {
    fn from(_: LayoutError) -> Error {
        code::ENOMEM
    }
}

impl From<TryFromIntError> for Error {
    fn from(_: TryFromIntError) -> Error {
        code::EINVAL
    }
}

impl From<Utf8Error> for Error {
    fn from(_: Utf8Error) -> Error {
        code::EINVAL
    }
}

impl From<fmt::Error> for Error {
    fn from(_: fmt::Error) -> Error {
        code::EINVAL
    }
}

/// The result of a fallible kernel operation.
///
/// Without type arguments, the result of an operation that returns
/// nothing but may fail. `?` returns early with the error, converting the
/// errors of `core` and `alloc` (running out of memory becomes
/// `ENOMEM`, for instance).
///
/// # Examples
///
/// ```
/// fn parse_port(number: u32) -> Result<u16> {
///     let port = u16::try_from(number)?;
///     if port == 0 {
///         return Err(EINVAL);
///     }
///     Ok(port)
/// }
///
/// assert_eq!(parse_port(8080)?, 8080);
/// assert_eq!(parse_port(0), Err(EINVAL));
/// assert_eq!(parse_port(70000), Err(EINVAL));
/// # Ok::<(), Error>(())
/// ```
pub type Result<T = (), E = Error> = core::result::Result<T, E>;

/// Converts the `int` result of a C function: negative values are errors,
/// anything else is success.
///
/// # Examples
///
/// ```
/// # use kernel::error::to_result;
/// assert!(to_result(0).is_ok());
/// assert_eq!(to_result(-22), Err(EINVAL));
/// ```
pub fn to_result(ret: c_int) -> Result {
    if ret < 0 {
        Err(Error::from_errno(ret))
    } else {
        Ok(())
    }
}

/// Converts a pointer returned by a C function that may be an `ERR_PTR()`,
/// as C's `IS_ERR()` and `PTR_ERR()` do.
///
/// # Examples
///
/// ```
/// use kernel::error::from_err_ptr;
///
/// let mut value = 0u32;
/// let ptr: *mut u32 = &mut value;
/// assert_eq!(from_err_ptr(ptr), Ok(ptr));
///
/// // What `ERR_PTR(-ENOMEM)` is.
/// assert_eq!(from_err_ptr((-12isize) as *mut u32), Err(ENOMEM));
/// ```
pub fn from_err_ptr<T>(ptr: *mut T) -> Result<*mut T> {
    let value = ptr as isize;
    if (-(MAX_ERRNO as isize)..0).contains(&value) {
        // The range was checked, so the value fits an `int`.
        return Err(Error::from_errno(value as c_int));
    }
    Ok(ptr)
}

/// Turns the result of Rust code called from C into an `int` for C: zero
/// on success, the negative `errno` on failure.
///
/// This is the one place where `extern "C"` functions convert their
/// [`Result`] back.
///
/// # Examples
///
/// ```
/// use core::ffi::c_int;
/// use kernel::error::from_result;
///
/// // What an `open` callback returns to C.
/// fn open(busy: bool) -> c_int {
///     from_result(if busy { Err(EBUSY) } else { Ok(0) })
/// }
///
/// assert_eq!(open(false), 0);
/// assert_eq!(open(true), -16);
/// ```
pub fn from_result<T: From<i16>>(result: Result<T>) -> T {
    match result {
        Ok(value) => value,
        // Errors are in `-MAX_ERRNO..=-1` (by the type invariant), which fits
        // an `i16`.
        Err(err) => T::from(err.to_errno() as i16),
    }
}
