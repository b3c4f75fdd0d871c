// SPDX-License-Identifier: GPL-2.0

//! The `module!` macro.

use std::fmt::Write;

use proc_macro::{Delimiter, TokenStream, TokenTree};

use crate::helpers::*;

/// A module parameter, as declared in `params`.
struct Param {
    name: String,
    /// The type as written (`bool`, `ArrayParam<u32, 4>`...).
    ty: String,
    default: String,
    permissions: String,
    description: String,
}

/// What `module!` was given.
#[derive(Default)]
struct ModuleInfo {
    ty: String,
    name: String,
    author: Option<String>,
    description: Option<String>,
    license: String,
    alias: Vec<String>,
    params: Vec<Param>,
}

/// The integer and boolean parameter types, which arrays may hold too.
const SCALAR_TYPES: &[&str] = &[
    "bool", "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "isize", "usize",
];

fn parse_list(group: proc_macro::Group) -> Vec<String> {
    let mut it = group.stream().into_iter().peekable();
    let mut items = Vec::new();
    while it.peek().is_some() {
        items.push(expect_string(&mut it));
        if !try_punct(&mut it, ',') {
            break;
        }
    }
    items
}

fn parse_param(it: &mut Tokens, name: String) -> Param {
    // The type goes up to the braces.
    let mut ty = String::new();
    while let Some(tt) =
        it.next_if(|tt| !matches!(tt, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))
    {
        ty.push_str(&tt.to_string());
    }
    let body = expect_group(it, Delimiter::Brace);
    let mut it = body.stream().into_iter().peekable();
    let (mut default, mut permissions, mut description) = (None, None, None);
    while let Some(key) = try_ident(&mut it) {
        expect_punct(&mut it, ':');
        match key.as_str() {
            "default" => default = Some(until_comma(&mut it)),
            "permissions" => permissions = Some(until_comma(&mut it)),
            "description" => description = Some(expect_string(&mut it)),
            _ => error(&format!("unknown key `{key}` in parameter `{name}`")),
        }
        if !try_punct(&mut it, ',') {
            break;
        }
    }
    let missing = |what: &str| -> ! { error(&format!("parameter `{name}` needs a `{what}`")) };
    Param {
        default: default.unwrap_or_else(|| missing("default")),
        permissions: permissions.unwrap_or_else(|| missing("permissions")),
        description: description.unwrap_or_else(|| missing("description")),
        name,
        ty,
    }
}

fn parse_params(group: proc_macro::Group) -> Vec<Param> {
    let mut it = group.stream().into_iter().peekable();
    let mut params = Vec::new();
    while let Some(name) = try_ident(&mut it) {
        expect_punct(&mut it, ':');
        params.push(parse_param(&mut it, name));
        if !try_punct(&mut it, ',') {
            break;
        }
    }
    if it.peek().is_some() {
        error("expected a parameter name");
    }
    params
}

impl ModuleInfo {
    fn parse(ts: TokenStream) -> Self {
        let mut it = ts.into_iter().peekable();
        let mut info = ModuleInfo::default();
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = try_ident(&mut it) {
            if seen.contains(&key) {
                error(&format!("`{key}` is given twice"));
            }
            expect_punct(&mut it, ':');
            match key.as_str() {
                "type" => info.ty = expect_ident(&mut it),
                "name" => info.name = expect_string(&mut it),
                "author" => info.author = Some(expect_string(&mut it)),
                "description" => info.description = Some(expect_string(&mut it)),
                "license" => info.license = expect_string(&mut it),
                "alias" => info.alias = parse_list(expect_group(&mut it, Delimiter::Bracket)),
                "params" => info.params = parse_params(expect_group(&mut it, Delimiter::Brace)),
                _ => error(&format!("unknown key `{key}` in module!")),
            }
            seen.push(key);
            if !try_punct(&mut it, ',') {
                break;
            }
        }
        if it.peek().is_some() {
            error("expected `key: value` in module!");
        }
        for required in ["type", "name", "license"] {
            if !seen.iter().any(|k| k == required) {
                error(&format!("module! needs a `{required}`"));
            }
        }
        if info.name.is_empty()
            || !info
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            error("the module name may only have ASCII letters, digits and `_`");
        }
        info
    }
}

