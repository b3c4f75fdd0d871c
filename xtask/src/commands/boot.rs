//! `cargo xtask boot`: builds a scenario's kernel and boots it (see
//! `guest::boot`), with the checks the scenario declares.

use crate::args::Args;
use crate::checks::registry;
use crate::checks::runner;
use crate::commands::{ensure, Needs};
use crate::guest::boot::Show;
use crate::guest::scenario;
use crate::kernel::build;
use crate::leaf::arch::Arch;
use crate::leaf::ctx::Ctx;
use anyhow::{Context, Result};

pub fn command(ctx: &Ctx, args: &mut Args) -> Result<()> {
    let name = args.value("scenario")?.context("--scenario is required")?;
    let arch = args.value("arch")?.map(|a| Arch::parse(&a)).transpose()?;
    let verbose = args.flag("verbose");
    args.finish()?;
    let all = scenario::load(&ctx.root, &registry::names())?;
    let scenario = scenario::find(&all, &name, arch)?;
    ensure(ctx, &Needs::boot([&scenario]))?;
    let spec = scenario.spec();
    let kernel = build::build(ctx, &spec.tree(ctx)?, &spec)?;
    let show = if verbose { Show::All } else { Show::Guest };
    let run = runner::run(ctx, &kernel, &scenario, show);
    runner::finish(ctx, "boot", &scenario, &run)
}
