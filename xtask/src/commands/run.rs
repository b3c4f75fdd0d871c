//! `cargo xtask run`: the main demonstration. Builds the arm64 kernel,
//! boots it on QEMU's `virt` board and shows the PL061 GPIO controller at
//! work: its lines, and the power button going through it.

use crate::checks::registry;
use crate::checks::runner;
use crate::commands::{ensure, Needs};
use crate::guest::boot;
use crate::guest::scenario;
use crate::kernel::build;
use crate::leaf::ctx::Ctx;
use crate::leaf::process::step;
use anyhow::Result;

pub fn command(ctx: &Ctx) -> Result<()> {
    let all = scenario::load(&ctx.root, &registry::names())?;
    let demo = scenario::find(&all, "demo", None)?;
    ensure(ctx, &Needs::boot([&demo]))?;
    let spec = demo.spec();
    let kernel = build::build(ctx, &spec.tree(ctx)?, &spec)?;
    step(format!(
        "booting {} on QEMU (console log: build/logs/boot-{}.log)",
        kernel.name,
        demo.id()
    ));
    let run = runner::run(ctx, &kernel, &demo, boot::Show::Guest);
    runner::finish(ctx, "run", &demo, &run)
        .map_err(|e| anyhow::anyhow!("the demonstration did not go as expected: {e:#}"))
}
