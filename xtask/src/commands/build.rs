//! `cargo xtask build`: builds one kernel (see `kernel::build`).

use crate::commands::{ensure, Needs};
use crate::kernel::build::{build, Spec};
use crate::leaf::arch::{Arch, Rustc};
use crate::leaf::ctx::Ctx;
use crate::leaf::process::step;
use anyhow::Result;

/// `cargo xtask build --arch A [--config FRAGMENT]... [--rustc R] [--pristine]`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// The architecture: arm64 or x86_64
    #[arg(long, value_name = "ARCH")]
    pub arch: Arch,
    /// A Kconfig fragment on top of allnoconfig, tests/configs/base.config
    /// and the architecture's: a name in tests/configs/ or a path (may be
    /// given several times)
    #[arg(long = "config", value_name = "FRAGMENT")]
    pub configs: Vec<String>,
    /// The Rust compiler: current (/usr/bin/rustc) or minimum (the oldest
    /// supported, Debian bookworm's rustc-web, unpacked into the cache)
    #[arg(long, value_name = "RUSTC", default_value = "current")]
    pub rustc: Rustc,
    /// Build pristine 5.10.223 (checked out in build/pristine) instead of
    /// the patched tree
    #[arg(long)]
    pub pristine: bool,
}

pub fn command(ctx: &Ctx, options: &Options) -> Result<()> {
    let spec = Spec {
        rustc: options.rustc,
        pristine: options.pristine,
        ..Spec::new(options.arch, &options.configs)
    };
    ensure(ctx, &Needs::build(spec.rustc))?;
    let kernel = build(ctx, &spec.tree(ctx)?, &spec)?;
    step(format!("kernel image: {}", kernel.image.display()));
    Ok(())
}
