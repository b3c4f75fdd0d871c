// SPDX-License-Identifier: GPL-2.0

//! Module parameters.
//!
//! C header: [`include/linux/moduleparam.h`](../../../include/linux/moduleparam.h)
//!
//! The `module!` macro declares the parameters listed in its `params`
//! section with what is here: the value lives in a [`Param`], the kernel
//! finds it through a `struct kernel_param` in the `__param` section, and
//! parses and prints it through [`ModuleParam`].
//!
//! Integers and booleans are parsed by the same C functions as C parameters
//! of those types (`kstrtoint()`, `kstrtobool()`...), so they accept the
//! same text (`0x` prefixes, a trailing newline, `y`/`n`/`on`/`off`...).

use core::cell::UnsafeCell;
use core::ffi::{c_char, c_int, c_void};
use core::fmt::{self, Write};

use crate::error::code::EINVAL;
use crate::str::RawFormatter;
use crate::ThisModule;

/// A type usable as a module parameter.
///
/// Integers, `bool`, byte strings and [`ArrayParam`]s of those are
/// parameters; `module!` uses the trait, modules seldom call it.
///
/// # Examples
///
/// ```
/// use kernel::module_param::ModuleParam;
///
/// // As C's `kstrtoint()` reads them.
/// assert_eq!(i32::try_from_param_arg(Some(b"-42")), Some(-42));
/// assert_eq!(u16::try_from_param_arg(Some(b"0x1f\n")), Some(31));
/// assert_eq!(u8::try_from_param_arg(Some(b"256")), None);
///
/// // `debug` alone on the command line sets a boolean.
/// assert_eq!(bool::try_from_param_arg(None), Some(true));
/// assert_eq!(bool::try_from_param_arg(Some(b"off")), Some(false));
/// ```
pub trait ModuleParam: Sized + Copy + Send + 'static {
    /// Whether the parameter may be given without a value (`name` alone
    /// instead of `name=value`), like a C `bool`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::module_param::{ArrayParam, ModuleParam};
    ///
    /// // `rust_example.verbose` alone on the command line means `true`...
    /// assert!(bool::NOARG_ALLOWED);
    /// // ...but a number needs its value.
    /// assert!(!u32::NOARG_ALLOWED);
    /// assert!(!ArrayParam::<bool, 2>::NOARG_ALLOWED);
    /// ```
    const NOARG_ALLOWED: bool = false;

    /// Parses the text given for the parameter, or `None` for a bare name.
    /// Returns `None` if the text is not a valid value.
    ///
    /// The text lives as long as the module for values given at load time
    /// or on the kernel command line, but not for values written to sysfs;
    /// `module!` refuses writable parameters of types that keep it (`str`).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::module_param::ModuleParam;
    ///
    /// // The base comes from the prefix, as for C parameters.
    /// assert_eq!(u64::try_from_param_arg(Some(b"0x10")), Some(16));
    /// assert_eq!(u64::try_from_param_arg(Some(b"010")), Some(8));
    /// assert_eq!(i8::try_from_param_arg(Some(b"-128")), Some(-128));
    ///
    /// // Out of range, not a number, or missing.
    /// assert_eq!(i8::try_from_param_arg(Some(b"128")), None);
    /// assert_eq!(u32::try_from_param_arg(Some(b"ten")), None);
    /// assert_eq!(u32::try_from_param_arg(None), None);
    ///
    /// // Strings are kept as given.
    /// let name: &[u8] = b"eth0";
    /// assert_eq!(<&[u8]>::try_from_param_arg(Some(name)), Some(name));
    /// ```
    fn try_from_param_arg(arg: Option<&'static [u8]>) -> Option<Self>;

    /// Prints the value, as shown in `/sys/module/*/parameters/`.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::fmt::{self, Write};
    /// use kernel::module_param::{ArrayParam, ModuleParam};
    ///
    /// /// Collects what is printed, as the sysfs page does.
    /// struct Page(Vec<u8>);
    ///
    /// impl Write for Page {
    ///     fn write_str(&mut self, s: &str) -> fmt::Result {
    ///         self.0
    ///             .try_extend_from_slice(s.as_bytes())
    ///             .map_err(|_| fmt::Error)
    ///     }
    /// }
    ///
    /// let mut page = Page(Vec::new());
    /// true.fmt_value(&mut page)?;
    /// assert_eq!(page.0, b"Y");
    ///
    /// let mut page = Page(Vec::new());
    /// ArrayParam::<i32, 4>::create(&[-1, 2]).fmt_value(&mut page)?;
    /// assert_eq!(page.0, b"-1,2");
    /// # Ok::<(), Error>(())
    /// ```
    fn fmt_value(&self, f: &mut dyn Write) -> fmt::Result;
}

