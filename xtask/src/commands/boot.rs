//! `cargo xtask boot`: builds a scenario's kernel and boots it (see
//! `guest::boot`), with the checks the scenario declares.

use crate::checks::registry;
use crate::checks::runner;
use crate::commands::{ensure, Needs};
use crate::guest::boot::Show;
use crate::guest::scenario;
use crate::kernel::build;
use crate::leaf::arch::Arch;
use crate::leaf::ctx::Ctx;
use anyhow::Result;

/// `cargo xtask boot --scenario NAME [--arch A] [--verbose]`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// The scenario's name in tests/scenarios.toml
    #[arg(long, value_name = "NAME")]
    pub scenario: String,
    /// Its architecture, arm64 or x86_64, when both have a scenario of
    /// that name
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<Arch>,
    /// Show every console line, not only what the guest's programs print
    #[arg(long)]
    pub verbose: bool,
}

pub fn command(ctx: &Ctx, options: &Options) -> Result<()> {
    let all = scenario::load(&ctx.root, &registry::names())?;
    let scenario = scenario::find(&all, &options.scenario, options.arch)?;
    ensure(ctx, &Needs::boot([&scenario]))?;
    let spec = scenario.spec();
    let kernel = build::build(ctx, &spec.tree(ctx)?, &spec)?;
    let show = if options.verbose {
        Show::All
    } else {
        Show::Guest
    };
    let run = runner::run(ctx, &kernel, &scenario, show);
    runner::finish(ctx, "boot", &scenario, &run)
}
