//! `cargo xtask build`: builds one kernel (see `kernel::build`).

use crate::args::Args;
use crate::commands::{ensure, Needs};
use crate::kernel::build::{build, Spec};
use crate::leaf::arch::{Arch, Rustc};
use crate::leaf::ctx::Ctx;
use crate::leaf::process::step;
use anyhow::{Context, Result};

pub fn command(ctx: &Ctx, args: &mut Args) -> Result<()> {
    let arch = Arch::parse(&args.value("arch")?.context("--arch is required")?)?;
    let mut spec = Spec::new(arch, &args.values("config")?);
    if let Some(rustc) = args.value("rustc")? {
        spec.rustc = Rustc::parse(&rustc)?;
    }
    spec.pristine = args.flag("pristine");
    args.finish()?;
    ensure(ctx, &Needs::build(spec.rustc))?;
    let kernel = build(ctx, &spec.tree(ctx)?, &spec)?;
    step(format!("kernel image: {}", kernel.image.display()));
    Ok(())
}