/// The Rust type and the default value expression of a parameter.
fn param_type(param: &Param) -> (String, String) {
    let ty = param.ty.as_str();
    if SCALAR_TYPES.contains(&ty) {
        return (ty.to_owned(), param.default.clone());
    }
    if ty == "str" {
        return ("&'static [u8]".to_owned(), param.default.clone());
    }
    if let Some(inner) = ty
        .strip_prefix("ArrayParam<")
        .and_then(|s| s.strip_suffix('>'))
    {
        let elem = inner.split(',').next().unwrap_or("").trim();
        if !SCALAR_TYPES.contains(&elem) {
            error(&format!(
                "arrays of `{elem}` are not supported (parameter `{}`)",
                param.name
            ));
        }
        return (
            format!("::kernel::module_param::ArrayParam<{inner}>"),
            format!(
                "::kernel::module_param::ArrayParam::create(&{})",
                param.default
            ),
        );
    }
    error(&format!(
        "unsupported type `{ty}` for parameter `{}`",
        param.name
    ))
}

/// The `.modinfo` entries of the module, as C's `MODULE_INFO()` makes them:
/// `tag=value` for a loadable module, `name.tag=value` for built-in code
/// (for `modules.builtin.modinfo`).
#[derive(Default)]
struct ModInfo {
    loadable: Vec<u8>,
    builtin: Vec<u8>,
}

impl ModInfo {
    fn add(&mut self, module: &str, tag: &str, value: &str) {
        let entry = format!("{tag}={value}\0");
        self.loadable.extend_from_slice(entry.as_bytes());
        self.builtin
            .extend_from_slice(format!("{module}.{entry}").as_bytes());
    }

    /// One static per configuration, so that the entries end up in a
    /// single `.modinfo` section of the object, where modpost reads them.
    fn emit(&self, module: &str) -> String {
        let mut out = String::new();
        for (cfg, bytes) in [("MODULE", &self.loadable), ("not(MODULE)", &self.builtin)] {
            // A byte string literal, escaping what it cannot hold as is.
            let literal: String = bytes
                .iter()
                .map(|&b| match b {
                    b'"' | b'\\' => format!("\\{}", b as char),
                    0x20..=0x7e => (b as char).to_string(),
                    _ => format!("\\x{b:02x}"),
                })
                .collect();
            let _ = writeln!(
                out,
                "
                #[cfg({cfg})]
                #[doc(hidden)]
                #[link_section = \".modinfo\"]
                #[used]
                static __{module}_modinfo: [u8; {len}] = *b\"{literal}\";",
                len = bytes.len(),
            );
        }
        out
    }
}

