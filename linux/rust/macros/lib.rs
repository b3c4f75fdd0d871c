// SPDX-License-Identifier: GPL-2.0

//! Procedural macros of the kernel crate.
//!
//! They are compiled for the host, as a `proc-macro` crate, by the same
//! rustc that compiles the kernel's Rust code.

mod helpers;
mod module;
mod vtable;

use proc_macro::TokenStream;

/// Declares a kernel module.
///
/// The `type` implements [`kernel::Module`]; its `init` runs when the module
/// is loaded (at boot when built in) and the value is dropped when it is
/// unloaded. The other fields are the module's information, as the C
/// `MODULE_*()` macros give it.
///
/// # Examples
///
/// ```ignore
/// use kernel::prelude::*;
///
/// module! {
///     type: MyModule,
///     name: "my_kernel_module",
///     author: "A. U. Thor",
///     description: "Does nothing yet",
///     license: "GPL",
///     alias: ["my-module"],
///     params: {
///         verbose: bool {
///             default: false,
///             permissions: 0o644,
///             description: "Print more",
///         },
///         levels: ArrayParam<u32, 4> {
///             default: [1, 2],
///             permissions: 0o444,
///             description: "Up to four levels",
///         },
///     },
/// }
///
/// struct MyModule;
///
/// impl kernel::Module for MyModule {
///     fn init(_module: &'static ThisModule) -> Result<Self> {
///         pr_info!("verbose: {}\n", module_parameters::verbose.read());
///         Ok(MyModule)
///     }
/// }
/// ```
///
/// # Fields
///
///   - `type`: the type implementing [`kernel::Module`] (required).
///   - `name`: the module name, an identifier-like string (required).
///   - `author`, `description`, `license` (required), `alias` (a list).
///   - `params`: the module parameters, each `name: type { default,
///     permissions, description }`. The types are `bool`, `i8`, `u8`,
///     `i16`, `u16`, `i32`, `u32`, `i64`, `u64`, `isize`, `usize`, `str`
///     (a byte string literal as default; read-only permissions only) and
///     `ArrayParam<T, N>` of any of the non-string types (a list as
///     default). They are read with `module_parameters::NAME.read()`.
///     A loadable module refuses to load with a parameter it does not
///     declare, as with a value that does not parse.
///
/// [`kernel::Module`]: ../kernel/trait.Module.html
#[proc_macro]
pub fn module(ts: TokenStream) -> TokenStream {
    module::module(ts)
}

/// Marks a trait whose implementations tell which of its methods they
/// provide, for building a C operations table.
///
/// On the trait, each method `foo` gets an associated constant `HAS_FOO`,
/// `false` by default; on an implementation, `HAS_FOO` is `true` for each
/// method it defines. The code filling a C `struct ..._ops` then leaves the
/// function pointers of the methods not implemented `NULL`, which is what C
/// code tests for optional operations.
///
/// # Examples
///
/// ```ignore
/// use kernel::prelude::*;
///
/// #[vtable]
/// pub trait Operations {
///     fn open() -> Result;
///     fn ioctl(_cmd: u32) -> Result {
///         Err(ENOTTY)
///     }
/// }
///
/// struct Foo;
///
/// #[vtable]
/// impl Operations for Foo {
///     fn open() -> Result {
///         Ok(())
///     }
/// }
///
/// assert!(Foo::HAS_OPEN);
/// assert!(!Foo::HAS_IOCTL);
/// ```
#[proc_macro_attribute]
pub fn vtable(attr: TokenStream, ts: TokenStream) -> TokenStream {
    vtable::vtable(attr, ts)
}
