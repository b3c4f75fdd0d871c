// SPDX-License-Identifier: GPL-2.0

//! C strings and formatting into buffers.
//!
//! [`CStr`] is a borrowed, NUL-terminated string as C functions take it;
//! [`c_str!`] makes one from a literal at compile time. [`CString`] is an
//! owned one, built by formatting. `RawFormatter` formats into a raw buffer
//! with `vsnprintf()` semantics.
//!
//! [`c_str!`]: crate::c_str!

use alloc::vec::Vec;
use core::ffi::c_char;
use core::fmt::{self, Write};
use core::ops::Deref;

use crate::error::{code::EINVAL, Error, Result};
use crate::types::VecExt;

/// Why a byte slice is not a valid [`CStr`].
///
/// Functions returning a [`Result`] can use `?` on it: it converts to
/// `EINVAL`.
///
/// # Examples
///
/// ```
/// use kernel::str::CStrConvertError;
///
/// let err = CStr::from_bytes_with_nul(b"abc").err();
/// assert_eq!(err, Some(CStrConvertError::NotNulTerminated));
/// assert_eq!(Error::from(CStrConvertError::InteriorNul), EINVAL);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CStrConvertError {
    /// A NUL byte comes before the end.
    InteriorNul,
    /// The last byte is not NUL.
    NotNulTerminated,
}

impl From<CStrConvertError> for Error {
    fn from(_: CStrConvertError) -> Error {
        EINVAL
    }
}

/// A borrowed C string: bytes ending with the only NUL among them.
///
/// # Examples
///
/// ```
/// let name = c_str!("eth0");
/// assert_eq!(name.len(), 4);
/// assert_eq!(name.as_bytes_with_nul(), b"eth0\0");
///
/// // A string from a buffer filled by C code.
/// let buf = [b'o', b'k', 0];
/// let status = CStr::from_bytes_with_nul(&buf)?;
/// assert_eq!(status.to_str()?, "ok");
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// The last byte is NUL and no other byte is.
#[repr(transparent)]
pub struct CStr([u8]);