/// Runs a C `kstrto*()` function on `arg`, after copying it to a
/// NUL-terminated buffer.
fn parse_with<T: Default>(
    arg: &[u8],
    parse: unsafe extern "C" fn(*const c_char, u32, *mut T) -> c_int,
) -> Option<T> {
    // The longest valid value is a 64-bit integer in octal with a sign and
    // a newline; anything longer is invalid anyway.
    let mut buf = [0u8; 32];
    if arg.len() >= buf.len() {
        return None;
    }
    buf[..arg.len()].copy_from_slice(arg);
    let mut value = T::default();
    // SAFETY: `buf` is NUL-terminated and `value` is a valid place for the
    // result. Base 0 picks the base from the prefix, as C parameters do.
    let ret = unsafe { parse(buf.as_ptr().cast::<c_char>(), 0, &mut value) };
    (ret == 0).then_some(value)
}

macro_rules! impl_int_param {
    ($($t:ty => $parse:ident,)*) => {$(
        impl ModuleParam for $t {
            fn try_from_param_arg(arg: Option<&'static [u8]>) -> Option<Self> {
                // The C function's integer type has the same size and
                // signedness as `$t` on the 64-bit architectures with Rust
                // support.
                parse_with(arg?, bindings::$parse).map(|v| v as $t)
            }

            fn fmt_value(&self, f: &mut dyn Write) -> fmt::Result {
                write!(f, "{self}")
            }
        }
    )*};
}

impl_int_param! {
    i8 => kstrtos8,
    u8 => kstrtou8,
    i16 => kstrtos16,
    u16 => kstrtou16,
    i32 => kstrtoint,
    u32 => kstrtouint,
    i64 => kstrtoll,
    u64 => kstrtoull,
    isize => kstrtoll,
    usize => kstrtoull,
}

impl ModuleParam for bool {
    const NOARG_ALLOWED: bool = true;

    fn try_from_param_arg(arg: Option<&'static [u8]>) -> Option<Self> {
        let Some(arg) = arg else {
            // A bare `name` sets a boolean, as in C.
            return Some(true);
        };
        let mut buf = [0u8; 8];
        if arg.len() >= buf.len() {
            return None;
        }
        buf[..arg.len()].copy_from_slice(arg);
        let mut value = false;
        // SAFETY: `buf` is NUL-terminated and `value` is a valid place for
        // the result.
        let ret = unsafe { bindings::kstrtobool(buf.as_ptr().cast::<c_char>(), &mut value) };
        (ret == 0).then_some(value)
    }

    fn fmt_value(&self, f: &mut dyn Write) -> fmt::Result {
        f.write_str(if *self { "Y" } else { "N" })
    }
}

/// A string parameter (`str` in `module!`): the bytes given, kept in place.
///
/// Only read-only parameters can be strings, since the text given through
/// sysfs does not outlive the write.
impl ModuleParam for &'static [u8] {
    fn try_from_param_arg(arg: Option<&'static [u8]>) -> Option<Self> {
        arg
    }

    fn fmt_value(&self, f: &mut dyn Write) -> fmt::Result {
        for &c in *self {
            f.write_char(c as char)?;
        }
        Ok(())
    }
}

/// An array parameter of up to `N` values, given as a comma-separated list.
///
/// # Examples
///
/// ```
/// use kernel::module_param::{ArrayParam, ModuleParam};
///
/// // What `irqs=3,5,7` gives a parameter of up to four `u32`s.
/// let irqs = ArrayParam::<u32, 4>::try_from_param_arg(Some(b"3,5,7")).ok_or(EINVAL)?;
/// assert_eq!(irqs.len(), 3);
/// assert!(irqs.values().eq([3, 5, 7]));
///
/// // Five values do not fit.
/// assert!(ArrayParam::<u32, 4>::try_from_param_arg(Some(b"1,2,3,4,5")).is_none());
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct ArrayParam<T: ModuleParam, const N: usize> {
    values: [Option<T>; N],
    len: usize,
}

impl<T: ModuleParam, const N: usize> ArrayParam<T, N> {
    /// Makes an array from its first values, for the `default` of the
    /// parameter. More than `N` values fail the build.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::module_param::ArrayParam;
    ///
    /// const DEFAULT_PORTS: ArrayParam<u16, 8> = ArrayParam::create(&[80, 443]);
    /// assert!(DEFAULT_PORTS.values().eq([80, 443]));
    /// ```
    pub const fn create(init: &[T]) -> Self {
        assert!(
            init.len() <= N,
            "too many default values for an array parameter"
        );
        let mut values = [None; N];
        let mut i = 0;
        while i < init.len() {
            values[i] = Some(init[i]);
            i += 1;
        }
        Self {
            values,
            len: init.len(),
        }
    }

