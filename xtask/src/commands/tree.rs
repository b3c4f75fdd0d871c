//! `cargo xtask tree`: materialises the patched tree in `build/tree` (see
//! `tree::checkout`).

use crate::commands::{ensure, Needs};
use crate::leaf::ctx::Ctx;
use crate::leaf::process::step;
use crate::tree::checkout::checkout;
use anyhow::Result;

/// `cargo xtask tree [--force]`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Drop the work in build/tree that is not in the series (commits not
    /// synced, edits) and check the series out again
    #[arg(long)]
    pub force: bool,
}

pub fn command(ctx: &Ctx, options: &Options) -> Result<()> {
    ensure(ctx, &Needs::tree())?;
    let repo = checkout(ctx, options.force)?;
    step(format!("the patched tree is in {}", repo.dir.display()));
    Ok(())
}