impl CStr {
    /// The length in bytes, without the NUL.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(c_str!("kunit").len(), 5);
    /// assert_eq!(c_str!("").len(), 0);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        // By the type invariant there is at least the NUL.
        self.0.len() - 1
    }

    /// Whether the string is empty (holds only the NUL).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(c_str!("").is_empty());
    /// assert!(!c_str!("x").is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks that `bytes` is a C string and borrows it as one.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::str::CStrConvertError;
    ///
    /// let s = CStr::from_bytes_with_nul(b"abc\0")?;
    /// assert_eq!(s.as_bytes(), b"abc");
    ///
    /// let empty = CStr::from_bytes_with_nul(b"").err();
    /// assert_eq!(empty, Some(CStrConvertError::NotNulTerminated));
    ///
    /// let two_nuls = CStr::from_bytes_with_nul(b"a\0b\0").err();
    /// assert_eq!(two_nuls, Some(CStrConvertError::InteriorNul));
    /// # Ok::<(), Error>(())
    /// ```
    pub const fn from_bytes_with_nul(bytes: &[u8]) -> Result<&Self, CStrConvertError> {
        if bytes.is_empty() || bytes[bytes.len() - 1] != 0 {
            return Err(CStrConvertError::NotNulTerminated);
        }
        let mut i = 0;
        while i + 1 < bytes.len() {
            if bytes[i] == 0 {
                return Err(CStrConvertError::InteriorNul);
            }
            i += 1;
        }
        // SAFETY: the bytes were just checked.
        Ok(unsafe { Self::from_bytes_with_nul_unchecked(bytes) })
    }

    /// Borrows `bytes` as a C string without checking it.
    ///
    /// # Safety
    ///
    /// The last byte of `bytes` must be NUL, and no other byte may be.
    ///
    /// # Examples
    ///
    /// ```
    /// const RAW: &[u8] = b"ttyS0\0";
    ///
    /// // SAFETY: `RAW` ends with its only NUL.
    /// let name = unsafe { CStr::from_bytes_with_nul_unchecked(RAW) };
    /// assert_eq!(name.to_str()?, "ttyS0");
    /// # Ok::<(), Error>(())
    /// ```
    #[inline]
    pub const unsafe fn from_bytes_with_nul_unchecked(bytes: &[u8]) -> &CStr {
        // INVARIANT: the caller guarantees the invariant.
        // SAFETY: `CStr` is a transparent wrapper of `[u8]`.
        unsafe { &*(bytes as *const [u8] as *const CStr) }
    }

    /// Borrows a C string owned by C code.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a NUL-terminated string that stays valid and
    /// unchanged for `'a`.
    ///
    /// # Examples
    ///
    /// ```
    /// let owner = c_str!("owned elsewhere");
    /// let ptr = owner.as_char_ptr();
    ///
    /// // SAFETY: `ptr` points to `owner`, a C string that outlives `s`.
    /// let s = unsafe { CStr::from_char_ptr(ptr) };
    /// assert_eq!(s.as_bytes(), b"owned elsewhere");
    /// ```
    pub unsafe fn from_char_ptr<'a>(ptr: *const c_char) -> &'a Self {
        // SAFETY: the caller guarantees that `ptr` is a valid C string,
        // valid and unchanged for `'a`.
        let bytes = unsafe { core::ffi::CStr::from_ptr(ptr) }.to_bytes_with_nul();
        // SAFETY: the only NUL of a C string is its last byte.
        unsafe { Self::from_bytes_with_nul_unchecked(bytes) }
    }

    /// A pointer to pass to C functions taking a `const char *`.
    ///
    /// # Examples
    ///
    /// ```
    /// let name = c_str!("rust");
    /// let ptr = name.as_char_ptr();
    ///
    /// // SAFETY: `ptr` points to `name`, a C string that outlives `again`.
    /// let again = unsafe { CStr::from_char_ptr(ptr) };
    /// assert_eq!(again.as_bytes(), b"rust");
    /// // SAFETY: the string has four bytes before its NUL.
    /// assert_eq!(unsafe { *ptr.add(4) }, 0);
    /// ```
    #[inline]
    pub const fn as_char_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }

    /// The bytes, without the NUL.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(c_str!("abc").as_bytes(), b"abc");
    /// assert!(c_str!("").as_bytes().is_empty());
    /// ```
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0[..self.len()]
    }

    /// The bytes, with the NUL.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(c_str!("abc").as_bytes_with_nul(), b"abc\0");
    /// assert_eq!(c_str!("").as_bytes_with_nul(), b"\0");
    /// ```
    #[inline]
    pub const fn as_bytes_with_nul(&self) -> &[u8] {
        &self.0
    }

    /// The string as UTF-8, if it is.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(c_str!("caf\u{e9}").to_str(), Ok("caf\u{e9}"));
    ///
    /// let latin1 = CStr::from_bytes_with_nul(b"caf\xe9\0")?;
    /// assert!(latin1.to_str().is_err());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn to_str(&self) -> Result<&str, core::str::Utf8Error> {
        core::str::from_utf8(self.as_bytes())
    }
}

impl fmt::Display for CStr {
    /// Prints the string, with bytes outside printable ASCII escaped as
    /// `\xNN`, so that the log stays readable whatever the string holds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &c in self.as_bytes() {
            if (0x20..0x7f).contains(&c) {
                f.write_char(c as char)?;
            } else {
                write!(f, "\\x{c:02x}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for CStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for &c in self.as_bytes() {
            match c {
                b'"' => f.write_str("\\\"")?,
                0x20..=0x7e => f.write_char(c as char)?,
                _ => write!(f, "\\x{c:02x}")?,
            }
        }
        f.write_char('"')
    }
}