pub(crate) fn module(ts: TokenStream) -> TokenStream {
    let info = ModuleInfo::parse(ts);
    let name = &info.name;
    let mut modinfo = ModInfo::default();

    if let Some(author) = &info.author {
        modinfo.add(name, "author", author);
    }
    if let Some(description) = &info.description {
        modinfo.add(name, "description", description);
    }
    modinfo.add(name, "license", &info.license);
    // A parameter the module does not declare fails the load rather than
    // being ignored (see `strict_module_param_cb()` in kernel/module.c).
    modinfo.add(name, "strict_params", "y");
    for alias in &info.alias {
        modinfo.add(name, "alias", alias);
    }

    let mut params = String::new();
    for param in &info.params {
        let (ty, default) = param_type(param);
        let pname = &param.name;
        // The permissions are the caller's expression: it is evaluated
        // in a constant of its own, so that it is never part of the
        // `unsafe` block below, where it could do anything unsafe.
        let _ = writeln!(
            params,
            "
            /// The permissions of the `{pname}` parameter.
            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            const __{pname}_perm: u16 = {perm};",
            perm = param.permissions,
        );
        if param.ty == "str" {
            // The text of a string parameter written through sysfs would not
            // outlive the write; see `ModuleParam::try_from_param_arg`.
            let _ = writeln!(
                params,
                "::kernel::static_assert!(__{pname}_perm & 0o222 == 0, \
                 \"string parameter `{pname}` cannot be writable\");",
            );
        }
        // The type as `modinfo` shows it.
        let shown_type = match param.ty.strip_prefix("ArrayParam<") {
            Some(rest) => format!("array of {}", rest.split(',').next().unwrap_or("")),
            None if param.ty == "str" => "string".to_owned(),
            None => param.ty.clone(),
        };
        modinfo.add(name, "parmtype", &format!("{pname}:{shown_type}"));
        modinfo.add(name, "parm", &format!("{pname}:{}", param.description));
        let _ = write!(
            params,
            "
            /// The `{pname}` parameter: {description}
            #[allow(non_upper_case_globals)]
            pub(crate) static {pname}: ::kernel::module_param::Param<{ty}> =
                ::kernel::module_param::Param::new({default}, &super::THIS_MODULE);

            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            static __{pname}_ops: ::kernel::module_param::KernelParamOps =
                ::kernel::module_param::KernelParamOps::new::<{ty}>();

            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            #[link_section = \"__param\"]
            #[used]
            static __{pname}_param: ::kernel::module_param::KernelParam =
                // SAFETY: both names are NUL-terminated, `THIS_MODULE` is
                // this module's (null when built in), `arg` is the `Param`
                // the operations were made for, and string parameters are
                // read-only (checked above).
                unsafe {{
                    ::kernel::module_param::KernelParam::new(
                        // Built-in parameters are known by their
                        // `module.param` names, as on the command line.
                        if cfg!(MODULE) {{ b\"{pname}\\0\" }} else {{ b\"{name}.{pname}\\0\" }},
                        super::THIS_MODULE.as_ptr(),
                        &__{pname}_ops,
                        __{pname}_perm,
                        ::core::ptr::addr_of!({pname}) as *mut ::core::ffi::c_void,
                    )
                }};
            ",
            description = param.description,
        );
    }

    format!(
        "
        #[cfg(MODULE)]
        extern \"C\" {{
            /// This module's `struct module`, defined by modpost.
            #[doc(hidden)]
            static __this_module: ::kernel::bindings::module;
        }}

        /// The `struct module` of this module (null when built in).
        #[cfg(MODULE)]
        static THIS_MODULE: ::kernel::ThisModule =
            // SAFETY: `__this_module` is this module's.
            unsafe {{ ::kernel::ThisModule::from_ptr(::core::ptr::addr_of!(__this_module) as *mut _) }};

        /// The `struct module` of this module (null when built in).
        #[cfg(not(MODULE))]
        static THIS_MODULE: ::kernel::ThisModule =
            // SAFETY: built-in code has no `struct module`.
            unsafe {{ ::kernel::ThisModule::from_ptr(::core::ptr::null_mut()) }};

        /// The prefix of this module's messages.
        #[doc(hidden)]
        const __LOG_PREFIX: &[u8] = b\"{name}\\0\";

        /// The parameters of this module.
        #[allow(dead_code)]
        pub(crate) mod module_parameters {{
            #[allow(unused_imports)]
            use super::*;
            {params}
        }}

        {modinfo}

        /// The module's state, between `init` and `exit`.
        static mut __MOD: ::core::option::Option<{ty}> = ::core::option::Option::None;

        /// Runs the module's `init`, keeping the module on success.
        fn __init() -> ::core::ffi::c_int {{
            match <{ty} as ::kernel::Module>::init(&THIS_MODULE) {{
                Ok(m) => {{
                    // SAFETY: `__init` runs once, before `__exit` and before
                    // anything else could see `__MOD`.
                    unsafe {{ *::core::ptr::addr_of_mut!(__MOD) = Some(m) }};
                    0
                }}
                Err(e) => e.to_errno(),
            }}
        }}

        /// Drops the module's state.
        fn __exit() {{
            // SAFETY: `__exit` runs once, after `__init` succeeded, and
            // nothing else uses `__MOD`.
            unsafe {{ *::core::ptr::addr_of_mut!(__MOD) = None }};
        }}

        /// Entry point of the loadable module.
        #[cfg(MODULE)]
        #[doc(hidden)]
        #[no_mangle]
        pub extern \"C\" fn init_module() -> ::core::ffi::c_int {{
            __init()
        }}

        /// Exit point of the loadable module.
        #[cfg(MODULE)]
        #[doc(hidden)]
        #[no_mangle]
        pub extern \"C\" fn cleanup_module() {{
            __exit()
        }}

        /// Entry point of the built-in module, run as a device initcall.
        #[cfg(not(MODULE))]
        #[doc(hidden)]
        #[no_mangle]
        pub extern \"C\" fn __{name}_init() -> ::core::ffi::c_int {{
            __init()
        }}

        // The initcall entry, as `device_initcall()` makes it: with
        // `CONFIG_HAVE_ARCH_PREL32_RELOCATIONS` an offset to the function,
        // otherwise a pointer to it.
        #[cfg(all(not(MODULE), CONFIG_HAVE_ARCH_PREL32_RELOCATIONS))]
        ::core::arch::global_asm!(
            \".section .initcall6.init, \\\"a\\\"\",
            \".balign 4\",
            \"__{name}_initcall:\",
            \"    .long __{name}_init - .\",
            \".previous\",
        );

        #[cfg(all(not(MODULE), not(CONFIG_HAVE_ARCH_PREL32_RELOCATIONS)))]
        #[doc(hidden)]
        #[link_section = \".initcall6.init\"]
        #[used]
        static __{name}_initcall: extern \"C\" fn() -> ::core::ffi::c_int = __{name}_init;
        ",
        ty = info.ty,
        modinfo = modinfo.emit(name),
    )
    .parse()
    .unwrap_or_else(|err| error(&format!("module! generated invalid code: {err}")))
}
