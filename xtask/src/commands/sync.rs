//! `cargo xtask sync`: brings commits made in `build/tree` back into
//! `linux/`, `diffs/` and `series.toml` (see `tree::sync`).

use crate::commands::{ensure, Needs};
use crate::leaf::ctx::Ctx;
use crate::leaf::manifest;
use crate::leaf::process::step;
use crate::source::repo;
use crate::tree::sync::sync;
use anyhow::Result;

pub fn command(ctx: &Ctx) -> Result<()> {
    ensure(
        ctx,
        &Needs {
            base: true,
            ..Needs::default()
        },
    )?;
    let repo = repo::repo(ctx)?;
    let manifest = sync(&ctx.root, &repo.dir, &repo.base)?;
    step(format!(
        "synced {} patches from build/tree into linux/, diffs/ and {}",
        manifest.patches.len(),
        manifest::FILE
    ));
    Ok(())
}