    /// The values given.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::module_param::ArrayParam;
    ///
    /// let weights = ArrayParam::<u8, 4>::create(&[1, 2, 3]);
    /// assert_eq!(weights.values().map(u32::from).sum::<u32>(), 6);
    /// assert_eq!(weights.values().max(), Some(3));
    /// ```
    pub fn values(&self) -> impl Iterator<Item = T> + '_ {
        self.values[..self.len].iter().flatten().copied()
    }

    /// How many values were given.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::module_param::{ArrayParam, ModuleParam};
    ///
    /// let ports = ArrayParam::<u16, 8>::try_from_param_arg(Some(b"80,443\n")).ok_or(EINVAL)?;
    /// assert_eq!(ports.len(), 2);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no value was given.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::module_param::ArrayParam;
    ///
    /// assert!(ArrayParam::<i32, 2>::create(&[]).is_empty());
    /// assert!(!ArrayParam::<i32, 2>::create(&[-1]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<T: ModuleParam, const N: usize> ModuleParam for ArrayParam<T, N> {
    fn try_from_param_arg(arg: Option<&'static [u8]>) -> Option<Self> {
        let arg = arg?;
        // A trailing newline comes with `echo` into sysfs.
        let arg = arg.strip_suffix(b"\n").unwrap_or(arg);
        let mut array = Self {
            values: [None; N],
            len: 0,
        };
        for item in arg.split(|&c| c == b',') {
            if array.len == N {
                return None;
            }
            array.values[array.len] = Some(T::try_from_param_arg(Some(item))?);
            array.len += 1;
        }
        Some(array)
    }

    fn fmt_value(&self, f: &mut dyn Write) -> fmt::Result {
        for (i, value) in self.values().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            value.fmt_value(f)?;
        }
        Ok(())
    }
}

/// The storage of a module parameter.
///
/// The kernel writes the value when the parameter is given at load time (or
/// on the command line for built-in code) and, if it is writable, through
/// sysfs; readers go through [`Param::read`].
///
/// # Invariants
///
/// After the module has started, `value` is only accessed under the
/// module's parameter lock (`kernel_param_lock()`).
///
/// # Examples
///
/// A module declaring, in its `module!`,
///
/// ```text
/// params: {
///     debug_level: u32 {
///         default: 2,
///         permissions: 0o644,
///         description: "How much to print",
///     },
/// },
/// ```
///
/// gets a `Param<u32>` named `debug_level` in its `module_parameters`
/// module:
///
/// ```
/// use kernel::module_param::Param;
///
/// # // SAFETY: null is what built-in code has, as the examples are.
/// # static THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
/// # #[allow(non_upper_case_globals)]
/// # static debug_level: Param<u32> = Param::new(2, &THIS_MODULE);
/// fn verbose() -> bool {
///     debug_level.read() > 1
/// }
///
/// assert!(verbose());
/// ```
#[repr(C)]
pub struct Param<T: ModuleParam> {
    /// First, so that a pointer to the `Param` is one to the value.
    value: UnsafeCell<T>,
    module: &'static ThisModule,
}

// SAFETY: the value is only accessed under the parameter lock (by the type
// invariant), and `T` may be sent to the threads accessing it.
unsafe impl<T: ModuleParam> Sync for Param<T> {}

impl<T: ModuleParam> Param<T> {
    /// Makes a parameter with its default value.
    #[doc(hidden)]
    pub const fn new(value: T, module: &'static ThisModule) -> Self {
        Self {
            value: UnsafeCell::new(value),
            module,
        }
    }

    /// The current value of the parameter.
    ///
    /// Reading takes the parameter lock, so the value is whole even while
    /// it is being written through sysfs; it may sleep.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::module_param::{ArrayParam, Param};
    ///
    /// # // SAFETY: null is what built-in code has, as the examples are.
    /// # static THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
    /// # #[allow(non_upper_case_globals)]
    /// # static irqs: Param<ArrayParam<u32, 4>> =
    /// #     Param::new(ArrayParam::create(&[5, 7]), &THIS_MODULE);
    /// // A parameter declared as `irqs: ArrayParam<u32, 4>` with the default
    /// // `[5, 7]`.
    /// let current = irqs.read();
    /// assert!(current.values().eq([5, 7]));
    /// ```
    pub fn read(&self) -> T {
        let module = self.module.as_ptr();
        // SAFETY: `module` is this module's, or null for built-in code,
        // which selects the lock of built-in parameters.
        unsafe { bindings::kernel_param_lock(module) };
        // SAFETY: the lock is held, so the kernel is not writing the value.
        let value = unsafe { *self.value.get() };
        // SAFETY: the lock was taken above.
        unsafe { bindings::kernel_param_unlock(module) };
        value
    }
}

