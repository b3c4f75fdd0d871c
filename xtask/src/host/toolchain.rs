//! The toolchain every kernel build uses, and where the tools that setup
//! fetched live: lookups only. Nothing here installs or downloads; a tool
//! that is missing is an error that says which command fetches it (see
//! `host::packages` for the fetching).

use crate::leaf::arch::{Arch, Rustc};
use crate::leaf::ctx::Ctx;
use crate::leaf::process;
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the LLVM 19 tools live; 5.10 does not understand `LLVM=-19`.
pub const LLVM_BIN: &str = "/usr/lib/llvm-19/bin";

/// PATH with LLVM_BIN first: 5.10 finds clang and the LLVM tools by their
/// unsuffixed names.
pub fn llvm_path() -> String {
    format!("{LLVM_BIN}:{}", std::env::var("PATH").unwrap_or_default())
}

/// The make command for a kernel tree and output directory. The Rust tools
/// are named explicitly: the first `rustc` in PATH may be one without its
/// library source (such as rustup's), which the kernel cannot use.
pub fn make(ctx: &Ctx, tree: &Path, out: &Path, arch: Arch, rustc: Rustc) -> Result<Command> {
    let mut cmd = Command::new("make");
    let path = llvm_path();
    cmd.arg("-C")
        .arg(tree)
        .arg(format!("O={}", out.display()))
        .args(arch_vars(arch))
        .args(["LLVM=1", "LLVM_IAS=1", "LOCALVERSION="])
        .args(rustc_vars(ctx, rustc)?)
        .arg("RUSTFMT=/usr/bin/rustfmt")
        .arg("CLIPPY_DRIVER=/usr/bin/clippy-driver")
        .arg(format!("BINDGEN={}", bindgen(ctx)?.display()))
        .env("PATH", path);
    Ok(cmd)
}

/// `ARCH=` and, for arm64, the `CROSS_COMPILE=` prefix for make.
fn arch_vars(arch: Arch) -> Vec<String> {
    let mut v = vec![format!("ARCH={}", arch.name())];
    if arch == Arch::Arm64 {
        v.push(format!("CROSS_COMPILE={}-", arch.triple()));
    }
    v
}

/// `RUSTC=` and `RUSTDOC=` for make.
fn rustc_vars(ctx: &Ctx, rustc: Rustc) -> Result<[String; 2]> {
    let bin = match rustc {
        Rustc::Current => PathBuf::from("/usr/bin"),
        Rustc::Minimum => minimum_rustc(ctx)?,
    };
    Ok([
        format!("RUSTC={}", bin.join("rustc").display()),
        format!("RUSTDOC={}", bin.join("rustdoc").display()),
    ])
}

/// The bindgen-cli that `cargo install` builds: the newest release when this
/// was written (it needs Rust 1.71 or later to build), well above the
/// series' minimum, 0.65.1. Pinned, with `--locked`, so that every machine
/// generates the bindings with the same bindgen; a new pin is installed
/// beside the old one, since the cache path names the version.
pub const BINDGEN_VERSION: &str = "0.73.2";

/// Where `cargo install` puts bindgen-cli BINDGEN_VERSION (its `--root`).
pub fn bindgen_root(ctx: &Ctx) -> PathBuf {
    ctx.cache.join(format!("bindgen-{BINDGEN_VERSION}"))
}

/// bindgen from crates.io (Debian 12's 0.60 is older than the series'
/// minimum), built into the cache by `host::packages::install_bindgen`.
pub fn bindgen(ctx: &Ctx) -> Result<PathBuf> {
    let bin = bindgen_root(ctx).join("bin/bindgen");
    if !bin.exists() {
        bail!(
            "bindgen-cli {BINDGEN_VERSION} is not built yet (no {}): run `cargo xtask setup`",
            bin.display()
        );
    }
    Ok(bin)
}

/// Where the static busybox for a guest architecture is unpacked.
pub fn busybox_dir(ctx: &Ctx, arch: Arch) -> PathBuf {
    ctx.cache.join("busybox").join(arch.debian())
}

