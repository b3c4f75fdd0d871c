//! `cargo xtask tree`: materialises the patched tree in `build/tree` (see
//! `tree::checkout`).

use crate::args::Args;
use crate::commands::{ensure, Needs};
use crate::leaf::ctx::Ctx;
use crate::leaf::process::step;
use crate::tree::checkout::checkout;
use anyhow::Result;

pub fn command(ctx: &Ctx, args: &mut Args) -> Result<()> {
    let force = args.flag("force");
    args.finish()?;
    ensure(
        ctx,
        &Needs {
            packages: true,
            base: true,
            ..Needs::default()
        },
    )?;
    let repo = checkout(ctx, force)?;
    step(format!("the patched tree is in {}", repo.dir.display()));
    Ok(())
}
