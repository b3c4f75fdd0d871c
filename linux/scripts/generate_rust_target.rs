// SPDX-License-Identifier: GPL-2.0

//! Writes the target specification rustc builds the kernel's Rust code for.
//!
//! The C side of the kernel is compiled with flags chosen from the kernel
//! configuration (no floating point or SIMD registers, the kernel code model,
//! no red zone, frame pointers...). Rust code must agree with it, and rustc
//! takes most of those choices from the target rather than from flags, so the
//! target is generated from `include/config/auto.conf`.
//!
//! Usage: `generate_rust_target AUTO_CONF DATA_LAYOUT > target.json`
//!
//! `DATA_LAYOUT` is LLVM's data layout for the architecture, as the compiler
//! that will read the specification knows it: rustc refuses a custom target
//! whose layout differs from the one of its LLVM, and that layout changes
//! between LLVM releases, so Kbuild asks rustc for it.
//!
//! The format of target specifications is unstable; where it changed between
//! the supported compiler versions, `CONFIG_RUSTC_VERSION` picks the spelling.

use std::collections::HashMap;
use std::fmt::{self, Display, Write as _};
use std::fs;
use std::process;

/// The options of the kernel configuration, as `auto.conf` lists them.
struct KernelConfig(HashMap<String, String>);

impl KernelConfig {
    /// Parses the `CONFIG_FOO=value` lines of an `auto.conf` file.
    fn parse(text: &str) -> Self {
        let options = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('='))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        Self(options)
    }

    /// Whether a `bool` option is enabled.
    fn has(&self, option: &str) -> bool {
        self.0.get(option).is_some_and(|value| value == "y")
    }

    /// The value of an `int` option.
    fn int(&self, option: &str) -> Option<u64> {
        self.0.get(option)?.parse().ok()
    }

    /// Whether the Rust compiler is the given version or newer.
    fn rustc_at_least(&self, major: u64, minor: u64, patch: u64) -> bool {
        let wanted = major * 100_000 + minor * 100 + patch;
        self.int("CONFIG_RUSTC_VERSION").unwrap_or(0) >= wanted
    }
}

/// A JSON value, as much of it as target specifications use.
enum Value {
    Bool(bool),
    Number(u64),
    String(String),
}