/// The static busybox for the guest architecture, from Debian's
/// `busybox-static` package (fetched by `host::packages::fetch_busybox`).
pub fn busybox(ctx: &Ctx, arch: Arch) -> Result<PathBuf> {
    let bin = busybox_dir(ctx, arch).join("bin/busybox");
    if !bin.exists() {
        bail!(
            "there is no static busybox for {} yet (no {}): run `cargo xtask setup`",
            arch.debian(),
            bin.display()
        );
    }
    Ok(bin)
}

/// Where the oldest supported rustc is unpacked: `bin/` holds its `rustc`
/// and `rustdoc` wrappers, `root/` the unpacked packages.
pub fn minimum_rustc_root(ctx: &Ctx) -> PathBuf {
    ctx.cache.join("rustc-minimum")
}

/// The version a `rustc` in `bin` reports, if it runs.
pub fn rustc_version_in(bin: &Path) -> Option<String> {
    process::output(Command::new(bin.join("rustc")).arg("--version")).ok()
}

/// The oldest rustc the series supports: Debian bookworm's own `rustc-web`,
/// unpacked into the cache by `host::packages::fetch_minimum_rustc`.
/// Returns the directory with its `rustc` and `rustdoc` wrappers, once they
/// run and report the version the series declares.
pub fn minimum_rustc(ctx: &Ctx) -> Result<PathBuf> {
    let bin = minimum_rustc_root(ctx).join("bin");
    let min = minimum_rustc_version(ctx)?;
    match rustc_version_in(&bin) {
        Some(v) if v.starts_with(&format!("rustc {min} ")) => Ok(bin),
        other => bail!(
            "the oldest supported rustc, {min}, is not unpacked in {} ({}): commands that build \
             with it fetch it first (`cargo xtask build --arch x86_64 --rustc minimum`)",
            bin.display(),
            match other {
                Some(v) => format!("found {v}"),
                None => "no rustc there runs".into(),
            }
        ),
    }
}

/// `rust_min_version` from the series' scripts/rust_is_available.sh.
pub fn minimum_rustc_version(ctx: &Ctx) -> Result<String> {
    let script = ctx.root.join("linux/scripts/rust_is_available.sh");
    let text =
        fs::read_to_string(&script).with_context(|| format!("cannot read {}", script.display()))?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("rust_min_version="))
        .map(|v| v.trim().to_owned())
        .with_context(|| format!("{} sets no rust_min_version", script.display()))
}

/// The tools whose versions a results file records.
pub fn tool_versions(ctx: &Ctx) -> Vec<(&'static str, Command)> {
    let mut tools = vec![
        ("rustc", Command::new("/usr/bin/rustc")),
        ("clang", Command::new(format!("{LLVM_BIN}/clang"))),
        ("qemu-system-aarch64", Command::new("qemu-system-aarch64")),
        ("qemu-system-x86_64", Command::new("qemu-system-x86_64")),
    ];
    if let Ok(bindgen) = bindgen(ctx) {
        tools.push(("bindgen", Command::new(bindgen)));
    }
    let minimum = minimum_rustc_root(ctx).join("bin/rustc");
    if minimum.exists() {
        tools.push(("rustc-minimum", Command::new(minimum)));
    }
    tools
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(v: &str) -> Vec<u32> {
        v.split('.').map(|n| n.parse().unwrap()).collect()
    }

    /// The pinned bindgen must be one the series' own check accepts.
    #[test]
    fn bindgen_pin_meets_the_series_minimum() {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../linux/scripts/rust_is_available.sh");
        let text = fs::read_to_string(script).unwrap();
        let min = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("bindgen_min_version="))
            .unwrap()
            .trim();
        assert!(
            version(BINDGEN_VERSION) >= version(min),
            "bindgen-cli {BINDGEN_VERSION} is older than the series' minimum {min}"
        );
    }
}