/// Called by the kernel to set a parameter.
///
/// # Safety
///
/// `param` must be one of the `kernel_param` made by `module!` for a
/// `Param<T>`, and `val` null or a NUL-terminated string, valid as long as
/// the module for parameters of types that keep it. The kernel holds the
/// parameter lock, or the module is not running yet.
unsafe extern "C" fn set_param<T: ModuleParam>(
    val: *const c_char,
    param: *const bindings::kernel_param,
) -> c_int {
    let arg = if val.is_null() {
        None
    } else {
        // SAFETY: the caller guarantees that `val` is a valid C string,
        // living as long as the module where the type needs it to.
        Some(unsafe { crate::str::CStr::from_char_ptr(val) }.as_bytes())
    };
    match T::try_from_param_arg(arg) {
        Some(value) => {
            // SAFETY: the caller guarantees that `arg` points to a
            // `Param<T>`, whose value comes first, and that the lock is
            // held or the module not running.
            unsafe { *(*param).__bindgen_anon_1.arg.cast::<T>() = value };
            0
        }
        None => EINVAL.to_errno(),
    }
}

/// Called by the kernel to show a parameter in sysfs.
///
/// # Safety
///
/// `buf` must be a page the value may be written to, and `param` one of the
/// `kernel_param` made by `module!` for a `Param<T>`. The kernel holds the
/// parameter lock.
unsafe extern "C" fn get_param<T: ModuleParam>(
    buf: *mut c_char,
    param: *const bindings::kernel_param,
) -> c_int {
    // SAFETY: the caller guarantees that `buf` is a writable page.
    let mut f = unsafe { RawFormatter::from_buffer(buf.cast::<u8>(), crate::PAGE_SIZE) };
    // SAFETY: the caller guarantees that `arg` points to a `Param<T>`, whose
    // value comes first, and that the lock is held.
    let value = unsafe { &*(*param).__bindgen_anon_1.arg.cast::<T>() };
    // `RawFormatter` does not fail; output past the page is dropped.
    let _ = value.fmt_value(&mut f);
    let _ = f.write_char('\n');
    // At most a page, which fits an `int`.
    f.bytes_written().min(crate::PAGE_SIZE) as c_int
}

/// The operations of parameters of type `T` (`struct kernel_param_ops`).
///
/// Only for `module!`, which makes one per parameter.
#[doc(hidden)]
#[repr(transparent)]
pub struct KernelParamOps(bindings::kernel_param_ops);

// SAFETY: the operations are only function pointers and flags, never
// changed.
unsafe impl Sync for KernelParamOps {}

impl KernelParamOps {
    /// The operations for a `T` parameter.
    #[doc(hidden)]
    pub const fn new<T: ModuleParam>() -> Self {
        let flags = if T::NOARG_ALLOWED {
            bindings::KERNEL_PARAM_OPS_FL_NOARG
        } else {
            0
        };
        Self(bindings::kernel_param_ops {
            flags,
            set: Some(set_param::<T>),
            get: Some(get_param::<T>),
            free: None,
        })
    }
}

/// A `struct kernel_param`, as put in the `__param` section by `module!`.
///
/// Only for `module!`, which makes one per parameter.
#[doc(hidden)]
#[repr(transparent)]
pub struct KernelParam(bindings::kernel_param);

// SAFETY: the kernel only reads the structure; what it points to is
// accessed under the parameter lock.
unsafe impl Sync for KernelParam {}

impl KernelParam {
    /// Describes a parameter to the kernel.
    ///
    /// # Safety
    ///
    /// `name` must be NUL-terminated, `module` this module's (null when
    /// built in), `arg` a pointer to the `Param<T>` that `ops` was made for,
    /// and `perm` may only allow writing for types that do not keep the
    /// text they are parsed from.
    #[doc(hidden)]
    pub const unsafe fn new(
        name: &'static [u8],
        module: *mut bindings::module,
        ops: &'static KernelParamOps,
        perm: u16,
        arg: *mut c_void,
    ) -> Self {
        Self(bindings::kernel_param {
            name: name.as_ptr().cast::<c_char>(),
            mod_: module,
            ops: &ops.0,
            perm,
            level: -1,
            flags: 0,
            __bindgen_anon_1: bindings::kernel_param__bindgen_ty_1 { arg },
        })
    }
}