impl Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(value) => write!(f, "{value}"),
            Value::Number(value) => write!(f, "{value}"),
            // Nothing written here needs escaping but these two.
            Value::String(value) => {
                f.write_char('"')?;
                for c in value.chars() {
                    if c == '"' || c == '\\' {
                        f.write_char('\\')?;
                    }
                    f.write_char(c)?;
                }
                f.write_char('"')
            }
        }
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<u64> for Value {
    fn from(value: u64) -> Self {
        Value::Number(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::String(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::String(value)
    }
}

/// A target specification: a flat JSON object, written in insertion order.
#[derive(Default)]
struct TargetSpec(Vec<(&'static str, Value)>);

impl TargetSpec {
    fn set(&mut self, key: &'static str, value: impl Into<Value>) {
        self.0.retain(|(k, _)| *k != key);
        self.0.push((key, value.into()));
    }
}

impl Display for TargetSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{{")?;
        for (i, (key, value)) in self.0.iter().enumerate() {
            let comma = if i + 1 < self.0.len() { "," } else { "" };
            writeln!(f, "    \"{key}\": {value}{comma}")?;
        }
        writeln!(f, "}}")
    }
}

/// Fills in what depends on the architecture, or fails if it has no Rust
/// support.
fn arch_spec(spec: &mut TargetSpec, cfg: &KernelConfig) -> Result<(), String> {
    if cfg.has("CONFIG_X86_64") {
        spec.set("arch", "x86_64");
        spec.set("llvm-target", "x86_64-linux-gnu");
        spec.set("cpu", "x86-64");
        // `-mcmodel=kernel`: the kernel lives in the top 2 GiB.
        spec.set("code-model", "kernel");
        // The C side builds with `-mno-sse -mno-mmx -mno-avx -msoft-float`:
        // the FPU state is the user's, and floats are not used.
        let mut features = String::from("-mmx,-sse,-sse2,-sse3,-ssse3,-sse4.1,-sse4.2");
        features.push_str(",-avx,-avx2,+soft-float");
        if cfg.has("CONFIG_RETPOLINE") {
            // `-mretpoline-external-thunk`: indirect branches go through the
            // kernel's __x86_indirect_thunk_* functions.
            features.push_str(",+retpoline-external-thunk");
            features.push_str(",+retpoline-indirect-branches");
            features.push_str(",+retpoline-indirect-calls");
        }
        if cfg.has("CONFIG_SLS") {
            // `-mharden-sls=all`: a trap after every return and indirect
            // jump, against straight-line speculation.
            features.push_str(",+harden-sls-ret,+harden-sls-ijmp");
        }
        spec.set("features", features);
        // Since 1.86, disabling SSE needs the soft-float Rust ABI, so that
        // no float is passed in a register that does not exist. 1.96 calls
        // it "softfloat" but still accepts the older name.
        if cfg.rustc_at_least(1, 86, 0) {
            spec.set("rustc-abi", "x86-softfloat");
        }
        spec.set("max-atomic-width", 64u64);
    } else if cfg.has("CONFIG_ARM64") {
        spec.set("arch", "aarch64");
        spec.set("llvm-target", "aarch64-linux-gnu");
        // `-mgeneral-regs-only`: no FP/SIMD registers in the kernel, which
        // in turn needs the soft-float ABI. rustc tells it by the target's
        // `abi` field, and from 1.96 on by `rustc-abi` as well.
        spec.set("abi", "softfloat");
        if cfg.rustc_at_least(1, 96, 0) {
            spec.set("rustc-abi", "softfloat");
        }
        // CONFIG_RUST excludes SHADOW_CALL_STACK, so x18 stays an ordinary
        // register, as for C code without it.
        spec.set("features", "-neon,-fp-armv8");
        spec.set("max-atomic-width", 128u64);
    } else {
        return Err("the architecture has no Rust support".to_owned());
    }
    Ok(())
}

fn generate(cfg: &KernelConfig, data_layout: &str) -> Result<TargetSpec, String> {
    let mut spec = TargetSpec::default();

    arch_spec(&mut spec, cfg)?;
    spec.set("data-layout", data_layout);

    // Until 1.91 the pointer width was a string.
    if cfg.rustc_at_least(1, 91, 0) {
        spec.set("target-pointer-width", 64u64);
    } else {
        spec.set("target-pointer-width", "64");
    }
    spec.set("target-endian", "little");

    // The kernel is freestanding: no unwinding, no red zone (interrupts
    // use the same stack), addresses resolved at link time.
    spec.set("panic-strategy", "abort");
    spec.set("disable-redzone", true);
    spec.set("relocation-model", "static");
    spec.set("emit-debug-gdb-scripts", false);

    // Frame pointers as the C side keeps them, so that the unwinders that
    // rely on them can walk through Rust functions.
    let frame_pointer = if cfg.has("CONFIG_FRAME_POINTER") {
        "always"
    } else {
        "may-omit"
    };
    spec.set("frame-pointer", frame_pointer);

    Ok(spec)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: {} AUTO_CONF DATA_LAYOUT", args[0]);
        process::exit(2);
    }

    let text = fs::read_to_string(&args[1]).unwrap_or_else(|err| {
        eprintln!("{}: cannot read {}: {err}", args[0], args[1]);
        process::exit(1);
    });
    let cfg = KernelConfig::parse(&text);

    match generate(&cfg, &args[2]) {
        Ok(spec) => print!("{spec}"),
        Err(err) => {
            eprintln!("{}: {err}", args[0]);
            process::exit(1);
        }
    }
}
