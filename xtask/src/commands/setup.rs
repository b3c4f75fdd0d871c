//! `cargo xtask setup`: installs what the project needs from Debian's
//! packages and fetches what it downloads (the pristine base, a static
//! busybox for each guest). Every other command makes sure of what it
//! needs the same way (`commands::ensure`), so a fresh machine needs
//! nothing but `cargo xtask test`.

use crate::commands::{ensure, Needs};
use crate::leaf::arch::Arch;
use crate::leaf::ctx::Ctx;
use crate::leaf::process::step;
use crate::source::base;
use anyhow::Result;

pub fn command(ctx: &Ctx) -> Result<()> {
    ensure(
        ctx,
        &Needs {
            packages: true,
            bindgen: true,
            base: true,
            ..Needs::default()
        },
    )?;
    base::ensure(ctx)?;
    ensure(
        ctx,
        &Needs {
            busybox: Arch::ALL.into_iter().collect(),
            ..Needs::default()
        },
    )?;
    step("setup complete");
    Ok(())
}