impl AsRef<[u8]> for CStr {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// Makes a [`CStr`] of a string literal, checked at compile time.
///
/// # Examples
///
/// ```
/// let name = c_str!("rust");
/// assert_eq!(name.len(), 4);
/// ```
///
/// A literal with a NUL byte inside is not a C string, and fails the build:
///
/// ```compile_fail
/// let name = c_str!("a\0b");
/// ```
#[macro_export]
macro_rules! c_str {
    ($str:expr) => {{
        const S: &str = ::core::concat!($str, "\0");
        const C: &$crate::str::CStr = match $crate::str::CStr::from_bytes_with_nul(S.as_bytes()) {
            Ok(v) => v,
            Err(_) => ::core::panic!("string literal contains a NUL byte"),
        };
        C
    }};
}

/// Formats into a raw buffer, as `vsnprintf()` does.
///
/// Output that does not fit is dropped but still counted, so that
/// [`RawFormatter::pos`] tells where the output would have ended.
///
/// # Invariants
///
/// Writing to the addresses in `beg..end` is allowed; `pos` is at least
/// `beg`.
pub(crate) struct RawFormatter {
    beg: usize,
    pos: usize,
    end: usize,
}

impl RawFormatter {
    /// Makes a formatter for the buffer `pos..end`.
    ///
    /// # Safety
    ///
    /// The bytes from `pos` up to (not including) `end` must be writable for
    /// the lifetime of the formatter. `end` may be below `pos`, in which case
    /// nothing is written.
    pub(crate) unsafe fn from_ptrs(pos: *mut u8, end: *mut u8) -> Self {
        // INVARIANT: the caller guarantees that `pos..end` is writable.
        Self {
            beg: pos as usize,
            pos: pos as usize,
            end: end as usize,
        }
    }

    /// Makes a formatter for a buffer of `len` bytes.
    ///
    /// # Safety
    ///
    /// `len` bytes from `buf` must be writable for the lifetime of the
    /// formatter.
    pub(crate) unsafe fn from_buffer(buf: *mut u8, len: usize) -> Self {
        let pos = buf as usize;
        // INVARIANT: the caller guarantees that the buffer is writable.
        Self {
            beg: pos,
            pos,
            end: pos.saturating_add(len),
        }
    }

    /// Where the next byte would go (possibly past the end).
    pub(crate) fn pos(&self) -> *mut u8 {
        self.pos as *mut u8
    }

    /// How many bytes were formatted, written or not.
    pub(crate) fn bytes_written(&self) -> usize {
        self.pos - self.beg
    }
}

impl fmt::Write for RawFormatter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // What still fits, if anything.
        let room = self.end.saturating_sub(self.pos);
        let len = s.len().min(room);
        if len > 0 {
            // SAFETY: `pos..pos + len` is within `beg..end`, which is
            // writable by the type invariant, and cannot overlap `s`, a
            // Rust string.
            unsafe {
                core::ptr::copy_nonoverlapping(s.as_ptr(), self.pos as *mut u8, len);
            }
        }
        self.pos = self.pos.wrapping_add(s.len());
        Ok(())
    }
}

/// An owned C string, made by formatting.
///
/// # Invariants
///
/// The buffer is a valid [`CStr`]: it ends with the only NUL in it.
///
/// # Examples
///
/// ```
/// let s = CString::try_from_fmt(format_args!("{}-{}", "rust", 1))?;
/// assert_eq!(s.as_bytes(), b"rust-1");
/// # Ok::<(), kernel::error::Error>(())
/// ```
pub struct CString {
    buf: Vec<u8>,
}

/// Collects formatted output into a [`Vec`], failing if an allocation does.
struct VecWriter(Vec<u8>);

impl fmt::Write for VecWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0
            .try_extend_from_slice(s.as_bytes())
            .map_err(|_| fmt::Error)
    }
}

impl CString {
    /// Formats `args` into a new C string.
    ///
    /// Fails with `ENOMEM` if memory runs out, and with `EINVAL` if the
    /// output contains a NUL byte.
    ///
    /// # Examples
    ///
    /// ```
    /// let irq = 17;
    /// let name = CString::try_from_fmt(format_args!("gpio-irq{irq}"))?;
    /// assert_eq!(name.to_str()?, "gpio-irq17");
    ///
    /// let nul = CString::try_from_fmt(format_args!("a{}b", '\0'));
    /// assert_eq!(nul.err(), Some(EINVAL));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_from_fmt(args: fmt::Arguments<'_>) -> Result<Self> {
        let mut w = VecWriter(Vec::new());
        w.write_fmt(args).map_err(|_| crate::error::code::ENOMEM)?;
        w.0.try_push(0)?;
        // Check the invariant: formatting may have produced a NUL.
        CStr::from_bytes_with_nul(&w.0)?;
        // INVARIANT: just checked.
        Ok(Self { buf: w.0 })
    }
}

impl Deref for CString {
    type Target = CStr;

    fn deref(&self) -> &CStr {
        // SAFETY: by the type invariant the buffer is a valid C string.
        unsafe { CStr::from_bytes_with_nul_unchecked(&self.buf) }
    }
}

impl fmt::Display for CString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl fmt::Debug for CString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
